// SPDX-License-Identifier: GPL-2.0
/*
 * The "hvpipe" control command (papr/hvpipe-control.c) served by the real
 * event loop over the socket: status, send, recv now, recv that waits
 * (answered later) and follows (a stream), close and open.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "testvm.h"
#include "pvm/base64.h"
#include "cli/control.h"
#include "pvm/event.h"
#include "papr/hvpipe.h"

#include "ctl-client.h"
#include "hvpipe-test.h"

#include "kselftest_harness.h"

/* ---- the "hvpipe" control command, served by the real event loop ---- */

struct ctl_env {
	struct testvm t;
	pthread_t loop;
	bool running;
	char dir[64];
	char path[128];
};

static void *loop_thread(void *arg)
{
	event__loop(arg, NULL);
	return NULL;
}

static int ctl_start(struct ctl_env *e, const char *name, const u32 *ids, unsigned int n)
{
	const struct testvm_opts o = {
		.name = name, .nr_cpus = 1, .xics = true, .hvpipe_ids = ids, .nr_hvpipe = n,
	};
	int ret;

	snprintf(e->dir, sizeof(e->dir), "/tmp/pvm-hvpipe-test-%d", getpid());
	setenv("PVM_SOCKET_DIR", e->dir, 1);
	snprintf(e->path, sizeof(e->path), "%s/%s.sock", e->dir, name);
	ret = testvm__setup(&e->t, &o);
	if (!ret)
		ret = event__init(&e->t.vm);
	if (!ret)
		ret = hvpipe__attach(&e->t.vm);
	if (!ret)
		ret = control__init(&e->t.vm);
	if (!ret)
		ret = -pthread_create(&e->loop, NULL, loop_thread, &e->t.vm);
	e->running = !ret;
	return ret;
}

static void ctl_stop(struct ctl_env *e)
{
	if (e->running) {
		vm__request_exit(&e->t.vm, VM_EXIT_SIGNAL);
		pthread_join(e->loop, NULL);
	}
	control__exit(&e->t.vm);
	rmdir(e->dir);
	testvm__teardown(&e->t);
}

