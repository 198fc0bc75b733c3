/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_TESTS_VIRTIO_TEST_H
#define PVM_TESTS_VIRTIO_TEST_H

/*
 * For tests of a virtio device behind the real transport: a fake PCI core
 * (the test is linked with -Wl,--wrap for these pci__*() calls, see the
 * Makefile) and the driver's register accesses, as Linux's virtio_pci_modern
 * makes them. Include it from one test file only (it defines the wraps).
 */
#include <string.h>

#include "devices/pci.h"
#include "virtio/virtio.h"
#include "virtq-ring.h"

static struct {
	struct pci_dev *dev;
	unsigned int notifies;
	unsigned int last_vector;
} fake_pci;

int __wrap_pci__add_cap(struct pci_dev *d, u8 id, const void *body, u8 len)
{
	u8 off = d->cap_end ? d->cap_end : 0x40, *link = &d->cfg[PCI_CAPABILITY_LIST];

	if (off + 2 + len > PCI_CFG_SIZE)
		return -ENOSPC;
	while (*link)
		link = &d->cfg[*link + 1];
	*link = off;
	d->cfg[off] = id;
	d->cfg[off + 1] = 0;
	memcpy(&d->cfg[off + 2], body, len);
	d->cap_end = ALIGN_UP(off + 2 + len, 4);
	return off;
}

int __wrap_pci__register(struct vm *vm, struct pci_dev *d)
{
	d->vm = vm;
	fake_pci.dev = d;
	return 0;
}

int __wrap_pci__notify(struct pci_dev *d __unused, unsigned int v)
{
	__atomic_fetch_add(&fake_pci.notifies, 1, __ATOMIC_SEQ_CST);
	fake_pci.last_vector = v;
	return 0;
}

int __wrap_pci__intx(struct pci_dev *d __unused, bool level __unused)
{
	return 0;
}

int __wrap_pci__msix_irq(struct pci_dev *d __unused, unsigned int v __unused)
{
	return -1;
}

void __wrap_pci__unregister(struct pci_dev *d __unused)
{
	fake_pci.dev = NULL;
}

static inline u64 vt__rd(struct pci_dev *d, u64 off, u32 len)
{
	u8 b[8] = { 0 };
	u64 v = 0;
	u32 i;

	d->bar[VIRTIO_BAR].ops->read(d->bar[VIRTIO_BAR].opaque, off, b, len);
	for (i = 0; i < len; i++)
		v |= (u64)b[i] << (8 * i);
	return v;
}

static inline void vt__wr(struct pci_dev *d, u64 off, u64 v, u32 len)
{
	u8 b[8];
	u32 i;

	for (i = 0; i < len; i++)
		b[i] = v >> (8 * i);
	d->bar[VIRTIO_BAR].ops->write(d->bar[VIRTIO_BAR].opaque, off, b, len);
}

static inline u64 vt__offered(struct pci_dev *d)
{
	vt__wr(d, VIRTIO_PCI_DFSELECT, 0, 4);
	u64 lo = vt__rd(d, VIRTIO_PCI_DF, 4);

	vt__wr(d, VIRTIO_PCI_DFSELECT, 1, 4);
	return lo | vt__rd(d, VIRTIO_PCI_DF, 4) << 32;
}

/* Negotiate features, put queue 0 on r's rings (vector 1), DRIVER_OK; the status. */
static inline u8 vt__bring_up(struct pci_dev *d, const struct test_ring *r, u64 features)
{
	u8 up = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;

	vt__wr(d, VIRTIO_PCI_STATUS, 0, 1);
	vt__wr(d, VIRTIO_PCI_STATUS, VIRTIO_STATUS_ACKNOWLEDGE, 1);
	vt__wr(d, VIRTIO_PCI_STATUS, up, 1);
	vt__wr(d, VIRTIO_PCI_GFSELECT, 0, 4);
	vt__wr(d, VIRTIO_PCI_GF, (u32)features, 4);
	vt__wr(d, VIRTIO_PCI_GFSELECT, 1, 4);
	vt__wr(d, VIRTIO_PCI_GF, features >> 32, 4);
	vt__wr(d, VIRTIO_PCI_STATUS, up | VIRTIO_STATUS_FEATURES_OK, 1);
	vt__wr(d, VIRTIO_PCI_Q_SELECT, 0, 2);
	vt__wr(d, VIRTIO_PCI_Q_SIZE, r->size, 2);
	vt__wr(d, VIRTIO_PCI_Q_DESCLO, r->desc, 4);
	vt__wr(d, VIRTIO_PCI_Q_DESCHI, 0, 4);
	vt__wr(d, VIRTIO_PCI_Q_AVAILLO, r->avail, 4);
	vt__wr(d, VIRTIO_PCI_Q_AVAILHI, 0, 4);
	vt__wr(d, VIRTIO_PCI_Q_USEDLO, r->used, 4);
	vt__wr(d, VIRTIO_PCI_Q_USEDHI, 0, 4);
	vt__wr(d, VIRTIO_PCI_MSIX_CONFIG, 0, 2);
	vt__wr(d, VIRTIO_PCI_Q_MSIX, 1, 2);
	vt__wr(d, VIRTIO_PCI_Q_ENABLE, 1, 2);
	vt__wr(d, VIRTIO_PCI_STATUS, up | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK, 1);
	return vt__rd(d, VIRTIO_PCI_STATUS, 1);
}

#endif
