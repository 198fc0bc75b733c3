// SPDX-License-Identifier: GPL-2.0
/*
 * HVPIPE, the pipe as the guest drives it through its RTAS calls
 * (papr/hvpipe.c), and the host side it talks to (papr/hvpipe-host.c):
 * one payload event at a time, re-announcements, round robin, closes,
 * full queues, the host's wake-up and the counters.
 * Facts: ../shared/spec/papr-events-hvpipe-tpm.md §1, §2.5.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "testvm.h"
#include "papr/events.h"
#include "papr/hvpipe.h"

#include "hvpipe-test.h"

#include "kselftest_harness.h"

#include "hvpipe-fixture.h"

/* ---- the pipe, as the guest drives it ---- */

TEST_F(hv, rtas_shapes)
{
	u32 args[3] = { SRC1, (u32)LIST_GPA, 0 }, r[3];

	/* send: nargs 2, nret 1; receive: nargs 2, nret 3. */
	EXPECT_EQ(-3, testvm__rtas(&self->t, RTAS_IBM_SEND_HVPIPE_MSG, 3, args, 1, NULL));
	EXPECT_EQ(-3, testvm__rtas(&self->t, RTAS_IBM_SEND_HVPIPE_MSG, 1, args, 1, NULL));
	EXPECT_EQ(-3, testvm__rtas(&self->t, RTAS_IBM_RECEIVE_HVPIPE_MSG, 2, args, 2, r));
	EXPECT_EQ(0U, stat_of(self->vm)->src[0].from_guest);
}

TEST_F(hv, no_event_before_enable)
{
	u32 src, bytes;
	u8 x = 0x5a;

	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &x, 1));
	EXPECT_EQ(0U, events__pending(self->vm, EVENT_HVPIPE));
	EXPECT_EQ(0U, stat_of(self->vm)->payload_events);
	EXPECT_EQ(-1, stat_of(self->vm)->announced);
	/* Not announced: not receivable either. */
	EXPECT_EQ(-3, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(1U, stat_of(self->vm)->src[0].outbox);

	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	EXPECT_EQ(1U, events__pending(self->vm, EVENT_HVPIPE));
	EXPECT_EQ(1U, stat_of(self->vm)->payload_events);
	EXPECT_EQ(0, stat_of(self->vm)->announced);
	ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(SRC1, src);
	EXPECT_EQ(1U, bytes);
	EXPECT_EQ(0x5a, self->t.ram[RECV_GPA]);
}

TEST_F(hv, one_payload_event_at_a_time)
{
	u8 a[3] = { 1, 2, 3 }, b[5] = { 9, 8, 7, 6, 5 };
	u32 src, bytes;
	u8 type;

	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, a, sizeof(a)));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, b, sizeof(b)));
	EXPECT_EQ(1U, events__pending(self->vm, EVENT_HVPIPE));
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	EXPECT_EQ(SRC1, src);
	EXPECT_EQ(HVPIPE_EV_PAYLOAD, type);
	/* Taking the event does not free the pipe; only the receive does. */
	EXPECT_EQ(0U, events__pending(self->vm, EVENT_HVPIPE));
	EXPECT_EQ(1U, stat_of(self->vm)->payload_events);

	memset(self->t.ram + RECV_GPA, 0, 16);
	ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(SRC1, src);
	EXPECT_EQ(3U, bytes);
	EXPECT_EQ(0, memcmp(self->t.ram + RECV_GPA, a, sizeof(a)));
	EXPECT_EQ(0, self->t.ram[RECV_GPA + 3]);	/* nothing past the payload */

	/* Now the second one is announced. */
	EXPECT_EQ(1U, events__pending(self->vm, EVENT_HVPIPE));
	EXPECT_EQ(2U, stat_of(self->vm)->payload_events);
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	EXPECT_EQ(HVPIPE_EV_PAYLOAD, type);
	ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(5U, bytes);
	EXPECT_EQ(0, memcmp(self->t.ram + RECV_GPA, b, sizeof(b)));
	/* Drained. */
	EXPECT_EQ(0U, events__pending(self->vm, EVENT_HVPIPE));
	EXPECT_EQ(-3, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(2U, stat_of(self->vm)->receives);
	EXPECT_EQ(2U, stat_of(self->vm)->src[0].to_guest);
}

