// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net (virtio/net.c, net-io.c) behind the real transport, with a
 * SOCK_SEQPACKET socket pair standing in for the tap: one message is one
 * packet with its 12-byte virtio header, as on a tap with IFF_VNET_HDR.
 * The test is the driver (rings in test RAM, as Linux's virtio_net builds
 * them) and the host (the other end of the pair); virtio_net__poll() runs
 * the NIC's packet loop on the test's thread. Also the --network syntax.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli/net.h"
#include "pvm/event.h"
#include "pvm/module.h"
#include "testvm.h"
#include "virtio/net.h"
#include "virtio/tap.h"
#include "virtio-test.h"

#pragma GCC diagnostic ignored "-Wsign-compare"

extern const struct module virtio_net_module;

#include <linux/if_tun.h>

#include "kselftest_harness.h"

#define QSIZE 16
#define RXBUF 0x100000ULL	/* receive buffer i at RXBUF + 0x10000 i */
#define TXBUF 0x300000ULL	/* transmit packet i at TXBUF + 0x10000 i */
#define HDR NET_HDR_LEN
#define F_MAC (1ULL << VIRTIO_NET_F_MAC)
#define F_STATUS (1ULL << VIRTIO_NET_F_STATUS)
#define F_MRG (1ULL << VIRTIO_NET_F_MRG_RXBUF)

/* The driver's side of one NIC. */
struct netdrv {
	struct testvm t;
	struct pci_dev *d;
	struct test_ring rx, tx;
};

FIXTURE(net) {
	struct netdrv n;
	int host;		/* the tap's other end */
	bool up;
};

/* Both queues on their rings (vectors 1 and 2), DRIVER_OK; the status. */
static u8 bring_up(struct netdrv *self, u64 features)
{
	struct pci_dev *d = self->d;
	struct test_ring *r[2] = { &self->rx, &self->tx };
	unsigned int q;

	wr(d, VIRTIO_PCI_STATUS, 0, 1);
	ring__setup(&self->rx, self->t.ram, QSIZE);
	self->tx = (struct test_ring){ .ram = self->t.ram, .size = QSIZE, .desc = 0x10000,
				       .avail = 0x11000, .used = 0x12000 };
	memset(self->t.ram + 0x10000, 0, 0x3000);
	negotiate(d, features);
	wr(d, VIRTIO_PCI_MSIX_CONFIG, 0, 2);
	for (q = 0; q < 2; q++)
		vt__queue_on(d, q, r[q], q + 1);
	return vt__driver_ok(d);
}

static int vm_up(FIXTURE_DATA(net) *self, const struct vm_nic *nic, u64 features)
{
	struct testvm_opts to = { .xics = true, .nics = nic, .nr_nics = 1, .name = "netvm" };
	int ret;

	fake_pci__reset();
	ret = testvm__setup(&self->n.t, &to);
	if (ret)
		return ret;
	self->up = true;
	self->n.d = fake_pci.dev;
	if (!self->n.d)
		return -ENODEV;
	return bring_up(&self->n, features & vt__offered(self->n.d)) & VIRTIO_STATUS_DRIVER_OK ? 0 :
	       -EIO;
}

FIXTURE_SETUP(net)
{
	struct vm_nic nic = { .fd = -1, .vhost_fd = -1 };
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv));
	nic.fd = sv[0];
	strcpy(nic.tapif, "faketap0");
	self->host = sv[1];
	ASSERT_EQ(0, vm_up(self, &nic, F_VERSION_1 | F_MAC | F_STATUS | F_MRG | F_EVENT_IDX));
}

FIXTURE_TEARDOWN(net)
{
	if (self->up)
		testvm__teardown(&self->n.t);
	if (self->host >= 0)
		close(self->host);
}

static void kick(struct netdrv *self, unsigned int q)
{
	wr(self->d, VIRTIO_NOTIFY_OFF + VIRTIO_NOTIFY_MULT * q, q, 2);
}

static void poll_once(struct netdrv *self)
{
	virtio_net__poll(&self->t.vm, 0, 0);
}

