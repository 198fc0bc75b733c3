// SPDX-License-Identifier: GPL-2.0
/*
 * pvm's hcalls on one CPU: console, H_SET_MODE, H_REGISTER_PROC_TBL,
 * H_GET_CPU_CHARACTERISTICS, unknown numbers, and the in-kernel XICS by polling.
 */
#include "rt.h"

const char payload_name[] = "hcalls";

#define PT_NEW 0x18
#define PT_HPT_PT 0x02
#define PT_RADIX 0x04

static u64 pack(const char *s, int from)
{
	u64 w = 0;
	int i;

	for (i = 0; i < 8; i++)
		w |= (u64)(u8)s[from + i] << (56 - 8 * i);
	return w;
}

static void console(void)
{
	static const char line[16] = "# put-term: 16\r\n";
	u64 out[HCALL_NR_OUT];
	long rc;

	console_flush();
	rc = HCALL(NULL, H_PUT_TERM_CHAR, vterm, 16, pack(line, 0), pack(line, 8));
	check(rc, H_SUCCESS, "H_PUT_TERM_CHAR 16 bytes");
	check(HCALL(NULL, H_PUT_TERM_CHAR, vterm, 0, 0, 0), H_SUCCESS,
	      "H_PUT_TERM_CHAR length 0");
	check(HCALL(NULL, H_PUT_TERM_CHAR, vterm, 17, pack(line, 0), pack(line, 8)),
	      H_PARAMETER, "H_PUT_TERM_CHAR length 17 -> H_PARAMETER");
	check(HCALL(NULL, H_PUT_TERM_CHAR, vterm + 1, 1, 0x2300000000000000UL, 0),
	      H_PARAMETER, "H_PUT_TERM_CHAR wrong vterm -> H_PARAMETER");
	memset(out, 0xa5, sizeof(out));
	rc = HCALL(out, H_GET_TERM_CHAR, vterm);
	check(rc, H_SUCCESS, "H_GET_TERM_CHAR with no input");
	check(out[0], 0, "H_GET_TERM_CHAR with no input: r4 (length) = 0");
	ok(out[1] == 0 && out[2] == 0, "H_GET_TERM_CHAR with no input: r5 = r6 = 0 (0x%lx 0x%lx)",
	   out[1], out[2]);
	check(HCALL(NULL, H_GET_TERM_CHAR, 0x1234), H_PARAMETER,
	      "H_GET_TERM_CHAR wrong vterm -> H_PARAMETER");
}

static void set_mode(void)
{
	long rc;

	/* r4 = mflags, r5 = resource, r6 = value1, r7 = value2 */
	check(HCALL(NULL, H_SET_MODE, 1, 4, 0, 0), H_SUCCESS,
	      "H_SET_MODE LE: mflags 1 (little-endian interrupts)");
	check(HCALL(NULL, H_SET_MODE, 2, 4, 0, 0), H_UNSUPPORTED_FLAG,
	      "H_SET_MODE LE: mflags 2 -> H_UNSUPPORTED_FLAG");
	check(HCALL(NULL, H_SET_MODE, 1, 4, 1, 0), H_P3, "H_SET_MODE LE: value1 != 0 -> H_P3");
	check(HCALL(NULL, H_SET_MODE, 1, 4, 0, 1), H_P4, "H_SET_MODE LE: value2 != 0 -> H_P4");
	rc = HCALL(NULL, H_SET_MODE, 3, 3, 0, 0);
	ok(rc == H_SUCCESS || rc == H_P2, "H_SET_MODE AIL=3 -> 0 or H_P2 (got %ld: AIL 3 %s)",
	   rc, rc == H_SUCCESS ? "supported" : "unsupported on this host");
	check(HCALL(NULL, H_SET_MODE, 0, 3, 0, 0), H_SUCCESS, "H_SET_MODE AIL=0");
	check(HCALL(NULL, H_SET_MODE, 1, 3, 0, 0), H_UNSUPPORTED_FLAG,
	      "H_SET_MODE AIL=1 -> H_UNSUPPORTED_FLAG");
	check(HCALL(NULL, H_SET_MODE, 0, 3, 7, 0), H_P3, "H_SET_MODE AIL value1 != 0 -> H_P3");
	check(HCALL(NULL, H_SET_MODE, 0, 99, 0, 0), H_P2, "H_SET_MODE unknown resource 99 -> H_P2");
}

