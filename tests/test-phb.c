// SPDX-License-Identifier: GPL-2.0
/*
 * The sPAPR host bridge (papr/phb.c, papr/tce.c): RTAS config access with
 * Linux's config_addr encoding, ibm,change-msi and
 * ibm,query-interrupt-source-number, the TCE hcalls and their argument
 * checks, the device tree it writes, and a VM without PCI showing none of it.
 */
#include <stdlib.h>

#include "pci-test.h"
#include "pvm/loader.h"

#include "kselftest_harness.h"

/* Linux's rtas_config_addr() (arch/powerpc/include/asm/rtas.h). */
static u32 config_addr(u32 bus, u32 devfn, u32 reg)
{
	return (reg & 0xf00) << 20 | bus << 16 | devfn << 8 | (reg & 0xff);
}

#define BUID_HI ((u32)(PHB_BUID >> 32))
#define BUID_LO ((u32)PHB_BUID)

struct phb_fx {
	struct testvm t;
	struct tf f[2];
	u64 a[HCALL_NR_ARGS];
	u32 r[RTAS_MAX_WORDS];
};

static s32 rd(struct phb_fx *x, u32 addr, u32 size)
{
	const u32 args[] = { addr, BUID_HI, BUID_LO, size };

	return testvm__rtas(&x->t, RTAS_IBM_READ_PCI_CONFIG, 4, args, 2, x->r);
}

static s32 wr(struct phb_fx *x, u32 addr, u32 size, u32 val)
{
	const u32 args[] = { addr, BUID_HI, BUID_LO, size, val };

	return testvm__rtas(&x->t, RTAS_IBM_WRITE_PCI_CONFIG, 5, args, 1, x->r);
}

static s32 change_msi(struct phb_fx *x, u32 devfn, u32 func, u32 n, u32 nret)
{
	const u32 args[] = { config_addr(0, devfn, 0), BUID_HI, BUID_LO, func, n, 7 };

	return testvm__rtas(&x->t, RTAS_IBM_CHANGE_MSI, 6, args, nret, x->r);
}

static s32 query_irq(struct phb_fx *x, u32 devfn, u32 v)
{
	const u32 args[] = { config_addr(0, devfn, 0), BUID_HI, BUID_LO, v };

	return testvm__rtas(&x->t, RTAS_IBM_QUERY_INTERRUPT_SOURCE_NUMBER, 4, args, 3, x->r);
}

FIXTURE(phb) {
	struct phb_fx x;
};

FIXTURE_SETUP(phb)
{
	ASSERT_EQ(0, tf_setup(&self->x.t, self->x.f, 2));
}

FIXTURE_TEARDOWN(phb)
{
	testvm__teardown(&self->x.t);
}

TEST_F(phb, config_read)
{
	struct phb_fx *x = &self->x;
	const u32 plain[] = { config_addr(0, 8, 0), 4 };

	ASSERT_EQ(0, rd(x, config_addr(0, 8, PCI_VENDOR_ID), 4));
	EXPECT_EQ((u32)TF_DEVICE << 16 | TF_VENDOR, x->r[1]);
	ASSERT_EQ(0, rd(x, config_addr(0, 16, PCI_DEVICE_ID), 2));
	EXPECT_EQ((u32)TF_DEVICE, x->r[1]);
	ASSERT_EQ(0, rd(x, config_addr(0, 8, PCI_CLASS_PROG + 2), 1));
	EXPECT_EQ((u32)TF_CLASS >> 16, x->r[1]);
	/* Walk the capability list the way pci_find_capability() does. */
	ASSERT_EQ(0, rd(x, config_addr(0, 8, PCI_STATUS), 2));
	EXPECT_NE(0U, x->r[1] & PCI_STATUS_CAP_LIST);
	ASSERT_EQ(0, rd(x, config_addr(0, 8, PCI_CAPABILITY_LIST), 1));
	ASSERT_EQ((u32)TF_VNDR_CAP, x->r[1]);
	ASSERT_EQ(0, rd(x, config_addr(0, 8, TF_VNDR_CAP + 1), 1));
	ASSERT_EQ(0, rd(x, config_addr(0, 8, x->r[1]), 4));
	EXPECT_EQ((u32)(TF_VECTORS - 1) << 16 | PCI_CAP_ID_MSIX, x->r[1]);
	/* The plain call reaches the same PHB. */
	ASSERT_EQ(0, testvm__rtas(&x->t, RTAS_READ_PCI_CONFIG, 2, plain, 2, x->r));
	EXPECT_EQ((u32)TF_DEVICE << 16 | TF_VENDOR, x->r[1]);
}

