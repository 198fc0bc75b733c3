// SPDX-License-Identifier: GPL-2.0
/*
 * Memory DRCs: the logical-DRC state machine (set-indicator,
 * get-sensor-state, ibm,configure-connector) and host-requested memory
 * hot-add/remove in 256 MiB LMBs. Memory is backed when the host adds it and
 * released only after the guest sets the LMB's allocation state unusable.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <libfdt.h>

#include "pvm/accel.h"
#include "papr/drc.h"
#include "papr/events.h"
#include "pvm/fdt.h"
#include "pvm/log.h"
#include "pvm/module.h"
#include "papr/rtas.h"
#include "pvm/vm.h"

static inline struct drc_table *drcs_of(struct vm *vm)
{
	return vm__priv(vm, &drc_module);
}

#define SENSOR_EPOW 9
#define SENSOR_DR_ENTITY_SENSE 9003
#define INDICATOR_ISOLATION 9001
#define INDICATOR_DR 9002
#define INDICATOR_ALLOCATION 9003

#define SENSE_PRESENT 1
#define SENSE_UNUSABLE 2

/* configure-connector results */
#define CC_COMPLETE 0
#define CC_NEXT_CHILD 2
#define CC_NEXT_PROPERTY 3
#define CC_ERROR -9003
#define CC_WA_SIZE 4096
#define CC_DATA 20

/* KVM memslot of LMB n (slot 0 is boot RAM). */
#define LMB_SLOT(n) (1 + (n))

struct drc *drc__find(struct vm *vm, u32 index)
{
	struct drc_table *t = drcs_of(vm);
	u32 n;

	if (!t)
		return NULL;
	if (index >= DRC_INDEX_LMB) {
		n = index - DRC_INDEX_LMB;
		return n < t->nr_lmbs ? &t->lmb[n] : NULL;
	}
	if (index < DRC_INDEX_CPU)
		return NULL;
	n = index - DRC_INDEX_CPU;
	if (n % vm->cfg.threads || n / vm->cfg.threads >= t->nr_cpus)
		return NULL;
	return &t->cpu[n / vm->cfg.threads];
}

static unsigned int lmb_nr(struct vm *vm, struct drc *d)
{
	return d - drcs_of(vm)->lmb;
}

/*
 * An LMB's host mapping is made on first use and kept for re-plugs: removal
 * only drops its pages (MADV_DONTNEED), so pvm's RSS returns to where it was,
 * and a vCPU thread still holding a pointer from gmem__ptr() can never fault.
 */
static int attach(struct vm *vm, struct drc *d)
{
	void *p = d->hva;
	int ret;

	if (!p) {
		p = mmap(NULL, LMB_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED)
			return -ENOMEM;
		madvise(p, LMB_SIZE, MADV_HUGEPAGE);
		d->hva = p;
	}
	ret = accel__memslot(vm, LMB_SLOT(lmb_nr(vm, d)), d->addr, LMB_SIZE, p);
	if (!ret)
		ret = gmem__add(&vm->mem, d->addr, LMB_SIZE, p);
	if (ret) {
		accel__memslot(vm, LMB_SLOT(lmb_nr(vm, d)), d->addr, 0, p);
		return ret;
	}
	d->attached = true;
	return 0;
}

/* Only after the guest gave the LMB up (allocation := unusable). */
static void detach(struct vm *vm, struct drc *d)
{
	accel__memslot(vm, LMB_SLOT(lmb_nr(vm, d)), d->addr, 0, d->hva);
	gmem__remove(&vm->mem, d->addr);
	madvise(d->hva, LMB_SIZE, MADV_DONTNEED);
	d->attached = false;
	d->unplug_requested = false;
	pr_info("LMB 0x%x at 0x%llx released", d->index, (unsigned long long)d->addr);
}