static void proc_tbl(void)
{
	/* r4 = flags, r5 = base, r6 = page size, r7 = table size (log2 - 12) */
	check(HCALL(NULL, H_REGISTER_PROC_TBL, PT_NEW | PT_HPT_PT, 0x1000000, 0, 0),
	      H_PARAMETER, "H_REGISTER_PROC_TBL HPT table -> H_PARAMETER");
	check(HCALL(NULL, H_REGISTER_PROC_TBL, PT_NEW | PT_RADIX, 0x1000800, 0, 0),
	      H_PARAMETER, "H_REGISTER_PROC_TBL unaligned radix table -> H_PARAMETER");
	check(HCALL(NULL, H_REGISTER_PROC_TBL, PT_NEW | PT_RADIX, 0x1001000, 0, 4),
	      H_PARAMETER, "H_REGISTER_PROC_TBL 64K table at a 4K-only alignment -> H_PARAMETER");
	check(HCALL(NULL, H_REGISTER_PROC_TBL, PT_NEW | PT_RADIX, 0x1000000, 0, 25),
	      H_PARAMETER, "H_REGISTER_PROC_TBL size 25 -> H_PARAMETER");
	check(HCALL(NULL, H_REGISTER_PROC_TBL, PT_NEW | PT_RADIX, 0x40000000, 0, 0),
	      H_PARAMETER, "H_REGISTER_PROC_TBL table beyond RAM -> H_PARAMETER");
	check(HCALL(NULL, H_REGISTER_PROC_TBL, PT_NEW | PT_RADIX | 0x100, 0x1000000, 0, 0),
	      H_PARAMETER, "H_REGISTER_PROC_TBL unknown flag bit -> H_PARAMETER");
}

static void misc(void)
{
	static const u64 unknown[] = { 0x2, 0x498, 0x4fc, 0x1000, 0xf0f4, 0xf0ff, 0xf050 };
	u64 out[HCALL_NR_OUT];
	unsigned int i;
	long rc;

	rc = HCALL(out, H_GET_CPU_CHARACTERISTICS);
	ok(rc == H_SUCCESS || rc == H_FUNCTION,
	   "H_GET_CPU_CHARACTERISTICS -> 0 or H_FUNCTION (got %ld, character 0x%lx behaviour 0x%lx)",
	   rc, rc ? 0 : out[0], rc ? 0 : out[1]);
	for (i = 0; i < ARRAY_SIZE(unknown); i++)
		check(HCALL(NULL, unknown[i], 1, 2, 3), H_FUNCTION,
		      "unknown hcall 0x%lx -> H_FUNCTION", unknown[i]);
}

static void xics(void)
{
	u64 out[HCALL_NR_OUT];
	long rc;

	check(HCALL(NULL, H_CPPR, 0xff), H_SUCCESS, "H_CPPR 0xff");
	rc = HCALL(out, H_IPOLL, 0);
	check(rc, H_SUCCESS, "H_IPOLL self");
	ok(rc == 0 && (out[0] & 0xffffff) == 0 && out[1] == 0xff,
	   "H_IPOLL: nothing pending, MFRR 0xff (xirr 0x%lx mfrr 0x%lx)", out[0], out[1]);
	check(HCALL(NULL, H_IPI, 0, 5), H_SUCCESS, "H_IPI self, priority 5");
	rc = HCALL(out, H_IPOLL, 0);
	ok(rc == 0 && (out[0] & 0xffffff) == XICS_IPI && out[1] == 5,
	   "H_IPOLL: IPI pending, MFRR 5 (rc %ld xirr 0x%lx mfrr 0x%lx)", rc, out[0], out[1]);
	rc = HCALL(out, H_XIRR);
	ok(rc == 0 && (u32)out[0] == 0xff000002,
	   "H_XIRR accepts the IPI: XIRR 0xff000002 (rc %ld, got 0x%lx)", rc, out[0]);
	check(HCALL(NULL, H_IPI, 0, 0xff), H_SUCCESS, "H_IPI self, MFRR back to 0xff");
	check(HCALL(NULL, H_EOI, 0xff000002), H_SUCCESS, "H_EOI 0xff000002");
	rc = HCALL(out, H_XIRR);
	ok(rc == 0 && (out[0] & 0xffffff) == 0, "H_XIRR after EOI: nothing pending (0x%lx)", out[0]);
	check(HCALL(NULL, H_IPI, 4096, 5), H_PARAMETER, "H_IPI to a non-existent server -> H_PARAMETER");
}

int main(const void *blob)
{
	(void)blob;
	console();
	set_mode();
	proc_tbl();
	misc();
	xics();
	return 0;
}