TEST_F(phb, config_errors)
{
	struct phb_fx *x = &self->x;
	const u32 bad_buid[] = { config_addr(0, 8, 0), BUID_HI, BUID_LO + 1, 4 };

	EXPECT_EQ(-1, rd(x, config_addr(0, 8, 0), 3));
	EXPECT_EQ(-1, rd(x, config_addr(0, 8, 2), 4));	/* misaligned */
	EXPECT_EQ(-1, rd(x, config_addr(0, 8, 0x100), 4));	/* no extended space */
	EXPECT_EQ(-1, rd(x, config_addr(0, 24, 0), 4));	/* no device 3 */
	EXPECT_EQ(-1, rd(x, config_addr(0, 9, 0), 4));	/* no function 1 */
	EXPECT_EQ(-1, rd(x, config_addr(0, 0, 0), 4));
	EXPECT_EQ(-1, rd(x, config_addr(1, 8, 0), 4));	/* no bus 1 */
	EXPECT_EQ(0xffffffffU, x->r[1]);
	EXPECT_EQ(-1, testvm__rtas(&x->t, RTAS_IBM_READ_PCI_CONFIG, 4, bad_buid, 2, x->r));
	EXPECT_EQ(-1, wr(x, config_addr(0, 8, 0x4), 3, 0));
	EXPECT_EQ(-1, wr(x, config_addr(0, 24, 0x4), 2, 0));
	/* A shape the call does not have. */
	EXPECT_EQ(-3, testvm__rtas(&x->t, RTAS_IBM_READ_PCI_CONFIG, 3, bad_buid, 2, x->r));
	EXPECT_EQ(-3, testvm__rtas(&x->t, RTAS_IBM_READ_PCI_CONFIG, 4, bad_buid, 1, x->r));
}

/* The VOF-style boot: the guest sizes and assigns the BARs through RTAS. */
TEST_F(phb, bars_through_rtas)
{
	struct phb_fx *x = &self->x;
	u32 bar0 = config_addr(0, 8, PCI_BASE_ADDRESS_0);
	const u32 plain[] = { config_addr(0, 8, PCI_COMMAND), 2, PCI_COMMAND_MEMORY };
	u64 gpa = PHB_MEM64_GPA + 0x40000;
	bool hit;

	ASSERT_EQ(0, wr(x, bar0, 4, 0xffffffff));
	ASSERT_EQ(0, wr(x, bar0 + 4, 4, 0xffffffff));
	ASSERT_EQ(0, rd(x, bar0, 4));
	EXPECT_EQ((u32)~(TF_BAR0_SIZE - 1) | PCI_BASE_ADDRESS_MEM_TYPE_64, x->r[1]);
	ASSERT_EQ(0, rd(x, bar0 + 4, 4));
	EXPECT_EQ(0xffffffffU, x->r[1]);
	ASSERT_EQ(0, wr(x, bar0, 4, (u32)gpa));
	ASSERT_EQ(0, wr(x, bar0 + 4, 4, gpa >> 32));
	ASSERT_EQ(0, testvm__rtas(&x->t, RTAS_WRITE_PCI_CONFIG, 3, plain, 1, x->r));
	EXPECT_EQ(1U, x->f[0].mapped);
	EXPECT_EQ(gpa, x->f[0].last_gpa);
	bus_rw(&x->t.vm, gpa + 0x24, 4, true, 7, &hit);
	EXPECT_TRUE(hit);
	EXPECT_EQ(0x24ULL, x->f[0].last.off);
}

