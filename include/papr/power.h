/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_POWER_H
#define PVM_POWER_H

/* Power, time and termination RTAS calls (papr/power.c). */
#include "pvm/types.h"

struct vm;
struct module;

struct power_state {
	/*
	 * Guest clock: RTAS set-time-of-day moves it this far from host time
	 * (seconds plus 0..999999999 ns, under vm->lock; in ns it would
	 * overflow for years past 2262).
	 */
	s64 rtc_offset_s;
	s64 rtc_offset_ns;
	/* Operator panel text from display-character, logged line by line. */
	char panel[81];
	unsigned int panel_len;
};

extern const struct module power_module;
struct power_state *power__state(struct vm *vm);

#endif
