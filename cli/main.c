// SPDX-License-Identifier: GPL-2.0
/* pvm's command line: one verb per builtin-*.c, each with its own help. */
#include <stdio.h>
#include <string.h>

#include "cli/builtin.h"
#include "pvm/boot-trace.h"
#include "pvm/log.h"
#include "pvm/vm.h"

#ifndef PVM_VERSION
#define PVM_VERSION "0.1"
#endif
#ifndef PVM_COMMIT
#define PVM_COMMIT "unknown"
#endif

static const char usage[] =
	"usage: pvm COMMAND [options]        (pvm help COMMAND for its options)\n"
	"\n"
	"  run        boot a guest\n"
	"  check      can this host run pvm? PASS/WARN/FAIL per requirement\n"
	"  list       running VMs\n"
	"  stop       shut a guest down (EPOW), or end it at once\n"
	"  pause      hold a guest's vCPUs\n"
	"  resume     let them run again\n"
	"  stat       uptime, memory, per-vCPU exits\n"
	"  hotplug    add or remove memory and CPUs\n"
	"  hvpipe     the host end of a guest's hypervisor pipe\n"
	"  version    pvm's version and git commit\n"
	"  help       this text, or help on a command\n"
	"\n"
	"Control sockets live in $PVM_SOCKET_DIR, else $XDG_RUNTIME_DIR/pvm,\n"
	"else /run/pvm (root) or /tmp/pvm-UID (docs/control-protocol.md).\n"
	"Manual: man pvm, man pvm-COMMAND.\n";

static const char check_help[] =
	"usage: pvm check [--json]\n"
	"\n"
	"Checks this host for pvm: POWER9+ CPU, bare metal or LPAR (and the nested\n"
	"KVM API), /dev/kvm access, KVM-HV, radix, in-kernel XICS/XIVE, SMT modes,\n"
	"nested KVM for guests, memory, transparent huge pages, io_uring, tap,\n"
	"vhost-net, TPM and the control-socket directory. Each line is PASS, WARN\n"
	"or FAIL, with the fix for anything not passing.\n"
	"\n"
	"  --json    one JSON object: result, host {platform, mode, nested_api},\n"
	"            checks [{name, result, detail, fix}]\n"
	"\n"
	"Exit status: 0 everything passed, 1 warnings only, 2 something failed.\n";
static const char list_help[] =
	"usage: pvm list [--json]\n\nRunning VMs of this user: name, state, vCPUs, memory.\n";
static const char stop_help[] =
	"usage: pvm stop NAME [--force] [--json]\n"
	"\nAsks the guest to power off (an EPOW event; Linux runs its shutdown).\n"
	"  -f, --force   end the VM at once (pvm exits with status 4)\n";
static const char pause_help[] = "usage: pvm pause NAME [--json]\n\nHolds every vCPU out of the guest.\n";
static const char resume_help[] = "usage: pvm resume NAME [--json]\n\nLets a paused guest run again.\n";
static const char stat_help[] =
	"usage: pvm stat NAME [--json]\n\nUptime, pvm's resident memory, and per-vCPU state, exits and hcalls.\n";
static const char hotplug_help[] =
	"usage: pvm hotplug NAME mem +SIZE|-SIZE [--json]\n"
	"       pvm hotplug NAME cpu +N|-N [--json]\n"
	"\nAdds or removes memory (256M steps, up to pvm run --max-mem) or cores\n"
	"(up to --max-cpus); the guest is told through a hotplug event.\n"
	"SIZE: 512M, 1G, 1.5G.\n";
static const char version_help[] = "usage: pvm version\n\nPrints pvm's version and the git commit it was built from.\n";
static const char help_help[] = "usage: pvm help [COMMAND]\n";

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("pvm %s (commit %s)\n", PVM_VERSION, PVM_COMMIT);
	return 0;
}

static int cmd_help(int argc, char **argv);

static const struct verb {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
	bool own_help;	/* parses its own options, -h included */
} verbs[] = {
	{ "run", cmd_run, run_usage, true },
	{ "check", cmd_check, check_help, false },
	{ "list", cmd_list, list_help, false },
	{ "stop", cmd_stop, stop_help, false },
	{ "pause", cmd_pause, pause_help, false },
	{ "resume", cmd_resume, resume_help, false },
	{ "stat", cmd_stat, stat_help, false },
	{ "hotplug", cmd_hotplug, hotplug_help, false },
	{ "hvpipe", cmd_hvpipe, hvpipe_usage, true },
	{ "version", cmd_version, version_help, false },
	{ "help", cmd_help, help_help, false },
};

static const struct verb *find_verb(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(name, verbs[i].name))
			return &verbs[i];
	return NULL;
}

static int cmd_help(int argc, char **argv)
{
	const struct verb *v;

	/* The origin of pvm run --boot-trace's times (vmm/boot-trace.c says why here). */
	boot_trace__start();
	if (argc < 2) {
		fputs(usage, stdout);
		return 0;
	}
	v = find_verb(argv[1]);
	if (!v || argc > 2) {
		pr_err("no help for '%s': commands are run, check, list, stop, pause, resume, "
		       "stat, hotplug, hvpipe, version", argv[1]);
		return PVM_EXIT_USAGE;
	}
	fputs(v->help, stdout);
	return 0;
}

/* -h / --help anywhere among a verb's arguments (verbs without values). */
static bool asks_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	const struct verb *v;

	if (argc < 2) {
		fputs(usage, stderr);
		return PVM_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(1, argv);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))
		return cmd_version(1, argv);
	v = find_verb(argv[1]);
	if (!v) {
		pr_err("unknown command '%s' (see pvm help)", argv[1]);
		return PVM_EXIT_USAGE;
	}
	if (!v->own_help && asks_help(argc - 1, argv + 1)) {
		fputs(v->help, stdout);
		return 0;
	}
	return v->fn(argc - 1, argv + 1);
}
