/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_DEVICES_PCI_H
#define PVM_DEVICES_PCI_H

/*
 * PCI functions behind pvm's host bridge (../shared/spec/virtio-pci-spapr.md
 * §B). A device (virtio/, devices/) fills a struct pci_dev — IDs, class,
 * capabilities, BAR sizes and handlers, MSI-X vector count — and registers
 * it from its module's init; the PCI core (devices/pci*.c) owns the config
 * space semantics (header, BAR sizing and moves, COMMAND decode bits, the
 * capability list), the MSI-X table and PBA, INTx, and tells the device
 * where its BARs are so it can move its ioeventfds along. The sPAPR host
 * bridge (papr/) publishes every registered function in the device tree and
 * serves the RTAS config and MSI calls through this interface.
 *
 * Config space is kept as the bus sees it: little-endian bytes.
 */
#include "pvm/mmio.h"
#include "pvm/types.h"

struct vm;
struct pci_dev;

#define PCI_CFG_SIZE 256	/* conventional config space; no extended space */
#define PCI_NR_BARS 6
#define PCI_MAX_DEVICES 31	/* bus 0, devices 1..31, function 0 */
#define PCI_MAX_MSIX 64		/* vectors per function */

/* Config space offsets and bits the core and devices share. */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define  PCI_COMMAND_MEMORY 0x0002
#define  PCI_COMMAND_MASTER 0x0004
#define  PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS 0x06
#define  PCI_STATUS_INTERRUPT 0x0008
#define  PCI_STATUS_CAP_LIST 0x0010
#define PCI_REVISION_ID 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_HEADER_TYPE 0x0e
#define PCI_BASE_ADDRESS_0 0x10
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d
#define PCI_CAP_ID_VNDR 0x09
#define PCI_CAP_ID_MSIX 0x11

struct pci_bar {
	u64 size;		/* a power of two >= 4 KiB; 0: no BAR */
	bool mem64;		/* a 64-bit memory BAR (takes two BAR slots) */
	/* Accesses inside the BAR while it decodes; offsets from its start. */
	const struct mmio_ops *ops;
	void *opaque;
};

struct pci_dev_ops {
	/*
	 * The BAR now decodes at gpa (mapped) or stopped decoding (the guest
	 * cleared COMMAND.MEMORY, or is moving it). Devices move their
	 * ioeventfds here. Called on the thread that wrote config space.
	 */
	void (*bar_mapped)(struct pci_dev *d, unsigned int bar, u64 gpa, bool mapped);
	/*
	 * The MSI-X vectors' XICS sources changed (ibm,change-msi): devices
	 * with irqfds re-register them (pci__msix_irq()).
	 */
	void (*msix_changed)(struct pci_dev *d);
	/* Device reset: FLR-like, and at a guest reboot before the tree is rebuilt. */
	void (*reset)(struct pci_dev *d);
};

struct pci_dev {
	/* Filled by the device before pci__register(). */
	const char *name;	/* device-tree node name, e.g. "rng" */
	u16 vendor_id, device_id, subsys_vendor_id, subsys_id;
	u32 class_code;		/* class << 16 | subclass << 8 | prog-if */
	u8 revision;
	struct pci_bar bar[PCI_NR_BARS];
	unsigned int msix_vectors;	/* 0: no MSI-X */
	unsigned int msix_bar;		/* BAR the PCI core uses for table + PBA */
	const struct pci_dev_ops *ops;
	void *priv;

	/* Set by the PCI core. */
	struct vm *vm;
	unsigned int devfn;	/* dev << 3 | fn */
	u8 cfg[PCI_CFG_SIZE];
	u8 cap_end;		/* where the next capability goes */
	int intx_irq;		/* its level-sensitive XICS source, or < 0 */
	int msix_base;		/* first of msix_vectors contiguous edge sources, or < 0 */
	unsigned int msix_alloc;	/* vectors the guest allocated (ibm,change-msi) */
	u64 bar_gpa[PCI_NR_BARS];	/* where each BAR decodes now, if mapped */
	bool bar_live[PCI_NR_BARS];
	void *core;		/* the PCI core's per-function state (MSI-X) */
};

/* The device adds a capability before registering; returns its offset or -ENOSPC. */
int pci__add_cap(struct pci_dev *d, u8 id, const void *body, u8 len);
/* Publish the function on bus 0 (from a module's init). */
int pci__register(struct vm *vm, struct pci_dev *d);

/*
 * Signal vector v: through MSI-X when the guest enabled it (held in the PBA
 * while masked), else INTx (level until the device lowers it).
 */
int pci__notify(struct pci_dev *d, unsigned int v);
int pci__intx(struct pci_dev *d, bool level);
/* Vector v's XICS source while MSI-X is allocated, enabled and usable; else -1. */
int pci__msix_irq(struct pci_dev *d, unsigned int v);

/*
 * For the host bridge (papr/). Bus addresses in a window decode at
 * gpa + (addr - bus); BARs outside every window do not decode.
 */
int pci__add_window(struct vm *vm, u64 bus, u64 gpa, u64 size, bool mem64);
struct pci_dev *pci__find(struct vm *vm, unsigned int devfn);
struct pci_dev *pci__nth(struct vm *vm, unsigned int i);
int pci__config_read(struct pci_dev *d, u32 off, u32 len, u32 *val);
int pci__config_write(struct pci_dev *d, u32 off, u32 len, u32 val);
/*
 * ibm,change-msi: the function's MSI-X vectors [0, n) get their XICS
 * sources (a contiguous block the core allocated at registration); n = 0
 * frees them. Returns how many were given (<= msix_vectors) or -errno.
 */
int pci__msix_alloc(struct pci_dev *d, unsigned int n);
/* ibm,query-interrupt-source-number: vector v's source, or -1. */
int pci__msix_source(struct pci_dev *d, unsigned int v);

#endif
