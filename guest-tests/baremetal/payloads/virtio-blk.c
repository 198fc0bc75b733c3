// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk with hostile descriptors (pvm run ... -d DISK, a small raw
 * image). The payload is its own driver: it finds the function under the
 * PHB in the device tree, sizes and places the virtio BAR in the 64-bit
 * window through ibm,read/write-pci-config, walks the virtio capabilities,
 * does the modern init by MMIO and polls the used ring (no interrupts).
 * Then it feeds the device chains a driver must never build and checks
 * pvm's documented answer for each (virtio/virtqueue.h, virtio/blk-priv.h):
 *   - a bad chain (loop, buffer outside RAM, absurd length, no bytes, bad
 *     next, nested or malformed indirect table, readable after writable,
 *     no writable status) is taken and handed back with used length 0 and
 *     nothing written, under its own head;
 *   - a chain that parses but asks for the impossible (header too short or
 *     writable, sector beyond the capacity, odd data length, unknown type)
 *     is answered IOERR / UNSUPP with used length 1;
 *   - rings outside RAM, an avail index too far ahead or a head outside the
 *     table break the queue: DEVICE_NEEDS_RESET, nothing served until a
 *     reset, and after the reset the device works again;
 *   - a reset with requests in flight returns only when nothing more will
 *     be written into guest memory.
 * After every case a well-formed read must still be served.
 */
#include "virtio.h"

const char payload_name[] = "virtio-blk";

#define VIRTIO_BLK_DEVICE 0x1042

#define T_IN 0
#define T_OUT 1
#define BLK_OK 0
#define BLK_IOERR 1
#define BLK_UNSUPP 2

#define UNTOUCHED 0xee		/* status bytes start as this */
#define WAIT_MS 5000

#define QSZ VQ_SIZE
static struct vring rq;
static struct vdesc ind[2][8] __attribute__((aligned(16)));

#define NREQ 16
#define BIG 65536
static u8 hdrs[NREQ][16] __attribute__((aligned(16)));
static u8 stat[NREQ];
static u8 big[NREQ][BIG] __attribute__((aligned(4096)));
static u8 pattern[512], back[512];

static u64 capacity, ram_size;

/* Fresh rings, the full init; true when the device runs. */
static bool vinit(void)
{
	memset(ind, 0, sizeof(ind));
	if (!vio_negotiate(F_VERSION_1 | F_INDIRECT_DESC))
		return false;
	vring_init(&rq, 0);
	vio_set_status(S_RUNNING);
	return vio_status() == S_RUNNING && mmio_r16(vio.common + Q_ENABLE) == 1;
}

static void set_hdr(int slot, u32 type, u64 sector)
{
	u8 *h = hdrs[slot];

	memset(h, 0, 16);
	memcpy(h, &type, 4);
	memcpy(h + 8, &sector, 8);
	stat[slot] = UNTOUCHED;
}

/* A well-formed IN/OUT at descriptors h..h+2; the used element in *e. */
static bool rw(u16 h, int slot, u32 type, u64 sector, void *buf, u32 len,
	       struct used_elem *e)
{
	set_hdr(slot, type, sector);
	vring_put(&rq, h, hdrs[slot], 16, D_NEXT, h + 1);
	vring_put(&rq, h + 1, buf, len, D_NEXT | (type == T_IN ? D_WRITE : 0), h + 2);
	vring_put(&rq, h + 2, &stat[slot], 1, D_WRITE, 0);
	vring_kick(&rq, h);
	return vring_wait(&rq, WAIT_MS, e);
}

/* The liveness check after each case: sector 5 still reads back the pattern. */
static void still_serving(const char *after)
{
	struct used_elem e = { 0xdead, 0xdead };
	bool got;

	memset(back, 0, sizeof(back));
	got = rw(0, 0, T_IN, 5, back, 512, &e);
	ok(got && e.id == 0 && e.len == 513 && stat[0] == BLK_OK &&
	   !memcmp(back, pattern, 512),
	   "after %s: a well-formed read is still served (done %d id %u len %u status 0x%x)",
	   after, got, e.id, e.len, stat[0]);
}

