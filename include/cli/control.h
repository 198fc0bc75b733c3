/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_CONTROL_H
#define PVM_CONTROL_H

/*
 * The per-VM control socket: newline-delimited JSON, one request per line,
 * one response line per request (docs/control-protocol.md).
 */
#include <stddef.h>

#include "pvm/types.h"

struct vm;
struct json_object;

#define CONTROL_PROTOCOL_VERSION 1
#define CONTROL_MAX_LINE 65536
#define CONTROL_MAX_CLIENTS 32

/*
 * Directory holding NAME.sock: $PVM_SOCKET_DIR, $XDG_RUNTIME_DIR/pvm (if it
 * exists), /run/pvm (root, /run writable), /tmp/pvm-UID.
 */
int control__dir(char *buf, size_t size);
int control__path(const char *name, char *buf, size_t size);
/*
 * 0 if dir is a real directory (no symlink) owned by us with no group or
 * other permissions, created 0700 first if create; else -errno and why.
 */
int control__check_dir(const char *dir, bool create, char *why, size_t size);
/* The longest response line a client accepts. */
#define CONTROL_MAX_REPLY SZ_1M

/* One request line answered as the server would (fuzzing); caller puts it. */
struct json_object *control__handle_request(struct vm *vm, const char *line);

/* Server side, in pvm run. */
int control__init(struct vm *vm);
void control__exit(struct vm *vm);

/* Client side: a connection for several requests (pvm hvpipe streams). */
struct control_conn {
	int fd;
	char *buf;
	size_t len, cap;
	s64 seq;
};

int control__connect(const char *name, struct control_conn *conn);
void control__disconnect(struct control_conn *conn);
int control__send(struct control_conn *conn, const char *command, struct json_object *args);
/* Next response line; timeout_ms < 0 waits for ever. */
int control__receive(struct control_conn *conn, struct json_object **response, int timeout_ms);
int control__call(struct control_conn *conn, const char *command, struct json_object *args,
		  struct json_object **response);

/* The member key of o, or NULL (o may be NULL). */
struct json_object *control__get(struct json_object *o, const char *key);
/* Says why a VM could not be reached; returns the client exit status (64/66). */
int control__conn_error(const char *name, int err);

/* Client side: send one request, get the parsed response (caller puts it). */
int control__request(const char *name, const char *command, struct json_object *args,
		     struct json_object **response);

#endif
