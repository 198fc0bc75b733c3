// SPDX-License-Identifier: GPL-2.0
/* RTAS system-reboot ends the VM with pvm exit status 2. */
#include "rt.h"

const char payload_name[] = "reboot";

int main(const void *blob)
{
	int rc;

	(void)blob;
	checkx(rtas_token("system-reboot"), TOK_SYSTEM_REBOOT, "/rtas system-reboot token");
	printf("PAYLOAD %s DONE pass=%u fail=%u\n", payload_name, tap_pass, tap_fail);
	console_flush();
	rc = rtas_call(TOK_SYSTEM_REBOOT, 0, 1, NULL);
	delay_ms(10000);
	printf("not ok - system-reboot returned %d and the VM kept running\n", rc);
	pvm_exit(1);
}
