// SPDX-License-Identifier: GPL-2.0
/* pvm's RTAS calls on one CPU (everything that does not end the VM). */
#include "rt.h"

const char payload_name[] = "rtas";

#define RTAS_PARAM_ERROR -3

static const struct {
	const char *name;
	u32 token;
} fixed[] = {
	{ "display-character", 0x2001 }, { "get-time-of-day", 0x2002 },
	{ "set-time-of-day", 0x2003 }, { "power-off", 0x2004 },
	{ "system-reboot", 0x2005 }, { "query-cpu-stopped-state", 0x2006 },
	{ "start-cpu", 0x2007 }, { "stop-self", 0x2008 },
	{ "ibm,get-system-parameter", 0x2009 }, { "ibm,set-system-parameter", 0x200a },
	{ "ibm,set-xive", 0x200b }, { "ibm,get-xive", 0x200c },
	{ "ibm,int-off", 0x200d }, { "ibm,int-on", 0x200e },
	{ "event-scan", 0x2010 }, { "ibm,os-term", 0x2011 },
	{ "set-power-level", 0x2019 }, { "get-power-level", 0x201a },
};

static u8 buf[4096] __attribute__((aligned(16)));
static struct rtas_args raw_args[2];

static void tokens(void)
{
	unsigned int i;

	ok(fdt_path(fdt, "/rtas") >= 0, "/rtas node exists");
	for (i = 0; i < ARRAY_SIZE(fixed); i++)
		checkx(rtas_token(fixed[i].name), fixed[i].token, "/rtas %s = 0x%x",
		       fixed[i].name, fixed[i].token);
}

static void time_of_day(void)
{
	u32 t[7], t2[7];
	int rc;

	rc = rtas_call(TOK_GET_TIME_OF_DAY, 0, 8, t);
	check(rc, 0, "get-time-of-day");
	ok(t[0] >= 2024 && t[0] < 2100, "get-time-of-day year %u >= 2024", t[0]);
	ok(t[1] >= 1 && t[1] <= 12 && t[2] >= 1 && t[2] <= 31 && t[3] <= 23 &&
	   t[4] <= 59 && t[5] <= 60 && t[6] < 1000000000,
	   "get-time-of-day fields in range (%u-%u-%u %u:%u:%u.%09u)", t[0], t[1], t[2],
	   t[3], t[4], t[5], t[6]);
	check(rtas_call(TOK_SET_TIME_OF_DAY, 7, 1, NULL, 2031, 7, 15, 12, 34, 10, 0), 0,
	      "set-time-of-day 2031-07-15 12:34:10");
	rc = rtas_call(TOK_GET_TIME_OF_DAY, 0, 8, t2);
	ok(rc == 0 && t2[0] == 2031 && t2[1] == 7 && t2[2] == 15 && t2[3] == 12 &&
	   t2[4] == 34 && t2[5] >= 10 && t2[5] <= 40,
	   "get-time-of-day reads back the set time (%u-%u-%u %u:%u:%u)", t2[0], t2[1],
	   t2[2], t2[3], t2[4], t2[5]);
	check(rtas_call(TOK_SET_TIME_OF_DAY, 7, 1, NULL, 2031, 13, 15, 12, 34, 10, 0),
	      RTAS_PARAM_ERROR, "set-time-of-day month 13 -> -3");
	check(rtas_call(TOK_SET_TIME_OF_DAY, 7, 1, NULL, 2031, 1, 1, 0, 0, 0, 1000000000),
	      RTAS_PARAM_ERROR, "set-time-of-day 1e9 ns -> -3");
	/* put the clock back (seconds are close enough) */
	check(rtas_call(TOK_SET_TIME_OF_DAY, 7, 1, NULL, t[0], t[1], t[2], t[3], t[4], t[5], 0),
	      0, "set-time-of-day back to the host time");
}

