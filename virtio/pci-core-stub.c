// SPDX-License-Identifier: GPL-2.0
/*
 * TEMPORARY, drop at the merge with the PCI core (devices/pci.c, issue 14):
 * weak stand-ins for include/devices/pci.h so pvm and the unit tests link
 * before the core lands. The core's definitions override these on their
 * own. Without it a virtio device cannot register: --rng fails cleanly.
 */
#include <errno.h>

#include "devices/pci.h"

#define __weak __attribute__((weak))

__weak int pci__add_cap(struct pci_dev *d __unused, u8 id __unused, const void *body __unused,
			u8 len __unused)
{
	return -ENOSYS;
}

__weak int pci__register(struct vm *vm __unused, struct pci_dev *d __unused)
{
	return -ENOSYS;
}

__weak int pci__notify(struct pci_dev *d __unused, unsigned int v __unused)
{
	return -ENOSYS;
}

__weak int pci__intx(struct pci_dev *d __unused, bool level __unused)
{
	return -ENOSYS;
}

__weak int pci__msix_irq(struct pci_dev *d __unused, unsigned int v __unused)
{
	return -1;
}
