// SPDX-License-Identifier: GPL-2.0
/*
 * loader__load(): placement, BSS, entry, every way an image is refused, and
 * the sources it reads from (a buffer, a file read straight into guest memory).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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

/* A file of len bytes from buf, unlinked by the caller; its path in path. */
static int write_file(char *path, size_t size, const char *what, const void *buf, size_t len)
{
	int fd;

	snprintf(path, size, "/tmp/pvm-test-%s-%d", what, getpid());
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, len) != (ssize_t)len) {
		close(fd);
		return -EIO;
	}
	close(fd);
	return 0;
}

/*
 * From a file, the segments are read straight into guest memory; once
 * loaded, the file is nothing to the guest: truncating it changes nothing
 * (no mapping kept that could SIGBUS pvm or show the guest other bytes).
 */
TEST_F(loader, file_straight_into_guest_memory)
{
	struct test_seg segs[2] = {
		{ .type = PT_LOAD, .paddr = 0, .filesz = 0x1234, .memsz = 0x1234, .seed = 1 },
		{ .type = PT_LOAD, .paddr = 0x20000, .filesz = 0x80, .memsz = 0x2000, .seed = 0x90 },
	};
	size_t len = test_elf__build(self->img, L_IMG, true, EM_PPC64,
				     0xc000000000000040ULL, segs, 2);
	struct load_src src;
	char path[64];

	ASSERT_NE(0U, len);
	ASSERT_EQ(0, write_file(path, sizeof(path), "kernel", self->img, len));
	ASSERT_EQ(0, loader__open(path, SZ_1M, &src));
	EXPECT_EQ(len, src.size);
	ASSERT_EQ(0, loader__load(&self->gm, L_BASE, L_RAM, &src, false, &self->li));
	loader__close(&src);
	EXPECT_EQ(-1, src.fd);
	EXPECT_EQ(0, src.read_err);
	ASSERT_EQ(0, truncate(path, 0));
	EXPECT_TRUE(seg_loaded(self->ram, L_BASE, &segs[0]));
	EXPECT_TRUE(seg_loaded(self->ram, L_BASE + 0x20000, &segs[1]));
	EXPECT_EQ(FILL, self->ram[L_BASE + 0x22000]);
	EXPECT_EQ(L_BASE + 0x40, self->li.entry);
	EXPECT_EQ(L_BASE + 0x22000, self->li.high);
	unlink(path);
}

/* A file that shrinks after it was opened is -ESTALE, the file's fault. */
TEST_F(loader, file_shrunk_before_read_is_stale)
{
	size_t len = build1(self->img, false, &simple);
	struct load_src src;
	char path[64];

	ASSERT_EQ(0, write_file(path, sizeof(path), "kernel", self->img, len));
	ASSERT_EQ(0, loader__open(path, SZ_1M, &src));
	/* The headers are still there; the segment's tail is not. */
	ASSERT_EQ(0, truncate(path, len - 1));
	EXPECT_EQ(-ESTALE, loader__load(&self->gm, L_BASE, L_RAM, &src, false, &self->li));
	EXPECT_EQ(-ESTALE, src.read_err);
	loader__close(&src);
	/* Not even the headers: the same, in probe mode too. */
	ASSERT_EQ(0, loader__open(path, SZ_1M, &src));
	ASSERT_EQ(0, truncate(path, 10));
	EXPECT_EQ(-ESTALE, loader__load(NULL, L_BASE, L_RAM, &src, false, &self->li));
	EXPECT_EQ(-ESTALE, src.read_err);
	loader__close(&src);
	unlink(path);
}

