// SPDX-License-Identifier: GPL-2.0
/*
 * The modern virtio-pci transport (virtio 1.x §4.1, include/virtio/virtio.h):
 * the capabilities, the registers of the virtio BAR, queue notifications
 * and interrupts. Legacy (0.9.5) is not offered: every driver pvm's guests
 * run speaks VERSION_1, and a legacy BAR would need the guest's byte order.
 *
 * Locks, in the only order they nest:
 *   the PCI core's -> vdev->lock        (bar_mapped, msix_changed, reset)
 *   vdev->intx_lock -> the PCI core's   (pci__notify, pci__intx)
 *   any of these   -> vdev->irqfd_lock  (nothing is called under it but KVM)
 * vdev->lock is never held across a pci__*() call, so a device op that
 * wants an interrupt only records it (pend_*); unlock() delivers it after
 * dropping the lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "pvm/accel.h"
#include "pvm/event.h"
#include "pvm/log.h"
#include "pvm/vm.h"
#include "virtio/virtio.h"
#include "virtio-priv.h"

/* ---- interrupts ---- */

/*
 * Bring vector v's irqfd in line with its XICS source now (the guest may
 * have allocated, enabled or freed MSI-X since); true if it may be fired.
 */
static bool irqfd_sync(struct virtio_dev *vdev, unsigned int v)
{
	int gsi, old;
	bool ok;

	if (v >= vdev->pci.msix_vectors || vdev->irqfd[v] < 0)
		return false;
	gsi = pci__msix_irq(&vdev->pci, v);
	pthread_mutex_lock(&vdev->irqfd_lock);
	old = vdev->irqfd_gsi[v];
	if (old != gsi) {
		if (old >= 0)
			accel__irqfd(vdev->vm, old, vdev->irqfd[v], -1, false);
		vdev->irqfd_gsi[v] = -1;
		if (gsi >= 0 && !accel__irqfd(vdev->vm, gsi, vdev->irqfd[v], -1, true))
			vdev->irqfd_gsi[v] = gsi;
	}
	ok = gsi >= 0 && vdev->irqfd_gsi[v] == gsi;
	pthread_mutex_unlock(&vdev->irqfd_lock);
	return ok;
}

void virtio__irqfd_drop(struct virtio_dev *vdev)
{
	unsigned int v;

	pthread_mutex_lock(&vdev->irqfd_lock);
	for (v = 0; v < PCI_MAX_MSIX; v++) {
		if (vdev->irqfd_gsi[v] >= 0)
			accel__irqfd(vdev->vm, vdev->irqfd_gsi[v], vdev->irqfd[v], -1, false);
		vdev->irqfd_gsi[v] = -1;
	}
	pthread_mutex_unlock(&vdev->irqfd_lock);
}

static void signal_vector(struct virtio_dev *vdev, unsigned int v)
{
	u64 one = 1;

	if (irqfd_sync(vdev, v) && write(vdev->irqfd[v], &one, sizeof(one)) == sizeof(one)) {
		virtio__stat_add(&vdev->stats.irq_irqfd, 1);
		return;
	}
	/* MSI-X (or its PBA while masked), else INTx: the core decides. */
	virtio__stat_add(&vdev->stats.irq_pci, 1);
	pci__notify(&vdev->pci, v);
}

void virtio__lock(struct virtio_dev *vdev)
{
	pthread_mutex_lock(&vdev->lock);
}

/* Drop vdev->lock, then deliver what the ops asked for while it was held. */
void virtio__unlock(struct virtio_dev *vdev)
{
	u64 vectors = vdev->pend_vectors;
	bool novector = vdev->pend_novector, lower = vdev->pend_lower;
	u8 isr = vdev->pend_isr;
	unsigned int v;

	vdev->pend_vectors = 0;
	vdev->pend_isr = 0;
	vdev->pend_novector = vdev->pend_lower = false;
	pthread_mutex_unlock(&vdev->lock);

	if (!lower && !isr)
		return;
	/* The ISR and the INTx level change together (the ISR read lowers it). */
	pthread_mutex_lock(&vdev->intx_lock);
	if (lower) {
		__atomic_store_n(&vdev->isr, 0, __ATOMIC_SEQ_CST);
		pci__intx(&vdev->pci, false);
	}
	if (isr) {
		__atomic_fetch_or(&vdev->isr, isr, __ATOMIC_SEQ_CST);
		for (v = 0; v < PCI_MAX_MSIX; v++)
			if (vectors & (1ULL << v))
				signal_vector(vdev, v);
		if (novector) {
			virtio__stat_add(&vdev->stats.irq_pci, 1);
			pci__notify(&vdev->pci, VIRTIO_MSI_NO_VECTOR);
		}
	}
	pthread_mutex_unlock(&vdev->intx_lock);
}

