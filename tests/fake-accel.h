/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_TESTS_FAKE_ACCEL_H
#define PVM_TESTS_FAKE_ACCEL_H

/* A fake accelerator for host unit tests: records what papr/ asked of KVM. */
#include "pvm/exit.h"
#include "pvm/types.h"

#define FAKE_EXITS 16
#define FAKE_EVENTFDS 16
#define FAKE_XIVE_ESB_GPA 0x0006010000000000ULL
#define FAKE_XIVE_TIMA_GPA 0x0006030203180000ULL

struct fake_ioeventfd {
	u64 addr;
	u32 len;
	bool datamatch;
	u64 data;
	int fd;
};

struct fake_irqfd {
	u32 irq;
	int fd;
	int resample_fd;
};

struct fake_xive_queue {
	u64 qpage;
	u32 qshift;
	bool notify;
};

struct fake_accel {
	bool ail3;
	bool xics;		/* an in-kernel irqchip (ACCEL_CAP_IRQCHIP) */
	/*
	 * XIVE exploitation (with xics): what papr/xive.c applied. Sources
	 * pvm created are in irq_state (XICS layout) as on KVM.
	 */
	bool xive;
	u32 xive_nr_servers;
	int xive_fail;		/* -errno every accel__xive_* call returns */
	unsigned int xive_configs, xive_syncs, xive_resets, xive_esbs;
	u32 xive_last_lisn, xive_last_server, xive_last_eisn, xive_last_esb_offset;
	u8 xive_last_prio;
	bool xive_last_masked;
	u64 xive_esb_val;	/* what an ESB load returns */
	struct fake_xive_queue xive_q[16][8];	/* [server][prio] */
	bool cpu_char_ok;
	u64 character, behaviour;
	u64 lpcr;		/* ILE/AIL/LD as last set */
	unsigned int lpcr_calls;
	int mmu_fail;		/* -errno to return from configure_mmu */
	unsigned int mmu_calls;
	bool mmu_radix, mmu_gtse;
	u64 mmu_process_table;
	unsigned int kicks;
	int memslots;		/* hotplug slots currently mapped */
	unsigned int irqs_created;
	u32 last_irq;
	int last_level;
	unsigned int irq_lines;
	u64 irq_state[1024];	/* indexed by irq - IRQ_BASE */
	u64 sprg0;		/* last accel__set_sprg0() */
	unsigned int sprg0_calls;
	int sprg0_fail;		/* -errno to return from set_sprg0 */
	bool enable_hcall_ok;	/* accel__enable_hcall() succeeds */
	u64 enabled_hcalls[8];	/* what pvm asked to enable, in order */
	unsigned int nr_enabled_hcalls;
	unsigned int resets;	/* accel__reset() calls (guest reboots) */
	unsigned int vcpu_resets;

	/*
	 * vCPU runs: accel__vcpu_run() hands out the exits a test queued with
	 * fake_accel__queue_exit(), in order; with none left it ends the VM
	 * (VM_EXIT_POWEROFF) so vcpu__run() returns. Single-threaded use only.
	 */
	struct vcpu_exit exits[FAKE_EXITS];
	unsigned int nr_exits, next_exit;
	struct vcpu_exit done[FAKE_EXITS];	/* accel__vcpu_complete(), in order */
	unsigned int nr_done;
	int run_fail;		/* -errno accel__vcpu_run() returns once, first */
	unsigned int starts;	/* accel__vcpu_start() */
	unsigned int done_at_start;	/* nr_done at the last accel__vcpu_start() */
	u64 start_pc, start_r3;
	unsigned int sresets, dumps;

	bool ioeventfd, irqfd;	/* ACCEL_CAP_IOEVENTFD, ACCEL_CAP_IRQFD */
	struct fake_ioeventfd ioeventfds[FAKE_EVENTFDS];	/* assigned now */
	unsigned int nr_ioeventfds;
	struct fake_irqfd irqfds[FAKE_EVENTFDS];		/* assigned now */
	unsigned int nr_irqfds;
};

extern struct fake_accel fake_accel;
void fake_accel__reset(void);
/* Queue e for the next accel__vcpu_run(); false when the queue is full. */
bool fake_accel__queue_exit(const struct vcpu_exit *e);

#endif