static struct json_object *askf(int fd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static struct json_object *askf(int fd, const char *fmt, ...)
{
	static char line[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return ask(fd, line);
}

static s64 ifield(struct json_object *o, const char *a, const char *b)
{
	struct json_object *v = jget(o, a, b);

	return v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : -12345;
}

/* The message a result carries: bytes decoded from "data", or -1. */
static ssize_t result_data(struct json_object *r, u8 *out, size_t max)
{
	struct json_object *d = jget(r, "result", "data");

	if (!d || !json_object_is_type(d, json_type_string))
		return -1;
	return base64_decode(json_object_get_string(d), json_object_get_string_len(d), out, max);
}

/*
 * One "hvpipe" request, {"id":id,"command":"hvpipe","args":{"op":op,
 * "source":src...}}, with more members in extra (each after a comma).
 */
static struct json_object *hvreq(int fd, int id, const char *op, u32 src, const char *extra)
{
	return askf(fd, "{\"id\":%d,\"command\":\"hvpipe\","
		    "\"args\":{\"op\":\"%s\",\"source\":%u%s}}\n",
		    id, op, src, extra ? extra : "");
}

/* "send" of base64 data. */
static struct json_object *hvsend(int fd, int id, u32 src, const char *b64)
{
	static char extra[8192];

	snprintf(extra, sizeof(extra), ",\"data\":\"%s\"", b64);
	return hvreq(fd, id, "send", src, extra);
}

/* The error code of r ("<ok>" for a success). */
static const char *code(struct json_object *r)
{
	if (!strcmp(field(r, "ok", NULL), "true"))
		return "<ok>";
	return field(r, "error", "code");
}

FIXTURE(hvctl) {
	struct ctl_env e;
	struct testvm *t;
	int fd;
	u8 buf[HVPIPE_MAX_PAYLOAD + 8];
	u8 want[HVPIPE_MAX_PAYLOAD + 8];
	char b64[BASE64_LEN(HVPIPE_MAX_PAYLOAD + 8) + 1];
};

FIXTURE_SETUP(hvctl)
{
	self->fd = -1;
	ASSERT_EQ(0, ctl_start(&self->e, "hvtest", two_sources, 2));
	self->t = &self->e.t;
	self->fd = connect_to(self->e.path);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(hvctl)
{
	if (self->fd >= 0)
		close(self->fd);
	ctl_stop(&self->e);
}

TEST_F(hvctl, status)
{
	struct json_object *r, *srcs, *s;

	r = ask(self->fd, "{\"id\":1,\"command\":\"hvpipe\",\"args\":{\"op\":\"status\"}}\n");
	ASSERT_NE(NULL, r);
	EXPECT_STREQ("<ok>", code(r));
	EXPECT_EQ(1, ifield(r, "id", NULL));
	EXPECT_STREQ("false", field(r, "result", "enabled"));
	EXPECT_EQ(0, ifield(r, "result", "payload_events"));
	srcs = jget(r, "result", "sources");
	ASSERT_NE(NULL, srcs);
	ASSERT_EQ(2U, json_object_array_length(srcs));
	s = json_object_array_get_idx(srcs, 1);
	EXPECT_EQ((s64)SRC2, ifield(s, "id", NULL));
	EXPECT_STREQ("true", field(s, "open", NULL));
	EXPECT_EQ(0, ifield(s, "inbox", NULL));
	json_object_put(r);

	/* After some traffic. */
	ASSERT_EQ(0, sysparm64(self->t, 1, 1));
	ASSERT_EQ(0, guest_send(self->t, SRC2, "hi", 2));
	r = hvsend(self->fd, 0, SRC1, "AQ==");
	EXPECT_STREQ("<ok>", code(r));
	json_object_put(r);
	r = ask(self->fd, "{\"command\":\"hvpipe\",\"args\":{\"op\":\"status\"}}\n");
	EXPECT_STREQ("true", field(r, "result", "enabled"));
	EXPECT_EQ((s64)SRC1, ifield(r, "result", "announced"));
	EXPECT_EQ(1, ifield(r, "result", "payload_events"));
	srcs = jget(r, "result", "sources");
	ASSERT_NE(NULL, srcs);
	EXPECT_EQ(1, ifield(json_object_array_get_idx(srcs, 0), "outbox", NULL));
	EXPECT_EQ(1, ifield(json_object_array_get_idx(srcs, 1), "inbox", NULL));
	EXPECT_EQ(1, ifield(json_object_array_get_idx(srcs, 1), "from_guest", NULL));
	json_object_put(r);
}

TEST_F(hvctl, send_reaches_the_guest)
{
	struct json_object *r;
	u32 src, bytes;
	size_t n;

	fill(self->want, HVPIPE_MAX_PAYLOAD, 0x42);
	n = base64_encode(self->want, HVPIPE_MAX_PAYLOAD, self->b64);
	ASSERT_EQ(5400U, n);
	r = askf(self->fd, "{\"id\":\"s\",\"command\":\"hvpipe\",\"args\":"
		 "{\"op\":\"send\",\"source\":%u,\"data\":\"%s\"}}\n", SRC2, self->b64);
	EXPECT_STREQ("<ok>", code(r));
	EXPECT_STREQ("s", field(r, "id", NULL));
	EXPECT_EQ(HVPIPE_MAX_PAYLOAD, ifield(r, "result", "bytes"));
	json_object_put(r);
	EXPECT_EQ(1U, stat_of(&self->t->vm)->src[1].outbox);
	ASSERT_EQ(0, sysparm64(self->t, 1, 1));
	ASSERT_EQ(0, guest_recv(self->t, &src, &bytes));
	EXPECT_EQ(SRC2, src);
	EXPECT_EQ((u32)HVPIPE_MAX_PAYLOAD, bytes);
	EXPECT_EQ(0, memcmp(self->t->ram + RECV_GPA, self->want, HVPIPE_MAX_PAYLOAD));
}

TEST_F(hvctl, bad_arguments)
{
	static const char *const lines[] = {
		"{\"command\":\"hvpipe\"}\n",
		"{\"command\":\"hvpipe\",\"args\":{}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":7}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"frob\",\"source\":33554433}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"send\",\"data\":\"AQ==\"}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"send\",\"source\":\"33554433\",\"data\":\"AQ==\"}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"send\",\"source\":16777217,\"data\":\"AQ==\"}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"send\",\"source\":-1,\"data\":\"AQ==\"}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"send\",\"source\":4328521729,\"data\":\"AQ==\"}}\n",
		/* configured: no; HMC form: yes */
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"send\",\"source\":33554435,\"data\":\"AQ==\"}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"recv\",\"source\":33554435}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"close\",\"source\":33554435}}\n",
		/* data: missing, not a string, not base64, empty, bad padding */
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"send\",\"source\":33554433}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"send\",\"source\":33554433,\"data\":5}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"send\",\"source\":33554433,\"data\":\"!!!!\"}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"send\",\"source\":33554433,\"data\":\"\"}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"send\",\"source\":33554433,\"data\":\"AQ=\"}}\n",
		"{\"command\":\"hvpipe\",\"args\":{\"op\":\"send\",\"source\":33554433,\"data\":\"A===\"}}\n",
	};
	struct json_object *r;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lines); i++) {
		r = ask(self->fd, lines[i]);
		ASSERT_NE(NULL, r);
		EXPECT_STREQ("bad-argument", code(r)) {
			TH_LOG("%s", lines[i]);
		}
		json_object_put(r);
	}
	EXPECT_EQ(0U, stat_of(&self->t->vm)->src[0].outbox);
}