TEST_F(phb, change_msi_and_query)
{
	struct phb_fx *x = &self->x;
	struct pci_dev *d = &x->f[1].pci;
	unsigned int v;

	/* Boot: "no firmware MSI" on every function, answered plainly. */
	ASSERT_EQ(0, change_msi(x, 16, 3, 0, 3));
	EXPECT_EQ(0U, x->r[1]);
	EXPECT_EQ(8U, x->r[2]);
	ASSERT_EQ(0, change_msi(x, 16, 1, 0, 3));
	/* MSI-X, n vectors: a contiguous block, type 2 when asked for 4 returns. */
	ASSERT_EQ(0, change_msi(x, 16, 4, TF_VECTORS, 4));
	EXPECT_EQ((u32)TF_VECTORS, x->r[1]);
	EXPECT_EQ(8U, x->r[2]);
	EXPECT_EQ(2U, x->r[3]);
	EXPECT_EQ(1U, x->f[1].msix_changed);
	for (v = 0; v < TF_VECTORS; v++) {
		ASSERT_EQ(0, query_irq(x, 16, v));
		EXPECT_EQ((u32)d->msix_base + v, x->r[1]);
		EXPECT_EQ(1U, x->r[2]);	/* edge */
	}
	EXPECT_EQ(-1, query_irq(x, 16, TF_VECTORS));
	EXPECT_EQ(-1, query_irq(x, 8, 0));	/* the other function has none */
	/* The other function's block does not overlap. */
	ASSERT_EQ(0, change_msi(x, 8, 4, 2, 3));
	ASSERT_EQ(0, query_irq(x, 8, 1));
	EXPECT_EQ((u32)x->f[0].pci.msix_base + 1, x->r[1]);
	EXPECT_NE(x->f[0].pci.msix_base, d->msix_base);
	/* Query (function 0), more than the table, function 1. */
	ASSERT_EQ(0, change_msi(x, 16, 0, 0, 4));
	EXPECT_EQ((u32)TF_VECTORS, x->r[1]);
	ASSERT_EQ(0, change_msi(x, 16, 4, 32, 3));
	EXPECT_EQ((u32)TF_VECTORS, x->r[1]);
	ASSERT_EQ(0, change_msi(x, 16, 1, 2, 3));
	EXPECT_EQ(2U, x->r[1]);
	/* n = 0 through the MSI function frees MSI-X too (Linux's teardown). */
	ASSERT_EQ(0, change_msi(x, 16, 3, 0, 4));
	EXPECT_EQ(0U, x->r[1]);
	EXPECT_EQ(0U, x->r[3]);
	EXPECT_EQ(-1, query_irq(x, 16, 0));
	ASSERT_EQ(0, change_msi(x, 16, 6, 1, 4));
	ASSERT_EQ(0, change_msi(x, 16, 2, 0, 3));	/* reset */
	EXPECT_EQ(-1, query_irq(x, 16, 0));
	/* What the guest may get wrong. */
	EXPECT_EQ(-3, change_msi(x, 16, 3, 2, 3));	/* no MSI capability */
	EXPECT_EQ(-3, change_msi(x, 16, 5, 1, 4));
	EXPECT_EQ(-3, change_msi(x, 16, 7, 1, 3));
	EXPECT_EQ(-3, change_msi(x, 24, 4, 1, 3));
	EXPECT_EQ(-3, testvm__rtas(&x->t, RTAS_IBM_CHANGE_MSI, 6,
				   (const u32[]){ config_addr(0, 16, 0), 0, 0, 4, 1, 1 }, 3, x->r));
	EXPECT_EQ(-3, testvm__rtas(&x->t, RTAS_IBM_QUERY_INTERRUPT_SOURCE_NUMBER, 4,
				   (const u32[]){ config_addr(0, 16, 0), 1, 2, 0 }, 3, x->r));
}

#define TCE_RW (TCE_PCI_READ | TCE_PCI_WRITE)
#define HCALL(nr, ...)                                                         \
	testvm__hcall(&self->x.t, self->x.a, (nr), (const u64[]){ __VA_ARGS__ }, \
		      sizeof((const u64[]){ __VA_ARGS__ }) / sizeof(u64))

