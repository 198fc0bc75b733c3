/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_WATCHDOG_H
#define PVM_WATCHDOG_H

/* The PAPR guest watchdogs behind H_WATCHDOG ("hcall-watchdog"). */
#include "pvm/types.h"

struct vm;
struct module;

#define WDT_COUNT 4		/* watchdogs 1..4, as QEMU's pseries */
#define WDT_MIN_TIMEOUT_MS 1
#define WDT_MAX_TIMEOUT_MS 0xffffffffULL	/* about 49 days */

extern const struct module watchdog_module;
/* Put the expiry timer on the main event loop (after event__init). */
int watchdog__attach(struct vm *vm);
void watchdog__exit(struct vm *vm);
/* Act on every watchdog whose deadline (CLOCK_MONOTONIC ns) is <= now. */
void watchdog__expire(struct vm *vm, u64 now_ns);

#endif
