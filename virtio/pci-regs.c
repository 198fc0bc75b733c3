// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio BAR's registers (virtio 1.x §4.1.4): common configuration,
 * ISR, device configuration, notifications. Accesses arrive as the bus
 * byte image (spec §C.2): registers are little-endian whatever the guest's
 * byte order, so values are assembled byte by byte and never swapped.
 */
#include <string.h>

#include "pvm/log.h"
#include "pvm/vm.h"
#include "virtio/virtio.h"
#include "virtio-priv.h"

static u64 get_le(const u8 *data, u32 len)
{
	u64 v = 0;
	u32 i;

	for (i = 0; i < len; i++)
		v |= (u64)data[i] << (8 * i);
	return v;
}

static void put_le(u8 *p, u64 v, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++)
		p[i] = v >> (8 * i);
}

static u32 feature_word(u64 features, u32 select)
{
	return select < 2 ? (u32)(features >> (32 * select)) : 0;
}

/* The common configuration as the driver reads it, for the selected queue. */
static void common_image(struct virtio_dev *vdev, u8 *img)
{
	memset(img, 0, VIRTIO_COMMON_LEN);
	put_le(img + VIRTIO_PCI_DFSELECT, vdev->dfselect, 4);
	put_le(img + VIRTIO_PCI_DF, feature_word(vdev->offered, vdev->dfselect), 4);
	put_le(img + VIRTIO_PCI_GFSELECT, vdev->gfselect, 4);
	put_le(img + VIRTIO_PCI_GF, feature_word(vdev->acked, vdev->gfselect), 4);
	put_le(img + VIRTIO_PCI_MSIX_CONFIG, vdev->msix_config, 2);
	put_le(img + VIRTIO_PCI_NUM_QUEUES, vdev->nr_queues, 2);
	img[VIRTIO_PCI_STATUS] = vdev->status;
	img[VIRTIO_PCI_CFG_GENERATION] = vdev->config_gen;
	put_le(img + VIRTIO_PCI_Q_SELECT, vdev->queue_select, 2);
	/* A queue that does not exist reads size 0 (§4.1.4.3). */
	if (vdev->queue_select < vdev->nr_queues) {
		struct virtio_queue *vq = &vdev->queues[vdev->queue_select];

		put_le(img + VIRTIO_PCI_Q_SIZE, vq->size, 2);
		put_le(img + VIRTIO_PCI_Q_MSIX, vq->msix_vector, 2);
		put_le(img + VIRTIO_PCI_Q_ENABLE, vq->enabled, 2);
		put_le(img + VIRTIO_PCI_Q_NOFF, vdev->queue_select, 2);
		put_le(img + VIRTIO_PCI_Q_DESCLO, vq->desc, 8);
		put_le(img + VIRTIO_PCI_Q_AVAILLO, vq->driver, 8);
		put_le(img + VIRTIO_PCI_Q_USEDLO, vq->device, 8);
	}
}

void virtio__reset(struct virtio_dev *vdev)
{
	unsigned int q;

	for (q = 0; q < vdev->nr_queues; q++) {
		struct virtio_queue *vq = &vdev->queues[q];

		vq->enabled = vq->broken = false;
		virtio__ioevent(vdev, q);
		vq->size = vdev->queue_max;
		vq->msix_vector = VIRTIO_MSI_NO_VECTOR;
		vq->desc = vq->driver = vq->device = 0;
		memset(&vq->vq, 0, sizeof(vq->vq));
	}
	vdev->acked = 0;
	vdev->dfselect = vdev->gfselect = 0;
	vdev->msix_config = VIRTIO_MSI_NO_VECTOR;
	vdev->queue_select = 0;
	vdev->status = 0;
	vdev->pend_vectors = 0;
	vdev->pend_isr = 0;
	vdev->pend_novector = false;
	virtio__irqfd_drop(vdev);
	/* Lower INTx once the lock is dropped; a reset takes back every interrupt. */
	vdev->pend_lower = true;
	if (vdev->ops->reset)
		vdev->ops->reset(vdev);
}