static int table_init(struct vm *vm)
{
	struct drc_table *t;
	unsigned int i;

	bool mem = vm->cfg.max_mem > vm->cfg.ram_size;
	bool cpu = vm->cfg.max_cores > vm->cfg.nr_cores;

	if (!mem && !cpu)
		return 0;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	if (mem) {
		t->nr_lmbs = vm->cfg.max_mem / LMB_SIZE;
		t->nr_boot_lmbs = vm->cfg.ram_size / LMB_SIZE;
	}
	if (cpu)
		t->nr_cpus = vm->cfg.max_cores;
	t->lmb = calloc(t->nr_lmbs + 1, sizeof(*t->lmb));
	t->cpu = calloc(t->nr_cpus + 1, sizeof(*t->cpu));
	if (!t->lmb || !t->cpu) {
		free(t->lmb);
		free(t->cpu);
		free(t);
		return -ENOMEM;
	}
	for (i = 0; i < t->nr_cpus; i++) {
		struct drc *d = &t->cpu[i];

		d->cpu = true;
		d->core = i;
		d->index = DRC_INDEX_CPU + i * vm->cfg.threads;
		d->boot = i < vm->cfg.nr_cores;
		d->state = d->boot ? DRC_CONFIGURED : DRC_UNUSABLE;
		d->attached = d->boot;
	}
	for (i = 0; i < t->nr_lmbs; i++) {
		struct drc *d = &t->lmb[i];

		d->index = DRC_INDEX_LMB + i;
		d->addr = (u64)i * LMB_SIZE;
		d->boot = i < t->nr_boot_lmbs;
		/* Coldplugged memory starts configured, free slots unusable. */
		d->state = d->boot ? DRC_CONFIGURED : DRC_UNUSABLE;
		d->attached = d->boot;
	}
	vm__set_priv(vm, &drc_module, t);
	return 0;
}

struct drc_table *drc__table(struct vm *vm)
{
	return drcs_of(vm);
}

u64 drc__hotplugged_bytes(struct vm *vm)
{
	struct drc_table *t = drcs_of(vm);
	u64 n = 0;
	unsigned int i;

	if (!t)
		return 0;
	pthread_mutex_lock(&vm->lock);
	for (i = t->nr_boot_lmbs; i < t->nr_lmbs; i++)
		if (t->lmb[i].attached)
			n += LMB_SIZE;
	pthread_mutex_unlock(&vm->lock);
	return n;
}

/* ---- RTAS ---- */

static void rtas_get_sensor_state(struct rtas_call *c)
{
	struct drc *d;

	if (c->args[0] == SENSOR_EPOW && c->args[1] == 0) {
		/* Normal: the EPOW event itself says what to do. */
		c->rets[0] = RTAS_OUT_SUCCESS;
		c->rets[1] = 0;
		return;
	}
	if (c->args[0] != SENSOR_DR_ENTITY_SENSE) {
		c->rets[0] = (u32)RTAS_OUT_NOT_SUPPORTED;
		return;
	}
	pthread_mutex_lock(&c->vm->lock);
	d = drc__find(c->vm, c->args[1]);
	if (!d) {
		c->rets[0] = (u32)RTAS_OUT_PARAM_ERROR;
	} else {
		c->rets[0] = RTAS_OUT_SUCCESS;
		c->rets[1] = (d->state != DRC_UNUSABLE && d->attached) ? SENSE_PRESENT :
									     SENSE_UNUSABLE;
	}
	pthread_mutex_unlock(&c->vm->lock);
}

static s32 set_isolation(struct drc *d, u32 value)
{
	if (value == 1) {
		if (d->state == DRC_UNUSABLE)
			return RTAS_OUT_PARAM_ERROR;
		/* The guest's "removal failed" hint: it keeps the LMB. */
		if (d->state != DRC_AVAILABLE) {
			d->unplug_requested = false;
			return RTAS_OUT_SUCCESS;
		}
		d->state = DRC_UNISOLATED;
		d->cc_step = 0;
		return RTAS_OUT_SUCCESS;
	}
	if (value != 0)
		return RTAS_OUT_PARAM_ERROR;
	/* Only removals the host asked for: the guest may not drop memory itself. */
	if (!d->unplug_requested && !d->cpu)
		return RTAS_OUT_HW_ERROR;
	if (d->state == DRC_CONFIGURED || d->state == DRC_UNISOLATED)
		d->state = DRC_AVAILABLE;
	return RTAS_OUT_SUCCESS;
}