TEST_F(hvctl, send_sizes)
{
	struct json_object *r;

	/* 4049 and 4050 bytes: one too many; 4048 is fine. */
	fill(self->want, HVPIPE_MAX_PAYLOAD + 2, 1);
	base64_encode(self->want, HVPIPE_MAX_PAYLOAD + 1, self->b64);
	r = hvsend(self->fd, 0, SRC1, self->b64);
	EXPECT_STREQ("bad-argument", code(r));
	json_object_put(r);
	base64_encode(self->want, HVPIPE_MAX_PAYLOAD + 2, self->b64);
	r = hvsend(self->fd, 0, SRC1, self->b64);
	EXPECT_STREQ("bad-argument", code(r));
	json_object_put(r);
	EXPECT_EQ(0U, stat_of(&self->t->vm)->src[0].outbox);
	base64_encode(self->want, HVPIPE_MAX_PAYLOAD, self->b64);
	r = hvsend(self->fd, 0, SRC1, self->b64);
	EXPECT_STREQ("<ok>", code(r));
	json_object_put(r);
	EXPECT_EQ(1U, stat_of(&self->t->vm)->src[0].outbox);
}

TEST_F(hvctl, outbox_full)
{
	struct json_object *r;
	unsigned int i;

	for (i = 0; i < HVPIPE_QUEUE_MAX; i++) {
		r = hvsend(self->fd, 0, SRC1, "AQ==");
		ASSERT_STREQ("<ok>", code(r));
		json_object_put(r);
	}
	r = hvsend(self->fd, 3, SRC1, "AQ==");
	EXPECT_STREQ("full", code(r));
	EXPECT_EQ(3, ifield(r, "id", NULL));
	json_object_put(r);
	EXPECT_EQ(1U, stat_of(&self->t->vm)->src[0].outbox_full);
}

TEST_F(hvctl, recv_now)
{
	struct json_object *r;
	ssize_t n;

	r = hvreq(self->fd, 4, "recv", SRC1, NULL);
	EXPECT_STREQ("empty", code(r));
	EXPECT_EQ(4, ifield(r, "id", NULL));
	json_object_put(r);
	r = hvreq(self->fd, 0, "recv", SRC1, ",\"wait\":false");
	EXPECT_STREQ("empty", code(r));
	json_object_put(r);

	fill(self->want, HVPIPE_MAX_PAYLOAD, 0x99);
	ASSERT_EQ(0, guest_send(self->t, SRC1, self->want, HVPIPE_MAX_PAYLOAD));
	ASSERT_EQ(0, guest_send(self->t, SRC1, "x", 1));
	r = askf(self->fd, "{\"command\":\"hvpipe\",\"args\":{\"op\":\"recv\",\"source\":%u}}\n", SRC1);
	ASSERT_STREQ("<ok>", code(r));
	EXPECT_EQ((s64)SRC1, ifield(r, "result", "source"));
	EXPECT_EQ(HVPIPE_MAX_PAYLOAD, ifield(r, "result", "bytes"));
	n = result_data(r, self->buf, sizeof(self->buf));
	EXPECT_EQ(HVPIPE_MAX_PAYLOAD, n);
	EXPECT_EQ(0, memcmp(self->buf, self->want, HVPIPE_MAX_PAYLOAD));
	json_object_put(r);
	/* A waiting recv with a message there answers at once. */
	r = hvreq(self->fd, 0, "recv", SRC1, ",\"wait\":true");
	ASSERT_STREQ("<ok>", code(r));
	EXPECT_EQ(1, result_data(r, self->buf, sizeof(self->buf)));
	EXPECT_EQ('x', self->buf[0]);
	json_object_put(r);
	/* Not to the other source. */
	r = askf(self->fd, "{\"command\":\"hvpipe\",\"args\":{\"op\":\"recv\",\"source\":%u}}\n", SRC2);
	EXPECT_STREQ("empty", code(r));
	json_object_put(r);
}

