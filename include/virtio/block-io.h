/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_VIRTIO_BLOCK_IO_H
#define PVM_VIRTIO_BLOCK_IO_H

/*
 * The block engine behind virtio-blk (virtio/block-io.c), apart from the
 * virtio front end: one raw disk image or block device, one io_uring
 * (liburing), requests in, completions out through a callback. When
 * io_uring cannot be set up (sysctl kernel.io_uring_disabled, a seccomp
 * policy, an old kernel) the same requests run as plain preadv/pwritev/
 * fdatasync/fallocate on the thread that submits them.
 *
 * Threads: blkio__open() and blkio__close() on any thread; everything else
 * on the one thread that called blkio__attach() (the disk's I/O thread):
 * the ring is single-issuer.
 */
#include <stdbool.h>
#include <sys/uio.h>

#include "pvm/types.h"

struct blkio;

struct blkio_opts {
	bool ro;		/* O_RDONLY and a shared lock; writes are refused */
	bool direct;		/* O_DIRECT: no host page cache */
	bool no_uring;		/* the thread fallback even where io_uring works */
	unsigned int depth;	/* requests in flight at most (0: 256) */
};

enum blkio_op {
	BLKIO_READ,
	BLKIO_WRITE,
	BLKIO_FLUSH,		/* fdatasync: the writes completed so far are durable */
	BLKIO_DISCARD,		/* punch a hole; unsupported is not an error */
	BLKIO_WRITE_ZEROES,	/* zero the range (unmap: may punch a hole) */
};

struct blkio_req {
	enum blkio_op op;
	bool unmap;		/* BLKIO_WRITE_ZEROES: a hole is fine */
	u64 off;		/* bytes */
	u64 len;		/* bytes: the iovecs' total for READ/WRITE */
	struct iovec *iov;	/* READ/WRITE: the engine may advance these */
	unsigned int iovcnt;
};

/* A request finished: 0, or -errno (the whole request failed). */
typedef void blkio_done_fn(struct blkio_req *req, int res, void *opaque);

struct blkio_stats {
	u64 submitted;		/* requests taken by blkio__submit() */
	u64 fdatasyncs;		/* data syncs issued (io_uring or fdatasync()) */
	u64 bounced;		/* O_DIRECT requests redone through an aligned buffer */
	u64 sync_retries;	/* short transfers finished synchronously */
};

/*
 * Open path for a disk. On failure returns -errno and *why says what went
 * wrong in words (for one error line): -EBUSY when another process holds
 * the image's lock (another pvm, or QEMU).
 */
int blkio__open(struct blkio **out, const char *path, const struct blkio_opts *o,
		const char **why);
/* Wait for what is in flight, then close; NULL is fine. */
void blkio__close(struct blkio *io);

/* Make the calling thread the disk's I/O thread; completions go to done. */
int blkio__attach(struct blkio *io, blkio_done_fn *done, void *opaque);
/*
 * Queue a request; it is sent at the next blkio__run() (or at once on the
 * thread fallback) and always completes through done, never here.
 */
int blkio__submit(struct blkio *io, struct blkio_req *req);
/*
 * Send what is queued, wait up to timeout_ms (-1: no limit) for a
 * completion or for kick_fd (an eventfd, -1: none) to be written, and
 * deliver every completion that is ready. Returns the eventfd's count
 * (how many writes it took, at most INT_MAX) if kick_fd fired, 0 if not,
 * -errno when the ring failed.
 */
int blkio__run(struct blkio *io, int kick_fd, int timeout_ms);
/* Requests submitted and not yet completed. */
unsigned int blkio__inflight(const struct blkio *io);

u64 blkio__size(const struct blkio *io);		/* bytes */
u32 blkio__block_size(const struct blkio *io);	/* logical block: 512 or more */
bool blkio__ro(const struct blkio *io);
bool blkio__uring(const struct blkio *io);	/* false: the thread fallback */
const char *blkio__path(const struct blkio *io);
void blkio__stats(const struct blkio *io, struct blkio_stats *st);

#endif
