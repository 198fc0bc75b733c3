// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk (virtio 1.x §5.2, device type 2; spec §D): one PCI function
 * per --disk with one request queue, served by the disk's own I/O thread
 * over its own io_uring (virtio/block-io.c). Requests are parsed in
 * virtio/blk-req.c.
 *
 * The I/O thread is woken through a blocking eventfd (kick_fd), which is
 * also the queue's ioeventfd: KVM writes it on a guest notification. With
 * no ioeventfd, the MMIO exit reaches queue_notify, which writes it. The
 * thread then takes vdev->lock,
 * pushes what completed, pops every available chain into engine requests,
 * drops the lock (interrupts go out then, one per batch, as EVENT_IDX or
 * NO_INTERRUPT allow), and waits in the engine for completions or the
 * next kick. Nothing blocks under vdev->lock but a reset's drain.
 *
 * Reset (status 0, PCI reset, guest reboot) runs under vdev->lock on
 * another thread and must not return while the engine can still write
 * into guest memory: it waits for the in-flight count to reach 0. The I/O
 * thread never sleeps on vdev->lock while a reset drains: it tries the lock
 * with a short timeout and reaps completions in between. Requests finished
 * but not pushed when the reset came are dropped (gen).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "pvm/log.h"
#include "pvm/module.h"
#include "pvm/sandbox.h"
#include "pvm/vm.h"
#include "blk-priv.h"

const struct module virtio_blk_module;

static struct virtio_blk *blk_of(struct vm *vm, unsigned int i)
{
	struct blk_set *set = vm__priv(vm, &virtio_blk_module);

	return set && i < set->nr ? set->disk[i] : NULL;
}

/* pvm's own kicks (MMIO exits, reset, exit), told apart from KVM's. */
static void kick(struct virtio_blk *blk)
{
	u64 one = 1;

	__atomic_add_fetch(&blk->own_kicks, 1, __ATOMIC_SEQ_CST);
	ssize_t n __unused = write(blk->kick_fd, &one, sizeof(one));
}

/* ---- virtio ops (under vdev->lock) ---- */

static u64 blk__features(struct virtio_dev *vdev)
{
	struct virtio_blk *blk = vdev->priv;
	u64 f = (1ULL << VIRTIO_BLK_F_SIZE_MAX) | (1ULL << VIRTIO_BLK_F_SEG_MAX) |
		(1ULL << VIRTIO_BLK_F_BLK_SIZE) | (1ULL << VIRTIO_BLK_F_FLUSH);

	if (blk->ro)
		return f | (1ULL << VIRTIO_BLK_F_RO);
	return f | (1ULL << VIRTIO_BLK_F_DISCARD) | (1ULL << VIRTIO_BLK_F_WRITE_ZEROES);
}

static void blk__config_read(struct virtio_dev *vdev, u32 off, u8 *data, u32 len)
{
	struct virtio_blk *blk = vdev->priv;

	memset(data, 0, len);
	if (off < sizeof(blk->config))
		memcpy(data, blk->config + off, MIN(len, (u32)sizeof(blk->config) - off));
}

static void blk__queue_notify(struct virtio_dev *vdev, unsigned int q __unused)
{
	kick(vdev->priv);
}

static void blk__reset(struct virtio_dev *vdev)
{
	struct virtio_blk *blk = vdev->priv;

	/* virtio_blk__poll() mode: this thread is the only one that reaps. */
	if (!blk->thread_live && blk->attached) {
		while (blkio__inflight(blk->io))
			blkio__run(blk->io, -1, 10);
	}
	pthread_mutex_lock(&blk->mu);
	if (blk->inflight) {
		__atomic_store_n(&blk->draining, true, __ATOMIC_SEQ_CST);
		kick(blk);
		while (blk->inflight)
			pthread_cond_wait(&blk->cond, &blk->mu);
		__atomic_store_n(&blk->draining, false, __ATOMIC_SEQ_CST);
	}
	pthread_mutex_unlock(&blk->mu);
	blk->gen++;
}

