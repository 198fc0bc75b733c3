// SPDX-License-Identifier: GPL-2.0
/* Memory and CPU DRCs: the state machine, configure-connector, host requests. */
#include <libfdt.h>

#include "testvm.h"
#include "papr/drc.h"
#include "papr/events.h"
#include "pvm/fdt.h"
#include "pvm/irq.h"
#include "pvm/xics.h"

#include "kselftest_harness.h"

#define WA_GPA 0x30000ULL
#define LMB1 (DRC_INDEX_LMB + 1)	/* the first hot-pluggable LMB at 256 MiB */

FIXTURE(drc) {
	struct testvm t;
	char why[160];
};

FIXTURE_SETUP(drc)
{
	const struct testvm_opts o = { .ram_size = SZ_256M, .max_mem = SZ_1G, .nr_cpus = 1,
				       .max_cores = 2, .xics = true };
	int irq;

	ASSERT_EQ(0, testvm__setup(&self->t, &o));
	/* The guest enabled its hotplug interrupt (set-xive, int-on). */
	irq = events__irq(&self->t.vm, EVENT_HOTPLUG);
	ASSERT_LE(0, irq);
	fake_accel.irq_state[irq - IRQ_BASE] = 5ULL << XICS_STATE_PRIO_SHIFT;
}

FIXTURE_TEARDOWN(drc)
{
	testvm__teardown(&self->t);
}

static s32 sense(struct testvm *t, u32 index, u32 *value)
{
	u32 args[2] = { 9003, index }, rets[2] = { 0, 0 };
	s32 st = testvm__rtas(t, RTAS_GET_SENSOR_STATE, 2, args, 2, rets);

	*value = rets[1];
	return st;
}

static s32 indicator(struct testvm *t, u32 type, u32 index, u32 value)
{
	u32 args[3] = { type, index, value };

	return testvm__rtas(t, RTAS_SET_INDICATOR, 3, args, 1, NULL);
}

/* One configure-connector call; *name gets the node/property name. */
static s32 cc(struct testvm *t, u32 index, const char **name, u32 *len)
{
	u32 args[2] = { (u32)WA_GPA, 0 };
	u8 *wa = t->ram + WA_GPA;
	s32 st;

	testvm__put_be32(t, WA_GPA, index);
	st = testvm__rtas(t, RTAS_IBM_CONFIGURE_CONNECTOR, 2, args, 1, NULL);
	*name = (const char *)wa + testvm__be32(t, WA_GPA + 8);
	*len = testvm__be32(t, WA_GPA + 12);
	return st;
}

TEST_F(drc, sensors)
{
	u32 v;

	EXPECT_EQ(0, sense(&self->t, DRC_INDEX_LMB, &v));
	EXPECT_EQ(1U, v);			/* boot LMB present */
	EXPECT_EQ(0, sense(&self->t, LMB1, &v));
	EXPECT_EQ(2U, v);			/* free slot unusable */
	EXPECT_EQ(-3, sense(&self->t, DRC_INDEX_LMB + 4, &v));
	EXPECT_EQ(-3, sense(&self->t, 0x12345678, &v));
	EXPECT_EQ(0, sense(&self->t, DRC_INDEX_CPU, &v));
	EXPECT_EQ(1U, v);			/* boot core */
	EXPECT_EQ(0, sense(&self->t, DRC_INDEX_CPU + 1, &v));
	EXPECT_EQ(2U, v);
}

