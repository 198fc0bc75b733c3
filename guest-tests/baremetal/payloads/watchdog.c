// SPDX-License-Identifier: GPL-2.0
/*
 * H_WATCHDOG: query, argument errors, start/stop/H_NOOP, then watchdog 2 is
 * started with a 300 ms hard power-off and left to expire while the payload
 * spins: pvm must end the VM with exit status 5 (the runner checks it and
 * pvm's log line). Reaching the end of the spin is a failure.
 */
#include "rt.h"

const char payload_name[] = "watchdog";

#define H_WATCHDOG 0x45c
#define H_NOOP 63
#define OP_START (1UL << 8)
#define OP_STOP (2UL << 8)
#define OP_QUERY (3UL << 8)
#define OP_QUERY_LPM (4UL << 8)
#define POWER_OFF 1
#define RESTART 2

int main(const void *blob)
{
	u64 out[HCALL_NR_OUT];
	int rtas, len = 0;
	const char *ht;

	(void)blob;
	rtas = fdt_path(fdt, "/rtas");
	ht = fdt_prop(fdt, rtas, "ibm,hypertas-functions", &len);
	ok(ht && len > 0, "/rtas/ibm,hypertas-functions present");
	for (int pos = 0; ht && pos < len; pos += strlen(ht + pos) + 1)
		if (!strcmp(ht + pos, "hcall-watchdog"))
			ok(true, "hypertas advertises hcall-watchdog");

	check(HCALL(out, H_WATCHDOG, OP_QUERY), H_SUCCESS, "query capabilities");
	checkx(out[0], 0x0001000400000000UL, "min timeout 1 ms, 4 watchdogs");
	check(HCALL(out, H_WATCHDOG, OP_QUERY_LPM, 1), H_SUCCESS, "query LPM requirement");
	check(out[0], 2, "watchdog 1 need not be stopped before a suspend");
	check(HCALL(NULL, H_WATCHDOG, OP_START | POWER_OFF, 0, 1000), H_P2, "watchdog 0 -> H_P2");
	check(HCALL(NULL, H_WATCHDOG, OP_START | POWER_OFF, 5, 1000), H_P2, "watchdog 5 -> H_P2");
	check(HCALL(NULL, H_WATCHDOG, OP_START | POWER_OFF, 1, 0), H_P3, "timeout 0 -> H_P3");
	check(HCALL(NULL, H_WATCHDOG, OP_START | 7, 1, 1000), H_PARAMETER, "action 7 -> H_PARAMETER");
	check(HCALL(NULL, H_WATCHDOG, OP_START | POWER_OFF | (1UL << 40), 1, 1000), H_PARAMETER,
	      "reserved flag bit -> H_PARAMETER");
	check(HCALL(NULL, H_WATCHDOG, 7UL << 8, 1, 1000), H_PARAMETER, "operation 7 -> H_PARAMETER");
	check(HCALL(NULL, H_WATCHDOG, OP_STOP, 1), H_NOOP, "stop a stopped watchdog -> H_NOOP");
	check(HCALL(NULL, H_WATCHDOG, OP_START | RESTART, 1, 200), H_SUCCESS,
	      "start watchdog 1 (200 ms, hard restart)");
	check(HCALL(NULL, H_WATCHDOG, OP_START | RESTART, 1, 200), H_SUCCESS, "restart it");
	check(HCALL(NULL, H_WATCHDOG, OP_STOP, 1), H_SUCCESS, "stop it");
	delay_ms(500);
	ok(true, "500 ms later the stopped watchdog has not fired");
	check(HCALL(NULL, H_WATCHDOG, OP_START | RESTART, 3, 60000), H_SUCCESS, "start watchdog 3");
	check(HCALL(NULL, H_WATCHDOG, OP_STOP, -1UL), H_SUCCESS, "stop all");
	check(HCALL(NULL, H_WATCHDOG, OP_STOP, -1UL), H_NOOP, "stop all again -> H_NOOP");

	check(HCALL(NULL, H_WATCHDOG, OP_START | POWER_OFF, 2, 300), H_SUCCESS,
	      "start watchdog 2 (300 ms, hard power-off) and spin");
	printf("PAYLOAD %s DONE pass=%u fail=%u\n", payload_name, tap_pass, tap_fail);
	console_flush();
	delay_ms(20000);
	ok(false, "watchdog 2 did not end the VM within 20 s");
	pvm_exit(1);
}
