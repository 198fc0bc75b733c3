/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_TESTS_VIRTQ_RING_H
#define PVM_TESTS_VIRTQ_RING_H

/*
 * The driver's side of a split virtqueue, built in test RAM (a host buffer
 * that is also guest memory at gpa 0): what Linux's virtio_ring.c would
 * write, and readers for what the device wrote back. Little-endian, as a
 * VERSION_1 ring always is.
 */
#include <endian.h>
#include <string.h>

#include "pvm/types.h"

struct test_ring {
	u8 *ram;		/* guest physical 0 */
	u16 size;
	u64 desc, avail, used;
	u16 avail_idx;		/* the driver's shadow of avail->idx */
};

static inline void ring__put(struct test_ring *r, u64 gpa, u64 v, unsigned int bytes)
{
	unsigned int i;

	for (i = 0; i < bytes; i++)
		r->ram[gpa + i] = v >> (8 * i);
}

static inline u64 ring__get(const struct test_ring *r, u64 gpa, unsigned int bytes)
{
	u64 v = 0;
	unsigned int i;

	for (i = 0; i < bytes; i++)
		v |= (u64)r->ram[gpa + i] << (8 * i);
	return v;
}

/* A descriptor at table gpa, entry i. */
static inline void ring__desc_at(struct test_ring *r, u64 table, u16 i, u64 addr, u32 len,
				 u16 flags, u16 next)
{
	u64 d = table + 16ULL * i;

	ring__put(r, d, addr, 8);
	ring__put(r, d + 8, len, 4);
	ring__put(r, d + 12, flags, 2);
	ring__put(r, d + 14, next, 2);
}

static inline void ring__desc(struct test_ring *r, u16 i, u64 addr, u32 len, u16 flags, u16 next)
{
	ring__desc_at(r, r->desc, i, addr, len, flags, next);
}

/* Make head available (and publish the index). */
static inline void ring__avail(struct test_ring *r, u16 head)
{
	ring__put(r, r->avail + 4 + 2ULL * (r->avail_idx % r->size), head, 2);
	r->avail_idx++;
	/* Published as a driver on another CPU would (a device thread may read it). */
	__atomic_store_n((u16 *)(r->ram + r->avail + 2), htole16(r->avail_idx), __ATOMIC_RELEASE);
}

static inline void ring__set_avail_idx(struct test_ring *r, u16 idx)
{
	r->avail_idx = idx;
	ring__put(r, r->avail + 2, idx, 2);
}

static inline void ring__set_used_event(struct test_ring *r, u16 v)
{
	ring__put(r, r->avail + 4 + 2ULL * r->size, v, 2);
}

static inline u16 ring__avail_event(const struct test_ring *r)
{
	return ring__get(r, r->used + 4 + 8ULL * r->size, 2);
}

/* Acquire: what the device wrote before publishing the index is visible after. */
static inline u16 ring__used_idx(const struct test_ring *r)
{
	return le16toh(__atomic_load_n((u16 *)(r->ram + r->used + 2), __ATOMIC_ACQUIRE));
}

static inline u32 ring__used_id(const struct test_ring *r, u16 i)
{
	return ring__get(r, r->used + 4 + 8ULL * (i % r->size), 4);
}

static inline u32 ring__used_len(const struct test_ring *r, u16 i)
{
	return ring__get(r, r->used + 8 + 8ULL * (i % r->size), 4);
}

/* A ring of size at the usual test places: desc 0x1000, avail 0x2000, used 0x3000. */
static inline void ring__setup(struct test_ring *r, u8 *ram, u16 size)
{
	*r = (struct test_ring){ .ram = ram, .size = size, .desc = 0x1000, .avail = 0x2000,
				 .used = 0x3000 };
	memset(ram + 0x1000, 0, 0x3000 + 8 * size + 6);
}

#endif
