// SPDX-License-Identifier: GPL-2.0
/*
 * The modern virtio-pci transport (virtio/pci.c, virtio/pci-regs.c) with
 * virtio-rng behind it, driven the way Linux's virtio_pci_modern does it:
 * through the virtio BAR's MMIO handlers, on the real pseries machine with
 * the fake accelerator (ioeventfds, irqfds).
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>

#include "devices/pci.h"
#include "pvm/event.h"
#include "pvm/irq.h"
#include "testvm.h"
#include "virtio/virtio.h"
#include "virtq-ring.h"

#include "kselftest_harness.h"

#include "fake-pci.h"
#include "virtio-driver.h"

#define QSIZE 8
#define BUF 0x8000ULL
/* Queue 0 on r's rings with MSI-X vector 1, enabled; DRIVER_OK if ok. */
static void setup_queue(struct pci_dev *d, const struct test_ring *r, bool driver_ok)
{
	wr(d, VIRTIO_PCI_Q_SELECT, 0, 2);
	wr(d, VIRTIO_PCI_Q_SIZE, r->size, 2);
	wr(d, VIRTIO_PCI_Q_DESCLO, r->desc, 4);
	wr(d, VIRTIO_PCI_Q_DESCHI, 0, 4);
	wr(d, VIRTIO_PCI_Q_AVAILLO, r->avail, 8);	/* one 64-bit store */
	wr(d, VIRTIO_PCI_Q_USEDLO, r->used, 4);
	wr(d, VIRTIO_PCI_Q_USEDHI, 0, 4);
	wr(d, VIRTIO_PCI_MSIX_CONFIG, 0, 2);
	wr(d, VIRTIO_PCI_Q_MSIX, 1, 2);
	wr(d, VIRTIO_PCI_Q_ENABLE, 1, 2);
	if (driver_ok)
		wr(d, VIRTIO_PCI_STATUS, STATUS_UP | VIRTIO_STATUS_FEATURES_OK |
		   VIRTIO_STATUS_DRIVER_OK, 1);
}

/* A 64-byte writable buffer at BUF + 0x100 * i as chain head i. */
static void add_buffer(struct test_ring *r, u16 i)
{
	memset(r->ram + BUF + 0x100 * i, 0, 64);
	ring__desc(r, i, BUF + 0x100 * i, 64, VIRTQ_DESC_F_WRITE, 0);
	ring__avail(r, i);
}

/* The device's counters (pvm stat). */
static const struct virtio_stats *stats(struct pci_dev *d)
{
	return &((struct virtio_dev *)d->priv)->stats;
}

