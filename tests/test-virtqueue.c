// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueues (virtio/virtqueue.c): chains, indirect tables, EVENT_IDX,
 * 16-bit index wrap-around, and every hostile ring failing cleanly.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "virtio/virtqueue.h"
#include "virtq-ring.h"

#include "kselftest_harness.h"

#define RAM 0x10000ULL		/* region A: [0, 64K) */
#define RAM_B 0x10000ULL	/* region B: [64K, 128K), touching A */
#define BUF 0x8000ULL		/* buffers from here */
#define TABLE 0x6000ULL		/* indirect tables */
#define QSIZE 8
#define BOTH ((1ULL << VIRTIO_RING_F_INDIRECT_DESC) | (1ULL << VIRTIO_RING_F_EVENT_IDX))

FIXTURE(vq) {
	struct guest_mem gm;
	u8 *ram, *ram_b;
	struct test_ring r;
	struct virtq vq;
	struct virtq_chain c;
	struct virtq_seg seg[8];
};

FIXTURE_SETUP(vq)
{
	memset(&self->gm, 0, sizeof(self->gm));
	self->ram = aligned_alloc(SZ_4K, RAM);
	self->ram_b = aligned_alloc(SZ_4K, RAM_B);
	ASSERT_NE(NULL, self->ram);
	ASSERT_NE(NULL, self->ram_b);
	memset(self->ram, 0, RAM);
	ASSERT_EQ(0, gmem__add(&self->gm, 0, RAM, self->ram));
	ASSERT_EQ(0, gmem__add(&self->gm, RAM, RAM_B, self->ram_b));
	ring__setup(&self->r, self->ram, QSIZE);
	ASSERT_EQ(0, virtq__init(&self->vq, &self->gm, QSIZE, self->r.desc, self->r.avail,
				 self->r.used, BOTH));
}

FIXTURE_TEARDOWN(vq)
{
	free(self->ram);
	free(self->ram_b);
}

#define POP() virtq__pop(&self->vq, &self->c, self->seg, ARRAY_SIZE(self->seg))

TEST_F(vq, simple_chain)
{
	EXPECT_EQ(0, POP());	/* empty */
	ring__desc(&self->r, 3, BUF, 64, VIRTQ_DESC_F_WRITE, 0);
	ring__avail(&self->r, 3);
	ASSERT_EQ(1, POP());
	EXPECT_EQ(3U, self->c.head);
	ASSERT_EQ(1U, self->c.nr);
	EXPECT_EQ(0U, self->c.nr_out);
	EXPECT_EQ(64U, self->c.in_len);
	EXPECT_EQ(0U, self->c.out_len);
	EXPECT_EQ((void *)(self->ram + BUF), self->seg[0].ptr);
	EXPECT_TRUE(self->seg[0].write);
	EXPECT_EQ(0, POP());

	ASSERT_EQ(0, virtq__push(&self->vq, 3, 40));
	EXPECT_EQ(1U, ring__used_idx(&self->r));
	EXPECT_EQ(3U, ring__used_id(&self->r, 0));
	EXPECT_EQ(40U, ring__used_len(&self->r, 0));
}

TEST_F(vq, multi_descriptor_chain)
{
	static const u8 msg[] = "hello";
	u8 out[32];

	ring__desc(&self->r, 0, BUF, 16, VIRTQ_DESC_F_NEXT, 5);
	ring__desc(&self->r, 5, BUF + 0x100, 8, VIRTQ_DESC_F_NEXT, 2);
	ring__desc(&self->r, 2, BUF + 0x200, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 7);
	ring__desc(&self->r, 7, BUF + 0x300, 4, VIRTQ_DESC_F_WRITE, 0);
	ring__avail(&self->r, 0);
	ASSERT_EQ(1, POP());
	EXPECT_EQ(0U, self->c.head);
	ASSERT_EQ(4U, self->c.nr);
	EXPECT_EQ(2U, self->c.nr_out);
	EXPECT_EQ(24U, self->c.out_len);
	EXPECT_EQ(8U, self->c.in_len);
	EXPECT_EQ(BUF + 0x100U, self->seg[1].gpa);
	EXPECT_EQ(BUF + 0x300U, self->seg[3].gpa);
	/* virtq__copy_to() fills the writable ones in order, and no further. */
	EXPECT_EQ(6U, virtq__copy_to(&self->c, msg, 6));
	memcpy(out, self->ram + BUF + 0x200, 4);
	memcpy(out + 4, self->ram + BUF + 0x300, 2);
	EXPECT_EQ(0, memcmp(out, msg, 6));
	EXPECT_EQ(8U, virtq__copy_to(&self->c, "0123456789", 10));
}

