// SPDX-License-Identifier: GPL-2.0
/*
 * pvm's private hcalls (0xf0f0..0xf0ff; 0xf078-0xf080 are hv-24x7/gpci) for
 * test payloads. H_PVM_EXIT ends the VM with r4 as pvm's exit status, so
 * bare-metal tests can report through it. It exists only with
 * pvm run --test-exit, and only for 0..63: a guest must not be able to pass
 * itself off as pvm failing to start (64..79), or choose any status at all
 * in normal use.
 *
 * H_PVM_MARK (pvm run --boot-trace only) is a boot timer for the guest, like
 * Firecracker's boot-timer device: r4 = n (0..63) prints the milestone
 * "guest mark n" with pvm's time, each n once. Without --boot-trace the guest
 * sees H_FUNCTION, as on any other hypervisor. Hcalls need the guest's
 * kernel mode: a kernel module or a bare-metal payload can mark, a Linux
 * /init cannot (the init's milestone is its first console line, vmm/boot-trace.c).
 */
#include <sys/socket.h>
#include <unistd.h>

#include "pvm/boot-trace.h"
#include "pvm/hcall.h"
#include "pvm/log.h"
#include "pvm/vm.h"
#include "pvm/module.h"

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

/*
 * Test hook (--test-exit only): the calling vCPU thread makes a system call
 * no pvm thread may make, to show the sandbox stopping pvm. Without the
 * sandbox it simply succeeds.
 */
static s64 h_pvm_sandbox_test(struct hcall_ctx *c __unused)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd >= 0)
		close(fd);
	return H_SUCCESS;
}

static s64 h_pvm_mark(struct hcall_ctx *c)
{
	if (c->args[0] > BOOT_TRACE_GUEST_MAX)
		return H_PARAMETER;
	boot_trace__guest(c->args[0]);
	return H_SUCCESS;
}

static int pvm__init(struct vm *vm)
{
	int ret;

	if (vm->cfg.boot_trace) {
		ret = hcall__register(vm, H_PVM_MARK, h_pvm_mark);
		if (ret)
			return ret;
	}
	if (!vm->cfg.test_exit)
		return 0;
	ret = hcall__register(vm, H_PVM_EXIT, h_pvm_exit);
	return ret ? ret : hcall__register(vm, H_PVM_SANDBOX_TEST, h_pvm_sandbox_test);
}

const struct module pvm_module = {
	.name = "pvm",
	.init = pvm__init,
};