static s32 set_allocation(struct vm *vm, struct drc *d, u32 value)
{
	if (value == 1) {
		if (!d->attached || d->unplug_requested || d->state != DRC_UNUSABLE)
			return d->state == DRC_AVAILABLE ? RTAS_OUT_SUCCESS : RTAS_OUT_PARAM_ERROR;
		d->state = DRC_AVAILABLE;
		return RTAS_OUT_SUCCESS;
	}
	if (value != 0)
		return RTAS_OUT_PARAM_ERROR;
	if (d->state != DRC_AVAILABLE)
		return RTAS_OUT_PARAM_ERROR;
	d->state = DRC_UNUSABLE;
	if (d->cpu) {
		/* KVM cannot destroy vCPUs: they stay parked for a later re-plug. */
		d->attached = false;
		d->unplug_requested = false;
		pr_info("CPU core %u released", d->core);
	} else if (d->unplug_requested) {
		detach(vm, d);
	}
	return RTAS_OUT_SUCCESS;
}

static void rtas_set_indicator(struct rtas_call *c)
{
	u32 type = c->args[0], value = c->args[2];
	struct drc *d;
	s32 st;

	if (type != INDICATOR_ISOLATION && type != INDICATOR_ALLOCATION &&
	    type != INDICATOR_DR) {
		c->rets[0] = (u32)RTAS_OUT_NOT_SUPPORTED;
		return;
	}
	pthread_mutex_lock(&c->vm->lock);
	d = drc__find(c->vm, c->args[1]);
	if (!d)
		st = RTAS_OUT_PARAM_ERROR;
	else if (type == INDICATOR_ISOLATION)
		st = set_isolation(d, value);
	else if (type == INDICATOR_ALLOCATION)
		st = set_allocation(c->vm, d, value);
	else
		st = RTAS_OUT_SUCCESS;	/* the DR indicator (LED) has no meaning here */
	pthread_mutex_unlock(&c->vm->lock);
	c->rets[0] = (u32)st;
}

/* One property of the LMB node per step; the node itself first. */
static int cc_prop(struct drc *d, unsigned int step, const char **name, u8 *val, u32 *len)
{
	u64 reg[2] = { htobe64(d->addr), htobe64(LMB_SIZE) };
	u32 assoc[5] = { htobe32(4), 0, 0, 0, 0 };

	switch (step) {
	case 0:
		*name = "name";
		*len = sizeof("memory");
		memcpy(val, "memory", *len);
		return 0;
	case 1:
		*name = "device_type";
		*len = sizeof("memory");
		memcpy(val, "memory", *len);
		return 0;
	case 2:
		*name = "reg";
		*len = sizeof(reg);
		memcpy(val, reg, *len);
		return 0;
	case 3:
		/* Must match ibm,associativity-lookup-arrays, or the guest says ENODEV. */
		*name = "ibm,associativity";
		*len = sizeof(assoc);
		memcpy(val, assoc, *len);
		return 0;
	}
	return -1;
}

/*
 * A core's node comes from the same code as the boot tree (fdt__cpu_blob):
 * walk that blob and hand out the cc_step-th item -- the node (NEXT_CHILD),
 * its properties (NEXT_PROPERTY), then COMPLETE at its end.
 */
