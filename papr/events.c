// SPDX-License-Identifier: GPL-2.0
/*
 * Event logs and check-exception. Facts: ../shared/spec/papr-events-hvpipe-tpm.md §2.
 * One event per check-exception call, oldest first, only of the classes
 * asked for; while a class still has events its (edge) source is raised
 * again. A source is only ever raised with an event queued: Linux's hotplug
 * handler does not check the status and would parse a stale log.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libfdt.h>

#include "pvm/accel.h"
#include "pvm/fdt.h"
#include "papr/events.h"
#include "pvm/irq.h"
#include "pvm/log.h"
#include "pvm/module.h"
#include "papr/rtas.h"
#include "pvm/vm.h"
#include "pvm/xics.h"

static inline struct events *events_of(struct vm *vm)
{
	return vm__priv(vm, &events_module);
}

#define EPOW_SENSOR 9

struct event {
	u16 len;
	u8 log[EVENT_LOG_MAX];
};

struct event_queue {
	int irq;		/* -1 until a module claims the class */
	void (*on_taken)(struct vm *vm);
	unsigned int head, count;
	struct event ev[EVENT_QUEUE_MAX];
};

struct events {
	struct event_queue q[EVENT_NR_CLASSES];
	u32 plid;
};

static const u32 class_mask[EVENT_NR_CLASSES] = {
	[EVENT_EPOW] = EVENT_MASK_EPOW,
	[EVENT_HOTPLUG] = EVENT_MASK_HOTPLUG,
	[EVENT_HVPIPE] = EVENT_MASK_HVPIPE,
};

static void put16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static u8 bcd(unsigned int v)
{
	return ((v / 10) << 4) | (v % 10);
}

/* Section header: id, length including the header, version, subtype, creator. */
static u8 *section(u8 *p, const char id[2], u16 len, u8 version, u8 subtype)
{
	p[0] = id[0];
	p[1] = id[1];
	put16(p + 2, len);
	p[4] = version;
	p[5] = subtype;
	return p + 8;
}

/*
 * Fixed header, v6 extended header, PH and UH, then the event's own section
 * (filled by the caller at the returned pointer, sec_len bytes with header).
 */
static u8 *log_start(struct events *e, u8 *log, u8 type, u8 target, u8 uh_subsys,
		     u8 uh_subtype, u16 sec_len, u16 *total)
{
	time_t now = time(NULL);
	struct tm tm;
	u8 *p;

	*total = 8 + 16 + 48 + 24 + sec_len;
	memset(log, 0, *total);
	log[0] = 0x06;				/* version 6 */
	log[1] = (1 << 5) | (2 << 3) | 0x04;	/* severity event, not recovered, extended */
	log[2] = target;
	log[3] = type;
	put32(log + 4, *total - 8);
	log[8] = 0x86;				/* valid, new log, big-endian */
	log[10] = 0x8e;				/* PowerPC format, log format 14 */
	put32(log + 20, 0x49424d00);		/* "IBM\0" */

	gmtime_r(&now, &tm);
	p = section(log + 24, "PH", 48, 1, 0);
	put32(p, (bcd((tm.tm_year + 1900) / 100) << 24) | (bcd((tm.tm_year + 1900) % 100) << 16) |
		  (bcd(tm.tm_mon + 1) << 8) | bcd(tm.tm_mday));
	put32(p + 4, (bcd(tm.tm_hour) << 24) | (bcd(tm.tm_min) << 16) | (bcd(tm.tm_sec) << 8));
	p[16] = 'H';				/* created by the hypervisor */
	p[19] = 3;				/* sections */
	put32(p + 32, ++e->plid);
	p = section(log + 72, "UH", 24, 1, 0);
	p[0] = uh_subsys;
	p[3] = uh_subtype;
	return log + 96;
}

static int queue_event(struct vm *vm, enum event_class cls, const u8 *log, u16 len)
{
	struct event_queue *q = &events_of(vm)->q[cls];
	struct event *ev;
	bool was_empty;

	pthread_mutex_lock(&vm->lock);
	if (q->count == EVENT_QUEUE_MAX) {
		pthread_mutex_unlock(&vm->lock);
		return -EBUSY;
	}
	ev = &q->ev[(q->head + q->count) % EVENT_QUEUE_MAX];
	memcpy(ev->log, log, len);
	ev->len = len;
	was_empty = !q->count++;
	pthread_mutex_unlock(&vm->lock);
	/* One edge per queue that becomes non-empty; check-exception re-raises. */
	if (was_empty && q->irq >= 0)
		irq__raise(vm, q->irq);
	return 0;
}

