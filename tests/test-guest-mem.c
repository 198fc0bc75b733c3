// SPDX-License-Identifier: GPL-2.0
/* gmem__*(): every guest access is bounds-checked; parse_size(). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/builtin.h"
#include "pvm/guest-mem.h"

/* After pvm's headers: their ARRAY_SIZE/__noreturn win, the harness's are #ifndef. */
#include "kselftest_harness.h"

#define RAM 0x10000ULL
#define HI_GPA 0x100000000ULL	/* a second region at 4 GiB */

FIXTURE(gmem) {
	struct guest_mem gm;
	u8 *lo, *hi;
};

FIXTURE_SETUP(gmem)
{
	memset(&self->gm, 0, sizeof(self->gm));
	self->lo = calloc(1, RAM);
	self->hi = calloc(1, SZ_4K);
	ASSERT_NE(NULL, self->lo);
	ASSERT_NE(NULL, self->hi);
	ASSERT_EQ(0, gmem__add(&self->gm, 0, RAM, self->lo));
	ASSERT_EQ(0, gmem__add(&self->gm, HI_GPA, SZ_4K, self->hi));
}

FIXTURE_TEARDOWN(gmem)
{
	free(self->lo);
	free(self->hi);
}

TEST_F(gmem, ptr_in_range)
{
	EXPECT_EQ((void *)self->lo, gmem__ptr(&self->gm, 0, 1));
	EXPECT_EQ((void *)(self->lo + 0x1234), gmem__ptr(&self->gm, 0x1234, 16));
	EXPECT_EQ((void *)self->lo, gmem__ptr(&self->gm, 0, RAM));
	EXPECT_EQ((void *)(self->hi + 8), gmem__ptr(&self->gm, HI_GPA + 8, 8));
	/* Between the regions there is nothing. */
	EXPECT_NULL(gmem__ptr(&self->gm, RAM, 1));
	EXPECT_NULL(gmem__ptr(&self->gm, HI_GPA - 1, 1));
	/* A range spanning both regions is refused even where they touch. */
	EXPECT_NULL(gmem__ptr(&self->gm, 0, RAM + 1));
}

TEST_F(gmem, ptr_exact_end)
{
	EXPECT_EQ((void *)(self->lo + RAM - 4), gmem__ptr(&self->gm, RAM - 4, 4));
	EXPECT_EQ((void *)(self->lo + RAM - 1), gmem__ptr(&self->gm, RAM - 1, 1));
	EXPECT_EQ((void *)(self->hi + SZ_4K - 8), gmem__ptr(&self->gm, HI_GPA + SZ_4K - 8, 8));
}

TEST_F(gmem, ptr_one_past_end)
{
	EXPECT_NULL(gmem__ptr(&self->gm, RAM - 4, 5));
	EXPECT_NULL(gmem__ptr(&self->gm, RAM - 1, 2));
	EXPECT_NULL(gmem__ptr(&self->gm, RAM, 1));
	EXPECT_NULL(gmem__ptr(&self->gm, HI_GPA + SZ_4K - 8, 9));
	EXPECT_NULL(gmem__ptr(&self->gm, HI_GPA + SZ_4K, 1));
}

TEST_F(gmem, ptr_len0)
{
	/* An empty range inside a region is fine... */
	EXPECT_EQ((void *)(self->lo + 16), gmem__ptr(&self->gm, 16, 0));
	/* ...but its start must be a byte of the region: the end is not. */
	EXPECT_NULL(gmem__ptr(&self->gm, RAM, 0));
	EXPECT_NULL(gmem__ptr(&self->gm, HI_GPA + SZ_4K, 0));
}

TEST_F(gmem, ptr_overflow)
{
	u8 *top = calloc(1, SZ_4K);
	u64 top_gpa = ~0ULL - 2 * SZ_4K + 1;	/* ends 4 KiB below 2^64 */

	ASSERT_NE(NULL, top);
	ASSERT_EQ(0, gmem__add(&self->gm, top_gpa, SZ_4K, top));
	EXPECT_EQ((void *)top, gmem__ptr(&self->gm, top_gpa, SZ_4K));
	/* gpa + len wraps around to a small number: must not look in range. */
	EXPECT_NULL(gmem__ptr(&self->gm, top_gpa + 16, ~0ULL));
	EXPECT_NULL(gmem__ptr(&self->gm, top_gpa, ~0ULL - top_gpa + 2));
	EXPECT_NULL(gmem__ptr(&self->gm, 8, ~0ULL - 4));
	EXPECT_NULL(gmem__ptr(&self->gm, ~0ULL, 1));
	EXPECT_NULL(gmem__ptr(&self->gm, ~0ULL - 3, 8));
	EXPECT_NULL(gmem__ptr(&self->gm, 0, ~0ULL));
	free(top);
}