TEST_F(hvctl, recv_wait_parks)
{
	struct json_object *r;
	int other = connect_to(self->e.path);

	ASSERT_LE(0, other);
	ASSERT_TRUE(send_line(self->fd, "{\"id\":\"w\",\"command\":\"hvpipe\","
				       "\"args\":{\"op\":\"recv\",\"source\":33554433,\"wait\":true}}\n"));
	EXPECT_EQ(NULL, read_resp(self->fd, 200));
	/* The loop is not stuck on the parked client. */
	r = ask(other, "{\"command\":\"hvpipe\",\"args\":{\"op\":\"status\"}}\n");
	EXPECT_STREQ("<ok>", code(r));
	json_object_put(r);
	/* A message for another source does not answer it. */
	ASSERT_EQ(0, guest_send(self->t, SRC2, "no", 2));
	EXPECT_EQ(NULL, read_resp(self->fd, 200));
	/* The guest sends (from this thread, through RTAS, while the loop runs). */
	ASSERT_EQ(0, guest_send(self->t, SRC1, "hello", 5));
	r = read_resp(self->fd, 5000);
	ASSERT_NE(NULL, r);
	EXPECT_STREQ("<ok>", code(r));
	EXPECT_STREQ("w", field(r, "id", NULL));
	EXPECT_EQ((s64)SRC1, ifield(r, "result", "source"));
	EXPECT_EQ(5, result_data(r, self->buf, sizeof(self->buf)));
	EXPECT_EQ(0, memcmp(self->buf, "hello", 5));
	json_object_put(r);
	/* Answered once; then the connection serves requests again. */
	ASSERT_EQ(0, guest_send(self->t, SRC1, "again", 5));
	EXPECT_EQ(NULL, read_resp(self->fd, 200));
	r = hvreq(self->fd, 2, "recv", SRC1, NULL);
	EXPECT_STREQ("<ok>", code(r));
	EXPECT_EQ(2, ifield(r, "id", NULL));
	EXPECT_EQ(5, result_data(r, self->buf, sizeof(self->buf)));
	EXPECT_EQ(0, memcmp(self->buf, "again", 5));
	json_object_put(r);
	close(other);
}

TEST_F(hvctl, recv_follow_count)
{
	struct json_object *r;
	char m[2] = "a";
	int i;

	ASSERT_TRUE(send_line(self->fd, "{\"id\":9,\"command\":\"hvpipe\",\"args\":{\"op\":\"recv\","
				       "\"source\":33554434,\"wait\":true,\"follow\":true,\"count\":3}}\n"));
	EXPECT_EQ(NULL, read_resp(self->fd, 200));
	for (i = 0; i < 3; i++) {
		m[0] = 'a' + i;
		ASSERT_EQ(0, guest_send(self->t, SRC2, m, 1));
		r = read_resp(self->fd, 5000);
		ASSERT_NE(NULL, r);
		EXPECT_STREQ("<ok>", code(r));
		EXPECT_EQ(9, ifield(r, "id", NULL));
		EXPECT_EQ(1, result_data(r, self->buf, sizeof(self->buf)));
		EXPECT_EQ(m[0], self->buf[0]);
		json_object_put(r);
	}
	/* Three and no more: a fourth message waits for the next request. */
	ASSERT_EQ(0, guest_send(self->t, SRC2, "d", 1));
	EXPECT_EQ(NULL, read_resp(self->fd, 200));
	r = hvreq(self->fd, 10, "recv", SRC2, NULL);
	EXPECT_STREQ("<ok>", code(r));
	EXPECT_EQ(10, ifield(r, "id", NULL));
	EXPECT_EQ(1, result_data(r, self->buf, sizeof(self->buf)));
	EXPECT_EQ('d', self->buf[0]);
	json_object_put(r);
}

