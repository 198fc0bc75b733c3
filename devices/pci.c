// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI core: functions on bus 0 behind the host bridge, their config
 * space (a type-0 header, the capability list, BARs with real sizing and
 * decode semantics) and where their BARs decode on the MMIO bus. The MSI-X
 * table, PBA and INTx are in pci-msix.c; the sPAPR host bridge that
 * publishes all this to the guest is papr/phb.c.
 *
 * Config space is kept as the bus sees it (little-endian bytes) with a
 * write mask per byte, so one rule covers the header's writable bits, BAR
 * sizing (the mask of a BAR of size S is ~(S - 1): all-ones reads back the
 * size, any other value is kept as written) and the MSI-X control bits.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pvm/irq.h"
#include "pvm/log.h"
#include "pvm/module.h"
#include "pvm/vm.h"
#include "pci-priv.h"

static inline struct pci_bus *bus_of(struct vm *vm)
{
	return vm__priv(vm, &pci_module);
}

/* A BAR a device gave no handlers: reads all-ones, writes vanish. */
static const struct mmio_ops no_ops;

static u32 cfg_get(const struct pci_dev *d, u32 off, u32 len)
{
	u32 v = 0, i;

	for (i = 0; i < len; i++)
		v |= (u32)d->cfg[off + i] << (8 * i);
	return v;
}

static void cfg_put(struct pci_dev *d, u32 off, u32 len, u32 val)
{
	u32 i;

	for (i = 0; i < len; i++)
		d->cfg[off + i] = val >> (8 * i);
}

static void mask_put(struct pci_fn *fn, u32 off, u32 len, u32 val)
{
	u32 i;

	for (i = 0; i < len; i++)
		fn->wmask[off + i] = val >> (8 * i);
}

int pci__add_cap(struct pci_dev *d, u8 id, const void *body, u8 len)
{
	u32 off = ALIGN_UP(MAX(d->cap_end, (u8)PCI_CAP_START), 4), p;

	if (off + 2 + len > PCI_CFG_SIZE)
		return -ENOSPC;
	d->cfg[off] = id;
	d->cfg[off + 1] = 0;
	if (len)
		memcpy(&d->cfg[off + 2], body, len);
	/* Append: the list stays in the order the device added its caps. */
	if (!d->cfg[PCI_CAPABILITY_LIST]) {
		d->cfg[PCI_CAPABILITY_LIST] = off;
	} else {
		for (p = d->cfg[PCI_CAPABILITY_LIST]; d->cfg[p + 1]; p = d->cfg[p + 1])
			;
		d->cfg[p + 1] = off;
	}
	d->cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	d->cap_end = off + 2 + len;
	return off;
}

static bool bar_valid(const struct pci_dev *d, unsigned int i)
{
	const struct pci_bar *b = &d->bar[i];

	if (!b->size)
		return true;
	if (b->size < SZ_4K || (b->size & (b->size - 1)))
		return false;
	if (b->mem64)
		return i + 1 < PCI_NR_BARS && !d->bar[i + 1].size;
	return b->size <= SZ_1G * 2;
}

/* Whether slot i is the upper half of a 64-bit BAR. */
static bool bar_upper(const struct pci_dev *d, unsigned int i)
{
	return i && d->bar[i - 1].size && d->bar[i - 1].mem64;
}

