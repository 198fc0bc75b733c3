// SPDX-License-Identifier: GPL-2.0
/*
 * A function's interrupts: MSI-X (the capability, the table and PBA the
 * core serves at the start of msix_bar) and INTx.
 *
 * Each function got, at registration, one level-sensitive XICS source for
 * INTx and a contiguous block of edge sources, one per MSI-X vector; the
 * guest switches vectors [0, n) on with ibm,change-msi (pci__msix_alloc()).
 * The table's address and data words are there to be read back: Linux's
 * pseries MSI code composes its message from them and never writes them,
 * so they hold what QEMU puts there, PCI_MSIX_ADDR and the XICS number.
 *
 * A vector delivers when MSI-X is enabled, the function is not masked
 * (MASKALL) and the vector is unmasked; otherwise it waits in the PBA and
 * goes out on unmask. Without MSI-X the function signals INTx, a level
 * that stays up until the device lowers it (pci__intx()).
 */
#include <errno.h>
#include <string.h>

#include "pvm/irq.h"
#include "pvm/log.h"
#include "pvm/vm.h"
#include "pci-priv.h"

static void put_le32(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static u8 *entry(struct pci_fn *fn, unsigned int v)
{
	return &fn->table[v * PCI_MSIX_ENTRY_SIZE];
}

static bool vector_masked(struct pci_fn *fn, unsigned int v)
{
	return entry(fn, v)[PCI_MSIX_ENTRY_CTRL] & PCI_MSIX_ENTRY_CTRL_MASKBIT;
}

static unsigned int pba_bytes(const struct pci_dev *d)
{
	return 8 * ((d->msix_vectors + 63) / 64);
}

void pci_msix__init(struct pci_dev *d)
{
	struct pci_fn *fn = pci_fn(d);
	u8 body[PCI_MSIX_CAP_SIZE - 2];
	int off;

	fn->msix_cap = 0;
	if (!d->msix_vectors)
		return;
	body[0] = (d->msix_vectors - 1) & 0xff;
	body[1] = (d->msix_vectors - 1) >> 8;
	put_le32(&body[2], PCI_MSIX_TABLE_OFFSET | d->msix_bar);
	put_le32(&body[6], PCI_MSIX_PBA_OFFSET | d->msix_bar);
	off = pci__add_cap(d, PCI_CAP_ID_MSIX, body, sizeof(body));
	if (off < 0)
		return;
	fn->msix_cap = off;
	/* ENABLE and MASKALL, the high byte of message control. */
	fn->wmask[off + PCI_MSIX_FLAGS + 1] = (PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL) >> 8;
	pci_msix__reset(d);
}

void pci_msix__reset(struct pci_dev *d)
{
	struct pci_fn *fn = pci_fn(d);
	unsigned int v;

	memset(fn->table, 0, sizeof(fn->table));
	for (v = 0; v < d->msix_vectors; v++)
		entry(fn, v)[PCI_MSIX_ENTRY_CTRL] = PCI_MSIX_ENTRY_CTRL_MASKBIT;
	fn->pba = 0;
	fn->msix_enable = fn->msix_maskall = false;
	fn->intx_level = fn->intx_disable = false;
	d->msix_alloc = 0;
	pci_intx__update(d);
}

/* Under irq_lock. */
static int vector_source(struct pci_dev *d, unsigned int v)
{
	if (d->msix_base < 0 || v >= d->msix_alloc)
		return -1;
	return d->msix_base + v;
}

/* Under irq_lock: send every pending vector that may go now. */
static void deliver_pending(struct pci_dev *d)
{
	struct pci_fn *fn = pci_fn(d);
	unsigned int v;

	if (!fn->msix_enable || fn->msix_maskall || !fn->pba)
		return;
	for (v = 0; v < d->msix_vectors; v++) {
		if (!(fn->pba & (1ULL << v)) || vector_masked(fn, v) || vector_source(d, v) < 0)
			continue;
		fn->pba &= ~(1ULL << v);
		irq__raise(d->vm, vector_source(d, v));
	}
}

void pci_intx__update(struct pci_dev *d)
{
	struct pci_fn *fn = pci_fn(d);
	bool line = fn->intx_level && !fn->intx_disable && !fn->msix_enable;

	/* Only on a change: raising an asserted LSI again would present it twice. */
	if (d->intx_irq >= 0 && line != fn->intx_line) {
		irq__set_level(d->vm, d->intx_irq, line);
		fn->intx_line = line;
	}
}

bool pci_msix__control(struct pci_dev *d)
{
	struct pci_fn *fn = pci_fn(d);
	u32 ctrl = d->cfg[fn->msix_cap + PCI_MSIX_FLAGS] |
		   d->cfg[fn->msix_cap + PCI_MSIX_FLAGS + 1] << 8;
	bool was;

	pthread_mutex_lock(&fn->irq_lock);
	was = fn->msix_enable;
	fn->msix_enable = ctrl & PCI_MSIX_FLAGS_ENABLE;
	fn->msix_maskall = ctrl & PCI_MSIX_FLAGS_MASKALL;
	pci_intx__update(d);
	deliver_pending(d);
	pthread_mutex_unlock(&fn->irq_lock);
	return was != fn->msix_enable;
}

/* One byte of the core's part of msix_bar, under irq_lock. */
static u8 region_read(struct pci_dev *d, u64 off)
{
	struct pci_fn *fn = pci_fn(d);

	if (off < d->msix_vectors * PCI_MSIX_ENTRY_SIZE)
		return fn->table[off];
	if (off >= PCI_MSIX_PBA_OFFSET && off < PCI_MSIX_PBA_OFFSET + pba_bytes(d))
		return fn->pba >> (8 * (off - PCI_MSIX_PBA_OFFSET));
	return 0;
}

/* Under irq_lock; the PBA and the reserved control bits are read-only. */
static void region_write(struct pci_dev *d, u64 off, u8 val)
{
	struct pci_fn *fn = pci_fn(d);
	unsigned int in;

	if (off >= d->msix_vectors * PCI_MSIX_ENTRY_SIZE)
		return;
	in = off % PCI_MSIX_ENTRY_SIZE;
	if (in < PCI_MSIX_ENTRY_CTRL)
		fn->table[off] = val;
	else if (in == PCI_MSIX_ENTRY_CTRL)
		fn->table[off] = val & PCI_MSIX_ENTRY_CTRL_MASKBIT;
}

static const struct pci_bar *device_part(struct pci_dev *d, u64 off)
{
	const struct pci_bar *b = &d->bar[d->msix_bar];

	return off >= PCI_MSIX_REGION && b->ops ? b : NULL;
}

static void msix_read(void *opaque, u64 off, u8 *data, u32 len)
{
	struct pci_dev *d = opaque;
	const struct pci_bar *b = device_part(d, off);
	struct pci_fn *fn = pci_fn(d);
	u32 i;

	if (off >= PCI_MSIX_REGION) {
		if (b && b->ops->read)
			b->ops->read(b->opaque, off, data, len);
		else
			memset(data, 0xff, len);
		return;
	}
	pthread_mutex_lock(&fn->irq_lock);
	for (i = 0; i < len; i++)
		data[i] = region_read(d, off + i);
	pthread_mutex_unlock(&fn->irq_lock);
}

static void msix_write(void *opaque, u64 off, const u8 *data, u32 len)
{
	struct pci_dev *d = opaque;
	const struct pci_bar *b = device_part(d, off);
	struct pci_fn *fn = pci_fn(d);
	u32 i;

	if (off >= PCI_MSIX_REGION) {
		if (b && b->ops->write)
			b->ops->write(b->opaque, off, data, len);
		return;
	}
	pthread_mutex_lock(&fn->irq_lock);
	for (i = 0; i < len; i++)
		region_write(d, off + i, data[i]);
	/* An unmask sends what waited in the PBA. */
	deliver_pending(d);
	pthread_mutex_unlock(&fn->irq_lock);
}

const struct mmio_ops pci_msix__ops = {
	.read = msix_read,
	.write = msix_write,
};

int pci__notify(struct pci_dev *d, unsigned int v)
{
	struct pci_fn *fn = d ? pci_fn(d) : NULL;
	int ret = 0;

	if (!fn)
		return -ENODEV;
	pthread_mutex_lock(&fn->irq_lock);
	if (!fn->msix_enable) {
		fn->intx_level = true;
		pci_intx__update(d);
	} else if (v >= d->msix_vectors) {
		ret = -EINVAL;
	} else if (fn->msix_maskall || vector_masked(fn, v) || vector_source(d, v) < 0) {
		fn->pba |= 1ULL << v;
	} else {
		ret = irq__raise(d->vm, vector_source(d, v));
	}
	pthread_mutex_unlock(&fn->irq_lock);
	return ret;
}

int pci__intx(struct pci_dev *d, bool level)
{
	struct pci_fn *fn = d ? pci_fn(d) : NULL;

	if (!fn)
		return -ENODEV;
	pthread_mutex_lock(&fn->irq_lock);
	fn->intx_level = level;
	pci_intx__update(d);
	pthread_mutex_unlock(&fn->irq_lock);
	return d->intx_irq >= 0 ? 0 : -ENODEV;
}

int pci__msix_irq(struct pci_dev *d, unsigned int v)
{
	struct pci_fn *fn = d ? pci_fn(d) : NULL;
	int irq = -1;

	if (!fn)
		return -1;
	pthread_mutex_lock(&fn->irq_lock);
	if (fn->msix_enable)
		irq = vector_source(d, v);
	pthread_mutex_unlock(&fn->irq_lock);
	return irq;
}

int pci__msix_source(struct pci_dev *d, unsigned int v)
{
	struct pci_fn *fn = d ? pci_fn(d) : NULL;
	int irq;

	if (!fn)
		return -1;
	pthread_mutex_lock(&fn->irq_lock);
	irq = vector_source(d, v);
	pthread_mutex_unlock(&fn->irq_lock);
	return irq;
}

unsigned int pci__msix_allocated(struct pci_dev *d)
{
	struct pci_fn *fn = d ? pci_fn(d) : NULL;
	unsigned int n;

	if (!fn)
		return 0;
	pthread_mutex_lock(&fn->irq_lock);
	n = d->msix_alloc;
	pthread_mutex_unlock(&fn->irq_lock);
	return n;
}

int pci__msix_alloc(struct pci_dev *d, unsigned int n)
{
	struct pci_fn *fn = d ? pci_fn(d) : NULL;
	unsigned int v;
	bool changed;

	if (!fn)
		return -ENODEV;
	if (!n && (!d->msix_vectors || d->msix_base < 0))
		return 0;	/* the boot-time "no firmware MSI" call */
	if (!d->msix_vectors || d->msix_base < 0)
		return -ENODEV;
	/* More than the table holds: what it holds, so the guest asks again (as QEMU). */
	n = MIN(n, d->msix_vectors);
	pthread_mutex_lock(&fn->cfg_lock);
	pthread_mutex_lock(&fn->irq_lock);
	changed = n != d->msix_alloc;
	for (v = 0; v < d->msix_vectors; v++) {
		u8 *e = entry(fn, v);
		u64 addr = v < n ? PCI_MSIX_ADDR : 0;

		put_le32(e, addr);
		put_le32(e + 4, addr >> 32);
		put_le32(e + PCI_MSIX_ENTRY_DATA, v < n ? (u32)(d->msix_base + v) : 0);
		/* A freed vector's pending message has nowhere to go. */
		if (v >= n)
			fn->pba &= ~(1ULL << v);
	}
	d->msix_alloc = n;
	deliver_pending(d);
	pthread_mutex_unlock(&fn->irq_lock);
	if (changed && d->ops && d->ops->msix_changed)
		d->ops->msix_changed(d);
	pthread_mutex_unlock(&fn->cfg_lock);
	pr_debug("pci %s: %u MSI-X vectors from 0x%x", d->name, n, d->msix_base);
	return n;
}

