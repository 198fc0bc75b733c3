// SPDX-License-Identifier: GPL-2.0
/* The control socket protocol, served by the real event loop in a thread. */
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <json-c/json.h>

#include "testvm.h"
#include "cli/control.h"
#include "pvm/command.h"
#include "pvm/event.h"
#include "pvm/module.h"
#include "papr/events.h"

#include "ctl-client.h"

#include "kselftest_harness.h"

/*
 * A test module with one command that answers later: "later" takes one
 * token per answer (the test hands them out and wakes the server, as a
 * device thread would), "count" answers in all (the last one a reply, or
 * with "end" a bare end), "pad" bytes of padding in each, "inline" to
 * answer from run() itself. "fire" answers the open "later" of any client
 * from another client's request; "no-defer" forgets to defer.
 */
static int tokens, cancelled;		/* shared with the loop thread: atomics */
static struct control_call *open_later;	/* loop thread only */

struct later {
	s64 left, seq, pad;
	bool end;
};

static void later_done(struct control_call *call)
{
	if (open_later == call)
		open_later = NULL;
	free(control__call_priv(call));
}

static void later_ready(struct vm *vm, struct control_call *call)
{
	struct later *l = control__call_priv(call);
	int t = __atomic_load_n(&tokens, __ATOMIC_ACQUIRE);
	struct json_object *res;

	do {
		if (t <= 0)
			return;
	} while (!__atomic_compare_exchange_n(&tokens, &t, t - 1, false,
					      __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	res = json_object_new_object();
	json_object_object_add(res, "n", json_object_new_int64(l->seq++));
	if (l->pad) {
		char *pad = malloc(l->pad + 1);

		memset(pad, 'x', l->pad);
		pad[l->pad] = '\0';
		json_object_object_add(res, "pad", json_object_new_string(pad));
		free(pad);
	}
	if (--l->left) {
		control__stream(call, res);
	} else if (l->end) {
		control__stream(call, res);
		later_done(call);
		control__end(call);
	} else {
		later_done(call);
		control__reply(call, res);
	}
}

static void later_cancel(struct vm *vm, struct control_call *call)
{
	later_done(call);
	__atomic_add_fetch(&cancelled, 1, __ATOMIC_ACQ_REL);
}

static const struct control_call_ops later_ops = {
	.ready = later_ready,
	.cancel = later_cancel,
};

static int cmd_later(struct vm *vm, struct json_object *args, struct json_object *res,
		     struct control_error *err, struct control_call *call)
{
	struct later *l = calloc(1, sizeof(*l));
	struct json_object *o;
	s64 v = 1;

	if (!l)
		return control__error(err, "internal", "no memory");
	if (args && json_object_object_get_ex(args, "count", &o) &&
	    !control__int_arg(args, "count", 1, 1000000, &v)) {
		free(l);
		return control__error(err, "bad-argument", "\"count\" must be 1 to 1000000");
	}
	l->left = v;
	v = 0;
	if (args && json_object_object_get_ex(args, "pad", &o))
		control__int_arg(args, "pad", 0, 8192, &v);
	l->pad = v;
	l->end = args && json_object_object_get_ex(args, "end", &o) && json_object_get_boolean(o);
	control__defer(call, &later_ops, l);
	open_later = call;
	if (args && json_object_object_get_ex(args, "inline", &o)) {
		/* Answered at once through the call; res goes nowhere. */
		later_done(call);
		o = json_object_new_object();
		json_object_object_add(o, "inline", json_object_new_boolean(true));
		control__reply(call, o);
	}
	return CONTROL_DEFERRED;
}

static int cmd_fire(struct vm *vm, struct json_object *args, struct json_object *res,
		    struct control_error *err, struct control_call *call)
{
	struct control_call *target = open_later;
	struct json_object *o = json_object_new_object();

	if (!target)
		return control__error(err, "state", "nothing open");
	later_done(target);
	json_object_object_add(o, "fired", json_object_new_boolean(true));
	json_object_object_add(res, "answered", json_object_new_int(control__reply(target, o)));
	return 0;
}

static int cmd_no_defer(struct vm *vm, struct json_object *args, struct json_object *res,
			struct control_error *err, struct control_call *call)
{
	return CONTROL_DEFERRED;
}

static const struct control_command later_commands[] = {
	{ "later", cmd_later },
	{ "fire", cmd_fire },
	{ "no-defer", cmd_no_defer },
	{ NULL },
};

static const struct module later_module = {
	.name = "later",
	.commands = later_commands,
};

/* The machine's modules and the test module after them (the table is const). */
static void add_later_module(struct vm *vm)
{
	static const struct module *table[PVM_MAX_MODULES];
	unsigned int i;

	for (i = 0; i < vm->nr_modules; i++)
		table[i] = vm->modules[i];
	table[i] = &later_module;
	vm->modules = table;
	vm->nr_modules++;
	vm->nr_modules_up++;
	__atomic_store_n(&tokens, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&cancelled, 0, __ATOMIC_RELEASE);
	open_later = NULL;
}

/* Hand out n answers to open "later" calls, from this (non-loop) thread. */
static void give(struct vm *vm, int n)
{
	__atomic_add_fetch(&tokens, n, __ATOMIC_ACQ_REL);
	control__wake(vm);
}

static int wait_cancelled(int want)
{
	int i;

	for (i = 0; i < 500 && __atomic_load_n(&cancelled, __ATOMIC_ACQUIRE) < want; i++)
		usleep(10000);
	return __atomic_load_n(&cancelled, __ATOMIC_ACQUIRE);
}

FIXTURE(ctl) {
	struct testvm t;
	pthread_t loop;
	bool stopped;
	char dir[64];
	char path[128];
};

static void *loop_thread(void *arg)
{
	event__loop(arg, NULL);
	return NULL;
}

FIXTURE_SETUP(ctl)
{
	/* With a virtio device, for the counters "stats" reports per device. */
	const struct testvm_opts o = { .name = "ctltest", .nr_cpus = 1, .xics = true,
				       .virtio_rng = true };

	snprintf(self->dir, sizeof(self->dir), "/tmp/pvm-ctl-test-%d", getpid());
	setenv("PVM_SOCKET_DIR", self->dir, 1);
	ASSERT_EQ(0, testvm__setup(&self->t, &o));
	add_later_module(&self->t.vm);
	ASSERT_EQ(0, event__init(&self->t.vm));
	ASSERT_EQ(0, control__init(&self->t.vm));
	snprintf(self->path, sizeof(self->path), "%s/ctltest.sock", self->dir);
	ASSERT_EQ(0, pthread_create(&self->loop, NULL, loop_thread, &self->t.vm));
}

/* The loop ends, then the server: what pvm run does at the end. */
static void ctl_stop(FIXTURE_DATA(ctl) *self)
{
	if (self->stopped)
		return;
	self->stopped = true;
	vm__request_exit(&self->t.vm, VM_EXIT_SIGNAL);
	pthread_join(self->loop, NULL);
	control__exit(&self->t.vm);
}

FIXTURE_TEARDOWN(ctl)
{
	ctl_stop(self);
	rmdir(self->dir);
	testvm__teardown(&self->t);
}

TEST_F(ctl, socket_is_private)
{
	struct stat st;

	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(0600U, st.st_mode & 0777);
}

TEST_F(ctl, query)
{
	int fd = connect_to(self->path);
	struct json_object *r;

	ASSERT_LE(0, fd);
	r = ask(fd, "{\"version\":1,\"id\":7,\"command\":\"query\"}\n");
	ASSERT_NE(NULL, r);
	EXPECT_STREQ("true", field(r, "ok", NULL));
	EXPECT_STREQ("7", field(r, "id", NULL));
	EXPECT_STREQ("ctltest", field(r, "result", "name"));
	EXPECT_STREQ("running", field(r, "result", "state"));
	json_object_put(r);
	close(fd);
}

/* Additive fields: vCPU exits by kind, a "devices" array with the virtio counters. */
TEST_F(ctl, stats_exit_kinds_and_device_counters)
{
	static const char *const counters[] = { "notify_mmio", "notify_ioeventfd", "irq_irqfd",
						"irq_pci", "requests", "bytes", "errors" };
	struct json_object *r, *vcpus, *devs, *dev;
	int fd = connect_to(self->path);
	unsigned int i;

	ASSERT_LE(0, fd);
	self->t.vm.vcpus[0]->stat_mmio = 3;
	self->t.vm.vcpus[0]->stat_exits = 3;
	r = ask(fd, "{\"id\":1,\"command\":\"stats\"}\n");
	ASSERT_NE(NULL, r);
	EXPECT_STREQ("true", field(r, "ok", NULL));
	vcpus = jget(r, "result", "vcpus");
	ASSERT_EQ(1U, json_object_array_length(vcpus));
	EXPECT_STREQ("3", field(json_object_array_get_idx(vcpus, 0), "exits", NULL));
	EXPECT_STREQ("3", field(json_object_array_get_idx(vcpus, 0), "mmio", NULL));
	EXPECT_STREQ("0", field(json_object_array_get_idx(vcpus, 0), "hcalls", NULL));
	EXPECT_STREQ("0", field(json_object_array_get_idx(vcpus, 0), "intr", NULL));
	EXPECT_STREQ("0", field(json_object_array_get_idx(vcpus, 0), "fail", NULL));
	devs = jget(r, "result", "devices");
	ASSERT_TRUE(json_object_is_type(devs, json_type_array));
	ASSERT_EQ(1U, json_object_array_length(devs));
	dev = json_object_array_get_idx(devs, 0);
	EXPECT_STREQ("rng", field(dev, "name", NULL));
	EXPECT_STREQ("virtio-rng", field(dev, "type", NULL));
	for (i = 0; i < ARRAY_SIZE(counters); i++)
		EXPECT_STREQ("0", field(dev, counters[i], NULL));
	json_object_put(r);
	close(fd);
}

TEST_F(ctl, bad_requests_keep_the_connection)
{
	static const struct { const char *line, *code; } cases[] = {
		{ "{not json\n", "bad-json" },
		{ "[1,2,3]\n", "bad-request" },
		{ "{\"id\":1}\n", "bad-request" },
		{ "{\"command\":42}\n", "bad-request" },
		{ "{\"command\":\"frobnicate\",\"id\":\"x\"}\n", "unknown-command" },
		{ "{\"command\":\"query\",\"version\":99}\n", "unsupported-version" },
		{ "{\"command\":\"query\",\"args\":[1]}\n", "bad-request" },
		{ "{\"command\":\"stop\",\"args\":{\"force\":\"yes\"}}\n", "bad-argument" },
		{ "{\"command\":\"resume\"}\n", "state" },
		{ "{\"command\":\"hotplug\",\"args\":{\"resource\":\"mem\",\"bytes\":99999999999999999}}\n", "bad-argument" },
		/* Out-of-range numbers are refused, never truncated or negated. */
		{ "{\"command\":\"hotplug\",\"args\":{\"resource\":\"cpu\",\"count\":-9223372036854775808}}\n", "bad-argument" },
		{ "{\"command\":\"hotplug\",\"args\":{\"resource\":\"cpu\",\"count\":4294967297}}\n", "bad-argument" },
		{ "{\"command\":\"hotplug\",\"args\":{\"resource\":\"cpu\",\"count\":18446744073709551615}}\n", "bad-argument" },
		{ "{\"command\":\"hotplug\",\"args\":{\"resource\":\"cpu\",\"count\":0}}\n", "bad-argument" },
		{ "{\"command\":\"hotplug\",\"args\":{\"resource\":\"mem\",\"bytes\":1152921504875282432}}\n", "bad-argument" },
		{ "{\"command\":\"hotplug\",\"args\":{\"resource\":\"mem\",\"bytes\":-9223372036854775808}}\n", "bad-argument" },
		{ "{\"command\":\"hotplug\",\"args\":{\"resource\":\"mem\",\"bytes\":1e30}}\n", "bad-argument" },
	};
	int fd = connect_to(self->path);
	unsigned int i;

	ASSERT_LE(0, fd);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct json_object *r = ask(fd, cases[i].line);

		ASSERT_NE(NULL, r);
		EXPECT_STREQ("false", field(r, "ok", NULL));
		EXPECT_STREQ(cases[i].code, field(r, "error", "code"));
		EXPECT_STRNE("<none>", field(r, "error", "message"));
		json_object_put(r);
	}
	/* Still answering, and the VM is untouched. */
	{
		struct json_object *r = ask(fd, "{\"command\":\"query\"}\n");

		EXPECT_STREQ("true", field(r, "ok", NULL));
		json_object_put(r);
	}
	EXPECT_FALSE(vm__exiting(&self->t.vm));
	close(fd);
}

TEST_F(ctl, pause_resume)
{
	int fd = connect_to(self->path);
	struct json_object *r;

	ASSERT_LE(0, fd);
	r = ask(fd, "{\"command\":\"pause\"}\n");
	EXPECT_STREQ("true", field(r, "ok", NULL));
	json_object_put(r);
	EXPECT_TRUE(self->t.vm.paused);
	r = ask(fd, "{\"command\":\"pause\"}\n");
	EXPECT_STREQ("state", field(r, "error", "code"));
	json_object_put(r);
	r = ask(fd, "{\"command\":\"query\"}\n");
	EXPECT_STREQ("paused", field(r, "result", "state"));
	json_object_put(r);
	r = ask(fd, "{\"command\":\"resume\"}\n");
	EXPECT_STREQ("true", field(r, "ok", NULL));
	json_object_put(r);
	EXPECT_FALSE(self->t.vm.paused);
	close(fd);
}

TEST_F(ctl, graceful_stop_queues_epow)
{
	int fd = connect_to(self->path);
	struct json_object *r;

	ASSERT_LE(0, fd);
	r = ask(fd, "{\"command\":\"stop\"}\n");
	EXPECT_STREQ("true", field(r, "ok", NULL));
	json_object_put(r);
	EXPECT_EQ(1U, events__pending(&self->t.vm, EVENT_EPOW));
	EXPECT_FALSE(vm__exiting(&self->t.vm));
	close(fd);
}

TEST_F(ctl, forced_stop_ends_the_vm)
{
	int fd = connect_to(self->path);
	struct json_object *r;

	ASSERT_LE(0, fd);
	r = ask(fd, "{\"command\":\"stop\",\"args\":{\"force\":true}}\n");
	EXPECT_STREQ("true", field(r, "ok", NULL));
	json_object_put(r);
	EXPECT_TRUE(vm__exiting(&self->t.vm));
	EXPECT_EQ(VM_EXIT_SIGNAL, self->t.vm.exit_reason);
	close(fd);
}

TEST_F(ctl, thousand_pipelined_requests)
{
	static char burst[1000 * 64];
	int fd = connect_to(self->path), i, ok = 0;
	size_t len = 0;

	ASSERT_LE(0, fd);
	for (i = 0; i < 1000; i++)
		len += snprintf(burst + len, sizeof(burst) - len,
				i % 3 ? "{\"id\":%d,\"command\":\"stats\"}\n" : "{\"id\":%d,garbage\n", i);
	/* A writer thread would be needed if the answers filled the socket first. */
	for (i = 0; i < 1000; i++) {
		struct json_object *r;
		char want[16];

		if (i == 0)
			ASSERT_EQ((ssize_t)len, send(fd, burst, len, 0));
		r = read_resp(fd, -1);
		ASSERT_NE(NULL, r);
		snprintf(want, sizeof(want), "%d", i);
		if (i % 3) {
			if (!strcmp(field(r, "ok", NULL), "true") && !strcmp(field(r, "id", NULL), want))
				ok++;
		} else if (!strcmp(field(r, "error", "code"), "bad-json")) {
			ok++;
		}
		json_object_put(r);
	}
	EXPECT_EQ(1000, ok);
	close(fd);
}

TEST_F(ctl, too_many_clients_get_busy)
{
	int fds[CONTROL_MAX_CLIENTS + 8], i, busy = 0;
	struct json_object *r;

	for (i = 0; i < CONTROL_MAX_CLIENTS + 8; i++) {
		fds[i] = connect_to(self->path);
		ASSERT_LE(0, fds[i]);
		/* One round trip each, so the server has taken the previous ones. */
		r = ask(fds[i], "{\"command\":\"query\"}\n");
		/* Refused connections may be closed before our request is sent. */
		if (!r)
			r = read_resp(fds[i], -1);
		if (r && !strcmp(field(r, "error", "code"), "busy"))
			busy++;
		json_object_put(r);
	}
	EXPECT_EQ(8, busy);
	for (i = 0; i < CONTROL_MAX_CLIENTS + 8; i++)
		close(fds[i]);
	/* Closed clients free their slots. */
	usleep(100000);
	i = connect_to(self->path);
	r = ask(i, "{\"command\":\"query\"}\n");
	EXPECT_STREQ("true", field(r, "ok", NULL));
	json_object_put(r);
	close(i);
}

TEST_F(ctl, overlong_line_is_refused)
{
	int fd = connect_to(self->path);
	char *big = malloc(CONTROL_MAX_LINE + 16);
	struct json_object *r;

	ASSERT_LE(0, fd);
	memset(big, 'a', CONTROL_MAX_LINE + 16);
	send(fd, big, CONTROL_MAX_LINE + 16, MSG_NOSIGNAL);
	r = read_resp(fd, -1);
	EXPECT_STREQ("too-long", field(r, "error", "code"));
	json_object_put(r);
	free(big);
	close(fd);
	fd = connect_to(self->path);
	r = ask(fd, "{\"command\":\"query\"}\n");
	EXPECT_STREQ("true", field(r, "ok", NULL));
	json_object_put(r);
	close(fd);
}

TEST_F(ctl, client_helper_and_name_clash)
{
	struct json_object *r = NULL;
	struct vm other;
	struct vm_config cfg = { .name = "ctltest", .ram_size = 64 << 20 };

	ASSERT_EQ(0, control__request("ctltest", "query", NULL, &r));
	EXPECT_STREQ("ctltest", field(r, "result", "name"));
	json_object_put(r);
	EXPECT_EQ(-ENOENT, control__request("nosuch", "query", NULL, &r));
	EXPECT_EQ(-EINVAL, control__request("../etc", "query", NULL, &r));
	/* A second VM may not take a live VM's name. */
	ASSERT_EQ(0, vm__init(&other, &cfg));
	EXPECT_EQ(-EADDRINUSE, control__init(&other));
	vm__exit(&other);
}

/* ---- answers given later, and streams (include/pvm/command.h) ---- */

TEST_F(ctl, deferred_answer_comes_later)
{
	int fd = connect_to(self->path), other = connect_to(self->path);
	struct json_object *r;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, other);
	ASSERT_TRUE(send_line(fd, "{\"id\":\"l\",\"command\":\"later\"}\n"));
	EXPECT_EQ(NULL, read_resp(fd, 200));
	/* The loop serves others meanwhile. */
	r = ask(other, "{\"command\":\"query\"}\n");
	EXPECT_STREQ("true", field(r, "ok", NULL));
	json_object_put(r);
	give(&self->t.vm, 1);
	r = read_resp(fd, 5000);
	ASSERT_NE(NULL, r);
	EXPECT_STREQ("true", field(r, "ok", NULL));
	EXPECT_STREQ("l", field(r, "id", NULL));
	EXPECT_STREQ("0", field(r, "result", "n"));
	json_object_put(r);
	/* One answer, then requests again. */
	EXPECT_EQ(NULL, read_resp(fd, 100));
	r = ask(fd, "{\"id\":2,\"command\":\"query\"}\n");
	EXPECT_STREQ("2", field(r, "id", NULL));
	EXPECT_STREQ("true", field(r, "ok", NULL));
	json_object_put(r);
	EXPECT_EQ(0, __atomic_load_n(&cancelled, __ATOMIC_ACQUIRE));
	close(other);
	close(fd);
}