TEST_F(phb, tce_put_get_stuff)
{
	u64 *a = self->x.a;

	ASSERT_EQ(H_SUCCESS, HCALL(H_PUT_TCE, PHB_LIOBN, 0x5000, 0x123000 | TCE_RW));
	ASSERT_EQ(H_SUCCESS, HCALL(H_GET_TCE, PHB_LIOBN, 0x5000));
	EXPECT_EQ(0x123000 | TCE_RW, a[0]);
	ASSERT_EQ(H_SUCCESS, HCALL(H_GET_TCE, PHB_LIOBN, 0x6000));
	EXPECT_EQ(0ULL, a[0]);
	/* The last entry of the 1 GiB window, and one past it. */
	EXPECT_EQ(H_SUCCESS, HCALL(H_PUT_TCE, PHB_LIOBN, PHB_DMA_SIZE - SZ_4K, TCE_PCI_READ));
	EXPECT_EQ(H_PARAMETER, HCALL(H_PUT_TCE, PHB_LIOBN, PHB_DMA_SIZE, 0));
	EXPECT_EQ(H_PARAMETER, HCALL(H_GET_TCE, PHB_LIOBN, PHB_DMA_SIZE));
	EXPECT_EQ(H_PARAMETER, HCALL(H_GET_TCE, PHB_LIOBN, ~0ULL & ~0xfffULL));
	/* Bad LIOBN, unaligned ioba, a granted page outside RAM or with junk bits. */
	EXPECT_EQ(H_PARAMETER, HCALL(H_PUT_TCE, PHB_LIOBN + 1, 0, 0));
	EXPECT_EQ(H_PARAMETER, HCALL(H_PUT_TCE, (1ULL << 32) | PHB_LIOBN, 0, 0));
	EXPECT_EQ(H_PARAMETER, HCALL(H_GET_TCE, 0, 0));
	EXPECT_EQ(H_PARAMETER, HCALL(H_PUT_TCE, PHB_LIOBN, 0x5008, 0));
	EXPECT_EQ(H_PARAMETER, HCALL(H_PUT_TCE, PHB_LIOBN, 0x5000, (1ULL << 40) | TCE_RW));
	EXPECT_EQ(H_PARAMETER, HCALL(H_PUT_TCE, PHB_LIOBN, 0x5000, 0x123010 | TCE_RW));
	/* A TCE that grants nothing may hold anything (poison). */
	EXPECT_EQ(H_SUCCESS, HCALL(H_PUT_TCE, PHB_LIOBN, 0x7000, 0xdead0000beef0000ULL));
	ASSERT_EQ(H_SUCCESS, HCALL(H_GET_TCE, PHB_LIOBN, 0x5000));
	EXPECT_EQ(0x123000 | TCE_RW, a[0]);

	/* Linux clears its window 512 entries at a time. */
	ASSERT_EQ(H_SUCCESS, HCALL(H_STUFF_TCE, PHB_LIOBN, 0, 0x2000 | TCE_PCI_READ, 512));
	ASSERT_EQ(H_SUCCESS, HCALL(H_GET_TCE, PHB_LIOBN, 511 * SZ_4K));
	EXPECT_EQ(0x2000 | TCE_PCI_READ, a[0]);
	ASSERT_EQ(H_SUCCESS, HCALL(H_GET_TCE, PHB_LIOBN, 512 * SZ_4K));
	EXPECT_EQ(0ULL, a[0]);
	EXPECT_EQ(H_SUCCESS, HCALL(H_STUFF_TCE, PHB_LIOBN, 0, 0, PHB_DMA_SIZE / SZ_4K));
	ASSERT_EQ(H_SUCCESS, HCALL(H_GET_TCE, PHB_LIOBN, 0x5000));
	EXPECT_EQ(0ULL, a[0]);
	EXPECT_EQ(H_SUCCESS, HCALL(H_STUFF_TCE, PHB_LIOBN, 0, 0, 0));
	EXPECT_EQ(H_PARAMETER, HCALL(H_STUFF_TCE, PHB_LIOBN, SZ_4K, 0, PHB_DMA_SIZE / SZ_4K));
	EXPECT_EQ(H_PARAMETER, HCALL(H_STUFF_TCE, PHB_LIOBN, SZ_4K, 0, ~0ULL));
	EXPECT_EQ(H_PARAMETER, HCALL(H_STUFF_TCE, PHB_LIOBN, 0, 1ULL << 45 | TCE_RW, 1));
	EXPECT_EQ(H_PARAMETER, HCALL(H_STUFF_TCE, 7, 0, 0, 1));
	EXPECT_EQ(H_PARAMETER, HCALL(H_STUFF_TCE, PHB_LIOBN, 0x10, 0, 1));
}

