// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the PCI host bridge and the PCI core behind it. A VM with a
 * virtio-rng function, so the PHB exists. The first byte picks what the
 * guest does: one of the six PCI RTAS calls (config access, change-msi,
 * query-interrupt-source-number) with words from the input — the BUID mostly
 * right, so the calls get past it —, a TCE hcall, or an MMIO access in the
 * PHB's windows (BARs the inputs programmed, the MSI-X table, or nothing).
 * State (BARs, MSI-X, TCEs) carries over from input to input, as in a guest.
 */
#include "fuzz-vm.h"
#include "papr/phb.h"
#include "papr/rtas.h"
#include "pvm/hcall.h"
#include "pvm/mmio.h"

#define ARGS_GPA 0x20000ULL
#define DATA_GPA 0x30000ULL

static u32 word(const u8 *d, size_t size, size_t i)
{
	u32 v = 0;

	if (4 * i + 4 <= size)
		memcpy(&v, d + 4 * i, 4);
	return v;
}

static void rtas(struct vm *vm, const u8 *d, size_t size)
{
	u32 block[3 + RTAS_MAX_WORDS] = { 0 };
	unsigned int i;

	block[0] = htobe32(RTAS_READ_PCI_CONFIG + d[0] % 6);
	block[1] = htobe32(d[1] % 8);
	block[2] = htobe32(d[2] % 8);
	for (i = 0; i < RTAS_MAX_WORDS; i++)
		block[3 + i] = htobe32(word(d + 3, size - 3, i));
	/* Arguments 1 and 2 of the ibm, calls are the BUID: right, mostly. */
	if (d[3] & 1) {
		block[4] = htobe32(PHB_BUID >> 32);
		block[5] = htobe32((u32)PHB_BUID);
	}
	fuzz_put(ARGS_GPA, (const u8 *)block, sizeof(block));
	testvm__rtas_hcall(&fuzz_t, vm->vcpus[0], ARGS_GPA);
}

static void tce(struct vm *vm, const u8 *d, size_t size)
{
	static const u64 nrs[] = { H_GET_TCE, H_PUT_TCE, H_STUFF_TCE, H_PUT_TCE_INDIRECT };
	u64 args[HCALL_NR_ARGS] = { 0 };

	memcpy(args, d + 1, MIN(size - 1, sizeof(args)));
	if (d[1] & 1)
		args[0] = PHB_LIOBN;
	args[1] %= 2 * PHB_DMA_SIZE;
	if (size > 1 + sizeof(args))
		fuzz_put(DATA_GPA, d + 1 + sizeof(args), size - 1 - sizeof(args));
	hcall__dispatch(vm, vm->vcpus[0], nrs[d[0] % 4], args);
}

static void mmio(struct vm *vm, const u8 *d, size_t size)
{
	static const u32 lens[] = { 1, 2, 4, 8 };
	u8 buf[8] = { 0 };
	u64 off = 0, base = d[1] & 1 ? PHB_MEM64_GPA : PHB_MEM32_GPA;

	memcpy(&off, d + 2, MIN(size - 2, (size_t)4));
	memcpy(buf, d + 2 + MIN(size - 2, (size_t)4), MIN(size - 2 - MIN(size - 2, (size_t)4), sizeof(buf)));
	mmio__access(vm, base + off % (1ULL << 24), buf, lens[d[0] % 4], d[1] & 2);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	const struct testvm_opts o = { .xics = true, .nr_cpus = 1, .virtio_rng = true };
	struct vm *vm = fuzz_vm(&o);

	if (size < 4)
		return 0;
	switch (data[0] >> 6) {
	case 0:
	case 1:
		rtas(vm, data, size);
		break;
	case 2:
		tce(vm, data, size);
		break;
	default:
		mmio(vm, data, size);
		break;
	}
	vm->exit_reason = VM_EXIT_NONE;
	fuzz_drain();
	return 0;
}
