// SPDX-License-Identifier: GPL-2.0
/*
 * Control socket server. Each client line is one JSON request:
 *   {"version": 1, "id": <any>, "command": "query", "args": {...}}
 * answered by one line:
 *   {"version": 1, "id": <same>, "ok": true, "result": {...}}
 *   {"version": 1, "id": <same>, "ok": false, "error": {"code": "...", "message": "..."}}
 * Served from the main-thread event loop: a slow or hostile client costs
 * the vCPUs nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli/control.h"
#include "pvm/event.h"
#include "papr/drc.h"
#include "papr/events.h"
#include "pvm/base64.h"
#include "papr/hvpipe.h"
#include "pvm/log.h"
#include "pvm/vm.h"

/*
 * Answers wait in out[] while the client is not reading; meanwhile no more
 * requests are taken from it (backpressure), so a client pipelining many
 * requests gets every answer and one that never reads costs at most
 * OUT_MAX bytes before it is dropped.
 */
#define OUT_MAX (1 << 20)
#define OUT_PAUSE (64 << 10)

struct client {
	struct client *next;
	int fd;
	/* Parked on "hvpipe recv" until a guest message (or a close) arrives. */
	bool parked, follow;
	u32 park_src;
	s64 park_left;			/* messages still wanted; < 0: no limit */
	struct json_object *park_id;
	char *out;
	size_t out_len, out_off;
	size_t len;
	char buf[CONTROL_MAX_LINE];	/* last: accept_client() clears what comes before */
};

static int listen_fd = -1;
static char sock_path[108];
static unsigned int nr_clients;
static struct client *clients;

int control__error(struct control_error *err, const char *code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -1;
}

