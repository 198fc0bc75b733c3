// SPDX-License-Identifier: GPL-2.0
/* fdt__build() read back with libfdt; vm__load() and vm__build_fdt() layout. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "pvm/fdt.h"
#include "pvm/loader.h"
#include "testvm.h"

#include "kselftest_harness.h"

#define PARAMS "console=hvc0 foo"
#define INITRD_LEN 0x3000
#define KERNEL_MEMSZ 0x23456	/* image + BSS, as seen from the ELF */

static const u32 radix_ap[] = { 0x0000000c, 0xa0000010, 0x20000015, 0x4000001e };

/* A tiny ppc64 kernel and an initrd, loaded by vm__load() as pvm run would. */
static int load_tiny_kernel(struct testvm *t, u8 *initrd)
{
	static const struct test_seg seg = {
		.type = PT_LOAD, .paddr = 0, .filesz = 0x1000, .memsz = KERNEL_MEMSZ, .seed = 0x11,
	};
	u8 img[2 * TEST_ELF_DATA];
	size_t len = test_elf__build(img, sizeof(img), false, EM_PPC64,
				     0xc000000000000010ULL, &seg, 1);
	unsigned int i;

	if (!len)
		return -EINVAL;
	for (i = 0; i < INITRD_LEN; i++)
		initrd[i] = i * 7;
	return vm__load(&t->vm, LOAD_SRC_BUF(img, len), LOAD_SRC_BUF(initrd, INITRD_LEN));
}

static int setup_vm(struct testvm *t, bool xics, u8 *initrd)
{
	const struct testvm_opts o = {
		.params = PARAMS, .nr_cpus = 2, .threads = 2, .xics = xics,
	};
	int ret = testvm__setup(t, &o);

	if (ret)
		return ret;
	memcpy(t->vm.radix_ap, radix_ap, sizeof(radix_ap));
	t->vm.nr_radix_ap = ARRAY_SIZE(radix_ap);
	return load_tiny_kernel(t, initrd);
}

FIXTURE(fdt) {
	struct testvm t;
	u8 initrd[INITRD_LEN];
	u8 *fdt;
};

FIXTURE_SETUP(fdt)
{
	ASSERT_EQ(0, setup_vm(&self->t, true, self->initrd));
	self->fdt = calloc(1, FDT_MAX_SIZE);
	ASSERT_NE(NULL, self->fdt);
	ASSERT_EQ(0, fdt__build(&self->t.vm, self->fdt, FDT_MAX_SIZE));
	ASSERT_EQ(0, fdt_check_header(self->fdt));
}

FIXTURE_TEARDOWN(fdt)
{
	free(self->fdt);
	testvm__teardown(&self->t);
}

/* Offset of path, failing the test when it is missing. */
#define NODE(fdt, path) ({                                   \
	int __o = fdt_path_offset((fdt), (path));            \
	ASSERT_LE(0, __o) {                                  \
		TH_LOG("no node %s", (path));                \
	}                                                    \
	__o;                                                 \
})

/* A one-cell property's value; -1 (and a failure) if absent or mis-sized. */
static s64 prop_u32(const void *fdt, int node, const char *name)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p || len != 4)
		return -1;
	return fdt32_to_cpu(*p);
}

static s64 prop_len(const void *fdt, int node, const char *name)
{
	int len;

	return fdt_getprop(fdt, node, name, &len) ? len : -1;
}

static const char *prop_str(const void *fdt, int node, const char *name)
{
	int len;
	const char *p = fdt_getprop(fdt, node, name, &len);

	/* Must be one NUL-terminated string. */
	if (!p || len < 1 || p[len - 1] || (int)strlen(p) != len - 1)
		return "<missing or malformed>";
	return p;
}

static u64 prop_u64(const void *fdt, int node, const char *name)
{
	int len;
	const fdt64_t *p = fdt_getprop(fdt, node, name, &len);

	/* FDT properties are only 4-byte aligned. */
	return p && len == 8 ? fdt64_ld(p) : ~0ULL;
}

