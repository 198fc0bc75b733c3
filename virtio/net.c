// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net (virtio 1.x §5.1, device type 1): one PCI function per
 * --network, on a host tap (virtio/tap.c) opened by pvm run. Queue 0
 * receives, queue 1 transmits; one queue pair, no control queue (the MAC
 * and the link status are in the config space).
 *
 * The packets move on the NIC's own I/O thread (virtio/net-io.c), woken
 * through wake_fd by the queues' notifications (ioeventfd on the main loop,
 * or MMIO exits) and by the tap becoming readable; never on a vCPU thread.
 * With ',vhost' the kernel's vhost-net moves them instead
 * (virtio/net-vhost.c) and there is no I/O thread.
 *
 * Offloads: the tap carries the virtio header, so checksum offload and TSO
 * pass through both ways. Offered to the guest as far as the tap accepts
 * them (the probe in tap__open()); what the tap may send the guest follows
 * the guest's choice (net__sync_offloads()).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <json-c/json.h>
#include <linux/if_tun.h>

#include "pvm/log.h"
#include "pvm/module.h"
#include "pvm/sandbox.h"
#include "pvm/vm.h"
#include "virtio/tap.h"
#include "net-priv.h"

static struct virtio_net *net_of(struct vm *vm, unsigned int i)
{
	struct net_set *set = vm__priv(vm, &virtio_net_module);

	return set && i < set->nr ? set->nic[i] : NULL;
}

static void wake(struct virtio_net *net)
{
	u64 one = 1;
	ssize_t n __unused = write(net->wake_fd, &one, sizeof(one));
}

/* ---- virtio ops (under vdev->lock) ---- */

static u64 net__features(struct virtio_dev *vdev)
{
	struct virtio_net *net = vdev->priv;
	u64 f = (1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS) |
		(1ULL << VIRTIO_NET_F_MRG_RXBUF) |
		/* The tap takes checksum-less and unsegmented frames from us. */
		(1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_HOST_TSO4) |
		(1ULL << VIRTIO_NET_F_HOST_TSO6) | (1ULL << VIRTIO_NET_F_HOST_ECN);

	/* ... and hands them to us only as far as it was able to promise. */
	if (net->tap_offloads & 0x01)
		f |= 1ULL << VIRTIO_NET_F_GUEST_CSUM;
	if ((net->tap_offloads & 0x0f) == 0x0f)
		f |= (1ULL << VIRTIO_NET_F_GUEST_TSO4) | (1ULL << VIRTIO_NET_F_GUEST_TSO6) |
		     (1ULL << VIRTIO_NET_F_GUEST_ECN);
	/*
	 * With vhost-net the same: the offloads are the tap's business, and
	 * net_vhost__init() checked that vhost-net has the ring features.
	 */
	return f;
}

static void net__config_read(struct virtio_dev *vdev, u32 off, u8 *data, u32 len)
{
	struct virtio_net *net = vdev->priv;

	memset(data, 0, len);
	if (off < sizeof(net->config))
		memcpy(data, net->config + off, MIN(len, (u32)sizeof(net->config) - off));
}

static void net__config_write(struct virtio_dev *vdev __unused, u32 off __unused,
			      const u8 *data __unused, u32 len __unused)
{
	/* §5.1.4: without VIRTIO_NET_F_CTRL_MAC_ADDR the MAC is read-only. */
}

static void net__queue_notify(struct virtio_dev *vdev, unsigned int q __unused)
{
	struct virtio_net *net = vdev->priv;

	if (!net->vhost_live)
		wake(net);
}

static void net__driver_ok(struct virtio_dev *vdev)
{
	struct virtio_net *net = vdev->priv;

	if (net->vhost_fd >= 0)
		net_vhost__start(net);
}

static void net__reset(struct virtio_dev *vdev)
{
	struct virtio_net *net = vdev->priv;

	if (net->vhost_live)
		net_vhost__stop(net);
	/* The I/O thread gives the tap the reset guest's offloads (none) again. */
	net->offloads_set = -1;
	wake(net);
}

static const struct virtio_ops net_ops = {
	.features = net__features,
	.config_read = net__config_read,
	.config_write = net__config_write,
	.queue_notify = net__queue_notify,
	.driver_ok = net__driver_ok,
	.reset = net__reset,
};

/* ---- the I/O thread ---- */

static void *net__thread(void *arg)
{
	struct virtio_net *net = arg;
	char comm[16];

	snprintf(comm, sizeof(comm), "pvm-net%u", net->index);
	pthread_setname_np(pthread_self(), comm);
	if (sandbox__enter(SANDBOX_IO)) {
		vm__request_exit(net->vm, VM_EXIT_FAULT);
		return NULL;
	}
	while (net__turn(net, -1))
		;
	return NULL;
}