TEST_F(drc, memory_add_and_remove)
{
	const char *name;
	u32 v, len;
	int props = 0;
	s32 st;

	ASSERT_EQ(0, drc__hotplug_mem(&self->t.vm, SZ_256M, self->why, sizeof(self->why)));
	EXPECT_EQ(1U, events__pending(&self->t.vm, EVENT_HOTPLUG));
	EXPECT_EQ(1, fake_accel.memslots);
	EXPECT_NE(NULL, gmem__ptr(&self->t.vm.mem, SZ_256M, SZ_256M));
	/* The guest's acquire sequence. */
	EXPECT_EQ(0, sense(&self->t, LMB1, &v));
	EXPECT_EQ(2U, v);
	EXPECT_EQ(-3, cc(&self->t, LMB1, &name, &len) == -9003 ? -3 : 0);
	EXPECT_EQ(0, indicator(&self->t, 9003, LMB1, 1));
	EXPECT_EQ(0, indicator(&self->t, 9001, LMB1, 1));
	ASSERT_EQ(2, cc(&self->t, LMB1, &name, &len));
	EXPECT_STREQ("memory@10000000", name);
	while ((st = cc(&self->t, LMB1, &name, &len)) == 3) {
		if (!strcmp(name, "ibm,associativity"))
			EXPECT_EQ(20U, len);
		props++;
	}
	EXPECT_EQ(0, st);
	EXPECT_EQ(4, props);
	EXPECT_EQ((u64)SZ_256M, drc__hotplugged_bytes(&self->t.vm));
	/* The guest may not drop memory on its own. */
	EXPECT_EQ(-1, indicator(&self->t, 9001, LMB1, 0));
	/* Host removal; memory goes only at allocation := unusable. */
	ASSERT_EQ(0, drc__hotplug_mem(&self->t.vm, -(s64)SZ_256M, self->why, sizeof(self->why)));
	EXPECT_EQ(-EBUSY, drc__hotplug_mem(&self->t.vm, -(s64)SZ_256M, self->why, sizeof(self->why)));
	EXPECT_EQ(0, sense(&self->t, LMB1, &v));
	EXPECT_EQ(1U, v);
	EXPECT_EQ(0, indicator(&self->t, 9001, LMB1, 0));
	EXPECT_NE(NULL, gmem__ptr(&self->t.vm.mem, SZ_256M, 8));
	EXPECT_EQ(0, indicator(&self->t, 9003, LMB1, 0));
	EXPECT_EQ(NULL, gmem__ptr(&self->t.vm.mem, SZ_256M, 8));
	EXPECT_EQ(0, fake_accel.memslots);
	EXPECT_EQ(0U, drc__hotplugged_bytes(&self->t.vm));
}

TEST_F(drc, memory_limits)
{
	EXPECT_EQ(-EINVAL, drc__hotplug_mem(&self->t.vm, (64 * SZ_1M), self->why, sizeof(self->why)));
	EXPECT_EQ(-ENOSPC, drc__hotplug_mem(&self->t.vm, SZ_1G, self->why, sizeof(self->why)));
	EXPECT_EQ(-ENOSPC, drc__hotplug_mem(&self->t.vm, -(s64)SZ_256M, self->why, sizeof(self->why)));
	EXPECT_NE(NULL, strstr(self->why, "boot memory never"));
	EXPECT_EQ(0, fake_accel.memslots);
	EXPECT_EQ(0U, events__pending(&self->t.vm, EVENT_HOTPLUG));
}

/* Numbers that used to be truncated or negated: refused, nothing plugged. */
TEST_F(drc, out_of_range_requests)
{
	/* 2^60 + 2^28: its LMB count is 2^32 + 1, which was narrowed to 1. */
	EXPECT_EQ(-E2BIG, drc__hotplug_mem(&self->t.vm, (s64)((1ULL << 60) + SZ_256M),
					   self->why, sizeof(self->why)));
	EXPECT_EQ(-E2BIG, drc__hotplug_mem(&self->t.vm, INT64_MIN,
					   self->why, sizeof(self->why)));
	EXPECT_EQ(-EINVAL, drc__hotplug_cpu(&self->t.vm, INT64_MIN, self->why, sizeof(self->why)));
	EXPECT_EQ(-EINVAL, drc__hotplug_cpu(&self->t.vm, 4294967297LL, self->why, sizeof(self->why)));
	EXPECT_EQ(-EINVAL, drc__hotplug_cpu(&self->t.vm, -4294967297LL, self->why, sizeof(self->why)));
	EXPECT_EQ(-EINVAL, drc__hotplug_cpu(&self->t.vm, 0, self->why, sizeof(self->why)));
	EXPECT_EQ(0, fake_accel.memslots);
	EXPECT_EQ(0U, drc__hotplugged_bytes(&self->t.vm));
	EXPECT_EQ(0U, events__pending(&self->t.vm, EVENT_HOTPLUG));
}

