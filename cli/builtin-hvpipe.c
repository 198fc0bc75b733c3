// SPDX-License-Identifier: GPL-2.0
/*
 * pvm hvpipe NAME send|recv|close|open|status: the host end of the guest's
 * hypervisor pipe (docs/hvpipe.md). Framed streams (send --framed, recv
 * --follow) are messages as a 4-byte big-endian length, then the payload.
 * Exit status: 0 done, 1 the VM refused (message printed), 64 usage,
 * 66 no such VM.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "pvm/base64.h"
#include "cli/builtin.h"
#include "cli/control.h"
#include "papr/hvpipe.h"
#include "pvm/log.h"
#include "pvm/vm.h"

#define HV_REFUSED 1
/* How long send --framed sleeps before offering a message to a full outbox again. */
#define FULL_RETRY_US 5000

const char hvpipe_usage[] =
	"usage: pvm hvpipe NAME send SRC FILE|-          queue one message for the guest\n"
	"       pvm hvpipe NAME send SRC --framed [--no-wait] FILE|-\n"
	"       pvm hvpipe NAME recv SRC [--timeout SECS] one guest message to stdout\n"
	"       pvm hvpipe NAME recv SRC --follow [--count N] [--timeout SECS]\n"
	"       pvm hvpipe NAME close SRC | open SRC      end / restore the pipe to SRC\n"
	"       pvm hvpipe NAME status [--json]\n"
	"\n"
	"SRC is an HMC source id given to pvm run --hvpipe-source (0x0200xxxx).\n"
	"Framed streams: each message is a 4-byte big-endian length, then the payload\n"
	"(1 to 4048 bytes). --json prints the control-socket answers instead.\n";

struct hv_opts {
	const char *name, *op, *file;
	u32 src;
	bool framed, no_wait, follow, json;
	long count;
	int timeout_ms;
};


/* 0 when the answer is ok; else prints it and returns HV_REFUSED. */
static int answer(const struct hv_opts *o, struct json_object *resp, const char **code)
{
	struct json_object *err;

	if (code)
		*code = NULL;
	if (json_object_get_boolean(control__get(resp, "ok")))
		return 0;
	err = control__get(resp, "error");
	if (code)
		*code = json_object_get_string(control__get(err, "code"));
	if (!code || !*code || strcmp(*code, "full"))
		pr_err("%s: hvpipe %s: %s (%s)", o->name, o->op,
		       json_object_get_string(control__get(err, "message")),
		       json_object_get_string(control__get(err, "code")));
	return HV_REFUSED;
}

static bool write_all(int fd, const void *buf, size_t len)
{
	const u8 *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= n;
	}
	return true;
}

/* Reads exactly len bytes; 1 done, 0 clean EOF before the first byte, -1 error. */
static int read_full(int fd, void *buf, size_t len)
{
	u8 *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (!n)
			return got ? -1 : 0;
		got += n;
	}
	return 1;
}

static struct json_object *hv_args(const struct hv_opts *o)
{
	struct json_object *a = json_object_new_object();

	json_object_object_add(a, "op", json_object_new_string(o->op));
	if (strcmp(o->op, "status"))
		json_object_object_add(a, "source", json_object_new_int64(o->src));
	return a;
}

/* Offers one message; 0 queued, 1 outbox full (not printed), else an exit status. */
static int send_one(struct control_conn *c, const struct hv_opts *o, const u8 *data, size_t len)
{
	char b64[BASE64_LEN(HVPIPE_MAX_PAYLOAD) + 1];
	struct json_object *a = hv_args(o), *resp = NULL;
	const char *code;
	size_t n = base64_encode(data, len, b64);
	int ret;

	json_object_object_add(a, "data", json_object_new_string_len(b64, n));
	ret = control__call(c, "hvpipe", a, &resp);
	json_object_put(a);
	if (ret) {
		json_object_put(resp);
		return control__conn_error(o->name, ret);
	}
	ret = answer(o, resp, &code);
	if (ret && code && !strcmp(code, "full"))
		ret = 1;
	else if (ret)
		ret = HV_REFUSED + 100;	/* printed already */
	json_object_put(resp);
	return ret;
}

static int open_input(const char *file)
{
	int fd;

	if (!strcmp(file, "-"))
		return STDIN_FILENO;
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		pr_err("cannot open '%s': %s", file, strerror(errno));
	return fd;
}

