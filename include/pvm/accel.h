/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_ACCEL_H
#define PVM_ACCEL_H

/*
 * The accelerator boundary. Everything above it (papr/, fdt/, devices/)
 * only calls these functions; vmm/kvm.c implements them with KVM ioctls on
 * a POWER host and tests/fake-accel.c implements them for host unit tests.
 */
#include "pvm/types.h"

struct vm;
struct vcpu;
struct vcpu_exit;

enum accel_cap {
	ACCEL_CAP_AIL_MODE_3,	/* LPCR[AIL]=3 may be set for the guest */
	/*
	 * An in-kernel interrupt controller serves pvm's sources (numbered as
	 * in pvm/irq.h): XICS, or XIVE when ACCEL_CAP_XIVE is set too.
	 */
	ACCEL_CAP_IRQCHIP,
	ACCEL_CAP_IOEVENTFD,	/* accel__ioeventfd() works */
	ACCEL_CAP_IRQFD,	/* accel__irqfd() works (needs the irqchip too) */
	/*
	 * XIVE exploitation (--irqchip xive): the guest drives the in-kernel
	 * XIVE through its TIMA and ESB pages and the H_INT_* hcalls
	 * (papr/xive.c); the XICS RTAS calls and source-state writes do not
	 * apply.
	 */
	ACCEL_CAP_XIVE,
};

bool accel__has_cap(struct vm *vm, enum accel_cap cap);
/* Change LPCR bits (only ILE, AIL, LD) on every vCPU, present and future. */
int accel__set_lpcr(struct vm *vm, u64 mask, u64 bits);
int accel__configure_mmu(struct vm *vm, bool radix, bool gtse, u64 process_table);
int accel__get_cpu_char(struct vm *vm, u64 *character, u64 *behaviour);
/* Create source irq (masked, priority 0xff). */
int accel__irq_create(struct vm *vm, u32 irq, bool lsi);
/*
 * Read / write a source's state (layout in pvm/xics.h). Under XIVE only the
 * read works: it reports the routing the guest last gave the source.
 */
int accel__irq_get_state(struct vm *vm, u32 irq, u64 *state);
int accel__irq_set_state(struct vm *vm, u32 irq, u64 state);
/* KVM_IRQ_LINE: level 1 delivers an edge source, level follows for LSIs. */
int accel__irq_line(struct vm *vm, u32 irq, int level);
/* Map (size > 0) or unmap (size 0) guest memory slot `slot` (1.. for hotplug). */
int accel__memslot(struct vm *vm, u32 slot, u64 gpa, u64 size, void *hva);
/* Create, set up and park a new vCPU (CPU hot-add); its thread waits for start-cpu. */
int accel__add_vcpu(struct vm *vm, unsigned int id);
/* Make a vCPU leave KVM_RUN soon (stop-self, VM shutdown). */
void accel__kick(struct vcpu *v);
/*
 * Ask the accelerator to answer hcall nr itself (KVM_CAP_PPC_ENABLE_HCALL);
 * 0 when it will. pvm keeps its own handler as the fallback either way.
 */
int accel__enable_hcall(struct vm *vm, u64 nr);
/* Whether hcall nr is answered inside the accelerator (never reaches pvm). */
bool accel__hcall_in_kernel(struct vm *vm, u64 nr);
/* Set SPRG0 of the calling vCPU (from its own thread, inside an hcall exit). */
int accel__set_sprg0(struct vcpu *v, u64 val);
/*
 * Guest reboot in place, with no vCPU thread running: the VM's (LPCR bits,
 * process table) and one vCPU's (VPA/SLB shadow/DTL registrations,
 * interrupt presenter) accelerator state back to power-on.
 */
int accel__reset(struct vm *vm);
int accel__vcpu_reset(struct vcpu *v);

