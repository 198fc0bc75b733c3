/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_KVM_H
#define PVM_KVM_H

/* The KVM side of pvm, used only by vmm/ (accel.h is what the rest sees). */
#include "pvm/types.h"

struct vm;
struct vcpu;

/* Returns 0 or a PVM_EXIT_* status after printing one line saying why. */
int kvm__init(struct vm *vm);
int kvm__create_vcpu(struct vm *vm, struct vcpu *v);
int kvm__start_vcpu_thread(struct vcpu *v);
void kvm__join(struct vm *vm);

#endif