static void sysparm(void)
{
	char want[64];
	u16 len;
	int rc;

	memset(buf, 0xee, sizeof(buf));
	rc = rtas_call(TOK_GET_SYSTEM_PARAMETER, 3, 1, NULL, 20, (u32)(u64)buf, 256);
	check(rc, 0, "ibm,get-system-parameter 20 (SPLPAR characteristics)");
	len = buf[0] << 8 | buf[1];
	buf[255] = 0;
	check(len, strlen((char *)buf + 2) + 1,
	      "system parameter 20: BE16 length = string length + NUL (\"%s\")", buf + 2);
	snprintf(want, sizeof(want), "MaxEntCap=%u,DesMem=256,", nr_cpus * 100);
	ok(!strncmp((char *)buf + 2, want, strlen(want)), "system parameter 20 starts with %s",
	   want);
	memset(buf, 0xee, 16);
	rc = rtas_call(TOK_GET_SYSTEM_PARAMETER, 3, 1, NULL, 42, (u32)(u64)buf, 16);
	ok(rc == 0 && buf[0] == 0 && buf[1] == 1 && buf[2] == 0,
	   "system parameter 42: length 1, value 0 (rc %d, %02x %02x %02x)", rc, buf[0], buf[1],
	   buf[2]);
	check(rtas_call(TOK_GET_SYSTEM_PARAMETER, 3, 1, NULL, 9999, (u32)(u64)buf, 256),
	      RTAS_PARAM_ERROR, "ibm,get-system-parameter unknown parameter -> -3");
	check(rtas_call(TOK_GET_SYSTEM_PARAMETER, 3, 1, NULL, 20, 0x7fff0000, 256),
	      RTAS_PARAM_ERROR, "ibm,get-system-parameter buffer outside RAM -> -3");
	check(rtas_call(TOK_GET_SYSTEM_PARAMETER, 3, 1, NULL, 20, 0x0ffffff0, 256),
	      RTAS_PARAM_ERROR, "ibm,get-system-parameter buffer crossing the end of RAM -> -3");
	check(rtas_call(TOK_GET_SYSTEM_PARAMETER, 3, 1, NULL, 20, (u32)(u64)buf, 1),
	      RTAS_PARAM_ERROR, "ibm,get-system-parameter 1-byte buffer -> -3");
	check(rtas_call(TOK_SET_SYSTEM_PARAMETER, 2, 1, NULL, 20, (u32)(u64)buf), -9002,
	      "ibm,set-system-parameter 20 -> -9002 (not authorized)");
	check(rtas_call(TOK_SET_SYSTEM_PARAMETER, 2, 1, NULL, 12345, (u32)(u64)buf),
	      RTAS_PARAM_ERROR, "ibm,set-system-parameter unknown -> -3");
}

static void misc(void)
{
	static const u32 unknown[] = { 0x2000, 0x200f, 0x2015, 0x2030, 0x1234, 0xffffffff, 0 };
	u32 r[8];
	unsigned int i;
	int rc;

	rc = rtas_call(0x201a, 1, 2, r, 0xffffffff);
	ok(rc == 0 && r[0] == 100, "get-power-level live-insertion domain -> 0, level 100 (rc %d level %u)",
	   rc, r[0]);
	rc = rtas_call(0x2019, 2, 2, r, 0xffffffff, 0);
	ok(rc == 0 && r[0] == 100, "set-power-level -1 to 0 -> 0, stays at 100 (rc %d level %u)",
	   rc, r[0]);
	check(rtas_call(0x201a, 1, 2, r, 5), RTAS_PARAM_ERROR, "get-power-level domain 5 -> -3");
	check(rtas_call(TOK_DISPLAY_CHARACTER, 1, 1, NULL, 'P'), 0, "display-character 'P'");
	check(rtas_call(TOK_DISPLAY_CHARACTER, 1, 1, NULL, '\n'), 0, "display-character newline");
	check(rtas_call(0x2010, 4, 1, NULL, 0xffffffff, 0, (u32)(u64)buf, 1024), 1,
	      "event-scan -> 1 (no errors found)");
	rc = rtas_call(TOK_QUERY_CPU_STOPPED_STATE, 1, 2, r, 0);
	ok(rc == 0 && r[0] == 2, "query-cpu-stopped-state boot CPU -> 0, state 2 (rc %d state %u)",
	   rc, r[0]);
	check(rtas_call(TOK_QUERY_CPU_STOPPED_STATE, 1, 2, r, 1000), RTAS_PARAM_ERROR,
	      "query-cpu-stopped-state non-existent CPU 1000 -> -3");
	check(rtas_call(TOK_START_CPU, 3, 1, NULL, 1000, (u32)(u64)secondary_entry, 0),
	      RTAS_PARAM_ERROR, "start-cpu non-existent CPU 1000 -> -3");
	check(rtas_call(TOK_START_CPU, 3, 1, NULL, 0, (u32)(u64)secondary_entry, 0), -1,
	      "start-cpu on the running boot CPU -> -1");
	for (i = 0; i < ARRAY_SIZE(unknown); i++)
		check(rtas_call(unknown[i], 1, 1, NULL, 0), RTAS_PARAM_ERROR,
		      "unknown/unregistered token 0x%x -> -3", unknown[i]);
	check(rtas_call(TOK_GET_TIME_OF_DAY, 1, 8, r, 0), RTAS_PARAM_ERROR,
	      "get-time-of-day nargs 1 -> -3");
	check(rtas_call(TOK_GET_TIME_OF_DAY, 0, 1, NULL), RTAS_PARAM_ERROR,
	      "get-time-of-day nret 1 -> -3");
	check(rtas_call(TOK_QUERY_CPU_STOPPED_STATE, 1, 1, NULL, 0), RTAS_PARAM_ERROR,
	      "query-cpu-stopped-state nret 1 -> -3");
	check(rtas_call(TOK_SET_TIME_OF_DAY, 6, 1, NULL, 2030, 1, 1, 0, 0, 0), RTAS_PARAM_ERROR,
	      "set-time-of-day nargs 6 -> -3");
	check(rtas_call(TOK_POWER_OFF, 1, 1, NULL, 0), RTAS_PARAM_ERROR,
	      "power-off nargs 1 -> -3 (and the VM keeps running)");
}

