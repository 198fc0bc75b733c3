// SPDX-License-Identifier: GPL-2.0
/*
 * The "hvpipe" control command: the host programs' end of the pipes
 * (docs/hvpipe.md). "recv" with "wait" answers when the guest sends, and
 * with "follow" once per message: the call stays open and takes the guest's
 * messages one at a time, only as fast as the client reads, so a slow reader
 * leaves them in the bounded inbox (where the guest sees "busy") instead of
 * in pvm's memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <json-c/json.h>

#include "papr/hvpipe.h"
#include "pvm/base64.h"
#include "pvm/command.h"
#include "pvm/event.h"
#include "pvm/vm.h"

#include "hvpipe-priv.h"

/* An open "recv --wait/--follow". */
struct recv_call {
	u32 src;
	s64 left;		/* messages still wanted; < 0: no limit */
};

static int hvpipe_err(struct control_error *err, int ret, u32 src)
{
	switch (ret) {
	case -ENOENT:
		return control__error(err, "bad-argument", "no hvpipe source 0x%08x (see pvm run --hvpipe-source)", src);
	case -EPIPE:
		return control__error(err, "closed", "the pipe to source 0x%08x is closed", src);
	case -ENOSPC:
		return control__error(err, "full", "queue full: %d messages for source 0x%08x wait for the guest",
				      HVPIPE_QUEUE_MAX, src);
	case -EINVAL:
		return control__error(err, "bad-argument", "a message is 1 to %d bytes", HVPIPE_MAX_PAYLOAD);
	case -EALREADY:
		return control__error(err, "state", "the pipe to source 0x%08x is already in that state", src);
	default:
		return control__error(err, "internal", "%s", strerror(-ret));
	}
}

static void hvpipe_message(struct json_object *res, u32 src, const u8 *data, size_t len)
{
	char b64[BASE64_LEN(HVPIPE_MAX_PAYLOAD) + 1];
	size_t n = base64_encode(data, len, b64);

	json_object_object_add(res, "source", json_object_new_int64(src));
	json_object_object_add(res, "bytes", json_object_new_int64(len));
	json_object_object_add(res, "data", json_object_new_string_len(b64, n));
}

static int hvpipe_status(struct vm *vm, struct json_object *res)
{
	struct json_object *srcs = json_object_new_array();
	struct hvpipe_stat st;
	unsigned int i;

	hvpipe__stat(vm, &st);
	json_object_object_add(res, "enabled", json_object_new_boolean(st.enabled));
	json_object_object_add(res, "announced", st.announced < 0 ? NULL :
			       json_object_new_int64(st.src[st.announced].id));
	json_object_object_add(res, "payload_events", json_object_new_int64(st.payload_events));
	json_object_object_add(res, "close_events", json_object_new_int64(st.close_events));
	json_object_object_add(res, "receives", json_object_new_int64(st.receives));
	json_object_object_add(res, "renotify_events", json_object_new_int64(st.renotify_events));
	for (i = 0; i < st.nr_sources; i++) {
		struct hvpipe_source_stat *s = &st.src[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "id", json_object_new_int64(s->id));
		json_object_object_add(o, "open", json_object_new_boolean(s->open));
		json_object_object_add(o, "inbox", json_object_new_int64(s->inbox));
		json_object_object_add(o, "outbox", json_object_new_int64(s->outbox));
		json_object_object_add(o, "from_guest", json_object_new_int64(s->from_guest));
		json_object_object_add(o, "to_guest", json_object_new_int64(s->to_guest));
		json_object_object_add(o, "inbox_full", json_object_new_int64(s->inbox_full));
		json_object_object_add(o, "inbox_busy", json_object_new_int64(s->inbox_busy));
		json_object_object_add(o, "closed_sends", json_object_new_int64(s->closed_sends));
		json_object_object_add(o, "outbox_full", json_object_new_int64(s->outbox_full));
		json_object_array_add(srcs, o);
	}
	json_object_object_add(res, "sources", srcs);
	return 0;
}

static bool source_open(struct vm *vm, u32 src)
{
	struct hvpipe *p = hvpipe_of(vm);
	struct hvpipe_source *s;
	bool open = false;

	if (!p)
		return false;
	pthread_mutex_lock(&p->lock);
	s = find_source(p, src);
	if (s)
		open = s->open;
	pthread_mutex_unlock(&p->lock);
	return open;
}

/* Answer an open recv with the next guest message, if there is one. */
static void recv_ready(struct vm *vm, struct control_call *call)
{
	struct recv_call *rc = control__call_priv(call);
	struct control_error err = { 0 };
	u8 buf[HVPIPE_MAX_PAYLOAD];
	struct json_object *res;
	u32 src = rc->src;
	size_t len;
	int ret;

	ret = hvpipe__host_recv(vm, src, buf, &len);
	/* Still waiting, unless the pipe closed under it. */
	if (ret == -EAGAIN && source_open(vm, src))
		return;
	if (ret) {
		free(rc);
		hvpipe_err(&err, ret == -EAGAIN ? -EPIPE : ret, src);
		control__reply_error(call, err.code, "%s", err.message);
		return;
	}
	res = json_object_new_object();
	hvpipe_message(res, src, buf, len);
	if (rc->left > 0 && !--rc->left) {
		free(rc);
		control__reply(call, res);
	} else {
		control__stream(call, res);
	}
}

