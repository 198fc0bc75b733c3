// SPDX-License-Identifier: GPL-2.0
/*
 * H_TPM_COMM (0xEF10): TPM 2.0 commands forwarded by pvm to a host TPM
 * (pvm run --tpm /dev/tpmrm0). The kernel command line (pvm run -p WORD)
 * chooses the mode:
 *
 *   (none)  TPM2_Startup, TPM2_GetRandom, PCR 16 read / extend / read against
 *           an in-payload SHA-256, TPM error responses, buffer placement,
 *           every hcall error in pvm's check order, a host write failure,
 *           CLOSE_SESSION
 *   stress  10000 GetRandom round trips: "TPM-STRESS i" every 1000, then
 *           "TPM-STRESS-DONE n= secs= rate="; then CLOSE_SESSION
 *           ("TPM-STRESS-CLOSED") and one more GetRandom ("TPM-STRESS-REOPENED");
 *           after 1000, 9000, -CLOSED and -REOPENED it waits for a console
 *           character (the LPAR samples pvm stat, then sends one)
 *   notpm   pvm runs without --tpm: H_FUNCTION
 *
 * Every call passes distinctive values in all nine argument registers
 * (r4..r8 the arguments, r9..r12 markers) and checks all nine afterwards: on
 * an error r4..r12 come back as passed, on success only r4 (the response
 * length) changes.
 */
#include "rt.h"

const char payload_name[] = "tpm";

#define TPM_COMM_EXECUTE 1
#define TPM_COMM_CLOSE_SESSION 2
#define TPM_BUFSIZE 4096

#define TPM_ST_NO_SESSIONS 0x8001
#define TPM_ST_SESSIONS 0x8002
#define TPM_CC_STARTUP 0x144
#define TPM_CC_GET_RANDOM 0x17b
#define TPM_CC_PCR_READ 0x17e
#define TPM_CC_PCR_EXTEND 0x182
#define TPM_CC_UNKNOWN 0xfff
#define TPM_SU_CLEAR 0
#define TPM_RS_PW 0x40000009
#define TPM_ALG_SHA256 0x000b
#define TPM_RC_SUCCESS 0x000
#define TPM_RC_INITIALIZE 0x100
#define TPM_RC_COMMAND_CODE 0x143
/*
 * Linux's resource manager (/dev/tpmrm0) answers a command code the TPM does
 * not list itself, with TPM_RC_COMMAND_CODE in its own layer (11 << 16).
 */
#define TSS2_RESMGR_TPM_RC_LAYER (11 << 16)

#define TPM_HDR 10		/* tag, size, command code / response code */
#define RANDOM_LEN 32
#define RANDOM_RESP (TPM_HDR + 2 + RANDOM_LEN)
#define DEBUG_PCR 16
#define PCR_READ_RESP 62

#define STRESS_N 10000
#define STRESS_MARK 1000
/*
 * After "TPM-STRESS 1000", "9000", -CLOSED and -REOPENED the payload waits
 * for a console character: the LPAR script's go-ahead once it has sampled
 * pvm stat. Without one it goes on after this long.
 */
#define STRESS_WAIT_MS 30000

static u8 req[TPM_BUFSIZE] __attribute__((aligned(4096)));
static u8 resp[TPM_BUFSIZE] __attribute__((aligned(4096)));
static u64 ram_size;

static u16 be16(const void *p)
{
	const u8 *b = p;

	return (u16)(b[0] << 8 | b[1]);
}

static u64 be64(const void *p)
{
	return (u64)be32(p) << 32 | be32((const u8 *)p + 4);
}

/* ---- SHA-256 (FIPS 180-4) ---- */

struct sha256 {
	u32 h[8];
	u8 block[64];
	unsigned int used;
	u64 bytes;
};

static const u32 sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static u32 ror32(u32 x, unsigned int n)
{
	return x >> n | x << (32 - n);
}

