// SPDX-License-Identifier: GPL-2.0
/*
 * HVPIPE, hypervisor side (papr/hvpipe.c): buffer lists, source ids,
 * discovery, system parameter 64, the hvpipe event log, the pipe state
 * machine through the guest's RTAS calls, base64, and the "hvpipe" control
 * command served by the real event loop.
 * Facts: ../shared/spec/papr-events-hvpipe-tpm.md §1, §2.5.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <json-c/json.h>
#include <libfdt.h>

#include "testvm.h"
#include "pvm/base64.h"
#include "cli/control.h"
#include "pvm/event.h"
#include "papr/events.h"
#include "pvm/fdt.h"
#include "papr/hvpipe.h"
#include "pvm/irq.h"

#include "ctl-client.h"

#include "kselftest_harness.h"

#define SRC1 0x02000001u
#define SRC2 0x02000002u

/* Guest memory used by the tests; the RTAS args block is at 0x20000. */
#define LIST_GPA 0x30000ULL	/* buffer list (one 4 KiB work area) */
#define DATA_GPA 0x31000ULL	/* data buffers, 4 KiB each */
#define DATA2_GPA 0x32000ULL
#define RECV_GPA 0x40000ULL	/* receive buffer */
#define LOG_GPA 0x50000ULL	/* check-exception buffer */
#define SP_GPA 0x60000ULL	/* system parameter buffer */
#define LOG_LEN 2048

#define SYSPARM_HVPIPE 64
#define PE_TOTAL 112		/* fixed header, v6 header, PH, UH, PE */

static const u32 two_sources[] = { SRC1, SRC2 };

/* ---- helpers ---- */

static u32 be32(const u8 *p)
{
	return ((u32)p[0] << 24) | ((u32)p[1] << 16) | ((u32)p[2] << 8) | p[3];
}

static u16 be16(const u8 *p)
{
	return (u16)((p[0] << 8) | p[1]);
}

static void put_be64(struct testvm *t, u64 gpa, u64 v)
{
	u64 be = htobe64(v);

	memcpy(t->ram + gpa, &be, sizeof(be));
}

/* A buffer list at gpa: header word hdr, then n {address, length} pairs. */
static void put_list(struct testvm *t, u64 gpa, u64 hdr, unsigned int n, const u64 *pairs)
{
	unsigned int i;

	put_be64(t, gpa, hdr);
	for (i = 0; i < 2 * n; i++)
		put_be64(t, gpa + 8 + 8 * i, pairs[i]);
}

/* Binary test data: every byte value appears within 256 bytes. */
static void fill(u8 *p, size_t n, u8 seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (u8)(seed + i * 29);
}

static s32 rtas_send(struct testvm *t, u32 src, u64 list_gpa)
{
	u32 args[2] = { src, (u32)list_gpa };

	return testvm__rtas(t, RTAS_IBM_SEND_HVPIPE_MSG, 2, args, 1, NULL);
}

/* The guest sends len bytes to src the way Linux does: one pair, one buffer. */
static s32 guest_send(struct testvm *t, u32 src, const void *data, u32 len)
{
	const u64 pair[2] = { DATA_GPA, len };

	memcpy(t->ram + DATA_GPA, data, len);
	put_list(t, LIST_GPA, 24, 1, pair);
	return rtas_send(t, src, LIST_GPA);
}

static s32 guest_recv_at(struct testvm *t, u64 gpa, u32 size, u32 *src, u32 *bytes)
{
	u32 args[2] = { (u32)gpa, size }, r[3] = { 0 };
	s32 st = testvm__rtas(t, RTAS_IBM_RECEIVE_HVPIPE_MSG, 2, args, 3, r);

	/* The next payload is announced a little later, from the main loop's timer. */
	if (!st) {
		usleep((HVPIPE_ANNOUNCE_DELAY_MS + 2) * 1000);
		hvpipe__tick(&t->vm);
	}
	if (src)
		*src = r[1];
	if (bytes)
		*bytes = r[2];
	return st;
}

static s32 guest_recv(struct testvm *t, u32 *src, u32 *bytes)
{
	return guest_recv_at(t, RECV_GPA, 4096, src, bytes);
}

/* ibm,set-system-parameter 64 with a BE16 length and one value byte. */
static s32 sysparm64(struct testvm *t, u16 len, u8 val)
{
	u32 args[2] = { SYSPARM_HVPIPE, (u32)SP_GPA };

	t->ram[SP_GPA] = len >> 8;
	t->ram[SP_GPA + 1] = len & 0xff;
	t->ram[SP_GPA + 2] = val;
	return testvm__rtas(t, RTAS_IBM_SET_SYSTEM_PARAMETER, 2, args, 1, NULL);
}

/* check-exception into LOG_GPA, which is first filled with 0xee. */
static s32 check_exception(struct testvm *t, u32 mask)
{
	u32 args[6] = { 0x500, (u32)events__irq(&t->vm, EVENT_HVPIPE), mask, 1,
			(u32)LOG_GPA, LOG_LEN };

	memset(t->ram + LOG_GPA, 0xee, LOG_LEN);
	return testvm__rtas(t, RTAS_CHECK_EXCEPTION, 6, args, 1, NULL);
}

struct section {
	char id[3];
	u16 len;
	u32 off;
};

/*
 * The sections of a v6 log, walked like the kernel's get_pseries_errorlog():
 * from offset 24 to 8 + extended length by each section's length. -1 when
 * the kernel would not find them (header checks) or the walk would spin
 * (length < 8) or not end exactly at 8 + extended length.
 */
static int walk_sections(const u8 *log, struct section *s, int max)
{
	u32 ext = be32(log + 4), off = 24, end = 8 + ext;
	int n = 0;

	if (ext < 20 || ext > LOG_LEN - 8 || (log[10] & 0x0f) != 14 ||
	    be32(log + 20) != 0x49424d00)
		return -1;
	while (off < end) {
		u16 len;

		if (off + 8 > end || n == max)
			return -1;
		len = be16(log + off + 2);
		if (len < 8 || off + len > end)
			return -1;
		s[n].id[0] = log[off];
		s[n].id[1] = log[off + 1];
		s[n].id[2] = '\0';
		s[n].len = len;
		s[n].off = off;
		off += len;
		n++;
	}
	return off == end ? n : -1;
}

/* Takes one hvpipe event: its RTAS status, or -100 if the log is unusable. */
static s32 take_event(struct testvm *t, u32 *src, u8 *type)
{
	const u8 *log = t->ram + LOG_GPA;
	struct section s[8];
	s32 st = check_exception(t, EVENT_MASK_HVPIPE);
	int n, i;

	if (st)
		return st;
	n = walk_sections(log, s, 8);
	if (n < 0 || log[3] != 0xe6)
		return -100;
	for (i = 0; i < n; i++) {
		if (!strcmp(s[i].id, "PE") && s[i].len >= 13) {
			*src = be32(log + s[i].off + 8);
			*type = log[s[i].off + 12];
			return 0;
		}
	}
	return -100;
}

static struct hvpipe_stat *stat_of(struct vm *vm)
{
	static struct hvpipe_stat st;

	hvpipe__stat(vm, &st);
	return &st;
}

/* ---- a VM with two sources ---- */

FIXTURE(hv) {
	struct testvm t;
	struct vm *vm;
	u8 buf[HVPIPE_MAX_PAYLOAD];
	u8 want[HVPIPE_MAX_PAYLOAD];
};

FIXTURE_SETUP(hv)
{
	const struct testvm_opts o = {
		.nr_cpus = 1, .xics = true, .hvpipe_ids = two_sources, .nr_hvpipe = 2,
	};

	ASSERT_EQ(0, testvm__setup(&self->t, &o));
	self->vm = &self->t.vm;
}

FIXTURE_TEARDOWN(hv)
{
	testvm__teardown(&self->t);
}

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

/* ---- the pipe, as the guest drives it ---- */

TEST_F(hv, rtas_shapes)
{
	u32 args[3] = { SRC1, (u32)LIST_GPA, 0 }, r[3];

	/* send: nargs 2, nret 1; receive: nargs 2, nret 3. */
	EXPECT_EQ(-3, testvm__rtas(&self->t, RTAS_IBM_SEND_HVPIPE_MSG, 3, args, 1, NULL));
	EXPECT_EQ(-3, testvm__rtas(&self->t, RTAS_IBM_SEND_HVPIPE_MSG, 1, args, 1, NULL));
	EXPECT_EQ(-3, testvm__rtas(&self->t, RTAS_IBM_RECEIVE_HVPIPE_MSG, 2, args, 2, r));
	EXPECT_EQ(0U, stat_of(self->vm)->src[0].from_guest);
}