/* Receive buffer i: one writable chain of len bytes (head = descriptor i). */
static void post_rx(struct netdrv *self, u16 i, u32 len)
{
	ring__desc(&self->rx, i, RXBUF + 0x10000ULL * i, len, VIRTQ_DESC_F_WRITE, 0);
	ring__avail(&self->rx, i);
}

/* Transmit packet i: a zero header and a frame of len bytes of fill, in nseg pieces. */
static void post_tx(struct netdrv *self, u16 i, u32 len, u8 fill, unsigned int nseg)
{
	u64 buf = TXBUF + 0x10000ULL * i;
	u32 total = HDR + len, off = 0, piece = total / nseg;
	u16 head = 4 * i, k;

	memset(self->t.ram + buf, 0, HDR);
	memset(self->t.ram + buf + HDR, fill, len);
	for (k = 0; k < nseg; k++) {
		u32 n = k == nseg - 1 ? total - off : piece;

		ring__desc(&self->tx, head + k, buf + off, n,
			   k == nseg - 1 ? 0 : VIRTQ_DESC_F_NEXT, head + k + 1);
		off += n;
	}
	ring__avail(&self->tx, head);
}

/* The host sends one packet: a header (flags, gso) and len bytes of fill. */
static bool host_send(FIXTURE_DATA(net) *self, u32 len, u8 fill, u8 flags, u8 gso)
{
	static u8 pkt[HDR + 70000];

	memset(pkt, 0, HDR);
	pkt[0] = flags;
	pkt[1] = gso;
	memset(pkt + HDR, fill, len);
	return write(self->host, pkt, HDR + len) == HDR + len;
}

static struct virtio_net_stats stats(struct netdrv *self)
{
	struct virtio_net_stats st;

	virtio_net__stats(&self->t.vm, 0, &st);
	return st;
}

TEST_F(net, config_has_the_stable_mac_and_link_up)
{
	u8 mac[6];
	unsigned int i;

	for (i = 0; i < 6; i++)
		mac[i] = rd(self->n.d, VIRTIO_DEVCFG_OFF + VIRTIO_NET_CFG_MAC + i, 1);
	EXPECT_EQ(0x52, mac[0]);
	EXPECT_EQ(0x54, mac[1]);
	EXPECT_EQ(0x00, mac[2]);
	EXPECT_EQ(VIRTIO_NET_S_LINK_UP, rd(self->n.d, VIRTIO_DEVCFG_OFF + VIRTIO_NET_CFG_STATUS, 2));
	EXPECT_EQ(1, rd(self->n.d, VIRTIO_DEVCFG_OFF + VIRTIO_NET_CFG_MAX_PAIRS, 2));
	/* Offered: what the socket pair "tap" can do (no offloads) plus the basics. */
	EXPECT_TRUE(vt__offered(self->n.d) & F_MRG);
	EXPECT_FALSE(vt__offered(self->n.d) & (1ULL << VIRTIO_NET_F_GUEST_TSO4));
	EXPECT_TRUE(vt__offered(self->n.d) & (1ULL << VIRTIO_NET_F_HOST_TSO4));
}

TEST_F(net, transmit_goes_to_the_tap_whole_in_any_number_of_pieces)
{
	u8 got[2048];
	unsigned int n;

	for (n = 1; n <= 3; n++) {
		post_tx(&self->n, n, 100 * n, 0xa0 + n, n);
		kick(&self->n, 1);
		poll_once(&self->n);
		ASSERT_EQ(HDR + 100 * n, read(self->host, got, sizeof(got)));
		EXPECT_EQ(0xa0 + n, got[HDR]);
		EXPECT_EQ(0xa0 + n, got[HDR + 100 * n - 1]);
		ASSERT_EQ(n, ring__used_idx(&self->n.tx));
		EXPECT_EQ(4 * n, ring__used_id(&self->n.tx, n - 1));
		EXPECT_EQ(0, ring__used_len(&self->n.tx, n - 1));
	}
	EXPECT_EQ(3, stats(&self->n).tx_packets);
	EXPECT_EQ(600, stats(&self->n).tx_bytes);
}

