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
struct module;

#define PCI_CFG_SIZE 256	/* conventional config space; no extended space */
#define PCI_NR_BARS 6
#define PCI_MAX_DEVICES 31	/* bus 0, devices 1..31, function 0 */
#define PCI_MAX_MSIX 64		/* vectors per function */

/* Config space offsets and bits the core and devices share. */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define  PCI_COMMAND_IO 0x0001
#define  PCI_COMMAND_MEMORY 0x0002
#define  PCI_COMMAND_MASTER 0x0004
#define  PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS 0x06
#define  PCI_STATUS_INTERRUPT 0x0008
#define  PCI_STATUS_CAP_LIST 0x0010
#define PCI_REVISION_ID 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_CACHE_LINE_SIZE 0x0c
#define PCI_LATENCY_TIMER 0x0d
#define PCI_HEADER_TYPE 0x0e
#define PCI_BASE_ADDRESS_0 0x10
#define  PCI_BASE_ADDRESS_MEM_TYPE_64 0x04
#define  PCI_BASE_ADDRESS_MEM_PREFETCH 0x08
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d
#define PCI_CAP_ID_VNDR 0x09
#define PCI_CAP_ID_MSIX 0x11
#define PCI_CAP_START 0x40	/* the first capability goes here */

/* MSI-X capability (cap offset +): message control, table and PBA offset/BIR. */
#define PCI_MSIX_FLAGS 2
#define  PCI_MSIX_FLAGS_QSIZE 0x07ff
#define  PCI_MSIX_FLAGS_MASKALL 0x4000
#define  PCI_MSIX_FLAGS_ENABLE 0x8000
#define PCI_MSIX_TABLE 4
#define PCI_MSIX_PBA 8
#define PCI_MSIX_CAP_SIZE 12
/* An entry of the MSI-X table: address lo/hi, data, vector control (bit 0: masked). */
#define PCI_MSIX_ENTRY_SIZE 16
#define PCI_MSIX_ENTRY_DATA 8
#define PCI_MSIX_ENTRY_CTRL 12
#define  PCI_MSIX_ENTRY_CTRL_MASKBIT 0x1
/*
 * Where the core puts the table and the PBA inside msix_bar: the table at
 * 0, the PBA at 0x800; the core serves the BAR's first PCI_MSIX_REGION
 * bytes, the device's ops (if any) get the rest, offsets from the BAR start.
 */
#define PCI_MSIX_TABLE_OFFSET 0x000
#define PCI_MSIX_PBA_OFFSET 0x800
#define PCI_MSIX_REGION 0x1000
/* What the table's address words read: QEMU's MSI window (the guest never writes it). */
#define PCI_MSIX_ADDR 0x40000000000ULL

struct pci_bar {
	u64 size;		/* a power of two >= 4 KiB; 0: no BAR */
	bool mem64;		/* a 64-bit memory BAR (takes two BAR slots) */
	/* Accesses inside the BAR while it decodes; offsets from its start. */
	const struct mmio_ops *ops;
	void *opaque;
};

/*
 * Locking: bar_mapped, msix_changed, cfg_read and cfg_write run with the
 * function's config lock held (the core holds it across BAR moves), so
 * they must not call pci__config_*() or pci__msix_alloc(); pci__msix_irq(),
 * pci__notify() and pci__intx() are fine anywhere, BAR handlers included.
 * BAR handlers run with the MMIO bus read-locked and must not call
 * pci__config_*() either (a config write may be waiting for the bus).
 */
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
	/*
	 * Optional: config accesses at PCI_CAP_START or above outside the
	 * MSI-X capability, i.e. in the device's own capabilities, which the
	 * core keeps read-only. cfg_read runs before the core reads d->cfg
	 * (to refresh, e.g. VIRTIO_PCI_CAP_PCI_CFG's data), cfg_write gets
	 * the guest's write (the device updates d->cfg itself). Both run
	 * with the function's config lock held: no pci__config_*() inside.
	 */
	void (*cfg_read)(struct pci_dev *d, u32 off, u32 len);
	void (*cfg_write)(struct pci_dev *d, u32 off, u32 len, u32 val);
};

struct pci_dev {
	/* Filled by the device before pci__register(). */
	const char *name;	/* device-tree node name, e.g. "rng" */
	u16 vendor_id, device_id, subsys_vendor_id, subsys_id;
	u32 class_code;		/* class << 16 | subclass << 8 | prog-if */
	u8 revision;
	struct pci_bar bar[PCI_NR_BARS];
	unsigned int msix_vectors;	/* 0: no MSI-X; at most PCI_MAX_MSIX */
	/*
	 * BAR the PCI core uses for table + PBA (its first PCI_MSIX_REGION
	 * bytes). If its size is 0 the core makes it a 4 KiB 32-bit BAR of
	 * its own.
	 */
	unsigned int msix_bar;
	const struct pci_dev_ops *ops;
	void *priv;

	/* Set by the PCI core. */
	struct vm *vm;
	unsigned int devfn;	/* dev << 3 | fn */
	u8 cfg[PCI_CFG_SIZE];
	u8 cap_end;		/* where the next capability goes */
	int intx_irq;		/* its level-sensitive XICS source, or < 0 (no XICS) */
	int msix_base;		/* first of msix_vectors contiguous edge sources, or < 0 */
	unsigned int msix_alloc;	/* vectors the guest allocated (ibm,change-msi) */
	u64 bar_gpa[PCI_NR_BARS];	/* where each BAR decodes now, if mapped */
	bool bar_live[PCI_NR_BARS];
	void *core;		/* the PCI core's per-function state (MSI-X) */
};

/*
 * The device adds a capability before registering; returns its offset or
 * -ENOSPC. body is what follows the ID and next bytes (len bytes), as the
 * bus sees it. The MSI-X capability is the core's: it adds it at
 * pci__register() when msix_vectors is set.
 */
int pci__add_cap(struct pci_dev *d, u8 id, const void *body, u8 len);
/*
 * Publish the function on bus 0 (from a module's init, before the host
 * bridge's module in the machine table): -EINVAL for a bad description,
 * -ENOSPC when the bus is full, -ENODEV before the PCI module's init,
 * -ENOMEM. A device that frees its struct calls pci__unregister() first
 * (in its exit, which runs before the PCI module's); the PCI module's exit
 * unregisters whatever is left.
 */
int pci__register(struct vm *vm, struct pci_dev *d);
void pci__unregister(struct pci_dev *d);

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
/* The window holding bus range [bus, bus + size) (for the tree), or -ENOENT. */
int pci__window_gpa(struct vm *vm, u64 bus, u64 size, u64 *gpa);
struct pci_dev *pci__find(struct vm *vm, unsigned int devfn);
/* The i-th registered function (devfn order), NULL past the last. */
struct pci_dev *pci__nth(struct vm *vm, unsigned int i);
/*
 * Config accesses as the bus sees them: len 1, 2 or 4, naturally aligned,
 * inside PCI_CFG_SIZE (else -EINVAL); val is the register's integer value.
 */
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
/* How many vectors the guest has allocated now (ibm,change-msi query). */
unsigned int pci__msix_allocated(struct pci_dev *d);

extern const struct module pci_module;

#endif
