// SPDX-License-Identifier: GPL-2.0
/*
 * Guest reboot in place, KVM's part: state that KVM keeps for the VM and for
 * each vCPU and that a new kernel must not inherit — as QEMU's pseries reset
 * puts it back. Called from the main thread after the vCPU threads were
 * joined, so it may use their fds.
 */
#include <pthread.h>
#include <string.h>

#include "pvm/accel.h"
#include "pvm/log.h"
#include "kvm-priv.h"

#define PATB_GR (1ULL << 63)	/* partition table entry: guest radix */

int accel__reset(struct vm *vm)
{
	struct kvm_state *ks = KS(vm);

	/* ILE/AIL/LD as at power-on; every vCPU reloads its LPCR before running. */
	pthread_mutex_lock(&vm->lock);
	ks->lpcr_bits = ks->lpcr_power_on;
	__atomic_add_fetch(&ks->lpcr_gen, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&vm->lock);
	/*
	 * XIVE: every source masked, every event queue gone, as at power-on
	 * (H_INT_RESET's reset); irq__reset() then creates pvm's sources again.
	 */
	if (ks->xive_fd >= 0) {
		int r = accel__xive_reset(vm);

		if (r)
			return r;
	}
	/*
	 * No process table until the new kernel registers one (H_REGISTER_PROC_TBL):
	 * only the guest-radix bit, which KVM wants to match the radix flag.
	 */
	return accel__configure_mmu(vm, true, true, PATB_GR);
}

int accel__vcpu_reset(struct vcpu *v)
{
	struct kvm_vcpu_state *vs = VS(v);
	/* addr, length: 0 deregisters */
	u64 none[2] = { 0, 0 }, zero = 0;
	u64 icp = (0xffULL << KVM_REG_PPC_ICP_MFRR_SHIFT) | (0xffULL << KVM_REG_PPC_ICP_PPRI_SHIFT);
	struct kvm_regs regs = { .msr = MSR_SF | MSR_ME };
	int r;

	/*
	 * The old kernel's VPA, SLB shadow and dispatch trace log: KVM would go
	 * on writing dispatch counts into what is now the new kernel's memory.
	 * The VPA goes last, KVM refuses it while the other two are there.
	 */
	r = one_reg(vs->fd, KVM_SET_ONE_REG, KVM_REG_PPC_VPA_DTL, none);
	if (!r)
		r = one_reg(vs->fd, KVM_SET_ONE_REG, KVM_REG_PPC_VPA_SLB, none);
	if (!r)
		r = one_reg(vs->fd, KVM_SET_ONE_REG, KVM_REG_PPC_VPA_ADDR, &zero);
	/* Presenter: CPPR 0 (everything masked), no IPI, nothing pending. */
	if (!r && KS(v->vm)->xics_fd >= 0)
		r = one_reg(vs->fd, KVM_SET_ONE_REG, KVM_REG_PPC_ICP_STATE, &icp);
	else if (!r && KS(v->vm)->xive_fd >= 0)
		r = kvm__xive_vcpu_reset(vs->fd);
	if (!r && ioctl(vs->fd, KVM_SET_REGS, &regs))
		r = -errno;
	if (r)
		pr_err("vcpu %u: reset for the guest's reboot: %s", v->id, strerror(-r));
	return r;
}
