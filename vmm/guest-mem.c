// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "pvm/guest-mem.h"

/*
 * Regions are added and removed (memory hotplug, on the main thread) while
 * vCPU threads look them up without a lock. Each slot has a sequence count,
 * odd while it is rewritten: a lookup copies gpa/size/hva and retries if the
 * count moved, so it sees the old region or the new one, never a mix (a
 * retired slot can be reused by another LMB at another address). Slots are
 * never moved, and hot-unplugged memory stays mapped (papr/drc-mem.c), so a
 * pointer handed out just before a removal never faults.
 */
static void slot_write(struct gmem_region *r, u64 gpa, u64 size, void *hva)
{
	/* The RMW's acquire half keeps the field stores after the odd count. */
	u32 s = __atomic_add_fetch(&r->seq, 1, __ATOMIC_ACQ_REL);

	__atomic_store_n(&r->gpa, gpa, __ATOMIC_RELEASE);
	__atomic_store_n(&r->hva, (u8 *)hva, __ATOMIC_RELEASE);
	__atomic_store_n(&r->size, size, __ATOMIC_RELEASE);
	__atomic_store_n(&r->seq, s + 1, __ATOMIC_RELEASE);
}

/* A consistent copy of slot r (size 0: empty). */
static void slot_read(const struct gmem_region *r, struct gmem_region *out)
{
	u32 s1, s2;

	do {
		/* Acquire loads keep the second count read after the fields. */
		s1 = __atomic_load_n(&r->seq, __ATOMIC_ACQUIRE);
		out->gpa = __atomic_load_n(&r->gpa, __ATOMIC_ACQUIRE);
		out->hva = __atomic_load_n(&r->hva, __ATOMIC_ACQUIRE);
		out->size = __atomic_load_n(&r->size, __ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&r->seq, __ATOMIC_RELAXED);
	} while ((s1 & 1) || s1 != s2);
}
static void tell(struct guest_mem *gm)
{
	unsigned int i;

	for (i = 0; i < GMEM_MAX_LISTENERS; i++)
		if (gm->changed[i])
			gm->changed[i](gm->changed_opaque[i]);
}

int gmem__on_change(struct guest_mem *gm, void (*fn)(void *opaque), void *opaque)
{
	unsigned int i, free_slot = GMEM_MAX_LISTENERS;

	for (i = 0; i < GMEM_MAX_LISTENERS; i++) {
		if (gm->changed[i] && gm->changed_opaque[i] == opaque) {
			gm->changed[i] = fn;
			return 0;
		}
		if (!gm->changed[i] && free_slot == GMEM_MAX_LISTENERS)
			free_slot = i;
	}
	if (!fn)
		return 0;
	if (free_slot == GMEM_MAX_LISTENERS)
		return -ENOSPC;
	gm->changed_opaque[free_slot] = opaque;
	gm->changed[free_slot] = fn;
	return 0;
}

int gmem__region(const struct guest_mem *gm, unsigned int i, struct gmem_region *out)
{
	if (i >= __atomic_load_n(&gm->nr, __ATOMIC_ACQUIRE))
		return -ENOENT;
	slot_read(&gm->r[i], out);
	return 0;
}

int gmem__add(struct guest_mem *gm, u64 gpa, u64 size, void *hva)
{
	unsigned int i, slot = GMEM_MAX_REGIONS;

	if (!size || gpa + size < gpa)
		return -EINVAL;
	for (i = 0; i < gm->nr; i++) {
		struct gmem_region r;

		slot_read(&gm->r[i], &r);
		if (!r.size) {
			if (slot == GMEM_MAX_REGIONS)
				slot = i;
			continue;
		}
		if (gpa < r.gpa + r.size && r.gpa < gpa + size)
			return -EEXIST;
	}
	if (slot == GMEM_MAX_REGIONS) {
		if (gm->nr >= GMEM_MAX_REGIONS)
			return -ENOSPC;
		slot = gm->nr;
	}
	slot_write(&gm->r[slot], gpa, size, hva);
	if (slot == gm->nr)
		__atomic_store_n(&gm->nr, gm->nr + 1, __ATOMIC_RELEASE);
	tell(gm);
	return 0;
}

int gmem__remove(struct guest_mem *gm, u64 gpa)
{
	unsigned int i;

	for (i = 0; i < gm->nr; i++) {
		struct gmem_region r;

		slot_read(&gm->r[i], &r);
		if (r.gpa == gpa && r.size) {
			slot_write(&gm->r[i], r.gpa, 0, r.hva);
			tell(gm);
			return 0;
		}
	}
	return -ENOENT;
}

void *gmem__ptr(const struct guest_mem *gm, u64 gpa, u64 len)
{
	unsigned int i, nr = __atomic_load_n(&gm->nr, __ATOMIC_ACQUIRE);

	for (i = 0; i < nr; i++) {
		struct gmem_region r;

		slot_read(&gm->r[i], &r);
		/* Written so that no sum can wrap around. */
		if (r.size && gpa >= r.gpa && gpa - r.gpa < r.size && len <= r.size - (gpa - r.gpa))
			return r.hva + (gpa - r.gpa);
	}
	return NULL;
}

int gmem__read(const struct guest_mem *gm, u64 gpa, void *dst, u64 len)
{
	void *p = gmem__ptr(gm, gpa, len);

	if (!p)
		return -EFAULT;
	memcpy(dst, p, len);
	return 0;
}

int gmem__write(const struct guest_mem *gm, u64 gpa, const void *src, u64 len)
{
	void *p = gmem__ptr(gm, gpa, len);

	if (!p)
		return -EFAULT;
	memcpy(p, src, len);
	return 0;
}

int gmem__read_be32(const struct guest_mem *gm, u64 gpa, u32 *val)
{
	u32 v;
	int ret = gmem__read(gm, gpa, &v, sizeof(v));

	if (!ret)
		*val = be32toh(v);
	return ret;
}

int gmem__write_be32(const struct guest_mem *gm, u64 gpa, u32 val)
{
	u32 v = htobe32(val);

	return gmem__write(gm, gpa, &v, sizeof(v));
}

u64 gmem__ram_top(const struct guest_mem *gm)
{
	u64 top = 0;
	unsigned int i;

	for (i = 0; i < __atomic_load_n(&gm->nr, __ATOMIC_ACQUIRE); i++) {
		struct gmem_region r;

		slot_read(&gm->r[i], &r);
		if (r.size)
			top = MAX(top, r.gpa + r.size);
	}
	return top;
}
