// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "pvm/event.h"
#include "pvm/log.h"
#include "pvm/vm.h"

#define MAX_EVENTS 32

struct handler {
	int fd;
	event_fn fn;
	void *data;
	bool dead;	/* deleted while its batch is being served */
};

/* Handlers deleted during a batch are freed after it. */
static struct handler *graveyard[MAX_EVENTS * 4];
static unsigned int nr_graves;

static struct handler *find(struct vm *vm, int fd)
{
	unsigned int i;

	for (i = 0; i < vm->nr_handlers; i++)
		if (vm->handlers[i]->fd == fd)
			return vm->handlers[i];
	return NULL;
}

/* vm__request_exit() writes the eventfd: it only has to wake the loop. */
static void exit_event(struct vm *vm __unused, int fd, u32 events __unused, void *data __unused)
{
	u64 v;
	ssize_t n __unused = read(fd, &v, sizeof(v));
}

int event__init(struct vm *vm)
{
	vm->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (vm->epfd < 0)
		return -errno;
	return event__add(vm, vm->exit_efd, EPOLLIN, exit_event, NULL);
}

int event__add(struct vm *vm, int fd, u32 events, event_fn fn, void *data)
{
	struct epoll_event ev = { .events = events };
	struct handler *h;

	if (vm->nr_handlers >= PVM_MAX_HANDLERS)
		return -EMFILE;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	*h = (struct handler){ .fd = fd, .fn = fn, .data = data };
	ev.data.ptr = h;
	if (epoll_ctl(vm->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		free(h);
		return -errno;
	}
	vm->handlers[vm->nr_handlers++] = h;
	return 0;
}

int event__mod(struct vm *vm, int fd, u32 events)
{
	struct handler *h = find(vm, fd);
	struct epoll_event ev = { .events = events, .data.ptr = h };

	if (!h)
		return -ENOENT;
	return epoll_ctl(vm->epfd, EPOLL_CTL_MOD, fd, &ev) ? -errno : 0;
}

void event__del(struct vm *vm, int fd)
{
	unsigned int i;

	for (i = 0; i < vm->nr_handlers; i++) {
		struct handler *h = vm->handlers[i];

		if (h->fd != fd)
			continue;
		epoll_ctl(vm->epfd, EPOLL_CTL_DEL, fd, NULL);
		h->dead = true;
		vm->handlers[i] = vm->handlers[--vm->nr_handlers];
		if (nr_graves < ARRAY_SIZE(graveyard))
			graveyard[nr_graves++] = h;
		else
			free(h);	/* cannot happen: at most one delete per event */
		return;
	}
}

void event__loop(struct vm *vm, int (*poll_ms)(struct vm *vm))
{
	struct epoll_event evs[MAX_EVENTS];

	while (!vm__exiting(vm)) {
		int n, i, timeout = poll_ms ? poll_ms(vm) : -1;

		n = epoll_wait(vm->epfd, evs, MAX_EVENTS, timeout);
		if (n < 0 && errno != EINTR) {
			pr_err("event loop: %m");
			vm__request_exit(vm, VM_EXIT_FAULT);
			break;
		}
		for (i = 0; i < n; i++) {
			struct handler *h = evs[i].data.ptr;

			if (!h->dead)
				h->fn(vm, h->fd, evs[i].events, h->data);
		}
		while (nr_graves)
			free(graveyard[--nr_graves]);
	}
}
