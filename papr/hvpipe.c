// SPDX-License-Identifier: GPL-2.0
/*
 * HVPIPE, hypervisor side (../shared/spec/papr-events-hvpipe-tpm.md §1,
 * docs/hvpipe.md). pvm plays the hypervisor and the HMC-like sources are
 * host programs on the control socket.
 *
 * One pipe per partition: at most one payload is announced to the guest at a
 * time (announced >= 0) and the next payload event waits until the guest
 * pulled that one with ibm,receive-hvpipe-msg. Close events need no answer
 * from the guest, so they never hold the pipe. Every queue is bounded; a
 * full one is an error to whoever tried to add, never a wait.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <libfdt.h>

#include "pvm/event.h"
#include "papr/events.h"
#include "papr/hvpipe.h"
#include "pvm/log.h"
#include "pvm/module.h"
#include "papr/rtas.h"
#include "pvm/vm.h"

#include "hvpipe-priv.h"

/* The buffer list lives in one 4 KiB work area; each data buffer too. */
#define HVPIPE_LIST_MAX 4096
#define HVPIPE_BUF_MAX 4096

static u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/* With p->lock held: the timer fires at the earliest deadline. */
static void arm_timer(struct hvpipe *p)
{
	u64 at = 0, now = now_ms();
	struct itimerspec its = { 0 };

	if (p->next_at)
		at = p->next_at;
	if (p->announced >= 0 && p->renotify_at && (!at || p->renotify_at < at))
		at = p->renotify_at;
	if (at) {
		u64 in = at > now ? at - now : 1;

		its.it_value.tv_sec = in / 1000;
		its.it_value.tv_nsec = (in % 1000) * 1000000;
	}
	timerfd_settime(p->timer_fd, 0, &its, NULL);
}

int hvpipe__parse_id(const char *s, u32 *id)
{
	unsigned long v;
	char *end;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || v > 0xffffffffUL || !hvpipe__valid_id(v))
		return -EINVAL;
	*id = v;
	return 0;
}

int hvpipe__gather(struct vm *vm, u64 gpa, u8 *out)
{
	u64 hdr, pair[2], len, blen, addr;
	unsigned int i, n;
	u32 total = 0;

	if (gmem__read(&vm->mem, gpa, &hdr, sizeof(hdr)))
		return -EINVAL;
	len = be64toh(hdr);
	/* The length counts itself: 8 + 16 per {address, length} pair. */
	if (len < 24 || len > HVPIPE_LIST_MAX || (len - 8) % 16)
		return -EINVAL;
	n = (len - 8) / 16;
	for (i = 0; i < n; i++) {
		if (gmem__read(&vm->mem, gpa + 8 + 16 * i, pair, sizeof(pair)))
			return -EINVAL;
		addr = be64toh(pair[0]);
		blen = be64toh(pair[1]);
		if (blen > HVPIPE_BUF_MAX || total + blen > HVPIPE_MAX_PAYLOAD)
			return -EINVAL;
		if (blen && gmem__read(&vm->mem, addr, out + total, blen))
			return -EINVAL;
		total += blen;
	}
	return total ? (int)total : -EINVAL;
}

/* With p->lock held: announce the next payload if the pipe is free. */
void hvpipe__announce_next(struct vm *vm, struct hvpipe *p)
{
	unsigned int k, i;

	if (!p->enabled || p->announced >= 0 || !p->nr || p->next_at)
		return;
	for (k = 0; k < p->nr; k++) {
		i = (p->rr + k) % p->nr;
		if (!p->src[i].outbox.count)
			continue;
		if (events__hvpipe(vm, p->src[i].id, HVPIPE_EV_PAYLOAD))
			return;		/* event queue full: retried when the guest takes one */
		p->announced = i;
		p->rr = i + 1;
		p->payload_events++;
		p->renotify_ms = HVPIPE_RENOTIFY_MIN_MS;
		p->renotify_at = now_ms() + p->renotify_ms;
		arm_timer(p);
		return;
	}
}

void hvpipe__notify(struct hvpipe *p)
{
	u64 one = 1;
	ssize_t n __unused = write(p->notify_fd, &one, sizeof(one));
}

/* ---- guest side: RTAS ---- */

