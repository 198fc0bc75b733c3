// SPDX-License-Identifier: GPL-2.0
/*
 * Memory DRCs: one per 256 MiB LMB below --max-mem, boot RAM first. Memory
 * is backed when the host adds it and released only after the guest sets
 * the LMB's allocation state unusable (or at reset and exit). Also the
 * LMB's configure-connector node, ibm,dynamic-reconfiguration-memory and
 * the host's "hotplug mem" requests.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <libfdt.h>

#include "pvm/accel.h"
#include "papr/drc.h"
#include "papr/events.h"
#include "pvm/fdt.h"
#include "pvm/log.h"
#include "pvm/module.h"
#include "pvm/vm.h"

#define DRMEM_RESERVED 0x80

/* KVM memslot of LMB n (slot 0 is boot RAM). */
#define LMB_SLOT(n) (1 + (n))

static u64 lmb_addr(const struct drc *d)
{
	return (u64)d->nr * LMB_SIZE;
}

static unsigned int lmb_count(struct vm *vm, unsigned int *boot)
{
	if (vm->cfg.max_mem <= vm->cfg.ram_size)
		return 0;
	*boot = vm->cfg.ram_size / LMB_SIZE;
	return vm->cfg.max_mem / LMB_SIZE;
}

/*
 * An LMB's host mapping is made on first use and kept for re-plugs: removal
 * only drops its pages (MADV_DONTNEED), so pvm's RSS returns to where it was,
 * and a vCPU thread still holding a pointer from gmem__ptr() can never fault.
 */
static int lmb_attach(struct vm *vm, struct drc *d)
{
	void *p = d->priv;
	int ret;

	if (!p) {
		p = mmap(NULL, LMB_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED)
			return -ENOMEM;
		madvise(p, LMB_SIZE, MADV_HUGEPAGE);
		d->priv = p;
	}
	ret = accel__memslot(vm, LMB_SLOT(d->nr), lmb_addr(d), LMB_SIZE, p);
	if (!ret)
		ret = gmem__add(&vm->mem, lmb_addr(d), LMB_SIZE, p);
	if (ret) {
		accel__memslot(vm, LMB_SLOT(d->nr), lmb_addr(d), 0, p);
		return ret;
	}
	d->attached = true;
	return 0;
}

static void lmb_detach(struct vm *vm, struct drc *d)
{
	accel__memslot(vm, LMB_SLOT(d->nr), lmb_addr(d), 0, d->priv);
	gmem__remove(&vm->mem, lmb_addr(d));
	madvise(d->priv, LMB_SIZE, MADV_DONTNEED);
	pr_info("LMB 0x%x at 0x%llx released", d->index, (unsigned long long)lmb_addr(d));
}

static void lmb_free(struct vm *vm __unused, struct drc *d)
{
	if (d->priv)
		munmap(d->priv, LMB_SIZE);
	d->priv = NULL;
}

/* The node a hot-added LMB gets; its associativity must match the lookup array. */
static int lmb_cc_node(struct vm *vm __unused, struct drc *d, void *blob, u32 size)
{
	u64 reg[2] = { cpu_to_fdt64(lmb_addr(d)), cpu_to_fdt64(LMB_SIZE) };
	u32 assoc[5] = { cpu_to_fdt32(4), 0, 0, 0, 0 };
	char name[32];

	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)lmb_addr(d));
	FDT_TRY(fdt_create(blob, size));
	FDT_TRY(fdt_finish_reservemap(blob));
	FDT_TRY(fdt_begin_node(blob, ""));
	FDT_TRY(fdt_begin_node(blob, name));
	/* As in the CPU's node: the guest builds its node from what it is handed. */
	FDT_TRY(fdt_property_string(blob, "name", "memory"));
	FDT_TRY(fdt_property_string(blob, "device_type", "memory"));
	FDT_TRY(fdt_property(blob, "reg", reg, sizeof(reg)));
	/* Must match ibm,associativity-lookup-arrays, or the guest says ENODEV. */
	FDT_TRY(fdt_property(blob, "ibm,associativity", assoc, sizeof(assoc)));
	FDT_TRY(fdt_end_node(blob));
	FDT_TRY(fdt_end_node(blob));
	return fdt_finish(blob);
}

/*
 * Hot-pluggable memory: boot LMBs listed reserved, the rest free. The lookup
 * array has the one associativity that configure-connector hands out.
 */
