// SPDX-License-Identifier: GPL-2.0
/*
 * KVM-HV on POWER: the accelerator behind include/pvm/accel.h. Only this file
 * issues KVM ioctls. Facts: ../shared/spec/boot-devicetree-kvm-drc.md §3, §8.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "pvm/accel.h"
#include "pvm/hcall.h"
#include "pvm/irq.h"
#include "pvm/kvm.h"
#include "pvm/log.h"
#include "pvm/rtas.h"
#include "pvm/vm.h"

#define MSR_SF (1ULL << 63)
#define MSR_ME (1ULL << 12)
#define LPCR_USER_MASK (LPCR_ILE | LPCR_AIL | LPCR_LD)
#define KICK_SIGNAL SIGUSR1

struct kvm_state {
	int sys_fd;
	int vm_fd;
	int xics_fd;
	int run_size;
	bool ail3;
	bool cpu_char_ok;
	struct kvm_ppc_cpu_char cpu_char;
	/* ILE/AIL/LD wanted on every vCPU; generation tells a vCPU to reload. */
	u64 lpcr_bits;
	unsigned int lpcr_gen;
	/* PAPR hcalls (nr / 4) pvm asked KVM to handle in-kernel. */
	u8 enabled_hcalls[MAX_HCALL_OPCODE / 4 + 1];
};

struct kvm_vcpu_state {
	int fd;
	struct kvm_run *run;
	unsigned int lpcr_gen;
	bool thread_started;
};

static struct kvm_state *KS(struct vm *vm)
{
	return vm->accel;
}

static struct kvm_vcpu_state *VS(struct vcpu *v)
{
	return v->accel;
}

static int check_ext(int fd, long cap)
{
	int r = ioctl(fd, KVM_CHECK_EXTENSION, cap);

	return r < 0 ? 0 : r;
}

static int one_reg(int fd, unsigned long req, u64 id, void *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (u64)(unsigned long)val };

	return ioctl(fd, req, &r) ? -errno : 0;
}

/* ---- host facts ---- */

static void host_cpu_facts(struct vm *vm)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];
	unsigned long long tb;

	vm->logical_pvr = 0x0f000005;	/* POWER9 architected */
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "timebase : %llu", &tb) == 1 && tb && tb < (1ULL << 32))
			vm->timebase_freq = tb;
		if (!strncmp(line, "cpu", 3) && strstr(line, "POWER10"))
			vm->logical_pvr = 0x0f000006;
		else if (!strncmp(line, "cpu", 3) && strstr(line, "POWER11"))
			vm->logical_pvr = 0x0f000007;
	}
	fclose(f);
}

static void radix_ap_encodings(struct vm *vm, struct kvm_state *ks)
{
	static const u32 defaults[] = { 0x0000000c, 0xa0000010, 0x20000015, 0x4000001e };
	struct kvm_ppc_rmmu_info info;
	unsigned int i;

	if (!ioctl(ks->vm_fd, KVM_PPC_GET_RMMU_INFO, &info)) {
		for (i = 0; i < 8 && info.ap_encodings[i]; i++)
			vm->radix_ap[i] = info.ap_encodings[i];
		vm->nr_radix_ap = i;
		if (i)
			return;
	}
	memcpy(vm->radix_ap, defaults, sizeof(defaults));
	vm->nr_radix_ap = ARRAY_SIZE(defaults);
}

static int enable_vm_cap(struct kvm_state *ks, u32 cap, u64 a0, u64 a1)
{
	struct kvm_enable_cap ec = { .cap = cap, .args = { a0, a1 } };

	return ioctl(ks->vm_fd, KVM_ENABLE_CAP, &ec) ? -errno : 0;
}

static void create_xics(struct kvm_state *ks)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_XICS };

	/*
	 * No KVM_PPC_RTAS_DEFINE_TOKEN: with any token defined, KVM parses every
	 * H_RTAS itself and fails KVM_RUN on a bad args pointer. devices/xics.c
	 * serves the four ICS calls instead.
	 */
	ks->xics_fd = -1;
	if (ioctl(ks->vm_fd, KVM_CREATE_DEVICE, &cd)) {
		pr_warn("no in-kernel XICS (%s): guest runs without interrupts",
			strerror(errno));
		return;
	}
	ks->xics_fd = cd.fd;
}

