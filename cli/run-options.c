// SPDX-License-Identifier: GPL-2.0
/* pvm run's options: the usage text and the parser that fills a vm_config. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/builtin.h"
#include "pvm/log.h"
#include "papr/hvpipe.h"
#include "cli/disk.h"
#include "cli/net.h"
#include "pvm/vm.h"

const char run_usage[] =
	"usage: pvm run -k VMLINUX [options]\n"
	"\n"
	"  -k, --kernel FILE    ELF kernel or bare-metal payload (ppc64, LE or BE)\n"
	"  -i, --initrd FILE    initial ramdisk\n"
	"  -p, --params STR     kernel command line\n"
	"  -m, --mem SIZE       guest RAM: 512M, 2G, or a number of MiB (default 512M)\n"
	"      --max-mem SIZE   memory can be hot-added up to SIZE (256M steps)\n"
	"  -c, --cpus N         vCPUs (default 1); a multiple of --threads\n"
	"      --max-cpus N     vCPUs can be hot-added up to N (whole cores)\n"
	"      --threads T      SMT threads per core: 1, 2, 4 or 8 (default 1)\n"
	"      --name NAME      VM name (default pvm-PID)\n"
	"      --hvpipe-source ID  offer HVPIPE with an HMC-like source ID (0x0200xxxx),\n"
	"                       reached with pvm hvpipe; repeatable, up to 16\n"
	"      --tpm PATH       forward H_TPM_COMM to this host TPM (e.g. /dev/tpmrm0);\n"
	"                       commands that change the TPM for the host are refused\n"
	"      --tpm-allow-all  forward every TPM command (no policy)\n"
	"      --nvram FILE     keep the guest's NVRAM in FILE (created blank, 64 KiB,\n"
	"                       if missing); default: a blank NVRAM in memory\n"
	"      --rng            a virtio-rng PCI device fed by the host's getrandom()\n"
	"      --nested         let the guest run KVM-HV itself (nested API v1, which\n"
	"                       the host's KVM serves); needs a bare-metal POWER9+\n"
	"                       host or an LPAR on nested API v1 (see pvm check)\n"
	"      --irqchip MODE   auto (default: XIVE where the host's KVM can give it,\n"
	"                       else XICS), xics, or xive (XIVE exploitation: a bare-\n"
	"                       metal POWER9+ host with a 64 KiB-page kernel)\n"
	"      --console KIND   vty (default, hvc0) or virtio (virtio-console, hvc1; adds\n"
	"                       console=hvc1 unless -p has a console=)\n"
	"  -d, --disk PATH[,ro][,direct][,serial=ID]\n"
	"                       a virtio-blk disk on a raw image or block device;\n"
	"                       ro: read-only, direct: O_DIRECT (no host page cache),\n"
	"                       serial: up to 20 characters; repeatable, up to 8\n"
	"  -n, --network mode=tap,tapif=NAME[,mac=MAC][,vhost] | mode=tap,fd=N[,...]\n"
	"                       a virtio-net NIC on a host tap: pvm opens or creates\n"
	"                       tap NAME (or takes an open one, fd=N); mac: default\n"
	"                       stable per VM name; vhost: the kernel's vhost-net\n"
	"                       moves the packets; repeatable, up to 8\n"
	"      --loglevel L     error, warning, info or debug (default warning)\n"
	"      --no-sandbox     run without the seccomp sandbox (for debugging pvm)\n"
	"      --no-reboot      end pvm (status 2) when the guest reboots; by default\n"
	"                       the guest restarts in place, same process and socket\n"
	"      --boot-trace     print boot milestones to stderr, each as\n"
	"                       'pvm: boot-trace: +SECONDS.MICROS WHAT' (seconds since\n"
	"                       pvm started): VM created, images loaded, device tree,\n"
	"                       first KVM_RUN, first console output, the guest's\n"
	"                       GUEST-INIT line; the guest may add marks (hcall 0xf0f2)\n"
	"      --test-exit      for test payloads: the guest may end pvm with a status\n"
	"                       of its choosing, 0-63 (private hcall 0xf0f0)\n"
	"      --test-fail-vcpu ID  for tests: creating vCPU ID fails after KVM made\n"
	"                       it (exercises pvm's clean-up of a half-made vCPU)\n"
	"  -h, --help           this text\n"
	"\n"
	"Exit status: 0 guest powered off, 1 guest panicked (ibm,os-term),\n"
	"2 guest asked to reboot (with --no-reboot), 3 a vCPU failed, 4 stopped by signal or Ctrl-a x,\n"
	"64-71 pvm could not start the guest (see docs/exit-status.md).\n"
	"Console: Ctrl-a x quits, Ctrl-a Ctrl-a sends Ctrl-a.\n";

/* Whether the kernel command line names a console= of its own (not netconsole=). */
static bool has_console_param(const char *params)
{
	const char *p = params;

	while (p && (p = strstr(p, "console="))) {
		if (p == params || p[-1] == ' ')
			return true;
		p++;
	}
	return false;
}

