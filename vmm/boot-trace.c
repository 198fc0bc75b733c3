// SPDX-License-Identifier: GPL-2.0
/*
 * pvm run --boot-trace (include/pvm/boot-trace.h): timestamps of the boot's
 * milestones on stderr.
 *
 * The origin is clock_gettime(CLOCK_MONOTONIC) at main()'s entry, not the
 * process start time in /proc/self/stat: that one counts clock ticks
 * (USER_HZ, 10 ms) since boot, too coarse for a breakdown whose pvm share
 * is tens of milliseconds, and it needs /proc. What main() misses is the
 * execve of a static binary (no dynamic loader): microseconds.
 * CLOCK_MONOTONIC, because the wall clock may step during a boot.
 *
 * Marks come from the main thread, vCPU threads (first KVM_RUN, the console,
 * H_PVM_MARK) and I/O threads; one mutex orders them, so the lines come out
 * with increasing times, and each milestone's text is printed only once.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "pvm/boot-trace.h"


bool boot_trace_on;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct timespec t0;
static FILE *out;
static struct boot_trace_mark seen[BOOT_TRACE_MAX_MARKS];
static unsigned int nr_seen;
static u64 guest_seen;		/* H_PVM_MARK numbers printed */
static bool console_seen;	/* the first console byte was marked */
static bool init_seen;		/* the /init line was found */
static size_t line_pos;		/* bytes of the current line that match so far */
static bool line_dead;		/* the current line cannot match any more */

void boot_trace__start(void)
{
	clock_gettime(CLOCK_MONOTONIC, &t0);
}

/* Under the lock: record and print a milestone not seen before. */
static void print_at(const char *what, const struct timespec *now)
{
	long long s = now->tv_sec - t0.tv_sec;
	long ns = now->tv_nsec - t0.tv_nsec;

	if (ns < 0) {
		ns += 1000000000L;
		s--;
	}
	if (nr_seen == BOOT_TRACE_MAX_MARKS)
		return;
	seen[nr_seen].what = what;
	seen[nr_seen++].us = (u64)s * 1000000 + ns / 1000;
	fprintf(out, "pvm: boot-trace: +%lld.%06ld %s\n", s, ns / 1000, what);
	fflush(out);
}

/* Under the lock. */
static void mark_locked(const char *what)
{
	struct timespec now;
	unsigned int i;

	if (!out)
		return;
	for (i = 0; i < nr_seen; i++)
		if (!strcmp(seen[i].what, what))
			return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	print_at(what, &now);
}

void boot_trace__enable(FILE *f)
{
	pthread_mutex_lock(&lock);
	out = f;
	nr_seen = 0;
	guest_seen = 0;
	console_seen = init_seen = line_dead = false;
	line_pos = 0;
	if (!t0.tv_sec && !t0.tv_nsec)
		boot_trace__start();
	if (out)
		print_at("process start (main)", &t0);
	__atomic_store_n(&boot_trace_on, out != NULL, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&lock);
}

unsigned int boot_trace__get(struct boot_trace_mark *dst, unsigned int max)
{
	unsigned int n;

	pthread_mutex_lock(&lock);
	n = nr_seen;
	memcpy(dst, seen, sizeof(*dst) * MIN(n, max));
	pthread_mutex_unlock(&lock);
	return n;
}

void boot_trace__mark(const char *what)
{
	if (!boot_trace__on())
		return;
	pthread_mutex_lock(&lock);
	mark_locked(what);
	pthread_mutex_unlock(&lock);
}

/* Find BOOT_TRACE_INIT_LINE at the start of a line, across writes. */
static bool scan_init_line(const u8 *buf, size_t len)
{
	static const char want[] = BOOT_TRACE_INIT_LINE;
	size_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] == '\n' || buf[i] == '\r') {
			line_pos = 0;
			line_dead = false;
		} else if (!line_dead) {
			if (buf[i] != (u8)want[line_pos]) {
				line_dead = true;
			} else if (++line_pos == sizeof(want) - 1) {
				return true;
			}
		}
	}
	return false;
}

void boot_trace__console(const u8 *buf, size_t len)
{
	if (!boot_trace__on() || !len || __atomic_load_n(&init_seen, __ATOMIC_RELAXED))
		return;
	pthread_mutex_lock(&lock);
	if (!console_seen) {
		console_seen = true;
		mark_locked("first guest console output");
	}
	if (!init_seen && scan_init_line(buf, len)) {
		mark_locked("guest /init (console line " BOOT_TRACE_INIT_LINE ")");
		__atomic_store_n(&init_seen, true, __ATOMIC_RELAXED);
	}
	pthread_mutex_unlock(&lock);
}

void boot_trace__guest(unsigned int n)
{
	static const char *const names[BOOT_TRACE_GUEST_MAX + 1] = {
#define G(i) [i] = "guest mark " #i
		G(0), G(1), G(2), G(3), G(4), G(5), G(6), G(7), G(8), G(9),
		G(10), G(11), G(12), G(13), G(14), G(15), G(16), G(17), G(18), G(19),
		G(20), G(21), G(22), G(23), G(24), G(25), G(26), G(27), G(28), G(29),
		G(30), G(31), G(32), G(33), G(34), G(35), G(36), G(37), G(38), G(39),
		G(40), G(41), G(42), G(43), G(44), G(45), G(46), G(47), G(48), G(49),
		G(50), G(51), G(52), G(53), G(54), G(55), G(56), G(57), G(58), G(59),
		G(60), G(61), G(62), G(63),
#undef G
	};
	struct timespec now;

	if (!boot_trace__on() || n > BOOT_TRACE_GUEST_MAX)
		return;
	pthread_mutex_lock(&lock);
	if (out && !(guest_seen & (1ULL << n))) {
		guest_seen |= 1ULL << n;
		clock_gettime(CLOCK_MONOTONIC, &now);
		print_at(names[n], &now);
	}
	pthread_mutex_unlock(&lock);
}
