// SPDX-License-Identifier: GPL-2.0
/*
 * Guest reboot in place: the machine goes back to its power-on state inside
 * the same pvm process, so the control socket, the console and the host-side
 * queues (HVPIPE, NVRAM) outlive the guest's reboot. The vCPU threads have
 * been joined: nothing runs guest code while this changes their state.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pvm/accel.h"
#include "pvm/irq.h"
#include "pvm/log.h"
#include "pvm/module.h"
#include "pvm/vm.h"

static void reset_vcpu_state(struct vcpu *v)
{
	v->state = VCPU_STOPPED;
	v->start_pending = false;
	__atomic_store_n(&v->reset_pending, false, __ATOMIC_RELAXED);
}

int vm__reset(struct vm *vm)
{
	void *ram = gmem__ptr(&vm->mem, 0, vm->cfg.ram_size);
	unsigned int i;
	u64 n;
	int ret;

	/* Hot-plugged resources go first (the DRC module's policy), then the rest. */
	modules__reset(vm);
	ret = accel__reset(vm);
	if (!ret)
		ret = irq__reset(vm);
	for (i = 0; !ret && i < vm__nr_vcpus(vm); i++) {
		reset_vcpu_state(vm->vcpus[i]);
		ret = accel__vcpu_reset(vm->vcpus[i]);
	}
	if (ret) {
		pr_err("cannot reset the VM for the guest's reboot: %s", strerror(-ret));
		return ret;
	}
	/*
	 * Zero pages, as at power-on, and their host memory back: the new
	 * kernel finds nothing of the old one and pvm's RSS does not grow from
	 * one boot to the next.
	 */
	if (ram && madvise(ram, vm->cfg.ram_size, MADV_DONTNEED))
		memset(ram, 0, vm->cfg.ram_size);
	vm->ram_zeroed = ram != NULL;

	pthread_mutex_lock(&vm->lock);
	vm->exit_reason = VM_EXIT_NONE;
	vm->guest_status = 0;
	vm->paused = false;
	vm->nr_reboots++;
	pthread_mutex_unlock(&vm->lock);
	/* The exit eventfd is read again only at the next exit. */
	while (read(vm->exit_efd, &n, sizeof(n)) == sizeof(n))
		;
	return 0;
}