static void sha256_compress(u32 *h, const u8 *p)
{
	u32 w[64], v[8], t1, t2;
	unsigned int i;

	for (i = 0; i < 16; i++)
		w[i] = be32(p + 4 * i);
	for (; i < 64; i++)
		w[i] = w[i - 16] + w[i - 7] +
		       (ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ w[i - 15] >> 3) +
		       (ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ w[i - 2] >> 10);
	memcpy(v, h, sizeof(v));
	for (i = 0; i < 64; i++) {
		/* v[0..7] = a b c d e f g h */
		t1 = v[7] + (ror32(v[4], 6) ^ ror32(v[4], 11) ^ ror32(v[4], 25)) +
		     ((v[4] & v[5]) ^ (~v[4] & v[6])) + sha256_k[i] + w[i];
		t2 = (ror32(v[0], 2) ^ ror32(v[0], 13) ^ ror32(v[0], 22)) +
		     ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		v[7] = v[6];
		v[6] = v[5];
		v[5] = v[4];
		v[4] = v[3] + t1;
		v[3] = v[2];
		v[2] = v[1];
		v[1] = v[0];
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		h[i] += v[i];
}

static void sha256_init(struct sha256 *s)
{
	static const u32 iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->h, iv, sizeof(iv));
	s->used = 0;
	s->bytes = 0;
}

static void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const u8 *p = data;

	s->bytes += len;
	while (len--) {
		s->block[s->used++] = *p++;
		if (s->used == 64) {
			sha256_compress(s->h, s->block);
			s->used = 0;
		}
	}
}

static void sha256_final(struct sha256 *s, u8 *digest)
{
	u64 bits = s->bytes * 8;
	u8 len[8];
	unsigned int i;

	for (i = 0; i < 8; i++)
		len[i] = bits >> (56 - 8 * i);
	sha256_update(s, "\x80", 1);
	while (s->used != 56)
		sha256_update(s, "", 1);	/* one zero byte */
	sha256_update(s, len, 8);
	for (i = 0; i < 8; i++)
		put_be32(digest + 4 * i, s->h[i]);
}

static void sha256(const void *data, size_t len, u8 *digest)
{
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, data, len);
	sha256_final(&s, digest);
}

static void hex(char *out, const u8 *p, unsigned int n)
{
	static const char digits[] = "0123456789abcdef";
	unsigned int i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static void sha256_selftest(void)
{
	static const struct {
		const char *msg, *want;
	} v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	u8 d[32];
	char got[65];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		sha256(v[i].msg, strlen(v[i].msg), d);
		hex(got, d, 32);
		ok(!strcmp(got, v[i].want), "SHA-256 test vector %u (%u bytes): %s", i,
		   (unsigned int)strlen(v[i].msg), got);
	}
}

/* ---- TPM command building ---- */

struct cmd {
	u8 *p;
	u32 len;
};

static void put8(struct cmd *c, u8 v)
{
	c->p[c->len++] = v;
}

static void put16(struct cmd *c, u16 v)
{
	put8(c, v >> 8);
	put8(c, v);
}

static void put32(struct cmd *c, u32 v)
{
	put_be32(c->p + c->len, v);
	c->len += 4;
}

static void putn(struct cmd *c, const u8 *v, u32 n)
{
	memcpy(c->p + c->len, v, n);
	c->len += n;
}

static void cmd_begin(struct cmd *c, u8 *buf, u16 tag, u32 cc)
{
	c->p = buf;
	c->len = 0;
	put16(c, tag);
	put32(c, 0);		/* commandSize, set by cmd_end() */
	put32(c, cc);
}

static u32 cmd_end(struct cmd *c)
{
	put_be32(c->p + 2, c->len);
	return c->len;
}

static u32 cmd_get_random(u8 *buf, u16 n)
{
	struct cmd c;

	cmd_begin(&c, buf, TPM_ST_NO_SESSIONS, TPM_CC_GET_RANDOM);
	put16(&c, n);
	return cmd_end(&c);
}

/* ---- the hcall ---- */

struct call {
	u64 in[HCALL_NR_OUT];	/* r4..r12 as passed */
	u64 out[HCALL_NR_OUT];	/* r4..r12 after the call */
	long rc;
};

