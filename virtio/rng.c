// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-rng (virtio 1.x §5.4, device type 4): one queue of device-writable
 * buffers, filled from the host's getrandom(). The guest's virtio_rng feeds
 * /dev/hwrng from it. Only with --rng.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

#include "pvm/log.h"
#include "pvm/module.h"
#include "pvm/vm.h"
#include "virtio/virtio.h"

#define RNG_QUEUE_SIZE 256
#define RNG_MAX_SEGS 16
/* Per request: enough for any sane driver, and a bound on a hostile one's cost. */
#define RNG_MAX_BYTES SZ_64K

const struct module virtio_rng_module;

struct virtio_rng {
	struct virtio_dev vdev;
};

/* Fill c's writable buffers; returns the bytes written (a short fill is fine). */
static u32 rng__fill(const struct virtq_chain *c)
{
	u64 done = 0;
	unsigned int i;

	for (i = c->nr_out; i < c->nr && done < RNG_MAX_BYTES; i++) {
		size_t want = MIN((u64)c->seg[i].len, RNG_MAX_BYTES - done);
		ssize_t n;

		/* Never block the vCPU or the main loop on an unready pool. */
		do
			n = getrandom(c->seg[i].ptr, want, GRND_NONBLOCK);
		while (n < 0 && errno == EINTR);
		if (n <= 0)
			break;
		done += n;
		if ((size_t)n < want)
			break;
	}
	return done;
}

static void rng__notify(struct virtio_dev *vdev, unsigned int q)
{
	struct virtq *vq = virtio__queue(vdev, q);
	struct virtq_seg seg[RNG_MAX_SEGS];
	struct virtq_chain c;
	unsigned int budget, pushed = 0;
	u32 n;
	int ret;

	if (!vq)
		return;
	/* At most a ring's worth per kick: later entries come with their own kick. */
	for (budget = vq->size; budget; budget--) {
		ret = virtq__pop(vq, &c, seg, ARRAY_SIZE(seg));
		if (!ret)
			break;
		if (ret == -EPROTO) {
			virtio__queue_broken(vdev, q);
			return;
		}
		/* A bad chain is a failed request: handed back with nothing written. */
		n = ret < 0 ? 0 : rng__fill(&c);
		if (ret < 0)
			virtio__stat_add(&vdev->stats.errors, 1);
		if (virtq__push(vq, c.head, n)) {
			virtio__queue_broken(vdev, q);
			return;
		}
		virtio__stat_add(&vdev->stats.requests, 1);
		virtio__stat_add(&vdev->stats.bytes, n);
		pushed++;
	}
	if (pushed)
		virtio__queue_done(vdev, q);
}

static const struct virtio_ops rng_ops = {
	.queue_notify = rng__notify,
};

static int virtio_rng__init(struct vm *vm)
{
	struct virtio_rng *rng;

	if (!vm->cfg.virtio_rng)
		return 0;
	rng = calloc(1, sizeof(*rng));
	if (!rng)
		return -ENOMEM;
	rng->vdev = (struct virtio_dev){
		.name = "rng",
		.type = VIRTIO_ID_RNG,
		.ops = &rng_ops,
		.nr_queues = 1,
		.queue_max = RNG_QUEUE_SIZE,
		.priv = rng,
	};
	/* Set first: a failed init is undone by our exit. */
	vm__set_priv(vm, &virtio_rng_module, rng);
	return virtio__init(vm, &rng->vdev);
}

static int virtio_rng__start(struct vm *vm)
{
	struct virtio_rng *rng = vm__priv(vm, &virtio_rng_module);

	return rng ? virtio__start(&rng->vdev) : 0;
}

static int virtio_rng__stats(struct vm *vm, struct json_object *devices)
{
	struct virtio_rng *rng = vm__priv(vm, &virtio_rng_module);

	return rng ? virtio__stats_json(&rng->vdev, "virtio-rng", devices) : 0;
}

static void virtio_rng__exit(struct vm *vm)
{
	struct virtio_rng *rng = vm__priv(vm, &virtio_rng_module);

	if (!rng)
		return;
	virtio__exit(&rng->vdev);
	free(rng);
	vm__set_priv(vm, &virtio_rng_module, NULL);
}

const struct module virtio_rng_module = {
	.name = "virtio-rng",
	.init = virtio_rng__init,
	.start = virtio_rng__start,
	.exit = virtio_rng__exit,
	.stats = virtio_rng__stats,
};
