// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net (virtio/net.c, net-io.c) behind the real transport, with a
 * SOCK_SEQPACKET socket pair standing in for the tap: one message is one
 * packet with its 12-byte virtio header, as on a tap with IFF_VNET_HDR.
 * The test is the driver (rings in test RAM, as Linux's virtio_net builds
 * them) and the host (the other end of the pair); virtio_net__poll() runs
 * the NIC's packet loop on the test's thread. Also the --network syntax.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli/net.h"
#include "pvm/module.h"
#include "testvm.h"
#include "virtio/net.h"
#include "virtio-test.h"

#pragma GCC diagnostic ignored "-Wsign-compare"

extern const struct module virtio_net_module;

#include "kselftest_harness.h"

#define QSIZE 16
#define RXBUF 0x100000ULL	/* receive buffer i at RXBUF + 0x10000 i */
#define TXBUF 0x300000ULL	/* transmit packet i at TXBUF + 0x10000 i */
#define HDR NET_HDR_LEN
#define F_MAC (1ULL << VIRTIO_NET_F_MAC)
#define F_STATUS (1ULL << VIRTIO_NET_F_STATUS)
#define F_MRG (1ULL << VIRTIO_NET_F_MRG_RXBUF)

FIXTURE(net) {
	struct testvm t;
	struct pci_dev *d;
	struct test_ring rx, tx;
	int host;		/* the tap's other end */
	bool up;
};

/* Both queues on their rings (vectors 1 and 2), DRIVER_OK; the status. */
static u8 bring_up(FIXTURE_DATA(net) *self, u64 features)
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
	for (q = 0; q < 2; q++) {
		wr(d, VIRTIO_PCI_Q_SELECT, q, 2);
		wr(d, VIRTIO_PCI_Q_SIZE, QSIZE, 2);
		wr(d, VIRTIO_PCI_Q_DESCLO, r[q]->desc, 4);
		wr(d, VIRTIO_PCI_Q_DESCHI, 0, 4);
		wr(d, VIRTIO_PCI_Q_AVAILLO, r[q]->avail, 4);
		wr(d, VIRTIO_PCI_Q_AVAILHI, 0, 4);
		wr(d, VIRTIO_PCI_Q_USEDLO, r[q]->used, 4);
		wr(d, VIRTIO_PCI_Q_USEDHI, 0, 4);
		wr(d, VIRTIO_PCI_Q_MSIX, q + 1, 2);
		wr(d, VIRTIO_PCI_Q_ENABLE, 1, 2);
	}
	wr(d, VIRTIO_PCI_MSIX_CONFIG, 0, 2);
	wr(d, VIRTIO_PCI_STATUS, STATUS_UP | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK, 1);
	return rd(d, VIRTIO_PCI_STATUS, 1);
}

static int vm_up(FIXTURE_DATA(net) *self, const struct vm_nic *nic, u64 features)
{
	struct testvm_opts to = { .xics = true, .nics = nic, .nr_nics = 1, .name = "netvm" };
	int ret;

	fake_pci__reset();
	ret = testvm__setup(&self->t, &to);
	if (ret)
		return ret;
	self->up = true;
	self->d = fake_pci.dev;
	if (!self->d)
		return -ENODEV;
	return bring_up(self, features & vt__offered(self->d)) & VIRTIO_STATUS_DRIVER_OK ? 0 :
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
		testvm__teardown(&self->t);
	if (self->host >= 0)
		close(self->host);
}

static void kick(FIXTURE_DATA(net) *self, unsigned int q)
{
	wr(self->d, VIRTIO_NOTIFY_OFF + VIRTIO_NOTIFY_MULT * q, q, 2);
}

static void poll_once(FIXTURE_DATA(net) *self)
{
	virtio_net__poll(&self->t.vm, 0, 0);
}

/* Receive buffer i: one writable chain of len bytes (head = descriptor i). */
static void post_rx(FIXTURE_DATA(net) *self, u16 i, u32 len)
{
	ring__desc(&self->rx, i, RXBUF + 0x10000ULL * i, len, VIRTQ_DESC_F_WRITE, 0);
	ring__avail(&self->rx, i);
}

