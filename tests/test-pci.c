// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI core (devices/pci*.c) with a test function: the config header and
 * capability list, BAR sizing and decode on the MMIO bus as the guest moves
 * BARs, INTx, MSI-X table/mask/PBA semantics, and reset.
 */
#include "pci-test.h"
#include "pvm/irq.h"

#include "kselftest_harness.h"

FIXTURE(pci) {
	struct testvm t;
	struct tf f[2];
	struct pci_dev *d;
};

FIXTURE_SETUP(pci)
{
	ASSERT_EQ(0, tf_setup(&self->t, self->f, 1));
	self->d = &self->f[0].pci;
}

FIXTURE_TEARDOWN(pci)
{
	testvm__teardown(&self->t);
}

TEST_F(pci, header)
{
	struct pci_dev *d = self->d;

	EXPECT_EQ(8U, d->devfn);	/* device 1, function 0 */
	EXPECT_EQ(d, pci__find(&self->t.vm, 8));
	EXPECT_EQ(NULL, pci__find(&self->t.vm, 9));
	EXPECT_EQ(NULL, pci__find(&self->t.vm, 0));
	EXPECT_EQ(d, pci__nth(&self->t.vm, 0));
	EXPECT_EQ(NULL, pci__nth(&self->t.vm, 1));
	EXPECT_EQ((u32)TF_DEVICE << 16 | TF_VENDOR, cfg_rd(d, PCI_VENDOR_ID, 4));
	EXPECT_EQ(TF_VENDOR, cfg_rd(d, PCI_VENDOR_ID, 2));
	EXPECT_EQ(TF_DEVICE >> 8, cfg_rd(d, PCI_DEVICE_ID + 1, 1));
	EXPECT_EQ((u32)TF_CLASS << 8 | 1, cfg_rd(d, PCI_REVISION_ID, 4));
	EXPECT_EQ(0U, cfg_rd(d, PCI_HEADER_TYPE, 1));
	EXPECT_EQ((u32)TF_SUBSYS << 16 | TF_VENDOR, cfg_rd(d, PCI_SUBSYSTEM_VENDOR_ID, 4));
	EXPECT_EQ(PCI_STATUS_CAP_LIST, cfg_rd(d, PCI_STATUS, 2));
	EXPECT_EQ(0U, cfg_rd(d, PCI_COMMAND, 2));
	EXPECT_EQ(1U, cfg_rd(d, PCI_INTERRUPT_PIN, 1));
	EXPECT_EQ(0U, cfg_rd(d, 0x30, 4));	/* no expansion ROM */
	/* Sources: INTx level, then a contiguous MSI-X block right after. */
	EXPECT_LE(IRQ_BASE, d->intx_irq);
	EXPECT_EQ(d->intx_irq + 1, d->msix_base);
	EXPECT_NE(0ULL, self->t.vm.irq_lsi[(d->intx_irq - IRQ_BASE) / 64] &
			(1ULL << ((d->intx_irq - IRQ_BASE) % 64)));
	/* The core made the MSI-X BAR: 4 KiB, 32-bit. */
	EXPECT_EQ(SZ_4K, d->bar[TF_MSIX_BAR].size);
}

