/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_PAPR_HVPIPE_PRIV_H
#define PVM_PAPR_HVPIPE_PRIV_H

/*
 * HVPIPE's state, shared by its guest side (hvpipe.c), its host side
 * (hvpipe-host.c) and nothing else. Every field is under lock.
 */
#include <pthread.h>
#include <stdlib.h>

#include "papr/hvpipe.h"
#include "pvm/command.h"
#include "pvm/module.h"
#include "pvm/vm.h"

struct hvpipe_msg {
	u32 len;
	u8 data[];
};

struct msg_queue {
	struct hvpipe_msg *m[HVPIPE_QUEUE_MAX];
	unsigned int head, count;
};

struct hvpipe_source {
	u32 id;
	bool open;
	struct msg_queue inbox;		/* guest -> host */
	struct msg_queue outbox;	/* host -> guest; head is what gets announced */
	u64 from_guest, to_guest, inbox_full, inbox_busy, closed_sends, outbox_full;
	u64 full_since;			/* ms: inbox full since (0: not full) */
};

/*
 * Linux's read() clears the handle's "payload available" flag after
 * ibm,receive-hvpipe-msg returns (papr-hvpipe.c), and the interrupt of an
 * event raised inside that call is taken right when the RTAS call
 * re-enables interrupts, before the clear: the new flag is lost and the
 * pipe would stay blocked. So the next payload is announced a little after
 * a receive, and a payload the guest leaves unreceived is announced again
 * (the same payload, never a second one) with a growing interval.
 */

struct hvpipe {
	pthread_mutex_t lock;
	bool enabled;
	int announced;
	u64 next_at;			/* ms: no announcement before (0: none pending) */
	u64 renotify_at;		/* ms: announce the pending payload again */
	unsigned int renotify_ms;
	int timer_fd;
	unsigned int rr;		/* round robin over sources with payloads */
	unsigned int nr;
	struct hvpipe_source src[HVPIPE_MAX_SOURCES];
	int notify_fd;
	u64 payload_events, close_events, receives, renotify_events;
};

static inline struct hvpipe *hvpipe_of(struct vm *vm)
{
	return vm__priv(vm, &hvpipe_module);
}

static inline bool q_push(struct msg_queue *q, struct hvpipe_msg *m)
{
	if (q->count == HVPIPE_QUEUE_MAX)
		return false;
	q->m[(q->head + q->count++) % HVPIPE_QUEUE_MAX] = m;
	return true;
}

static inline struct hvpipe_msg *q_pop(struct msg_queue *q)
{
	struct hvpipe_msg *m;

	if (!q->count)
		return NULL;
	m = q->m[q->head];
	q->head = (q->head + 1) % HVPIPE_QUEUE_MAX;
	q->count--;
	return m;
}

static inline void q_free(struct msg_queue *q, unsigned int keep)
{
	while (q->count > keep) {
		/* Drop from the tail: the head may be announced to the guest. */
		q->count--;
		free(q->m[(q->head + q->count) % HVPIPE_QUEUE_MAX]);
	}
}

static inline struct hvpipe_source *find_source(struct hvpipe *p, u32 id)
{
	unsigned int i;

	for (i = 0; i < p->nr; i++)
		if (p->src[i].id == id)
			return &p->src[i];
	return NULL;
}

/* With p->lock held: announce the next payload if the pipe is free. */
void hvpipe__announce_next(struct vm *vm, struct hvpipe *p);
/* Wake the host side: a guest message arrived or a pipe closed. */
void hvpipe__notify(struct hvpipe *p);

/* The "hvpipe" control command (hvpipe-control.c). */
extern const struct control_command hvpipe__commands[];
/* Let open "recv" calls answer when the guest sends or a pipe closes. */
int hvpipe__control_attach(struct vm *vm);

#endif
