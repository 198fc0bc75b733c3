// SPDX-License-Identifier: GPL-2.0
/*
 * The seccomp sandbox (libseccomp): once set up, each pvm thread may make
 * only the system calls its kind needs (docs/security.md).
 *
 *   vCPU threads load the VCPU filter when they start: KVM_RUN and the few
 *     KVM ioctls an exit handler needs, memory and locking, and what the
 *     guest-facing services use (console writes, getrandom, NVRAM writes,
 *     timers, kicks). Opening files only with --tpm (the TPM session).
 *   A device's I/O thread (virtio-blk's, one per disk) loads the IO filter:
 *     the basics, the KVM ioctls that deliver an interrupt, and the calls
 *     its device adds (io_uring_enter, the thread fallback's I/O calls).
 *     It is created before the main thread loads MAIN, so it inherits none.
 *   The main thread loads the MAIN filter before its event loop: the event
 *     loop, the control socket, terminal and hotplug. vCPU threads hot-added
 *     later are created by the main thread and inherit its filter, and
 *     filters only ever narrow, so MAIN also holds everything in VCPU; each
 *     new vCPU thread then adds VCPU on top.
 *
 * A call outside the filter traps (SIGSYS): pvm logs the thread and the call
 * by name and exits with status 72 at once. Features add what they need
 * with sandbox__allow() while the VM is set up.
 */
#include <errno.h>
#include <pthread.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <signal.h>
#include <sys/prctl.h>
#include <ucontext.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/syscall.h>
#include <asm/termbits.h>	/* the kernel's struct termios: the ioctl numbers glibc uses */
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <seccomp.h>

#include "pvm/log.h"
#include "pvm/sandbox.h"
#include "pvm/vm.h"

#define MAX_NR 1024
#define MAX_EXTRA 16

static bool enabled, prepared;
/* Syscall names by number, made before any filter (the handler cannot allocate). */
static char *names[MAX_NR];
static __thread const char *thread_kind = "pvm";
static int extra[SANDBOX_KINDS][MAX_EXTRA], nr_extra[SANDBOX_KINDS];
static unsigned long extra_ioctls[SANDBOX_KINDS][MAX_EXTRA];
static unsigned int nr_extra_ioctls[SANDBOX_KINDS];
/* Each kind's filter, compiled once (compile()). */
static struct sock_fprog progs[SANDBOX_KINDS];
static pthread_mutex_t progs_lock = PTHREAD_MUTEX_INITIALIZER;
static int bpf_fd = -1;

/* What every thread needs: memory, locks, time, signals, its own exit. */
static const int common_calls[] = {
	SCMP_SYS(futex), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mprotect),
	SCMP_SYS(madvise), SCMP_SYS(brk), SCMP_SYS(mremap), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep),
	SCMP_SYS(nanosleep), SCMP_SYS(sched_yield), SCMP_SYS(restart_syscall),
	SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(getpid), SCMP_SYS(gettid),
	SCMP_SYS(tgkill), SCMP_SYS(write), SCMP_SYS(writev), SCMP_SYS(read),
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(close), SCMP_SYS(getrandom),
	SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(timerfd_settime),
	SCMP_SYS(timerfd_gettime), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
	SCMP_SYS(rseq),
};

/* The main thread on top of that: event loop, control socket, terminal, hotplug. */
static const int main_calls[] = {
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_ctl),
	SCMP_SYS(accept4), SCMP_SYS(accept), SCMP_SYS(recv), SCMP_SYS(recvfrom),
	SCMP_SYS(recvmsg), SCMP_SYS(send), SCMP_SYS(sendto), SCMP_SYS(sendmsg),
	SCMP_SYS(shutdown), SCMP_SYS(getsockopt), SCMP_SYS(fcntl), SCMP_SYS(openat),
	SCMP_SYS(getdents64), SCMP_SYS(lseek), SCMP_SYS(unlink), SCMP_SYS(fdatasync),
	SCMP_SYS(fsync), SCMP_SYS(clone), SCMP_SYS(clone3), SCMP_SYS(set_robust_list),
	SCMP_SYS(geteuid), SCMP_SYS(getuid), SCMP_SYS(statx), SCMP_SYS(prlimit64),
	SCMP_SYS(sigaltstack), SCMP_SYS(rt_sigaction), SCMP_SYS(umask),
};

/*
 * KVM ioctls of an exit handler (vCPU fd and VM fd). KVM_IOEVENTFD and
 * KVM_IRQFD: a guest that moves a BAR or starts a virtio queue does so from
 * a vCPU (MSI-X setup, device status writes); MAIN holds them through this.
 */
static const unsigned long vcpu_ioctls[] = {
	KVM_RUN, KVM_GET_REGS, KVM_SET_REGS, KVM_GET_ONE_REG, KVM_SET_ONE_REG,
	KVM_IRQ_LINE, KVM_GET_DEVICE_ATTR, KVM_SET_DEVICE_ATTR,
	KVM_PPC_CONFIGURE_V3_MMU, KVM_SET_USER_MEMORY_REGION, KVM_IOEVENTFD, KVM_IRQFD,
};

