/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_EXIT_H
#define PVM_EXIT_H

/*
 * Why a vCPU left the guest, in the accelerator's neutral terms: the
 * accelerator fills one in (accel__vcpu_run), the core dispatches it
 * (vmm/vcpu-loop.c) and hands it back with the results filled in
 * (accel__vcpu_complete), which the accelerator writes into the vCPU.
 */
#include "pvm/hcall.h"
#include "pvm/types.h"

struct vcpu;

enum vcpu_exit_kind {
	VCPU_EXIT_INTR,		/* kicked out (signal): nothing to do but re-check state */
	VCPU_EXIT_HCALL,	/* sc 1 the accelerator does not answer itself */
	VCPU_EXIT_MMIO,		/* a load or store to an address with no RAM */
	VCPU_EXIT_FAIL,		/* the vCPU cannot go on: the VM ends (status 3) */
};

#define VCPU_EXIT_MMIO_MAX 8
#define VCPU_EXIT_REASON_LEN 96

struct vcpu_exit {
	enum vcpu_exit_kind kind;
	union {
		/* In: nr = r3, args[i] = r(4+i). Out: ret -> r3, args -> r4..r12. */
		struct {
			u64 nr;
			u64 args[HCALL_NR_ARGS];
			s64 ret;
		} hcall;
		/*
		 * data is the access's byte image on the bus (as in guest memory),
		 * not a register value: in for a write, out for a read.
		 */
		struct {
			u64 addr;
			u32 len;	/* 1..VCPU_EXIT_MMIO_MAX */
			bool write;
			u8 data[VCPU_EXIT_MMIO_MAX];
		} mmio;
		/* What the accelerator saw, in words, and its own code for it. */
		struct {
			u64 code;
			char reason[VCPU_EXIT_REASON_LEN];
		} fail;
	};
};

/*
 * The vCPU's own thread, once it may enter the guest: park while stopped or
 * paused, run, dispatch, until the VM exits or this vCPU fails (which ends
 * the VM with VM_EXIT_FAULT).
 */
void vcpu__run(struct vcpu *v);
/* Dispatch one exit, filling in its results; false when the VM must end. */
bool vcpu__handle_exit(struct vcpu *v, struct vcpu_exit *e);

#endif