TEST_F(drc, guest_not_listening)
{
	fake_accel.irq_state[events__irq(&self->t.vm, EVENT_HOTPLUG) - IRQ_BASE] =
		XICS_STATE_PRIO_MASK | XICS_STATE_MASKED;
	EXPECT_EQ(-ENOTSUP, drc__hotplug_mem(&self->t.vm, SZ_256M, self->why, sizeof(self->why)));
	EXPECT_EQ(-ENOTSUP, drc__hotplug_cpu(&self->t.vm, 1, self->why, sizeof(self->why)));
	EXPECT_NE(NULL, strstr(self->why, "not enabled hotplug"));
}

TEST_F(drc, cpu_add_node)
{
	const char *name;
	u32 len, cpu1 = DRC_INDEX_CPU + 1;
	bool drc_prop = false, servers = false;
	s32 st;

	ASSERT_EQ(1U, self->t.vm.nr_vcpus);
	ASSERT_EQ(0, drc__hotplug_cpu(&self->t.vm, 1, self->why, sizeof(self->why)));
	EXPECT_EQ(2U, self->t.vm.nr_vcpus);
	EXPECT_EQ((int)VCPU_STOPPED, (int)self->t.vm.vcpus[1]->state);
	EXPECT_EQ(-ENOSPC, drc__hotplug_cpu(&self->t.vm, 1, self->why, sizeof(self->why)));
	EXPECT_EQ(0, indicator(&self->t, 9003, cpu1, 1));
	EXPECT_EQ(0, indicator(&self->t, 9001, cpu1, 1));
	ASSERT_EQ(2, cc(&self->t, cpu1, &name, &len));
	EXPECT_STREQ("PowerPC,POWER9@1", name);
	while ((st = cc(&self->t, cpu1, &name, &len)) == 3) {
		if (!strcmp(name, "ibm,my-drc-index")) {
			drc_prop = true;
			EXPECT_EQ(cpu1, testvm__be32(&self->t, WA_GPA + testvm__be32(&self->t, WA_GPA + 16)));
		}
		if (!strcmp(name, "ibm,ppc-interrupt-server#s"))
			servers = true;
	}
	EXPECT_EQ(0, st);
	EXPECT_TRUE(drc_prop);
	EXPECT_TRUE(servers);
	/* Removal, then a re-plug reuses the parked vCPU. */
	ASSERT_EQ(0, drc__hotplug_cpu(&self->t.vm, -1, self->why, sizeof(self->why)));
	EXPECT_EQ(0, indicator(&self->t, 9001, cpu1, 0));
	EXPECT_EQ(0, indicator(&self->t, 9003, cpu1, 0));
	ASSERT_EQ(0, drc__hotplug_cpu(&self->t.vm, 1, self->why, sizeof(self->why)));
	EXPECT_EQ(2U, self->t.vm.nr_vcpus);
	EXPECT_EQ(-ENOSPC, drc__hotplug_cpu(&self->t.vm, -2, self->why, sizeof(self->why)));
}

TEST_F(drc, bad_indicators)
{
	EXPECT_EQ(-3, indicator(&self->t, 6, LMB1, 1));		/* progress: not ours */
	EXPECT_EQ(-3, indicator(&self->t, 9001, 0x7777, 1));
	EXPECT_EQ(-3, indicator(&self->t, 9003, LMB1, 1));	/* nothing attached */
	EXPECT_EQ(-3, indicator(&self->t, 9001, LMB1, 1));	/* still unusable */
	EXPECT_EQ(-3, indicator(&self->t, 9003, DRC_INDEX_LMB, 7));
}

/*
 * Everything configure-connector hands the guest for one DRC, one line per
 * call: status, the three work-area words (name offset, value length, value
 * offset), the name and the value in hex. Pinned below byte for byte.
 */
