// SPDX-License-Identifier: GPL-2.0
/*
 * The guest device tree for a radix pseries LE guest booted without
 * firmware: what prom_init and SLOF would otherwise have produced.
 * Facts and kernel references: ../shared/spec/boot-devicetree-kvm-drc.md §1.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "pvm/accel.h"
#include "papr/drc.h"
#include "papr/events.h"
#include "papr/hvpipe.h"
#include "pvm/fdt.h"
#include "pvm/hcall.h"
#include "pvm/log.h"
#include "papr/nvram.h"
#include "papr/rtas.h"
#include "pvm/vm.h"
#include "devices/vty.h"

/* Option vector 5 bytes we set: byte 24 "radix only", byte 26 GTSE. */
#define OV5_LEN 27
#define OV5_MMU_BYTE 24
#define OV5_MMU_RADIX 0x40
#define OV5_RADIX_BYTE 26
#define OV5_RADIX_GTSE 0x40

/* NUL-separated list, most specific first. */
#define ROOT_COMPATIBLE "pvm,pseries\0qemu,pseries"
#define NVRAM_COMPATIBLE "pvm,nvram\0qemu,spapr-nvram"

/* POWER9/10 L1: 32 KiB, 8-way, 128-byte lines (cacheinfo; Linux warns without). */
#define CACHE_LINE 128
#define DRMEM_RESERVED 0x80
#define L1_SIZE 0x8000
#define L1_SETS 32

#define TRY(x)                      \
	do {                        \
		int __r = (x);      \
		if (__r < 0)        \
			return __r; \
	} while (0)

static int prop_u64_pair(void *fdt, const char *name, u64 a, u64 b)
{
	u64 v[2] = { cpu_to_fdt64(a), cpu_to_fdt64(b) };

	return fdt_property(fdt, name, v, sizeof(v));
}

static const char *cpu_model(u32 logical_pvr)
{
	switch (logical_pvr) {
	case 0x0f000006:
		return "PowerPC,POWER10";
	case 0x0f000007:
		return "PowerPC,POWER11";
	default:
		return "PowerPC,POWER9";
	}
}

static int fdt_chosen(struct vm *vm, void *fdt)
{
	u8 ov5[OV5_LEN] = { 0 };
	char path[64];

	TRY(fdt_begin_node(fdt, "chosen"));
	if (vm->cfg.params)
		TRY(fdt_property_string(fdt, "bootargs", vm->cfg.params));
	if (vm->initrd_end > vm->initrd_start) {
		TRY(fdt_property_u64(fdt, "linux,initrd-start", vm->initrd_start));
		TRY(fdt_property_u64(fdt, "linux,initrd-end", vm->initrd_end));
	}
	snprintf(path, sizeof(path), "/vdevice/vty@%x", VTY_REG);
	TRY(fdt_property_string(fdt, "stdout-path", path));
	TRY(fdt_property_string(fdt, "linux,stdout-path", path));
	/* Without CAS, this is how the kernel learns it must use radix. */
	ov5[0] = OV5_LEN - 2;
	ov5[OV5_MMU_BYTE] = OV5_MMU_RADIX;
	ov5[OV5_RADIX_BYTE] = OV5_RADIX_GTSE;
	TRY(fdt_property(fdt, "ibm,architecture-vec-5", ov5, sizeof(ov5)));
	return fdt_end_node(fdt);
}

static int fdt_rtas(struct vm *vm, void *fdt)
{
	char hypertas[512];
	size_t n;
	u32 tok;

	TRY(fdt_begin_node(fdt, "rtas"));
	TRY(fdt_property_u32(fdt, "linux,rtas-base", vm->rtas_base));
	TRY(fdt_property_u32(fdt, "linux,rtas-entry", vm->rtas_base));
	TRY(fdt_property_u32(fdt, "rtas-size", vm->rtas_size));
	n = hcall__hypertas(vm, hypertas, sizeof(hypertas));
	TRY(fdt_property(fdt, "ibm,hypertas-functions", hypertas, n));
	TRY(fdt_property_u32(fdt, "rtas-error-log-max", 2048));
	TRY(fdt_property_u32(fdt, "rtas-event-scan-rate", 1));
	/* Lets a panicking kernel tell us through ibm,os-term. */
	TRY(fdt_property(fdt, "ibm,extended-os-term", NULL, 0));
	if (hvpipe__configured(vm))
		TRY(fdt_property(fdt, "ibm,hypervisor-pipe-capable", NULL, 0));
	if (vm->drcs) {
		/* <max address (2 cells), LMB size (2 cells), max cores> */
		u64 max = MAX(vm->cfg.max_mem, vm->cfg.ram_size);
		u32 cap[5] = { cpu_to_fdt32(max >> 32), cpu_to_fdt32(max), 0,
			       cpu_to_fdt32(LMB_SIZE), cpu_to_fdt32(vm->cfg.max_cores) };

		TRY(fdt_property(fdt, "ibm,lrdr-capacity", cap, sizeof(cap)));
	}
	for (tok = RTAS_TOKEN_BASE + 1; tok < RTAS_TOKEN_END; tok++)
		if (rtas__has(vm, tok))
			TRY(fdt_property_u32(fdt, rtas__def(tok)->name, tok));
	return fdt_end_node(fdt);
}

