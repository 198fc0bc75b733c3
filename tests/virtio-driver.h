/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_TESTS_VIRTIO_DRIVER_H
#define PVM_TESTS_VIRTIO_DRIVER_H

/*
 * The driver's accesses to a virtio function's BAR, through its MMIO
 * handlers, as Linux's virtio_pci_modern makes them.
 */
#include "devices/pci.h"
#include "virtio/virtio.h"

#define STATUS_UP (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER)
#define F_VERSION_1 (1ULL << VIRTIO_F_VERSION_1)
#define F_EVENT_IDX (1ULL << VIRTIO_RING_F_EVENT_IDX)
#define F_INDIRECT (1ULL << VIRTIO_RING_F_INDIRECT_DESC)
#define NO_VECTOR ((u64)VIRTIO_MSI_NO_VECTOR)

static inline u64 rd(struct pci_dev *d, u64 off, u32 len)
{
	u8 b[8] = { 0 };
	u64 v = 0;
	u32 i;

	d->bar[VIRTIO_BAR].ops->read(d->bar[VIRTIO_BAR].opaque, off, b, len);
	for (i = 0; i < len; i++)
		v |= (u64)b[i] << (8 * i);
	return v;
}

static inline void wr(struct pci_dev *d, u64 off, u64 v, u32 len)
{
	u8 b[8];
	u32 i;

	for (i = 0; i < len; i++)
		b[i] = v >> (8 * i);
	d->bar[VIRTIO_BAR].ops->write(d->bar[VIRTIO_BAR].opaque, off, b, len);
}

/* Features as the driver acks them; returns the status read back. */
static inline u8 negotiate(struct pci_dev *d, u64 features)
{
	wr(d, VIRTIO_PCI_STATUS, VIRTIO_STATUS_ACKNOWLEDGE, 1);
	wr(d, VIRTIO_PCI_STATUS, STATUS_UP, 1);
	wr(d, VIRTIO_PCI_GFSELECT, 0, 4);
	wr(d, VIRTIO_PCI_GF, (u32)features, 4);
	wr(d, VIRTIO_PCI_GFSELECT, 1, 4);
	wr(d, VIRTIO_PCI_GF, features >> 32, 4);
	wr(d, VIRTIO_PCI_STATUS, STATUS_UP | VIRTIO_STATUS_FEATURES_OK, 1);
	return rd(d, VIRTIO_PCI_STATUS, 1);
}

#endif
