/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_VM_H
#define PVM_VM_H

#include <pthread.h>
#include <time.h>

#include "pvm/guest-mem.h"
#include "pvm/irq.h"
#include "pvm/mmio.h"
#include "pvm/types.h"
#include "pvm/vcpu.h"

#define PVM_MAX_VCPUS 256
#define PVM_MIN_RAM (16 * SZ_1M)
#define PVM_MAX_RAM (1ULL << 40)

/* Where QEMU's pseries machine loads -kernel; payloads written for it run unchanged. */
#define KERNEL_LOAD_ADDR 0x400000ULL
/* FDT and RTAS live in the last MiB below this (RTAS runs 32-bit, real mode). */
#define FW_AREA_LIMIT SZ_1G
#define FW_AREA_SIZE SZ_1M
#define RTAS_AREA_SIZE SZ_64K
#define FDT_MAX_SIZE (FW_AREA_SIZE - RTAS_AREA_SIZE)

/* How the guest ended; pvm's exit status follows from it (docs/exit-status). */
enum vm_exit {
	VM_EXIT_NONE = -1,
	VM_EXIT_POWEROFF = 0,
	VM_EXIT_PANIC = 1,
	VM_EXIT_REBOOT = 2,
	VM_EXIT_FAULT = 3,	/* a vCPU could not continue (KVM error) */
	VM_EXIT_SIGNAL = 4,	/* the user stopped pvm (signal, Ctrl-a x, stop --force) */
	VM_EXIT_WATCHDOG = 5,	/* a guest watchdog (H_WATCHDOG) expired: hard power-off */
	VM_EXIT_GUEST = 6,	/* H_PVM_EXIT: the guest chose the status (not itself one) */
};

/* pvm's own errors: distinct statuses so scripts can tell them apart. */
enum pvm_status {
	PVM_EXIT_USAGE = 64,	/* bad command line */
	PVM_EXIT_BADIMAGE = 65,	/* kernel/initrd not usable (not ELF, malformed) */
	PVM_EXIT_NOINPUT = 66,	/* kernel/initrd missing or unreadable */
	PVM_EXIT_NOMEM = 67,	/* guest RAM too small or too large */
	PVM_EXIT_NOKVM = 69,	/* /dev/kvm missing or unusable */
	PVM_EXIT_KVMCAP = 70,	/* KVM lacks a capability pvm needs */
	PVM_EXIT_INTERNAL = 71,	/* host error while setting up */
	PVM_EXIT_SANDBOX = 72,	/* pvm made a system call its sandbox forbids (a bug) */
};

/* --hvpipe-source, at most (papr/hvpipe.c) */
#define PVM_MAX_HVPIPE_SOURCES 16
/* --disk, at most (virtio/blk.c) */
#define PVM_MAX_DISKS 8
#define PVM_DISK_SERIAL_MAX 20	/* virtio-blk GET_ID: 20 bytes */

/* --network, at most (virtio/net.c) */
#define PVM_MAX_NICS 8

struct blkio;

/* One --disk PATH[,ro][,direct][,serial=ID]. */
struct vm_disk {
	const char *path;
	bool ro, direct;
	char serial[PVM_DISK_SERIAL_MAX + 1];
	/* Opened by pvm run before the VM is set up; virtio-blk owns it from init. */
	struct blkio *io;
};

/* One --network mode=tap,tapif=NAME[,mac=MAC][,vhost] | fd=N. */
struct vm_nic {
	char tapif[16];		/* IFNAMSIZ; the tap's name once opened */
	int fd;			/* the tap: fd=N, or opened by pvm run; -1 */
	bool fd_given;		/* fd=N: the launcher's, not created by pvm */
	u8 mac[6];
	bool mac_given;		/* else derived from the VM name and the NIC's index */
	bool vhost;		/* the kernel's vhost-net moves the packets */
	int vhost_fd;		/* /dev/vhost-net, opened by pvm run; -1 */
	unsigned int offloads;	/* TUN_F_* the tap accepts (virtio/tap.c) */
};

/* --irqchip: which interrupt controller the guest drives. */
enum irqchip_mode {
	IRQCHIP_AUTO,		/* XIVE where the host can give it, else XICS */
	IRQCHIP_XICS,
	IRQCHIP_XIVE,		/* XIVE exploitation, or pvm refuses to start */
};

struct vm_config {
	const char *name;
	const char *kernel;
	const char *initrd;
	const char *params;
	u64 ram_size;
	u64 max_mem;		/* hot-pluggable up to here (LMBs); <= ram_size: none */
	unsigned int nr_cores;	/* vCPUs = nr_cores * threads */
	unsigned int max_cores;	/* hot-pluggable up to here; == nr_cores: none */
	unsigned int threads;
	u32 hvpipe_ids[PVM_MAX_HVPIPE_SOURCES];	/* --hvpipe-source; none: no HVPIPE */
	unsigned int nr_hvpipe;
	const char *tpm_path;	/* --tpm: host TPM device for H_TPM_COMM */
	bool tpm_allow_all;	/* --tpm-allow-all: no command policy */
	bool test_exit;		/* --test-exit: the guest may end pvm via H_PVM_EXIT */
	bool boot_trace;	/* --boot-trace: milestones on stderr, H_PVM_MARK */
	bool no_sandbox;	/* --no-sandbox: no seccomp filters */
	bool no_reboot;		/* --no-reboot: a guest reboot ends pvm (status 2) */
	bool nested;		/* --nested: the guest may run KVM-HV (nested API v1) */
	enum irqchip_mode irqchip;	/* --irqchip */
	bool virtio_rng;	/* --rng: a virtio-rng PCI function (virtio/rng.c) */
	bool virtio_console;	/* --console virtio: the console is virtio/console.c */
	struct vm_disk disks[PVM_MAX_DISKS];	/* --disk: virtio-blk functions */
	unsigned int nr_disks;
	struct vm_nic nics[PVM_MAX_NICS];	/* --network: virtio-net functions */
	unsigned int nr_nics;
	unsigned int test_fail_vcpu;	/* --test-fail-vcpu ID: ID + 1; 0 = none */
	int console_fd;		/* where the guest's console output goes */
	const char *nvram_path;	/* --nvram: the image file, opened as nvram_fd */
	int nvram_fd;
};