/* One core's node; cc adds what a configure-connector node needs too. */
static int fdt_cpu_node(struct vm *vm, void *fdt, unsigned int core, bool cc)
{
	static const u8 pi_features[] = { 1, 0, 0x08 };
	unsigned int threads = vm->cfg.threads, t;
	u32 id = core * threads, servers[8];
	char name[64];

	snprintf(name, sizeof(name), "%s@%x", cpu_model(vm->logical_pvr), id);
	TRY(fdt_begin_node(fdt, name));
	if (cc)
		TRY(fdt_property_string(fdt, "name", cpu_model(vm->logical_pvr)));
	TRY(fdt_property_string(fdt, "device_type", "cpu"));
	TRY(fdt_property_u32(fdt, "reg", id));
	for (t = 0; t < threads; t++)
		servers[t] = cpu_to_fdt32(id + t);
	TRY(fdt_property(fdt, "ibm,ppc-interrupt-server#s", servers, 4 * threads));
	TRY(fdt_property_u32(fdt, "timebase-frequency", vm->timebase_freq));
	TRY(fdt_property_u32(fdt, "clock-frequency", 1000000000));
	if (vm->logical_pvr)
		TRY(fdt_property_u32(fdt, "cpu-version", vm->logical_pvr));
	if (vm->nr_radix_ap) {
		u32 ap[ARRAY_SIZE(vm->radix_ap)];
		unsigned int i;

		for (i = 0; i < vm->nr_radix_ap; i++)
			ap[i] = cpu_to_fdt32(vm->radix_ap[i]);
		TRY(fdt_property(fdt, "ibm,processor-radix-AP-encodings", ap, 4 * vm->nr_radix_ap));
	}
	TRY(fdt_property_u32(fdt, "d-cache-size", L1_SIZE));
	TRY(fdt_property_u32(fdt, "d-cache-sets", L1_SETS));
	TRY(fdt_property_u32(fdt, "i-cache-size", L1_SIZE));
	TRY(fdt_property_u32(fdt, "i-cache-sets", L1_SETS));
	TRY(fdt_property_u32(fdt, "d-cache-block-size", CACHE_LINE));
	TRY(fdt_property_u32(fdt, "i-cache-block-size", CACHE_LINE));
	TRY(fdt_property_u32(fdt, "d-cache-line-size", CACHE_LINE));
	TRY(fdt_property_u32(fdt, "i-cache-line-size", CACHE_LINE));
	TRY(fdt_property_u32(fdt, "ibm,vmx", 2));
	TRY(fdt_property_u32(fdt, "ibm,dfp", 1));
	TRY(fdt_property_u32(fdt, "ibm,purr", 1));
	TRY(fdt_property_u32(fdt, "ibm,spurr", 1));
	TRY(fdt_property(fdt, "64-bit", NULL, 0));
	/*
	 * pi-features byte 0 bit 4 (MSB first) clears CPU_FTR_DBELL: IPIs go
	 * through the in-kernel XICS instead of msgsndp, which KVM would have to
	 * emulate (QEMU does the same under KVM).
	 */
	TRY(fdt_property(fdt, "ibm,pi-features", pi_features, sizeof(pi_features)));
	/* Every core, boot ones included, must name its DRC to be removable. */
	if (vm->cfg.max_cores > vm->cfg.nr_cores)
		TRY(fdt_property_u32(fdt, "ibm,my-drc-index", DRC_INDEX_CPU + id));
	TRY(fdt_property_string(fdt, "status", "okay"));
	return fdt_end_node(fdt);
}

/* The four count-prefixed DRC arrays for every possible core. */
static int fdt_cpu_drcs(struct vm *vm, void *fdt)
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
	TRY(fdt_property(fdt, "ibm,drc-indexes", idx, 4 * (n + 1)));
	TRY(fdt_property(fdt, "ibm,drc-names", names, nl));
	TRY(fdt_property(fdt, "ibm,drc-types", types, tl));
	return fdt_property(fdt, "ibm,drc-power-domains", pd, 4 * (n + 1));
}

