// SPDX-License-Identifier: GPL-2.0
/*
 * HVPIPE, hypervisor side (papr/hvpipe.c): buffer lists, source ids,
 * configuration, discovery, system parameter 64 and the hvpipe event log.
 * The pipe itself is in test-hvpipe-pipe.c, the control command in
 * test-hvpipe-control.c.
 * Facts: ../shared/spec/papr-events-hvpipe-tpm.md §1, §2.5.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "testvm.h"
#include "papr/events.h"
#include "pvm/fdt.h"
#include "papr/hvpipe.h"
#include "pvm/irq.h"

#include "hvpipe-test.h"

#include "kselftest_harness.h"

#include "hvpipe-fixture.h"

/* ---- hvpipe__gather: the buffer list ---- */

TEST_F(hv, gather_one_pair)
{
	static const u32 lens[] = { 1, 100, HVPIPE_MAX_PAYLOAD };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		const u64 pair[2] = { DATA_GPA, lens[i] };

		fill(self->t.ram + DATA_GPA, lens[i], i);
		put_list(&self->t, LIST_GPA, 24, 1, pair);
		memset(self->buf, 0, sizeof(self->buf));
		EXPECT_EQ((int)lens[i], hvpipe__gather(self->vm, LIST_GPA, self->buf)) {
			TH_LOG("%u bytes", lens[i]);
		}
		EXPECT_EQ(0, memcmp(self->buf, self->t.ram + DATA_GPA, lens[i]));
	}
}

TEST_F(hv, gather_pairs_concatenate)
{
	const u64 two[4] = { DATA2_GPA, 1000, DATA_GPA, 3048 };
	const u64 three[6] = { DATA_GPA + 7, 1, DATA2_GPA + 100, 2, DATA_GPA + 4000, 3 };

	fill(self->t.ram + DATA_GPA, 4096, 1);
	fill(self->t.ram + DATA2_GPA, 4096, 2);
	put_list(&self->t, LIST_GPA, 40, 2, two);
	ASSERT_EQ(4048, hvpipe__gather(self->vm, LIST_GPA, self->buf));
	EXPECT_EQ(0, memcmp(self->buf, self->t.ram + DATA2_GPA, 1000));
	EXPECT_EQ(0, memcmp(self->buf + 1000, self->t.ram + DATA_GPA, 3048));

	put_list(&self->t, LIST_GPA, 56, 3, three);
	ASSERT_EQ(6, hvpipe__gather(self->vm, LIST_GPA, self->buf));
	EXPECT_EQ(self->t.ram[DATA_GPA + 7], self->buf[0]);
	EXPECT_EQ(0, memcmp(self->buf + 1, self->t.ram + DATA2_GPA + 100, 2));
	EXPECT_EQ(0, memcmp(self->buf + 3, self->t.ram + DATA_GPA + 4000, 3));
}

TEST_F(hv, gather_largest_list)
{
	u64 pairs[2 * 255];
	unsigned int i;

	/* 8 + 16 * 255 = 4088: the most pairs a 4 KiB list holds, 15 bytes each. */
	fill(self->t.ram + DATA_GPA, 4096, 3);
	for (i = 0; i < 255; i++) {
		pairs[2 * i] = DATA_GPA + 15 * (254 - i);
		pairs[2 * i + 1] = 15;
	}
	put_list(&self->t, LIST_GPA, 4088, 255, pairs);
	ASSERT_EQ(255 * 15, hvpipe__gather(self->vm, LIST_GPA, self->buf));
	for (i = 0; i < 255; i++)
		EXPECT_EQ(0, memcmp(self->buf + 15 * i, self->t.ram + DATA_GPA + 15 * (254 - i), 15));
}

