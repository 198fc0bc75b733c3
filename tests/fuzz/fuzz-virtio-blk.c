// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: virtio-blk (virtio/blk.c, blk-req.c, block-io.c) over
 * hostile rings and requests. Byte 0 picks the disk (0: io_uring, 1: the
 * thread fallback; bit 0), the queue size (2^0..2^4, bits 1-3) and
 * EVENT_IDX/INDIRECT (bits 4, 5); byte 1 and 2 the avail index; the rest
 * is guest memory from the descriptor table on (descriptors, avail ring,
 * used ring, headers, data, status bytes). The device is brought up,
 * kicked, polled, and reset (which drains what is in flight): it must never
 * crash, hang, or write outside the small image.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz-vm.h"
#include "virtio-test.h"
#include "../../virtio/blk-priv.h"

#define WINDOW 0x7000ULL	/* input bytes go to 0x1000..0x8000 */
#define IMG SZ_64K

static struct vm *setup(void)
{
	static struct vm_disk disks[2];
	struct testvm_opts o = { .disks = disks, .nr_disks = 2 };
	char path[] = "/tmp/pvm-fuzz-blk-XXXXXX";
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct blkio_opts bo = { .no_uring = i };
		const char *why;
		int fd = mkstemp(path);

		if (fd < 0 || ftruncate(fd, IMG))
			abort();
		disks[i].path = path;
		snprintf(disks[i].serial, sizeof(disks[i].serial), "fuzz%u", i);
		if (blkio__open(&disks[i].io, path, &bo, &why))
			abort();
		/* The open file is all the device needs. */
		unlink(path);
		close(fd);
		memcpy(path + sizeof(path) - 7, "XXXXXX", 6);
	}
	fake_pci__reset();
	return fuzz_vm(&o);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct vm *vm;
	struct blk_set *set;
	struct pci_dev *d;
	struct test_ring r;
	unsigned int disk, i;
	u64 features;

	if (!vm)
		vm = setup();
	if (size < 3)
		return 0;
	disk = data[0] & 1;
	set = vm__priv(vm, &virtio_blk_module);
	d = &set->disk[disk]->vdev.pci;
	ring__setup(&r, fuzz_t.ram, 1 << ((data[0] >> 1) % 5));
	memset(fuzz_t.ram + 0x1000, 0, WINDOW);
	fuzz_put(0x1000, data + 3, MIN(size - 3, (size_t)WINDOW));
	features = (1ULL << VIRTIO_F_VERSION_1) |
		   (data[0] & 0x10 ? 1ULL << VIRTIO_RING_F_EVENT_IDX : 0) |
		   (data[0] & 0x20 ? 1ULL << VIRTIO_RING_F_INDIRECT_DESC : 0);
	vt__bring_up(d, &r, features | (vt__offered(d) & ~0xff000000ULL & 0xffffffffULL));
	ring__set_avail_idx(&r, data[1] | data[2] << 8);
	wr(d, VIRTIO_NOTIFY_OFF, 0, 2);
	for (i = 0; i < 4; i++)
		virtio_blk__poll(vm, disk, i ? 0 : 5);
	/* Reset drains whatever is still in flight. */
	wr(d, VIRTIO_PCI_STATUS, 0, 1);
	fuzz_drain();
	return 0;
}
