/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_LOADER_H
#define PVM_LOADER_H

#include "pvm/types.h"

struct guest_mem;

struct load_info {
	u64 entry;	/* guest real address to start at */
	u64 low;	/* lowest byte written */
	u64 high;	/* one past the highest byte written (incl. BSS) */
};

/*
 * Load a ppc64 ELF (LE or BE) the way QEMU's pseries machine loads -kernel:
 * each PT_LOAD goes to (p_paddr & 0x0fffffff) + base; the entry point is
 * e_entry's offset into the segment that holds it, applied to where that
 * segment went (masked like p_paddr when no segment holds it). Nothing is written at or above limit.
 * Errors: -ENOEXEC not a ppc64 ELF, -EINVAL malformed, -E2BIG does not fit.
 * With gm == NULL it only checks the image (nothing is written).
 */
int loader__load_elf(struct guest_mem *gm, u64 base, u64 limit,
		     const void *img, size_t len, struct load_info *li);
const char *loader__strerror(int err);
/*
 * Read a regular file of 1..max bytes into a malloc'd buffer (free() it).
 * -EISDIR not a regular file, -ENODATA empty, -EFBIG over max, -ESTALE it
 * shrank while being read, else -errno from open/read.
 */
int loader__read_file(const char *path, size_t max, void **data, size_t *len);

#endif
