// SPDX-License-Identifier: GPL-2.0
/*
 * DRCs of every type: index lookup, the logical-DRC state machine
 * (set-indicator, get-sensor-state), ibm,configure-connector as one walk over
 * the node a type writes, the device-tree hook, and reset. What a connector
 * stands for lives in its struct drc_type (papr/drc-mem.c, papr/drc-cpu.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "papr/drc.h"
#include "pvm/fdt.h"
#include "pvm/log.h"
#include "pvm/module.h"
#include "papr/rtas.h"
#include "pvm/vm.h"

struct drc_table {
	struct drc_set set[DRC_MAX_TYPES];
	unsigned int nr_sets;
};

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

static u32 stride_of(struct vm *vm, const struct drc_type *type)
{
	return type->index_stride ? type->index_stride(vm) : 1;
}

struct drc *drc__find(struct vm *vm, u32 index)
{
	struct drc_table *t = drcs_of(vm);
	unsigned int i;

	for (i = 0; t && i < t->nr_sets; i++) {
		struct drc_set *s = &t->set[i];
		u32 stride = stride_of(vm, s->type), off = index - s->type->index_base;

		if (index < s->type->index_base || off % stride || off / stride >= s->nr)
			continue;
		return &s->drc[off / stride];
	}
	return NULL;
}

struct drc_set *drc__set(struct vm *vm, const struct drc_type *type)
{
	struct drc_table *t = drcs_of(vm);
	unsigned int i;

	for (i = 0; t && i < t->nr_sets; i++)
		if (t->set[i].type == type)
			return &t->set[i];
	return NULL;
}

int drc__add_type(struct vm *vm, const struct drc_type *type)
{
	struct drc_table *t = drcs_of(vm);
	unsigned int nr, boot = 0, i;
	struct drc_set *s;

	if (!t)
		return -ENODEV;	/* drc_module is not (yet) set up */
	if (t->nr_sets == DRC_MAX_TYPES)
		return -ENOSPC;
	if (drc__set(vm, type))
		return -EEXIST;
	nr = type->count(vm, &boot);
	if (!nr)
		return 0;
	s = &t->set[t->nr_sets];
	s->drc = calloc(nr, sizeof(*s->drc));
	if (!s->drc)
		return -ENOMEM;
	s->type = type;
	s->nr = nr;
	s->nr_boot = MIN(boot, nr);
	for (i = 0; i < nr; i++) {
		struct drc *d = &s->drc[i];

		d->type = type;
		d->nr = i;
		d->index = type->index_base + i * stride_of(vm, type);
		d->boot = i < s->nr_boot;
		/* Coldplugged resources start configured, free slots unusable. */
		d->state = d->boot ? DRC_CONFIGURED : DRC_UNUSABLE;
		d->attached = d->boot;
	}
	t->nr_sets++;
	return 0;
}

