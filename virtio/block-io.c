// SPDX-License-Identifier: GPL-2.0
/*
 * The block engine (include/virtio/block-io.h): a raw image or block device
 * behind one io_uring, with a synchronous fallback on the I/O thread
 * (spec §D.1, §D.2, §D.5).
 *
 * Locking against other users follows QEMU: an open file description lock
 * (F_OFD_SETLK) on the whole image, exclusive for a writer, shared for a
 * read-only user, so two pvms (or pvm and QEMU, which uses the same kind of
 * locks) never write one image at once. OFD locks belong to the open file,
 * not the process, so the I/O thread and a forked helper cannot drop them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <liburing.h>

#include "pvm/log.h"
#include "virtio/block-io.h"

#define KICK_TAG 1ULL		/* user_data of the kick eventfd's read */
#define DEFAULT_DEPTH 256

struct blkio {
	int fd;
	char *path;
	bool ro, direct, blockdev;
	bool uring, ring_live, needs_enable;
	u64 size;
	u32 lbs;
	unsigned int inflight;
	blkio_done_fn *done;
	void *opaque;
	struct io_uring ring;
	bool kick_armed;
	u64 kick_buf;
	/* Thread fallback: requests queued for the next run, done there. */
	struct blkio_req **fin;
	unsigned int nr_fin, depth;
	struct blkio_stats st;
};

/* ---- the synchronous half (fallback, and fix-ups of io_uring results) ---- */

/* Drop n bytes from the front of an iovec array. */
static void iov_advance(struct blkio_req *r, u64 n)
{
	while (n && r->iovcnt) {
		if (n < r->iov->iov_len) {
			r->iov->iov_base = (u8 *)r->iov->iov_base + n;
			r->iov->iov_len -= n;
			return;
		}
		n -= r->iov->iov_len;
		r->iov++;
		r->iovcnt--;
	}
}

/* O_DIRECT refused the buffers (EINVAL: misaligned memory): go through an aligned copy. */
static int rw_bounce(struct blkio *io, struct blkio_req *r)
{
	u64 done = 0, n;
	unsigned int i;
	ssize_t ret;
	void *buf;

	if (posix_memalign(&buf, MAX(io->lbs, 4096U), r->len))
		return -ENOMEM;
	io->st.bounced++;
	if (r->op == BLKIO_WRITE)
		for (i = 0; i < r->iovcnt; done += r->iov[i].iov_len, i++)
			memcpy((u8 *)buf + done, r->iov[i].iov_base, r->iov[i].iov_len);
	for (done = 0; done < r->len; done += ret) {
		if (r->op == BLKIO_WRITE)
			ret = pwrite(io->fd, (u8 *)buf + done, r->len - done, r->off + done);
		else
			ret = pread(io->fd, (u8 *)buf + done, r->len - done, r->off + done);
		if (ret < 0 && errno == EINTR) {
			ret = 0;
			continue;
		}
		if (ret <= 0) {
			free(buf);
			return ret < 0 ? -errno : -EIO;
		}
	}
	if (r->op == BLKIO_READ)
		for (i = 0, done = 0; i < r->iovcnt; done += n, i++) {
			n = r->iov[i].iov_len;
			memcpy(r->iov[i].iov_base, (u8 *)buf + done, n);
		}
	free(buf);
	return 0;
}

/* Read or write what is left of r from byte done on. */
static int rw_sync(struct blkio *io, struct blkio_req *r, u64 done)
{
	ssize_t ret;

	iov_advance(r, done);
	while (done < r->len) {
		if (r->op == BLKIO_WRITE)
			ret = pwritev(io->fd, r->iov, MIN(r->iovcnt, (unsigned int)IOV_MAX),
				      r->off + done);
		else
			ret = preadv(io->fd, r->iov, MIN(r->iovcnt, (unsigned int)IOV_MAX),
				     r->off + done);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return -errno;
		/* The image shrank under us: the guest gets an error, not stale bytes. */
		if (!ret)
			return -EIO;
		done += ret;
		iov_advance(r, ret);
	}
	return 0;
}

static int zeroes_sync(struct blkio *io, u64 off, u64 len)
{
	static const u8 zero[SZ_64K] __attribute__((aligned(4096)));
	ssize_t ret;

	while (len) {
		ret = pwrite(io->fd, zero, MIN(len, (u64)sizeof(zero)), off);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret <= 0)
			return ret < 0 ? -errno : -EIO;
		off += ret;
		len -= ret;
	}
	return 0;
}