TEST_F(ctl, stream_answers_in_order_with_the_id)
{
	int fd = connect_to(self->path), i;
	struct json_object *r;
	char want[16];

	ASSERT_LE(0, fd);
	/* Three ready before the request, two after. */
	give(&self->t.vm, 3);
	ASSERT_TRUE(send_line(fd, "{\"id\":9,\"command\":\"later\",\"args\":{\"count\":5}}\n"));
	for (i = 0; i < 5; i++) {
		if (i == 3) {
			EXPECT_EQ(NULL, read_resp(fd, 200));
			give(&self->t.vm, 2);
		}
		r = read_resp(fd, 5000);
		ASSERT_NE(NULL, r) {
			TH_LOG("answer %d never came", i);
		}
		snprintf(want, sizeof(want), "%d", i);
		EXPECT_STREQ("9", field(r, "id", NULL));
		EXPECT_STREQ(want, field(r, "result", "n"));
		json_object_put(r);
	}
	/* Five and done: a spare token is left for the next call. */
	give(&self->t.vm, 1);
	EXPECT_EQ(NULL, read_resp(fd, 200));
	r = ask(fd, "{\"id\":10,\"command\":\"later\"}\n");
	EXPECT_STREQ("10", field(r, "id", NULL));
	EXPECT_STREQ("0", field(r, "result", "n"));
	json_object_put(r);
	close(fd);
}

