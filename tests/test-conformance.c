// SPDX-License-Identifier: GPL-2.0
/*
 * PAPR conformance: what the device tree advertises is what pvm (or KVM)
 * answers, and the calls added for guests written against QEMU's pseries:
 * H_SET_SPRG0, H_PAGE_INIT, the "hcall-debug" logical accesses, H_RANDOM,
 * H_VIO_SIGNAL.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "pvm/fdt.h"
#include "testvm.h"

#include "kselftest_harness.h"

#define UNTOUCHED TESTVM_UNTOUCHED
#define PG 0x1000ULL

/*
 * The hcalls each PAPR function set promises (PAPR's hcall table, "Set"
 * column; Linux arch/powerpc/platforms/pseries/firmware.c names them). Kept
 * apart from papr/hcall.c on purpose: this is the reference it is held to.
 */
static const struct {
	const char *name;
	u64 hcalls[8];
} papr_sets[] = {
	{ "hcall-pft", { 0x04, 0x08, 0x0c, 0x10, 0x14, 0x18 } },
	{ "hcall-tce", { 0x1c, 0x20 } },
	{ "hcall-sprg0", { H_SET_SPRG0 } },
	{ "hcall-dabr", { H_SET_DABR } },
	{ "hcall-copy", { H_PAGE_INIT } },
	{ "hcall-asr", { H_SET_ASR, 0x34, 0x38 } },
	{ "hcall-debug", { H_LOGICAL_CI_LOAD, H_LOGICAL_CI_STORE, H_LOGICAL_CACHE_LOAD,
			   H_LOGICAL_CACHE_STORE, H_LOGICAL_ICBI, H_LOGICAL_DCBF } },
	{ "hcall-term", { H_GET_TERM_CHAR, H_PUT_TERM_CHAR } },
	{ "hcall-interrupt", { H_EOI, H_CPPR, H_IPI, H_IPOLL, H_XIRR } },
	{ "hcall-perf", { 0x5c } },
	{ "hcall-dump", { 0x60 } },
	{ "hcall-perfmon", { 0x7c } },
	{ "hcall-splpar", { H_REGISTER_VPA, H_CEDE, H_CONFER, H_PROD } },
	{ "hcall-vio", { H_VIO_SIGNAL } },
	{ "hcall-xdabr", { H_SET_XDABR } },
	{ "hcall-join", { 0x298 } },
	{ "hcall-set-mode", { H_SET_MODE } },
	{ "hcall-multi-tce", { 0x138, 0x13c } },
	{ "hcall-bulk", { 0x124 } },
	{ "hcall-vphn", { 0x2e4 } },
	{ "hcall-random", { H_RANDOM } },
	{ "hcall-watchdog", { 0x45c } },
	{ "hcall-rpt-invalidate", { 0x448 } },
};

static const u64 *set_hcalls(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(papr_sets); i++)
		if (!strcmp(papr_sets[i].name, name))
			return papr_sets[i].hcalls;
	return NULL;
}

/* /rtas properties that are not call tokens. */
static bool rtas_info_prop(const char *name)
{
	static const char *const info[] = {
		"name", "linux,rtas-base", "linux,rtas-entry", "rtas-size",
		"ibm,hypertas-functions", "rtas-error-log-max", "rtas-event-scan-rate",
		"ibm,extended-os-term", "ibm,hypervisor-pipe-capable", "ibm,lrdr-capacity",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(info); i++)
		if (!strcmp(info[i], name))
			return true;
	return false;
}

/*
 * Build the VM's tree and check every advertised function set and RTAS
 * token against what is registered. Returns the number of problems.
 */