/*
 * The run loop's side (vmm/vcpu-loop.c), each called only by v's own thread.
 *
 * accel__vcpu_run() enters the guest until the next exit and describes it in
 * e (pvm/exit.h). It returns 0 with e filled in (VCPU_EXIT_FAIL for a vCPU
 * that cannot go on), -EINTR when kicked before anything ran (nothing to
 * dispatch: check the VM's state and call again), or another -errno after
 * logging why (the VM ends).
 */
int accel__vcpu_run(struct vcpu *v, struct vcpu_exit *e);
/*
 * Hand a dispatched exit's results to the vCPU: hcall ret and args, MMIO
 * read data (other kinds have none). Called after every dispatched exit,
 * before anything else may set the vCPU's registers (start-cpu after a
 * stop-self inside that hcall).
 */
void accel__vcpu_complete(struct vcpu *v, const struct vcpu_exit *e);
/* Start state for start-cpu: pc, r3, 64-bit real mode, big-endian. */
int accel__vcpu_start(struct vcpu *v, u64 pc, u64 r3);
/* Deliver a system-reset interrupt now (one vcpu__take_reset() returned). */
int accel__vcpu_sreset(struct vcpu *v);
/* Log v's main registers, after a failure. */
void accel__vcpu_dump(struct vcpu *v);

/*
 * XIVE exploitation mode (ACCEL_CAP_XIVE). Interrupt numbers (LISNs):
 * 0..nr_servers-1 are IPIs, one per possible vCPU, then pvm's sources from
 * IRQ_BASE. Each LISN has two ESB pages in guest-physical space, trigger
 * then management (EOI), each 1 << esb_shift bytes, mapped to the host's
 * XIVE by the accelerator; the TIMA's four pages (HW, HV, OS, user) follow
 * each other at tima_base.
 */
struct accel_xive_info {
	u64 esb_base;		/* LISN 0's trigger page */
	u32 esb_shift;
	u64 tima_base;
	u32 tima_shift;
	u32 nr_servers;
};
int accel__xive_info(struct vm *vm, struct accel_xive_info *info);
/*
 * Route lisn to event queue (server, prio) with event data eisn, or mask it
 * (masked keeps the routing; prio 0xff resets it).
 */
int accel__xive_source_config(struct vm *vm, u32 lisn, u32 server, u8 prio, bool masked,
			      u32 eisn);
/* Event queue (server, prio) at guest-physical qpage of 1 << qshift bytes; qshift 0 resets it. */
int accel__xive_set_queue(struct vm *vm, u32 server, u8 prio, u64 qpage, u32 qshift,
			  bool notify);
/* The queue's generation bit and next index. */
int accel__xive_get_queue(struct vm *vm, u32 server, u8 prio, u32 *toggle, u32 *index);
/* Complete every interrupt of lisn in flight. */
int accel__xive_sync(struct vm *vm, u32 lisn);
/* Every source masked and unrouted, every event queue gone (H_INT_RESET). */
int accel__xive_reset(struct vm *vm);
/*
 * An ESB load on lisn's management page at offset (*val gets the result;
 * store is refused: Linux never needs one). A load-EOI of an LSI whose
 * line is still up triggers it again. Under vm->irq_lock.
 */
int accel__xive_esb(struct vm *vm, u32 lisn, u32 offset, bool store, u64 *val);

/*
 * Signal eventfd fd when the guest stores to guest-physical addr (MMIO;
 * there is no port I/O on POWER) without leaving the guest. len 0 matches a
 * store of any length and takes the accelerator's fastest path; len 1, 2, 4
 * or 8 with datamatch matches only a store of data (the bus value read as a
 * host integer of len bytes). assign false removes the same registration.
 */
int accel__ioeventfd(struct vm *vm, u64 addr, u32 len, bool datamatch, u64 data, int fd,
		     bool assign);
/*
 * Raise interrupt source irq (an XICS number, created first) each time
 * eventfd fd is signalled. resample_fd >= 0 (level sources) is signalled on
 * the guest's EOI; -1 for edge/MSI sources. assign false removes it.
 */
int accel__irqfd(struct vm *vm, u32 irq, int fd, int resample_fd, bool assign);

#endif
