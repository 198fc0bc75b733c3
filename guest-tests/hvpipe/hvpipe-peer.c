// SPDX-License-Identifier: GPL-2.0
/*
 * hvpipe-peer: the LPAR end of the HVPIPE test streams (msggen.h), used by
 * guest-tests/lab/hvpipe-peer.sh together with "pvm hvpipe NAME send --framed"
 * and "pvm hvpipe NAME recv --follow". A framed stream is a sequence of
 * messages, each a big-endian 32-bit length followed by that many bytes.
 *
 *   hvpipe-peer gen N SEED     write messages 0..N-1 of stream SEED, framed, to stdout
 *   hvpipe-peer check N SEED   read N framed messages from stdin and compare each
 *                              with the generator; prints
 *                              "PEER-CHECK n=.. bad=.. crc=.. secs=.. rate=.."
 *                              and exits 0 only if all N arrived and matched
 *   hvpipe-peer crc N SEED     print the CRC-32 of the N payloads of stream SEED
 *
 * N and SEED are decimal or 0x-hex.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "msggen.h"

static void usage(void)
{
	fprintf(stderr, "usage: hvpipe-peer gen|check|crc N SEED\n");
	exit(2);
}

static uint32_t number(const char *s)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || !*s || *end || v > UINT32_MAX) {
		fprintf(stderr, "hvpipe-peer: '%s' is not a 32-bit number\n", s);
		exit(2);
	}
	return (uint32_t)v;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t r;

	while (len) {
		r = write(fd, p, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		len -= r;
	}
	return 0;
}

/* 1 read all len bytes, 0 end of input before the first byte, -1 error or short. */
static int read_all(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t got = 0;
	ssize_t r;

	while (got < len) {
		r = read(fd, p + got, len - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return got ? -1 : 0;
		got += r;
	}
	return 1;
}

static int gen(uint32_t n, uint32_t seed)
{
	uint8_t frame[4 + MSGGEN_MAX];
	uint32_t i;
	size_t len;

	for (i = 0; i < n; i++) {
		len = msggen_fill(seed, i, frame + 4);
		frame[0] = len >> 24;
		frame[1] = len >> 16;
		frame[2] = len >> 8;
		frame[3] = len;
		if (write_all(STDOUT_FILENO, frame, 4 + len)) {
			fprintf(stderr, "hvpipe-peer: gen: write of message %u: %s\n",
				i, strerror(errno));
			return 1;
		}
	}
	return 0;
}

static int check(uint32_t n, uint32_t seed)
{
	uint8_t want[MSGGEN_MAX], got[MSGGEN_MAX], hdr[4];
	uint32_t i, len, bad = 0, crc = 0;
	double t0 = now(), secs;
	size_t wlen;
	int r = 1;

	for (i = 0; i < n; i++) {
		r = read_all(STDIN_FILENO, hdr, 4);
		if (r <= 0)
			break;
		len = (uint32_t)hdr[0] << 24 | hdr[1] << 16 | hdr[2] << 8 | hdr[3];
		if (!len || len > MSGGEN_MAX) {
			fprintf(stderr, "hvpipe-peer: check: message %u has length %u\n", i, len);
			bad++;
			r = -1;
			break;
		}
		r = read_all(STDIN_FILENO, got, len);
		if (r <= 0) {
			r = -1;
			break;
		}
		crc = msggen_crc32(crc, got, len);
		wlen = msggen_fill(seed, i, want);
		if (wlen != len || memcmp(want, got, len)) {
			if (bad < 5)
				fprintf(stderr, "hvpipe-peer: check: message %u differs (%u bytes, want %zu)\n",
					i, len, wlen);
			bad++;
		}
	}
	if (r < 0)
		fprintf(stderr, "hvpipe-peer: check: input ended inside message %u\n", i);
	secs = now() - t0;
	printf("PEER-CHECK n=%u bad=%u crc=%08x secs=%.2f rate=%.1f\n",
	       i, bad, crc, secs, secs > 0 ? i / secs : 0.0);
	return i == n && !bad ? 0 : 1;
}

static int crc(uint32_t n, uint32_t seed)
{
	uint8_t buf[MSGGEN_MAX];
	uint32_t i, c = 0;
	size_t len;

	for (i = 0; i < n; i++) {
		len = msggen_fill(seed, i, buf);
		c = msggen_crc32(c, buf, len);
	}
	printf("%08x\n", c);
	return 0;
}

int main(int argc, char **argv)
{
	uint32_t n, seed;

	if (argc != 4)
		usage();
	n = number(argv[2]);
	seed = number(argv[3]);
	if (!strcmp(argv[1], "gen"))
		return gen(n, seed);
	if (!strcmp(argv[1], "check"))
		return check(n, seed);
	if (!strcmp(argv[1], "crc"))
		return crc(n, seed);
	usage();
	return 2;
}