static void cc_transcript(struct testvm *t, u32 index, char *out, size_t size)
{
	u8 *wa = t->ram + WA_GPA;
	size_t n = 0;
	int calls;

	out[0] = 0;
	for (calls = 0; calls < 64; calls++) {
		u32 args[2] = { (u32)WA_GPA, 0 }, off, len, voff, i;
		s32 st;

		testvm__put_be32(t, WA_GPA, index);
		st = testvm__rtas(t, RTAS_IBM_CONFIGURE_CONNECTOR, 2, args, 1, NULL);
		off = testvm__be32(t, WA_GPA + 8);
		len = testvm__be32(t, WA_GPA + 12);
		voff = testvm__be32(t, WA_GPA + 16);
		n += snprintf(out + n, size - n, "%d %u %u %u", st, off, len, voff);
		if (st == 2 || st == 3)
			n += snprintf(out + n, size - n, " %s", (const char *)wa + off);
		if (st == 3) {
			n += snprintf(out + n, size - n, " ");
			for (i = 0; i < len && n < size; i++)
				n += snprintf(out + n, size - n, "%02x", wa[voff + i]);
		}
		n += snprintf(out + n, size - n, "\n");
		if (st != 2 && st != 3)
			return;
	}
}

static const char lmb1_cc[] =
	"2 20 0 0 memory@10000000\n"
	"3 20 7 25 name 6d656d6f727900\n"
	"3 20 7 32 device_type 6d656d6f727900\n"
	"3 20 16 24 reg 00000000100000000000000010000000\n"
	"3 20 20 38 ibm,associativity 0000000400000000000000000000000000000000\n"
	"0 0 0 0\n";

static const char cpu1_cc[] =
	"2 20 0 0 PowerPC,POWER9@1\n"
	"3 20 15 25 name 506f77657250432c504f5745523900\n"
	"3 20 4 32 device_type 63707500\n"
	"3 20 4 24 reg 00000001\n"
	"3 20 4 47 ibm,ppc-interrupt-server#s 00000001\n"
	"3 20 4 39 timebase-frequency 1e848000\n"
	"3 20 4 36 clock-frequency 3b9aca00\n"
	"3 20 4 33 d-cache-size 00008000\n"
	"3 20 4 33 d-cache-sets 00000020\n"
	"3 20 4 33 i-cache-size 00008000\n"
	"3 20 4 33 i-cache-sets 00000020\n"
	"3 20 4 39 d-cache-block-size 00000080\n"
	"3 20 4 39 i-cache-block-size 00000080\n"
	"3 20 4 38 d-cache-line-size 00000080\n"
	"3 20 4 38 i-cache-line-size 00000080\n"
	"3 20 4 28 ibm,vmx 00000002\n"
	"3 20 4 28 ibm,dfp 00000001\n"
	"3 20 4 29 ibm,purr 00000001\n"
	"3 20 4 30 ibm,spurr 00000001\n"
	"3 20 0 27 64-bit \n"
	"3 20 3 36 ibm,pi-features 010008\n"
	"3 20 4 37 ibm,my-drc-index 10000001\n"
	"3 20 5 27 status 6f6b617900\n"
	"0 0 0 0\n";

TEST_F(drc, cc_output_pinned)
{
	static char got[4096];

	ASSERT_EQ(0, drc__hotplug_mem(&self->t.vm, SZ_256M, self->why, sizeof(self->why)));
	ASSERT_EQ(0, indicator(&self->t, 9003, LMB1, 1));
	ASSERT_EQ(0, indicator(&self->t, 9001, LMB1, 1));
	cc_transcript(&self->t, LMB1, got, sizeof(got));
	EXPECT_STREQ(lmb1_cc, got);

	ASSERT_EQ(0, drc__hotplug_cpu(&self->t.vm, 1, self->why, sizeof(self->why)));
	ASSERT_EQ(0, indicator(&self->t, 9003, DRC_INDEX_CPU + 1, 1));
	ASSERT_EQ(0, indicator(&self->t, 9001, DRC_INDEX_CPU + 1, 1));
	cc_transcript(&self->t, DRC_INDEX_CPU + 1, got, sizeof(got));
	EXPECT_STREQ(cpu1_cc, got);
}

