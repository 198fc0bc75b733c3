/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_TESTS_HVPIPE_TEST_H
#define PVM_TESTS_HVPIPE_TEST_H

/*
 * What the HVPIPE tests share: two sources, where in guest memory the
 * tests put things, and the guest's side of the pipe (its RTAS calls, the
 * event log it takes with check-exception).
 */
#include <string.h>

#include "testvm.h"
#include "papr/events.h"
#include "papr/hvpipe.h"

#define SRC1 0x02000001u
#define SRC2 0x02000002u

/* Guest memory used by the tests; the RTAS args block is at 0x20000. */
#define LIST_GPA 0x30000ULL	/* buffer list (one 4 KiB work area) */
#define DATA_GPA 0x31000ULL	/* data buffers, 4 KiB each */
#define DATA2_GPA 0x32000ULL
#define RECV_GPA 0x40000ULL	/* receive buffer */
#define LOG_GPA 0x50000ULL	/* check-exception buffer */
#define SP_GPA 0x60000ULL	/* system parameter buffer */
#define LOG_LEN 2048

#define SYSPARM_HVPIPE 64
#define PE_TOTAL 112		/* fixed header, v6 header, PH, UH, PE */

static const u32 two_sources[] = { SRC1, SRC2 };

static inline u32 be32(const u8 *p)
{
	return ((u32)p[0] << 24) | ((u32)p[1] << 16) | ((u32)p[2] << 8) | p[3];
}

static inline u16 be16(const u8 *p)
{
	return (u16)((p[0] << 8) | p[1]);
}

static inline void put_be64(struct testvm *t, u64 gpa, u64 v)
{
	u64 be = htobe64(v);

	memcpy(t->ram + gpa, &be, sizeof(be));
}

/* A buffer list at gpa: header word hdr, then n {address, length} pairs. */
static inline void put_list(struct testvm *t, u64 gpa, u64 hdr, unsigned int n, const u64 *pairs)
{
	unsigned int i;

	put_be64(t, gpa, hdr);
	for (i = 0; i < 2 * n; i++)
		put_be64(t, gpa + 8 + 8 * i, pairs[i]);
}

/* Binary test data: every byte value appears within 256 bytes. */
static inline void fill(u8 *p, size_t n, u8 seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (u8)(seed + i * 29);
}

static inline s32 rtas_send(struct testvm *t, u32 src, u64 list_gpa)
{
	u32 args[2] = { src, (u32)list_gpa };

	return testvm__rtas(t, RTAS_IBM_SEND_HVPIPE_MSG, 2, args, 1, NULL);
}

/* The guest sends len bytes to src the way Linux does: one pair, one buffer. */
static inline s32 guest_send(struct testvm *t, u32 src, const void *data, u32 len)
{
	const u64 pair[2] = { DATA_GPA, len };

	memcpy(t->ram + DATA_GPA, data, len);
	put_list(t, LIST_GPA, 24, 1, pair);
	return rtas_send(t, src, LIST_GPA);
}

static inline s32 guest_recv_at(struct testvm *t, u64 gpa, u32 size, u32 *src, u32 *bytes)
{
	u32 args[2] = { (u32)gpa, size }, r[3] = { 0 };
	s32 st = testvm__rtas(t, RTAS_IBM_RECEIVE_HVPIPE_MSG, 2, args, 3, r);

	/* The next payload is announced a little later, from the main loop's timer. */
	if (!st) {
		usleep((HVPIPE_ANNOUNCE_DELAY_MS + 2) * 1000);
		hvpipe__tick(&t->vm);
	}
	if (src)
		*src = r[1];
	if (bytes)
		*bytes = r[2];
	return st;
}

static inline s32 guest_recv(struct testvm *t, u32 *src, u32 *bytes)
{
	return guest_recv_at(t, RECV_GPA, 4096, src, bytes);
}

/* ibm,set-system-parameter 64 with a BE16 length and one value byte. */
static inline s32 sysparm64(struct testvm *t, u16 len, u8 val)
{
	u32 args[2] = { SYSPARM_HVPIPE, (u32)SP_GPA };

	t->ram[SP_GPA] = len >> 8;
	t->ram[SP_GPA + 1] = len & 0xff;
	t->ram[SP_GPA + 2] = val;
	return testvm__rtas(t, RTAS_IBM_SET_SYSTEM_PARAMETER, 2, args, 1, NULL);
}

/* check-exception into LOG_GPA, which is first filled with 0xee. */
static inline s32 check_exception(struct testvm *t, u32 mask)
{
	u32 args[6] = { 0x500, (u32)events__irq(&t->vm, EVENT_HVPIPE), mask, 1,
			(u32)LOG_GPA, LOG_LEN };

	memset(t->ram + LOG_GPA, 0xee, LOG_LEN);
	return testvm__rtas(t, RTAS_CHECK_EXCEPTION, 6, args, 1, NULL);
}

struct section {
	char id[3];
	u16 len;
	u32 off;
};

/*
 * The sections of a v6 log, walked like the kernel's get_pseries_errorlog():
 * from offset 24 to 8 + extended length by each section's length. -1 when
 * the kernel would not find them (header checks) or the walk would spin
 * (length < 8) or not end exactly at 8 + extended length.
 */
static inline int walk_sections(const u8 *log, struct section *s, int max)
{
	u32 ext = be32(log + 4), off = 24, end = 8 + ext;
	int n = 0;

	if (ext < 20 || ext > LOG_LEN - 8 || (log[10] & 0x0f) != 14 ||
	    be32(log + 20) != 0x49424d00)
		return -1;
	while (off < end) {
		u16 len;

		if (off + 8 > end || n == max)
			return -1;
		len = be16(log + off + 2);
		if (len < 8 || off + len > end)
			return -1;
		s[n].id[0] = log[off];
		s[n].id[1] = log[off + 1];
		s[n].id[2] = '\0';
		s[n].len = len;
		s[n].off = off;
		off += len;
		n++;
	}
	return off == end ? n : -1;
}

/* Takes one hvpipe event: its RTAS status, or -100 if the log is unusable. */
static inline s32 take_event(struct testvm *t, u32 *src, u8 *type)
{
	const u8 *log = t->ram + LOG_GPA;
	struct section s[8];
	s32 st = check_exception(t, EVENT_MASK_HVPIPE);
	int n, i;

	if (st)
		return st;
	n = walk_sections(log, s, 8);
	if (n < 0 || log[3] != 0xe6)
		return -100;
	for (i = 0; i < n; i++) {
		if (!strcmp(s[i].id, "PE") && s[i].len >= 13) {
			*src = be32(log + s[i].off + 8);
			*type = log[s[i].off + 12];
			return 0;
		}
	}
	return -100;
}

static inline struct hvpipe_stat *stat_of(struct vm *vm)
{
	static struct hvpipe_stat st;

	hvpipe__stat(vm, &st);
	return &st;
}

#endif