TEST_F(hv, no_event_before_enable)
{
	u32 src, bytes;
	u8 x = 0x5a;

	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &x, 1));
	EXPECT_EQ(0U, events__pending(self->vm, EVENT_HVPIPE));
	EXPECT_EQ(0U, stat_of(self->vm)->payload_events);
	EXPECT_EQ(-1, stat_of(self->vm)->announced);
	/* Not announced: not receivable either. */
	EXPECT_EQ(-3, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(1U, stat_of(self->vm)->src[0].outbox);

	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	EXPECT_EQ(1U, events__pending(self->vm, EVENT_HVPIPE));
	EXPECT_EQ(1U, stat_of(self->vm)->payload_events);
	EXPECT_EQ(0, stat_of(self->vm)->announced);
	ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(SRC1, src);
	EXPECT_EQ(1U, bytes);
	EXPECT_EQ(0x5a, self->t.ram[RECV_GPA]);
}

TEST_F(hv, one_payload_event_at_a_time)
{
	u8 a[3] = { 1, 2, 3 }, b[5] = { 9, 8, 7, 6, 5 };
	u32 src, bytes;
	u8 type;

	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, a, sizeof(a)));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, b, sizeof(b)));
	EXPECT_EQ(1U, events__pending(self->vm, EVENT_HVPIPE));
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	EXPECT_EQ(SRC1, src);
	EXPECT_EQ(HVPIPE_EV_PAYLOAD, type);
	/* Taking the event does not free the pipe; only the receive does. */
	EXPECT_EQ(0U, events__pending(self->vm, EVENT_HVPIPE));
	EXPECT_EQ(1U, stat_of(self->vm)->payload_events);

	memset(self->t.ram + RECV_GPA, 0, 16);
	ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(SRC1, src);
	EXPECT_EQ(3U, bytes);
	EXPECT_EQ(0, memcmp(self->t.ram + RECV_GPA, a, sizeof(a)));
	EXPECT_EQ(0, self->t.ram[RECV_GPA + 3]);	/* nothing past the payload */

	/* Now the second one is announced. */
	EXPECT_EQ(1U, events__pending(self->vm, EVENT_HVPIPE));
	EXPECT_EQ(2U, stat_of(self->vm)->payload_events);
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	EXPECT_EQ(HVPIPE_EV_PAYLOAD, type);
	ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(5U, bytes);
	EXPECT_EQ(0, memcmp(self->t.ram + RECV_GPA, b, sizeof(b)));
	/* Drained. */
	EXPECT_EQ(0U, events__pending(self->vm, EVENT_HVPIPE));
	EXPECT_EQ(-3, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(2U, stat_of(self->vm)->receives);
	EXPECT_EQ(2U, stat_of(self->vm)->src[0].to_guest);
}

/*
 * Linux clears its "payload available" flag after the receive returns; an
 * event raised inside the receive would be lost, so the next one waits.
 */
TEST_F(hv, next_payload_waits_until_after_the_receive)
{
	u8 a[1] = { 1 }, b[1] = { 2 };
	u32 args[2] = { RECV_GPA, 4096 }, r[3] = { 0 };
	u32 src;
	u8 type;

	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, a, 1));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, b, 1));
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	/* The raw call, without the test helper's wait. */
	ASSERT_EQ(0, testvm__rtas(&self->t, RTAS_IBM_RECEIVE_HVPIPE_MSG, 2, args, 3, r));
	hvpipe__tick(self->vm);
	EXPECT_EQ(0U, events__pending(self->vm, EVENT_HVPIPE));
	/* Host sends meanwhile do not jump the delay either. */
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, a, 1));
	EXPECT_EQ(0U, events__pending(self->vm, EVENT_HVPIPE));
	usleep((HVPIPE_ANNOUNCE_DELAY_MS + 2) * 1000);
	hvpipe__tick(self->vm);
	EXPECT_EQ(1U, events__pending(self->vm, EVENT_HVPIPE));
	EXPECT_EQ(2U, stat_of(self->vm)->payload_events);
}

TEST_F(hv, unreceived_payload_is_announced_again)
{
	u8 a[2] = { 1, 2 };
	u32 src, bytes;
	u8 type;

	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, a, 2));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC2, a, 2));
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	EXPECT_EQ(SRC1, src);
	/* Too early: nothing. */
	hvpipe__tick(self->vm);
	EXPECT_EQ(0U, events__pending(self->vm, EVENT_HVPIPE));
	usleep((HVPIPE_RENOTIFY_MIN_MS + 20) * 1000);
	hvpipe__tick(self->vm);
	/* The same payload again, never SRC2's while SRC1's is pending. */
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	EXPECT_EQ(SRC1, src);
	EXPECT_EQ(HVPIPE_EV_PAYLOAD, type);
	EXPECT_EQ(1U, stat_of(self->vm)->renotify_events);
	EXPECT_EQ(1U, stat_of(self->vm)->payload_events);
	/* The interval doubles: not again after another 200 ms. */
	usleep((HVPIPE_RENOTIFY_MIN_MS + 20) * 1000);
	hvpipe__tick(self->vm);
	EXPECT_EQ(0U, events__pending(self->vm, EVENT_HVPIPE));
	ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(SRC1, src);
	/* Received: now SRC2's is announced, and SRC1's is never repeated. */
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	EXPECT_EQ(SRC2, src);
	ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
	usleep((HVPIPE_RENOTIFY_MIN_MS + 20) * 1000);
	hvpipe__tick(self->vm);
	EXPECT_EQ(0U, events__pending(self->vm, EVENT_HVPIPE));
	EXPECT_EQ(1U, stat_of(self->vm)->renotify_events);
}

TEST_F(hv, receive_full_size_binary)
{
	u32 src, bytes;

	fill(self->want, HVPIPE_MAX_PAYLOAD, 0x80);
	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC2, self->want, HVPIPE_MAX_PAYLOAD));
	/* A buffer of exactly the payload's size is enough. */
	ASSERT_EQ(0, guest_recv_at(&self->t, RECV_GPA, HVPIPE_MAX_PAYLOAD, &src, &bytes));
	EXPECT_EQ(SRC2, src);
	EXPECT_EQ((u32)HVPIPE_MAX_PAYLOAD, bytes);
	EXPECT_EQ(0, memcmp(self->t.ram + RECV_GPA, self->want, HVPIPE_MAX_PAYLOAD));
}

TEST_F(hv, receive_with_nothing_announced)
{
	u32 src, bytes;

	EXPECT_EQ(-3, guest_recv(&self->t, &src, &bytes));
	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	EXPECT_EQ(-3, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(0U, stat_of(self->vm)->receives);
}

TEST_F(hv, receive_too_small_keeps_the_payload)
{
	u32 src = 0, bytes = 0;

	fill(self->want, 100, 7);
	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, self->want, 100));
	memset(self->t.ram + RECV_GPA, 0xcc, 128);
	EXPECT_EQ(-3, guest_recv_at(&self->t, RECV_GPA, 99, &src, &bytes));
	EXPECT_EQ(-3, guest_recv_at(&self->t, RECV_GPA, 0, &src, &bytes));
	/* Not RAM, or running off its end. */
	EXPECT_EQ(-3, guest_recv_at(&self->t, self->t.ram_size, 4096, &src, &bytes));
	EXPECT_EQ(-3, guest_recv_at(&self->t, self->t.ram_size - 50, 4096, &src, &bytes));
	EXPECT_EQ(0xcc, self->t.ram[RECV_GPA]);
	/* Still pending and still announced; no second event. */
	EXPECT_EQ(0, stat_of(self->vm)->announced);
	EXPECT_EQ(1U, stat_of(self->vm)->src[0].outbox);
	EXPECT_EQ(1U, stat_of(self->vm)->payload_events);
	EXPECT_EQ(0U, stat_of(self->vm)->receives);
	ASSERT_EQ(0, guest_recv_at(&self->t, RECV_GPA, 100, &src, &bytes));
	EXPECT_EQ(SRC1, src);
	EXPECT_EQ(100U, bytes);
	EXPECT_EQ(0, memcmp(self->t.ram + RECV_GPA, self->want, 100));
	EXPECT_EQ(0xcc, self->t.ram[RECV_GPA + 100]);
}

