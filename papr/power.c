// SPDX-License-Identifier: GPL-2.0
/* Power, power domains, time and termination RTAS calls. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pvm/hcall.h"
#include "pvm/log.h"
#include "papr/power.h"
#include "papr/rtas.h"
#include "pvm/vm.h"
#include "pvm/module.h"

/* The longest os-term message we copy out of the guest. */
#define OS_TERM_MAX 256

static inline struct power_state *power_of(struct vm *vm)
{
	return vm__priv(vm, &power_module);
}

static void rtas_power_off(struct rtas_call *c)
{
	pr_info("guest powered off");
	vm__request_exit(c->vm, VM_EXIT_POWEROFF);
	c->rets[0] = RTAS_OUT_SUCCESS;
}

static void rtas_system_reboot(struct rtas_call *c)
{
	pr_info("guest requested a reboot");
	vm__request_exit(c->vm, VM_EXIT_REBOOT);
	c->rets[0] = RTAS_OUT_SUCCESS;
}

static void rtas_os_term(struct rtas_call *c)
{
	char msg[OS_TERM_MAX + 1];
	u64 gpa = c->args[0];
	unsigned int i;

	/* Byte by byte: the string may end right at the top of RAM. */
	for (i = 0; i < OS_TERM_MAX; i++) {
		if (gmem__read(&c->vm->mem, gpa + i, &msg[i], 1) || !msg[i])
			break;
		if (msg[i] < 0x20 || msg[i] > 0x7e)
			msg[i] = '?';
	}
	msg[i] = '\0';
	pr_err("guest terminated (ibm,os-term): %s", msg);
	vm__request_exit(c->vm, VM_EXIT_PANIC);
	c->rets[0] = RTAS_OUT_SUCCESS;
}

/*
 * display-character drives the operator panel, not the console: collect
 * lines and log them, so panel text never mixes with the guest's console.
 */
static void rtas_display_character(struct rtas_call *c)
{
	struct vm *vm = c->vm;
	struct power_state *p = power_of(vm);
	char ch = c->args[0] & 0xff, line[sizeof(p->panel)] = "";

	pthread_mutex_lock(&vm->lock);
	if (ch == '\n' || ch == '\r' || p->panel_len == sizeof(p->panel) - 1) {
		memcpy(line, p->panel, p->panel_len);
		line[p->panel_len] = '\0';
		p->panel_len = 0;
	}
	if (ch >= 0x20 && ch < 0x7f)
		p->panel[p->panel_len++] = ch;
	pthread_mutex_unlock(&vm->lock);
	/* Logged outside the lock: a slow stderr must not hold up other vCPUs. */
	if (*line)
		pr_info("panel: %s", line);
	c->rets[0] = RTAS_OUT_SUCCESS;
}

/* The guest's wall clock: host time plus its offset. */
static void guest_now(struct vm *vm, time_t *secs, s64 *nsec)
{
	struct timespec ts;
	s64 s, ns;

	clock_gettime(CLOCK_REALTIME, &ts);
	pthread_mutex_lock(&vm->lock);
	s = (s64)ts.tv_sec + power_of(vm)->rtc_offset_s;
	ns = ts.tv_nsec + power_of(vm)->rtc_offset_ns;
	pthread_mutex_unlock(&vm->lock);
	if (ns >= 1000000000LL) {
		s++;
		ns -= 1000000000LL;
	}
	*secs = s;
	*nsec = ns;
}

static void rtas_get_time_of_day(struct rtas_call *c)
{
	time_t secs;
	s64 ns;
	struct tm tm;

	guest_now(c->vm, &secs, &ns);
	if (!gmtime_r(&secs, &tm)) {
		c->rets[0] = (u32)RTAS_OUT_HW_ERROR;
		return;
	}
	c->rets[0] = RTAS_OUT_SUCCESS;
	c->rets[1] = tm.tm_year + 1900;
	c->rets[2] = tm.tm_mon + 1;
	c->rets[3] = tm.tm_mday;
	c->rets[4] = tm.tm_hour;
	c->rets[5] = tm.tm_min;
	c->rets[6] = tm.tm_sec;
	c->rets[7] = ns;
}