static int walk_advertised(struct testvm *t, struct __test_metadata *_metadata)
{
	void *fdt = calloc(1, FDT_MAX_SIZE);
	const char *ht;
	int rtas, len, off, bad = 0, pos;

	ASSERT_NE(NULL, fdt);
	ASSERT_EQ(0, fdt__build(&t->vm, fdt, FDT_MAX_SIZE));
	rtas = fdt_path_offset(fdt, "/rtas");
	ASSERT_LE(0, rtas);
	ht = fdt_getprop(fdt, rtas, "ibm,hypertas-functions", &len);
	ASSERT_NE(NULL, ht);
	for (pos = 0; pos < len; pos += strlen(ht + pos) + 1) {
		const u64 *nrs = set_hcalls(ht + pos);
		unsigned int i;

		if (!nrs) {
			TH_LOG("advertised %s is no PAPR function set", ht + pos);
			bad++;
			continue;
		}
		for (i = 0; i < 8 && nrs[i]; i++) {
			u64 a[HCALL_NR_ARGS] = { 0 };

			if (!hcall__handled(&t->vm, nrs[i])) {
				TH_LOG("%s advertised, hcall 0x%llx not handled", ht + pos,
				       (unsigned long long)nrs[i]);
				bad++;
			} else if (hcall__registered(&t->vm, nrs[i]) &&
				   hcall__dispatch(&t->vm, t->vm.vcpus[0], nrs[i], a) == H_FUNCTION) {
				TH_LOG("%s: hcall 0x%llx answers H_FUNCTION", ht + pos,
				       (unsigned long long)nrs[i]);
				bad++;
			}
		}
	}
	fdt_for_each_property_offset(off, fdt, rtas) {
		const char *name;
		const fdt32_t *v = fdt_getprop_by_offset(fdt, off, &name, &len);
		u32 tok;

		if (rtas_info_prop(name))
			continue;
		if (len != 4) {
			TH_LOG("/rtas/%s is neither a token nor a known property", name);
			bad++;
			continue;
		}
		tok = fdt32_to_cpu(*v);
		if (!rtas__has(&t->vm, tok) || strcmp(rtas__def(tok)->name, name)) {
			TH_LOG("/rtas/%s = 0x%x advertised but not registered", name, tok);
			bad++;
		}
	}
	free(fdt);
	return bad;
}

TEST(advertised_equals_registered)
{
	static const u32 hvpipe_ids[] = { 0x02000001 };
	const struct testvm_opts configs[] = {
		{ .xics = true },
		{ .xics = false },
		{ .xics = true, .nr_cpus = 2, .threads = 4, .max_mem = 2 * SZ_1G, .max_cores = 4 },
		{ .xics = true, .hvpipe_ids = hvpipe_ids, .nr_hvpipe = 1 },
		{ .xics = true, .tpm_path = "/nonexistent/tpm" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(configs); i++) {
		struct testvm t;

		ASSERT_EQ(0, testvm__setup(&t, &configs[i]));
		fake_accel.xics = configs[i].xics;
		EXPECT_EQ(0, walk_advertised(&t, _metadata)) {
			TH_LOG("configuration %u", i);
		}
		testvm__teardown(&t);
	}
}

/* The sets a radix guest relies on are there; without XICS, no hcall-interrupt. */
TEST(hypertas_contents)
{
	static const char *const want[] = {
		"hcall-term", "hcall-dabr", "hcall-interrupt", "hcall-vio", "hcall-splpar",
		"hcall-set-mode", "hcall-sprg0", "hcall-copy", "hcall-watchdog", "hcall-debug",
	};
	const struct testvm_opts xics = { .xics = true }, none = { .xics = false };
	struct testvm t;
	char buf[512];
	size_t n, i, pos, count = 0;

	ASSERT_EQ(0, testvm__setup(&t, &xics));
	fake_accel.xics = true;
	n = hcall__hypertas(&t.vm, buf, sizeof(buf));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		bool found = false;

		for (pos = 0; pos < n; pos += strlen(buf + pos) + 1)
			found |= !strcmp(buf + pos, want[i]);
		EXPECT_TRUE(found) {
			TH_LOG("%s missing", want[i]);
		}
	}
	for (pos = 0; pos < n; pos += strlen(buf + pos) + 1)
		count++;
	EXPECT_EQ(ARRAY_SIZE(want), count);
	/* hcall-join was advertised once without H_JOIN behind it. */
	EXPECT_FALSE(hcall__handled(&t.vm, 0x298));
	testvm__teardown(&t);

	ASSERT_EQ(0, testvm__setup(&t, &none));
	n = hcall__hypertas(&t.vm, buf, sizeof(buf));
	for (pos = 0; pos < n; pos += strlen(buf + pos) + 1)
		EXPECT_STRNE("hcall-interrupt", buf + pos);
	/* A buffer too small for the next name stops the list cleanly. */
	EXPECT_EQ(strlen("hcall-term") + 1, hcall__hypertas(&t.vm, buf, 12));
	testvm__teardown(&t);
}

FIXTURE(calls) {
	struct testvm t;
	u64 a[HCALL_NR_ARGS];
};

FIXTURE_SETUP(calls)
{
	const struct testvm_opts o = { .xics = true };

	ASSERT_EQ(0, testvm__setup(&self->t, &o));
}

FIXTURE_TEARDOWN(calls)
{
	testvm__teardown(&self->t);
}