TEST_F(net, malformed_transmit_is_dropped_and_handed_back)
{
	u8 got[2048];

	/* Shorter than a header and an Ethernet header. */
	post_tx(&self->n, 0, 10, 1, 1);
	/* GSO the guest did not negotiate. */
	post_tx(&self->n, 1, 200, 2, 1);
	self->n.t.ram[TXBUF + 0x10000 + 1] = VIRTIO_NET_HDR_GSO_TCPV4;
	/* An unknown GSO type. */
	post_tx(&self->n, 2, 200, 3, 1);
	self->n.t.ram[TXBUF + 0x20000 + 1] = 7;
	/* And a good one after them. */
	post_tx(&self->n, 3, 64, 4, 2);
	kick(&self->n, 1);
	poll_once(&self->n);
	ASSERT_EQ(4, ring__used_idx(&self->n.tx));
	EXPECT_EQ(3, stats(&self->n).tx_drops);
	EXPECT_EQ(1, stats(&self->n).tx_packets);
	ASSERT_EQ(HDR + 64, read(self->host, got, sizeof(got)));
	EXPECT_EQ(4, got[HDR]);
	EXPECT_EQ(-1, read(self->host, got, sizeof(got)));
}

TEST_F(net, receive_spans_mergeable_buffers)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		post_rx(&self->n, i, 1024);
	kick(&self->n, 0);
	ASSERT_TRUE(host_send(self, 3000, 0x5a, 0, 0));
	poll_once(&self->n);
	ASSERT_EQ(3, ring__used_idx(&self->n.rx));
	EXPECT_EQ(1024, ring__used_len(&self->n.rx, 0));
	EXPECT_EQ(1024, ring__used_len(&self->n.rx, 1));
	EXPECT_EQ(HDR + 3000 - 2048, ring__used_len(&self->n.rx, 2));
	/* num_buffers in the first buffer's header. */
	EXPECT_EQ(3, ring__get(&self->n.rx, RXBUF + 10, 2));
	EXPECT_EQ(0x5a, self->n.t.ram[RXBUF + HDR]);
	EXPECT_EQ(0x5a, self->n.t.ram[RXBUF + 0x20000 + (HDR + 3000 - 2048) - 1]);
	EXPECT_EQ(1, stats(&self->n).rx_packets);
	EXPECT_EQ(3000, stats(&self->n).rx_bytes);
}

TEST_F(net, a_packet_waits_for_buffers_and_is_not_lost)
{
	ASSERT_TRUE(host_send(self, 500, 0x11, 0, 0));
	poll_once(&self->n);
	EXPECT_EQ(0, ring__used_idx(&self->n.rx));
	/* Too few buffers for it: they are not used, the packet waits. */
	post_rx(&self->n, 0, 256);
	kick(&self->n, 0);
	poll_once(&self->n);
	EXPECT_EQ(0, ring__used_idx(&self->n.rx));
	post_rx(&self->n, 1, 512);
	kick(&self->n, 0);
	poll_once(&self->n);
	ASSERT_EQ(2, ring__used_idx(&self->n.rx));
	EXPECT_EQ(256, ring__used_len(&self->n.rx, 0));
	EXPECT_EQ(HDR + 500 - 256, ring__used_len(&self->n.rx, 1));
	EXPECT_EQ(0, stats(&self->n).rx_drops);
}

TEST_F(net, bad_receive_chains_go_back_empty_and_the_packet_finds_a_good_one)
{
	/* A readable buffer in a receive chain, then one too small for the header. */
	ring__desc(&self->n.rx, 0, RXBUF, 1024, 0, 0);
	ring__avail(&self->n.rx, 0);
	post_rx(&self->n, 1, 8);
	/* Outside RAM. */
	ring__desc(&self->n.rx, 2, TESTVM_RAM + 0x1000, 1024, VIRTQ_DESC_F_WRITE, 0);
	ring__avail(&self->n.rx, 2);
	post_rx(&self->n, 3, 1500);
	kick(&self->n, 0);
	ASSERT_TRUE(host_send(self, 100, 0x33, 0, 0));
	poll_once(&self->n);
	ASSERT_EQ(4, ring__used_idx(&self->n.rx));
	EXPECT_EQ(0, ring__used_len(&self->n.rx, 0));
	EXPECT_EQ(0, ring__used_len(&self->n.rx, 1));
	EXPECT_EQ(0, ring__used_len(&self->n.rx, 2));
	EXPECT_EQ(3, ring__used_id(&self->n.rx, 3));
	EXPECT_EQ(HDR + 100, ring__used_len(&self->n.rx, 3));
	EXPECT_EQ(3, stats(&self->n).errors);
	EXPECT_EQ(1, stats(&self->n).rx_packets);
}

