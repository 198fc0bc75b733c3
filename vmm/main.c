// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "pvm/builtin.h"
#include "pvm/log.h"
#include "pvm/vm.h"

#ifndef PVM_VERSION
#define PVM_VERSION "0.1"
#endif

static const char usage[] =
	"usage: pvm COMMAND [options]\n"
	"\n"
	"  run        boot a guest (pvm run --help)\n"
	"  version    print pvm's version\n";

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? PVM_EXIT_USAGE : 0;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("pvm %s\n", PVM_VERSION);
		return 0;
	}
	pr_err("unknown command '%s' (see pvm --help)", argv[1]);
	return PVM_EXIT_USAGE;
}
