// SPDX-License-Identifier: GPL-2.0
/*
 * The core run loop (vmm/vcpu-loop.c) driven by the fake accelerator: exits
 * a test queues reach the hcall table and the MMIO bus, and what the loop
 * hands back to the accelerator is the result. Also the fake's ioeventfd
 * and irqfd records, which the virtio devices' tests will lean on.
 */
#include <errno.h>
#include <string.h>

#include "pvm/accel.h"
#include "pvm/exit.h"
#include "pvm/irq.h"
#include "pvm/mmio.h"
#include "testvm.h"

#include "kselftest_harness.h"

#define H_TEST 0xf0e0		/* free platform hcall numbers */
#define H_RESTART 0xf0e1
#define MMIO_BASE 0x200000000000ULL

static struct vcpu *last_vcpu;

/* Adds r4 + r5 into r4, leaves the rest, answers r6. */
static s64 h_test(struct hcall_ctx *c)
{
	last_vcpu = c->vcpu;
	c->args[0] += c->args[1];
	return (s64)c->args[2];
}

/* stop-self, and another vCPU's start-cpu arriving at once. */
static s64 h_restart(struct hcall_ctx *c)
{
	vcpu__stop_self(c->vcpu);
	return vcpu__start(c->vcpu, 0x8000, 0x99) ? H_HARDWARE : H_SUCCESS;
}

struct reg {
	u64 off;
	u32 len;
	u8 data[8];
	unsigned int writes;
};

static void reg_read(void *opaque, u64 off, u8 *data, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++)
		data[i] = (u8)(off + i);
	(void)opaque;
}

static void reg_write(void *opaque, u64 off, const u8 *data, u32 len)
{
	struct reg *r = opaque;

	r->writes++;
	r->off = off;
	r->len = len;
	memcpy(r->data, data, len);
}

static const struct mmio_ops reg_ops = { .read = reg_read, .write = reg_write };

FIXTURE(exit) {
	struct testvm t;
	struct vcpu *v;
};

FIXTURE_SETUP(exit)
{
	const struct testvm_opts o = { .nr_cpus = 2, .xics = true };

	ASSERT_EQ(0, testvm__setup(&self->t, &o));
	self->v = self->t.vm.vcpus[1];
	ASSERT_EQ(0, hcall__register(&self->t.vm, H_TEST, h_test));
	ASSERT_EQ(0, hcall__register(&self->t.vm, H_RESTART, h_restart));
	/* The loop parks a stopped vCPU: start it, as start-cpu would. */
	ASSERT_EQ(0, vcpu__start(self->v, 0x4000, 0x1234));
	last_vcpu = NULL;
}

FIXTURE_TEARDOWN(exit)
{
	testvm__teardown(&self->t);
}

static void queue_hcall(u64 nr, u64 a0, u64 a1, u64 a2)
{
	struct vcpu_exit e = { .kind = VCPU_EXIT_HCALL };
	unsigned int i;

	e.hcall.nr = nr;
	for (i = 0; i < HCALL_NR_ARGS; i++)
		e.hcall.args[i] = TESTVM_UNTOUCHED;
	e.hcall.args[0] = a0;
	e.hcall.args[1] = a1;
	e.hcall.args[2] = a2;
	fake_accel__queue_exit(&e);
}

static void queue_mmio(u64 addr, u32 len, bool write, u64 val)
{
	struct vcpu_exit e = { .kind = VCPU_EXIT_MMIO };

	e.mmio.addr = addr;
	e.mmio.len = len;
	e.mmio.write = write;
	memcpy(e.mmio.data, &val, sizeof(val));
	fake_accel__queue_exit(&e);
}

TEST_F(exit, start_then_hcall_reaches_its_handler_and_the_result_goes_back)
{
	unsigned int i;

	queue_hcall(H_TEST, 40, 2, 7);
	vcpu__run(self->v);

	EXPECT_EQ(1U, fake_accel.starts);
	EXPECT_EQ(0x4000ULL, fake_accel.start_pc);
	EXPECT_EQ(0x1234ULL, fake_accel.start_r3);
	EXPECT_EQ(self->v, last_vcpu);
	ASSERT_EQ(1U, fake_accel.nr_done);
	EXPECT_TRUE(fake_accel.done[0].kind == VCPU_EXIT_HCALL);
	EXPECT_EQ(7, fake_accel.done[0].hcall.ret);
	EXPECT_EQ(42ULL, fake_accel.done[0].hcall.args[0]);
	EXPECT_EQ(2ULL, fake_accel.done[0].hcall.args[1]);
	for (i = 3; i < HCALL_NR_ARGS; i++)
		EXPECT_EQ(TESTVM_UNTOUCHED, fake_accel.done[0].hcall.args[i]);
	EXPECT_EQ(1ULL, self->v->stat_exits);
	EXPECT_EQ(1ULL, self->v->stat_hcalls);
	/* The fake ran out of exits and powered off: not a fault. */
	EXPECT_EQ(VM_EXIT_POWEROFF, self->t.vm.exit_reason);
	EXPECT_EQ(0U, fake_accel.dumps);
}

