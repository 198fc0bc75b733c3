// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net with hostile descriptors (pvm run ... --network
 * mode=tap,tapif=NAME; the tap's host side has 10.0.9.1/24). The payload is
 * its own driver (lib/virtio.c: no interrupts, the used rings polled) with
 * IP 10.0.9.2 and the MAC from the device config. Its liveness check is an
 * ARP exchange: it posts receive buffers, sends "who has 10.0.9.1 tell
 * 10.0.9.2" and waits for the host kernel's reply, ignoring other frames.
 * Then it feeds both queues chains a driver must never build and checks
 * pvm's documented answer for each (docs/virtio.md, virtio/net.c):
 *   - transmitq: a chain the queue refuses (loop, buffer outside RAM,
 *     absurd length, no bytes, bad next, nested or malformed indirect
 *     table, readable after writable) and a chain that is no packet
 *     (shorter than the virtio-net + Ethernet headers, longer than
 *     12 + 65553 bytes, an offload not negotiated) are handed back under their
 *     own head with used length 0;
 *   - receiveq: the same refused chains, one with no writable byte and one
 *     too small for the header are handed back with used length 0 when the
 *     next frame comes (each case starts from a reset with no other receive
 *     buffer, so the hostile chain is the next one the device takes);
 *   - rings outside RAM, an avail index too far ahead or a head outside
 *     the table break the queue: DEVICE_NEEDS_RESET, the queue serves
 *     nothing until a reset, and after the reset the device works again.
 * After every case the ARP exchange must still work.
 * -p mac=XX:XX:XX:XX:XX:XX: the MAC given to pvm, checked in the config.
 */
#include "virtio.h"

const char payload_name[] = "virtio-net";

#define VIRTIO_NET_DEVICE 0x1041

#define NF_CSUM (1UL << 0)
#define NF_GUEST_CSUM (1UL << 1)
#define NF_MTU (1UL << 3)
#define NF_MAC (1UL << 5)
#define NF_GUEST_TSO4 (1UL << 7)
#define NF_GUEST_TSO6 (1UL << 8)
#define NF_GUEST_ECN (1UL << 9)
#define NF_HOST_TSO4 (1UL << 11)
#define NF_HOST_TSO6 (1UL << 12)
#define NF_HOST_ECN (1UL << 13)
#define NF_MRG_RXBUF (1UL << 15)
#define NF_STATUS (1UL << 16)
#define NF_CTRL_VQ (1UL << 17)
#define NF_MQ (1UL << 22)
/* Always offered; the GUEST_* offloads as far as the host's tap has them. */
#define OFFERED (F_VERSION_1 | F_INDIRECT_DESC | F_EVENT_IDX | NF_MAC | NF_STATUS | \
		 NF_MRG_RXBUF | NF_CSUM | NF_HOST_TSO4 | NF_HOST_TSO6 | NF_HOST_ECN)
#define GUEST_OFFLOADS (NF_GUEST_CSUM | NF_GUEST_TSO4 | NF_GUEST_TSO6 | NF_GUEST_ECN)
#define FEATURES (F_VERSION_1 | NF_MAC | NF_STATUS | NF_MRG_RXBUF | F_INDIRECT_DESC)

#define HDR 12			/* struct virtio_net_hdr_v1 */
#define ARP_LEN 42		/* Ethernet + ARP, unpadded */
#define MAX_FRAME (65535 + 14 + 4)	/* 64 KiB + Ethernet and VLAN headers */
#define MAX_PKT (HDR + MAX_FRAME)	/* the longest chain that is a packet */
#define NRX 16
#define RXBUF 2048
#define WAIT_MS 5000
#define CHECK_MS 10000		/* the ARP exchange after a case */
#define FIRST_MS 60000		/* the first one: the host side comes up meanwhile */
#define QSZ VQ_SIZE

