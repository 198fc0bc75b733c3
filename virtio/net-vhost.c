// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net on the kernel's vhost-net (--network ...,vhost): pvm keeps the
 * PCI function, the config space and the feature negotiation; when the
 * driver sets DRIVER_OK it hands both rings to vhost-net, which then moves
 * the packets between them and the tap in the kernel:
 *
 *   memory table  every guest RAM region, guest physical -> pvm's address
 *                 (again whenever memory is hot-added or removed)
 *   vring         size, first avail index, the rings' addresses in pvm
 *   kick          an eventfd of its own that KVM's ioeventfd for the queue
 *                 signals instead of pvm's
 *   call          the irqfd of the queue's MSI-X vector, so KVM interrupts
 *                 the guest directly; without one (INTx, no irqfd) an
 *                 eventfd pvm's main loop turns into the interrupt
 *   backend       the tap
 *
 * A reset (or reboot) takes the rings back before the transport forgets
 * them. vhost-net checks every descriptor itself; a guest that breaks its
 * rings stops its own NIC, not pvm.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vhost.h>

#include "pvm/event.h"
#include "pvm/log.h"
#include "pvm/sandbox.h"
#include "net-priv.h"

/* The ioctls a vCPU (status writes), or the main thread (hotplug), makes. */
static const unsigned long vhost_ioctls[] = {
	VHOST_SET_FEATURES, VHOST_SET_MEM_TABLE, VHOST_SET_VRING_NUM, VHOST_SET_VRING_BASE,
	VHOST_GET_VRING_BASE, VHOST_SET_VRING_ADDR, VHOST_SET_VRING_KICK, VHOST_SET_VRING_CALL,
	VHOST_NET_SET_BACKEND,
};

static int vhost_ioctl(struct virtio_net *net, unsigned long req, void *arg, const char *what)
{
	if (!ioctl(net->vhost_fd, req, arg))
		return 0;
	pr_warn("%s: vhost-net refused %s: %s", net->name, what, strerror(errno));
	return -errno;
}

/* Every RAM region as it is now. */
static int set_mem_table(struct virtio_net *net)
{
	const struct guest_mem *gm = &net->vm->mem;
	struct vhost_memory *m;
	unsigned int i, nr = 0;
	int ret;

	m = calloc(1, sizeof(*m) + GMEM_MAX_REGIONS * sizeof(m->regions[0]));
	if (!m)
		return -ENOMEM;
	for (i = 0; i < GMEM_MAX_REGIONS; i++) {
		struct gmem_region r;

		if (gmem__region(gm, i, &r))
			break;
		if (!r.size)
			continue;
		m->regions[nr++] = (struct vhost_memory_region){
			.guest_phys_addr = r.gpa,
			.memory_size = r.size,
			.userspace_addr = (u64)(uintptr_t)r.hva,
		};
	}
	m->nregions = nr;
	ret = vhost_ioctl(net, VHOST_SET_MEM_TABLE, m, "the memory table");
	free(m);
	return ret;
}

static void mem_changed(void *opaque)
{
	struct virtio_net *net = opaque;

	virtio__lock(&net->vdev);
	if (net->vhost_live)
		set_mem_table(net);
	virtio__unlock(&net->vdev);
}

/* Main loop: vhost-net's interrupt for a queue without an irqfd. */
static void call_fired(struct vm *vm __unused, int fd, u32 events __unused, void *data)
{
	struct virtio_net *net = data;
	unsigned int q = fd == net->call_fd[NET_RX_Q] ? NET_RX_Q : NET_TX_Q;
	u64 cnt;

	if (read(fd, &cnt, sizeof(cnt)) != sizeof(cnt))
		return;
	virtio__lock(&net->vdev);
	/* vhost-net already applied the ring's suppression rules. */
	virtio__queue_interrupt(&net->vdev, q);
	virtio__unlock(&net->vdev);
}

