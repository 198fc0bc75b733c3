// SPDX-License-Identifier: GPL-2.0
/*
 * PCI through the sPAPR host bridge: the PHB and its functions from the
 * device tree (docs/pci.md), config space through ibm,read/write-pci-config.
 */
#include "rt.h"

static u32 tok_read, tok_write;

static u64 be64_at(const u8 *p)
{
	return (u64)be32(p) << 32 | be32(p + 4);
}

static bool prop_u32(int node, const char *name, u32 want)
{
	u32 v;

	return fdt_prop_u32(fdt, node, name, &v) && v == want;
}

/* The PHB's BUID and 64-bit window; false if the node lacks them. */
static bool phb_of(int phb, struct pci_fn *fn)
{
	const u8 *p;
	int len, i;

	p = fdt_prop(fdt, phb, "reg", &len);
	if (!p || len < 8)
		return false;
	fn->buid = be64_at(p);
	p = fdt_prop(fdt, phb, "ranges", &len);
	/* <phys.hi phys.mid phys.lo  cpu.hi cpu.lo  size.hi size.lo> */
	for (i = 0; p && i + 28 <= len; i += 28) {
		if ((be32(p + i) & 0x03000000) != 0x03000000)
			continue;
		fn->mem64_bus = be64_at(p + i + 4);
		fn->mem64_cpu = be64_at(p + i + 12);
		fn->mem64_size = be64_at(p + i + 20);
		return true;
	}
	return false;
}

bool pci_find(u16 vendor, u16 device, struct pci_fn *fn)
{
	int root = fdt_path(fdt, "/"), phb, node, i, j, len;
	const char *type;
	const u8 *reg;

	memset(fn, 0, sizeof(*fn));
	tok_read = rtas_token("ibm,read-pci-config");
	tok_write = rtas_token("ibm,write-pci-config");
	for (i = 0; (phb = fdt_child(fdt, root, i)) >= 0; i++) {
		type = fdt_prop(fdt, phb, "device_type", &len);
		if (!type || strcmp(type, "pci") || !phb_of(phb, fn))
			continue;
		for (j = 0; (node = fdt_child(fdt, phb, j)) >= 0; j++) {
			if (!prop_u32(node, "vendor-id", vendor) ||
			    !prop_u32(node, "device-id", device))
				continue;
			reg = fdt_prop(fdt, node, "reg", &len);
			if (!reg || len < 20)
				continue;
			/* phys.hi: npt000ss bbbbbbbb dddddfff rrrrrrrr */
			fn->addr = be32(reg) & 0x00ffff00;
			fn->phb_node = phb;
			fn->node = node;
			return true;
		}
	}
	return false;
}

int pci_cfg_read(const struct pci_fn *fn, u32 reg, u32 size, u32 *val)
{
	u32 out[1] = { 0xffffffff };
	int rc;

	rc = rtas_call(tok_read, 4, 2, out, fn->addr | (reg & 0xf00) << 20 | (reg & 0xff),
		       (u32)(fn->buid >> 32), (u32)fn->buid, size);
	*val = out[0];
	return rc;
}

int pci_cfg_write(const struct pci_fn *fn, u32 reg, u32 size, u32 val)
{
	return rtas_call(tok_write, 5, 1, NULL, fn->addr | (reg & 0xf00) << 20 | (reg & 0xff),
			 (u32)(fn->buid >> 32), (u32)fn->buid, size, val);
}

u32 pci_cfg_r(const struct pci_fn *fn, u32 reg, u32 size)
{
	u32 v;

	return pci_cfg_read(fn, reg, size, &v) ? 0xffffffff : v;
}

int pci_find_cap(const struct pci_fn *fn, u8 id, int after)
{
	u32 pos;
	int n;

	if (after)
		pos = pci_cfg_r(fn, after + 1, 1);
	else if (!(pci_cfg_r(fn, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return 0;
	else
		pos = pci_cfg_r(fn, PCI_CAPABILITY_LIST, 1);
	/* at most 48 capabilities fit in 256 bytes: a loop ends there */
	for (n = 0; n < 48 && pos >= 0x40 && pos < 0x100; n++) {
		pos &= ~3u;
		if (pci_cfg_r(fn, pos, 1) == id)
			return pos;
		pos = pci_cfg_r(fn, pos + 1, 1);
	}
	return 0;
}

u64 pci_bar_size(const struct pci_fn *fn, unsigned int bar, bool *mem64)
{
	u32 reg = PCI_BASE_ADDRESS_0 + 4 * bar, lo0, hi0 = 0, lo, hi = 0;
	u64 mask;

	lo0 = pci_cfg_r(fn, reg, 4);
	*mem64 = (lo0 & 0x7) == 0x4;
	if (*mem64)
		hi0 = pci_cfg_r(fn, reg + 4, 4);
	pci_cfg_write(fn, reg, 4, 0xffffffff);
	lo = pci_cfg_r(fn, reg, 4);
	if (*mem64) {
		pci_cfg_write(fn, reg + 4, 4, 0xffffffff);
		hi = pci_cfg_r(fn, reg + 4, 4);
		pci_cfg_write(fn, reg + 4, 4, hi0);
	}
	pci_cfg_write(fn, reg, 4, lo0);
	mask = (u64)(*mem64 ? hi : 0xffffffff) << 32 | (lo & ~0xfu);
	if (!(lo & ~0xfu))
		return 0;
	return ~mask + 1;
}

int pci_bar_set(const struct pci_fn *fn, unsigned int bar, u64 bus_addr, bool mem64)
{
	u32 reg = PCI_BASE_ADDRESS_0 + 4 * bar;
	int rc;

	rc = pci_cfg_write(fn, reg, 4, (u32)bus_addr);
	if (!rc && mem64)
		rc = pci_cfg_write(fn, reg + 4, 4, (u32)(bus_addr >> 32));
	return rc;
}