/* Transmit packet i: a zero header and a frame of len bytes of fill, in nseg pieces. */
static void post_tx(FIXTURE_DATA(net) *self, u16 i, u32 len, u8 fill, unsigned int nseg)
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

static struct virtio_net_stats stats(FIXTURE_DATA(net) *self)
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
		mac[i] = rd(self->d, VIRTIO_DEVCFG_OFF + VIRTIO_NET_CFG_MAC + i, 1);
	EXPECT_EQ(0x52, mac[0]);
	EXPECT_EQ(0x54, mac[1]);
	EXPECT_EQ(0x00, mac[2]);
	EXPECT_EQ(VIRTIO_NET_S_LINK_UP, rd(self->d, VIRTIO_DEVCFG_OFF + VIRTIO_NET_CFG_STATUS, 2));
	EXPECT_EQ(1, rd(self->d, VIRTIO_DEVCFG_OFF + VIRTIO_NET_CFG_MAX_PAIRS, 2));
	/* Offered: what the socket pair "tap" can do (no offloads) plus the basics. */
	EXPECT_TRUE(vt__offered(self->d) & F_MRG);
	EXPECT_FALSE(vt__offered(self->d) & (1ULL << VIRTIO_NET_F_GUEST_TSO4));
	EXPECT_TRUE(vt__offered(self->d) & (1ULL << VIRTIO_NET_F_HOST_TSO4));
}

TEST_F(net, transmit_goes_to_the_tap_whole_in_any_number_of_pieces)
{
	u8 got[2048];
	unsigned int n;

	for (n = 1; n <= 3; n++) {
		post_tx(self, n, 100 * n, 0xa0 + n, n);
		kick(self, 1);
		poll_once(self);
		ASSERT_EQ(HDR + 100 * n, read(self->host, got, sizeof(got)));
		EXPECT_EQ(0xa0 + n, got[HDR]);
		EXPECT_EQ(0xa0 + n, got[HDR + 100 * n - 1]);
		ASSERT_EQ(n, ring__used_idx(&self->tx));
		EXPECT_EQ(4 * n, ring__used_id(&self->tx, n - 1));
		EXPECT_EQ(0, ring__used_len(&self->tx, n - 1));
	}
	EXPECT_EQ(3, stats(self).tx_packets);
	EXPECT_EQ(600, stats(self).tx_bytes);
}

TEST_F(net, malformed_transmit_is_dropped_and_handed_back)
{
	u8 got[2048];

	/* Shorter than a header and an Ethernet header. */
	post_tx(self, 0, 10, 1, 1);
	/* GSO the guest did not negotiate. */
	post_tx(self, 1, 200, 2, 1);
	self->t.ram[TXBUF + 0x10000 + 1] = VIRTIO_NET_HDR_GSO_TCPV4;
	/* An unknown GSO type. */
	post_tx(self, 2, 200, 3, 1);
	self->t.ram[TXBUF + 0x20000 + 1] = 7;
	/* And a good one after them. */
	post_tx(self, 3, 64, 4, 2);
	kick(self, 1);
	poll_once(self);
	ASSERT_EQ(4, ring__used_idx(&self->tx));
	EXPECT_EQ(3, stats(self).tx_drops);
	EXPECT_EQ(1, stats(self).tx_packets);
	ASSERT_EQ(HDR + 64, read(self->host, got, sizeof(got)));
	EXPECT_EQ(4, got[HDR]);
	EXPECT_EQ(-1, read(self->host, got, sizeof(got)));
}

TEST_F(net, receive_spans_mergeable_buffers)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		post_rx(self, i, 1024);
	kick(self, 0);
	ASSERT_TRUE(host_send(self, 3000, 0x5a, 0, 0));
	poll_once(self);
	ASSERT_EQ(3, ring__used_idx(&self->rx));
	EXPECT_EQ(1024, ring__used_len(&self->rx, 0));
	EXPECT_EQ(1024, ring__used_len(&self->rx, 1));
	EXPECT_EQ(HDR + 3000 - 2048, ring__used_len(&self->rx, 2));
	/* num_buffers in the first buffer's header. */
	EXPECT_EQ(3, ring__get(&self->rx, RXBUF + 10, 2));
	EXPECT_EQ(0x5a, self->t.ram[RXBUF + HDR]);
	EXPECT_EQ(0x5a, self->t.ram[RXBUF + 0x20000 + (HDR + 3000 - 2048) - 1]);
	EXPECT_EQ(1, stats(self).rx_packets);
	EXPECT_EQ(3000, stats(self).rx_bytes);
}