TEST_F(hv, round_robin)
{
	static const u32 want[] = { SRC1, SRC2, SRC1, SRC2, SRC2 };
	u8 m;
	u32 src, bytes, i;

	/* SRC1: 10, 11; SRC2: 20, 21, 22. */
	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	for (m = 10; m < 12; m++)
		ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &m, 1));
	for (m = 20; m < 23; m++)
		ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC2, &m, 1));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		static const u8 data[] = { 10, 20, 11, 21, 22 };

		EXPECT_EQ(1U, events__pending(self->vm, EVENT_HVPIPE));
		check_exception(&self->t, EVENT_MASK_HVPIPE);
		ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
		EXPECT_EQ(want[i], src) {
			TH_LOG("receive %u", i);
		}
		EXPECT_EQ(data[i], self->t.ram[RECV_GPA]);
	}
	EXPECT_EQ(5U, stat_of(self->vm)->payload_events);
	EXPECT_EQ(0U, events__pending(self->vm, EVENT_HVPIPE));
}

TEST_F(hv, close_does_not_block)
{
	u8 p1 = 0x11, p2 = 0x22, q = 0x33, type;
	u32 src, bytes;

	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &p1, 1));	/* announced */
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &q, 1));	/* dropped by the close */
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC2, &p2, 1));	/* waits */
	ASSERT_EQ(0, hvpipe__host_close(self->vm, SRC1));
	/* The close is queued even though a payload is announced. */
	EXPECT_EQ(2U, events__pending(self->vm, EVENT_HVPIPE));
	EXPECT_EQ(1U, stat_of(self->vm)->close_events);
	EXPECT_EQ(1U, stat_of(self->vm)->src[0].outbox);
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	EXPECT_EQ(SRC1, src);
	EXPECT_EQ(HVPIPE_EV_PAYLOAD, type);
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	EXPECT_EQ(SRC1, src);
	EXPECT_EQ(HVPIPE_EV_CLOSED, type);
	/* The announced payload was delivered to the partition: still receivable. */
	ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(SRC1, src);
	EXPECT_EQ(p1, self->t.ram[RECV_GPA]);
	/* The unanswered close event holds nothing: SRC2's payload comes next. */
	EXPECT_EQ(1U, events__pending(self->vm, EVENT_HVPIPE));
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	EXPECT_EQ(SRC2, src);
	EXPECT_EQ(HVPIPE_EV_PAYLOAD, type);
	ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(SRC2, src);
	EXPECT_EQ(p2, self->t.ram[RECV_GPA]);
	/* SRC1's second payload went with the close. */
	EXPECT_EQ(0U, events__pending(self->vm, EVENT_HVPIPE));
	EXPECT_EQ(-3, guest_recv(&self->t, &src, &bytes));
}

TEST_F(hv, close_then_payload_from_another_source)
{
	u8 p = 0x44, type;
	u32 src, bytes;

	/* Close first, while nothing is announced: the pipe stays free. */
	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	ASSERT_EQ(0, hvpipe__host_close(self->vm, SRC1));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC2, &p, 1));
	EXPECT_EQ(2U, events__pending(self->vm, EVENT_HVPIPE));
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	EXPECT_EQ(HVPIPE_EV_CLOSED, type);
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	EXPECT_EQ(SRC2, src);
	EXPECT_EQ(HVPIPE_EV_PAYLOAD, type);
	ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(SRC2, src);
}

TEST_F(hv, closed_source)
{
	u8 a = 1, b = 2, c = 3;
	size_t len;

	/* Sent before the close: the host can still collect them. */
	ASSERT_EQ(0, guest_send(&self->t, SRC1, &a, 1));
	ASSERT_EQ(0, guest_send(&self->t, SRC1, &b, 1));
	ASSERT_EQ(0, hvpipe__host_close(self->vm, SRC1));
	EXPECT_FALSE(stat_of(self->vm)->src[0].open);
	EXPECT_TRUE(stat_of(self->vm)->src[1].open);
	EXPECT_EQ(-4, guest_send(&self->t, SRC1, &c, 1));
	EXPECT_EQ(-4, guest_send(&self->t, SRC1, &c, 1));
	EXPECT_EQ(2U, stat_of(self->vm)->src[0].closed_sends);
	EXPECT_EQ(2U, stat_of(self->vm)->src[0].from_guest);
	/* The other source is untouched. */
	EXPECT_EQ(0, guest_send(&self->t, SRC2, &c, 1));
	EXPECT_EQ(-EPIPE, hvpipe__host_send(self->vm, SRC1, &c, 1));
	EXPECT_EQ(-EALREADY, hvpipe__host_close(self->vm, SRC1));
	ASSERT_EQ(0, hvpipe__host_recv(self->vm, SRC1, self->buf, &len));
	EXPECT_EQ(1U, len);
	EXPECT_EQ(a, self->buf[0]);
	ASSERT_EQ(0, hvpipe__host_recv(self->vm, SRC1, self->buf, &len));
	EXPECT_EQ(b, self->buf[0]);
	EXPECT_EQ(-EAGAIN, hvpipe__host_recv(self->vm, SRC1, self->buf, &len));

	/* Reopened: both directions work again. */
	ASSERT_EQ(0, hvpipe__host_open(self->vm, SRC1));
	EXPECT_EQ(-EALREADY, hvpipe__host_open(self->vm, SRC1));
	EXPECT_TRUE(stat_of(self->vm)->src[0].open);
	ASSERT_EQ(0, guest_send(&self->t, SRC1, &c, 1));
	ASSERT_EQ(0, hvpipe__host_recv(self->vm, SRC1, self->buf, &len));
	EXPECT_EQ(c, self->buf[0]);
	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &c, 1));
	EXPECT_EQ(1U, events__pending(self->vm, EVENT_HVPIPE));
}

TEST_F(hv, unknown_sources)
{
	u8 x = 1;
	size_t len;

	/* Not an HMC id at all: a bad parameter. */
	EXPECT_EQ(-3, guest_send(&self->t, 0x01000001, &x, 1));
	EXPECT_EQ(-3, guest_send(&self->t, 0x02010001, &x, 1));
	EXPECT_EQ(-3, guest_send(&self->t, 0, &x, 1));
	/* An HMC id nobody configured: no pipe to it. */
	EXPECT_EQ(-4, guest_send(&self->t, 0x02000003, &x, 1));
	EXPECT_EQ(-4, guest_send(&self->t, 0x0200ffff, &x, 1));
	EXPECT_EQ(0U, stat_of(self->vm)->src[0].from_guest + stat_of(self->vm)->src[1].from_guest);
	EXPECT_EQ(-ENOENT, hvpipe__host_send(self->vm, 0x02000003, &x, 1));
	EXPECT_EQ(-ENOENT, hvpipe__host_recv(self->vm, 0x02000003, self->buf, &len));
	EXPECT_EQ(-ENOENT, hvpipe__host_close(self->vm, 0x02000003));
	EXPECT_EQ(-ENOENT, hvpipe__host_open(self->vm, 0x02000003));
}

