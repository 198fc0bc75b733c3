// SPDX-License-Identifier: GPL-2.0
/*
 * The MMIO bus (vmm/mmio.c): registration rules, dispatch with offsets,
 * unclaimed accesses, and lookups on "vCPU" threads while the ranges change
 * (run under ThreadSanitizer too: make unit-tsan).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>

#include "pvm/mmio.h"
#include "testvm.h"

#include "kselftest_harness.h"

#define BASE 0x200000000000ULL	/* far above RAM, as a PHB window would be */

/* A device that records its last access and reads back a pattern. */
struct dev {
	unsigned int reads, writes;
	u64 off;
	u32 len;
	u8 data[8];
	u8 fill;
};

static void dev_read(void *opaque, u64 off, u8 *data, u32 len)
{
	struct dev *d = opaque;
	u32 i;

	d->reads++;
	d->off = off;
	d->len = len;
	for (i = 0; i < len; i++)
		data[i] = d->fill + i;
}

static void dev_write(void *opaque, u64 off, const u8 *data, u32 len)
{
	struct dev *d = opaque;

	d->writes++;
	d->off = off;
	d->len = len;
	memcpy(d->data, data, len);
}

static const struct mmio_ops dev_ops = { .read = dev_read, .write = dev_write };
static const struct mmio_ops no_ops = { 0 };

FIXTURE(mmio) {
	struct testvm t;
	struct dev a, b;
};

FIXTURE_SETUP(mmio)
{
	const struct testvm_opts o = { .nr_cpus = 1 };

	ASSERT_EQ(0, testvm__setup(&self->t, &o));
	memset(&self->a, 0, sizeof(self->a));
	memset(&self->b, 0, sizeof(self->b));
	self->a.fill = 0x10;
	self->b.fill = 0x80;
}

FIXTURE_TEARDOWN(mmio)
{
	testvm__teardown(&self->t);
}

TEST_F(mmio, read_and_write_reach_the_range_at_its_offset)
{
	struct vm *vm = &self->t.vm;
	u8 data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	ASSERT_EQ(0, mmio__register(vm, BASE, 0x1000, &dev_ops, &self->a));
	ASSERT_EQ(0, mmio__register(vm, BASE + 0x1000, 0x100, &dev_ops, &self->b));

	EXPECT_TRUE(mmio__access(vm, BASE + 0x804, data, 4, true));
	EXPECT_EQ(1U, self->a.writes);
	EXPECT_EQ(0U, self->b.writes);
	EXPECT_EQ(0x804ULL, self->a.off);
	EXPECT_EQ(4U, self->a.len);
	EXPECT_EQ(0, memcmp(self->a.data, data, 4));

	EXPECT_TRUE(mmio__access(vm, BASE + 0x1010, data, 8, false));
	EXPECT_EQ(1U, self->b.reads);
	EXPECT_EQ(0x10ULL, self->b.off);
	EXPECT_EQ(8U, self->b.len);
	EXPECT_EQ(0x80, data[0]);
	EXPECT_EQ(0x87, data[7]);

	/* The first and the last byte of a range are its own. */
	EXPECT_TRUE(mmio__access(vm, BASE, data, 1, false));
	EXPECT_EQ(0ULL, self->a.off);
	EXPECT_TRUE(mmio__access(vm, BASE + 0x10ff, data, 1, true));
	EXPECT_EQ(0xffULL, self->b.off);
}

TEST_F(mmio, unclaimed_reads_all_ones_and_writes_vanish)
{
	struct vm *vm = &self->t.vm;
	u8 data[8] = { 0 };
	unsigned int i;

	ASSERT_EQ(0, mmio__register(vm, BASE, 0x100, &dev_ops, &self->a));
	EXPECT_FALSE(mmio__access(vm, BASE + 0x100, data, 4, false));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0xff, data[i]);
	EXPECT_EQ(0, data[4]);
	EXPECT_FALSE(mmio__access(vm, BASE - 8, data, 8, true));
	EXPECT_FALSE(mmio__access(vm, 0, data, 2, false));
	/* Straddling the range's end: no device sees half an access. */
	memset(data, 0, sizeof(data));
	EXPECT_FALSE(mmio__access(vm, BASE + 0xfc, data, 8, false));
	EXPECT_EQ(0xff, data[7]);
	/* Lengths the accelerator never gives are refused, not trusted. */
	EXPECT_FALSE(mmio__access(vm, BASE, data, 0, false));
	EXPECT_FALSE(mmio__access(vm, BASE, data, 9, true));
	EXPECT_EQ(0U, self->a.reads + self->a.writes);
	/* Logged once: the flag is set and stays set. */
	EXPECT_TRUE(vm->mmio.warned);
}

