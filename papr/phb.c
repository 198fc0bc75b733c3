// SPDX-License-Identifier: GPL-2.0
/*
 * The sPAPR PCI host bridge (IBM,Logical_PHB), as QEMU's pseries machine
 * makes its first one in SLOF-less (VOF) mode: the guest enumerates the bus
 * from the device tree alone (one node per function), reaches config space
 * only through RTAS, assigns the BARs itself (no assigned-addresses,
 * linux,pci-probe-only = 0), gets its MSI-X vectors from ibm,change-msi and
 * DMA through a TCE window (papr/tce.c). docs/pci.md has the layout.
 *
 * There is a PHB only when some PCI function registered before this
 * module's init: a VM without PCI devices shows no trace of one (no node,
 * no RTAS token, no TCE hcalls). No EEH call is offered: with none of its
 * tokens Linux quietly runs without EEH, with some it would try to use them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <libfdt.h>

#include "pvm/fdt.h"
#include "pvm/log.h"
#include "pvm/module.h"
#include "pvm/vm.h"
#include "devices/pci.h"
#include "papr/phb.h"
#include "papr/rtas.h"

struct phb {
	struct tce_table *tce;
};

static inline struct phb *phb_of(struct vm *vm)
{
	return vm__priv(vm, &phb_module);
}

struct tce_table *phb__tce(struct vm *vm, u64 liobn)
{
	struct phb *phb = phb_of(vm);

	return phb && liobn == PHB_LIOBN ? phb->tce : NULL;
}

/* ibm,change-msi functions (Linux's arch/powerpc/platforms/pseries/msi.c) */
#define MSI_QUERY 0
#define MSI_CHANGE 1
#define MSI_RESET 2
#define MSI_MSI 3
#define MSI_MSIX 4
#define MSI_MSI32 5
#define MSI_MSIX32 6
#define MSI_TYPE_NONE 0
#define MSI_TYPE_MSIX 2

/*
 * config_addr = (reg & 0xf00) << 20 | bus << 16 | devfn << 8 | (reg & 0xff)
 * (Linux's rtas_config_addr()); only bus 0 has functions.
 */
static struct pci_dev *config_dev(struct vm *vm, u32 addr, u32 *reg)
{
	if ((addr >> 16) & 0xff)
		return NULL;
	if (reg)
		*reg = ((addr >> 20) & 0xf00) | (addr & 0xff);
	return pci__find(vm, (addr >> 8) & 0xff);
}

static bool buid_ok(u32 hi, u32 lo)
{
	return ((u64)hi << 32 | lo) == PHB_BUID;
}

/* QEMU's answers: -1 for a bad size, a misaligned or out-of-range offset, no device. */
static void config_read(struct rtas_call *c, u32 addr, u32 size)
{
	struct pci_dev *d;
	u32 reg, val;

	c->rets[1] = 0xffffffff;
	d = config_dev(c->vm, addr, &reg);
	if (!d || pci__config_read(d, reg, size, &val)) {
		c->rets[0] = (u32)RTAS_OUT_HW_ERROR;
		return;
	}
	c->rets[0] = RTAS_OUT_SUCCESS;
	c->rets[1] = val;
}

static void config_write(struct rtas_call *c, u32 addr, u32 size, u32 val)
{
	u32 reg;
	struct pci_dev *d = config_dev(c->vm, addr, &reg);

	if (!d || pci__config_write(d, reg, size, val))
		c->rets[0] = (u32)RTAS_OUT_HW_ERROR;
	else
		c->rets[0] = RTAS_OUT_SUCCESS;
}

/* config_addr, size -> status, value: the plain pair names no BUID, so the one PHB. */
static void rtas_read_pci_config(struct rtas_call *c)
{
	config_read(c, c->args[0], c->args[1]);
}

static void rtas_write_pci_config(struct rtas_call *c)
{
	config_write(c, c->args[0], c->args[1], c->args[2]);
}

/* config_addr, BUID hi, BUID lo, size -> status, value */
static void rtas_ibm_read_pci_config(struct rtas_call *c)
{
	if (!buid_ok(c->args[1], c->args[2])) {
		c->rets[0] = (u32)RTAS_OUT_HW_ERROR;
		c->rets[1] = 0xffffffff;
		return;
	}
	config_read(c, c->args[0], c->args[3]);
}

