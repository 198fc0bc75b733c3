// SPDX-License-Identifier: GPL-2.0
/*
 * KVM-HV on POWER: the accelerator behind include/pvm/accel.h, VM side (host
 * facts, guest RAM, XICS, hcall enabling); vmm/kvm-vcpu.c has the vCPUs. Only
 * these two files issue KVM ioctls. Facts: ../shared/spec/boot-devicetree-kvm-drc.md §3, §8.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "pvm/accel.h"
#include "pvm/boot-trace.h"
#include "pvm/hcall.h"
#include "pvm/irq.h"
#include "pvm/kvm.h"
#include "kvm-priv.h"
#include "pvm/log.h"
#include "pvm/vm.h"

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

/*
 * The host's decrementer width, from its device tree (as QEMU's
 * kvmppc_get_cap_large_decr() reads it); 0 when absent or 32 bits. The
 * guest's decrementer is the same hardware, so it may be offered this
 * width once LPCR[LD] sticks (kvm__probe_large_decr()).
 */
static u32 host_dec_bits(void)
{
	DIR *d = opendir("/proc/device-tree/cpus");
	struct dirent *e;
	u32 bits = 0;

	if (!d)
		return 0;
	while (!bits && (e = readdir(d))) {
		char path[512];
		unsigned char be[4];
		FILE *f;

		if (strncmp(e->d_name, "PowerPC,", 8))
			continue;
		snprintf(path, sizeof(path), "/proc/device-tree/cpus/%s/ibm,dec-bits", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fread(be, 1, 4, f) == 4)
			bits = (u32)be[0] << 24 | be[1] << 16 | be[2] << 8 | be[3];
		fclose(f);
	}
	closedir(d);
	return bits > 32 && bits <= 64 ? bits : 0;
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

int kvm__enable_vm_cap(struct kvm_state *ks, u32 cap, u64 a0, u64 a1)
{
	struct kvm_enable_cap ec = { .cap = cap, .args = { a0, a1 } };

	return ioctl(ks->vm_fd, KVM_ENABLE_CAP, &ec) ? -errno : 0;
}

/*
 * --nested: the host's KVM then serves the guest's nested API v1 hcalls
 * (H_SET_PARTITION_TABLE, H_ENTER_NESTED, H_TLB_INVALIDATE,
 * H_COPY_TOFROM_GUEST) itself, for radix guests; they never reach pvm and
 * need no device-tree fact (book3s_hv.c kvmhv_enable_nested()). The guest's
 * kvm-hv probes with H_SET_PARTITION_TABLE.
 */
static int enable_nested(struct kvm_state *ks)
{
	int r = kvm__enable_vm_cap(ks, KVM_CAP_PPC_NESTED_HV, 0, 0);

	switch (r) {
	case 0:
		/*
		 * The host maps what the guest hypervisor maps for its own
		 * guests in pages no smaller than its own (book3s_hv_nested.c:
		 * "L1 guest page shift (12) less than our own (16)").
		 */
		if (sysconf(_SC_PAGESIZE) > 4096)
			pr_warn("--nested on a %ld KiB-page host: the guest's kernel must use pages "
				"that large too, or its KVM guests never run",
				sysconf(_SC_PAGESIZE) / 1024);
		return 0;
	case -EPERM:
		pr_err("--nested: this host's kvm_hv has nesting off (modprobe kvm-hv nested=1)");
		break;
	case -ENODEV:
	case -EINVAL:
		pr_err("--nested: this host's KVM cannot nest guests (%s): it needs a bare-metal "
		       "POWER9 or later host with a radix kernel, or an LPAR on nested API v1; "
		       "an LPAR on nested API v2 (PowerVM) cannot (pvm check says which)",
		       strerror(-r));
		break;
	default:
		pr_err("--nested: KVM_CAP_PPC_NESTED_HV: %s", strerror(-r));
	}
	return r;
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

const char *kvm__open_hint(int err)
{
	switch (err) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
		return "load KVM: modprobe kvm-hv; inside a PowerVM LPAR, KVM needs "
		       "a nested-KVM capable firmware (docs/install.md)";
	case EACCES:
	case EPERM:
		return "run as root, or join the group that owns /dev/kvm: "
		       "usermod -aG kvm $USER, then log in again";
	default:
		return "see pvm check";
	}
}

void kvm__probe(struct kvm_probe *p)
{
	int sys_fd, vm_fd, smt;

	memset(p, 0, sizeof(*p));
	sys_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (sys_fd < 0) {
		p->open_errno = errno;
		return;
	}
	vm_fd = ioctl(sys_fd, KVM_CREATE_VM, KVM_VM_PPC_HV);
	if (vm_fd < 0) {
		p->create_errno = errno;
		close(sys_fd);
		return;
	}
	p->papr = check_ext(vm_fd, KVM_CAP_PPC_PAPR);
	p->radix = check_ext(vm_fd, KVM_CAP_PPC_MMU_RADIX);
	p->xics = check_ext(vm_fd, KVM_CAP_IRQ_XICS);
	p->xive = check_ext(vm_fd, KVM_CAP_PPC_IRQ_XIVE);
	p->nested_hv = check_ext(vm_fd, KVM_CAP_PPC_NESTED_HV);
	p->ail3 = check_ext(vm_fd, KVM_CAP_PPC_AIL_MODE_3);
	p->hwrng = check_ext(vm_fd, KVM_CAP_PPC_HWRNG);
	p->ioeventfd = check_ext(vm_fd, KVM_CAP_IOEVENTFD);
	p->irqfd = check_ext(vm_fd, KVM_CAP_IRQFD);
	p->max_vcpus = check_ext(vm_fd, KVM_CAP_MAX_VCPUS);
	/* SMT_POSSIBLE: bit n set = 2^n threads; older kernels only say SMT. */
	p->smt_modes = check_ext(vm_fd, KVM_CAP_PPC_SMT_POSSIBLE);
	smt = check_ext(vm_fd, KVM_CAP_PPC_SMT);
	if (!p->smt_modes && smt > 0)
		p->smt_modes = (smt << 1) - 1;
	close(vm_fd);
	close(sys_fd);
}

int kvm__init(struct vm *vm)
{
	struct kvm_state *ks = calloc(1, sizeof(*ks));
	struct kvm_userspace_memory_region mr;
	struct sigaction sa = { .sa_handler = kick_handler };
	void *ram;
	int r;

	if (!ks)
		return PVM_EXIT_INTERNAL;
	vm->accel = ks;
	ks->xics_fd = ks->xive_fd = -1;

	ks->sys_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (ks->sys_fd < 0) {
		pr_err("cannot open /dev/kvm: %s (%s)", strerror(errno), kvm__open_hint(errno));
		return PVM_EXIT_NOKVM;
	}
	if (ioctl(ks->sys_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		pr_err("/dev/kvm speaks an unknown KVM API version");
		return PVM_EXIT_NOKVM;
	}
	ks->vm_fd = ioctl(ks->sys_fd, KVM_CREATE_VM, KVM_VM_PPC_HV);
	if (ks->vm_fd < 0) {
		pr_err("cannot create a KVM-HV VM: %s%s", strerror(errno),
		       errno == EINVAL ? " (only KVM-PR loaded? pvm needs kvm-hv: modprobe kvm-hv)" : "");
		return errno == EINVAL ? PVM_EXIT_KVMCAP : PVM_EXIT_NOKVM;
	}
	boot_trace__mark("VM created (KVM_CREATE_VM)");
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
	if (vm->cfg.nested && enable_nested(ks))
		return PVM_EXIT_KVMCAP;
	if (vm->cfg.threads > 1) {
		r = kvm__enable_vm_cap(ks, KVM_CAP_PPC_SMT, vm->cfg.threads, 0);
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
	ks->ioeventfd = check_ext(ks->vm_fd, KVM_CAP_IOEVENTFD) > 0;
	ks->irqfd = check_ext(ks->vm_fd, KVM_CAP_IRQFD) > 0;
	ks->cpu_char_ok = !ioctl(ks->vm_fd, KVM_PPC_GET_CPU_CHAR, &ks->cpu_char);

	host_cpu_facts(vm);
	vm->dec_bits = host_dec_bits();
	if (vm->dec_bits)
		ks->lpcr_bits = ks->lpcr_power_on = LPCR_LD;
	radix_ap_encodings(vm, ks);
	r = kvm__irqchip_init(vm);
	if (r)
		return r;

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
	vm->ram_zeroed = true;	/* fresh anonymous memory */
	boot_trace__mark("guest memory set up (memslot 0)");

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
	case ACCEL_CAP_IRQCHIP:
		return ks->xics_fd >= 0 || ks->xive_fd >= 0;
	case ACCEL_CAP_IOEVENTFD:
		return ks->ioeventfd;
	case ACCEL_CAP_IRQFD:
		return ks->irqfd && (ks->xics_fd >= 0 || ks->xive_fd >= 0);
	case ACCEL_CAP_XIVE:
		return ks->xive_fd >= 0;
	}
	return false;
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
	__atomic_add_fetch(&ks->lpcr_gen, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&vm->lock);
	for (i = 0; i < vm__nr_vcpus(vm); i++) {
		struct vcpu *v = vm->vcpus[i];

		if (pthread_equal(v->thread, pthread_self())) {
			if (kvm__apply_lpcr(v))
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

int kvm__memslot_raw(struct kvm_state *ks, u32 slot, u64 gpa, u64 size, void *hva)
{
	struct kvm_userspace_memory_region mr = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (u64)(unsigned long)hva,
	};

	return ioctl(ks->vm_fd, KVM_SET_USER_MEMORY_REGION, &mr) ? -errno : 0;
}

int accel__memslot(struct vm *vm, u32 slot, u64 gpa, u64 size, void *hva)
{
	/* The top slots map the XIVE's pages (vmm/kvm-xive.c). */
	if (slot >= KVM_XIVE_SLOT_ESB)
		return -ENOSPC;
	return kvm__memslot_raw(KS(vm), slot, gpa, size, hva);
}

int accel__enable_hcall(struct vm *vm, u64 nr)
{
	struct kvm_state *ks = KS(vm);
	int r;

	if (nr > MAX_HCALL_OPCODE || (nr & 3))
		return -EINVAL;
	r = kvm__enable_vm_cap(ks, KVM_CAP_PPC_ENABLE_HCALL, nr, 1);
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
 * MMIO only: KVM_IOEVENTFD_FLAG_PIO means nothing on POWER. A length-0
 * ioeventfd also sits on KVM_FAST_MMIO_BUS, where KVM-HV completes the store
 * without even fetching the instruction (book3s_64_mmu_hv.c); KVM itself
 * refuses length 0 with a datamatch.
 */
int accel__ioeventfd(struct vm *vm, u64 addr, u32 len, bool datamatch, u64 data, int fd,
		     bool assign)
{
	struct kvm_ioeventfd io = {
		.datamatch = datamatch ? data : 0,
		.addr = addr,
		.len = len,
		.fd = fd,
		.flags = (datamatch ? KVM_IOEVENTFD_FLAG_DATAMATCH : 0) |
			 (assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN),
	};

	if (!KS(vm)->ioeventfd)
		return -ENOSYS;
	return ioctl(KS(vm)->vm_fd, KVM_IOEVENTFD, &io) ? -errno : 0;
}
