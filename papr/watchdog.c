// SPDX-License-Identifier: GPL-2.0
/*
 * H_WATCHDOG: four guest watchdogs (Linux's pseries-wdt drives number 1).
 * A started watchdog that is not restarted or stopped within its timeout
 * acts on the whole VM from pvm's main thread:
 *   hard power-off -> pvm exits with status 5 (docs/exit-status.md),
 *   hard restart   -> the guest's reboot (status 2),
 *   dump restart   -> a system reset on every running vCPU, so the guest
 *                     kernel dumps its state (Linux then panics: status 1).
 * Unless the expiring watchdog was started with "leave others running", the
 * others stop. One timerfd on the event loop tracks the earliest deadline.
 * Flags, operations and codes as PAPR and QEMU's spapr_watchdog.c.
 */
#include <errno.h>
#include <string.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "pvm/accel.h"
#include "pvm/event.h"
#include "pvm/hcall.h"
#include "pvm/log.h"
#include "pvm/module.h"
#include "pvm/vm.h"
#include "papr/watchdog.h"

static inline struct watchdogs *wdt_of(struct vm *vm)
{
	return vm__priv(vm, &watchdog_module);
}

/* r4 flags, big-endian bit numbers: 47 leave others, 48-55 op, 56-63 action. */
#define WDTF_LEAVE_OTHERS (1ULL << 16)
#define WDTF_OP(f) (((f) >> 8) & 0xff)
#define WDTF_ACTION(f) ((f) & 0xff)
#define WDTF_RESERVED (~0ULL << 17)
#define WDT_OP_START 1
#define WDT_OP_STOP 2
#define WDT_OP_QUERY 3
#define WDT_OP_QUERY_LPM 4
#define WDT_ACTION_POWER_OFF 1
#define WDT_ACTION_RESTART 2
#define WDT_ACTION_DUMP_RESTART 3
#define WDT_STOP_ALL (~0ULL)
/* Query answers: min timeout (ms) in bits 0-15, count in 16-31 (big-endian). */
#define WDTQ(min, num) (((u64)(min) << 48) | ((u64)(num) << 32))
#define WDTQL_NOT_STOPPED 2	/* need not be stopped before a suspend */

struct watchdog {
	u64 deadline;		/* CLOCK_MONOTONIC ns; 0: stopped */
	u8 action;
	bool leave_others;
};

