// SPDX-License-Identifier: GPL-2.0
/* Interrupt-source allocator for devices (console, event sources, PCI). */
#include <errno.h>

#include "pvm/accel.h"
#include "pvm/irq.h"
#include "pvm/log.h"
#include "pvm/vm.h"

int irq__alloc(struct vm *vm, bool lsi)
{
	u32 irq;
	int ret;

	if (!accel__has_cap(vm, ACCEL_CAP_IRQCHIP))
		return -ENODEV;
	pthread_mutex_lock(&vm->lock);
	if (vm->nr_irqs >= IRQ_MAX_SOURCES) {
		pthread_mutex_unlock(&vm->lock);
		return -ENOSPC;
	}
	if (lsi)
		vm->irq_lsi[vm->nr_irqs / 64] |= 1ULL << (vm->nr_irqs % 64);
	irq = IRQ_BASE + vm->nr_irqs++;
	pthread_mutex_unlock(&vm->lock);
	/* A source does not exist for KVM until created; until then raising it is lost. */
	ret = accel__irq_create(vm, irq, lsi);
	if (ret) {
		pr_err("cannot create interrupt source 0x%x: %d", irq, ret);
		return ret;
	}
	return irq;
}

bool irq__is_lsi(struct vm *vm, u32 irq)
{
	u32 i = irq - IRQ_BASE;

	return irq >= IRQ_BASE && i < vm->nr_irqs && (vm->irq_lsi[i / 64] & (1ULL << (i % 64)));
}

/*
 * Under irq_lock: KVM's source-state write clears a pending masked interrupt
 * unless the state read just before saw it, so no raise may fall in between
 * (papr/xics.c does its read-modify-write under the same lock).
 */
int irq__set_level(struct vm *vm, u32 irq, bool level)
{
	int ret;

	pthread_mutex_lock(&vm->irq_lock);
	ret = accel__irq_line(vm, irq, level);
	pthread_mutex_unlock(&vm->irq_lock);
	return ret;
}

int irq__raise(struct vm *vm, u32 irq)
{
	return irq__set_level(vm, irq, true);
}

int irq__reset(struct vm *vm)
{
	unsigned int i;
	int ret;

	/* Created again: masked, priority 0xff, nothing pending or in service. */
	for (i = 0; i < vm->nr_irqs; i++) {
		ret = accel__irq_create(vm, IRQ_BASE + i, vm->irq_lsi[i / 64] & (1ULL << (i % 64)));
		if (ret)
			return ret;
	}
	return 0;
}