/* Messages already waiting are streamed at once, not on the next guest send. */
TEST_F(hvctl, recv_follow_with_a_backlog)
{
	struct json_object *r;
	char m[2] = "a";
	int i;

	for (i = 0; i < 4; i++) {
		m[0] = 'a' + i;
		ASSERT_EQ(0, guest_send(self->t, SRC1, m, 1));
	}
	/* Let the loop take the guest's wake-ups before the request comes. */
	usleep(100000);
	ASSERT_TRUE(send_line(self->fd, "{\"id\":5,\"command\":\"hvpipe\",\"args\":{\"op\":\"recv\","
				       "\"source\":33554433,\"wait\":true,\"follow\":true,\"count\":3}}\n"));
	for (i = 0; i < 3; i++) {
		r = read_resp(self->fd, 2000);
		ASSERT_NE(NULL, r) {
			TH_LOG("answer %d never came", i);
		}
		EXPECT_STREQ("<ok>", code(r));
		EXPECT_EQ(5, ifield(r, "id", NULL));
		EXPECT_EQ(1, result_data(r, self->buf, sizeof(self->buf)));
		EXPECT_EQ('a' + i, self->buf[0]);
		json_object_put(r);
	}
	EXPECT_EQ(NULL, read_resp(self->fd, 200));
	EXPECT_EQ(1U, stat_of(&self->t->vm)->src[0].inbox);
}

TEST_F(hvctl, recv_count_must_be_positive)
{
	static const char *const counts[] = { "0", "-1", "\"3\"", "true", "1.5" };
	struct json_object *r;
	unsigned int i, with;

	/* Refused whether or not a message is waiting, and none is taken. */
	for (with = 0; with < 2; with++) {
		if (with)
			ASSERT_EQ(0, guest_send(self->t, SRC1, "m", 1));
		for (i = 0; i < ARRAY_SIZE(counts); i++) {
			r = askf(self->fd, "{\"command\":\"hvpipe\",\"args\":{\"op\":\"recv\","
				 "\"source\":%u,\"follow\":true,\"count\":%s}}\n", SRC1, counts[i]);
			ASSERT_NE(NULL, r);
			EXPECT_STREQ("bad-argument", code(r)) {
				TH_LOG("count %s, message waiting: %u", counts[i], with);
			}
			json_object_put(r);
		}
	}
	EXPECT_EQ(1U, stat_of(&self->t->vm)->src[0].inbox);
	/* count 1 with follow: one answer, then the connection is free. */
	r = askf(self->fd, "{\"id\":8,\"command\":\"hvpipe\",\"args\":{\"op\":\"recv\","
		 "\"source\":%u,\"follow\":true,\"count\":1}}\n", SRC1);
	EXPECT_STREQ("<ok>", code(r));
	json_object_put(r);
	r = ask(self->fd, "{\"id\":11,\"command\":\"query\"}\n");
	EXPECT_STREQ("<ok>", code(r));
	EXPECT_EQ(11, ifield(r, "id", NULL));
	json_object_put(r);
}

/* follow waits even without "wait". */
TEST_F(hvctl, follow_implies_wait)
{
	struct json_object *r;

	ASSERT_TRUE(send_line(self->fd, "{\"id\":6,\"command\":\"hvpipe\",\"args\":{\"op\":\"recv\","
				       "\"source\":33554433,\"follow\":true,\"count\":1}}\n"));
	EXPECT_EQ(NULL, read_resp(self->fd, 200));
	ASSERT_EQ(0, guest_send(self->t, SRC1, "z", 1));
	r = read_resp(self->fd, 5000);
	EXPECT_STREQ("<ok>", code(r));
	EXPECT_EQ(6, ifield(r, "id", NULL));
	json_object_put(r);
}

TEST_F(hvctl, close_ends_a_parked_recv)
{
	struct json_object *r;
	int other = connect_to(self->e.path);

	ASSERT_LE(0, other);
	ASSERT_TRUE(send_line(self->fd, "{\"id\":\"p\",\"command\":\"hvpipe\","
				       "\"args\":{\"op\":\"recv\",\"source\":33554433,\"wait\":true}}\n"));
	EXPECT_EQ(NULL, read_resp(self->fd, 200));
	r = hvreq(other, 0, "close", SRC1, NULL);
	EXPECT_STREQ("<ok>", code(r));
	json_object_put(r);
	r = read_resp(self->fd, 5000);
	ASSERT_NE(NULL, r);
	EXPECT_STREQ("closed", code(r));
	EXPECT_STREQ("p", field(r, "id", NULL));
	json_object_put(r);
	/* The connection goes on. */
	r = ask(self->fd, "{\"command\":\"hvpipe\",\"args\":{\"op\":\"status\"}}\n");
	EXPECT_STREQ("<ok>", code(r));
	json_object_put(r);
	close(other);
}