TEST_F(mmio, a_range_without_ops_reads_all_ones)
{
	struct vm *vm = &self->t.vm;
	u8 data[4] = { 0 };

	ASSERT_EQ(0, mmio__register(vm, BASE, 0x10, &no_ops, NULL));
	EXPECT_TRUE(mmio__access(vm, BASE, data, 4, false));
	EXPECT_EQ(0xff, data[3]);
	EXPECT_TRUE(mmio__access(vm, BASE, data, 4, true));
}

TEST_F(mmio, overlaps_are_refused)
{
	struct vm *vm = &self->t.vm;

	ASSERT_EQ(0, mmio__register(vm, BASE + 0x1000, 0x1000, &dev_ops, &self->a));
	EXPECT_EQ(-EBUSY, mmio__register(vm, BASE + 0x1000, 0x1000, &dev_ops, &self->b));
	EXPECT_EQ(-EBUSY, mmio__register(vm, BASE + 0x1fff, 1, &dev_ops, &self->b));
	EXPECT_EQ(-EBUSY, mmio__register(vm, BASE + 0xfff, 2, &dev_ops, &self->b));
	EXPECT_EQ(-EBUSY, mmio__register(vm, BASE, 0x10000, &dev_ops, &self->b));
	EXPECT_EQ(-EBUSY, mmio__register(vm, BASE + 0x1800, 0x10, &dev_ops, &self->b));
	/* Touching is not overlapping. */
	EXPECT_EQ(0, mmio__register(vm, BASE + 0xff0, 0x10, &dev_ops, &self->b));
	EXPECT_EQ(0, mmio__register(vm, BASE + 0x2000, 0x10, &dev_ops, &self->b));
	EXPECT_EQ(3U, vm->mmio.nr);
}

TEST_F(mmio, zero_length_wrap_and_no_ops_are_invalid)
{
	struct vm *vm = &self->t.vm;

	EXPECT_EQ(-EINVAL, mmio__register(vm, BASE, 0, &dev_ops, &self->a));
	EXPECT_EQ(-EINVAL, mmio__register(vm, ~0ULL, 2, &dev_ops, &self->a));
	EXPECT_EQ(-EINVAL, mmio__register(vm, 2, ~0ULL, &dev_ops, &self->a));
	EXPECT_EQ(-EINVAL, mmio__register(vm, BASE, 0x10, NULL, &self->a));
	/* Up to the very last byte is fine. */
	EXPECT_EQ(0, mmio__register(vm, ~0ULL, 1, &dev_ops, &self->a));
	EXPECT_EQ(0, mmio__register(vm, 0, 1, &dev_ops, &self->b));
	EXPECT_TRUE(mmio__access(vm, ~0ULL, (u8[1]){ 0 }, 1, true));
	EXPECT_EQ(1U, self->a.writes);
}

TEST_F(mmio, unregister_frees_the_range)
{
	struct vm *vm = &self->t.vm;
	u8 data[4];

	ASSERT_EQ(0, mmio__register(vm, BASE, 0x100, &dev_ops, &self->a));
	ASSERT_EQ(0, mmio__register(vm, BASE + 0x100, 0x100, &dev_ops, &self->b));
	EXPECT_EQ(-ENOENT, mmio__unregister(vm, BASE + 4));
	EXPECT_EQ(-ENOENT, mmio__unregister(vm, BASE + 0x200));
	EXPECT_EQ(0, mmio__unregister(vm, BASE));
	EXPECT_EQ(-ENOENT, mmio__unregister(vm, BASE));
	EXPECT_FALSE(mmio__access(vm, BASE + 4, data, 4, false));
	EXPECT_EQ(0U, self->a.reads);
	EXPECT_TRUE(mmio__access(vm, BASE + 0x104, data, 4, false));
	EXPECT_EQ(1U, self->b.reads);
	/* The space is free again, for someone else (a BAR that moved). */
	EXPECT_EQ(0, mmio__register(vm, BASE + 0x80, 0x80, &dev_ops, &self->b));
}