TEST_F(gmem, add_overlap_rejected)
{
	u8 buf[64];

	EXPECT_EQ(-EEXIST, gmem__add(&self->gm, 0, 1, buf));
	EXPECT_EQ(-EEXIST, gmem__add(&self->gm, RAM - 1, 2, buf));
	EXPECT_EQ(-EEXIST, gmem__add(&self->gm, HI_GPA - 8, 16, buf));
	EXPECT_EQ(-EEXIST, gmem__add(&self->gm, HI_GPA + 8, 8, buf));
	/* Covering a whole region is an overlap too. */
	EXPECT_EQ(-EEXIST, gmem__add(&self->gm, HI_GPA - SZ_4K, 4 * SZ_4K, buf));
	EXPECT_EQ(2U, self->gm.nr);
	/* Touching is not overlapping. */
	EXPECT_EQ(0, gmem__add(&self->gm, RAM, sizeof(buf), buf));
	EXPECT_EQ(3U, self->gm.nr);
	EXPECT_EQ((void *)buf, gmem__ptr(&self->gm, RAM, 1));
}

TEST_F(gmem, add_invalid)
{
	u8 buf[16];

	EXPECT_EQ(-EINVAL, gmem__add(&self->gm, 0x200000, 0, buf));
	/* A region whose end wraps past 2^64. */
	EXPECT_EQ(-EINVAL, gmem__add(&self->gm, ~0ULL - 7, 16, buf));
	EXPECT_EQ(2U, self->gm.nr);
}

TEST_F(gmem, remove)
{
	EXPECT_EQ(-ENOENT, gmem__remove(&self->gm, 0x1000));
	EXPECT_EQ(0, gmem__remove(&self->gm, HI_GPA));
	EXPECT_NULL(gmem__ptr(&self->gm, HI_GPA, 1));
	EXPECT_EQ(RAM, gmem__ram_top(&self->gm));
}

TEST_F(gmem, ram_top)
{
	EXPECT_EQ(HI_GPA + SZ_4K, gmem__ram_top(&self->gm));
}

TEST_F(gmem, rw_be32_roundtrip)
{
	u32 v = 0;

	ASSERT_EQ(0, gmem__write_be32(&self->gm, 0x100, 0x11223344));
	/* Stored big-endian, whatever the host. */
	EXPECT_EQ(0x11, self->lo[0x100]);
	EXPECT_EQ(0x22, self->lo[0x101]);
	EXPECT_EQ(0x33, self->lo[0x102]);
	EXPECT_EQ(0x44, self->lo[0x103]);
	ASSERT_EQ(0, gmem__read_be32(&self->gm, 0x100, &v));
	EXPECT_EQ(0x11223344U, v);
	/* The last word of a region. */
	ASSERT_EQ(0, gmem__write_be32(&self->gm, HI_GPA + SZ_4K - 4, 0xcafef00d));
	ASSERT_EQ(0, gmem__read_be32(&self->gm, HI_GPA + SZ_4K - 4, &v));
	EXPECT_EQ(0xcafef00dU, v);
}

TEST_F(gmem, rw_out_of_range)
{
	u8 before[16], buf[16] = { 1, 2, 3 };
	u32 v = 0x5a5a5a5a;

	memcpy(before, self->lo + RAM - 16, 16);
	EXPECT_EQ(-EFAULT, gmem__write_be32(&self->gm, RAM - 2, 0xffffffff));
	EXPECT_EQ(-EFAULT, gmem__write_be32(&self->gm, RAM, 0xffffffff));
	EXPECT_EQ(-EFAULT, gmem__write(&self->gm, RAM - 8, buf, 16));
	EXPECT_EQ(0, memcmp(before, self->lo + RAM - 16, 16));
	EXPECT_EQ(-EFAULT, gmem__read_be32(&self->gm, RAM - 3, &v));
	EXPECT_EQ(-EFAULT, gmem__read_be32(&self->gm, ~0ULL - 1, &v));
	EXPECT_EQ(-EFAULT, gmem__read(&self->gm, HI_GPA + SZ_4K - 4, buf, 8));
	/* A failed read leaves the destination alone. */
	EXPECT_EQ(0x5a5a5a5aU, v);
}