TEST_F(ctl, stream_ended_without_a_last_answer)
{
	int fd = connect_to(self->path);
	struct json_object *r;

	ASSERT_LE(0, fd);
	give(&self->t.vm, 2);
	ASSERT_TRUE(send_line(fd, "{\"id\":1,\"command\":\"later\",\"args\":{\"count\":2,\"end\":true}}\n"
				  "{\"id\":2,\"command\":\"query\"}\n"));
	r = read_resp(fd, 5000);
	EXPECT_STREQ("0", field(r, "result", "n"));
	json_object_put(r);
	r = read_resp(fd, 5000);
	EXPECT_STREQ("1", field(r, "result", "n"));
	json_object_put(r);
	r = read_resp(fd, 5000);
	EXPECT_STREQ("2", field(r, "id", NULL));
	EXPECT_STREQ("ctltest", field(r, "result", "name"));
	json_object_put(r);
	close(fd);
}

/* Pipelined requests wait behind an open call: answers never interleave. */
TEST_F(ctl, requests_wait_behind_an_open_call)
{
	int fd = connect_to(self->path);
	struct json_object *r;

	ASSERT_LE(0, fd);
	ASSERT_TRUE(send_line(fd, "{\"id\":1,\"command\":\"later\",\"args\":{\"count\":2}}\n"
				  "{\"id\":2,\"command\":\"query\"}\n"));
	EXPECT_EQ(NULL, read_resp(fd, 200));
	give(&self->t.vm, 1);
	r = read_resp(fd, 5000);
	EXPECT_STREQ("1", field(r, "id", NULL));
	json_object_put(r);
	EXPECT_EQ(NULL, read_resp(fd, 200));
	give(&self->t.vm, 1);
	r = read_resp(fd, 5000);
	EXPECT_STREQ("1", field(r, "id", NULL));
	EXPECT_STREQ("1", field(r, "result", "n"));
	json_object_put(r);
	r = read_resp(fd, 5000);
	EXPECT_STREQ("2", field(r, "id", NULL));
	EXPECT_STREQ("true", field(r, "ok", NULL));
	json_object_put(r);
	close(fd);
}