TEST_F(hv, gather_bad_header)
{
	static const u64 hdrs[] = {
		0, 8, 16, 23, 25, 32, 48, 4097, 4104, 8 + 16 * 256,
		0xffffffffffffffffULL, 0x8000000000000018ULL, 0x100000018ULL,
		(u64)-8, (u64)-16 + 8,
	};
	const u64 pairs[4] = { DATA_GPA, 10, DATA_GPA, 10 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hdrs); i++) {
		/* Two sane pairs follow: only the header is wrong. */
		put_list(&self->t, LIST_GPA, hdrs[i], 2, pairs);
		EXPECT_EQ(-EINVAL, hvpipe__gather(self->vm, LIST_GPA, self->buf)) {
			TH_LOG("header 0x%llx", (unsigned long long)hdrs[i]);
		}
	}
	/* Sanity: the same list with a right header is fine. */
	put_list(&self->t, LIST_GPA, 40, 2, pairs);
	EXPECT_EQ(20, hvpipe__gather(self->vm, LIST_GPA, self->buf));
}

TEST_F(hv, gather_bad_lengths)
{
	static const u64 one[][2] = {
		{ DATA_GPA, 4097 },			/* a buffer over 4 KiB */
		{ DATA_GPA, 4096 },			/* fits a buffer, not a message */
		{ DATA_GPA, HVPIPE_MAX_PAYLOAD + 1 },
		{ DATA_GPA, 0 },			/* empty message */
		{ DATA_GPA, 0xffffffffffffffffULL },
		{ DATA_GPA, 0x100000000ULL + 10 },	/* 10 in the low word */
		{ DATA_GPA, 0x8000000000000000ULL },
	};
	static const u64 two[][4] = {
		{ DATA_GPA, 2024, DATA2_GPA, 2025 },	/* 4049 in all */
		{ DATA_GPA, 0, DATA2_GPA, 0 },
		{ DATA_GPA, 4048, DATA2_GPA, 1 },
		/* The second length wraps the running total back to 0 or 100. */
		{ DATA_GPA, 100, DATA2_GPA, (u64)-100 },
		{ DATA_GPA, 100, DATA2_GPA, 0xffffffffULL - 99 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(one); i++) {
		put_list(&self->t, LIST_GPA, 24, 1, one[i]);
		EXPECT_EQ(-EINVAL, hvpipe__gather(self->vm, LIST_GPA, self->buf)) {
			TH_LOG("one pair, case %u", i);
		}
	}
	for (i = 0; i < ARRAY_SIZE(two); i++) {
		put_list(&self->t, LIST_GPA, 40, 2, two[i]);
		EXPECT_EQ(-EINVAL, hvpipe__gather(self->vm, LIST_GPA, self->buf)) {
			TH_LOG("two pairs, case %u", i);
		}
	}
}

TEST_F(hv, gather_outside_ram)
{
	const u64 ram = self->t.ram_size;
	static const u64 huge_addrs[] = {
		0xfffffffffffff000ULL, 0xffffffffffffffffULL, 0x8000000000000000ULL,
		0x100000000ULL, (u64)-10,
	};
	u64 pair[2] = { DATA_GPA, 10 };
	unsigned int i;

	/* The list itself outside RAM or running off its end. */
	EXPECT_EQ(-EINVAL, hvpipe__gather(self->vm, ram, self->buf));
	EXPECT_EQ(-EINVAL, hvpipe__gather(self->vm, ram + 0x1000, self->buf));
	EXPECT_EQ(-EINVAL, hvpipe__gather(self->vm, 0xfffffffffffffff8ULL, self->buf));
	EXPECT_EQ(-EINVAL, hvpipe__gather(self->vm, ~0ULL, self->buf));
	put_list(&self->t, ram - 8, 24, 0, NULL);	/* header fits, pair does not */
	EXPECT_EQ(-EINVAL, hvpipe__gather(self->vm, ram - 8, self->buf));
	put_be64(&self->t, ram - 16, 24);		/* header and half a pair */
	put_be64(&self->t, ram - 8, DATA_GPA);
	EXPECT_EQ(-EINVAL, hvpipe__gather(self->vm, ram - 16, self->buf));
	/* A list ending exactly at the end of RAM is fine. */
	put_list(&self->t, ram - 24, 24, 1, pair);
	EXPECT_EQ(10, hvpipe__gather(self->vm, ram - 24, self->buf));

	/* Data buffers outside RAM, straddling its end, or wrapping. */
	pair[0] = ram;
	put_list(&self->t, LIST_GPA, 24, 1, pair);
	EXPECT_EQ(-EINVAL, hvpipe__gather(self->vm, LIST_GPA, self->buf));
	pair[0] = ram - 5;
	put_list(&self->t, LIST_GPA, 24, 1, pair);
	EXPECT_EQ(-EINVAL, hvpipe__gather(self->vm, LIST_GPA, self->buf));
	for (i = 0; i < ARRAY_SIZE(huge_addrs); i++) {
		pair[0] = huge_addrs[i];
		put_list(&self->t, LIST_GPA, 24, 1, pair);
		EXPECT_EQ(-EINVAL, hvpipe__gather(self->vm, LIST_GPA, self->buf)) {
			TH_LOG("address 0x%llx", (unsigned long long)huge_addrs[i]);
		}
	}
	/* One good and one bad buffer: the whole list is refused. */
	{
		const u64 two[4] = { DATA_GPA, 10, ram - 4, 8 };

		put_list(&self->t, LIST_GPA, 40, 2, two);
		EXPECT_EQ(-EINVAL, hvpipe__gather(self->vm, LIST_GPA, self->buf));
	}
	/* The last bytes of RAM are fine. */
	pair[0] = ram - 10;
	put_list(&self->t, LIST_GPA, 24, 1, pair);
	fill(self->t.ram + ram - 10, 10, 9);
	ASSERT_EQ(10, hvpipe__gather(self->vm, LIST_GPA, self->buf));
	EXPECT_EQ(0, memcmp(self->buf, self->t.ram + ram - 10, 10));
}

/* A refused list is a parameter error to the guest and queues nothing. */
TEST_F(hv, guest_send_bad_list)
{
	const u64 pair[2] = { self->t.ram_size - 4, 8 };

	put_list(&self->t, LIST_GPA, 24, 1, pair);
	EXPECT_EQ(-3, rtas_send(&self->t, SRC1, LIST_GPA));
	put_list(&self->t, LIST_GPA, 32, 1, pair);
	EXPECT_EQ(-3, rtas_send(&self->t, SRC1, LIST_GPA));
	EXPECT_EQ(-3, rtas_send(&self->t, SRC1, self->t.ram_size));
	EXPECT_EQ(0U, stat_of(self->vm)->src[0].inbox);
	EXPECT_EQ(0U, stat_of(self->vm)->src[0].from_guest);
}

/* ---- source ids ---- */

TEST(parse_id)
{
	static const char *const bad[] = {
		"0x01000001", "0x02010001", "0x03000001", "0x00000001", "0x12000001",
		"garbage", "", "0x", "0x02000001x", "0x02000001 ",
		"0x1002000001", "0xffffffff02000001", "99999999999999999999999",
		"-0x02000001", "0x0200000g", "02000001",
	};
	unsigned int i;
	u32 id;

	ASSERT_EQ(0, hvpipe__parse_id("0x02000001", &id));
	EXPECT_EQ(0x02000001U, id);
	ASSERT_EQ(0, hvpipe__parse_id("0x0200ffff", &id));
	EXPECT_EQ(0x0200ffffU, id);
	ASSERT_EQ(0, hvpipe__parse_id("0X02000000", &id));
	EXPECT_EQ(0x02000000U, id);
	ASSERT_EQ(0, hvpipe__parse_id("33554433", &id));	/* decimal 0x02000001 */
	EXPECT_EQ(0x02000001U, id);
	ASSERT_EQ(0, hvpipe__parse_id("33619967", &id));	/* decimal 0x0200ffff */
	EXPECT_EQ(0x0200ffffU, id);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		id = 0x12345678;
		EXPECT_EQ(-EINVAL, hvpipe__parse_id(bad[i], &id)) {
			TH_LOG("'%s'", bad[i]);
		}
		EXPECT_EQ(0x12345678U, id);
	}
	EXPECT_EQ(-EINVAL, hvpipe__parse_id(NULL, &id));
	EXPECT_TRUE(hvpipe__valid_id(0x0200abcd));
	EXPECT_FALSE(hvpipe__valid_id(0x0201abcd));
	EXPECT_FALSE(hvpipe__valid_id(0x0300abcd));
}