TEST_F(phb, tce_indirect)
{
	const u64 list = 0x30000;
	u64 *a = self->x.a;
	unsigned int i;

	for (i = 0; i < TCE_INDIRECT_MAX; i++)
		*(u64 *)(self->x.t.ram + list + 8 * i) = htobe64(((u64)i << 12) | TCE_RW);
	ASSERT_EQ(H_SUCCESS, HCALL(H_PUT_TCE_INDIRECT, PHB_LIOBN, 0x100000, list, 512));
	ASSERT_EQ(H_SUCCESS, HCALL(H_GET_TCE, PHB_LIOBN, 0x100000 + 3 * SZ_4K));
	EXPECT_EQ((3ULL << 12) | TCE_RW, a[0]);
	ASSERT_EQ(H_SUCCESS, HCALL(H_GET_TCE, PHB_LIOBN, 0x100000 + 511 * SZ_4K));
	EXPECT_EQ((511ULL << 12) | TCE_RW, a[0]);
	EXPECT_EQ(H_SUCCESS, HCALL(H_PUT_TCE_INDIRECT, PHB_LIOBN, 0, list, 0));
	/* At most one page of TCEs, from a page-aligned list in RAM, in the window. */
	EXPECT_EQ(H_PARAMETER, HCALL(H_PUT_TCE_INDIRECT, PHB_LIOBN, 0, list, 513));
	EXPECT_EQ(H_PARAMETER, HCALL(H_PUT_TCE_INDIRECT, PHB_LIOBN, 0, list + 8, 1));
	EXPECT_EQ(H_PARAMETER, HCALL(H_PUT_TCE_INDIRECT, PHB_LIOBN, 0, TESTVM_RAM, 1));
	EXPECT_EQ(H_SUCCESS, HCALL(H_PUT_TCE_INDIRECT, PHB_LIOBN, 0, TESTVM_RAM - SZ_4K, 512));
	EXPECT_EQ(H_PARAMETER, HCALL(H_PUT_TCE_INDIRECT, PHB_LIOBN, 0, ~0ULL << 12, 2));
	EXPECT_EQ(H_PARAMETER, HCALL(H_PUT_TCE_INDIRECT, PHB_LIOBN, PHB_DMA_SIZE - SZ_4K, list, 2));
	EXPECT_EQ(H_PARAMETER, HCALL(H_PUT_TCE_INDIRECT, PHB_LIOBN + 1, 0, list, 1));
	EXPECT_EQ(H_PARAMETER, HCALL(H_PUT_TCE_INDIRECT, PHB_LIOBN, 0x800, list, 1));
	/* One bad entry: nothing is written. */
	*(u64 *)(self->x.t.ram + list + 8 * 5) = htobe64((1ULL << 44) | TCE_RW);
	EXPECT_EQ(H_PARAMETER, HCALL(H_PUT_TCE_INDIRECT, PHB_LIOBN, 0x400000, list, 6));
	ASSERT_EQ(H_SUCCESS, HCALL(H_GET_TCE, PHB_LIOBN, 0x400000));
	EXPECT_EQ(0ULL, a[0]);

	/* A reboot clears the table and the MSI allocations. */
	ASSERT_EQ(0, change_msi(&self->x, 8, 4, 2, 3));
	modules__reset(&self->x.t.vm);
	ASSERT_EQ(H_SUCCESS, HCALL(H_GET_TCE, PHB_LIOBN, 0x100000 + 3 * SZ_4K));
	EXPECT_EQ(0ULL, a[0]);
	EXPECT_EQ(-1, query_irq(&self->x, 8, 0));
}

/* ---- the device tree ---- */

static void *build_tree(struct testvm *t)
{
	static const struct test_seg seg = {
		.type = PT_LOAD, .paddr = 0, .filesz = 0x1000, .memsz = 0x2000, .seed = 1,
	};
	u8 img[2 * TEST_ELF_DATA];
	size_t len = test_elf__build(img, sizeof(img), false, EM_PPC64,
				     0xc000000000000010ULL, &seg, 1);
	void *fdt = calloc(1, FDT_MAX_SIZE);

	if (!fdt || !len || vm__load(&t->vm, LOAD_SRC_BUF(img, len), NULL) ||
	    fdt__build(&t->vm, fdt, FDT_MAX_SIZE)) {
		free(fdt);
		return NULL;
	}
	return fdt;
}