/*
 * Guest RAM, 2 MiB aligned and THP-backed where the host allows: KVM then
 * maps the guest in 2 MiB pages, so a booting guest takes 32x fewer
 * partition-scope faults -- each one a costly round trip when pvm itself
 * runs nested in an LPAR.
 */
static void *alloc_guest_ram(u64 size)
{
	u64 align = 2 * SZ_1M;
	u8 *p = mmap(NULL, size + align, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	u8 *ram;

	if (p == MAP_FAILED)
		return NULL;
	ram = (u8 *)ALIGN_UP((unsigned long)p, align);
	if (ram > p)
		munmap(p, ram - p);
	munmap(ram + size, (p + size + align) - (ram + size));
	madvise(ram, size, MADV_HUGEPAGE);
	return ram;
}

static void kick_handler(int sig __unused)
{
}

int kvm__init(struct vm *vm)
{
	struct kvm_state *ks = calloc(1, sizeof(*ks));
	struct kvm_userspace_memory_region mr;
	struct sigaction sa = { .sa_handler = kick_handler };
	void *ram;

	if (!ks)
		return PVM_EXIT_INTERNAL;
	vm->accel = ks;
	ks->xics_fd = -1;

	ks->sys_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (ks->sys_fd < 0) {
		pr_err("cannot open /dev/kvm: %s (is kvm-hv loaded?)", strerror(errno));
		return PVM_EXIT_NOKVM;
	}
	if (ioctl(ks->sys_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		pr_err("/dev/kvm speaks an unknown KVM API version");
		return PVM_EXIT_NOKVM;
	}
	ks->vm_fd = ioctl(ks->sys_fd, KVM_CREATE_VM, KVM_VM_PPC_HV);
	if (ks->vm_fd < 0) {
		pr_err("cannot create a KVM-HV VM: %s (kvm-hv module loaded?)",
		       strerror(errno));
		return errno == EINVAL ? PVM_EXIT_KVMCAP : PVM_EXIT_NOKVM;
	}
	if (!check_ext(ks->vm_fd, KVM_CAP_PPC_PAPR)) {
		pr_err("KVM lacks KVM_CAP_PPC_PAPR: not a KVM-HV host");
		return PVM_EXIT_KVMCAP;
	}
	if (!check_ext(ks->vm_fd, KVM_CAP_PPC_MMU_RADIX)) {
		pr_err("KVM lacks KVM_CAP_PPC_MMU_RADIX: pvm runs radix guests only");
		return PVM_EXIT_KVMCAP;
	}
	ks->run_size = ioctl(ks->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (ks->run_size <= 0) {
		pr_err("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
		return PVM_EXIT_NOKVM;
	}
	if (vm->cfg.threads > 1) {
		int r = enable_vm_cap(ks, KVM_CAP_PPC_SMT, vm->cfg.threads, 0);

		if (r) {
			pr_err("KVM cannot emulate %u threads per core: %s",
			       vm->cfg.threads, strerror(-r));
			return PVM_EXIT_KVMCAP;
		}
	}
	/* H_SET_MODE in-kernel handles CIABR/DAWR; LE and AIL still come to us. */
	if (accel__enable_hcall(vm, H_SET_MODE))
		pr_info("KVM cannot handle H_SET_MODE in-kernel");
	ks->ail3 = check_ext(ks->vm_fd, KVM_CAP_PPC_AIL_MODE_3) > 0;
	ks->cpu_char_ok = !ioctl(ks->vm_fd, KVM_PPC_GET_CPU_CHAR, &ks->cpu_char);

	host_cpu_facts(vm);
	radix_ap_encodings(vm, ks);
	create_xics(ks);

	ram = alloc_guest_ram(vm->cfg.ram_size);
	if (!ram) {
		pr_err("cannot allocate %llu MiB of guest memory: %s",
		       (unsigned long long)(vm->cfg.ram_size / SZ_1M), strerror(errno));
		return PVM_EXIT_NOMEM;
	}
	mr = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = vm->cfg.ram_size,
		.userspace_addr = (u64)(unsigned long)ram,
	};
	if (ioctl(ks->vm_fd, KVM_SET_USER_MEMORY_REGION, &mr)) {
		pr_err("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
		return PVM_EXIT_NOMEM;
	}
	gmem__add(&vm->mem, 0, vm->cfg.ram_size, ram);

	sigaction(KICK_SIGNAL, &sa, NULL);
	return 0;
}

/* ---- accel.h ---- */

bool accel__has_cap(struct vm *vm, enum accel_cap cap)
{
	struct kvm_state *ks = KS(vm);

	switch (cap) {
	case ACCEL_CAP_AIL_MODE_3:
		return ks->ail3;
	case ACCEL_CAP_XICS:
		return ks->xics_fd >= 0;
	}
	return false;
}

static int apply_lpcr(struct vcpu *v)
{
	struct kvm_state *ks = KS(v->vm);
	struct kvm_vcpu_state *vs = VS(v);
	u64 lpcr;
	int r;

	pthread_mutex_lock(&v->vm->lock);
	if (vs->lpcr_gen == ks->lpcr_gen) {
		pthread_mutex_unlock(&v->vm->lock);
		return 0;
	}
	vs->lpcr_gen = ks->lpcr_gen;
	r = one_reg(vs->fd, KVM_GET_ONE_REG, KVM_REG_PPC_LPCR_64, &lpcr);
	if (!r) {
		lpcr = (lpcr & ~LPCR_USER_MASK) | ks->lpcr_bits;
		r = one_reg(vs->fd, KVM_SET_ONE_REG, KVM_REG_PPC_LPCR_64, &lpcr);
	}
	pthread_mutex_unlock(&v->vm->lock);
	if (r)
		pr_err("vcpu %u: setting LPCR failed: %s", v->id, strerror(-r));
	return r;
}

/*
 * Called from a vCPU thread (H_SET_MODE). The caller's LPCR changes now;
 * every other vCPU picks the change up before it next enters the guest
 * (kicked out of KVM_RUN if it is running), so no thread blocks on another
 * vCPU's fd.
 */
int accel__set_lpcr(struct vm *vm, u64 mask, u64 bits)
{
	struct kvm_state *ks = KS(vm);
	unsigned int i;

	if (mask & ~LPCR_USER_MASK)
		return -EINVAL;
	pthread_mutex_lock(&vm->lock);
	ks->lpcr_bits = (ks->lpcr_bits & ~mask) | (bits & mask);
	ks->lpcr_gen++;
	pthread_mutex_unlock(&vm->lock);
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = vm->vcpus[i];

		if (pthread_equal(v->thread, pthread_self())) {
			if (apply_lpcr(v))
				return -EIO;
		} else if (v->state == VCPU_RUNNING) {
			accel__kick(v);
		}
	}
	return 0;
}

int accel__configure_mmu(struct vm *vm, bool radix, bool gtse, u64 process_table)
{
	struct kvm_ppc_mmuv3_cfg cfg = {
		.flags = (radix ? KVM_PPC_MMUV3_RADIX : 0) | (gtse ? KVM_PPC_MMUV3_GTSE : 0),
		.process_table = process_table,
	};

	if (ioctl(KS(vm)->vm_fd, KVM_PPC_CONFIGURE_V3_MMU, &cfg)) {
		pr_err("KVM_PPC_CONFIGURE_V3_MMU: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

int accel__get_cpu_char(struct vm *vm, u64 *character, u64 *behaviour)
{
	struct kvm_state *ks = KS(vm);

	if (!ks->cpu_char_ok)
		return -ENOSYS;
	*character = ks->cpu_char.character & ks->cpu_char.character_mask;
	*behaviour = ks->cpu_char.behaviour & ks->cpu_char.behaviour_mask;
	return 0;
}

static int xics_source_attr(struct vm *vm, unsigned long req, u32 irq, u64 *state)
{
	struct kvm_device_attr attr = {
		.group = KVM_DEV_XICS_GRP_SOURCES,
		.attr = irq,
		.addr = (u64)(unsigned long)state,
	};

	if (KS(vm)->xics_fd < 0)
		return -ENODEV;
	return ioctl(KS(vm)->xics_fd, req, &attr) ? -errno : 0;
}

int accel__irq_create(struct vm *vm, u32 irq, bool lsi)
{
	u64 state = (0xffULL << KVM_XICS_PRIORITY_SHIFT) | KVM_XICS_MASKED |
		    (lsi ? KVM_XICS_LEVEL_SENSITIVE : 0);

	return xics_source_attr(vm, KVM_SET_DEVICE_ATTR, irq, &state);
}

int accel__irq_get_state(struct vm *vm, u32 irq, u64 *state)
{
	/* Only sources pvm created: KVM would create a missing ICS block otherwise. */
	if (irq < IRQ_BASE || irq >= IRQ_BASE + vm->nr_irqs)
		return -ENOENT;
	return xics_source_attr(vm, KVM_GET_DEVICE_ATTR, irq, state);
}

int accel__irq_set_state(struct vm *vm, u32 irq, u64 state)
{
	if (irq < IRQ_BASE || irq >= IRQ_BASE + vm->nr_irqs)
		return -ENOENT;
	return xics_source_attr(vm, KVM_SET_DEVICE_ATTR, irq, &state);
}

int accel__irq_line(struct vm *vm, u32 irq, int level)
{
	struct kvm_irq_level l = { .irq = irq, .level = level };

	return ioctl(KS(vm)->vm_fd, KVM_IRQ_LINE, &l) ? -errno : 0;
}

int accel__memslot(struct vm *vm, u32 slot, u64 gpa, u64 size, void *hva)
{
	struct kvm_userspace_memory_region mr = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (u64)(unsigned long)hva,
	};

	return ioctl(KS(vm)->vm_fd, KVM_SET_USER_MEMORY_REGION, &mr) ? -errno : 0;
}

int accel__add_vcpu(struct vm *vm, unsigned int id)
{
	struct vcpu *v = vcpu__new(vm, id);
	int ret;

	if (!v)
		return -ENOSPC;
	ret = kvm__create_vcpu(vm, v);
	if (!ret)
		ret = kvm__start_vcpu_thread(v);
	return ret;
}

int accel__enable_hcall(struct vm *vm, u64 nr)
{
	struct kvm_state *ks = KS(vm);
	int r;

	if (nr > MAX_HCALL_OPCODE || (nr & 3))
		return -EINVAL;
	r = enable_vm_cap(ks, KVM_CAP_PPC_ENABLE_HCALL, nr, 1);
	if (!r)
		ks->enabled_hcalls[nr / 4] = 1;
	return r;
}

/*
 * KVM-HV's default_hcall_list (arch/powerpc/kvm/book3s_hv.c), less the HPT
 * and TCE calls a radix guest without PCI never reaches, plus what pvm
 * enabled. The XICS calls need the in-kernel XICS.
 */
bool accel__hcall_in_kernel(struct vm *vm, u64 nr)
{
	struct kvm_state *ks = KS(vm);

	switch (nr) {
	case H_CEDE: case H_PROD: case H_CONFER: case H_REGISTER_VPA:
	case H_SET_DABR: case H_SET_XDABR:
		return true;
	case H_EOI: case H_CPPR: case H_IPI: case H_IPOLL: case H_XIRR: case H_XIRR_X:
		return ks->xics_fd >= 0;
	}
	return nr <= MAX_HCALL_OPCODE && !(nr & 3) && ks->enabled_hcalls[nr / 4];
}

/*
 * The vCPU sits in an hcall exit: KVM_SET_REGS changes SPRG0 and rewrites
 * the other registers as they are; the hcall's r3..r12 still come from
 * kvm_run at the next KVM_RUN.
 */
int accel__set_sprg0(struct vcpu *v, u64 val)
{
	struct kvm_regs regs;

	if (ioctl(VS(v)->fd, KVM_GET_REGS, &regs))
		return -errno;
	regs.sprg0 = val;
	return ioctl(VS(v)->fd, KVM_SET_REGS, &regs) ? -errno : 0;
}

void accel__kick(struct vcpu *v)
{
	struct kvm_vcpu_state *vs = VS(v);

	if (!vs || !vs->run)
		return;
	/* immediate_exit covers the window before the thread enters KVM_RUN. */
	vs->run->immediate_exit = 1;
	if (vs->thread_started && !pthread_equal(v->thread, pthread_self()))
		pthread_kill(v->thread, KICK_SIGNAL);
}

/* ---- vCPUs ---- */

int kvm__create_vcpu(struct vm *vm, struct vcpu *v)
{
	struct kvm_state *ks = KS(vm);
	struct kvm_vcpu_state *vs = calloc(1, sizeof(*vs));
	struct kvm_enable_cap papr = { .cap = KVM_CAP_PPC_PAPR };
	u32 compat = vm->logical_pvr;

	if (!vs)
		return -ENOMEM;
	v->accel = vs;
	vs->fd = ioctl(ks->vm_fd, KVM_CREATE_VCPU, v->id);
	if (vs->fd < 0) {
		pr_err("KVM_CREATE_VCPU %u: %s", v->id, strerror(errno));
		return -errno;
	}
	vs->run = mmap(NULL, ks->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vs->fd, 0);
	if (vs->run == MAP_FAILED) {
		vs->run = NULL;
		return -errno;
	}
	/* Without PAPR mode KVM_RUN fails with EINVAL. */
	if (ioctl(vs->fd, KVM_ENABLE_CAP, &papr)) {
		pr_err("vcpu %u: KVM_CAP_PPC_PAPR: %s", v->id, strerror(errno));
		return -errno;
	}
	if (ks->xics_fd >= 0) {
		struct kvm_enable_cap xc = {
			.cap = KVM_CAP_IRQ_XICS,
			.args = { (u64)ks->xics_fd, v->id },
		};

		if (ioctl(vs->fd, KVM_ENABLE_CAP, &xc)) {
			pr_err("vcpu %u: connecting to XICS: %s", v->id, strerror(errno));
			return -errno;
		}
	}
	if (compat && one_reg(vs->fd, KVM_SET_ONE_REG, KVM_REG_PPC_ARCH_COMPAT, &compat)) {
		pr_warn("vcpu %u: ARCH_COMPAT 0x%x refused; running at host level",
			v->id, compat);
		vm->logical_pvr = 0;
	}
	/* A new vcore gets the VM's LPCR, which never has ILE/AIL: copy ours. */
	vs->lpcr_gen = ks->lpcr_gen - 1;
	return apply_lpcr(v);
}

static int set_start_regs(struct vcpu *v, u64 pc, u64 r3)
{
	struct kvm_vcpu_state *vs = VS(v);
	struct kvm_regs regs;

	if (ioctl(vs->fd, KVM_GET_REGS, &regs))
		return -errno;
	memset(regs.gpr, 0, sizeof(regs.gpr));
	regs.pc = pc;
	regs.msr = MSR_SF | MSR_ME;
	regs.gpr[3] = r3;
	if (ioctl(vs->fd, KVM_SET_REGS, &regs))
		return -errno;
	/*
	 * A vCPU that stopped itself inside an hcall (stop-self) still has that
	 * hcall's completion pending: KVM writes papr_hcall.ret/args into r3..r12
	 * at the next KVM_RUN, after our SET_REGS. Make it write what we want.
	 */
	if (vs->run->exit_reason == KVM_EXIT_PAPR_HCALL) {
		vs->run->papr_hcall.ret = r3;
		memset(vs->run->papr_hcall.args, 0, sizeof(vs->run->papr_hcall.args));
	}
	return 0;
}

/*
 * A system-reset interrupt (H_SIGNAL_SYS_RESET), delivered as the hardware
 * does for a guest without FWNMI (pvm does not offer ibm,nmi-register):
 * SRR0 = where the vCPU was, SRR1 = its MSR less the interrupt-cause bits,
 * then real mode at 0x100 with SF, ME kept and LE from LPCR[ILE]. An hcall
 * completion still pending lands in r3..r12 first, as if the interrupt came
 * right after the sc.
 */
#define MSR_LE 1ULL
#define SRR1_CAUSE_BITS 0x783f0000ULL
#define SRESET_VECTOR 0x100

static int deliver_sreset(struct vcpu *v)
{
	struct kvm_regs regs;
	bool ile;

	if (ioctl(VS(v)->fd, KVM_GET_REGS, &regs))
		return -errno;
	pthread_mutex_lock(&v->vm->lock);
	ile = KS(v->vm)->lpcr_bits & LPCR_ILE;
	pthread_mutex_unlock(&v->vm->lock);
	pr_debug("vcpu %u: system reset at pc 0x%llx msr 0x%llx", v->id,
		 (unsigned long long)regs.pc, (unsigned long long)regs.msr);
	regs.srr0 = regs.pc;
	regs.srr1 = regs.msr & ~SRR1_CAUSE_BITS;
	regs.msr = MSR_SF | (regs.msr & MSR_ME) | (ile ? MSR_LE : 0);
	regs.pc = SRESET_VECTOR;
	return ioctl(VS(v)->fd, KVM_SET_REGS, &regs) ? -errno : 0;
}

static void dump_regs(struct vcpu *v)
{
	struct kvm_regs regs;

	if (ioctl(VS(v)->fd, KVM_GET_REGS, &regs))
		return;
	pr_err("vcpu %u: pc=0x%llx msr=0x%llx lr=0x%llx r1=0x%llx r3=0x%llx",
	       v->id, (unsigned long long)regs.pc, (unsigned long long)regs.msr,
	       (unsigned long long)regs.lr, (unsigned long long)regs.gpr[1],
	       (unsigned long long)regs.gpr[3]);
}

static bool handle_exit(struct vcpu *v)
{
	struct kvm_run *run = VS(v)->run;
	struct vm *vm = v->vm;

	v->stat_exits++;
	switch (run->exit_reason) {
	case KVM_EXIT_PAPR_HCALL:
		v->stat_hcalls++;
		run->papr_hcall.ret = hcall__dispatch(vm, v, run->papr_hcall.nr,
						      run->papr_hcall.args);
		return true;
	case KVM_EXIT_MMIO:
		/* No MMIO devices yet: reads see all-ones, writes vanish. */
		if (!run->mmio.is_write)
			memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
		pr_debug("vcpu %u: MMIO %s at 0x%llx len %u", v->id,
			 run->mmio.is_write ? "write" : "read",
			 (unsigned long long)run->mmio.phys_addr, run->mmio.len);
		return true;
	case KVM_EXIT_INTR:
		return true;
	case KVM_EXIT_INTERNAL_ERROR:
		pr_err("vcpu %u: KVM internal error (suberror %u)", v->id,
		       run->internal.suberror);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		pr_err("vcpu %u: KVM failed to enter the guest (reason 0x%llx)", v->id,
		       (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		break;
	default:
		pr_err("vcpu %u: unexpected KVM exit %u", v->id, run->exit_reason);
		break;
	}
	dump_regs(v);
	return false;
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct kvm_vcpu_state *vs = VS(v);
	struct vm *vm = v->vm;
	sigset_t set;
	u64 pc, r3;
	char name[16];

	snprintf(name, sizeof(name), "vcpu%u", v->id);
	pthread_setname_np(pthread_self(), name);
	sigemptyset(&set);
	sigaddset(&set, KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);

	while (!vm__exiting(vm)) {
		if (v->state == VCPU_STOPPED) {
			if (!vcpu__wait_start(v, &pc, &r3))
				break;
			if (set_start_regs(v, pc, r3)) {
				pr_err("vcpu %u: cannot set start registers", v->id);
				vm__request_exit(vm, VM_EXIT_FAULT);
				break;
			}
		}
		if (vm->paused && !vm__wait_unpaused(vm))
			break;
		if (apply_lpcr(v)) {
			vm__request_exit(vm, VM_EXIT_FAULT);
			break;
		}
		if (vcpu__take_reset(v) && deliver_sreset(v)) {
			pr_err("vcpu %u: cannot deliver a system reset", v->id);
			vm__request_exit(vm, VM_EXIT_FAULT);
			break;
		}
		if (ioctl(vs->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				vs->run->immediate_exit = 0;
				continue;
			}
			pr_err("vcpu %u: KVM_RUN failed: %s", v->id, strerror(errno));
			dump_regs(v);
			vm__request_exit(vm, VM_EXIT_FAULT);
			break;
		}
		if (!handle_exit(v)) {
			vm__request_exit(vm, VM_EXIT_FAULT);
			break;
		}
	}
	return NULL;
}

int kvm__start_vcpu_thread(struct vcpu *v)
{
	int r = pthread_create(&v->thread, NULL, vcpu_thread, v);

	if (r)
		return -r;
	VS(v)->thread_started = true;
	return 0;
}

void kvm__join(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		if (VS(vm->vcpus[i])->thread_started)
			pthread_join(vm->vcpus[i]->thread, NULL);
}