/*
 * An I/O thread's: interrupts, through an irqfd (set up or moved on the way,
 * KVM_IRQFD), or KVM_IRQ_LINE and the XICS source attributes without one.
 */
static const unsigned long io_ioctls[] = {
	KVM_IRQ_LINE, KVM_IRQFD, KVM_GET_DEVICE_ATTR, KVM_SET_DEVICE_ATTR,
};

/* And the main thread's: creating hot-added vCPUs, the terminal. */
static const unsigned long main_ioctls[] = {
	KVM_CREATE_VCPU, KVM_ENABLE_CAP, KVM_CHECK_EXTENSION, TCGETS, TCSETS, TCSETSW,
	TCSETSF, TIOCGWINSZ,
};

void sandbox__disable(void)
{
	enabled = false;
}

int sandbox__allow_syscall(enum sandbox_kind kind, const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		return -EINVAL;
	/* Too late: threads may have made their filters. */
	if (prepared)
		return -EBUSY;
	if (nr_extra[kind] == MAX_EXTRA)
		return -ENOSPC;
	extra[kind][nr_extra[kind]++] = nr;
	return 0;
}

int sandbox__allow_ioctl(enum sandbox_kind kind, unsigned long request)
{
	unsigned int i;

	for (i = 0; i < nr_extra_ioctls[kind]; i++)
		if (extra_ioctls[kind][i] == request)
			return 0;
	if (prepared)
		return -EBUSY;
	if (nr_extra_ioctls[kind] == MAX_EXTRA)
		return -ENOSPC;
	extra_ioctls[kind][nr_extra_ioctls[kind]++] = request;
	return 0;
}

static void violation(int sig, siginfo_t *si, void *uc)
{
	char msg[384];
	int nr = si->si_syscall, n;
	const char *name = nr >= 0 && nr < MAX_NR && names[nr] ? names[nr] : "?";
	unsigned long a0 = 0, a1 = 0;

	(void)sig;
#ifdef __powerpc64__
	/* Registers as the call was made: r3, r4 are its first two arguments. */
	a0 = ((ucontext_t *)uc)->uc_mcontext.gp_regs[34];	/* PT_ORIG_R3 */
	a1 = ((ucontext_t *)uc)->uc_mcontext.gp_regs[4];
#else
	(void)uc;
#endif
	n = snprintf(msg, sizeof(msg),
		     "pvm: error: sandbox: a %s thread made system call %d (%s; args 0x%lx 0x%lx), "
		     "which its seccomp filter does not allow; stopping (a pvm bug: please report "
		     "it; --no-sandbox runs without the sandbox)\n", thread_kind, nr, name, a0, a1);
	if (n > 0) {
		ssize_t w __unused = write(STDERR_FILENO, msg, MIN((size_t)n, sizeof(msg) - 1));
	}
	if (nr == SCMP_SYS(openat) && a1) {
		const char *p = (const char *)a1;
		ssize_t w __unused = write(STDERR_FILENO, "pvm: error: sandbox: openat ", 28);

		w = write(STDERR_FILENO, p, strnlen(p, 200));
		w = write(STDERR_FILENO, "\n", 1);
	}
	_exit(PVM_EXIT_SANDBOX);
}

int sandbox__prepare(void)
{
	struct sigaction sa = { .sa_sigaction = violation, .sa_flags = SA_SIGINFO };
	int nr;

	enabled = prepared = true;
	/* glibc reads /etc/localtime on its first time conversion: do it now. */
	tzset();
	for (nr = 0; nr < MAX_NR; nr++)
		names[nr] = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
	if (sigaction(SIGSYS, &sa, NULL))
		return -errno;
	/* Where compile() exports filters: taken now, so no thread runs out of fds. */
	bpf_fd = memfd_create("pvm-seccomp", MFD_CLOEXEC);
	return bpf_fd < 0 ? -errno : 0;
}

static int add_all(scmp_filter_ctx ctx, const int *calls, unsigned int n)
{
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, calls[i], 0);
		/* A call this architecture lacks (e.g. clone3 on old headers) is skipped. */
		if (ret && ret != -EDOM && ret != -EFAULT)
			return ret;
	}
	return 0;
}

static int add_ioctls(scmp_filter_ctx ctx, const unsigned long *req, unsigned int n)
{
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		/* The request's low 32 bits: glibc may leave junk in the upper half. */
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				       SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffULL, (u32)req[i]));
		if (ret)
			return ret;
	}
	return 0;
}