static unsigned int calls;

static long tpm_call(struct call *k, u64 op, u64 rq, u64 rq_len, u64 rs, u64 rs_len)
{
	unsigned int i;

	calls++;
	k->in[0] = op;
	k->in[1] = rq;
	k->in[2] = rq_len;
	k->in[3] = rs;
	k->in[4] = rs_len;
	/* r9..r12: 0x7e57 <call number> 00 <register number> */
	for (i = 5; i < HCALL_NR_OUT; i++)
		k->in[i] = 0x7e57000000000000UL | (u64)calls << 16 | (i + 4);
	memset(k->out, 0, sizeof(k->out));
	k->rc = pvm_hcall(H_TPM_COMM, k->in, k->out);
	return k->rc;
}

/* Index (0 = r4) of the first of r(4+from)..r12 that changed, or -1. */
static int changed_reg(const struct call *k, int from)
{
	int i;

	for (i = from; i < HCALL_NR_OUT; i++)
		if (k->out[i] != k->in[i])
			return i;
	return -1;
}

static void check_kept(const struct call *k, int from, const char *what)
{
	int i = changed_reg(k, from);

	if (i < 0)
		ok(true, "%s: r%d..r12 as passed", what, 4 + from);
	else
		ok(false, "%s: r%d..r12 as passed (r%d = 0x%lx, passed 0x%lx)", what,
		   4 + from, 4 + i, k->out[i], k->in[i]);
}

/*
 * EXECUTE with the response at rs (rs_len bytes): checks H_SUCCESS, r5..r12
 * untouched and r4 = the size field of the response header. Returns the
 * TPM response code, or -1 when the hcall failed.
 */
static s64 execute(const char *what, const void *rq, u32 len, u8 *rs, u64 rs_len)
{
	struct call k;
	u32 size;

	tpm_call(&k, TPM_COMM_EXECUTE, (u64)rq, len, (u64)rs, rs_len);
	if (!check(k.rc, H_SUCCESS, "%s: H_SUCCESS", what)) {
		check_kept(&k, 0, what);
		return -1;
	}
	check_kept(&k, 1, what);
	size = be32(rs + 2);
	ok(k.out[0] >= TPM_HDR && k.out[0] <= TPM_BUFSIZE && k.out[0] == size,
	   "%s: r4 = %lu = the response header's size (%u)", what, k.out[0], size);
	return be32(rs + 6);
}

/* ---- functional mode ---- */

static void startup(void)
{
	struct cmd c;
	s64 rc;

	cmd_begin(&c, req, TPM_ST_NO_SESSIONS, TPM_CC_STARTUP);
	put16(&c, TPM_SU_CLEAR);
	rc = execute("TPM2_Startup(SU_CLEAR)", req, cmd_end(&c), resp, TPM_BUFSIZE);
	ok(rc == TPM_RC_SUCCESS || rc == TPM_RC_INITIALIZE,
	   "TPM2_Startup: TPM_RC_SUCCESS or TPM_RC_INITIALIZE (0x%lx%s)", rc,
	   rc == TPM_RC_INITIALIZE ? ": already started by the host" : "");
}

/* GetRandom(32) into out[32]; true if everything about it checked out. */
static bool get_random(const char *what, u8 *out)
{
	u32 len = cmd_get_random(req, RANDOM_LEN);
	s64 rc;
	bool good;

	memset(resp, 0, TPM_BUFSIZE);
	rc = execute(what, req, len, resp, TPM_BUFSIZE);
	if (rc < 0)
		return false;
	good = rc == TPM_RC_SUCCESS && be32(resp + 2) == RANDOM_RESP &&
	       be16(resp + TPM_HDR) == RANDOM_LEN;
	ok(good, "%s: TPM_RC_SUCCESS, %u random bytes (rc 0x%lx, size %u, TPM2B size %u)",
	   what, RANDOM_LEN, rc, be32(resp + 2), be16(resp + TPM_HDR));
	memcpy(out, resp + TPM_HDR + 2, RANDOM_LEN);
	return good;
}

