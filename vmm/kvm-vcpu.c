// SPDX-License-Identifier: GPL-2.0
/*
 * KVM-HV vCPUs: creation, KVM_RUN and kvm_run turned into neutral exits and
 * back (the loop and the dispatch are vmm/vcpu-loop.c's), and what only the
 * vCPU's own thread may do to its registers (start state, LPCR bits, SPRG0,
 * system resets). Other threads only mark work and kick.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "pvm/accel.h"
#include "pvm/boot-trace.h"
#include "pvm/exit.h"
#include "pvm/kvm.h"
#include "pvm/log.h"
#include "pvm/sandbox.h"
#include "pvm/vm.h"
#include "kvm-priv.h"

int kvm__apply_lpcr(struct vcpu *v)
{
	struct kvm_state *ks = KS(v->vm);
	struct kvm_vcpu_state *vs = VS(v);
	u64 lpcr;
	int r;

	/*
	 * Before every KVM_RUN: without the lock while nothing changed (only
	 * this thread writes vs->lpcr_gen; a change that races with this read
	 * is applied at the next entry, as if it had come just after it).
	 */
	if (vs->lpcr_gen == __atomic_load_n(&ks->lpcr_gen, __ATOMIC_ACQUIRE))
		return 0;
	pthread_mutex_lock(&v->vm->lock);
	if (vs->lpcr_gen == ks->lpcr_gen) {
		pthread_mutex_unlock(&v->vm->lock);
		return 0;
	}
	vs->lpcr_gen = ks->lpcr_gen;
	r = one_reg(vs->fd, KVM_GET_ONE_REG, KVM_REG_PPC_LPCR_64, &lpcr);
	if (!r) {
		lpcr = (lpcr & ~LPCR_USER_MASK) | ks->lpcr_bits;
		r = one_reg(vs->fd, KVM_SET_ONE_REG, KVM_REG_PPC_LPCR_64, &lpcr);
	}
	pthread_mutex_unlock(&v->vm->lock);
	if (r)
		pr_err("vcpu %u: setting LPCR failed: %s", v->id, strerror(-r));
	return r;
}

/*
 * The boot vCPU, before the device tree is built: KVM keeps LPCR[LD] only
 * where the hardware has it (POWER9 on, book3s_hv.c kvmppc_set_lpcr()), so
 * read it back; without it the guest is told nothing and keeps 32 bits.
 */
static int probe_large_decr(struct vm *vm, struct kvm_vcpu_state *vs)
{
	struct kvm_state *ks = KS(vm);
	u64 lpcr;

	if (!(ks->lpcr_bits & LPCR_LD))
		return 0;
	if (!one_reg(vs->fd, KVM_GET_ONE_REG, KVM_REG_PPC_LPCR_64, &lpcr) && (lpcr & LPCR_LD))
		return 0;
	pr_info("KVM did not keep LPCR[LD]: the guest gets a 32-bit decrementer");
	vm->dec_bits = 0;
	ks->lpcr_power_on = 0;
	return accel__set_lpcr(vm, LPCR_LD, 0);
}

/*
 * CPU hot-add: the vCPU is published only once KVM has it, so threads that
 * walk vm->vcpus (RTAS on vCPU threads, kicks at exit) never see a half-made
 * one; its thread starts parked, waiting for start-cpu.
 */
int accel__add_vcpu(struct vm *vm, unsigned int id)
{
	struct vcpu *v = vcpu__alloc(vm, id);
	int ret;

	if (!v)
		return -ENOSPC;
	ret = kvm__create_vcpu(vm, v);
	if (ret) {
		vcpu__free(v);
		return ret;
	}
	vcpu__publish(vm, v);
	return kvm__start_vcpu_thread(v);
}

/*
 * The vCPU sits in an hcall exit: KVM_SET_REGS changes SPRG0 and rewrites
 * the other registers as they are; the hcall's r3..r12 still come from
 * kvm_run at the next KVM_RUN.
 */