static void rtas_set_time_of_day(struct rtas_call *c)
{
	const u32 *a = c->args;
	struct timespec ts;
	struct tm tm = { 0 };
	s64 off_s, off_ns;
	time_t t;

	if (a[0] < 1970 || a[0] > 9999 || a[1] < 1 || a[1] > 12 || a[2] < 1 ||
	    a[2] > 31 || a[3] > 23 || a[4] > 59 || a[5] > 60 || a[6] > 999999999) {
		c->rets[0] = (u32)RTAS_OUT_PARAM_ERROR;
		return;
	}
	tm.tm_year = a[0] - 1900;
	tm.tm_mon = a[1] - 1;
	tm.tm_mday = a[2];
	tm.tm_hour = a[3];
	tm.tm_min = a[4];
	tm.tm_sec = a[5];
	t = timegm(&tm);
	clock_gettime(CLOCK_REALTIME, &ts);
	/* Seconds and nanoseconds apart: year 9999 in ns would overflow s64. */
	off_s = (s64)t - ts.tv_sec;
	off_ns = (s64)a[6] - ts.tv_nsec;
	if (off_ns < 0) {
		off_s--;
		off_ns += 1000000000LL;
	}
	pthread_mutex_lock(&c->vm->lock);
	power_of(c->vm)->rtc_offset_s = off_s;
	power_of(c->vm)->rtc_offset_ns = off_ns;
	pthread_mutex_unlock(&c->vm->lock);
	c->rets[0] = RTAS_OUT_SUCCESS;
}

static void rtas_event_scan(struct rtas_call *c)
{
	/* Nothing to report: the guest's rtasd just keeps polling. */
	c->rets[0] = RTAS_OUT_NO_ERRORS_FOUND;
}

/*
 * Every DRC pvm publishes sits in the one live-insertion power domain (-1,
 * ibm,drc-power-domains), which is always fully on: level 100, as QEMU.
 */
#define POWER_DOMAIN_LIVE 0xffffffffU
#define POWER_LEVEL_FULL 100

/* set-power-level (domain, level) and get-power-level (domain) answer alike. */
static void rtas_power_level(struct rtas_call *c)
{
	if (c->args[0] != POWER_DOMAIN_LIVE) {
		c->rets[0] = (u32)RTAS_OUT_NOT_SUPPORTED;
		return;
	}
	/* Whatever level is asked for, the domain stays on and says so. */
	c->rets[0] = RTAS_OUT_SUCCESS;
	c->rets[1] = POWER_LEVEL_FULL;
}

static int power__init(struct vm *vm)
{
	static const struct rtas_handler calls[] = {
		{ RTAS_POWER_OFF, rtas_power_off },
		{ RTAS_SYSTEM_REBOOT, rtas_system_reboot },
		{ RTAS_IBM_OS_TERM, rtas_os_term },
		{ RTAS_DISPLAY_CHARACTER, rtas_display_character },
		{ RTAS_GET_TIME_OF_DAY, rtas_get_time_of_day },
		{ RTAS_SET_TIME_OF_DAY, rtas_set_time_of_day },
		{ RTAS_EVENT_SCAN, rtas_event_scan },
		{ RTAS_SET_POWER_LEVEL, rtas_power_level },
		{ RTAS_GET_POWER_LEVEL, rtas_power_level },
	};
	struct power_state *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	vm__set_priv(vm, &power_module, p);
	return rtas__register_all(vm, calls, ARRAY_SIZE(calls));
}

/* The guest clock keeps its offset over a reboot, as a battery-backed RTC. */
static void power__reset(struct vm *vm)
{
	power_of(vm)->panel_len = 0;
}

static void power__exit(struct vm *vm)
{
	free(power_of(vm));
	vm__set_priv(vm, &power_module, NULL);
}

struct power_state *power__state(struct vm *vm)
{
	return power_of(vm);
}

const struct module power_module = {
	.name = "power",
	.init = power__init,
	.reset = power__reset,
	.exit = power__exit,
};