TEST_F(net, a_packet_waits_for_buffers_and_is_not_lost)
{
	ASSERT_TRUE(host_send(self, 500, 0x11, 0, 0));
	poll_once(self);
	EXPECT_EQ(0, ring__used_idx(&self->rx));
	/* Too few buffers for it: they are not used, the packet waits. */
	post_rx(self, 0, 256);
	kick(self, 0);
	poll_once(self);
	EXPECT_EQ(0, ring__used_idx(&self->rx));
	post_rx(self, 1, 512);
	kick(self, 0);
	poll_once(self);
	ASSERT_EQ(2, ring__used_idx(&self->rx));
	EXPECT_EQ(256, ring__used_len(&self->rx, 0));
	EXPECT_EQ(HDR + 500 - 256, ring__used_len(&self->rx, 1));
	EXPECT_EQ(0, stats(self).rx_drops);
}

TEST_F(net, bad_receive_chains_go_back_empty_and_the_packet_finds_a_good_one)
{
	/* A readable buffer in a receive chain, then one too small for the header. */
	ring__desc(&self->rx, 0, RXBUF, 1024, 0, 0);
	ring__avail(&self->rx, 0);
	post_rx(self, 1, 8);
	/* Outside RAM. */
	ring__desc(&self->rx, 2, TESTVM_RAM + 0x1000, 1024, VIRTQ_DESC_F_WRITE, 0);
	ring__avail(&self->rx, 2);
	post_rx(self, 3, 1500);
	kick(self, 0);
	ASSERT_TRUE(host_send(self, 100, 0x33, 0, 0));
	poll_once(self);
	ASSERT_EQ(4, ring__used_idx(&self->rx));
	EXPECT_EQ(0, ring__used_len(&self->rx, 0));
	EXPECT_EQ(0, ring__used_len(&self->rx, 1));
	EXPECT_EQ(0, ring__used_len(&self->rx, 2));
	EXPECT_EQ(3, ring__used_id(&self->rx, 3));
	EXPECT_EQ(HDR + 100, ring__used_len(&self->rx, 3));
	EXPECT_EQ(3, stats(self).errors);
	EXPECT_EQ(1, stats(self).rx_packets);
}

TEST_F(net, offloads_the_guest_did_not_take_are_dropped)
{
	post_rx(self, 0, 2048);
	kick(self, 0);
	ASSERT_TRUE(host_send(self, 100, 1, VIRTIO_NET_HDR_F_NEEDS_CSUM, 0));
	ASSERT_TRUE(host_send(self, 1000, 2, 0, VIRTIO_NET_HDR_GSO_TCPV4));
	ASSERT_TRUE(host_send(self, 100, 3, 0, 0));
	poll_once(self);
	ASSERT_EQ(1, ring__used_idx(&self->rx));
	EXPECT_EQ(3, self->t.ram[RXBUF + HDR]);
	EXPECT_EQ(2, stats(self).rx_drops);
}

TEST_F(net, a_guest_that_never_refills_stops_the_reads_not_pvm)
{
	unsigned int i;

	post_rx(self, 0, 2048);
	kick(self, 0);
	for (i = 0; i < 50; i++)
		ASSERT_TRUE(host_send(self, 64, i, 0, 0));
	for (i = 0; i < 5; i++)
		poll_once(self);
	/* One delivered, one waiting in pvm, the rest still in the "tap". */
	EXPECT_EQ(1, ring__used_idx(&self->rx));
	EXPECT_EQ(1, stats(self).rx_packets);
	EXPECT_EQ(0, stats(self).rx_drops);
}