static void rtas_ibm_write_pci_config(struct rtas_call *c)
{
	if (!buid_ok(c->args[1], c->args[2])) {
		c->rets[0] = (u32)RTAS_OUT_HW_ERROR;
		return;
	}
	config_write(c, c->args[0], c->args[3], c->args[4]);
}

/*
 * config_addr, BUID hi, BUID lo, function, n, seq -> status, count, seq,
 * type (when asked for 4). n = 0 frees whatever the function has, through
 * any function: Linux frees MSI-X with function 3 and asks, at boot, for
 * "no firmware MSI" that way. Functions offer only MSI-X (no function has
 * an MSI capability), so MSI requests fail and n above the table gives the
 * table size (as QEMU), for the guest to ask again.
 */
static void rtas_ibm_change_msi(struct rtas_call *c)
{
	u32 func = c->args[3], n = c->args[4], seq = c->args[5];
	struct pci_dev *d = config_dev(c->vm, c->args[0], NULL);
	u32 type = MSI_TYPE_MSIX;
	int got;

	if (!buid_ok(c->args[1], c->args[2]) || !d || func > MSI_MSIX32) {
		c->rets[0] = (u32)RTAS_OUT_PARAM_ERROR;
		return;
	}
	if (func == MSI_QUERY) {
		got = pci__msix_allocated(d);
	} else if (!n || func == MSI_RESET) {
		got = pci__msix_alloc(d, 0);
		type = MSI_TYPE_NONE;
	} else if (func == MSI_MSI || func == MSI_MSI32) {
		c->rets[0] = (u32)RTAS_OUT_PARAM_ERROR;
		return;
	} else {
		got = pci__msix_alloc(d, n);
	}
	if (got < 0) {
		c->rets[0] = (u32)RTAS_OUT_HW_ERROR;
		return;
	}
	if (!got)
		type = MSI_TYPE_NONE;
	c->rets[0] = RTAS_OUT_SUCCESS;
	c->rets[1] = got;
	c->rets[2] = seq + 1;
	if (c->nret > 3)
		c->rets[3] = type;
}

/* config_addr, BUID hi, BUID lo, vector -> status, XICS source, 1 (edge) */
static void rtas_ibm_query_interrupt_source_number(struct rtas_call *c)
{
	struct pci_dev *d = config_dev(c->vm, c->args[0], NULL);
	int irq;

	if (!buid_ok(c->args[1], c->args[2]) || !d) {
		c->rets[0] = (u32)RTAS_OUT_PARAM_ERROR;
		return;
	}
	irq = pci__msix_source(d, c->args[3]);
	if (irq < 0) {
		c->rets[0] = (u32)RTAS_OUT_HW_ERROR;
		return;
	}
	c->rets[0] = RTAS_OUT_SUCCESS;
	c->rets[1] = irq;
	if (c->nret > 2)
		c->rets[2] = 1;
}

static const struct rtas_handler phb_rtas[] = {
	{ RTAS_READ_PCI_CONFIG, rtas_read_pci_config },
	{ RTAS_WRITE_PCI_CONFIG, rtas_write_pci_config },
	{ RTAS_IBM_READ_PCI_CONFIG, rtas_ibm_read_pci_config },
	{ RTAS_IBM_WRITE_PCI_CONFIG, rtas_ibm_write_pci_config },
	{ RTAS_IBM_CHANGE_MSI, rtas_ibm_change_msi },
	{ RTAS_IBM_QUERY_INTERRUPT_SOURCE_NUMBER, rtas_ibm_query_interrupt_source_number },
};

