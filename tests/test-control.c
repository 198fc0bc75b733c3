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
#include "pvm/event.h"
#include "papr/events.h"

#include "ctl-client.h"

#include "kselftest_harness.h"

FIXTURE(ctl) {
	struct testvm t;
	pthread_t loop;
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
	const struct testvm_opts o = { .name = "ctltest", .nr_cpus = 1, .xics = true };

	snprintf(self->dir, sizeof(self->dir), "/tmp/pvm-ctl-test-%d", getpid());
	setenv("PVM_SOCKET_DIR", self->dir, 1);
	ASSERT_EQ(0, testvm__setup(&self->t, &o));
	ASSERT_EQ(0, event__init(&self->t.vm));
	ASSERT_EQ(0, control__init(&self->t.vm));
	snprintf(self->path, sizeof(self->path), "%s/ctltest.sock", self->dir);
	ASSERT_EQ(0, pthread_create(&self->loop, NULL, loop_thread, &self->t.vm));
}

FIXTURE_TEARDOWN(ctl)
{
	vm__request_exit(&self->t.vm, VM_EXIT_SIGNAL);
	pthread_join(self->loop, NULL);
	control__exit(&self->t.vm);
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

TEST_HARNESS_MAIN
