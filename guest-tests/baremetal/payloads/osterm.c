// SPDX-License-Identifier: GPL-2.0
/* RTAS ibm,os-term ends the VM with pvm exit status 1 and logs the message. */
#include "rt.h"

const char payload_name[] = "osterm";

static const char msg[] = "bm-osterm-message 42";

int main(const void *blob)
{
	int rc;

	(void)blob;
	checkx(rtas_token("ibm,os-term"), TOK_IBM_OS_TERM, "/rtas ibm,os-term token");
	printf("PAYLOAD %s DONE pass=%u fail=%u\n", payload_name, tap_pass, tap_fail);
	console_flush();
	rc = rtas_call(TOK_IBM_OS_TERM, 1, 1, NULL, (u32)(u64)msg);
	delay_ms(10000);
	printf("not ok - ibm,os-term returned %d and the VM kept running\n", rc);
	pvm_exit(3);
}