int virtio_net__poll(struct vm *vm, unsigned int i, int timeout_ms)
{
	struct virtio_net *net = net_of(vm, i);

	if (!net || net->thread_live || net->vhost_fd >= 0)
		return -ENODEV;
	net__turn(net, timeout_ms);
	/* And what that wait brought: served now, not at the next call. */
	net__turn(net, 0);
	return 0;
}

int virtio_net__stats(struct vm *vm, unsigned int i, struct virtio_net_stats *st)
{
	struct virtio_net *net = net_of(vm, i);

	if (!net)
		return -ENODEV;
	/* Counters only: a torn read across fields is fine for statistics. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*st = net->st;
	st->link_up = !__atomic_load_n(&net->link_down, __ATOMIC_RELAXED);
	st->vhost = net->vhost_fd >= 0;
	return 0;
}

/* ---- set-up ---- */

/*
 * Without mac=: 52:54:00 (QEMU's prefix) and three bytes of a hash of the
 * VM's name and the NIC's index, so a VM keeps its addresses across runs.
 */
static void default_mac(const char *vm_name, unsigned int index, u8 mac[6])
{
	u32 h = 2166136261u;	/* FNV-1a */
	const char *p;

	for (p = vm_name ? vm_name : ""; *p; p++)
		h = (h ^ (u8)*p) * 16777619u;
	h = (h ^ index) * 16777619u;
	mac[0] = 0x52;
	mac[1] = 0x54;
	mac[2] = 0x00;
	mac[3] = h >> 16;
	mac[4] = h >> 8;
	mac[5] = h;
}

static void fill_config(struct virtio_net *net, const u8 mac[6])
{
	u16 v = htole16(VIRTIO_NET_S_LINK_UP);

	memcpy(net->config + VIRTIO_NET_CFG_MAC, mac, 6);
	memcpy(net->config + VIRTIO_NET_CFG_STATUS, &v, 2);
	v = htole16(1);
	memcpy(net->config + VIRTIO_NET_CFG_MAX_PAIRS, &v, 2);
	v = htole16(NET_MTU);
	memcpy(net->config + VIRTIO_NET_CFG_MTU, &v, 2);
}

static void net__free(struct virtio_net *net)
{
	/* vhost-net lets go of guest memory before the device goes. */
	if (net->vhost_live) {
		virtio__lock(&net->vdev);
		net_vhost__stop(net);
		virtio__unlock(&net->vdev);
	}
	virtio__exit(&net->vdev);
	net_vhost__exit(net);
	if (net->tap_fd >= 0)
		close(net->tap_fd);
	if (net->wake_fd >= 0)
		close(net->wake_fd);
	free(net->rx_buf);
	free(net);
}

static int net__new(struct vm *vm, unsigned int i, struct virtio_net **out)
{
	struct vm_nic *n = &vm->cfg.nics[i];
	struct virtio_net *net;
	u8 mac[6];
	int ret;

	net = calloc(1, sizeof(*net));
	if (!net)
		return -ENOMEM;
	*out = net;
	net->vm = vm;
	net->index = i;
	net->offloads_set = -1;
	net->call_fd[0] = net->call_fd[1] = -1;
	net->kick_fd[0] = net->kick_fd[1] = -1;
	snprintf(net->name, sizeof(net->name), "net%u", i);
	memcpy(net->tapif, n->tapif, sizeof(net->tapif));
	/* Ours from here on: closed with the device. */
	net->tap_fd = n->fd;
	net->vhost_fd = n->vhost_fd;
	net->tap_offloads = n->offloads;
	n->fd = n->vhost_fd = -1;
	if (n->mac_given)
		memcpy(mac, n->mac, 6);
	else
		default_mac(vm->cfg.name, i, mac);
	fill_config(net, mac);
	net->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	net->rx_buf = malloc(NET_HDR_LEN + NET_MAX_FRAME);
	if (net->wake_fd < 0 || !net->rx_buf)
		return net->wake_fd < 0 ? -errno : -ENOMEM;
	if (net->vhost_fd >= 0) {
		ret = net_vhost__init(net);
		if (ret)
			return ret;
	}
	net->vdev = (struct virtio_dev){
		.name = "net",
		.type = VIRTIO_ID_NET,
		.ops = &net_ops,
		.nr_queues = 2,
		.queue_max = NET_QUEUE_SIZE,
		.config_size = VIRTIO_NET_CFG_SIZE,
		.priv = net,
	};
	pr_info("%s: tap %s, mac %02x:%02x:%02x:%02x:%02x:%02x%s", net->name, net->tapif, mac[0],
		mac[1], mac[2], mac[3], mac[4], mac[5], net->vhost_fd >= 0 ? ", vhost-net" : "");
	return virtio__init(vm, &net->vdev);
}

static int virtio_net__init(struct vm *vm)
{
	struct net_set *set;
	unsigned int i;
	int ret = 0;

	if (!vm->cfg.nr_nics)
		return 0;
	set = calloc(1, sizeof(*set));
	if (!set)
		return -ENOMEM;
	/* Set first: a failed init is undone by our exit. */
	vm__set_priv(vm, &virtio_net_module, set);
	/* The I/O thread gives the tap the offloads the guest chose. */
	ret = sandbox__allow_ioctl(SANDBOX_IO, TUNSETOFFLOAD);
	for (i = 0; !ret && i < vm->cfg.nr_nics && i < PVM_MAX_NICS; i++) {
		if (vm->cfg.nics[i].fd < 0)
			return -EBADF;
		ret = net__new(vm, i, &set->nic[set->nr]);
		if (set->nic[set->nr])
			set->nr++;
	}
	return ret;
}

static int virtio_net__start(struct vm *vm)
{
	struct net_set *set = vm__priv(vm, &virtio_net_module);
	unsigned int i;
	int ret;

	for (i = 0; set && i < set->nr; i++) {
		struct virtio_net *net = set->nic[i];

		ret = virtio__start(&net->vdev);
		if (ret)
			return ret;
		if (net->vhost_fd >= 0)
			continue;
		ret = -pthread_create(&net->thread, NULL, net__thread, net);
		if (ret) {
			pr_err("%s: cannot start its I/O thread: %s", net->name, strerror(-ret));
			return ret;
		}
		net->thread_live = true;
	}
	return 0;
}

static void virtio_net__exit(struct vm *vm)
{
	struct net_set *set = vm__priv(vm, &virtio_net_module);
	unsigned int i;

	if (!set)
		return;
	for (i = 0; i < set->nr; i++) {
		struct virtio_net *net = set->nic[i];

		if (net->thread_live) {
			__atomic_store_n(&net->stopping, true, __ATOMIC_SEQ_CST);
			wake(net);
			pthread_join(net->thread, NULL);
		}
		net__free(net);
	}
	/* Taps a failed init never reached. */
	for (i = 0; i < vm->cfg.nr_nics && i < PVM_MAX_NICS; i++) {
		struct vm_nic *n = &vm->cfg.nics[i];

		if (n->fd >= 0)
			close(n->fd);
		if (n->vhost_fd >= 0)
			close(n->vhost_fd);
		n->fd = n->vhost_fd = -1;
	}
	free(set);
	vm__set_priv(vm, &virtio_net_module, NULL);
}

/* Control "stats": the transport's counters, then the NIC's own (docs/control-protocol.md). */
static int virtio_net__stats_hook(struct vm *vm, struct json_object *devices)
{
	struct virtio_net_stats st;
	struct virtio_net *net;
	struct json_object *o;
	unsigned int i;
	int ret;

	for (i = 0; virtio_net__stats(vm, i, &st) == 0; i++) {
		net = net_of(vm, i);
		if (st.vhost)
			net_vhost__stats(net, &st);
		ret = virtio__stats_json(&net->vdev, "virtio-net", devices);
		if (ret)
			return ret;
		o = json_object_array_get_idx(devices, json_object_array_length(devices) - 1);
#define PUT(k, v) json_object_object_add(o, k, json_object_new_int64((s64)(v)))
		PUT("requests", st.rx_packets + st.tx_packets);
		PUT("bytes", st.rx_bytes + st.tx_bytes);
		PUT("errors", st.errors);
		PUT("rx_packets", st.rx_packets);
		PUT("rx_bytes", st.rx_bytes);
		PUT("tx_packets", st.tx_packets);
		PUT("tx_bytes", st.tx_bytes);
		PUT("rx_drops", st.rx_drops);
		PUT("tx_drops", st.tx_drops);
#undef PUT
		/* net0, net1, ...: the NICs' node names are all "net". */
		json_object_object_add(o, "name", json_object_new_string(net->name));
		json_object_object_add(o, "tap", json_object_new_string(net->tapif));
		json_object_object_add(o, "link_up", json_object_new_boolean(st.link_up));
		json_object_object_add(o, "vhost", json_object_new_boolean(st.vhost));
	}
	return 0;
}

const struct module virtio_net_module = {
	.name = "virtio-net",
	.init = virtio_net__init,
	.start = virtio_net__start,
	.exit = virtio_net__exit,
	.stats = virtio_net__stats_hook,
};
