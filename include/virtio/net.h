/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_VIRTIO_NET_H
#define PVM_VIRTIO_NET_H

/*
 * virtio-net (virtio/net.c, virtio/net-io.c, virtio/net-vhost.c): one PCI
 * function per --network on a host tap device (virtio/tap.c). Queue 0
 * receives, queue 1 transmits; no control queue, one queue pair.
 */
#include "pvm/types.h"

struct vm;

/* Feature bits (virtio 1.x §5.1.3). */
#define VIRTIO_NET_F_CSUM 0
#define VIRTIO_NET_F_GUEST_CSUM 1
#define VIRTIO_NET_F_MTU 3
#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_GUEST_TSO4 7
#define VIRTIO_NET_F_GUEST_TSO6 8
#define VIRTIO_NET_F_GUEST_ECN 9
#define VIRTIO_NET_F_HOST_TSO4 11
#define VIRTIO_NET_F_HOST_TSO6 12
#define VIRTIO_NET_F_HOST_ECN 13
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_STATUS 16

/* struct virtio_net_config (§5.1.4). */
#define VIRTIO_NET_CFG_MAC 0
#define VIRTIO_NET_CFG_STATUS 6
#define VIRTIO_NET_CFG_MAX_PAIRS 8
#define VIRTIO_NET_CFG_MTU 10
#define VIRTIO_NET_CFG_SIZE 12
#define VIRTIO_NET_S_LINK_UP 1

/* struct virtio_net_hdr_v1 (§5.1.6): every packet, both ways, starts with it. */
struct virtio_net_hdr_v1 {
	u8 flags;
	u8 gso_type;
	u16 hdr_len;
	u16 gso_size;
	u16 csum_start;
	u16 csum_offset;
	u16 num_buffers;	/* receive with MRG_RXBUF: chains this packet spans */
} __attribute__((packed));

#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1
#define VIRTIO_NET_HDR_F_DATA_VALID 2
#define VIRTIO_NET_HDR_GSO_NONE 0
#define VIRTIO_NET_HDR_GSO_TCPV4 1
#define VIRTIO_NET_HDR_GSO_UDP 3
#define VIRTIO_NET_HDR_GSO_TCPV6 4
#define VIRTIO_NET_HDR_GSO_ECN 0x80

#define NET_HDR_LEN ((u32)sizeof(struct virtio_net_hdr_v1))	/* 12 */
#define NET_ETH_HLEN 14
/* The largest packet either way: a 64 KiB GSO frame with its Ethernet header. */
#define NET_MAX_FRAME (65535 + NET_ETH_HLEN + 4)
#define NET_MTU 1500

/* Per-NIC counters, for pvm stat. */
struct virtio_net_stats {
	u64 rx_packets, rx_bytes;	/* tap -> guest */
	u64 tx_packets, tx_bytes;	/* guest -> tap */
	u64 rx_drops;	/* packets from the tap that no guest buffer could take */
	u64 tx_drops;	/* guest packets not sent (malformed, tap down or full) */
	u64 errors;	/* chains the queue refused */
	bool link_up;
	bool vhost;	/* the kernel's vhost-net moves the packets */
};

/* NIC i's counters; -ENODEV when there is no such NIC. */
int virtio_net__stats(struct vm *vm, unsigned int i, struct virtio_net_stats *st);

/*
 * For tests and fuzzing, on a VM whose modules were not started (no I/O
 * threads): one turn of NIC i's packet loop on the calling thread: transmit
 * what the guest posted, receive what the tap holds (waiting up to
 * timeout_ms for either). -ENODEV: no such NIC (or it runs on vhost).
 */
int virtio_net__poll(struct vm *vm, unsigned int i, int timeout_ms);

#endif