/* Give the resource back; the connector stays, ready for the next plug. */
static void drc_detach(struct vm *vm, struct drc *d)
{
	if (d->type->detach)
		d->type->detach(vm, d);
	d->attached = false;
	d->unplug_requested = false;
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
		/* The guest's "removal failed" hint: it keeps the resource. */
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
	/* Only removals the host asked for, unless the type lets the guest. */
	if (!d->unplug_requested && !d->type->guest_may_remove)
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
	if (d->unplug_requested || d->type->guest_may_remove)
		drc_detach(vm, d);
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

/*
 * Hand out the cc_step-th item of the node the type wrote: the node
 * (NEXT_CHILD), its properties (NEXT_PROPERTY), then COMPLETE at its end.
 * The blob is rebuilt on every call, so the cursor is all the state kept.
 * Nodes below the connector's would need NEXT_SIBLING/PREV_PARENT, which no
 * type has yet: they are refused rather than silently left out.
 */
static s32 cc_walk(struct vm *vm, struct drc *d, u8 *wa, u32 *words)
{
	static u8 blob[8192];	/* under vm->lock */
	int off = 0, next, depth = 0;
	unsigned int k = 0;

	if (!d->type->cc_node || d->type->cc_node(vm, d, blob, sizeof(blob)) < 0)
		return CC_ERROR;
	for (;;) {
		u32 tag = fdt_next_tag(blob, off, &next);
		const char *name;
		int len;

		switch (tag) {
		case FDT_BEGIN_NODE:
			if (++depth > 2)
				return CC_ERROR;
			if (depth == 2 && k++ == d->cc_step) {
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
			/* Done: the node is complete; a new fetch starts over. */
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
	if (!d || (d->state != DRC_UNISOLATED && d->state != DRC_CONFIGURED) || !d->attached)
		st = CC_ERROR;
	else
		st = cc_walk(c->vm, d, wa, words);
	pthread_mutex_unlock(&c->vm->lock);
	if (st != CC_ERROR)
		memcpy(wa + 8, &words[2], 12);
	c->rets[0] = (u32)st;
}

/* ---- the module ---- */

int drc__fdt(struct vm *vm, void *fdt, const struct fdt_place *at)
{
	struct drc_table *t = drcs_of(vm);
	unsigned int i;

	/*
	 * The partition's DR ceilings, memory and cores in one property, so it
	 * belongs to neither type: <max address (2 cells), LMB size (2 cells),
	 * max cores>, there when either can grow.
	 */
	if (at->at == FDT_AT_RTAS && (vm->cfg.max_mem > vm->cfg.ram_size ||
				      vm->cfg.max_cores > vm->cfg.nr_cores)) {
		u64 max = MAX(vm->cfg.max_mem, vm->cfg.ram_size);
		u32 cap[5] = { cpu_to_fdt32(max >> 32), cpu_to_fdt32(max), 0,
			       cpu_to_fdt32(LMB_SIZE), cpu_to_fdt32(vm->cfg.max_cores) };

		FDT_TRY(fdt_property(fdt, "ibm,lrdr-capacity", cap, sizeof(cap)));
	}
	for (i = 0; t && i < t->nr_sets; i++)
		if (t->set[i].type->fdt)
			FDT_TRY(t->set[i].type->fdt(vm, fdt, at));
	return 0;
}

/*
 * Guest reboot in place: hot-plugged resources are dropped. Every hot-added
 * connector gives its resource back (an LMB's memslot and pages; a core's
 * vCPUs stay parked for the next plug, as KVM cannot destroy them), boot
 * ones are attached and configured again (also a core the guest gave up),
 * pending unplugs and configure-connector cursors are forgotten: the guest
 * comes back with its boot memory and boot cores only, the tree rebuilt
 * after this says so, and drc__hotplugged_bytes() reads 0.
 */
static void drc__reset(struct vm *vm)
{
	struct drc_table *t = drcs_of(vm);
	unsigned int i, n;

	if (!t)
		return;
	pthread_mutex_lock(&vm->lock);
	for (i = 0; i < t->nr_sets; i++) {
		for (n = 0; n < t->set[i].nr; n++) {
			struct drc *d = &t->set[i].drc[n];

			if (d->attached && !d->boot)
				drc_detach(vm, d);
			d->attached = d->boot;
			d->state = d->boot ? DRC_CONFIGURED : DRC_UNUSABLE;
			d->unplug_requested = false;
			d->cc_step = 0;
		}
	}
	pthread_mutex_unlock(&vm->lock);
}

static int drc__init(struct vm *vm)
{
	static const struct rtas_handler calls[] = {
		{ RTAS_SET_INDICATOR, rtas_set_indicator },
		{ RTAS_GET_SENSOR_STATE, rtas_get_sensor_state },
		{ RTAS_IBM_CONFIGURE_CONNECTOR, rtas_configure_connector },
	};
	struct drc_table *t = calloc(1, sizeof(*t));
	int ret;

	if (!t)
		return -ENOMEM;
	vm__set_priv(vm, &drc_module, t);
	ret = drc__add_type(vm, &drc_lmb_type);
	if (!ret)
		ret = drc__add_type(vm, &drc_cpu_type);
	return ret ? ret : rtas__register_all(vm, calls, ARRAY_SIZE(calls));
}

/* Hot-added resources go back as at reset, then every type frees its own. */
static void drc__exit(struct vm *vm)
{
	struct drc_table *t = drcs_of(vm);
	unsigned int i, n;

	if (!t)
		return;
	for (i = 0; i < t->nr_sets; i++) {
		struct drc_set *s = &t->set[i];

		for (n = 0; n < s->nr; n++) {
			struct drc *d = &s->drc[n];

			if (d->attached && !d->boot)
				drc_detach(vm, d);
			if (s->type->free)
				s->type->free(vm, d);
		}
		free(s->drc);
	}
	free(t);
	vm__set_priv(vm, &drc_module, NULL);
}

const struct module drc_module = {
	.name = "drc",
	.init = drc__init,
	.reset = drc__reset,
	.exit = drc__exit,
	.fdt = drc__fdt,
	.commands = drc__commands,
	.query = drc__query,
};
