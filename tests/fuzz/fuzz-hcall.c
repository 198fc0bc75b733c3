// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: hcalls with every argument register. The first two bytes
 * pick the number (mostly ones pvm registers), the next 72 are r4..r12; the
 * rest goes into guest RAM at 1 MiB, where address arguments often point.
 */
#include "fuzz-vm.h"
#include "pvm/hcall.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static const u64 known[] = {
		H_GET_TERM_CHAR, H_PUT_TERM_CHAR, H_SET_SPRG0, H_PAGE_INIT, H_LOGICAL_CI_LOAD,
		H_LOGICAL_CI_STORE, H_LOGICAL_CACHE_LOAD, H_LOGICAL_CACHE_STORE, H_LOGICAL_ICBI,
		H_LOGICAL_DCBF, H_VIO_SIGNAL, H_RANDOM, H_GET_CPU_CHARACTERISTICS, H_SET_MODE,
		H_REGISTER_PROC_TBL, H_SIGNAL_SYS_RESET, H_WATCHDOG, H_RTAS, H_TPM_COMM, H_PVM_EXIT,
	};
	const struct testvm_opts o = { .xics = true, .nr_cpus = 2, .max_mem = SZ_1G, .max_cores = 3 };
	struct vm *vm = fuzz_vm(&o);
	u64 args[HCALL_NR_ARGS] = { 0 }, nr;
	u16 pick;

	if (size < 2)
		return 0;
	pick = data[0] | data[1] << 8;
	nr = pick < 0xc000 ? known[pick % ARRAY_SIZE(known)] : (u64)(pick - 0xc000) * 4;
	memcpy(args, data + 2, MIN(size - 2, sizeof(args)));
	if (size > 2 + sizeof(args))
		fuzz_put(SZ_1M, data + 2 + sizeof(args), size - 2 - sizeof(args));
	/* Watchdog starts act only through the event loop, which never runs here. */
	hcall__dispatch(vm, vm->vcpus[pick & 1], nr, args);
	vm->exit_reason = VM_EXIT_NONE;
	fuzz_drain();
	return 0;
}