/* A segment beyond the end of the file is a malformed image, not a read error. */
TEST_F(loader, file_segment_beyond_end_is_malformed)
{
	struct test_seg segs[2] = {
		simple,
		{ .type = PT_LOAD, .paddr = 0x10000, .filesz = 0x100, .memsz = 0x100, .offset = 0x2000 },
	};
	size_t len = test_elf__build(self->img, L_IMG, false, EM_PPC64, 0, segs, 2);
	struct load_src src;
	char path[64];

	ASSERT_NE(0U, len);
	ASSERT_EQ(0, write_file(path, sizeof(path), "kernel", self->img, len));
	ASSERT_EQ(0, loader__open(path, SZ_1M, &src));
	EXPECT_EQ(-EINVAL, loader__load(&self->gm, L_BASE, L_RAM, &src, false, &self->li));
	EXPECT_EQ(0, src.read_err);
	EXPECT_EQ(-EINVAL, loader__load(NULL, L_BASE, L_RAM, &src, false, &self->li));
	/* Two passes: the first segment, which would fit, was not written either. */
	EXPECT_TRUE(all_bytes(self->ram, L_RAM, FILL));
	loader__close(&src);
	unlink(path);
}

/*
 * Memory known to be zero: the BSS is not written, so its pages are not
 * even faulted in (pvm touches no guest memory the guest does not).
 */
