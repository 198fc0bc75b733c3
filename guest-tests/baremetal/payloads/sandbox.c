// SPDX-License-Identifier: GPL-2.0
/*
 * The sandbox's test hook (pvm run --test-exit): pvm's private hcall 0xf0f1
 * makes the calling vCPU thread open a socket, which no pvm thread may do.
 * With the sandbox (the default) pvm must stop at once with exit status 72
 * and a log line naming the call; with --no-sandbox the hcall just returns.
 */
#include "rt.h"

const char payload_name[] = "sandbox";

#define H_PVM_SANDBOX_TEST 0xf0f1

int main(const void *blob)
{
	(void)blob;
	printf("# calling the sandbox test hook\n");
	console_flush();
	check(HCALL(NULL, H_PVM_SANDBOX_TEST), H_SUCCESS,
	      "the forbidden call returned: no sandbox (pvm run --no-sandbox)");
	return 0;
}
