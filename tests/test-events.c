// SPDX-License-Identifier: GPL-2.0
/* RTAS event logs and check-exception (papr/events.c). */
#include "testvm.h"
#include "papr/events.h"
#include "pvm/irq.h"

#include "kselftest_harness.h"

#define BUF_GPA 0x20000ULL

FIXTURE(ev) {
	struct testvm t;
};

FIXTURE_SETUP(ev)
{
	const struct testvm_opts o = { .nr_cpus = 1, .xics = true };

	ASSERT_EQ(0, testvm__setup(&self->t, &o));
}

FIXTURE_TEARDOWN(ev)
{
	testvm__teardown(&self->t);
}

static s32 check_exception(struct testvm *t, u32 mask, u64 buf, u32 len)
{
	u32 args[6] = { 0x500, 0, mask, 0, (u32)buf, len };

	return testvm__rtas(t, RTAS_CHECK_EXCEPTION, 6, args, 1, NULL);
}

static u32 be32(const u8 *p)
{
	return ((u32)p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

/* Walks sections like the kernel's get_pseries_errorlog(); NULL if absent. */
static const u8 *find_section(const u8 *log, const char id[2])
{
	u32 ext = be32(log + 4);
	const u8 *p = log + 24, *end = log + 8 + ext;

	if (ext < 20 || (log[10] & 0x0f) != 14 || be32(log + 20) != 0x49424d00)
		return NULL;
	while (p + 8 <= end) {
		u16 len = (p[2] << 8) | p[3];

		if (p[0] == id[0] && p[1] == id[1])
			return p;
		if (!len)
			return NULL;
		p += len;
	}
	return NULL;
}

TEST_F(ev, nothing_pending)
{
	EXPECT_EQ(1, check_exception(&self->t, 0xffffffff, BUF_GPA, 2048));
}

TEST_F(ev, epow_shutdown_log)
{
	const u8 *log = self->t.ram + BUF_GPA, *ep;

	fake_accel.irq_lines = 0;
	ASSERT_EQ(0, events__epow_shutdown(&self->t.vm));
	/* Raised once, on the EPOW source. */
	EXPECT_EQ(1U, fake_accel.irq_lines);
	EXPECT_EQ((u32)events__irq(&self->t.vm, EVENT_EPOW), fake_accel.last_irq);
	/* Wrong class: stays queued. */
	EXPECT_EQ(1, check_exception(&self->t, EVENT_MASK_HOTPLUG, BUF_GPA, 2048));
	ASSERT_EQ(0, check_exception(&self->t, EVENT_MASK_EPOW, BUF_GPA, 2048));
	EXPECT_EQ(0x06, log[0]);
	EXPECT_EQ(0x40, log[3]);
	EXPECT_EQ(0x86, log[8]);
	EXPECT_EQ(0x8e, log[10]);
	ASSERT_NE(NULL, find_section(log, "PH"));
	ASSERT_NE(NULL, find_section(log, "UH"));
	ep = find_section(log, "EP");
	ASSERT_NE(NULL, ep);
	EXPECT_EQ(3, ep[8] & 0x0f);	/* system shutdown */
	EXPECT_EQ(1, ep[9] & 0x0f);	/* normal */
	/* Reported once. */
	EXPECT_EQ(1, check_exception(&self->t, EVENT_MASK_EPOW, BUF_GPA, 2048));
}

TEST_F(ev, hotplug_log_and_reraise)
{
	const u8 *log = self->t.ram + BUF_GPA, *hp;

	ASSERT_EQ(0, events__hotplug(&self->t.vm, HP_RESOURCE_MEM, HP_ACTION_ADD, HP_ID_IC, 4, 0x80000004));
	ASSERT_EQ(0, events__hotplug(&self->t.vm, HP_RESOURCE_CPU, HP_ACTION_REMOVE, HP_ID_INDEX, 0x10000002, 0));
	fake_accel.irq_lines = 0;
	ASSERT_EQ(0, check_exception(&self->t, EVENT_MASK_HOTPLUG, BUF_GPA, 2048));
	hp = find_section(log, "HP");
	ASSERT_NE(NULL, hp);
	EXPECT_EQ(HP_RESOURCE_MEM, hp[8]);
	EXPECT_EQ(HP_ACTION_ADD, hp[9]);
	EXPECT_EQ(HP_ID_IC, hp[10]);
	EXPECT_EQ(4U, be32(hp + 12));
	EXPECT_EQ(0x80000004U, be32(hp + 16));
	/* One more queued: the source is raised again. */
	EXPECT_EQ(1U, fake_accel.irq_lines);
	ASSERT_EQ(0, check_exception(&self->t, EVENT_MASK_HOTPLUG, BUF_GPA, 2048));
	hp = find_section(log, "HP");
	ASSERT_NE(NULL, hp);
	EXPECT_EQ(HP_RESOURCE_CPU, hp[8]);
	EXPECT_EQ(0x10000002U, be32(hp + 12));
	EXPECT_EQ(1U, fake_accel.irq_lines);	/* nothing left: not raised */
	EXPECT_EQ(1, check_exception(&self->t, EVENT_MASK_HOTPLUG, BUF_GPA, 2048));
}

TEST_F(ev, bad_buffer_keeps_the_event)
{
	ASSERT_EQ(0, events__epow_shutdown(&self->t.vm));
	EXPECT_EQ(-3, check_exception(&self->t, EVENT_MASK_EPOW, TESTVM_RAM - 16, 2048));
	EXPECT_EQ(-3, check_exception(&self->t, EVENT_MASK_EPOW, BUF_GPA, 8));
	EXPECT_EQ(1U, events__pending(&self->t.vm, EVENT_EPOW));
	EXPECT_EQ(0, check_exception(&self->t, EVENT_MASK_EPOW, BUF_GPA, 2048));
}

TEST_F(ev, truncated_to_the_buffer)
{
	u8 *log = self->t.ram + BUF_GPA;

	memset(log, 0xee, 256);
	ASSERT_EQ(0, events__epow_shutdown(&self->t.vm));
	ASSERT_EQ(0, check_exception(&self->t, EVENT_MASK_EPOW, BUF_GPA, 64));
	/* Extended length says what was written, nothing past 64 bytes. */
	EXPECT_EQ(56U, be32(log + 4));
	EXPECT_EQ(0xee, log[64]);
}

TEST_F(ev, queue_is_bounded)
{
	int i, ret = 0;

	for (i = 0; i < EVENT_QUEUE_MAX; i++)
		ret |= events__epow_shutdown(&self->t.vm);
	EXPECT_EQ(0, ret);
	EXPECT_EQ(-EBUSY, events__epow_shutdown(&self->t.vm));
	EXPECT_EQ((unsigned int)EVENT_QUEUE_MAX, events__pending(&self->t.vm, EVENT_EPOW));
}

TEST_F(ev, event_scan_never_takes_events)
{
	u32 args[4] = { 0xffffffff, 0, (u32)BUF_GPA, 2048 };

	ASSERT_EQ(0, events__hotplug(&self->t.vm, HP_RESOURCE_MEM, HP_ACTION_ADD, HP_ID_COUNT, 1, 0));
	EXPECT_EQ(1, testvm__rtas(&self->t, RTAS_EVENT_SCAN, 4, args, 1, NULL));
	EXPECT_EQ(1U, events__pending(&self->t.vm, EVENT_HOTPLUG));
}

TEST_HARNESS_MAIN