static struct vring rxq, txq;
static struct vdesc ind[2][8] __attribute__((aligned(16)));
static struct vdesc ind_ok[4] __attribute__((aligned(16)));
static u8 rxbuf[NRX][RXBUF] __attribute__((aligned(64)));
static u8 pkt[HDR + 64] __attribute__((aligned(16)));
static u8 junk[MAX_PKT + 64] __attribute__((aligned(4096)));
static u8 mac[6];
static const u8 my_ip[4] = { 10, 0, 9, 2 }, host_ip[4] = { 10, 0, 9, 1 };
static u64 ram_size;
static bool rx_filled;
static unsigned int stray_rx;	/* receive elements under a head we did not post */
static u16 reply_nbufs;		/* num_buffers in the last ARP reply's header */

/* ---- the device ---- */

static void rx_fill(void)
{
	u16 i;

	for (i = 0; i < NRX; i++) {
		vring_put(&rxq, i, rxbuf[i], RXBUF, D_WRITE, 0);
		vring_add(&rxq, i);
	}
	vring_publish(&rxq);
	rx_filled = true;
}

/* Fresh rings, the full init, receive buffers posted if fill; true when the device runs. */
static bool vinit(bool fill)
{
	memset(ind, 0, sizeof(ind));
	rx_filled = false;
	if (!vio_negotiate(FEATURES))
		return false;
	vring_init(&rxq, 0);
	vring_init(&txq, 1);
	vio_set_status(S_RUNNING);
	if (fill)
		rx_fill();
	return vio_status() == S_RUNNING;
}

/* ---- packets ---- */

static void build_arp(u8 *p)
{
	u8 *f = p + HDR;

	memset(p, 0, HDR + ARP_LEN);	/* header: no flags, GSO_NONE */
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x08, f[13] = 0x06;	/* ARP */
	f[15] = 1;			/* Ethernet */
	f[16] = 0x08;			/* IPv4 */
	f[18] = 6, f[19] = 4;
	f[21] = 1;			/* request */
	memcpy(f + 22, mac, 6);
	memcpy(f + 28, my_ip, 4);
	memcpy(f + 38, host_ip, 4);
}

static bool is_arp_reply(const u8 *f, u32 len)
{
	return len >= ARP_LEN && f[12] == 0x08 && f[13] == 0x06 && f[20] == 0 && f[21] == 2 &&
	       !memcmp(f + 28, host_ip, 4) && !memcmp(f + 38, my_ip, 4) && !memcmp(f, mac, 6);
}

enum shape { ONE, TWO, SPLIT, INDIRECT };
static const char *const shape_name[] = {
	"header and frame in one descriptor", "header and frame in two descriptors",
	"header split over two descriptors", "through an indirect table",
};

/* The ARP request as a chain of that shape at head 0 of the transmit queue. */
static void arp_chain(enum shape s)
{
	build_arp(pkt);
	switch (s) {
	case ONE:
		vring_put(&txq, 0, pkt, HDR + ARP_LEN, 0, 0);
		break;
	case TWO:
		vring_put(&txq, 0, pkt, HDR, D_NEXT, 1);
		vring_put(&txq, 1, pkt + HDR, ARP_LEN, 0, 0);
		break;
	case SPLIT:
		vring_put(&txq, 0, pkt, 5, D_NEXT, 1);
		vring_put(&txq, 1, pkt + 5, HDR - 5 + 10, D_NEXT, 2);
		vring_put(&txq, 2, pkt + HDR + 10, ARP_LEN - 10, 0, 0);
		break;
	case INDIRECT:
		ind_ok[0] = (struct vdesc){ (u64)pkt, HDR, D_NEXT, 1 };
		ind_ok[1] = (struct vdesc){ (u64)pkt + HDR, ARP_LEN, 0, 0 };
		vring_put(&txq, 0, ind_ok, 2 * 16, D_INDIRECT, 0);
		break;
	}
}

/* Send the ARP request; true once the device handed it back under head 0. */
static bool tx_arp(enum shape s, struct used_elem *e)
{
	arp_chain(s);
	vring_kick(&txq, 0);
	return vring_wait(&txq, WAIT_MS, e) && e->id == 0;
}

