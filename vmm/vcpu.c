// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU run state shared by RTAS (start-cpu, stop-self, query-cpu-stopped-
 * state) and the vCPU threads. A stopped vCPU's thread sleeps on v->cond; it
 * applies a start request itself, so no other thread touches its registers.
 */
#include <errno.h>
#include <stdlib.h>

#include "pvm/vcpu.h"
#include "pvm/vm.h"

struct vcpu *vcpu__alloc(struct vm *vm, unsigned int id)
{
	struct vcpu *v;

	if (vm__nr_vcpus(vm) >= PVM_MAX_VCPUS)
		return NULL;
	v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->vm = vm;
	v->id = id;
	v->state = VCPU_STOPPED;
	pthread_cond_init(&v->cond, NULL);
	return v;
}

/*
 * Other threads walk vm->vcpus without the lock (RTAS on vCPU threads, kicks
 * at exit): the entry is written first, the count published after it, so a
 * reader that sees the count sees a complete vCPU.
 */
void vcpu__publish(struct vm *vm, struct vcpu *v)
{
	pthread_mutex_lock(&vm->lock);
	vm->vcpus[vm->nr_vcpus] = v;
	__atomic_store_n(&vm->nr_vcpus, vm->nr_vcpus + 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&vm->lock);
}

struct vcpu *vcpu__new(struct vm *vm, unsigned int id)
{
	struct vcpu *v = vcpu__alloc(vm, id);

	if (v)
		vcpu__publish(vm, v);
	return v;
}

void vcpu__free(struct vcpu *v)
{
	if (!v)
		return;
	pthread_cond_destroy(&v->cond);
	free(v);
}

int vcpu__start(struct vcpu *v, u64 pc, u64 r3)
{
	int ret = 0;

	pthread_mutex_lock(&v->vm->lock);
	if (v->state != VCPU_STOPPED || v->start_pending) {
		ret = -EBUSY;
	} else {
		v->start_pending = true;
		v->start_pc = pc;
		v->start_r3 = r3;
		pthread_cond_broadcast(&v->cond);
	}
	pthread_mutex_unlock(&v->vm->lock);
	return ret;
}

void vcpu__stop_self(struct vcpu *v)
{
	pthread_mutex_lock(&v->vm->lock);
	v->state = VCPU_STOPPED;
	/* A stopped processor runs no OS code to interrupt. */
	__atomic_store_n(&v->reset_pending, false, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&v->vm->lock);
}

bool vcpu__queue_reset(struct vcpu *v)
{
	bool queued;

	pthread_mutex_lock(&v->vm->lock);
	queued = v->state == VCPU_RUNNING;
	if (queued)
		__atomic_store_n(&v->reset_pending, true, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&v->vm->lock);
	return queued;
}

/* Lock-free: the vCPU loop asks on every entry into the guest. */
bool vcpu__take_reset(struct vcpu *v)
{
	return __atomic_load_n(&v->reset_pending, __ATOMIC_RELAXED) &&
	       __atomic_exchange_n(&v->reset_pending, false, __ATOMIC_ACQ_REL);
}

/* Called by the vCPU's own thread while stopped; false when the VM exits. */
bool vcpu__wait_start(struct vcpu *v, u64 *pc, u64 *r3)
{
	struct vm *vm = v->vm;
	bool started = false;

	pthread_mutex_lock(&vm->lock);
	while (!v->start_pending && vm->exit_reason == VM_EXIT_NONE)
		pthread_cond_wait(&v->cond, &vm->lock);
	if (v->start_pending && vm->exit_reason == VM_EXIT_NONE) {
		v->start_pending = false;
		v->state = VCPU_RUNNING;
		*pc = v->start_pc;
		*r3 = v->start_r3;
		started = true;
	}
	pthread_mutex_unlock(&vm->lock);
	return started;
}
