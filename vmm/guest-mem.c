// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "pvm/guest-mem.h"

/*
 * Regions are added and removed (memory hotplug) while vCPU threads look
 * them up without a lock. A slot is published by writing its size last and
 * retired by zeroing its size first; slots are never moved, so a lookup sees
 * either the old or the new region, never a mix.
 */
int gmem__add(struct guest_mem *gm, u64 gpa, u64 size, void *hva)
{
	unsigned int i, slot = GMEM_MAX_REGIONS;

	if (!size || gpa + size < gpa)
		return -EINVAL;
	for (i = 0; i < gm->nr; i++) {
		const struct gmem_region *r = &gm->r[i];
		u64 rsize = __atomic_load_n(&r->size, __ATOMIC_ACQUIRE);

		if (!rsize) {
			if (slot == GMEM_MAX_REGIONS)
				slot = i;
			continue;
		}
		if (gpa < r->gpa + rsize && r->gpa < gpa + size)
			return -EEXIST;
	}
	if (slot == GMEM_MAX_REGIONS) {
		if (gm->nr >= GMEM_MAX_REGIONS)
			return -ENOSPC;
		slot = gm->nr;
	}
	gm->r[slot].gpa = gpa;
	gm->r[slot].hva = hva;
	__atomic_store_n(&gm->r[slot].size, size, __ATOMIC_RELEASE);
	if (slot == gm->nr)
		__atomic_store_n(&gm->nr, gm->nr + 1, __ATOMIC_RELEASE);
	return 0;
}

int gmem__remove(struct guest_mem *gm, u64 gpa)
{
	unsigned int i;

	for (i = 0; i < gm->nr; i++) {
		if (gm->r[i].gpa == gpa && gm->r[i].size) {
			__atomic_store_n(&gm->r[i].size, 0, __ATOMIC_RELEASE);
			return 0;
		}
	}
	return -ENOENT;
}

void *gmem__ptr(const struct guest_mem *gm, u64 gpa, u64 len)
{
	unsigned int i, nr = __atomic_load_n(&gm->nr, __ATOMIC_ACQUIRE);

	for (i = 0; i < nr; i++) {
		const struct gmem_region *r = &gm->r[i];
		u64 size = __atomic_load_n(&r->size, __ATOMIC_ACQUIRE);

		/* Written so that no sum can wrap around. */
		if (size && gpa >= r->gpa && gpa - r->gpa < size && len <= size - (gpa - r->gpa))
			return r->hva + (gpa - r->gpa);
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

	for (i = 0; i < gm->nr; i++)
		if (gm->r[i].size)
			top = MAX(top, gm->r[i].gpa + gm->r[i].size);
	return top;
}