/*
 * The next received frame within ms: its first bytes copied to f, its
 * length (without the header) returned; -1 if none came. The buffers go
 * back to the ring at once.
 */
static int rx_frame(unsigned int ms, u8 *f, u32 fmax, u16 *nbufs)
{
	struct used_elem e;
	u32 len, n;
	u16 nb, i;

	if (!vring_wait(&rxq, ms, &e))
		return -1;
	if (e.id >= NRX) {
		printf("# receive element under head %u (len %u): not a buffer we posted\n", e.id,
		       e.len);
		stray_rx++;
		return -1;
	}
	len = e.len < HDR ? 0 : e.len - HDR;
	n = len < fmax ? len : fmax;
	memcpy(f, rxbuf[e.id] + HDR, n);
	memcpy(&nb, rxbuf[e.id] + 10, 2);
	if (nbufs)
		*nbufs = nb;
	vring_add(&rxq, e.id);
	/* the rest of a frame merged over several buffers */
	for (i = 1; i < nb && i < NRX && vring_wait(&rxq, 1000, &e); i++) {
		if (e.id < NRX)
			vring_add(&rxq, e.id);
		len += e.len;
	}
	vring_publish(&rxq);
	return len;
}

/* Whatever came since the last look (stale replies among it): not an answer. */
static unsigned int rx_drain(unsigned int ms)
{
	unsigned int n = 0;
	u8 f[64];

	while (rx_frame(ms, f, sizeof(f), NULL) >= 0)
		n++;
	return n;
}

/*
 * The liveness check: the host answers an ARP request sent as chain shape
 * s within ms (a request every second).
 */
static bool arp_exchange(const char *after, enum shape s, unsigned int ms)
{
	u64 end = mftb() + tb_freq / 1000 * ms, t;
	unsigned int sent = 0, other = 0, stale;
	struct used_elem e = { 0xdead, 0xdead };
	u16 nb = 0;
	u8 f[64];
	int len;

	if (!rx_filled)
		rx_fill();
	stale = rx_drain(100);
	while (mftb() < end) {
		if (!tx_arp(s, &e))
			return ok(false, "after %s: the ARP request (%s) is handed back (id %u len %u)",
				  after, shape_name[s], e.id, e.len);
		sent++;
		t = mftb() + tb_freq;
		while (mftb() < t) {
			len = rx_frame(1000, f, sizeof(f), &nb);
			if (len < 0)
				continue;
			if (!is_arp_reply(f, len)) {
				other++;
				continue;
			}
			reply_nbufs = nb;
			return ok(true, "after %s: the host answers an ARP request (%s; %u sent, "
				  "%u other frames, %u before)", after, shape_name[s], sent, other,
				  stale);
		}
	}
	return ok(false, "after %s: the host answers an ARP request (%s) within %u s (%u sent, %u other frames)",
		  after, shape_name[s], ms / 1000, sent, other);
}

static bool still_serving(const char *after)
{
	return arp_exchange(after, TWO, CHECK_MS);
}

/* ---- transmit cases ---- */

/* A hostile transmit chain at head h: handed back, used length 0, nothing broken. */
static void expect_tx(const char *what, u16 h)
{
	struct used_elem e = { 0xdead, 0xdead };

	vring_kick(&txq, h);
	if (!ok(vring_wait(&txq, WAIT_MS, &e), "tx %s: taken and handed back within %u ms", what,
		WAIT_MS))
		return;
	checkx(e.id, h, "tx %s: handed back under its own head %u", what, h);
	check(e.len, 0, "tx %s: used length 0", what);
	ok(vio_status() == S_RUNNING, "tx %s: device status still 0x%x (no NEEDS_RESET)", what,
	   S_RUNNING);
	still_serving(what);
}

/* The ARP request at h (header) and h+1 (frame). */
static void tx_chain(u16 h)
{
	build_arp(pkt);
	vring_put(&txq, h, pkt, HDR, D_NEXT, h + 1);
	vring_put(&txq, h + 1, pkt + HDR, ARP_LEN, 0, 0);
}