static void random_twice(void)
{
	u8 a[RANDOM_LEN], b[RANDOM_LEN];
	char ha[2 * RANDOM_LEN + 1], hb[2 * RANDOM_LEN + 1];
	bool ga, gb;

	ga = get_random("TPM2_GetRandom(32) #1", a);
	gb = get_random("TPM2_GetRandom(32) #2", b);
	hex(ha, a, 8);
	hex(hb, b, 8);
	ok(ga && gb && memcmp(a, b, RANDOM_LEN),
	   "the two random values differ (%s... / %s...)", ha, hb);
}

/* PCR_Read of PCR 16, SHA-256 bank, into val[32]; true if well formed. */
static bool pcr16_read(const char *what, u8 *val)
{
	static const u8 sel[3] = { 0, 0, 1 << (DEBUG_PCR % 8) };
	struct cmd c;
	s64 rc;
	bool good;

	cmd_begin(&c, req, TPM_ST_NO_SESSIONS, TPM_CC_PCR_READ);
	put32(&c, 1);			/* TPML_PCR_SELECTION.count */
	put16(&c, TPM_ALG_SHA256);
	put8(&c, sizeof(sel));
	putn(&c, sel, sizeof(sel));
	memset(resp, 0, TPM_BUFSIZE);
	rc = execute(what, req, cmd_end(&c), resp, TPM_BUFSIZE);
	if (rc < 0)
		return false;
	/*
	 * header, pcrUpdateCounter (4), TPML_PCR_SELECTION (count 1, hash,
	 * sizeofSelect 3, select[3]), TPML_DIGEST (count 1, TPM2B of 32)
	 */
	good = rc == TPM_RC_SUCCESS && be32(resp + 2) == PCR_READ_RESP &&
	       be32(resp + 14) == 1 && be16(resp + 18) == TPM_ALG_SHA256 &&
	       resp[20] == 3 && !memcmp(resp + 21, sel, 3) && be32(resp + 24) == 1 &&
	       be16(resp + 28) == 32;
	ok(good, "%s: TPM_RC_SUCCESS, one SHA-256 digest of PCR 16 (rc 0x%lx, size %u)",
	   what, rc, be32(resp + 2));
	memcpy(val, resp + 30, 32);
	return good;
}

static void pcr16(void)
{
	static const char tag[] = "pvm bare-metal tpm payload: PCR 16 extend";
	u8 old[32], digest[32], want[32], now[32], cat[64];
	char h1[65], h2[65];
	struct cmd c;
	s64 rc;
	bool got_old;

	got_old = pcr16_read("TPM2_PCR_Read(16) before", old);
	sha256(tag, sizeof(tag) - 1, digest);

	cmd_begin(&c, req, TPM_ST_SESSIONS, TPM_CC_PCR_EXTEND);
	put32(&c, DEBUG_PCR);		/* pcrHandle */
	put32(&c, 9);			/* authorizationSize */
	put32(&c, TPM_RS_PW);		/* password session, empty auth */
	put16(&c, 0);			/* nonceCaller */
	put8(&c, 0);			/* sessionAttributes */
	put16(&c, 0);			/* hmac (the password) */
	put32(&c, 1);			/* TPML_DIGEST_VALUES.count */
	put16(&c, TPM_ALG_SHA256);
	putn(&c, digest, sizeof(digest));
	memset(resp, 0, TPM_BUFSIZE);
	rc = execute("TPM2_PCR_Extend(16, SHA-256)", req, cmd_end(&c), resp, TPM_BUFSIZE);
	check(rc, TPM_RC_SUCCESS, "TPM2_PCR_Extend: TPM_RC_SUCCESS");

	if (!pcr16_read("TPM2_PCR_Read(16) after", now) || !got_old) {
		ok(false, "PCR 16 = SHA-256(old || digest) (a read failed)");
		return;
	}
	/*
	 * The LPAR has no ppc64el TPM tools to read PCR 16 on the host side, so
	 * the payload's own SHA-256 is the expectation.
	 */
	memcpy(cat, old, 32);
	memcpy(cat + 32, digest, 32);
	sha256(cat, sizeof(cat), want);
	hex(h1, now, 32);
	hex(h2, old, 8);
	ok(!memcmp(now, want, 32), "PCR 16 = SHA-256(old %s... || digest): %s", h2, h1);
}