TEST_F(mmio, many_ranges_stay_sorted)
{
	struct vm *vm = &self->t.vm;
	u8 data[1];
	int i;

	/* Registered out of order, more than the first allocation holds. */
	for (i = 63; i >= 0; i -= 2)
		ASSERT_EQ(0, mmio__register(vm, BASE + i * 0x100, 0x100, &dev_ops, &self->a));
	for (i = 0; i < 64; i += 2)
		ASSERT_EQ(0, mmio__register(vm, BASE + i * 0x100, 0x80, &dev_ops, &self->b));
	for (i = 1; i < 64; i++)
		ASSERT_LT(vm->mmio.ranges[i - 1].base, vm->mmio.ranges[i].base);
	for (i = 0; i < 64; i++) {
		EXPECT_TRUE(mmio__access(vm, BASE + i * 0x100 + 0x7f, data, 1, false));
		EXPECT_EQ(i & 1 ? 0x10 : 0x80, data[0]);
		EXPECT_EQ(i % 2 == 0, !mmio__access(vm, BASE + i * 0x100 + 0x80, data, 1, false));
	}
}

/* ---- lookups against registration on other threads ---- */

#define ROUNDS 3000
#define READERS 3

struct counter {
	u64 hits;		/* atomic: several readers may hit it at once */
};

static void count_read(void *opaque, u64 off, u8 *data, u32 len)
{
	struct counter *c = opaque;

	__atomic_add_fetch(&c->hits, 1, __ATOMIC_RELAXED);
	memset(data, (u8)off, len);
}

static const struct mmio_ops count_ops = { .read = count_read };

struct race {
	struct vm *vm;
	bool stop;
	unsigned long bad, seen;
};

/* A "vCPU": the fixed range always answers; the moving one answers or not. */
static void *reader(void *arg)
{
	struct race *r = arg;
	u8 data[4];

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		if (!mmio__access(r->vm, BASE + 0x10, data, 4, false) || data[0] != 0x10)
			__atomic_add_fetch(&r->bad, 1, __ATOMIC_RELAXED);
		mmio__access(r->vm, BASE + 0x10000 + 0x20, data, 4, false);
		if (data[0] != 0x20 && data[0] != 0xff)
			__atomic_add_fetch(&r->bad, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&r->seen, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

TEST(registration_vs_lookups)
{
	const struct testvm_opts o = { .nr_cpus = 1 };
	struct counter fixed = { 0 }, moving = { 0 };
	struct race r = { 0 };
	pthread_t th[READERS];
	struct testvm t;
	int i;

	ASSERT_EQ(0, testvm__setup(&t, &o));
	r.vm = &t.vm;
	ASSERT_EQ(0, mmio__register(&t.vm, BASE, 0x100, &count_ops, &fixed));
	for (i = 0; i < READERS; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, reader, &r));
	while (!__atomic_load_n(&r.seen, __ATOMIC_RELAXED))
		sched_yield();
	for (i = 0; i < ROUNDS; i++) {
		/* Ranges come and go around the moving one, forcing reallocations. */
		ASSERT_EQ(0, mmio__register(&t.vm, BASE + 0x10000, 0x100, &count_ops, &moving));
		ASSERT_EQ(0, mmio__register(&t.vm, BASE + 0x20000 + (i % 32) * 0x100, 0x10,
					    &count_ops, &moving));
		if (i % 32 == 31) {
			int j;

			for (j = 0; j < 32; j++)
				ASSERT_EQ(0, mmio__unregister(&t.vm, BASE + 0x20000 + j * 0x100));
		}
		sched_yield();
		ASSERT_EQ(0, mmio__unregister(&t.vm, BASE + 0x10000));
	}
	__atomic_store_n(&r.stop, true, __ATOMIC_RELEASE);
	for (i = 0; i < READERS; i++)
		pthread_join(th[i], NULL);
	/* Unregistered: no handler of it runs any more, so its state may go. */
	EXPECT_FALSE(mmio__access(&t.vm, BASE + 0x10020, (u8[4]){ 0 }, 4, false));
	EXPECT_EQ(0UL, r.bad);
	EXPECT_LT(0UL, r.seen);
	EXPECT_LE(r.seen, __atomic_load_n(&fixed.hits, __ATOMIC_RELAXED));
	testvm__teardown(&t);
}

TEST_HARNESS_MAIN