TEST_F(net, offloads_the_guest_did_not_take_are_dropped)
{
	post_rx(&self->n, 0, 2048);
	kick(&self->n, 0);
	ASSERT_TRUE(host_send(self, 100, 1, VIRTIO_NET_HDR_F_NEEDS_CSUM, 0));
	ASSERT_TRUE(host_send(self, 1000, 2, 0, VIRTIO_NET_HDR_GSO_TCPV4));
	ASSERT_TRUE(host_send(self, 100, 3, 0, 0));
	poll_once(&self->n);
	ASSERT_EQ(1, ring__used_idx(&self->n.rx));
	EXPECT_EQ(3, self->n.t.ram[RXBUF + HDR]);
	EXPECT_EQ(2, stats(&self->n).rx_drops);
}

TEST_F(net, a_guest_that_never_refills_stops_the_reads_not_pvm)
{
	unsigned int i;

	post_rx(&self->n, 0, 2048);
	kick(&self->n, 0);
	for (i = 0; i < 50; i++)
		ASSERT_TRUE(host_send(self, 64, i, 0, 0));
	for (i = 0; i < 5; i++)
		poll_once(&self->n);
	/* One delivered, one waiting in pvm, the rest still in the "tap". */
	EXPECT_EQ(1, ring__used_idx(&self->n.rx));
	EXPECT_EQ(1, stats(&self->n).rx_packets);
	EXPECT_EQ(0, stats(&self->n).rx_drops);
}

TEST_F(net, without_mergeable_buffers_a_packet_needs_one_chain)
{
	testvm__teardown(&self->n.t);
	self->up = false;
	close(self->host);
	{
		struct vm_nic nic = { .fd = -1, .vhost_fd = -1 };
		int sv[2];

		ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv));
		nic.fd = sv[0];
		self->host = sv[1];
		ASSERT_EQ(0, vm_up(self, &nic, F_VERSION_1 | F_MAC));
	}
	post_rx(&self->n, 0, 512);
	post_rx(&self->n, 1, 2048);
	kick(&self->n, 0);
	/* Too big for chain 0: dropped, and chain 0 stays for a packet that fits. */
	ASSERT_TRUE(host_send(self, 1000, 0x77, 0, 0));
	ASSERT_TRUE(host_send(self, 100, 0x78, 0, 0));
	ASSERT_TRUE(host_send(self, 1000, 0x79, 0, 0));
	poll_once(&self->n);
	ASSERT_EQ(2, ring__used_idx(&self->n.rx));
	EXPECT_EQ(0, ring__used_id(&self->n.rx, 0));
	EXPECT_EQ(HDR + 100, ring__used_len(&self->n.rx, 0));
	EXPECT_EQ(1, ring__get(&self->n.rx, RXBUF + 10, 2));	/* num_buffers */
	EXPECT_EQ(1, ring__used_id(&self->n.rx, 1));
	EXPECT_EQ(0x79, self->n.t.ram[RXBUF + 0x10000 + HDR]);
	EXPECT_EQ(1, stats(&self->n).rx_drops);
}

