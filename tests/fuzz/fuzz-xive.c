// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the XIVE exploitation hcalls (papr/xive.c) with every
 * argument register, on a guest that has XIVE. The first byte picks the
 * call, the next 72 are r4..r12 (lisn, target and priority often small, so
 * the valid paths are reached); the rest lands in guest RAM at 1 MiB, where
 * an event queue page may point.
 */
#include "fuzz-vm.h"
#include "pvm/hcall.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static const u64 calls[] = {
		H_INT_GET_SOURCE_INFO, H_INT_SET_SOURCE_CONFIG, H_INT_GET_SOURCE_CONFIG,
		H_INT_GET_QUEUE_INFO, H_INT_SET_QUEUE_CONFIG, H_INT_GET_QUEUE_CONFIG,
		H_INT_SET_OS_REPORTING_LINE, H_INT_GET_OS_REPORTING_LINE, H_INT_ESB,
		H_INT_SYNC, H_INT_RESET,
	};
	const struct testvm_opts o = { .xics = true, .xive = true, .nr_cpus = 2, .max_cores = 3 };
	struct vm *vm = fuzz_vm(&o);
	u64 args[HCALL_NR_ARGS] = { 0 };
	unsigned int i;

	if (size < 1)
		return 0;
	memcpy(args, data + 1, MIN(size - 1, sizeof(args)));
	if (data[0] & 0x80) {
		/* Small numbers: real sources, vCPUs and priorities. */
		for (i = 0; i < HCALL_NR_ARGS; i++)
			args[i] &= i == 1 ? 0x10ff : 0xff;
		args[3] = (args[3] & 0xf) << 16;	/* a queue page, 64 KiB aligned */
	}
	if (size > 1 + sizeof(args))
		fuzz_put(SZ_1M, data + 1 + sizeof(args), size - 1 - sizeof(args));
	hcall__dispatch(vm, vm->vcpus[data[0] & 1], calls[(data[0] & 0x7f) % ARRAY_SIZE(calls)], args);
	fuzz_drain();
	return 0;
}
