/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_HVPIPE_H
#define PVM_HVPIPE_H

/*
 * HVPIPE: the hypervisor pipe between the guest and HMC-like sources that
 * live on the host (docs/hvpipe.md). pvm is the hypervisor: it keeps, per
 * source, a bounded inbox (guest -> host) and outbox (host -> guest) and
 * announces one outbox payload at a time to the guest with an event.
 */
#include <stddef.h>

#include "pvm/types.h"
#include "pvm/vm.h"

struct vm;
struct module;

#define HVPIPE_MAX_PAYLOAD 4048		/* bytes per message, both directions */
#define HVPIPE_MAX_SOURCES PVM_MAX_HVPIPE_SOURCES
#define HVPIPE_QUEUE_MAX 64		/* messages per direction per source */
#define HVPIPE_SRC_HMC 0x02000000u	/* source type byte 0x02, reserved byte 0 */

/* Next payload announced this long after a receive (papr/hvpipe.c says why). */
#define HVPIPE_ANNOUNCE_DELAY_MS 5
/* An unreceived payload is announced again after 200 ms, 400 ms, ... 3.2 s. */
#define HVPIPE_RENOTIFY_MIN_MS 200
#define HVPIPE_RENOTIFY_MAX_MS 3200
/* A full inbox answers "busy, retry" this long, then "hardware error". */
#define HVPIPE_FULL_WAIT_MS 1000

/* Guest-visible RTAS status of ibm,send-hvpipe-msg / ibm,receive-hvpipe-msg. */
#define HVPIPE_RTAS_CLOSED (-4)

/* PE section event types */
#define HVPIPE_EV_PAYLOAD 0x01
#define HVPIPE_EV_CLOSED 0x02

/* A source id in the HMC form 0x0200xxxx. */
static inline bool hvpipe__valid_id(u32 id)
{
	return (id & 0xffff0000u) == HVPIPE_SRC_HMC;
}

/* Parse "0x0200xxxx" (or decimal); -EINVAL unless it is an HMC-form id. */
int hvpipe__parse_id(const char *s, u32 *id);

/*
 * Validate a guest buffer list at gpa: BE64 total length including itself,
 * then {BE64 address, BE64 length} pairs. Gathers the payload into out
 * (HVPIPE_MAX_PAYLOAD bytes) and returns its length, or -EINVAL for any
 * malformed list, buffer outside guest RAM or payload of 0 or > 4048 bytes.
 */
int hvpipe__gather(struct vm *vm, u64 gpa, u8 *out);

/* Setup from vm->cfg.hvpipe_ids (none configured: HVPIPE is off, no tokens). */
extern const struct module hvpipe_module;
bool hvpipe__configured(struct vm *vm);

/* System parameter 64 written by the guest: 0 disable, 1 enable. */
void hvpipe__set_enabled(struct vm *vm, bool on);

/* check-exception took an hvpipe event: a payload that found no room may go. */
void hvpipe__event_taken(struct vm *vm);

/*
 * Deferred announcements and re-announcements run from the main loop:
 * hvpipe__tick() when hvpipe__timer_fd() is readable (it may also be
 * called at any time; it does what is due).
 */
int hvpipe__timer_fd(struct vm *vm);
/* Put the timer and the host wake-up on the VM's main loop (after event__init). */
int hvpipe__attach(struct vm *vm);
void hvpipe__tick(struct vm *vm);

/*
 * Host side (control socket). Errors: -ENOENT no such source, -EPIPE the
 * pipe is closed, -ENOSPC queue full, -EAGAIN nothing to receive, -EINVAL
 * bad length, -EALREADY already open/closed.
 */
int hvpipe__host_send(struct vm *vm, u32 src, const void *data, size_t len);
/* Takes the oldest guest message; buf holds HVPIPE_MAX_PAYLOAD bytes. */
int hvpipe__host_recv(struct vm *vm, u32 src, void *buf, size_t *len);
int hvpipe__host_close(struct vm *vm, u32 src);
int hvpipe__host_open(struct vm *vm, u32 src);

/* eventfd that becomes readable when a guest message arrives or a pipe closes. */
int hvpipe__notify_fd(struct vm *vm);

struct hvpipe_source_stat {
	u32 id;
	bool open;
	unsigned int inbox, outbox;	/* messages waiting */
	u64 from_guest, to_guest;	/* messages delivered each way */
	u64 inbox_full, closed_sends;	/* guest sends refused */
	u64 inbox_busy;			/* guest sends told to retry (inbox full) */
	u64 outbox_full;		/* host sends refused */
};

struct hvpipe_stat {
	bool enabled;			/* guest set system parameter 64 to 1 */
	int announced;			/* index of the source whose payload awaits receive, or -1 */
	u64 payload_events, close_events, receives;
	u64 renotify_events;		/* pending payload announced again */
	unsigned int nr_sources;
	struct hvpipe_source_stat src[HVPIPE_MAX_SOURCES];
};

void hvpipe__stat(struct vm *vm, struct hvpipe_stat *st);

#endif