TEST_F(net, a_tap_that_goes_away_is_link_down_for_the_guest)
{
	u8 gen = rd(self->n.d, VIRTIO_PCI_CFG_GENERATION, 1);

	post_rx(&self->n, 0, 2048);
	kick(&self->n, 0);
	close(self->host);
	self->host = -1;
	poll_once(&self->n);
	EXPECT_EQ(0, rd(self->n.d, VIRTIO_DEVCFG_OFF + VIRTIO_NET_CFG_STATUS, 2));
	EXPECT_NE(gen, rd(self->n.d, VIRTIO_PCI_CFG_GENERATION, 1));
	EXPECT_FALSE(stats(&self->n).link_up);
	/* Transmit still completes (dropped), the guest is not left waiting. */
	post_tx(&self->n, 0, 64, 1, 1);
	kick(&self->n, 1);
	poll_once(&self->n);
	EXPECT_EQ(1, ring__used_idx(&self->n.tx));
	EXPECT_EQ(1, stats(&self->n).tx_drops);
}

TEST_F(net, a_broken_ring_needs_a_reset_and_works_after_it)
{
	u8 got[256];

	/* avail->idx a whole ring and more ahead. */
	ring__set_avail_idx(&self->n.tx, QSIZE + 3);
	kick(&self->n, 1);
	poll_once(&self->n);
	EXPECT_TRUE(rd(self->n.d, VIRTIO_PCI_STATUS, 1) & VIRTIO_STATUS_NEEDS_RESET);
	ASSERT_TRUE(bring_up(&self->n, F_VERSION_1 | F_MAC | F_MRG) & VIRTIO_STATUS_DRIVER_OK);
	post_tx(&self->n, 0, 64, 9, 1);
	kick(&self->n, 1);
	poll_once(&self->n);
	ASSERT_EQ(HDR + 64, read(self->host, got, sizeof(got)));
	EXPECT_EQ(9, got[HDR]);
}

TEST_F(net, several_transmits_in_one_kick_all_go_out)
{
	u8 got[256];
	unsigned int i, n = 0;

	for (i = 0; i < 4; i++)
		post_tx(&self->n, i, 64, i, 1);
	kick(&self->n, 1);
	poll_once(&self->n);
	while (read(self->host, got, sizeof(got)) > 0)
		n++;
	EXPECT_EQ(4, n);
	EXPECT_EQ(4, ring__used_idx(&self->n.tx));
}

TEST_F(net, stats_json_names_the_nic)
{
	struct json_object *devs = json_object_new_array(), *o, *v;

	ASSERT_EQ(0, virtio_net_module.stats(&self->n.t.vm, devs));
	ASSERT_EQ(1, json_object_array_length(devs));
	o = json_object_array_get_idx(devs, 0);
	ASSERT_TRUE(json_object_object_get_ex(o, "type", &v));
	EXPECT_STREQ("virtio-net", json_object_get_string(v));
	ASSERT_TRUE(json_object_object_get_ex(o, "name", &v));
	EXPECT_STREQ("net0", json_object_get_string(v));
	ASSERT_TRUE(json_object_object_get_ex(o, "tap", &v));
	EXPECT_STREQ("faketap0", json_object_get_string(v));
	EXPECT_TRUE(json_object_object_get_ex(o, "rx_drops", &v));
	EXPECT_TRUE(json_object_object_get_ex(o, "link_up", &v));
	json_object_put(devs);
}

/* Until used->idx of r reaches want, with the NIC's own I/O thread serving. */
static bool wait_used(const struct test_ring *r, u16 want)
{
	struct timespec ts = { 0, 1000000 };
	unsigned int i;

	for (i = 0; i < 3000 && ring__used_idx(r) != want; i++)
		nanosleep(&ts, NULL);
	return ring__used_idx(r) == want;
}

