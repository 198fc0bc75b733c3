// SPDX-License-Identifier: GPL-2.0
/*
 * pvm run's images (cli/images.c): the kernel's segments and the initrd read
 * from their files straight into guest RAM by vm__load(), nothing kept open,
 * and each way a file can fail said in pvm's one line with its exit status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "cli/images.h"
#include "pvm/loader.h"
#include "testvm.h"

#include "kselftest_harness.h"

#define K_FILESZ 0x1000
#define K_MEMSZ 0x23456
#define I_LEN 0x3000
#define SYSFS_FILE "/sys/devices/system/cpu/online"	/* says 4096 bytes, holds a few */

FIXTURE(images) {
	struct testvm t;
	char kernel[64], initrd[64], err[64];
	char msg[512];
	u8 img[2 * TEST_ELF_DATA];
	size_t len;
};

static const struct test_seg kseg = {
	.type = PT_LOAD, .paddr = 0, .filesz = K_FILESZ, .memsz = K_MEMSZ, .seed = 0x11,
};

static int write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -EIO;
}

static u8 initrd_byte(u64 i)
{
	return (u8)(i * 7 + 1);
}

FIXTURE_SETUP(images)
{
	u8 rd[I_LEN];
	u64 i;

	ASSERT_EQ(0, testvm__setup(&self->t, &(struct testvm_opts){ 0 }));
	snprintf(self->kernel, sizeof(self->kernel), "/tmp/pvm-test-vmlinux-%d", getpid());
	snprintf(self->initrd, sizeof(self->initrd), "/tmp/pvm-test-initrd-%d", getpid());
	snprintf(self->err, sizeof(self->err), "/tmp/pvm-test-stderr-%d", getpid());
	self->len = test_elf__build(self->img, sizeof(self->img), false, EM_PPC64,
				    0xc000000000000010ULL, &kseg, 1);
	ASSERT_NE(0U, self->len);
	ASSERT_EQ(0, write_file(self->kernel, self->img, self->len));
	for (i = 0; i < I_LEN; i++)
		rd[i] = initrd_byte(i);
	ASSERT_EQ(0, write_file(self->initrd, rd, I_LEN));
	self->t.vm.cfg.kernel = self->kernel;
	self->t.vm.cfg.initrd = self->initrd;
}

FIXTURE_TEARDOWN(images)
{
	testvm__teardown(&self->t);
	unlink(self->kernel);
	unlink(self->initrd);
	unlink(self->err);
}

/* image__check() (check) or image__load(), its stderr kept in self->msg. */
static int run(FIXTURE_DATA(images) *self, bool check)
{
	int saved = dup(STDERR_FILENO), fd, ret;
	ssize_t n;

	fflush(stderr);
	fd = open(self->err, O_CREAT | O_TRUNC | O_RDWR, 0600);
	if (saved < 0 || fd < 0)
		return -1;
	dup2(fd, STDERR_FILENO);
	ret = check ? image__check(&self->t.vm.cfg) : image__load(&self->t.vm);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, self->msg, sizeof(self->msg) - 1, 0);
	self->msg[n > 0 ? n : 0] = '\0';
	close(fd);
	return ret;
}

/* The lowest free fd: the same before and after means nothing was left open. */
static int lowest_fd(void)
{
	int fd = dup(STDIN_FILENO);

	close(fd);
	return fd;
}

TEST_F(images, straight_from_files_into_guest_ram)
{
	struct vm *vm = &self->t.vm;
	u64 start = ALIGN_UP(KERNEL_LOAD_ADDR + K_MEMSZ, SZ_64K), i;
	int fd = lowest_fd();

	vm->ram_zeroed = true;	/* as kvm__init() leaves fresh RAM */
	ASSERT_EQ(0, run(self, true));
	ASSERT_EQ(0, run(self, false));
	EXPECT_STREQ("", self->msg);
	EXPECT_EQ(fd, lowest_fd());
	EXPECT_FALSE(vm->ram_zeroed);
	EXPECT_EQ(KERNEL_LOAD_ADDR + 0x10, vm->entry);
	EXPECT_EQ(KERNEL_LOAD_ADDR + K_MEMSZ, vm->kernel_end);
	EXPECT_EQ(0, memcmp(self->t.ram + KERNEL_LOAD_ADDR, self->img + TEST_ELF_DATA, K_FILESZ));
	EXPECT_EQ(0, self->t.ram[KERNEL_LOAD_ADDR + K_MEMSZ - 1]);
	ASSERT_EQ(start, vm->initrd_start);
	ASSERT_EQ(start + I_LEN, vm->initrd_end);
	/* Truncated under the running guest: what it has does not change. */
	ASSERT_EQ(0, truncate(self->kernel, 0));
	ASSERT_EQ(0, truncate(self->initrd, 0));
	for (i = 0; i < I_LEN; i++)
		if (self->t.ram[start + i] != initrd_byte(i))
			break;
	EXPECT_EQ((u64)I_LEN, i);
	EXPECT_EQ(0, memcmp(self->t.ram + KERNEL_LOAD_ADDR, self->img + TEST_ELF_DATA, K_FILESZ));
	/* A reboot in place reads the files again. */
	EXPECT_EQ(PVM_EXIT_BADIMAGE, run(self, false));
	EXPECT_NE(NULL, strstr(self->msg, "is empty"));
	EXPECT_EQ(fd, lowest_fd());
}