TEST_F(hvctl, follow_until_closed)
{
	struct json_object *r;
	int other = connect_to(self->e.path);

	ASSERT_LE(0, other);
	ASSERT_TRUE(send_line(self->fd, "{\"id\":1,\"command\":\"hvpipe\",\"args\":{\"op\":\"recv\","
				       "\"source\":33554433,\"wait\":true,\"follow\":true}}\n"));
	EXPECT_EQ(NULL, read_resp(self->fd, 200));
	ASSERT_EQ(0, guest_send(self->t, SRC1, "1", 1));
	r = read_resp(self->fd, 5000);
	EXPECT_STREQ("<ok>", code(r));
	json_object_put(r);
	/* Sent just before the close: delivered before the "closed" answer. */
	ASSERT_EQ(0, guest_send(self->t, SRC1, "2", 1));
	r = hvreq(other, 0, "close", SRC1, NULL);
	EXPECT_STREQ("<ok>", code(r));
	json_object_put(r);
	r = read_resp(self->fd, 5000);
	EXPECT_STREQ("<ok>", code(r));
	EXPECT_EQ(1, result_data(r, self->buf, sizeof(self->buf)));
	EXPECT_EQ('2', self->buf[0]);
	json_object_put(r);
	r = read_resp(self->fd, 5000);
	EXPECT_STREQ("closed", code(r));
	EXPECT_EQ(1, ifield(r, "id", NULL));
	json_object_put(r);
	close(other);
}

TEST_F(hvctl, close_and_open)
{
	struct json_object *r;
	u8 type;
	u32 src;

	ASSERT_EQ(0, sysparm64(self->t, 1, 1));
	r = hvreq(self->fd, 0, "close", SRC2, NULL);
	EXPECT_STREQ("<ok>", code(r));
	json_object_put(r);
	ASSERT_EQ(0, take_event(self->t, &src, &type));
	EXPECT_EQ(SRC2, src);
	EXPECT_EQ(HVPIPE_EV_CLOSED, type);
	r = hvreq(self->fd, 0, "close", SRC2, NULL);
	EXPECT_STREQ("state", code(r));
	json_object_put(r);
	r = hvsend(self->fd, 0, SRC2, "AQ==");
	EXPECT_STREQ("closed", code(r));
	json_object_put(r);
	/* Nothing waiting and closed: a recv says so, with or without wait. */
	r = askf(self->fd, "{\"command\":\"hvpipe\",\"args\":{\"op\":\"recv\",\"source\":%u}}\n", SRC2);
	EXPECT_STREQ("closed", code(r));
	json_object_put(r);
	r = hvreq(self->fd, 0, "recv", SRC2, ",\"wait\":true");
	EXPECT_STREQ("closed", code(r));
	json_object_put(r);
	EXPECT_EQ(-4, guest_send(self->t, SRC2, "x", 1));

	r = hvreq(self->fd, 0, "open", SRC2, NULL);
	EXPECT_STREQ("<ok>", code(r));
	json_object_put(r);
	r = hvreq(self->fd, 0, "open", SRC2, NULL);
	EXPECT_STREQ("state", code(r));
	json_object_put(r);
	r = hvsend(self->fd, 0, SRC2, "AQ==");
	EXPECT_STREQ("<ok>", code(r));
	json_object_put(r);
	EXPECT_EQ(0, guest_send(self->t, SRC2, "x", 1));
}

TEST(hvctl_without_sources)
{
	static struct ctl_env e;
	struct json_object *r;
	int fd;

	ASSERT_EQ(0, ctl_start(&e, "hvtest0", NULL, 0));
	fd = connect_to(e.path);
	ASSERT_LE(0, fd);
	r = ask(fd, "{\"command\":\"hvpipe\",\"args\":{\"op\":\"status\"}}\n");
	EXPECT_STREQ("unsupported", code(r));
	json_object_put(r);
	r = hvsend(fd, 0, SRC1, "AQ==");
	EXPECT_STREQ("unsupported", code(r));
	json_object_put(r);
	r = ask(fd, "{\"command\":\"hvpipe\"}\n");
	EXPECT_STREQ("unsupported", code(r));
	json_object_put(r);
	/* Everything else still works. */
	r = ask(fd, "{\"command\":\"query\"}\n");
	EXPECT_STREQ("<ok>", code(r));
	json_object_put(r);
	close(fd);
	ctl_stop(&e);
}

TEST_HARNESS_MAIN