/*
 * Kick the chain at head (built by the caller, status byte in stat[slot]):
 * it must come back under its own head with used length want_len and the
 * status byte want_status (UNTOUCHED: nothing written).
 */
static void expect(const char *what, u16 head, int slot, u32 want_len, u8 want_status)
{
	struct used_elem e = { 0xdead, 0xdead };

	vring_kick(&rq, head);
	if (!vring_wait(&rq, WAIT_MS, &e)) {
		ok(false, "%s: taken and handed back within %u ms", what, WAIT_MS);
		return;
	}
	checkx(e.id, head, "%s: handed back under its own head %u", what, head);
	check(e.len, want_len, "%s: used length %u", what, want_len);
	checkx(stat[slot], want_status, "%s: status byte %s", what,
	       want_status == UNTOUCHED ? "untouched" :
	       want_status == BLK_IOERR ? "IOERR" :
	       want_status == BLK_UNSUPP ? "UNSUPP" : "OK");
	ok(vio_status() == S_RUNNING, "%s: device status still 0x%x (no NEEDS_RESET)", what,
	   S_RUNNING);
	still_serving(what);
}

/* ---- set-up ---- */

static bool setup(void)
{
	if (!vio_setup(VIRTIO_BLK_DEVICE))
		return false;
	check(mmio_r16(vio.common + NUM_QUEUES), 1, "one queue");
	ok((vio_features() & F_VERSION_1) && (vio_features() & F_INDIRECT_DESC) &&
	   !(vio_features() & F_ACCESS_PLATFORM),
	   "features offered: VERSION_1, INDIRECT_DESC, no ACCESS_PLATFORM (0x%lx)", vio_features());
	capacity = mmio_r32(vio.devcfg) | (u64)mmio_r32(vio.devcfg + 4) << 32;
	ok(capacity >= 16, "capacity %lu sectors", capacity);
	check(mmio_r32(vio.devcfg + 20), 512, "blk_size 512");
	check(vio_queue_max(0), 256, "queue 0 offers 256 entries");
	return true;
}

/* ---- cases ---- */

static void negotiation(void)
{
	ok(!vio_negotiate(F_VERSION_1 | F_ACCESS_PLATFORM),
	   "features: acking ACCESS_PLATFORM (not offered) -> FEATURES_OK refused");
	ok(!vio_negotiate(F_INDIRECT_DESC), "features: no VERSION_1 -> FEATURES_OK refused");
	/* queue set-up before FEATURES_OK is ignored */
	vio_set_status(0);
	vio_set_status(S_ACK | S_DRIVER);
	mmio_w16(vio.common + Q_SELECT, 0);
	mmio_w16(vio.common + Q_ENABLE, 1);
	check(mmio_r16(vio.common + Q_ENABLE), 0, "queue enable before FEATURES_OK is ignored");
	mmio_w16(vio.common + Q_SIZE, 48);
	check(mmio_r16(vio.common + Q_SIZE), 256, "queue size 48 (not a power of two) is ignored");
	mmio_w16(vio.common + Q_SELECT, 7);
	check(mmio_r16(vio.common + Q_SIZE), 0, "queue 7 (does not exist) reads size 0");
	vio_set_status(0);
	check(vio_status(), 0, "reset reads back 0");
}