static void tpm_errors(void)
{
	struct cmd c;
	s64 rc;

	cmd_begin(&c, req, TPM_ST_NO_SESSIONS, TPM_CC_UNKNOWN);
	rc = execute("unknown command code 0xfff", req, cmd_end(&c), resp, TPM_BUFSIZE);
	ok(rc == TPM_RC_COMMAND_CODE || rc == (TPM_RC_COMMAND_CODE | TSS2_RESMGR_TPM_RC_LAYER),
	   "unknown command code: TPM_RC_COMMAND_CODE in a 10-byte response (rc 0x%lx%s, size %u)",
	   rc, rc > 0xffff ? ", from the host's resource manager" : "", be32(resp + 2));

	cmd_begin(&c, req, TPM_ST_NO_SESSIONS, TPM_CC_GET_RANDOM);
	rc = execute("TPM2_GetRandom without its parameter", req, cmd_end(&c), resp,
		     TPM_BUFSIZE);
	ok(rc > 0 && be32(resp + 2) == TPM_HDR,
	   "TPM2_GetRandom without its parameter: a TPM error in a 10-byte response (rc 0x%lx)",
	   rc);

	cmd_get_random(req, RANDOM_LEN);
	req[0] = 0x80;
	req[1] = 0x03;
	rc = execute("TPM2_GetRandom with tag 0x8003", req, 12, resp, TPM_BUFSIZE);
	/* TPM_RC_BAD_TAG by the book; libtpms (swtpm) answers TPM_RC_VALUE */
	ok(rc > 0 && be32(resp + 2) == TPM_HDR,
	   "tag 0x8003: a TPM error in a 10-byte response (rc 0x%lx)", rc);
}

/* Response and request placements that must work. */
static void buffers(void)
{
	u8 *top_req = (u8 *)(ram_size - 12), *top_resp = (u8 *)(ram_size - TPM_BUFSIZE);
	u32 len = cmd_get_random(req, RANDOM_LEN);
	s64 rc;

	rc = execute("response buffer = request buffer", req, len, req, TPM_BUFSIZE);
	ok(rc == TPM_RC_SUCCESS && be32(req + 2) == RANDOM_RESP,
	   "response buffer = request buffer: the response replaced the request (rc 0x%lx)", rc);

	len = cmd_get_random(req, RANDOM_LEN);
	rc = execute("response buffer size 65536", req, len, resp, 65536);
	check(rc, TPM_RC_SUCCESS, "response buffer size 65536: TPM_RC_SUCCESS");

	/* The FDT area ends at the top of RAM: everything needed was read. */
	cmd_get_random(top_req, RANDOM_LEN);
	rc = execute("request ending exactly at the end of RAM", top_req, 12, resp,
		     TPM_BUFSIZE);
	check(rc, TPM_RC_SUCCESS, "request ending at the end of RAM: TPM_RC_SUCCESS");

	rc = execute("response buffer = the last 4096 bytes of RAM", req, len, top_resp,
		     TPM_BUFSIZE);
	check(rc, TPM_RC_SUCCESS, "response in the last 4096 bytes of RAM: TPM_RC_SUCCESS");

	rc = execute("response buffer size 8192, its first 4096 bytes the last of RAM", req,
		     len, top_resp, 8192);
	check(rc, TPM_RC_SUCCESS,
	      "response buffer running past RAM after 4096 bytes: TPM_RC_SUCCESS");
}

struct bad_call {
	const char *what;
	u64 op, rq, rq_len, rs, rs_len;
	long want;
	const char *name;
};
#define ERR(code) code, #code