/*
 * Linux clears its "payload available" flag after the receive returns; an
 * event raised inside the receive would be lost, so the next one waits.
 */
TEST_F(hv, next_payload_waits_until_after_the_receive)
{
	u8 a[1] = { 1 }, b[1] = { 2 };
	u32 args[2] = { RECV_GPA, 4096 }, r[3] = { 0 };
	u32 src;
	u8 type;

	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, a, 1));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, b, 1));
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	/* The raw call, without the test helper's wait. */
	ASSERT_EQ(0, testvm__rtas(&self->t, RTAS_IBM_RECEIVE_HVPIPE_MSG, 2, args, 3, r));
	hvpipe__tick(self->vm);
	EXPECT_EQ(0U, events__pending(self->vm, EVENT_HVPIPE));
	/* Host sends meanwhile do not jump the delay either. */
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, a, 1));
	EXPECT_EQ(0U, events__pending(self->vm, EVENT_HVPIPE));
	usleep((HVPIPE_ANNOUNCE_DELAY_MS + 2) * 1000);
	hvpipe__tick(self->vm);
	EXPECT_EQ(1U, events__pending(self->vm, EVENT_HVPIPE));
	EXPECT_EQ(2U, stat_of(self->vm)->payload_events);
}

TEST_F(hv, unreceived_payload_is_announced_again)
{
	u8 a[2] = { 1, 2 };
	u32 src, bytes;
	u8 type;

	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, a, 2));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC2, a, 2));
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	EXPECT_EQ(SRC1, src);
	/* Too early: nothing. */
	hvpipe__tick(self->vm);
	EXPECT_EQ(0U, events__pending(self->vm, EVENT_HVPIPE));
	usleep((HVPIPE_RENOTIFY_MIN_MS + 20) * 1000);
	hvpipe__tick(self->vm);
	/* The same payload again, never SRC2's while SRC1's is pending. */
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	EXPECT_EQ(SRC1, src);
	EXPECT_EQ(HVPIPE_EV_PAYLOAD, type);
	EXPECT_EQ(1U, stat_of(self->vm)->renotify_events);
	EXPECT_EQ(1U, stat_of(self->vm)->payload_events);
	/* The interval doubles: not again after another 200 ms. */
	usleep((HVPIPE_RENOTIFY_MIN_MS + 20) * 1000);
	hvpipe__tick(self->vm);
	EXPECT_EQ(0U, events__pending(self->vm, EVENT_HVPIPE));
	ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(SRC1, src);
	/* Received: now SRC2's is announced, and SRC1's is never repeated. */
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	EXPECT_EQ(SRC2, src);
	ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
	usleep((HVPIPE_RENOTIFY_MIN_MS + 20) * 1000);
	hvpipe__tick(self->vm);
	EXPECT_EQ(0U, events__pending(self->vm, EVENT_HVPIPE));
	EXPECT_EQ(1U, stat_of(self->vm)->renotify_events);
}

TEST_F(hv, receive_full_size_binary)
{
	u32 src, bytes;

	fill(self->want, HVPIPE_MAX_PAYLOAD, 0x80);
	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC2, self->want, HVPIPE_MAX_PAYLOAD));
	/* A buffer of exactly the payload's size is enough. */
	ASSERT_EQ(0, guest_recv_at(&self->t, RECV_GPA, HVPIPE_MAX_PAYLOAD, &src, &bytes));
	EXPECT_EQ(SRC2, src);
	EXPECT_EQ((u32)HVPIPE_MAX_PAYLOAD, bytes);
	EXPECT_EQ(0, memcmp(self->t.ram + RECV_GPA, self->want, HVPIPE_MAX_PAYLOAD));
}

