/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_VIRTIO_VIRTIO_H
#define PVM_VIRTIO_VIRTIO_H

/*
 * The modern virtio-pci transport (virtio 1.x §4.1; VERSION_1 only, no
 * legacy interface) on a PCI function of pvm's host bridge
 * (../shared/spec/virtio-pci-spapr.md §B, §C).
 *
 * A device fills the first block of struct virtio_dev and calls
 * virtio__init() from its module's init, virtio__start() from its start
 * and virtio__exit() from its exit. The transport serves the registers
 * and calls the device's ops with vdev->lock held:
 *
 *   BAR 4 (64-bit memory, 16 KiB)          BAR 1 (32-bit memory, 4 KiB)
 *   0x0000 common configuration            MSI-X table and PBA (PCI core)
 *   0x1000 ISR status
 *   0x2000 device-specific configuration
 *   0x3000 notify: queue q at 0x3000 + 4 q
 *
 * Queue notifications come as MMIO exits or, when the accelerator has
 * them, through a length-0 ioeventfd per queue served on the main event
 * loop. Interrupts go through pci__notify() (MSI-X, or INTx with the ISR),
 * or an irqfd per MSI-X vector when the accelerator has them.
 */
#include <pthread.h>

#include "devices/pci.h"
#include "pvm/types.h"
#include "virtio/virtqueue.h"

#define VIRTIO_PCI_VENDOR 0x1af4
#define VIRTIO_PCI_DEVICE_BASE 0x1040	/* + device type */

/* Device types (virtio 1.x §5). */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_RNG 4

/* Device status (§2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01
#define VIRTIO_STATUS_DRIVER 0x02
#define VIRTIO_STATUS_DRIVER_OK 0x04
#define VIRTIO_STATUS_FEATURES_OK 0x08
#define VIRTIO_STATUS_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED 0x80

/* Transport feature bits (§6). */
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_ACCESS_PLATFORM 33

#define VIRTIO_MSI_NO_VECTOR 0xffff
#define VIRTIO_ISR_QUEUE 0x1
#define VIRTIO_ISR_CONFIG 0x2

/* The layout of the virtio BAR. */
#define VIRTIO_BAR 4
#define VIRTIO_BAR_SIZE (16 * SZ_1K)
#define VIRTIO_COMMON_OFF 0x0000
#define VIRTIO_COMMON_LEN 0x38	/* struct virtio_pci_common_cfg */
#define VIRTIO_ISR_OFF 0x1000
#define VIRTIO_DEVCFG_OFF 0x2000
#define VIRTIO_DEVCFG_MAX 0x1000
#define VIRTIO_NOTIFY_OFF 0x3000
#define VIRTIO_NOTIFY_MULT 4
#define VIRTIO_MSIX_BAR 1

#define VIRTIO_MAX_QUEUES (PCI_MAX_MSIX - 1)	/* one vector each, plus config */

/* Common configuration registers (struct virtio_pci_common_cfg). */
#define VIRTIO_PCI_DFSELECT 0x00
#define VIRTIO_PCI_DF 0x04
#define VIRTIO_PCI_GFSELECT 0x08
#define VIRTIO_PCI_GF 0x0c
#define VIRTIO_PCI_MSIX_CONFIG 0x10
#define VIRTIO_PCI_NUM_QUEUES 0x12
#define VIRTIO_PCI_STATUS 0x14
#define VIRTIO_PCI_CFG_GENERATION 0x15
#define VIRTIO_PCI_Q_SELECT 0x16
#define VIRTIO_PCI_Q_SIZE 0x18
#define VIRTIO_PCI_Q_MSIX 0x1a
#define VIRTIO_PCI_Q_ENABLE 0x1c
#define VIRTIO_PCI_Q_NOFF 0x1e
#define VIRTIO_PCI_Q_DESCLO 0x20
#define VIRTIO_PCI_Q_DESCHI 0x24
#define VIRTIO_PCI_Q_AVAILLO 0x28
#define VIRTIO_PCI_Q_AVAILHI 0x2c
#define VIRTIO_PCI_Q_USEDLO 0x30
#define VIRTIO_PCI_Q_USEDHI 0x34

/* virtio_pci_cap.cfg_type */
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG 3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define VIRTIO_PCI_CAP_PCI_CFG 5

struct virtio_dev;

struct virtio_ops {
	/* Device-specific feature bits offered (the transport adds its own). */
	u64 (*features)(struct virtio_dev *vdev);
	/* Device config space, off + len <= config_size; NULL reads zeroes. */
	void (*config_read)(struct virtio_dev *vdev, u32 off, u8 *data, u32 len);
	void (*config_write)(struct virtio_dev *vdev, u32 off, const u8 *data, u32 len);
	/*
	 * The driver notified queue q (enabled, virtio__queue() is live): pop,
	 * serve, push, then virtio__queue_done().
	 */
	void (*queue_notify)(struct virtio_dev *vdev, unsigned int q);
	/* The driver set DRIVER_OK: the queues it enabled are live. */
	void (*driver_ok)(struct virtio_dev *vdev);
	/* The device was reset (status 0, PCI reset, reboot); queues are off. */
	void (*reset)(struct virtio_dev *vdev);
	/*
	 * After a guest access to the virtio BAR (an MMIO exit, on the vCPU
	 * that made it), once vdev->lock is dropped and its interrupts are
	 * sent: work that may wait on the host, such as the console's output,
	 * which must never hold vdev->lock nor run on the main loop.
	 */
	void (*unlocked)(struct virtio_dev *vdev);
};

/*
 * Counters a virtio device keeps for pvm stat (control "stats"), updated
 * with relaxed atomics and read without a lock. The transport counts
 * notifications and interrupts; the device its requests.
 */
