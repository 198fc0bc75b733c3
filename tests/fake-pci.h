/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_TESTS_FAKE_PCI_H
#define PVM_TESTS_FAKE_PCI_H

#include <string.h>

#include "devices/pci.h"

/*
 * ---- A fake PCI core: the transport's calls into devices/pci.c land here
 * (the Makefile links the virtio tests with -Wl,--wrap for them), so a test sees
 * exactly what the transport asked the core for. ----
 */
static struct {
	struct pci_dev *dev;
	unsigned int notifies;
	unsigned int last_vector;
	unsigned int intx_calls;
	bool intx;
	int msix_irq[PCI_MAX_MSIX];
} fake_pci;

static void fake_pci__reset(void)
{
	memset(&fake_pci, 0, sizeof(fake_pci));
	memset(fake_pci.msix_irq, 0xff, sizeof(fake_pci.msix_irq));
}

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
	/* Atomic: a device's I/O thread may signal while the test reads. */
	__atomic_fetch_add(&fake_pci.notifies, 1, __ATOMIC_SEQ_CST);
	fake_pci.last_vector = v;
	return 0;
}

int __wrap_pci__intx(struct pci_dev *d __unused, bool level)
{
	fake_pci.intx_calls++;
	fake_pci.intx = level;
	return 0;
}

int __wrap_pci__msix_irq(struct pci_dev *d __unused, unsigned int v)
{
	return v < PCI_MAX_MSIX ? fake_pci.msix_irq[v] : -1;
}
void __wrap_pci__unregister(struct pci_dev *d __unused)
{
	fake_pci.dev = NULL;
}
/* ---- end of the fake PCI core ---- */

#endif
