/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_NVRAM_H
#define PVM_NVRAM_H

/*
 * The partition's NVRAM: RTAS nvram-fetch / nvram-store on an in-memory
 * image, written through to a file with pvm run --nvram FILE.
 */
#include "pvm/types.h"

struct vm;
struct module;

#define NVRAM_DEFAULT_SIZE (64 * SZ_1K)
#define NVRAM_MIN_SIZE (8 * SZ_1K)
#define NVRAM_MAX_SIZE SZ_1M
/* /vdevice/nvram@REG, next to the vty. */
#define NVRAM_REG 0x30000001

extern const struct module nvram_module;
void nvram__exit(struct vm *vm);
/* The NVRAM's size in bytes (0: none). */
u32 nvram__size(struct vm *vm);
/*
 * Open (creating it empty if missing) and lock an NVRAM image file for
 * --nvram; returns the fd, or -errno with *why set to a user-facing reason.
 */
int nvram__open_file(const char *path, const char **why);
/* Format buf as one CHRP "free space" partition, as a blank NVRAM. */
void nvram__format(u8 *buf, u32 size);

#endif
