// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk (virtio/blk.c, blk-req.c) and its block engine
 * (virtio/block-io.c) on a temporary image: requests built in test RAM the
 * way Linux's virtio_blk builds them, sent through the transport's doorbell,
 * answered by virtio_blk__poll() on the test's thread (or, in the threaded
 * tests, by the disk's own I/O thread). Each test runs on io_uring and on
 * the thread fallback.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/disk.h"
#include "pvm/event.h"
#include "pvm/module.h"
#include "testvm.h"
#include "virtio/blk.h"
#include "virtio/block-io.h"
#include "virtio-test.h"

/* The harness compares literals with u64 and ssize_t results. */
#pragma GCC diagnostic ignored "-Wsign-compare"

#include "kselftest_harness.h"

#define QSIZE 16
#define IMG_SIZE SZ_1M
#define HDR 0x8000ULL		/* slot s: header at HDR + 0x20 s, status at + 0x10 */
#define DATA 0x100000ULL	/* slot s: data at DATA + 0x20000 s */
#define F_VERSION_1 (1ULL << VIRTIO_F_VERSION_1)
#define BLK_FEATURES (F_VERSION_1 | (1ULL << VIRTIO_BLK_F_FLUSH) |                      \
		      (1ULL << VIRTIO_BLK_F_DISCARD) | (1ULL << VIRTIO_BLK_F_WRITE_ZEROES) | \
		      (1ULL << VIRTIO_BLK_F_BLK_SIZE) | (1ULL << VIRTIO_BLK_F_SEG_MAX))

FIXTURE(blk) {
	struct testvm t;
	struct pci_dev *d;
	struct test_ring r;
	char path[64];
	int fd;			/* the test's own view of the image */
	bool up;
};

FIXTURE_VARIANT(blk) {
	bool no_uring;
};

FIXTURE_VARIANT_ADD(blk, uring) { .no_uring = false };
FIXTURE_VARIANT_ADD(blk, fallback) { .no_uring = true };

/* A VM with one disk on the image; 0 or -errno. */
static int vm_up(FIXTURE_DATA(blk) *self, bool ro, bool no_uring, const char *serial)
{
	struct blkio_opts o = { .ro = ro, .no_uring = no_uring };
	struct vm_disk disk = { .path = self->path, .ro = ro };
	struct testvm_opts to = { .xics = true, .disks = &disk, .nr_disks = 1 };
	const char *why;
	int ret;

	if (serial)
		strncpy(disk.serial, serial, PVM_DISK_SERIAL_MAX);
	ret = blkio__open(&disk.io, self->path, &o, &why);
	if (ret)
		return ret;
	fake_pci__reset();
	ret = testvm__setup(&self->t, &to);
	if (ret)
		return ret;
	self->up = true;
	self->d = fake_pci.dev;
	if (!self->d)
		return -ENODEV;
	ring__setup(&self->r, self->t.ram, QSIZE);
	/* What a driver acks: what it knows, of what is offered. */
	return vt__bring_up(self->d, &self->r, BLK_FEATURES & vt__offered(self->d)) &
	       VIRTIO_STATUS_FEATURES_OK ? 0 : -EIO;
}

static void vm_down(FIXTURE_DATA(blk) *self)
{
	if (self->up)
		testvm__teardown(&self->t);
	self->up = false;
}

FIXTURE_SETUP(blk)
{
	static u8 fill[IMG_SIZE];

	strcpy(self->path, "/tmp/pvm-blk-test-XXXXXX");
	self->fd = mkstemp(self->path);
	ASSERT_LE(0, self->fd);
	/* Written, not sparse: a discard then has blocks to give back. */
	memset(fill, 0x11, sizeof(fill));
	ASSERT_EQ(IMG_SIZE, pwrite(self->fd, fill, IMG_SIZE, 0));
	ASSERT_EQ(0, fsync(self->fd));
	ASSERT_EQ(0, vm_up(self, false, variant->no_uring, "pvm-serial-0123"));
}

FIXTURE_TEARDOWN(blk)
{
	vm_down(self);
	close(self->fd);
	unlink(self->path);
}

