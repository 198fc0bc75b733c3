// SPDX-License-Identifier: GPL-2.0
/* NVRAM: the blank image, nvram-fetch / nvram-store, and --nvram files. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libfdt.h>

#include "pvm/fdt.h"
#include "testvm.h"

#include "kselftest_harness.h"

#define BUF_GPA 0x30000ULL

/* Linux's nvram_checksum() (arch/powerpc/kernel/nvram_64.c), on an LE host. */
static u8 linux_checksum(const u8 *h)
{
	unsigned int c_sum, c_sum2;
	u16 sp[6], len = (u16)(h[2] << 8 | h[3]);

	memcpy(sp, h + 4, sizeof(sp));
	c_sum = h[0] + len + sp[0] + sp[1] + sp[2] + sp[3] + sp[4] + sp[5];
	c_sum = ((c_sum & 0xffff) + (c_sum >> 16)) & 0xffff;
	c_sum2 = (c_sum >> 8) + (c_sum << 8);
	return ((c_sum + c_sum2) >> 8) & 0xff;
}

TEST(blank_image_is_one_free_partition)
{
	static const u32 sizes[] = { NVRAM_MIN_SIZE, NVRAM_DEFAULT_SIZE, NVRAM_MAX_SIZE, 0x2010 };
	unsigned int i;
	u8 *b = malloc(NVRAM_MAX_SIZE + 16);

	ASSERT_NE(NULL, b);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		u32 blocks = MIN(sizes[i] / 16, 0xffffU);

		memset(b, 0xaa, NVRAM_MAX_SIZE + 16);
		nvram__format(b, sizes[i]);
		EXPECT_EQ(0x7f, b[0]);
		EXPECT_EQ(blocks, (u32)(b[2] << 8 | b[3]));
		EXPECT_EQ(0, memcmp(b + 4, "free\0\0\0\0\0\0\0\0", 12));
		/* The checksum Linux verifies before it trusts the partition. */
		EXPECT_EQ(linux_checksum(b), b[1]) {
			TH_LOG("size %u", sizes[i]);
		}
		EXPECT_EQ(0, b[16]);
		EXPECT_EQ(0xaa, b[sizes[i]]);
		/* 1 MiB does not fit one partition: a second, valid one covers the rest. */
		if (blocks * 16 < sizes[i]) {
			u8 *h = b + blocks * 16;

			EXPECT_EQ(0x7f, h[0]);
			EXPECT_EQ(sizes[i] / 16 - blocks, (u32)(h[2] << 8 | h[3]));
			EXPECT_EQ(linux_checksum(h), h[1]);
		} else {
			EXPECT_EQ(0, b[sizes[i] - 1]);
		}
	}
	free(b);
}

FIXTURE(nvram) {
	struct testvm t;
	char path[64];
};

static int setup_with(struct testvm *t, const char *path)
{
	const struct testvm_opts o = { .nvram_path = path };

	return testvm__setup(t, &o);
}

static int setup_file(struct testvm *t, const char *path, int fd)
{
	const struct testvm_opts o = { .nvram_path = path, .nvram_fd = fd };

	return testvm__setup(t, &o);
}

FIXTURE_SETUP(nvram)
{
	snprintf(self->path, sizeof(self->path), "/tmp/pvm-test-nvram-%d", getpid());
	unlink(self->path);
	ASSERT_EQ(0, setup_with(&self->t, NULL));
}

FIXTURE_TEARDOWN(nvram)
{
	testvm__teardown(&self->t);
	unlink(self->path);
}

static s32 fetch(struct testvm *t, u32 index, u32 gpa, u32 len, u32 *count)
{
	u32 r[2] = { 0, 0xdead };
	s32 s = testvm__rtas(t, RTAS_NVRAM_FETCH, 3, (u32[]){ index, gpa, len }, 2, r);

	*count = r[1];
	return s;
}

static s32 store(struct testvm *t, u32 index, u32 gpa, u32 len, u32 *count)
{
	u32 r[2] = { 0, 0xdead };
	s32 s = testvm__rtas(t, RTAS_NVRAM_STORE, 3, (u32[]){ index, gpa, len }, 2, r);

	*count = r[1];
	return s;
}