TEST_F(hv, receive_with_nothing_announced)
{
	u32 src, bytes;

	EXPECT_EQ(-3, guest_recv(&self->t, &src, &bytes));
	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	EXPECT_EQ(-3, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(0U, stat_of(self->vm)->receives);
}

TEST_F(hv, receive_too_small_keeps_the_payload)
{
	u32 src = 0, bytes = 0;

	fill(self->want, 100, 7);
	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, self->want, 100));
	memset(self->t.ram + RECV_GPA, 0xcc, 128);
	EXPECT_EQ(-3, guest_recv_at(&self->t, RECV_GPA, 99, &src, &bytes));
	EXPECT_EQ(-3, guest_recv_at(&self->t, RECV_GPA, 0, &src, &bytes));
	/* Not RAM, or running off its end. */
	EXPECT_EQ(-3, guest_recv_at(&self->t, self->t.ram_size, 4096, &src, &bytes));
	EXPECT_EQ(-3, guest_recv_at(&self->t, self->t.ram_size - 50, 4096, &src, &bytes));
	EXPECT_EQ(0xcc, self->t.ram[RECV_GPA]);
	/* Still pending and still announced; no second event. */
	EXPECT_EQ(0, stat_of(self->vm)->announced);
	EXPECT_EQ(1U, stat_of(self->vm)->src[0].outbox);
	EXPECT_EQ(1U, stat_of(self->vm)->payload_events);
	EXPECT_EQ(0U, stat_of(self->vm)->receives);
	ASSERT_EQ(0, guest_recv_at(&self->t, RECV_GPA, 100, &src, &bytes));
	EXPECT_EQ(SRC1, src);
	EXPECT_EQ(100U, bytes);
	EXPECT_EQ(0, memcmp(self->t.ram + RECV_GPA, self->want, 100));
	EXPECT_EQ(0xcc, self->t.ram[RECV_GPA + 100]);
}

TEST_F(hv, round_robin)
{
	static const u32 want[] = { SRC1, SRC2, SRC1, SRC2, SRC2 };
	u8 m;
	u32 src, bytes, i;

	/* SRC1: 10, 11; SRC2: 20, 21, 22. */
	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	for (m = 10; m < 12; m++)
		ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &m, 1));
	for (m = 20; m < 23; m++)
		ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC2, &m, 1));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		static const u8 data[] = { 10, 20, 11, 21, 22 };

		EXPECT_EQ(1U, events__pending(self->vm, EVENT_HVPIPE));
		check_exception(&self->t, EVENT_MASK_HVPIPE);
		ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
		EXPECT_EQ(want[i], src) {
			TH_LOG("receive %u", i);
		}
		EXPECT_EQ(data[i], self->t.ram[RECV_GPA]);
	}
	EXPECT_EQ(5U, stat_of(self->vm)->payload_events);
	EXPECT_EQ(0U, events__pending(self->vm, EVENT_HVPIPE));
}

TEST_F(hv, close_does_not_block)
{
	u8 p1 = 0x11, p2 = 0x22, q = 0x33, type;
	u32 src, bytes;

	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &p1, 1));	/* announced */
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &q, 1));	/* dropped by the close */
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC2, &p2, 1));	/* waits */
	ASSERT_EQ(0, hvpipe__host_close(self->vm, SRC1));
	/* The close is queued even though a payload is announced. */
	EXPECT_EQ(2U, events__pending(self->vm, EVENT_HVPIPE));
	EXPECT_EQ(1U, stat_of(self->vm)->close_events);
	EXPECT_EQ(1U, stat_of(self->vm)->src[0].outbox);
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	EXPECT_EQ(SRC1, src);
	EXPECT_EQ(HVPIPE_EV_PAYLOAD, type);
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	EXPECT_EQ(SRC1, src);
	EXPECT_EQ(HVPIPE_EV_CLOSED, type);
	/* The announced payload was delivered to the partition: still receivable. */
	ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(SRC1, src);
	EXPECT_EQ(p1, self->t.ram[RECV_GPA]);
	/* The unanswered close event holds nothing: SRC2's payload comes next. */
	EXPECT_EQ(1U, events__pending(self->vm, EVENT_HVPIPE));
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	EXPECT_EQ(SRC2, src);
	EXPECT_EQ(HVPIPE_EV_PAYLOAD, type);
	ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(SRC2, src);
	EXPECT_EQ(p2, self->t.ram[RECV_GPA]);
	/* SRC1's second payload went with the close. */
	EXPECT_EQ(0U, events__pending(self->vm, EVENT_HVPIPE));
	EXPECT_EQ(-3, guest_recv(&self->t, &src, &bytes));
}

TEST_F(hv, close_then_payload_from_another_source)
{
	u8 p = 0x44, type;
	u32 src, bytes;

	/* Close first, while nothing is announced: the pipe stays free. */
	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	ASSERT_EQ(0, hvpipe__host_close(self->vm, SRC1));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC2, &p, 1));
	EXPECT_EQ(2U, events__pending(self->vm, EVENT_HVPIPE));
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	EXPECT_EQ(HVPIPE_EV_CLOSED, type);
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	EXPECT_EQ(SRC2, src);
	EXPECT_EQ(HVPIPE_EV_PAYLOAD, type);
	ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(SRC2, src);
}