TEST_F(hv, inbox_full)
{
	unsigned int i;
	size_t len;
	u32 n;

	/* Message i is 4 + i bytes starting with BE32 i. */
	for (i = 0; i < HVPIPE_QUEUE_MAX; i++) {
		fill(self->want, 4 + i, i);
		n = htobe32(i);
		memcpy(self->want, &n, 4);
		ASSERT_EQ(0, guest_send(&self->t, SRC1, self->want, 4 + i)) {
			TH_LOG("send %u", i);
		}
	}
	self->want[0] = 0xff;
	/* First "busy, retry in 10 ms" for a while, then a hard error. */
	EXPECT_EQ(9901, guest_send(&self->t, SRC1, self->want, 4));
	EXPECT_EQ(9901, guest_send(&self->t, SRC1, self->want, 4));
	EXPECT_EQ(2U, stat_of(self->vm)->src[0].inbox_busy);
	EXPECT_EQ(0U, stat_of(self->vm)->src[0].inbox_full);
	usleep((HVPIPE_FULL_WAIT_MS + 20) * 1000);
	EXPECT_EQ(-1, guest_send(&self->t, SRC1, self->want, 4));
	EXPECT_EQ(-1, guest_send(&self->t, SRC1, self->want, 4));
	EXPECT_EQ(2U, stat_of(self->vm)->src[0].inbox_full);
	EXPECT_EQ((unsigned int)HVPIPE_QUEUE_MAX, stat_of(self->vm)->src[0].inbox);
	EXPECT_EQ((u64)HVPIPE_QUEUE_MAX, stat_of(self->vm)->src[0].from_guest);
	/* The other source has its own inbox. */
	EXPECT_EQ(0, guest_send(&self->t, SRC2, self->want, 4));

	for (i = 0; i < HVPIPE_QUEUE_MAX; i++) {
		ASSERT_EQ(0, hvpipe__host_recv(self->vm, SRC1, self->buf, &len));
		fill(self->want, 4 + i, i);
		n = htobe32(i);
		memcpy(self->want, &n, 4);
		EXPECT_EQ(4 + i, len);
		EXPECT_EQ(0, memcmp(self->buf, self->want, len)) {
			TH_LOG("message %u", i);
		}
	}
	EXPECT_EQ(-EAGAIN, hvpipe__host_recv(self->vm, SRC1, self->buf, &len));
	/* Room again. */
	EXPECT_EQ(0, guest_send(&self->t, SRC1, self->want, 4));
	/* Filling up again starts a new grace period. */
	for (i = 1; i < HVPIPE_QUEUE_MAX; i++)
		ASSERT_EQ(0, guest_send(&self->t, SRC1, self->want, 4));
	EXPECT_EQ(9901, guest_send(&self->t, SRC1, self->want, 4));
}

TEST_F(hv, outbox_full)
{
	unsigned int i;
	u32 src, bytes;
	u8 m;

	for (i = 0; i < HVPIPE_QUEUE_MAX; i++) {
		m = i;
		ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &m, 1));
	}
	EXPECT_EQ(-ENOSPC, hvpipe__host_send(self->vm, SRC1, &m, 1));
	EXPECT_EQ(1U, stat_of(self->vm)->src[0].outbox_full);
	EXPECT_EQ((unsigned int)HVPIPE_QUEUE_MAX, stat_of(self->vm)->src[0].outbox);
	EXPECT_EQ(0, hvpipe__host_send(self->vm, SRC2, &m, 1));
	/* The guest drains SRC1's in order (interleaved with SRC2's one). */
	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	for (i = 0; i < HVPIPE_QUEUE_MAX; i++) {
		ASSERT_EQ(0, check_exception(&self->t, EVENT_MASK_HVPIPE));
		ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
		if (src == SRC2) {
			ASSERT_EQ(0, check_exception(&self->t, EVENT_MASK_HVPIPE));
			ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
		}
		EXPECT_EQ(SRC1, src);
		EXPECT_EQ(i, self->t.ram[RECV_GPA]);
	}
	EXPECT_EQ(0, hvpipe__host_send(self->vm, SRC1, &m, 1));
}

/*
 * A payload that found the event queue full of close events is announced
 * once the guest has taken some of them, not only on the next host send.
 */
TEST_F(hv, payload_announced_after_a_full_event_queue)
{
	u32 src, bytes;
	unsigned int i;
	u8 type, x = 0x77;

	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	for (i = 0; i < EVENT_QUEUE_MAX; i++) {
		ASSERT_EQ(0, hvpipe__host_close(self->vm, SRC2));
		ASSERT_EQ(0, hvpipe__host_open(self->vm, SRC2));
	}
	EXPECT_EQ((unsigned int)EVENT_QUEUE_MAX, events__pending(self->vm, EVENT_HVPIPE));
	/* Accepted, but there is no room to announce it yet. */
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &x, 1));
	EXPECT_EQ(-1, stat_of(self->vm)->announced);
	EXPECT_EQ(0U, stat_of(self->vm)->payload_events);
	/* The closes first, then the payload once there was room. */
	for (i = 0; i < EVENT_QUEUE_MAX; i++) {
		ASSERT_EQ(0, take_event(&self->t, &src, &type));
		EXPECT_EQ(SRC2, src);
		EXPECT_EQ(HVPIPE_EV_CLOSED, type);
	}
	EXPECT_EQ(1U, stat_of(self->vm)->payload_events);
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	EXPECT_EQ(HVPIPE_EV_PAYLOAD, type);
	EXPECT_EQ(SRC1, src);
	ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(SRC1, src);
	EXPECT_EQ(x, self->t.ram[RECV_GPA]);
}

TEST_F(hv, disable_withdraws_and_reenable_reannounces)
{
	u8 a = 0xa1, b = 0xb2;
	u32 src, bytes;

	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &a, 1));
	ASSERT_EQ(0, hvpipe__host_close(self->vm, SRC2));
	EXPECT_EQ(2U, events__pending(self->vm, EVENT_HVPIPE));
	ASSERT_EQ(0, sysparm64(&self->t, 1, 0));
	EXPECT_EQ(0U, events__pending(self->vm, EVENT_HVPIPE));
	EXPECT_EQ(-1, stat_of(self->vm)->announced);
	EXPECT_EQ(-3, guest_recv(&self->t, &src, &bytes));
	/* While disabled nothing is announced. */
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &b, 1));
	ASSERT_EQ(0, hvpipe__host_open(self->vm, SRC2));
	ASSERT_EQ(0, hvpipe__host_close(self->vm, SRC2));
	EXPECT_EQ(0U, events__pending(self->vm, EVENT_HVPIPE));
	EXPECT_EQ(1U, stat_of(self->vm)->close_events);
	/* Re-enabled: the pending payload is announced again, once. */
	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	EXPECT_EQ(1U, events__pending(self->vm, EVENT_HVPIPE));
	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	EXPECT_EQ(1U, events__pending(self->vm, EVENT_HVPIPE));
	ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(SRC1, src);
	EXPECT_EQ(a, self->t.ram[RECV_GPA]);
	ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(b, self->t.ram[RECV_GPA]);
	EXPECT_EQ(2U, stat_of(self->vm)->receives);
}

TEST_F(hv, host_send_lengths)
{
	EXPECT_EQ(-EINVAL, hvpipe__host_send(self->vm, SRC1, self->want, 0));
	EXPECT_EQ(-EINVAL, hvpipe__host_send(self->vm, SRC1, self->want, HVPIPE_MAX_PAYLOAD + 1));
	EXPECT_EQ(-EINVAL, hvpipe__host_send(self->vm, SRC1, self->want, (size_t)-1));
	EXPECT_EQ(0U, stat_of(self->vm)->src[0].outbox);
	EXPECT_EQ(0, hvpipe__host_send(self->vm, SRC1, self->want, HVPIPE_MAX_PAYLOAD));
	EXPECT_EQ(0, hvpipe__host_send(self->vm, SRC1, self->want, 1));
	EXPECT_EQ(2U, stat_of(self->vm)->src[0].outbox);
}

TEST_F(hv, notify_fd)
{
	int fd = hvpipe__notify_fd(self->vm);
	u64 v = 0;
	u8 x = 1;
	size_t len;

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, read(fd, &v, sizeof(v)));
	EXPECT_EQ(EAGAIN, errno);
	/* Host-side changes do not wake the host. */
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &x, 1));
	EXPECT_EQ(-1, read(fd, &v, sizeof(v)));
	/* A guest message does, and so does a close; refused sends do not. */
	ASSERT_EQ(0, guest_send(&self->t, SRC1, &x, 1));
	ASSERT_EQ(0, guest_send(&self->t, SRC2, &x, 1));
	EXPECT_EQ((ssize_t)sizeof(v), read(fd, &v, sizeof(v)));
	EXPECT_EQ(2U, v);
	EXPECT_EQ(-4, guest_send(&self->t, 0x02000009, &x, 1));
	EXPECT_EQ(-1, read(fd, &v, sizeof(v)));
	ASSERT_EQ(0, hvpipe__host_recv(self->vm, SRC1, self->buf, &len));
	ASSERT_EQ(0, hvpipe__host_close(self->vm, SRC2));
	EXPECT_EQ((ssize_t)sizeof(v), read(fd, &v, sizeof(v)));
	EXPECT_EQ(1U, v);
}