static void round_trip(void)
{
	struct used_elem e = { 0xdead, 0xdead };
	unsigned int i;
	bool got;

	for (i = 0; i < 512; i++)
		pattern[i] = i * 7 + 0x31;
	got = rw(0, 0, T_OUT, 5, pattern, 512, &e);
	ok(got && e.id == 0, "write of sector 5 handed back (done %d id %u)", got, e.id);
	check(e.len, 1, "write: used length 1 (the status byte)");
	check(stat[0], BLK_OK, "write: VIRTIO_BLK_S_OK");
	memset(back, 0, sizeof(back));
	got = rw(0, 0, T_IN, 5, back, 512, &e);
	ok(got && e.id == 0, "read of sector 5 handed back (done %d id %u)", got, e.id);
	check(e.len, 513, "read: used length 513 (data + status)");
	check(stat[0], BLK_OK, "read: VIRTIO_BLK_S_OK");
	ok(!memcmp(back, pattern, 512), "read: the data written comes back");

	/* the last sector is inside */
	memset(big[0], 0x5c, 512);
	got = rw(3, 1, T_OUT, capacity - 1, big[0], 512, &e);
	ok(got && e.id == 3 && e.len == 1 && stat[1] == BLK_OK,
	   "write of the last sector (capacity - 1) -> OK (id %u len %u status 0x%x)", e.id,
	   e.len, stat[1]);
	memset(big[1], 0, 512);
	got = rw(3, 1, T_IN, capacity - 1, big[1], 512, &e);
	ok(got && e.len == 513 && stat[1] == BLK_OK && !memcmp(big[0], big[1], 512),
	   "read of the last sector -> OK, same data (len %u status 0x%x)", e.len, stat[1]);

	/* indirect, well-formed */
	set_hdr(2, T_IN, 5);
	memset(back, 0, sizeof(back));
	ind[0][0] = (struct vdesc){ (u64)hdrs[2], 16, D_NEXT, 1 };
	ind[0][1] = (struct vdesc){ (u64)back, 512, D_NEXT | D_WRITE, 2 };
	ind[0][2] = (struct vdesc){ (u64)&stat[2], 1, D_WRITE, 0 };
	vring_put(&rq, 6, ind[0], 3 * 16, D_INDIRECT, 0);
	vring_kick(&rq, 6);
	got = vring_wait(&rq, WAIT_MS, &e);
	ok(got && e.id == 6 && e.len == 513 && stat[2] == BLK_OK && !memcmp(back, pattern, 512),
	   "read through an indirect table -> OK, the data (id %u len %u status 0x%x)", e.id,
	   e.len, stat[2]);
}

/* Header at h, data at h+1, status at h+2, slot 1: the usual IN shape. */
static void in_chain(u16 h, u64 sector, const void *data, u32 len)
{
	set_hdr(1, T_IN, sector);
	vring_put(&rq, h, hdrs[1], 16, D_NEXT, h + 1);
	vring_put(&rq, h + 1, data, len, D_NEXT | D_WRITE, h + 2);
	vring_put(&rq, h + 2, &stat[1], 1, D_WRITE, 0);
}