static void rtas_send_hvpipe_msg(struct rtas_call *c)
{
	struct vm *vm = c->vm;
	struct hvpipe *p = hvpipe_of(vm);
	struct hvpipe_source *s;
	struct hvpipe_msg *m;
	u8 buf[HVPIPE_MAX_PAYLOAD];
	u32 id = c->args[0];
	int len;

	len = hvpipe__gather(vm, c->args[1], buf);
	if (len < 0 || !hvpipe__valid_id(id)) {
		c->rets[0] = (u32)RTAS_OUT_PARAM_ERROR;
		return;
	}
	pthread_mutex_lock(&p->lock);
	s = find_source(p, id);
	if (!s || !s->open) {
		/* No connection to that source: the guest's write() gets EPIPE. */
		if (s)
			s->closed_sends++;
		c->rets[0] = (u32)HVPIPE_RTAS_CLOSED;
		goto out;
	}
	if (s->inbox.count == HVPIPE_QUEUE_MAX) {
		u64 now = now_ms();

		/*
		 * A slow host reader gets a while to catch up: "busy, retry in
		 * 10 ms" (the guest sleeps, its vCPU is free). One that stays
		 * behind for HVPIPE_FULL_WAIT_MS is not reading: hardware error
		 * (EIO) at once, so no guest writer waits for ever.
		 */
		if (!s->full_since)
			s->full_since = now;
		if (now - s->full_since < HVPIPE_FULL_WAIT_MS) {
			s->inbox_busy++;
			c->rets[0] = (u32)RTAS_OUT_DELAY_10MS;
		} else {
			s->inbox_full++;
			c->rets[0] = (u32)RTAS_OUT_HW_ERROR;
		}
		goto out;
	}
	m = malloc(sizeof(*m) + len);
	if (!m) {
		c->rets[0] = (u32)RTAS_OUT_HW_ERROR;
		goto out;
	}
	m->len = len;
	memcpy(m->data, buf, len);
	q_push(&s->inbox, m);
	s->from_guest++;
	hvpipe__notify(p);
	c->rets[0] = RTAS_OUT_SUCCESS;
out:
	pthread_mutex_unlock(&p->lock);
}

static void rtas_receive_hvpipe_msg(struct rtas_call *c)
{
	struct vm *vm = c->vm;
	struct hvpipe *p = hvpipe_of(vm);
	struct hvpipe_source *s;
	struct hvpipe_msg *m;
	u64 gpa = c->args[0];
	u32 size = c->args[1];

	pthread_mutex_lock(&p->lock);
	if (p->announced < 0) {
		/* Nothing was announced: nothing to receive. */
		c->rets[0] = (u32)RTAS_OUT_PARAM_ERROR;
		goto out;
	}
	s = &p->src[p->announced];
	m = s->outbox.m[s->outbox.head];
	/* Too small or not RAM: the payload stays pending for a proper call. */
	if (size < m->len || gmem__write(&vm->mem, gpa, m->data, m->len)) {
		c->rets[0] = (u32)RTAS_OUT_PARAM_ERROR;
		goto out;
	}
	c->rets[0] = RTAS_OUT_SUCCESS;
	c->rets[1] = s->id;
	c->rets[2] = m->len;
	free(q_pop(&s->outbox));
	s->to_guest++;
	p->receives++;
	p->announced = -1;
	p->renotify_at = 0;
	/* Not now: the guest has not yet cleared its flag for this one. */
	p->next_at = now_ms() + HVPIPE_ANNOUNCE_DELAY_MS;
	arm_timer(p);
out:
	pthread_mutex_unlock(&p->lock);
}

void hvpipe__set_enabled(struct vm *vm, bool on)
{
	struct hvpipe *p = hvpipe_of(vm);

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	pr_debug("hvpipe: guest %s the pipe", on ? "enabled" : "disabled");
	p->enabled = on;
	if (!on) {
		/*
		 * Events only while enabled: withdraw what the guest has not
		 * fetched; an announced payload stays first in its outbox and
		 * is announced again once the guest enables the pipe.
		 */
		events__flush(vm, EVENT_HVPIPE);
		p->announced = -1;
		p->renotify_at = 0;
	} else {
		hvpipe__announce_next(vm, p);
	}
	pthread_mutex_unlock(&p->lock);
}

void hvpipe__tick(struct vm *vm)
{
	struct hvpipe *p = hvpipe_of(vm);
	u64 now = now_ms(), v;
	ssize_t n __unused;

	if (!p)
		return;
	n = read(p->timer_fd, &v, sizeof(v));
	pthread_mutex_lock(&p->lock);
	if (p->next_at && now >= p->next_at) {
		p->next_at = 0;
		hvpipe__announce_next(vm, p);
	}
	if (p->enabled && p->announced >= 0 && p->renotify_at && now >= p->renotify_at) {
		/* Still not received: say it again, in case the guest lost the flag. */
		if (!events__hvpipe(vm, p->src[p->announced].id, HVPIPE_EV_PAYLOAD))
			p->renotify_events++;
		p->renotify_ms = MIN(p->renotify_ms * 2, (unsigned int)HVPIPE_RENOTIFY_MAX_MS);
		p->renotify_at = now + p->renotify_ms;
	}
	arm_timer(p);
	pthread_mutex_unlock(&p->lock);
}

