/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_IRQ_H
#define PVM_IRQ_H

#include "pvm/types.h"

struct vm;

/*
 * Interrupt sources of the in-kernel XICS. Numbers start where QEMU's pseries
 * machine puts its first device source, in one 1024-source ICS block.
 */
#define IRQ_BASE 0x1000
#define IRQ_MAX_SOURCES 1024

/* Allocate a source (edge/MSI, or level with lsi) and create it in the ICS. */
int irq__alloc(struct vm *vm, bool lsi);
/* Source irq was allocated level-sensitive. */
bool irq__is_lsi(struct vm *vm, u32 irq);
/* Deliver an edge interrupt. */
int irq__raise(struct vm *vm, u32 irq);
/* Assert or deassert a level interrupt. */
int irq__set_level(struct vm *vm, u32 irq, bool level);

/* Every allocated source back to its state at creation (guest reboot). */
int irq__reset(struct vm *vm);

#endif