static void tx_bad_chains(void)
{
	u16 h;

	/* heads from 8 on: never the head of the well-formed request (0) */
	h = 8;
	tx_chain(h);
	txq.desc[h + 1].flags |= D_NEXT;
	txq.desc[h + 1].next = h;
	expect_tx("descriptor loop (header -> frame -> header ...)", h);

	h = 11;
	vring_put(&txq, h, pkt, 0, D_NEXT, h);
	expect_tx("zero-length descriptor pointing at itself", h);

	h = 12;
	tx_chain(h);
	txq.desc[h + 1].addr = OUTSIDE;
	expect_tx("frame at 0xff00000000 (outside RAM)", h);

	h = 15;
	tx_chain(h);
	txq.desc[h].addr = OUTSIDE;
	expect_tx("header at 0xff00000000 (outside RAM)", h);

	h = 18;
	tx_chain(h);
	txq.desc[h + 1].len = 0xffffffff;
	expect_tx("frame length 0xffffffff", h);

	h = 21;
	tx_chain(h);
	txq.desc[h + 1].addr = ram_size - 20;
	expect_tx("frame straddling the end of RAM", h);

	h = 24;
	tx_chain(h);
	txq.desc[h].len = 0;
	txq.desc[h + 1].len = 0;
	expect_tx("zero-length chain (every descriptor length 0)", h);

	h = 27;
	tx_chain(h);
	txq.desc[h].next = QSZ + 100;
	expect_tx("next index beyond the queue size", h);

	h = 30;
	tx_chain(h);
	txq.desc[h].flags |= D_WRITE;
	expect_tx("writable header then a readable frame (order violated)", h);

	h = 33;
	tx_chain(h);
	txq.desc[h].flags |= D_WRITE;
	txq.desc[h + 1].flags |= D_WRITE;
	expect_tx("no readable byte (header and frame device-writable)", h);

	h = 36;
	tx_chain(h);
	txq.desc[h + 1].len = 13;
	expect_tx("header + 13 bytes (shorter than an Ethernet header)", h);

	h = 38;
	vring_put(&txq, h, pkt, HDR - 1, 0, 0);
	expect_tx("11 bytes (shorter than the virtio-net header)", h);

	h = 39;
	vring_put(&txq, h, pkt, HDR, 0, 0);
	expect_tx("the virtio-net header alone", h);

	h = 40;
	memset(junk, 0, sizeof(junk));
	vring_put(&txq, h, junk, MAX_PKT + 1, 0, 0);
	expect_tx("12 + 65554 bytes in one descriptor (one more than the largest frame)", h);

	h = 41;
	vring_put(&txq, h, junk, HDR, D_NEXT, h + 1);
	vring_put(&txq, h + 1, junk + HDR, 0x100000, 0, 0);
	expect_tx("12 + 1 MiB in two descriptors", h);

	h = 43;
	vring_put(&txq, h, junk, MAX_PKT, 0, 0);
	expect_tx("12 + 65553 bytes (the largest frame; the tap may refuse it)", h);

	h = 44;
	tx_chain(h);
	pkt[1] = 0x7f;
	expect_tx("gso_type 0x7f (unknown)", h);

	h = 46;
	tx_chain(h);
	pkt[1] = 1;	/* VIRTIO_NET_HDR_GSO_TCPV4, gso_size 0: HOST_TSO4 not acked */
	expect_tx("gso_type TCPV4 with gso_size 0 (HOST_TSO4 not negotiated)", h);

	h = 48;
	tx_chain(h);
	pkt[0] = 1;	/* VIRTIO_NET_HDR_F_NEEDS_CSUM */
	pkt[6] = pkt[7] = pkt[8] = pkt[9] = 0xff;
	expect_tx("NEEDS_CSUM with csum_start and csum_offset 0xffff (CSUM not negotiated)", h);
}