u8 virtio__isr_read(struct virtio_dev *vdev)
{
	u8 isr;

	/* §4.1.4.5: reading clears it and deasserts INTx. */
	pthread_mutex_lock(&vdev->intx_lock);
	isr = __atomic_exchange_n(&vdev->isr, 0, __ATOMIC_SEQ_CST);
	if (isr)
		pci__intx(&vdev->pci, false);
	pthread_mutex_unlock(&vdev->intx_lock);
	return isr;
}

static void pend(struct virtio_dev *vdev, u16 vector, u8 isr)
{
	vdev->pend_isr |= isr;
	if (vector < PCI_MAX_MSIX)
		vdev->pend_vectors |= 1ULL << vector;
	else
		vdev->pend_novector = true;
}

void virtio__queue_done(struct virtio_dev *vdev, unsigned int q)
{
	struct virtio_queue *vq = &vdev->queues[q];

	if (virtq__should_notify(&vq->vq))
		pend(vdev, vq->msix_vector, VIRTIO_ISR_QUEUE);
}

void virtio__queue_interrupt(struct virtio_dev *vdev, unsigned int q)
{
	if (q < vdev->nr_queues)
		pend(vdev, vdev->queues[q].msix_vector, VIRTIO_ISR_QUEUE);
}

int virtio__vector_irqfd(struct virtio_dev *vdev, unsigned int v)
{
	return irqfd_sync(vdev, v) ? vdev->irqfd[v] : -1;
}

void virtio__config_changed(struct virtio_dev *vdev)
{
	vdev->config_gen++;
	if (vdev->status & VIRTIO_STATUS_DRIVER_OK)
		pend(vdev, vdev->msix_config, VIRTIO_ISR_CONFIG);
}

void virtio__queue_broken(struct virtio_dev *vdev, unsigned int q)
{
	struct virtio_queue *vq = &vdev->queues[q];

	if (vq->broken)
		return;
	pr_warn("%s: queue %u broken by the guest; the device needs a reset", vdev->name, q);
	/*
	 * Kicks of a broken queue are ignored (virtio__notify()); its ioeventfd
	 * goes at the reset, on a vCPU thread: this may run on a device's I/O
	 * thread, whose sandbox has no KVM_IOEVENTFD.
	 */
	vq->broken = true;
	vdev->status |= VIRTIO_STATUS_NEEDS_RESET;
	virtio__config_changed(vdev);
}

struct virtq *virtio__queue(struct virtio_dev *vdev, unsigned int q)
{
	struct virtio_queue *vq;

	if (q >= vdev->nr_queues)
		return NULL;
	vq = &vdev->queues[q];
	return vq->enabled && !vq->broken ? &vq->vq : NULL;
}

/* ---- notifications ---- */

/* Under vdev->lock: the driver kicked q. Before DRIVER_OK buffers wait (§3.1.1). */
void virtio__notify(struct virtio_dev *vdev, unsigned int q)
{
	if (q >= vdev->nr_queues || !(vdev->status & VIRTIO_STATUS_DRIVER_OK) ||
	    (vdev->status & VIRTIO_STATUS_NEEDS_RESET) || !virtio__queue(vdev, q))
		return;
	if (vdev->ops->queue_notify)
		vdev->ops->queue_notify(vdev, q);
}

/*
 * Under vdev->lock: queue q's ioeventfd where it should be: assigned at its
 * notify address while the BAR decodes and the queue runs, else not.
 */