TEST_F(hv, closed_source)
{
	u8 a = 1, b = 2, c = 3;
	size_t len;

	/* Sent before the close: the host can still collect them. */
	ASSERT_EQ(0, guest_send(&self->t, SRC1, &a, 1));
	ASSERT_EQ(0, guest_send(&self->t, SRC1, &b, 1));
	ASSERT_EQ(0, hvpipe__host_close(self->vm, SRC1));
	EXPECT_FALSE(stat_of(self->vm)->src[0].open);
	EXPECT_TRUE(stat_of(self->vm)->src[1].open);
	EXPECT_EQ(-4, guest_send(&self->t, SRC1, &c, 1));
	EXPECT_EQ(-4, guest_send(&self->t, SRC1, &c, 1));
	EXPECT_EQ(2U, stat_of(self->vm)->src[0].closed_sends);
	EXPECT_EQ(2U, stat_of(self->vm)->src[0].from_guest);
	/* The other source is untouched. */
	EXPECT_EQ(0, guest_send(&self->t, SRC2, &c, 1));
	EXPECT_EQ(-EPIPE, hvpipe__host_send(self->vm, SRC1, &c, 1));
	EXPECT_EQ(-EALREADY, hvpipe__host_close(self->vm, SRC1));
	ASSERT_EQ(0, hvpipe__host_recv(self->vm, SRC1, self->buf, &len));
	EXPECT_EQ(1U, len);
	EXPECT_EQ(a, self->buf[0]);
	ASSERT_EQ(0, hvpipe__host_recv(self->vm, SRC1, self->buf, &len));
	EXPECT_EQ(b, self->buf[0]);
	EXPECT_EQ(-EAGAIN, hvpipe__host_recv(self->vm, SRC1, self->buf, &len));

	/* Reopened: both directions work again. */
	ASSERT_EQ(0, hvpipe__host_open(self->vm, SRC1));
	EXPECT_EQ(-EALREADY, hvpipe__host_open(self->vm, SRC1));
	EXPECT_TRUE(stat_of(self->vm)->src[0].open);
	ASSERT_EQ(0, guest_send(&self->t, SRC1, &c, 1));
	ASSERT_EQ(0, hvpipe__host_recv(self->vm, SRC1, self->buf, &len));
	EXPECT_EQ(c, self->buf[0]);
	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &c, 1));
	EXPECT_EQ(1U, events__pending(self->vm, EVENT_HVPIPE));
}

TEST_F(hv, unknown_sources)
{
	u8 x = 1;
	size_t len;

	/* Not an HMC id at all: a bad parameter. */
	EXPECT_EQ(-3, guest_send(&self->t, 0x01000001, &x, 1));
	EXPECT_EQ(-3, guest_send(&self->t, 0x02010001, &x, 1));
	EXPECT_EQ(-3, guest_send(&self->t, 0, &x, 1));
	/* An HMC id nobody configured: no pipe to it. */
	EXPECT_EQ(-4, guest_send(&self->t, 0x02000003, &x, 1));
	EXPECT_EQ(-4, guest_send(&self->t, 0x0200ffff, &x, 1));
	EXPECT_EQ(0U, stat_of(self->vm)->src[0].from_guest + stat_of(self->vm)->src[1].from_guest);
	EXPECT_EQ(-ENOENT, hvpipe__host_send(self->vm, 0x02000003, &x, 1));
	EXPECT_EQ(-ENOENT, hvpipe__host_recv(self->vm, 0x02000003, self->buf, &len));
	EXPECT_EQ(-ENOENT, hvpipe__host_close(self->vm, 0x02000003));
	EXPECT_EQ(-ENOENT, hvpipe__host_open(self->vm, 0x02000003));
}

