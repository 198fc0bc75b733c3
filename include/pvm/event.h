/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_EVENT_H
#define PVM_EVENT_H

/*
 * pvm's main-thread event loop (epoll): console input, signals, the control
 * socket and its clients. vCPU threads never block on it.
 */
#include "pvm/types.h"

struct vm;

typedef void (*event_fn)(struct vm *vm, int fd, u32 events, void *data);

int event__init(struct vm *vm);
int event__add(struct vm *vm, int fd, u32 events, event_fn fn, void *data);
int event__mod(struct vm *vm, int fd, u32 events);
void event__del(struct vm *vm, int fd);
/* Runs until the VM exits. poll_ms, if set, says how soon to call it again. */
void event__loop(struct vm *vm, int (*poll_ms)(struct vm *vm));

#endif
