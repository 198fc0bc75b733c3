/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_SANDBOX_H
#define PVM_SANDBOX_H

/* The per-thread seccomp sandbox (vmm/sandbox.c, docs/security.md). */

enum sandbox_kind {
	SANDBOX_VCPU,	/* vCPU threads */
	SANDBOX_MAIN,	/* the main thread (event loop, control socket) */
	SANDBOX_IO,	/* a device's I/O thread (virtio-blk): its calls come from the device */
	SANDBOX_KINDS,
};

/* Turn the sandbox on (names, SIGSYS handler); before any thread loads a filter. */
int sandbox__prepare(void);
/* pvm run --no-sandbox: sandbox__enter() then does nothing. */
void sandbox__disable(void);
/* Load the calling thread's filter for its kind. */
int sandbox__enter(enum sandbox_kind kind);
/*
 * A feature's extra system call for a thread kind (by name, e.g. "openat"),
 * added while the VM is set up, before sandbox__prepare() (-EBUSY after).
 */
int sandbox__allow_syscall(enum sandbox_kind kind, const char *name);

/* A feature's extra ioctl request for a thread kind, under the same rule. */
int sandbox__allow_ioctl(enum sandbox_kind kind, unsigned long request);

#endif
