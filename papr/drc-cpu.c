// SPDX-License-Identifier: GPL-2.0
/*
 * Host-requested CPU hot-add/remove in whole cores: the CPU DRCs' side of
 * "pvm hotplug NAME cpu +N|-N". Added cores get their vCPUs (parked until
 * the guest's start-cpu); removal waits for the guest to give the core up
 * through the DRC state machine in papr/drc.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pvm/accel.h"
#include "papr/drc.h"
#include "papr/events.h"
#include "pvm/vm.h"
#include "pvm/module.h"

static inline struct drc_table *drcs_of(struct vm *vm)
{
	return vm__priv(vm, &drc_module);
}

int drc__hotplug_cpu(struct vm *vm, s64 count, char *why, size_t whylen)
{
	struct drc_table *t = drcs_of(vm);
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

	if (!t || !t->nr_cpus) {
		snprintf(why, whylen, "CPU hotplug needs pvm run --max-cpus above --cpus");
		return -ENOTSUP;
	}
	if (!events__guest_listens(vm, EVENT_HOTPLUG)) {
		snprintf(why, whylen, "the guest has not enabled hotplug events (no DLPAR support, or still booting)");
		return -ENOTSUP;
	}
	if (!want || want > t->nr_cpus) {
		snprintf(why, whylen, "count must be 1 to %u cores", t->nr_cpus);
		return -EINVAL;
	}
	pthread_mutex_lock(&vm->lock);
	for (i = 0; i < t->nr_cpus; i++) {
		if (t->cpu[i].unplug_requested) {
			snprintf(why, whylen, "a CPU unplug is still pending");
			ret = -EBUSY;
		}
	}
	if (count > 0) {
		for (i = 0; !ret && i < t->nr_cpus && done < want; i++)
			if (!t->cpu[i].attached && t->cpu[i].state == DRC_UNUSABLE)
				pick[done++] = &t->cpu[i];
	} else {
		for (i = t->nr_cpus; !ret && i-- > 0 && done < want;)
			if (!t->cpu[i].boot && t->cpu[i].attached && t->cpu[i].state == DRC_CONFIGURED)
				pick[done++] = &t->cpu[i];
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
				unsigned int id = d->core * vm->cfg.threads + th;

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