/*
 * Queue a request in slot s: header, then (if len) a data buffer, then the
 * status byte; readable data for OUT-like types, writable for IN-like.
 */
static u16 put_req(FIXTURE_DATA(blk) *self, u16 s, u32 type, u64 sector, u32 len,
		   bool data_writable)
{
	struct test_ring *r = &self->r;
	u64 hdr = HDR + 0x20 * s, data = DATA + 0x20000ULL * s;
	u16 head = 3 * s, i = head;

	ring__put(r, hdr, type, 4);
	ring__put(r, hdr + 4, 0, 4);
	ring__put(r, hdr + 8, sector, 8);
	r->ram[hdr + 16] = 0xee;	/* status: not yet written */
	ring__desc(r, i, hdr, 16, VIRTQ_DESC_F_NEXT, i + 1);
	i++;
	if (len) {
		ring__desc(r, i, data, len,
			   VIRTQ_DESC_F_NEXT | (data_writable ? VIRTQ_DESC_F_WRITE : 0), i + 1);
		i++;
	}
	ring__desc(r, i, hdr + 16, 1, VIRTQ_DESC_F_WRITE, 0);
	ring__avail(r, head);
	return head;
}

static u8 *data_of(FIXTURE_DATA(blk) *self, u16 s)
{
	return self->t.ram + DATA + 0x20000ULL * s;
}

static u8 status_of(FIXTURE_DATA(blk) *self, u16 s)
{
	return self->t.ram[HDR + 0x20 * s + 16];
}

/* Ring the doorbell and let the device answer until used->idx reaches want. */
static bool kick_wait(FIXTURE_DATA(blk) *self, u16 want)
{
	unsigned int i;

	wr(self->d, VIRTIO_NOTIFY_OFF, 0, 2);
	for (i = 0; i < 500; i++) {
		if (ring__used_idx(&self->r) == want)
			return true;
		if (virtio_blk__poll(&self->t.vm, 0, 10) == -ENODEV) {
			/* The I/O thread serves it. */
			struct timespec ts = { 0, 2000000 };

			nanosleep(&ts, NULL);
		}
	}
	return ring__used_idx(&self->r) == want;
}

/* One request in slot 0, answered; returns its status (0xee if none written). */
static u8 do_req(FIXTURE_DATA(blk) *self, u32 type, u64 sector, u32 len, bool writable)
{
	u16 want = ring__used_idx(&self->r) + 1;

	put_req(self, 0, type, sector, len, writable);
	if (!kick_wait(self, want))
		return 0xdd;
	return status_of(self, 0);
}

static u32 last_used_len(FIXTURE_DATA(blk) *self)
{
	return ring__used_len(&self->r, ring__used_idx(&self->r) - 1);
}

static struct virtio_blk_stats stats(FIXTURE_DATA(blk) *self)
{
	struct virtio_blk_stats st = { 0 };

	virtio_blk__stats(&self->t.vm, 0, &st);
	return st;
}

static void put_range(FIXTURE_DATA(blk) *self, u64 sector, u32 sectors, u32 flags)
{
	ring__put(&self->r, DATA, sector, 8);
	ring__put(&self->r, DATA + 8, sectors, 4);
	ring__put(&self->r, DATA + 12, flags, 4);
}

TEST_F(blk, config_and_features)
{
	struct pci_dev *d = self->d;
	u64 f = vt__offered(d);

	EXPECT_EQ(VIRTIO_PCI_DEVICE_BASE + VIRTIO_ID_BLOCK, d->device_id);
	EXPECT_EQ(IMG_SIZE / 512, rd(d, VIRTIO_DEVCFG_OFF + VIRTIO_BLK_CFG_CAPACITY, 8));
	EXPECT_EQ(254, rd(d, VIRTIO_DEVCFG_OFF + VIRTIO_BLK_CFG_SEG_MAX, 4));
	EXPECT_EQ(512, rd(d, VIRTIO_DEVCFG_OFF + VIRTIO_BLK_CFG_BLK_SIZE, 4));
	EXPECT_EQ(1, rd(d, VIRTIO_DEVCFG_OFF + VIRTIO_BLK_CFG_MAX_DISCARD_SEG, 4));
	EXPECT_NE(0, rd(d, VIRTIO_DEVCFG_OFF + VIRTIO_BLK_CFG_MAX_WZ_SECTORS, 4));
	EXPECT_TRUE(f & (1ULL << VIRTIO_BLK_F_FLUSH));
	EXPECT_TRUE(f & (1ULL << VIRTIO_BLK_F_DISCARD));
	EXPECT_TRUE(f & (1ULL << VIRTIO_BLK_F_WRITE_ZEROES));
	EXPECT_TRUE(f & (1ULL << VIRTIO_BLK_F_SIZE_MAX));
	EXPECT_FALSE(f & (1ULL << VIRTIO_BLK_F_RO));
	/* The path asked for is the path taken. */
	EXPECT_EQ(!variant->no_uring, stats(self).uring);
}

