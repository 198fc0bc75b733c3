/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_VIRTIO_PRIV_H
#define PVM_VIRTIO_PRIV_H

/* Shared by the transport's two halves: virtio/pci.c and virtio/pci-regs.c. */
#include "virtio/virtio.h"

/* The virtio BAR's accesses (pci-regs.c). */
extern const struct mmio_ops virtio_bar_ops;

/* Under vdev->lock: back to the state after power-on (§2.4): queues off, no features. */
void virtio__reset(struct virtio_dev *vdev);
/* Under vdev->lock: the driver notified queue q. */
void virtio__notify(struct virtio_dev *vdev, unsigned int q);
/* Under vdev->lock: assign or drop queue q's ioeventfd as its state says. */
void virtio__ioevent(struct virtio_dev *vdev, unsigned int q);
/* Deassign every irqfd; the next interrupt of a vector assigns it again. */
void virtio__irqfd_drop(struct virtio_dev *vdev);
/* Read (and clear) the ISR; lowers INTx. Takes no vdev->lock. */
u8 virtio__isr_read(struct virtio_dev *vdev);

#endif