static int falloc_mode(const struct blkio_req *r)
{
	if (r->op == BLKIO_DISCARD || r->unmap)
		return FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
	return FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE;
}

/*
 * After fallocate answered res: a discard the file system cannot do is
 * still done (discard is a hint); write-zeroes falls back to plain zeroes.
 */
static int falloc_fixup(struct blkio *io, const struct blkio_req *r, int res)
{
	if (res != -EOPNOTSUPP && res != -EINVAL)
		return res;
	if (r->op == BLKIO_DISCARD)
		return 0;
	if (r->unmap && !fallocate(io->fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, r->off,
				   r->len))
		return 0;
	return zeroes_sync(io, r->off, r->len);
}

static int do_sync(struct blkio *io, struct blkio_req *r)
{
	int ret;

	switch (r->op) {
	case BLKIO_READ:
	case BLKIO_WRITE:
		ret = rw_sync(io, r, 0);
		return ret == -EINVAL && io->direct ? rw_bounce(io, r) : ret;
	case BLKIO_FLUSH:
		io->st.fdatasyncs++;
		return fdatasync(io->fd) ? -errno : 0;
	case BLKIO_DISCARD:
	case BLKIO_WRITE_ZEROES:
		ret = fallocate(io->fd, falloc_mode(r), r->off, r->len) ? -errno : 0;
		return falloc_fixup(io, r, ret);
	}
	return -EINVAL;
}

/* ---- io_uring ---- */

static void complete(struct blkio *io, struct blkio_req *r, int res)
{
	io->inflight--;
	io->done(r, res, io->opaque);
}

/* A CQE for r: finish short transfers and what io_uring could not do. */
static int uring_result(struct blkio *io, struct blkio_req *r, int res)
{
	switch (r->op) {
	case BLKIO_READ:
	case BLKIO_WRITE:
		if (res == -EINVAL && io->direct)
			return rw_bounce(io, r);
		if (res == -EAGAIN || res == -EINTR)
			return rw_sync(io, r, 0);
		if (res < 0)
			return res;
		if ((u64)res < r->len) {
			io->st.sync_retries++;
			return rw_sync(io, r, res);
		}
		return 0;
	case BLKIO_FLUSH:
		return res < 0 ? res : 0;
	case BLKIO_DISCARD:
	case BLKIO_WRITE_ZEROES:
		return falloc_fixup(io, r, res < 0 ? res : 0);
	}
	return -EINVAL;
}

static struct io_uring_sqe *get_sqe(struct blkio *io)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&io->ring);

	/* A full SQ: send what is there and go on (spec §D.3). */
	if (!sqe && io_uring_submit(&io->ring) >= 0)
		sqe = io_uring_get_sqe(&io->ring);
	return sqe;
}

static int uring_submit(struct blkio *io, struct blkio_req *r)
{
	struct io_uring_sqe *sqe = get_sqe(io);

	if (!sqe)
		return -EBUSY;
	switch (r->op) {
	case BLKIO_READ:
		io_uring_prep_readv(sqe, io->fd, r->iov, r->iovcnt, r->off);
		break;
	case BLKIO_WRITE:
		io_uring_prep_writev(sqe, io->fd, r->iov, r->iovcnt, r->off);
		break;
	case BLKIO_FLUSH:
		/* Linux sends FLUSH after the writes it covers completed: no drain. */
		io_uring_prep_fsync(sqe, io->fd, IORING_FSYNC_DATASYNC);
		io->st.fdatasyncs++;
		break;
	case BLKIO_DISCARD:
	case BLKIO_WRITE_ZEROES:
		io_uring_prep_fallocate(sqe, io->fd, falloc_mode(r), r->off, r->len);
		break;
	}
	io_uring_sqe_set_data(sqe, r);
	return 0;
}