/* Each error in pvm's check order (op, P3, P2, P5, P4): r4..r12 untouched. */
static void hcall_errors(void)
{
	u64 q = (u64)req, s = (u64)resp, out = ram_size + 0x10000, r = ram_size;
	u32 n = cmd_get_random(req, RANDOM_LEN);
	const struct bad_call bad[] = {
		{ "op 0", 0, q, n, s, TPM_BUFSIZE, ERR(H_PARAMETER) },
		{ "op 3", 3, q, n, s, TPM_BUFSIZE, ERR(H_PARAMETER) },
		{ "op ~0", ~0UL, q, n, s, TPM_BUFSIZE, ERR(H_PARAMETER) },
		{ "op 3, every other argument bad too", 3, out, 0, out, 0, ERR(H_PARAMETER) },
		{ "request size 4097", 1, q, 4097, s, TPM_BUFSIZE, ERR(H_P3) },
		{ "request size 0", 1, q, 0, s, TPM_BUFSIZE, ERR(H_P3) },
		{ "request size 2^32 + 12", 1, q, (1UL << 32) + n, s, TPM_BUFSIZE, ERR(H_P3) },
		{ "request size 0 beyond RAM (size before address)", 1, out, 0, s,
		  TPM_BUFSIZE, ERR(H_P3) },
		{ "request beyond RAM", 1, out, n, s, TPM_BUFSIZE, ERR(H_P2) },
		{ "request straddling the end of RAM", 1, r - 6, 12, s, TPM_BUFSIZE, ERR(H_P2) },
		{ "request beyond RAM, response size 4095 (request before response)", 1,
		  out, n, s, TPM_BUFSIZE - 1, ERR(H_P2) },
		{ "response size 4095", 1, q, n, s, TPM_BUFSIZE - 1, ERR(H_P5) },
		{ "response size 0", 1, q, n, s, 0, ERR(H_P5) },
		{ "response size 4095 beyond RAM (size before address)", 1, q, n, out,
		  TPM_BUFSIZE - 1, ERR(H_P5) },
		{ "response beyond RAM", 1, q, n, out, TPM_BUFSIZE, ERR(H_P4) },
		{ "response straddling the end of RAM", 1, q, n, r - 2048, TPM_BUFSIZE, ERR(H_P4) },
	};
	struct call k;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		tpm_call(&k, bad[i].op, bad[i].rq, bad[i].rq_len, bad[i].rs, bad[i].rs_len);
		check(k.rc, bad[i].want, "%s -> %s", bad[i].what, bad[i].name);
		check_kept(&k, 0, bad[i].what);
	}
}

/*
 * The host char device refuses a write shorter than the size in its TPM
 * header (EINVAL): pvm reports H_RESOURCE and opens a new session next time.
 */
static void host_failure(void)
{
	const char *what = "request shorter than its header's size (host write fails)";
	u8 r[RANDOM_LEN];
	struct call k;

	cmd_get_random(req, RANDOM_LEN);
	put_be32(req + 2, 64);
	tpm_call(&k, TPM_COMM_EXECUTE, (u64)req, 12, (u64)resp, TPM_BUFSIZE);
	check(k.rc, H_RESOURCE, "%s -> H_RESOURCE", what);
	check_kept(&k, 0, what);
	get_random("TPM2_GetRandom after the host failure", r);
}

static void close_session(void)
{
	u64 out = ram_size + 0x10000;
	u8 a[RANDOM_LEN], b[RANDOM_LEN];
	struct call k;

	get_random("TPM2_GetRandom before CLOSE_SESSION", a);
	tpm_call(&k, TPM_COMM_CLOSE_SESSION, (u64)req, 12, (u64)resp, TPM_BUFSIZE);
	check(k.rc, H_SUCCESS, "CLOSE_SESSION -> H_SUCCESS");
	check_kept(&k, 1, "CLOSE_SESSION");
	tpm_call(&k, TPM_COMM_CLOSE_SESSION, 0, 0, 0, 0);
	check(k.rc, H_SUCCESS, "CLOSE_SESSION with no session open -> H_SUCCESS");
	check_kept(&k, 1, "CLOSE_SESSION with no session open");
	tpm_call(&k, TPM_COMM_CLOSE_SESSION, out, 0, out, 0);
	check(k.rc, H_SUCCESS, "CLOSE_SESSION with buffers beyond RAM -> H_SUCCESS");
	check_kept(&k, 1, "CLOSE_SESSION with buffers beyond RAM");
	if (get_random("TPM2_GetRandom after CLOSE_SESSION (new session)", b))
		ok(memcmp(a, b, RANDOM_LEN), "random values before and after CLOSE_SESSION differ");
	else
		ok(false, "random values before and after CLOSE_SESSION differ (no value)");
}