int accel__set_sprg0(struct vcpu *v, u64 val)
{
	struct kvm_regs regs;

	if (ioctl(VS(v)->fd, KVM_GET_REGS, &regs))
		return -errno;
	regs.sprg0 = val;
	return ioctl(VS(v)->fd, KVM_SET_REGS, &regs) ? -errno : 0;
}

void accel__kick(struct vcpu *v)
{
	struct kvm_vcpu_state *vs = VS(v);

	if (!vs || !vs->run)
		return;
	/* immediate_exit covers the window before the thread enters KVM_RUN. */
	vs->run->immediate_exit = 1;
	if (vs->thread_started && !pthread_equal(v->thread, pthread_self()))
		pthread_kill(v->thread, KICK_SIGNAL);
}

/* Undo a kvm__create_vcpu() that failed part-way (KVM keeps the vCPU id). */
static void release_vcpu(struct vcpu *v)
{
	struct kvm_vcpu_state *vs = VS(v);

	if (!vs)
		return;
	if (vs->run)
		munmap(vs->run, KS(v->vm)->run_size);
	if (vs->fd >= 0)
		close(vs->fd);
	free(vs);
	v->accel = NULL;
}

static int setup_vcpu(struct vm *vm, struct vcpu *v, struct kvm_vcpu_state *vs)
{
	struct kvm_state *ks = KS(vm);
	struct kvm_enable_cap papr = { .cap = KVM_CAP_PPC_PAPR };
	u32 compat = vm->logical_pvr;
	int r;

	vs->fd = ioctl(ks->vm_fd, KVM_CREATE_VCPU, v->id);
	if (vs->fd < 0) {
		pr_err("KVM_CREATE_VCPU %u: %s", v->id, strerror(errno));
		return -errno;
	}
	vs->run = mmap(NULL, ks->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vs->fd, 0);
	if (vs->run == MAP_FAILED) {
		vs->run = NULL;
		return -errno;
	}
	/* Without PAPR mode KVM_RUN fails with EINVAL. */
	if (ioctl(vs->fd, KVM_ENABLE_CAP, &papr)) {
		pr_err("vcpu %u: KVM_CAP_PPC_PAPR: %s", v->id, strerror(errno));
		return -errno;
	}
	/* Test hook: fail with the fd and kvm_run mapping made, as KVM may. */
	if (vm->cfg.test_fail_vcpu == v->id + 1) {
		pr_err("vcpu %u: set-up fails on purpose (--test-fail-vcpu)", v->id);
		return -EIO;
	}
	if (ks->xive_fd >= 0) {
		r = kvm__xive_connect(vm, v, vs->fd);
		if (r)
			return r;
	} else if (ks->xics_fd >= 0) {
		struct kvm_enable_cap xc = {
			.cap = KVM_CAP_IRQ_XICS,
			.args = { (u64)ks->xics_fd, v->id },
		};

		if (ioctl(vs->fd, KVM_ENABLE_CAP, &xc)) {
			pr_err("vcpu %u: connecting to XICS: %s", v->id, strerror(errno));
			return -errno;
		}
	}
	if (compat && one_reg(vs->fd, KVM_SET_ONE_REG, KVM_REG_PPC_ARCH_COMPAT, &compat)) {
		pr_warn("vcpu %u: ARCH_COMPAT 0x%x refused; running at host level",
			v->id, compat);
		vm->logical_pvr = 0;
	}
	/* A new vcore gets the VM's LPCR, which never has ILE/AIL: copy ours. */
	vs->lpcr_gen = ks->lpcr_gen - 1;
	r = kvm__apply_lpcr(v);
	if (r || v->id)
		return r;
	return probe_large_decr(vm, vs);
}

int kvm__create_vcpu(struct vm *vm, struct vcpu *v)
{
	struct kvm_vcpu_state *vs = calloc(1, sizeof(*vs));
	int ret;

	if (!vs)
		return -ENOMEM;
	vs->fd = -1;
	v->accel = vs;
	ret = setup_vcpu(vm, v, vs);
	if (ret)
		release_vcpu(v);
	return ret;
}