TEST_F(ctl, answered_from_another_clients_request)
{
	int fd = connect_to(self->path), other = connect_to(self->path);
	struct json_object *r;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, other);
	r = ask(other, "{\"command\":\"fire\"}\n");
	EXPECT_STREQ("state", field(r, "error", "code"));
	json_object_put(r);
	ASSERT_TRUE(send_line(fd, "{\"id\":\"a\",\"command\":\"later\"}\n{\"id\":\"b\",\"command\":\"stats\"}\n"));
	EXPECT_EQ(NULL, read_resp(fd, 200));
	r = ask(other, "{\"command\":\"fire\"}\n");
	EXPECT_STREQ("true", field(r, "ok", NULL));
	EXPECT_STREQ("0", field(r, "result", "answered"));
	json_object_put(r);
	r = read_resp(fd, 5000);
	EXPECT_STREQ("a", field(r, "id", NULL));
	EXPECT_STREQ("true", field(r, "result", "fired"));
	json_object_put(r);
	/* The request behind it is served without anything else from the client. */
	r = read_resp(fd, 5000);
	EXPECT_STREQ("b", field(r, "id", NULL));
	EXPECT_STREQ("true", field(r, "ok", NULL));
	json_object_put(r);
	close(other);
	close(fd);
}

TEST_F(ctl, answered_inside_run_and_forgotten_deferral)
{
	int fd = connect_to(self->path);
	struct json_object *r, *id;

	ASSERT_LE(0, fd);
	r = ask(fd, "{\"id\":null,\"command\":\"later\",\"args\":{\"inline\":true}}\n");
	EXPECT_STREQ("true", field(r, "result", "inline"));
	EXPECT_STREQ("<none>", field(r, "result", "ignored"));
	/* A null id is an id: echoed. */
	EXPECT_TRUE(json_object_object_get_ex(r, "id", &id));
	EXPECT_EQ(NULL, id);
	json_object_put(r);
	r = ask(fd, "{\"id\":3,\"command\":\"no-defer\"}\n");
	EXPECT_STREQ("internal", field(r, "error", "code"));
	EXPECT_STREQ("3", field(r, "id", NULL));
	json_object_put(r);
	/* A deferred answer echoes a null id too. */
	give(&self->t.vm, 1);
	r = ask(fd, "{\"id\":null,\"command\":\"later\"}\n");
	EXPECT_TRUE(json_object_object_get_ex(r, "id", &id));
	EXPECT_EQ(NULL, id);
	json_object_put(r);
	r = ask(fd, "{\"command\":\"later\",\"args\":{\"count\":0}}\n");
	EXPECT_STREQ("bad-argument", field(r, "error", "code"));
	json_object_put(r);
	EXPECT_EQ(0, __atomic_load_n(&cancelled, __ATOMIC_ACQUIRE));
	close(fd);
}