/* ---- configuration and discovery ---- */

static int setup_with(struct testvm *t, const u32 *ids, unsigned int n, bool xics)
{
	const struct testvm_opts o = {
		.nr_cpus = 1, .xics = xics, .hvpipe_ids = ids, .nr_hvpipe = n,
	};

	return testvm__setup(t, &o);
}

TEST(config_checks)
{
	static struct testvm t;
	static const u32 bad_id[] = { SRC1, 0x01000002 };
	static const u32 dup[] = { SRC1, SRC2, SRC1 };
	u32 many[HVPIPE_MAX_SOURCES];
	unsigned int i;

	for (i = 0; i < HVPIPE_MAX_SOURCES; i++)
		many[i] = HVPIPE_SRC_HMC | (0x100 + i);
	/* Events reach the guest only through an interrupt: no XICS, no hvpipe. */
	EXPECT_EQ(-ENODEV, setup_with(&t, two_sources, 2, false));
	EXPECT_EQ(-EINVAL, setup_with(&t, bad_id, 2, true));
	EXPECT_EQ(-EINVAL, setup_with(&t, dup, 3, true));
	EXPECT_EQ(-E2BIG, setup_with(&t, many, HVPIPE_MAX_SOURCES + 1, true));
	ASSERT_EQ(0, setup_with(&t, many, HVPIPE_MAX_SOURCES, true));
	EXPECT_TRUE(hvpipe__configured(&t.vm));
	EXPECT_EQ((unsigned int)HVPIPE_MAX_SOURCES, stat_of(&t.vm)->nr_sources);
	EXPECT_EQ(many[HVPIPE_MAX_SOURCES - 1], stat_of(&t.vm)->src[HVPIPE_MAX_SOURCES - 1].id);
	EXPECT_TRUE(stat_of(&t.vm)->src[0].open);
	EXPECT_FALSE(stat_of(&t.vm)->enabled);
	EXPECT_EQ(-1, stat_of(&t.vm)->announced);
	testvm__teardown(&t);
	/* No sources: HVPIPE is simply off. */
	ASSERT_EQ(0, setup_with(&t, NULL, 0, false));
	EXPECT_FALSE(hvpipe__configured(&t.vm));
	testvm__teardown(&t);
}