static int phb_init(struct vm *vm)
{
	struct phb *phb;
	int ret;

	if (!pci__nth(vm, 0))
		return 0;
	/* Never over RAM or hot-pluggable memory: the windows have no memslot. */
	if (MAX(vm->cfg.ram_size, vm->cfg.max_mem) > PHB_BASE) {
		pr_err("PCI windows at 0x%llx overlap guest memory", (unsigned long long)PHB_BASE);
		return -EINVAL;
	}
	phb = calloc(1, sizeof(*phb));
	if (!phb)
		return -ENOMEM;
	vm__set_priv(vm, &phb_module, phb);
	phb->tce = tce__new(PHB_LIOBN, 0, PHB_DMA_SIZE);
	if (!phb->tce)
		return -ENOMEM;
	ret = pci__add_window(vm, PHB_MEM32_BUS, PHB_MEM32_GPA, PHB_MEM32_SIZE, false);
	if (!ret)
		ret = pci__add_window(vm, PHB_MEM64_GPA, PHB_MEM64_GPA, PHB_MEM64_SIZE, true);
	if (!ret)
		ret = rtas__register_all(vm, phb_rtas, ARRAY_SIZE(phb_rtas));
	if (!ret)
		ret = tce__register(vm);
	return ret;
}

static void phb_reset(struct vm *vm)
{
	struct phb *phb = phb_of(vm);

	if (phb)
		tce__reset(phb->tce);
}

static void phb_exit(struct vm *vm)
{
	struct phb *phb = phb_of(vm);

	if (!phb)
		return;
	tce__free(phb->tce);
	free(phb);
	vm__set_priv(vm, &phb_module, NULL);
}

#define CELLS64(v) cpu_to_fdt32((u64)(v) >> 32), cpu_to_fdt32((u32)(v))

/* phys.hi of a reg entry: space code, bus 0, devfn, register. */
static u32 phys_hi(u32 space, const struct pci_dev *d, u32 reg)
{
	return space << 24 | d->devfn << 8 | reg;
}

/*
 * One function's node (B.4 of the spec): reg = config space, then each BAR
 * by size only; the guest assigns the addresses.
 */
static int function_fdt(void *fdt, const struct pci_dev *d)
{
	u32 reg[5 * (1 + PCI_NR_BARS)];
	unsigned int i, n = 0;
	char name[64];

	snprintf(name, sizeof(name), "%s@%x", d->name ? d->name : "pci", d->devfn >> 3);
	FDT_TRY(fdt_begin_node(fdt, name));
	reg[n++] = cpu_to_fdt32(phys_hi(0, d, 0));
	reg[n++] = 0, reg[n++] = 0, reg[n++] = 0, reg[n++] = 0;
	for (i = 0; i < PCI_NR_BARS; i++) {
		const struct pci_bar *b = &d->bar[i];

		if (!b->size || (i && d->bar[i - 1].size && d->bar[i - 1].mem64))
			continue;
		reg[n++] = cpu_to_fdt32(phys_hi(b->mem64 ? 3 : 2, d, PCI_BASE_ADDRESS_0 + 4 * i));
		reg[n++] = 0, reg[n++] = 0;
		reg[n++] = cpu_to_fdt32(b->size >> 32);
		reg[n++] = cpu_to_fdt32((u32)b->size);
	}
	FDT_TRY(fdt_property(fdt, "reg", reg, n * sizeof(u32)));
	FDT_TRY(fdt_property_u32(fdt, "vendor-id", d->vendor_id));
	FDT_TRY(fdt_property_u32(fdt, "device-id", d->device_id));
	FDT_TRY(fdt_property_u32(fdt, "subsystem-vendor-id", d->subsys_vendor_id));
	FDT_TRY(fdt_property_u32(fdt, "subsystem-id", d->subsys_id));
	FDT_TRY(fdt_property_u32(fdt, "class-code", d->class_code));
	FDT_TRY(fdt_property_u32(fdt, "revision-id", d->revision));
	if (d->intx_irq >= 0)
		FDT_TRY(fdt_property_u32(fdt, "interrupts", 1));	/* INTA */
	if (d->msix_vectors && d->msix_base >= 0)
		FDT_TRY(fdt_property_u32(fdt, "ibm,req#msi-x", d->msix_vectors));
	return fdt_end_node(fdt);
}

