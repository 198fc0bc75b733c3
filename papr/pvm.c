// SPDX-License-Identifier: GPL-2.0
/*
 * pvm's private hcalls (0xf0f0..0xf0ff; 0xf078-0xf080 are hv-24x7/gpci) for
 * test payloads. H_PVM_EXIT ends the VM with r4 as pvm's exit status, so
 * bare-metal tests can report through it. It exists only with
 * pvm run --test-exit, and only for 0..63: a guest must not be able to pass
 * itself off as pvm failing to start (64..79), or choose any status at all
 * in normal use.
 */
#include "pvm/hcall.h"
#include "pvm/log.h"
#include "pvm/vm.h"

#define PVM_EXIT_GUEST_MAX 63

static s64 h_pvm_exit(struct hcall_ctx *c)
{
	if (c->args[0] > PVM_EXIT_GUEST_MAX)
		return H_PARAMETER;
	pthread_mutex_lock(&c->vm->lock);
	if (c->vm->exit_reason == VM_EXIT_NONE)
		c->vm->guest_status = c->args[0];
	pthread_mutex_unlock(&c->vm->lock);
	vm__request_exit(c->vm, VM_EXIT_GUEST);
	return H_SUCCESS;
}

int papr_pvm__init(struct vm *vm)
{
	return vm->cfg.test_exit ? hcall__register(vm, H_PVM_EXIT, h_pvm_exit) : 0;
}