static int do_send(struct control_conn *c, const struct hv_opts *o)
{
	u8 buf[HVPIPE_MAX_PAYLOAD + 1];
	unsigned long queued = 0, refused = 0;
	int fd = open_input(o->file), ret = 0;

	if (fd < 0)
		return PVM_EXIT_NOINPUT;
	if (!o->framed) {
		size_t len = 0;
		ssize_t n;

		/* One extra byte tells "exactly 4048" from "too long". */
		while (len < sizeof(buf) && (n = read(fd, buf + len, sizeof(buf) - len)) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				pr_err("reading '%s': %s", o->file, strerror(errno));
				return PVM_EXIT_NOINPUT;
			}
			len += n;
		}
		if (!len || len > HVPIPE_MAX_PAYLOAD) {
			pr_err("hvpipe send: a message is 1 to %d bytes, '%s' has %s", HVPIPE_MAX_PAYLOAD,
			       o->file, len ? "more" : "none");
			return PVM_EXIT_USAGE;
		}
		ret = send_one(c, o, buf, len);
		if (ret == 1)
			pr_err("%s: hvpipe send: queue full: %d messages for source 0x%08x wait for the guest",
			       o->name, HVPIPE_QUEUE_MAX, o->src);
		return ret > 100 ? ret - 100 : ret;
	}
	for (;;) {
		u8 hdr[4];
		u32 len;
		int r = read_full(fd, hdr, 4);

		if (!r)
			break;
		len = (u32)hdr[0] << 24 | hdr[1] << 16 | hdr[2] << 8 | hdr[3];
		if (r < 0 || !len || len > HVPIPE_MAX_PAYLOAD || read_full(fd, buf, len) != 1) {
			pr_err("hvpipe send --framed: bad frame after %lu messages (want a 4-byte big-endian "
			       "length of 1..%d, then the payload)", queued + refused, HVPIPE_MAX_PAYLOAD);
			ret = PVM_EXIT_USAGE;
			break;
		}
		while ((ret = send_one(c, o, buf, len)) == 1 && !o->no_wait)
			usleep(FULL_RETRY_US);	/* the guest is still reading: wait */
		if (ret == 1) {
			refused++;
			ret = 0;
			continue;
		}
		if (ret) {
			ret = ret > 100 ? ret - 100 : ret;
			break;
		}
		queued++;
	}
	if (refused || o->no_wait)
		fprintf(stderr, "pvm: hvpipe send: %lu queued, %lu refused (queue full)\n", queued, refused);
	return ret ? ret : refused ? HV_REFUSED : 0;
}

static int do_recv(struct control_conn *c, const struct hv_opts *o)
{
	struct json_object *a = hv_args(o), *resp = NULL, *res;
	long got = 0;
	int ret;

	json_object_object_add(a, "wait", json_object_new_boolean(true));
	if (o->follow) {
		json_object_object_add(a, "follow", json_object_new_boolean(true));
		if (o->count > 0)
			json_object_object_add(a, "count", json_object_new_int64(o->count));
	}
	ret = control__send(c, "hvpipe", a);
	json_object_put(a);
	if (ret)
		return control__conn_error(o->name, ret);
	for (;;) {
		u8 buf[HVPIPE_MAX_PAYLOAD];
		struct json_object *d;
		ssize_t n;

		ret = control__receive(c, &resp, o->timeout_ms);
		if (ret == -ETIMEDOUT) {
			pr_err("%s: hvpipe recv: timed out after %d s with %ld messages", o->name,
			       o->timeout_ms / 1000, got);
			return HV_REFUSED;
		}
		if (ret)
			return control__conn_error(o->name, ret);
		ret = answer(o, resp, NULL);
		if (ret) {
			json_object_put(resp);
			return ret;
		}
		res = control__get(resp, "result");
		d = control__get(res, "data");
		n = d ? base64_decode(json_object_get_string(d), json_object_get_string_len(d),
				      buf, sizeof(buf)) : -EINVAL;
		if (n <= 0) {
			pr_err("%s: hvpipe recv: malformed answer", o->name);
			json_object_put(resp);
			return HV_REFUSED;
		}
		if (o->json) {
			puts(json_object_to_json_string_ext(resp, JSON_C_TO_STRING_PLAIN));
			fflush(stdout);
		} else {
			u8 hdr[4] = { n >> 24, n >> 16, n >> 8, n };

			if ((o->follow && !write_all(STDOUT_FILENO, hdr, 4)) ||
			    !write_all(STDOUT_FILENO, buf, n)) {
				json_object_put(resp);
				return HV_REFUSED;	/* the reader went away */
			}
		}
		json_object_put(resp);
		got++;
		if (!o->follow || (o->count > 0 && got == o->count))
			return 0;
	}
}

