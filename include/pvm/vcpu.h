/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_VCPU_H
#define PVM_VCPU_H

#include <pthread.h>

#include "pvm/types.h"

struct vm;

enum vcpu_state {
	VCPU_STOPPED,	/* parked: never started, or after stop-self */
	VCPU_RUNNING,
};

struct vcpu {
	struct vm *vm;
	unsigned int id;	/* KVM vcpu id == XICS server number */
	enum vcpu_state state;
	bool start_pending;	/* start-cpu asked; the thread applies it */
	u64 start_pc;
	u64 start_r3;
	/* H_SIGNAL_SYS_RESET queued; the vCPU's thread delivers it (atomic). */
	bool reset_pending;
	pthread_t thread;
	pthread_cond_t cond;	/* signalled on start and on VM stop */
	void *accel;		/* accelerator-private state */
	/*
	 * Exits by kind, written only by the vCPU's thread (relaxed atomics),
	 * read for "stats": stat_exits is the sum of the four kinds.
	 */
	u64 stat_exits;
	u64 stat_hcalls;
	u64 stat_mmio;
	u64 stat_intr;		/* kicked out of the guest (KVM_EXIT_INTR) */
	u64 stat_fail;
};

/* Allocate and publish in vm->vcpus (boot vCPUs). */
struct vcpu *vcpu__new(struct vm *vm, unsigned int id);
/* Hot-add: allocate, set up with the accelerator, then publish. */
struct vcpu *vcpu__alloc(struct vm *vm, unsigned int id);
void vcpu__publish(struct vm *vm, struct vcpu *v);
void vcpu__free(struct vcpu *v);
int vcpu__start(struct vcpu *v, u64 pc, u64 r3);
void vcpu__stop_self(struct vcpu *v);
bool vcpu__wait_start(struct vcpu *v, u64 *pc, u64 *r3);
/* Queue a system-reset interrupt; false (nothing queued) if v is stopped. */
bool vcpu__queue_reset(struct vcpu *v);
/* Called by the vCPU's own thread before entering the guest. */
bool vcpu__take_reset(struct vcpu *v);

#endif