TEST(zeroed_memory_bss_untouched)
{
	static const struct test_seg seg = {
		.type = PT_LOAD, .paddr = 0, .filesz = 0x1000, .memsz = 0x40000, .seed = 3,
	};
	u64 page = sysconf(_SC_PAGESIZE), i;
	unsigned char vec[0x40000 / 4096];
	struct guest_mem gm = { 0 };
	struct load_info li;
	u8 img[2 * TEST_ELF_DATA];
	size_t len = test_elf__build(img, sizeof(img), false, EM_PPC64, 0, &seg, 1);
	u8 *ram = mmap(NULL, L_RAM, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	ASSERT_NE(MAP_FAILED, ram);
	ASSERT_EQ(0, gmem__add(&gm, 0, L_RAM, ram));
	madvise(ram, L_RAM, MADV_NOHUGEPAGE);
	ASSERT_EQ(0, loader__load(&gm, L_BASE, L_RAM, LOAD_SRC_BUF(img, len), true, &li));
	ASSERT_EQ(0, mincore(ram + L_BASE, 0x40000, vec));
	EXPECT_EQ(1, vec[0] & 1);
	for (i = ALIGN_UP(0x1000, page) / page; i < 0x40000 / page; i++)
		EXPECT_EQ(0, vec[i] & 1);
	EXPECT_TRUE(seg_loaded(ram, L_BASE, &seg));
	EXPECT_EQ(L_BASE + 0x40000, li.high);
	munmap(ram, L_RAM);
}

/* Not known to be zero, or overlapping an earlier segment: the BSS is cleared. */
TEST_F(loader, zeroed_memory_bss_cleared_where_needed)
{
	/* The second segment's BSS covers the first segment's bytes. */
	struct test_seg segs[2] = {
		{ .type = PT_LOAD, .paddr = 0x10000, .filesz = 0x100, .memsz = 0x100, .seed = 1 },
		{ .type = PT_LOAD, .paddr = 0xf000, .filesz = 0x10, .memsz = 0x2000, .seed = 5 },
	};
	size_t len = test_elf__build(self->img, L_IMG, false, EM_PPC64, 0, segs, 2);

	ASSERT_EQ(0, loader__load(&self->gm, L_BASE, L_RAM, LOAD_SRC_BUF(self->img, len), true,
				  &self->li));
	EXPECT_TRUE(seg_loaded(self->ram, L_BASE + 0xf000, &segs[1]));
	/* Where no segment wrote, "known zero" is the caller's word: left alone. */
	memset(self->ram, FILL, L_RAM);
	segs[1].paddr = 0x20000;
	len = test_elf__build(self->img, L_IMG, false, EM_PPC64, 0, segs, 2);
	ASSERT_EQ(0, loader__load(&self->gm, L_BASE, L_RAM, LOAD_SRC_BUF(self->img, len), true,
				  &self->li));
	EXPECT_EQ(FILL, self->ram[L_BASE + 0x20010]);
	ASSERT_EQ(0, loader__load(&self->gm, L_BASE, L_RAM, LOAD_SRC_BUF(self->img, len), false,
				  &self->li));
	EXPECT_TRUE(seg_loaded(self->ram, L_BASE + 0x20000, &segs[1]));
}

TEST(open_errors)
{
	struct load_src src = { .fd = 99, .size = 7 };
	char path[64];

	EXPECT_EQ(-ENOENT, loader__open("/nonexistent/vmlinux", SZ_1M, &src));
	EXPECT_EQ(-1, src.fd);
	EXPECT_EQ(0U, src.size);
	EXPECT_EQ(-EISDIR, loader__open("/tmp", SZ_1M, &src));
	EXPECT_EQ(-EISDIR, loader__open("/dev/null", SZ_1M, &src));
	ASSERT_EQ(0, write_file(path, sizeof(path), "empty", "", 0));
	EXPECT_EQ(-ENODATA, loader__open(path, SZ_1M, &src));
	ASSERT_EQ(0, truncate(path, 4097));
	EXPECT_EQ(-EFBIG, loader__open(path, 4096, &src));
	EXPECT_EQ(-1, src.fd);
	ASSERT_EQ(0, loader__open(path, 4097, &src));
	EXPECT_EQ(4097U, src.size);
	EXPECT_LE(0, src.fd);
	loader__close(&src);
	unlink(path);
}

/* A short read from a file whose size says more (sysfs: 4096) is -ESTALE too. */
TEST(read_short_file)
{
	struct load_src src;
	u8 buf[4096];

	if (loader__open("/sys/devices/system/cpu/online", SZ_1M, &src))
		SKIP(return, "no /sys/devices/system/cpu/online");
	if (src.size != sizeof(buf)) {
		loader__close(&src);
		SKIP(return, "sysfs file size is not 4096");
	}
	EXPECT_EQ(0, loader__read(&src, 0, buf, 2));
	EXPECT_EQ(-ESTALE, loader__read(&src, 0, buf, sizeof(buf)));
	EXPECT_EQ(-ESTALE, src.read_err);
	/* Past the size it says: refused before any read. */
	EXPECT_EQ(-EINVAL, loader__read(&src, 1, buf, sizeof(buf)));
	loader__close(&src);
}

/*
 * A read of tens of MiB is shared between readers on several CPUs, split at
 * 2 MiB boundaries of the destination: every byte lands where it belongs,
 * from an odd offset to an odd address, and a file that shrank under it is
 * still -ESTALE whichever reader finds the end.
 */
TEST(large_read_split_between_readers)
{
	const u64 len = 13 * SZ_1M + 4321, off = 777;
	u8 *data = malloc(off + len), *dst = malloc(len + 64), *d = dst + 3;
	struct load_src src;
	char path[64];
	u64 i;

	ASSERT_NE(NULL, data);
	ASSERT_NE(NULL, dst);
	for (i = 0; i < off + len; i++)
		data[i] = (u8)(i * 2654435761u >> 13);
	ASSERT_EQ(0, write_file(path, sizeof(path), "big", data, off + len));
	ASSERT_EQ(0, loader__open(path, SZ_1G, &src));
	memset(dst, FILL, len + 64);
	EXPECT_EQ(0, loader__read(&src, off, d, len));
	EXPECT_EQ(0, memcmp(d, data + off, len));
	EXPECT_EQ(FILL, dst[2]);
	EXPECT_EQ(FILL, d[len]);
	EXPECT_EQ(0, src.read_err);
	/* Cut in the first quarter: the first reader's part ends early. */
	ASSERT_EQ(0, truncate(path, off + SZ_1M));
	EXPECT_EQ(-ESTALE, loader__read(&src, off, d, len));
	EXPECT_EQ(-ESTALE, src.read_err);
	loader__close(&src);
	unlink(path);
	free(data);
	free(dst);
}

TEST_HARNESS_MAIN
