/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_COMMAND_H
#define PVM_COMMAND_H

/*
 * Control commands, as features see them. A module lists its commands in
 * struct module.commands; the control server (cli/control.c) parses a
 * request, finds the command by name and calls run(). The protocol itself
 * (framing, ids, versions) stays with the server: a feature fills a result
 * object or an error and never sees a socket.
 *
 * Most commands answer at once. One that must wait (for the guest, a device,
 * a timer) keeps its struct control_call, returns CONTROL_DEFERRED and
 * answers later, once or as a stream of answers that all carry the request's
 * id. While a client has a call open the server takes no further requests
 * from it, so answers never interleave.
 *
 * Everything here runs on the main thread (the event loop) except
 * control__wake(), which any thread may call.
 */
#include <stddef.h>

#include "pvm/types.h"

struct vm;
struct json_object;

/* One request of one client; owned by the server, opaque to commands. */
struct control_call;

/* A command's error: a protocol error code (docs/control-protocol.md) and a message. */
struct control_error {
	const char *code;
	char message[256];
};

/* Fill *err; returns -1, so a handler can "return control__error(...)". */
int control__error(struct control_error *err, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * args[key] as an integer within [min, max]. False when it is missing, not
 * an integer or out of range: json-c saturates numbers beyond 64 bits to
 * INT64_MIN/MAX, so those two are always refused (no argument can mean
 * them) and an out-of-range number is a bad-argument, never truncated.
 */
bool control__int_arg(struct json_object *args, const char *key, s64 min, s64 max, s64 *out);

/* run() returns this after control__defer(): nothing is answered now. */
#define CONTROL_DEFERRED 1

struct control_command {
	const char *name;
	/*
	 * args is the request's "args" object or NULL. Returns 0 to answer
	 * *result, -1 to answer *err (control__error), or CONTROL_DEFERRED.
	 * call is this request; it outlives run() only after control__defer().
	 */
	int (*run)(struct vm *vm, struct json_object *args, struct json_object *result,
		   struct control_error *err, struct control_call *call);
};

struct control_call_ops {
	/*
	 * The call may answer now (control__reply/_error, control__stream,
	 * control__end) or keep waiting (do nothing). The server calls it
	 * right after run() deferred, after every control__wake() and when
	 * the client has read its backlog; after each answer that leaves the
	 * call open it calls it again while the client keeps up, so one
	 * answer per call is enough and a slow reader holds the stream back
	 * (what is not streamed stays in the feature's own bounded queue).
	 */
	void (*ready)(struct vm *vm, struct control_call *call);
	/*
	 * The client went away (or the server stops) with the call open:
	 * release priv. The call is gone afterwards. Never called from inside
	 * a control__*() function.
	 */
	void (*cancel)(struct vm *vm, struct control_call *call);
};

/*
 * Keep call open past run(), which must then return CONTROL_DEFERRED. ops
 * must live as long as the call; priv is the command's own state.
 */
void control__defer(struct control_call *call, const struct control_call_ops *ops, void *priv);
void *control__call_priv(struct control_call *call);

/*
 * Answers on an open call. These take result (a JSON object, as
 * json_object_object_add does) whatever they return. reply, reply_error
 * and end close the call: cancel is not called for it and the handle must
 * not be used again. stream answers and keeps the call open.
 *
 * -EPIPE: the client cannot take the answer and will be dropped (an open
 * call then gets its cancel later); -EINVAL: the call is not open.
 */
int control__reply(struct control_call *call, struct json_object *result);
int control__reply_error(struct control_call *call, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int control__stream(struct control_call *call, struct json_object *result);
/* Close a stream without another answer. */
void control__end(struct control_call *call);

/*
 * Something an open call waits for may have happened: soon, from the main
 * loop, the server calls ready() of every open call. Safe from any thread
 * while the server runs; nothing happens without a server.
 */
void control__wake(struct vm *vm);

#endif
