// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "pvm/guest-mem.h"

int gmem__add(struct guest_mem *gm, u64 gpa, u64 size, void *hva)
{
	unsigned int i;

	if (!size || gpa + size < gpa)
		return -EINVAL;
	if (gm->nr >= GMEM_MAX_REGIONS)
		return -ENOSPC;
	for (i = 0; i < gm->nr; i++) {
		const struct gmem_region *r = &gm->r[i];

		if (gpa < r->gpa + r->size && r->gpa < gpa + size)
			return -EEXIST;
	}
	gm->r[gm->nr++] = (struct gmem_region){ gpa, size, hva };
	return 0;
}

int gmem__remove(struct guest_mem *gm, u64 gpa)
{
	unsigned int i;

	for (i = 0; i < gm->nr; i++) {
		if (gm->r[i].gpa == gpa) {
			gm->r[i] = gm->r[--gm->nr];
			return 0;
		}
	}
	return -ENOENT;
}

void *gmem__ptr(const struct guest_mem *gm, u64 gpa, u64 len)
{
	unsigned int i;

	for (i = 0; i < gm->nr; i++) {
		const struct gmem_region *r = &gm->r[i];

		/* Written so that no sum can wrap around. */
		if (gpa >= r->gpa && gpa - r->gpa < r->size &&
		    len <= r->size - (gpa - r->gpa))
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
		top = MAX(top, gm->r[i].gpa + gm->r[i].size);
	return top;
}