int net_vhost__init(struct virtio_net *net)
{
	unsigned int i;
	int ret, q;

	if (ioctl(net->vhost_fd, VHOST_SET_OWNER, NULL) ||
	    ioctl(net->vhost_fd, VHOST_GET_FEATURES, &net->vhost_features)) {
		ret = -errno;
		pr_err("%s: vhost-net: cannot take it over: %s", net->name, strerror(-ret));
		return ret;
	}
	/* The tap, not vhost, puts the virtio header on each packet. */
	net->vhost_features &= ~(1ULL << VHOST_NET_F_VIRTIO_NET_HDR);
	if (!(net->vhost_features & (1ULL << VIRTIO_F_VERSION_1))) {
		pr_err("%s: this host's vhost-net has no VIRTIO_F_VERSION_1", net->name);
		return -EOPNOTSUPP;
	}
	for (q = 0; q < 2; q++) {
		net->kick_fd[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		net->call_fd[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (net->call_fd[q] < 0 || net->kick_fd[q] < 0)
			return -errno;
		ret = event__add(net->vm, net->call_fd[q], EPOLLIN, call_fired, net);
		if (ret)
			return ret;
	}
	for (i = 0; i < ARRAY_SIZE(vhost_ioctls); i++) {
		ret = sandbox__allow_ioctl(SANDBOX_VCPU, vhost_ioctls[i]);
		if (ret)
			return ret;
	}
	return gmem__on_change(&net->vm->mem, mem_changed, net);
}

/* Under vdev.lock: one ring to vhost-net. */
static int start_queue(struct virtio_net *net, unsigned int q)
{
	struct virtio_queue *vq = &net->vdev.queues[q];
	struct vhost_vring_state num = { .index = q, .num = vq->vq.size };
	struct vhost_vring_state base = { .index = q, .num = vq->vq.last_avail };
	struct vhost_vring_addr addr = { .index = q };
	struct vhost_vring_file kick = { .index = q, .fd = net->kick_fd[q] };
	struct vhost_vring_file call = { .index = q };
	struct vhost_vring_file backend = { .index = q, .fd = net->tap_fd };
	void *desc, *avail, *used;
	int ret;

	if (!virtio__queue(&net->vdev, q))
		return -EINVAL;
	desc = gmem__ptr(&net->vm->mem, vq->desc, 16ULL * vq->vq.size);
	avail = gmem__ptr(&net->vm->mem, vq->driver, 6 + 2ULL * vq->vq.size);
	used = gmem__ptr(&net->vm->mem, vq->device, 6 + 8ULL * vq->vq.size);
	if (!desc || !avail || !used)
		return -EFAULT;
	addr.desc_user_addr = (u64)(uintptr_t)desc;
	addr.avail_user_addr = (u64)(uintptr_t)avail;
	addr.used_user_addr = (u64)(uintptr_t)used;
	call.fd = virtio__vector_irqfd(&net->vdev, vq->msix_vector);
	if (call.fd < 0)
		call.fd = net->call_fd[q];
	ret = vhost_ioctl(net, VHOST_SET_VRING_NUM, &num, "the ring size");
	if (!ret)
		ret = vhost_ioctl(net, VHOST_SET_VRING_BASE, &base, "the ring's first index");
	if (!ret)
		ret = vhost_ioctl(net, VHOST_SET_VRING_ADDR, &addr, "the ring addresses");
	if (!ret)
		ret = vhost_ioctl(net, VHOST_SET_VRING_KICK, &kick, "the kick eventfd");
	if (!ret)
		ret = vhost_ioctl(net, VHOST_SET_VRING_CALL, &call, "the call eventfd");
	if (!ret)
		ret = vhost_ioctl(net, VHOST_NET_SET_BACKEND, &backend, "the tap");
	/* From now on the guest's kicks reach vhost-net without pvm. */
	if (!ret && virtio__queue_redirect(&net->vdev, q, net->kick_fd[q])) {
		pr_warn("%s: no ioeventfd for queue %u: vhost-net cannot be kicked", net->name, q);
		ret = -ENODEV;
	}
	return ret;
}

void net_vhost__start(struct virtio_net *net)
{
	u64 features = net->vdev.acked & net->vhost_features;
	unsigned int q;
	int ret;

	ret = vhost_ioctl(net, VHOST_SET_FEATURES, &features, "the features");
	if (!ret)
		ret = set_mem_table(net);
	net->vhost_live = true;
	for (q = 0; !ret && q < 2; q++)
		ret = start_queue(net, q);
	if (ret) {
		/* The guest sees a device that needs a reset, pvm goes on. */
		pr_warn("%s: vhost-net did not start (%s); the device needs a reset", net->name,
			strerror(-ret));
		net_vhost__stop(net);
		virtio__queue_broken(&net->vdev, NET_RX_Q);
	}
}

void net_vhost__stop(struct virtio_net *net)
{
	struct vhost_vring_file backend = { .fd = -1 };
	struct vhost_vring_state base;
	unsigned int q;

	if (!net->vhost_live)
		return;
	for (q = 0; q < 2; q++) {
		backend.index = q;
		ioctl(net->vhost_fd, VHOST_NET_SET_BACKEND, &backend);
		/* Stops the ring: vhost-net touches guest memory no more. */
		base = (struct vhost_vring_state){ .index = q };
		ioctl(net->vhost_fd, VHOST_GET_VRING_BASE, &base);
		virtio__queue_redirect(&net->vdev, q, -1);
	}
	net->vhost_live = false;
}

void net_vhost__stats(struct virtio_net *net, struct virtio_net_stats *st)
{
	/* The tap's counters: what it sent is what the guest received. */
	static const char *const names[] = {
		"tx_packets", "tx_bytes", "rx_packets", "rx_bytes", "tx_dropped", "rx_dropped",
	};
	u64 *dst[] = { &st->rx_packets, &st->rx_bytes, &st->tx_packets, &st->tx_bytes,
		       &st->rx_drops, &st->tx_drops };
	char path[96];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		unsigned long long v;
		FILE *f;

		snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/%s", net->tapif,
			 names[i]);
		f = fopen(path, "re");
		if (f && fscanf(f, "%llu", &v) == 1)
			*dst[i] = v;
		if (f)
			fclose(f);
	}
}

void net_vhost__exit(struct virtio_net *net)
{
	unsigned int q;

	if (net->vhost_fd >= 0) {
		gmem__on_change(&net->vm->mem, NULL, net);
		close(net->vhost_fd);
	}
	net->vhost_fd = -1;
	for (q = 0; q < 2; q++) {
		if (net->call_fd[q] >= 0) {
			event__del(net->vm, net->call_fd[q]);
			close(net->call_fd[q]);
		}
		if (net->kick_fd[q] >= 0)
			close(net->kick_fd[q]);
		net->call_fd[q] = net->kick_fd[q] = -1;
	}
}