/* Indirect tables on the transmit queue, heads from 50 on. */
static void tx_bad_indirect(void)
{
	u16 h = 50;

	build_arp(pkt);
	ind[1][0] = (struct vdesc){ (u64)pkt, HDR, D_NEXT, 1 };
	ind[1][1] = (struct vdesc){ (u64)pkt + HDR, ARP_LEN, 0, 0 };
	ind[0][0] = (struct vdesc){ (u64)ind[1], 2 * 16, D_INDIRECT, 0 };
	vring_put(&txq, h, ind[0], 16, D_INDIRECT, 0);
	expect_tx("nested indirect table", h);

	h = 51;
	memcpy(ind[0], ind[1], sizeof(ind[1]));
	vring_put(&txq, h, ind[0], 2 * 16, D_INDIRECT | D_NEXT, h + 1);
	vring_put(&txq, h + 1, pkt, HDR, 0, 0);
	expect_tx("indirect descriptor with NEXT set", h);

	h = 53;
	vring_put(&txq, h, ind[0], 40, D_INDIRECT, 0);
	expect_tx("indirect table length 40 (not a multiple of 16)", h);

	h = 54;
	vring_put(&txq, h, (void *)OUTSIDE, 2 * 16, D_INDIRECT, 0);
	expect_tx("indirect table at 0xff00000000", h);

	h = 55;
	vring_put(&txq, h, (void *)(ram_size - 16), 2 * 16, D_INDIRECT, 0);
	expect_tx("indirect table straddling the end of RAM", h);

	h = 56;
	memcpy(ind[0], ind[1], sizeof(ind[1]));
	ind[0][1].flags |= D_NEXT;
	ind[0][1].next = 0;
	vring_put(&txq, h, ind[0], 2 * 16, D_INDIRECT, 0);
	expect_tx("loop inside an indirect table", h);

	h = 57;
	memcpy(ind[0], ind[1], sizeof(ind[1]));
	ind[0][0].next = 7;	/* inside ind[0]'s storage, past the 2 entries given */
	vring_put(&txq, h, ind[0], 2 * 16, D_INDIRECT, 0);
	expect_tx("next beyond the indirect table's entries", h);

	h = 58;
	vring_put(&txq, h, ind[0], 0, D_INDIRECT, 0);
	expect_tx("indirect table of length 0", h);
}

/* ---- receive cases ---- */

/* Each receive case starts from a reset with no receive buffer posted. */
static bool rx_fresh(const char *what)
{
	vio_set_status(0);
	return ok(vinit(false), "rx %s: reset, re-initialised, no receive buffer", what);
}

/*
 * The hostile receive chain at head h is the only one: the next frame (the
 * reply to an ARP request sent meanwhile) makes the device take it.
 */
static void expect_rx(const char *what, u16 h)
{
	struct used_elem e = { 0xdead, 0xdead }, te;
	bool got = false;
	unsigned int i;

	vring_kick(&rxq, h);
	for (i = 0; i < WAIT_MS / 1000 && !got; i++) {
		tx_arp(TWO, &te);
		got = vring_wait(&rxq, 1000, &e);
	}
	if (!ok(got, "rx %s: taken and handed back when a frame came (%u ARP requests sent)",
		what, i))
		return;
	checkx(e.id, h, "rx %s: handed back under its own head %u", what, h);
	check(e.len, 0, "rx %s: used length 0", what);
	ok(vio_status() == S_RUNNING, "rx %s: device status still 0x%x (no NEEDS_RESET)", what,
	   S_RUNNING);
	still_serving(what);
}

