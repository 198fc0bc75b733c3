// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: RTAS calls. The input is the struct rtas_args block (token,
 * nargs, nret, words) and, after it, whatever the calls' buffer arguments
 * point at; H_RTAS is issued on it like the guest's RTAS stub does.
 */
#include "fuzz-vm.h"
#include "papr/rtas.h"

#define ARGS_GPA 0x20000ULL
#define DATA_GPA 0x30000ULL

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static const u32 ids[] = { 0x02000001, 0x02000002 };
	const struct testvm_opts o = {
		.xics = true, .nr_cpus = 2, .threads = 2, .max_mem = 2 * SZ_1G,
		.max_cores = 4, .hvpipe_ids = ids, .nr_hvpipe = 2,
	};
	struct vm *vm = fuzz_vm(&o);
	u8 block[4 * (3 + RTAS_MAX_WORDS)] = { 0 };
	size_t n = MIN(size, sizeof(block));

	memcpy(block, data, n);
	/* Tokens mostly in pvm's range, so most inputs reach a handler. */
	block[0] = 0;
	block[1] = 0;
	block[2] = 0x20;
	fuzz_put(ARGS_GPA, block, sizeof(block));
	if (size > n)
		fuzz_put(DATA_GPA, data + n, size - n);
	testvm__rtas_hcall(&fuzz_t, vm->vcpus[size % vm__nr_vcpus(vm)], ARGS_GPA);
	vm->exit_reason = VM_EXIT_NONE;
	fuzz_drain();
	return 0;
}