static int fdt_cpus(struct vm *vm, void *fdt)
{
	unsigned int core;

	TRY(fdt_begin_node(fdt, "cpus"));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	if (vm->cfg.max_cores > vm->cfg.nr_cores)
		TRY(fdt_cpu_drcs(vm, fdt));
	for (core = 0; core < vm->cfg.nr_cores; core++)
		TRY(fdt_cpu_node(vm, fdt, core, false));
	return fdt_end_node(fdt);
}

int fdt__cpu_blob(struct vm *vm, unsigned int core, void *buf, u32 size)
{
	TRY(fdt_create(buf, size));
	TRY(fdt_finish_reservemap(buf));
	TRY(fdt_begin_node(buf, ""));
	TRY(fdt_cpu_node(vm, buf, core, true));
	TRY(fdt_end_node(buf));
	return fdt_finish(buf);
}

static int fdt_vdevice(struct vm *vm, void *fdt)
{
	int irq = vty__irq(vm->vty);
	char name[32];

	TRY(fdt_begin_node(fdt, "vdevice"));
	TRY(fdt_property_string(fdt, "device_type", "vdevice"));
	TRY(fdt_property_string(fdt, "compatible", "IBM,vdevice"));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 2));
	TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));

	snprintf(name, sizeof(name), "vty@%x", VTY_REG);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_string(fdt, "name", "vty"));
	TRY(fdt_property_string(fdt, "device_type", "serial"));
	TRY(fdt_property_string(fdt, "compatible", "hvterm1"));
	TRY(fdt_property_u32(fdt, "reg", VTY_REG));
	if (irq >= 0) {
		u32 intr[2] = { cpu_to_fdt32(irq), 0 };	/* edge */

		TRY(fdt_property(fdt, "interrupts", intr, sizeof(intr)));
	}
	TRY(fdt_end_node(fdt));
	if (nvram__size(vm)) {
		/* Linux finds its NVRAM by device_type; #bytes is its size. */
		snprintf(name, sizeof(name), "nvram@%x", NVRAM_REG);
		TRY(fdt_begin_node(fdt, name));
		TRY(fdt_property_string(fdt, "name", "nvram"));
		TRY(fdt_property_string(fdt, "device_type", "nvram"));
		TRY(fdt_property(fdt, "compatible", NVRAM_COMPATIBLE, sizeof(NVRAM_COMPATIBLE)));
		TRY(fdt_property_u32(fdt, "reg", NVRAM_REG));
		TRY(fdt_property_u32(fdt, "#bytes", nvram__size(vm)));
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

/* H_RANDOM's node, as QEMU's spapr-rng makes it: Linux's pseries-rng matches it. */
static int fdt_platform_facilities(void *fdt)
{
	TRY(fdt_begin_node(fdt, "ibm,platform-facilities"));
	TRY(fdt_property_string(fdt, "device_type", "ibm,platform-facilities"));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	TRY(fdt_begin_node(fdt, "ibm,random-v1"));
	TRY(fdt_property_string(fdt, "compatible", "ibm,random"));
	TRY(fdt_end_node(fdt));
	return fdt_end_node(fdt);
}

static int fdt_xics(struct vm *vm, void *fdt)
{
	u32 range[2] = { 0, cpu_to_fdt32(vm->cfg.nr_cores * vm->cfg.threads) };

	TRY(fdt_begin_node(fdt, "interrupt-controller"));
	TRY(fdt_property_string(fdt, "device_type",
				"PowerPC-External-Interrupt-Presentation"));
	TRY(fdt_property_string(fdt, "compatible", "IBM,ppc-xicp"));
	TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 2));
	TRY(fdt_property_u32(fdt, "#address-cells", 0));
	TRY(fdt_property(fdt, "ibm,interrupt-server-ranges", range, sizeof(range)));
	TRY(fdt_property_u32(fdt, "phandle", FDT_PHANDLE_XICS));
	return fdt_end_node(fdt);
}