static const u32 *prop(const void *fdt, const char *path, const char *name, int *len)
{
	int node = fdt_path_offset(fdt, path);

	return node < 0 ? NULL : fdt_getprop(fdt, node, name, len);
}

/* Property path:name is exactly the n cells given. */
static bool cells_are(const void *fdt, const char *path, const char *name,
		      const u32 *want, int n)
{
	int len, i;
	const fdt32_t *p = prop(fdt, path, name, &len);

	if (!p || len != 4 * n)
		return false;
	for (i = 0; i < n; i++)
		if (fdt32_to_cpu(p[i]) != want[i])
			return false;
	return true;
}

#define CELLS(fdt, path, name, ...) \
	cells_are(fdt, path, name, (const u32[]){ __VA_ARGS__ }, \
		  sizeof((const u32[]){ __VA_ARGS__ }) / 4)
#define PHB "/pci@800000020000000"

static bool has_string(const char *list, int len, const char *s)
{
	int i;

	for (i = 0; i < len; i += strlen(list + i) + 1)
		if (!strcmp(list + i, s))
			return true;
	return false;
}

TEST_F(phb, device_tree)
{
	struct pci_dev *d0 = &self->x.f[0].pci, *d1 = &self->x.f[1].pci;
	void *fdt = build_tree(&self->x.t);
	const char *s;
	int len;

	ASSERT_NE(NULL, fdt);
	s = (const char *)prop(fdt, PHB, "device_type", &len);
	ASSERT_NE(NULL, s);
	EXPECT_STREQ("pci", s);
	EXPECT_STREQ("IBM,Logical_PHB", (const char *)prop(fdt, PHB, "compatible", &len));
	EXPECT_TRUE(CELLS(fdt, PHB, "#address-cells", 3));
	EXPECT_TRUE(CELLS(fdt, PHB, "#size-cells", 2));
	EXPECT_TRUE(CELLS(fdt, PHB, "#interrupt-cells", 1));
	EXPECT_TRUE(CELLS(fdt, PHB, "reg", 0x08000000, 0x20000000, 0, 0));
	EXPECT_TRUE(CELLS(fdt, PHB, "bus-range", 0, 0xff));
	EXPECT_TRUE(CELLS(fdt, PHB, "ranges",
			  0x02000000, 0, 0x80000000, 0x2000, 0x80000000, 0, 0x80000000,
			  0x03000000, 0x2100, 0, 0x2100, 0, 0x100, 0));
	EXPECT_TRUE(CELLS(fdt, PHB, "ibm,dma-window", 0x80000000, 0, 0, 0, 0x40000000));
	EXPECT_TRUE(CELLS(fdt, PHB, "ibm,#dma-address-cells", 2));
	EXPECT_TRUE(CELLS(fdt, PHB, "ibm,#dma-size-cells", 2));
	EXPECT_TRUE(CELLS(fdt, PHB, "ibm,pe-total-#msi", 2 * TF_VECTORS));
	EXPECT_TRUE(CELLS(fdt, PHB, "ibm,pci-config-space-type", 1));
	EXPECT_NE(NULL, prop(fdt, PHB, "used-by-rtas", &len));
	EXPECT_EQ(0, len);
	EXPECT_TRUE(CELLS(fdt, PHB, "interrupt-map-mask", 0xf800, 0, 0, 0xffffffff));
	EXPECT_TRUE(CELLS(fdt, PHB, "interrupt-map",
			  0x800, 0, 0, 1, FDT_PHANDLE_XICS, d0->intx_irq, 1,
			  0x1000, 0, 0, 1, FDT_PHANDLE_XICS, d1->intx_irq, 1));

	/* Function nodes: config space, then each BAR by size; no addresses. */
	EXPECT_TRUE(CELLS(fdt, PHB "/rng@1", "reg",
			  0x800, 0, 0, 0, 0,
			  0x03000810, 0, 0, 0, TF_BAR0_SIZE,
			  0x02000818, 0, 0, 0, TF_BAR2_SIZE,
			  0x02000820, 0, 0, 0, 0x1000));
	EXPECT_EQ(NULL, prop(fdt, PHB "/rng@1", "assigned-addresses", &len));
	EXPECT_TRUE(CELLS(fdt, PHB "/rng@2", "reg",
			  0x1000, 0, 0, 0, 0,
			  0x03001010, 0, 0, 0, TF_BAR0_SIZE,
			  0x02001018, 0, 0, 0, TF_BAR2_SIZE,
			  0x02001020, 0, 0, 0, 0x1000));
	EXPECT_TRUE(CELLS(fdt, PHB "/rng@1", "vendor-id", TF_VENDOR));
	EXPECT_TRUE(CELLS(fdt, PHB "/rng@1", "device-id", TF_DEVICE));
	EXPECT_TRUE(CELLS(fdt, PHB "/rng@1", "subsystem-vendor-id", TF_VENDOR));
	EXPECT_TRUE(CELLS(fdt, PHB "/rng@1", "subsystem-id", TF_SUBSYS));
	EXPECT_TRUE(CELLS(fdt, PHB "/rng@1", "class-code", TF_CLASS));
	EXPECT_TRUE(CELLS(fdt, PHB "/rng@1", "revision-id", 1));
	EXPECT_TRUE(CELLS(fdt, PHB "/rng@1", "interrupts", 1));
	EXPECT_TRUE(CELLS(fdt, PHB "/rng@1", "ibm,req#msi-x", TF_VECTORS));
	EXPECT_EQ(NULL, prop(fdt, PHB "/rng@1", "device_type", &len));

	EXPECT_TRUE(CELLS(fdt, "/chosen", "linux,pci-probe-only", 0));
	EXPECT_TRUE(CELLS(fdt, "/rtas", "ibm,read-pci-config", RTAS_IBM_READ_PCI_CONFIG));
	EXPECT_TRUE(CELLS(fdt, "/rtas", "ibm,write-pci-config", RTAS_IBM_WRITE_PCI_CONFIG));
	EXPECT_TRUE(CELLS(fdt, "/rtas", "read-pci-config", RTAS_READ_PCI_CONFIG));
	EXPECT_TRUE(CELLS(fdt, "/rtas", "write-pci-config", RTAS_WRITE_PCI_CONFIG));
	EXPECT_TRUE(CELLS(fdt, "/rtas", "ibm,change-msi", RTAS_IBM_CHANGE_MSI));
	EXPECT_TRUE(CELLS(fdt, "/rtas", "ibm,query-interrupt-source-number",
			  RTAS_IBM_QUERY_INTERRUPT_SOURCE_NUMBER));
	/* No EEH: none of its tokens. */
	EXPECT_EQ(NULL, prop(fdt, "/rtas", "ibm,set-eeh-option", &len));
	EXPECT_EQ(NULL, prop(fdt, "/rtas", "ibm,configure-pe", &len));
	s = (const char *)prop(fdt, "/rtas", "ibm,hypertas-functions", &len);
	ASSERT_NE(NULL, s);
	EXPECT_TRUE(has_string(s, len, "hcall-tce"));
	EXPECT_TRUE(has_string(s, len, "hcall-multi-tce"));
	free(fdt);
}