static int uring_run(struct blkio *io, int kick_fd, int timeout_ms)
{
	struct __kernel_timespec ts = { .tv_sec = timeout_ms / 1000,
					.tv_nsec = (timeout_ms % 1000) * 1000000LL };
	struct io_uring_cqe *cqe;
	unsigned int head, seen = 0;
	int ret, kicked = 0;

	if (kick_fd >= 0 && !io->kick_armed) {
		struct io_uring_sqe *sqe = get_sqe(io);

		if (sqe) {
			/* A blocking eventfd: io_uring parks the read until a kick. */
			io_uring_prep_read(sqe, kick_fd, &io->kick_buf, sizeof(io->kick_buf), -1);
			io_uring_sqe_set_data64(sqe, KICK_TAG);
			io->kick_armed = true;
		}
	}
	if (timeout_ms < 0)
		ret = io_uring_submit_and_wait(&io->ring, 1);
	else
		ret = io_uring_submit_and_wait_timeout(&io->ring, &cqe, 1, &ts, NULL);
	if (ret < 0 && ret != -ETIME && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY)
		return ret;
	io_uring_for_each_cqe(&io->ring, head, cqe) {
		seen++;
		if (cqe->user_data == KICK_TAG) {
			io->kick_armed = false;
			if (cqe->res == sizeof(io->kick_buf))
				kicked = io->kick_buf > INT_MAX ? INT_MAX : (int)io->kick_buf;
			else
				kicked = 1;	/* a failed read still means: look */
			continue;
		}
		if (cqe->user_data) {
			struct blkio_req *r = io_uring_cqe_get_data(cqe);

			complete(io, r, uring_result(io, r, cqe->res));
		}
	}
	io_uring_cq_advance(&io->ring, seen);
	return kicked;
}

/* Newest flags first; each older kernel refuses the newer ones with EINVAL. */
static int uring_setup(struct blkio *io)
{
	static const unsigned int flag_sets[] = {
		IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_R_DISABLED,
		IORING_SETUP_COOP_TASKRUN | IORING_SETUP_R_DISABLED,
		IORING_SETUP_R_DISABLED,
		0,
	};
	unsigned int i;
	int ret = -EINVAL;

	for (i = 0; i < ARRAY_SIZE(flag_sets) && ret == -EINVAL; i++) {
		struct io_uring_params p = { .flags = flag_sets[i] };

		/* One more entry for the kick eventfd's read. */
		ret = io_uring_queue_init_params(io->depth + 1, &io->ring, &p);
		if (!ret)
			io->needs_enable = flag_sets[i] & IORING_SETUP_R_DISABLED;
	}
	return ret;
}

/* ---- the interface ---- */

static int lock_image(struct blkio *io, const char **why)
{
	struct flock fl = { .l_type = io->ro ? F_RDLCK : F_WRLCK, .l_whence = SEEK_SET };

	if (!fcntl(io->fd, F_OFD_SETLK, &fl))
		return 0;
	if (errno == EAGAIN || errno == EACCES) {
		*why = io->ro ? "in use for writing by another process (another pvm or QEMU?)" :
				"in use by another process (another pvm or QEMU?)";
		return -EBUSY;
	}
	/* A file system without locks (some network ones): go on as QEMU does. */
	pr_warn("disk %s: cannot lock it (%s); nothing stops another writer", io->path,
		strerror(errno));
	return 0;
}

static int probe_size(struct blkio *io, const char **why)
{
	struct stat st;
	int lbs;

	if (fstat(io->fd, &st))
		return -errno;
	if (S_ISBLK(st.st_mode)) {
		io->blockdev = true;
		if (ioctl(io->fd, BLKGETSIZE64, &io->size))
			return -errno;
		io->lbs = !ioctl(io->fd, BLKSSZGET, &lbs) && lbs > 512 ? lbs : 512;
	} else if (S_ISREG(st.st_mode)) {
		io->size = st.st_size;
		/*
		 * O_DIRECT on a file needs the device's alignment; the file
		 * system's block (at most 4 KiB) is always enough (spec §D.4).
		 */
		io->lbs = io->direct && st.st_blksize > 512 ? MIN(st.st_blksize, 4096) : 512;
	} else {
		*why = "not a regular file or block device";
		return -EINVAL;
	}
	if (io->size < 512) {
		*why = "smaller than one 512-byte sector";
		return -EINVAL;
	}
	return 0;
}

