// SPDX-License-Identifier: GPL-2.0
/*
 * blkbench: a small block-device benchmark for the pvm L2 guest
 * (/usr/bin/blkbench in the guest initramfs, run by /tests/blkbench under
 * pvmtest=blkbench; scripts/bench-virtio-blk.sh collects its output).
 *
 *   blkbench DEVICE [SECONDS] [SPAN_MIB]
 *
 * Opens DEVICE with O_DIRECT (the guest's page cache is bypassed: every
 * operation is a virtio-blk request) and runs four phases of SECONDS each
 * (default 10), queue depth 1 (synchronous pread/pwrite, one request in
 * flight), on the first SPAN_MIB MiB of the device (default: all of it):
 *
 *   seqwrite-1m   1 MiB writes, sequential, wrapping at the end     MB/s
 *   seqread-1m    1 MiB reads, sequential, wrapping at the end      MB/s
 *   randread-4k   4 KiB reads at random 4 KiB-aligned offsets       IOPS
 *   randwrite-4k  4 KiB writes at random 4 KiB-aligned offsets      IOPS
 *
 * The sequential write comes first, so the reads find written (allocated)
 * blocks rather than holes of a sparse image. Written data is pseudo-random,
 * never all zeroes. MB is 10^6 bytes.
 *
 * Output, one line per figure:
 *   BENCH <name> <value> <unit>
 * plus one informational line per phase:
 *   BENCH-INFO <name> ops=N bytes=N secs=S lat_avg_us=U lat_max_us=U
 * and a BENCH-DONE line at the end. Exit status 0, or 1 on an I/O error
 * (with a "blkbench: ..." line on stderr), 2 on bad arguments.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SMALL 4096u
#define LARGE (1024u * 1024u)

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng_next(void)
{
	/* xorshift64* */
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum pattern { SEQ, RANDOM };

struct phase {
	const char *name;
	int write;
	enum pattern pattern;
	size_t bs;
};

static int run_phase(int fd, const struct phase *p, void *buf, uint64_t span, double secs)
{
	uint64_t ops = 0, bytes = 0, off = 0, nblocks = span / p->bs;
	double start = now(), end = start + secs, t = start, lat_max = 0;

	if (nblocks == 0) {
		fprintf(stderr, "blkbench: %s: device span %llu bytes is smaller than a block\n",
			p->name, (unsigned long long)span);
		return -1;
	}
	while (t < end) {
		ssize_t n;
		double t0 = t;

		if (p->pattern == RANDOM)
			off = (rng_next() % nblocks) * p->bs;
		else if (off + p->bs > span)
			off = 0;
		if (p->write)
			n = pwrite(fd, buf, p->bs, (off_t)off);
		else
			n = pread(fd, buf, p->bs, (off_t)off);
		if (n != (ssize_t)p->bs) {
			fprintf(stderr, "blkbench: %s at offset %llu: %s\n", p->name,
				(unsigned long long)off,
				n < 0 ? strerror(errno) : "short transfer");
			return -1;
		}
		t = now();
		if (t - t0 > lat_max)
			lat_max = t - t0;
		ops++;
		bytes += p->bs;
		if (p->pattern == SEQ)
			off += p->bs;
	}
	/* Writes must be on the device before the figure counts them. */
	if (p->write && fdatasync(fd) != 0) {
		fprintf(stderr, "blkbench: %s: fdatasync: %s\n", p->name, strerror(errno));
		return -1;
	}
	t = now();

	double el = t - start;

	if (p->pattern == RANDOM)
		printf("BENCH %s %.1f IOPS\n", p->name, (double)ops / el);
	else
		printf("BENCH %s %.2f MB/s\n", p->name, (double)bytes / el / 1e6);
	printf("BENCH-INFO %s ops=%llu bytes=%llu secs=%.2f lat_avg_us=%.0f lat_max_us=%.0f\n",
	       p->name, (unsigned long long)ops, (unsigned long long)bytes, el,
	       ops ? el / (double)ops * 1e6 : 0.0, lat_max * 1e6);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct phase phases[] = {
		{ "seqwrite-1m", 1, SEQ, LARGE },
		{ "seqread-1m", 0, SEQ, LARGE },
		{ "randread-4k", 0, RANDOM, SMALL },
		{ "randwrite-4k", 1, RANDOM, SMALL },
	};
	double secs = 10;
	uint64_t size = 0, span;
	char *end;
	void *buf;
	int fd;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: blkbench DEVICE [SECONDS] [SPAN_MIB]\n");
		return 2;
	}
	if (argc >= 3) {
		secs = strtod(argv[2], &end);
		if (*end || !(secs > 0) || secs > 3600) {
			fprintf(stderr, "blkbench: SECONDS must be in (0, 3600], not '%s'\n", argv[2]);
			return 2;
		}
	}
	fd = open(argv[1], O_RDWR | O_DIRECT);
	if (fd < 0) {
		fprintf(stderr, "blkbench: open %s O_DIRECT: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (ioctl(fd, BLKGETSIZE64, &size) != 0) {
		struct stat st;

		if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
			fprintf(stderr, "blkbench: %s: size unknown: %s\n", argv[1], strerror(errno));
			return 1;
		}
		size = (uint64_t)st.st_size;
	}
	span = size;
	if (argc == 4) {
		unsigned long long mib = strtoull(argv[3], &end, 10);

		if (*end || mib == 0) {
			fprintf(stderr, "blkbench: SPAN_MIB must be a positive number, not '%s'\n", argv[3]);
			return 2;
		}
		if (mib * LARGE < span)
			span = mib * LARGE;
	}
	span -= span % LARGE;
	if (posix_memalign(&buf, SMALL, LARGE) != 0) {
		fprintf(stderr, "blkbench: posix_memalign failed\n");
		return 1;
	}
	for (size_t i = 0; i < LARGE / sizeof(uint64_t); i++)
		((uint64_t *)buf)[i] = rng_next();

	printf("BENCH-CONFIG device=%s size=%llu span=%llu secs=%.1f qd=1 o_direct=1\n", argv[1],
	       (unsigned long long)size, (unsigned long long)span, secs);
	fflush(stdout);
	for (size_t i = 0; i < sizeof(phases) / sizeof(phases[0]); i++)
		if (run_phase(fd, &phases[i], buf, span, secs) != 0)
			return 1;
	close(fd);
	free(buf);
	printf("BENCH-DONE\n");
	return 0;
}