/* One child per event class with a source; kernel paths are fixed names. */
static int fdt_event_sources(struct vm *vm, void *fdt)
{
	static const struct { const char *name; enum event_class cls; } nodes[] = {
		{ "epow-events", EVENT_EPOW },
		{ "hot-plug-events", EVENT_HOTPLUG },
		{ "ibm,hvpipe-msg-events", EVENT_HVPIPE },
	};
	u32 ranges[2 * EVENT_NR_CLASSES];
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(nodes); i++) {
		int irq = events__irq(vm, nodes[i].cls);

		if (irq >= 0) {
			ranges[n++] = cpu_to_fdt32(irq);
			ranges[n++] = cpu_to_fdt32(1);
		}
	}
	if (!n)
		return 0;
	TRY(fdt_begin_node(fdt, "event-sources"));
	TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 2));
	TRY(fdt_property(fdt, "interrupt-ranges", ranges, 4 * n));
	for (i = 0; i < ARRAY_SIZE(nodes); i++) {
		int irq = events__irq(vm, nodes[i].cls);
		u32 intr[2] = { cpu_to_fdt32(irq), 0 };	/* edge */

		if (irq < 0)
			continue;
		TRY(fdt_begin_node(fdt, nodes[i].name));
		TRY(fdt_property(fdt, "interrupts", intr, sizeof(intr)));
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

/*
 * Hot-pluggable memory: boot LMBs listed reserved, the rest free. The lookup
 * array has the one associativity that configure-connector hands out.
 */
static int fdt_drmem(struct vm *vm, void *fdt)
{
	struct drc_table *t = vm->drcs;
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
	TRY(fdt_begin_node(fdt, "ibm,dynamic-reconfiguration-memory"));
	/* Root #size-cells (2) wide; it is also the guest's memory block size. */
	TRY(fdt_property_u64(fdt, "ibm,lmb-size", LMB_SIZE));
	TRY(fdt_property(fdt, "ibm,dynamic-memory-v2", dm, sizeof(dm)));
	TRY(fdt_property(fdt, "ibm,associativity-lookup-arrays", lookup, sizeof(lookup)));
	TRY(fdt_property_u32(fdt, "ibm,memory-flags-mask", 0xff));
	TRY(fdt_property_u32(fdt, "ibm,memory-preservation-time", 0));
	return fdt_end_node(fdt);
}

static int fdt_build(struct vm *vm, void *fdt, u32 size)
{
	bool xics = accel__has_cap(vm, ACCEL_CAP_XICS);

	TRY(fdt_create(fdt, size));
	TRY(fdt_add_reservemap_entry(fdt, vm->rtas_base, vm->rtas_size));
	TRY(fdt_finish_reservemap(fdt));

	TRY(fdt_begin_node(fdt, ""));
	TRY(fdt_property_string(fdt, "device_type", "chrp"));
	TRY(fdt_property_string(fdt, "model", "pvm,pseries"));
	/*
	 * pvm's own name first, then the one QEMU's pseries machine publishes:
	 * guest code that tells "PAPR guest" from "bare metal" by looking for
	 * "qemu,pseries" matches the fallback entry.
	 */
	TRY(fdt_property(fdt, "compatible", ROOT_COMPATIBLE, sizeof(ROOT_COMPATIBLE)));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	if (xics)
		TRY(fdt_property_u32(fdt, "interrupt-parent", FDT_PHANDLE_XICS));

	TRY(fdt_begin_node(fdt, "memory@0"));
	TRY(fdt_property_string(fdt, "device_type", "memory"));
	TRY(prop_u64_pair(fdt, "reg", 0, vm->cfg.ram_size));
	TRY(fdt_end_node(fdt));

	TRY(fdt_chosen(vm, fdt));
	TRY(fdt_rtas(vm, fdt));
	TRY(fdt_cpus(vm, fdt));
	TRY(fdt_vdevice(vm, fdt));
	if (xics)
		TRY(fdt_xics(vm, fdt));
	TRY(fdt_event_sources(vm, fdt));
	if (vm->drcs && vm->drcs->nr_lmbs)
		TRY(fdt_drmem(vm, fdt));
	if (hcall__registered(vm, H_RANDOM))
		TRY(fdt_platform_facilities(fdt));

	/* What QEMU publishes under KVM: lets the guest know its hypervisor. */
	TRY(fdt_begin_node(fdt, "hypervisor"));
	TRY(fdt_property_string(fdt, "compatible", "linux,kvm"));
	TRY(fdt_end_node(fdt));

	TRY(fdt_end_node(fdt));
	TRY(fdt_finish(fdt));
	/* The kernel finds its boot CPU by this header field. */
	fdt_set_boot_cpuid_phys(fdt, 0);
	return 0;
}

int fdt__build(struct vm *vm, void *buf, u32 size)
{
	int ret;

	if (vm->cfg.threads > 8 || !vm->cfg.threads)
		return -EINVAL;
	ret = fdt_build(vm, buf, size);
	if (ret == -FDT_ERR_NOSPACE)
		return -ENOSPC;
	if (ret < 0) {
		pr_err("building the device tree failed: %s", fdt_strerror(ret));
		return -EINVAL;
	}
	return 0;
}
