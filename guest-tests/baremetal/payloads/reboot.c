// SPDX-License-Identifier: GPL-2.0
/*
 * RTAS system-reboot. With pvm run --no-reboot it ends the VM with status 2.
 * By default pvm restarts the guest in place: this payload then comes back
 * from the start, three boots in all, counting them in NVRAM (which keeps
 * what the guest stored, as a reboot should), and checks that each new boot
 * sees a new device tree and zeroed RAM (a marker the last boot left).
 */
#include "rt.h"

const char payload_name[] = "reboot";

#define TOK_NVRAM_FETCH 0x201b
#define TOK_NVRAM_STORE 0x201c
/* In the free-space partition of the default 64 KiB NVRAM. */
#define COUNT_AT 0xffe0
#define MARKER_GPA 0x8000000UL	/* 128 MiB: far from the payload */
#define MARKER 0x5eb0075eb0075eb0UL
#define BOOTS 3

static u8 buf[8];

static int nvram(u32 tok, u32 len)
{
	u32 out[1];

	return rtas_call(tok, 3, 2, out, COUNT_AT, (u32)(u64)buf, len);
}

int main(const void *blob)
{
	volatile u64 *marker = (u64 *)MARKER_GPA;
	unsigned int boot;
	int rc;

	checkx(rtas_token("system-reboot"), TOK_SYSTEM_REBOOT, "/rtas system-reboot token");
	check(nvram(TOK_NVRAM_FETCH, 1), 0, "nvram-fetch of the boot count");
	boot = buf[0] < BOOTS ? buf[0] + 1 : 1;
	printf("# boot %u of %u\n", boot, BOOTS);
	ok(fdt_path(blob, "/rtas") >= 0, "boot %u: a device tree with /rtas at r3", boot);
	if (boot > 1)
		check(*marker, 0, "boot %u: RAM is zero again (the last boot's marker is gone)", boot);
	*marker = MARKER;
	mb();
	buf[0] = boot < BOOTS ? boot : 0;
	check(nvram(TOK_NVRAM_STORE, 1), 0, "nvram-store of the boot count");
	if (boot == BOOTS) {
		ok(true, "came back %u times after system-reboot, restarted in place", BOOTS - 1);
		done();
	}
	printf("PAYLOAD %s BOOT %u pass=%u fail=%u\n", payload_name, boot, tap_pass, tap_fail);
	console_flush();
	rc = rtas_call(TOK_SYSTEM_REBOOT, 0, 1, NULL);
	delay_ms(10000);
	printf("not ok - system-reboot returned %d and the VM kept running\n", rc);
	pvm_exit(1);
}