TEST_F(nvram, node_and_tokens)
{
	void *fdt = calloc(1, FDT_MAX_SIZE);
	int node, len;
	const fdt32_t *v;

	ASSERT_NE(NULL, fdt);
	ASSERT_EQ(0, fdt__build(&self->t.vm, fdt, FDT_MAX_SIZE));
	node = fdt_path_offset(fdt, "/vdevice/nvram@30000001");
	ASSERT_LE(0, node);
	EXPECT_STREQ("nvram", (const char *)fdt_getprop(fdt, node, "device_type", &len));
	v = fdt_getprop(fdt, node, "#bytes", &len);
	ASSERT_NE(NULL, v);
	EXPECT_EQ(NVRAM_DEFAULT_SIZE, fdt32_to_cpu(*v));
	EXPECT_EQ(0, fdt_node_check_compatible(fdt, node, "qemu,spapr-nvram"));
	node = fdt_path_offset(fdt, "/rtas");
	EXPECT_NE(NULL, fdt_getprop(fdt, node, "nvram-fetch", &len));
	EXPECT_NE(NULL, fdt_getprop(fdt, node, "nvram-store", &len));
	free(fdt);
}

TEST_F(nvram, fetch_and_store_in_memory)
{
	u8 *ram = self->t.ram;
	u32 n;

	EXPECT_EQ(0, fetch(&self->t, 0, BUF_GPA, 16, &n));
	EXPECT_EQ(16U, n);
	EXPECT_EQ(0x7f, ram[BUF_GPA]);
	memcpy(ram + BUF_GPA, "hello nvram", 11);
	EXPECT_EQ(0, store(&self->t, 1000, BUF_GPA, 11, &n));
	EXPECT_EQ(11U, n);
	memset(ram + BUF_GPA, 0, 32);
	EXPECT_EQ(0, fetch(&self->t, 998, BUF_GPA, 15, &n));
	EXPECT_EQ(0, memcmp(ram + BUF_GPA + 2, "hello nvram", 11));
	/* The very last byte, and zero-length calls. */
	EXPECT_EQ(0, store(&self->t, NVRAM_DEFAULT_SIZE - 1, BUF_GPA + 2, 1, &n));
	EXPECT_EQ(0, fetch(&self->t, NVRAM_DEFAULT_SIZE - 1, BUF_GPA + 100, 1, &n));
	EXPECT_EQ('h', ram[BUF_GPA + 100]);
	EXPECT_EQ(0, fetch(&self->t, NVRAM_DEFAULT_SIZE, BUF_GPA, 0, &n));
	EXPECT_EQ(0U, n);
	/* Zero bytes to or from a buffer outside RAM (found by fuzz-rtas under UBSan). */
	EXPECT_EQ(0, fetch(&self->t, 0, 0x7ffff000, 0, &n));
	EXPECT_EQ(0, store(&self->t, 0, 0x7ffff000, 0, &n));
}

TEST_F(nvram, bounds)
{
	u64 top = self->t.ram_size;
	u32 n;

	EXPECT_EQ(RTAS_OUT_PARAM_ERROR, fetch(&self->t, NVRAM_DEFAULT_SIZE, BUF_GPA, 1, &n));
	EXPECT_EQ(0U, n);
	EXPECT_EQ(RTAS_OUT_PARAM_ERROR, fetch(&self->t, NVRAM_DEFAULT_SIZE - 8, BUF_GPA, 9, &n));
	/* index + length wrapping around 2^32 */
	EXPECT_EQ(RTAS_OUT_PARAM_ERROR, fetch(&self->t, 16, BUF_GPA, 0xfffffff8, &n));
	EXPECT_EQ(RTAS_OUT_PARAM_ERROR, store(&self->t, 0xffffffff, BUF_GPA, 2, &n));
	/* A guest buffer outside RAM or running past its end. */
	EXPECT_EQ(RTAS_OUT_PARAM_ERROR, fetch(&self->t, 0, top, 16, &n));
	EXPECT_EQ(RTAS_OUT_PARAM_ERROR, store(&self->t, 0, top - 8, 16, &n));
	EXPECT_EQ(RTAS_OUT_PARAM_ERROR, fetch(&self->t, 0, 0xfffffff0, 32, &n));
	/* Wrong shapes. */
	EXPECT_EQ(RTAS_OUT_PARAM_ERROR,
		  testvm__rtas(&self->t, RTAS_NVRAM_FETCH, 2, (u32[]){ 0, BUF_GPA }, 2, NULL));
	EXPECT_EQ(RTAS_OUT_PARAM_ERROR,
		  testvm__rtas(&self->t, RTAS_NVRAM_STORE, 3, (u32[]){ 0, BUF_GPA, 1 }, 1, NULL));
	/* Nothing was written: the blank header is intact. */
	EXPECT_EQ(0, fetch(&self->t, 0, BUF_GPA, 1, &n));
	EXPECT_EQ(0x7f, self->t.ram[BUF_GPA]);
}