void virtio__ioevent(struct virtio_dev *vdev, unsigned int q)
{
	struct virtio_queue *vq = &vdev->queues[q];
	u64 gpa = vdev->bar_gpa + VIRTIO_NOTIFY_OFF + VIRTIO_NOTIFY_MULT * q;
	bool want = vdev->on_loop && vdev->bar_live && vq->enabled && !vq->broken &&
		    !(vdev->exit_queues & (1ULL << q));
	int fd = vq->kick_fd >= 0 ? vq->kick_fd : vq->efd;
	int ret;

	if (vq->ioevent && (!want || vq->ioevent_gpa != gpa || vq->ioevent_fd != fd)) {
		accel__ioeventfd(vdev->vm, vq->ioevent_gpa, 0, false, 0, vq->ioevent_fd, false);
		vq->ioevent = false;
	}
	if (!want || vq->ioevent)
		return;
	/* Length 0: KVM's fast MMIO path, no instruction fetch (spec §C.3). */
	ret = accel__ioeventfd(vdev->vm, gpa, 0, false, 0, fd, true);
	if (ret) {
		pr_warn("%s: no ioeventfd for queue %u (%d); notifications exit instead",
			vdev->name, q, ret);
		return;
	}
	vq->ioevent = true;
	vq->ioevent_gpa = gpa;
	vq->ioevent_fd = fd;
}

/* Main loop: a queue's ioeventfd fired. */
static void ioevent_fired(struct vm *vm __unused, int fd, u32 events __unused, void *data)
{
	struct virtio_queue *vq = data;
	struct virtio_dev *vdev = vq->dev;
	u64 cnt;

	if (read(fd, &cnt, sizeof(cnt)) != sizeof(cnt))
		return;
	virtio__stat_add(&vdev->stats.notify_ioeventfd, 1);
	pthread_mutex_lock(&vdev->lock);
	virtio__notify(vdev, vq - vdev->queues);
	virtio__unlock(vdev);
}

int virtio__queue_redirect(struct virtio_dev *vdev, unsigned int q, int fd)
{
	struct virtio_queue *vq = &vdev->queues[q];

	if (q >= vdev->nr_queues || vq->efd < 0)
		return -ENODEV;
	if (vq->ioevent) {
		accel__ioeventfd(vdev->vm, vq->ioevent_gpa, 0, false, 0, vq->ioevent_fd, false);
		vq->ioevent = false;
	}
	vq->kick_fd = fd;
	virtio__ioevent(vdev, q);
	return fd < 0 || vq->ioevent ? 0 : -ENODEV;
}

/* ---- PCI callbacks ---- */

static struct virtio_dev *to_vdev(struct pci_dev *d)
{
	return d->priv;
}

static void bar_mapped(struct pci_dev *d, unsigned int bar, u64 gpa, bool mapped)
{
	struct virtio_dev *vdev = to_vdev(d);
	unsigned int q;

	if (bar != VIRTIO_BAR)
		return;
	pthread_mutex_lock(&vdev->lock);
	vdev->bar_live = mapped;
	vdev->bar_gpa = gpa;
	for (q = 0; q < vdev->nr_queues; q++)
		virtio__ioevent(vdev, q);
	pthread_mutex_unlock(&vdev->lock);
}

static void msix_changed(struct pci_dev *d)
{
	struct virtio_dev *vdev = to_vdev(d);
	unsigned int v;

	for (v = 0; v < d->msix_vectors; v++)
		irqfd_sync(vdev, v);
}

static void pci_reset(struct pci_dev *d)
{
	struct virtio_dev *vdev = to_vdev(d);

	pthread_mutex_lock(&vdev->lock);
	virtio__reset(vdev);
	/* The core resets the INTx line itself; never call into it from here. */
	vdev->pend_lower = false;
	__atomic_store_n(&vdev->isr, 0, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&vdev->lock);
}

static const struct pci_dev_ops virtio_pci_ops = {
	.bar_mapped = bar_mapped,
	.msix_changed = msix_changed,
	.reset = pci_reset,
};

/* ---- set-up ---- */

