/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_MMIO_H
#define PVM_MMIO_H

/*
 * The MMIO bus: guest-physical ranges with no RAM behind them, each claimed
 * by one device. vCPU threads look ranges up on every MMIO exit while the
 * main thread or a vCPU (a PCI BAR moving) may register and unregister them.
 */
#include <pthread.h>

#include "pvm/types.h"

struct vm;

/*
 * data is the access's byte image on the bus (len bytes, 1..8); offset is
 * from the range's base. A NULL read reads all-ones, a NULL write ignores.
 * Handlers run with the bus read-locked: they must not register or
 * unregister ranges themselves.
 */
struct mmio_ops {
	void (*read)(void *opaque, u64 offset, u8 *data, u32 len);
	void (*write)(void *opaque, u64 offset, const u8 *data, u32 len);
};

struct mmio_range {
	u64 base;
	u64 len;
	const struct mmio_ops *ops;
	void *opaque;
};

/* Per VM (struct vm.mmio); ranges sorted by base, never overlapping. */
struct mmio_bus {
	pthread_rwlock_t lock;
	struct mmio_range *ranges;
	unsigned int nr, cap;
	bool warned;		/* an unclaimed access was logged (atomic) */
};

int mmio__init(struct mmio_bus *bus);
void mmio__exit(struct mmio_bus *bus);
/*
 * Claim [base, base + len). -EINVAL for len 0 or a range that wraps past
 * 2^64, -EBUSY if it overlaps a claimed range, -ENOMEM.
 */
int mmio__register(struct vm *vm, u64 base, u64 len, const struct mmio_ops *ops,
		   void *opaque);
/*
 * Release the range registered at exactly base (-ENOENT if none). Once it
 * returns no handler of that range runs any more, so opaque may be freed.
 */
int mmio__unregister(struct vm *vm, u64 base);
/*
 * One access from a vCPU. An access claimed by no range, or straddling a
 * range's end, reads all-ones and writes nowhere; false then.
 */
bool mmio__access(struct vm *vm, u64 addr, u8 *data, u32 len, bool write);

#endif