TEST_F(hv, inbox_full)
{
	unsigned int i;
	size_t len;
	u32 n;

	/* Message i is 4 + i bytes starting with BE32 i. */
	for (i = 0; i < HVPIPE_QUEUE_MAX; i++) {
		fill(self->want, 4 + i, i);
		n = htobe32(i);
		memcpy(self->want, &n, 4);
		ASSERT_EQ(0, guest_send(&self->t, SRC1, self->want, 4 + i)) {
			TH_LOG("send %u", i);
		}
	}
	self->want[0] = 0xff;
	/* First "busy, retry in 10 ms" for a while, then a hard error. */
	EXPECT_EQ(9901, guest_send(&self->t, SRC1, self->want, 4));
	EXPECT_EQ(9901, guest_send(&self->t, SRC1, self->want, 4));
	EXPECT_EQ(2U, stat_of(self->vm)->src[0].inbox_busy);
	EXPECT_EQ(0U, stat_of(self->vm)->src[0].inbox_full);
	usleep((HVPIPE_FULL_WAIT_MS + 20) * 1000);
	EXPECT_EQ(-1, guest_send(&self->t, SRC1, self->want, 4));
	EXPECT_EQ(-1, guest_send(&self->t, SRC1, self->want, 4));
	EXPECT_EQ(2U, stat_of(self->vm)->src[0].inbox_full);
	EXPECT_EQ((unsigned int)HVPIPE_QUEUE_MAX, stat_of(self->vm)->src[0].inbox);
	EXPECT_EQ((u64)HVPIPE_QUEUE_MAX, stat_of(self->vm)->src[0].from_guest);
	/* The other source has its own inbox. */
	EXPECT_EQ(0, guest_send(&self->t, SRC2, self->want, 4));

	for (i = 0; i < HVPIPE_QUEUE_MAX; i++) {
		ASSERT_EQ(0, hvpipe__host_recv(self->vm, SRC1, self->buf, &len));
		fill(self->want, 4 + i, i);
		n = htobe32(i);
		memcpy(self->want, &n, 4);
		EXPECT_EQ(4 + i, len);
		EXPECT_EQ(0, memcmp(self->buf, self->want, len)) {
			TH_LOG("message %u", i);
		}
	}
	EXPECT_EQ(-EAGAIN, hvpipe__host_recv(self->vm, SRC1, self->buf, &len));
	/* Room again. */
	EXPECT_EQ(0, guest_send(&self->t, SRC1, self->want, 4));
	/* Filling up again starts a new grace period. */
	for (i = 1; i < HVPIPE_QUEUE_MAX; i++)
		ASSERT_EQ(0, guest_send(&self->t, SRC1, self->want, 4));
	EXPECT_EQ(9901, guest_send(&self->t, SRC1, self->want, 4));
}

TEST_F(hv, outbox_full)
{
	unsigned int i;
	u32 src, bytes;
	u8 m;

	for (i = 0; i < HVPIPE_QUEUE_MAX; i++) {
		m = i;
		ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &m, 1));
	}
	EXPECT_EQ(-ENOSPC, hvpipe__host_send(self->vm, SRC1, &m, 1));
	EXPECT_EQ(1U, stat_of(self->vm)->src[0].outbox_full);
	EXPECT_EQ((unsigned int)HVPIPE_QUEUE_MAX, stat_of(self->vm)->src[0].outbox);
	EXPECT_EQ(0, hvpipe__host_send(self->vm, SRC2, &m, 1));
	/* The guest drains SRC1's in order (interleaved with SRC2's one). */
	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	for (i = 0; i < HVPIPE_QUEUE_MAX; i++) {
		ASSERT_EQ(0, check_exception(&self->t, EVENT_MASK_HVPIPE));
		ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
		if (src == SRC2) {
			ASSERT_EQ(0, check_exception(&self->t, EVENT_MASK_HVPIPE));
			ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
		}
		EXPECT_EQ(SRC1, src);
		EXPECT_EQ(i, self->t.ram[RECV_GPA]);
	}
	EXPECT_EQ(0, hvpipe__host_send(self->vm, SRC1, &m, 1));
}

/*
 * A payload that found the event queue full of close events is announced
 * once the guest has taken some of them, not only on the next host send.
 */