static void rx_bad_chains(void)
{
	static const char *const what[] = {
		"descriptor loop", "zero-length descriptor pointing at itself",
		"buffer at 0xff00000000 (outside RAM)", "buffer length 0xffffffff",
		"buffer straddling the end of RAM", "zero-length buffer",
		"next index beyond the queue size", "readable buffer only (no writable byte)",
		"writable then readable buffer (order violated)",
		"8-byte buffer (too small for the header)",
		"11 bytes in two buffers (too small for the header)",
		"nested indirect table", "indirect table at 0xff00000000",
		"indirect descriptor with NEXT set", "indirect table length 40",
		"indirect table of length 0", "loop inside an indirect table",
		"readable buffer through an indirect table",
	};
	const u16 h = 32;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(what); i++) {
		if (!rx_fresh(what[i]))
			continue;
		vring_put(&rxq, h, rxbuf[0], RXBUF, D_WRITE, 0);
		vring_put(&rxq, h + 1, rxbuf[1], RXBUF, D_WRITE, 0);
		ind[1][0] = (struct vdesc){ (u64)rxbuf[2], RXBUF, D_WRITE | D_NEXT, 1 };
		ind[1][1] = (struct vdesc){ (u64)rxbuf[3], RXBUF, D_WRITE, 0 };
		memcpy(ind[0], ind[1], sizeof(ind[1]));
		switch (i) {
		case 0:
			rxq.desc[h] = (struct vdesc){ (u64)rxbuf[0], 1024, D_WRITE | D_NEXT, h + 1 };
			rxq.desc[h + 1] = (struct vdesc){ (u64)rxbuf[1], 1024, D_WRITE | D_NEXT, h };
			break;
		case 1:
			rxq.desc[h] = (struct vdesc){ (u64)rxbuf[0], 0, D_WRITE | D_NEXT, h };
			break;
		case 2:
			rxq.desc[h].addr = OUTSIDE;
			break;
		case 3:
			rxq.desc[h].len = 0xffffffff;
			break;
		case 4:
			rxq.desc[h].addr = ram_size - 256;
			break;
		case 5:
			rxq.desc[h].len = 0;
			break;
		case 6:
			rxq.desc[h].flags |= D_NEXT;
			rxq.desc[h].next = QSZ + 100;
			break;
		case 7:
			rxq.desc[h].flags = 0;
			break;
		case 8:
			rxq.desc[h].flags |= D_NEXT;
			rxq.desc[h].next = h + 1;
			rxq.desc[h + 1].flags = 0;
			break;
		case 9:
			rxq.desc[h].len = 8;
			break;
		case 10:
			rxq.desc[h] = (struct vdesc){ (u64)rxbuf[0], 6, D_WRITE | D_NEXT, h + 1 };
			rxq.desc[h + 1].len = 5;
			break;
		case 11:
			ind[0][0] = (struct vdesc){ (u64)ind[1], 2 * 16, D_INDIRECT, 0 };
			vring_put(&rxq, h, ind[0], 16, D_INDIRECT, 0);
			break;
		case 12:
			vring_put(&rxq, h, (void *)OUTSIDE, 2 * 16, D_INDIRECT, 0);
			break;
		case 13:
			vring_put(&rxq, h, ind[0], 2 * 16, D_INDIRECT | D_NEXT, h + 1);
			break;
		case 14:
			vring_put(&rxq, h, ind[0], 40, D_INDIRECT, 0);
			break;
		case 15:
			vring_put(&rxq, h, ind[0], 0, D_INDIRECT, 0);
			break;
		case 16:
			ind[0][1].flags |= D_NEXT;
			ind[0][1].next = 0;
			vring_put(&rxq, h, ind[0], 2 * 16, D_INDIRECT, 0);
			break;
		case 17:
			ind[0][0].flags = 0;
			ind[0][1].flags = 0;
			vring_put(&rxq, h, ind[0], 2 * 16, D_INDIRECT, 0);
			break;
		}
		expect_rx(what[i], h);
	}
}

/* ---- broken rings ---- */

static const char *const qname[] = { "receiveq", "transmitq" };