TEST_F(hv, counters)
{
	struct hvpipe_stat *st;
	u8 x = 7;
	u32 src, bytes;
	size_t len;
	unsigned int i;

	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	/* Host -> guest: 3 from SRC1, 1 from SRC2, all received. */
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &x, 1));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC2, &x, 1));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
	/* Guest -> host: 2 to SRC2, one collected. */
	ASSERT_EQ(0, guest_send(&self->t, SRC2, &x, 1));
	ASSERT_EQ(0, guest_send(&self->t, SRC2, &x, 1));
	ASSERT_EQ(0, hvpipe__host_recv(self->vm, SRC2, self->buf, &len));
	/* Fill SRC1's outbox and overflow it twice. */
	for (i = 0; i < HVPIPE_QUEUE_MAX; i++)
		ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &x, 1));
	EXPECT_EQ(-ENOSPC, hvpipe__host_send(self->vm, SRC1, &x, 1));
	EXPECT_EQ(-ENOSPC, hvpipe__host_send(self->vm, SRC1, &x, 1));
	/* Fill SRC2's inbox (one is waiting already) and overflow it once. */
	for (i = 1; i < HVPIPE_QUEUE_MAX; i++)
		ASSERT_EQ(0, guest_send(&self->t, SRC2, &x, 1));
	EXPECT_EQ(9901, guest_send(&self->t, SRC2, &x, 1));
	usleep((HVPIPE_FULL_WAIT_MS + 20) * 1000);
	EXPECT_EQ(-1, guest_send(&self->t, SRC2, &x, 1));
	/* Close SRC1 and send to it three times. */
	ASSERT_EQ(0, hvpipe__host_close(self->vm, SRC1));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(-4, guest_send(&self->t, SRC1, &x, 1));

	st = stat_of(self->vm);
	EXPECT_TRUE(st->enabled);
	EXPECT_EQ(2U, st->nr_sources);
	/* 4 received, and the first of SRC1's refill is announced. */
	EXPECT_EQ(5U, st->payload_events);
	EXPECT_EQ(4U, st->receives);
	EXPECT_EQ(1U, st->close_events);
	EXPECT_EQ(0, st->announced);
	EXPECT_EQ(SRC1, st->src[0].id);
	EXPECT_FALSE(st->src[0].open);
	EXPECT_EQ(3U, st->src[0].to_guest);
	EXPECT_EQ(0U, st->src[0].from_guest);
	EXPECT_EQ(2U, st->src[0].outbox_full);
	EXPECT_EQ(0U, st->src[0].inbox_full);
	EXPECT_EQ(3U, st->src[0].closed_sends);
	EXPECT_EQ(1U, st->src[0].outbox);	/* the announced one survives the close */
	EXPECT_EQ(0U, st->src[0].inbox);
	EXPECT_EQ(SRC2, st->src[1].id);
	EXPECT_TRUE(st->src[1].open);
	EXPECT_EQ(1U, st->src[1].to_guest);
	EXPECT_EQ((u64)HVPIPE_QUEUE_MAX + 1, st->src[1].from_guest);
	EXPECT_EQ(1U, st->src[1].inbox_full);
	EXPECT_EQ(1U, st->src[1].inbox_busy);
	EXPECT_EQ(0U, st->src[1].outbox_full);
	EXPECT_EQ(0U, st->src[1].closed_sends);
	EXPECT_EQ((unsigned int)HVPIPE_QUEUE_MAX, st->src[1].inbox);
	EXPECT_EQ(0U, st->src[1].outbox);
}

/* ---- base64 ---- */

TEST(base64_vectors)
{
	static const struct { const char *plain, *enc; } v[] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	char out[32];
	u8 dec[32];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		size_t n = strlen(v[i].plain);

		memset(out, 'x', sizeof(out));
		EXPECT_EQ(strlen(v[i].enc), base64_encode((const u8 *)v[i].plain, n, out));
		EXPECT_STREQ(v[i].enc, out);
		EXPECT_EQ((ssize_t)n, base64_decode(v[i].enc, strlen(v[i].enc), dec, sizeof(dec)));
		EXPECT_EQ(0, memcmp(dec, v[i].plain, n));
	}
}

TEST(base64_round_trips)
{
	u8 in[256], dec[256 + 3];
	char enc[BASE64_LEN(256) + 1];
	unsigned int len, seed, i;
	size_t n;

	/* Every length 0..5 with assorted bytes, including 0x00 and 0xff. */
	for (len = 0; len <= 5; len++) {
		for (seed = 0; seed < 256; seed += 15) {
			for (i = 0; i < len; i++)
				in[i] = (u8)(seed * 7 + i * 101);
			n = base64_encode(in, len, enc);
			ASSERT_EQ((size_t)BASE64_LEN(len), n);
			EXPECT_EQ('\0', enc[n]);
			EXPECT_EQ((ssize_t)len, base64_decode(enc, n, dec, len)) {
				TH_LOG("len %u seed %u: %s", len, seed, enc);
			}
			EXPECT_EQ(0, memcmp(in, dec, len));
		}
	}
	/* All byte values, in every alignment against the 3-byte groups. */
	for (i = 0; i < 256; i++)
		in[i] = i;
	for (i = 0; i < 3; i++) {
		n = base64_encode(in + i, 256 - i, enc);
		EXPECT_EQ((ssize_t)(256 - i), base64_decode(enc, n, dec, sizeof(dec)));
		EXPECT_EQ(0, memcmp(in + i, dec, 256 - i));
	}
	/* 0xff 0xff 0xff and 0 0 0 */
	memset(in, 0xff, 3);
	base64_encode(in, 3, enc);
	EXPECT_STREQ("////", enc);
	memset(in, 0, 3);
	base64_encode(in, 3, enc);
	EXPECT_STREQ("AAAA", enc);
	base64_encode((const u8 *)"\xfb\xef\xbe", 3, enc);
	EXPECT_STREQ("++++", enc);
}

TEST(base64_rejects)
{
	static const char *const bad[] = {
		"Z", "Zg", "Zg=", "Zm9vY", "Zg===", "=AAA", "A===", "====", "Zg=A",
		"Zm=v", "Zg==Zg==", "Zm8=Zm8=", "Zm9v!A==", "Zm9v Zm9v", "Zm9\n",
		"Zm-_", "Zm9v\x80" "AAA", "Zm9v\xff" "AAA", "Zg==\n",
	};
	u8 dec[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, base64_decode(bad[i], strlen(bad[i]), dec, sizeof(dec))) {
			TH_LOG("'%s'", bad[i]);
		}
	}
	/* A NUL inside the data is not base64 either. */
	EXPECT_EQ(-EINVAL, base64_decode("Zm\0v", 4, dec, sizeof(dec)));
}

TEST(base64_too_long)
{
	u8 dec[8];

	EXPECT_EQ(-E2BIG, base64_decode("Zm9vYmFy", 8, dec, 5));
	EXPECT_EQ(6, base64_decode("Zm9vYmFy", 8, dec, 6));
	EXPECT_EQ(-E2BIG, base64_decode("Zm9vYg==", 8, dec, 3));
	EXPECT_EQ(4, base64_decode("Zm9vYg==", 8, dec, 4));
	EXPECT_EQ(-E2BIG, base64_decode("Zm9vYmE=", 8, dec, 4));
	EXPECT_EQ(5, base64_decode("Zm9vYmE=", 8, dec, 5));
	EXPECT_EQ(-E2BIG, base64_decode("Zg==", 4, dec, 0));
	EXPECT_EQ(0, base64_decode("", 0, dec, 0));
}

/* ---- the "hvpipe" control command, served by the real event loop ---- */

struct ctl_env {
	struct testvm t;
	pthread_t loop;
	bool running;
	char dir[64];
	char path[128];
};

static void *loop_thread(void *arg)
{
	event__loop(arg, NULL);
	return NULL;
}

static int ctl_start(struct ctl_env *e, const char *name, const u32 *ids, unsigned int n)
{
	const struct testvm_opts o = {
		.name = name, .nr_cpus = 1, .xics = true, .hvpipe_ids = ids, .nr_hvpipe = n,
	};
	int ret;

	snprintf(e->dir, sizeof(e->dir), "/tmp/pvm-hvpipe-test-%d", getpid());
	setenv("PVM_SOCKET_DIR", e->dir, 1);
	snprintf(e->path, sizeof(e->path), "%s/%s.sock", e->dir, name);
	ret = testvm__setup(&e->t, &o);
	if (!ret)
		ret = event__init(&e->t.vm);
	if (!ret)
		ret = hvpipe__attach(&e->t.vm);
	if (!ret)
		ret = control__init(&e->t.vm);
	if (!ret)
		ret = -pthread_create(&e->loop, NULL, loop_thread, &e->t.vm);
	e->running = !ret;
	return ret;
}