static void recv_cancel(struct vm *vm __unused, struct control_call *call)
{
	free(control__call_priv(call));
}

static const struct control_call_ops recv_ops = {
	.ready = recv_ready,
	.cancel = recv_cancel,
};

static int hvpipe_recv(struct vm *vm, struct json_object *args, struct json_object *res,
		       struct control_error *err, struct control_call *call, u32 src)
{
	u8 buf[HVPIPE_MAX_PAYLOAD];
	struct recv_call *rc;
	struct json_object *o;
	bool follow, wait;
	s64 count = -1;
	size_t len;
	int ret;

	follow = json_object_object_get_ex(args, "follow", &o) && json_object_get_boolean(o);
	wait = follow || (json_object_object_get_ex(args, "wait", &o) && json_object_get_boolean(o));
	if (json_object_object_get_ex(args, "count", &o)) {
		if (!json_object_is_type(o, json_type_int) || (count = json_object_get_int64(o)) <= 0)
			return control__error(err, "bad-argument", "\"count\" must be a positive integer");
	}
	if (wait) {
		/* Answered from recv_ready(), at once if a message is waiting. */
		rc = malloc(sizeof(*rc));
		if (!rc)
			return hvpipe_err(err, -ENOMEM, src);
		rc->src = src;
		rc->left = follow ? count : 1;
		control__defer(call, &recv_ops, rc);
		return CONTROL_DEFERRED;
	}
	ret = hvpipe__host_recv(vm, src, buf, &len);
	if (!ret) {
		hvpipe_message(res, src, buf, len);
		return 0;
	}
	if (ret != -EAGAIN)
		return hvpipe_err(err, ret, src);
	if (!source_open(vm, src))
		return hvpipe_err(err, -EPIPE, src);
	return control__error(err, "empty", "no message from the guest to source 0x%08x", src);
}

static int cmd_hvpipe(struct vm *vm, struct json_object *args, struct json_object *res,
		      struct control_error *err, struct control_call *call)
{
	struct json_object *o, *d;
	u8 buf[HVPIPE_MAX_PAYLOAD];
	const char *op;
	ssize_t n;
	s64 v;
	u32 src;
	int ret;

	if (!hvpipe__configured(vm))
		return control__error(err, "unsupported", "this VM has no HVPIPE (pvm run --hvpipe-source)");
	if (!args || !json_object_object_get_ex(args, "op", &o) || !json_object_is_type(o, json_type_string))
		return control__error(err, "bad-argument",
				      "\"op\" must be send, recv, close, open or status");
	op = json_object_get_string(o);
	if (!strcmp(op, "status"))
		return hvpipe_status(vm, res);
	if (!control__int_arg(args, "source", 0, 0xffffffffLL, &v) || !hvpipe__valid_id(v))
		return control__error(err, "bad-argument", "\"source\" must be an HMC source id 0x0200xxxx");
	src = v;
	if (!strcmp(op, "recv"))
		return hvpipe_recv(vm, args, res, err, call, src);
	if (!strcmp(op, "close") || !strcmp(op, "open")) {
		ret = op[0] == 'c' ? hvpipe__host_close(vm, src) : hvpipe__host_open(vm, src);
		return ret ? hvpipe_err(err, ret, src) : 0;
	}
	if (strcmp(op, "send"))
		return control__error(err, "bad-argument",
				      "\"op\" must be send, recv, close, open or status");
	if (!json_object_object_get_ex(args, "data", &d) || !json_object_is_type(d, json_type_string))
		return control__error(err, "bad-argument", "\"data\" must be a base64 string");
	n = base64_decode(json_object_get_string(d), json_object_get_string_len(d), buf, sizeof(buf));
	if (n == -E2BIG || n == 0)
		return hvpipe_err(err, -EINVAL, src);
	if (n < 0)
		return control__error(err, "bad-argument", "\"data\" is not valid base64");
	ret = hvpipe__host_send(vm, src, buf, n);
	if (ret)
		return hvpipe_err(err, ret, src);
	json_object_object_add(res, "bytes", json_object_new_int64(n));
	return 0;
}

const struct control_command hvpipe__commands[] = {
	{ "hvpipe", cmd_hvpipe },
	{ NULL },
};

/* The guest sent something or a pipe closed: open recv calls may answer. */
static void notify_event(struct vm *vm, int fd, u32 events __unused, void *data __unused)
{
	u64 v;
	ssize_t n __unused = read(fd, &v, sizeof(v));

	control__wake(vm);
}

int hvpipe__control_attach(struct vm *vm)
{
	int fd = hvpipe__notify_fd(vm);

	return fd < 0 ? 0 : event__add(vm, fd, EPOLLIN, notify_event, NULL);
}