/* After queue q broke: NEEDS_RESET, q serves nothing, a reset brings the device back. */
static void after_broken(unsigned int q, const char *what, bool at_enable)
{
	struct vring *r = q ? &txq : &rxq;
	struct used_elem e;
	unsigned int i;
	bool nr;

	nr = at_enable ? vio_status() & S_NEEDS_RESET : vio_wait_status_bit(S_NEEDS_RESET, 1000);
	/* a broken receive queue shows when a frame comes */
	for (i = 0; !nr && !q && i < 10; i++) {
		tx_arp(TWO, &e);
		nr = vio_wait_status_bit(S_NEEDS_RESET, 1000);
	}
	ok(nr, "%s %s: %sDEVICE_NEEDS_RESET (status 0x%x)", qname[q], what,
	   at_enable ? "enable -> " : "", vio_status());
	if (at_enable)
		vio_set_status(S_RUNNING | S_NEEDS_RESET);
	/* a well-formed request; its reply would need the receive queue */
	arp_chain(TWO);
	vring_kick(&txq, 0);
	ok(vring_quiet(r, 1000), "%s %s: the queue serves nothing while NEEDS_RESET", qname[q],
	   what);
	if (!q)
		printf("# %s %s: transmitq %s the request meanwhile\n", qname[q], what,
		       vring_pending(&txq) ? "served" : "did not serve");
	vio_set_status(S_RUNNING);
	ok(vio_status() & S_NEEDS_RESET, "%s %s: the driver cannot clear NEEDS_RESET itself",
	   qname[q], what);
	vio_set_status(0);
	check(vio_status(), 0, "%s %s: reset clears it", qname[q], what);
	ok(vinit(true), "%s %s: re-initialised (status 0x%x)", qname[q], what, vio_status());
	still_serving(what);
}

static void bad_rings_at_enable(void)
{
	unsigned int q, i;

	for (q = 0; q < 2; q++)
		for (i = 0; i < nr_bad_rings; i++) {
			if (!ok(vio_negotiate(FEATURES), "%s %s: features accepted", qname[q],
				bad_rings[i].what))
				continue;
			rx_filled = false;
			if (q) {
				vring_init(&rxq, 0);
				vring_init_bad(&txq, 1, i);
			} else {
				vring_init_bad(&rxq, 0, i);
				vring_init(&txq, 1);
			}
			after_broken(q, bad_rings[i].what, true);
		}
}

/* Broken while running. Last, because a pvm that cannot survive it ends the run here. */
static void bad_rings_running(void)
{
	unsigned int q;

	for (q = 0; q < 2; q++) {
		struct vring *r = q ? &txq : &rxq;

		/* the receive queue empty, so that the bad entry is the next one taken */
		vio_set_status(0);
		ok(vinit(q == 1), "%s: reset and re-initialised for the broken rings", qname[q]);
		vring_put(r, 3, rxbuf[3], 64, q ? 0 : D_WRITE, 0);
		vring_add(r, 3);
		r->next_avail += QSZ + 1;
		vring_publish(r);
		after_broken(q, "avail index more than the queue size ahead", false);

		vio_set_status(0);
		ok(vinit(q == 1), "%s: reset and re-initialised for the broken rings", qname[q]);
		vring_kick(r, QSZ + 5);
		after_broken(q, "head index beyond the queue size in the avail ring", false);
	}
}

/* ---- set-up ---- */

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* mac=XX:XX:XX:XX:XX:XX in the bootargs; false if absent or malformed. */
static bool given_mac(const void *blob, u8 *m)
{
	const char *cmd = fdt_prop(blob, fdt_path(blob, "/chosen"), "bootargs", NULL);
	int i;

	for (; cmd && *cmd; cmd++)
		if (!strncmp(cmd, "mac=", 4))
			break;
	if (!cmd || !*cmd)
		return false;
	cmd += 4;
	for (i = 0; i < 6; i++, cmd += 3) {
		if (hexval(cmd[0]) < 0 || hexval(cmd[1]) < 0 || (i < 5 && cmd[2] != ':'))
			return false;
		m[i] = hexval(cmd[0]) << 4 | hexval(cmd[1]);
	}
	return true;
}