TEST_F(fdt, header_and_memreserve)
{
	u64 addr = 0, size = 0;

	EXPECT_EQ(0U, fdt_boot_cpuid_phys(self->fdt));
	EXPECT_GE(FDT_MAX_SIZE, fdt_totalsize(self->fdt));
	EXPECT_EQ(17U, fdt_version(self->fdt));
	ASSERT_EQ(1, fdt_num_mem_rsv(self->fdt));
	ASSERT_EQ(0, fdt_get_mem_rsv(self->fdt, 0, &addr, &size));
	EXPECT_EQ(self->t.vm.rtas_base, addr);
	EXPECT_EQ(self->t.vm.rtas_size, size);
	EXPECT_EQ(RTAS_AREA_SIZE, size);
}

TEST_F(fdt, root)
{
	static const char compat[] = "pvm,pseries\0qemu,pseries";
	int root = NODE(self->fdt, "/"), len;
	const char *c;

	EXPECT_STREQ("chrp", prop_str(self->fdt, root, "device_type"));
	/* pvm's own name first, QEMU's conventional one as the fallback. */
	c = fdt_getprop(self->fdt, root, "compatible", &len);
	ASSERT_NE(NULL, c);
	ASSERT_EQ((int)sizeof(compat), len);
	EXPECT_EQ(0, memcmp(compat, c, len));
	EXPECT_EQ(0, fdt_node_check_compatible(self->fdt, root, "qemu,pseries"));
	EXPECT_EQ(0, fdt_node_check_compatible(self->fdt, root, "pvm,pseries"));
	EXPECT_EQ(2, prop_u32(self->fdt, root, "#address-cells"));
	EXPECT_EQ(2, prop_u32(self->fdt, root, "#size-cells"));
	EXPECT_EQ(FDT_PHANDLE_XICS, prop_u32(self->fdt, root, "interrupt-parent"));
	/* The phandle resolves to the XICS node. */
	EXPECT_EQ(NODE(self->fdt, "/interrupt-controller"),
		  fdt_node_offset_by_phandle(self->fdt, FDT_PHANDLE_XICS));
}

TEST_F(fdt, memory)
{
	int mem = NODE(self->fdt, "/memory@0");
	const fdt64_t *reg;
	int len;

	EXPECT_STREQ("memory", prop_str(self->fdt, mem, "device_type"));
	reg = fdt_getprop(self->fdt, mem, "reg", &len);
	ASSERT_NE(NULL, reg);
	ASSERT_EQ(16, len);
	EXPECT_EQ(0U, fdt64_ld(&reg[0]));
	EXPECT_EQ(TESTVM_RAM, fdt64_ld(&reg[1]));
}

TEST_F(fdt, chosen)
{
	int chosen = NODE(self->fdt, "/chosen");
	const char *path;
	int vty;

	EXPECT_STREQ(PARAMS, prop_str(self->fdt, chosen, "bootargs"));
	EXPECT_NE(0U, self->t.vm.initrd_start);
	EXPECT_EQ(self->t.vm.initrd_start, prop_u64(self->fdt, chosen, "linux,initrd-start"));
	EXPECT_EQ(self->t.vm.initrd_end, prop_u64(self->fdt, chosen, "linux,initrd-end"));

	path = prop_str(self->fdt, chosen, "stdout-path");
	EXPECT_STREQ(path, prop_str(self->fdt, chosen, "linux,stdout-path"));
	vty = fdt_path_offset(self->fdt, path);
	ASSERT_LE(0, vty) {
		TH_LOG("stdout-path %s does not resolve", path);
	}
	EXPECT_EQ(0, fdt_node_check_compatible(self->fdt, vty, "hvterm1"));
	EXPECT_STREQ("serial", prop_str(self->fdt, vty, "device_type"));
	EXPECT_EQ(VTY_REG, prop_u32(self->fdt, vty, "reg"));
	/* It sits under /vdevice. */
	EXPECT_EQ(NODE(self->fdt, "/vdevice"), fdt_parent_offset(self->fdt, vty));
}