TEST_F(ctl, cancelled_when_the_client_goes)
{
	int fd = connect_to(self->path);

	ASSERT_LE(0, fd);
	ASSERT_TRUE(send_line(fd, "{\"command\":\"later\",\"args\":{\"count\":3}}\n"));
	give(&self->t.vm, 1);
	EXPECT_NE(NULL, read_resp(fd, 5000));
	close(fd);
	EXPECT_EQ(1, wait_cancelled(1));
	/* The token given now is not taken by anybody. */
	give(&self->t.vm, 1);
	usleep(100000);
	EXPECT_EQ(1, __atomic_load_n(&tokens, __ATOMIC_ACQUIRE));
}

TEST_F(ctl, cancelled_when_the_server_stops)
{
	int fd = connect_to(self->path);

	ASSERT_LE(0, fd);
	ASSERT_TRUE(send_line(fd, "{\"command\":\"later\"}\n"));
	EXPECT_EQ(NULL, read_resp(fd, 200));
	EXPECT_EQ(0, __atomic_load_n(&cancelled, __ATOMIC_ACQUIRE));
	ctl_stop(self);
	EXPECT_EQ(1, __atomic_load_n(&cancelled, __ATOMIC_ACQUIRE));
	/* The client sees the end of the connection, not an answer. */
	EXPECT_EQ(NULL, read_resp(fd, 1000));
	close(fd);
}