TEST_F(calls, set_sprg0)
{
	EXPECT_EQ(H_SUCCESS, HC(H_SET_SPRG0, 0x0123456789abcdefULL));
	EXPECT_EQ(0x0123456789abcdefULL, fake_accel.sprg0);
	EXPECT_EQ(0x0123456789abcdefULL, self->a[0]);
	EXPECT_EQ(UNTOUCHED, self->a[1]);
	EXPECT_EQ(H_SUCCESS, HC(H_SET_SPRG0, 0));
	EXPECT_EQ(0U, fake_accel.sprg0);
	/* The accelerator failing is a hardware error, not a crash. */
	fake_accel.sprg0_fail = -EIO;
	EXPECT_EQ(H_HARDWARE, HC(H_SET_SPRG0, 7));
	EXPECT_EQ(3U, fake_accel.sprg0_calls);
}

TEST_F(calls, page_init_zero_and_copy)
{
	u8 *ram = self->t.ram;
	u64 top = self->t.ram_size;

	memset(ram + 0x10000, 0xa5, PG);
	memset(ram + 0x11000, 0x3c, PG);
	ram[0x12000] = 0x77;
	EXPECT_EQ(H_SUCCESS, HC(H_PAGE_INIT, H_ZERO_PAGE, 0x10000, 0));
	EXPECT_EQ(0, ram[0x10000]);
	EXPECT_EQ(0, ram[0x10fff]);
	EXPECT_EQ(0x77, ram[0x12000]);
	EXPECT_EQ(H_SUCCESS, HC(H_PAGE_INIT, H_COPY_PAGE | H_ICACHE_SYNCHRONIZE, 0x10000, 0x11000));
	EXPECT_EQ(0x3c, ram[0x10000]);
	EXPECT_EQ(0x3c, ram[0x10fff]);
	EXPECT_EQ(0x77, ram[0x12000]);
	/* Copy wins when both are set (as in KVM); a page onto itself is a no-op. */
	EXPECT_EQ(H_SUCCESS, HC(H_PAGE_INIT, H_COPY_PAGE | H_ZERO_PAGE, 0x11000, 0x11000));
	EXPECT_EQ(0x3c, ram[0x11800]);
	/* The last page of RAM is fine. */
	EXPECT_EQ(H_SUCCESS, HC(H_PAGE_INIT, H_ZERO_PAGE, top - PG, 0));
	EXPECT_EQ(UNTOUCHED, self->a[3]);
}

TEST_F(calls, page_init_errors)
{
	u8 *ram = self->t.ram;
	u64 top = self->t.ram_size;

	memset(ram + 0x10000, 0xa5, 2 * PG);
	EXPECT_EQ(H_PARAMETER, HC(H_PAGE_INIT, H_ZERO_PAGE, 0x10008, 0));
	EXPECT_EQ(H_PARAMETER, HC(H_PAGE_INIT, H_COPY_PAGE, 0x10000, 0x11100));
	EXPECT_EQ(H_PARAMETER, HC(H_PAGE_INIT, H_COPY_PAGE, 0x10800, 0x11000));
	EXPECT_EQ(H_PARAMETER, HC(H_PAGE_INIT, H_ZERO_PAGE, top, 0));
	EXPECT_EQ(H_PARAMETER, HC(H_PAGE_INIT, H_ZERO_PAGE, ~0xfffULL, 0));
	EXPECT_EQ(H_PARAMETER, HC(H_PAGE_INIT, H_COPY_PAGE, 0x10000, top));
	EXPECT_EQ(H_PARAMETER, HC(H_PAGE_INIT, H_COPY_PAGE, top + PG, 0x10000));
	/* An unknown flag bit, alone or with a valid request. */
	EXPECT_EQ(H_PARAMETER, HC(H_PAGE_INIT, 1, 0x10000, 0));
	EXPECT_EQ(H_PARAMETER, HC(H_PAGE_INIT, H_ZERO_PAGE | (1ULL << 63), 0x10000, 0));
	/* Nothing was written by any refused call. */
	EXPECT_EQ(0xa5, ram[0x10000]);
	EXPECT_EQ(0xa5, ram[0x11fff]);
	/* Only cache or CMO flags: nothing to do, as in KVM. */
	EXPECT_EQ(H_SUCCESS, HC(H_PAGE_INIT, H_ICACHE_INVALIDATE | H_PAGE_SET_LOANED, 0x10000, 0));
	EXPECT_EQ(0xa5, ram[0x10000]);
}

