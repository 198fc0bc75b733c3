// SPDX-License-Identifier: GPL-2.0
/*
 * pvm run --boot-trace's guest marks: the private hcall H_PVM_MARK (0xf0f2)
 * prints "guest mark N" with pvm's time, N 0..63 (papr/pvm.c). Bootargs
 * "on" (pvm run --boot-trace -p on): marks 1 and 2 succeed, 64 is refused;
 * anything else: the call does not exist (H_FUNCTION). The lab script
 * checks pvm's stderr for the lines.
 */
#include "rt.h"

const char payload_name[] = "boottrace";

#define H_PVM_MARK 0xf0f2

int main(const void *blob)
{
	const char *cmd = fdt_prop(blob, fdt_path(blob, "/chosen"), "bootargs", NULL);

	if (cmd && !strcmp(cmd, "on")) {
		check(HCALL(NULL, H_PVM_MARK, 1), H_SUCCESS, "H_PVM_MARK 1");
		check(HCALL(NULL, H_PVM_MARK, 2), H_SUCCESS, "H_PVM_MARK 2");
		check(HCALL(NULL, H_PVM_MARK, 1), H_SUCCESS, "H_PVM_MARK 1 again (printed once)");
		check(HCALL(NULL, H_PVM_MARK, 64), H_PARAMETER, "H_PVM_MARK 64 -> H_PARAMETER");
	} else {
		check(HCALL(NULL, H_PVM_MARK, 1), H_FUNCTION,
		      "without --boot-trace H_PVM_MARK does not exist");
	}
	return 0;
}