static s64 fdt_u32(const void *fdt, int node, const char *name)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	return p && len == 4 ? (s64)fdt32_to_cpu(*p) : -1;
}

static void *build_fdt(struct testvm *t)
{
	void *fdt = calloc(1, FDT_MAX_SIZE);

	if (fdt && (fdt__build(&t->vm, fdt, FDT_MAX_SIZE) || fdt_check_header(fdt))) {
		free(fdt);
		return NULL;
	}
	return fdt;
}

TEST_F(hv, discovery)
{
	int irq = events__irq(self->vm, EVENT_HVPIPE), rtas, es, node, len, i;
	const fdt32_t *p;
	bool in_ranges = false;
	void *fdt;

	ASSERT_LE(IRQ_BASE, irq);
	/* Its own source, not one shared with another class. */
	EXPECT_NE(irq, events__irq(self->vm, EVENT_EPOW));
	EXPECT_NE(irq, events__irq(self->vm, EVENT_HOTPLUG));
	fdt = build_fdt(&self->t);
	ASSERT_NE(NULL, fdt);

	rtas = fdt_path_offset(fdt, "/rtas");
	ASSERT_LE(0, rtas);
	EXPECT_NE(NULL, fdt_getprop(fdt, rtas, "ibm,hypervisor-pipe-capable", &len));
	EXPECT_EQ(RTAS_IBM_SEND_HVPIPE_MSG, fdt_u32(fdt, rtas, "ibm,send-hvpipe-msg"));
	EXPECT_EQ(RTAS_IBM_RECEIVE_HVPIPE_MSG, fdt_u32(fdt, rtas, "ibm,receive-hvpipe-msg"));
	EXPECT_EQ(RTAS_CHECK_EXCEPTION, fdt_u32(fdt, rtas, "check-exception"));
	/* Parameter 64 is set through this one. */
	EXPECT_EQ(RTAS_IBM_SET_SYSTEM_PARAMETER, fdt_u32(fdt, rtas, "ibm,set-system-parameter"));
	/* The work-area allocator exists only with this one. */
	EXPECT_EQ(RTAS_IBM_GET_SYSTEM_PARAMETER, fdt_u32(fdt, rtas, "ibm,get-system-parameter"));

	node = fdt_path_offset(fdt, "/event-sources/ibm,hvpipe-msg-events");
	ASSERT_LE(0, node);
	p = fdt_getprop(fdt, node, "interrupts", &len);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(8, len);
	EXPECT_EQ((u32)irq, fdt32_to_cpu(p[0]));
	EXPECT_EQ(0U, fdt32_to_cpu(p[1]));	/* edge */
	es = fdt_path_offset(fdt, "/event-sources");
	p = fdt_getprop(fdt, es, "interrupt-ranges", &len);
	ASSERT_NE(NULL, p);
	for (i = 0; i + 1 < len / 4; i += 2)
		if (fdt32_to_cpu(p[i]) == (u32)irq && fdt32_to_cpu(p[i + 1]) == 1)
			in_ranges = true;
	EXPECT_TRUE(in_ranges);
	free(fdt);
}