int run__parse_args(int argc, char **argv, struct vm_config *cfg)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "params", required_argument, NULL, 'p' },
		{ "mem", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "threads", required_argument, NULL, 't' },
		{ "max-mem", required_argument, NULL, 'M' },
		{ "max-cpus", required_argument, NULL, 'C' },
		{ "name", required_argument, NULL, 'V' },
		{ "network", required_argument, NULL, 'n' },
		{ "loglevel", required_argument, NULL, 'L' },
		{ "hvpipe-source", required_argument, NULL, 'H' },
		{ "tpm", required_argument, NULL, 'T' },
		{ "nvram", required_argument, NULL, 'N' },
		{ "test-exit", no_argument, NULL, 'E' },
		{ "no-reboot", no_argument, NULL, 'R' },
		{ "nested", no_argument, NULL, 'X' },
		{ "test-fail-vcpu", required_argument, NULL, 'F' },
		{ "tpm-allow-all", no_argument, NULL, 'A' },
		{ "no-sandbox", no_argument, NULL, 'S' },
		{ "rng", no_argument, NULL, 'G' },
		{ "console", required_argument, NULL, 'O' },
		{ "irqchip", required_argument, NULL, 'Q' },
		{ "disk", required_argument, NULL, 'd' },
		{ "boot-trace", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static char default_name[32];
	const char *mem = "512M", *max_mem = NULL;
	unsigned long n, cpus = 1, max_cpus = 0;
	u64 host;
	char *end;
	int c, li;

	cfg->threads = 1;
	opterr = 0;
	optind = 1;
	while ((li = -1, c = getopt_long(argc, argv, ":k:i:p:m:c:n:d:h", opts, &li)) != -1) {
		switch (c) {
		case 'k':
			cfg->kernel = optarg;
			break;
		case 'i':
			cfg->initrd = optarg;
			break;
		case 'p':
			cfg->params = optarg;
			break;
		case 'm':
			mem = optarg;
			break;
		case 'c':
		case 't':
		case 'C':
			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || *end || !n || n > PVM_MAX_VCPUS) {
				pr_err("--%s %s: expected a number from 1 to %u",
				       c == 'c' ? "cpus" : c == 'C' ? "max-cpus" : "threads",
				       optarg, PVM_MAX_VCPUS);
				return PVM_EXIT_USAGE;
			}
			if (c == 'c')
				cpus = n;
			else if (c == 'C')
				max_cpus = n;
			else
				cfg->threads = n;
			break;
		case 'n':
			/* -n NAME (no '='): pvm's first spelling of --name, kept working. */
			if (li < 0 && !net__is_network_arg(optarg)) {
				pr_warn("-n %s: taken as --name %s; -n is --network now (as in "
					"kvmtool), so write --name", optarg, optarg);
				cfg->name = optarg;
				break;
			}
			if (net__parse(cfg, optarg))
				return PVM_EXIT_USAGE;
			break;
		case 'V':
			cfg->name = optarg;
			break;
		case 'M':
			max_mem = optarg;
			break;
		case 'H': {
			u32 id;
			unsigned int j;

			if (hvpipe__parse_id(optarg, &id)) {
				pr_err("--hvpipe-source %s: expected an HMC source id 0x0200xxxx", optarg);
				return PVM_EXIT_USAGE;
			}
			for (j = 0; j < cfg->nr_hvpipe; j++)
				if (cfg->hvpipe_ids[j] == id)
					break;
			if (j < cfg->nr_hvpipe) {
				pr_err("--hvpipe-source %s given twice", optarg);
				return PVM_EXIT_USAGE;
			}
			if (cfg->nr_hvpipe == HVPIPE_MAX_SOURCES) {
				pr_err("--hvpipe-source: at most %d sources", HVPIPE_MAX_SOURCES);
				return PVM_EXIT_USAGE;
			}
			cfg->hvpipe_ids[cfg->nr_hvpipe++] = id;
			break;
		}
		case 'T':
			if (access(optarg, R_OK | W_OK)) {
				pr_err("--tpm %s: %s (a TPM character device such as /dev/tpmrm0)",
				       optarg, strerror(errno));
				return PVM_EXIT_NOINPUT;
			}
			cfg->tpm_path = optarg;
			break;
		case 'N':
			cfg->nvram_path = optarg;
			break;
		case 'E':
			cfg->test_exit = true;
			break;
		case 'R':
			cfg->no_reboot = true;
			break;
		case 'X':
			cfg->nested = true;
			break;
		case 'b':
			cfg->boot_trace = true;
			break;
		case 'G':
			cfg->virtio_rng = true;
			break;
		case 'O':
			if (!strcmp(optarg, "virtio")) {
				cfg->virtio_console = true;
			} else if (!strcmp(optarg, "vty")) {
				cfg->virtio_console = false;
			} else {
				pr_err("--console %s: expected vty or virtio", optarg);
				return PVM_EXIT_USAGE;
			}
			break;
		case 'Q':
			if (!strcmp(optarg, "auto")) {
				cfg->irqchip = IRQCHIP_AUTO;
			} else if (!strcmp(optarg, "xics")) {
				cfg->irqchip = IRQCHIP_XICS;
			} else if (!strcmp(optarg, "xive")) {
				cfg->irqchip = IRQCHIP_XIVE;
			} else {
				pr_err("--irqchip %s: expected auto, xics or xive", optarg);
				return PVM_EXIT_USAGE;
			}
			break;
		case 'd':
			if (disk__parse(cfg, optarg))
				return PVM_EXIT_USAGE;
			break;
		case 'F':
			n = strtoul(optarg, &end, 0);
			if (*end || end == optarg || n >= PVM_MAX_VCPUS) {
				pr_err("--test-fail-vcpu %s: want a vCPU id below %u", optarg,
				       PVM_MAX_VCPUS);
				return PVM_EXIT_USAGE;
			}
			cfg->test_fail_vcpu = n + 1;
			break;
		case 'A':
			cfg->tpm_allow_all = true;
			break;
		case 'S':
			cfg->no_sandbox = true;
			break;
		case 'L':
			log_level = log__parse_level(optarg);
			if (log_level < 0) {
				log_level = LOG_WARN;
				pr_err("--loglevel %s: use error, warning, info or debug", optarg);
				return PVM_EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(run_usage, stdout);
			exit(0);
		case ':':
			pr_err("option %s needs an argument (see pvm run --help)", argv[optind - 1]);
			return PVM_EXIT_USAGE;
		default:
			pr_err("unknown option %s (see pvm run --help)", argv[optind - 1]);
			return PVM_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		pr_err("unexpected argument '%s' (see pvm run --help)", argv[optind]);
		return PVM_EXIT_USAGE;
	}
	if (!cfg->kernel) {
		pr_err("no kernel given: use -k VMLINUX (see pvm run --help)");
		return PVM_EXIT_USAGE;
	}
	if (cfg->virtio_console && !has_console_param(cfg->params)) {
		static char *params;

		/* The guest's /dev/console on the virtio port (hvc0 is the vty). */
		if (asprintf(&params, "%s%sconsole=hvc1", cfg->params ? cfg->params : "",
			     cfg->params && *cfg->params ? " " : "") < 0)
			return PVM_EXIT_INTERNAL;
		cfg->params = params;
	}
	if (cfg->threads != 1 && cfg->threads != 2 && cfg->threads != 4 && cfg->threads != 8) {
		pr_err("--threads %u: must be 1, 2, 4 or 8", cfg->threads);
		return PVM_EXIT_USAGE;
	}
	if (cpus % cfg->threads) {
		pr_err("--cpus %lu is not a multiple of --threads %u", cpus, cfg->threads);
		return PVM_EXIT_USAGE;
	}
	cfg->nr_cores = cpus / cfg->threads;
	if (max_cpus && (max_cpus < cpus || max_cpus % cfg->threads)) {
		pr_err("--max-cpus %lu: must be at least --cpus and a multiple of --threads", max_cpus);
		return PVM_EXIT_USAGE;
	}
	cfg->max_cores = max_cpus ? max_cpus / cfg->threads : cfg->nr_cores;
	if (parse_size(mem, &cfg->ram_size)) {
		pr_err("-m %s: not a size (try 512M, 1.5G or 2G)", mem);
		return PVM_EXIT_USAGE;
	}
	if (cfg->ram_size < PVM_MIN_RAM || cfg->ram_size > PVM_MAX_RAM) {
		pr_err("-m %s: guest memory must be between %llu MiB and %llu GiB", mem,
		       PVM_MIN_RAM / SZ_1M, PVM_MAX_RAM / SZ_1G);
		return PVM_EXIT_NOMEM;
	}
	if (!IS_ALIGNED(cfg->ram_size, SZ_1M)) {
		pr_err("-m %s: guest memory must be a whole number of MiB", mem);
		return PVM_EXIT_NOMEM;
	}
	/*
	 * Guest RAM is never touched up front, so nothing fails here on its own;
	 * a guest bigger than the host's RAM and swap would be killed later by
	 * the OOM killer. Say so now.
	 */
	host = host__meminfo("MemTotal") + host__meminfo("SwapTotal");
	if (host && cfg->ram_size > host) {
		pr_err("-m %s: this host has %.1f GiB of RAM and swap; the guest cannot be larger",
		       mem, host / (double)SZ_1G);
		return PVM_EXIT_NOMEM;
	}
	if (max_mem) {
		if (parse_size(max_mem, &cfg->max_mem) || cfg->max_mem > PVM_MAX_RAM) {
			pr_err("--max-mem %s: not a size up to %llu GiB", max_mem, PVM_MAX_RAM / SZ_1G);
			return PVM_EXIT_USAGE;
		}
		/* Hotplug works in 256 MiB LMBs; boot RAM is whole LMBs too. */
		if (cfg->max_mem < cfg->ram_size || !IS_ALIGNED(cfg->max_mem, SZ_256M) ||
		    !IS_ALIGNED(cfg->ram_size, SZ_256M)) {
			pr_err("--max-mem %s: must be at least -m, and both multiples of 256M", max_mem);
			return PVM_EXIT_USAGE;
		}
	}
	if (!cfg->name) {
		snprintf(default_name, sizeof(default_name), "pvm-%d", (int)getpid());
		cfg->name = default_name;
	}
	return 0;
}