static int phb_node(struct vm *vm, void *fdt)
{
	const u32 reg[] = { CELLS64(PHB_BUID), 0, 0 };
	const u32 bus_range[] = { 0, cpu_to_fdt32(0xff) };
	const u32 ranges[] = {
		cpu_to_fdt32(0x02000000), CELLS64(PHB_MEM32_BUS), CELLS64(PHB_MEM32_GPA),
		CELLS64(PHB_MEM32_SIZE),
		cpu_to_fdt32(0x03000000), CELLS64(PHB_MEM64_GPA), CELLS64(PHB_MEM64_GPA),
		CELLS64(PHB_MEM64_SIZE),
	};
	const u32 map_mask[] = { cpu_to_fdt32(0xf800), 0, 0, cpu_to_fdt32(0xffffffff) };
	const u32 dma[] = { cpu_to_fdt32(PHB_LIOBN), 0, 0, CELLS64(PHB_DMA_SIZE) };
	u32 map[7 * PCI_MAX_DEVICES];
	unsigned int i, n = 0, msi = 0;
	struct pci_dev *d;
	char name[32];

	snprintf(name, sizeof(name), "pci@%llx", (unsigned long long)PHB_BUID);
	FDT_TRY(fdt_begin_node(fdt, name));
	FDT_TRY(fdt_property_string(fdt, "device_type", "pci"));
	FDT_TRY(fdt_property_string(fdt, "compatible", "IBM,Logical_PHB"));
	FDT_TRY(fdt_property_u32(fdt, "#address-cells", 3));
	FDT_TRY(fdt_property_u32(fdt, "#size-cells", 2));
	FDT_TRY(fdt_property_u32(fdt, "#interrupt-cells", 1));
	FDT_TRY(fdt_property(fdt, "reg", reg, sizeof(reg)));
	FDT_TRY(fdt_property(fdt, "bus-range", bus_range, sizeof(bus_range)));
	FDT_TRY(fdt_property(fdt, "ranges", ranges, sizeof(ranges)));
	FDT_TRY(fdt_property_u32(fdt, "ibm,pci-config-space-type", 1));
	FDT_TRY(fdt_property(fdt, "used-by-rtas", NULL, 0));
	FDT_TRY(fdt_property(fdt, "ibm,dma-window", dma, sizeof(dma)));
	FDT_TRY(fdt_property_u32(fdt, "ibm,#dma-address-cells", 2));
	FDT_TRY(fdt_property_u32(fdt, "ibm,#dma-size-cells", 2));

	/* INTA of each function: its own level-sensitive source (cell 2 bit 0: level). */
	for (i = 0; (d = pci__nth(vm, i)); i++) {
		if (d->msix_base >= 0)
			msi += d->msix_vectors;
		if (d->intx_irq < 0)
			continue;
		map[n++] = cpu_to_fdt32(d->devfn << 8);
		map[n++] = 0, map[n++] = 0;
		map[n++] = cpu_to_fdt32(1);
		map[n++] = cpu_to_fdt32(FDT_PHANDLE_XICS);
		map[n++] = cpu_to_fdt32(d->intx_irq);
		map[n++] = cpu_to_fdt32(1);
	}
	if (n) {
		FDT_TRY(fdt_property(fdt, "interrupt-map-mask", map_mask, sizeof(map_mask)));
		FDT_TRY(fdt_property(fdt, "interrupt-map", map, n * sizeof(u32)));
	}
	/* Without it Linux makes no MSI domain at all. */
	if (msi)
		FDT_TRY(fdt_property_u32(fdt, "ibm,pe-total-#msi", msi));
	for (i = 0; (d = pci__nth(vm, i)); i++)
		FDT_TRY(function_fdt(fdt, d));
	return fdt_end_node(fdt);
}

static int phb_fdt(struct vm *vm, void *fdt, const struct fdt_place *at)
{
	if (!phb_of(vm))
		return 0;
	if (at->at == FDT_AT_CHOSEN)
		/* We assign BARs fine: let the guest do it (QEMU says the same). */
		return fdt_property_u32(fdt, "linux,pci-probe-only", 0);
	if (at->at != FDT_AT_ROOT)
		return 0;
	return phb_node(vm, fdt);
}

/* After the PCI core and every PCI device module. */
const struct module phb_module = {
	.name = "phb",
	.init = phb_init,
	.reset = phb_reset,
	.exit = phb_exit,
	.fdt = phb_fdt,
};