TEST(discovery_without_sources)
{
	static struct testvm t;
	int rtas, len;
	void *fdt;

	ASSERT_EQ(0, setup_with(&t, NULL, 0, true));
	EXPECT_GT(0, events__irq(&t.vm, EVENT_HVPIPE));
	/* EPOW and hotplug only. */
	EXPECT_EQ(2U, t.vm.nr_irqs - (vty__irq(vty__get(&t.vm)) >= 0 ? 1 : 0));
	EXPECT_FALSE(rtas__has(&t.vm, RTAS_IBM_SEND_HVPIPE_MSG));
	EXPECT_FALSE(rtas__has(&t.vm, RTAS_IBM_RECEIVE_HVPIPE_MSG));
	fdt = build_fdt(&t);
	ASSERT_NE(NULL, fdt);
	rtas = fdt_path_offset(fdt, "/rtas");
	ASSERT_LE(0, rtas);
	EXPECT_EQ(NULL, fdt_getprop(fdt, rtas, "ibm,hypervisor-pipe-capable", &len));
	EXPECT_EQ(NULL, fdt_getprop(fdt, rtas, "ibm,send-hvpipe-msg", &len));
	EXPECT_EQ(NULL, fdt_getprop(fdt, rtas, "ibm,receive-hvpipe-msg", &len));
	/* The other event sources are still there; the hvpipe one is not. */
	EXPECT_LE(0, fdt_path_offset(fdt, "/event-sources/epow-events"));
	EXPECT_GT(0, fdt_path_offset(fdt, "/event-sources/ibm,hvpipe-msg-events"));
	free(fdt);
	testvm__teardown(&t);
}

