// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net's packet loop in pvm (without vhost-net), on the NIC's I/O
 * thread: transmit chains go to the tap as they are (virtio header first,
 * one writev, no copy); a packet from the tap is read into one bounce
 * buffer, then copied into as many receive chains as it needs (mergeable
 * buffers) or into one.
 *
 * Bounded whatever the guest does: at most one packet waits in pvm (the
 * tap's own queue holds the rest and drops when full), at most NET_BUDGET
 * packets each way per turn so a flood on one queue cannot starve the
 * other, and every chain is parsed by the virtqueue code with a segment
 * limit. A receive queue the guest never refills stops reading from the
 * tap; a tap that goes away turns the link down for the guest.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "pvm/log.h"
#include "virtio/tap.h"
#include "net-priv.h"

static bool acked(struct virtio_net *net, unsigned int bit)
{
	return net->vdev.acked & (1ULL << bit);
}

/* Under vdev.lock: the queue, if the driver runs it. */
static struct virtq *live_queue(struct virtio_net *net, unsigned int q)
{
	u8 st = net->vdev.status;

	if (!(st & VIRTIO_STATUS_DRIVER_OK) || (st & VIRTIO_STATUS_NEEDS_RESET))
		return NULL;
	return virtio__queue(&net->vdev, q);
}

/* Under vdev.lock: the tap went away; the guest sees its link drop once. */
static void link_lost(struct virtio_net *net, int err)
{
	if (net->link_down)
		return;
	pr_warn("%s: tap %s is gone (%s); the guest's link is down", net->name, net->tapif,
		strerror(err));
	net->link_down = true;
	net->config[VIRTIO_NET_CFG_STATUS] &= ~VIRTIO_NET_S_LINK_UP;
	virtio__config_changed(&net->vdev);
}

/* Under vdev.lock: the TUN_F_* offloads the guest's features let the tap use. */
static void sync_offloads(struct virtio_net *net)
{
	unsigned int want = 0;

	if (net->vdev.status & VIRTIO_STATUS_DRIVER_OK) {
		if (acked(net, VIRTIO_NET_F_GUEST_CSUM))
			want |= 0x01;	/* TUN_F_CSUM */
		if (acked(net, VIRTIO_NET_F_GUEST_TSO4))
			want |= 0x02;	/* TUN_F_TSO4 */
		if (acked(net, VIRTIO_NET_F_GUEST_TSO6))
			want |= 0x04;	/* TUN_F_TSO6 */
		if (acked(net, VIRTIO_NET_F_GUEST_ECN))
			want |= 0x08;	/* TUN_F_TSO_ECN */
		/* Segmentation offloads need the checksum one (§5.1.3.1). */
		if (!(want & 0x01))
			want = 0;
	}
	want &= net->tap_offloads;
	/* A tap that can do none stays at none (tap__open() left it there). */
	if ((int)want == net->offloads_set || net->link_down || !net->tap_offloads)
		return;
	/* Once per change: a tap that refuses keeps what it had (it probed fine). */
	if (tap__set_offloads(net->tap_fd, want))
		pr_warn("%s: tap %s refused offloads %#x", net->name, net->tapif, want);
	net->offloads_set = want;
}

/* ---- transmit ---- */

/* A guest's header: well-formed and within what it negotiated. */
static bool tx_header_ok(struct virtio_net *net, const struct virtio_net_hdr_v1 *h)
{
	u8 gso = h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;

	if ((h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && !acked(net, VIRTIO_NET_F_CSUM))
		return false;
	switch (gso) {
	case VIRTIO_NET_HDR_GSO_NONE:
		return !(h->gso_type & VIRTIO_NET_HDR_GSO_ECN);
	case VIRTIO_NET_HDR_GSO_TCPV4:
		return acked(net, VIRTIO_NET_F_HOST_TSO4) && le16toh(h->gso_size);
	case VIRTIO_NET_HDR_GSO_TCPV6:
		return acked(net, VIRTIO_NET_F_HOST_TSO6) && le16toh(h->gso_size);
	default:
		return false;
	}
}

/* Under vdev.lock: send one chain to the tap; false: dropped. */
static bool tx_one(struct virtio_net *net, const struct virtq_chain *c)
{
	struct iovec iov[NET_TX_MAX_SEGS];
	struct virtio_net_hdr_v1 h;
	unsigned int i, n = 0;
	u64 got = 0;
	ssize_t w;

	if (c->out_len < NET_HDR_LEN + NET_ETH_HLEN || c->out_len > NET_HDR_LEN + NET_MAX_FRAME)
		return false;
	for (i = 0; i < c->nr_out; i++) {
		iov[n++] = (struct iovec){ .iov_base = c->seg[i].ptr, .iov_len = c->seg[i].len };
		if (got < NET_HDR_LEN) {
			u64 k = MIN((u64)c->seg[i].len, NET_HDR_LEN - got);

			memcpy((u8 *)&h + got, c->seg[i].ptr, k);
			got += k;
		}
	}
	if (!tx_header_ok(net, &h) || net->link_down)
		return false;
	/* The tap never blocks a writer: a full or downed interface drops. */
	do
		w = writev(net->tap_fd, iov, n);
	while (w < 0 && errno == EINTR);
	if (w < 0) {
		if (tap__gone(errno))
			link_lost(net, errno);
		return false;
	}
	net__count(net, tx_packets, 1);
	net__count(net, tx_bytes, c->out_len - NET_HDR_LEN);
	return true;
}

/* Under vdev.lock: up to NET_BUDGET chains; true if more may wait. */
static bool tx_some(struct virtio_net *net)
{
	struct virtq *vq = live_queue(net, NET_TX_Q);
	struct virtq_seg seg[NET_TX_MAX_SEGS];
	unsigned int n, pushed = 0;
	struct virtq_chain c;
	int ret;

	for (n = 0; vq && n < NET_BUDGET; n++) {
		ret = virtq__pop(vq, &c, seg, NET_TX_MAX_SEGS);
		if (!ret)
			break;
		if (ret == -EPROTO) {
			virtio__queue_broken(&net->vdev, NET_TX_Q);
			return false;
		}
		if (ret < 0)
			net__count(net, errors, 1);
		else if (!tx_one(net, &c))
			net__count(net, tx_drops, 1);
		/* The device writes nothing into a transmit chain. */
		if (virtq__push(vq, c.head, 0)) {
			virtio__queue_broken(&net->vdev, NET_TX_Q);
			return false;
		}
		pushed++;
	}
	if (pushed)
		virtio__queue_done(&net->vdev, NET_TX_Q);
	return vq && n == NET_BUDGET;
}

/* ---- receive ---- */

/* The guest may take this packet: offloads it did not negotiate are dropped. */
static bool rx_header_ok(struct virtio_net *net, const struct virtio_net_hdr_v1 *h)
{
	u8 gso = h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;

	if ((h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && !acked(net, VIRTIO_NET_F_GUEST_CSUM))
		return false;
	if ((h->gso_type & VIRTIO_NET_HDR_GSO_ECN) && !acked(net, VIRTIO_NET_F_GUEST_ECN))
		return false;
	return gso == VIRTIO_NET_HDR_GSO_NONE ||
	       (gso == VIRTIO_NET_HDR_GSO_TCPV4 && acked(net, VIRTIO_NET_F_GUEST_TSO4)) ||
	       (gso == VIRTIO_NET_HDR_GSO_TCPV6 && acked(net, VIRTIO_NET_F_GUEST_TSO6));
}

/* Under vdev.lock: hand back the chains of a packet that will not be delivered. */
static int rx_abandon(struct virtio_net *net, struct virtq *vq, struct net_rx_plan *p)
{
	unsigned int i;

	for (i = 0; i < p->nr; i++) {
		if (virtq__push(vq, p->c[i].head, 0)) {
			virtio__queue_broken(&net->vdev, NET_RX_Q);
			return -1;
		}
	}
	if (p->nr)
		virtio__queue_done(&net->vdev, NET_RX_Q);
	return -1;
}

/*
 * Under vdev.lock: take chains until the waiting packet fits (one chain
 * without mergeable buffers). 1: planned; 0: not enough buffers yet (the
 * chains taken go back to the ring, and the driver's next kick wakes us);
 * -1: the packet is dropped (it can never fit, or the guest posted a bad
 * chain among its buffers) or the ring broke.
 */
static int rx_plan(struct virtio_net *net, struct virtq *vq, struct net_rx_plan *p)
{
	bool mrg = acked(net, VIRTIO_NET_F_MRG_RXBUF);
	unsigned int used_segs = 0;
	u64 room = 0;
	int ret;

	p->nr = 0;
	while (room < net->rx_len) {
		struct virtq_chain *c = &p->c[p->nr];

		if (used_segs == NET_RX_MAX_SEGS || p->nr == NET_RX_MAX_CHAINS || (!mrg && p->nr)) {
			/* Buffers too small for this packet, by the guest's choice. */
			virtq__unpop(vq, p->nr);
			return -1;
		}
		ret = virtq__pop(vq, c, net->seg + used_segs, NET_RX_MAX_SEGS - used_segs);
		if (ret == -EPROTO) {
			virtio__queue_broken(&net->vdev, NET_RX_Q);
			return -1;
		}
		if (!ret) {
			virtq__unpop(vq, p->nr);
			return 0;
		}
		/*
		 * A chain the queue refused, a readable buffer, or a first chain
		 * too small for the header: handed back empty. Chains before it
		 * cannot go back to the ring past it: the packet is dropped and
		 * they are handed back empty too.
		 */
		if (ret < 0 || c->nr_out || (!p->nr && c->in_len < NET_HDR_LEN)) {
			net__count(net, errors, 1);
			p->nr++;
			if (p->nr > 1)
				return rx_abandon(net, vq, p);
			rx_abandon(net, vq, p);
			p->nr = 0;
			continue;
		}
		used_segs += c->nr;
		room += c->in_len;
		p->nr++;
	}
	return 1;
}

/* Under vdev.lock: give the waiting packet to the guest; false: not now. */
static bool rx_deliver(struct virtio_net *net)
{
	struct virtq *vq = live_queue(net, NET_RX_Q);
	struct virtio_net_hdr_v1 *h = (struct virtio_net_hdr_v1 *)net->rx_buf;
	struct net_rx_plan *plan = &net->plan;
	u64 off = 0, n;
	unsigned int i;
	int ret;

	if (!vq)
		return false;
	if (!rx_header_ok(net, h)) {
		net__count(net, rx_drops, 1);
		net->rx_len = 0;
		return true;
	}
	ret = rx_plan(net, vq, plan);
	if (ret < 0) {
		net__count(net, rx_drops, 1);
		net->rx_len = 0;
		return true;
	}
	if (!ret)
		return false;
	h->num_buffers = htole16(plan->nr);
	for (i = 0; i < plan->nr; i++) {
		n = virtq__copy_to(&plan->c[i], net->rx_buf + off, net->rx_len - off);
		off += n;
		if (virtq__push(vq, plan->c[i].head, n)) {
			virtio__queue_broken(&net->vdev, NET_RX_Q);
			break;
		}
	}
	net__count(net, rx_packets, 1);
	net__count(net, rx_bytes, net->rx_len - NET_HDR_LEN);
	net->rx_len = 0;
	return true;
}

/* Read one packet from the tap into rx_buf (not under vdev.lock); false: none. */
static bool rx_read(struct virtio_net *net)
{
	ssize_t r;

	do
		r = read(net->tap_fd, net->rx_buf, NET_HDR_LEN + NET_MAX_FRAME);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		if (tap__gone(errno)) {
			virtio__lock(&net->vdev);
			link_lost(net, errno);
			virtio__unlock(&net->vdev);
		}
		return false;
	}
	if (!r) {
		/* A tap never reads as end of file; anything else that does is gone. */
		virtio__lock(&net->vdev);
		link_lost(net, EPIPE);
		virtio__unlock(&net->vdev);
		return false;
	}
	if ((size_t)r < NET_HDR_LEN + NET_ETH_HLEN) {
		net__count(net, rx_drops, 1);
		return false;
	}
	net->rx_len = r;
	return true;
}

/* Up to NET_BUDGET packets from the tap to the guest; true if more may wait. */
static bool rx_some(struct virtio_net *net)
{
	unsigned int n;
	bool went;

	for (n = 0; n < NET_BUDGET; n++) {
		if (!net->rx_len && (net->link_down || !rx_read(net)))
			return false;
		virtio__lock(&net->vdev);
		went = rx_deliver(net);
		if (went)
			virtio__queue_done(&net->vdev, NET_RX_Q);
		virtio__unlock(&net->vdev);
		if (!went)
			return false;
	}
	return true;
}

bool net__turn(struct virtio_net *net, int timeout_ms)
{
	struct pollfd pfd[2];
	bool more = false, stop;
	u64 cnt;
	int n = 1;

	virtio__lock(&net->vdev);
	stop = __atomic_load_n(&net->stopping, __ATOMIC_SEQ_CST);
	if (!stop) {
		sync_offloads(net);
		more = tx_some(net);
	}
	virtio__unlock(&net->vdev);
	if (stop)
		return false;
	more |= rx_some(net);

	pfd[0] = (struct pollfd){ .fd = net->wake_fd, .events = POLLIN };
	/* Read the tap only when a packet can go somewhere (rx_some() said why not). */
	if (!net->rx_len && !net->link_down)
		pfd[n++] = (struct pollfd){ .fd = net->tap_fd, .events = POLLIN };
	if (poll(pfd, n, more ? 0 : timeout_ms) > 0 && (pfd[0].revents & POLLIN)) {
		ssize_t r __unused = read(net->wake_fd, &cnt, sizeof(cnt));
	}
	return true;
}
