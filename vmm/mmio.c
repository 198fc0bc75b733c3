// SPDX-License-Identifier: GPL-2.0
/*
 * The MMIO bus: a sorted array of ranges under a reader-writer lock.
 *
 * Why a lock and not a lock-free (RCU-style) table: an MMIO exit already
 * costs a full trip out of the guest, so one uncontended read-lock per exit
 * is noise; and holding it across the handler gives mmio__unregister() a
 * simple promise -- when it returns no handler of the range is running, so
 * the device may free its state at once -- with no grace periods to track.
 * Writers prefer over readers so a stream of exits from busy vCPUs cannot
 * starve a runtime registration (a BAR move).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pvm/log.h"
#include "pvm/mmio.h"
#include "pvm/vm.h"

int mmio__init(struct mmio_bus *bus)
{
	pthread_rwlockattr_t attr;
	int r;

	memset(bus, 0, sizeof(*bus));
	r = pthread_rwlockattr_init(&attr);
	if (r)
		return -r;
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	r = pthread_rwlock_init(&bus->lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	return -r;
}

void mmio__exit(struct mmio_bus *bus)
{
	free(bus->ranges);
	bus->ranges = NULL;
	bus->nr = bus->cap = 0;
	pthread_rwlock_destroy(&bus->lock);
}

/* Index of the first range whose end is above addr (nr if none); under the lock. */
static unsigned int first_ending_above(const struct mmio_bus *bus, u64 addr)
{
	unsigned int lo = 0, hi = bus->nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		const struct mmio_range *r = &bus->ranges[mid];

		/* base + len - 1 cannot wrap: mmio__register refused that. */
		if (r->base + (r->len - 1) < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int mmio__register(struct vm *vm, u64 base, u64 len, const struct mmio_ops *ops,
		   void *opaque)
{
	struct mmio_bus *bus = &vm->mmio;
	unsigned int i;
	int ret = 0;

	if (!len || base + (len - 1) < base || !ops)
		return -EINVAL;
	pthread_rwlock_wrlock(&bus->lock);
	i = first_ending_above(bus, base);
	/* The first range ending at or after base overlaps unless it starts past us. */
	if (i < bus->nr && bus->ranges[i].base <= base + (len - 1)) {
		ret = -EBUSY;
		goto out;
	}
	if (bus->nr == bus->cap) {
		unsigned int cap = bus->cap ? 2 * bus->cap : 8;
		struct mmio_range *n = realloc(bus->ranges, cap * sizeof(*n));

		if (!n) {
			ret = -ENOMEM;
			goto out;
		}
		bus->ranges = n;
		bus->cap = cap;
	}
	memmove(&bus->ranges[i + 1], &bus->ranges[i], (bus->nr - i) * sizeof(bus->ranges[0]));
	bus->ranges[i] = (struct mmio_range){
		.base = base, .len = len, .ops = ops, .opaque = opaque,
	};
	bus->nr++;
out:
	pthread_rwlock_unlock(&bus->lock);
	return ret;
}

int mmio__unregister(struct vm *vm, u64 base)
{
	struct mmio_bus *bus = &vm->mmio;
	unsigned int i;
	int ret = -ENOENT;

	pthread_rwlock_wrlock(&bus->lock);
	i = first_ending_above(bus, base);
	if (i < bus->nr && bus->ranges[i].base == base) {
		bus->nr--;
		memmove(&bus->ranges[i], &bus->ranges[i + 1],
			(bus->nr - i) * sizeof(bus->ranges[0]));
		ret = 0;
	}
	pthread_rwlock_unlock(&bus->lock);
	return ret;
}

static void unclaimed(struct mmio_bus *bus, u64 addr, u8 *data, u32 len, bool write)
{
	if (!write)
		memset(data, 0xff, len);
	/* Guests probe: say it once, then only at debug level. */
	if (!__atomic_exchange_n(&bus->warned, true, __ATOMIC_RELAXED))
		pr_warn("MMIO %s at 0x%llx len %u claimed by no device: reads are all-ones, "
			"writes are dropped (further ones at debug level)",
			write ? "write" : "read", (unsigned long long)addr, len);
	else
		pr_debug("MMIO %s at 0x%llx len %u unclaimed", write ? "write" : "read",
			 (unsigned long long)addr, len);
}

bool mmio__access(struct vm *vm, u64 addr, u8 *data, u32 len, bool write)
{
	struct mmio_bus *bus = &vm->mmio;
	const struct mmio_range *r = NULL;
	u64 off = 0;
	unsigned int i;

	/* The accelerator never gives more; refuse rather than trust it. */
	if (!len || len > 8) {
		unclaimed(bus, addr, data, MIN(len, 8U), write);
		return false;
	}
	pthread_rwlock_rdlock(&bus->lock);
	i = first_ending_above(bus, addr);
	if (i < bus->nr && bus->ranges[i].base <= addr) {
		r = &bus->ranges[i];
		off = addr - r->base;
		/* The whole access must lie inside: no device sees a torn one. */
		if (len - 1 > r->len - 1 - off)
			r = NULL;
	}
	if (r) {
		if (write && r->ops->write)
			r->ops->write(r->opaque, off, data, len);
		else if (!write && r->ops->read)
			r->ops->read(r->opaque, off, data, len);
		else if (!write)
			memset(data, 0xff, len);
	}
	pthread_rwlock_unlock(&bus->lock);
	if (!r)
		unclaimed(bus, addr, data, len, write);
	return r;
}