static void raw(void)
{
	struct rtas_args *a = &raw_args[0];
	u8 *un = (u8 *)&raw_args[1] + 2;
	long rc;

	/* nret 0: there is no rets[0] to fail in */
	memset(a, 0, sizeof(*a));
	put_be32(&a->token, TOK_GET_TIME_OF_DAY);
	check(rtas_raw((u64)a), H_PARAMETER, "H_RTAS nret 0 -> H_PARAMETER");
	/* nargs + nret > 16 */
	put_be32(&a->token, TOK_DISPLAY_CHARACTER);
	put_be32(&a->nargs, 10);
	put_be32(&a->nret, 10);
	check(rtas_raw((u64)a), H_PARAMETER, "H_RTAS nargs 10 + nret 10 -> H_PARAMETER");
	/* args block at an unaligned address works */
	memset(un, 0, 12 + 32);
	put_be32(un, TOK_GET_TIME_OF_DAY);
	put_be32(un + 4, 0);
	put_be32(un + 8, 8);
	rc = rtas_raw((u64)un);
	ok(rc == 0 && be32(un + 12) == 0 && be32(un + 16) >= 2024,
	   "H_RTAS get-time-of-day at an unaligned address (rc %ld status %d year %u)", rc,
	   (s32)be32(un + 12), be32(un + 16));
	/* the top 4 address bits are ignored, as by KVM */
	memset(a, 0, sizeof(*a));
	put_be32(&a->token, TOK_GET_TIME_OF_DAY);
	put_be32(&a->nret, 8);
	rc = rtas_raw((u64)a | 0xc000000000000000UL);
	ok(rc == 0 && be32(&a->words[0]) == 0 && be32(&a->words[1]) >= 2024,
	   "H_RTAS with args at 0xc000... (top bits ignored) (rc %ld status %d)", rc,
	   (s32)be32(&a->words[0]));
}

static void xive(void)
{
	int node = fdt_path(fdt, "/vdevice/vty");
	u32 irq, r[2];
	int rc;

	if (!fdt_prop_u32(fdt, node, "interrupts", &irq)) {
		ok(false, "/vdevice/vty has an interrupt (no in-kernel XICS?)");
		return;
	}
	rc = rtas_call(0x200c, 1, 3, r, irq);
	ok(rc == 0 && r[1] == 0xff, "ibm,get-xive vty irq 0x%x: masked, priority 0xff (rc %d prio 0x%x)",
	   irq, rc, r[1]);
	check(rtas_call(0x200b, 3, 1, NULL, irq, 0, 5), 0, "ibm,set-xive vty irq -> server 0 prio 5");
	rc = rtas_call(0x200c, 1, 3, r, irq);
	ok(rc == 0 && r[0] == 0 && r[1] == 5, "ibm,get-xive reads back server 0 prio 5 (rc %d %u %u)",
	   rc, r[0], r[1]);
	check(rtas_call(0x200b, 3, 1, NULL, irq, 0, 0xff), 0, "ibm,set-xive vty irq back to 0xff");
	check(rtas_call(0x200c, 1, 3, r, 0x7fffff), RTAS_PARAM_ERROR,
	      "ibm,get-xive non-existent irq -> -3");
	check(rtas_call(0x200d, 1, 1, NULL, irq), 0, "ibm,int-off vty irq");
	check(rtas_call(0x200e, 1, 1, NULL, irq), 0, "ibm,int-on vty irq");
}

int main(const void *blob)
{
	(void)blob;
	tokens();
	time_of_day();
	sysparm();
	misc();
	raw();
	xive();
	return 0;
}