TEST_F(exit, unknown_hcall_answers_h_function)
{
	queue_hcall(0x4, 1, 2, 3);
	vcpu__run(self->v);
	ASSERT_EQ(1U, fake_accel.nr_done);
	EXPECT_EQ(H_FUNCTION, fake_accel.done[0].hcall.ret);
	EXPECT_EQ(1ULL, fake_accel.done[0].hcall.args[0]);
}

TEST_F(exit, mmio_reaches_the_range_with_offset_len_and_data)
{
	struct reg r = { 0 };
	u64 got;

	ASSERT_EQ(0, mmio__register(&self->t.vm, MMIO_BASE, 0x1000, &reg_ops, &r));
	queue_mmio(MMIO_BASE + 0x10, 4, true, 0x11223344);
	queue_mmio(MMIO_BASE + 0x20, 8, false, 0);
	queue_mmio(MMIO_BASE + 0x2000, 2, false, 0);	/* unclaimed */
	queue_mmio(MMIO_BASE + 0x2000, 4, true, 0x55);	/* unclaimed: dropped */
	queue_mmio(MMIO_BASE + 0x30, 9, false, 0);	/* no such length: refused */
	vcpu__run(self->v);

	EXPECT_EQ(1U, r.writes);
	EXPECT_EQ(0x10ULL, r.off);
	EXPECT_EQ(4U, r.len);
	memcpy(&got, r.data, 8);
	EXPECT_EQ(0x11223344ULL, got & 0xffffffff);

	ASSERT_EQ(5U, fake_accel.nr_done);
	EXPECT_TRUE(fake_accel.done[1].kind == VCPU_EXIT_MMIO);
	EXPECT_FALSE(fake_accel.done[1].mmio.write);
	EXPECT_EQ(0x20, fake_accel.done[1].mmio.data[0]);
	EXPECT_EQ(0x27, fake_accel.done[1].mmio.data[7]);
	/* Unclaimed read: all-ones in the bytes read, the rest as it was. */
	EXPECT_EQ(0xff, fake_accel.done[2].mmio.data[0]);
	EXPECT_EQ(0xff, fake_accel.done[2].mmio.data[1]);
	EXPECT_EQ(0, fake_accel.done[2].mmio.data[2]);
	EXPECT_EQ(0xff, fake_accel.done[4].mmio.data[0]);
	EXPECT_EQ(0xff, fake_accel.done[4].mmio.data[7]);
	EXPECT_EQ(1U, r.writes);
	EXPECT_EQ(5ULL, self->v->stat_exits);
	EXPECT_EQ(0ULL, self->v->stat_hcalls);
	EXPECT_EQ(5ULL, self->v->stat_mmio);
	EXPECT_EQ(0ULL, self->v->stat_intr);
	EXPECT_EQ(VM_EXIT_POWEROFF, self->t.vm.exit_reason);
}

TEST_F(exit, kicks_and_interrupted_runs_just_loop)
{
	struct vcpu_exit e = { .kind = VCPU_EXIT_INTR };

	fake_accel.run_fail = -EINTR;	/* kicked before entering: not an exit */
	fake_accel__queue_exit(&e);
	queue_hcall(H_TEST, 1, 1, 0);
	vcpu__run(self->v);
	EXPECT_EQ(2U, fake_accel.nr_done);
	EXPECT_EQ(2ULL, self->v->stat_exits);
	EXPECT_EQ(1ULL, self->v->stat_intr);
	EXPECT_EQ(1ULL, self->v->stat_hcalls);
	EXPECT_EQ(VM_EXIT_POWEROFF, self->t.vm.exit_reason);
}

TEST_F(exit, a_failed_vcpu_ends_the_vm_with_a_fault)
{
	struct vcpu_exit e = { .kind = VCPU_EXIT_FAIL };

	e.fail.code = 3;
	strcpy(e.fail.reason, "test failure (reason 3)");
	fake_accel__queue_exit(&e);
	queue_hcall(H_TEST, 1, 1, 0);	/* never reached */
	vcpu__run(self->v);
	EXPECT_EQ(VM_EXIT_FAULT, self->t.vm.exit_reason);
	EXPECT_EQ(1U, fake_accel.dumps);
	EXPECT_EQ(0U, fake_accel.nr_done);
	EXPECT_EQ(NULL, last_vcpu);
	EXPECT_EQ(1ULL, self->v->stat_fail);
	EXPECT_EQ(1ULL, self->v->stat_exits);
}

TEST_F(exit, an_accelerator_error_ends_the_vm_with_a_fault)
{
	fake_accel.run_fail = -EIO;
	queue_hcall(H_TEST, 1, 1, 0);
	vcpu__run(self->v);
	EXPECT_EQ(VM_EXIT_FAULT, self->t.vm.exit_reason);
	EXPECT_EQ(0U, fake_accel.nr_done);
}

TEST_F(exit, a_queued_reset_is_delivered_before_entry)
{
	self->v->state = VCPU_RUNNING;	/* as after wait_start, so it can be queued */
	ASSERT_TRUE(vcpu__queue_reset(self->v));
	self->v->state = VCPU_STOPPED;
	queue_hcall(H_TEST, 1, 1, 0);
	vcpu__run(self->v);
	EXPECT_EQ(1U, fake_accel.sresets);
	EXPECT_EQ(1U, fake_accel.nr_done);
}