static s32 cc_cpu(struct vm *vm, struct drc *d, u8 *wa, u32 *words)
{
	static u8 blob[8192];	/* under vm->lock */
	int off = 0, next, depth = 0;
	unsigned int k = 0;

	if (fdt__cpu_blob(vm, d->core, blob, sizeof(blob)))
		return CC_ERROR;
	for (;;) {
		u32 tag = fdt_next_tag(blob, off, &next);
		const char *name;
		int len;

		switch (tag) {
		case FDT_BEGIN_NODE:
			if (++depth == 2 && k++ == d->cc_step) {
				name = fdt_get_name(blob, off, &len);
				if (!name || CC_DATA + len + 1 > CC_WA_SIZE)
					return CC_ERROR;
				memcpy(wa + CC_DATA, name, len + 1);
				words[2] = htobe32(CC_DATA);
				d->cc_step++;
				return CC_NEXT_CHILD;
			}
			break;
		case FDT_PROP:
			if (depth == 2 && k++ == d->cc_step) {
				const struct fdt_property *p = fdt_get_property_by_offset(blob, off, &len);
				u32 nlen;

				if (!p)
					return CC_ERROR;
				name = fdt_string(blob, fdt32_to_cpu(p->nameoff));
				nlen = strlen(name) + 1;
				if (CC_DATA + nlen + len > CC_WA_SIZE)
					return CC_ERROR;
				memcpy(wa + CC_DATA, name, nlen);
				memcpy(wa + CC_DATA + nlen, p->data, len);
				words[2] = htobe32(CC_DATA);
				words[3] = htobe32(len);
				words[4] = htobe32(CC_DATA + nlen);
				d->cc_step++;
				return CC_NEXT_PROPERTY;
			}
			break;
		case FDT_END_NODE:
			if (depth-- == 2 && k++ == d->cc_step) {
				d->state = DRC_CONFIGURED;
				d->cc_step = 0;
				return CC_COMPLETE;
			}
			break;
		case FDT_END:
			return CC_ERROR;
		}
		off = next;
		if (off < 0)
			return CC_ERROR;
	}
}

static void rtas_configure_connector(struct rtas_call *c)
{
	u64 wa_gpa = c->args[0];
	u8 *wa = gmem__ptr(&c->vm->mem, wa_gpa, CC_WA_SIZE);
	u32 index, words[5] = { 0 };
	struct drc *d;
	s32 st;

	if (!wa) {
		c->rets[0] = (u32)RTAS_OUT_PARAM_ERROR;
		return;
	}
	memcpy(&index, wa, 4);
	pthread_mutex_lock(&c->vm->lock);
	d = drc__find(c->vm, be32toh(index));
	if (!d || (d->state != DRC_UNISOLATED && d->state != DRC_CONFIGURED) || !d->attached) {
		st = CC_ERROR;
	} else if (d->cpu) {
		st = cc_cpu(c->vm, d, wa, words);
	} else if (d->cc_step == 0) {
		char name[32];
		int n = snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)d->addr);

		memcpy(wa + CC_DATA, name, n + 1);
		words[2] = htobe32(CC_DATA);
		d->cc_step = 1;
		st = CC_NEXT_CHILD;
	} else {
		const char *name;
		u8 val[64];
		u32 len, nlen;

		if (cc_prop(d, d->cc_step - 1, &name, val, &len)) {
			/* Done: the node is complete; a new fetch starts over. */
			d->state = DRC_CONFIGURED;
			d->cc_step = 0;
			st = CC_COMPLETE;
		} else {
			nlen = strlen(name) + 1;
			memcpy(wa + CC_DATA, name, nlen);
			memcpy(wa + CC_DATA + nlen, val, len);
			words[2] = htobe32(CC_DATA);
			words[3] = htobe32(len);
			words[4] = htobe32(CC_DATA + nlen);
			d->cc_step++;
			st = CC_NEXT_PROPERTY;
		}
	}
	pthread_mutex_unlock(&c->vm->lock);
	if (st != CC_ERROR)
		memcpy(wa + 8, &words[2], 12);
	c->rets[0] = (u32)st;
}

/* ---- host requests ---- */