static int do_simple(struct control_conn *c, const struct hv_opts *o)
{
	struct json_object *a = hv_args(o), *resp = NULL, *res, *srcs;
	unsigned int i;
	int ret = control__call(c, "hvpipe", a, &resp);

	json_object_put(a);
	if (ret)
		return control__conn_error(o->name, ret);
	ret = answer(o, resp, NULL);
	res = control__get(resp, "result");
	if (ret) {
		/* printed */
	} else if (o->json) {
		puts(json_object_to_json_string_ext(res, JSON_C_TO_STRING_PRETTY |
						    JSON_C_TO_STRING_SPACED));
	} else if (!strcmp(o->op, "status")) {
		printf("hvpipe %s, %lld payload events, %lld receives, %lld close events\n",
		       json_object_get_boolean(control__get(res, "enabled")) ? "enabled by the guest" :
		       "not enabled by the guest",
		       (long long)json_object_get_int64(control__get(res, "payload_events")),
		       (long long)json_object_get_int64(control__get(res, "receives")),
		       (long long)json_object_get_int64(control__get(res, "close_events")));
		printf("%-12s %-6s %6s %6s %10s %10s\n", "SOURCE", "PIPE", "INBOX", "OUTBOX",
		       "FROM-GUEST", "TO-GUEST");
		srcs = control__get(res, "sources");
		for (i = 0; srcs && i < json_object_array_length(srcs); i++) {
			struct json_object *s = json_object_array_get_idx(srcs, i);

			printf("0x%08llx   %-6s %6lld %6lld %10lld %10lld\n",
			       (unsigned long long)json_object_get_int64(control__get(s, "id")),
			       json_object_get_boolean(control__get(s, "open")) ? "open" : "closed",
			       (long long)json_object_get_int64(control__get(s, "inbox")),
			       (long long)json_object_get_int64(control__get(s, "outbox")),
			       (long long)json_object_get_int64(control__get(s, "from_guest")),
			       (long long)json_object_get_int64(control__get(s, "to_guest")));
		}
	} else {
		printf("%s: pipe to 0x%08x %s\n", o->name, o->src,
		       o->op[0] == 'c' ? "closed" : "open");
	}
	json_object_put(resp);
	return ret;
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "pvm: hvpipe: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see pvm hvpipe --help)\n");
	return PVM_EXIT_USAGE;
}

int cmd_hvpipe(int argc, char **argv)
{
	struct hv_opts o = { .timeout_ms = -1 };
	const char *pos[4];
	unsigned int npos = 0;
	struct control_conn c;
	char *end;
	int i, ret;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(hvpipe_usage, stdout);
			return 0;
		} else if (!strcmp(a, "--framed")) {
			o.framed = true;
		} else if (!strcmp(a, "--no-wait")) {
			o.no_wait = true;
		} else if (!strcmp(a, "--follow")) {
			o.follow = true;
		} else if (!strcmp(a, "--json")) {
			o.json = true;
		} else if (!strcmp(a, "--count") || !strcmp(a, "--timeout")) {
			long v;

			if (i + 1 == argc)
				return usage_error("%s needs a number", a);
			errno = 0;
			v = strtol(argv[++i], &end, 10);
			if (errno || *end || v <= 0 || v > 1000000000L)
				return usage_error("%s wants a positive number", a);
			if (a[2] == 'c')
				o.count = v;
			else
				o.timeout_ms = v > 2000000 ? 2000000000 : v * 1000;
		} else if (a[0] == '-' && a[1]) {
			return usage_error("unknown option %s", a);
		} else if (npos < ARRAY_SIZE(pos)) {
			pos[npos++] = a;
		} else {
			return usage_error("unexpected argument '%s'", a);
		}
	}
	if (npos < 2)
		return usage_error("%s", "need NAME and an operation");
	o.name = pos[0];
	o.op = pos[1];
	if (!strcmp(o.op, "status")) {
		if (npos != 2)
			return usage_error("%s", "status takes no further arguments");
	} else if (!strcmp(o.op, "send") || !strcmp(o.op, "recv") || !strcmp(o.op, "close") ||
		   !strcmp(o.op, "open")) {
		unsigned int want = !strcmp(o.op, "send") ? 4 : 3;

		if (npos != want)
			return usage_error("wrong number of arguments for %s", o.op);
		if (hvpipe__parse_id(pos[2], &o.src))
			return usage_error("'%s' is not an HMC source id (0x0200xxxx)", pos[2]);
		o.file = want == 4 ? pos[3] : NULL;
	} else {
		return usage_error("unknown operation '%s'", o.op);
	}
	if ((o.framed || o.no_wait) && strcmp(o.op, "send"))
		return usage_error("%s", "--framed and --no-wait go with send");
	if ((o.follow || o.count || o.timeout_ms >= 0) && strcmp(o.op, "recv"))
		return usage_error("%s", "--follow, --count and --timeout go with recv");
	if (o.count && !o.follow)
		return usage_error("%s", "--count goes with --follow");

	ret = control__connect(o.name, &c);
	if (ret)
		return control__conn_error(o.name, ret);
	if (!strcmp(o.op, "send"))
		ret = do_send(&c, &o);
	else if (!strcmp(o.op, "recv"))
		ret = do_recv(&c, &o);
	else
		ret = do_simple(&c, &o);
	control__disconnect(&c);
	return ret;
}
