/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_TESTS_FAKE_ACCEL_H
#define PVM_TESTS_FAKE_ACCEL_H

/* A fake accelerator for host unit tests: records what papr/ asked of KVM. */
#include "pvm/types.h"

struct fake_accel {
	bool ail3;
	bool xics;
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
};

extern struct fake_accel fake_accel;
void fake_accel__reset(void);

#endif