TEST_F(blk, write_read_round_trip)
{
	u8 back[4096];
	unsigned int i, irqs;

	for (i = 0; i < 4096; i++)
		data_of(self, 0)[i] = i * 7 + 3;
	irqs = fake_pci.notifies;
	ASSERT_EQ(VIRTIO_BLK_S_OK, do_req(self, VIRTIO_BLK_T_OUT, 8, 4096, false));
	EXPECT_EQ(1, last_used_len(self));
	EXPECT_LT(irqs, fake_pci.notifies);
	EXPECT_EQ(1, fake_pci.last_vector);
	ASSERT_EQ(4096, pread(self->fd, back, 4096, 8 * 512));
	EXPECT_EQ(0, memcmp(back, data_of(self, 0), 4096));

	memset(data_of(self, 0), 0, 4096);
	ASSERT_EQ(VIRTIO_BLK_S_OK, do_req(self, VIRTIO_BLK_T_IN, 8, 4096, true));
	EXPECT_EQ(4097, last_used_len(self));
	EXPECT_EQ(0, memcmp(back, data_of(self, 0), 4096));
	EXPECT_EQ(1, stats(self).writes);
	EXPECT_EQ(1, stats(self).reads);
	EXPECT_EQ(4096, stats(self).bytes_written);
	EXPECT_EQ(4096, stats(self).bytes_read);
	EXPECT_EQ(0, stats(self).errors);
}

/* Several chains per kick, the data split over segments, answered as a batch. */
TEST_F(blk, batch_and_segments)
{
	struct test_ring *r = &self->r;
	u16 s, want = ring__used_idx(r) + 4;
	u8 back[1024];

	for (s = 0; s < 4; s++) {
		u64 hdr = HDR + 0x20 * s, data = DATA + 0x20000ULL * s;
		u16 h = 3 * s;

		ring__put(r, hdr, VIRTIO_BLK_T_OUT, 4);
		ring__put(r, hdr + 8, 100 + 2 * s, 8);
		memset(r->ram + data, 'a' + s, 1024);
		/* Header and first data bytes in one buffer, as a driver may. */
		ring__desc(r, h, hdr, 16, VIRTQ_DESC_F_NEXT, h + 1);
		ring__desc(r, h + 1, data, 512, VIRTQ_DESC_F_NEXT, h + 2);
		ring__desc(r, h + 2, data + 512, 512, VIRTQ_DESC_F_NEXT, 3 * 4 + s);
		ring__desc(r, 3 * 4 + s, hdr + 16, 1, VIRTQ_DESC_F_WRITE, 0);
		ring__avail(r, h);
	}
	ASSERT_TRUE(kick_wait(self, want));
	for (s = 0; s < 4; s++) {
		EXPECT_EQ(VIRTIO_BLK_S_OK, status_of(self, s));
		ASSERT_EQ(1024, pread(self->fd, back, 1024, (100 + 2 * s) * 512));
		EXPECT_EQ('a' + s, back[0]);
		EXPECT_EQ('a' + s, back[1023]);
	}
}

