// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-console (virtio 1.x §5.3, device type 3) with one port and no
 * MULTIPORT: receiveq 0 takes host input, transmitq 1 carries guest
 * output. Only with --console virtio; it is then the VM's console
 * (pvm/console.h): terminal input goes here, not to the vty.
 *
 * The PAPR vty stays: /chosen/stdout-path still names it, so early boot
 * output (udbg, then hvc0) appears before the PCI bus and this driver are
 * up. Linux's virtio_console numbers its port after the vty's vterm, so
 * the guest sees it as hvc1; "console=hvc1" on the kernel command line
 * makes it /dev/console (pvm run adds that when no console= is given).
 *
 * Output follows the vty's backpressure (docs/architecture.md "Console
 * backpressure"): the transmitq has no ioeventfd, so a kick is an MMIO
 * exit and the kicking vCPU writes the output itself, after the transport
 * dropped vdev->lock (the unlocked op). A stalled console fd holds that
 * vCPU and the chains it writes, which the guest's hvc driver waits for:
 * nothing is lost while someone reads, and the exit kick ends the wait.
 * The lock is never held while writing, so the main loop (host input,
 * control) never waits for the console fd.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "pvm/console.h"
#include "pvm/log.h"
#include "pvm/module.h"
#include "pvm/vm.h"
#include "virtio/console.h"
#include "virtio/virtio.h"

#define CONS_QUEUE_SIZE 64
#define CONS_MAX_SEGS 8
/* struct virtio_console_config: cols, rows, max_nr_ports, emerg_wr (all unused). */
#define CONS_CONFIG_SIZE 12

const struct module virtio_console_module;

/* A transmitq chain taken from the ring, waiting to be written out. */
struct cons_out {
	u16 head;
	unsigned int nr;	/* readable segments (0: a bad chain, nothing to write) */
	struct virtq_seg seg[CONS_MAX_SEGS];
};

struct virtio_console {
	struct virtio_dev vdev;
	struct vm *vm;
	/* Under vdev.lock: taken transmit chains, oldest first (a ring). */
	struct cons_out out[CONS_QUEUE_SIZE];
	unsigned int out_head;
	unsigned int out_count;	/* also read without the lock (atomic) */
	u64 gen;		/* a reset drops the chains taken before it */
	/* One writer at a time, so output leaves in ring order. */
	pthread_mutex_t write_lock;
};

/* Under vdev->lock: take the transmit chains the driver made available. */
static void tx_take(struct virtio_console *con)
{
	struct virtio_dev *vdev = &con->vdev;
	struct virtq *vq = virtio__queue(vdev, VIRTIO_CONSOLE_TX);
	struct virtq_chain c;
	int ret;

	/* More than fit wait in the ring: the writer comes back for them. */
	while (vq && con->out_count < CONS_QUEUE_SIZE) {
		struct cons_out *o = &con->out[(con->out_head + con->out_count) % CONS_QUEUE_SIZE];

		ret = virtq__pop(vq, &c, o->seg, CONS_MAX_SEGS);
		if (!ret)
			break;
		if (ret == -EPROTO) {
			virtio__queue_broken(vdev, VIRTIO_CONSOLE_TX);
			return;
		}
		o->head = c.head;
		/* Device-writable buffers in an output chain carry nothing to print. */
		o->nr = ret < 0 ? 0 : c.nr_out;
		if (ret < 0)
			virtio__stat_add(&vdev->stats.errors, 1);
		__atomic_store_n(&con->out_count, con->out_count + 1, __ATOMIC_RELAXED);
	}
}

static void cons__notify(struct virtio_dev *vdev, unsigned int q)
{
	/*
	 * Receive buffers wait for host input (cons__input); the terminal
	 * offers held input again every few milliseconds.
	 */
	if (q == VIRTIO_CONSOLE_TX)
		tx_take(vdev->priv);
}

static u64 write_chain(struct virtio_console *con, const struct cons_out *o)
{
	u64 bytes = 0;
	unsigned int i;

	for (i = 0; i < o->nr; i++) {
		console__write(con->vm, o->seg[i].ptr, o->seg[i].len);
		bytes += o->seg[i].len;
	}
	return bytes;
}

/*
 * After a BAR access, on that vCPU, without vdev->lock: write what the
 * transmitq holds, then hand each chain back. Blocks while the console fd
 * does not drain, which holds this vCPU as a serial line would.
 */
static void cons__flush(struct virtio_dev *vdev)
{
	struct virtio_console *con = vdev->priv;
	struct cons_out o;
	struct virtq *vq;
	u64 gen, bytes;

	if (!__atomic_load_n(&con->out_count, __ATOMIC_RELAXED))
		return;
	pthread_mutex_lock(&con->write_lock);
	for (;;) {
		virtio__lock(vdev);
		if (!con->out_count) {
			virtio__unlock(vdev);
			break;
		}
		o = con->out[con->out_head];
		gen = con->gen;
		virtio__unlock(vdev);

		/* Past the VM's end console__write() drops output: the chain still goes back. */
		bytes = write_chain(con, &o);

		virtio__lock(vdev);
		if (gen == con->gen) {
			con->out_head = (con->out_head + 1) % CONS_QUEUE_SIZE;
			__atomic_store_n(&con->out_count, con->out_count - 1, __ATOMIC_RELAXED);
			vq = virtio__queue(vdev, VIRTIO_CONSOLE_TX);
			if (vq && virtq__push(vq, o.head, 0)) {
				virtio__queue_broken(vdev, VIRTIO_CONSOLE_TX);
			} else if (vq) {
				virtio__stat_add(&vdev->stats.requests, 1);
				virtio__stat_add(&vdev->stats.bytes, bytes);
				virtio__queue_done(vdev, VIRTIO_CONSOLE_TX);
				tx_take(con);
			}
		}
		virtio__unlock(vdev);
	}
	pthread_mutex_unlock(&con->write_lock);
}

