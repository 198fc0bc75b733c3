// SPDX-License-Identifier: GPL-2.0
/* H_WATCHDOG: operations, argument checks and what an expiry does to the VM. */
#include <time.h>

#include "testvm.h"

#include "kselftest_harness.h"

#define OP_START (1ULL << 8)
#define OP_STOP (2ULL << 8)
#define OP_QUERY (3ULL << 8)
#define OP_QUERY_LPM (4ULL << 8)
#define POWER_OFF 1
#define RESTART 2
#define DUMP 3
#define LEAVE_OTHERS (1ULL << 16)
#define SEC 1000000000ULL

FIXTURE(wdt) {
	struct testvm t;
	u64 a[HCALL_NR_ARGS];
};

FIXTURE_SETUP(wdt)
{
	const struct testvm_opts o = { .nr_cpus = 2 };

	ASSERT_EQ(0, testvm__setup(&self->t, &o));
	self->t.vm.vcpus[0]->state = VCPU_RUNNING;
	self->t.vm.vcpus[1]->state = VCPU_RUNNING;
}

FIXTURE_TEARDOWN(wdt)
{
	testvm__teardown(&self->t);
}

static u64 mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * SEC + ts.tv_nsec;
}

TEST_F(wdt, query)
{
	EXPECT_EQ(H_SUCCESS, HC(H_WATCHDOG, OP_QUERY));
	/* min timeout 1 ms in bits 0-15, 4 watchdogs in bits 16-31 */
	EXPECT_EQ(0x0001000400000000ULL, self->a[0]);
	EXPECT_EQ(H_SUCCESS, HC(H_WATCHDOG, OP_QUERY_LPM, 1));
	EXPECT_EQ(2U, self->a[0]);
	EXPECT_EQ(H_P2, HC(H_WATCHDOG, OP_QUERY_LPM, 5));
	EXPECT_EQ(H_P2, HC(H_WATCHDOG, OP_QUERY_LPM, 0));
}

TEST_F(wdt, bad_arguments)
{
	EXPECT_EQ(H_PARAMETER, HC(H_WATCHDOG, OP_START | POWER_OFF | (1ULL << 17), 1, 1000));
	EXPECT_EQ(H_PARAMETER, HC(H_WATCHDOG, OP_START | POWER_OFF | (1ULL << 63), 1, 1000));
	EXPECT_EQ(H_PARAMETER, HC(H_WATCHDOG, 9ULL << 8, 1, 1000));
	EXPECT_EQ(H_PARAMETER, HC(H_WATCHDOG, 0, 1, 1000));
	EXPECT_EQ(H_P2, HC(H_WATCHDOG, OP_START | POWER_OFF, 0, 1000));
	EXPECT_EQ(H_P2, HC(H_WATCHDOG, OP_START | POWER_OFF, 5, 1000));
	EXPECT_EQ(H_P2, HC(H_WATCHDOG, OP_START | POWER_OFF, 1ULL << 32 | 1, 1000));
	EXPECT_EQ(H_P3, HC(H_WATCHDOG, OP_START | POWER_OFF, 1, 0));
	/* A timeout whose deadline would overflow is refused, not wrapped. */
	EXPECT_EQ(H_P3, HC(H_WATCHDOG, OP_START | POWER_OFF, 1, ~0ULL));
	EXPECT_EQ(H_P3, HC(H_WATCHDOG, OP_START | POWER_OFF, 1, WDT_MAX_TIMEOUT_MS + 1));
	EXPECT_EQ(H_PARAMETER, HC(H_WATCHDOG, OP_START, 1, 1000));
	EXPECT_EQ(H_PARAMETER, HC(H_WATCHDOG, OP_START | 4, 1, 1000));
	EXPECT_EQ(H_P2, HC(H_WATCHDOG, OP_STOP, 5));
	/* Nothing was started by any of them. */
	watchdog__expire(&self->t.vm, ~0ULL);
	EXPECT_EQ(VM_EXIT_NONE, self->t.vm.exit_reason);
}