#define PVM_MAX_HANDLERS 128
#define PVM_MAX_MODULES 32

struct console_ops;
struct hcall_table;
struct load_src;
struct handler;
struct module;

struct vm {
	struct vm_config cfg;
	struct guest_mem mem;
	struct mmio_bus mmio;	/* device ranges outside RAM (vmm/mmio.c) */

	struct vcpu *vcpus[PVM_MAX_VCPUS];
	unsigned int nr_vcpus;

	struct hcall_table *hcalls;	/* every VM has one (vmm/hcall.c) */

	/* The console device that takes terminal input (pvm/console.h). */
	const struct console_ops *console_ops;
	void *console_opaque;

	/* The machine's parts (include/pvm/module.h) and their state. */
	const struct module *const *modules;
	unsigned int nr_modules, nr_modules_up;
	void *module_priv[PVM_MAX_MODULES];

	/* Boot layout, filled by vm__load(). */
	u64 entry;
	u64 kernel_end;
	u64 initrd_start, initrd_end;
	u64 rtas_base, rtas_size;
	u64 fdt_addr;
	/*
	 * Boot RAM (memslot 0) holds only zeros: fresh from the allocator or
	 * cleared by vm__reset(), with nothing written since; vm__load() uses
	 * it (no BSS to clear) and clears it. Main thread, no vCPU running.
	 */
	bool ram_zeroed;

	/* Platform facts the device tree publishes. */
	u32 timebase_freq;
	u32 dec_bits;		/* ibm,dec-bits when > 32 (LPCR[LD] is on) */
	u32 logical_pvr;	/* 0x0f00000N: architected level, also ARCH_COMPAT */
	u32 radix_ap[8];	/* ibm,processor-radix-AP-encodings */
	unsigned int nr_radix_ap;

	unsigned int nr_irqs;	/* XICS sources allocated from IRQ_BASE */
	u64 irq_lsi[IRQ_MAX_SOURCES / 64];	/* which of them are level-sensitive */
	unsigned int nr_reboots;	/* guest reboots done in place */
	/* Orders source-state read-modify-writes against raising a source. */
	pthread_mutex_t irq_lock;

	/* Main-thread event loop (vmm/event.c). */
	int epfd;
	struct handler *handlers[PVM_MAX_HANDLERS];
	unsigned int nr_handlers;

	pthread_mutex_t lock;
	int exit_efd;		/* eventfd: readable once the VM is exiting */
	enum vm_exit exit_reason;
	bool paused;		/* vCPUs held out of KVM_RUN (control "pause") */
	pthread_cond_t pause_cond;
	struct timespec start;	/* CLOCK_MONOTONIC at vm__init() */
	int guest_status;	/* with VM_EXIT_GUEST */

	void *accel;
};

/* How many vCPUs vm->vcpus holds, for walkers without vm->lock (see vcpu__publish). */
static inline unsigned int vm__nr_vcpus(struct vm *vm)
{
	return __atomic_load_n(&vm->nr_vcpus, __ATOMIC_ACQUIRE);
}

int vm__init(struct vm *vm, const struct vm_config *cfg);
void vm__exit(struct vm *vm);
struct vcpu *vm__find_vcpu(struct vm *vm, unsigned int server);
/*
 * Record how the guest ended and stop every vCPU. The first reason wins,
 * except that a host stop or a vCPU failure wins over a reboot.
 */
void vm__request_exit(struct vm *vm, enum vm_exit why);
bool vm__exiting(struct vm *vm);
/* Hold every vCPU out of the guest (true) or let them run again (false). */
void vm__pause(struct vm *vm, bool pause);
/* Called by a vCPU thread before entering the guest; false when exiting. */
bool vm__wait_unpaused(struct vm *vm);
/*
 * Put the kernel (and initrd: NULL or empty for none) into guest RAM and lay
 * out the firmware area (pvm/loader.h for the errors; -E2BIG: RAM too
 * small). A failure may leave part of an image in RAM.
 */
int vm__load(struct vm *vm, struct load_src *kernel, struct load_src *initrd);
int vm__build_fdt(struct vm *vm);
/*
 * Guest reboot in place (vmm/reset.c), with every vCPU thread joined: each
 * module's reset, the accelerator's and every vCPU's state, interrupt
 * sources, and RAM zeroed. The caller then loads the images, builds the
 * tree, starts the boot vCPU and the vCPU threads.
 */
int vm__reset(struct vm *vm);

#endif