TEST_F(calls, logical_load_store)
{
	u8 *ram = self->t.ram;
	static const u8 bytes[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };

	memcpy(ram + 0x20000, bytes, 8);
	EXPECT_EQ(H_SUCCESS, HC(H_LOGICAL_CI_LOAD, 1, 0x20001));
	EXPECT_EQ(0x22U, self->a[0]);
	EXPECT_EQ(H_SUCCESS, HC(H_LOGICAL_CI_LOAD, 2, 0x20002));
	EXPECT_EQ(0x3344U, self->a[0]);
	EXPECT_EQ(H_SUCCESS, HC(H_LOGICAL_CI_LOAD, 4, 0x20004));
	EXPECT_EQ(0x55667788U, self->a[0]);
	EXPECT_EQ(H_SUCCESS, HC(H_LOGICAL_CACHE_LOAD, 8, 0x20000));
	EXPECT_EQ(0x1122334455667788ULL, self->a[0]);
	EXPECT_EQ(0x20000U, self->a[1]);
	EXPECT_EQ(UNTOUCHED, self->a[2]);

	EXPECT_EQ(H_SUCCESS, HC(H_LOGICAL_CI_STORE, 2, 0x20006, 0xffffffffffffabcdULL));
	EXPECT_EQ(0xab, ram[0x20006]);
	EXPECT_EQ(0xcd, ram[0x20007]);
	EXPECT_EQ(0x55, ram[0x20004]);
	EXPECT_EQ(H_SUCCESS, HC(H_LOGICAL_CACHE_STORE, 8, 0x20008, 0x0102030405060708ULL));
	EXPECT_EQ(1, ram[0x20008]);
	EXPECT_EQ(8, ram[0x2000f]);
	EXPECT_EQ(H_SUCCESS, HC(H_LOGICAL_ICBI, 0x20000));
	EXPECT_EQ(H_SUCCESS, HC(H_LOGICAL_DCBF, 0x20000));
}

TEST_F(calls, logical_load_store_errors)
{
	u64 top = self->t.ram_size;
	static const u64 bad_sizes[] = { 0, 3, 5, 16, ~0ULL };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad_sizes); i++) {
		EXPECT_EQ(H_PARAMETER, HC(H_LOGICAL_CI_LOAD, bad_sizes[i], 0x20000));
		EXPECT_EQ(bad_sizes[i], self->a[0]);
		EXPECT_EQ(H_PARAMETER, HC(H_LOGICAL_CI_STORE, bad_sizes[i], 0x20000, 1));
	}
	EXPECT_EQ(H_PARAMETER, HC(H_LOGICAL_CI_LOAD, 4, 0x20002));
	EXPECT_EQ(H_PARAMETER, HC(H_LOGICAL_CI_STORE, 8, 0x20004, 1));
	EXPECT_EQ(H_PARAMETER, HC(H_LOGICAL_CI_LOAD, 8, top));
	EXPECT_EQ(H_PARAMETER, HC(H_LOGICAL_CI_LOAD, 8, ~7ULL));
	EXPECT_EQ(H_PARAMETER, HC(H_LOGICAL_CI_STORE, 1, top + 0x1000, 1));
	EXPECT_EQ(H_SUCCESS, HC(H_LOGICAL_CI_LOAD, 8, top - 8));
}

TEST_F(calls, random)
{
	u64 seen[16];
	unsigned int i, j, same = 0;

	for (i = 0; i < ARRAY_SIZE(seen); i++) {
		ASSERT_EQ(H_SUCCESS, HC(H_RANDOM));
		seen[i] = self->a[0];
		EXPECT_EQ(UNTOUCHED, self->a[1]);
	}
	for (i = 0; i < ARRAY_SIZE(seen); i++)
		for (j = i + 1; j < ARRAY_SIZE(seen); j++)
			same += seen[i] == seen[j];
	EXPECT_EQ(0U, same);
}

TEST_F(calls, random_node)
{
	void *fdt = calloc(1, FDT_MAX_SIZE);
	int pf, node, len;
	const char *s;

	ASSERT_NE(NULL, fdt);
	ASSERT_EQ(0, fdt__build(&self->t.vm, fdt, FDT_MAX_SIZE));
	pf = fdt_path_offset(fdt, "/ibm,platform-facilities");
	ASSERT_LE(0, pf);
	s = fdt_getprop(fdt, pf, "device_type", &len);
	ASSERT_NE(NULL, s);
	EXPECT_STREQ("ibm,platform-facilities", s);
	node = fdt_subnode_offset(fdt, pf, "ibm,random-v1");
	ASSERT_LE(0, node);
	EXPECT_EQ(0, fdt_node_check_compatible(fdt, node, "ibm,random"));
	free(fdt);
}