static void ctl_stop(struct ctl_env *e)
{
	if (e->running) {
		vm__request_exit(&e->t.vm, VM_EXIT_SIGNAL);
		pthread_join(e->loop, NULL);
	}
	control__exit(&e->t.vm);
	rmdir(e->dir);
	testvm__teardown(&e->t);
}

static struct json_object *askf(int fd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static struct json_object *askf(int fd, const char *fmt, ...)
{
	static char line[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return ask(fd, line);
}

static s64 ifield(struct json_object *o, const char *a, const char *b)
{
	struct json_object *v = jget(o, a, b);

	return v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : -12345;
}

/* The message a result carries: bytes decoded from "data", or -1. */
static ssize_t result_data(struct json_object *r, u8 *out, size_t max)
{
	struct json_object *d = jget(r, "result", "data");

	if (!d || !json_object_is_type(d, json_type_string))
		return -1;
	return base64_decode(json_object_get_string(d), json_object_get_string_len(d), out, max);
}

/*
 * One "hvpipe" request, {"id":id,"command":"hvpipe","args":{"op":op,
 * "source":src...}}, with more members in extra (each after a comma).
 */
static struct json_object *hvreq(int fd, int id, const char *op, u32 src, const char *extra)
{
	return askf(fd, "{\"id\":%d,\"command\":\"hvpipe\","
		    "\"args\":{\"op\":\"%s\",\"source\":%u%s}}\n",
		    id, op, src, extra ? extra : "");
}

/* "send" of base64 data. */
static struct json_object *hvsend(int fd, int id, u32 src, const char *b64)
{
	static char extra[8192];

	snprintf(extra, sizeof(extra), ",\"data\":\"%s\"", b64);
	return hvreq(fd, id, "send", src, extra);
}

/* The error code of r ("<ok>" for a success). */
static const char *code(struct json_object *r)
{
	if (!strcmp(field(r, "ok", NULL), "true"))
		return "<ok>";
	return field(r, "error", "code");
}

FIXTURE(hvctl) {
	struct ctl_env e;
	struct testvm *t;
	int fd;
	u8 buf[HVPIPE_MAX_PAYLOAD + 8];
	u8 want[HVPIPE_MAX_PAYLOAD + 8];
	char b64[BASE64_LEN(HVPIPE_MAX_PAYLOAD + 8) + 1];
};

FIXTURE_SETUP(hvctl)
{
	self->fd = -1;
	ASSERT_EQ(0, ctl_start(&self->e, "hvtest", two_sources, 2));
	self->t = &self->e.t;
	self->fd = connect_to(self->e.path);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(hvctl)
{
	if (self->fd >= 0)
		close(self->fd);
	ctl_stop(&self->e);
}

TEST_F(hvctl, status)
{
	struct json_object *r, *srcs, *s;

	r = ask(self->fd, "{\"id\":1,\"command\":\"hvpipe\",\"args\":{\"op\":\"status\"}}\n");
	ASSERT_NE(NULL, r);
	EXPECT_STREQ("<ok>", code(r));
	EXPECT_EQ(1, ifield(r, "id", NULL));
	EXPECT_STREQ("false", field(r, "result", "enabled"));
	EXPECT_EQ(0, ifield(r, "result", "payload_events"));
	srcs = jget(r, "result", "sources");
	ASSERT_NE(NULL, srcs);
	ASSERT_EQ(2U, json_object_array_length(srcs));
	s = json_object_array_get_idx(srcs, 1);
	EXPECT_EQ((s64)SRC2, ifield(s, "id", NULL));
	EXPECT_STREQ("true", field(s, "open", NULL));
	EXPECT_EQ(0, ifield(s, "inbox", NULL));
	json_object_put(r);

	/* After some traffic. */
	ASSERT_EQ(0, sysparm64(self->t, 1, 1));
	ASSERT_EQ(0, guest_send(self->t, SRC2, "hi", 2));
	r = hvsend(self->fd, 0, SRC1, "AQ==");
	EXPECT_STREQ("<ok>", code(r));
	json_object_put(r);
	r = ask(self->fd, "{\"command\":\"hvpipe\",\"args\":{\"op\":\"status\"}}\n");
	EXPECT_STREQ("true", field(r, "result", "enabled"));
	EXPECT_EQ((s64)SRC1, ifield(r, "result", "announced"));
	EXPECT_EQ(1, ifield(r, "result", "payload_events"));
	srcs = jget(r, "result", "sources");
	ASSERT_NE(NULL, srcs);
	EXPECT_EQ(1, ifield(json_object_array_get_idx(srcs, 0), "outbox", NULL));
	EXPECT_EQ(1, ifield(json_object_array_get_idx(srcs, 1), "inbox", NULL));
	EXPECT_EQ(1, ifield(json_object_array_get_idx(srcs, 1), "from_guest", NULL));
	json_object_put(r);
}

TEST_F(hvctl, send_reaches_the_guest)
{
	struct json_object *r;
	u32 src, bytes;
	size_t n;

	fill(self->want, HVPIPE_MAX_PAYLOAD, 0x42);
	n = base64_encode(self->want, HVPIPE_MAX_PAYLOAD, self->b64);
	ASSERT_EQ(5400U, n);
	r = askf(self->fd, "{\"id\":\"s\",\"command\":\"hvpipe\",\"args\":"
		 "{\"op\":\"send\",\"source\":%u,\"data\":\"%s\"}}\n", SRC2, self->b64);
	EXPECT_STREQ("<ok>", code(r));
	EXPECT_STREQ("s", field(r, "id", NULL));
	EXPECT_EQ(HVPIPE_MAX_PAYLOAD, ifield(r, "result", "bytes"));
	json_object_put(r);
	EXPECT_EQ(1U, stat_of(&self->t->vm)->src[1].outbox);
	ASSERT_EQ(0, sysparm64(self->t, 1, 1));
	ASSERT_EQ(0, guest_recv(self->t, &src, &bytes));
	EXPECT_EQ(SRC2, src);
	EXPECT_EQ((u32)HVPIPE_MAX_PAYLOAD, bytes);
	EXPECT_EQ(0, memcmp(self->t->ram + RECV_GPA, self->want, HVPIPE_MAX_PAYLOAD));
}

TEST_F(hvctl, bad_arguments)
{
	static const char *const lines[] = {
		"{\"command\":\"hvpipe\"}\n",
		"{\"command\":\"hvpipe\",\"args\":{}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":7}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"frob\",\"source\":33554433}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"send\",\"data\":\"AQ==\"}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"send\",\"source\":\"33554433\",\"data\":\"AQ==\"}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"send\",\"source\":16777217,\"data\":\"AQ==\"}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"send\",\"source\":-1,\"data\":\"AQ==\"}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"send\",\"source\":4328521729,\"data\":\"AQ==\"}}\n",
		/* configured: no; HMC form: yes */
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"send\",\"source\":33554435,\"data\":\"AQ==\"}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"recv\",\"source\":33554435}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"close\",\"source\":33554435}}\n",
		/* data: missing, not a string, not base64, empty, bad padding */
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"send\",\"source\":33554433}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"send\",\"source\":33554433,\"data\":5}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"send\",\"source\":33554433,\"data\":\"!!!!\"}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"send\",\"source\":33554433,\"data\":\"\"}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"send\",\"source\":33554433,\"data\":\"AQ=\"}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"send\",\"source\":33554433,\"data\":\"A===\"}}\n",
	};
	struct json_object *r;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lines); i++) {
		r = ask(self->fd, lines[i]);
		ASSERT_NE(NULL, r);
		EXPECT_STREQ("bad-argument", code(r)) {
			TH_LOG("%s", lines[i]);
		}
		json_object_put(r);
	}
	EXPECT_EQ(0U, stat_of(&self->t->vm)->src[0].outbox);
}

