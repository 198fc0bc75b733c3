/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_FDT_H
#define PVM_FDT_H

#include "pvm/types.h"

struct vm;

/* Return a libfdt error (< 0) from the enclosing function. */
#define FDT_TRY(x)                  \
	do {                        \
		int __r = (x);      \
		if (__r < 0)        \
			return __r; \
	} while (0)

/* Phandle of the XICS presentation controller node. */
#define FDT_PHANDLE_XICS 0x1000

/* Build the guest device tree into buf (size bytes). Returns 0 or -errno. */
int fdt__build(struct vm *vm, void *buf, u32 size);
/* A tree holding just core `core`'s node, for ibm,configure-connector. */
int fdt__cpu_blob(struct vm *vm, unsigned int core, void *buf, u32 size);

#endif