static void fill_header(struct pci_dev *d, struct pci_fn *fn)
{
	u8 caps = d->cfg[PCI_CAPABILITY_LIST];
	unsigned int i;

	memset(d->cfg, 0, PCI_CAP_START);
	memset(fn->wmask, 0, sizeof(fn->wmask));
	cfg_put(d, PCI_VENDOR_ID, 2, d->vendor_id);
	cfg_put(d, PCI_DEVICE_ID, 2, d->device_id);
	cfg_put(d, PCI_REVISION_ID, 1, d->revision);
	cfg_put(d, PCI_CLASS_PROG, 3, d->class_code);
	cfg_put(d, PCI_HEADER_TYPE, 1, 0);
	cfg_put(d, PCI_SUBSYSTEM_VENDOR_ID, 2, d->subsys_vendor_id);
	cfg_put(d, PCI_SUBSYSTEM_ID, 2, d->subsys_id);
	d->cfg[PCI_CAPABILITY_LIST] = caps;
	if (caps)
		d->cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	d->cfg[PCI_INTERRUPT_PIN] = d->intx_irq >= 0 ? 1 : 0;	/* INTA */

	/* No I/O BARs, so no COMMAND.IO; MASTER for DMA, MEMORY for decode. */
	mask_put(fn, PCI_COMMAND, 2,
		 PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
	fn->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	fn->wmask[PCI_LATENCY_TIMER] = 0xff;
	fn->wmask[PCI_INTERRUPT_LINE] = 0xff;
	for (i = 0; i < PCI_NR_BARS; i++) {
		u32 reg = PCI_BASE_ADDRESS_0 + 4 * i;
		u64 mask;

		if (!d->bar[i].size || bar_upper(d, i))
			continue;
		mask = ~(d->bar[i].size - 1);
		cfg_put(d, reg, 4, d->bar[i].mem64 ? PCI_BASE_ADDRESS_MEM_TYPE_64 : 0);
		mask_put(fn, reg, 4, (u32)mask & ~0xfU);
		if (d->bar[i].mem64)
			mask_put(fn, reg + 4, 4, mask >> 32);
	}
}

/* The bus address BAR i holds now (0 for none). */
static u64 bar_addr(const struct pci_dev *d, unsigned int i)
{
	u64 a = cfg_get(d, PCI_BASE_ADDRESS_0 + 4 * i, 4) & ~0xfULL;

	if (d->bar[i].mem64)
		a |= (u64)cfg_get(d, PCI_BASE_ADDRESS_0 + 4 * (i + 1), 4) << 32;
	return a;
}

int pci__window_gpa(struct vm *vm, u64 bus, u64 size, u64 *gpa)
{
	struct pci_bus *b = bus_of(vm);
	unsigned int i;

	if (!b || !size || bus + (size - 1) < bus)
		return -EINVAL;
	for (i = 0; i < b->nr_win; i++) {
		const struct pci_window *w = &b->win[i];

		if (bus >= w->bus && bus + (size - 1) <= w->bus + (w->size - 1)) {
			*gpa = w->gpa + (bus - w->bus);
			return 0;
		}
	}
	return -ENOENT;
}

int pci__add_window(struct vm *vm, u64 bus, u64 gpa, u64 size, bool mem64)
{
	struct pci_bus *b = bus_of(vm);

	if (!b)
		return -ENODEV;
	if (!size || bus + (size - 1) < bus || gpa + (size - 1) < gpa)
		return -EINVAL;
	if (!mem64 && bus + (size - 1) > 0xffffffffULL)
		return -EINVAL;
	if (b->nr_win == PCI_MAX_WINDOWS)
		return -ENOSPC;
	b->win[b->nr_win++] = (struct pci_window){ bus, gpa, size, mem64 };
	return 0;
}

static void bar_unmap(struct pci_dev *d, unsigned int i)
{
	if (!d->bar_live[i])
		return;
	mmio__unregister(d->vm, d->bar_gpa[i]);
	d->bar_live[i] = false;
	if (d->ops && d->ops->bar_mapped)
		d->ops->bar_mapped(d, i, d->bar_gpa[i], false);
}

/*
 * Under cfg_lock: make every BAR decode where config space says, or not at
 * all: only with COMMAND.MEMORY set and the whole BAR inside a window. A
 * moved BAR is unregistered before it is registered at its new place.
 */
static void update_decode(struct pci_dev *d)
{
	bool mem = cfg_get(d, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY;
	unsigned int i;

	for (i = 0; i < PCI_NR_BARS; i++) {
		const struct pci_bar *b = &d->bar[i];
		const struct mmio_ops *ops = b->ops ? b->ops : &no_ops;
		void *opaque = b->opaque;
		u64 addr, gpa = 0;
		bool want;
		int ret;

		if (!b->size || bar_upper(d, i))
			continue;
		addr = bar_addr(d, i);
		want = mem && addr && !pci__window_gpa(d->vm, addr, b->size, &gpa);
		if (d->bar_live[i] && (!want || gpa != d->bar_gpa[i]))
			bar_unmap(d, i);
		if (!want || d->bar_live[i])
			continue;
		if (d->msix_vectors && i == d->msix_bar) {
			ops = &pci_msix__ops;
			opaque = d;
		}
		ret = mmio__register(d->vm, gpa, b->size, ops, opaque);
		if (ret) {
			/* The guest put two BARs on top of each other: the later one loses. */
			pr_warn("pci %s: BAR %u at 0x%llx does not decode: %d", d->name, i,
				(unsigned long long)gpa, ret);
			continue;
		}
		d->bar_gpa[i] = gpa;
		d->bar_live[i] = true;
		if (d->ops && d->ops->bar_mapped)
			d->ops->bar_mapped(d, i, gpa, true);
	}
}

static bool cfg_args_ok(const struct pci_dev *d, u32 off, u32 len)
{
	return d && d->core && (len == 1 || len == 2 || len == 4) && !(off & (len - 1)) &&
	       off < PCI_CFG_SIZE && off + len <= PCI_CFG_SIZE;
}

/* The device's own capability space (not the header, not the MSI-X cap). */
static bool device_cap_space(struct pci_dev *d, u32 off)
{
	u8 cap = pci_fn(d)->msix_cap;

	return off >= PCI_CAP_START && !(cap && off >= cap && off < cap + (u32)PCI_MSIX_CAP_SIZE);
}

int pci__config_read(struct pci_dev *d, u32 off, u32 len, u32 *val)
{
	struct pci_fn *fn;
	u32 v;

	if (!cfg_args_ok(d, off, len))
		return -EINVAL;
	fn = pci_fn(d);
	pthread_mutex_lock(&fn->cfg_lock);
	if (device_cap_space(d, off) && d->ops && d->ops->cfg_read)
		d->ops->cfg_read(d, off, len);
	v = cfg_get(d, off, len);
	pthread_mutex_unlock(&fn->cfg_lock);
	/* STATUS.INTERRUPT is the device's INTx state, masked by nothing. */
	if (off <= PCI_STATUS && off + len > PCI_STATUS &&
	    __atomic_load_n(&fn->intx_level, __ATOMIC_RELAXED))
		v |= (u32)PCI_STATUS_INTERRUPT << (8 * (PCI_STATUS - off));
	*val = v;
	return 0;
}

static bool touches(u32 off, u32 len, u32 start, u32 size)
{
	return off < start + size && start < off + len;
}

int pci__config_write(struct pci_dev *d, u32 off, u32 len, u32 val)
{
	bool changed = false;
	struct pci_fn *fn;
	u32 i;

	if (!cfg_args_ok(d, off, len))
		return -EINVAL;
	fn = pci_fn(d);
	pthread_mutex_lock(&fn->cfg_lock);
	if (device_cap_space(d, off)) {
		if (d->ops && d->ops->cfg_write)
			d->ops->cfg_write(d, off, len, val);
		pthread_mutex_unlock(&fn->cfg_lock);
		return 0;
	}
	for (i = 0; i < len; i++) {
		u8 m = fn->wmask[off + i];

		d->cfg[off + i] = (d->cfg[off + i] & ~m) | ((val >> (8 * i)) & m);
	}
	if (touches(off, len, PCI_COMMAND, 2) || touches(off, len, PCI_BASE_ADDRESS_0, 24))
		update_decode(d);
	if (touches(off, len, PCI_COMMAND, 2)) {
		pthread_mutex_lock(&fn->irq_lock);
		fn->intx_disable = cfg_get(d, PCI_COMMAND, 2) & PCI_COMMAND_INTX_DISABLE;
		pci_intx__update(d);
		pthread_mutex_unlock(&fn->irq_lock);
	}
	if (fn->msix_cap && touches(off, len, fn->msix_cap + PCI_MSIX_FLAGS, 2))
		changed = pci_msix__control(d);
	if (changed && d->ops && d->ops->msix_changed)
		d->ops->msix_changed(d);
	pthread_mutex_unlock(&fn->cfg_lock);
	return 0;
}

static int alloc_irqs(struct vm *vm, struct pci_dev *d)
{
	unsigned int i;
	int irq;

	d->intx_irq = d->msix_base = -1;
	irq = irq__alloc(vm, true);
	if (irq == -ENODEV)
		return 0;	/* no XICS: the function works, polled */
	if (irq < 0)
		return irq;
	d->intx_irq = irq;
	for (i = 0; i < d->msix_vectors; i++) {
		irq = irq__alloc(vm, false);
		if (irq < 0)
			return irq;
		/* Setup is single-threaded, so the block is contiguous; say so if not. */
		if (i && irq != d->msix_base + (int)i)
			return -EBUSY;
		if (!i)
			d->msix_base = irq;
	}
	return 0;
}

int pci__register(struct vm *vm, struct pci_dev *d)
{
	struct pci_bus *b = bus_of(vm);
	struct pci_fn *fn;
	unsigned int i, dev;
	int ret;

	if (!b)
		return -ENODEV;
	if (!d || d->core || d->msix_vectors > PCI_MAX_MSIX || d->msix_bar >= PCI_NR_BARS)
		return -EINVAL;
	if (d->msix_vectors && !d->bar[d->msix_bar].size && !bar_upper(d, d->msix_bar))
		d->bar[d->msix_bar] = (struct pci_bar){ .size = SZ_4K };
	for (i = 0; i < PCI_NR_BARS; i++)
		if (!bar_valid(d, i))
			return -EINVAL;
	if (d->msix_vectors && bar_upper(d, d->msix_bar))
		return -EINVAL;

	fn = calloc(1, sizeof(*fn));
	if (!fn)
		return -ENOMEM;
	pthread_mutex_init(&fn->cfg_lock, NULL);
	pthread_mutex_init(&fn->irq_lock, NULL);
	fn->bus = b;

	pthread_mutex_lock(&b->lock);
	for (dev = 1; dev <= PCI_MAX_DEVICES && b->dev[dev]; dev++)
		;
	if (dev > PCI_MAX_DEVICES) {
		ret = -ENOSPC;
		goto fail;
	}
	ret = alloc_irqs(vm, d);
	if (ret)
		goto fail;
	d->vm = vm;
	d->devfn = dev << 3;
	d->core = fn;
	d->msix_alloc = 0;
	memset(d->bar_live, 0, sizeof(d->bar_live));
	memset(d->bar_gpa, 0, sizeof(d->bar_gpa));
	fill_header(d, fn);
	pci_msix__init(d);
	if (d->msix_vectors && !fn->msix_cap) {
		ret = -ENOSPC;
		goto fail;
	}
	memcpy(fn->power_on, d->cfg, PCI_CFG_SIZE);
	b->dev[dev] = d;
	pthread_mutex_unlock(&b->lock);
	pr_debug("pci %02x.%u %s: %04x:%04x class %06x, INTx 0x%x, %u MSI-X from 0x%x",
		 dev, 0, d->name, d->vendor_id, d->device_id, d->class_code, d->intx_irq,
		 d->msix_vectors, d->msix_base);
	return 0;
fail:
	pthread_mutex_unlock(&b->lock);
	d->core = NULL;
	d->vm = NULL;
	pthread_mutex_destroy(&fn->cfg_lock);
	pthread_mutex_destroy(&fn->irq_lock);
	free(fn);
	return ret;
}

void pci__unregister(struct pci_dev *d)
{
	struct pci_fn *fn = d ? pci_fn(d) : NULL;
	unsigned int i;

	if (!fn)
		return;
	pthread_mutex_lock(&fn->cfg_lock);
	for (i = 0; i < PCI_NR_BARS; i++)
		bar_unmap(d, i);
	pthread_mutex_unlock(&fn->cfg_lock);
	pthread_mutex_lock(&fn->bus->lock);
	fn->bus->dev[d->devfn >> 3] = NULL;
	pthread_mutex_unlock(&fn->bus->lock);
	pthread_mutex_destroy(&fn->cfg_lock);
	pthread_mutex_destroy(&fn->irq_lock);
	free(fn);
	d->core = NULL;
}

struct pci_dev *pci__find(struct vm *vm, unsigned int devfn)
{
	struct pci_bus *b = bus_of(vm);
	unsigned int dev = devfn >> 3;

	if (!b || (devfn & 7) || !dev || dev > PCI_MAX_DEVICES)
		return NULL;
	return b->dev[dev];
}

struct pci_dev *pci__nth(struct vm *vm, unsigned int n)
{
	struct pci_bus *b = bus_of(vm);
	unsigned int dev;

	for (dev = 1; b && dev <= PCI_MAX_DEVICES; dev++)
		if (b->dev[dev] && !n--)
			return b->dev[dev];
	return NULL;
}

/* Power-on: BARs unmapped, config space and MSI-X as at registration. */
static void function_reset(struct pci_dev *d)
{
	struct pci_fn *fn = pci_fn(d);
	bool had_msix;
	unsigned int i;

	pthread_mutex_lock(&fn->cfg_lock);
	for (i = 0; i < PCI_NR_BARS; i++)
		bar_unmap(d, i);
	memcpy(d->cfg, fn->power_on, PCI_CFG_SIZE);
	pthread_mutex_lock(&fn->irq_lock);
	had_msix = fn->msix_enable || d->msix_alloc;
	pci_msix__reset(d);
	pthread_mutex_unlock(&fn->irq_lock);
	/* Devices drop their irqfds here: no vector has a source any more. */
	if (had_msix && d->ops && d->ops->msix_changed)
		d->ops->msix_changed(d);
	pthread_mutex_unlock(&fn->cfg_lock);
	if (d->ops && d->ops->reset)
		d->ops->reset(d);
}

static int pci_init(struct vm *vm)
{
	struct pci_bus *b = calloc(1, sizeof(*b));

	if (!b)
		return -ENOMEM;
	pthread_mutex_init(&b->lock, NULL);
	vm__set_priv(vm, &pci_module, b);
	return 0;
}

static void pci_reset(struct vm *vm)
{
	struct pci_dev *d;
	unsigned int i;

	for (i = 0; (d = pci__nth(vm, i)); i++)
		function_reset(d);
}

static void pci_exit(struct vm *vm)
{
	struct pci_bus *b = bus_of(vm);
	struct pci_dev *d;

	if (!b)
		return;
	while ((d = pci__nth(vm, 0)))
		pci__unregister(d);
	pthread_mutex_destroy(&b->lock);
	free(b);
	vm__set_priv(vm, &pci_module, NULL);
}

/* Before the PCI device modules, which register their functions in init. */
const struct module pci_module = {
	.name = "pci",
	.init = pci_init,
	.reset = pci_reset,
	.exit = pci_exit,
};
