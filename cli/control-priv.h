/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_CLI_CONTROL_PRIV_H
#define PVM_CLI_CONTROL_PRIV_H

/*
 * The control server's insides, shared by its files: control.c (socket,
 * clients, framing, the loop), control-call.c (requests and answers, now or
 * later) and control-vm.c (the VM's own commands).
 */
#include <stddef.h>

#include "cli/control.h"
#include "pvm/command.h"
#include "pvm/types.h"

struct vm;
struct json_object;

/*
 * Answers wait in out[] while the client is not reading; meanwhile no more
 * requests are taken from it (backpressure), so a client pipelining many
 * requests gets every answer and one that never reads costs at most
 * OUT_MAX bytes before it is dropped.
 */
#define OUT_MAX (1 << 20)
#define OUT_PAUSE (64 << 10)

struct client;

/* One request of one client: the handle a command keeps to answer later. */
struct control_call {
	struct client *client;
	bool has_id;			/* the request had an "id" (perhaps null) */
	struct json_object *id;		/* a reference to it */
	const struct control_call_ops *ops;
	void *priv;
	bool open;			/* deferred, not answered for good yet */
	unsigned long answers;		/* answers queued: ready() made progress */
};

struct client {
	struct client *next;
	int fd;
	bool broken;			/* an answer did not fit: the client goes */
	bool kicked;			/* answered outside its turn: serve it on wake-up */
	struct control_call call;	/* the request being served, or kept open */
	char *out;
	size_t out_len, out_off;
	size_t len;
	char buf[CONTROL_MAX_LINE];	/* last: accept_client() clears what comes before */
};


/* The client whose turn it is (control.c): answers to it need no wake-up. */
extern struct client *control_pumping;

/* control-call.c */
bool control__queue_out(struct client *c, const char *s, size_t len);
bool control__queue_json(struct client *c, struct json_object *o);
/* The answer to one request line, or NULL when the command answers from its call. */
struct json_object *control__handle_line(struct vm *vm, struct client *c, const char *line);
/* The client goes with its call open: the command lets go (cancel). */
void control__call_cancel(struct vm *vm, struct control_call *call);

/* control-vm.c: the VM's commands, then every set-up module's; NULL if none. */
const struct control_command *control__find_command(struct vm *vm, const char *name);

#endif