int events__epow_shutdown(struct vm *vm)
{
	u8 log[EVENT_LOG_MAX];
	u16 len;
	u8 *p = log_start(events_of(vm), log, 0x40, 5, 0xa0, 0xd0, 20, &len);

	p = section(p, "EP", 20, 2, 0);
	p[0] = 3;		/* action: system shutdown */
	p[1] = 1;		/* modifier: normal, i.e. orderly power-off */
	p[2] = 1;		/* partition specific */
	return queue_event(vm, EVENT_EPOW, log, len);
}

int events__hotplug(struct vm *vm, u8 resource, u8 action, u8 id_type, u32 id0, u32 id1)
{
	u8 log[EVENT_LOG_MAX];
	u16 len;
	u8 *p = log_start(events_of(vm), log, 0xe5, 6, 0x80, 0, 20, &len);

	p = section(p, "HP", 20, 1, 0);
	p[0] = resource;
	p[1] = action;
	p[2] = id_type;
	put32(p + 4, id0);
	put32(p + 8, id1);
	return queue_event(vm, EVENT_HOTPLUG, log, len);
}

int events__hvpipe(struct vm *vm, u32 source, u8 type)
{
	u8 log[EVENT_LOG_MAX];
	u16 len;
	u8 *p = log_start(events_of(vm), log, 0xe6, 0, 0, 0, 16, &len);

	/* Linux reads this section without a NULL check: it is always there. */
	p = section(p, "PE", 16, 1, 0);
	put32(p, source);
	p[4] = type;
	return queue_event(vm, EVENT_HVPIPE, log, len);
}

void events__flush(struct vm *vm, enum event_class cls)
{
	pthread_mutex_lock(&vm->lock);
	events_of(vm)->q[cls].count = 0;
	pthread_mutex_unlock(&vm->lock);
}

unsigned int events__pending(struct vm *vm, enum event_class cls)
{
	unsigned int n;

	pthread_mutex_lock(&vm->lock);
	n = events_of(vm)->q[cls].count;
	pthread_mutex_unlock(&vm->lock);
	return n;
}

bool events__guest_listens(struct vm *vm, enum event_class cls)
{
	int irq = events__irq(vm, cls);
	u64 state;

	/* A guest that handles the class unmasked its source with a priority. */
	if (irq < 0 || accel__irq_get_state(vm, irq, &state))
		return false;
	return !(state & XICS_STATE_MASKED) &&
	       ((state & XICS_STATE_PRIO_MASK) >> XICS_STATE_PRIO_SHIFT) != 0xff;
}

int events__irq(struct vm *vm, enum event_class cls)
{
	return events_of(vm) ? events_of(vm)->q[cls].irq : -1;
}

static void rtas_check_exception(struct rtas_call *c)
{
	struct vm *vm = c->vm;
	u32 mask = c->args[2], buflen = c->args[5];
	u64 buf = c->args[4];
	struct event_queue *q = NULL;
	struct event ev;
	bool more = false;
	unsigned int cls;
	u8 *dst;

	pthread_mutex_lock(&vm->lock);
	for (cls = 0; cls < EVENT_NR_CLASSES; cls++) {
		if ((mask & class_mask[cls]) && events_of(vm)->q[cls].count) {
			q = &events_of(vm)->q[cls];
			break;
		}
	}
	if (!q) {
		pthread_mutex_unlock(&vm->lock);
		c->rets[0] = RTAS_OUT_NO_ERRORS_FOUND;
		return;
	}
	/* A buffer we cannot write: the event stays queued for a sane call. */
	dst = gmem__ptr(&vm->mem, buf, MIN(buflen, (u32)EVENT_LOG_MAX));
	if (!dst || buflen < 24) {
		pthread_mutex_unlock(&vm->lock);
		c->rets[0] = (u32)RTAS_OUT_PARAM_ERROR;
		return;
	}
	ev = q->ev[q->head];
	q->head = (q->head + 1) % EVENT_QUEUE_MAX;
	more = --q->count > 0;
	pthread_mutex_unlock(&vm->lock);

	if (ev.len > buflen) {
		/* Cut to the caller's buffer and keep the extended length truthful. */
		ev.len = buflen;
		put32(ev.log + 4, buflen - 8);
	}
	memcpy(dst, ev.log, ev.len);
	if (more && q->irq >= 0)
		irq__raise(vm, q->irq);
	/* Not under vm->lock: a module may queue events with its own lock held. */
	if (q->on_taken)
		q->on_taken(vm);
	c->rets[0] = RTAS_OUT_SUCCESS;
}