/* Without sources every entry point says so and touches nothing. */
TEST(no_sources)
{
	static struct testvm t;
	u8 buf[16] = { 1 };
	size_t len;

	ASSERT_EQ(0, setup_with(&t, NULL, 0, true));
	EXPECT_EQ(-ENOENT, hvpipe__host_send(&t.vm, SRC1, buf, 1));
	EXPECT_EQ(-ENOENT, hvpipe__host_recv(&t.vm, SRC1, buf, &len));
	EXPECT_EQ(-ENOENT, hvpipe__host_close(&t.vm, SRC1));
	EXPECT_EQ(-ENOENT, hvpipe__host_open(&t.vm, SRC1));
	EXPECT_EQ(-1, hvpipe__notify_fd(&t.vm));
	EXPECT_EQ(0U, stat_of(&t.vm)->nr_sources);
	EXPECT_EQ(-1, stat_of(&t.vm)->announced);
	hvpipe__set_enabled(&t.vm, true);
	EXPECT_FALSE(stat_of(&t.vm)->enabled);
	/* The guest's calls are unknown tokens. */
	EXPECT_EQ(-3, guest_send(&t, SRC1, buf, 1));
	EXPECT_EQ(-3, guest_recv(&t, NULL, NULL));
	testvm__teardown(&t);
}

/* ---- system parameter 64 ---- */

TEST_F(hv, sysparm_64)
{
	u32 args[2] = { SYSPARM_HVPIPE, (u32)self->t.ram_size - 2 };

	EXPECT_FALSE(stat_of(self->vm)->enabled);
	EXPECT_EQ(0, sysparm64(&self->t, 1, 1));
	EXPECT_TRUE(stat_of(self->vm)->enabled);
	EXPECT_EQ(0, sysparm64(&self->t, 1, 1));	/* again: still fine */
	EXPECT_EQ(0, sysparm64(&self->t, 1, 0));
	EXPECT_FALSE(stat_of(self->vm)->enabled);
	EXPECT_EQ(0, sysparm64(&self->t, 1, 0));

	/* A length other than 1 or a value other than 0/1 changes nothing. */
	EXPECT_EQ(-9999, sysparm64(&self->t, 0, 1));
	EXPECT_EQ(-9999, sysparm64(&self->t, 2, 1));
	EXPECT_EQ(-9999, sysparm64(&self->t, 0x100, 1));
	EXPECT_EQ(-9999, sysparm64(&self->t, 0xffff, 1));
	EXPECT_EQ(-9999, sysparm64(&self->t, 1, 2));
	EXPECT_EQ(-9999, sysparm64(&self->t, 1, 0xff));
	EXPECT_FALSE(stat_of(self->vm)->enabled);
	EXPECT_EQ(0, sysparm64(&self->t, 1, 1));
	EXPECT_EQ(-9999, sysparm64(&self->t, 1, 0x80));
	EXPECT_TRUE(stat_of(self->vm)->enabled);
	/* A buffer running off the end of RAM. */
	self->t.ram[self->t.ram_size - 2] = 0;
	self->t.ram[self->t.ram_size - 1] = 1;
	EXPECT_EQ(-9999, testvm__rtas(&self->t, RTAS_IBM_SET_SYSTEM_PARAMETER, 2, args, 1, NULL));
	EXPECT_TRUE(stat_of(self->vm)->enabled);
}

TEST(sysparm_64_without_sources)
{
	static struct testvm t;

	ASSERT_EQ(0, setup_with(&t, NULL, 0, true));
	EXPECT_EQ(-3, sysparm64(&t, 1, 1));
	EXPECT_EQ(-3, sysparm64(&t, 1, 0));
	EXPECT_EQ(-3, sysparm64(&t, 5, 9));
	testvm__teardown(&t);
}

/* ---- the event log and check-exception ---- */

