// SPDX-License-Identifier: GPL-2.0
/*
 * What the DRCs put in the device tree: ibm,lrdr-capacity in /rtas, the CPU
 * DRC arrays in /cpus and each core's ibm,my-drc-index, and
 * ibm,dynamic-reconfiguration-memory for hot-pluggable memory.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "papr/drc.h"
#include "pvm/fdt.h"
#include "pvm/module.h"
#include "pvm/vm.h"

#define DRMEM_RESERVED 0x80

/* The four count-prefixed DRC arrays for every possible core. */
static int cpu_drcs(struct vm *vm, void *fdt)
{
	unsigned int n = vm->cfg.max_cores, i;
	u32 idx[1 + PVM_MAX_VCPUS], pd[1 + PVM_MAX_VCPUS];
	char names[4 + PVM_MAX_VCPUS * 10], types[4 + PVM_MAX_VCPUS * 4];
	size_t nl = 4, tl = 4;

	idx[0] = pd[0] = cpu_to_fdt32(n);
	memcpy(names, &idx[0], 4);
	memcpy(types, &idx[0], 4);
	for (i = 0; i < n; i++) {
		u32 id = i * vm->cfg.threads;

		idx[1 + i] = cpu_to_fdt32(DRC_INDEX_CPU + id);
		pd[1 + i] = cpu_to_fdt32(0xffffffff);	/* live insertion */
		nl += snprintf(names + nl, sizeof(names) - nl, "CPU %u", id) + 1;
		memcpy(types + tl, "CPU", 4);
		tl += 4;
	}
	FDT_TRY(fdt_property(fdt, "ibm,drc-indexes", idx, 4 * (n + 1)));
	FDT_TRY(fdt_property(fdt, "ibm,drc-names", names, nl));
	FDT_TRY(fdt_property(fdt, "ibm,drc-types", types, tl));
	return fdt_property(fdt, "ibm,drc-power-domains", pd, 4 * (n + 1));
}

/*
 * Hot-pluggable memory: boot LMBs listed reserved, the rest free. The lookup
 * array has the one associativity that configure-connector hands out.
 */
static int drmem(struct vm *vm, void *fdt)
{
	struct drc_table *t = drc__table(vm);
	u32 lookup[2 + 4] = { cpu_to_fdt32(1), cpu_to_fdt32(4), 0, 0, 0, 0 };
	u32 dm[1 + 2 * 6], *p = dm + 1;
	u64 boot = (u64)t->nr_boot_lmbs * LMB_SIZE;

	dm[0] = cpu_to_fdt32(2);
	/* {count, base hi, base lo, first drc index, aa index, flags} per set */
	*p++ = cpu_to_fdt32(t->nr_boot_lmbs);
	*p++ = 0;
	*p++ = 0;
	*p++ = cpu_to_fdt32(DRC_INDEX_LMB);
	*p++ = 0;
	*p++ = cpu_to_fdt32(DRMEM_RESERVED);
	*p++ = cpu_to_fdt32(t->nr_lmbs - t->nr_boot_lmbs);
	*p++ = cpu_to_fdt32(boot >> 32);
	*p++ = cpu_to_fdt32(boot);
	*p++ = cpu_to_fdt32(DRC_INDEX_LMB + t->nr_boot_lmbs);
	*p++ = 0;
	*p++ = 0;
	FDT_TRY(fdt_begin_node(fdt, "ibm,dynamic-reconfiguration-memory"));
	/* Root #size-cells (2) wide; it is also the guest's memory block size. */
	FDT_TRY(fdt_property_u64(fdt, "ibm,lmb-size", LMB_SIZE));
	FDT_TRY(fdt_property(fdt, "ibm,dynamic-memory-v2", dm, sizeof(dm)));
	FDT_TRY(fdt_property(fdt, "ibm,associativity-lookup-arrays", lookup, sizeof(lookup)));
	FDT_TRY(fdt_property_u32(fdt, "ibm,memory-flags-mask", 0xff));
	FDT_TRY(fdt_property_u32(fdt, "ibm,memory-preservation-time", 0));
	return fdt_end_node(fdt);
}

int drc__fdt(struct vm *vm, void *fdt, const struct fdt_place *at)
{
	struct drc_table *t = drc__table(vm);
	bool cpus = vm->cfg.max_cores > vm->cfg.nr_cores;

	if (!t)
		return 0;
	switch (at->at) {
	case FDT_AT_RTAS: {
		/* <max address (2 cells), LMB size (2 cells), max cores> */
		u64 max = MAX(vm->cfg.max_mem, vm->cfg.ram_size);
		u32 cap[5] = { cpu_to_fdt32(max >> 32), cpu_to_fdt32(max), 0,
			       cpu_to_fdt32(LMB_SIZE), cpu_to_fdt32(vm->cfg.max_cores) };

		return fdt_property(fdt, "ibm,lrdr-capacity", cap, sizeof(cap));
	}
	case FDT_AT_CPUS:
		return cpus ? cpu_drcs(vm, fdt) : 0;
	case FDT_AT_CPU:
		/* Every core, boot ones included, must name its DRC to be removable. */
		return cpus ? fdt_property_u32(fdt, "ibm,my-drc-index",
					       DRC_INDEX_CPU + at->core * vm->cfg.threads) : 0;
	case FDT_AT_ROOT:
		return t->nr_lmbs ? drmem(vm, fdt) : 0;
	default:
		return 0;
	}
}