TEST(no_pci_no_phb)
{
	const struct testvm_opts o = { .xics = true };
	u64 a[HCALL_NR_ARGS];
	struct testvm t;
	const char *s;
	void *fdt;
	int len;

	ASSERT_EQ(0, testvm__setup(&t, &o));
	fdt = build_tree(&t);
	ASSERT_NE(NULL, fdt);
	EXPECT_GT(0, fdt_path_offset(fdt, PHB));
	EXPECT_EQ(NULL, prop(fdt, "/chosen", "linux,pci-probe-only", &len));
	EXPECT_EQ(NULL, prop(fdt, "/rtas", "ibm,read-pci-config", &len));
	EXPECT_EQ(NULL, prop(fdt, "/rtas", "ibm,change-msi", &len));
	s = (const char *)prop(fdt, "/rtas", "ibm,hypertas-functions", &len);
	ASSERT_NE(NULL, s);
	EXPECT_FALSE(has_string(s, len, "hcall-tce"));
	EXPECT_FALSE(has_string(s, len, "hcall-multi-tce"));
	EXPECT_EQ(H_FUNCTION, testvm__hcall(&t, a, H_PUT_TCE, (const u64[]){ PHB_LIOBN, 0, 0 }, 3));
	free(fdt);
	testvm__teardown(&t);
}

TEST_HARNESS_MAIN
