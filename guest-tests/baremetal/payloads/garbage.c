// SPDX-License-Identifier: GPL-2.0
/*
 * Garbage in, pvm must survive: every hcall number 0..0x500 (step 4) and
 * 0xf001..0xf010 with random arguments, every RTAS token 0x2000..0x2020 and
 * some random ones with random nargs/nret/arguments at unaligned addresses.
 * Calls that end or stop the VM/CPU, or arm breakpoints we could not take,
 * are left out (see skip()). Afterwards pvm must still answer.
 * Run with -c 1: start-cpu is only given non-existent CPUs anyway.
 */
#include "rt.h"

const char payload_name[] = "garbage";

#define ROUNDS 12
#define SEED 0x9e3779b97f4a7c15UL

static u64 rng = SEED;
static u8 scratch[0x20000] __attribute__((aligned(0x10000)));

static u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Argument values: edge values, addresses in/outside RAM, random words. */
static u64 garbage(void)
{
	u64 r = rnd();

	switch (r % 12) {
	case 0: return 0;
	case 1: return 1;
	case 2: return ~0UL;
	case 3: return 0x80000000UL;
	case 4: return (u64)scratch + (rnd() & 0xffff);	/* in RAM, any alignment */
	case 5: return (u64)scratch;
	case 6: return 0x10000000;			/* end of a 256M RAM */
	case 7: return 0x0ffffffcUL;			/* last word of RAM */
	case 8: return 0x7ffffffff000UL;
	case 9: return rnd() & 0xffffffff;
	case 10: return 0xc000000000000000UL | (u64)scratch;
	default: return rnd();
	}
}

static bool skip(u64 nr)
{
	switch (nr) {
	case H_RTAS:		/* below, with valid args pointers */
	case H_PVM_EXIT:	/* ends the VM */
	case H_CEDE:		/* would sleep the CPU (EE=0) */
	case H_CONFER:
	case H_JOIN:
	case H_REGISTER_PROC_TBL:	/* would switch the MMU under us */
	case H_SET_DABR:	/* data breakpoints raise DSIs we cannot take */
	case H_SET_XDABR:
		return true;
	}
	return false;
}

static unsigned int hcalls(void)
{
	u64 in[HCALL_NR_OUT], out[HCALL_NR_OUT], nr, extra[] = { 0x1, 0x3, 0x495, 0x12345678,
								    0xffffffffffffffffUL };
	unsigned int n = 0, r, i;

	for (nr = 0; nr <= 0xf010; nr += nr < 0x500 ? 4 : 1) {
		if (nr > 0x500 && nr < 0xf001)
			nr = 0xf001;
		if (skip(nr))
			continue;
		for (r = 0; r < ROUNDS; r++) {
			for (i = 0; i < HCALL_NR_OUT; i++)
				in[i] = garbage();
			if (nr == H_SET_MODE && in[1] >= 1 && in[1] <= 5)
				in[1] += 100;	/* LE/AIL/CIABR/DAWR: see skip() */
			if (nr == H_PUT_TERM_CHAR && in[0] == vterm)
				in[0]++;	/* keep garbage off the console */
			if (nr == H_SIGNAL_SYS_RESET)
				in[0] = 0x10000 + (in[0] & 0xffff);	/* never a real CPU */
			pvm_hcall(nr, in, out);
			n++;
		}
	}
	for (i = 0; i < ARRAY_SIZE(extra); i++) {
		u64 zero[HCALL_NR_OUT] = { 0 };

		pvm_hcall(extra[i], zero, out);
		n++;
	}
	/* leave the XICS as we found it: no IPI pending, CPPR open */
	HCALL(NULL, H_IPI, 0, 0xff);
	HCALL(NULL, H_CPPR, 0xff);
	while (HCALL(out, H_XIRR) == 0 && (out[0] & 0xffffff))
		HCALL(NULL, H_EOI, out[0]);
	return n;
}

static bool rtas_skip(u32 tok)
{
	return tok == TOK_POWER_OFF || tok == TOK_SYSTEM_REBOOT || tok == TOK_IBM_OS_TERM ||
	       tok == TOK_STOP_SELF;
}

static unsigned int rtas_garbage(unsigned int *hpar)
{
	unsigned int n = 0, r, i, nargs, nret;
	u32 tok;

	for (tok = 0x2000; tok <= 0x2024; tok++) {
		for (r = 0; r < ROUNDS * 2; r++) {
			u32 t = tok;
			u8 *a;
			long rc;

			if (tok > 0x2020)	/* a few random tokens */
				t = r & 1 ? (u32)rnd() : 0x2000 + (rnd() & 0xfff);
			if (rtas_skip(t))
				continue;
			/*
			 * nargs stays below 16: KVM reads the args block itself
			 * first (in-kernel XICS tokens) and ends the VM on
			 * nargs >= 16 or a block outside RAM (see rtas-fault).
			 */
			nargs = rnd() % 16;
			nret = rnd() % 4 ? rnd() % 10 : rnd() % 40;
			a = scratch + 0x10000 + (rnd() & 0x7ff);
			put_be32(a, t);
			put_be32(a + 4, nargs);
			put_be32(a + 8, nret);
			for (i = 0; i < 16; i++)
				put_be32(a + 12 + 4 * i, garbage());
			if (t == TOK_START_CPU)
				put_be32(a + 12, 0x10000 + (rnd() & 0xffff));
			rc = rtas_raw((u64)a);
			if (rc == H_PARAMETER)
				(*hpar)++;
			n++;
		}
	}
	return n;
}

int main(const void *blob)
{
	u64 out[HCALL_NR_OUT];
	unsigned int n, hpar = 0;
	u32 t[7], t2[7];
	int rc;

	(void)blob;
	printf("# xorshift64 seed 0x%lx\n", (u64)SEED);
	check(rtas_call(TOK_GET_TIME_OF_DAY, 0, 8, t), 0, "get-time-of-day before the garbage");
	n = hcalls();
	ok(true, "survived %u hcalls with garbage arguments", n);
	n = rtas_garbage(&hpar);
	ok(true, "survived %u garbage RTAS calls (%u refused with H_PARAMETER)", n, hpar);
	rc = rtas_call(TOK_GET_TIME_OF_DAY, 0, 8, t2);
	check(rc, 0, "get-time-of-day still works");
	ok(t2[1] >= 1 && t2[1] <= 12 && t2[2] >= 1 && t2[2] <= 31 && t2[3] <= 23,
	   "get-time-of-day fields in range (%u-%u-%u)", t2[0], t2[1], t2[2]);
	check(rtas_call(TOK_SET_TIME_OF_DAY, 7, 1, NULL, t[0], t[1], t[2], t[3], t[4], t[5], 0),
	      0, "set-time-of-day back");
	console_flush();
	check(HCALL(NULL, H_PUT_TERM_CHAR, vterm, 2, 0x230a000000000000UL, 0), 0,
	      "console still prints");
	check(HCALL(out, 0x4fc), H_FUNCTION, "unknown hcall still answers H_FUNCTION");
	rc = rtas_call(TOK_QUERY_CPU_STOPPED_STATE, 1, 2, t, 0);
	ok(rc == 0 && t[0] == 2, "query-cpu-stopped-state boot CPU still 2");
	return 0;
}