struct watchdogs {
	pthread_mutex_t lock;	/* vCPU threads start/stop, the main thread expires */
	int timer_fd;
	struct watchdog w[WDT_COUNT];
};

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Under d->lock: the timer fires at the earliest deadline, or never. */
static void rearm(struct watchdogs *d)
{
	struct itimerspec its = { 0 };
	u64 first = 0;
	unsigned int i;

	for (i = 0; i < WDT_COUNT; i++)
		if (d->w[i].deadline && (!first || d->w[i].deadline < first))
			first = d->w[i].deadline;
	its.it_value.tv_sec = first / 1000000000ULL;
	its.it_value.tv_nsec = first % 1000000000ULL;
	if (d->timer_fd >= 0)
		timerfd_settime(d->timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
}

static s64 wdt_start(struct watchdogs *d, u64 flags, u64 num, u64 ms)
{
	u8 action = WDTF_ACTION(flags);

	if (num < 1 || num > WDT_COUNT)
		return H_P2;
	if (ms < WDT_MIN_TIMEOUT_MS || ms > WDT_MAX_TIMEOUT_MS)
		return H_P3;
	if (action < WDT_ACTION_POWER_OFF || action > WDT_ACTION_DUMP_RESTART)
		return H_PARAMETER;
	pthread_mutex_lock(&d->lock);
	d->w[num - 1] = (struct watchdog){
		.deadline = now_ns() + ms * 1000000ULL,
		.action = action,
		.leave_others = flags & WDTF_LEAVE_OTHERS,
	};
	rearm(d);
	pthread_mutex_unlock(&d->lock);
	return H_SUCCESS;
}

/* H_NOOP when nothing was running, as PAPR (and Linux's driver) expect. */
static s64 wdt_stop(struct watchdogs *d, u64 num)
{
	s64 ret = H_NOOP;
	unsigned int i;

	if (num != WDT_STOP_ALL && (num < 1 || num > WDT_COUNT))
		return H_P2;
	pthread_mutex_lock(&d->lock);
	for (i = 0; i < WDT_COUNT; i++) {
		if (num != WDT_STOP_ALL && i != num - 1)
			continue;
		if (d->w[i].deadline)
			ret = H_SUCCESS;
		d->w[i].deadline = 0;
	}
	rearm(d);
	pthread_mutex_unlock(&d->lock);
	return ret;
}

/* r4 = flags, r5 = watchdog number (1-based), r6 = timeout in ms. */
static s64 h_watchdog(struct hcall_ctx *c)
{
	struct watchdogs *d = wdt_of(c->vm);
	u64 flags = c->args[0], num = c->args[1];

	if (flags & WDTF_RESERVED)
		return H_PARAMETER;
	switch (WDTF_OP(flags)) {
	case WDT_OP_START:
		return wdt_start(d, flags, num, c->args[2]);
	case WDT_OP_STOP:
		return wdt_stop(d, num);
	case WDT_OP_QUERY:
		c->args[0] = WDTQ(WDT_MIN_TIMEOUT_MS, WDT_COUNT);
		return H_SUCCESS;
	case WDT_OP_QUERY_LPM:
		if (num < 1 || num > WDT_COUNT)
			return H_P2;
		c->args[0] = WDTQL_NOT_STOPPED;
		return H_SUCCESS;
	default:
		return H_PARAMETER;
	}
}

static void act(struct vm *vm, unsigned int num, u8 action)
{
	unsigned int i;

	switch (action) {
	case WDT_ACTION_POWER_OFF:
		pr_err("guest watchdog %u expired: hard power-off", num);
		vm__request_exit(vm, VM_EXIT_WATCHDOG);
		break;
	case WDT_ACTION_RESTART:
		pr_err("guest watchdog %u expired: hard restart", num);
		vm__request_exit(vm, VM_EXIT_REBOOT);
		break;
	default:
		pr_err("guest watchdog %u expired: dump and restart (system reset on every vCPU)",
		       num);
		for (i = 0; i < vm__nr_vcpus(vm); i++)
			if (vcpu__queue_reset(vm->vcpus[i]))
				accel__kick(vm->vcpus[i]);
		break;
	}
}

void watchdog__expire(struct vm *vm, u64 now)
{
	struct watchdogs *d = wdt_of(vm);
	struct watchdog fired[WDT_COUNT] = { 0 };
	unsigned int i, j;

	if (!d)
		return;
	pthread_mutex_lock(&d->lock);
	for (i = 0; i < WDT_COUNT; i++) {
		if (!d->w[i].deadline || d->w[i].deadline > now)
			continue;
		fired[i] = d->w[i];
		d->w[i].deadline = 0;
		if (!fired[i].leave_others)
			for (j = 0; j < WDT_COUNT; j++)
				if (d->w[j].deadline > now)
					d->w[j].deadline = 0;
	}
	rearm(d);
	pthread_mutex_unlock(&d->lock);
	/* Outside the lock: acting takes vm->lock and may kick vCPUs. */
	for (i = 0; i < WDT_COUNT; i++)
		if (fired[i].action)
			act(vm, i + 1, fired[i].action);
}

static void timer_event(struct vm *vm, int fd, u32 events __unused, void *data __unused)
{
	u64 n;
	ssize_t r __unused = read(fd, &n, sizeof(n));

	watchdog__expire(vm, now_ns());
}

static int watchdog__init(struct vm *vm)
{
	struct watchdogs *d = calloc(1, sizeof(*d));
	int ret;

	if (!d)
		return -ENOMEM;
	d->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (d->timer_fd < 0) {
		ret = -errno;
		free(d);
		return ret;
	}
	pthread_mutex_init(&d->lock, NULL);
	vm__set_priv(vm, &watchdog_module, d);
	return hcall__register(vm, H_WATCHDOG, h_watchdog);
}

int watchdog__attach(struct vm *vm)
{
	return wdt_of(vm) ? event__add(vm, wdt_of(vm)->timer_fd, EPOLLIN, timer_event, NULL) : 0;
}

void watchdog__exit(struct vm *vm)
{
	struct watchdogs *d = wdt_of(vm);

	if (!d)
		return;
	close(d->timer_fd);
	pthread_mutex_destroy(&d->lock);
	free(d);
	vm__set_priv(vm, &watchdog_module, NULL);
}

/* A reboot stops every watchdog, as PAPR's power-on state has them. */
static void watchdog__reset(struct vm *vm)
{
	struct watchdogs *d = wdt_of(vm);

	if (!d)
		return;
	pthread_mutex_lock(&d->lock);
	memset(d->w, 0, sizeof(d->w));
	rearm(d);
	pthread_mutex_unlock(&d->lock);
}

const struct module watchdog_module = {
	.name = "watchdog",
	.init = watchdog__init,
	.start = watchdog__attach,
	.reset = watchdog__reset,
	.exit = watchdog__exit,
};
