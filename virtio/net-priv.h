/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_VIRTIO_NET_PRIV_H
#define PVM_VIRTIO_NET_PRIV_H

/*
 * Shared by virtio-net's parts: virtio/net.c (device, module), virtio/net-io.c
 * (the packet loop in pvm) and virtio/net-vhost.c (the kernel's vhost-net).
 */
#include <pthread.h>

#include "pvm/vm.h"
#include "virtio/net.h"
#include "virtio/virtio.h"

#define NET_QUEUE_SIZE 256
#define NET_RX_Q 0
#define NET_TX_Q 1
#define NET_TX_MAX_SEGS 64	/* a transmit chain (Linux uses at most MAX_SKB_FRAGS + 2) */
#define NET_RX_MAX_SEGS 256	/* the buffers of the chains one received packet fills */
#define NET_RX_MAX_CHAINS 64	/* chains one received packet may span */
#define NET_BUDGET 128		/* packets per queue and turn before the other one's turn */

/* The receive chains one packet is about to fill. */
struct net_rx_plan {
	unsigned int nr;
	struct virtq_chain c[NET_RX_MAX_CHAINS];
};

struct virtio_net {
	struct virtio_dev vdev;
	struct vm *vm;
	unsigned int index;
	char name[16];		/* net0, ... */
	char tapif[16];
	int tap_fd;
	unsigned int tap_offloads;	/* TUN_F_* the tap can do (probed) */
	u8 config[VIRTIO_NET_CFG_SIZE];	/* MAC, status: under vdev.lock */
	int wake_fd;		/* queue_notify / exit -> the I/O thread (eventfd) */

	/* The I/O thread's own (or virtio_net__poll()'s caller). */
	pthread_t thread;
	bool thread_live, stopping;
	u8 *rx_buf;		/* one packet read from the tap, header first */
	u32 rx_len;		/* its length; 0: none waiting */
	bool link_down;		/* the tap went away (under vdev.lock) */
	int offloads_set;	/* TUN_F_* last given to the tap; -1 unknown */
	struct virtq_seg seg[NET_RX_MAX_SEGS];
	struct net_rx_plan plan;

	/* vhost-net (net-vhost.c): -1 without */
	int vhost_fd;
	bool vhost_live;	/* the backend runs the queues */
	u64 vhost_features;
	int kick_fd[2];		/* per queue: KVM's ioeventfd -> vhost-net */
	int call_fd[2];		/* per queue: vhost's interrupt eventfd when no irqfd */

	struct virtio_net_stats st;	/* updated with atomics */
};

#define net__count(net, field, n) virtio__stat_add(&(net)->st.field, (n))

/* The module's state: vm__priv(vm, &virtio_net_module). */
struct net_set {
	unsigned int nr;
	struct virtio_net *nic[PVM_MAX_NICS];
};

extern const struct module virtio_net_module;

/* net-io.c: one turn of the packet loop; false when the thread should end. */
bool net__turn(struct virtio_net *net, int timeout_ms);

/* net-vhost.c: hand the queues to vhost-net (at DRIVER_OK), take them back (reset). */
int net_vhost__init(struct virtio_net *net);
void net_vhost__start(struct virtio_net *net);
void net_vhost__stop(struct virtio_net *net);
void net_vhost__exit(struct virtio_net *net);
/* The tap's counters in place of pvm's (vhost-net moves the packets). */
void net_vhost__stats(struct virtio_net *net, struct virtio_net_stats *st);

#endif
