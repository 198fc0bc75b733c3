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
/* What a host's KVM offers pvm (pvm check). */
struct kvm_probe {
	int open_errno;		/* 0: /dev/kvm opened read-write */
	int create_errno;	/* 0: a KVM-HV VM was created */
	bool papr, radix, xics, xive, nested_hv, ail3, hwrng, ioeventfd, irqfd;
	unsigned int smt_modes;	/* bit n: n threads per core possible (1 << 1 = 1) */
	int max_vcpus;
};

/* Fill p by opening /dev/kvm and creating (then dropping) a KVM-HV VM. */
void kvm__probe(struct kvm_probe *p);
/* What to do about errno err from opening /dev/kvm (one line, no period). */
const char *kvm__open_hint(int err);

#endif