TEST_F(net, without_mergeable_buffers_a_packet_needs_one_chain)
{
	testvm__teardown(&self->t);
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
	post_rx(self, 0, 512);
	post_rx(self, 1, 2048);
	kick(self, 0);
	/* Too big for chain 0: dropped, and chain 0 stays for a packet that fits. */
	ASSERT_TRUE(host_send(self, 1000, 0x77, 0, 0));
	ASSERT_TRUE(host_send(self, 100, 0x78, 0, 0));
	ASSERT_TRUE(host_send(self, 1000, 0x79, 0, 0));
	poll_once(self);
	ASSERT_EQ(2, ring__used_idx(&self->rx));
	EXPECT_EQ(0, ring__used_id(&self->rx, 0));
	EXPECT_EQ(HDR + 100, ring__used_len(&self->rx, 0));
	EXPECT_EQ(1, ring__get(&self->rx, RXBUF + 10, 2));	/* num_buffers */
	EXPECT_EQ(1, ring__used_id(&self->rx, 1));
	EXPECT_EQ(0x79, self->t.ram[RXBUF + 0x10000 + HDR]);
	EXPECT_EQ(1, stats(self).rx_drops);
}

TEST_F(net, a_tap_that_goes_away_is_link_down_for_the_guest)
{
	u8 gen = rd(self->d, VIRTIO_PCI_CFG_GENERATION, 1);

	post_rx(self, 0, 2048);
	kick(self, 0);
	close(self->host);
	self->host = -1;
	poll_once(self);
	EXPECT_EQ(0, rd(self->d, VIRTIO_DEVCFG_OFF + VIRTIO_NET_CFG_STATUS, 2));
	EXPECT_NE(gen, rd(self->d, VIRTIO_PCI_CFG_GENERATION, 1));
	EXPECT_FALSE(stats(self).link_up);
	/* Transmit still completes (dropped), the guest is not left waiting. */
	post_tx(self, 0, 64, 1, 1);
	kick(self, 1);
	poll_once(self);
	EXPECT_EQ(1, ring__used_idx(&self->tx));
	EXPECT_EQ(1, stats(self).tx_drops);
}

TEST_F(net, a_broken_ring_needs_a_reset_and_works_after_it)
{
	u8 got[256];

	/* avail->idx a whole ring and more ahead. */
	ring__set_avail_idx(&self->tx, QSIZE + 3);
	kick(self, 1);
	poll_once(self);
	EXPECT_TRUE(rd(self->d, VIRTIO_PCI_STATUS, 1) & VIRTIO_STATUS_NEEDS_RESET);
	ASSERT_TRUE(bring_up(self, F_VERSION_1 | F_MAC | F_MRG) & VIRTIO_STATUS_DRIVER_OK);
	post_tx(self, 0, 64, 9, 1);
	kick(self, 1);
	poll_once(self);
	ASSERT_EQ(HDR + 64, read(self->host, got, sizeof(got)));
	EXPECT_EQ(9, got[HDR]);
}

TEST_F(net, a_transmit_flood_is_served_in_budgets)
{
	u8 got[256];
	unsigned int i, n = 0;

	for (i = 0; i < 4; i++)
		post_tx(self, i, 64, i, 1);
	kick(self, 1);
	poll_once(self);
	while (read(self->host, got, sizeof(got)) > 0)
		n++;
	EXPECT_EQ(4, n);
	EXPECT_EQ(4, ring__used_idx(&self->tx));
}

TEST_F(net, stats_json_names_the_nic)
{
	struct json_object *devs = json_object_new_array(), *o, *v;

	ASSERT_EQ(0, virtio_net_module.stats(&self->t.vm, devs));
	ASSERT_EQ(1, json_object_array_length(devs));
	o = json_object_array_get_idx(devs, 0);
	ASSERT_TRUE(json_object_object_get_ex(o, "type", &v));
	EXPECT_STREQ("virtio-net", json_object_get_string(v));
	ASSERT_TRUE(json_object_object_get_ex(o, "tap", &v));
	EXPECT_STREQ("faketap0", json_object_get_string(v));
	EXPECT_TRUE(json_object_object_get_ex(o, "rx_drops", &v));
	EXPECT_TRUE(json_object_object_get_ex(o, "link_up", &v));
	json_object_put(devs);
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

TEST_HARNESS_MAIN