TEST_F(hv, payload_announced_after_a_full_event_queue)
{
	u32 src, bytes;
	unsigned int i;
	u8 type, x = 0x77;

	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	for (i = 0; i < EVENT_QUEUE_MAX; i++) {
		ASSERT_EQ(0, hvpipe__host_close(self->vm, SRC2));
		ASSERT_EQ(0, hvpipe__host_open(self->vm, SRC2));
	}
	EXPECT_EQ((unsigned int)EVENT_QUEUE_MAX, events__pending(self->vm, EVENT_HVPIPE));
	/* Accepted, but there is no room to announce it yet. */
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &x, 1));
	EXPECT_EQ(-1, stat_of(self->vm)->announced);
	EXPECT_EQ(0U, stat_of(self->vm)->payload_events);
	/* The closes first, then the payload once there was room. */
	for (i = 0; i < EVENT_QUEUE_MAX; i++) {
		ASSERT_EQ(0, take_event(&self->t, &src, &type));
		EXPECT_EQ(SRC2, src);
		EXPECT_EQ(HVPIPE_EV_CLOSED, type);
	}
	EXPECT_EQ(1U, stat_of(self->vm)->payload_events);
	ASSERT_EQ(0, take_event(&self->t, &src, &type));
	EXPECT_EQ(HVPIPE_EV_PAYLOAD, type);
	EXPECT_EQ(SRC1, src);
	ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(SRC1, src);
	EXPECT_EQ(x, self->t.ram[RECV_GPA]);
}

TEST_F(hv, disable_withdraws_and_reenable_reannounces)
{
	u8 a = 0xa1, b = 0xb2;
	u32 src, bytes;

	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &a, 1));
	ASSERT_EQ(0, hvpipe__host_close(self->vm, SRC2));
	EXPECT_EQ(2U, events__pending(self->vm, EVENT_HVPIPE));
	ASSERT_EQ(0, sysparm64(&self->t, 1, 0));
	EXPECT_EQ(0U, events__pending(self->vm, EVENT_HVPIPE));
	EXPECT_EQ(-1, stat_of(self->vm)->announced);
	EXPECT_EQ(-3, guest_recv(&self->t, &src, &bytes));
	/* While disabled nothing is announced. */
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &b, 1));
	ASSERT_EQ(0, hvpipe__host_open(self->vm, SRC2));
	ASSERT_EQ(0, hvpipe__host_close(self->vm, SRC2));
	EXPECT_EQ(0U, events__pending(self->vm, EVENT_HVPIPE));
	EXPECT_EQ(1U, stat_of(self->vm)->close_events);
	/* Re-enabled: the pending payload is announced again, once. */
	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	EXPECT_EQ(1U, events__pending(self->vm, EVENT_HVPIPE));
	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	EXPECT_EQ(1U, events__pending(self->vm, EVENT_HVPIPE));
	ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(SRC1, src);
	EXPECT_EQ(a, self->t.ram[RECV_GPA]);
	ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
	EXPECT_EQ(b, self->t.ram[RECV_GPA]);
	EXPECT_EQ(2U, stat_of(self->vm)->receives);
}

TEST_F(hv, host_send_lengths)
{
	EXPECT_EQ(-EINVAL, hvpipe__host_send(self->vm, SRC1, self->want, 0));
	EXPECT_EQ(-EINVAL, hvpipe__host_send(self->vm, SRC1, self->want, HVPIPE_MAX_PAYLOAD + 1));
	EXPECT_EQ(-EINVAL, hvpipe__host_send(self->vm, SRC1, self->want, (size_t)-1));
	EXPECT_EQ(0U, stat_of(self->vm)->src[0].outbox);
	EXPECT_EQ(0, hvpipe__host_send(self->vm, SRC1, self->want, HVPIPE_MAX_PAYLOAD));
	EXPECT_EQ(0, hvpipe__host_send(self->vm, SRC1, self->want, 1));
	EXPECT_EQ(2U, stat_of(self->vm)->src[0].outbox);
}

TEST_F(hv, notify_fd)
{
	int fd = hvpipe__notify_fd(self->vm);
	u64 v = 0;
	u8 x = 1;
	size_t len;

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, read(fd, &v, sizeof(v)));
	EXPECT_EQ(EAGAIN, errno);
	/* Host-side changes do not wake the host. */
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &x, 1));
	EXPECT_EQ(-1, read(fd, &v, sizeof(v)));
	/* A guest message does, and so does a close; refused sends do not. */
	ASSERT_EQ(0, guest_send(&self->t, SRC1, &x, 1));
	ASSERT_EQ(0, guest_send(&self->t, SRC2, &x, 1));
	EXPECT_EQ((ssize_t)sizeof(v), read(fd, &v, sizeof(v)));
	EXPECT_EQ(2U, v);
	EXPECT_EQ(-4, guest_send(&self->t, 0x02000009, &x, 1));
	EXPECT_EQ(-1, read(fd, &v, sizeof(v)));
	ASSERT_EQ(0, hvpipe__host_recv(self->vm, SRC1, self->buf, &len));
	ASSERT_EQ(0, hvpipe__host_close(self->vm, SRC2));
	EXPECT_EQ((ssize_t)sizeof(v), read(fd, &v, sizeof(v)));
	EXPECT_EQ(1U, v);
}