TEST_F(fdt, architecture_vec_5)
{
	int chosen = NODE(self->fdt, "/chosen");
	const u8 *ov5;
	int len;

	ov5 = fdt_getprop(self->fdt, chosen, "ibm,architecture-vec-5", &len);
	ASSERT_NE(NULL, ov5);
	ASSERT_EQ(27, len);
	EXPECT_EQ(0x40, ov5[24]);	/* radix */
	EXPECT_EQ(0x40, ov5[26]);	/* GTSE */
}

TEST_F(fdt, rtas_node)
{
	int rtas = NODE(self->fdt, "/rtas");
	const char *ht;
	int len;

	EXPECT_EQ((s64)self->t.vm.rtas_base, prop_u32(self->fdt, rtas, "linux,rtas-base"));
	EXPECT_EQ((s64)self->t.vm.rtas_base, prop_u32(self->fdt, rtas, "linux,rtas-entry"));
	EXPECT_EQ((s64)self->t.vm.rtas_size, prop_u32(self->fdt, rtas, "rtas-size"));
	EXPECT_LT(0, prop_u32(self->fdt, rtas, "rtas-error-log-max"));
	EXPECT_LT(0, prop_u32(self->fdt, rtas, "rtas-event-scan-rate"));
	EXPECT_EQ(0, prop_len(self->fdt, rtas, "ibm,extended-os-term"));

	ht = fdt_getprop(self->fdt, rtas, "ibm,hypertas-functions", &len);
	ASSERT_NE(NULL, ht);
	ASSERT_LT(0, len);
	EXPECT_EQ(0, ht[len - 1]);
	EXPECT_LE(0, fdt_stringlist_search(self->fdt, rtas, "ibm,hypertas-functions",
					   "hcall-set-mode"));
	EXPECT_LE(0, fdt_stringlist_search(self->fdt, rtas, "ibm,hypertas-functions",
					   "hcall-term"));
}

TEST_F(fdt, rtas_tokens)
{
	static const u32 xics_tokens[] = {
		RTAS_IBM_SET_XIVE, RTAS_IBM_GET_XIVE, RTAS_IBM_INT_OFF, RTAS_IBM_INT_ON,
	};
	int rtas = NODE(self->fdt, "/rtas");
	unsigned int n = 0, i;
	u32 tok;

	for (tok = RTAS_TOKEN_BASE + 1; tok < RTAS_TOKEN_END; tok++) {
		const struct rtas_def *d = rtas__def(tok);

		ASSERT_NE(NULL, d);
		if (rtas__has(&self->t.vm, tok)) {
			EXPECT_EQ(tok, prop_u32(self->fdt, rtas, d->name)) {
				TH_LOG("%s", d->name);
			}
			n++;
		} else {
			EXPECT_EQ(-1, prop_len(self->fdt, rtas, d->name)) {
				TH_LOG("%s published but not handled", d->name);
			}
		}
	}
	/*
	 * 12 base calls, check-exception, the three DR calls, the two power-level
	 * calls, the two NVRAM calls and the four ICS calls (on the in-kernel XICS).
	 */
	EXPECT_EQ(24U, n);
	for (i = 0; i < ARRAY_SIZE(xics_tokens); i++)
		EXPECT_EQ(xics_tokens[i],
			  prop_u32(self->fdt, rtas, rtas__def(xics_tokens[i])->name));
	EXPECT_EQ(RTAS_POWER_OFF, prop_u32(self->fdt, rtas, "power-off"));
	EXPECT_EQ(RTAS_IBM_OS_TERM, prop_u32(self->fdt, rtas, "ibm,os-term"));
}