static void bad_chains(void)
{
	u16 h;

	/* heads from 8 on: never the head of the last good request (0) */
	h = 8;
	in_chain(h, 5, big[1], 512);
	rq.desc[h + 2].flags |= D_NEXT;
	rq.desc[h + 2].next = h + 1;
	expect("descriptor loop (status -> data -> status ...)", h, 1, 0, UNTOUCHED);

	h = 11;
	vring_put(&rq, h, hdrs[1], 0, D_NEXT, h);
	stat[1] = UNTOUCHED;
	expect("zero-length descriptor pointing at itself", h, 1, 0, UNTOUCHED);

	h = 12;
	in_chain(h, 5, (void *)OUTSIDE, 512);
	expect("data buffer at 0xff00000000 (outside RAM)", h, 1, 0, UNTOUCHED);

	h = 15;
	in_chain(h, 5, big[1], 512);
	rq.desc[h].addr = OUTSIDE;
	expect("header at 0xff00000000 (outside RAM)", h, 1, 0, UNTOUCHED);

	h = 18;
	in_chain(h, 5, big[1], 512);
	rq.desc[h + 2].addr = OUTSIDE;
	expect("status byte at 0xff00000000 (outside RAM)", h, 1, 0, UNTOUCHED);

	h = 21;
	in_chain(h, 5, big[1], 0xffffffff);
	expect("data length 0xffffffff", h, 1, 0, UNTOUCHED);

	h = 24;
	in_chain(h, 5, (void *)(ram_size - 256), 512);
	expect("data buffer straddling the end of RAM", h, 1, 0, UNTOUCHED);

	h = 27;
	in_chain(h, 5, big[1], 0);
	rq.desc[h].len = 0;
	rq.desc[h + 2].len = 0;
	expect("zero-length chain (every descriptor length 0)", h, 1, 0, UNTOUCHED);

	h = 30;
	in_chain(h, 5, big[1], 512);
	rq.desc[h].len = 0;
	expect("zero-length header -> IOERR", h, 1, 1, BLK_IOERR);

	h = 33;
	in_chain(h, 5, big[1], 512);
	rq.desc[h].len = 8;
	expect("8-byte header -> IOERR", h, 1, 1, BLK_IOERR);

	h = 36;
	in_chain(h, 5, big[1], 512);
	rq.desc[h].next = QSZ + 100;
	expect("next index beyond the queue size", h, 1, 0, UNTOUCHED);

	h = 39;
	in_chain(h, 5, big[1], 512);
	rq.desc[h].flags |= D_WRITE;
	expect("header device-writable (all writable) -> IOERR", h, 1, 1, BLK_IOERR);

	h = 42;
	set_hdr(1, T_OUT, 5);
	vring_put(&rq, h, hdrs[1], 16, D_NEXT | D_WRITE, h + 1);
	vring_put(&rq, h + 1, pattern, 512, D_NEXT, h + 2);
	vring_put(&rq, h + 2, &stat[1], 1, D_WRITE, 0);
	expect("writable header then a readable buffer (order violated)", h, 1, 0, UNTOUCHED);

	h = 45;
	in_chain(h, 5, big[1], 512);
	rq.desc[h + 2].flags = 0;	/* the status is readable: nowhere to answer */
	expect("readable status byte after the writable data (order violated)", h, 1, 0, UNTOUCHED);

	h = 45;
	set_hdr(1, T_OUT, 5);
	vring_put(&rq, h, hdrs[1], 16, D_NEXT, h + 1);
	vring_put(&rq, h + 1, pattern, 512, D_NEXT, h + 2);
	vring_put(&rq, h + 2, &stat[1], 1, 0, 0);
	expect("no device-writable byte at all (nowhere to answer)", h, 1, 0, UNTOUCHED);

	h = 48;
	in_chain(h, capacity, big[1], 512);
	expect("read at sector = capacity -> IOERR", h, 1, 1, BLK_IOERR);

	h = 51;
	in_chain(h, capacity - 1, big[1], 1024);
	expect("read of 2 sectors from the last one -> IOERR", h, 1, 1, BLK_IOERR);

	h = 54;
	in_chain(h, ~0UL, big[1], 512);
	expect("read at sector 2^64-1 -> IOERR", h, 1, 1, BLK_IOERR);

	h = 57;
	set_hdr(1, T_OUT, capacity);
	vring_put(&rq, h, hdrs[1], 16, D_NEXT, h + 1);
	vring_put(&rq, h + 1, pattern, 512, D_NEXT, h + 2);
	vring_put(&rq, h + 2, &stat[1], 1, D_WRITE, 0);
	expect("write at sector = capacity -> IOERR", h, 1, 1, BLK_IOERR);

	h = 60;
	in_chain(h, 5, big[1], 100);
	expect("read of 100 bytes (not whole sectors) -> IOERR", h, 1, 1, BLK_IOERR);

	h = 8;
	in_chain(h, 5, big[1], 512);
	hdrs[1][0] = 0x34, hdrs[1][1] = 0x12;
	expect("request type 0x1234 -> UNSUPP", h, 1, 1, BLK_UNSUPP);
}