TEST_F(blk, flush_is_a_data_sync)
{
	u64 syncs = stats(self).fdatasyncs;

	ASSERT_EQ(VIRTIO_BLK_S_OK, do_req(self, VIRTIO_BLK_T_OUT, 0, 512, false));
	ASSERT_EQ(VIRTIO_BLK_S_OK, do_req(self, VIRTIO_BLK_T_FLUSH, 0, 0, false));
	EXPECT_EQ(syncs + 1, stats(self).fdatasyncs);
	EXPECT_EQ(1, stats(self).flushes);
}

TEST_F(blk, out_of_range_is_ioerr)
{
	u8 before[512], after[512];

	ASSERT_EQ(512, pread(self->fd, before, 512, IMG_SIZE - 512));
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, do_req(self, VIRTIO_BLK_T_IN, IMG_SIZE / 512, 512, true));
	EXPECT_EQ(VIRTIO_BLK_S_IOERR,
		  do_req(self, VIRTIO_BLK_T_OUT, IMG_SIZE / 512 - 1, 1024, false));
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, do_req(self, VIRTIO_BLK_T_OUT, ~0ULL, 512, false));
	/* sector * 512 + length wrapping around 2^64 */
	EXPECT_EQ(VIRTIO_BLK_S_IOERR,
		  do_req(self, VIRTIO_BLK_T_IN, (~0ULL >> 9) - 1, 4096, true));
	/* Not a whole number of sectors. */
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, do_req(self, VIRTIO_BLK_T_OUT, 0, 100, false));
	ASSERT_EQ(512, pread(self->fd, after, 512, IMG_SIZE - 512));
	EXPECT_EQ(0, memcmp(before, after, 512));
	struct stat st;

	ASSERT_EQ(0, fstat(self->fd, &st));
	EXPECT_EQ(IMG_SIZE, st.st_size);
	EXPECT_EQ(5, stats(self).errors);
	/* The last sector itself is fine. */
	EXPECT_EQ(VIRTIO_BLK_S_OK, do_req(self, VIRTIO_BLK_T_IN, IMG_SIZE / 512 - 1, 512, true));
}

TEST_F(blk, get_id)
{
	memset(data_of(self, 0), 0xff, 32);
	ASSERT_EQ(VIRTIO_BLK_S_OK, do_req(self, VIRTIO_BLK_T_GET_ID, 0, 20, true));
	EXPECT_EQ(21, last_used_len(self));
	EXPECT_EQ(0, memcmp(data_of(self, 0), "pvm-serial-0123\0\0\0\0\0", 20));
	EXPECT_EQ(0xff, data_of(self, 0)[20]);
}

TEST_F(blk, unknown_type_is_unsupp)
{
	EXPECT_EQ(VIRTIO_BLK_S_UNSUPP, do_req(self, 99, 0, 512, true));
	EXPECT_EQ(VIRTIO_BLK_S_UNSUPP, do_req(self, 0x10000, 0, 512, true));
	EXPECT_EQ(1, last_used_len(self));
}