TEST_F(hv, counters)
{
	struct hvpipe_stat *st;
	u8 x = 7;
	u32 src, bytes;
	size_t len;
	unsigned int i;

	ASSERT_EQ(0, sysparm64(&self->t, 1, 1));
	/* Host -> guest: 3 from SRC1, 1 from SRC2, all received. */
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &x, 1));
	ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC2, &x, 1));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, guest_recv(&self->t, &src, &bytes));
	/* Guest -> host: 2 to SRC2, one collected. */
	ASSERT_EQ(0, guest_send(&self->t, SRC2, &x, 1));
	ASSERT_EQ(0, guest_send(&self->t, SRC2, &x, 1));
	ASSERT_EQ(0, hvpipe__host_recv(self->vm, SRC2, self->buf, &len));
	/* Fill SRC1's outbox and overflow it twice. */
	for (i = 0; i < HVPIPE_QUEUE_MAX; i++)
		ASSERT_EQ(0, hvpipe__host_send(self->vm, SRC1, &x, 1));
	EXPECT_EQ(-ENOSPC, hvpipe__host_send(self->vm, SRC1, &x, 1));
	EXPECT_EQ(-ENOSPC, hvpipe__host_send(self->vm, SRC1, &x, 1));
	/* Fill SRC2's inbox (one is waiting already) and overflow it once. */
	for (i = 1; i < HVPIPE_QUEUE_MAX; i++)
		ASSERT_EQ(0, guest_send(&self->t, SRC2, &x, 1));
	EXPECT_EQ(9901, guest_send(&self->t, SRC2, &x, 1));
	usleep((HVPIPE_FULL_WAIT_MS + 20) * 1000);
	EXPECT_EQ(-1, guest_send(&self->t, SRC2, &x, 1));
	/* Close SRC1 and send to it three times. */
	ASSERT_EQ(0, hvpipe__host_close(self->vm, SRC1));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(-4, guest_send(&self->t, SRC1, &x, 1));

	st = stat_of(self->vm);
	EXPECT_TRUE(st->enabled);
	EXPECT_EQ(2U, st->nr_sources);
	/* 4 received, and the first of SRC1's refill is announced. */
	EXPECT_EQ(5U, st->payload_events);
	EXPECT_EQ(4U, st->receives);
	EXPECT_EQ(1U, st->close_events);
	EXPECT_EQ(0, st->announced);
	EXPECT_EQ(SRC1, st->src[0].id);
	EXPECT_FALSE(st->src[0].open);
	EXPECT_EQ(3U, st->src[0].to_guest);
	EXPECT_EQ(0U, st->src[0].from_guest);
	EXPECT_EQ(2U, st->src[0].outbox_full);
	EXPECT_EQ(0U, st->src[0].inbox_full);
	EXPECT_EQ(3U, st->src[0].closed_sends);
	EXPECT_EQ(1U, st->src[0].outbox);	/* the announced one survives the close */
	EXPECT_EQ(0U, st->src[0].inbox);
	EXPECT_EQ(SRC2, st->src[1].id);
	EXPECT_TRUE(st->src[1].open);
	EXPECT_EQ(1U, st->src[1].to_guest);
	EXPECT_EQ((u64)HVPIPE_QUEUE_MAX + 1, st->src[1].from_guest);
	EXPECT_EQ(1U, st->src[1].inbox_full);
	EXPECT_EQ(1U, st->src[1].inbox_busy);
	EXPECT_EQ(0U, st->src[1].outbox_full);
	EXPECT_EQ(0U, st->src[1].closed_sends);
	EXPECT_EQ((unsigned int)HVPIPE_QUEUE_MAX, st->src[1].inbox);
	EXPECT_EQ(0U, st->src[1].outbox);
}

TEST_HARNESS_MAIN
