// SPDX-License-Identifier: GPL-2.0
/*
 * CPU DRCs: one per possible core (--max-cpus), indexed by the core's first
 * server number, boot cores first. Host-requested hot-add/remove in whole
 * cores ("pvm hotplug NAME cpu +N|-N"): added cores get their vCPUs (parked
 * until the guest's start-cpu); removal waits for the guest to give the core
 * up through the DRC state machine in papr/drc.c. Also the core's
 * configure-connector node and the CPU DRC properties of the tree.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "pvm/accel.h"
#include "papr/drc.h"
#include "papr/events.h"
#include "pvm/fdt.h"
#include "pvm/log.h"
#include "pvm/module.h"
#include "pvm/vm.h"

static u32 cpu_stride(struct vm *vm)
{
	return vm->cfg.threads;
}

static unsigned int cpu_count(struct vm *vm, unsigned int *boot)
{
	if (vm->cfg.max_cores <= vm->cfg.nr_cores)
		return 0;
	*boot = vm->cfg.nr_cores;
	return vm->cfg.max_cores;
}

/* KVM cannot destroy vCPUs: they stay parked for a later re-plug. */
static void cpu_detach(struct vm *vm __unused, struct drc *d)
{
	pr_info("CPU core %u released", d->nr);
}

/* The same node as the boot tree's (fdt/fdt.c), with a "name" property. */
static int cpu_cc_node(struct vm *vm, struct drc *d, void *blob, u32 size)
{
	return fdt__cpu_blob(vm, d->nr, blob, size);
}

/* The four count-prefixed DRC arrays for every possible core. */
static int cpu_drcs(struct vm *vm, void *fdt)
{
	unsigned int n = vm->cfg.max_cores, i;
	u32 idx[1 + PVM_MAX_VCPUS], pd[1 + PVM_MAX_VCPUS];
	char names[4 + PVM_MAX_VCPUS * 10], types[4 + PVM_MAX_VCPUS * 4];
	size_t nl = 4, tl = 4;

	idx[0] = pd[0] = cpu_to_fdt32(n);
	memcpy(names, &idx[0], 4);
	memcpy(types, &idx[0], 4);
	for (i = 0; i < n; i++) {
		u32 id = i * vm->cfg.threads;

		idx[1 + i] = cpu_to_fdt32(DRC_INDEX_CPU + id);
		pd[1 + i] = cpu_to_fdt32(0xffffffff);	/* live insertion */
		nl += snprintf(names + nl, sizeof(names) - nl, "CPU %u", id) + 1;
		memcpy(types + tl, "CPU", 4);
		tl += 4;
	}
	FDT_TRY(fdt_property(fdt, "ibm,drc-indexes", idx, 4 * (n + 1)));
	FDT_TRY(fdt_property(fdt, "ibm,drc-names", names, nl));
	FDT_TRY(fdt_property(fdt, "ibm,drc-types", types, tl));
	return fdt_property(fdt, "ibm,drc-power-domains", pd, 4 * (n + 1));
}

static int cpu_fdt(struct vm *vm, void *fdt, const struct fdt_place *at)
{
	if (at->at == FDT_AT_CPUS)
		return cpu_drcs(vm, fdt);
	/* Every core, boot ones included, must name its DRC to be removable. */
	if (at->at == FDT_AT_CPU)
		return fdt_property_u32(fdt, "ibm,my-drc-index",
					DRC_INDEX_CPU + at->core * vm->cfg.threads);
	return 0;
}

const struct drc_type drc_cpu_type = {
	.name = "CPU",
	.index_base = DRC_INDEX_CPU,
	.index_stride = cpu_stride,
	.count = cpu_count,
	.guest_may_remove = true,
	.detach = cpu_detach,
	.cc_node = cpu_cc_node,
	.fdt = cpu_fdt,
};

int drc__hotplug_cpu(struct vm *vm, s64 count, char *why, size_t whylen)
{
	struct drc_set *s = drc__set(vm, &drc_cpu_type);
	unsigned int want, i, done = 0, th;
	struct drc *pick[PVM_MAX_VCPUS];
	int ret = 0;

	/* Range first: negating INT64_MIN, or narrowing 2^32 + 1, would lie. */
	if (!count || count < -(s64)PVM_MAX_VCPUS || count > PVM_MAX_VCPUS) {
		snprintf(why, whylen, "count must be 1 to %u cores, or -1 to -%u",
			 PVM_MAX_VCPUS, PVM_MAX_VCPUS);
		return -EINVAL;
	}
	want = count < 0 ? -count : count;

	if (!s) {
		snprintf(why, whylen, "CPU hotplug needs pvm run --max-cpus above --cpus");
		return -ENOTSUP;
	}
	if (!events__guest_listens(vm, EVENT_HOTPLUG)) {
		snprintf(why, whylen, "the guest has not enabled hotplug events (no DLPAR support, or still booting)");
		return -ENOTSUP;
	}
	if (!want || want > s->nr) {
		snprintf(why, whylen, "count must be 1 to %u cores", s->nr);
		return -EINVAL;
	}
	pthread_mutex_lock(&vm->lock);
	for (i = 0; i < s->nr; i++) {
		if (s->drc[i].unplug_requested) {
			snprintf(why, whylen, "a CPU unplug is still pending");
			ret = -EBUSY;
		}
	}
	if (count > 0) {
		for (i = 0; !ret && i < s->nr && done < want; i++)
			if (!s->drc[i].attached && s->drc[i].state == DRC_UNUSABLE)
				pick[done++] = &s->drc[i];
	} else {
		for (i = s->nr; !ret && i-- > 0 && done < want;)
			if (!s->drc[i].boot && s->drc[i].attached && s->drc[i].state == DRC_CONFIGURED)
				pick[done++] = &s->drc[i];
	}
	if (!ret && done < want) {
		snprintf(why, whylen, count > 0 ? "only %u more cores fit below --max-cpus" :
			 "only %u hot-added cores can be removed (boot cores never)", done);
		ret = -ENOSPC;
	}
	if (!ret && count < 0)
		for (i = 0; i < done; i++)
			pick[i]->unplug_requested = true;
	pthread_mutex_unlock(&vm->lock);
	if (ret)
		return ret;

	for (i = 0; i < done; i++) {
		struct drc *d = pick[i];

		if (count > 0) {
			/* Parked vCPUs of an earlier plug are reused. */
			for (th = 0; th < vm->cfg.threads; th++) {
				unsigned int id = d->nr * vm->cfg.threads + th;

				if (!vm__find_vcpu(vm, id) && (ret = accel__add_vcpu(vm, id))) {
					snprintf(why, whylen, "cannot create vCPU %u: %s", id, strerror(-ret));
					return ret;
				}
			}
			pthread_mutex_lock(&vm->lock);
			d->attached = true;
			pthread_mutex_unlock(&vm->lock);
		}
		if (events__hotplug(vm, HP_RESOURCE_CPU, count > 0 ? HP_ACTION_ADD : HP_ACTION_REMOVE,
				    HP_ID_INDEX, d->index, 0)) {
			snprintf(why, whylen, "the guest's event queue is full");
			return -EBUSY;
		}
	}
	return 0;
}