/* The I/O thread: packets both ways, then a reset in the middle of traffic. */
TEST_F(net, io_thread_moves_packets_both_ways_and_survives_a_reset)
{
	u8 got[256];
	unsigned int i, n = 0;

	ASSERT_EQ(0, event__init(&self->n.t.vm));
	ASSERT_EQ(0, modules__start(&self->n.t.vm));
	ASSERT_EQ(-ENODEV, virtio_net__poll(&self->n.t.vm, 0, 0));
	for (i = 0; i < 40; i++) {
		post_rx(&self->n, i % QSIZE, 2048);
		kick(&self->n, 0);
		ASSERT_TRUE(host_send(self, 64 + i, i, 0, 0));
		ASSERT_TRUE(wait_used(&self->n.rx, i + 1));
		EXPECT_EQ(HDR + 64 + i, ring__used_len(&self->n.rx, i));
		post_tx(&self->n, i % 4, 80, i, 2);
		kick(&self->n, 1);
		ASSERT_TRUE(wait_used(&self->n.tx, i + 1));
	}
	while (read(self->host, got, sizeof(got)) > 0)
		n++;
	EXPECT_EQ(40, n);
	/* Traffic on the way in, and a reset. */
	for (i = 0; i < 30; i++)
		ASSERT_TRUE(host_send(self, 100, 0xee, 0, 0));
	for (i = 0; i < 8; i++)
		post_rx(&self->n, i, 2048);
	kick(&self->n, 0);
	wr(self->n.d, VIRTIO_PCI_STATUS, 0, 1);
	EXPECT_EQ(0, rd(self->n.d, VIRTIO_PCI_STATUS, 1));
	/* Up again on fresh rings: what the tap still holds arrives there. */
	ASSERT_TRUE(bring_up(&self->n, F_VERSION_1 | F_MAC | F_MRG) & VIRTIO_STATUS_DRIVER_OK);
	for (i = 0; i < 4; i++)
		post_rx(&self->n, i, 2048);
	kick(&self->n, 0);
	ASSERT_TRUE(wait_used(&self->n.rx, 4));
	EXPECT_EQ(0xee, self->n.t.ram[RXBUF + 0x30000 + HDR]);
}

/* ---- the option ---- */

static int parse(struct vm_config *cfg, const char *arg)
{
	char buf[256];

	strcpy(buf, arg);
	return net__parse(cfg, buf);
}

TEST(network_option_syntax)
{
	struct vm_config cfg = { 0 };

	ASSERT_EQ(0, parse(&cfg, "mode=tap,tapif=pvmtap0,mac=52:54:00:aa:bb:cc,vhost"));
	EXPECT_STREQ("pvmtap0", cfg.nics[0].tapif);
	EXPECT_TRUE(cfg.nics[0].mac_given);
	EXPECT_EQ(0xcc, cfg.nics[0].mac[5]);
	EXPECT_TRUE(cfg.nics[0].vhost);
	EXPECT_EQ(-1, cfg.nics[0].fd);
	ASSERT_EQ(0, parse(&cfg, "mode=tap,fd=7,vhost=off"));
	EXPECT_EQ(7, cfg.nics[1].fd);
	EXPECT_TRUE(cfg.nics[1].fd_given);
	EXPECT_FALSE(cfg.nics[1].vhost);
	EXPECT_EQ(2, cfg.nr_nics);
	EXPECT_EQ(-EINVAL, parse(&cfg, "mode=user"));
	EXPECT_EQ(-EINVAL, parse(&cfg, "mode=tap,mac=01:00:5e:00:00:01"));	/* multicast */
	EXPECT_EQ(-EINVAL, parse(&cfg, "mode=tap,mac=52:54:00:aa:bb"));
	EXPECT_EQ(-EINVAL, parse(&cfg, "mode=tap,tapif=a/b"));
	EXPECT_EQ(-EINVAL, parse(&cfg, "mode=tap,tapif=waytoolonganame0"));
	EXPECT_EQ(-EINVAL, parse(&cfg, "mode=tap,fd=-1"));
	EXPECT_EQ(-EINVAL, parse(&cfg, "mode=tap,fd=3,tapif=x"));
	EXPECT_EQ(-EINVAL, parse(&cfg, "mode=tap,speed=10G"));
	EXPECT_EQ(2, cfg.nr_nics);
	EXPECT_TRUE(net__is_network_arg("mode=tap"));
	EXPECT_FALSE(net__is_network_arg("myvm"));
	while (cfg.nr_nics < PVM_MAX_NICS)
		ASSERT_EQ(0, parse(&cfg, "tapif=t"));
	EXPECT_EQ(-E2BIG, parse(&cfg, "tapif=t"));
}