static int set_start_regs(struct vcpu *v, u64 pc, u64 r3)
{
	struct kvm_vcpu_state *vs = VS(v);
	struct kvm_regs regs;

	if (ioctl(vs->fd, KVM_GET_REGS, &regs))
		return -errno;
	memset(regs.gpr, 0, sizeof(regs.gpr));
	regs.pc = pc;
	regs.msr = MSR_SF | MSR_ME;
	regs.gpr[3] = r3;
	if (ioctl(vs->fd, KVM_SET_REGS, &regs))
		return -errno;
	/*
	 * A vCPU that stopped itself inside an hcall (stop-self) still has that
	 * hcall's completion pending: KVM writes papr_hcall.ret/args into r3..r12
	 * at the next KVM_RUN, after our SET_REGS. Make it write what we want.
	 */
	if (vs->run->exit_reason == KVM_EXIT_PAPR_HCALL) {
		vs->run->papr_hcall.ret = r3;
		memset(vs->run->papr_hcall.args, 0, sizeof(vs->run->papr_hcall.args));
	}
	return 0;
}

/*
 * A system-reset interrupt (H_SIGNAL_SYS_RESET), delivered as the hardware
 * does for a guest without FWNMI (pvm does not offer ibm,nmi-register):
 * SRR0 = where the vCPU was, SRR1 = its MSR less the interrupt-cause bits,
 * then real mode at 0x100 with SF, ME kept and LE from LPCR[ILE]. An hcall
 * completion still pending lands in r3..r12 first, as if the interrupt came
 * right after the sc.
 */
#define MSR_LE 1ULL
#define SRR1_CAUSE_BITS 0x783f0000ULL
#define SRESET_VECTOR 0x100

static int deliver_sreset(struct vcpu *v)
{
	struct kvm_regs regs;
	bool ile;

	if (ioctl(VS(v)->fd, KVM_GET_REGS, &regs))
		return -errno;
	pthread_mutex_lock(&v->vm->lock);
	ile = KS(v->vm)->lpcr_bits & LPCR_ILE;
	pthread_mutex_unlock(&v->vm->lock);
	pr_debug("vcpu %u: system reset at pc 0x%llx msr 0x%llx", v->id,
		 (unsigned long long)regs.pc, (unsigned long long)regs.msr);
	regs.srr0 = regs.pc;
	regs.srr1 = regs.msr & ~SRR1_CAUSE_BITS;
	regs.msr = MSR_SF | (regs.msr & MSR_ME) | (ile ? MSR_LE : 0);
	regs.pc = SRESET_VECTOR;
	return ioctl(VS(v)->fd, KVM_SET_REGS, &regs) ? -errno : 0;
}

void accel__vcpu_dump(struct vcpu *v)
{
	struct kvm_regs regs;

	if (ioctl(VS(v)->fd, KVM_GET_REGS, &regs))
		return;
	pr_err("vcpu %u: pc=0x%llx msr=0x%llx lr=0x%llx r1=0x%llx r3=0x%llx",
	       v->id, (unsigned long long)regs.pc, (unsigned long long)regs.msr,
	       (unsigned long long)regs.lr, (unsigned long long)regs.gpr[1],
	       (unsigned long long)regs.gpr[3]);
}

int accel__vcpu_start(struct vcpu *v, u64 pc, u64 r3)
{
	return set_start_regs(v, pc, r3);
}

int accel__vcpu_sreset(struct vcpu *v)
{
	return deliver_sreset(v);
}

static void __attribute__((format(printf, 3, 4)))
exit_fail(struct vcpu_exit *e, u64 code, const char *fmt, ...)
{
	va_list ap;

	e->kind = VCPU_EXIT_FAIL;
	e->fail.code = code;
	va_start(ap, fmt);
	vsnprintf(e->fail.reason, sizeof(e->fail.reason), fmt, ap);
	va_end(ap);
}

