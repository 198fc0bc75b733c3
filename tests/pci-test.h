/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_TESTS_PCI_TEST_H
#define PVM_TESTS_PCI_TEST_H

/*
 * A tiny PCI function for the PCI core and host bridge tests: a 64-bit BAR 0
 * and a 32-bit BAR 2 whose accesses it records, four MSI-X vectors in BAR 4
 * (made by the core), a vendor capability, and counters for every hook.
 */
#include <libfdt.h>

#include "devices/pci.h"
#include "papr/phb.h"
#include "pvm/fdt.h"
#include "testvm.h"

#define TF_BAR0_SIZE (16 * SZ_1K)
#define TF_BAR2_SIZE SZ_4K
#define TF_MSIX_BAR 4
#define TF_VECTORS 4
#define TF_VENDOR 0x1af4
#define TF_DEVICE 0x1044
#define TF_CLASS 0x00ff00
#define TF_SUBSYS 4

struct tf_access {
	unsigned int bar;
	u64 off;
	u32 len;
	bool write;
	u8 data[8];
};

struct tf {
	struct pci_dev pci;
	struct tf_access last;
	unsigned int accesses;
	unsigned int mapped, unmapped, msix_changed, resets, cfg_writes;
	unsigned int last_bar;
	u64 last_gpa;
	u32 last_cfg_off, last_cfg_val;
	int bar_tag[PCI_NR_BARS];
};

static inline void tf_record(void *opaque, u64 off, const u8 *data, u32 len, bool write)
{
	int *tag = opaque;
	struct tf *f = (struct tf *)((u8 *)(tag - *tag) - offsetof(struct tf, bar_tag));

	f->last = (struct tf_access){ .bar = *tag, .off = off, .len = len, .write = write };
	if (write)
		memcpy(f->last.data, data, len);
	f->accesses++;
}

static inline void tf_read(void *opaque, u64 off, u8 *data, u32 len)
{
	tf_record(opaque, off, NULL, len, false);
	memset(data, 0xa5, len);
}

static inline void tf_write(void *opaque, u64 off, const u8 *data, u32 len)
{
	tf_record(opaque, off, data, len, true);
}

static const struct mmio_ops tf_mmio = { .read = tf_read, .write = tf_write };

static inline void tf_bar_mapped(struct pci_dev *d, unsigned int bar, u64 gpa, bool mapped)
{
	struct tf *f = d->priv;

	if (mapped)
		f->mapped++;
	else
		f->unmapped++;
	f->last_bar = bar;
	f->last_gpa = gpa;
}

static inline void tf_msix_changed(struct pci_dev *d)
{
	((struct tf *)d->priv)->msix_changed++;
}

static inline void tf_reset(struct pci_dev *d)
{
	((struct tf *)d->priv)->resets++;
}

static inline void tf_cfg_write(struct pci_dev *d, u32 off, u32 len, u32 val)
{
	struct tf *f = d->priv;

	f->cfg_writes++;
	f->last_cfg_off = off;
	f->last_cfg_val = val;
	(void)len;
}

static const struct pci_dev_ops tf_ops = {
	.bar_mapped = tf_bar_mapped,
	.msix_changed = tf_msix_changed,
	.reset = tf_reset,
	.cfg_write = tf_cfg_write,
};

/* Offset of the vendor capability tf_init() adds first. */
#define TF_VNDR_CAP PCI_CAP_START

static inline void tf_init(struct tf *f)
{
	static const u8 vndr[6] = { 8, 1, 2, 3, 4, 5 };
	unsigned int i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < PCI_NR_BARS; i++)
		f->bar_tag[i] = i;
	f->pci = (struct pci_dev){
		.name = "rng", .vendor_id = TF_VENDOR, .device_id = TF_DEVICE,
		.subsys_vendor_id = TF_VENDOR, .subsys_id = TF_SUBSYS, .class_code = TF_CLASS,
		.revision = 1, .msix_vectors = TF_VECTORS, .msix_bar = TF_MSIX_BAR,
		.ops = &tf_ops, .priv = f,
	};
	f->pci.bar[0] = (struct pci_bar){ TF_BAR0_SIZE, true, &tf_mmio, &f->bar_tag[0] };
	f->pci.bar[2] = (struct pci_bar){ TF_BAR2_SIZE, false, &tf_mmio, &f->bar_tag[2] };
	pci__add_cap(&f->pci, PCI_CAP_ID_VNDR, vndr, sizeof(vndr));
}

/*
 * The machine with n test functions: they register after the machine is
 * set up, so the host bridge's init, which found none then, runs again.
 */
static inline int tf_setup(struct testvm *t, struct tf *f, unsigned int n)
{
	const struct testvm_opts o = { .xics = true };
	unsigned int i;
	int ret = testvm__setup(t, &o);

	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		tf_init(&f[i]);
		ret = pci__register(&t->vm, &f[i].pci);
		if (ret)
			return ret;
	}
	if (n)
		ret = phb_module.init(&t->vm);
	fake_accel__reset();
	fake_accel.xics = true;
	return ret;
}

/* A config register's value, -1 for a refused access. */
static inline s64 cfg_rd(struct pci_dev *d, u32 off, u32 len)
{
	u32 v;

	if (pci__config_read(d, off, len, &v))
		return -1;
	return v;
}

static inline void cfg_wr(struct pci_dev *d, u32 off, u32 len, u32 val)
{
	pci__config_write(d, off, len, val);
}

/* A little-endian MMIO access of len bytes at gpa; returns what a read gave. */
static inline u64 bus_rw(struct vm *vm, u64 gpa, u32 len, bool write, u64 val, bool *claimed)
{
	u8 data[8];
	u64 v = 0;
	u32 i;

	for (i = 0; i < len; i++)
		data[i] = val >> (8 * i);
	*claimed = mmio__access(vm, gpa, data, len, write);
	for (i = 0; i < len; i++)
		v |= (u64)data[i] << (8 * i);
	return v;
}

/* Put a 64-bit BAR at bus address addr through two 32-bit config writes. */
static inline void bar64_set(struct pci_dev *d, unsigned int bar, u64 addr)
{
	cfg_wr(d, PCI_BASE_ADDRESS_0 + 4 * bar, 4, (u32)addr);
	cfg_wr(d, PCI_BASE_ADDRESS_0 + 4 * bar + 4, 4, addr >> 32);
}

#endif