/* §4.1.4.3: a vector the function does not have reads back as NO_VECTOR. */
static u16 vector_or_none(struct virtio_dev *vdev, u64 v)
{
	return v < vdev->pci.msix_vectors ? v : VIRTIO_MSI_NO_VECTOR;
}

static void queue_enable(struct virtio_dev *vdev, unsigned int q)
{
	struct virtio_queue *vq = &vdev->queues[q];
	int ret;

	if (vq->enabled)
		return;
	vq->enabled = true;
	ret = virtq__init(&vq->vq, &vdev->vm->mem, vq->size, vq->desc, vq->driver, vq->device,
			  vdev->acked);
	if (ret) {
		pr_warn("%s: queue %u rings refused (%d)", vdev->name, q, ret);
		virtio__queue_broken(vdev, q);
		return;
	}
	virtio__ioevent(vdev, q);
}

static void status_write(struct virtio_dev *vdev, u8 val)
{
	u8 old = vdev->status;
	unsigned int q;

	if (!val) {
		virtio__reset(vdev);
		return;
	}
	/* §2.2.2: no feature we did not offer, and VERSION_1 (no legacy here). */
	if ((val & VIRTIO_STATUS_FEATURES_OK) && !(old & VIRTIO_STATUS_FEATURES_OK) &&
	    ((vdev->acked & ~vdev->offered) || !(vdev->acked & (1ULL << VIRTIO_F_VERSION_1)))) {
		pr_debug("%s: features %#llx refused", vdev->name,
			 (unsigned long long)vdev->acked);
		val &= ~VIRTIO_STATUS_FEATURES_OK;
	}
	/* NEEDS_RESET is the device's to set; the driver cannot clear it. */
	vdev->status = (val & ~VIRTIO_STATUS_NEEDS_RESET) | (old & VIRTIO_STATUS_NEEDS_RESET);
	if ((vdev->status & VIRTIO_STATUS_DRIVER_OK) && !(old & VIRTIO_STATUS_DRIVER_OK)) {
		if (vdev->ops->driver_ok)
			vdev->ops->driver_ok(vdev);
		/* Buffers the driver added before DRIVER_OK were kept waiting. */
		for (q = 0; q < vdev->nr_queues; q++)
			virtio__notify(vdev, q);
	}
}

static void addr_write(u64 *reg, bool hi, u32 val)
{
	*reg = hi ? (*reg & 0xffffffffULL) | (u64)val << 32 : (*reg & ~0xffffffffULL) | val;
}