TEST_F(blk, bad_chains)
{
	struct test_ring *r = &self->r;
	u16 want = ring__used_idx(r);
	u8 before[512], after[512];

	ASSERT_EQ(512, pread(self->fd, before, 512, 0));
	/* A header of 8 bytes, then the status: IOERR. */
	ring__put(r, HDR, VIRTIO_BLK_T_OUT, 4);
	r->ram[HDR + 16] = 0xee;
	ring__desc(r, 0, HDR, 8, VIRTQ_DESC_F_NEXT, 1);
	ring__desc(r, 1, HDR + 16, 1, VIRTQ_DESC_F_WRITE, 0);
	ring__avail(r, 0);
	ASSERT_TRUE(kick_wait(self, ++want));
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, r->ram[HDR + 16]);
	EXPECT_EQ(1, last_used_len(self));

	/* No writable byte at all (a readable "status"): back with nothing written. */
	ring__put(r, HDR + 0x20, VIRTIO_BLK_T_OUT, 4);
	ring__put(r, HDR + 0x28, 0, 8);
	memset(r->ram + DATA, 0x77, 512);
	ring__desc(r, 3, HDR + 0x20, 16, VIRTQ_DESC_F_NEXT, 4);
	ring__desc(r, 4, DATA, 512, VIRTQ_DESC_F_NEXT, 5);
	ring__desc(r, 5, HDR + 0x30, 1, 0, 0);
	ring__avail(r, 3);
	ASSERT_TRUE(kick_wait(self, ++want));
	EXPECT_EQ(0, last_used_len(self));

	/* Only a header. */
	ring__desc(r, 6, HDR + 0x20, 16, 0, 0);
	ring__avail(r, 6);
	ASSERT_TRUE(kick_wait(self, ++want));
	EXPECT_EQ(0, last_used_len(self));

	/* A header split over two buffers is still a header. */
	ring__put(r, HDR + 0x40, VIRTIO_BLK_T_GET_ID, 4);
	ring__desc(r, 7, HDR + 0x40, 5, VIRTQ_DESC_F_NEXT, 8);
	ring__desc(r, 8, HDR + 0x45, 11, VIRTQ_DESC_F_NEXT, 9);
	ring__desc(r, 9, DATA + 0x1000, 21, VIRTQ_DESC_F_WRITE, 0);
	ring__avail(r, 7);
	ASSERT_TRUE(kick_wait(self, ++want));
	EXPECT_EQ(VIRTIO_BLK_S_OK, r->ram[DATA + 0x1000 + 20]);
	EXPECT_EQ(21, last_used_len(self));

	/* A descriptor outside RAM: a bad chain, taken and handed back. */
	ring__desc(r, 10, HDR, 16, VIRTQ_DESC_F_NEXT, 11);
	ring__desc(r, 11, 1ULL << 40, 512, VIRTQ_DESC_F_NEXT, 12);
	ring__desc(r, 12, HDR + 16, 1, VIRTQ_DESC_F_WRITE, 0);
	ring__avail(r, 10);
	ASSERT_TRUE(kick_wait(self, ++want));
	EXPECT_EQ(0, last_used_len(self));
	/* Under its own head, not a recycled request's (the payload found that). */
	EXPECT_EQ(10U, ring__used_id(r, want - 1));

	ASSERT_EQ(512, pread(self->fd, after, 512, 0));
	EXPECT_EQ(0, memcmp(before, after, 512));
	/* And the device still works. */
	EXPECT_EQ(VIRTIO_BLK_S_OK, do_req(self, VIRTIO_BLK_T_IN, 0, 512, true));
}

TEST_F(blk, discard_punches_a_hole)
{
	struct stat before, after;
	u8 back[SZ_64K];
	unsigned int i;

	ASSERT_EQ(0, fstat(self->fd, &before));
	put_range(self, 128, 128, 0);
	ASSERT_EQ(VIRTIO_BLK_S_OK, do_req(self, VIRTIO_BLK_T_DISCARD, 0, 16, false));
	ASSERT_EQ(0, fstat(self->fd, &after));
	EXPECT_EQ(before.st_size, after.st_size);
	EXPECT_EQ(1, stats(self).discards);
	if (after.st_blocks >= before.st_blocks)
		SKIP(return, "this file system kept the blocks (no hole punching)");
	EXPECT_EQ(before.st_blocks - SZ_64K / 512, after.st_blocks);
	ASSERT_EQ(SZ_64K, pread(self->fd, back, SZ_64K, SZ_64K));
	for (i = 0; i < SZ_64K; i++)
		ASSERT_EQ(0, back[i]);
}

TEST_F(blk, discard_and_write_zeroes_checks)
{
	put_range(self, 0, 8, 1);	/* UNMAP is no discard flag */
	EXPECT_EQ(VIRTIO_BLK_S_UNSUPP, do_req(self, VIRTIO_BLK_T_DISCARD, 0, 16, false));
	put_range(self, 0, 8, 2);
	EXPECT_EQ(VIRTIO_BLK_S_UNSUPP, do_req(self, VIRTIO_BLK_T_WRITE_ZEROES, 0, 16, false));
	put_range(self, IMG_SIZE / 512 - 4, 8, 0);
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, do_req(self, VIRTIO_BLK_T_WRITE_ZEROES, 0, 16, false));
	/* Two ranges: max_discard_seg is 1. */
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, do_req(self, VIRTIO_BLK_T_DISCARD, 0, 32, false));
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, do_req(self, VIRTIO_BLK_T_DISCARD, 0, 8, false));
}

