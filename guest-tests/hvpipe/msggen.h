/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Deterministic HVPIPE test streams, shared by the guest suite (hvpipe-test.c)
 * and the LPAR end (hvpipe-peer.c), so either side can regenerate message i
 * of a stream and compare it with what arrived.
 *
 * Stream (seed S): message 0 is 1 byte, message 1 is MSGGEN_MAX bytes, every
 * other message i has a pseudo-random size in 1..MSGGEN_MAX. The bytes of
 * message i are pseudo-random (all byte values occur) and depend on (S, i)
 * only, so a message delivered out of order or to the wrong source does not
 * match. The generator is splitmix64.
 */
#ifndef HVPIPE_MSGGEN_H
#define HVPIPE_MSGGEN_H

#include <stddef.h>
#include <stdint.h>

#define MSGGEN_MAX 4048		/* largest HVPIPE payload */

static inline uint64_t msggen_next(uint64_t *state)
{
	uint64_t z;

	*state += 0x9e3779b97f4a7c15ULL;
	z = *state;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Generator state of message i; salt separates the size and content draws. */
static inline uint64_t msggen_state(uint32_t seed, uint32_t i, uint64_t salt)
{
	uint64_t st = ((uint64_t)seed << 32 | i) ^ salt;

	/* One round so that neighbouring (seed, i) pairs start far apart. */
	msggen_next(&st);
	return st;
}

static inline size_t msggen_size(uint32_t seed, uint32_t i)
{
	uint64_t st;

	if (i == 0)
		return 1;
	if (i == 1)
		return MSGGEN_MAX;
	st = msggen_state(seed, i, 0x73697a6573697a65ULL);
	return 1 + msggen_next(&st) % MSGGEN_MAX;
}

/* Writes message i of stream seed into buf (MSGGEN_MAX bytes); returns its size. */
static inline size_t msggen_fill(uint32_t seed, uint32_t i, uint8_t *buf)
{
	size_t n = msggen_size(seed, i), k;
	uint64_t st = msggen_state(seed, i, 0x6279746573627974ULL);
	uint64_t v = 0;

	for (k = 0; k < n; k++) {
		if (!(k & 7))
			v = msggen_next(&st);
		buf[k] = (uint8_t)v;
		v >>= 8;
	}
	return n;
}

/*
 * CRC-32 (IEEE 802.3, reflected, as zlib's crc32()): start with crc = 0 and
 * feed the payloads one after another to get the CRC of their concatenation.
 */
static inline uint32_t msggen_crc32(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;
	int b;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

#endif