TEST(an_fd_that_is_not_a_tap_is_refused_with_a_reason)
{
	struct vm_config cfg = { 0 };
	char arg[32];
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	snprintf(arg, sizeof(arg), "mode=tap,fd=%d", sv[0]);
	ASSERT_EQ(0, parse(&cfg, arg));
	EXPECT_EQ(PVM_EXIT_NOINPUT, net__open_all(&cfg));
	EXPECT_EQ(-1, cfg.nics[0].fd);	/* closed: pvm owned it */
	close(sv[1]);
}

/* ---- a real tap, where this host lets the test make one ---- */

#define TAP_HOST 0x0ad30001	/* 10.211.0.1, the tap's host side */
#define TAP_GUEST 0x0ad30002	/* 10.211.0.2, the test as the guest */

FIXTURE(tap) {
	struct netdrv n;
	struct vm_nic nic;
	bool up;
};

/* Address and up the host side, as ip addr add / ip link set up would. */
static int tap_host_up(const char *name)
{
	struct ifreq ifr = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = 0;

	if (s < 0)
		return -errno;
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(TAP_HOST);
	if (ioctl(s, SIOCSIFADDR, &ifr))
		ret = -errno;
	sin->sin_addr.s_addr = htonl(0xffffff00);
	if (!ret && ioctl(s, SIOCSIFNETMASK, &ifr))
		ret = -errno;
	if (!ret && ioctl(s, SIOCGIFFLAGS, &ifr))
		ret = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!ret && ioctl(s, SIOCSIFFLAGS, &ifr))
		ret = -errno;
	close(s);
	return ret;
}

FIXTURE_SETUP(tap)
{
	struct testvm_opts to = { .xics = true, .nics = &self->nic, .nr_nics = 1, .name = "tapvm" };
	char why[320];

	self->nic = (struct vm_nic){ .fd = -1, .vhost_fd = -1 };
	snprintf(self->nic.tapif, sizeof(self->nic.tapif), "pvmut%d", getpid() % 100000);
	if (tap__open(&self->nic, why, sizeof(why)))
		SKIP(return, "no tap on this host: %s", why);
	fake_pci__reset();
	ASSERT_EQ(0, testvm__setup(&self->n.t, &to));
	self->up = true;
	self->n.d = fake_pci.dev;
	ASSERT_NE(NULL, self->n.d);
	ASSERT_EQ(0, tap_host_up(self->nic.tapif));
}

FIXTURE_TEARDOWN(tap)
{
	/* The VM closes the tap, which takes the interface with it. */
	if (self->up)
		testvm__teardown(&self->n.t);
}

/* Transmit a raw frame as packet slot i. */
static void send_frame(struct netdrv *n, u16 i, const u8 *frame, u32 len)
{
	u64 buf = TXBUF + 0x10000ULL * i;

	memset(n->t.ram + buf, 0, HDR);
	memcpy(n->t.ram + buf + HDR, frame, len);
	ring__desc(&n->tx, 4 * i, buf, HDR + len, 0, 0);
	ring__avail(&n->tx, 4 * i);
	kick(n, 1);
}

/* An ARP request "who has 10.211.0.1, tell 10.211.0.2" from the NIC's MAC. */
static u32 arp_request(struct netdrv *n, u8 *f)
{
	u32 spa = htonl(TAP_GUEST), tpa = htonl(TAP_HOST);
	unsigned int i;

	memset(f, 0, 60);
	memset(f, 0xff, 6);
	for (i = 0; i < 6; i++)
		f[6 + i] = f[22 + i] = rd(n->d, VIRTIO_DEVCFG_OFF + VIRTIO_NET_CFG_MAC + i, 1);
	f[12] = 0x08, f[13] = 0x06;		/* ARP */
	f[14] = 0, f[15] = 1;			/* Ethernet */
	f[16] = 0x08, f[17] = 0x00;		/* IPv4 */
	f[18] = 6, f[19] = 4, f[20] = 0, f[21] = 1;	/* request */
	memcpy(f + 28, &spa, 4);
	memcpy(f + 38, &tpa, 4);
	return 60;
}