TEST_F(images, each_failure_in_one_line)
{
	static const struct test_seg huge = {
		.type = PT_LOAD, .paddr = 0, .filesz = 0x10, .memsz = 0x10000000, .seed = 1,
	};
	static const struct test_seg outside = {
		.type = PT_LOAD, .paddr = 0, .filesz = 0x100, .memsz = 0x100, .offset = 0x100000,
	};
	static const char text[] = "#!/bin/sh\necho this is no kernel\n";
	struct vm_config *cfg = &self->t.vm.cfg;
	int fd = lowest_fd();
	size_t len;

	cfg->kernel = "/nonexistent/vmlinux";
	EXPECT_EQ(PVM_EXIT_NOINPUT, run(self, true));
	EXPECT_NE(NULL, strstr(self->msg, "cannot open kernel '/nonexistent/vmlinux'"));
	EXPECT_EQ(PVM_EXIT_NOINPUT, run(self, false));
	cfg->kernel = "/tmp";
	EXPECT_EQ(PVM_EXIT_NOINPUT, run(self, false));
	EXPECT_NE(NULL, strstr(self->msg, "kernel '/tmp' is not a regular file"));
	cfg->kernel = self->kernel;

	ASSERT_EQ(0, write_file(self->kernel, text, sizeof(text) - 1));
	EXPECT_EQ(PVM_EXIT_BADIMAGE, run(self, true));
	EXPECT_NE(NULL, strstr(self->msg, "not a 64-bit PowerPC ELF"));
	EXPECT_EQ(PVM_EXIT_BADIMAGE, run(self, false));

	len = test_elf__build(self->img, sizeof(self->img), false, EM_PPC64, 0, &outside, 1);
	ASSERT_EQ(0, write_file(self->kernel, self->img, len));
	EXPECT_EQ(PVM_EXIT_BADIMAGE, run(self, true));
	EXPECT_NE(NULL, strstr(self->msg, "malformed ELF"));
	EXPECT_EQ(PVM_EXIT_BADIMAGE, run(self, false));
	EXPECT_NE(NULL, strstr(self->msg, "malformed ELF"));

	len = test_elf__build(self->img, sizeof(self->img), false, EM_PPC64, 0, &huge, 1);
	ASSERT_EQ(0, write_file(self->kernel, self->img, len));
	EXPECT_EQ(0, run(self, true));
	EXPECT_EQ(PVM_EXIT_NOMEM, run(self, false));
	EXPECT_NE(NULL, strstr(self->msg, "guest memory (64 MiB) is too small for the kernel and initrd"));

	len = test_elf__build(self->img, sizeof(self->img), false, EM_PPC64, 0, &kseg, 1);
	ASSERT_EQ(0, write_file(self->kernel, self->img, len));
	cfg->initrd = "/nonexistent/initrd";
	EXPECT_EQ(PVM_EXIT_NOINPUT, run(self, true));
	EXPECT_NE(NULL, strstr(self->msg, "cannot open initrd '/nonexistent/initrd'"));
	ASSERT_EQ(0, write_file(self->initrd, "", 0));
	cfg->initrd = self->initrd;
	EXPECT_EQ(PVM_EXIT_BADIMAGE, run(self, false));
	EXPECT_NE(NULL, strstr(self->msg, "initrd '"));
	EXPECT_NE(NULL, strstr(self->msg, "' is empty"));
	EXPECT_EQ(fd, lowest_fd());
}

/*
 * A file that reads shorter than its size (as one that shrinks while pvm
 * reads it): "changed while pvm read it", never a partial load taken for a
 * whole one. A sysfs file says 4096 bytes and holds a few.
 */
TEST_F(images, short_read_is_changed_while_read)
{
	struct stat st;

	if (stat(SYSFS_FILE, &st) || st.st_size != 4096)
		SKIP(return, SYSFS_FILE " is not there or not 4096 bytes");
	self->t.vm.cfg.initrd = SYSFS_FILE;
	EXPECT_EQ(0, run(self, true));
	EXPECT_EQ(PVM_EXIT_NOINPUT, run(self, false));
	EXPECT_NE(NULL, strstr(self->msg, "initrd '" SYSFS_FILE "' changed while pvm read it"));
	self->t.vm.cfg.kernel = SYSFS_FILE;
	EXPECT_EQ(PVM_EXIT_NOINPUT, run(self, true));
	EXPECT_NE(NULL, strstr(self->msg, "kernel '" SYSFS_FILE "' changed while pvm read it"));
	EXPECT_EQ(PVM_EXIT_NOINPUT, run(self, false));
}

TEST_HARNESS_MAIN
