/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_FDT_H
#define PVM_FDT_H

#include "pvm/types.h"

struct vm;

/* Phandle of the XICS presentation controller node. */
#define FDT_PHANDLE_XICS 0x1000

/* Build the guest device tree into buf (size bytes). Returns 0 or -errno. */
int fdt__build(struct vm *vm, void *buf, u32 size);
/* A tree holding just core `core`'s node, for ibm,configure-connector. */
int fdt__cpu_blob(struct vm *vm, unsigned int core, void *buf, u32 size);

#endif
