// SPDX-License-Identifier: GPL-2.0
/* pvm run: boot a kernel in a new VM with the console on this terminal. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli/builtin.h"
#include "cli/control.h"
#include "pvm/boot-trace.h"
#include "pvm/event.h"
#include "pvm/kvm.h"
#include "machine/pseries.h"
#include "pvm/module.h"
#include "pvm/log.h"
#include "papr/hvpipe.h"
#include "papr/nvram.h"
#include "pvm/sandbox.h"
#include "cli/term.h"
#include "cli/disk.h"
#include "cli/net.h"
#include "cli/images.h"
#include "cli/run-options.h"
#include "pvm/vm.h"

/*
 * The guest asked to reboot (or a watchdog did): the same machine starts
 * again in this process — every module reset, the images read again, a new
 * device tree, the boot vCPU at the entry point, the others parked.
 * Returns 0, or pvm's exit status when the guest cannot be restarted.
 */
static int reboot_in_place(struct vm *vm)
{
	unsigned int i;
	int ret;

	pr_info("the guest reboots (%u so far): restarting it in place", vm->nr_reboots + 1);
	if (vm__reset(vm))
		return PVM_EXIT_INTERNAL;
	ret = image__load(vm);
	if (ret)
		return ret;
	if (vm__build_fdt(vm))
		return PVM_EXIT_NOMEM;
	vcpu__start(vm->vcpus[0], vm->entry, vm->fdt_addr);
	for (i = 0; i < vm__nr_vcpus(vm); i++) {
		if (kvm__start_vcpu_thread(vm->vcpus[i])) {
			pr_err("cannot start vCPU threads");
			vm__request_exit(vm, VM_EXIT_FAULT);
			return PVM_EXIT_INTERNAL;
		}
	}
	return 0;
}


static const char *exit_text(struct vm *vm)
{
	switch (vm->exit_reason) {
	case VM_EXIT_POWEROFF:
		return "the guest powered off";
	case VM_EXIT_PANIC:
		return "the guest panicked (ibm,os-term)";
	case VM_EXIT_REBOOT:
		return "the guest asked to reboot";
	case VM_EXIT_SIGNAL:
		return "stopped (Ctrl-a x, a signal or pvm stop --force)";
	case VM_EXIT_WATCHDOG:
		return "a guest watchdog expired";
	case VM_EXIT_GUEST:
		return "the guest chose its status (H_PVM_EXIT)";
	default:
		return "a vCPU failed";
	}
}

static int exit_status(struct vm *vm)
{
	switch (vm->exit_reason) {
	case VM_EXIT_GUEST:
		return vm->guest_status;
	case VM_EXIT_NONE:
		return VM_EXIT_FAULT;
	default:
		return vm->exit_reason;
	}
}

static int setup_signals(void)
{
	sigset_t set;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGUSR1);	/* only vCPU threads take kicks */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	sigdelset(&set, SIGUSR1);
	fd = signalfd(-1, &set, SFD_CLOEXEC);
	if (fd < 0) {
		/* Blocked and unread, SIGINT/SIGTERM would never stop pvm. */
		fd = -errno;
		pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	}
	return fd;
}

/*
 * Set-up failed after the modules' (and the vCPUs') set-up: end the parked
 * vCPU threads, if any started, then every module, backwards, as a VM that
 * ran does (module exits cope with a module that never started).
 */
static int setup_failed(struct vm *vm, int status)
{
	vm__request_exit(vm, VM_EXIT_FAULT);
	kvm__join(vm);
	modules__exit(vm);
	return status;
}