static bool zeroes(const u8 *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

FIXTURE(vp) {
	struct testvm t;
	struct pci_dev *d;
	struct test_ring r;
};

FIXTURE_VARIANT(vp) {
	bool eventfds;
};

FIXTURE_VARIANT_ADD(vp, exits) { .eventfds = false };
FIXTURE_VARIANT_ADD(vp, eventfds) { .eventfds = true };

FIXTURE_SETUP(vp)
{
	struct testvm_opts o = { .virtio_rng = true, .xics = true,
				 .ioeventfd = variant->eventfds, .irqfd = variant->eventfds };

	fake_pci__reset();
	ASSERT_EQ(0, testvm__setup(&self->t, &o));
	self->d = fake_pci.dev;
	ASSERT_NE(NULL, self->d);
	ring__setup(&self->r, self->t.ram, QSIZE);
}

FIXTURE_TEARDOWN(vp)
{
	testvm__teardown(&self->t);
}

TEST_F(vp, identity_and_caps)
{
	struct pci_dev *d = self->d;
	unsigned int seen = 0;
	u8 off;

	EXPECT_EQ(0x1af4, d->vendor_id);
	EXPECT_EQ(0x1044, d->device_id);
	EXPECT_EQ(1, d->revision);
	EXPECT_EQ(2U, d->msix_vectors);	/* the queue and config */
	EXPECT_EQ(1U, d->msix_bar);
	EXPECT_EQ(VIRTIO_BAR_SIZE, d->bar[VIRTIO_BAR].size);
	EXPECT_TRUE(d->bar[VIRTIO_BAR].mem64);
	for (off = d->cfg[PCI_CAPABILITY_LIST]; off; off = d->cfg[off + 1]) {
		const u8 *c = &d->cfg[off];
		u32 bar_off, len;

		ASSERT_EQ(PCI_CAP_ID_VNDR, c[0]);
		memcpy(&bar_off, c + 8, 4);
		memcpy(&len, c + 12, 4);
		seen |= 1U << c[3];
		if (c[3] != VIRTIO_PCI_CAP_PCI_CFG)
			EXPECT_EQ(VIRTIO_BAR, c[4]);
		switch (c[3]) {
		case VIRTIO_PCI_CAP_COMMON_CFG:
			EXPECT_EQ(16, c[2]);
			EXPECT_EQ(0U, le32toh(bar_off));
			EXPECT_EQ(0x38U, le32toh(len));
			break;
		case VIRTIO_PCI_CAP_NOTIFY_CFG: {
			u32 mult;

			EXPECT_EQ(20, c[2]);
			memcpy(&mult, c + 16, 4);
			EXPECT_EQ(4U, le32toh(mult));
			EXPECT_EQ(0x3000U, le32toh(bar_off));
			break;
		}
		case VIRTIO_PCI_CAP_ISR_CFG:
			EXPECT_EQ(0x1000U, le32toh(bar_off));
			break;
		case VIRTIO_PCI_CAP_PCI_CFG:
			EXPECT_EQ(20, c[2]);
			break;
		}
	}
	/* rng has no device config: no DEVICE_CFG cap. */
	EXPECT_EQ(1U << 1 | 1U << 2 | 1U << 3 | 1U << 5, seen);
}

TEST_F(vp, features_offered)
{
	struct pci_dev *d = self->d;

	wr(d, VIRTIO_PCI_DFSELECT, 0, 4);
	EXPECT_EQ(F_EVENT_IDX | F_INDIRECT, rd(d, VIRTIO_PCI_DF, 4));
	wr(d, VIRTIO_PCI_DFSELECT, 1, 4);
	/* VERSION_1, and never ACCESS_PLATFORM (descriptors are guest physical). */
	EXPECT_EQ(1U, rd(d, VIRTIO_PCI_DF, 4));
	wr(d, VIRTIO_PCI_DFSELECT, 2, 4);
	EXPECT_EQ(0U, rd(d, VIRTIO_PCI_DF, 4));
	EXPECT_EQ(2U, rd(d, VIRTIO_PCI_DFSELECT, 4));

	EXPECT_EQ(STATUS_UP | VIRTIO_STATUS_FEATURES_OK, negotiate(d, F_VERSION_1 | F_EVENT_IDX));
	wr(d, VIRTIO_PCI_GFSELECT, 0, 4);
	EXPECT_EQ(F_EVENT_IDX, rd(d, VIRTIO_PCI_GF, 4));
	/* Fixed once FEATURES_OK is set. */
	wr(d, VIRTIO_PCI_GF, F_INDIRECT, 4);
	EXPECT_EQ(F_EVENT_IDX, rd(d, VIRTIO_PCI_GF, 4));
}

TEST_F(vp, features_ok_refused)
{
	struct pci_dev *d = self->d;

	/* Unoffered bits: ACCESS_PLATFORM, a device bit rng lacks. */
	EXPECT_EQ(STATUS_UP, negotiate(d, F_VERSION_1 | 1ULL << VIRTIO_F_ACCESS_PLATFORM));
	wr(d, VIRTIO_PCI_STATUS, 0, 1);
	EXPECT_EQ(STATUS_UP, negotiate(d, F_VERSION_1 | 1));
	wr(d, VIRTIO_PCI_STATUS, 0, 1);
	/* No VERSION_1: a legacy driver, which this device is not for. */
	EXPECT_EQ(STATUS_UP, negotiate(d, F_EVENT_IDX));
	/* Queues cannot be enabled without FEATURES_OK. */
	setup_queue(d, &self->r, false);
	EXPECT_EQ(0U, rd(d, VIRTIO_PCI_Q_ENABLE, 2));
}

TEST_F(vp, queue_registers)
{
	struct pci_dev *d = self->d;

	EXPECT_EQ(1U, rd(d, VIRTIO_PCI_NUM_QUEUES, 2));
	EXPECT_EQ(256U, rd(d, VIRTIO_PCI_Q_SIZE, 2));
	EXPECT_EQ(0U, rd(d, VIRTIO_PCI_Q_NOFF, 2));
	EXPECT_EQ(NO_VECTOR, rd(d, VIRTIO_PCI_Q_MSIX, 2));
	EXPECT_EQ(NO_VECTOR, rd(d, VIRTIO_PCI_MSIX_CONFIG, 2));
	/* Sizes: powers of two up to the maximum only. */
	wr(d, VIRTIO_PCI_Q_SIZE, 12, 2);
	wr(d, VIRTIO_PCI_Q_SIZE, 512, 2);
	wr(d, VIRTIO_PCI_Q_SIZE, 0, 2);
	EXPECT_EQ(256U, rd(d, VIRTIO_PCI_Q_SIZE, 2));
	wr(d, VIRTIO_PCI_Q_SIZE, 64, 2);
	EXPECT_EQ(64U, rd(d, VIRTIO_PCI_Q_SIZE, 2));
	/* Vectors the function lacks read back as NO_VECTOR. */
	wr(d, VIRTIO_PCI_Q_MSIX, 2, 2);
	EXPECT_EQ(NO_VECTOR, rd(d, VIRTIO_PCI_Q_MSIX, 2));
	wr(d, VIRTIO_PCI_Q_MSIX, 1, 2);
	EXPECT_EQ(1U, rd(d, VIRTIO_PCI_Q_MSIX, 2));
	wr(d, VIRTIO_PCI_Q_DESCLO, 0x12345000, 4);
	wr(d, VIRTIO_PCI_Q_DESCHI, 0x9, 4);
	EXPECT_EQ(0x912345000ULL, rd(d, VIRTIO_PCI_Q_DESCLO, 8));
	EXPECT_EQ(0x9U, rd(d, VIRTIO_PCI_Q_DESCHI, 4));
	/* A queue that does not exist has size 0 and takes nothing. */
	wr(d, VIRTIO_PCI_Q_SELECT, 1, 2);
	EXPECT_EQ(0U, rd(d, VIRTIO_PCI_Q_SIZE, 2));
	wr(d, VIRTIO_PCI_Q_ENABLE, 1, 2);
	EXPECT_EQ(0U, rd(d, VIRTIO_PCI_Q_ENABLE, 2));
	/* Outside the registers: zeroes, and no device config at all. */
	EXPECT_EQ(0U, rd(d, 0x40, 4));
	EXPECT_EQ(0U, rd(d, VIRTIO_DEVCFG_OFF, 4));
}

TEST_F(vp, rng_fills_buffer)
{
	struct pci_dev *d = self->d;

	ASSERT_EQ(STATUS_UP | VIRTIO_STATUS_FEATURES_OK, negotiate(d, F_VERSION_1));
	setup_queue(d, &self->r, true);
	EXPECT_EQ(1U, rd(d, VIRTIO_PCI_Q_ENABLE, 2));
	add_buffer(&self->r, 2);
	wr(d, VIRTIO_NOTIFY_OFF, 0, 2);		/* queue 0's doorbell */
	EXPECT_EQ(1U, ring__used_idx(&self->r));
	EXPECT_EQ(2U, ring__used_id(&self->r, 0));
	EXPECT_EQ(64U, ring__used_len(&self->r, 0));
	EXPECT_FALSE(zeroes(self->t.ram + BUF + 0x200, 64));
	/* Vector 1 signalled; the ISR says "queue" once and lowers INTx. */
	EXPECT_EQ(1U, fake_pci.notifies);
	EXPECT_EQ(1U, fake_pci.last_vector);
	EXPECT_EQ((u64)VIRTIO_ISR_QUEUE, rd(d, VIRTIO_ISR_OFF, 1));
	EXPECT_FALSE(fake_pci.intx);
	EXPECT_EQ(0U, rd(d, VIRTIO_ISR_OFF, 1));
	/* A doorbell for a queue that does not exist is ignored. */
	add_buffer(&self->r, 3);
	wr(d, VIRTIO_NOTIFY_OFF + 4, 0, 2);
	EXPECT_EQ(1U, ring__used_idx(&self->r));
	wr(d, VIRTIO_NOTIFY_OFF, 0, 4);
	EXPECT_EQ(2U, ring__used_idx(&self->r));
	/* The counters pvm stat shows: two doorbells of a queue, two fills. */
	EXPECT_EQ(2U, stats(d)->notify_mmio);	/* not the one for no queue */
	EXPECT_EQ(0U, stats(d)->notify_ioeventfd);
	EXPECT_EQ(2U, stats(d)->requests);
	EXPECT_EQ(128U, stats(d)->bytes);
	EXPECT_EQ(0U, stats(d)->errors);
	EXPECT_EQ(2U, stats(d)->irq_pci);
}

TEST_F(vp, notify_waits_for_driver_ok)
{
	struct pci_dev *d = self->d;

	ASSERT_EQ(STATUS_UP | VIRTIO_STATUS_FEATURES_OK, negotiate(d, F_VERSION_1));
	setup_queue(d, &self->r, false);
	add_buffer(&self->r, 0);
	wr(d, VIRTIO_NOTIFY_OFF, 0, 2);
	EXPECT_EQ(0U, ring__used_idx(&self->r));
	EXPECT_EQ(0U, fake_pci.notifies);
	wr(d, VIRTIO_PCI_STATUS, STATUS_UP | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK, 1);
	EXPECT_EQ(1U, ring__used_idx(&self->r));
	EXPECT_EQ(1U, fake_pci.notifies);
}

TEST_F(vp, bad_chain_fails_request)
{
	struct pci_dev *d = self->d;

	ASSERT_EQ(STATUS_UP | VIRTIO_STATUS_FEATURES_OK, negotiate(d, F_VERSION_1));
	setup_queue(d, &self->r, true);
	ring__desc(&self->r, 0, 1ULL << 40, 64, VIRTQ_DESC_F_WRITE, 0);
	ring__avail(&self->r, 0);
	add_buffer(&self->r, 1);
	wr(d, VIRTIO_NOTIFY_OFF, 0, 2);
	EXPECT_EQ(2U, ring__used_idx(&self->r));
	EXPECT_EQ(0U, ring__used_len(&self->r, 0));
	EXPECT_EQ(64U, ring__used_len(&self->r, 1));
	EXPECT_EQ(0U, rd(d, VIRTIO_PCI_STATUS, 1) & VIRTIO_STATUS_NEEDS_RESET);
	EXPECT_EQ(1U, stats(d)->errors);
}

TEST_F(vp, broken_ring_needs_reset)
{
	struct pci_dev *d = self->d;

	ASSERT_EQ(STATUS_UP | VIRTIO_STATUS_FEATURES_OK, negotiate(d, F_VERSION_1));
	setup_queue(d, &self->r, true);
	ring__set_avail_idx(&self->r, 100);	/* far more than a ring ahead */
	wr(d, VIRTIO_NOTIFY_OFF, 0, 2);
	EXPECT_EQ(0U, ring__used_idx(&self->r));
	EXPECT_TRUE((bool)(rd(d, VIRTIO_PCI_STATUS, 1) & VIRTIO_STATUS_NEEDS_RESET));
	/* A config interrupt on msix_config (vector 0). */
	EXPECT_EQ(1U, fake_pci.notifies);
	EXPECT_EQ(0U, fake_pci.last_vector);
	EXPECT_EQ((u64)VIRTIO_ISR_CONFIG, rd(d, VIRTIO_ISR_OFF, 1));
	/* Nothing more from that queue until the driver resets the device. */
	ring__set_avail_idx(&self->r, 0);
	add_buffer(&self->r, 0);
	wr(d, VIRTIO_NOTIFY_OFF, 0, 2);
	EXPECT_EQ(0U, ring__used_idx(&self->r));
	wr(d, VIRTIO_PCI_STATUS, 0, 1);
	EXPECT_EQ(0U, rd(d, VIRTIO_PCI_STATUS, 1));
	ring__setup(&self->r, self->t.ram, QSIZE);
	ASSERT_EQ(STATUS_UP | VIRTIO_STATUS_FEATURES_OK, negotiate(d, F_VERSION_1));
	setup_queue(d, &self->r, true);
	add_buffer(&self->r, 0);
	wr(d, VIRTIO_NOTIFY_OFF, 0, 2);
	EXPECT_EQ(1U, ring__used_idx(&self->r));
}

TEST_F(vp, misaligned_rings_need_reset)
{
	struct pci_dev *d = self->d;

	ASSERT_EQ(STATUS_UP | VIRTIO_STATUS_FEATURES_OK, negotiate(d, F_VERSION_1));
	self->r.used = 0x3002;
	setup_queue(d, &self->r, true);
	EXPECT_TRUE((bool)(rd(d, VIRTIO_PCI_STATUS, 1) & VIRTIO_STATUS_NEEDS_RESET));
}

static void check_reset(struct __test_metadata *_metadata, struct pci_dev *d)
{
	EXPECT_EQ(0U, rd(d, VIRTIO_PCI_STATUS, 1));
	wr(d, VIRTIO_PCI_GFSELECT, 0, 4);
	EXPECT_EQ(0U, rd(d, VIRTIO_PCI_GF, 4));
	wr(d, VIRTIO_PCI_GFSELECT, 1, 4);
	EXPECT_EQ(0U, rd(d, VIRTIO_PCI_GF, 4));
	EXPECT_EQ(0U, rd(d, VIRTIO_PCI_Q_SELECT, 2));
	EXPECT_EQ(0U, rd(d, VIRTIO_PCI_Q_ENABLE, 2));
	EXPECT_EQ(256U, rd(d, VIRTIO_PCI_Q_SIZE, 2));
	EXPECT_EQ(0U, rd(d, VIRTIO_PCI_Q_DESCLO, 8));
	EXPECT_EQ(NO_VECTOR, rd(d, VIRTIO_PCI_Q_MSIX, 2));
	EXPECT_EQ(NO_VECTOR, rd(d, VIRTIO_PCI_MSIX_CONFIG, 2));
	EXPECT_EQ(0U, fake_accel.nr_ioeventfds);
	EXPECT_EQ(0U, fake_accel.nr_irqfds);
}

TEST_F(vp, status_zero_resets)
{
	struct pci_dev *d = self->d;

	ASSERT_EQ(STATUS_UP | VIRTIO_STATUS_FEATURES_OK, negotiate(d, F_VERSION_1 | F_EVENT_IDX));
	setup_queue(d, &self->r, true);
	add_buffer(&self->r, 0);
	wr(d, VIRTIO_NOTIFY_OFF, 0, 2);
	fake_pci.intx = true;
	wr(d, VIRTIO_PCI_STATUS, 0, 1);
	check_reset(_metadata, d);
	EXPECT_FALSE(fake_pci.intx);	/* lowered */
	EXPECT_EQ(0U, rd(d, VIRTIO_ISR_OFF, 1));
}

TEST_F(vp, pci_reset_resets)
{
	struct pci_dev *d = self->d;

	ASSERT_EQ(STATUS_UP | VIRTIO_STATUS_FEATURES_OK, negotiate(d, F_VERSION_1));
	setup_queue(d, &self->r, true);
	d->ops->bar_mapped(d, VIRTIO_BAR, 0x200000000ULL, true);
	d->ops->reset(d);
	check_reset(_metadata, d);
}

/* ---- with the accelerator's eventfds ---- */

#define BAR_GPA 0x200000000ULL
#define BAR_GPA2 0x300000000ULL

static int poll_calls;

/* One pass of the main loop: the second poll asks it to end. */
static int poll_once(struct vm *vm)
{
	if (poll_calls++)
		vm__request_exit(vm, VM_EXIT_POWEROFF);
	return 0;
}

static void run_loop_once(struct vm *vm)
{
	poll_calls = 0;
	event__loop(vm, poll_once);
	vm->exit_reason = VM_EXIT_NONE;
}

TEST_F(vp, ioeventfd_follows_bar)
{
	struct pci_dev *d = self->d;
	struct fake_ioeventfd *io = fake_accel.ioeventfds;
	u64 one = 1;

	if (!variant->eventfds)
		SKIP(return, "notifications by MMIO exit only");
	ASSERT_EQ(0, event__init(&self->t.vm));
	ASSERT_EQ(0, modules__start(&self->t.vm));
	ASSERT_EQ(STATUS_UP | VIRTIO_STATUS_FEATURES_OK, negotiate(d, F_VERSION_1));
	d->ops->bar_mapped(d, VIRTIO_BAR, BAR_GPA, true);
	EXPECT_EQ(0U, fake_accel.nr_ioeventfds);	/* no queue runs yet */
	setup_queue(d, &self->r, true);
	ASSERT_EQ(1U, fake_accel.nr_ioeventfds);
	EXPECT_EQ(BAR_GPA + VIRTIO_NOTIFY_OFF, io[0].addr);
	EXPECT_EQ(0U, io[0].len);	/* any length, KVM's fast path */
	EXPECT_FALSE(io[0].datamatch);

	/* The guest moves the BAR: the doorbell follows. */
	d->ops->bar_mapped(d, VIRTIO_BAR, BAR_GPA, false);
	EXPECT_EQ(0U, fake_accel.nr_ioeventfds);
	d->ops->bar_mapped(d, VIRTIO_BAR, BAR_GPA2, true);
	ASSERT_EQ(1U, fake_accel.nr_ioeventfds);
	EXPECT_EQ(BAR_GPA2 + VIRTIO_NOTIFY_OFF, io[0].addr);
	/* The MSI-X BAR is the core's business. */
	d->ops->bar_mapped(d, VIRTIO_MSIX_BAR, BAR_GPA, true);
	EXPECT_EQ(BAR_GPA2 + VIRTIO_NOTIFY_OFF, io[0].addr);

	/* A store there signals the eventfd; the main loop serves the queue. */
	add_buffer(&self->r, 4);
	ASSERT_EQ((ssize_t)sizeof(one), write(io[0].fd, &one, sizeof(one)));
	run_loop_once(&self->t.vm);
	EXPECT_EQ(1U, ring__used_idx(&self->r));
	EXPECT_EQ(64U, ring__used_len(&self->r, 0));
	EXPECT_EQ(1U, fake_pci.notifies);	/* no irqfd: MSI-X not allocated */
	EXPECT_EQ(1U, stats(d)->notify_ioeventfd);

	wr(d, VIRTIO_PCI_STATUS, 0, 1);
	EXPECT_EQ(0U, fake_accel.nr_ioeventfds);
}

TEST_F(vp, irqfd_per_vector)
{
	struct pci_dev *d = self->d;
	int irq;
	u64 cnt = 0;

	if (!variant->eventfds)
		SKIP(return, "interrupts through the PCI core only");
	irq = irq__alloc(&self->t.vm, false);
	ASSERT_GE(irq, IRQ_BASE);
	ASSERT_EQ(STATUS_UP | VIRTIO_STATUS_FEATURES_OK, negotiate(d, F_VERSION_1));
	setup_queue(d, &self->r, true);
	/* ibm,change-msi gave vector 1 its source. */
	fake_pci.msix_irq[1] = irq;
	d->ops->msix_changed(d);
	ASSERT_EQ(1U, fake_accel.nr_irqfds);
	EXPECT_EQ((u32)irq, fake_accel.irqfds[0].irq);
	EXPECT_EQ(-1, fake_accel.irqfds[0].resample_fd);

	/* The used buffer is announced by the irqfd, not by the PCI core. */
	add_buffer(&self->r, 0);
	wr(d, VIRTIO_NOTIFY_OFF, 0, 2);
	EXPECT_EQ(1U, ring__used_idx(&self->r));
	EXPECT_EQ(0U, fake_pci.notifies);
	ASSERT_EQ((ssize_t)sizeof(cnt), read(fake_accel.irqfds[0].fd, &cnt, sizeof(cnt)));
	EXPECT_EQ(1U, cnt);
	EXPECT_EQ(1U, stats(d)->irq_irqfd);
	EXPECT_EQ(0U, stats(d)->irq_pci);

	/* MSI-X gone (disabled, freed): back to the core, the irqfd dropped. */
	fake_pci.msix_irq[1] = -1;
	add_buffer(&self->r, 1);
	wr(d, VIRTIO_NOTIFY_OFF, 0, 2);
	EXPECT_EQ(2U, ring__used_idx(&self->r));
	EXPECT_EQ(1U, fake_pci.notifies);
	EXPECT_EQ(0U, fake_accel.nr_irqfds);

	/* Back again, then a device reset drops it. */
	fake_pci.msix_irq[1] = irq;
	d->ops->msix_changed(d);
	EXPECT_EQ(1U, fake_accel.nr_irqfds);
	wr(d, VIRTIO_PCI_STATUS, 0, 1);
	EXPECT_EQ(0U, fake_accel.nr_irqfds);
}


TEST_HARNESS_MAIN