/* ---- stress mode ---- */

/* Waits for any console input; false after STRESS_WAIT_MS without. */
static bool wait_go(void)
{
	u64 out[HCALL_NR_OUT];
	u64 end = mftb() + tb_freq / 1000 * STRESS_WAIT_MS;

	console_flush();
	while (mftb() < end) {
		if (HCALL(out, H_GET_TERM_CHAR, vterm) == H_SUCCESS && out[0])
			return true;
		delay_ms(5);
	}
	printf("# no go-ahead on the console within %u s\n", STRESS_WAIT_MS / 1000);
	return false;
}

static void stress(void)
{
	u32 len = cmd_get_random(req, RANDOM_LEN);
	u8 prev[RANDOM_LEN];
	unsigned int i, bad = 0, same = 0;
	u64 busy = 0, t0, ms, rate10;
	struct call k;
	bool good;

	memset(prev, 0, sizeof(prev));
	for (i = 1; i <= STRESS_N; i++) {
		t0 = mftb();
		tpm_call(&k, TPM_COMM_EXECUTE, (u64)req, len, (u64)resp, TPM_BUFSIZE);
		busy += mftb() - t0;
		good = k.rc == H_SUCCESS && k.out[0] == RANDOM_RESP && changed_reg(&k, 1) < 0 &&
		       be32(resp + 2) == RANDOM_RESP && be32(resp + 6) == TPM_RC_SUCCESS &&
		       be16(resp + TPM_HDR) == RANDOM_LEN;
		if (!good && ++bad <= 5)
			printf("# round trip %u: rc %ld r4 %lu TPM rc 0x%x size %u\n", i, k.rc,
			       k.out[0], be32(resp + 6), be32(resp + 2));
		if (good && i > 1 && !memcmp(prev, resp + TPM_HDR + 2, RANDOM_LEN))
			same++;
		memcpy(prev, resp + TPM_HDR + 2, RANDOM_LEN);
		memset(resp, 0, RANDOM_RESP);
		if (i % STRESS_MARK == 0) {
			printf("TPM-STRESS %u\n", i);
			if (i == STRESS_MARK || i == STRESS_N - STRESS_MARK)
				wait_go();
		}
	}
	/* Time spent in the hcalls only: the console and the waits are left out. */
	ms = busy * 1000 / tb_freq;
	rate10 = ms ? (u64)STRESS_N * 10000 / ms : 0;
	printf("TPM-STRESS-DONE n=%u secs=%lu.%03lu rate=%lu.%lu\n", STRESS_N, ms / 1000,
	       ms % 1000, rate10 / 10, rate10 % 10);
	check(bad, 0, "stress: %u GetRandom round trips, every one H_SUCCESS with 32 bytes",
	      STRESS_N);
	check(same, 0, "stress: no random value repeated the previous one");

	/* The LPAR looks at pvm's descriptors after each of these lines. */
	tpm_call(&k, TPM_COMM_CLOSE_SESSION, 0, 0, 0, 0);
	check(k.rc, H_SUCCESS, "stress: CLOSE_SESSION -> H_SUCCESS");
	printf("TPM-STRESS-CLOSED\n");
	wait_go();
	get_random("stress: TPM2_GetRandom after CLOSE_SESSION", prev);
	printf("TPM-STRESS-REOPENED\n");
	wait_go();
}

/* ---- pvm run without --tpm ---- */