TEST_F(tap, the_host_kernel_answers_an_arp_request_through_the_tap)
{
	u32 host_ip = htonl(TAP_HOST);
	u8 frame[60];
	unsigned int i, seen = 0, tries;
	bool answered = false;

	/* The probe found what a modern tap offers, and the guest is offered it. */
	EXPECT_EQ(TAP_OFFLOADS_ALL, self->nic.offloads);
	EXPECT_TRUE(vt__offered(self->n.d) & (1ULL << VIRTIO_NET_F_GUEST_TSO4));
	ASSERT_TRUE(bring_up(&self->n, F_VERSION_1 | F_MAC | F_STATUS | F_MRG |
			     (1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_CSUM) |
			     (1ULL << VIRTIO_NET_F_GUEST_TSO4)) & VIRTIO_STATUS_DRIVER_OK);
	for (i = 0; i < QSIZE; i++)
		post_rx(&self->n, i, 2048);
	kick(&self->n, 0);
	for (tries = 0; tries < 20 && !answered; tries++) {
		send_frame(&self->n, tries % 4, frame, arp_request(&self->n, frame));
		virtio_net__poll(&self->n.t.vm, 0, 100);
		/* Other frames may come first (IPv6 neighbour discovery). */
		for (; seen < ring__used_idx(&self->n.rx) && seen < QSIZE; seen++) {
			u8 *p = self->n.t.ram + RXBUF + 0x10000ULL * ring__used_id(&self->n.rx, seen) +
				HDR;

			if (p[12] == 0x08 && p[13] == 0x06 && p[21] == 2 && !memcmp(p + 28, &host_ip, 4))
				answered = true;
		}
	}
	EXPECT_TRUE(answered);
	EXPECT_LE(1, stats(&self->n).tx_packets);
	EXPECT_LE(1, stats(&self->n).rx_packets);
}

TEST_F(tap, a_deleted_tap_is_link_down_and_pvm_goes_on)
{
	char cmd[64];
	u8 frame[60];

	ASSERT_TRUE(bring_up(&self->n, F_VERSION_1 | F_MAC | F_STATUS) & VIRTIO_STATUS_DRIVER_OK);
	snprintf(cmd, sizeof(cmd), "ip link del %s 2>/dev/null", self->nic.tapif);
	if (system(cmd))
		SKIP(return, "cannot delete the tap here (no ip command?)");
	post_rx(&self->n, 0, 2048);
	kick(&self->n, 0);
	send_frame(&self->n, 0, frame, arp_request(&self->n, frame));
	virtio_net__poll(&self->n.t.vm, 0, 100);
	EXPECT_EQ(0, rd(self->n.d, VIRTIO_DEVCFG_OFF + VIRTIO_NET_CFG_STATUS, 2));
	EXPECT_FALSE(stats(&self->n).link_up);
	EXPECT_EQ(1, ring__used_idx(&self->n.tx));
}

TEST(a_given_tap_fd_is_checked)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	struct vm_nic nic = { .fd = -1, .vhost_fd = -1, .fd_given = true };
	char why[320];

	nic.fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (nic.fd < 0)
		SKIP(return, "no /dev/net/tun here");
	snprintf(ifr.ifr_name, IFNAMSIZ, "pvmuf%d", getpid() % 100000);
	if (ioctl(nic.fd, TUNSETIFF, &ifr))
		SKIP(close(nic.fd); return, "cannot make a tap here");
	/* Without IFF_VNET_HDR pvm could not pass offloads: refused, with the reason. */
	EXPECT_EQ(-EINVAL, tap__open(&nic, why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "IFF_VNET_HDR"));
	tap__close(&nic);

	nic = (struct vm_nic){ .fd = -1, .vhost_fd = -1, .fd_given = true };
	nic.fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, nic.fd);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	ASSERT_EQ(0, ioctl(nic.fd, TUNSETIFF, &ifr));
	EXPECT_EQ(0, tap__open(&nic, why, sizeof(why)));
	EXPECT_STREQ(ifr.ifr_name, nic.tapif);
	EXPECT_TRUE(fcntl(nic.fd, F_GETFL) & O_NONBLOCK);
	tap__close(&nic);
}

TEST_HARNESS_MAIN