/* The DRC properties of the boot tree, in order, as text (pinned below). */
static void fdt_props(const void *fdt, const char *path, const char *only, char *out, size_t size)
{
	size_t n = strlen(out);
	int node = fdt_path_offset(fdt, path), off, len, i;

	n += snprintf(out + n, size - n, "%s%s\n", path, node < 0 ? " missing" : "");
	fdt_for_each_property_offset(off, fdt, node) {
		const char *name;
		const u8 *v = fdt_getprop_by_offset(fdt, off, &name, &len);

		if (only && strncmp(name, only, strlen(only)))
			continue;
		n += snprintf(out + n, size - n, " %s ", name);
		for (i = 0; i < len && n < size; i++)
			n += snprintf(out + n, size - n, "%02x", v[i]);
		n += snprintf(out + n, size - n, "\n");
	}
}

static const char drc_tree[] =
	"/rtas\n"
	" ibm,lrdr-capacity 0000000040000000000000001000000000000002\n"
	"/cpus\n"
	" ibm,drc-indexes 000000021000000010000001\n"
	" ibm,drc-names 00000002435055203000435055203100\n"
	" ibm,drc-types 000000024350550043505500\n"
	" ibm,drc-power-domains 00000002ffffffffffffffff\n"
	"/cpus/PowerPC,POWER9@0\n"
	" ibm,my-drc-index 10000000\n"
	"/ibm,dynamic-reconfiguration-memory\n"
	" ibm,lmb-size 0000000010000000\n"
	" ibm,dynamic-memory-v2 00000002000000010000000000000000800000000000000000000080000000030000000010000000800000010000000000000000\n"
	" ibm,associativity-lookup-arrays 000000010000000400000000000000000000000000000000\n"
	" ibm,memory-flags-mask 000000ff\n"
	" ibm,memory-preservation-time 00000000\n";

TEST_F(drc, fdt_pinned)
{
	static u8 fdt[65536];
	static char got[8192];

	ASSERT_EQ(0, fdt__build(&self->t.vm, fdt, sizeof(fdt)));
	got[0] = 0;
	fdt_props(fdt, "/rtas", "ibm,lrdr", got, sizeof(got));
	fdt_props(fdt, "/cpus", "ibm,drc", got, sizeof(got));
	fdt_props(fdt, "/cpus/PowerPC,POWER9@0", "ibm,my-drc", got, sizeof(got));
	fdt_props(fdt, "/ibm,dynamic-reconfiguration-memory", NULL, got, sizeof(got));
	EXPECT_STREQ(drc_tree, got);
}

/* ibm,lrdr-capacity only when memory or cores can be added; each part for its own. */
TEST(fdt_parts_by_ceiling)
{
	static const struct { u64 max_mem; unsigned int max_cores; bool lrdr, drmem, cpus; } c[] = {
		{ 0, 0, false, false, false },
		{ SZ_1G, 0, true, true, false },
		{ 0, 2, true, false, true },
	};
	static u8 fdt[65536];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		const struct testvm_opts o = { .ram_size = SZ_256M, .max_mem = c[i].max_mem,
					       .max_cores = c[i].max_cores };
		struct testvm t;
		int rtas;

		ASSERT_EQ(0, testvm__setup(&t, &o));
		ASSERT_EQ(0, fdt__build(&t.vm, fdt, sizeof(fdt)));
		rtas = fdt_path_offset(fdt, "/rtas");
		EXPECT_EQ(c[i].lrdr, !!fdt_getprop(fdt, rtas, "ibm,lrdr-capacity", NULL));
		EXPECT_EQ(c[i].drmem, fdt_path_offset(fdt, "/ibm,dynamic-reconfiguration-memory") >= 0);
		EXPECT_EQ(c[i].cpus, !!fdt_getprop(fdt, fdt_path_offset(fdt, "/cpus"),
						   "ibm,drc-indexes", NULL));
		EXPECT_EQ(c[i].cpus, !!fdt_getprop(fdt, fdt_path_offset(fdt, "/cpus/PowerPC,POWER9@0"),
						   "ibm,my-drc-index", NULL));
		testvm__teardown(&t);
	}
}