static void no_tpm(void)
{
	struct call k;

	tpm_call(&k, TPM_COMM_EXECUTE, (u64)req, cmd_get_random(req, RANDOM_LEN), (u64)resp,
		 TPM_BUFSIZE);
	check(k.rc, H_FUNCTION, "no --tpm: EXECUTE -> H_FUNCTION");
	check_kept(&k, 0, "no --tpm: EXECUTE");
	tpm_call(&k, TPM_COMM_CLOSE_SESSION, 0, 0, 0, 0);
	check(k.rc, H_FUNCTION, "no --tpm: CLOSE_SESSION -> H_FUNCTION");
	check_kept(&k, 0, "no --tpm: CLOSE_SESSION");
}

/* ---- start ---- */

static bool has_word(const char *s, const char *w)
{
	size_t n = strlen(w);

	while (*s) {
		while (*s == ' ')
			s++;
		if (!strncmp(s, w, n) && (s[n] == ' ' || !s[n]))
			return true;
		while (*s && *s != ' ')
			s++;
	}
	return false;
}

static u64 fdt_ram_size(const void *blob)
{
	int node = fdt_path(blob, "/memory"), len;
	const u8 *reg;

	if (node < 0)
		return 0;
	reg = fdt_prop(blob, node, "reg", &len);
	if (!reg || len < 16 || be64(reg))
		return 0;
	return be64(reg + 8);
}

/*
 * -p policy (pvm run --tpm without --tpm-allow-all): commands that would
 * change the host TPM come back TPM_RC_COMMAND_CODE from pvm, in a 10-byte
 * response, and PCR 16 does not move; reads still work.
 */
static void policy(void)
{
	static const struct { u32 cc; const char *name; } refused[] = {
		{ TPM_CC_PCR_EXTEND, "PCR_Extend" }, { 0x126, "Clear" },
		{ 0x129, "HierarchyChangeAuth" }, { 0x139, "DictionaryAttackLockReset" },
		{ 0x137, "NV_Write" }, { 0x145, "Shutdown" },
	};
	u8 before[32], after[32];
	unsigned int i;
	struct cmd c;
	bool got;
	s64 rc;

	got = pcr16_read("TPM2_PCR_Read(16) before", before);
	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		cmd_begin(&c, req, TPM_ST_SESSIONS, refused[i].cc);
		put32(&c, 0x40000001);		/* a handle (TPM_RH_OWNER) */
		put32(&c, 9);			/* authorizationSize */
		put32(&c, TPM_RS_PW);
		put16(&c, 0);
		put8(&c, 0);
		put16(&c, 0);
		memset(resp, 0, TPM_BUFSIZE);
		rc = execute(refused[i].name, req, cmd_end(&c), resp, TPM_BUFSIZE);
		ok(rc == TPM_RC_COMMAND_CODE && be32(resp + 2) == TPM_HDR,
		   "%s refused by pvm: TPM_RC_COMMAND_CODE in a 10-byte response (rc 0x%lx)",
		   refused[i].name, rc);
	}
	got = pcr16_read("TPM2_PCR_Read(16) after", after) && got;
	ok(got && !memcmp(before, after, 32), "PCR 16 did not move");
	random_twice();
}

int main(const void *blob)
{
	const char *cmd = fdt_prop(blob, fdt_path(blob, "/chosen"), "bootargs", NULL);

	if (!cmd)
		cmd = "";
	if (has_word(cmd, "notpm")) {
		no_tpm();
		return 0;
	}
	if (has_word(cmd, "policy")) {
		policy();
		return 0;
	}
	if (has_word(cmd, "stress")) {
		stress();
		return 0;
	}
	ram_size = fdt_ram_size(blob);
	if (ram_size < 0x1000000 || (ram_size & 0xffff)) {
		ok(false, "/memory@0 reg: RAM from 0, 0x%lx bytes", ram_size);
		return 0;
	}
	ok(true, "/memory@0 reg: RAM from 0, 0x%lx bytes", ram_size);
	sha256_selftest();
	startup();
	random_twice();
	pcr16();
	tpm_errors();
	hcall_errors();
	host_failure();
	close_session();
	buffers();
	return 0;
}
