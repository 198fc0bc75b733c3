/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_CONSOLE_H
#define PVM_CONSOLE_H

/*
 * The guest console, whichever device it is (the PAPR vty, virtio-console).
 * The device that is this VM's console registers its input side here, so
 * the terminal (cli/term.c) feeds it without knowing which device it is.
 * Output from every console device goes to vm->cfg.console_fd through
 * console__write(), one backpressure policy for all (docs/architecture.md
 * "Console backpressure").
 */
#include <stddef.h>

#include "pvm/types.h"

struct vm;

struct console_ops {
	/*
	 * Host input for the guest, on the main thread; never blocks. Returns
	 * how many bytes the guest could take now: the caller holds the rest
	 * (and stops reading the terminal) and offers it again later.
	 */
	size_t (*input)(void *opaque, const u8 *buf, size_t len);
};

/* The device's module init (ops NULL: no console, from its exit). */
void console__register(struct vm *vm, const struct console_ops *ops, void *opaque);
/* Host input to the registered console; 0 when there is none or it is full. */
size_t console__input(struct vm *vm, const u8 *buf, size_t len);

/*
 * Guest output to vm->cfg.console_fd, on the thread that produced it (a
 * vCPU). A console fd that does not drain holds that thread, as a serial
 * line would: nothing is lost while someone reads. Never past the VM's
 * end: the exit kick (EINTR) or the exit eventfd (for a non-blocking fd)
 * drops the rest. A closed console fd drops output.
 */
void console__write(struct vm *vm, const u8 *buf, size_t len);

#endif
