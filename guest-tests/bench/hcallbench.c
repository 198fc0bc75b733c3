// SPDX-License-Identifier: GPL-2.0
/*
 * hcallbench: the round trip of a call the VMM serves in userspace, timed
 * from inside the guest (/usr/bin/hcallbench in the guest initramfs, run by
 * /tests/hcallbench under pvmtest=hcallbench; scripts/bench.sh runs it under
 * pvm and under QEMU/KVM).
 *
 *   hcallbench [CALLS]
 *
 * Each call is an ioctl on /dev/papr-sysparm (Linux 6.8+) reading system
 * parameter 20 (shared-processor LPAR characteristics): the kernel makes the
 * RTAS call ibm,get-system-parameter, which is the hcall H_RTAS, which KVM-HV
 * hands to the VMM's userspace; the VMM answers and the vCPU re-enters the
 * guest. The guest side (syscall, RTAS lock, work area) is the same kernel
 * under either VMM, so differences between VMMs are the exit, the VMM's
 * dispatch and its answer. CALLS (default 2000) calls after 100 warm-up
 * calls; the median of 20 batches is reported, so a batch disturbed by the
 * emulated host's other work does not count. Every call is also timed on
 * its own: a batch's mean still carries the few calls the emulated host
 * delayed by milliseconds, while the median call does not; the tenth
 * percentile and the fastest call show the path with the least noise on it.
 *
 * Output: "BENCH rtas_roundtrip <us> us" (median batch), "BENCH
 * rtas_roundtrip_min <us> us" (best batch), "BENCH rtas_roundtrip_call_p50
 * <us> us", "..._call_p10" and "..._call_min" (single calls), "BENCH-INFO
 * rtas_roundtrip calls=N min_us= median_us= max_us= (per batch)" and the
 * single calls' percentiles; exit 1 on an error with a "hcallbench: ..."
 * line on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* Linux's uapi asm/papr-sysparm.h, newer than the cross toolchain's headers. */
struct papr_sysparm_io_block {
	uint32_t parameter;
	uint16_t length;
	uint8_t data[4000];
};
#define PAPR_SYSPARM_IOC_GET _IOWR(0xb2, 1, struct papr_sysparm_io_block)
#define SPLPAR_CHARACTERISTICS 20
#define BATCHES 20

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int call(int fd, struct papr_sysparm_io_block *io)
{
	memset(io, 0, sizeof(*io));
	io->parameter = SPLPAR_CHARACTERISTICS;
	return ioctl(fd, PAPR_SYSPARM_IOC_GET, io);
}

/* The P-th percentile (0..100) of N sorted values. */
static double pct(const double *v, long n, int p)
{
	return v[(n - 1) * p / 100];
}

int main(int argc, char **argv)
{
	static struct papr_sysparm_io_block io;
	double per[BATCHES], *one;
	long calls = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
	long per_batch, i, n = 0;
	int fd, b;

	if (calls < BATCHES || calls > 10000000) {
		fprintf(stderr, "hcallbench: CALLS must be %d..10000000\n", BATCHES);
		return 2;
	}
	per_batch = calls / BATCHES;
	one = malloc(sizeof(*one) * per_batch * BATCHES);
	if (!one) {
		fprintf(stderr, "hcallbench: no memory for %ld timings\n", calls);
		return 1;
	}
	fd = open("/dev/papr-sysparm", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "hcallbench: /dev/papr-sysparm: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < 100; i++) {
		if (call(fd, &io)) {
			fprintf(stderr, "hcallbench: get-system-parameter %d: %s\n",
				SPLPAR_CHARACTERISTICS, strerror(errno));
			return 1;
		}
	}
	for (b = 0; b < BATCHES; b++) {
		double t0 = now_us(), t = t0;

		for (i = 0; i < per_batch; i++) {
			double t1;

			if (call(fd, &io)) {
				fprintf(stderr, "hcallbench: call failed: %s\n", strerror(errno));
				return 1;
			}
			/* One clock read per call: it ends this call and starts the next. */
			t1 = now_us();
			one[n++] = t1 - t;
			t = t1;
		}
		per[b] = (t - t0) / per_batch;
	}
	qsort(per, BATCHES, sizeof(per[0]), cmp);
	qsort(one, n, sizeof(one[0]), cmp);
	printf("BENCH rtas_roundtrip %.2f us\n", per[BATCHES / 2]);
	/* The best batch: the emulated host's noise only ever adds. */
	printf("BENCH rtas_roundtrip_min %.2f us\n", per[0]);
	printf("BENCH rtas_roundtrip_call_p50 %.2f us\n", pct(one, n, 50));
	printf("BENCH rtas_roundtrip_call_p10 %.2f us\n", pct(one, n, 10));
	/* The fastest call: the path itself, nearly free of the host's noise. */
	printf("BENCH rtas_roundtrip_call_min %.2f us\n", one[0]);
	printf("BENCH-INFO rtas_roundtrip single calls: min %.2f p10 %.2f p50 %.2f p90 %.2f p99 %.2f max %.2f us\n",
	       one[0], pct(one, n, 10), pct(one, n, 50), pct(one, n, 90), pct(one, n, 99), one[n - 1]);
	printf("BENCH-INFO rtas_roundtrip calls=%ld min_us=%.2f median_us=%.2f max_us=%.2f (per batch of %ld)\n",
	       per_batch * BATCHES, per[0], per[BATCHES / 2], per[BATCHES - 1], per_batch);
	printf("BENCH-INFO rtas_roundtrip parameter %d answer: %.*s\n", SPLPAR_CHARACTERISTICS,
	       io.length > 120 ? 120 : (int)io.length, (const char *)io.data);
	return 0;
}