TEST_F(nvram, file_write_through_and_read_back)
{
	const char *why = NULL;
	struct stat st;
	u8 buf[16];
	u32 n;
	int fd;

	testvm__teardown(&self->t);
	fd = nvram__open_file(self->path, &why);
	ASSERT_LE(0, fd);
	/* A second opener is refused while the first holds the lock. */
	EXPECT_EQ(-EBUSY, nvram__open_file(self->path, &why));
	EXPECT_STREQ("in use by another pvm", why);
	ASSERT_EQ(0, setup_file(&self->t, self->path, fd));
	/* The new file became a blank 64 KiB image. */
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ((off_t)NVRAM_DEFAULT_SIZE, st.st_size);
	memcpy(self->t.ram + BUF_GPA, "PVM-NVRAM-MARK", 14);
	EXPECT_EQ(0, store(&self->t, 0x8000, BUF_GPA, 14, &n));
	/* On disk at once, before any exit. */
	fd = open(self->path, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(14, pread(fd, buf, 14, 0x8000));
	close(fd);
	EXPECT_EQ(0, memcmp(buf, "PVM-NVRAM-MARK", 14));
	testvm__teardown(&self->t);

	/* The next run reads it back. */
	fd = nvram__open_file(self->path, &why);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, setup_file(&self->t, self->path, fd));
	memset(self->t.ram + BUF_GPA, 0, 16);
	EXPECT_EQ(0, fetch(&self->t, 0x8000, BUF_GPA, 14, &n));
	EXPECT_EQ(0, memcmp(self->t.ram + BUF_GPA, "PVM-NVRAM-MARK", 14));
}

TEST_F(nvram, bad_files)
{
	const char *why = NULL;
	int fd;

	fd = open(self->path, O_CREAT | O_WRONLY, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 4096));
	close(fd);
	EXPECT_EQ(-EINVAL, nvram__open_file(self->path, &why));
	EXPECT_NE(NULL, strstr(why, "8 KiB to 1 MiB"));
	ASSERT_EQ(0, truncate(self->path, 2 * SZ_1M));
	EXPECT_EQ(-EINVAL, nvram__open_file(self->path, &why));
	ASSERT_EQ(0, truncate(self->path, 8 * SZ_1K + 3));
	EXPECT_EQ(-EINVAL, nvram__open_file(self->path, &why));
	EXPECT_EQ(-EINVAL, nvram__open_file("/dev/null", &why));
	EXPECT_GT(0, nvram__open_file("/nonexistent-dir/nvram", &why));
	EXPECT_STREQ("No such file or directory", why);
}

TEST_F(nvram, failed_write_changes_nothing)
{
	const char *why = NULL;
	u32 n;
	int fd;

	testvm__teardown(&self->t);
	fd = nvram__open_file(self->path, &why);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, setup_file(&self->t, self->path, fd));
	/* Make the image unwritable under pvm's feet: the store is a hardware error. */
	ASSERT_LE(0, dup2(open("/dev/null", O_RDONLY), fd));
	memcpy(self->t.ram + BUF_GPA, "XXXX", 4);
	EXPECT_EQ(RTAS_OUT_HW_ERROR, store(&self->t, 0, BUF_GPA, 4, &n));
	EXPECT_EQ(0U, n);
	EXPECT_EQ(0, fetch(&self->t, 0, BUF_GPA, 1, &n));
	EXPECT_EQ(0x7f, self->t.ram[BUF_GPA]);
}

TEST_HARNESS_MAIN