/* Indirect tables: slot 1 in ind[0] (and ind[1] for nesting). */
static void bad_indirect(void)
{
	u16 h = 10;

	set_hdr(1, T_IN, 5);
	ind[1][0] = (struct vdesc){ (u64)hdrs[1], 16, D_NEXT, 1 };
	ind[1][1] = (struct vdesc){ (u64)big[1], 512, D_NEXT | D_WRITE, 2 };
	ind[1][2] = (struct vdesc){ (u64)&stat[1], 1, D_WRITE, 0 };
	ind[0][0] = (struct vdesc){ (u64)ind[1], 3 * 16, D_INDIRECT, 0 };
	vring_put(&rq, h, ind[0], 16, D_INDIRECT, 0);
	expect("nested indirect table", h, 1, 0, UNTOUCHED);

	h = 13;
	memcpy(ind[0], ind[1], sizeof(ind[1]));
	vring_put(&rq, h, ind[0], 3 * 16, D_INDIRECT | D_NEXT, h + 1);
	vring_put(&rq, h + 1, &stat[1], 1, D_WRITE, 0);
	stat[1] = UNTOUCHED;
	expect("indirect descriptor with NEXT set", h, 1, 0, UNTOUCHED);

	h = 16;
	vring_put(&rq, h, ind[0], 40, D_INDIRECT, 0);
	expect("indirect table length 40 (not a multiple of 16)", h, 1, 0, UNTOUCHED);

	h = 19;
	vring_put(&rq, h, (void *)OUTSIDE, 3 * 16, D_INDIRECT, 0);
	expect("indirect table at 0xff00000000", h, 1, 0, UNTOUCHED);

	h = 22;
	ind[0][2].flags |= D_NEXT;
	ind[0][2].next = 1;
	vring_put(&rq, h, ind[0], 3 * 16, D_INDIRECT, 0);
	expect("loop inside an indirect table", h, 1, 0, UNTOUCHED);

	h = 25;
	memcpy(ind[0], ind[1], sizeof(ind[1]));
	ind[0][1].next = 7;	/* inside ind[0]'s storage, past the 3 entries given */
	vring_put(&rq, h, ind[0], 3 * 16, D_INDIRECT, 0);
	expect("next beyond the indirect table's entries", h, 1, 0, UNTOUCHED);

	h = 28;
	vring_put(&rq, h, ind[0], 0, D_INDIRECT, 0);
	expect("indirect table of length 0", h, 1, 0, UNTOUCHED);
}

/* NEEDS_RESET: nothing more is served until a reset; then the device works. */
static void after_broken(const char *what)
{
	ok(vio_wait_status_bit(S_NEEDS_RESET, WAIT_MS), "%s: DEVICE_NEEDS_RESET (status 0x%x)", what,
	   vio_status());
	in_chain(3, 5, big[1], 512);
	vring_kick(&rq, 3);
	ok(vring_quiet(&rq, 300), "%s: a well-formed request is not served while NEEDS_RESET", what);
	vio_set_status(S_RUNNING);
	ok(vio_status() & S_NEEDS_RESET, "%s: the driver cannot clear NEEDS_RESET itself", what);
	vio_set_status(0);
	check(vio_status(), 0, "%s: reset clears it", what);
	ok(vinit(), "%s: re-initialised (status 0x%x)", what, vio_status());
	still_serving(what);
}

static void bad_rings_at_enable(void)
{
	unsigned int i;

	for (i = 0; i < nr_bad_rings; i++) {
		const char *what = bad_rings[i].what;

		if (!ok(vio_negotiate(F_VERSION_1 | F_INDIRECT_DESC), "%s: features accepted", what))
			continue;
		vring_init_bad(&rq, 0, i);
		ok(vio_status() & S_NEEDS_RESET, "%s: enable -> DEVICE_NEEDS_RESET at once (status 0x%x)",
		   what, vio_status());
		vio_set_status(S_RUNNING | S_NEEDS_RESET);
		in_chain(3, 5, big[1], 512);
		vring_kick(&rq, 3);
		ok(vring_quiet(&rq, 200) && stat[1] == UNTOUCHED, "%s: a kick is not served", what);
		vio_set_status(0);
		check(vio_status(), 0, "%s: reset clears it", what);
		ok(vinit(), "%s: re-initialised", what);
		still_serving(what);
	}
}