/* The kind's rules in a new libseccomp context: *out, or -errno. */
static int build(enum sandbox_kind kind, scmp_filter_ctx *out)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
	int ret;

	if (!ctx)
		return -ENOMEM;
	/*
	 * Every exit is a KVM_RUN ioctl through the vCPU filter: ioctl is
	 * tested first, and KVM_RUN first among its requests (vcpu_ioctls).
	 */
	ret = seccomp_syscall_priority(ctx, SCMP_SYS(ioctl), 255);
	if (!ret)
		ret = add_all(ctx, common_calls, ARRAY_SIZE(common_calls));
	if (kind == SANDBOX_IO) {
		if (!ret)
			ret = add_ioctls(ctx, io_ioctls, ARRAY_SIZE(io_ioctls));
		if (!ret)
			ret = add_all(ctx, extra[SANDBOX_IO], nr_extra[SANDBOX_IO]);
		if (!ret)
			ret = add_ioctls(ctx, extra_ioctls[SANDBOX_IO], nr_extra_ioctls[SANDBOX_IO]);
		goto out;
	}
	if (!ret)
		ret = add_ioctls(ctx, vcpu_ioctls, ARRAY_SIZE(vcpu_ioctls));
	if (!ret)
		ret = add_all(ctx, extra[SANDBOX_VCPU], nr_extra[SANDBOX_VCPU]);
	if (!ret)
		ret = add_ioctls(ctx, extra_ioctls[SANDBOX_VCPU], nr_extra_ioctls[SANDBOX_VCPU]);
	if (!ret && kind == SANDBOX_MAIN) {
		ret = add_all(ctx, main_calls, ARRAY_SIZE(main_calls));
		if (!ret)
			ret = add_ioctls(ctx, main_ioctls, ARRAY_SIZE(main_ioctls));
		if (!ret)
			ret = add_all(ctx, extra[SANDBOX_MAIN], nr_extra[SANDBOX_MAIN]);
		/*
		 * A hot-added vCPU thread starts under this filter: it names itself
		 * and then loads its own (which sets no_new_privs again). seccomp()
		 * can only narrow what a thread may do.
		 */
		if (!ret)
			ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
					       SCMP_A0(SCMP_CMP_EQ, PR_SET_NAME));
		if (!ret)
			ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
					       SCMP_A0(SCMP_CMP_EQ, PR_SET_NO_NEW_PRIVS));
		if (!ret)
			ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(seccomp), 0);
	}
out:
	if (ret)
		seccomp_release(ctx);
	else
		*out = ctx;
	return ret;
}

/*
 * The kind's filter as the BPF program seccomp_load() would load, made once
 * (libseccomp 2.5 exports it only to a file descriptor): turning the rules
 * into BPF took milliseconds of every vCPU thread's start.
 */
static int compile(enum sandbox_kind kind)
{
	scmp_filter_ctx ctx;
	struct sock_filter *insns = NULL;
	off_t len;
	int ret = build(kind, &ctx);

	if (ret)
		return ret;
	if (ftruncate(bpf_fd, 0) || lseek(bpf_fd, 0, SEEK_SET)) {
		ret = -errno;
		goto out;
	}
	ret = seccomp_export_bpf(ctx, bpf_fd);
	if (ret)
		goto out;
	len = lseek(bpf_fd, 0, SEEK_END);
	if (len <= 0 || len % sizeof(*insns) || len / sizeof(*insns) > BPF_MAXINSNS) {
		ret = -E2BIG;
		goto out;
	}
	insns = malloc(len);
	if (!insns) {
		ret = -ENOMEM;
		goto out;
	}
	if (pread(bpf_fd, insns, len, 0) != len) {
		ret = -EIO;
		free(insns);
		goto out;
	}
	progs[kind].filter = insns;
	progs[kind].len = len / sizeof(*insns);
out:
	seccomp_release(ctx);
	return ret;
}

int sandbox__enter(enum sandbox_kind kind)
{
	unsigned int k;
	int ret = 0;

	thread_kind = kind == SANDBOX_VCPU ? "vCPU" : kind == SANDBOX_IO ? "I/O" : "main";
	if (!enabled)
		return 0;
	/*
	 * The first thread of a kind makes its filter (the boot's vCPU threads
	 * while the images are read). The main thread makes all of them before
	 * its own and lets go of the memfd: threads it starts later (hot-added
	 * vCPUs, a reboot's) find theirs ready, and the fd count stays flat.
	 */
	pthread_mutex_lock(&progs_lock);
	for (k = 0; k < SANDBOX_KINDS && !ret; k++)
		if ((k == kind || kind == SANDBOX_MAIN) && !progs[k].filter)
			ret = compile(k);
	if (kind == SANDBOX_MAIN && bpf_fd >= 0) {
		close(bpf_fd);
		bpf_fd = -1;
	}
	pthread_mutex_unlock(&progs_lock);
	/* What seccomp_load() does: no_new_privs, then the filter. */
	if (!ret && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		ret = -errno;
	if (!ret && syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &progs[kind]))
		ret = -errno;
	if (ret)
		pr_err("sandbox: cannot load the %s thread's seccomp filter: %s", thread_kind,
		       strerror(-ret));
	return ret;
}