static void common_write(struct virtio_dev *vdev, u32 off, u64 val, u32 len)
{
	struct virtio_queue *vq = NULL;

	if (vdev->queue_select < vdev->nr_queues)
		vq = &vdev->queues[vdev->queue_select];
	/* A 64-bit store to an address register is its two halves. */
	if (len == 8 && off >= VIRTIO_PCI_Q_DESCLO && off <= VIRTIO_PCI_Q_USEDLO && !(off & 7)) {
		common_write(vdev, off, (u32)val, 4);
		common_write(vdev, off + 4, val >> 32, 4);
		return;
	}
	switch (len << 8 | off) {
	case 4 << 8 | VIRTIO_PCI_DFSELECT:
		vdev->dfselect = val;
		return;
	case 4 << 8 | VIRTIO_PCI_GFSELECT:
		vdev->gfselect = val;
		return;
	case 4 << 8 | VIRTIO_PCI_GF:
		/* Fixed once FEATURES_OK is set (§3.1.1). */
		if (vdev->gfselect < 2 && !(vdev->status & VIRTIO_STATUS_FEATURES_OK))
			vdev->acked = (vdev->acked & ~(0xffffffffULL << (32 * vdev->gfselect))) |
				      val << (32 * vdev->gfselect);
		return;
	case 2 << 8 | VIRTIO_PCI_MSIX_CONFIG:
		vdev->msix_config = vector_or_none(vdev, val);
		return;
	case 1 << 8 | VIRTIO_PCI_STATUS:
		status_write(vdev, val);
		return;
	case 2 << 8 | VIRTIO_PCI_Q_SELECT:
		vdev->queue_select = val;
		return;
	}
	if (!vq)
		return;
	if (len == 2 && off == VIRTIO_PCI_Q_MSIX) {
		vq->msix_vector = vector_or_none(vdev, val);
		return;
	}
	/* The rest sets a queue up: only before it is enabled (§4.1.4.3.2). */
	if (vq->enabled)
		return;
	switch (len << 8 | off) {
	case 2 << 8 | VIRTIO_PCI_Q_SIZE:
		/* Split rings: a power of two, at most what we offered. */
		if (val && val <= vdev->queue_max && !(val & (val - 1)))
			vq->size = val;
		return;
	case 2 << 8 | VIRTIO_PCI_Q_ENABLE:
		if (val == 1 && (vdev->status & VIRTIO_STATUS_FEATURES_OK))
			queue_enable(vdev, vdev->queue_select);
		return;
	case 4 << 8 | VIRTIO_PCI_Q_DESCLO:
	case 4 << 8 | VIRTIO_PCI_Q_DESCHI:
		addr_write(&vq->desc, off == VIRTIO_PCI_Q_DESCHI, val);
		return;
	case 4 << 8 | VIRTIO_PCI_Q_AVAILLO:
	case 4 << 8 | VIRTIO_PCI_Q_AVAILHI:
		addr_write(&vq->driver, off == VIRTIO_PCI_Q_AVAILHI, val);
		return;
	case 4 << 8 | VIRTIO_PCI_Q_USEDLO:
	case 4 << 8 | VIRTIO_PCI_Q_USEDHI:
		addr_write(&vq->device, off == VIRTIO_PCI_Q_USEDHI, val);
		return;
	}
}

static void bar_read(void *opaque, u64 off, u8 *data, u32 len)
{
	struct virtio_dev *vdev = opaque;
	u8 img[VIRTIO_COMMON_LEN];

	memset(data, 0, len);
	if (off >= VIRTIO_ISR_OFF && off < VIRTIO_DEVCFG_OFF) {
		if (off == VIRTIO_ISR_OFF)
			data[0] = virtio__isr_read(vdev);
		return;
	}
	pthread_mutex_lock(&vdev->lock);
	if (off < VIRTIO_ISR_OFF) {
		if (off + len <= VIRTIO_COMMON_LEN) {
			common_image(vdev, img);
			memcpy(data, img + off, len);
		}
	} else if (off >= VIRTIO_DEVCFG_OFF && off < VIRTIO_NOTIFY_OFF) {
		off -= VIRTIO_DEVCFG_OFF;
		if (off + len <= vdev->config_size && vdev->ops->config_read)
			vdev->ops->config_read(vdev, off, data, len);
	}
	virtio__unlock(vdev);
}

static void bar_write(void *opaque, u64 off, const u8 *data, u32 len)
{
	struct virtio_dev *vdev = opaque;

	if (off >= VIRTIO_ISR_OFF && off < VIRTIO_DEVCFG_OFF)
		return;		/* the ISR is read-only */
	pthread_mutex_lock(&vdev->lock);
	if (off < VIRTIO_ISR_OFF) {
		common_write(vdev, off, get_le(data, len), len);
	} else if (off < VIRTIO_NOTIFY_OFF) {
		off -= VIRTIO_DEVCFG_OFF;
		if (off + len <= vdev->config_size && vdev->ops->config_write)
			vdev->ops->config_write(vdev, off, data, len);
	} else {
		/* Any store to queue q's address notifies q; the data says nothing. */
		off -= VIRTIO_NOTIFY_OFF;
		if (off < (u64)VIRTIO_NOTIFY_MULT * vdev->nr_queues) {
			virtio__stat_add(&vdev->stats.notify_mmio, 1);
			virtio__notify(vdev, off / VIRTIO_NOTIFY_MULT);
		}
	}
	virtio__unlock(vdev);
	if (vdev->ops->unlocked)
		vdev->ops->unlocked(vdev);
}

const struct mmio_ops virtio_bar_ops = {
	.read = bar_read,
	.write = bar_write,
};