TEST_F(fdt, cpus)
{
	int cpus = NODE(self->fdt, "/cpus"), node, n = 0;

	EXPECT_EQ(1, prop_u32(self->fdt, cpus, "#address-cells"));
	EXPECT_EQ(0, prop_u32(self->fdt, cpus, "#size-cells"));
	fdt_for_each_subnode(node, self->fdt, cpus) {
		const fdt32_t *srv;
		const fdt32_t *ap;
		u32 id = 2 * n;
		int len;
		unsigned int i;

		ASSERT_GT(2, n);
		EXPECT_STREQ("cpu", prop_str(self->fdt, node, "device_type"));
		EXPECT_EQ(id, prop_u32(self->fdt, node, "reg"));
		srv = fdt_getprop(self->fdt, node, "ibm,ppc-interrupt-server#s", &len);
		ASSERT_NE(NULL, srv);
		ASSERT_EQ(8, len);
		EXPECT_EQ(id, fdt32_to_cpu(srv[0]));
		EXPECT_EQ(id + 1, fdt32_to_cpu(srv[1]));
		EXPECT_EQ(self->t.vm.timebase_freq,
			  prop_u32(self->fdt, node, "timebase-frequency"));
		ap = fdt_getprop(self->fdt, node, "ibm,processor-radix-AP-encodings", &len);
		ASSERT_NE(NULL, ap);
		ASSERT_EQ((int)sizeof(radix_ap), len);
		for (i = 0; i < ARRAY_SIZE(radix_ap); i++)
			EXPECT_EQ(radix_ap[i], fdt32_to_cpu(ap[i]));
		EXPECT_EQ(0, prop_len(self->fdt, node, "64-bit"));
		EXPECT_EQ(128, prop_u32(self->fdt, node, "d-cache-block-size"));
		EXPECT_EQ(0x8000, prop_u32(self->fdt, node, "d-cache-size"));
		EXPECT_EQ(0x8000, prop_u32(self->fdt, node, "i-cache-size"));
		/* A 32-bit decrementer unless the accelerator kept LPCR[LD]. */
		EXPECT_EQ(-1, prop_len(self->fdt, node, "ibm,dec-bits"));
		n++;
	}
	EXPECT_EQ(2, n);
	EXPECT_LE(0, fdt_path_offset(self->fdt, "/cpus/PowerPC,POWER9@2"));
}

TEST_F(fdt, vdevice_xics_hypervisor)
{
	int vdev = NODE(self->fdt, "/vdevice");
	int xics = NODE(self->fdt, "/interrupt-controller");
	int hv = NODE(self->fdt, "/hypervisor");
	const fdt32_t *range;
	int len;

	EXPECT_STREQ("vdevice", prop_str(self->fdt, vdev, "device_type"));
	EXPECT_EQ(0, prop_len(self->fdt, vdev, "interrupt-controller"));

	EXPECT_EQ(0, fdt_node_check_compatible(self->fdt, xics, "IBM,ppc-xicp"));
	EXPECT_EQ((u32)FDT_PHANDLE_XICS, fdt_get_phandle(self->fdt, xics));
	EXPECT_EQ(0, prop_len(self->fdt, xics, "interrupt-controller"));
	range = fdt_getprop(self->fdt, xics, "ibm,interrupt-server-ranges", &len);
	ASSERT_NE(NULL, range);
	ASSERT_EQ(8, len);
	EXPECT_EQ(0U, fdt32_to_cpu(range[0]));
	EXPECT_EQ(4U, fdt32_to_cpu(range[1]));

	EXPECT_EQ(0, fdt_node_check_compatible(self->fdt, hv, "linux,kvm"));
}

TEST_F(fdt, no_space)
{
	u32 need = fdt_totalsize(self->fdt);
	u8 *buf = malloc(need);

	ASSERT_NE(NULL, buf);
	EXPECT_EQ(-ENOSPC, fdt__build(&self->t.vm, buf, 64));
	EXPECT_EQ(-ENOSPC, fdt__build(&self->t.vm, buf, 1024));
	EXPECT_EQ(-ENOSPC, fdt__build(&self->t.vm, buf, need - 1));
	EXPECT_EQ(0, fdt__build(&self->t.vm, buf, need));
	EXPECT_EQ(0, memcmp(buf, self->fdt, need));
	free(buf);
}

