// SPDX-License-Identifier: GPL-2.0
/*
 * pvm's private hcalls (0xf0f0..0xf0ff; 0xf078-0xf080 are hv-24x7/gpci) for test payloads. H_PVM_EXIT ends the
 * VM with r4 & 0xff as pvm's exit status: bare-metal tests report through it.
 */
#include "pvm/hcall.h"
#include "pvm/log.h"
#include "pvm/vm.h"


static s64 h_pvm_exit(struct hcall_ctx *c)
{
	pthread_mutex_lock(&c->vm->lock);
	if (c->vm->exit_reason == VM_EXIT_NONE)
		c->vm->guest_status = c->args[0] & 0xff;
	pthread_mutex_unlock(&c->vm->lock);
	vm__request_exit(c->vm, VM_EXIT_GUEST);
	return H_SUCCESS;
}

int papr_pvm__init(struct vm *vm)
{
	return hcall__register(vm, H_PVM_EXIT, h_pvm_exit);
}