TEST_F(pci, capability_list)
{
	struct pci_dev *d = self->d;
	u32 p = cfg_rd(d, PCI_CAPABILITY_LIST, 1), msix;

	ASSERT_EQ((u32)TF_VNDR_CAP, p);
	EXPECT_EQ(PCI_CAP_ID_VNDR, cfg_rd(d, p, 1));
	EXPECT_EQ(0x0108U, cfg_rd(d, p + 2, 2));	/* the body as given */
	EXPECT_EQ(0x05040302U, cfg_rd(d, p + 4, 4));
	msix = cfg_rd(d, p + 1, 1);
	ASSERT_NE(0U, msix);
	EXPECT_EQ(0U, msix & 3);
	EXPECT_EQ(PCI_CAP_ID_MSIX, cfg_rd(d, msix, 1));
	EXPECT_EQ(0U, cfg_rd(d, msix + 1, 1));	/* the last one */
	EXPECT_EQ(TF_VECTORS - 1U, cfg_rd(d, msix + PCI_MSIX_FLAGS, 2));
	EXPECT_EQ(PCI_MSIX_TABLE_OFFSET | TF_MSIX_BAR, cfg_rd(d, msix + PCI_MSIX_TABLE, 4));
	EXPECT_EQ(PCI_MSIX_PBA_OFFSET | TF_MSIX_BAR, cfg_rd(d, msix + PCI_MSIX_PBA, 4));
	/* Table size and offsets are read-only; only ENABLE and MASKALL stick. */
	cfg_wr(d, msix + PCI_MSIX_FLAGS, 2, 0xffff);
	EXPECT_EQ(0xc000U | (TF_VECTORS - 1), cfg_rd(d, msix + PCI_MSIX_FLAGS, 2));
	cfg_wr(d, msix + PCI_MSIX_TABLE, 4, 0x12345678);
	EXPECT_EQ(PCI_MSIX_TABLE_OFFSET | TF_MSIX_BAR, cfg_rd(d, msix + PCI_MSIX_TABLE, 4));
	/* The device's own capability bytes go to its hook, not into config space. */
	cfg_wr(d, p + 4, 2, 0xbeef);
	EXPECT_EQ(1U, self->f[0].cfg_writes);
	EXPECT_EQ(p + 4, self->f[0].last_cfg_off);
	EXPECT_EQ(0xbeefU, self->f[0].last_cfg_val);
	EXPECT_EQ(0x0302U, cfg_rd(d, p + 4, 2));
}

TEST_F(pci, bad_accesses)
{
	struct pci_dev *d = self->d;
	u32 v;

	EXPECT_EQ(-EINVAL, pci__config_read(d, 0, 3, &v));
	EXPECT_EQ(-EINVAL, pci__config_read(d, 1, 2, &v));
	EXPECT_EQ(-EINVAL, pci__config_read(d, 2, 4, &v));
	EXPECT_EQ(-EINVAL, pci__config_read(d, 256, 1, &v));
	EXPECT_EQ(-EINVAL, pci__config_read(d, 0xfffffffc, 4, &v));
	EXPECT_EQ(-EINVAL, pci__config_write(d, 0x3d, 2, 0));
	EXPECT_EQ(-EINVAL, pci__config_write(d, 0, 8, 0));
	EXPECT_EQ(0, pci__config_read(d, 0xff, 1, &v));
	/* Read-only header fields stay. */
	cfg_wr(d, PCI_VENDOR_ID, 4, 0);
	cfg_wr(d, PCI_REVISION_ID, 4, 0);
	cfg_wr(d, PCI_STATUS, 2, 0xffff);
	cfg_wr(d, PCI_INTERRUPT_PIN, 1, 3);
	EXPECT_EQ((u32)TF_DEVICE << 16 | TF_VENDOR, cfg_rd(d, PCI_VENDOR_ID, 4));
	EXPECT_EQ((u32)TF_CLASS << 8 | 1, cfg_rd(d, PCI_REVISION_ID, 4));
	EXPECT_EQ(PCI_STATUS_CAP_LIST, cfg_rd(d, PCI_STATUS, 2));
	EXPECT_EQ(1U, cfg_rd(d, PCI_INTERRUPT_PIN, 1));
	/* COMMAND keeps MEMORY, MASTER, INTX_DISABLE only; LINE is scratch. */
	cfg_wr(d, PCI_COMMAND, 2, 0xffff);
	EXPECT_EQ(0x0406U, cfg_rd(d, PCI_COMMAND, 2));
	cfg_wr(d, PCI_INTERRUPT_LINE, 1, 0x42);
	EXPECT_EQ(0x42U, cfg_rd(d, PCI_INTERRUPT_LINE, 1));
	/* Registration checks its input. */
	EXPECT_EQ(-EINVAL, pci__register(&self->t.vm, d));	/* twice */
	tf_init(&self->f[1]);
	self->f[1].pci.bar[2].size = 0x1800;
	EXPECT_EQ(-EINVAL, pci__register(&self->t.vm, &self->f[1].pci));
	tf_init(&self->f[1]);
	self->f[1].pci.bar[1].size = SZ_4K;	/* the upper half of BAR 0 */
	EXPECT_EQ(-EINVAL, pci__register(&self->t.vm, &self->f[1].pci));
	tf_init(&self->f[1]);
	self->f[1].pci.msix_vectors = PCI_MAX_MSIX + 1;
	EXPECT_EQ(-EINVAL, pci__register(&self->t.vm, &self->f[1].pci));
}

