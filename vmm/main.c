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
	"  list       running VMs [--json]\n"
	"  stop NAME  shut the guest down (EPOW); --force ends it at once\n"
	"  pause NAME / resume NAME\n"
	"  stat NAME  uptime, memory, per-vCPU exits [--json]\n"
	"  hotplug NAME mem +512M|-256M, hotplug NAME cpu +1|-1\n"
	"  hvpipe NAME send|recv|close|open|status  host end of the guest's HVPIPE\n"
	"             (pvm hvpipe --help)\n"
	"  version    print pvm's version\n"
	"\n"
	"Control sockets live in $PVM_SOCKET_DIR, else $XDG_RUNTIME_DIR/pvm,\n"
	"else /run/pvm (root) or /tmp/pvm-UID (docs/control-protocol.md).\n";

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} verbs[] = {
	{ "run", cmd_run },
	{ "list", cmd_list },
	{ "stop", cmd_stop },
	{ "pause", cmd_pause },
	{ "resume", cmd_resume },
	{ "stat", cmd_stat },
	{ "hotplug", cmd_hotplug },
	{ "hvpipe", cmd_hvpipe },
};

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? PVM_EXIT_USAGE : 0;
	}
	for (unsigned int i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].fn(argc - 1, argv + 1);
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("pvm %s\n", PVM_VERSION);
		return 0;
	}
	pr_err("unknown command '%s' (see pvm --help)", argv[1]);
	return PVM_EXIT_USAGE;
}