TEST_F(blk, write_zeroes)
{
	u8 back[4096];
	struct stat st;
	unsigned int i, unmap;

	for (unmap = 0; unmap < 2; unmap++) {
		put_range(self, 16, 8, unmap);
		ASSERT_EQ(VIRTIO_BLK_S_OK,
			  do_req(self, VIRTIO_BLK_T_WRITE_ZEROES, 0, 16, false));
		ASSERT_EQ(4096, pread(self->fd, back, 4096, 16 * 512));
		for (i = 0; i < 4096; i++)
			ASSERT_EQ(0, back[i]);
		/* Around it, untouched. */
		ASSERT_EQ(512, pread(self->fd, back, 512, 24 * 512));
		EXPECT_EQ(0x11, back[0]);
		memset(back, 0x11, sizeof(back));
		ASSERT_EQ(4096, pwrite(self->fd, back, 4096, 16 * 512));
	}
	ASSERT_EQ(0, fstat(self->fd, &st));
	EXPECT_EQ(IMG_SIZE, st.st_size);
	EXPECT_EQ(2, stats(self).write_zeroes);
}

TEST_F(blk, read_only_refuses_writes)
{
	u8 before[4096], after[4096];
	u64 f;

	vm_down(self);
	ASSERT_EQ(0, vm_up(self, true, variant->no_uring, NULL));
	f = vt__offered(self->d);
	EXPECT_TRUE(f & (1ULL << VIRTIO_BLK_F_RO));
	EXPECT_FALSE(f & (1ULL << VIRTIO_BLK_F_DISCARD));
	ASSERT_EQ(4096, pread(self->fd, before, 4096, 0));
	memset(data_of(self, 0), 0x5a, 4096);
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, do_req(self, VIRTIO_BLK_T_OUT, 0, 4096, false));
	put_range(self, 0, 8, 0);
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, do_req(self, VIRTIO_BLK_T_DISCARD, 0, 16, false));
	EXPECT_EQ(VIRTIO_BLK_S_IOERR, do_req(self, VIRTIO_BLK_T_WRITE_ZEROES, 0, 16, false));
	EXPECT_EQ(VIRTIO_BLK_S_OK, do_req(self, VIRTIO_BLK_T_FLUSH, 0, 0, false));
	EXPECT_EQ(VIRTIO_BLK_S_OK, do_req(self, VIRTIO_BLK_T_IN, 0, 4096, true));
	ASSERT_EQ(4096, pread(self->fd, after, 4096, 0));
	EXPECT_EQ(0, memcmp(before, after, 4096));
	EXPECT_EQ(0, memcmp(before, data_of(self, 0), 4096));
	/* GET_ID without a serial: 20 zero bytes. */
	EXPECT_EQ(VIRTIO_BLK_S_OK, do_req(self, VIRTIO_BLK_T_GET_ID, 0, 20, true));
	EXPECT_EQ(0, data_of(self, 0)[0]);
}

TEST_F(blk, lock_refuses_a_second_user)
{
	struct blkio_opts rw = { 0 }, ro = { .ro = true };
	struct blkio *io, *io2, *io3;
	const char *why;

	/* The VM holds the image for writing. */
	EXPECT_EQ(-EBUSY, blkio__open(&io, self->path, &rw, &why));
	EXPECT_NE(NULL, strstr(why, "in use"));
	EXPECT_EQ(-EBUSY, blkio__open(&io, self->path, &ro, &why));
	vm_down(self);
	/* Readers share. */
	ASSERT_EQ(0, blkio__open(&io, self->path, &ro, &why));
	ASSERT_EQ(0, blkio__open(&io2, self->path, &ro, &why));
	EXPECT_EQ(-EBUSY, blkio__open(&io3, self->path, &rw, &why));
	blkio__close(io2);
	blkio__close(io);
	ASSERT_EQ(0, blkio__open(&io, self->path, &rw, &why));
	blkio__close(io);
	EXPECT_EQ(-ENOENT, blkio__open(&io, "/nonexistent/disk.img", &rw, &why));
	EXPECT_EQ(-EINVAL, blkio__open(&io, "/tmp", &ro, &why));
}