TEST_F(pci, bar_sizing)
{
	struct pci_dev *d = self->d;
	unsigned int i;

	EXPECT_EQ(PCI_BASE_ADDRESS_MEM_TYPE_64, cfg_rd(d, PCI_BASE_ADDRESS_0, 4));
	for (i = 0; i < PCI_NR_BARS; i++)
		cfg_wr(d, PCI_BASE_ADDRESS_0 + 4 * i, 4, 0xffffffff);
	EXPECT_EQ((u32)~(TF_BAR0_SIZE - 1) | PCI_BASE_ADDRESS_MEM_TYPE_64,
		  cfg_rd(d, PCI_BASE_ADDRESS_0, 4));
	EXPECT_EQ(0xffffffffU, cfg_rd(d, PCI_BASE_ADDRESS_0 + 4, 4));
	EXPECT_EQ((u32)~(TF_BAR2_SIZE - 1), cfg_rd(d, PCI_BASE_ADDRESS_0 + 8, 4));
	EXPECT_EQ(0U, cfg_rd(d, PCI_BASE_ADDRESS_0 + 12, 4));	/* no BAR 3 */
	EXPECT_EQ((u32)~(SZ_4K - 1), cfg_rd(d, PCI_BASE_ADDRESS_0 + 16, 4));
	EXPECT_EQ(0U, cfg_rd(d, PCI_BASE_ADDRESS_0 + 20, 4));
	/* Any other value is kept, less the bits below the size. */
	cfg_wr(d, PCI_BASE_ADDRESS_0 + 8, 4, 0x80012345);
	EXPECT_EQ(0x80012000U, cfg_rd(d, PCI_BASE_ADDRESS_0 + 8, 4));
	cfg_wr(d, PCI_BASE_ADDRESS_0 + 9, 1, 0x40);
	EXPECT_EQ(0x80014000U, cfg_rd(d, PCI_BASE_ADDRESS_0 + 8, 4));
	/* Sizing while decoding maps nothing: all-ones is in no window. */
	EXPECT_EQ(0U, self->f[0].mapped);
}

