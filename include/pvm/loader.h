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
 * Where an image is read from: size bytes in memory (buf: the fuzz target
 * and the tests), or an open file read with pread() (buf NULL) -- never a
 * mapping, so a file truncated under pvm cannot SIGBUS it. The loader reads
 * the ELF and program headers into a small buffer of its own and the
 * segments straight into guest memory.
 */
struct load_src {
	const void *buf;
	int fd;
	u64 size;	/* the file's size when opened: all the loader reads */
	int read_err;	/* set by a failed loader__read(): the file's fault, not the image's */
};

#define LOAD_SRC_BUF(p, n) (&(struct load_src){ .buf = (p), .fd = -1, .size = (n) })

/*
 * Open a regular file of 1..max bytes as a source (loader__close() it).
 * -EISDIR not a regular file, -ENODATA empty, -EFBIG over max, else -errno
 * from open/fstat.
 */
int loader__open(const char *path, u64 max, struct load_src *src);
void loader__close(struct load_src *src);
/*
 * len bytes at off into dst (host memory: for guest memory, what
 * gmem__ptr() gave for the whole range). -ESTALE when the file ends
 * before off + len (it shrank since it was opened: what is there is not the
 * image), else -errno from pread; either is also kept in src->read_err.
 */
int loader__read(struct load_src *src, u64 off, void *dst, u64 len);

/*
 * Load a ppc64 ELF (LE or BE) the way QEMU's pseries machine loads -kernel:
 * each PT_LOAD goes to (p_paddr & 0x0fffffff) + base; the entry point is
 * e_entry's offset into the segment that holds it, applied to where that
 * segment went (masked like p_paddr when no segment holds it). Nothing is
 * written at or above limit, and nothing at all unless every segment fits.
 * zeroed: guest memory is known to hold only zeros (fresh, or cleared at a
 * reboot), so a BSS that no other segment overlaps is left as it is.
 * Errors: -ENOEXEC not a ppc64 ELF, -EINVAL malformed, -E2BIG does not fit,
 * -ENOMEM, or a read error (src->read_err set; guest memory may then hold
 * part of the image). With gm == NULL it only checks the image: it reads
 * the headers and writes nothing.
 */
int loader__load(struct guest_mem *gm, u64 base, u64 limit, struct load_src *src,
		 bool zeroed, struct load_info *li);
/* loader__load() from len bytes at img, into memory not known to be zero. */
int loader__load_elf(struct guest_mem *gm, u64 base, u64 limit,
		     const void *img, size_t len, struct load_info *li);
const char *loader__strerror(int err);

#endif
