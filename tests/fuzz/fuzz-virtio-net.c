// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: virtio-net (virtio/net.c, net-io.c) over hostile rings,
 * transmit chains and packets from the tap (a SOCK_SEQPACKET socket pair).
 * Byte 0 picks the queue size (2^0..2^4, bits 0-2), EVENT_IDX, INDIRECT,
 * MRG_RXBUF and the checksum/TSO features (bits 3-7); bytes 1-4 the two
 * avail indexes; byte 5 how many packets the host sends (0-3) and bytes
 * 6-7 their length; the rest is guest memory from 0x1000 on: the receive
 * ring at 0x1000/0x2000/0x3000, the transmit ring at 0x4000/0x5000/0x6000,
 * buffers anywhere. Both queues are kicked and served, then the device is
 * reset: pvm must never crash, hang, or write outside guest RAM.
 */
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz-vm.h"
#include "virtio-test.h"
#include "virtio/net.h"
#include "../../virtio/net-priv.h"

#define WINDOW 0x7000ULL	/* input bytes go to 0x1000..0x8000 */

static int host = -1;

static struct vm *setup(void)
{
	static struct vm_nic nic = { .fd = -1, .vhost_fd = -1, .tapif = "fuzz0" };
	struct testvm_opts o = { .nics = &nic, .nr_nics = 1 };
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv))
		abort();
	nic.fd = sv[0];
	host = sv[1];
	fake_pci__reset();
	return fuzz_vm(&o);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static u8 pkt[NET_HDR_LEN + 4096];
	static struct vm *vm;
	struct test_ring rx, tx;
	struct net_set *set;
	struct pci_dev *d;
	unsigned int i, npkt;
	u16 qsize;
	u64 f;

	if (!vm)
		vm = setup();
	if (size < 8)
		return 0;
	set = vm__priv(vm, &virtio_net_module);
	d = &set->nic[0]->vdev.pci;
	qsize = 1 << (data[0] % 5);
	rx = (struct test_ring){ .ram = fuzz_t.ram, .size = qsize, .desc = 0x1000,
				 .avail = 0x2000, .used = 0x3000 };
	tx = (struct test_ring){ .ram = fuzz_t.ram, .size = qsize, .desc = 0x4000,
				 .avail = 0x5000, .used = 0x6000 };
	memset(fuzz_t.ram + 0x1000, 0, WINDOW);
	fuzz_put(0x1000, data + 8, MIN(size - 8, (size_t)WINDOW));
	f = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_NET_F_MAC) |
	    (data[0] & 0x08 ? 1ULL << VIRTIO_RING_F_EVENT_IDX : 0) |
	    (data[0] & 0x10 ? 1ULL << VIRTIO_RING_F_INDIRECT_DESC : 0) |
	    (data[0] & 0x20 ? 1ULL << VIRTIO_NET_F_MRG_RXBUF : 0) |
	    (data[0] & 0x40 ? (1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_HOST_TSO4) : 0) |
	    (data[0] & 0x80 ? 1ULL << VIRTIO_NET_F_HOST_TSO6 : 0);
	wr(d, VIRTIO_PCI_STATUS, 0, 1);
	negotiate(d, f & vt__offered(d));
	vt__queue_on(d, 0, &rx, 1);
	vt__queue_on(d, 1, &tx, 2);
	vt__driver_ok(d);
	ring__set_avail_idx(&rx, data[1] | data[2] << 8);
	ring__set_avail_idx(&tx, data[3] | data[4] << 8);
	/* Packets from the host: a header and frame taken from the input too. */
	npkt = data[5] % 4;
	for (i = 0; i < npkt; i++) {
		size_t len = NET_HDR_LEN + (data[6] | data[7] << 8) % (sizeof(pkt) - NET_HDR_LEN);

		memcpy(pkt, data + 8, MIN(size - 8, len));
		if (write(host, pkt, len) < 0)
			break;
	}
	wr(d, VIRTIO_NOTIFY_OFF, 0, 2);
	wr(d, VIRTIO_NOTIFY_OFF + VIRTIO_NOTIFY_MULT, 1, 2);
	for (i = 0; i < 3; i++)
		virtio_net__poll(vm, 0, 0);
	wr(d, VIRTIO_PCI_STATUS, 0, 1);
	/* What the guest sent, and what the device did not take: gone. */
	while (read(host, pkt, sizeof(pkt)) > 0)
		;
	while (read(set->nic[0]->tap_fd, pkt, sizeof(pkt)) > 0)
		;
	set->nic[0]->rx_len = 0;
	fuzz_drain();
	return 0;
}