/* The disk's own I/O thread, woken by the doorbell; then a reset while it works. */
TEST_F(blk, io_thread_and_reset)
{
	struct test_ring *r = &self->r;
	u16 s, want;

	ASSERT_EQ(0, event__init(&self->t.vm));
	ASSERT_EQ(0, modules__start(&self->t.vm));
	ASSERT_EQ(-ENODEV, virtio_blk__poll(&self->t.vm, 0, 0));
	memset(data_of(self, 0), 0x42, 4096);
	ASSERT_EQ(VIRTIO_BLK_S_OK, do_req(self, VIRTIO_BLK_T_OUT, 40, 4096, false));
	ASSERT_EQ(VIRTIO_BLK_S_OK, do_req(self, VIRTIO_BLK_T_FLUSH, 0, 0, false));

	/* Many writes, then a reset at once: it returns with nothing in flight. */
	for (s = 0; s < 5; s++)
		put_req(self, s, VIRTIO_BLK_T_OUT, 256 * s, 0x20000, false);
	wr(self->d, VIRTIO_NOTIFY_OFF, 0, 2);
	wr(self->d, VIRTIO_PCI_STATUS, 0, 1);
	EXPECT_EQ(0, rd(self->d, VIRTIO_PCI_STATUS, 1));

	/* Up again on fresh rings: it serves them. */
	ring__setup(r, self->t.ram, QSIZE);
	ASSERT_TRUE(vt__bring_up(self->d, r, BLK_FEATURES) & VIRTIO_STATUS_DRIVER_OK);
	want = ring__used_idx(r);
	EXPECT_EQ(0, want);
	memset(data_of(self, 0), 0, 4096);
	ASSERT_EQ(VIRTIO_BLK_S_OK, do_req(self, VIRTIO_BLK_T_IN, 40, 4096, true));
	EXPECT_EQ(0x42, data_of(self, 0)[4095]);
}

/* pvm run --disk's syntax (cli/disk.c). */
TEST(disk_option)
{
	struct vm_config cfg = { 0 };
	char a[] = "a.img", b[] = "/dev/sdb,ro,serial=data0", c[] = "c.img,direct,ro";
	char d[] = "d.img,serial=", bad1[] = "x.img,rw", bad2[] = ",ro";
	char bad3[] = "x.img,serial=123456789012345678901", e[] = "e.img";

	ASSERT_EQ(0, disk__parse(&cfg, a));
	ASSERT_EQ(0, disk__parse(&cfg, b));
	ASSERT_EQ(0, disk__parse(&cfg, c));
	ASSERT_EQ(0, disk__parse(&cfg, d));
	EXPECT_EQ(4, cfg.nr_disks);
	EXPECT_STREQ("a.img", cfg.disks[0].path);
	EXPECT_FALSE(cfg.disks[0].ro);
	EXPECT_STREQ("/dev/sdb", cfg.disks[1].path);
	EXPECT_TRUE(cfg.disks[1].ro);
	EXPECT_STREQ("data0", cfg.disks[1].serial);
	EXPECT_TRUE(cfg.disks[2].direct && cfg.disks[2].ro);
	EXPECT_STREQ("", cfg.disks[3].serial);
	EXPECT_EQ(-EINVAL, disk__parse(&cfg, bad1));
	EXPECT_EQ(-EINVAL, disk__parse(&cfg, bad2));
	EXPECT_EQ(-EINVAL, disk__parse(&cfg, bad3));
	EXPECT_EQ(4, cfg.nr_disks);
	while (cfg.nr_disks < PVM_MAX_DISKS)
		ASSERT_EQ(0, disk__parse(&cfg, e));
	EXPECT_EQ(-E2BIG, disk__parse(&cfg, e));
	/* A missing image: status 66 (and nothing left open). */
	cfg.nr_disks = 1;
	cfg.disks[0].path = "/nonexistent/x.img";
	EXPECT_EQ(PVM_EXIT_NOINPUT, disk__open_all(&cfg));
}

TEST_HARNESS_MAIN
