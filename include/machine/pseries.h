/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_MACHINE_PSERIES_H
#define PVM_MACHINE_PSERIES_H

struct vm;

/* Set up every part of a pseries machine (machine/pseries.c); modules__exit() undoes it. */
int pseries__init(struct vm *vm);

#endif