/* Every type's connectors are found by index; the gaps and the rest are not. */
TEST_F(drc, lookup_by_type)
{
	struct vm *vm = &self->t.vm;
	struct drc *d;
	u32 v;

	d = drc__find(vm, DRC_INDEX_LMB + 3);
	ASSERT_NE(NULL, d);
	EXPECT_EQ(&drc_lmb_type, d->type);
	EXPECT_EQ(3U, d->nr);
	d = drc__find(vm, DRC_INDEX_CPU + 1);
	ASSERT_NE(NULL, d);
	EXPECT_EQ(&drc_cpu_type, d->type);
	EXPECT_EQ(1U, d->nr);
	EXPECT_EQ(NULL, drc__find(vm, DRC_INDEX_LMB + 4));
	EXPECT_EQ(NULL, drc__find(vm, DRC_INDEX_CPU + 2));
	EXPECT_EQ(NULL, drc__find(vm, DRC_INDEX_CPU - 1));
	EXPECT_EQ(NULL, drc__find(vm, 0));
	/* An unknown index is the PAPR parameter error in all three calls. */
	EXPECT_EQ(-3, sense(&self->t, 0x40000000, &v));
	EXPECT_EQ(-3, indicator(&self->t, 9003, 0x40000000, 1));
	EXPECT_EQ(-9003, cc(&self->t, 0x40000000, (const char **)&d, &v));
	EXPECT_EQ(-EEXIST, drc__add_type(vm, &drc_lmb_type));
}

/* A core's DRC is named by its first thread: the others are no DRC. */
TEST(cpu_index_stride)
{
	const struct testvm_opts o = { .nr_cpus = 1, .threads = 4, .max_cores = 3 };
	struct testvm t;
	struct drc *d;

	ASSERT_EQ(0, testvm__setup(&t, &o));
	EXPECT_EQ(NULL, drc__set(&t.vm, &drc_lmb_type));
	d = drc__find(&t.vm, DRC_INDEX_CPU + 8);
	ASSERT_NE(NULL, d);
	EXPECT_EQ(2U, d->nr);
	EXPECT_TRUE(drc__find(&t.vm, DRC_INDEX_CPU)->boot);
	EXPECT_FALSE(d->boot);
	EXPECT_EQ(NULL, drc__find(&t.vm, DRC_INDEX_CPU + 2));
	EXPECT_EQ(NULL, drc__find(&t.vm, DRC_INDEX_CPU + 12));
	testvm__teardown(&t);
}

/* A third type, as a PCI-slot type would be: nothing generic changes for it. */
#define FAKE_INDEX 0x40000000u
static unsigned int fake_detached;

static u32 fake_stride(struct vm *vm)
{
	return 0x10;
}

static unsigned int fake_count(struct vm *vm, unsigned int *boot)
{
	*boot = 1;
	return 3;
}

static void fake_detach(struct vm *vm, struct drc *d)
{
	fake_detached++;
}

static int fake_cc_node(struct vm *vm, struct drc *d, void *blob, u32 size)
{
	char name[16];

	snprintf(name, sizeof(name), "slot@%x", d->nr);
	FDT_TRY(fdt_create(blob, size));
	FDT_TRY(fdt_finish_reservemap(blob));
	FDT_TRY(fdt_begin_node(blob, ""));
	FDT_TRY(fdt_begin_node(blob, name));
	FDT_TRY(fdt_property_u32(blob, "ibm,my-drc-index", d->index));
	FDT_TRY(fdt_property_string(blob, "compatible", "fake"));
	FDT_TRY(fdt_end_node(blob));
	FDT_TRY(fdt_end_node(blob));
	return fdt_finish(blob);
}