/*
 * Host input, on the main loop: into the receive buffers the driver
 * posted. None posted (or the driver not ready): nothing taken, and the
 * terminal stops reading until the guest posts some.
 */
static size_t cons__input(void *opaque, const u8 *buf, size_t len)
{
	struct virtio_console *con = opaque;
	struct virtio_dev *vdev = &con->vdev;
	struct virtq_seg seg[CONS_MAX_SEGS];
	struct virtq_chain c;
	struct virtq *vq = NULL;
	size_t done = 0;
	bool pushed = false;
	u64 n;
	int ret;

	virtio__lock(vdev);
	/* Before DRIVER_OK the device must not use buffers (§3.1.1). */
	if ((vdev->status & VIRTIO_STATUS_DRIVER_OK) && !(vdev->status & VIRTIO_STATUS_NEEDS_RESET))
		vq = virtio__queue(vdev, VIRTIO_CONSOLE_RX);
	while (vq && done < len) {
		ret = virtq__pop(vq, &c, seg, ARRAY_SIZE(seg));
		if (!ret)
			break;
		if (ret == -EPROTO) {
			virtio__queue_broken(vdev, VIRTIO_CONSOLE_RX);
			break;
		}
		n = ret < 0 ? 0 : virtq__copy_to(&c, buf + done, len - done);
		if (ret < 0)
			virtio__stat_add(&vdev->stats.errors, 1);
		if (virtq__push(vq, c.head, n)) {
			virtio__queue_broken(vdev, VIRTIO_CONSOLE_RX);
			break;
		}
		virtio__stat_add(&vdev->stats.requests, 1);
		virtio__stat_add(&vdev->stats.bytes, n);
		done += n;
		pushed = true;
	}
	if (pushed)
		virtio__queue_done(vdev, VIRTIO_CONSOLE_RX);
	virtio__unlock(vdev);
	return done;
}

/* Under vdev->lock: taken chains belong to the old rings; forget them. */
static void cons__reset(struct virtio_dev *vdev)
{
	struct virtio_console *con = vdev->priv;

	con->gen++;
	con->out_head = 0;
	__atomic_store_n(&con->out_count, 0, __ATOMIC_RELAXED);
}

static const struct virtio_ops cons_ops = {
	.queue_notify = cons__notify,
	.reset = cons__reset,
	.unlocked = cons__flush,
};

static const struct console_ops cons_console_ops = {
	.input = cons__input,
};

static int virtio_console__init(struct vm *vm)
{
	struct virtio_console *con;

	if (!vm->cfg.virtio_console)
		return 0;
	con = calloc(1, sizeof(*con));
	if (!con)
		return -ENOMEM;
	con->vm = vm;
	pthread_mutex_init(&con->write_lock, NULL);
	con->vdev = (struct virtio_dev){
		.name = "console",
		.type = VIRTIO_ID_CONSOLE,
		.ops = &cons_ops,
		.nr_queues = 2,
		.queue_max = CONS_QUEUE_SIZE,
		.config_size = CONS_CONFIG_SIZE,
		/* Output is written by the vCPU that kicked, never on the main loop. */
		.exit_queues = 1ULL << VIRTIO_CONSOLE_TX,
		.priv = con,
	};
	/* Set first: a failed init is undone by our exit. */
	vm__set_priv(vm, &virtio_console_module, con);
	console__register(vm, &cons_console_ops, con);
	return virtio__init(vm, &con->vdev);
}

static int virtio_console__start(struct vm *vm)
{
	struct virtio_console *con = vm__priv(vm, &virtio_console_module);

	return con ? virtio__start(&con->vdev) : 0;
}

static int virtio_console__query(struct vm *vm, struct json_object *res)
{
	struct virtio_console *con = vm__priv(vm, &virtio_console_module);
	struct json_object *devs, *o;

	if (!con || !json_object_object_get_ex(res, "devices", &devs))
		return 0;
	o = json_object_new_object();
	json_object_object_add(o, "type", json_object_new_string("virtio-console"));
	json_object_object_add(o, "console", json_object_new_boolean(true));
	return json_object_array_add(devs, o);
}

static int virtio_console__stats(struct vm *vm, struct json_object *devices)
{
	struct virtio_console *con = vm__priv(vm, &virtio_console_module);

	return con ? virtio__stats_json(&con->vdev, "virtio-console", devices) : 0;
}

static void virtio_console__exit(struct vm *vm)
{
	struct virtio_console *con = vm__priv(vm, &virtio_console_module);

	if (!con)
		return;
	if (vm->console_opaque == con)
		console__register(vm, NULL, NULL);
	virtio__exit(&con->vdev);
	pthread_mutex_destroy(&con->write_lock);
	free(con);
	vm__set_priv(vm, &virtio_console_module, NULL);
}

const struct module virtio_console_module = {
	.name = "virtio-console",
	.init = virtio_console__init,
	.start = virtio_console__start,
	.exit = virtio_console__exit,
	.query = virtio_console__query,
	.stats = virtio_console__stats,
};