/*
 * pci__add_cap() takes the body after the capability ID and next pointer:
 * struct virtio_pci_cap from cap_len on.
 */
static int add_cap(struct virtio_dev *vdev, u8 type, u32 off, u32 len, u32 extra_len,
		   const void *extra)
{
	u8 body[20 - 2] = { 0 };
	u32 v;

	body[0] = 16 + extra_len;	/* cap_len, counting ID and next */
	body[1] = type;			/* cfg_type */
	body[2] = type == VIRTIO_PCI_CAP_PCI_CFG ? 0 : VIRTIO_BAR;
	v = htole32(off);
	memcpy(body + 6, &v, 4);
	v = htole32(len);
	memcpy(body + 10, &v, 4);
	if (extra_len)
		memcpy(body + 14, extra, extra_len);
	return pci__add_cap(&vdev->pci, PCI_CAP_ID_VNDR, body, 14 + extra_len);
}

static u32 class_of(u16 type)
{
	switch (type) {
	case VIRTIO_ID_NET:
		return 0x020000;	/* Ethernet controller */
	case VIRTIO_ID_BLOCK:
		return 0x010000;	/* SCSI storage, as QEMU's virtio-blk-pci */
	case VIRTIO_ID_CONSOLE:
		return 0x078000;	/* other communication controller */
	default:
		return 0xff0000;	/* unclassified, as QEMU's virtio-rng-pci */
	}
}

static int add_caps(struct virtio_dev *vdev)
{
	u32 mult = htole32(VIRTIO_NOTIFY_MULT), zero = 0;
	int ret;

	ret = add_cap(vdev, VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_COMMON_OFF, VIRTIO_COMMON_LEN, 0,
		      NULL);
	if (ret >= 0)
		ret = add_cap(vdev, VIRTIO_PCI_CAP_NOTIFY_CFG, VIRTIO_NOTIFY_OFF,
			      VIRTIO_NOTIFY_MULT * vdev->nr_queues, 4, &mult);
	if (ret >= 0)
		ret = add_cap(vdev, VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_ISR_OFF, 1, 0, NULL);
	if (ret >= 0 && vdev->config_size)
		ret = add_cap(vdev, VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_DEVCFG_OFF,
			      vdev->config_size, 0, NULL);
	/*
	 * §4.1.4.7 wants it; pci_cfg_data does not reach the BAR yet (the
	 * PCI core gives devices no config-space hook) and Linux never uses it.
	 */
	if (ret >= 0)
		ret = add_cap(vdev, VIRTIO_PCI_CAP_PCI_CFG, 0, 0, 4, &zero);
	return ret < 0 ? ret : 0;
}

static int make_eventfds(struct virtio_dev *vdev)
{
	unsigned int i;

	for (i = 0; i < PCI_MAX_MSIX; i++)
		vdev->irqfd[i] = vdev->irqfd_gsi[i] = -1;
	for (i = 0; i < vdev->nr_queues; i++) {
		vdev->queues[i].dev = vdev;
		vdev->queues[i].efd = -1;
		vdev->queues[i].kick_fd = -1;
	}
	if (accel__has_cap(vdev->vm, ACCEL_CAP_IOEVENTFD)) {
		for (i = 0; i < vdev->nr_queues; i++) {
			vdev->queues[i].efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
			if (vdev->queues[i].efd < 0)
				return -errno;
		}
	}
	if (accel__has_cap(vdev->vm, ACCEL_CAP_IRQFD)) {
		for (i = 0; i < vdev->pci.msix_vectors; i++) {
			vdev->irqfd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
			if (vdev->irqfd[i] < 0)
				return -errno;
		}
	}
	return 0;
}

