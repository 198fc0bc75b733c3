// SPDX-License-Identifier: GPL-2.0
/*
 * HVPIPE, host side: what the HMC-like sources do through pvm (send to the
 * guest, take its messages, close and reopen a pipe) and the figures
 * "hvpipe status" reports. The guest side is hvpipe.c.
 */
#include <errno.h>
#include <string.h>

#include "papr/events.h"
#include "papr/hvpipe.h"
#include "pvm/log.h"

#include "hvpipe-priv.h"

/* Source id of this VM with p->lock held, or NULL (nothing held). */
static struct hvpipe_source *lock_source(struct vm *vm, u32 id, struct hvpipe **pp)
{
	struct hvpipe *p = *pp = hvpipe_of(vm);
	struct hvpipe_source *s;

	if (!p)
		return NULL;
	pthread_mutex_lock(&p->lock);
	s = find_source(p, id);
	if (!s)
		pthread_mutex_unlock(&p->lock);
	return s;
}

int hvpipe__host_send(struct vm *vm, u32 id, const void *data, size_t len)
{
	struct hvpipe_source *s;
	struct hvpipe_msg *m;
	struct hvpipe *p;
	int ret = 0;

	if (!hvpipe_of(vm))
		return -ENOENT;
	if (!len || len > HVPIPE_MAX_PAYLOAD)
		return -EINVAL;
	s = lock_source(vm, id, &p);
	if (!s)
		return -ENOENT;
	if (!s->open) {
		ret = -EPIPE;
	} else if (s->outbox.count == HVPIPE_QUEUE_MAX) {
		s->outbox_full++;
		ret = -ENOSPC;
	} else if (!(m = malloc(sizeof(*m) + len))) {
		ret = -ENOMEM;
	} else {
		m->len = len;
		memcpy(m->data, data, len);
		q_push(&s->outbox, m);
		hvpipe__announce_next(vm, p);
	}
	pthread_mutex_unlock(&p->lock);
	return ret;
}

int hvpipe__host_recv(struct vm *vm, u32 id, void *buf, size_t *len)
{
	struct hvpipe_source *s;
	struct hvpipe_msg *m;
	struct hvpipe *p;
	int ret = 0;

	s = lock_source(vm, id, &p);
	if (!s)
		return -ENOENT;
	if (!(m = q_pop(&s->inbox))) {
		ret = -EAGAIN;
	} else {
		s->full_since = 0;
		memcpy(buf, m->data, m->len);
		*len = m->len;
		free(m);
	}
	pthread_mutex_unlock(&p->lock);
	return ret;
}

/* Close or reopen the pipe to a source (the host end went away or came back). */
static int set_open(struct vm *vm, u32 id, bool open)
{
	struct hvpipe_source *s;
	struct hvpipe *p;
	int ret = 0;

	s = lock_source(vm, id, &p);
	if (!s)
		return -ENOENT;
	if (s->open == open) {
		ret = -EALREADY;
	} else if (open) {
		s->open = true;
	} else {
		s->open = false;
		/* Unsent payloads go; an announced one was delivered to the partition. */
		q_free(&s->outbox, p->announced == s - p->src ? 1 : 0);
		if (p->enabled) {
			if (events__hvpipe(vm, id, HVPIPE_EV_CLOSED))
				pr_warn("hvpipe: event queue full, close of 0x%08x not announced", id);
			else
				p->close_events++;
		}
	}
	pthread_mutex_unlock(&p->lock);
	if (!ret) {
		pr_info("hvpipe: pipe to source 0x%08x %s", id, open ? "open" : "closed");
		/* Parked host readers learn about a close. */
		if (!open)
			hvpipe__notify(p);
	}
	return ret;
}

int hvpipe__host_close(struct vm *vm, u32 id)
{
	return set_open(vm, id, false);
}

int hvpipe__host_open(struct vm *vm, u32 id)
{
	return set_open(vm, id, true);
}

int hvpipe__notify_fd(struct vm *vm)
{
	return hvpipe_of(vm) ? hvpipe_of(vm)->notify_fd : -1;
}

bool hvpipe__configured(struct vm *vm)
{
	return hvpipe_of(vm) != NULL;
}

void hvpipe__stat(struct vm *vm, struct hvpipe_stat *st)
{
	struct hvpipe *p = hvpipe_of(vm);
	unsigned int i;

	memset(st, 0, sizeof(*st));
	st->announced = -1;
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	st->enabled = p->enabled;
	st->announced = p->announced;
	st->payload_events = p->payload_events;
	st->close_events = p->close_events;
	st->receives = p->receives;
	st->renotify_events = p->renotify_events;
	st->nr_sources = p->nr;
	for (i = 0; i < p->nr; i++) {
		struct hvpipe_source *s = &p->src[i];

		st->src[i] = (struct hvpipe_source_stat){
			.id = s->id, .open = s->open,
			.inbox = s->inbox.count, .outbox = s->outbox.count,
			.from_guest = s->from_guest, .to_guest = s->to_guest,
			.inbox_full = s->inbox_full, .inbox_busy = s->inbox_busy,
			.closed_sends = s->closed_sends,
			.outbox_full = s->outbox_full,
		};
	}
	pthread_mutex_unlock(&p->lock);
}
