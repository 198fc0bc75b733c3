/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_BOOT_TRACE_H
#define PVM_BOOT_TRACE_H

/*
 * pvm run --boot-trace: one line per boot milestone,
 *   pvm: boot-trace: +SECONDS.MICROS MILESTONE
 * seconds since pvm's main() (CLOCK_MONOTONIC). Off by default; a mark then
 * costs one relaxed load. Each milestone (by its text) is printed once per
 * process, in the order the marks happen, from any thread.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "pvm/types.h"

/* The first line of the guest's console that counts as "/init reached". */
#define BOOT_TRACE_INIT_LINE "GUEST-INIT"
/* Guest marks (H_PVM_MARK) are 0..BOOT_TRACE_GUEST_MAX, each printed once. */
#define BOOT_TRACE_GUEST_MAX 63

extern bool boot_trace_on;

/* One printed milestone, for pvm stat --json. */
struct boot_trace_mark {
	const char *what;	/* static text */
	u64 us;			/* microseconds since main() */
};

/* At most this many milestones are kept (and printed) per process. */
#define BOOT_TRACE_MAX_MARKS 128

/* main()'s first statement: the origin of every time printed. */
void boot_trace__start(void);
/*
 * Print to out from now on (out NULL: off again), starting with the
 * "process start (main)" line at +0; forgets which milestones were printed
 * and the console scan's state (the unit tests enable it more than once).
 */
void boot_trace__enable(FILE *out);
/* A milestone, printed the first time its text is marked; a no-op when off. */
void boot_trace__mark(const char *what);
/* The guest's console output (console__write): its first byte, its /init line. */
void boot_trace__console(const u8 *buf, size_t len);
/* H_PVM_MARK: the guest says it reached point n (0..BOOT_TRACE_GUEST_MAX). */
void boot_trace__guest(unsigned int n);

/* Copies up to max milestones printed so far, in order; returns how many were. */
unsigned int boot_trace__get(struct boot_trace_mark *out, unsigned int max);

static inline bool boot_trace__on(void)
{
	return __atomic_load_n(&boot_trace_on, __ATOMIC_RELAXED);
}

/* For hot paths (every KVM_RUN): after its first time a site costs two loads. */
#define boot_trace__mark_once(what)                                                  \
	do {                                                                         \
		static int done__;                                                   \
		if (boot_trace__on() && !__atomic_load_n(&done__, __ATOMIC_RELAXED) && \
		    !__atomic_exchange_n(&done__, 1, __ATOMIC_RELAXED))              \
			boot_trace__mark(what);                                      \
	} while (0)

#endif
