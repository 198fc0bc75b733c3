// SPDX-License-Identifier: GPL-2.0
/* H_REGISTER_PROC_TBL: the guest hands us its radix process table. */
#include <errno.h>

#include "pvm/accel.h"
#include "pvm/hcall.h"
#include "pvm/log.h"
#include "pvm/vm.h"
#include "pvm/module.h"

/* PATB size field is log2(bytes) - 12, at most 24 (a 64 GiB table). */
#define PRTS_MAX 24

static s64 h_register_proc_tbl(struct hcall_ctx *c)
{
	u64 flags = c->args[0], base = c->args[1], size = c->args[3];
	u64 bytes;

	if (flags & ~(u64)(PROC_TABLE_OP_MASK | PROC_TABLE_TYPE_MASK | PROC_TABLE_GTSE))
		return H_PARAMETER;
	/*
	 * Anything but "new table" is the guest tearing its MMU down (kexec):
	 * KVM has no way to unset a radix table, and nothing runs until the next
	 * registration, so accept it.
	 */
	if ((flags & PROC_TABLE_OP_MASK) != PROC_TABLE_NEW)
		return H_SUCCESS;
	/* We only ever offer radix (vec5), and nested-v2 hosts have no HPT. */
	if ((flags & PROC_TABLE_TYPE_MASK) != PROC_TABLE_RADIX)
		return H_PARAMETER;
	if (size > PRTS_MAX)
		return H_PARAMETER;
	bytes = 1ULL << (size + 12);
	if (!IS_ALIGNED(base, bytes) || !gmem__ptr(&c->vm->mem, base, bytes))
		return H_PARAMETER;
	if (accel__configure_mmu(c->vm, true, flags & PROC_TABLE_GTSE,
				 base | PATB_GR | size)) {
		pr_err("KVM refused the guest's radix process table at 0x%llx",
		       (unsigned long long)base);
		return H_HARDWARE;
	}
	return H_SUCCESS;
}

static int mmu__init(struct vm *vm)
{
	return hcall__register(vm, H_REGISTER_PROC_TBL, h_register_proc_tbl);
}

const struct module mmu_module = {
	.name = "mmu",
	.init = mmu__init,
};