int control__dir(char *buf, size_t size)
{
	const char *d = getenv("PVM_SOCKET_DIR"), *xdg = getenv("XDG_RUNTIME_DIR");
	int n;

	if (d && *d)
		n = snprintf(buf, size, "%s", d);
	else if (xdg && *xdg)
		n = snprintf(buf, size, "%s/pvm", xdg);
	else if (geteuid() == 0 && !access("/run", W_OK))
		n = snprintf(buf, size, "/run/pvm");
	else
		n = snprintf(buf, size, "/tmp/pvm-%u", (unsigned int)geteuid());
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int control__check_dir(const char *dir, bool create, char *why, size_t size)
{
	struct stat st;

	if (create && mkdir(dir, 0700) && errno != EEXIST) {
		snprintf(why, size, "cannot be created: %s", strerror(errno));
		return -errno;
	}
	if (lstat(dir, &st)) {
		snprintf(why, size, "%s", strerror(errno));
		return -errno;
	}
	if (S_ISLNK(st.st_mode)) {
		snprintf(why, size, "is a symbolic link");
		return -ELOOP;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(why, size, "is not a directory");
		return -ENOTDIR;
	}
	if (st.st_uid != geteuid()) {
		snprintf(why, size, "belongs to uid %u, not to you (uid %u)",
			 (unsigned int)st.st_uid, (unsigned int)geteuid());
		return -EPERM;
	}
	if (st.st_mode & 077) {
		snprintf(why, size, "is open to other users (mode %04o; chmod 700 it)",
			 (unsigned int)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

int control__path(const char *name, char *buf, size_t size)
{
	char dir[108];
	int n;

	if (!name || !*name || strchr(name, '/') || strlen(name) > 64)
		return -EINVAL;
	if (control__dir(dir, sizeof(dir)))
		return -ENAMETOOLONG;
	n = snprintf(buf, size, "%s/%s.sock", dir, name);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* ---- commands ---- */

static const char *state_name(struct vm *vm)
{
	if (vm__exiting(vm))
		return "stopping";
	return vm->paused ? "paused" : "running";
}

static int cmd_query(struct vm *vm, struct json_object *args __unused,
		     struct json_object *res, struct control_error *err __unused)
{
	struct json_object *mem = json_object_new_object();
	struct json_object *cpus = json_object_new_object();
	struct json_object *devs = json_object_new_array();
	struct json_object *vty = json_object_new_object();

	json_object_object_add(res, "name", json_object_new_string(vm->cfg.name));
	json_object_object_add(res, "state", json_object_new_string(state_name(vm)));
	json_object_object_add(mem, "boot_bytes", json_object_new_int64(vm->cfg.ram_size));
	json_object_object_add(mem, "hotplugged_bytes", json_object_new_int64(drc__hotplugged_bytes(vm)));
	json_object_object_add(mem, "max_bytes", json_object_new_int64(MAX(vm->cfg.max_mem, vm->cfg.ram_size)));
	json_object_object_add(cpus, "vcpus", json_object_new_int64(vm__nr_vcpus(vm)));
	json_object_object_add(cpus, "threads_per_core", json_object_new_int64(vm->cfg.threads));
	json_object_object_add(cpus, "max_vcpus",
			       json_object_new_int64(vm->cfg.max_cores * vm->cfg.threads));
	json_object_object_add(res, "memory", mem);
	json_object_object_add(res, "cpus", cpus);
	json_object_object_add(vty, "type", json_object_new_string("vty"));
	json_object_object_add(vty, "reg", json_object_new_int64(0x30000000));
	json_object_array_add(devs, vty);
	json_object_object_add(res, "devices", devs);
	return 0;
}

static u64 rss_bytes(void)
{
	unsigned long long size, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%llu %llu", &size, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return rss * (u64)sysconf(_SC_PAGESIZE);
}

/* pvm's open file descriptors: a leak shows here first. */
static s64 open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	s64 n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* not the one reading the directory */
}

static int cmd_stats(struct vm *vm, struct json_object *args __unused,
		     struct json_object *res, struct control_error *err __unused)
{
	struct json_object *vcpus = json_object_new_array();
	struct timespec now;
	unsigned int i;

	clock_gettime(CLOCK_MONOTONIC, &now);
	json_object_object_add(res, "uptime_ms",
			       json_object_new_int64((now.tv_sec - vm->start.tv_sec) * 1000 +
						     (now.tv_nsec - vm->start.tv_nsec) / 1000000));
	json_object_object_add(res, "rss_bytes", json_object_new_int64(rss_bytes()));
	json_object_object_add(res, "fds", json_object_new_int64(open_fds()));
	pthread_mutex_lock(&vm->lock);
	for (i = 0; i < vm__nr_vcpus(vm); i++) {
		struct vcpu *v = vm->vcpus[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "id", json_object_new_int64(v->id));
		json_object_object_add(o, "state", json_object_new_string(
			v->state == VCPU_RUNNING ? "running" : "stopped"));
		json_object_object_add(o, "exits", json_object_new_int64(v->stat_exits));
		json_object_object_add(o, "hcalls", json_object_new_int64(v->stat_hcalls));
		json_object_array_add(vcpus, o);
	}
	pthread_mutex_unlock(&vm->lock);
	json_object_object_add(res, "vcpus", vcpus);
	return 0;
}

static int cmd_pause(struct vm *vm, struct json_object *args __unused,
		     struct json_object *res __unused, struct control_error *err)
{
	if (vm->paused)
		return control__error(err, "state", "the VM is already paused");
	vm__pause(vm, true);
	return 0;
}

static int cmd_resume(struct vm *vm, struct json_object *args __unused,
		      struct json_object *res __unused, struct control_error *err)
{
	if (!vm->paused)
		return control__error(err, "state", "the VM is not paused");
	vm__pause(vm, false);
	return 0;
}

static int cmd_stop(struct vm *vm, struct json_object *args,
		    struct json_object *res, struct control_error *err)
{
	struct json_object *f;
	bool force = false;

	if (args && json_object_object_get_ex(args, "force", &f)) {
		if (!json_object_is_type(f, json_type_boolean))
			return control__error(err, "bad-argument", "\"force\" must be true or false");
		force = json_object_get_boolean(f);
	}
	if (force) {
		pr_info("control: forced stop");
		vm__request_exit(vm, VM_EXIT_SIGNAL);
		json_object_object_add(res, "stopping", json_object_new_string("forced"));
		return 0;
	}
	if (vm->paused)
		return control__error(err, "state", "the VM is paused: resume it or use --force");
	if (events__irq(vm, EVENT_EPOW) < 0)
		return control__error(err, "unsupported",
				      "the guest has no EPOW interrupt (no in-kernel XICS): use force");
	if (events__epow_shutdown(vm))
		return control__error(err, "busy", "too many events queued for the guest");
	json_object_object_add(res, "stopping", json_object_new_string("guest shutdown requested"));
	return 0;
}

/*
 * An integer argument within [min, max]. json-c saturates numbers beyond
 * 64 bits to INT64_MIN/MAX, so those two are refused as well: no argument
 * can mean them.
 */
static bool int_arg(struct json_object *args, const char *key, s64 min, s64 max, s64 *out)
{
	struct json_object *o;
	s64 v;

	if (!json_object_object_get_ex(args, key, &o) || !json_object_is_type(o, json_type_int))
		return false;
	v = json_object_get_int64(o);
	if (v == INT64_MIN || v == INT64_MAX || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static int cmd_hotplug(struct vm *vm, struct json_object *args,
		       struct json_object *res, struct control_error *err)
{
	struct json_object *r;
	char why[160];
	s64 bytes;
	int ret;

	if (!args || !json_object_object_get_ex(args, "resource", &r) ||
	    !json_object_is_type(r, json_type_string))
		return control__error(err, "bad-argument", "\"resource\" must be \"mem\" or \"cpu\"");
	if (!strcmp(json_object_get_string(r), "cpu")) {
		if (!int_arg(args, "count", -PVM_MAX_VCPUS, PVM_MAX_VCPUS, &bytes) || !bytes)
			return control__error(err, "bad-argument",
					      "\"count\" must be a non-zero integer from %d to %d",
					      -PVM_MAX_VCPUS, PVM_MAX_VCPUS);
		ret = drc__hotplug_cpu(vm, bytes, why, sizeof(why));
	} else if (!strcmp(json_object_get_string(r), "mem")) {
		if (!int_arg(args, "bytes", -(s64)PVM_MAX_RAM, PVM_MAX_RAM, &bytes) || !bytes)
			return control__error(err, "bad-argument",
					      "\"bytes\" must be a non-zero integer within +-%llu GiB",
					      PVM_MAX_RAM / SZ_1G);
		ret = drc__hotplug_mem(vm, bytes, why, sizeof(why));
	} else {
		return control__error(err, "bad-argument", "\"resource\" must be \"mem\" or \"cpu\"");
	}
	if (ret)
		return control__error(err, ret == -ENOTSUP ? "unsupported" :
					   ret == -EBUSY ? "busy" :
					   ret == -ENOSPC ? "limit" : "bad-argument", "%s", why);
	json_object_object_add(res, "requested_bytes", json_object_new_int64(bytes));
	return 0;
}

/* ---- hvpipe: the host side of the guest's hypervisor pipe ---- */

static struct client *serving;	/* the client whose request is being handled */

/* A command's "answer later": the client is parked (hvpipe recv --wait). */
#define CONTROL_PARK 1		/* answered now, more answers follow */
#define CONTROL_PARK_SILENT 2	/* no answer yet */

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
	struct hvpipe_stat st;
	unsigned int i;

	hvpipe__stat(vm, &st);
	for (i = 0; i < st.nr_sources; i++)
		if (st.src[i].id == src)
			return st.src[i].open;
	return false;
}

static int cmd_hvpipe(struct vm *vm, struct json_object *args,
		      struct json_object *res, struct control_error *err)
{
	struct json_object *o, *d;
	u8 buf[HVPIPE_MAX_PAYLOAD];
	bool follow, wait;
	const char *op;
	s64 v, count;
	size_t len;
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
	if (!json_object_object_get_ex(args, "source", &o) || !json_object_is_type(o, json_type_int) ||
	    (v = json_object_get_int64(o)) < 0 || v > 0xffffffffLL || !hvpipe__valid_id(v))
		return control__error(err, "bad-argument", "\"source\" must be an HMC source id 0x0200xxxx");
	src = v;
	if (!strcmp(op, "send")) {
		ssize_t n;

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
	if (!strcmp(op, "close") || !strcmp(op, "open")) {
		ret = op[0] == 'c' ? hvpipe__host_close(vm, src) : hvpipe__host_open(vm, src);
		return ret ? hvpipe_err(err, ret, src) : 0;
	}
	if (strcmp(op, "recv"))
		return control__error(err, "bad-argument",
				      "\"op\" must be send, recv, close, open or status");
	follow = json_object_object_get_ex(args, "follow", &o) && json_object_get_boolean(o);
	wait = follow || (json_object_object_get_ex(args, "wait", &o) && json_object_get_boolean(o));
	count = -1;
	if (json_object_object_get_ex(args, "count", &o)) {
		if (!json_object_is_type(o, json_type_int) || (count = json_object_get_int64(o)) <= 0)
			return control__error(err, "bad-argument", "\"count\" must be a positive integer");
	}
	if (!follow)
		count = 1;
	ret = hvpipe__host_recv(vm, src, buf, &len);
	if (!ret) {
		hvpipe_message(res, src, buf, len);
		if (count == 1)
			return 0;
		/* More to stream: answer this one and stay parked for the rest. */
		serving->follow = true;
		serving->park_left = count > 0 ? count - 1 : -1;
		serving->park_src = src;
		return CONTROL_PARK;
	}
	if (ret != -EAGAIN)
		return hvpipe_err(err, ret, src);
	if (!source_open(vm, src))
		return hvpipe_err(err, -EPIPE, src);
	if (!wait)
		return control__error(err, "empty", "no message from the guest to source 0x%08x", src);
	serving->follow = follow;
	serving->park_left = count;
	serving->park_src = src;
	return CONTROL_PARK_SILENT;
}

static const struct {
	const char *name;
	int (*fn)(struct vm *vm, struct json_object *args, struct json_object *res,
		  struct control_error *err);
} commands[] = {
	{ "query", cmd_query },
	{ "stats", cmd_stats },
	{ "pause", cmd_pause },
	{ "resume", cmd_resume },
	{ "stop", cmd_stop },
	{ "hotplug", cmd_hotplug },
	{ "hvpipe", cmd_hvpipe },
};

/* ---- request/response ---- */

static struct json_object *handle_line(struct vm *vm, struct client *c, const char *line)
{
	struct json_object *req, *resp = json_object_new_object(), *res = NULL;
	struct json_object *id = NULL, *ver, *cmd, *args = NULL;
	struct control_error err = { 0 };
	enum json_tokener_error jerr;
	const char *name;
	unsigned int i;
	int ret = -1;

	json_object_object_add(resp, "version", json_object_new_int(CONTROL_PROTOCOL_VERSION));
	req = json_tokener_parse_verbose(line, &jerr);
	if (!req) {
		control__error(&err, "bad-json", "%s", json_tokener_error_desc(jerr));
		goto out;
	}
	if (!json_object_is_type(req, json_type_object)) {
		control__error(&err, "bad-request", "a request is a JSON object");
		goto out;
	}
	if (json_object_object_get_ex(req, "id", &id))
		json_object_object_add(resp, "id", json_object_get(id));
	if (json_object_object_get_ex(req, "version", &ver) &&
	    (!json_object_is_type(ver, json_type_int) ||
	     json_object_get_int64(ver) != CONTROL_PROTOCOL_VERSION)) {
		control__error(&err, "unsupported-version", "this pvm speaks protocol version %d",
			       CONTROL_PROTOCOL_VERSION);
		goto out;
	}
	if (!json_object_object_get_ex(req, "command", &cmd) ||
	    !json_object_is_type(cmd, json_type_string)) {
		control__error(&err, "bad-request", "missing \"command\" string");
		goto out;
	}
	if (json_object_object_get_ex(req, "args", &args) &&
	    !json_object_is_type(args, json_type_object)) {
		control__error(&err, "bad-request", "\"args\" must be an object");
		goto out;
	}
	name = json_object_get_string(cmd);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(name, commands[i].name))
			break;
	if (i == ARRAY_SIZE(commands)) {
		control__error(&err, "unknown-command", "unknown command '%.64s'", name);
		goto out;
	}
	res = json_object_new_object();
	serving = c;
	ret = commands[i].fn(vm, args, res, &err);
	serving = NULL;
	if (ret == CONTROL_PARK || ret == CONTROL_PARK_SILENT) {
		c->parked = true;
		c->park_id = id ? json_object_get(id) : NULL;
		if (ret == CONTROL_PARK_SILENT) {
			json_object_put(res);
			json_object_put(resp);
			json_object_put(req);
			return NULL;
		}
		ret = 0;
	}
out:
	json_object_object_add(resp, "ok", json_object_new_boolean(!ret));
	if (!ret) {
		json_object_object_add(resp, "result", res);
	} else {
		struct json_object *e = json_object_new_object();

		json_object_put(res);
		json_object_object_add(e, "code", json_object_new_string(err.code ? err.code : "internal"));
		json_object_object_add(e, "message", json_object_new_string(err.message));
		json_object_object_add(resp, "error", e);
	}
	json_object_put(req);
	return resp;
}

/*
 * One request line through the full command path, without a socket: for the
 * fuzz target (tests/fuzz/fuzz-control.c). A parked answer is dropped.
 */
struct json_object *control__handle_request(struct vm *vm, const char *line)
{
	static struct client *c;
	struct json_object *r;

	if (!c && !(c = calloc(1, sizeof(*c))))
		return NULL;
	c->fd = -1;
	r = handle_line(vm, c, line);
	json_object_put(c->park_id);
	c->park_id = NULL;
	c->parked = c->follow = false;
	return r;
}

static void unpark(struct client *c)
{
	c->parked = false;
	json_object_put(c->park_id);
	c->park_id = NULL;
}

static void client_close(struct vm *vm, struct client *c)
{
	struct client **pp;

	for (pp = &clients; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	unpark(c);
	event__del(vm, c->fd);
	close(c->fd);
	free(c->out);
	free(c);
	nr_clients--;
}

static bool queue_out(struct client *c, const char *s, size_t len)
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

static bool queue_json(struct client *c, struct json_object *o)
{
	size_t len;
	const char *s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &len);

	return queue_out(c, s, len);
}

/* Sends what it can; false if the client is gone. */
static bool flush_out(struct client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
		c->out_off += n;
	}
	c->out_off = c->out_len = 0;
	return true;
}

static void overlong(struct client *c)
{
	static const char msg[] = "{\"version\":1,\"ok\":false,\"error\":{\"code\":\"too-long\","
				  "\"message\":\"request line over 64 KiB\"}}";

	queue_out(c, msg, sizeof(msg) - 1);
}

/* Answers complete lines until the output backlog says to wait. */
static bool serve_lines(struct vm *vm, struct client *c)
{
	char *nl;

	while (!c->parked && c->out_len < OUT_PAUSE && (nl = memchr(c->buf, '\n', c->len))) {
		struct json_object *resp;
		bool queued = true;

		*nl = '\0';
		if (nl > c->buf && nl[-1] == '\r')
			nl[-1] = '\0';
		resp = handle_line(vm, c, c->buf);
		if (resp) {
			queued = queue_json(c, resp);
			json_object_put(resp);
		}
		c->len -= nl + 1 - c->buf;
		memmove(c->buf, nl + 1, c->len);
		c->buf[c->len] = '\0';
		if (!queued)
			return false;
	}
	return true;
}

/*
 * Answers a parked client from the guest's messages: -1 the client must go,
 * 0 nothing more for now, 1 stopped because the client is not reading.
 */
static int deliver_parked(struct vm *vm, struct client *c)
{
	u8 buf[HVPIPE_MAX_PAYLOAD];
	size_t len;

	while (c->parked) {
		struct json_object *resp, *res;
		struct control_error err = { 0 };
		bool queued;
		int ret;

		if (c->out_len >= OUT_PAUSE)
			return 1;
		ret = hvpipe__host_recv(vm, c->park_src, buf, &len);
		/* Still waiting, unless the pipe closed under it. */
		if (ret == -EAGAIN && source_open(vm, c->park_src))
			return 0;
		resp = json_object_new_object();
		json_object_object_add(resp, "version", json_object_new_int(CONTROL_PROTOCOL_VERSION));
		if (c->park_id)
			json_object_object_add(resp, "id", json_object_get(c->park_id));
		json_object_object_add(resp, "ok", json_object_new_boolean(!ret));
		if (!ret) {
			res = json_object_new_object();
			hvpipe_message(res, c->park_src, buf, len);
			json_object_object_add(resp, "result", res);
			if (c->park_left > 0 && !--c->park_left)
				unpark(c);
		} else {
			res = json_object_new_object();
			hvpipe_err(&err, ret == -EAGAIN ? -EPIPE : ret, c->park_src);
			json_object_object_add(res, "code", json_object_new_string(err.code));
			json_object_object_add(res, "message", json_object_new_string(err.message));
			json_object_object_add(resp, "error", res);
			unpark(c);
		}
		queued = queue_json(c, resp);
		json_object_put(resp);
		if (!queued)
			return -1;
	}
	return 0;
}

/* Serve parked waits and request lines, sending in turns; false if the client must go. */
static bool client_pump(struct vm *vm, struct client *c)
{
	int more;

	do {
		bool was_parked = c->parked;

		more = c->parked ? deliver_parked(vm, c) : 0;
		if (more < 0 || !serve_lines(vm, c) || !flush_out(c))
			return false;
		/* A request just parked: the guest may have sent already. */
		if (!was_parked && c->parked)
			more = 1;
	} while (!c->out_len && (more > 0 || (!c->parked && memchr(c->buf, '\n', c->len))));
	return true;
}

static void client_event(struct vm *vm, int fd, u32 events, void *data)
{
	struct client *c = data;
	bool too_long = false;

	if (events & EPOLLIN) {
		ssize_t n = recv(fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len, MSG_DONTWAIT);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			client_close(vm, c);
			return;
		}
		if (n > 0) {
			c->len += n;
			c->buf[c->len] = '\0';
		}
	} else if (events & (EPOLLERR | EPOLLHUP)) {
		client_close(vm, c);
		return;
	}
	/* Serve and send in turns while the client keeps taking the answers. */
	if (!client_pump(vm, c)) {
		client_close(vm, c);
		return;
	}
	if (c->len == sizeof(c->buf) - 1 && !memchr(c->buf, '\n', c->len)) {
		overlong(c);
		too_long = true;
		if (!flush_out(c) || !c->out_len) {
			client_close(vm, c);
			return;
		}
	}
	if (too_long) {
		/* Say why, then hang up once the answer is out. */
		c->len = 0;
		event__mod(vm, fd, EPOLLOUT);
		c->buf[0] = '\0';
		return;
	}
	/* Backlog: wait until the client reads; else take more requests. */
	event__mod(vm, fd, c->out_len ? EPOLLOUT : EPOLLIN);
}

static void accept_client(struct vm *vm, int fd, u32 events __unused, void *data __unused)
{
	int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	struct client *c;

	if (cfd < 0)
		return;
	if (nr_clients >= CONTROL_MAX_CLIENTS) {
		static const char busy[] = "{\"version\":1,\"ok\":false,\"error\":{\"code\":\"busy\","
					   "\"message\":\"too many control clients\"}}\n";
		ssize_t n __unused = send(cfd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);

		close(cfd);
		return;
	}
	c = malloc(sizeof(*c));
	if (!c) {
		close(cfd);
		return;
	}
	memset(c, 0, offsetof(struct client, buf));
	c->fd = cfd;
	if (event__add(vm, cfd, EPOLLIN, client_event, c)) {
		close(cfd);
		free(c);
		return;
	}
	c->next = clients;
	clients = c;
	nr_clients++;
}

/* The guest sent something or a pipe closed: answer the parked clients. */
static void hvpipe_wake(struct vm *vm, int fd, u32 events __unused, void *data __unused)
{
	struct client *c, *next;
	u64 v;
	ssize_t n __unused = read(fd, &v, sizeof(v));

	for (c = clients; c; c = next) {
		next = c->next;
		if (!c->parked)
			continue;
		if (!client_pump(vm, c))
			client_close(vm, c);
		else
			event__mod(vm, c->fd, c->out_len ? EPOLLOUT : EPOLLIN);
	}
}

int control__init(struct vm *vm)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[108], why[128];
	mode_t mask;
	int fd, ret;

	if (control__dir(dir, sizeof(dir)) ||
	    control__path(vm->cfg.name, sock_path, sizeof(sock_path))) {
		pr_err("--name %s: not usable as a control socket name (letters, no '/', at most 64)",
		       vm->cfg.name);
		return -EINVAL;
	}
	/*
	 * Only a private directory of ours: in someone else's (or an open one),
	 * another local user could swap the socket and answer our clients.
	 */
	ret = control__check_dir(dir, true, why, sizeof(why));
	if (ret) {
		pr_err("control socket directory %s %s: refusing it (remove it, or set "
		       "PVM_SOCKET_DIR to a directory only you can use)", dir, why);
		return ret;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		ret = -errno;
		pr_err("control socket %s: %s", sock_path, strerror(-ret));
		return ret;
	}
	/* A socket file nobody answers on is left from a crashed pvm: reuse the name. */
	if (!access(sock_path, F_OK)) {
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (probe >= 0 && !connect(probe, (struct sockaddr *)&sa, sizeof(sa))) {
			close(probe);
			close(fd);
			pr_err("a VM named '%s' is already running (%s)", vm->cfg.name, sock_path);
			return -EADDRINUSE;
		}
		if (probe >= 0)
			close(probe);
		unlink(sock_path);
	}
	/* Created 0600 by bind itself: no chmod by path afterwards. */
	mask = umask(0177);
	ret = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(mask);
	if (!ret)
		ret = listen(fd, 64);
	if (ret) {
		pr_err("control socket %s: %m", sock_path);
		close(fd);
		return -errno;
	}
	ret = event__add(vm, fd, EPOLLIN, accept_client, NULL);
	if (ret) {
		close(fd);
		unlink(sock_path);
		return ret;
	}
	listen_fd = fd;
	if (hvpipe__notify_fd(vm) >= 0) {
		ret = event__add(vm, hvpipe__notify_fd(vm), EPOLLIN, hvpipe_wake, NULL);
		if (ret) {
			control__exit(vm);
			return ret;
		}
	}
	pr_info("control socket %s", sock_path);
	return 0;
}

void control__exit(struct vm *vm __unused)
{
	if (listen_fd >= 0) {
		close(listen_fd);
		unlink(sock_path);
		listen_fd = -1;
	}
}