TEST_F(calls, vio_signal)
{
	u32 irq = vty__irq(vty__get(&self->t.vm));

	ASSERT_LE(0, (int)irq);
	EXPECT_EQ(H_PARAMETER, HC(H_VIO_SIGNAL, 0x1234, 1));
	EXPECT_EQ(H_PARAMETER, HC(H_VIO_SIGNAL, VTY_REG, 2));
	/* Off: input is queued but raises nothing; on again: it does. */
	EXPECT_EQ(H_SUCCESS, HC(H_VIO_SIGNAL, VTY_REG, 0));
	fake_accel.irq_lines = 0;
	EXPECT_EQ(1U, vty__input(vty__get(&self->t.vm), (const u8 *)"a", 1));
	EXPECT_EQ(0U, fake_accel.irq_lines);
	EXPECT_EQ(H_SUCCESS, HC(H_VIO_SIGNAL, VTY_REG, 1));
	EXPECT_EQ(1U, vty__input(vty__get(&self->t.vm), (const u8 *)"b", 1));
	EXPECT_EQ(1U, fake_accel.irq_lines);
	EXPECT_EQ(irq, fake_accel.last_irq);
}

FIXTURE(sreset) {
	struct testvm t;
	u64 a[HCALL_NR_ARGS];
};

FIXTURE_SETUP(sreset)
{
	const struct testvm_opts o = { .xics = true, .nr_cpus = 2, .threads = 2 };
	unsigned int i;

	ASSERT_EQ(0, testvm__setup(&self->t, &o));
	/* Servers 0, 1, 2 running; 3 stopped. */
	for (i = 0; i < 3; i++)
		self->t.vm.vcpus[i]->state = VCPU_RUNNING;
}

FIXTURE_TEARDOWN(sreset)
{
	testvm__teardown(&self->t);
}

static unsigned int pending(struct vm *vm)
{
	unsigned int i, mask = 0;

	for (i = 0; i < vm->nr_vcpus; i++)
		if (vcpu__take_reset(vm->vcpus[i]))
			mask |= 1U << vm->vcpus[i]->id;
	return mask;
}

TEST_F(sreset, targets)
{
	struct vm *vm = &self->t.vm;

	/* Unicast to another vCPU kicks it; to itself, no kick. */
	EXPECT_EQ(H_SUCCESS, HC(H_SIGNAL_SYS_RESET, 2));
	EXPECT_EQ(1U, fake_accel.kicks);
	EXPECT_EQ(1U << 2, pending(vm));
	EXPECT_EQ(H_SUCCESS, HC(H_SIGNAL_SYS_RESET, 0));
	EXPECT_EQ(1U, fake_accel.kicks);
	EXPECT_EQ(1U << 0, pending(vm));
	/* Taken once only. */
	EXPECT_EQ(0U, pending(vm));
	/* All: every running vCPU; the stopped one (3) is left alone. */
	EXPECT_EQ(H_SUCCESS, HC(H_SIGNAL_SYS_RESET, (u64)-1));
	EXPECT_EQ(0x7U, pending(vm));
	EXPECT_EQ(H_SUCCESS, HC(H_SIGNAL_SYS_RESET, (u64)-2));
	EXPECT_EQ(0x6U, pending(vm));
	/* A stopped target is accepted and gets nothing. */
	EXPECT_EQ(H_SUCCESS, HC(H_SIGNAL_SYS_RESET, 3));
	EXPECT_EQ(0U, pending(vm));
	EXPECT_EQ(UNTOUCHED, self->a[1]);
}

TEST_F(sreset, bad_targets)
{
	static const u64 bad[] = { 4, 255, 0x100000000ULL, 0x100000002ULL, (u64)-3, 1ULL << 63 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(H_PARAMETER, HC(H_SIGNAL_SYS_RESET, bad[i])) {
			TH_LOG("target 0x%llx", (unsigned long long)bad[i]);
		}
	}
	EXPECT_EQ(0U, pending(&self->t.vm));
	EXPECT_EQ(0U, fake_accel.kicks);
}

TEST_F(sreset, stop_self_drops_a_pending_reset)
{
	struct vcpu *v = self->t.vm.vcpus[1];

	EXPECT_TRUE(vcpu__queue_reset(v));
	vcpu__stop_self(v);
	EXPECT_FALSE(vcpu__take_reset(v));
	EXPECT_FALSE(vcpu__queue_reset(v));
}

TEST_HARNESS_MAIN
