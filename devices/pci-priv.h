/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_DEVICES_PCI_PRIV_H
#define PVM_DEVICES_PCI_PRIV_H

/* Shared by devices/pci.c (config space, BARs) and devices/pci-msix.c. */
#include <pthread.h>

#include "devices/pci.h"

#define PCI_MAX_WINDOWS 4

struct pci_window {
	u64 bus, gpa, size;
	bool mem64;
};

/* The PCI module's state in the VM. */
struct pci_bus {
	pthread_mutex_t lock;	/* the function and window lists */
	struct pci_dev *dev[PCI_MAX_DEVICES + 1];	/* by device number, 1.. */
	struct pci_window win[PCI_MAX_WINDOWS];
	unsigned int nr_win;
};

/*
 * The core's per-function state (pci_dev.core). Two locks, in this order:
 * cfg_lock (config space, BAR decode; held across mmio__register, so no MMIO
 * handler may take it) then irq_lock (INTx, the MSI-X table, PBA and control
 * bits; a leaf: MMIO handlers and device threads take it).
 */
struct pci_fn {
	struct pci_bus *bus;
	pthread_mutex_t cfg_lock;
	pthread_mutex_t irq_lock;
	u8 wmask[PCI_CFG_SIZE];	/* guest-writable bits of the header and MSI-X cap */
	u8 power_on[PCI_CFG_SIZE];	/* d->cfg at registration */
	u8 msix_cap;		/* offset of the MSI-X capability, 0: none */
	/* Under irq_lock. */
	bool intx_level;	/* what the device asserts */
	bool intx_disable;	/* COMMAND.INTX_DISABLE */
	bool intx_line;		/* what the XICS source was last set to */
	bool msix_enable, msix_maskall;
	u64 pba;
	u8 table[PCI_MAX_MSIX * PCI_MSIX_ENTRY_SIZE];	/* LE, as the bus sees it */
};

static inline struct pci_fn *pci_fn(struct pci_dev *d)
{
	return d->core;
}

/* pci-msix.c */
void pci_msix__init(struct pci_dev *d);
void pci_msix__reset(struct pci_dev *d);
/* The msix_bar's MMIO ops (opaque: the pci_dev). */
extern const struct mmio_ops pci_msix__ops;
/* Under irq_lock: the INTx line follows level, INTX_DISABLE and MSI-X enable. */
void pci_intx__update(struct pci_dev *d);
/*
 * After a config write touched the MSI-X control word (cfg_lock held):
 * mirror ENABLE/MASKALL, deliver what became deliverable. True when the
 * sources the device should use changed (call msix_changed).
 */
bool pci_msix__control(struct pci_dev *d);

#endif
