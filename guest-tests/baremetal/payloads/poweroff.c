// SPDX-License-Identifier: GPL-2.0
/* RTAS power-off ends the VM with pvm exit status 0. */
#include "rt.h"

const char payload_name[] = "poweroff";

int main(const void *blob)
{
	int rc;

	(void)blob;
	checkx(rtas_token("power-off"), TOK_POWER_OFF, "/rtas power-off token");
	printf("PAYLOAD %s DONE pass=%u fail=%u\n", payload_name, tap_pass, tap_fail);
	console_flush();
	rc = rtas_call(TOK_POWER_OFF, 2, 1, NULL, 0, 0);
	/* pvm stops this vCPU; whatever runs after is only seen if it does not */
	delay_ms(10000);
	printf("not ok - power-off returned %d and the VM kept running\n", rc);
	pvm_exit(1);
}