static const struct virtio_ops blk_ops = {
	.features = blk__features,
	.config_read = blk__config_read,
	.queue_notify = blk__queue_notify,
	.reset = blk__reset,
};

/* ---- completions (I/O thread) ---- */

static void blk__done(struct blkio_req *io, int res, void *opaque)
{
	struct blk_req *req = (struct blk_req *)((u8 *)io - offsetof(struct blk_req, io));
	struct virtio_blk *blk = opaque;

	if (res) {
		/* The guest sees IOERR for this request; the host's reason goes to the log. */
		pr_warn("%s: %s at byte %llu failed: %s", blk->name,
			io->op == BLKIO_READ ? "read" : io->op == BLKIO_WRITE ? "write" :
			io->op == BLKIO_FLUSH ? "flush" : "discard/zero",
			(unsigned long long)io->off, strerror(-res));
		*req->status = VIRTIO_BLK_S_IOERR;
		req->used_len = 1;
		blk__count(blk, errors, 1);
	} else {
		*req->status = VIRTIO_BLK_S_OK;
		if (io->op == BLKIO_READ)
			blk__count(blk, bytes_read, io->len);
		else if (io->op == BLKIO_WRITE)
			blk__count(blk, bytes_written, io->len);
	}
	req->next = NULL;
	*blk->done_tail = req;
	blk->done_tail = &req->next;

	pthread_mutex_lock(&blk->mu);
	if (!--blk->inflight)
		pthread_cond_broadcast(&blk->cond);
	pthread_mutex_unlock(&blk->mu);
}

/* Under vdev->lock: give one request back; false if the ring broke. */
static bool push(struct virtio_blk *blk, struct virtq *vq, struct blk_req *req)
{
	bool ok = !virtq__push(vq, req->head, req->used_len);

	req->next = blk->free;
	blk->free = req;
	if (!ok)
		virtio__queue_broken(&blk->vdev, 0);
	return ok;
}

/* Under vdev->lock: push what the engine finished; returns how many. */
static unsigned int push_done(struct virtio_blk *blk, struct virtq *vq)
{
	struct blk_req *req;
	unsigned int n = 0;

	while ((req = blk->done)) {
		blk->done = req->next;
		blk__count_type(blk, req->type);
		/* Taken before a reset: that ring is gone, the request with it. */
		if (vq && req->gen == blk->gen) {
			if (push(blk, vq, req))
				n++;
			else
				vq = NULL;
			continue;
		}
		req->next = blk->free;
		blk->free = req;
	}
	blk->done_tail = &blk->done;
	return n;
}

/* Under vdev->lock: take every available chain (spec §D.3); returns how many were answered. */
static unsigned int pop_all(struct virtio_blk *blk, struct virtq *vq)
{
	unsigned int n = 0;
	struct virtq_chain c;
	int ret;

	while (vq && blk->free) {
		struct blk_req *req = blk->free;

		ret = virtq__pop(vq, &c, blk->seg, BLK_MAX_SEGS);
		if (!ret)
			break;
		if (ret == -EPROTO) {
			virtio__queue_broken(&blk->vdev, 0);
			break;
		}
		blk->free = req->next;
		req->blk = blk;
		req->gen = blk->gen;
		/*
		 * A chain the queue refused still goes back under its own head
		 * (blk__request() is not reached to set it): a recycled slot's
		 * old head would complete the wrong request for the guest.
		 */
		req->head = c.head;
		req->type = 0xff;	/* no type: counted as a request only */
		ret = ret < 0 ? -ENOSPC : blk__request(blk, req, &c);
		if (ret == -EINPROGRESS) {
			pthread_mutex_lock(&blk->mu);
			ret = blkio__submit(blk->io, &req->io);
			if (!ret)
				blk->inflight++;
			pthread_mutex_unlock(&blk->mu);
			if (!ret)
				continue;
			ret = VIRTIO_BLK_S_IOERR;
			req->used_len = 1;
		}
		blk__count_type(blk, req->type);
		if (ret == -ENOSPC) {
			/* Nowhere to put a status: handed back with nothing written. */
			req->used_len = 0;
			blk__count(blk, errors, 1);
		} else {
			*req->status = ret;
			if (ret != VIRTIO_BLK_S_OK)
				blk__count(blk, errors, 1);
		}
		if (!push(blk, vq, req))
			break;
		n++;
	}
	return n;
}