TEST(parse_size_units)
{
	u64 v = 0;

	ASSERT_EQ(0, parse_size("512M", &v));
	EXPECT_EQ(512 * SZ_1M, v);
	ASSERT_EQ(0, parse_size("2G", &v));
	EXPECT_EQ(2 * SZ_1G, v);
	ASSERT_EQ(0, parse_size("1024", &v));
	EXPECT_EQ(SZ_1G, v);
	ASSERT_EQ(0, parse_size("4K", &v));
	EXPECT_EQ(4 * SZ_1K, v);
	ASSERT_EQ(0, parse_size("1GiB", &v));
	EXPECT_EQ(SZ_1G, v);
	ASSERT_EQ(0, parse_size("16m", &v));
	EXPECT_EQ(16 * SZ_1M, v);
	ASSERT_EQ(0, parse_size("1T", &v));
	EXPECT_EQ(1ULL << 40, v);
	ASSERT_EQ(0, parse_size("4096B", &v));
	EXPECT_EQ(4096ULL, v);
}

TEST(parse_size_decimals)
{
	u64 v = 0;

	ASSERT_EQ(0, parse_size("1.5G", &v));
	EXPECT_EQ(3 * SZ_1G / 2, v);
	ASSERT_EQ(0, parse_size("0.5", &v));	/* MiB */
	EXPECT_EQ(SZ_1M / 2, v);
	ASSERT_EQ(0, parse_size("2.25GiB", &v));
	EXPECT_EQ(9 * SZ_1G / 4, v);
	ASSERT_EQ(0, parse_size("0.5K", &v));
	EXPECT_EQ(512ULL, v);
	ASSERT_EQ(0, parse_size("1.000000000T", &v));
	EXPECT_EQ(1ULL << 40, v);
	ASSERT_EQ(0, parse_size("16777215.5T", &v));
	EXPECT_EQ((16777215ULL << 40) + (1ULL << 39), v);
	v = 0x1234;
	/* Not whole bytes, no digits after the point, too many decimals, overflow. */
	EXPECT_EQ(-EINVAL, parse_size("1.1B", &v));
	EXPECT_EQ(-EINVAL, parse_size("0.3K", &v));
	EXPECT_EQ(-EINVAL, parse_size("1.G", &v));
	EXPECT_EQ(-EINVAL, parse_size(".5G", &v));
	EXPECT_EQ(-EINVAL, parse_size("1.2.3G", &v));
	EXPECT_EQ(-EINVAL, parse_size("1.0000000001G", &v));
	EXPECT_EQ(-EINVAL, parse_size("0.001T", &v));
	EXPECT_EQ(-ERANGE, parse_size("16777216.5T", &v));
	EXPECT_EQ(0x1234ULL, v);
}

TEST(parse_size_garbage)
{
	u64 v = 0x1234;

	EXPECT_EQ(-EINVAL, parse_size("abc", &v));
	EXPECT_EQ(-EINVAL, parse_size("-5", &v));
	EXPECT_EQ(-EINVAL, parse_size("5X", &v));
	EXPECT_EQ(-EINVAL, parse_size("", &v));
	EXPECT_EQ(-EINVAL, parse_size(" 5", &v));
	EXPECT_EQ(-EINVAL, parse_size("5 M", &v));
	EXPECT_EQ(-EINVAL, parse_size("5MM", &v));
	EXPECT_EQ(-EINVAL, parse_size(NULL, &v));
	/* Failures leave *out alone. */
	EXPECT_EQ(0x1234ULL, v);
}

TEST(parse_size_overflow)
{
	u64 v = 0x1234;

	/* Fits in strtoull but not once shifted. */
	EXPECT_GT(0, parse_size("99999999999T", &v));
	EXPECT_GT(0, parse_size("17179869184G", &v));
	/* Does not even fit in strtoull. */
	EXPECT_EQ(-EINVAL, parse_size("99999999999999999999999", &v));
	EXPECT_EQ(0x1234ULL, v);
	/* The largest that fits. */
	ASSERT_EQ(0, parse_size("16777215T", &v));
	EXPECT_EQ(16777215ULL << 40, v);
}

TEST_HARNESS_MAIN