TEST_F(fdt, bad_threads)
{
	u8 *buf = malloc(FDT_MAX_SIZE);

	ASSERT_NE(NULL, buf);
	self->t.vm.cfg.threads = 0;
	EXPECT_EQ(-EINVAL, fdt__build(&self->t.vm, buf, FDT_MAX_SIZE));
	self->t.vm.cfg.threads = 9;
	EXPECT_EQ(-EINVAL, fdt__build(&self->t.vm, buf, FDT_MAX_SIZE));
	/* Eight is the most, with eight server numbers per core. */
	self->t.vm.cfg.threads = 8;
	ASSERT_EQ(0, fdt__build(&self->t.vm, buf, FDT_MAX_SIZE));
	EXPECT_EQ(32, prop_len(buf, fdt_path_offset(buf, "/cpus/PowerPC,POWER9@8"),
			       "ibm,ppc-interrupt-server#s"));
	free(buf);
}

TEST_F(fdt, optional_properties)
{
	u8 *buf = malloc(FDT_MAX_SIZE);
	int chosen, cpu;

	ASSERT_NE(NULL, buf);
	self->t.vm.cfg.params = NULL;
	self->t.vm.initrd_start = self->t.vm.initrd_end = 0;
	self->t.vm.nr_radix_ap = 0;
	self->t.vm.logical_pvr = 0x0f000006;
	self->t.vm.dec_bits = 56;
	ASSERT_EQ(0, fdt__build(&self->t.vm, buf, FDT_MAX_SIZE));
	chosen = fdt_path_offset(buf, "/chosen");
	ASSERT_LE(0, chosen);
	EXPECT_EQ(-1, prop_len(buf, chosen, "bootargs"));
	EXPECT_EQ(-1, prop_len(buf, chosen, "linux,initrd-start"));
	EXPECT_EQ(-1, prop_len(buf, chosen, "linux,initrd-end"));
	cpu = fdt_path_offset(buf, "/cpus/PowerPC,POWER10@0");
	ASSERT_LE(0, cpu);
	EXPECT_EQ(-1, prop_len(buf, cpu, "ibm,processor-radix-AP-encodings"));
	EXPECT_EQ(0x0f000006, prop_u32(buf, cpu, "cpu-version"));
	EXPECT_EQ(56, prop_u32(buf, cpu, "ibm,dec-bits"));
	free(buf);
}

TEST(without_xics)
{
	static const u32 xics_tokens[] = {
		RTAS_IBM_SET_XIVE, RTAS_IBM_GET_XIVE, RTAS_IBM_INT_OFF, RTAS_IBM_INT_ON,
	};
	struct testvm t;
	u8 initrd[INITRD_LEN];
	u8 *buf = malloc(FDT_MAX_SIZE);
	unsigned int i;
	int rtas;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, setup_vm(&t, false, initrd));
	ASSERT_EQ(0, fdt__build(&t.vm, buf, FDT_MAX_SIZE));
	ASSERT_EQ(0, fdt_check_header(buf));
	EXPECT_EQ(-1, prop_len(buf, 0, "interrupt-parent"));
	EXPECT_EQ(-FDT_ERR_NOTFOUND, fdt_path_offset(buf, "/interrupt-controller"));
	rtas = fdt_path_offset(buf, "/rtas");
	ASSERT_LE(0, rtas);
	for (i = 0; i < ARRAY_SIZE(xics_tokens); i++) {
		EXPECT_FALSE(rtas__has(&t.vm, xics_tokens[i]));
		EXPECT_EQ(-1, prop_len(buf, rtas, rtas__def(xics_tokens[i])->name));
	}
	EXPECT_EQ(RTAS_START_CPU, prop_u32(buf, rtas, "start-cpu"));
	free(buf);
	testvm__teardown(&t);
}