static int fake_fdt(struct vm *vm, void *fdt, const struct fdt_place *at)
{
	if (at->at != FDT_AT_ROOT)
		return 0;
	FDT_TRY(fdt_begin_node(fdt, "fake-slots"));
	return fdt_end_node(fdt);
}

static const struct drc_type fake_type = {
	.name = "fake",
	.index_base = FAKE_INDEX,
	.index_stride = fake_stride,
	.count = fake_count,
	.detach = fake_detach,
	.cc_node = fake_cc_node,
	.fdt = fake_fdt,
};

TEST_F(drc, third_type)
{
	static char got[1024];
	static u8 fdt[65536];
	struct vm *vm = &self->t.vm;
	struct drc *d;
	u32 v;

	ASSERT_EQ(0, drc__add_type(vm, &fake_type));
	EXPECT_EQ(NULL, drc__find(vm, FAKE_INDEX + 1));
	EXPECT_EQ(NULL, drc__find(vm, FAKE_INDEX + 0x30));
	d = drc__find(vm, FAKE_INDEX + 0x20);
	ASSERT_NE(NULL, d);
	EXPECT_EQ(&fake_type, d->type);
	EXPECT_EQ(0, sense(&self->t, FAKE_INDEX, &v));
	EXPECT_EQ(1U, v);			/* the boot one */
	EXPECT_EQ(0, sense(&self->t, FAKE_INDEX + 0x20, &v));
	EXPECT_EQ(2U, v);
	/* What the type's own host request would do, then the guest's acquire. */
	d->attached = true;
	ASSERT_EQ(0, indicator(&self->t, 9003, d->index, 1));
	ASSERT_EQ(0, indicator(&self->t, 9001, d->index, 1));
	cc_transcript(&self->t, d->index, got, sizeof(got));
	EXPECT_STREQ("2 20 0 0 slot@2\n"
		     "3 20 4 37 ibm,my-drc-index 40000020\n"
		     "3 20 5 31 compatible 66616b6500\n"
		     "0 0 0 0\n", got);
	EXPECT_EQ((int)DRC_CONFIGURED, (int)d->state);
	/* Its device-tree hook runs with the others'. */
	ASSERT_EQ(0, fdt__build(vm, fdt, sizeof(fdt)));
	EXPECT_LE(0, fdt_path_offset(fdt, "/fake-slots"));
	/* Not removable by the guest unless the type says so. */
	EXPECT_EQ(-1, indicator(&self->t, 9001, d->index, 0));
	/* Reset drops it through the type's detach. */
	fake_detached = 0;
	modules__reset(vm);
	EXPECT_EQ(1U, fake_detached);
	EXPECT_FALSE(d->attached);
	EXPECT_EQ((int)DRC_UNUSABLE, (int)d->state);
	EXPECT_TRUE(drc__find(vm, FAKE_INDEX)->attached);
}

