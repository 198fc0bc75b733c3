// SPDX-License-Identifier: GPL-2.0
/*
 * TCE tables: the guest's view of DMA through the PHB's window. Linux maps
 * every buffer it hands to a device through the DMA API here, and at boot
 * clears the whole window (H_STUFF_TCE in chunks of 512, thanks to
 * hcall-multi-tce, instead of one H_PUT_TCE per entry).
 *
 * virtio does not use the table (no ACCESS_PLATFORM: descriptors hold
 * guest-physical addresses), so nothing in pvm translates through it; it
 * only has to answer the calls as PAPR says. KVM-HV sends H_GET_TCE and
 * H_PUT_TCE here because it has no in-kernel table for the LIOBN, and the
 * multi-TCE calls because they are not enabled in the kernel.
 */
#include <errno.h>
#include <stdlib.h>

#include "pvm/hcall.h"
#include "pvm/vm.h"
#include "papr/phb.h"

struct tce_table {
	u32 liobn;
	u64 offset;		/* bus address of entry 0 */
	u64 nr;			/* entries */
	u64 *tce;		/* read and written atomically: vCPUs race freely */
};

struct tce_table *tce__new(u32 liobn, u64 bus_offset, u64 size)
{
	struct tce_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->liobn = liobn;
	t->offset = bus_offset;
	t->nr = size >> TCE_PAGE_SHIFT;
	t->tce = calloc(t->nr, sizeof(u64));
	if (!t->tce) {
		free(t);
		return NULL;
	}
	return t;
}

void tce__free(struct tce_table *t)
{
	if (!t)
		return;
	free(t->tce);
	free(t);
}

void tce__reset(struct tce_table *t)
{
	u64 i;

	for (i = 0; i < t->nr; i++)
		__atomic_store_n(&t->tce[i], 0, __ATOMIC_RELAXED);
}

/* Index of ioba's entry with n entries from there inside the window; -1 if not. */
static s64 tce_index(const struct tce_table *t, u64 ioba, u64 n)
{
	u64 idx;

	if (ioba & ((1ULL << TCE_PAGE_SHIFT) - 1) || ioba < t->offset)
		return -1;
	idx = (ioba - t->offset) >> TCE_PAGE_SHIFT;
	if (idx >= t->nr || n > t->nr - idx)
		return -1;
	return idx;
}

/*
 * A TCE with no access bits may hold anything (the guest may poison its
 * table, as KVM allows); one that grants access must name a page of RAM
 * with the bits between the permissions and the page number clear.
 */
static bool tce_valid(struct vm *vm, u64 tce)
{
	u64 page = tce & ~((1ULL << TCE_PAGE_SHIFT) - 1);

	if (!(tce & (TCE_PCI_READ | TCE_PCI_WRITE)))
		return true;
	if (tce & ((1ULL << TCE_PAGE_SHIFT) - 1) & ~(TCE_PCI_READ | TCE_PCI_WRITE))
		return false;
	return gmem__ptr(&vm->mem, page, 1ULL << TCE_PAGE_SHIFT) != NULL;
}

/* r4 liobn, r5 ioba; the TCE back in r4. */
static s64 h_get_tce(struct hcall_ctx *c)
{
	struct tce_table *t = phb__tce(c->vm, c->args[0]);
	s64 idx;

	if (!t)
		return H_PARAMETER;
	idx = tce_index(t, c->args[1], 1);
	if (idx < 0)
		return H_PARAMETER;
	c->args[0] = __atomic_load_n(&t->tce[idx], __ATOMIC_RELAXED);
	return H_SUCCESS;
}

/* r4 liobn, r5 ioba, r6 tce. */
static s64 h_put_tce(struct hcall_ctx *c)
{
	struct tce_table *t = phb__tce(c->vm, c->args[0]);
	s64 idx;

	if (!t)
		return H_PARAMETER;
	idx = tce_index(t, c->args[1], 1);
	if (idx < 0 || !tce_valid(c->vm, c->args[2]))
		return H_PARAMETER;
	__atomic_store_n(&t->tce[idx], c->args[2], __ATOMIC_RELAXED);
	return H_SUCCESS;
}

/* r4 liobn, r5 ioba, r6 tce value, r7 count: the same TCE in count entries. */
static s64 h_stuff_tce(struct hcall_ctx *c)
{
	struct tce_table *t = phb__tce(c->vm, c->args[0]);
	u64 n = c->args[3], i;
	s64 idx;

	if (!t)
		return H_PARAMETER;
	idx = tce_index(t, c->args[1], n);
	if (idx < 0 || !tce_valid(c->vm, c->args[2]))
		return H_PARAMETER;
	for (i = 0; i < n; i++)
		__atomic_store_n(&t->tce[idx + i], c->args[2], __ATOMIC_RELAXED);
	return H_SUCCESS;
}

/*
 * r4 liobn, r5 ioba, r6 the real address of a 4 KiB-aligned list of
 * big-endian TCEs, r7 count (at most 512). All are checked before any is
 * written, so a bad list changes nothing.
 */
static s64 h_put_tce_indirect(struct hcall_ctx *c)
{
	struct tce_table *t = phb__tce(c->vm, c->args[0]);
	u64 list = c->args[2], n = c->args[3], i;
	u64 tces[TCE_INDIRECT_MAX];
	const u64 *src;
	s64 idx;

	if (!t)
		return H_PARAMETER;
	if (n > TCE_INDIRECT_MAX || (list & ((1ULL << TCE_PAGE_SHIFT) - 1)))
		return H_PARAMETER;
	idx = tce_index(t, c->args[1], n);
	if (idx < 0)
		return H_PARAMETER;
	if (!n)
		return H_SUCCESS;
	src = gmem__ptr(&c->vm->mem, list, n * sizeof(u64));
	if (!src)
		return H_PARAMETER;
	/* One copy, so what was checked is what gets written. */
	for (i = 0; i < n; i++) {
		tces[i] = be64toh(__atomic_load_n(&src[i], __ATOMIC_RELAXED));
		if (!tce_valid(c->vm, tces[i]))
			return H_PARAMETER;
	}
	for (i = 0; i < n; i++)
		__atomic_store_n(&t->tce[idx + i], tces[i], __ATOMIC_RELAXED);
	return H_SUCCESS;
}

int tce__register(struct vm *vm)
{
	static const struct hcall_handler calls[] = {
		{ H_GET_TCE, h_get_tce },
		{ H_PUT_TCE, h_put_tce },
		{ H_STUFF_TCE, h_stuff_tce },
		{ H_PUT_TCE_INDIRECT, h_put_tce_indirect },
	};

	return hcall__register_all(vm, calls, ARRAY_SIZE(calls));
}