/* Under vdev->lock: the queue, if the driver runs it. */
static struct virtq *live_queue(struct virtio_blk *blk)
{
	u8 st = blk->vdev.status;

	if (!(st & VIRTIO_STATUS_DRIVER_OK) || (st & VIRTIO_STATUS_NEEDS_RESET))
		return NULL;
	return virtio__queue(&blk->vdev, 0);
}

/*
 * Take vdev->lock without sleeping on it while a reset drains: that reset
 * holds it and waits for completions only this thread can reap.
 */
static void blk__lock(struct virtio_blk *blk)
{
	struct timespec ts;

	for (;;) {
		if (!pthread_mutex_trylock(&blk->vdev.lock))
			return;
		if (__atomic_load_n(&blk->draining, __ATOMIC_SEQ_CST)) {
			blkio__run(blk->io, -1, 1);
			continue;
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 2 * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		if (!pthread_mutex_timedlock(&blk->vdev.lock, &ts))
			return;
	}
}

/* One turn of the I/O loop: answer, take, send; false when the thread should end. */
static bool blk__turn(struct virtio_blk *blk, int timeout_ms)
{
	struct virtq *vq;
	unsigned int n;
	bool stop;
	int ret;

	blk__lock(blk);
	stop = __atomic_load_n(&blk->stopping, __ATOMIC_SEQ_CST);
	vq = live_queue(blk);
	n = push_done(blk, vq);
	if (!stop) {
		vq = live_queue(blk);
		n += pop_all(blk, vq);
	}
	/* One interrupt for the batch (the ring decides with used_event). */
	if (n && live_queue(blk))
		virtio__queue_done(&blk->vdev, 0);
	virtio__unlock(&blk->vdev);
	if (stop)
		return false;
	ret = blkio__run(blk->io, blk->kick_fd, timeout_ms);
	if (ret < 0) {
		pr_err("%s: the io_uring failed (%s); the disk stops", blk->name, strerror(-ret));
		return false;
	}
	if (ret > 0 && blk->direct) {
		/*
		 * The eventfd summed KVM's and pvm's writes. pvm counts its own
		 * before writing, so a kick racing this read may be charged
		 * one turn early; the total stays right.
		 */
		u64 own = __atomic_exchange_n(&blk->own_kicks, 0, __ATOMIC_SEQ_CST);

		if ((u64)ret > own)
			virtio__stat_add(&blk->vdev.stats.notify_ioeventfd, ret - own);
		else
			__atomic_add_fetch(&blk->own_kicks, own - ret, __ATOMIC_SEQ_CST);
	}
	return true;
}

static int blk__attach(struct virtio_blk *blk)
{
	int ret;

	if (blk->attached)
		return 0;
	ret = blkio__attach(blk->io, blk__done, blk);
	if (ret)
		pr_err("%s: cannot start its io_uring: %s", blk->name, strerror(-ret));
	else
		blk->attached = true;
	return ret;
}

static void *blk__thread(void *arg)
{
	struct virtio_blk *blk = arg;
	char comm[16];

	snprintf(comm, sizeof(comm), "pvm-blk%u", blk->index);
	pthread_setname_np(pthread_self(), comm);
	/* The ring is enabled (io_uring_register) before the filter forbids it. */
	if (blk__attach(blk) || sandbox__enter(SANDBOX_IO)) {
		vm__request_exit(blk->vm, VM_EXIT_FAULT);
		return NULL;
	}
	while (blk__turn(blk, -1))
		;
	/* Module exit: wait for what is still in flight before the rings go. */
	while (blkio__inflight(blk->io))
		blkio__run(blk->io, -1, 100);
	return NULL;
}

int virtio_blk__poll(struct vm *vm, unsigned int i, int timeout_ms)
{
	struct virtio_blk *blk = blk_of(vm, i);

	if (!blk || blk->thread_live)
		return -ENODEV;
	if (blk__attach(blk))
		return -EIO;
	blk__turn(blk, timeout_ms);
	/* And what completed in that wait: pushed now, not at the next call. */
	blk__turn(blk, 0);
	return 0;
}

int virtio_blk__stats(struct vm *vm, unsigned int i, struct virtio_blk_stats *st)
{
	struct virtio_blk *blk = blk_of(vm, i);
	struct blkio_stats es;

	if (!blk)
		return -ENODEV;
	/* Counters only: a torn read across fields is fine for statistics. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*st = blk->st;
	blkio__stats(blk->io, &es);
	st->fdatasyncs = es.fdatasyncs;
	st->uring = blkio__uring(blk->io);
	return 0;
}

/* ---- set-up ---- */

static void blk__free(struct virtio_blk *blk)
{
	virtio__exit(&blk->vdev);
	blkio__close(blk->io);
	if (blk->kick_fd >= 0)
		close(blk->kick_fd);
	pthread_mutex_destroy(&blk->mu);
	pthread_cond_destroy(&blk->cond);
	free(blk->reqs);
	free(blk);
}

static int blk__new(struct vm *vm, unsigned int i, struct virtio_blk **out)
{
	struct vm_disk *d = &vm->cfg.disks[i];
	struct virtio_blk *blk;
	unsigned int r;

	blk = calloc(1, sizeof(*blk));
	if (!blk)
		return -ENOMEM;
	*out = blk;
	blk->kick_fd = -1;
	pthread_mutex_init(&blk->mu, NULL);
	pthread_cond_init(&blk->cond, NULL);
	blk->vm = vm;
	blk->index = i;
	snprintf(blk->name, sizeof(blk->name), "disk%u", i);
	/* Ours from here on: freed with the device. */
	blk->io = d->io;
	d->io = NULL;
	blk->ro = blkio__ro(blk->io);
	blk->blk_size = blkio__block_size(blk->io);
	/* A tail shorter than a block is not offered (the guest could not address it). */
	blk->capacity = blkio__size(blk->io) / blk->blk_size * (blk->blk_size / 512);
	memcpy(blk->serial, d->serial, strnlen(d->serial, sizeof(blk->serial)));
	blk__fill_config(blk);
	blk->kick_fd = eventfd(0, EFD_CLOEXEC);	/* blocking: see the engine's kick read */
	blk->reqs = calloc(BLK_QUEUE_SIZE, sizeof(*blk->reqs));
	if (blk->kick_fd < 0 || !blk->reqs)
		return blk->kick_fd < 0 ? -errno : -ENOMEM;
	for (r = 0; r < BLK_QUEUE_SIZE; r++) {
		blk->reqs[r].next = blk->free;
		blk->free = &blk->reqs[r];
	}
	blk->done_tail = &blk->done;
	blk->vdev = (struct virtio_dev){
		.name = "blk",
		.type = VIRTIO_ID_BLOCK,
		.ops = &blk_ops,
		.nr_queues = 1,
		.queue_max = BLK_QUEUE_SIZE,
		.config_size = VIRTIO_BLK_CFG_SIZE,
		.priv = blk,
	};
	pr_info("%s: %s, %llu sectors, %u-byte blocks%s%s", blk->name, blkio__path(blk->io),
		(unsigned long long)blk->capacity, blk->blk_size, blk->ro ? ", read-only" : "",
		blkio__uring(blk->io) ? ", io_uring" : ", thread fallback");
	return virtio__init(vm, &blk->vdev);
}

/* What an I/O thread may do beyond every thread's basics (docs/security.md). */
static int allow_io_calls(void)
{
	static const char *const calls[] = {
		"io_uring_enter", "preadv", "pwritev", "fdatasync", "fallocate",
	};
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		ret = sandbox__allow_syscall(SANDBOX_IO, calls[i]);
		if (ret)
			return ret;
	}
	return 0;
}

static int virtio_blk__init(struct vm *vm)
{
	struct blk_set *set;
	unsigned int i;
	int ret;

	if (!vm->cfg.nr_disks)
		return 0;
	set = calloc(1, sizeof(*set));
	if (!set)
		return -ENOMEM;
	/* Set first: a failed init is undone by our exit. */
	vm__set_priv(vm, &virtio_blk_module, set);
	ret = allow_io_calls();
	for (i = 0; !ret && i < vm->cfg.nr_disks && i < PVM_MAX_DISKS; i++) {
		if (!vm->cfg.disks[i].io)
			return -EBADF;
		ret = blk__new(vm, i, &set->disk[set->nr]);
		if (set->disk[set->nr])
			set->nr++;
	}
	return ret;
}

static int virtio_blk__start(struct vm *vm)
{
	struct blk_set *set = vm__priv(vm, &virtio_blk_module);
	unsigned int i;
	int ret;

	for (i = 0; set && i < set->nr; i++) {
		struct virtio_blk *blk = set->disk[i];

		ret = virtio__start(&blk->vdev);
		if (ret)
			return ret;
		/*
		 * The queue's ioeventfd is the I/O thread's kick_fd: a guest
		 * notification wakes the thread straight from KVM, without a
		 * hop through the main loop (one thread wake-up per request
		 * less, which is what queue-depth-1 latency is made of).
		 */
		pthread_mutex_lock(&blk->vdev.lock);
		virtio__queue_redirect(&blk->vdev, 0, blk->kick_fd);
		blk->direct = blk->vdev.queues[0].efd >= 0;
		pthread_mutex_unlock(&blk->vdev.lock);
		ret = -pthread_create(&blk->thread, NULL, blk__thread, blk);
		if (ret) {
			pr_err("%s: cannot start its I/O thread: %s", blk->name, strerror(-ret));
			return ret;
		}
		blk->thread_live = true;
	}
	return 0;
}

static void virtio_blk__exit(struct vm *vm)
{
	struct blk_set *set = vm__priv(vm, &virtio_blk_module);
	unsigned int i;

	if (!set)
		return;
	for (i = 0; i < set->nr; i++) {
		struct virtio_blk *blk = set->disk[i];

		if (blk->thread_live) {
			__atomic_store_n(&blk->stopping, true, __ATOMIC_SEQ_CST);
			kick(blk);
			pthread_join(blk->thread, NULL);
		}
		blk__free(blk);
	}
	/* Disks a failed init never reached. */
	for (i = 0; i < PVM_MAX_DISKS; i++) {
		blkio__close(vm->cfg.disks[i].io);
		vm->cfg.disks[i].io = NULL;
	}
	free(set);
	vm__set_priv(vm, &virtio_blk_module, NULL);
}

/* Control "stats": the transport's counters, then the disk's own (docs/control-protocol.md). */
static int virtio_blk__stats_hook(struct vm *vm, struct json_object *devices)
{
	struct virtio_blk_stats st;
	struct json_object *o;
	unsigned int i;
	int ret;

	for (i = 0; virtio_blk__stats(vm, i, &st) == 0; i++) {
		ret = virtio__stats_json(&blk_of(vm, i)->vdev, "virtio-blk", devices);
		if (ret)
			return ret;
		o = json_object_array_get_idx(devices, json_object_array_length(devices) - 1);
#define PUT(k, v) json_object_object_add(o, k, json_object_new_int64((s64)(v)))
		PUT("requests", st.requests);
		PUT("bytes", st.bytes_read + st.bytes_written);
		PUT("errors", st.errors);
		PUT("reads", st.reads);
		PUT("writes", st.writes);
		PUT("flushes", st.flushes);
		PUT("discards", st.discards);
		PUT("write_zeroes", st.write_zeroes);
		PUT("bytes_read", st.bytes_read);
		PUT("bytes_written", st.bytes_written);
		PUT("fdatasyncs", st.fdatasyncs);
#undef PUT
		json_object_object_add(o, "io_uring", json_object_new_boolean(st.uring));
	}
	return 0;
}

const struct module virtio_blk_module = {
	.name = "virtio-blk",
	.init = virtio_blk__init,
	.start = virtio_blk__start,
	.exit = virtio_blk__exit,
	.stats = virtio_blk__stats_hook,
};
