// SPDX-License-Identifier: GPL-2.0
/*
 * Requests and their answers: a line is parsed, dispatched by name and
 * answered at once, or the command keeps its struct control_call and answers
 * later, once or as a stream (include/pvm/command.h). Answers queue on the
 * client; control.c sends them and decides when a call may answer more.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "pvm/module.h"
#include "pvm/vm.h"

#include "control-priv.h"

bool control__queue_out(struct client *c, const char *s, size_t len)
{
	if (c->out_len + len + 1 > OUT_MAX)
		return false;
	if (!c->out) {
		c->out = malloc(OUT_MAX);
		if (!c->out)
			return false;
	}
	memcpy(c->out + c->out_len, s, len);
	c->out[c->out_len + len] = '\n';
	c->out_len += len + 1;
	return true;
}

bool control__queue_json(struct client *c, struct json_object *o)
{
	size_t len;
	const char *s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &len);

	return control__queue_out(c, s, len);
}

/* A response line: version, id (when the request had one), then result or error. */
static struct json_object *response(bool has_id, struct json_object *id, struct json_object *res,
				    const struct control_error *err)
{
	struct json_object *resp = json_object_new_object();

	json_object_object_add(resp, "version", json_object_new_int(CONTROL_PROTOCOL_VERSION));
	if (has_id)
		json_object_object_add(resp, "id", json_object_get(id));
	json_object_object_add(resp, "ok", json_object_new_boolean(!err));
	if (!err) {
		json_object_object_add(resp, "result", res);
	} else {
		struct json_object *e = json_object_new_object();

		json_object_put(res);
		json_object_object_add(e, "code", json_object_new_string(err->code ? err->code : "internal"));
		json_object_object_add(e, "message", json_object_new_string(err->message));
		json_object_object_add(resp, "error", e);
	}
	return resp;
}

/* The call is over: its client takes requests again. */
static void call_close(struct control_call *call)
{
	call->open = false;
	call->ops = NULL;
	call->priv = NULL;
	json_object_put(call->id);
	call->id = NULL;
}

/* Queue one answer of an open call; it goes out from the client's next turn. */
static int call_answer(struct control_call *call, struct json_object *res,
		       const struct control_error *err, bool last)
{
	struct client *c = call->client;
	struct json_object *resp;
	bool queued;

	if (!call->open) {
		json_object_put(res);
		return -EINVAL;
	}
	resp = response(call->has_id, call->id, res, err);
	queued = !c->broken && control__queue_json(c, resp);
	json_object_put(resp);
	call->answers++;
	if (!queued)
		c->broken = true;
	if (last)
		call_close(call);
	/* Answered outside the client's turn (another client's, a feature's timer). */
	if (c != control_pumping) {
		c->kicked = true;
		control__wake(NULL);
	}
	return queued ? 0 : -EPIPE;
}

void control__defer(struct control_call *call, const struct control_call_ops *ops, void *priv)
{
	call->ops = ops;
	call->priv = priv;
	call->open = true;
}

void *control__call_priv(struct control_call *call)
{
	return call->priv;
}

int control__reply(struct control_call *call, struct json_object *result)
{
	return call_answer(call, result, NULL, true);
}

int control__reply_error(struct control_call *call, const char *code, const char *fmt, ...)
{
	struct control_error err = { .code = code };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err.message, sizeof(err.message), fmt, ap);
	va_end(ap);
	return call_answer(call, NULL, &err, true);
}

int control__stream(struct control_call *call, struct json_object *result)
{
	return call_answer(call, result, NULL, false);
}

void control__end(struct control_call *call)
{
	struct client *c = call->client;

	if (!call->open)
		return;
	call_close(call);
	if (c != control_pumping) {
		c->kicked = true;
		control__wake(NULL);
	}
}

/* The client goes (or the server stops) with the call open: the command lets go. */
void control__call_cancel(struct vm *vm, struct control_call *call)
{
	const struct control_call_ops *ops = call->ops;

	if (!call->open)
		return;
	call->open = false;
	if (ops && ops->cancel)
		ops->cancel(vm, call);
	call_close(call);
}

/* ---- request/response ---- */

struct json_object *control__handle_line(struct vm *vm, struct client *c, const char *line)
{
	struct json_object *req, *res = NULL, *resp, *id = NULL, *ver, *name, *args = NULL;
	const struct control_command *cmd;
	struct control_call *call = &c->call;
	struct control_error err = { 0 };
	enum json_tokener_error jerr;
	bool has_id = false;
	int ret = -1;

	req = json_tokener_parse_verbose(line, &jerr);
	if (!req) {
		control__error(&err, "bad-json", "%s", json_tokener_error_desc(jerr));
		goto out;
	}
	if (!json_object_is_type(req, json_type_object)) {
		control__error(&err, "bad-request", "a request is a JSON object");
		goto out;
	}
	has_id = json_object_object_get_ex(req, "id", &id);
	if (json_object_object_get_ex(req, "version", &ver) &&
	    (!json_object_is_type(ver, json_type_int) ||
	     json_object_get_int64(ver) != CONTROL_PROTOCOL_VERSION)) {
		control__error(&err, "unsupported-version", "this pvm speaks protocol version %d",
			       CONTROL_PROTOCOL_VERSION);
		goto out;
	}
	if (!json_object_object_get_ex(req, "command", &name) ||
	    !json_object_is_type(name, json_type_string)) {
		control__error(&err, "bad-request", "missing \"command\" string");
		goto out;
	}
	if (json_object_object_get_ex(req, "args", &args) &&
	    !json_object_is_type(args, json_type_object)) {
		control__error(&err, "bad-request", "\"args\" must be an object");
		goto out;
	}
	cmd = control__find_command(vm, json_object_get_string(name));
	if (!cmd) {
		control__error(&err, "unknown-command", "unknown command '%.64s'",
			       json_object_get_string(name));
		goto out;
	}
	res = json_object_new_object();
	*call = (struct control_call){ .client = c, .has_id = has_id, .id = json_object_get(id) };
	ret = cmd->run(vm, args, res, &err, call);
	if (ret == CONTROL_DEFERRED && (call->open || call->answers)) {
		/* Answered from the call, now or later. */
		if (!call->open)
			call_close(call);
		json_object_put(res);
		json_object_put(req);
		return NULL;
	}
	if (ret == CONTROL_DEFERRED)
		ret = control__error(&err, "internal", "%s: no answer", cmd->name);
	/* Answered now: a call kept open as well would answer twice. */
	control__call_cancel(vm, call);
	call_close(call);
out:
	resp = response(has_id, id, res, ret ? &err : NULL);
	json_object_put(req);
	return resp;
}

/*
 * One request line through the full command path, without a socket: for the
 * fuzz target (tests/fuzz/fuzz-control.c). Answers that would come later,
 * and any streamed ones, are dropped.
 */
struct json_object *control__handle_request(struct vm *vm, const char *line)
{
	static struct client *c;
	struct json_object *r;

	if (!c && !(c = calloc(1, sizeof(*c))))
		return NULL;
	c->fd = -1;
	control_pumping = c;
	r = control__handle_line(vm, c, line);
	control__call_cancel(vm, &c->call);
	control_pumping = NULL;
	c->out_len = c->out_off = 0;
	c->broken = c->kicked = false;
	return r;
}
