/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_TESTS_VIRTIO_TEST_H
#define PVM_TESTS_VIRTIO_TEST_H

/*
 * For tests of a virtio device behind the real transport: the fake PCI core
 * (fake-pci.h; the test is linked with -Wl,--wrap for the pci__*() calls, see
 * the Makefile), the driver's register accesses (virtio-driver.h) and the
 * steps that bring a queue up. Include it from one test file only.
 */
#include <string.h>

#include "fake-pci.h"
#include "virtio-driver.h"
#include "virtq-ring.h"

static inline u64 vt__offered(struct pci_dev *d)
{
	wr(d, VIRTIO_PCI_DFSELECT, 0, 4);
	u64 lo = rd(d, VIRTIO_PCI_DF, 4);

	wr(d, VIRTIO_PCI_DFSELECT, 1, 4);
	return lo | rd(d, VIRTIO_PCI_DF, 4) << 32;
}

/* Put queue q on r's rings with MSI-X vector v, and enable it. */
static inline void vt__queue_on(struct pci_dev *d, unsigned int q, const struct test_ring *r,
				u16 v)
{
	wr(d, VIRTIO_PCI_Q_SELECT, q, 2);
	wr(d, VIRTIO_PCI_Q_SIZE, r->size, 2);
	wr(d, VIRTIO_PCI_Q_DESCLO, r->desc, 4);
	wr(d, VIRTIO_PCI_Q_DESCHI, 0, 4);
	wr(d, VIRTIO_PCI_Q_AVAILLO, r->avail, 4);
	wr(d, VIRTIO_PCI_Q_AVAILHI, 0, 4);
	wr(d, VIRTIO_PCI_Q_USEDLO, r->used, 4);
	wr(d, VIRTIO_PCI_Q_USEDHI, 0, 4);
	wr(d, VIRTIO_PCI_Q_MSIX, v, 2);
	wr(d, VIRTIO_PCI_Q_ENABLE, 1, 2);
}

/* DRIVER_OK after FEATURES_OK; the status read back. */
static inline u8 vt__driver_ok(struct pci_dev *d)
{
	wr(d, VIRTIO_PCI_STATUS, STATUS_UP | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK, 1);
	return rd(d, VIRTIO_PCI_STATUS, 1);
}

/* Negotiate features, put queue 0 on r's rings (vector 1), DRIVER_OK; the status. */
static inline u8 vt__bring_up(struct pci_dev *d, const struct test_ring *r, u64 features)
{
	wr(d, VIRTIO_PCI_STATUS, 0, 1);
	negotiate(d, features);
	wr(d, VIRTIO_PCI_MSIX_CONFIG, 0, 2);
	vt__queue_on(d, 0, r, 1);
	return vt__driver_ok(d);
}

#endif