TEST_F(fdt, vm_load_layout)
{
	struct vm *vm = &self->t.vm;
	const u8 *ram = self->t.ram;

	/* Firmware in the last MiB of the 64 MiB guest, RTAS then the FDT. */
	EXPECT_EQ(TESTVM_RAM - SZ_1M, vm->rtas_base);
	EXPECT_EQ(RTAS_AREA_SIZE, vm->rtas_size);
	EXPECT_EQ(vm->rtas_base + RTAS_AREA_SIZE, vm->fdt_addr);
	EXPECT_EQ(KERNEL_LOAD_ADDR + 0x10, vm->entry);
	EXPECT_EQ(KERNEL_LOAD_ADDR + KERNEL_MEMSZ, vm->kernel_end);
	EXPECT_EQ(0x11, ram[KERNEL_LOAD_ADDR]);
	EXPECT_EQ(ALIGN_UP(KERNEL_LOAD_ADDR + KERNEL_MEMSZ, SZ_64K), vm->initrd_start);
	EXPECT_EQ(vm->initrd_start + INITRD_LEN, vm->initrd_end);
	EXPECT_EQ(0, memcmp(ram + vm->initrd_start, self->initrd, INITRD_LEN));
}

TEST_F(fdt, vm_build_fdt_in_guest)
{
	struct vm *vm = &self->t.vm;
	const u8 *fdt = self->t.ram + vm->fdt_addr;
	u8 stub[RTAS_STUB_SIZE];

	/* Only the packed tree is written: guest RAM after it stays as it was. */
	memset(self->t.ram + vm->fdt_addr, 0x5a, FDT_MAX_SIZE);
	ASSERT_EQ(0, vm__build_fdt(vm));
	EXPECT_GT(FDT_MAX_SIZE / 8, fdt_totalsize(fdt));
	EXPECT_EQ(0x5a, fdt[fdt_totalsize(fdt)]);
	EXPECT_EQ(0x5a, fdt[FDT_MAX_SIZE - 1]);
	rtas__stub(stub);
	EXPECT_EQ(0, memcmp(self->t.ram + vm->rtas_base, stub, sizeof(stub)));
	ASSERT_EQ(0, fdt_check_header(fdt));
	EXPECT_EQ(0, memcmp(fdt, self->fdt, fdt_totalsize(self->fdt)));
}

TEST(vm_load_errors)
{
	const struct testvm_opts small = { .ram_size = 4 * SZ_1M };
	static const struct test_seg seg = {
		.type = PT_LOAD, .filesz = 0x100, .memsz = 0x100, .seed = 1,
	};
	struct testvm t;
	u8 img[2 * TEST_ELF_DATA], *initrd;
	size_t len;
	u64 room;

	len = test_elf__build(img, sizeof(img), true, EM_PPC64, 0, &seg, 1);
	ASSERT_NE(0U, len);
	/* No room for kernel plus firmware area. */
	ASSERT_EQ(0, testvm__setup(&t, &small));
	EXPECT_EQ(-E2BIG, vm__load(&t.vm, LOAD_SRC_BUF(img, len), NULL));
	testvm__teardown(&t);

	ASSERT_EQ(0, testvm__setup(&t, &(struct testvm_opts){ 0 }));
	EXPECT_EQ(-ENOEXEC, vm__load(&t.vm, LOAD_SRC_BUF("hello", 5), NULL));
	/*
	 * Below 1 GiB of RAM the firmware area is at the top, so the initrd
	 * must fit between the kernel (rounded to 64 KiB) and the firmware.
	 */
	room = TESTVM_RAM - SZ_1M - ALIGN_UP(KERNEL_LOAD_ADDR + 0x100, SZ_64K);
	initrd = calloc(1, room + 1);
	ASSERT_NE(NULL, initrd);
	initrd[room - 1] = 0x5c;
	EXPECT_EQ(-E2BIG, vm__load(&t.vm, LOAD_SRC_BUF(img, len), LOAD_SRC_BUF(initrd, room + 1)));
	EXPECT_EQ(0U, t.vm.initrd_end);
	ASSERT_EQ(0, vm__load(&t.vm, LOAD_SRC_BUF(img, len), LOAD_SRC_BUF(initrd, room)));
	EXPECT_EQ(t.vm.rtas_base, t.vm.initrd_end);
	EXPECT_EQ(0x5c, t.ram[t.vm.initrd_end - 1]);
	free(initrd);
	testvm__teardown(&t);
}

TEST_HARNESS_MAIN