TEST_F(exit, stop_self_inside_an_hcall_then_start_cpu)
{
	queue_hcall(H_RESTART, 0, 0, 0);
	queue_hcall(H_TEST, 1, 1, 0);
	vcpu__run(self->v);
	/*
	 * The hcall's completion went to the accelerator before the new start
	 * state did, so the start registers win (KVM applies the completion at
	 * the next KVM_RUN, after them: set_start_regs in vmm/kvm-vcpu.c).
	 */
	EXPECT_EQ(2U, fake_accel.starts);
	EXPECT_EQ(1U, fake_accel.done_at_start);
	EXPECT_EQ(0x8000ULL, fake_accel.start_pc);
	EXPECT_EQ(0x99ULL, fake_accel.start_r3);
	EXPECT_EQ(2U, fake_accel.nr_done);
	EXPECT_TRUE(self->v->state == VCPU_RUNNING);
}

TEST_F(exit, an_exiting_vm_runs_nothing)
{
	vm__request_exit(&self->t.vm, VM_EXIT_SIGNAL);
	queue_hcall(H_TEST, 1, 1, 0);
	vcpu__run(self->v);
	EXPECT_EQ(0U, fake_accel.starts);
	EXPECT_EQ(0U, fake_accel.nr_done);
	EXPECT_EQ(VM_EXIT_SIGNAL, self->t.vm.exit_reason);
}

/* ---- the fake's ioeventfd and irqfd records ---- */

TEST_F(exit, ioeventfd_registrations_are_recorded)
{
	struct vm *vm = &self->t.vm;

	EXPECT_EQ(-ENOSYS, accel__ioeventfd(vm, MMIO_BASE, 0, false, 0, 5, true));
	fake_accel.ioeventfd = true;
	EXPECT_TRUE(accel__has_cap(vm, ACCEL_CAP_IOEVENTFD));
	EXPECT_EQ(0, accel__ioeventfd(vm, MMIO_BASE, 0, false, 0, 5, true));
	EXPECT_EQ(0, accel__ioeventfd(vm, MMIO_BASE + 4, 2, true, 1, 6, true));
	EXPECT_EQ(-EEXIST, accel__ioeventfd(vm, MMIO_BASE, 0, false, 0, 7, true));
	EXPECT_EQ(-EINVAL, accel__ioeventfd(vm, MMIO_BASE + 8, 0, true, 1, 7, true));
	EXPECT_EQ(-EINVAL, accel__ioeventfd(vm, MMIO_BASE + 8, 3, false, 0, 7, true));
	ASSERT_EQ(2U, fake_accel.nr_ioeventfds);
	EXPECT_EQ(MMIO_BASE, fake_accel.ioeventfds[0].addr);
	EXPECT_EQ(0U, fake_accel.ioeventfds[0].len);
	EXPECT_EQ(5, fake_accel.ioeventfds[0].fd);
	EXPECT_TRUE(fake_accel.ioeventfds[1].datamatch);
	EXPECT_EQ(1ULL, fake_accel.ioeventfds[1].data);
	EXPECT_EQ(-ENOENT, accel__ioeventfd(vm, MMIO_BASE, 0, false, 0, 6, false));
	EXPECT_EQ(0, accel__ioeventfd(vm, MMIO_BASE, 0, false, 0, 5, false));
	ASSERT_EQ(1U, fake_accel.nr_ioeventfds);
	EXPECT_EQ(6, fake_accel.ioeventfds[0].fd);
}

TEST_F(exit, irqfd_registrations_are_recorded)
{
	struct vm *vm = &self->t.vm;
	int irq = irq__alloc(vm, false);

	ASSERT_LE(IRQ_BASE, irq);
	EXPECT_EQ(-ENOSYS, accel__irqfd(vm, irq, 5, -1, true));
	fake_accel.irqfd = true;
	EXPECT_TRUE(accel__has_cap(vm, ACCEL_CAP_IRQFD));
	EXPECT_EQ(-ENOENT, accel__irqfd(vm, irq + 1, 5, -1, true));
	EXPECT_EQ(0, accel__irqfd(vm, irq, 5, -1, true));
	EXPECT_EQ(-EBUSY, accel__irqfd(vm, irq, 5, -1, true));
	ASSERT_EQ(1U, fake_accel.nr_irqfds);
	EXPECT_EQ((u32)irq, fake_accel.irqfds[0].irq);
	EXPECT_EQ(5, fake_accel.irqfds[0].fd);
	EXPECT_EQ(-1, fake_accel.irqfds[0].resample_fd);
	EXPECT_EQ(0, accel__irqfd(vm, irq, 5, -1, false));
	EXPECT_EQ(0U, fake_accel.nr_irqfds);
	/* Without an in-kernel XICS there is nothing to inject into. */
	fake_accel.xics = false;
	EXPECT_FALSE(accel__has_cap(vm, ACCEL_CAP_IRQFD));
}

TEST_HARNESS_MAIN
