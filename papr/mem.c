// SPDX-License-Identifier: GPL-2.0
/*
 * hcalls that touch guest memory on the guest's behalf:
 *   H_PAGE_INIT ("hcall-copy"): zero or copy one 4 KiB page. KVM-HV has it
 *     in the kernel and lets the VMM enable it (as QEMU does); this handler
 *     answers when KVM cannot, with KVM's argument checks.
 *   H_LOGICAL_CI_LOAD/STORE, H_LOGICAL_CACHE_LOAD/STORE, H_LOGICAL_ICBI/DCBF
 *     ("hcall-debug"): debugger-style accesses by logical address, 1, 2, 4 or
 *     8 bytes, big-endian as on QEMU's pseries and in KVM's own version.
 *     pvm has no MMIO devices behind these yet, so only RAM answers; any
 *     other address is H_PARAMETER rather than a made-up value.
 * Every address goes through the guest-memory accessor.
 */
#include <string.h>

#include "pvm/accel.h"
#include "pvm/hcall.h"
#include "pvm/log.h"
#include "pvm/vm.h"
#include "pvm/module.h"

#define PAGE_INIT_SIZE SZ_4K
#define PAGE_INIT_FLAGS (H_ICACHE_INVALIDATE | H_ICACHE_SYNCHRONIZE | H_ZERO_PAGE | \
			 H_COPY_PAGE | H_PAGE_SET_LOANED)

/* r4 = flags, r5 = destination, r6 = source (with H_COPY_PAGE). */
static s64 h_page_init(struct hcall_ctx *c)
{
	u64 flags = c->args[0], dst = c->args[1], src = c->args[2];
	void *d, *s;

	if (flags & ~PAGE_INIT_FLAGS)
		return H_PARAMETER;
	if (!IS_ALIGNED(dst, PAGE_INIT_SIZE) ||
	    ((flags & H_COPY_PAGE) && !IS_ALIGNED(src, PAGE_INIT_SIZE)))
		return H_PARAMETER;
	if (!(flags & (H_COPY_PAGE | H_ZERO_PAGE)))
		return H_SUCCESS;	/* as KVM: nothing to do, nothing checked */
	d = gmem__ptr(&c->vm->mem, dst, PAGE_INIT_SIZE);
	if (!d)
		return H_PARAMETER;
	if (flags & H_COPY_PAGE) {
		s = gmem__ptr(&c->vm->mem, src, PAGE_INIT_SIZE);
		if (!s)
			return H_PARAMETER;
		memmove(d, s, PAGE_INIT_SIZE);
	} else {
		memset(d, 0, PAGE_INIT_SIZE);
	}
	/* dcbst + icbi over the page on a POWER host, as QEMU does under KVM. */
	if (flags & (H_ICACHE_SYNCHRONIZE | H_ICACHE_INVALIDATE))
		__builtin___clear_cache((char *)d, (char *)d + PAGE_INIT_SIZE);
	return H_SUCCESS;
}

static bool ci_size_ok(u64 size, u64 addr)
{
	return (size == 1 || size == 2 || size == 4 || size == 8) && IS_ALIGNED(addr, size);
}

/* r4 = size in bytes, r5 = logical address; r4 = the value, zero-extended. */
static s64 h_logical_load(struct hcall_ctx *c)
{
	u64 size = c->args[0], addr = c->args[1], v = 0;
	u8 buf[8];
	unsigned int i;

	if (!ci_size_ok(size, addr))
		return H_PARAMETER;
	if (gmem__read(&c->vm->mem, addr, buf, size))
		return H_PARAMETER;
	for (i = 0; i < size; i++)
		v = v << 8 | buf[i];
	c->args[0] = v;
	return H_SUCCESS;
}

/* r4 = size in bytes, r5 = logical address, r6 = value (low bytes). */
static s64 h_logical_store(struct hcall_ctx *c)
{
	u64 size = c->args[0], addr = c->args[1], v = c->args[2];
	u8 buf[8];
	unsigned int i;

	if (!ci_size_ok(size, addr))
		return H_PARAMETER;
	for (i = 0; i < size; i++)
		buf[i] = v >> (8 * (size - 1 - i));
	return gmem__write(&c->vm->mem, addr, buf, size) ? H_PARAMETER : H_SUCCESS;
}

/* Caches are coherent with pvm's accesses: nothing to flush, like QEMU. */
static s64 h_logical_cache_op(struct hcall_ctx *c __unused)
{
	return H_SUCCESS;
}

static int mem__init(struct vm *vm)
{
	static const struct hcall_handler calls[] = {
		{ H_PAGE_INIT, h_page_init },
		{ H_LOGICAL_CI_LOAD, h_logical_load },
		{ H_LOGICAL_CI_STORE, h_logical_store },
		{ H_LOGICAL_CACHE_LOAD, h_logical_load },
		{ H_LOGICAL_CACHE_STORE, h_logical_store },
		{ H_LOGICAL_ICBI, h_logical_cache_op },
		{ H_LOGICAL_DCBF, h_logical_cache_op },
	};
	int ret = hcall__register_all(vm, calls, ARRAY_SIZE(calls));

	if (ret)
		return ret;
	/* In-kernel H_PAGE_INIT saves the exit; ours stays as the fallback. */
	if (accel__enable_hcall(vm, H_PAGE_INIT))
		pr_debug("KVM cannot handle H_PAGE_INIT in-kernel; pvm answers it");
	return 0;
}

const struct module mem_module = {
	.name = "mem",
	.init = mem__init,
};