struct virtio_stats {
	u64 notify_mmio;	/* queue notifications by MMIO exit */
	u64 notify_ioeventfd;	/* ... by ioeventfd (main loop or device thread) */
	u64 irq_irqfd;		/* interrupts sent through an irqfd */
	u64 irq_pci;		/* ... through the PCI core (MSI-X, its PBA, INTx) */
	u64 requests;		/* chains served */
	u64 bytes;		/* payload bytes moved, either way */
	u64 errors;		/* chains failed (bad chain, host I/O error) */
};

static inline void virtio__stat_add(u64 *counter, u64 n)
{
	__atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

struct virtio_queue {
	struct virtio_dev *dev;
	struct virtq vq;
	u16 size;		/* queue_size register */
	u16 msix_vector;
	bool enabled;
	bool broken;		/* the ring broke: nothing more until a reset */
	u64 desc, driver, device;
	int efd;		/* ioeventfd's eventfd, or -1 */
	int kick_fd;		/* set: the ioeventfd signals this one instead (vhost) */
	int ioevent_fd;		/* the eventfd assigned at ioevent_gpa */
	bool ioevent;		/* efd assigned at ioevent_gpa */
	u64 ioevent_gpa;
};

struct virtio_dev {
	/* Filled by the device before virtio__init(). */
	const char *name;	/* device-tree node name */
	u16 type;		/* VIRTIO_ID_* */
	const struct virtio_ops *ops;
	unsigned int nr_queues;	/* 1..VIRTIO_MAX_QUEUES */
	u16 queue_max;		/* largest queue size offered (a power of two) */
	u32 config_size;	/* device config bytes, <= VIRTIO_DEVCFG_MAX */
	/*
	 * Queues whose notifications must come as MMIO exits (no ioeventfd):
	 * their work then runs on the guest's vCPU, never on the main loop.
	 */
	u64 exit_queues;	/* bit q: queue q */
	void *priv;
	struct virtio_stats stats;

	/* The transport's. */
	struct pci_dev pci;
	struct vm *vm;
	pthread_mutex_t lock;	/* registers, queues, ops */
	u64 offered, acked;	/* features */
	u32 dfselect, gfselect;
	u16 msix_config, queue_select;
	u8 status, config_gen;
	struct virtio_queue *queues;
	bool on_loop;		/* the queue eventfds are on the event loop */
	bool bar_live;
	u64 bar_gpa;
	/* Interrupts waiting for vdev->lock to be dropped (see virtio/pci.c). */
	u64 pend_vectors;
	u8 pend_isr;
	bool pend_novector;
	bool pend_lower;
	/* INTx: the ISR and the line move together under intx_lock. */
	pthread_mutex_t intx_lock;
	u8 isr;
	/* irqfds per MSI-X vector, under irqfd_lock. */
	pthread_mutex_t irqfd_lock;
	int irqfd[PCI_MAX_MSIX];	/* eventfd, or -1 */
	int irqfd_gsi[PCI_MAX_MSIX];	/* the source it is assigned to, or -1 */
};

/* Set up the transport and register the PCI function. */
int virtio__init(struct vm *vm, struct virtio_dev *vdev);
/* Put the queue eventfds on the main event loop (module start). */
int virtio__start(struct virtio_dev *vdev);
/* Drop eventfds and state (module exit); safe after a failed init. */
void virtio__exit(struct virtio_dev *vdev);

/*
 * Outside the ops (e.g. host input arriving on the main loop): take
 * vdev->lock; virtio__unlock() drops it and sends the interrupts that
 * virtio__queue_done() asked for meanwhile. Never wait on the host between.
 */
void virtio__lock(struct virtio_dev *vdev);
void virtio__unlock(struct virtio_dev *vdev);

/* json-c: append {"name", "type", and the counters} to the array devices. */
struct json_object;
int virtio__stats_json(struct virtio_dev *vdev, const char *type, struct json_object *devices);

/* Under vdev->lock (in an op): queue q's ring, or NULL when off or broken. */
struct virtq *virtio__queue(struct virtio_dev *vdev, unsigned int q);
/* Under vdev->lock: q has new used entries; interrupt the driver if it asked. */
void virtio__queue_done(struct virtio_dev *vdev, unsigned int q);
/* Under vdev->lock: q's ring is broken; DEVICE_NEEDS_RESET and a config interrupt. */
void virtio__queue_broken(struct virtio_dev *vdev, unsigned int q);
/* Under vdev->lock: interrupt for queue q now (the device applied suppression itself). */
void virtio__queue_interrupt(struct virtio_dev *vdev, unsigned int q);
/*
 * Under vdev->lock, for a device whose queues another party serves (vhost):
 * queue q's notifications go to eventfd fd through KVM's ioeventfd instead
 * of pvm's main loop (fd -1: back to pvm). -ENODEV: the accelerator has no
 * ioeventfd, or the queue cannot have one now.
 */
int virtio__queue_redirect(struct virtio_dev *vdev, unsigned int q, int fd);
/* Under vdev->lock: the irqfd eventfd that interrupts on MSI-X vector v, or -1. */
int virtio__vector_irqfd(struct virtio_dev *vdev, unsigned int v);
/* Under vdev->lock: the device config changed. */
void virtio__config_changed(struct virtio_dev *vdev);
/*
 * A device thread of its own (virtio-blk's I/O thread) takes vdev->lock
 * itself to pop and push; it drops it with this, which then delivers the
 * interrupts virtio__queue_done() recorded (never under the lock).
 */
void virtio__unlock(struct virtio_dev *vdev);

#endif