int blkio__open(struct blkio **out, const char *path, const struct blkio_opts *o,
		const char **why)
{
	int flags = (o->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC | (o->direct ? O_DIRECT : 0);
	struct blkio *io;
	int ret;

	*out = NULL;
	*why = NULL;
	io = calloc(1, sizeof(*io));
	if (!io || !(io->path = strdup(path))) {
		free(io);
		*why = "out of memory";
		return -ENOMEM;
	}
	io->ro = o->ro;
	io->direct = o->direct;
	io->depth = o->depth ? o->depth : DEFAULT_DEPTH;
	io->fd = -1;
	io->fd = open(path, flags);
	if (io->fd < 0) {
		ret = -errno;
		*why = ret == -EINVAL && o->direct ? "O_DIRECT is not supported there" :
						      strerror(-ret);
		goto fail;
	}
	ret = probe_size(io, why);
	if (!ret)
		ret = lock_image(io, why);
	if (ret) {
		if (!*why)
			*why = strerror(-ret);
		goto fail;
	}
	io->fin = calloc(io->depth, sizeof(*io->fin));
	if (!io->fin) {
		ret = -ENOMEM;
		*why = "out of memory";
		goto fail;
	}
	ret = o->no_uring ? -ENOSYS : uring_setup(io);
	if (!ret) {
		io->uring = io->ring_live = true;
	} else if (!o->no_uring) {
		/* sysctl kernel.io_uring_disabled, seccomp, or a pre-5.1 kernel. */
		pr_info("disk %s: no io_uring (%s): plain reads and writes on the I/O thread",
			path, strerror(-ret));
	}
	*out = io;
	return 0;
fail:
	blkio__close(io);
	return ret;
}

void blkio__close(struct blkio *io)
{
	if (!io)
		return;
	/* Exiting the ring cancels and waits for what is left (the kick's read). */
	if (io->ring_live)
		io_uring_queue_exit(&io->ring);
	if (io->fd >= 0)
		close(io->fd);
	free(io->fin);
	free(io->path);
	free(io);
}

int blkio__attach(struct blkio *io, blkio_done_fn *done, void *opaque)
{
	io->done = done;
	io->opaque = opaque;
	if (io->uring && io->needs_enable) {
		/*
		 * The single issuer is whoever enables the ring: this thread.
		 * The system call itself: liburing 2.3's shared library does not
		 * export io_uring_enable_rings().
		 */
		if (syscall(__NR_io_uring_register, io->ring.ring_fd, IORING_REGISTER_ENABLE_RINGS,
			    NULL, 0))
			return -errno;
		io->needs_enable = false;
	}
	return 0;
}

int blkio__submit(struct blkio *io, struct blkio_req *r)
{
	int ret;

	if (r->op == BLKIO_READ || r->op == BLKIO_WRITE) {
		u64 len = 0;
		unsigned int i;

		for (i = 0; i < r->iovcnt; i++)
			len += r->iov[i].iov_len;
		if (len != r->len)
			return -EINVAL;
	}
	if (io->ro && r->op != BLKIO_READ && r->op != BLKIO_FLUSH)
		return -EROFS;
	if (io->inflight >= io->depth)
		return -EBUSY;
	if (io->uring) {
		ret = uring_submit(io, r);
		if (ret)
			return ret;
	} else {
		/* Done at the next run: never under the caller's locks. */
		io->fin[io->nr_fin++] = r;
	}
	io->inflight++;
	io->st.submitted++;
	return 0;
}

static int sync_run(struct blkio *io, int kick_fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = kick_fd, .events = POLLIN };
	unsigned int i, n = io->nr_fin;
	u64 cnt;

	if (n) {
		io->nr_fin = 0;
		for (i = 0; i < n; i++)
			complete(io, io->fin[i], do_sync(io, io->fin[i]));
		timeout_ms = 0;	/* still look for a kick, without waiting */
	}
	if (kick_fd < 0)
		return 0;
	if (poll(&pfd, 1, timeout_ms) <= 0 || !(pfd.revents & POLLIN))
		return 0;
	if (read(kick_fd, &cnt, sizeof(cnt)) != sizeof(cnt))
		return 0;
	return cnt > INT_MAX ? INT_MAX : (int)cnt;
}

int blkio__run(struct blkio *io, int kick_fd, int timeout_ms)
{
	return io->uring ? uring_run(io, kick_fd, timeout_ms) : sync_run(io, kick_fd, timeout_ms);
}

unsigned int blkio__inflight(const struct blkio *io)
{
	return io->inflight;
}

u64 blkio__size(const struct blkio *io)
{
	return io->size;
}

u32 blkio__block_size(const struct blkio *io)
{
	return io->lbs;
}

bool blkio__ro(const struct blkio *io)
{
	return io->ro;
}

bool blkio__uring(const struct blkio *io)
{
	return io->uring;
}

const char *blkio__path(const struct blkio *io)
{
	return io->path;
}

void blkio__stats(const struct blkio *io, struct blkio_stats *st)
{
	*st = io->st;
}
