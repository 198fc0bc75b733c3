/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_ACCEL_H
#define PVM_ACCEL_H

/*
 * The accelerator boundary. Everything above it (papr/, fdt/, devices/)
 * only calls these functions; vmm/kvm.c implements them with KVM ioctls on
 * a POWER host and tests/fake-accel.c implements them for host unit tests.
 */
#include "pvm/types.h"

struct vm;
struct vcpu;

enum accel_cap {
	ACCEL_CAP_AIL_MODE_3,	/* LPCR[AIL]=3 may be set for the guest */
	ACCEL_CAP_XICS,		/* in-kernel XICS is present */
};

bool accel__has_cap(struct vm *vm, enum accel_cap cap);
/* Change LPCR bits (only ILE, AIL, LD) on every vCPU, present and future. */
int accel__set_lpcr(struct vm *vm, u64 mask, u64 bits);
int accel__configure_mmu(struct vm *vm, bool radix, bool gtse, u64 process_table);
int accel__get_cpu_char(struct vm *vm, u64 *character, u64 *behaviour);
/* Create XICS source irq (masked, priority 0xff). */
int accel__irq_create(struct vm *vm, u32 irq, bool lsi);
/* Read / write a source's state (layout in pvm/xics.h). */
int accel__irq_get_state(struct vm *vm, u32 irq, u64 *state);
int accel__irq_set_state(struct vm *vm, u32 irq, u64 state);
/* KVM_IRQ_LINE: level 1 delivers an edge source, level follows for LSIs. */
int accel__irq_line(struct vm *vm, u32 irq, int level);
/* Map (size > 0) or unmap (size 0) guest memory slot `slot` (1.. for hotplug). */
int accel__memslot(struct vm *vm, u32 slot, u64 gpa, u64 size, void *hva);
/* Create, set up and park a new vCPU (CPU hot-add); its thread waits for start-cpu. */
int accel__add_vcpu(struct vm *vm, unsigned int id);
/* Make a vCPU leave KVM_RUN soon (stop-self, VM shutdown). */
void accel__kick(struct vcpu *v);
/*
 * Ask the accelerator to answer hcall nr itself (KVM_CAP_PPC_ENABLE_HCALL);
 * 0 when it will. pvm keeps its own handler as the fallback either way.
 */
int accel__enable_hcall(struct vm *vm, u64 nr);
/* Whether hcall nr is answered inside the accelerator (never reaches pvm). */
bool accel__hcall_in_kernel(struct vm *vm, u64 nr);
/* Set SPRG0 of the calling vCPU (from its own thread, inside an hcall exit). */
int accel__set_sprg0(struct vcpu *v, u64 val);
/*
 * Guest reboot in place, with no vCPU thread running: the VM's (LPCR bits,
 * process table) and one vCPU's (VPA/SLB shadow/DTL registrations,
 * interrupt presenter) accelerator state back to power-on.
 */
int accel__reset(struct vm *vm);
int accel__vcpu_reset(struct vcpu *v);

#endif