static bool setup(const void *blob)
{
	u64 f;
	u8 want[6];
	int i;

	if (!vio_setup(VIRTIO_NET_DEVICE))
		return false;
	check(mmio_r16(vio.common + NUM_QUEUES), 2, "two queues (receiveq, transmitq)");
	f = vio_features();
	ok((f & OFFERED) == OFFERED && !(f & (F_ACCESS_PLATFORM | NF_CTRL_VQ | NF_MQ)),
	   "features offered: VERSION_1, INDIRECT_DESC, EVENT_IDX, MAC, STATUS, MRG_RXBUF, "
	   "CSUM, HOST_TSO4/6, HOST_ECN; no ACCESS_PLATFORM, CTRL_VQ, MQ (0x%lx)", f);
	ok(!(f & (NF_GUEST_TSO4 | NF_GUEST_TSO6 | NF_GUEST_ECN)) || (f & NF_GUEST_CSUM),
	   "GUEST_TSO/ECN only with GUEST_CSUM (offered: 0x%lx)", f & GUEST_OFFLOADS);
	for (i = 0; i < 6; i++)
		mac[i] = mmio_r8(vio.devcfg + i);
	printf("# MAC %02x:%02x:%02x:%02x:%02x:%02x\n", mac[0], mac[1], mac[2], mac[3], mac[4],
	       mac[5]);
	ok(!(mac[0] & 1) && (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]),
	   "config: a unicast MAC, not all zero");
	if (given_mac(blob, want))
		ok(!memcmp(mac, want, 6), "config: the MAC given to pvm (mac= in bootargs)");
	checkx(mmio_r16(vio.devcfg + 6), 1, "config: status LINK_UP");
	check(mmio_r16(vio.devcfg + 8), 1, "config: max_virtqueue_pairs 1");
	if (f & NF_MTU)
		ok(mmio_r16(vio.devcfg + 10) >= 68, "config: mtu %u", mmio_r16(vio.devcfg + 10));
	else
		printf("# MTU not offered (the config's mtu field reads %u)\n",
		       mmio_r16(vio.devcfg + 10));
	for (i = 0; i < 2; i++) {
		u16 n = vio_queue_max(i);

		ok(n >= QSZ && !(n & (n - 1)), "%s offers %u entries (a power of two, at least %u)",
		   qname[i], n, QSZ);
	}
	check(vio_queue_max(2), 0, "queue 2 (no control queue) reads size 0");
	return true;
}

static void negotiation(void)
{
	ok(!vio_negotiate(FEATURES | F_ACCESS_PLATFORM),
	   "features: acking ACCESS_PLATFORM (not offered) -> FEATURES_OK refused");
	ok(!vio_negotiate(FEATURES | NF_CTRL_VQ),
	   "features: acking CTRL_VQ (not offered) -> FEATURES_OK refused");
	ok(!vio_negotiate(FEATURES & ~F_VERSION_1), "features: no VERSION_1 -> FEATURES_OK refused");
	vio_set_status(0);
	check(vio_status(), 0, "reset reads back 0");
}

int main(const void *blob)
{
	enum shape s;

	ram_size = fdt_ram_size();
	ok(ram_size >= 0x1000000, "/memory: RAM from 0, 0x%lx bytes", ram_size);
	if (!setup(blob))
		return 0;
	negotiation();
	if (!ok(vinit(true), "init: reset, ACK, DRIVER, VERSION_1 | MAC | STATUS | MRG_RXBUF | "
		"INDIRECT_DESC, FEATURES_OK, 2 queues of %u, DRIVER_OK, %u receive buffers -> "
		"status 0x%x", QSZ, NRX, vio_status()))
		return 0;
	/* the host side comes up while we wait */
	if (!arp_exchange("init", TWO, FIRST_MS))
		return 0;
	check(reply_nbufs, 1, "the reply's header: num_buffers 1 (MRG_RXBUF)");
	for (s = ONE; s <= INDIRECT; s++)
		arp_exchange("the first exchange", s, CHECK_MS);
	tx_bad_chains();
	tx_bad_indirect();
	rx_bad_chains();
	bad_rings_at_enable();
	bad_rings_running();
	ok(vio_status() == S_RUNNING, "the device runs at the end (status 0x%x)", vio_status());
	printf("# %u receive elements under heads we did not post\n", stray_rx);
	return 0;
}