int hvpipe__timer_fd(struct vm *vm)
{
	return hvpipe_of(vm) ? hvpipe_of(vm)->timer_fd : -1;
}

static void timer_event(struct vm *vm, int fd __unused, u32 events __unused, void *data __unused)
{
	hvpipe__tick(vm);
}

int hvpipe__attach(struct vm *vm)
{
	int ret;

	if (!hvpipe_of(vm))
		return 0;
	ret = event__add(vm, hvpipe_of(vm)->timer_fd, EPOLLIN, timer_event, NULL);
	return ret ? ret : hvpipe__control_attach(vm);
}

void hvpipe__event_taken(struct vm *vm)
{
	struct hvpipe *p = hvpipe_of(vm);

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	hvpipe__announce_next(vm, p);
	pthread_mutex_unlock(&p->lock);
}

static int hvpipe__init(struct vm *vm)
{
	static const struct rtas_handler calls[] = {
		{ RTAS_IBM_SEND_HVPIPE_MSG, rtas_send_hvpipe_msg },
		{ RTAS_IBM_RECEIVE_HVPIPE_MSG, rtas_receive_hvpipe_msg },
	};
	struct hvpipe *p;
	unsigned int i, j;

	if (!vm->cfg.nr_hvpipe)
		return 0;
	if (vm->cfg.nr_hvpipe > HVPIPE_MAX_SOURCES)
		return -E2BIG;
	/* Events reach the guest only through the hvpipe event source. */
	if (events__claim(vm, EVENT_HVPIPE, hvpipe__event_taken) ||
	    events__irq(vm, EVENT_HVPIPE) < 0) {
		pr_err("hvpipe needs an event interrupt (in-kernel XICS)");
		return -ENODEV;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->notify_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	p->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (p->notify_fd < 0 || p->timer_fd < 0) {
		int ret = -errno;

		if (p->notify_fd >= 0)
			close(p->notify_fd);
		if (p->timer_fd >= 0)
			close(p->timer_fd);
		free(p);
		return ret;
	}
	pthread_mutex_init(&p->lock, NULL);
	p->announced = -1;
	for (i = 0; i < vm->cfg.nr_hvpipe; i++) {
		u32 id = vm->cfg.hvpipe_ids[i];

		if (!hvpipe__valid_id(id))
			goto bad;
		for (j = 0; j < i; j++)
			if (vm->cfg.hvpipe_ids[j] == id)
				goto bad;
		p->src[i].id = id;
		p->src[i].open = true;
	}
	p->nr = vm->cfg.nr_hvpipe;
	vm__set_priv(vm, &hvpipe_module, p);
	return rtas__register_all(vm, calls, ARRAY_SIZE(calls));
bad:
	pr_err("--hvpipe-source 0x%08x: not a new HMC-form id (0x0200xxxx)", vm->cfg.hvpipe_ids[i]);
	close(p->notify_fd);
	close(p->timer_fd);
	free(p);
	return -EINVAL;
}

static void hvpipe__exit(struct vm *vm)
{
	struct hvpipe *p = hvpipe_of(vm);
	unsigned int i;

	if (!p)
		return;
	for (i = 0; i < p->nr; i++) {
		q_free(&p->src[i].inbox, 0);
		q_free(&p->src[i].outbox, 0);
	}
	close(p->notify_fd);
	close(p->timer_fd);
	pthread_mutex_destroy(&p->lock);
	free(p);
	vm__set_priv(vm, &hvpipe_module, NULL);
}

/* A rebooted guest starts with the pipe disabled; host queues are kept. */
static void hvpipe__reset(struct vm *vm)
{
	hvpipe__set_enabled(vm, false);
}

static int hvpipe__fdt(struct vm *vm, void *fdt, const struct fdt_place *at)
{
	if (at->at != FDT_AT_RTAS || !hvpipe__configured(vm))
		return 0;
	return fdt_property(fdt, "ibm,hypervisor-pipe-capable", NULL, 0);
}

const struct module hvpipe_module = {
	.name = "hvpipe",
	.init = hvpipe__init,
	.start = hvpipe__attach,
	.reset = hvpipe__reset,
	.exit = hvpipe__exit,
	.fdt = hvpipe__fdt,
	.commands = hvpipe__commands,
};