/*
 * Broken while running: the I/O thread finds it. Last, because a pvm that
 * cannot survive it ends the run here.
 */
static void bad_rings_running(void)
{
	in_chain(3, 5, big[1], 512);
	vring_add(&rq, 3);
	rq.next_avail += QSZ + 1;
	vring_publish(&rq);
	after_broken("avail index more than the queue size ahead");

	in_chain(3, 5, big[1], 512);
	vring_kick(&rq, QSZ + 5);
	after_broken("head index beyond the queue size in the avail ring");
}

static u32 sum(const u8 *p, u64 n)
{
	u32 s = 0;

	while (n--)
		s = s * 31 + *p++;
	return s;
}

static void reset_in_flight(void)
{
	u32 before_sum, after_sum;
	u16 before_idx, i;
	u8 st_before[NREQ];
	u8 rs;

	if (!ok(capacity >= 256 + 128 * NREQ, "the disk holds %u x 64 KiB from sector 256", NREQ))
		return;
	memset(big, 0xa5, sizeof(big));
	/* 16 reads of 64 KiB and a write each at a different place: all in one kick */
	for (i = 0; i < NREQ; i++) {
		set_hdr(i, i & 1 ? T_OUT : T_IN, 256 + 128 * (u64)i);
		vring_put(&rq, 3 * i, hdrs[i], 16, D_NEXT, 3 * i + 1);
		vring_put(&rq, 3 * i + 1, big[i], BIG, D_NEXT | (i & 1 ? 0 : D_WRITE), 3 * i + 2);
		vring_put(&rq, 3 * i + 2, &stat[i], 1, D_WRITE, 0);
		vring_add(&rq, 3 * i);
	}
	vring_publish(&rq);
	vio_set_status(0);
	rs = vio_status();
	mb();
	before_idx = READ_ONCE(rq.used.idx);
	memcpy(st_before, stat, NREQ);
	before_sum = sum(big[0], sizeof(big));
	printf("# reset with %u requests queued: %u handed back before it returned\n", NREQ,
	       before_idx);
	check(rs, 0, "reset during queued I/O: status reads 0 when the store returns");
	delay_ms(500);
	mb();
	after_sum = sum(big[0], sizeof(big));
	ok(READ_ONCE(rq.used.idx) == before_idx && !memcmp(st_before, stat, NREQ) &&
	   before_sum == after_sum,
	   "reset during queued I/O: nothing written into guest memory after it (used idx %u -> %u)",
	   before_idx, READ_ONCE(rq.used.idx));
	ok(vinit(), "reset during queued I/O: re-initialised (status 0x%x)", vio_status());
	still_serving("a reset during queued I/O");
	/* a couple more, with the ring well used */
	for (i = 0; i < 3; i++)
		still_serving("a reset during queued I/O (again)");
}

int main(const void *blob)
{
	(void)blob;
	ram_size = fdt_ram_size();
	ok(ram_size >= 0x1000000, "/memory: RAM from 0, 0x%lx bytes", ram_size);
	if (!setup())
		return 0;
	negotiation();
	if (!ok(vinit(), "init: reset, ACK, DRIVER, VERSION_1 | INDIRECT_DESC, FEATURES_OK, "
		"queue 0 (%u entries), DRIVER_OK -> status 0x%x", QSZ, vio_status()))
		return 0;
	round_trip();
	bad_chains();
	bad_indirect();
	bad_rings_at_enable();
	reset_in_flight();
	bad_rings_running();
	ok(vio_status() == S_RUNNING, "the device runs at the end (status 0x%x)", vio_status());
	return 0;
}
