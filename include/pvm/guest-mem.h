/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_GUEST_MEM_H
#define PVM_GUEST_MEM_H

#include "pvm/types.h"

#define GMEM_MAX_REGIONS 64

struct gmem_region {
	u64 gpa;
	u64 size;
	u8 *hva;
	u32 seq;	/* odd while the slot is being rewritten (seqcount) */
};

/*
 * Guest physical memory as seen by pvm. Every access to guest memory from
 * devices, hcalls and RTAS goes through gmem__ptr(), which refuses any range
 * not wholly inside one region: a hostile guest cannot make pvm touch memory
 * outside what it owns.
 */
#define GMEM_MAX_LISTENERS 8

struct guest_mem {
	struct gmem_region r[GMEM_MAX_REGIONS];
	unsigned int nr;
	/* Told after every add and remove (vhost-net's memory table). */
	void (*changed[GMEM_MAX_LISTENERS])(void *opaque);
	void *changed_opaque[GMEM_MAX_LISTENERS];
};

int gmem__add(struct guest_mem *gm, u64 gpa, u64 size, void *hva);
int gmem__remove(struct guest_mem *gm, u64 gpa);
void *gmem__ptr(const struct guest_mem *gm, u64 gpa, u64 len);
int gmem__read(const struct guest_mem *gm, u64 gpa, void *dst, u64 len);
int gmem__write(const struct guest_mem *gm, u64 gpa, const void *src, u64 len);
int gmem__read_be32(const struct guest_mem *gm, u64 gpa, u32 *val);
int gmem__write_be32(const struct guest_mem *gm, u64 gpa, u32 val);
u64 gmem__ram_top(const struct guest_mem *gm);
/* Slot i as it is now (size 0: an empty slot); -ENOENT past the last slot. */
int gmem__region(const struct guest_mem *gm, unsigned int i, struct gmem_region *out);
/*
 * Call fn(opaque) after each region added or removed, on the thread that
 * changed it; fn NULL drops opaque's listener. Set up and torn down on the
 * main thread while no vCPU runs. -ENOSPC: too many listeners.
 */
int gmem__on_change(struct guest_mem *gm, void (*fn)(void *opaque), void *opaque);

#endif
