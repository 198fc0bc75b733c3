// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU run loop and the exit dispatch, above the accelerator: it parks
 * a stopped or paused vCPU, applies start-cpu and queued system resets,
 * enters the guest through accel__vcpu_run() and sends each neutral exit
 * (pvm/exit.h) to the hcall table or the MMIO bus. Everything here runs on
 * the vCPU's own thread; the accelerator alone touches its registers.
 */
#include <errno.h>
#include <string.h>

#include "pvm/accel.h"
#include "pvm/exit.h"
#include "pvm/hcall.h"
#include "pvm/log.h"
#include "pvm/mmio.h"
#include "pvm/vm.h"

/* Only this vCPU's thread writes its counters; "stats" reads them on the main loop. */
static void count(struct vcpu *v, u64 *kind)
{
	__atomic_store_n(&v->stat_exits, v->stat_exits + 1, __ATOMIC_RELAXED);
	__atomic_store_n(kind, *kind + 1, __ATOMIC_RELAXED);
}

bool vcpu__handle_exit(struct vcpu *v, struct vcpu_exit *e)
{
	struct vm *vm = v->vm;

	switch (e->kind) {
	case VCPU_EXIT_INTR:
		count(v, &v->stat_intr);
		return true;
	case VCPU_EXIT_HCALL:
		count(v, &v->stat_hcalls);
		e->hcall.ret = hcall__dispatch(vm, v, e->hcall.nr, e->hcall.args);
		return true;
	case VCPU_EXIT_MMIO:
		count(v, &v->stat_mmio);
		/* A length beyond data[] is refused there, not trimmed here. */
		mmio__access(vm, e->mmio.addr, e->mmio.data, e->mmio.len, e->mmio.write);
		return true;
	case VCPU_EXIT_FAIL:
		count(v, &v->stat_fail);
		/* The accelerator may not have terminated a copied-in reason. */
		e->fail.reason[sizeof(e->fail.reason) - 1] = '\0';
		pr_err("vcpu %u: %s", v->id, e->fail.reason);
		break;
	default:
		count(v, &v->stat_fail);
		pr_err("vcpu %u: unknown exit kind %d", v->id, e->kind);
		break;
	}
	accel__vcpu_dump(v);
	return false;
}

/* Park until start-cpu; false when the VM exits first or the start fails. */
static bool wait_start(struct vcpu *v)
{
	u64 pc, r3;

	if (!vcpu__wait_start(v, &pc, &r3))
		return false;
	if (accel__vcpu_start(v, pc, r3)) {
		pr_err("vcpu %u: cannot set start registers", v->id);
		vm__request_exit(v->vm, VM_EXIT_FAULT);
		return false;
	}
	return true;
}

void vcpu__run(struct vcpu *v)
{
	struct vm *vm = v->vm;
	struct vcpu_exit e;
	int r;

	while (!vm__exiting(vm)) {
		if (v->state == VCPU_STOPPED && !wait_start(v))
			return;
		if (vm->paused && !vm__wait_unpaused(vm))
			return;
		if (vcpu__take_reset(v) && accel__vcpu_sreset(v)) {
			pr_err("vcpu %u: cannot deliver a system reset", v->id);
			goto fault;
		}
		memset(&e, 0, sizeof(e));
		r = accel__vcpu_run(v, &e);
		/* Kicked before entering the guest: not an exit, nothing counted. */
		if (r == -EINTR)
			continue;
		if (r || !vcpu__handle_exit(v, &e))
			goto fault;
		/* Results go back before anything else can touch the registers. */
		accel__vcpu_complete(v, &e);
	}
	return;
fault:
	vm__request_exit(vm, VM_EXIT_FAULT);
}