TEST_F(pci, bar64_decode_and_move)
{
	struct pci_dev *d = self->d;
	struct vm *vm = &self->t.vm;
	u64 gpa = PHB_MEM64_GPA + 0x100000, gpa2 = PHB_MEM64_GPA + 0x200000;
	struct tf *f = &self->f[0];
	bool hit;

	bar64_set(d, 0, gpa);
	EXPECT_EQ((u32)gpa | PCI_BASE_ADDRESS_MEM_TYPE_64, cfg_rd(d, PCI_BASE_ADDRESS_0, 4));
	EXPECT_EQ((s64)(gpa >> 32), cfg_rd(d, PCI_BASE_ADDRESS_0 + 4, 4));
	/* No decode without COMMAND.MEMORY. */
	bus_rw(vm, gpa + 0x10, 4, false, 0, &hit);
	EXPECT_FALSE(hit);
	EXPECT_EQ(0U, f->mapped);

	cfg_wr(d, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	EXPECT_EQ(1U, f->mapped);
	EXPECT_EQ(0U, f->last_bar);
	EXPECT_EQ(gpa, f->last_gpa);
	EXPECT_TRUE(d->bar_live[0]);
	EXPECT_EQ(gpa, d->bar_gpa[0]);
	EXPECT_EQ(0xa5a5a5a5ULL, bus_rw(vm, gpa + 0x10, 4, false, 0, &hit));
	EXPECT_TRUE(hit);
	EXPECT_EQ(0U, f->last.bar);
	EXPECT_EQ(0x10ULL, f->last.off);
	EXPECT_EQ(4U, f->last.len);
	bus_rw(vm, gpa + TF_BAR0_SIZE - 8, 8, true, 0x1122334455667788ULL, &hit);
	EXPECT_TRUE(hit);
	EXPECT_TRUE(f->last.write);
	EXPECT_EQ(TF_BAR0_SIZE - 8, f->last.off);
	EXPECT_EQ(0x88, f->last.data[0]);
	bus_rw(vm, gpa + TF_BAR0_SIZE, 4, false, 0, &hit);
	EXPECT_FALSE(hit);

	/* Moving the high half moves the decode, unmapping first. */
	cfg_wr(d, PCI_BASE_ADDRESS_0 + 4, 4, 0);
	EXPECT_EQ(1U, f->unmapped);
	EXPECT_EQ(1U, f->mapped);	/* not in a window there */
	EXPECT_FALSE(d->bar_live[0]);
	bar64_set(d, 0, gpa2);
	EXPECT_EQ(2U, f->mapped);
	EXPECT_EQ(gpa2, f->last_gpa);
	bus_rw(vm, gpa, 4, false, 0, &hit);
	EXPECT_FALSE(hit);
	bus_rw(vm, gpa2 + 4, 2, true, 0xabcd, &hit);
	EXPECT_TRUE(hit);
	EXPECT_EQ(4ULL, f->last.off);

	/* Clearing MEMORY stops it; setting it again brings it back. */
	cfg_wr(d, PCI_COMMAND, 2, 0);
	EXPECT_EQ(2U, f->unmapped);
	EXPECT_EQ(gpa2, f->last_gpa);
	bus_rw(vm, gpa2, 4, false, 0, &hit);
	EXPECT_FALSE(hit);
	cfg_wr(d, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	bus_rw(vm, gpa2, 4, false, 0, &hit);
	EXPECT_TRUE(hit);
}

TEST_F(pci, bar32_window_translation)
{
	struct pci_dev *d = self->d;
	struct vm *vm = &self->t.vm;
	struct tf *f = &self->f[0];
	bool hit;

	cfg_wr(d, PCI_BASE_ADDRESS_0 + 8, 4, PHB_MEM32_BUS + 0x3000);
	cfg_wr(d, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	EXPECT_EQ(1U, f->mapped);
	EXPECT_EQ(2U, f->last_bar);
	EXPECT_EQ(PHB_MEM32_GPA + 0x3000, f->last_gpa);
	bus_rw(vm, PHB_MEM32_GPA + 0x3ffc, 4, false, 0, &hit);
	EXPECT_TRUE(hit);
	EXPECT_EQ(2U, f->last.bar);
	EXPECT_EQ(0xffcULL, f->last.off);
	/* Bus addresses are not guest-physical ones. */
	bus_rw(vm, PHB_MEM32_BUS + 0x3000, 4, false, 0, &hit);
	EXPECT_FALSE(hit);
	/* Below the window: no decode at all. */
	cfg_wr(d, PCI_BASE_ADDRESS_0 + 8, 4, 0x10000000);
	EXPECT_EQ(1U, f->unmapped);
	EXPECT_FALSE(d->bar_live[2]);
	/* Two BARs on one address: the second one does not decode. */
	cfg_wr(d, PCI_BASE_ADDRESS_0 + 8, 4, PHB_MEM32_BUS);
	cfg_wr(d, PCI_BASE_ADDRESS_0 + 16, 4, PHB_MEM32_BUS);
	EXPECT_TRUE(d->bar_live[2]);
	EXPECT_FALSE(d->bar_live[TF_MSIX_BAR]);
	cfg_wr(d, PCI_BASE_ADDRESS_0 + 16, 4, PHB_MEM32_BUS + 0x1000);
	EXPECT_TRUE(d->bar_live[TF_MSIX_BAR]);
}

TEST_F(pci, intx)
{
	struct pci_dev *d = self->d;

	EXPECT_EQ(0, pci__notify(d, 0));	/* no MSI-X: INTx */
	EXPECT_EQ((u32)d->intx_irq, fake_accel.last_irq);
	EXPECT_EQ(1, fake_accel.last_level);
	EXPECT_EQ(1U, fake_accel.irq_lines);
	EXPECT_EQ(PCI_STATUS_CAP_LIST | PCI_STATUS_INTERRUPT, cfg_rd(d, PCI_STATUS, 2));
	EXPECT_EQ(PCI_STATUS_INTERRUPT, cfg_rd(d, PCI_STATUS, 1) & PCI_STATUS_INTERRUPT);
	/* Raised again, the line does not move (an LSI is presented once). */
	EXPECT_EQ(0, pci__notify(d, 1));
	EXPECT_EQ(1U, fake_accel.irq_lines);
	/* INTX_DISABLE lowers the line but not the status bit. */
	cfg_wr(d, PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE);
	EXPECT_EQ(0, fake_accel.last_level);
	EXPECT_EQ(PCI_STATUS_CAP_LIST | PCI_STATUS_INTERRUPT, cfg_rd(d, PCI_STATUS, 2));
	cfg_wr(d, PCI_COMMAND, 2, 0);
	EXPECT_EQ(1, fake_accel.last_level);
	EXPECT_EQ(0, pci__intx(d, false));
	EXPECT_EQ(0, fake_accel.last_level);
	EXPECT_EQ(PCI_STATUS_CAP_LIST, cfg_rd(d, PCI_STATUS, 2));
	EXPECT_EQ(4U, fake_accel.irq_lines);
}

/* MSI-X BAR at bus PHB_MEM32_BUS, decoding; returns its GPA. */
static u64 msix_map(struct pci_dev *d)
{
	cfg_wr(d, PCI_BASE_ADDRESS_0 + 4 * TF_MSIX_BAR, 4, PHB_MEM32_BUS);
	cfg_wr(d, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
	return PHB_MEM32_GPA;
}

TEST_F(pci, msix_table_mask_pba)
{
	struct pci_dev *d = self->d;
	struct vm *vm = &self->t.vm;
	u32 cap = cfg_rd(d, TF_VNDR_CAP + 1, 1), v;
	u64 bar = msix_map(d);
	bool hit;

	/* Power-on: every vector masked, address/data 0. */
	for (v = 0; v < TF_VECTORS; v++)
		EXPECT_EQ(1ULL, bus_rw(vm, bar + 16 * v + 12, 4, false, 0, &hit));
	EXPECT_EQ(0ULL, bus_rw(vm, bar, 8, false, 0, &hit));
	EXPECT_TRUE(hit);
	/* Linux's order: ENABLE|MASKALL, change-msi, mask all, clear MASKALL, unmask. */
	cfg_wr(d, cap + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	EXPECT_EQ(1U, self->f[0].msix_changed);
	EXPECT_EQ(-1, pci__msix_irq(d, 0));
	EXPECT_EQ(TF_VECTORS, pci__msix_alloc(d, TF_VECTORS));
	EXPECT_EQ(2U, self->f[0].msix_changed);
	for (v = 0; v < TF_VECTORS; v++) {
		EXPECT_EQ(PCI_MSIX_ADDR, bus_rw(vm, bar + 16 * v, 8, false, 0, &hit));
		EXPECT_EQ((u64)d->msix_base + v, bus_rw(vm, bar + 16 * v + 8, 4, false, 0, &hit));
		EXPECT_EQ(d->msix_base + (int)v, pci__msix_irq(d, v));
		EXPECT_EQ(d->msix_base + (int)v, pci__msix_source(d, v));
	}
	EXPECT_EQ(-1, pci__msix_irq(d, TF_VECTORS));
	cfg_wr(d, cap + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);

	/* Masked vector: into the PBA, no interrupt; the unmask delivers it. */
	fake_accel.irq_lines = 0;
	EXPECT_EQ(0, pci__notify(d, 2));
	EXPECT_EQ(0U, fake_accel.irq_lines);
	EXPECT_EQ(4ULL, bus_rw(vm, bar + PCI_MSIX_PBA_OFFSET, 8, false, 0, &hit));
	bus_rw(vm, bar + PCI_MSIX_PBA_OFFSET, 8, true, 0, &hit);	/* read-only */
	EXPECT_EQ(4ULL, bus_rw(vm, bar + PCI_MSIX_PBA_OFFSET, 8, false, 0, &hit));
	bus_rw(vm, bar + 16 * 2 + 12, 4, true, 0xfffffffe, &hit);
	EXPECT_EQ(0ULL, bus_rw(vm, bar + 16 * 2 + 12, 4, false, 0, &hit));
	EXPECT_EQ(1U, fake_accel.irq_lines);
	EXPECT_EQ((u32)d->msix_base + 2, fake_accel.last_irq);
	EXPECT_EQ(1, fake_accel.last_level);
	EXPECT_EQ(0ULL, bus_rw(vm, bar + PCI_MSIX_PBA_OFFSET, 8, false, 0, &hit));
	/* Unmasked: straight out, INTx untouched. */
	EXPECT_EQ(0, pci__notify(d, 2));
	EXPECT_EQ(2U, fake_accel.irq_lines);
	EXPECT_EQ(-EINVAL, pci__notify(d, TF_VECTORS));
	/* The function mask holds every vector; clearing it delivers. */
	cfg_wr(d, cap + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	EXPECT_EQ(0, pci__notify(d, 2));
	EXPECT_EQ(2U, fake_accel.irq_lines);
	cfg_wr(d, cap + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
	EXPECT_EQ(3U, fake_accel.irq_lines);
	EXPECT_EQ((u32)d->msix_base + 2, fake_accel.last_irq);
	/* A vector not allocated waits too; allocating it delivers. */
	EXPECT_EQ(1, pci__msix_alloc(d, 1));
	bus_rw(vm, bar + 16 * 3 + 12, 4, true, 0, &hit);
	EXPECT_EQ(0, pci__notify(d, 3));
	EXPECT_EQ(3U, fake_accel.irq_lines);
	EXPECT_EQ(0ULL, bus_rw(vm, bar + 16 * 3 + 8, 4, false, 0, &hit));
	EXPECT_EQ(-1, pci__msix_source(d, 3));
	EXPECT_EQ(TF_VECTORS, pci__msix_alloc(d, 99));	/* clamped to the table */
	EXPECT_EQ(4U, fake_accel.irq_lines);
	EXPECT_EQ((u32)d->msix_base + 3, fake_accel.last_irq);
	/* Freed: nothing is usable. */
	EXPECT_EQ(0, pci__msix_alloc(d, 0));
	EXPECT_EQ(0U, pci__msix_allocated(d));
	EXPECT_EQ(-1, pci__msix_irq(d, 0));
	/* Disabling MSI-X: INTx again (here disabled by COMMAND). */
	cfg_wr(d, cap + PCI_MSIX_FLAGS, 2, 0);
	EXPECT_EQ(0, pci__notify(d, 0));
	EXPECT_EQ(4U, fake_accel.irq_lines);
}

TEST_F(pci, msix_bar_device_part)
{
	struct pci_dev *d;
	struct tf *f = &self->f[1];
	bool hit;

	/* A device's own MSI-X BAR: the core serves 4 KiB, the device the rest. */
	tf_init(f);
	f->pci.msix_bar = 2;
	f->pci.bar[2].size = 2 * SZ_4K;
	ASSERT_EQ(0, pci__register(&self->t.vm, &f->pci));
	d = &f->pci;
	EXPECT_EQ(16U, d->devfn);
	EXPECT_EQ(d->intx_irq + 1, d->msix_base);
	cfg_wr(d, PCI_BASE_ADDRESS_0 + 8, 4, PHB_MEM32_BUS + 0x10000);
	cfg_wr(d, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	EXPECT_EQ(1ULL, bus_rw(&self->t.vm, PHB_MEM32_GPA + 0x1000c, 4, false, 0, &hit));
	EXPECT_EQ(0U, f->accesses);
	bus_rw(&self->t.vm, PHB_MEM32_GPA + 0x11008, 4, false, 0, &hit);
	EXPECT_EQ(1U, f->accesses);
	EXPECT_EQ(0x1008ULL, f->last.off);
	pci__unregister(d);
	EXPECT_EQ(NULL, pci__find(&self->t.vm, 16));
	bus_rw(&self->t.vm, PHB_MEM32_GPA + 0x11008, 4, false, 0, &hit);
	EXPECT_FALSE(hit);
}

TEST_F(pci, reset_to_power_on)
{
	struct pci_dev *d = self->d;
	u32 cap = cfg_rd(d, TF_VNDR_CAP + 1, 1);
	u8 before[PCI_CFG_SIZE];
	u64 bar = msix_map(d);
	bool hit;

	memcpy(before, self->f[0].pci.cfg, sizeof(before));
	before[PCI_BASE_ADDRESS_0 + 4 * TF_MSIX_BAR + 3] = 0;
	bar64_set(d, 0, PHB_MEM64_GPA);
	cfg_wr(d, cap + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
	EXPECT_EQ(2, pci__msix_alloc(d, 2));
	bus_rw(&self->t.vm, bar + 12, 4, true, 0, &hit);
	EXPECT_EQ(2U, self->f[0].mapped);

	modules__reset(&self->t.vm);
	EXPECT_EQ(1U, self->f[0].resets);
	EXPECT_EQ(2U, self->f[0].unmapped);
	EXPECT_FALSE(d->bar_live[0]);
	EXPECT_FALSE(d->bar_live[TF_MSIX_BAR]);
	EXPECT_EQ(0U, cfg_rd(d, PCI_COMMAND, 2));
	EXPECT_EQ(PCI_BASE_ADDRESS_MEM_TYPE_64, cfg_rd(d, PCI_BASE_ADDRESS_0, 4));
	EXPECT_EQ(0U, cfg_rd(d, PCI_BASE_ADDRESS_0 + 4 * TF_MSIX_BAR, 4));
	EXPECT_EQ(TF_VECTORS - 1U, cfg_rd(d, cap + PCI_MSIX_FLAGS, 2));
	EXPECT_EQ(0U, pci__msix_allocated(d));
	EXPECT_EQ(-1, pci__msix_source(d, 0));
	EXPECT_GE(self->f[0].msix_changed, 3U);
	bus_rw(&self->t.vm, bar + 12, 4, false, 0, &hit);
	EXPECT_FALSE(hit);
	/* Mapped again, the table is masked as at power-on. */
	msix_map(d);
	EXPECT_EQ(1ULL, bus_rw(&self->t.vm, bar + 12, 4, false, 0, &hit));
	EXPECT_EQ(0ULL, bus_rw(&self->t.vm, bar + 8, 4, false, 0, &hit));
}

TEST(pci_without_xics)
{
	const struct testvm_opts o = { 0 };
	struct testvm t;
	struct tf f;

	ASSERT_EQ(0, testvm__setup(&t, &o));
	tf_init(&f);
	ASSERT_EQ(0, pci__register(&t.vm, &f.pci));
	EXPECT_EQ(-1, f.pci.intx_irq);
	EXPECT_EQ(-1, f.pci.msix_base);
	EXPECT_EQ(0U, cfg_rd(&f.pci, PCI_INTERRUPT_PIN, 1));
	EXPECT_EQ(-ENODEV, pci__msix_alloc(&f.pci, 1));
	EXPECT_EQ(0, pci__msix_alloc(&f.pci, 0));
	EXPECT_EQ(-ENODEV, pci__intx(&f.pci, true));
	testvm__teardown(&t);
}

TEST(pci_bus_full)
{
	const struct testvm_opts o = { 0 };
	static struct tf f[PCI_MAX_DEVICES + 1];
	struct testvm t;
	unsigned int i;

	ASSERT_EQ(0, testvm__setup(&t, &o));
	for (i = 0; i < PCI_MAX_DEVICES; i++) {
		tf_init(&f[i]);
		ASSERT_EQ(0, pci__register(&t.vm, &f[i].pci));
		EXPECT_EQ((i + 1) << 3, f[i].pci.devfn);
	}
	tf_init(&f[i]);
	EXPECT_EQ(-ENOSPC, pci__register(&t.vm, &f[i].pci));
	EXPECT_EQ(-EINVAL, pci__add_window(&t.vm, 0xffffffff, 0, 2, false));
	EXPECT_EQ(-EINVAL, pci__add_window(&t.vm, 0, 0, 0, true));
	testvm__teardown(&t);
}

TEST_HARNESS_MAIN
