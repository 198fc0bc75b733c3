// SPDX-License-Identifier: GPL-2.0
/* loader__load_elf(): placement, BSS, entry, and every way an image is refused. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "pvm/guest-mem.h"
#include "pvm/loader.h"
#include "testvm.h"

#include "kselftest_harness.h"

#define L_RAM (8 * SZ_1M)
#define L_BASE 0x400000ULL
#define L_IMG (64 * SZ_1K)
#define FILL 0xAA

FIXTURE(loader) {
	struct guest_mem gm;
	u8 *ram;
	u8 *img;
	struct load_info li;
};

FIXTURE_SETUP(loader)
{
	memset(&self->gm, 0, sizeof(self->gm));
	self->ram = malloc(L_RAM);
	self->img = malloc(L_IMG);
	ASSERT_NE(NULL, self->ram);
	ASSERT_NE(NULL, self->img);
	memset(self->ram, FILL, L_RAM);
	ASSERT_EQ(0, gmem__add(&self->gm, 0, L_RAM, self->ram));
	memset(&self->li, 0x55, sizeof(self->li));
}

FIXTURE_TEARDOWN(loader)
{
	free(self->ram);
	free(self->img);
}

/* True when all n bytes at p are v. */
static bool all_bytes(const u8 *p, u64 n, u8 v)
{
	u64 i;

	for (i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

/* Segment s landed at gpa dest: file bytes, then zeroes up to memsz. */
static bool seg_loaded(const u8 *ram, u64 dest, const struct test_seg *s)
{
	u64 i;

	for (i = 0; i < s->filesz; i++)
		if (ram[dest + i] != test_elf__byte(s, i))
			return false;
	return all_bytes(ram + dest + s->filesz, s->memsz - s->filesz, 0);
}

static size_t build1(u8 *img, bool be, const struct test_seg *s)
{
	return test_elf__build(img, L_IMG, be, EM_PPC64, 0xc000000000000100ULL, s, 1);
}

static const struct test_seg simple = {
	.type = PT_LOAD, .paddr = 0, .filesz = 0x300, .memsz = 0x300, .seed = 7,
};

TEST_F(loader, le_single_segment)
{
	size_t len = build1(self->img, false, &simple);

	ASSERT_NE(0U, len);
	ASSERT_EQ(0, loader__load_elf(&self->gm, L_BASE, L_RAM, self->img, len, &self->li));
	EXPECT_TRUE(seg_loaded(self->ram, L_BASE, &simple));
	EXPECT_EQ(L_BASE + 0x100, self->li.entry);
	EXPECT_EQ(L_BASE, self->li.low);
	EXPECT_EQ(L_BASE + 0x300, self->li.high);
	/* Nothing around it was touched. */
	EXPECT_TRUE(all_bytes(self->ram, L_BASE, FILL));
	EXPECT_TRUE(all_bytes(self->ram + L_BASE + 0x300, L_RAM - L_BASE - 0x300, FILL));
}

TEST_F(loader, be_two_segments_with_bss)
{
	/* p_paddr's top nibble is dropped, as QEMU does for -kernel. */
	struct test_seg segs[2] = {
		{ .type = PT_LOAD, .paddr = 0xc0000000ULL, .filesz = 0x1234, .memsz = 0x1234, .seed = 1 },
		{ .type = PT_LOAD, .paddr = 0x10020000ULL, .filesz = 0x80, .memsz = 0x2000, .seed = 0x90 },
	};
	size_t len = test_elf__build(self->img, L_IMG, true, EM_PPC64,
				     0xc000000000000040ULL, segs, 2);

	ASSERT_NE(0U, len);
	ASSERT_EQ(0, loader__load_elf(&self->gm, L_BASE, L_RAM, self->img, len, &self->li));
	EXPECT_TRUE(seg_loaded(self->ram, L_BASE, &segs[0]));
	EXPECT_TRUE(seg_loaded(self->ram, L_BASE + 0x20000, &segs[1]));
	/* The BSS was zeroed over the 0xAA fill, and not one byte further. */
	EXPECT_EQ(0, self->ram[L_BASE + 0x20000 + 0x1fff]);
	EXPECT_EQ(FILL, self->ram[L_BASE + 0x20000 + 0x2000]);
	EXPECT_EQ(FILL, self->ram[L_BASE + 0x1234]);
	EXPECT_EQ(L_BASE + 0x40, self->li.entry);
	EXPECT_EQ(L_BASE, self->li.low);
	EXPECT_EQ(L_BASE + 0x22000, self->li.high);
}

TEST_F(loader, low_is_lowest_segment)
{
	struct test_seg segs[2] = {
		{ .type = PT_LOAD, .paddr = 0x30000, .filesz = 0x10, .memsz = 0x10, .seed = 3 },
		{ .type = PT_LOAD, .paddr = 0x10000, .filesz = 0x10, .memsz = 0x100, .seed = 4 },
	};
	size_t len = test_elf__build(self->img, L_IMG, false, EM_PPC64, 0x30000, segs, 2);

	ASSERT_EQ(0, loader__load_elf(&self->gm, L_BASE, L_RAM, self->img, len, &self->li));
	EXPECT_EQ(L_BASE + 0x10000, self->li.low);
	EXPECT_EQ(L_BASE + 0x30010, self->li.high);
	EXPECT_EQ(L_BASE + 0x30000, self->li.entry);
	EXPECT_TRUE(seg_loaded(self->ram, L_BASE + 0x10000, &segs[1]));
	EXPECT_TRUE(seg_loaded(self->ram, L_BASE + 0x30000, &segs[0]));
}

TEST_F(loader, other_segments_ignored)
{
	struct test_seg segs[2] = {
		{ .type = PT_NOTE, .paddr = 0x100000, .filesz = 0x20, .memsz = 0x20, .seed = 9 },
		simple,
	};
	size_t len = test_elf__build(self->img, L_IMG, false, EM_PPC64, 0, segs, 2);

	ASSERT_EQ(0, loader__load_elf(&self->gm, L_BASE, L_RAM, self->img, len, &self->li));
	EXPECT_TRUE(all_bytes(self->ram + L_BASE + 0x100000, 0x20, FILL));
	EXPECT_EQ(L_BASE, self->li.low);
	EXPECT_EQ(L_BASE + 0x300, self->li.high);
	EXPECT_EQ(L_BASE, self->li.entry);
}

TEST_F(loader, not_elf)
{
	static const char text[] = "#!/bin/sh\necho this is not a kernel\n";
	size_t len;

	EXPECT_EQ(-ENOEXEC, loader__load_elf(&self->gm, L_BASE, L_RAM, text,
					     sizeof(text) - 1, &self->li));
	EXPECT_EQ(-ENOEXEC, loader__load_elf(&self->gm, L_BASE, L_RAM, text, 0, &self->li));
	/* A header cut short, even with the magic intact. */
	len = build1(self->img, false, &simple);
	ASSERT_NE(0U, len);
	EXPECT_EQ(-ENOEXEC, loader__load_elf(&self->gm, L_BASE, L_RAM, self->img, 4, &self->li));
	EXPECT_EQ(-ENOEXEC, loader__load_elf(&self->gm, L_BASE, L_RAM, self->img,
					     sizeof(Elf64_Ehdr) - 1, &self->li));
	EXPECT_TRUE(all_bytes(self->ram, L_RAM, FILL));
}

TEST_F(loader, wrong_class_data_machine)
{
	size_t len = build1(self->img, false, &simple);

	self->img[EI_CLASS] = ELFCLASS32;
	EXPECT_EQ(-ENOEXEC, loader__load_elf(&self->gm, L_BASE, L_RAM, self->img, len, &self->li));
	self->img[EI_CLASS] = ELFCLASS64;
	self->img[EI_DATA] = ELFDATANONE;
	EXPECT_EQ(-ENOEXEC, loader__load_elf(&self->gm, L_BASE, L_RAM, self->img, len, &self->li));

	len = test_elf__build(self->img, L_IMG, false, EM_X86_64, 0, &simple, 1);
	EXPECT_EQ(-ENOEXEC, loader__load_elf(&self->gm, L_BASE, L_RAM, self->img, len, &self->li));
	len = test_elf__build(self->img, L_IMG, true, EM_PPC, 0, &simple, 1);
	EXPECT_EQ(-ENOEXEC, loader__load_elf(&self->gm, L_BASE, L_RAM, self->img, len, &self->li));
	/* An LE header whose machine reads EM_PPC64 only big-endian. */
	len = build1(self->img, false, &simple);
	test_elf__put(self->img + offsetof(Elf64_Ehdr, e_machine), EM_PPC64, 2, true);
	EXPECT_EQ(-ENOEXEC, loader__load_elf(&self->gm, L_BASE, L_RAM, self->img, len, &self->li));
	EXPECT_TRUE(all_bytes(self->ram, L_RAM, FILL));
}

TEST_F(loader, bad_program_headers)
{
	size_t len = build1(self->img, true, &simple);
	u8 *ph = self->img + offsetof(Elf64_Ehdr, e_phoff);

	test_elf__put(ph, len + 8, 8, true);
	EXPECT_EQ(-EINVAL, loader__load_elf(&self->gm, L_BASE, L_RAM, self->img, len, &self->li));
	test_elf__put(ph, ~0ULL - 8, 8, true);
	EXPECT_EQ(-EINVAL, loader__load_elf(&self->gm, L_BASE, L_RAM, self->img, len, &self->li));
	/* The table starts in the file but runs past its end. */
	test_elf__put(ph, len - sizeof(Elf64_Phdr) / 2, 8, true);
	EXPECT_EQ(-EINVAL, loader__load_elf(&self->gm, L_BASE, L_RAM, self->img, len, &self->li));
	test_elf__put(ph, sizeof(Elf64_Ehdr), 8, true);

	test_elf__put(self->img + offsetof(Elf64_Ehdr, e_phentsize), 32, 2, true);
	EXPECT_EQ(-EINVAL, loader__load_elf(&self->gm, L_BASE, L_RAM, self->img, len, &self->li));
	test_elf__put(self->img + offsetof(Elf64_Ehdr, e_phentsize), sizeof(Elf64_Phdr), 2, true);

	test_elf__put(self->img + offsetof(Elf64_Ehdr, e_phnum), 0, 2, true);
	EXPECT_EQ(-EINVAL, loader__load_elf(&self->gm, L_BASE, L_RAM, self->img, len, &self->li));
	test_elf__put(self->img + offsetof(Elf64_Ehdr, e_phnum), 0xffff, 2, true);
	EXPECT_EQ(-EINVAL, loader__load_elf(&self->gm, L_BASE, L_RAM, self->img, len, &self->li));
	EXPECT_TRUE(all_bytes(self->ram, L_RAM, FILL));
}

TEST_F(loader, segment_outside_file)
{
	struct test_seg s = simple;
	size_t len = build1(self->img, false, &s);

	ASSERT_NE(0U, len);
	/* Starts past the end of the file. */
	s.offset = len + 0x100;
	build1(self->img, false, &s);
	EXPECT_EQ(-EINVAL, loader__load_elf(&self->gm, L_BASE, L_RAM, self->img, len, &self->li));
	/* Starts inside, ends outside. */
	s.offset = len - 0x10;
	build1(self->img, false, &s);
	EXPECT_EQ(-EINVAL, loader__load_elf(&self->gm, L_BASE, L_RAM, self->img, len, &self->li));
	/* offset + filesz wraps around. */
	s.offset = 0x10;
	s.filesz = s.memsz = ~0ULL - 8;
	build1(self->img, false, &s);
	EXPECT_EQ(-EINVAL, loader__load_elf(&self->gm, L_BASE, L_RAM, self->img, len, &self->li));
	EXPECT_TRUE(all_bytes(self->ram, L_RAM, FILL));
}

TEST_F(loader, filesz_above_memsz)
{
	struct test_seg s = simple;
	size_t len;

	s.memsz = s.filesz - 1;
	len = build1(self->img, false, &s);
	EXPECT_EQ(-EINVAL, loader__load_elf(&self->gm, L_BASE, L_RAM, self->img, len, &self->li));
	EXPECT_TRUE(all_bytes(self->ram, L_RAM, FILL));
}

TEST_F(loader, no_loadable_segment)
{
	struct test_seg s = simple;
	size_t len;

	s.type = PT_NOTE;
	len = build1(self->img, false, &s);
	EXPECT_EQ(-EINVAL, loader__load_elf(&self->gm, L_BASE, L_RAM, self->img, len, &self->li));
	/* A PT_LOAD of zero size loads nothing either. */
	s.type = PT_LOAD;
	s.filesz = s.memsz = 0;
	len = build1(self->img, false, &s);
	EXPECT_EQ(-EINVAL, loader__load_elf(&self->gm, L_BASE, L_RAM, self->img, len, &self->li));
	EXPECT_TRUE(all_bytes(self->ram, L_RAM, FILL));
}

TEST_F(loader, up_to_limit_fits)
{
	struct test_seg s = { .type = PT_LOAD, .paddr = 0x10000, .filesz = 0x100, .memsz = 0x1000, .seed = 5 };
	size_t len = build1(self->img, false, &s);

	/* Ends exactly at the limit. */
	ASSERT_EQ(0, loader__load_elf(&self->gm, L_BASE, L_BASE + 0x11000, self->img, len, &self->li));
	EXPECT_EQ(L_BASE + 0x11000, self->li.high);
	EXPECT_TRUE(seg_loaded(self->ram, L_BASE + 0x10000, &s));
}

TEST_F(loader, above_limit_writes_nothing)
{
	/* The first segment would fit: two passes mean it is not written. */
	struct test_seg segs[2] = {
		simple,
		{ .type = PT_LOAD, .paddr = 0x10000, .filesz = 0x100, .memsz = 0x1001, .seed = 5 },
	};
	size_t len = test_elf__build(self->img, L_IMG, false, EM_PPC64, 0, segs, 2);

	EXPECT_EQ(-E2BIG, loader__load_elf(&self->gm, L_BASE, L_BASE + 0x11000, self->img, len, &self->li));
	/* Only the BSS is too big: still refused. */
	segs[1].memsz = 0x10000000;
	len = test_elf__build(self->img, L_IMG, false, EM_PPC64, 0, segs, 2);
	EXPECT_EQ(-E2BIG, loader__load_elf(&self->gm, L_BASE, L_RAM, self->img, len, &self->li));
	/* A base above the limit. */
	EXPECT_EQ(-E2BIG, loader__load_elf(&self->gm, L_RAM, L_BASE, self->img, len, &self->li));
	EXPECT_TRUE(all_bytes(self->ram, L_RAM, FILL));
}

TEST_F(loader, beyond_ram_writes_nothing)
{
	/* Under the limit but past the end of guest RAM. */
	struct test_seg segs[2] = {
		simple,
		{ .type = PT_LOAD, .paddr = L_RAM - L_BASE - 0x80, .filesz = 0x100, .memsz = 0x100, .seed = 5 },
	};
	size_t len = test_elf__build(self->img, L_IMG, true, EM_PPC64, 0, segs, 2);

	EXPECT_EQ(-E2BIG, loader__load_elf(&self->gm, L_BASE, SZ_1G, self->img, len, &self->li));
	EXPECT_TRUE(all_bytes(self->ram, L_RAM, FILL));
}

TEST_F(loader, probe_mode)
{
	struct test_seg segs[2] = {
		simple,
		/* Far outside RAM, yet below the limit: probing does not care. */
		{ .type = PT_LOAD, .paddr = 0x4000000, .filesz = 0x10, .memsz = 0x800, .seed = 5 },
	};
	size_t len = test_elf__build(self->img, L_IMG, true, EM_PPC64,
				     0xc000000000000200ULL, segs, 2);

	ASSERT_EQ(0, loader__load_elf(NULL, L_BASE, SZ_1G, self->img, len, &self->li));
	EXPECT_EQ(L_BASE + 0x200, self->li.entry);
	EXPECT_EQ(L_BASE, self->li.low);
	EXPECT_EQ(L_BASE + 0x4000800, self->li.high);
	EXPECT_TRUE(all_bytes(self->ram, L_RAM, FILL));
	/* Probing still applies every check. */
	EXPECT_EQ(-E2BIG, loader__load_elf(NULL, L_BASE, L_BASE + 0x1000, self->img, len, &self->li));
	self->img[EI_CLASS] = ELFCLASS32;
	EXPECT_EQ(-ENOEXEC, loader__load_elf(NULL, L_BASE, SZ_1G, self->img, len, &self->li));
}

TEST(loader_strerror)
{
	EXPECT_NE(NULL, strstr(loader__strerror(-ENOEXEC), "ELF"));
	EXPECT_NE(NULL, strstr(loader__strerror(-EINVAL), "malformed"));
	EXPECT_NE(NULL, strstr(loader__strerror(-E2BIG), "fit"));
	EXPECT_STREQ(strerror(ENOENT), loader__strerror(-ENOENT));
}

/*
 * The image is read into pvm's own memory: truncating or rewriting the file
 * afterwards changes nothing (a mapping of the file would SIGBUS pvm).
 */
TEST_F(loader, read_file_survives_truncation)
{
	char path[64];
	size_t len = build1(self->img, false, &simple), got;
	void *data;
	int fd;

	snprintf(path, sizeof(path), "/tmp/pvm-test-kernel-%d", getpid());
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)len, write(fd, self->img, len));
	close(fd);
	ASSERT_EQ(0, loader__read_file(path, SZ_1M, &data, &got));
	ASSERT_EQ(len, got);
	EXPECT_EQ(0, memcmp(data, self->img, len));
	ASSERT_EQ(0, truncate(path, 0));
	ASSERT_EQ(0, loader__load_elf(&self->gm, L_BASE, L_RAM, data, got, &self->li));
	EXPECT_TRUE(seg_loaded(self->ram, L_BASE, &simple));
	free(data);
	unlink(path);
}

TEST(read_file_errors)
{
	char path[64];
	void *data = (void *)1;
	size_t len = 7;
	int fd;

	EXPECT_EQ(-ENOENT, loader__read_file("/nonexistent/vmlinux", SZ_1M, &data, &len));
	EXPECT_EQ(NULL, data);
	EXPECT_EQ(0U, len);
	EXPECT_EQ(-EISDIR, loader__read_file("/tmp", SZ_1M, &data, &len));
	EXPECT_EQ(-EISDIR, loader__read_file("/dev/null", SZ_1M, &data, &len));
	snprintf(path, sizeof(path), "/tmp/pvm-test-empty-%d", getpid());
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	ASSERT_LE(0, fd);
	close(fd);
	EXPECT_EQ(-ENODATA, loader__read_file(path, SZ_1M, &data, &len));
	ASSERT_EQ(0, truncate(path, 4097));
	EXPECT_EQ(-EFBIG, loader__read_file(path, 4096, &data, &len));
	EXPECT_EQ(0, loader__read_file(path, 4097, &data, &len));
	EXPECT_EQ(4097U, len);
	free(data);
	unlink(path);
}

TEST_HARNESS_MAIN
