// SPDX-License-Identifier: GPL-2.0
/* The ICS RTAS calls served by papr/xics.c on the (fake) in-kernel XICS. */
#include "testvm.h"
#include "pvm/irq.h"
#include "devices/vty.h"
#include "pvm/xics.h"

#include "kselftest_harness.h"

FIXTURE(xics) {
	struct testvm t;
	u32 irq;
};

FIXTURE_SETUP(xics)
{
	const struct testvm_opts o = { .nr_cpus = 2, .threads = 1, .xics = true };

	ASSERT_EQ(0, testvm__setup(&self->t, &o));
	/* The console's source (event sources took the first ones). */
	ASSERT_LE((int)IRQ_BASE, vty__irq(vty__get(&self->t.vm)));
	self->irq = vty__irq(vty__get(&self->t.vm));
	/* testvm__setup() wiped the fake's record: the source as KVM made it. */
	fake_accel.irq_state[self->irq - IRQ_BASE] = XICS_STATE_PRIO_MASK | XICS_STATE_MASKED;
}

FIXTURE_TEARDOWN(xics)
{
	testvm__teardown(&self->t);
}

static s32 xive(struct testvm *t, u32 token, u32 nargs, const u32 *args, u32 nret, u32 *rets)
{
	return testvm__rtas(t, token, nargs, args, nret, rets);
}

TEST_F(xics, sources_start_masked)
{
	u32 args[1] = { self->irq }, rets[3];

	ASSERT_EQ(0, xive(&self->t, RTAS_IBM_GET_XIVE, 1, args, 3, rets));
	EXPECT_EQ(0U, rets[0]);
	EXPECT_EQ(0xffU, rets[2]);
}

TEST_F(xics, set_then_get_xive)
{
	u32 set[3] = { self->irq, 1, 5 }, get[1] = { self->irq }, rets[3];
	u64 st;

	ASSERT_EQ(0, xive(&self->t, RTAS_IBM_SET_XIVE, 3, set, 1, rets));
	st = fake_accel.irq_state[self->irq - IRQ_BASE];
	EXPECT_EQ(1U, st & XICS_STATE_SERVER_MASK);
	EXPECT_EQ(5U, (st & XICS_STATE_PRIO_MASK) >> XICS_STATE_PRIO_SHIFT);
	EXPECT_EQ(0U, st & XICS_STATE_MASKED);
	ASSERT_EQ(0, xive(&self->t, RTAS_IBM_GET_XIVE, 1, get, 3, rets));
	EXPECT_EQ(1U, rets[1]);
	EXPECT_EQ(5U, rets[2]);
}

TEST_F(xics, int_off_and_on)
{
	u32 set[3] = { self->irq, 0, 5 }, one[1] = { self->irq }, rets[3];

	ASSERT_EQ(0, xive(&self->t, RTAS_IBM_SET_XIVE, 3, set, 1, rets));
	ASSERT_EQ(0, xive(&self->t, RTAS_IBM_INT_OFF, 1, one, 1, rets));
	EXPECT_EQ(0U, rets[0]);
	EXPECT_NE(0U, fake_accel.irq_state[self->irq - IRQ_BASE] & XICS_STATE_MASKED);
	ASSERT_EQ(0, xive(&self->t, RTAS_IBM_GET_XIVE, 1, one, 3, rets));
	EXPECT_EQ(0xffU, rets[2]);
	ASSERT_EQ(0, xive(&self->t, RTAS_IBM_INT_ON, 1, one, 1, rets));
	EXPECT_EQ(0U, rets[0]);
	ASSERT_EQ(0, xive(&self->t, RTAS_IBM_GET_XIVE, 1, one, 3, rets));
	EXPECT_EQ(5U, rets[2]);
}

TEST_F(xics, int_on_without_priority)
{
	u32 one[1] = { self->irq }, rets[3];

	/* Succeeds, but there is no priority to restore: still masked. */
	EXPECT_EQ(0, xive(&self->t, RTAS_IBM_INT_ON, 1, one, 1, rets));
	EXPECT_EQ(0, xive(&self->t, RTAS_IBM_GET_XIVE, 1, one, 3, rets));
	EXPECT_EQ(0xffU, rets[2]);
}

TEST_F(xics, bad_source_and_server)
{
	u32 bad_irq[3] = { IRQ_BASE + 100, 0, 5 }, bad_srv[3] = { self->irq, 7, 5 };
	u32 bad_prio[3] = { self->irq, 0, 0x100 }, ipi[1] = { 2 }, rets[3];

	EXPECT_EQ(-3, xive(&self->t, RTAS_IBM_SET_XIVE, 3, bad_irq, 1, rets));
	EXPECT_EQ(-3, xive(&self->t, RTAS_IBM_SET_XIVE, 3, bad_srv, 1, rets));
	EXPECT_EQ(-3, xive(&self->t, RTAS_IBM_SET_XIVE, 3, bad_prio, 1, rets));
	EXPECT_EQ(-3, xive(&self->t, RTAS_IBM_GET_XIVE, 1, ipi, 3, rets));
	EXPECT_EQ(-3, xive(&self->t, RTAS_IBM_INT_OFF, 1, ipi, 1, rets));
}

TEST_F(xics, wrong_shape)
{
	u32 args[3] = { self->irq, 0, 5 }, rets[3];

	EXPECT_EQ(-3, xive(&self->t, RTAS_IBM_SET_XIVE, 2, args, 1, rets));
	EXPECT_EQ(-3, xive(&self->t, RTAS_IBM_GET_XIVE, 1, args, 2, rets));
}

TEST_F(xics, console_input_raises_its_source)
{
	fake_accel.irq_lines = 0;
	EXPECT_EQ(3U, vty__input(vty__get(&self->t.vm), (const u8 *)"abc", 3));
	EXPECT_EQ(1U, fake_accel.irq_lines);
	EXPECT_EQ(self->irq, fake_accel.last_irq);
	EXPECT_EQ(1, fake_accel.last_level);
}

TEST_HARNESS_MAIN