TEST_F(wdt, start_stop_noop)
{
	EXPECT_EQ(H_NOOP, HC(H_WATCHDOG, OP_STOP, 1));
	EXPECT_EQ(H_SUCCESS, HC(H_WATCHDOG, OP_START | POWER_OFF, 1, 60000));
	EXPECT_EQ(H_SUCCESS, HC(H_WATCHDOG, OP_STOP, 1));
	EXPECT_EQ(H_NOOP, HC(H_WATCHDOG, OP_STOP, 1));
	EXPECT_EQ(H_SUCCESS, HC(H_WATCHDOG, OP_START | RESTART, 2, 60000));
	EXPECT_EQ(H_SUCCESS, HC(H_WATCHDOG, OP_START | DUMP, 4, 60000));
	EXPECT_EQ(H_SUCCESS, HC(H_WATCHDOG, OP_STOP, ~0ULL));
	EXPECT_EQ(H_NOOP, HC(H_WATCHDOG, OP_STOP, ~0ULL));
	watchdog__expire(&self->t.vm, ~0ULL);
	EXPECT_EQ(VM_EXIT_NONE, self->t.vm.exit_reason);
}

TEST_F(wdt, not_before_the_deadline)
{
	u64 t0 = mono();

	EXPECT_EQ(H_SUCCESS, HC(H_WATCHDOG, OP_START | POWER_OFF, 1, 10000));
	watchdog__expire(&self->t.vm, t0 + 9 * SEC);
	EXPECT_EQ(VM_EXIT_NONE, self->t.vm.exit_reason);
	/* A restart moves the deadline. */
	EXPECT_EQ(H_SUCCESS, HC(H_WATCHDOG, OP_START | POWER_OFF, 1, 20000));
	watchdog__expire(&self->t.vm, t0 + 15 * SEC);
	EXPECT_EQ(VM_EXIT_NONE, self->t.vm.exit_reason);
	watchdog__expire(&self->t.vm, t0 + 21 * SEC);
	EXPECT_EQ(VM_EXIT_WATCHDOG, self->t.vm.exit_reason);
}

TEST_F(wdt, restart_action_is_a_reboot)
{
	EXPECT_EQ(H_SUCCESS, HC(H_WATCHDOG, OP_START | RESTART, 3, 1));
	watchdog__expire(&self->t.vm, mono() + SEC);
	EXPECT_EQ(VM_EXIT_REBOOT, self->t.vm.exit_reason);
}

TEST_F(wdt, dump_restart_resets_every_running_vcpu)
{
	self->t.vm.vcpus[1]->state = VCPU_STOPPED;
	EXPECT_EQ(H_SUCCESS, HC(H_WATCHDOG, OP_START | DUMP, 1, 1));
	watchdog__expire(&self->t.vm, mono() + SEC);
	EXPECT_EQ(VM_EXIT_NONE, self->t.vm.exit_reason);
	EXPECT_TRUE(vcpu__take_reset(self->t.vm.vcpus[0]));
	EXPECT_FALSE(vcpu__take_reset(self->t.vm.vcpus[1]));
	EXPECT_EQ(1U, fake_accel.kicks);
	/* It fired once: a later expiry finds nothing. */
	watchdog__expire(&self->t.vm, mono() + 2 * SEC);
	EXPECT_FALSE(vcpu__take_reset(self->t.vm.vcpus[0]));
}

TEST_F(wdt, expiry_stops_the_others_unless_asked)
{
	u64 t0 = mono();

	/* 1 expires first and stops 2; nothing else happens later. */
	EXPECT_EQ(H_SUCCESS, HC(H_WATCHDOG, OP_START | DUMP, 1, 1000));
	EXPECT_EQ(H_SUCCESS, HC(H_WATCHDOG, OP_START | POWER_OFF, 2, 5000));
	watchdog__expire(&self->t.vm, t0 + 2 * SEC);
	EXPECT_TRUE(vcpu__take_reset(self->t.vm.vcpus[0]));
	watchdog__expire(&self->t.vm, t0 + 10 * SEC);
	EXPECT_EQ(VM_EXIT_NONE, self->t.vm.exit_reason);
	/* With "leave others running", 2 still fires. */
	EXPECT_EQ(H_SUCCESS, HC(H_WATCHDOG, OP_START | DUMP | LEAVE_OTHERS, 1, 1000));
	EXPECT_EQ(H_SUCCESS, HC(H_WATCHDOG, OP_START | POWER_OFF, 2, 5000));
	t0 = mono();
	watchdog__expire(&self->t.vm, t0 + 2 * SEC);
	EXPECT_EQ(VM_EXIT_NONE, self->t.vm.exit_reason);
	watchdog__expire(&self->t.vm, t0 + 10 * SEC);
	EXPECT_EQ(VM_EXIT_WATCHDOG, self->t.vm.exit_reason);
}

TEST_HARNESS_MAIN
