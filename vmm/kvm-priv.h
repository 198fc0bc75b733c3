/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_VMM_KVM_PRIV_H
#define PVM_VMM_KVM_PRIV_H

/* State shared by vmm/kvm.c (the VM) and vmm/kvm-vcpu.c (the vCPUs) only. */
#include <errno.h>
#include <signal.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "pvm/irq.h"
#include "pvm/papr.h"
#include "pvm/vm.h"

#define MSR_SF (1ULL << 63)
#define MSR_ME (1ULL << 12)
#define LPCR_USER_MASK (LPCR_ILE | LPCR_AIL | LPCR_LD)
#define KICK_SIGNAL SIGUSR1
/* KVM-HV offers 512 memory slots; the top two map the XIVE's pages. */
#define KVM_XIVE_SLOT_ESB 510
#define KVM_XIVE_SLOT_TIMA 511

struct kvm_state {
	int sys_fd;
	int vm_fd;
	int xics_fd;		/* the XICS device, or -1 */
	int xive_fd;		/* the XIVE device (exploitation mode), or -1 */
	/* XIVE: pvm's mappings of the ESB and TIMA pages the guest sees too. */
	u8 *xive_esb;
	size_t xive_esb_len;
	void *xive_tima;
	size_t xive_tima_len;
	u32 xive_nr_servers;	/* IPI LISNs 0..n-1 */
	u32 page_shift;		/* the host's: one ESB or TIMA page */
	/* XIVE: LSIs whose line is up (under vm->irq_lock), by irq - IRQ_BASE. */
	u64 xive_lsi_up[IRQ_MAX_SOURCES / 64];
	int run_size;
	bool ail3;
	bool ioeventfd;		/* KVM_CAP_IOEVENTFD */
	bool irqfd;		/* KVM_CAP_IRQFD */
	bool cpu_char_ok;
	struct kvm_ppc_cpu_char cpu_char;
	/* ILE/AIL/LD wanted on every vCPU; generation tells a vCPU to reload. */
	/*
	 * On XICS-on-XIVE hosts: each source's state as pvm last wrote it,
	 * plus PENDING for an interrupt raised while it was masked (under
	 * vm->irq_lock). NULL elsewhere. See accel__irq_get_state().
	 */
	u64 *src_shadow;
	u64 lpcr_bits;
	u64 lpcr_power_on;	/* LD when the host's decrementer is large */
	unsigned int lpcr_gen;
	/* PAPR hcalls (nr / 4) pvm asked KVM to handle in-kernel. */
	u8 enabled_hcalls[MAX_HCALL_OPCODE / 4 + 1];
};

struct kvm_vcpu_state {
	int fd;
	struct kvm_run *run;
	unsigned int lpcr_gen;
	bool thread_started;
};

static inline int check_ext(int fd, long cap)
{
	int r = ioctl(fd, KVM_CHECK_EXTENSION, cap);

	return r < 0 ? 0 : r;
}

int kvm__enable_vm_cap(struct kvm_state *ks, u32 cap, u64 a0, u64 a1);
/* KVM_SET_USER_MEMORY_REGION, any slot (size 0 removes it). */
int kvm__memslot_raw(struct kvm_state *ks, u32 slot, u64 gpa, u64 size, void *hva);
/* The interrupt controller --irqchip and the host allow (vmm/kvm-irq.c); a PVM_EXIT_* code. */
int kvm__irqchip_init(struct vm *vm);
/* XIVE exploitation mode (vmm/kvm-xive.c). */
int kvm__xive_create(struct vm *vm);
int kvm__xive_source(struct vm *vm, u32 lisn, bool lsi);
int kvm__xive_connect(struct vm *vm, struct vcpu *v, int vcpu_fd);
int kvm__xive_vcpu_reset(int vcpu_fd);

static inline struct kvm_state *KS(struct vm *vm)
{
	return vm->accel;
}

static inline struct kvm_vcpu_state *VS(struct vcpu *v)
{
	return v->accel;
}

static inline int one_reg(int fd, unsigned long req, u64 id, void *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (u64)(unsigned long)val };

	return ioctl(fd, req, &r) ? -errno : 0;
}

/* Bring v's LPCR up to the VM's ILE/AIL/LD bits (from v's own thread). */
int kvm__apply_lpcr(struct vcpu *v);

#endif
