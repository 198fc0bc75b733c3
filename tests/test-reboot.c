// SPDX-License-Identifier: GPL-2.0
/*
 * Guest reboot in place (vm__reset) and the module table it walks: every
 * module's reset in table order, teardown in reverse, the VM's and each
 * vCPU's accelerator state, interrupt sources, RAM and the exit state.
 */
#include "testvm.h"
#include "pvm/accel.h"
#include "pvm/irq.h"
#include "pvm/xics.h"

#include "kselftest_harness.h"

#define OP_START (1ULL << 8)
#define POWER_OFF 1

FIXTURE(reboot) {
	struct testvm t;
	u64 a[HCALL_NR_ARGS];
};

FIXTURE_SETUP(reboot)
{
	const struct testvm_opts o = { .nr_cpus = 2, .xics = true };

	ASSERT_EQ(0, testvm__setup(&self->t, &o));
	self->t.vm.vcpus[0]->state = VCPU_RUNNING;
	self->t.vm.vcpus[1]->state = VCPU_RUNNING;
}

FIXTURE_TEARDOWN(reboot)
{
	testvm__teardown(&self->t);
}

TEST_F(reboot, back_to_power_on)
{
	struct vm *vm = &self->t.vm;
	u32 irq = IRQ_BASE;
	u64 n, state;
	u8 byte;

	/* What a running guest leaves behind. */
	ASSERT_EQ(0, gmem__write(&vm->mem, 0x100000, "old kernel", 10));
	ASSERT_EQ(0, events__epow_shutdown(vm));
	ASSERT_EQ(1U, events__pending(vm, EVENT_EPOW));
	ASSERT_EQ(H_SUCCESS, HC(H_WATCHDOG, OP_START | POWER_OFF, 1, 60000));
	ASSERT_EQ(0, accel__irq_set_state(vm, irq, 0x5));	/* unmasked, server 5 */
	vm->vcpus[1]->start_pending = true;
	vm__request_exit(vm, VM_EXIT_REBOOT);

	ASSERT_EQ(0, vm__reset(vm));
	EXPECT_EQ(1U, fake_accel.resets);
	EXPECT_EQ(2U, fake_accel.vcpu_resets);
	EXPECT_EQ(1U, vm->nr_reboots);
	EXPECT_EQ(VM_EXIT_NONE, vm->exit_reason);
	EXPECT_FALSE(vm__exiting(vm));
	/* The exit eventfd is drained: the next event loop waits again. */
	EXPECT_EQ(-1, (int)read(vm->exit_efd, &n, sizeof(n)));
	EXPECT_EQ((int)VCPU_STOPPED, (int)vm->vcpus[0]->state);
	EXPECT_EQ((int)VCPU_STOPPED, (int)vm->vcpus[1]->state);
	EXPECT_FALSE(vm->vcpus[1]->start_pending);
	/* RAM is zero again (and known to be: no BSS to clear), events for the old kernel are gone. */
	ASSERT_EQ(0, gmem__read(&vm->mem, 0x100000, &byte, 1));
	EXPECT_EQ(0, byte);
	EXPECT_TRUE(vm->ram_zeroed);
	EXPECT_EQ(0U, events__pending(vm, EVENT_EPOW));
	/* Interrupt sources as at creation: masked, priority 0xff. */
	ASSERT_EQ(0, accel__irq_get_state(vm, irq, &state));
	EXPECT_TRUE(!!(state & XICS_STATE_MASKED));
	EXPECT_EQ((u64)XICS_STATE_PRIO_MASK, state & XICS_STATE_PRIO_MASK);
	/* The watchdog was stopped: querying shows no expiry ever comes. */
	watchdog__expire(vm, ~0ULL);
	EXPECT_EQ(VM_EXIT_NONE, vm->exit_reason);
}

TEST_F(reboot, host_stop_during_reboot_wins)
{
	vm__request_exit(&self->t.vm, VM_EXIT_REBOOT);
	vm__request_exit(&self->t.vm, VM_EXIT_SIGNAL);
	EXPECT_EQ(VM_EXIT_SIGNAL, self->t.vm.exit_reason);
}

/* A table of recording modules: the order hooks run in. */
static char trail[64];

static void note(const char *s)
{
	strncat(trail, s, sizeof(trail) - strlen(trail) - 1);
}

static int a_init(struct vm *vm) { (void)vm; note("Ia"); return 0; }
static void a_reset(struct vm *vm) { (void)vm; note("Ra"); }
static void a_exit(struct vm *vm) { (void)vm; note("Xa"); }
static int b_init(struct vm *vm) { (void)vm; note("Ib"); return 0; }
static void b_reset(struct vm *vm) { (void)vm; note("Rb"); }
static void b_exit(struct vm *vm) { (void)vm; note("Xb"); }
static int c_fail(struct vm *vm) { (void)vm; note("Ic"); return -EIO; }
static void c_exit(struct vm *vm) { (void)vm; note("Xc"); }

static const struct module mod_a = { .name = "a", .init = a_init, .reset = a_reset, .exit = a_exit };
static const struct module mod_b = { .name = "b", .init = b_init, .reset = b_reset, .exit = b_exit };
static const struct module mod_c = { .name = "c", .init = c_fail, .exit = c_exit };

TEST(module_table_order)
{
	static const struct module *const ok[] = { &mod_a, &mod_b };
	static const struct module *const bad[] = { &mod_a, &mod_b, &mod_c };
	struct vm vm = { 0 };
	int x = 7;

	trail[0] = 0;
	ASSERT_EQ(0, modules__init(&vm, ok, 2));
	vm__set_priv(&vm, &mod_b, &x);
	EXPECT_EQ(&x, vm__priv(&vm, &mod_b));
	EXPECT_EQ(NULL, vm__priv(&vm, &mod_a));
	EXPECT_EQ(NULL, vm__priv(&vm, &mod_c));
	modules__reset(&vm);
	modules__exit(&vm);
	modules__exit(&vm);	/* idempotent */
	EXPECT_STREQ("IaIbRaRbXbXa", trail);

	/* A failing init: its own exit, then the others', backwards. */
	trail[0] = 0;
	memset(&vm, 0, sizeof(vm));
	EXPECT_EQ(-EIO, modules__init(&vm, bad, 3));
	EXPECT_STREQ("IaIbIcXcXbXa", trail);
}

TEST_HARNESS_MAIN