int events__claim(struct vm *vm, enum event_class cls, void (*on_taken)(struct vm *vm))
{
	struct events *e = events_of(vm);

	if (!e || cls >= EVENT_NR_CLASSES)
		return -EINVAL;
	if (e->q[cls].irq != -1)
		return -EEXIST;
	e->q[cls].irq = irq__alloc(vm, false);
	e->q[cls].on_taken = on_taken;
	return 0;
}

static int events__init(struct vm *vm)
{
	struct events *e = calloc(1, sizeof(*e));
	unsigned int i;

	if (!e)
		return -ENOMEM;
	for (i = 0; i < EVENT_NR_CLASSES; i++)
		e->q[i].irq = -1;
	vm__set_priv(vm, &events_module, e);
	/* Power events and hotplug always have a source (IRQ numbers stay put). */
	events__claim(vm, EVENT_EPOW, NULL);
	events__claim(vm, EVENT_HOTPLUG, NULL);
	return rtas__register(vm, RTAS_CHECK_EXCEPTION, rtas_check_exception);
}

/* Nothing queued for the old kernel reaches the new one. */
static void events__reset(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < EVENT_NR_CLASSES; i++)
		events__flush(vm, i);
}

static void events__exit(struct vm *vm)
{
	free(events_of(vm));
	vm__set_priv(vm, &events_module, NULL);
}

/* One child per event class with a source; kernel paths are fixed names. */
static int events__fdt(struct vm *vm, void *fdt, const struct fdt_place *at)
{
	static const struct { const char *name; enum event_class cls; } nodes[] = {
		{ "epow-events", EVENT_EPOW },
		{ "hot-plug-events", EVENT_HOTPLUG },
		{ "ibm,hvpipe-msg-events", EVENT_HVPIPE },
	};
	u32 ranges[2 * EVENT_NR_CLASSES];
	unsigned int i, n = 0;

	if (at->at != FDT_AT_ROOT)
		return 0;
	for (i = 0; i < ARRAY_SIZE(nodes); i++) {
		int irq = events__irq(vm, nodes[i].cls);

		if (irq >= 0) {
			ranges[n++] = cpu_to_fdt32(irq);
			ranges[n++] = cpu_to_fdt32(1);
		}
	}
	if (!n)
		return 0;
	FDT_TRY(fdt_begin_node(fdt, "event-sources"));
	FDT_TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	FDT_TRY(fdt_property_u32(fdt, "#interrupt-cells", 2));
	FDT_TRY(fdt_property(fdt, "interrupt-ranges", ranges, 4 * n));
	for (i = 0; i < ARRAY_SIZE(nodes); i++) {
		int irq = events__irq(vm, nodes[i].cls);
		u32 intr[2] = { cpu_to_fdt32(irq), 0 };	/* edge */

		if (irq < 0)
			continue;
		FDT_TRY(fdt_begin_node(fdt, nodes[i].name));
		FDT_TRY(fdt_property(fdt, "interrupts", intr, sizeof(intr)));
		FDT_TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

/* Control "stop": an orderly power-off is an EPOW event for the guest. */
static int events__shutdown(struct vm *vm, char *why, size_t size)
{
	if (events__irq(vm, EVENT_EPOW) < 0) {
		snprintf(why, size, "the guest has no EPOW interrupt (no in-kernel XICS): use force");
		return -ENOTSUP;
	}
	if (events__epow_shutdown(vm)) {
		snprintf(why, size, "too many events queued for the guest");
		return -EBUSY;
	}
	return 0;
}

const struct module events_module = {
	.name = "events",
	.init = events__init,
	.reset = events__reset,
	.exit = events__exit,
	.fdt = events__fdt,
	.shutdown = events__shutdown,
};