int drc__hotplug_mem(struct vm *vm, s64 bytes, char *why, size_t whylen)
{
	struct drc_table *t = drcs_of(vm);
	u64 want = bytes < 0 ? -(u64)bytes : (u64)bytes, n;
	u32 picked[EVENT_QUEUE_MAX];
	unsigned int i, done = 0;
	int ret = 0;

	if (!t) {
		snprintf(why, whylen, "memory hotplug needs pvm run --max-mem above -m");
		return -ENOTSUP;
	}
	if (!events__guest_listens(vm, EVENT_HOTPLUG)) {
		snprintf(why, whylen, "the guest has not enabled hotplug events (no DLPAR support, or still booting)");
		return -ENOTSUP;
	}
	if (!want || want % LMB_SIZE) {
		snprintf(why, whylen, "size must be a non-zero multiple of %llu MiB",
			 LMB_SIZE / SZ_1M);
		return -EINVAL;
	}
	n = want / LMB_SIZE;
	if (n > EVENT_QUEUE_MAX) {
		snprintf(why, whylen, "at most %u LMBs (%llu MiB) per request", EVENT_QUEUE_MAX,
			 (unsigned long long)(EVENT_QUEUE_MAX * LMB_SIZE / SZ_1M));
		return -E2BIG;
	}
	pthread_mutex_lock(&vm->lock);
	if (bytes > 0) {
		unsigned int free_lmbs = 0;

		for (i = t->nr_boot_lmbs; i < t->nr_lmbs; i++)
			free_lmbs += !t->lmb[i].attached;
		if (free_lmbs < n) {
			snprintf(why, whylen, "only %u MiB left below --max-mem",
				 (unsigned int)(free_lmbs * (LMB_SIZE / SZ_1M)));
			ret = -ENOSPC;
		}
		for (i = t->nr_boot_lmbs; !ret && i < t->nr_lmbs && done < n; i++) {
			struct drc *d = &t->lmb[i];

			if (d->attached)
				continue;
			ret = attach(vm, d);
			if (ret) {
				snprintf(why, whylen, "cannot back LMB 0x%x: %s", d->index,
					 strerror(-ret));
				break;
			}
			picked[done++] = d->index;
		}
	} else {
		unsigned int removable = 0;

		for (i = t->nr_boot_lmbs; i < t->nr_lmbs; i++) {
			struct drc *d = &t->lmb[i];

			if (d->unplug_requested) {
				snprintf(why, whylen, "a memory unplug is still pending");
				ret = -EBUSY;
				break;
			}
			removable += d->attached && d->state == DRC_CONFIGURED;
		}
		if (!ret && removable < n) {
			snprintf(why, whylen, "only %u MiB of hot-added memory can be removed (boot memory never)",
				 (unsigned int)(removable * (LMB_SIZE / SZ_1M)));
			ret = -ENOSPC;
		}
		/* Newest first, so repeated add/remove cycles reuse the same slots. */
		for (i = t->nr_lmbs; !ret && i-- > t->nr_boot_lmbs && done < n;) {
			struct drc *d = &t->lmb[i];

			if (d->attached && d->state == DRC_CONFIGURED) {
				d->unplug_requested = true;
				picked[done++] = d->index;
			}
		}
	}
	pthread_mutex_unlock(&vm->lock);
	if (ret)
		return ret;
	/*
	 * One event per LMB, by index, for exactly the LMBs chosen under the
	 * lock (vCPU threads move DRC states meanwhile).
	 */
	for (i = 0; i < done; i++) {
		if (events__hotplug(vm, HP_RESOURCE_MEM,
				    bytes > 0 ? HP_ACTION_ADD : HP_ACTION_REMOVE,
				    HP_ID_INDEX, picked[i], 0)) {
			snprintf(why, whylen, "the guest's event queue is full");
			return -EBUSY;
		}
	}
	return 0;
}

static int drc__init(struct vm *vm)
{
	static const struct rtas_handler calls[] = {
		{ RTAS_SET_INDICATOR, rtas_set_indicator },
		{ RTAS_GET_SENSOR_STATE, rtas_get_sensor_state },
		{ RTAS_IBM_CONFIGURE_CONNECTOR, rtas_configure_connector },
	};
	int ret = table_init(vm);

	return ret ? ret : rtas__register_all(vm, calls, ARRAY_SIZE(calls));
}

static void drc__exit(struct vm *vm)
{
	struct drc_table *t = drcs_of(vm);

	if (!t)
		return;
	free(t->lmb);
	free(t->cpu);
	free(t);
	vm__set_priv(vm, &drc_module, NULL);
}

const struct module drc_module = {
	.name = "drc",
	.init = drc__init,
	.exit = drc__exit,
	.fdt = drc__fdt,
	.commands = drc__commands,
	.query = drc__query,
};
