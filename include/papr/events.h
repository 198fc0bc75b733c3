/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_EVENTS_H
#define PVM_EVENTS_H

/*
 * RTAS event logs (v6) delivered through check-exception, one event source
 * (XICS interrupt, /event-sources child) per class.
 */
#include "pvm/types.h"

struct vm;
struct module;

enum event_class {
	EVENT_EPOW,
	EVENT_HOTPLUG,
	EVENT_HVPIPE,		/* only with HVPIPE sources configured */
	EVENT_NR_CLASSES,
};

/* check-exception class masks (MSB-0 bit numbering) */
#define EVENT_MASK_EPOW 0x40000000u
#define EVENT_MASK_HOTPLUG 0x10000000u
#define EVENT_MASK_HVPIPE 0x04000000u

/* Events queued per class: a flood of requests gets "busy", memory stays bounded. */
#define EVENT_QUEUE_MAX 64
#define EVENT_LOG_MAX 256

extern const struct module events_module;
/*
 * Give class cls an interrupt source (EPOW and hotplug have theirs from the
 * start); on_taken, if set, runs after the guest took one of its events.
 */
int events__claim(struct vm *vm, enum event_class cls, void (*on_taken)(struct vm *vm));
/* Interrupt of a class's source, or < 0 when the VM has none. */
int events__irq(struct vm *vm, enum event_class cls);
/* Queue an orderly-shutdown EPOW event; -EBUSY when the queue is full. */
int events__epow_shutdown(struct vm *vm);
/* Queue a hotplug event (HP section: resource, action, id type, id words). */
int events__hotplug(struct vm *vm, u8 resource, u8 action, u8 id_type, u32 id0, u32 id1);
/* Queue an hvpipe event (PE section: source id, HVPIPE_EV_*); -EBUSY when full. */
int events__hvpipe(struct vm *vm, u32 source, u8 type);
/* Drop every queued event of a class (the guest turned the class off). */
void events__flush(struct vm *vm, enum event_class cls);
unsigned int events__pending(struct vm *vm, enum event_class cls);
/* Has the guest enabled the class's interrupt (i.e. can it handle these events)? */
bool events__guest_listens(struct vm *vm, enum event_class cls);

/* HP section values */
#define HP_RESOURCE_CPU 1
#define HP_RESOURCE_MEM 2
#define HP_ACTION_ADD 1
#define HP_ACTION_REMOVE 2
#define HP_ID_INDEX 2
#define HP_ID_COUNT 3
#define HP_ID_IC 4

#endif
