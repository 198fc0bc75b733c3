/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal modern virtio-pci driver for the payloads (lib/virtio.c): the
 * function found in the device tree, its virtio BAR placed in the PHB's
 * 64-bit window, the capabilities walked, the init done by MMIO, and split
 * rings of VQ_SIZE entries polled (no interrupts). One device per payload:
 * its registers are in the global vio.
 */
#ifndef BM_VIRTIO_H
#define BM_VIRTIO_H

#include "rt.h"

#define VIRTIO_VENDOR 0x1af4

/* virtio_pci_cap (virtio 1.x §4.1.4) */
#define CAP_COMMON 1
#define CAP_NOTIFY 2
#define CAP_ISR 3
#define CAP_DEVICE 4

/* common configuration */
#define DFSELECT 0x00
#define DF 0x04
#define GFSELECT 0x08
#define GF 0x0c
#define NUM_QUEUES 0x12
#define STATUS 0x14
#define Q_SELECT 0x16
#define Q_SIZE 0x18
#define Q_ENABLE 0x1c
#define Q_NOFF 0x1e
#define Q_DESC 0x20
#define Q_AVAIL 0x28
#define Q_USED 0x30

#define S_ACK 0x01
#define S_DRIVER 0x02
#define S_DRIVER_OK 0x04
#define S_FEATURES_OK 0x08
#define S_NEEDS_RESET 0x40
#define S_RUNNING (S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK)

#define F_INDIRECT_DESC (1UL << 28)
#define F_EVENT_IDX (1UL << 29)
#define F_VERSION_1 (1UL << 32)
#define F_ACCESS_PLATFORM (1UL << 33)

#define D_NEXT 1
#define D_WRITE 2
#define D_INDIRECT 4

#define OUTSIDE 0xff00000000UL	/* 1020 GiB: far beyond any RAM here */

#define VQ_SIZE 64
struct vdesc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};
struct used_elem {
	u32 id, len;
};

/* One split virtqueue of VQ_SIZE entries and the driver's view of it. */
struct vring {
	struct vdesc desc[VQ_SIZE] __attribute__((aligned(16)));
	struct {
		u16 flags, idx, ring[VQ_SIZE], used_event;
	} avail __attribute__((aligned(16)));
	struct {
		u16 flags, idx;
		struct used_elem ring[VQ_SIZE];
		u16 avail_event;
	} used __attribute__((aligned(16)));
	u16 q;			/* queue index */
	u16 next_avail, last_used;
	u64 notify;		/* its notify address (vio_queue_setup) */
};

struct vio {
	struct pci_fn fn;
	u64 bar, bar_size;
	u64 common, isr, devcfg, notify_base;
	u32 notify_mult;
};
extern struct vio vio;

/* RAM from /memory (pvm: one range from 0); 0 if it is not that. */
u64 fdt_ram_size(void);

/*
 * Find the 1af4:device function, place BAR 4, enable memory and bus
 * mastering, walk the virtio capabilities and reset the device, reporting
 * each step as a TAP line; false if the device cannot be driven.
 */
bool vio_setup(u16 device);

u8 vio_status(void);
void vio_set_status(u8 v);
u64 vio_features(void);		/* offered */
/* reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK: true if it stuck */
bool vio_negotiate(u64 f);
bool vio_wait_status_bit(u8 bit, unsigned int ms);
/* Queue q's offered size register. */
u16 vio_queue_max(u16 q);
/* Queue r->q: size VQ_SIZE, these ring addresses, enable; sets r->notify. */
void vio_queue_setup(struct vring *r, u64 desc, u64 avail, u64 used);
/* Zero r's rings and indices (NO_INTERRUPT set: we poll), then set it up at its own rings. */
void vring_init(struct vring *r, u16 q);
void vring_clear(struct vring *r, u16 q);	/* the first half only */

void vring_put(struct vring *r, u16 i, const void *addr, u32 len, u16 flags, u16 next);
void vring_add(struct vring *r, u16 head);	/* to the avail ring, not yet published */
void vring_publish(struct vring *r);		/* avail idx, then notify */
void vring_kick(struct vring *r, u16 head);	/* add + publish */
/* The next used element within ms; false if none came. */
bool vring_wait(struct vring *r, unsigned int ms, struct used_elem *e);
bool vring_pending(struct vring *r);		/* a used element is waiting */
/* True if nothing comes back for ms. */
bool vring_quiet(struct vring *r, unsigned int ms);

/*
 * Rings a device must refuse when the queue is enabled (DEVICE_NEEDS_RESET
 * at once): vring_init_bad(r, q, i) clears r and sets queue q up with one
 * of its rings where bad_rings[i] says.
 */
struct bad_ring {
	const char *what;
	int which;	/* 0 desc, 1 avail, 2 used */
	u64 addr;	/* 0: the end of RAM minus 512 bytes; 1: the table + 8 */
};
extern const struct bad_ring bad_rings[];
extern const unsigned int nr_bad_rings;
void vring_init_bad(struct vring *r, u16 q, unsigned int i);

#endif