/*
 * A stream 2.5 times the answer backlog a client may have (1 MiB): taken
 * only as fast as the client reads, so a reader that pauses loses nothing
 * and is not dropped, and what it has not read stays with the command.
 */
TEST_F(ctl, stream_follows_a_slow_reader)
{
	int fd = connect_to(self->path), i, ok = 0;
	struct json_object *r;
	char want[16];

	ASSERT_LE(0, fd);
	give(&self->t.vm, 2560);
	ASSERT_TRUE(send_line(fd, "{\"id\":4,\"command\":\"later\",\"args\":{\"count\":2560,\"pad\":1000}}\n"));
	usleep(300000);
	/* Most answers are still tokens: the server did not run ahead. */
	EXPECT_LT(1000, __atomic_load_n(&tokens, __ATOMIC_ACQUIRE));
	for (i = 0; i < 2560; i++) {
		r = read_resp(fd, 5000);
		if (!r)
			break;
		snprintf(want, sizeof(want), "%d", i);
		if (!strcmp(field(r, "id", NULL), "4") && !strcmp(field(r, "result", "n"), want))
			ok++;
		json_object_put(r);
	}
	EXPECT_EQ(2560, ok);
	EXPECT_EQ(0, __atomic_load_n(&tokens, __ATOMIC_ACQUIRE));
	r = ask(fd, "{\"command\":\"query\"}\n");
	EXPECT_STREQ("true", field(r, "ok", NULL));
	json_object_put(r);
	close(fd);
}

TEST_HARNESS_MAIN