int virtio__init(struct vm *vm, struct virtio_dev *vdev)
{
	struct pci_dev *d = &vdev->pci;
	int ret;

	if (!vdev->ops || !vdev->nr_queues || vdev->nr_queues > VIRTIO_MAX_QUEUES ||
	    !vdev->queue_max || vdev->queue_max > VIRTQ_MAX_SIZE ||
	    (vdev->queue_max & (vdev->queue_max - 1)) || vdev->config_size > VIRTIO_DEVCFG_MAX)
		return -EINVAL;
	vdev->vm = vm;
	pthread_mutex_init(&vdev->lock, NULL);
	pthread_mutex_init(&vdev->intx_lock, NULL);
	pthread_mutex_init(&vdev->irqfd_lock, NULL);
	vdev->queues = calloc(vdev->nr_queues, sizeof(*vdev->queues));
	if (!vdev->queues)
		return -ENOMEM;

	*d = (struct pci_dev){
		.name = vdev->name,
		.vendor_id = VIRTIO_PCI_VENDOR,
		.device_id = VIRTIO_PCI_DEVICE_BASE + vdev->type,
		.subsys_vendor_id = VIRTIO_PCI_VENDOR,
		.subsys_id = vdev->type,
		.class_code = class_of(vdev->type),
		.revision = 1,	/* §4.1.2.1: a modern-only device */
		.msix_vectors = vdev->nr_queues + 1,
		.msix_bar = VIRTIO_MSIX_BAR,
		.ops = &virtio_pci_ops,
		.priv = vdev,
	};
	d->bar[VIRTIO_BAR] = (struct pci_bar){ .size = VIRTIO_BAR_SIZE, .mem64 = true,
					       .ops = &virtio_bar_ops, .opaque = vdev };
	d->bar[VIRTIO_MSIX_BAR] = (struct pci_bar){ .size = SZ_4K };

	ret = make_eventfds(vdev);
	if (ret)
		return ret;
	/* Never ACCESS_PLATFORM (descriptors are guest physical, spec §B.9). */
	vdev->offered = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_RING_F_INDIRECT_DESC) |
			(1ULL << VIRTIO_RING_F_EVENT_IDX);
	if (vdev->ops->features)
		vdev->offered |= vdev->ops->features(vdev) & ~(1ULL << VIRTIO_F_ACCESS_PLATFORM);
	virtio__reset(vdev);
	vdev->pend_lower = false;
	ret = add_caps(vdev);
	if (ret)
		return ret;
	return pci__register(vm, d);
}

int virtio__start(struct virtio_dev *vdev)
{
	unsigned int q;
	int ret;

	for (q = 0; q < vdev->nr_queues; q++) {
		if (vdev->queues[q].efd < 0)
			return 0;
		ret = event__add(vdev->vm, vdev->queues[q].efd, EPOLLIN, ioevent_fired,
				 &vdev->queues[q]);
		if (ret) {
			while (q--)
				event__del(vdev->vm, vdev->queues[q].efd);
			pr_warn("%s: queue notifications stay on MMIO exits (%d)", vdev->name, ret);
			return 0;
		}
	}
	pthread_mutex_lock(&vdev->lock);
	vdev->on_loop = true;
	for (q = 0; q < vdev->nr_queues; q++)
		virtio__ioevent(vdev, q);
	pthread_mutex_unlock(&vdev->lock);
	return 0;
}

void virtio__exit(struct virtio_dev *vdev)
{
	unsigned int i;

	if (!vdev->queues)
		return;
	/* Off the bus first: no BAR handler or core callback reaches us after. */
	pci__unregister(&vdev->pci);
	for (i = 0; i < vdev->nr_queues; i++) {
		struct virtio_queue *vq = &vdev->queues[i];

		if (vq->ioevent)
			accel__ioeventfd(vdev->vm, vq->ioevent_gpa, 0, false, 0, vq->ioevent_fd,
					 false);
		if (vq->efd >= 0) {
			if (vdev->on_loop)
				event__del(vdev->vm, vq->efd);
			close(vq->efd);
		}
	}
	virtio__irqfd_drop(vdev);
	for (i = 0; i < PCI_MAX_MSIX; i++)
		if (vdev->irqfd[i] >= 0)
			close(vdev->irqfd[i]);
	free(vdev->queues);
	vdev->queues = NULL;
	pthread_mutex_destroy(&vdev->lock);
	pthread_mutex_destroy(&vdev->intx_lock);
	pthread_mutex_destroy(&vdev->irqfd_lock);
}