TEST_F(vq, indirect_table)
{
	ring__desc_at(&self->r, TABLE, 0, BUF, 10, VIRTQ_DESC_F_NEXT, 1);
	ring__desc_at(&self->r, TABLE, 1, BUF + 0x100, 20, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	ring__desc_at(&self->r, TABLE, 2, BUF + 0x200, 30, VIRTQ_DESC_F_WRITE, 0);
	/* A direct readable descriptor first, then the table (§2.7.5.3.2). */
	ring__desc(&self->r, 1, BUF + 0x400, 4, VIRTQ_DESC_F_NEXT, 4);
	ring__desc(&self->r, 4, TABLE, 3 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	ring__avail(&self->r, 1);
	ASSERT_EQ(1, POP());
	EXPECT_EQ(1U, self->c.head);
	ASSERT_EQ(4U, self->c.nr);
	EXPECT_EQ(2U, self->c.nr_out);
	EXPECT_EQ(14U, self->c.out_len);
	EXPECT_EQ(50U, self->c.in_len);
	EXPECT_EQ(BUF + 0x200U, self->seg[3].gpa);
}

TEST_F(vq, indirect_refused)
{
	struct virtq plain;

	ring__desc_at(&self->r, TABLE, 0, BUF, 10, VIRTQ_DESC_F_WRITE, 0);
	ring__desc_at(&self->r, TABLE + 0x100, 0, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
	/* Nested. */
	ring__desc(&self->r, 0, TABLE + 0x100, 16, VIRTQ_DESC_F_INDIRECT, 0);
	/* INDIRECT with NEXT. */
	ring__desc(&self->r, 1, TABLE, 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 2);
	ring__desc(&self->r, 2, BUF, 4, VIRTQ_DESC_F_WRITE, 0);
	/* Lengths: not a whole descriptor, none, absurd. */
	ring__desc(&self->r, 3, TABLE, 17, VIRTQ_DESC_F_INDIRECT, 0);
	ring__desc(&self->r, 4, TABLE, 0, VIRTQ_DESC_F_INDIRECT, 0);
	ring__desc(&self->r, 5, TABLE, 0xfffffff0, VIRTQ_DESC_F_INDIRECT, 0);
	/* A table outside RAM. */
	ring__desc(&self->r, 6, 1ULL << 40, 16, VIRTQ_DESC_F_INDIRECT, 0);
	ring__avail(&self->r, 0);
	for (int i = 3; i < 7; i++)
		ring__avail(&self->r, i);
	ring__avail(&self->r, 1);
	EXPECT_EQ(-EINVAL, POP());
	EXPECT_EQ(0U, self->c.head);
	EXPECT_EQ(0U, self->c.nr);
	EXPECT_EQ(-EINVAL, POP());
	EXPECT_EQ(-EINVAL, POP());
	EXPECT_EQ(-EINVAL, POP());
	EXPECT_EQ(-EFAULT, POP());
	EXPECT_EQ(6U, self->c.head);
	EXPECT_EQ(-EINVAL, POP());
	EXPECT_EQ(1U, self->c.head);
	EXPECT_EQ(0, POP());

	/* Not negotiated: the flag is an error, not a table. */
	ring__setup(&self->r, self->ram, QSIZE);
	ASSERT_EQ(0, virtq__init(&plain, &self->gm, QSIZE, self->r.desc, self->r.avail,
				 self->r.used, 0));
	ring__desc(&self->r, 0, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
	ring__avail(&self->r, 0);
	EXPECT_EQ(-EINVAL, virtq__pop(&plain, &self->c, self->seg, 8));
}

TEST_F(vq, event_idx)
{
	int i;

	/* Each pop asks to be told at the next entry. */
	for (i = 0; i < 3; i++) {
		ring__desc(&self->r, i, BUF + 0x100 * i, 8, VIRTQ_DESC_F_WRITE, 0);
		ring__avail(&self->r, i);
	}
	ASSERT_EQ(1, POP());
	EXPECT_EQ(1U, ring__avail_event(&self->r));
	ASSERT_EQ(1, POP());
	ASSERT_EQ(1, POP());
	EXPECT_EQ(3U, ring__avail_event(&self->r));
	EXPECT_EQ(0, POP());
	EXPECT_EQ(3U, ring__avail_event(&self->r));

	/* used_event 0: the first push interrupts (nothing signalled yet)... */
	ring__set_used_event(&self->r, 0);
	ASSERT_EQ(0, virtq__push(&self->vq, 0, 8));
	EXPECT_TRUE(virtq__should_notify(&self->vq));
	/* ...the second steps from 1 to 2, past no event: suppressed. */
	ASSERT_EQ(0, virtq__push(&self->vq, 1, 8));
	EXPECT_FALSE(virtq__should_notify(&self->vq));
	/* The driver wants to hear once entry 2 is used. */
	ring__set_used_event(&self->r, 2);
	ASSERT_EQ(0, virtq__push(&self->vq, 2, 8));
	EXPECT_TRUE(virtq__should_notify(&self->vq));
	EXPECT_EQ(3U, ring__used_idx(&self->r));
}

TEST_F(vq, no_interrupt_flag)
{
	struct virtq plain;

	ASSERT_EQ(0, virtq__init(&plain, &self->gm, QSIZE, self->r.desc, self->r.avail,
				 self->r.used, 0));
	ASSERT_EQ(0, virtq__push(&plain, 0, 0));
	EXPECT_TRUE(virtq__should_notify(&plain));
	ring__put(&self->r, self->r.avail, VIRTQ_AVAIL_F_NO_INTERRUPT, 2);
	ASSERT_EQ(0, virtq__push(&plain, 0, 0));
	EXPECT_FALSE(virtq__should_notify(&plain));
}

TEST_F(vq, index_wraparound)
{
	u16 i;

	/* Both sides start just below 2^16, as after 65534 requests. */
	self->vq.last_avail = self->vq.used_idx = 0xfffe;
	ring__put(&self->r, self->r.used + 2, 0xfffe, 2);
	ring__set_avail_idx(&self->r, 0xfffe);
	for (i = 0; i < 6; i++) {
		ring__desc(&self->r, i, BUF + 0x100 * i, 8, VIRTQ_DESC_F_WRITE, 0);
		ring__avail(&self->r, i);
	}
	EXPECT_EQ(4U, ring__get(&self->r, self->r.avail + 2, 2));
	for (i = 0; i < 6; i++) {
		ASSERT_EQ(1, POP());
		EXPECT_EQ(i, self->c.head);
		ASSERT_EQ(0, virtq__push(&self->vq, self->c.head, i));
	}
	EXPECT_EQ(0, POP());
	EXPECT_EQ(4U, ring__used_idx(&self->r));
	EXPECT_EQ(5U, ring__used_id(&self->r, 3));
	EXPECT_EQ(0U, ring__used_id(&self->r, 0xfffe));
}

TEST_F(vq, hostile_chains_fail_cleanly)
{
	/* A loop: 0 -> 1 -> 0. */
	ring__desc(&self->r, 0, BUF, 4, VIRTQ_DESC_F_NEXT, 1);
	ring__desc(&self->r, 1, BUF, 4, VIRTQ_DESC_F_NEXT, 0);
	/* next beyond the table. */
	ring__desc(&self->r, 2, BUF, 4, VIRTQ_DESC_F_NEXT, QSIZE);
	/* Outside RAM; across the A/B boundary; an absurd length. */
	ring__desc(&self->r, 3, 1ULL << 40, 4, VIRTQ_DESC_F_WRITE, 0);
	ring__desc(&self->r, 4, RAM - 8, 16, VIRTQ_DESC_F_WRITE, 0);
	ring__desc(&self->r, 5, BUF, 0xffffffff, VIRTQ_DESC_F_WRITE, 0);
	/* No bytes at all. */
	ring__desc(&self->r, 6, BUF, 0, VIRTQ_DESC_F_WRITE, 0);
	/* Readable after writable. */
	ring__desc(&self->r, 7, BUF, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
	ring__avail(&self->r, 0);
	for (int i = 2; i < 8; i++)
		ring__avail(&self->r, i);
	EXPECT_EQ(-ELOOP, POP());
	EXPECT_EQ(-EINVAL, POP());
	EXPECT_EQ(-EFAULT, POP());
	EXPECT_EQ(-EFAULT, POP());
	EXPECT_EQ(-EFAULT, POP());
	EXPECT_EQ(-EINVAL, POP());
	ring__desc(&self->r, 2, BUF, 4, 0, 0);
	EXPECT_EQ(-EINVAL, POP());
	EXPECT_EQ(7U, self->c.head);
	EXPECT_EQ(0U, self->c.nr);
	/* Each failed request goes back with nothing written; the ring goes on. */
	EXPECT_EQ(0, virtq__push(&self->vq, 7, 0));
	EXPECT_EQ(0, POP());
	ring__desc(&self->r, 0, BUF, 4, VIRTQ_DESC_F_WRITE, 0);
	ring__avail(&self->r, 0);
	EXPECT_EQ(1, POP());
}

TEST_F(vq, indirect_loop_and_too_many_segments)
{
	int i;

	ring__desc_at(&self->r, TABLE, 0, BUF, 4, VIRTQ_DESC_F_NEXT, 1);
	ring__desc_at(&self->r, TABLE, 1, BUF, 4, VIRTQ_DESC_F_NEXT, 0);
	ring__desc(&self->r, 0, TABLE, 32, VIRTQ_DESC_F_INDIRECT, 0);
	ring__avail(&self->r, 0);
	EXPECT_EQ(-ELOOP, POP());
	/* 12 buffers for 8 slots. */
	for (i = 0; i < 12; i++)
		ring__desc_at(&self->r, TABLE + 0x400, i, BUF + 16 * i, 16,
			      VIRTQ_DESC_F_WRITE | (i < 11 ? VIRTQ_DESC_F_NEXT : 0), i + 1);
	ring__desc(&self->r, 1, TABLE + 0x400, 12 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	ring__avail(&self->r, 1);
	EXPECT_EQ(-ENOBUFS, POP());
	EXPECT_EQ(1U, self->c.head);
}

TEST_F(vq, broken_rings)
{
	struct virtq q;

	/* The driver cannot be more than a ring ahead. */
	ring__set_avail_idx(&self->r, QSIZE + 1);
	EXPECT_EQ(-EPROTO, POP());
	ring__set_avail_idx(&self->r, 0xffff);
	EXPECT_EQ(-EPROTO, POP());
	/* A head outside the table. */
	ring__set_avail_idx(&self->r, 0);
	ring__avail(&self->r, QSIZE);
	EXPECT_EQ(-EPROTO, POP());
	ring__set_avail_idx(&self->r, 0);
	ring__avail(&self->r, 0xffff);
	EXPECT_EQ(-EPROTO, POP());

	/* Rings that are not rings. */
	EXPECT_EQ(-EINVAL, virtq__init(&q, &self->gm, 0, 0x1000, 0x2000, 0x3000, 0));
	EXPECT_EQ(-EINVAL, virtq__init(&q, &self->gm, 6, 0x1000, 0x2000, 0x3000, 0));
	EXPECT_EQ(-EINVAL, virtq__init(&q, &self->gm, 65535, 0x1000, 0x2000, 0x3000, 0));
	EXPECT_EQ(-EINVAL, virtq__init(&q, &self->gm, 8, 0x1008, 0x2000, 0x3000, 0));
	EXPECT_EQ(-EINVAL, virtq__init(&q, &self->gm, 8, 0x1000, 0x2001, 0x3000, 0));
	EXPECT_EQ(-EINVAL, virtq__init(&q, &self->gm, 8, 0x1000, 0x2000, 0x3002, 0));
	EXPECT_EQ(-EFAULT, virtq__init(&q, &self->gm, 8, 1ULL << 40, 0x2000, 0x3000, 0));
	EXPECT_EQ(-EFAULT, virtq__init(&q, &self->gm, 8, 0x1000, RAM + RAM_B - 4, 0x3000, 0));
	EXPECT_EQ(-EFAULT, virtq__init(&q, &self->gm, 8, 0x1000, 0x2000, ~0ULL - 3, 0));
	/* A queue that failed init refuses everything. */
	EXPECT_EQ(-EPROTO, virtq__pop(&q, &self->c, self->seg, 8));
	EXPECT_EQ(-EPROTO, virtq__push(&q, 0, 0));
	EXPECT_FALSE(virtq__should_notify(&q));

	/* Rings in memory that went away (hot-unplug) break the queue. */
	ASSERT_EQ(0, virtq__init(&q, &self->gm, 8, RAM, RAM + 0x200, RAM + 0x400, 0));
	ASSERT_EQ(0, gmem__remove(&self->gm, RAM));
	EXPECT_EQ(-EPROTO, virtq__pop(&q, &self->c, self->seg, 8));
	EXPECT_EQ(-EPROTO, virtq__push(&q, 0, 0));
}

TEST_HARNESS_MAIN