TEST_F(hvctl, send_sizes)
{
	struct json_object *r;

	/* 4049 and 4050 bytes: one too many; 4048 is fine. */
	fill(self->want, HVPIPE_MAX_PAYLOAD + 2, 1);
	base64_encode(self->want, HVPIPE_MAX_PAYLOAD + 1, self->b64);
	r = hvsend(self->fd, 0, SRC1, self->b64);
	EXPECT_STREQ("bad-argument", code(r));
	json_object_put(r);
	base64_encode(self->want, HVPIPE_MAX_PAYLOAD + 2, self->b64);
	r = hvsend(self->fd, 0, SRC1, self->b64);
	EXPECT_STREQ("bad-argument", code(r));
	json_object_put(r);
	EXPECT_EQ(0U, stat_of(&self->t->vm)->src[0].outbox);
	base64_encode(self->want, HVPIPE_MAX_PAYLOAD, self->b64);
	r = hvsend(self->fd, 0, SRC1, self->b64);
	EXPECT_STREQ("<ok>", code(r));
	json_object_put(r);
	EXPECT_EQ(1U, stat_of(&self->t->vm)->src[0].outbox);
}

TEST_F(hvctl, outbox_full)
{
	struct json_object *r;
	unsigned int i;

	for (i = 0; i < HVPIPE_QUEUE_MAX; i++) {
		r = hvsend(self->fd, 0, SRC1, "AQ==");
		ASSERT_STREQ("<ok>", code(r));
		json_object_put(r);
	}
	r = hvsend(self->fd, 3, SRC1, "AQ==");
	EXPECT_STREQ("full", code(r));
	EXPECT_EQ(3, ifield(r, "id", NULL));
	json_object_put(r);
	EXPECT_EQ(1U, stat_of(&self->t->vm)->src[0].outbox_full);
}

TEST_F(hvctl, recv_now)
{
	struct json_object *r;
	ssize_t n;

	r = hvreq(self->fd, 4, "recv", SRC1, NULL);
	EXPECT_STREQ("empty", code(r));
	EXPECT_EQ(4, ifield(r, "id", NULL));
	json_object_put(r);
	r = hvreq(self->fd, 0, "recv", SRC1, ",\"wait\":false");
	EXPECT_STREQ("empty", code(r));
	json_object_put(r);

	fill(self->want, HVPIPE_MAX_PAYLOAD, 0x99);
	ASSERT_EQ(0, guest_send(self->t, SRC1, self->want, HVPIPE_MAX_PAYLOAD));
	ASSERT_EQ(0, guest_send(self->t, SRC1, "x", 1));
	r = askf(self->fd, "{\"command\":\"hvpipe\",\"args\":{\"op\":\"recv\",\"source\":%u}}\n", SRC1);
	ASSERT_STREQ("<ok>", code(r));
	EXPECT_EQ((s64)SRC1, ifield(r, "result", "source"));
	EXPECT_EQ(HVPIPE_MAX_PAYLOAD, ifield(r, "result", "bytes"));
	n = result_data(r, self->buf, sizeof(self->buf));
	EXPECT_EQ(HVPIPE_MAX_PAYLOAD, n);
	EXPECT_EQ(0, memcmp(self->buf, self->want, HVPIPE_MAX_PAYLOAD));
	json_object_put(r);
	/* A waiting recv with a message there answers at once. */
	r = hvreq(self->fd, 0, "recv", SRC1, ",\"wait\":true");
	ASSERT_STREQ("<ok>", code(r));
	EXPECT_EQ(1, result_data(r, self->buf, sizeof(self->buf)));
	EXPECT_EQ('x', self->buf[0]);
	json_object_put(r);
	/* Not to the other source. */
	r = askf(self->fd, "{\"command\":\"hvpipe\",\"args\":{\"op\":\"recv\",\"source\":%u}}\n", SRC2);
	EXPECT_STREQ("empty", code(r));
	json_object_put(r);
}

TEST_F(hvctl, recv_wait_parks)
{
	struct json_object *r;
	int other = connect_to(self->e.path);

	ASSERT_LE(0, other);
	ASSERT_TRUE(send_line(self->fd, "{\"id\":\"w\",\"command\":\"hvpipe\","
				       "\"args\":{\"op\":\"recv\",\"source\":33554433,\"wait\":true}}\n"));
	EXPECT_EQ(NULL, read_resp(self->fd, 200));
	/* The loop is not stuck on the parked client. */
	r = ask(other, "{\"command\":\"hvpipe\",\"args\":{\"op\":\"status\"}}\n");
	EXPECT_STREQ("<ok>", code(r));
	json_object_put(r);
	/* A message for another source does not answer it. */
	ASSERT_EQ(0, guest_send(self->t, SRC2, "no", 2));
	EXPECT_EQ(NULL, read_resp(self->fd, 200));
	/* The guest sends (from this thread, through RTAS, while the loop runs). */
	ASSERT_EQ(0, guest_send(self->t, SRC1, "hello", 5));
	r = read_resp(self->fd, 5000);
	ASSERT_NE(NULL, r);
	EXPECT_STREQ("<ok>", code(r));
	EXPECT_STREQ("w", field(r, "id", NULL));
	EXPECT_EQ((s64)SRC1, ifield(r, "result", "source"));
	EXPECT_EQ(5, result_data(r, self->buf, sizeof(self->buf)));
	EXPECT_EQ(0, memcmp(self->buf, "hello", 5));
	json_object_put(r);
	/* Answered once; then the connection serves requests again. */
	ASSERT_EQ(0, guest_send(self->t, SRC1, "again", 5));
	EXPECT_EQ(NULL, read_resp(self->fd, 200));
	r = hvreq(self->fd, 2, "recv", SRC1, NULL);
	EXPECT_STREQ("<ok>", code(r));
	EXPECT_EQ(2, ifield(r, "id", NULL));
	EXPECT_EQ(5, result_data(r, self->buf, sizeof(self->buf)));
	EXPECT_EQ(0, memcmp(self->buf, "again", 5));
	json_object_put(r);
	close(other);
}

TEST_F(hvctl, recv_follow_count)
{
	struct json_object *r;
	char m[2] = "a";
	int i;

	ASSERT_TRUE(send_line(self->fd, "{\"id\":9,\"command\":\"hvpipe\",\"args\":{\"op\":\"recv\","
				       "\"source\":33554434,\"wait\":true,\"follow\":true,\"count\":3}}\n"));
	EXPECT_EQ(NULL, read_resp(self->fd, 200));
	for (i = 0; i < 3; i++) {
		m[0] = 'a' + i;
		ASSERT_EQ(0, guest_send(self->t, SRC2, m, 1));
		r = read_resp(self->fd, 5000);
		ASSERT_NE(NULL, r);
		EXPECT_STREQ("<ok>", code(r));
		EXPECT_EQ(9, ifield(r, "id", NULL));
		EXPECT_EQ(1, result_data(r, self->buf, sizeof(self->buf)));
		EXPECT_EQ(m[0], self->buf[0]);
		json_object_put(r);
	}
	/* Three and no more: a fourth message waits for the next request. */
	ASSERT_EQ(0, guest_send(self->t, SRC2, "d", 1));
	EXPECT_EQ(NULL, read_resp(self->fd, 200));
	r = hvreq(self->fd, 10, "recv", SRC2, NULL);
	EXPECT_STREQ("<ok>", code(r));
	EXPECT_EQ(10, ifield(r, "id", NULL));
	EXPECT_EQ(1, result_data(r, self->buf, sizeof(self->buf)));
	EXPECT_EQ('d', self->buf[0]);
	json_object_put(r);
}

/* Messages already waiting are streamed at once, not on the next guest send. */
TEST_F(hvctl, recv_follow_with_a_backlog)
{
	struct json_object *r;
	char m[2] = "a";
	int i;

	for (i = 0; i < 4; i++) {
		m[0] = 'a' + i;
		ASSERT_EQ(0, guest_send(self->t, SRC1, m, 1));
	}
	/* Let the loop take the guest's wake-ups before the request comes. */
	usleep(100000);
	ASSERT_TRUE(send_line(self->fd, "{\"id\":5,\"command\":\"hvpipe\",\"args\":{\"op\":\"recv\","
				       "\"source\":33554433,\"wait\":true,\"follow\":true,\"count\":3}}\n"));
	for (i = 0; i < 3; i++) {
		r = read_resp(self->fd, 2000);
		ASSERT_NE(NULL, r) {
			TH_LOG("answer %d never came", i);
		}
		EXPECT_STREQ("<ok>", code(r));
		EXPECT_EQ(5, ifield(r, "id", NULL));
		EXPECT_EQ(1, result_data(r, self->buf, sizeof(self->buf)));
		EXPECT_EQ('a' + i, self->buf[0]);
		json_object_put(r);
	}
	EXPECT_EQ(NULL, read_resp(self->fd, 200));
	EXPECT_EQ(1U, stat_of(&self->t->vm)->src[0].inbox);
}