_Static_assert(sizeof(((struct kvm_run *)0)->papr_hcall.args) ==
	       sizeof(((struct vcpu_exit *)0)->hcall.args), "hcall argument count");
_Static_assert(sizeof(((struct kvm_run *)0)->mmio.data) == VCPU_EXIT_MMIO_MAX,
	       "MMIO data size");

/* KVM_RUN once, and what kvm_run says about the exit in neutral terms. */
int accel__vcpu_run(struct vcpu *v, struct vcpu_exit *e)
{
	struct kvm_vcpu_state *vs = VS(v);
	struct kvm_run *run = vs->run;

	if (kvm__apply_lpcr(v))
		return -EIO;
	if (v->id == 0)
		boot_trace__mark_once("first KVM_RUN (boot vCPU)");
	if (ioctl(vs->fd, KVM_RUN, 0) < 0) {
		int err = errno;

		if (err == EINTR || err == EAGAIN) {
			run->immediate_exit = 0;
			return -EINTR;
		}
		exit_fail(e, err, "KVM_RUN failed: %s", strerror(err));
		return 0;
	}
	switch (run->exit_reason) {
	case KVM_EXIT_PAPR_HCALL:
		e->kind = VCPU_EXIT_HCALL;
		e->hcall.nr = run->papr_hcall.nr;
		memcpy(e->hcall.args, run->papr_hcall.args, sizeof(e->hcall.args));
		break;
	case KVM_EXIT_MMIO:
		e->kind = VCPU_EXIT_MMIO;
		e->mmio.addr = run->mmio.phys_addr;
		e->mmio.len = run->mmio.len;
		e->mmio.write = run->mmio.is_write;
		memcpy(e->mmio.data, run->mmio.data, sizeof(e->mmio.data));
		break;
	case KVM_EXIT_INTR:
		e->kind = VCPU_EXIT_INTR;
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		exit_fail(e, run->internal.suberror, "KVM internal error (suberror %u)",
			  run->internal.suberror);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		exit_fail(e, run->fail_entry.hardware_entry_failure_reason,
			  "KVM failed to enter the guest (reason 0x%llx)",
			  (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		break;
	default:
		exit_fail(e, run->exit_reason, "unexpected KVM exit %u", run->exit_reason);
		break;
	}
	return 0;
}

/*
 * The next KVM_RUN copies papr_hcall.ret/args to r3..r12 and mmio.data into
 * the load's target register.
 */
void accel__vcpu_complete(struct vcpu *v, const struct vcpu_exit *e)
{
	struct kvm_run *run = VS(v)->run;

	if (e->kind == VCPU_EXIT_HCALL) {
		run->papr_hcall.ret = e->hcall.ret;
		memcpy(run->papr_hcall.args, e->hcall.args, sizeof(run->papr_hcall.args));
	} else if (e->kind == VCPU_EXIT_MMIO && !e->mmio.write) {
		memcpy(run->mmio.data, e->mmio.data, sizeof(run->mmio.data));
	}
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	sigset_t set;
	char name[16];

	snprintf(name, sizeof(name), "vcpu%u", v->id);
	pthread_setname_np(pthread_self(), name);
	/* After naming the thread (that writes /proc): from here on, the filter. */
	if (sandbox__enter(SANDBOX_VCPU)) {
		vm__request_exit(v->vm, VM_EXIT_FAULT);
		return NULL;
	}
	sigemptyset(&set);
	sigaddset(&set, KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	vcpu__run(v);
	return NULL;
}

int kvm__start_vcpu_thread(struct vcpu *v)
{
	int r = pthread_create(&v->thread, NULL, vcpu_thread, v);

	if (r)
		return -r;
	VS(v)->thread_started = true;
	return 0;
}

void kvm__join(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm__nr_vcpus(vm); i++) {
		struct kvm_vcpu_state *vs = VS(vm->vcpus[i]);

		/* Not twice: a reboot in place joins, then starts new threads. */
		if (vs->thread_started)
			pthread_join(vm->vcpus[i]->thread, NULL);
		vs->thread_started = false;
	}
}