int cmd_run(int argc, char **argv)
{
	static struct vm vm;
	struct vm_config cfg = { .console_fd = STDOUT_FILENO };
	unsigned int core, t;
	int ret, sig_fd;
	bool banners;

	ret = run__parse_args(argc, argv, &cfg);
	if (ret)
		return ret;
	if (cfg.boot_trace)
		boot_trace__enable(stderr);
	boot_trace__mark("options parsed");
	/* A bad image fails fast, before KVM; its headers alone are read. */
	ret = image__check(&cfg);
	if (ret)
		return ret;
	boot_trace__mark("images checked");
	if (cfg.nvram_path) {
		const char *why = NULL;

		cfg.nvram_fd = nvram__open_file(cfg.nvram_path, &why);
		if (cfg.nvram_fd < 0) {
			pr_err("--nvram %s: %s", cfg.nvram_path, why);
			return cfg.nvram_fd == -EINVAL ? PVM_EXIT_BADIMAGE : PVM_EXIT_NOINPUT;
		}
	}

	ret = disk__open_all(&cfg);
	if (!ret)
		ret = net__open_all(&cfg);
	if (ret)
		return ret;

	if (vm__init(&vm, &cfg) || event__init(&vm))
		return PVM_EXIT_INTERNAL;
	ret = kvm__init(&vm);
	if (ret)
		return ret;
	/* modules__init() said which part failed and why. */
	if (pseries__init(&vm))
		return PVM_EXIT_INTERNAL;
	boot_trace__mark("modules initialised");

	for (core = 0; core < cfg.nr_cores; core++) {
		for (t = 0; t < cfg.threads; t++) {
			struct vcpu *v = vcpu__new(&vm, core * cfg.threads + t);

			/* No kvm__join(): this vCPU may lack its KVM half. */
			if (!v || kvm__create_vcpu(&vm, v)) {
				modules__exit(&vm);
				return PVM_EXIT_KVMCAP;
			}
		}
	}
	boot_trace__mark("vCPUs created");

	/*
	 * Every vCPU thread loads its seccomp filter as it starts, and so do
	 * the disks' I/O threads, which modules__start() creates.
	 */
	if (cfg.no_sandbox) {
		sandbox__disable();
	} else if ((ret = sandbox__prepare())) {
		pr_err("cannot set up the sandbox: %s (pvm run --no-sandbox runs without)",
		       strerror(-ret));
		return setup_failed(&vm, PVM_EXIT_INTERNAL);
	}
	/*
	 * Before any thread starts: threads inherit the blocked signals (a
	 * thread without them blocked takes SIGTERM's default action for the
	 * whole process). A signal during the rest of the set-up waits in the
	 * signalfd and stops the guest as soon as the event loop runs.
	 */
	sig_fd = setup_signals();
	if (sig_fd < 0) {
		pr_err("cannot set up signal handling: %s", strerror(-sig_fd));
		return setup_failed(&vm, PVM_EXIT_INTERNAL);
	}
	/*
	 * The vCPU threads start now, stopped: each loads its filter (the
	 * kernel takes milliseconds to take one in) and parks while the images
	 * are read, instead of after.
	 */
	for (t = 0; t < vm.nr_vcpus; t++) {
		if (kvm__start_vcpu_thread(vm.vcpus[t])) {
			pr_err("cannot start vCPU threads");
			return setup_failed(&vm, PVM_EXIT_INTERNAL);
		}
	}
	boot_trace__mark("vCPU threads started (parked)");

	ret = image__load(&vm);
	if (ret)
		return setup_failed(&vm, ret);
	boot_trace__mark("images loaded into guest RAM");
	/* After the vCPUs: ARCH_COMPAT acceptance decides cpu-version. */
	if (vm__build_fdt(&vm))
		return setup_failed(&vm, PVM_EXIT_NOMEM);
	boot_trace__mark("device tree built");

	pr_info("%s: kernel at 0x%llx-0x%llx entry 0x%llx, fdt 0x%llx, rtas 0x%llx",
		cfg.name, (unsigned long long)KERNEL_LOAD_ADDR,
		(unsigned long long)vm.kernel_end, (unsigned long long)vm.entry,
		(unsigned long long)vm.fdt_addr, (unsigned long long)vm.rtas_base);

	/* Before any vCPU runs: a second VM with the same name fails here. */
	if (modules__start(&vm) || control__init(&vm))
		return setup_failed(&vm, PVM_EXIT_USAGE);
	boot_trace__mark("modules started, control socket up");
	/* On a terminal, say where pvm starts and ends: LPAR and guest look alike. */
	banners = isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
	if (banners)
		fprintf(stderr, "pvm: VM '%s' started: %u vCPU%s, %llu MiB; Ctrl-a x ends it\n",
			cfg.name, vm.nr_vcpus, vm.nr_vcpus == 1 ? "" : "s",
			(unsigned long long)(cfg.ram_size / SZ_1M));
	/* The boot CPU starts like QEMU's pseries: r3 = FDT, r4 = r5 = 0. */
	boot_trace__mark("starting the boot vCPU");
	vcpu__start(vm.vcpus[0], vm.entry, vm.fdt_addr);
	term__raw(STDIN_FILENO);
	if (term__init(&vm, STDIN_FILENO, sig_fd)) {
		sigset_t set;

		/* Nobody would read the signalfd: let the signals act by default. */
		pr_warn("cannot watch signals or console input: Ctrl-C ends pvm without cleanup");
		sigemptyset(&set);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGHUP);
		sigaddset(&set, SIGQUIT);
		pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	}
	if (sandbox__enter(SANDBOX_MAIN))
		vm__request_exit(&vm, VM_EXIT_FAULT);
	ret = 0;
	for (;;) {
		event__loop(&vm, term__poll_ms);
		if (vm.exit_reason != VM_EXIT_REBOOT || cfg.no_reboot)
			break;
		kvm__join(&vm);
		ret = reboot_in_place(&vm);
		if (ret)
			break;
	}
	control__exit(&vm);
	term__restore();
	kvm__join(&vm);
	/* Every part, backwards: the TPM session closes, NVRAM stores become durable. */
	modules__exit(&vm);
	if (!ret)
		ret = exit_status(&vm);
	if (banners)
		fprintf(stderr, "\npvm: VM '%s' ended: %s (exit status %d)\n", cfg.name,
			ret == exit_status(&vm) ? exit_text(&vm) : "its reboot failed", ret);
	return ret;
}
