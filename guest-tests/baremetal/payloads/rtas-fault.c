// SPDX-License-Identifier: GPL-2.0
/*
 * H_RTAS with an args block pvm cannot use. One call per run because the
 * outcome may end the VM; the case is chosen by the kernel command line
 * (pvm run -p CASE): outside (block beyond RAM), end (block ends past the
 * end of RAM), nargs16 (nargs = 16, nret = 1). pvm documents H_PARAMETER.
 */
#include "rt.h"

const char payload_name[] = "rtas-fault";

static struct rtas_args args;

int main(const void *blob)
{
	const char *cmd = fdt_prop(blob, fdt_path(blob, "/chosen"), "bootargs", NULL);
	u64 addr = (u64)&args;
	long rc;

	if (!cmd)
		cmd = "";
	put_be32(&args.token, TOK_GET_TIME_OF_DAY);
	put_be32(&args.nret, 8);
	if (!strcmp(cmd, "outside")) {
		addr = 0x0ff00000000UL;
	} else if (!strcmp(cmd, "end")) {
		/* the 12-byte header and nret words end exactly at 256 MiB + 20 */
		addr = 0x10000000 - 24;
		memcpy((void *)addr, &args, 12);
	} else if (!strcmp(cmd, "nargs16")) {
		put_be32(&args.nargs, 16);
		put_be32(&args.nret, 0);
	} else {
		ok(false, "known case in bootargs ('%s')", cmd);
		done();
	}
	mb();
	rc = rtas_raw(addr);
	check(rc, H_PARAMETER, "H_RTAS args block %s -> H_PARAMETER", cmd);
	check(rtas_call(TOK_GET_TIME_OF_DAY, 0, 8, (u32[7]){ 0 }), 0, "RTAS still works");
	return 0;
}