static int lmb_fdt(struct vm *vm, void *fdt, const struct fdt_place *at)
{
	struct drc_set *s = drc__set(vm, &drc_lmb_type);
	u32 lookup[2 + 4] = { cpu_to_fdt32(1), cpu_to_fdt32(4), 0, 0, 0, 0 };
	u32 dm[1 + 2 * 6], *p = dm + 1;
	u64 boot;

	if (at->at != FDT_AT_ROOT || !s)
		return 0;
	boot = (u64)s->nr_boot * LMB_SIZE;
	dm[0] = cpu_to_fdt32(2);
	/* {count, base hi, base lo, first drc index, aa index, flags} per set */
	*p++ = cpu_to_fdt32(s->nr_boot);
	*p++ = 0;
	*p++ = 0;
	*p++ = cpu_to_fdt32(DRC_INDEX_LMB);
	*p++ = 0;
	*p++ = cpu_to_fdt32(DRMEM_RESERVED);
	*p++ = cpu_to_fdt32(s->nr - s->nr_boot);
	*p++ = cpu_to_fdt32(boot >> 32);
	*p++ = cpu_to_fdt32(boot);
	*p++ = cpu_to_fdt32(DRC_INDEX_LMB + s->nr_boot);
	*p++ = 0;
	*p++ = 0;
	FDT_TRY(fdt_begin_node(fdt, "ibm,dynamic-reconfiguration-memory"));
	/* Root #size-cells (2) wide; it is also the guest's memory block size. */
	FDT_TRY(fdt_property_u64(fdt, "ibm,lmb-size", LMB_SIZE));
	FDT_TRY(fdt_property(fdt, "ibm,dynamic-memory-v2", dm, sizeof(dm)));
	FDT_TRY(fdt_property(fdt, "ibm,associativity-lookup-arrays", lookup, sizeof(lookup)));
	FDT_TRY(fdt_property_u32(fdt, "ibm,memory-flags-mask", 0xff));
	FDT_TRY(fdt_property_u32(fdt, "ibm,memory-preservation-time", 0));
	return fdt_end_node(fdt);
}

const struct drc_type drc_lmb_type = {
	.name = "LMB",
	.index_base = DRC_INDEX_LMB,
	.count = lmb_count,
	.detach = lmb_detach,
	.free = lmb_free,
	.cc_node = lmb_cc_node,
	.fdt = lmb_fdt,
};

u64 drc__hotplugged_bytes(struct vm *vm)
{
	struct drc_set *s = drc__set(vm, &drc_lmb_type);
	u64 n = 0;
	unsigned int i;

	if (!s)
		return 0;
	pthread_mutex_lock(&vm->lock);
	for (i = s->nr_boot; i < s->nr; i++)
		if (s->drc[i].attached)
			n += LMB_SIZE;
	pthread_mutex_unlock(&vm->lock);
	return n;
}

/* ---- host requests ---- */

int drc__hotplug_mem(struct vm *vm, s64 bytes, char *why, size_t whylen)
{
	struct drc_set *s = drc__set(vm, &drc_lmb_type);
	u64 want = bytes < 0 ? -(u64)bytes : (u64)bytes, n;
	u32 picked[EVENT_QUEUE_MAX];
	unsigned int i, done = 0;
	int ret = 0;

	if (!s) {
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

		for (i = s->nr_boot; i < s->nr; i++)
			free_lmbs += !s->drc[i].attached;
		if (free_lmbs < n) {
			snprintf(why, whylen, "only %u MiB left below --max-mem",
				 (unsigned int)(free_lmbs * (LMB_SIZE / SZ_1M)));
			ret = -ENOSPC;
		}
		for (i = s->nr_boot; !ret && i < s->nr && done < n; i++) {
			struct drc *d = &s->drc[i];

			if (d->attached)
				continue;
			ret = lmb_attach(vm, d);
			if (ret) {
				snprintf(why, whylen, "cannot back LMB 0x%x: %s", d->index,
					 strerror(-ret));
				break;
			}
			picked[done++] = d->index;
		}
	} else {
		unsigned int removable = 0;

		for (i = s->nr_boot; i < s->nr; i++) {
			struct drc *d = &s->drc[i];

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
		for (i = s->nr; !ret && i-- > s->nr_boot && done < n;) {
			struct drc *d = &s->drc[i];

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