TEST_F(hv, payload_event_log)
{
	const u8 *log = self->t.ram + LOG_GPA;
	int irq = events__irq(self->vm, EVENT_HVPIPE);
	struct section s[8];
	const char *data = "0123456789";
	int n;

	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	fake_accel.irq_lines = 0;
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC2, data, 10));
	/* The hvpipe source was raised, once. */
	EXPECT_EQ(1U, fake_accel.irq_lines);
	EXPECT_EQ((u32)irq, fake_accel.last_irq);
	/* Another class's mask finds nothing. */
	EXPECT_EQ(1, check_exception(&self->t, EVENT_MASK_EPOW));
	EXPECT_EQ(1, check_exception(&self->t, EVENT_MASK_HOTPLUG));
	EXPECT_EQ(1U, events__pending(self->vm, EVENT_HVPIPE));
	ASSERT_EQ(0, check_exception(&self->t, EVENT_MASK_HVPIPE));

	EXPECT_EQ(0x06, log[0]);
	EXPECT_EQ(0x04, log[1] & 0x04);		/* extended log present */
	EXPECT_EQ(0xe6, log[3]);
	EXPECT_EQ((u32)(PE_TOTAL - 8), be32(log + 4));
	EXPECT_EQ(0x86, log[8]);
	EXPECT_EQ(0x8e, log[10]);
	EXPECT_EQ(0, memcmp(log + 20, "IBM\0", 4));
	/* Nothing written past the log. */
	EXPECT_EQ(0xee, log[PE_TOTAL]);

	n = walk_sections(log, s, 8);
	ASSERT_EQ(3, n);
	EXPECT_STREQ("PH", s[0].id);
	EXPECT_EQ(48, s[0].len);
	EXPECT_STREQ("UH", s[1].id);
	EXPECT_EQ(24, s[1].len);
	EXPECT_STREQ("PE", s[2].id);
	EXPECT_EQ(16, s[2].len);
	EXPECT_EQ(96U, s[2].off);
	EXPECT_EQ(SRC2, be32(log + s[2].off + 8));
	EXPECT_EQ(HVPIPE_EV_PAYLOAD, log[s[2].off + 12]);
	EXPECT_EQ(0, log[s[2].off + 13] | log[s[2].off + 14] | log[s[2].off + 15]);
	/* PH says it came from the hypervisor and counts three sections. */
	EXPECT_EQ('H', log[s[0].off + 8 + 16]);
	EXPECT_EQ(3, log[s[0].off + 8 + 19]);

	/* Reported once. */
	EXPECT_EQ(1, check_exception(&self->t, EVENT_MASK_HVPIPE));
	EXPECT_EQ(0U, events__pending(self->vm, EVENT_HVPIPE));
}

TEST_F(hv, close_event_log)
{
	u32 src = 0;
	u8 type = 0;

	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	ASSERT_EQ(0, hvpipe__host_close(self->vm, SRC1));
	EXPECT_EQ(1U, events__pending(self->vm, EVENT_HVPIPE));
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	EXPECT_EQ(SRC1, src);
	EXPECT_EQ(HVPIPE_EV_CLOSED, type);
	EXPECT_EQ((u32)(PE_TOTAL - 8), be32(self->t.ram + LOG_GPA + 4));
	EXPECT_EQ(1U, stat_of(self->vm)->close_events);
	/* A close needs no answer: nothing is announced. */
	EXPECT_EQ(-1, stat_of(self->vm)->announced);
	EXPECT_EQ(1, check_exception(&self->t, 0xffffffff));
}

/* Two events queued: the source is raised again after the first is taken. */
TEST_F(hv, events_reraise)
{
	u32 src;
	u8 type, x = 1;

	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &x, 1));
	ASSERT_EQ(0, hvpipe__host_close(self->vm, SRC2));
	fake_accel.irq_lines = 0;
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	EXPECT_EQ(1U, fake_accel.irq_lines);
	EXPECT_EQ((u32)events__irq(self->vm, EVENT_HVPIPE), fake_accel.last_irq);
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	EXPECT_EQ(SRC2, src);
	EXPECT_EQ(HVPIPE_EV_CLOSED, type);
	EXPECT_EQ(1U, fake_accel.irq_lines);
}

/* event-scan only logs: it must never eat an hvpipe event. */
TEST_F(hv, event_scan_leaves_hvpipe_events)
{
	u32 args[4] = { 0xffffffff, 0, (u32)LOG_GPA, LOG_LEN };
	u8 x = 1;

	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &x, 1));
	EXPECT_EQ(1, testvm__rtas(&self->t, RTAS_EVENT_SCAN, 4, args, 1, NULL));
	EXPECT_EQ(1U, events__pending(self->vm, EVENT_HVPIPE));
}

TEST_HARNESS_MAIN