/* Guest reboot in place: hot-added memory and cores are dropped, boot ones kept. */
TEST_F(drc, reset_drops_hotplugged)
{
	struct vm *vm = &self->t.vm;
	u32 lmb2 = DRC_INDEX_LMB + 2, cpu1 = DRC_INDEX_CPU + 1, v, len;
	const char *name;

	ASSERT_EQ(0, drc__hotplug_mem(vm, 2 * (s64)SZ_256M, self->why, sizeof(self->why)));
	ASSERT_EQ(0, drc__hotplug_cpu(vm, 1, self->why, sizeof(self->why)));
	/* LMB1 fully configured, LMB2 left halfway through configure-connector. */
	ASSERT_EQ(0, indicator(&self->t, 9003, LMB1, 1));
	ASSERT_EQ(0, indicator(&self->t, 9001, LMB1, 1));
	while (cc(&self->t, LMB1, &name, &len) > 0)
		;
	ASSERT_EQ(0, indicator(&self->t, 9003, lmb2, 1));
	ASSERT_EQ(0, indicator(&self->t, 9001, lmb2, 1));
	ASSERT_EQ(2, cc(&self->t, lmb2, &name, &len));
	ASSERT_EQ(3, cc(&self->t, lmb2, &name, &len));
	ASSERT_EQ(0, indicator(&self->t, 9003, cpu1, 1));
	ASSERT_EQ(0, indicator(&self->t, 9001, cpu1, 1));
	while (cc(&self->t, cpu1, &name, &len) > 0)
		;
	/* An unplug still pending, and a boot core the guest gave up itself. */
	ASSERT_EQ(0, drc__hotplug_mem(vm, -(s64)SZ_256M, self->why, sizeof(self->why)));
	ASSERT_EQ(0, indicator(&self->t, 9001, DRC_INDEX_CPU, 0));
	ASSERT_EQ(0, indicator(&self->t, 9003, DRC_INDEX_CPU, 0));
	ASSERT_EQ(0, sense(&self->t, DRC_INDEX_CPU, &v));
	ASSERT_EQ(2U, v);
	ASSERT_EQ(2 * (u64)SZ_256M, drc__hotplugged_bytes(vm));
	ASSERT_EQ(2, fake_accel.memslots);

	modules__reset(vm);

	EXPECT_EQ(0U, drc__hotplugged_bytes(vm));
	EXPECT_EQ(0, fake_accel.memslots);
	EXPECT_EQ(NULL, gmem__ptr(&vm->mem, SZ_256M, 8));
	EXPECT_EQ(NULL, gmem__ptr(&vm->mem, 2ULL * SZ_256M, 8));
	EXPECT_NE(NULL, gmem__ptr(&vm->mem, 0, 8));
	EXPECT_EQ(0, sense(&self->t, LMB1, &v));
	EXPECT_EQ(2U, v);
	EXPECT_EQ(0, sense(&self->t, lmb2, &v));
	EXPECT_EQ(2U, v);
	EXPECT_EQ(0, sense(&self->t, cpu1, &v));
	EXPECT_EQ(2U, v);
	EXPECT_EQ(0, sense(&self->t, DRC_INDEX_LMB, &v));
	EXPECT_EQ(1U, v);
	EXPECT_EQ(0, sense(&self->t, DRC_INDEX_CPU, &v));
	EXPECT_EQ(1U, v);
	EXPECT_EQ(-9003, cc(&self->t, lmb2, &name, &len));
	/* Nothing hot-added is left to remove, and no unplug is pending. */
	EXPECT_EQ(-ENOSPC, drc__hotplug_mem(vm, -(s64)SZ_256M, self->why, sizeof(self->why)));
	EXPECT_EQ(-ENOSPC, drc__hotplug_cpu(vm, -1, self->why, sizeof(self->why)));
	/* The next boot plugs again: the same slots, the parked vCPU reused. */
	ASSERT_EQ(0, drc__hotplug_mem(vm, SZ_256M, self->why, sizeof(self->why)));
	EXPECT_EQ(1, fake_accel.memslots);
	EXPECT_NE(NULL, gmem__ptr(&vm->mem, SZ_256M, 8));
	ASSERT_EQ(0, drc__hotplug_cpu(vm, 1, self->why, sizeof(self->why)));
	EXPECT_EQ(2U, vm->nr_vcpus);
}

/* exit gives hot-added memory back before the VM goes (ASan: and unmaps it). */
TEST(exit_releases_hotplugged)
{
	const struct testvm_opts o = { .ram_size = SZ_256M, .max_mem = SZ_1G, .xics = true };
	struct testvm t;
	char why[160];

	ASSERT_EQ(0, testvm__setup(&t, &o));
	fake_accel.irq_state[events__irq(&t.vm, EVENT_HOTPLUG) - IRQ_BASE] =
		5ULL << XICS_STATE_PRIO_SHIFT;
	ASSERT_EQ(0, drc__hotplug_mem(&t.vm, 2 * (s64)SZ_256M, why, sizeof(why)));
	ASSERT_EQ(2, fake_accel.memslots);
	modules__exit(&t.vm);
	EXPECT_EQ(0, fake_accel.memslots);
	EXPECT_EQ(NULL, gmem__ptr(&t.vm.mem, SZ_256M, 8));
	testvm__teardown(&t);
}

TEST_HARNESS_MAIN