TEST_F(hvctl, recv_count_must_be_positive)
{
	static const char *const counts[] = { "0", "-1", "\"3\"", "true", "1.5" };
	struct json_object *r;
	unsigned int i, with;

	/* Refused whether or not a message is waiting, and none is taken. */
	for (with = 0; with < 2; with++) {
		if (with)
			ASSERT_EQ(0, guest_send(self->t, SRC1, "m", 1));
		for (i = 0; i < ARRAY_SIZE(counts); i++) {
			r = askf(self->fd, "{\"command\":\"hvpipe\",\"args\":{\"op\":\"recv\","
				 "\"source\":%u,\"follow\":true,\"count\":%s}}\n", SRC1, counts[i]);
			ASSERT_NE(NULL, r);
			EXPECT_STREQ("bad-argument", code(r)) {
				TH_LOG("count %s, message waiting: %u", counts[i], with);
			}
			json_object_put(r);
		}
	}
	EXPECT_EQ(1U, stat_of(&self->t->vm)->src[0].inbox);
	/* count 1 with follow: one answer, then the connection is free. */
	r = askf(self->fd, "{\"id\":8,\"command\":\"hvpipe\",\"args\":{\"op\":\"recv\","
		 "\"source\":%u,\"follow\":true,\"count\":1}}\n", SRC1);
	EXPECT_STREQ("<ok>", code(r));
	json_object_put(r);
	r = ask(self->fd, "{\"id\":11,\"command\":\"query\"}\n");
	EXPECT_STREQ("<ok>", code(r));
	EXPECT_EQ(11, ifield(r, "id", NULL));
	json_object_put(r);
}

/* follow waits even without "wait". */
TEST_F(hvctl, follow_implies_wait)
{
	struct json_object *r;

	ASSERT_TRUE(send_line(self->fd, "{\"id\":6,\"command\":\"hvpipe\",\"args\":{\"op\":\"recv\","
				       "\"source\":33554433,\"follow\":true,\"count\":1}}\n"));
	EXPECT_EQ(NULL, read_resp(self->fd, 200));
	ASSERT_EQ(0, guest_send(self->t, SRC1, "z", 1));
	r = read_resp(self->fd, 5000);
	EXPECT_STREQ("<ok>", code(r));
	EXPECT_EQ(6, ifield(r, "id", NULL));
	json_object_put(r);
}

TEST_F(hvctl, close_ends_a_parked_recv)
{
	struct json_object *r;
	int other = connect_to(self->e.path);

	ASSERT_LE(0, other);
	ASSERT_TRUE(send_line(self->fd, "{\"id\":\"p\",\"command\":\"hvpipe\","
				       "\"args\":{\"op\":\"recv\",\"source\":33554433,\"wait\":true}}\n"));
	EXPECT_EQ(NULL, read_resp(self->fd, 200));
	r = hvreq(other, 0, "close", SRC1, NULL);
	EXPECT_STREQ("<ok>", code(r));
	json_object_put(r);
	r = read_resp(self->fd, 5000);
	ASSERT_NE(NULL, r);
	EXPECT_STREQ("closed", code(r));
	EXPECT_STREQ("p", field(r, "id", NULL));
	json_object_put(r);
	/* The connection goes on. */
	r = ask(self->fd, "{\"command\":\"hvpipe\",\"args\":{\"op\":\"status\"}}\n");
	EXPECT_STREQ("<ok>", code(r));
	json_object_put(r);
	close(other);
}

TEST_F(hvctl, follow_until_closed)
{
	struct json_object *r;
	int other = connect_to(self->e.path);

	ASSERT_LE(0, other);
	ASSERT_TRUE(send_line(self->fd, "{\"id\":1,\"command\":\"hvpipe\",\"args\":{\"op\":\"recv\","
				       "\"source\":33554433,\"wait\":true,\"follow\":true}}\n"));
	EXPECT_EQ(NULL, read_resp(self->fd, 200));
	ASSERT_EQ(0, guest_send(self->t, SRC1, "1", 1));
	r = read_resp(self->fd, 5000);
	EXPECT_STREQ("<ok>", code(r));
	json_object_put(r);
	/* Sent just before the close: delivered before the "closed" answer. */
	ASSERT_EQ(0, guest_send(self->t, SRC1, "2", 1));
	r = hvreq(other, 0, "close", SRC1, NULL);
	EXPECT_STREQ("<ok>", code(r));
	json_object_put(r);
	r = read_resp(self->fd, 5000);
	EXPECT_STREQ("<ok>", code(r));
	EXPECT_EQ(1, result_data(r, self->buf, sizeof(self->buf)));
	EXPECT_EQ('2', self->buf[0]);
	json_object_put(r);
	r = read_resp(self->fd, 5000);
	EXPECT_STREQ("closed", code(r));
	EXPECT_EQ(1, ifield(r, "id", NULL));
	json_object_put(r);
	close(other);
}

TEST_F(hvctl, close_and_open)
{
	struct json_object *r;
	u8 type;
	u32 src;

	ASSERT_EQ(0, sysparm64(self->t, 1, 1));
	r = hvreq(self->fd, 0, "close", SRC2, NULL);
	EXPECT_STREQ("<ok>", code(r));
	json_object_put(r);
	ASSERT_EQ(0, take_event(self->t, &src, &type));
	EXPECT_EQ(SRC2, src);
	EXPECT_EQ(HVPIPE_EV_CLOSED, type);
	r = hvreq(self->fd, 0, "close", SRC2, NULL);
	EXPECT_STREQ("state", code(r));
	json_object_put(r);
	r = hvsend(self->fd, 0, SRC2, "AQ==");
	EXPECT_STREQ("closed", code(r));
	json_object_put(r);
	/* Nothing waiting and closed: a recv says so, with or without wait. */
	r = askf(self->fd, "{\"command\":\"hvpipe\",\"args\":{\"op\":\"recv\",\"source\":%u}}\n", SRC2);
	EXPECT_STREQ("closed", code(r));
	json_object_put(r);
	r = hvreq(self->fd, 0, "recv", SRC2, ",\"wait\":true");
	EXPECT_STREQ("closed", code(r));
	json_object_put(r);
	EXPECT_EQ(-4, guest_send(self->t, SRC2, "x", 1));

	r = hvreq(self->fd, 0, "open", SRC2, NULL);
	EXPECT_STREQ("<ok>", code(r));
	json_object_put(r);
	r = hvreq(self->fd, 0, "open", SRC2, NULL);
	EXPECT_STREQ("state", code(r));
	json_object_put(r);
	r = hvsend(self->fd, 0, SRC2, "AQ==");
	EXPECT_STREQ("<ok>", code(r));
	json_object_put(r);
	EXPECT_EQ(0, guest_send(self->t, SRC2, "x", 1));
}

TEST(hvctl_without_sources)
{
	static struct ctl_env e;
	struct json_object *r;
	int fd;

	ASSERT_EQ(0, ctl_start(&e, "hvtest0", NULL, 0));
	fd = connect_to(e.path);
	ASSERT_LE(0, fd);
	r = ask(fd, "{\"command\":\"hvpipe\",\"args\":{\"op\":\"status\"}}\n");
	EXPECT_STREQ("unsupported", code(r));
	json_object_put(r);
	r = hvsend(fd, 0, SRC1, "AQ==");
	EXPECT_STREQ("unsupported", code(r));
	json_object_put(r);
	r = ask(fd, "{\"command\":\"hvpipe\"}\n");
	EXPECT_STREQ("unsupported", code(r));
	json_object_put(r);
	/* Everything else still works. */
	r = ask(fd, "{\"command\":\"query\"}\n");
	EXPECT_STREQ("<ok>", code(r));
	json_object_put(r);
	close(fd);
	ctl_stop(&e);
}

TEST_HARNESS_MAIN
