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
#include "rt.h"

const char payload_name[] = "virtio-blk";

#define VIRTIO_VENDOR 0x1af4
#define VIRTIO_BLK_DEVICE 0x1042

/* virtio_pci_cap (virtio 1.x §4.1.4) */
#define CAP_COMMON 1
#define CAP_NOTIFY 2
#define CAP_ISR 3
#define CAP_DEVICE 4

/* common configuration */
#define DFSELECT 0x00
#define DF 0x04
#define GFSELECT 0x08
#define GF 0x0c
#define NUM_QUEUES 0x12
#define STATUS 0x14
#define Q_SELECT 0x16
#define Q_SIZE 0x18
#define Q_ENABLE 0x1c
#define Q_NOFF 0x1e
#define Q_DESC 0x20
#define Q_AVAIL 0x28
#define Q_USED 0x30

#define S_ACK 0x01
#define S_DRIVER 0x02
#define S_DRIVER_OK 0x04
#define S_FEATURES_OK 0x08
#define S_NEEDS_RESET 0x40
#define S_RUNNING (S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK)

#define F_INDIRECT_DESC (1UL << 28)
#define F_VERSION_1 (1UL << 32)
#define F_ACCESS_PLATFORM (1UL << 33)

#define D_NEXT 1
#define D_WRITE 2
#define D_INDIRECT 4

#define T_IN 0
#define T_OUT 1
#define BLK_OK 0
#define BLK_IOERR 1
#define BLK_UNSUPP 2

#define OUTSIDE 0xff00000000UL	/* 1020 GiB: far beyond any RAM here */
#define UNTOUCHED 0xee		/* status bytes start as this */
#define WAIT_MS 5000

#define QSZ 64
struct desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};
struct used_elem {
	u32 id, len;
};

static struct desc dt[QSZ] __attribute__((aligned(16)));
static struct {
	u16 flags, idx, ring[QSZ], used_event;
} avail __attribute__((aligned(16)));
static struct {
	u16 flags, idx;
	struct used_elem ring[QSZ];
	u16 avail_event;
} used __attribute__((aligned(16)));
static struct desc ind[2][8] __attribute__((aligned(16)));

#define NREQ 16
#define BIG 65536
static u8 hdrs[NREQ][16] __attribute__((aligned(16)));
static u8 stat[NREQ];
static u8 big[NREQ][BIG] __attribute__((aligned(4096)));
static u8 pattern[512], back[512];

static struct pci_fn fn;
static u64 bar, common, isr, devcfg, notify;
static u64 capacity, ram_size;
static u16 next_avail, last_used;

/* ---- registers ---- */

static u8 status(void)
{
	return mmio_r8(common + STATUS);
}

static void set_status(u8 v)
{
	mmio_w8(common + STATUS, v);
}

static void w64(u64 off, u64 v)
{
	mmio_w32(common + off, (u32)v);
	mmio_w32(common + off + 4, (u32)(v >> 32));
}

static u64 features(void)
{
	u64 lo, hi;

	mmio_w32(common + DFSELECT, 0);
	lo = mmio_r32(common + DF);
	mmio_w32(common + DFSELECT, 1);
	hi = mmio_r32(common + DF);
	return hi << 32 | lo;
}

/* reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK: true if it stuck */
static bool negotiate(u64 f)
{
	set_status(0);
	set_status(S_ACK);
	set_status(S_ACK | S_DRIVER);
	mmio_w32(common + GFSELECT, 0);
	mmio_w32(common + GF, (u32)f);
	mmio_w32(common + GFSELECT, 1);
	mmio_w32(common + GF, (u32)(f >> 32));
	set_status(S_ACK | S_DRIVER | S_FEATURES_OK);
	return status() & S_FEATURES_OK;
}

static void queue_setup(u64 d, u64 a, u64 u)
{
	mmio_w16(common + Q_SELECT, 0);
	mmio_w16(common + Q_SIZE, QSZ);
	w64(Q_DESC, d);
	w64(Q_AVAIL, a);
	w64(Q_USED, u);
	mmio_w16(common + Q_ENABLE, 1);
}

/* Fresh rings, the full init; true when the device runs. */
static bool vinit(void)
{
	memset(dt, 0, sizeof(dt));
	memset(&avail, 0, sizeof(avail));
	memset(&used, 0, sizeof(used));
	memset(ind, 0, sizeof(ind));
	avail.flags = 1;	/* VIRTQ_AVAIL_F_NO_INTERRUPT: we poll */
	next_avail = last_used = 0;
	mb();
	if (!negotiate(F_VERSION_1 | F_INDIRECT_DESC))
		return false;
	queue_setup((u64)dt, (u64)&avail, (u64)&used);
	set_status(S_RUNNING);
	return status() == S_RUNNING && mmio_r16(common + Q_ENABLE) == 1;
}

/* ---- the ring ---- */

static void put_desc(u16 i, const void *addr, u32 len, u16 flags, u16 next)
{
	dt[i] = (struct desc){ (u64)addr, len, flags, next };
}

static void add_avail(u16 head)
{
	avail.ring[next_avail % QSZ] = head;
	next_avail++;
}

static void publish(void)
{
	mb();
	WRITE_ONCE(avail.idx, next_avail);
	mmio_w16(notify, 0);	/* mmio_w16 syncs first */
}

static void kick(u16 head)
{
	add_avail(head);
	publish();
}

static bool wait_used(unsigned int ms, struct used_elem *e)
{
	u64 end = mftb() + tb_freq / 1000 * ms;

	while (READ_ONCE(used.idx) == last_used)
		if (mftb() > end)
			return false;
	mb();
	*e = used.ring[last_used % QSZ];
	last_used++;
	return true;
}

/* True if nothing comes back for ms. */
static bool quiet(unsigned int ms)
{
	delay_ms(ms);
	mb();
	return READ_ONCE(used.idx) == last_used;
}

static bool wait_status_bit(u8 bit, unsigned int ms)
{
	u64 end = mftb() + tb_freq / 1000 * ms;

	do {
		if (status() & bit)
			return true;
	} while (mftb() < end);
	return false;
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
	put_desc(h, hdrs[slot], 16, D_NEXT, h + 1);
	put_desc(h + 1, buf, len, D_NEXT | (type == T_IN ? D_WRITE : 0), h + 2);
	put_desc(h + 2, &stat[slot], 1, D_WRITE, 0);
	kick(h);
	return wait_used(WAIT_MS, e);
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

	kick(head);
	if (!wait_used(WAIT_MS, &e)) {
		ok(false, "%s: taken and handed back within %u ms", what, WAIT_MS);
		return;
	}
	checkx(e.id, head, "%s: handed back under its own head %u", what, head);
	check(e.len, want_len, "%s: used length %u", what, want_len);
	checkx(stat[slot], want_status, "%s: status byte %s", what,
	       want_status == UNTOUCHED ? "untouched" :
	       want_status == BLK_IOERR ? "IOERR" :
	       want_status == BLK_UNSUPP ? "UNSUPP" : "OK");
	ok(status() == S_RUNNING, "%s: device status still 0x%x (no NEEDS_RESET)", what,
	   S_RUNNING);
	still_serving(what);
}

/* ---- set-up ---- */

static u32 cfg_le32(u32 reg)
{
	u32 v = 0;
	int i;

	for (i = 3; i >= 0; i--)
		v = v << 8 | pci_cfg_r(&fn, reg + i, 1);
	return v;
}

static bool setup(void)
{
	u32 cmd, off, len, mult = 0, noff;
	u64 size, off_common = ~0UL, off_isr = ~0UL, off_dev = ~0UL, off_notify = ~0UL;
	int pos, ncaps = 0;
	bool mem64;
	u8 type;

	if (!ok(pci_find(VIRTIO_VENDOR, VIRTIO_BLK_DEVICE, &fn),
		"device tree: a 1af4:1042 function under a PCI host bridge"))
		return false;
	printf("# PHB %s BUID 0x%lx, %s at config_addr 0x%x; 64-bit window bus 0x%lx cpu 0x%lx size 0x%lx\n",
	       fdt_name(fdt, fn.phb_node), fn.buid, fdt_name(fdt, fn.node), fn.addr,
	       fn.mem64_bus, fn.mem64_cpu, fn.mem64_size);
	ok(fn.mem64_size && fn.mem64_bus == fn.mem64_cpu,
	   "PHB ranges: a 64-bit window, identity mapped (bus = CPU address)");
	checkx(rtas_token("ibm,read-pci-config"), 0x201f, "/rtas ibm,read-pci-config token");
	checkx(rtas_token("ibm,write-pci-config"), 0x2020, "/rtas ibm,write-pci-config token");
	checkx(pci_cfg_r(&fn, 0, 4), (u32)VIRTIO_BLK_DEVICE << 16 | VIRTIO_VENDOR,
	       "config space vendor/device ID");
	check(pci_cfg_r(&fn, 8, 1), 1, "revision 1 (modern only)");

	size = pci_bar_size(&fn, 4, &mem64);
	ok(size >= 0x4000 && !(size & (size - 1)) && mem64,
	   "BAR 4 sized: 0x%lx bytes, 64-bit memory", size);
	if (!size || size > fn.mem64_size)
		return false;
	bar = fn.mem64_cpu;	/* aligned: the window starts on a large boundary */
	check(pci_bar_set(&fn, 4, fn.mem64_bus, true), 0, "BAR 4 = 0x%lx", fn.mem64_bus);
	checkx((u64)pci_cfg_r(&fn, 0x24, 4) << 32 | (pci_cfg_r(&fn, 0x20, 4) & ~0xfu),
	       fn.mem64_bus, "BAR 4 reads back its address");
	cmd = pci_cfg_r(&fn, PCI_COMMAND, 2);
	check(pci_cfg_write(&fn, PCI_COMMAND, 2, cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER),
	      0, "COMMAND |= MEMORY | MASTER");
	checkx(pci_cfg_r(&fn, PCI_COMMAND, 2) & 6, 6, "COMMAND reads back MEMORY | MASTER");
	/* wrong BUID and unknown function: -1 (docs/pci.md) */
	check(rtas_call(rtas_token("ibm,read-pci-config"), 4, 2, &cmd, fn.addr, 0, 1, 4), -1,
	      "ibm,read-pci-config with a wrong BUID -> -1");

	for (pos = pci_find_cap(&fn, PCI_CAP_ID_VNDR, 0); pos;
	     pos = pci_find_cap(&fn, PCI_CAP_ID_VNDR, pos)) {
		type = pci_cfg_r(&fn, pos + 3, 1);
		off = cfg_le32(pos + 8);
		len = cfg_le32(pos + 12);
		printf("# vendor cap at 0x%x: cfg_type %u bar %u offset 0x%x length 0x%x\n", pos,
		       type, pci_cfg_r(&fn, pos + 4, 1), off, len);
		ncaps++;
		if (type < CAP_COMMON || type > CAP_DEVICE)
			continue;
		if (pci_cfg_r(&fn, pos + 4, 1) != 4 || (u64)off + len > size)
			continue;
		if (type == CAP_COMMON)
			off_common = off;
		else if (type == CAP_ISR)
			off_isr = off;
		else if (type == CAP_DEVICE)
			off_dev = off;
		else {
			off_notify = off;
			mult = cfg_le32(pos + 16);
		}
	}
	ok(off_common != ~0UL && off_isr != ~0UL && off_dev != ~0UL && off_notify != ~0UL,
	   "virtio capabilities: common, notify, ISR and device config in BAR 4 (%d vendor caps)",
	   ncaps);
	if (off_common == ~0UL || off_notify == ~0UL || off_dev == ~0UL)
		return false;
	ok(off_common == 0 && off_isr == 0x1000 && off_dev == 0x2000 && off_notify == 0x3000 &&
	   mult == 4, "layout as virtio/pci.c: common 0, ISR 0x1000, device 0x2000, notify 0x3000 x 4");
	common = bar + off_common;
	isr = bar + off_isr;
	devcfg = bar + off_dev;

	/* first MMIO: if real-mode MMIO does not reach pvm, it shows here */
	set_status(0);
	if (!check(status(), 0, "MMIO: device status reads 0 after a reset"))
		return false;
	check(mmio_r16(common + NUM_QUEUES), 1, "one queue");
	ok((features() & F_VERSION_1) && (features() & F_INDIRECT_DESC) &&
	   !(features() & F_ACCESS_PLATFORM),
	   "features offered: VERSION_1, INDIRECT_DESC, no ACCESS_PLATFORM (0x%lx)", features());
	capacity = mmio_r32(devcfg) | (u64)mmio_r32(devcfg + 4) << 32;
	ok(capacity >= 16, "capacity %lu sectors", capacity);
	check(mmio_r32(devcfg + 20), 512, "blk_size 512");
	mmio_w16(common + Q_SELECT, 0);
	check(mmio_r16(common + Q_SIZE), 256, "queue 0 offers 256 entries");
	noff = mmio_r16(common + Q_NOFF);
	notify = bar + off_notify + (u64)noff * mult;
	printf("# notify at 0x%lx (queue_notify_off %u)\n", notify, noff);
	return true;
}

/* ---- cases ---- */

static void negotiation(void)
{
	ok(!negotiate(F_VERSION_1 | F_ACCESS_PLATFORM),
	   "features: acking ACCESS_PLATFORM (not offered) -> FEATURES_OK refused");
	ok(!negotiate(F_INDIRECT_DESC), "features: no VERSION_1 -> FEATURES_OK refused");
	/* queue set-up before FEATURES_OK is ignored */
	set_status(0);
	set_status(S_ACK | S_DRIVER);
	mmio_w16(common + Q_SELECT, 0);
	mmio_w16(common + Q_ENABLE, 1);
	check(mmio_r16(common + Q_ENABLE), 0, "queue enable before FEATURES_OK is ignored");
	mmio_w16(common + Q_SIZE, 48);
	check(mmio_r16(common + Q_SIZE), 256, "queue size 48 (not a power of two) is ignored");
	mmio_w16(common + Q_SELECT, 7);
	check(mmio_r16(common + Q_SIZE), 0, "queue 7 (does not exist) reads size 0");
	set_status(0);
	check(status(), 0, "reset reads back 0");
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
	ind[0][0] = (struct desc){ (u64)hdrs[2], 16, D_NEXT, 1 };
	ind[0][1] = (struct desc){ (u64)back, 512, D_NEXT | D_WRITE, 2 };
	ind[0][2] = (struct desc){ (u64)&stat[2], 1, D_WRITE, 0 };
	put_desc(6, ind[0], 3 * 16, D_INDIRECT, 0);
	kick(6);
	got = wait_used(WAIT_MS, &e);
	ok(got && e.id == 6 && e.len == 513 && stat[2] == BLK_OK && !memcmp(back, pattern, 512),
	   "read through an indirect table -> OK, the data (id %u len %u status 0x%x)", e.id,
	   e.len, stat[2]);
}

/* Header at h, data at h+1, status at h+2, slot 1: the usual IN shape. */
static void in_chain(u16 h, u64 sector, const void *data, u32 len)
{
	set_hdr(1, T_IN, sector);
	put_desc(h, hdrs[1], 16, D_NEXT, h + 1);
	put_desc(h + 1, data, len, D_NEXT | D_WRITE, h + 2);
	put_desc(h + 2, &stat[1], 1, D_WRITE, 0);
}

static void bad_chains(void)
{
	u16 h;

	/* heads from 8 on: never the head of the last good request (0) */
	h = 8;
	in_chain(h, 5, big[1], 512);
	dt[h + 2].flags |= D_NEXT;
	dt[h + 2].next = h + 1;
	expect("descriptor loop (status -> data -> status ...)", h, 1, 0, UNTOUCHED);

	h = 11;
	put_desc(h, hdrs[1], 0, D_NEXT, h);
	stat[1] = UNTOUCHED;
	expect("zero-length descriptor pointing at itself", h, 1, 0, UNTOUCHED);

	h = 12;
	in_chain(h, 5, (void *)OUTSIDE, 512);
	expect("data buffer at 0xff00000000 (outside RAM)", h, 1, 0, UNTOUCHED);

	h = 15;
	in_chain(h, 5, big[1], 512);
	dt[h].addr = OUTSIDE;
	expect("header at 0xff00000000 (outside RAM)", h, 1, 0, UNTOUCHED);

	h = 18;
	in_chain(h, 5, big[1], 512);
	dt[h + 2].addr = OUTSIDE;
	expect("status byte at 0xff00000000 (outside RAM)", h, 1, 0, UNTOUCHED);

	h = 21;
	in_chain(h, 5, big[1], 0xffffffff);
	expect("data length 0xffffffff", h, 1, 0, UNTOUCHED);

	h = 24;
	in_chain(h, 5, (void *)(ram_size - 256), 512);
	expect("data buffer straddling the end of RAM", h, 1, 0, UNTOUCHED);

	h = 27;
	in_chain(h, 5, big[1], 0);
	dt[h].len = 0;
	dt[h + 2].len = 0;
	expect("zero-length chain (every descriptor length 0)", h, 1, 0, UNTOUCHED);

	h = 30;
	in_chain(h, 5, big[1], 512);
	dt[h].len = 0;
	expect("zero-length header -> IOERR", h, 1, 1, BLK_IOERR);

	h = 33;
	in_chain(h, 5, big[1], 512);
	dt[h].len = 8;
	expect("8-byte header -> IOERR", h, 1, 1, BLK_IOERR);

	h = 36;
	in_chain(h, 5, big[1], 512);
	dt[h].next = QSZ + 100;
	expect("next index beyond the queue size", h, 1, 0, UNTOUCHED);

	h = 39;
	in_chain(h, 5, big[1], 512);
	dt[h].flags |= D_WRITE;
	expect("header device-writable (all writable) -> IOERR", h, 1, 1, BLK_IOERR);

	h = 42;
	set_hdr(1, T_OUT, 5);
	put_desc(h, hdrs[1], 16, D_NEXT | D_WRITE, h + 1);
	put_desc(h + 1, pattern, 512, D_NEXT, h + 2);
	put_desc(h + 2, &stat[1], 1, D_WRITE, 0);
	expect("writable header then a readable buffer (order violated)", h, 1, 0, UNTOUCHED);

	h = 45;
	in_chain(h, 5, big[1], 512);
	dt[h + 2].flags = 0;	/* the status is readable: nowhere to answer */
	expect("readable status byte after the writable data (order violated)", h, 1, 0, UNTOUCHED);

	h = 45;
	set_hdr(1, T_OUT, 5);
	put_desc(h, hdrs[1], 16, D_NEXT, h + 1);
	put_desc(h + 1, pattern, 512, D_NEXT, h + 2);
	put_desc(h + 2, &stat[1], 1, 0, 0);
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
	put_desc(h, hdrs[1], 16, D_NEXT, h + 1);
	put_desc(h + 1, pattern, 512, D_NEXT, h + 2);
	put_desc(h + 2, &stat[1], 1, D_WRITE, 0);
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
	ind[1][0] = (struct desc){ (u64)hdrs[1], 16, D_NEXT, 1 };
	ind[1][1] = (struct desc){ (u64)big[1], 512, D_NEXT | D_WRITE, 2 };
	ind[1][2] = (struct desc){ (u64)&stat[1], 1, D_WRITE, 0 };
	ind[0][0] = (struct desc){ (u64)ind[1], 3 * 16, D_INDIRECT, 0 };
	put_desc(h, ind[0], 16, D_INDIRECT, 0);
	expect("nested indirect table", h, 1, 0, UNTOUCHED);

	h = 13;
	memcpy(ind[0], ind[1], sizeof(ind[1]));
	put_desc(h, ind[0], 3 * 16, D_INDIRECT | D_NEXT, h + 1);
	put_desc(h + 1, &stat[1], 1, D_WRITE, 0);
	stat[1] = UNTOUCHED;
	expect("indirect descriptor with NEXT set", h, 1, 0, UNTOUCHED);

	h = 16;
	put_desc(h, ind[0], 40, D_INDIRECT, 0);
	expect("indirect table length 40 (not a multiple of 16)", h, 1, 0, UNTOUCHED);

	h = 19;
	put_desc(h, (void *)OUTSIDE, 3 * 16, D_INDIRECT, 0);
	expect("indirect table at 0xff00000000", h, 1, 0, UNTOUCHED);

	h = 22;
	ind[0][2].flags |= D_NEXT;
	ind[0][2].next = 1;
	put_desc(h, ind[0], 3 * 16, D_INDIRECT, 0);
	expect("loop inside an indirect table", h, 1, 0, UNTOUCHED);

	h = 25;
	memcpy(ind[0], ind[1], sizeof(ind[1]));
	ind[0][1].next = 7;	/* inside ind[0]'s storage, past the 3 entries given */
	put_desc(h, ind[0], 3 * 16, D_INDIRECT, 0);
	expect("next beyond the indirect table's entries", h, 1, 0, UNTOUCHED);

	h = 28;
	put_desc(h, ind[0], 0, D_INDIRECT, 0);
	expect("indirect table of length 0", h, 1, 0, UNTOUCHED);
}

/* NEEDS_RESET: nothing more is served until a reset; then the device works. */
static void after_broken(const char *what)
{
	ok(wait_status_bit(S_NEEDS_RESET, WAIT_MS), "%s: DEVICE_NEEDS_RESET (status 0x%x)", what,
	   status());
	in_chain(3, 5, big[1], 512);
	kick(3);
	ok(quiet(300), "%s: a well-formed request is not served while NEEDS_RESET", what);
	set_status(S_RUNNING);
	ok(status() & S_NEEDS_RESET, "%s: the driver cannot clear NEEDS_RESET itself", what);
	set_status(0);
	check(status(), 0, "%s: reset clears it", what);
	ok(vinit(), "%s: re-initialised (status 0x%x)", what, status());
	still_serving(what);
}

static void bad_rings_at_enable(void)
{
	static const struct {
		const char *what;
		int which;	/* 0 desc, 1 avail, 2 used */
		u64 addr;	/* 0: the end of RAM minus half the ring */
	} cases[] = {
		{ "descriptor table at 0xff00000000", 0, OUTSIDE },
		{ "descriptor table straddling the end of RAM", 0, 0 },
		{ "descriptor table misaligned (8 bytes)", 0, 1 },
		{ "avail ring at 0xff00000000", 1, OUTSIDE },
		{ "used ring at 0xff00000000", 2, OUTSIDE },
		{ "used ring straddling the end of RAM", 2, 0 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 a[3] = { (u64)dt, (u64)&avail, (u64)&used };
		const char *what = cases[i].what;

		a[cases[i].which] = cases[i].addr == 0 ? ram_size - 512 :
				    cases[i].addr == 1 ? a[0] + 8 : cases[i].addr;
		memset(&avail, 0, sizeof(avail));
		memset(&used, 0, sizeof(used));
		next_avail = last_used = 0;
		if (!ok(negotiate(F_VERSION_1 | F_INDIRECT_DESC), "%s: features accepted", what))
			continue;
		queue_setup(a[0], a[1], a[2]);
		ok(status() & S_NEEDS_RESET, "%s: enable -> DEVICE_NEEDS_RESET at once (status 0x%x)",
		   what, status());
		set_status(S_RUNNING | S_NEEDS_RESET);
		in_chain(3, 5, big[1], 512);
		kick(3);
		ok(quiet(200) && stat[1] == UNTOUCHED, "%s: a kick is not served", what);
		set_status(0);
		check(status(), 0, "%s: reset clears it", what);
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
	add_avail(3);
	next_avail += QSZ + 1;
	publish();
	after_broken("avail index more than the queue size ahead");

	in_chain(3, 5, big[1], 512);
	kick(QSZ + 5);
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
		put_desc(3 * i, hdrs[i], 16, D_NEXT, 3 * i + 1);
		put_desc(3 * i + 1, big[i], BIG, D_NEXT | (i & 1 ? 0 : D_WRITE), 3 * i + 2);
		put_desc(3 * i + 2, &stat[i], 1, D_WRITE, 0);
		add_avail(3 * i);
	}
	publish();
	set_status(0);
	rs = status();
	mb();
	before_idx = READ_ONCE(used.idx);
	memcpy(st_before, stat, NREQ);
	before_sum = sum(big[0], sizeof(big));
	printf("# reset with %u requests queued: %u handed back before it returned\n", NREQ,
	       before_idx);
	check(rs, 0, "reset during queued I/O: status reads 0 when the store returns");
	delay_ms(500);
	mb();
	after_sum = sum(big[0], sizeof(big));
	ok(READ_ONCE(used.idx) == before_idx && !memcmp(st_before, stat, NREQ) &&
	   before_sum == after_sum,
	   "reset during queued I/O: nothing written into guest memory after it (used idx %u -> %u)",
	   before_idx, READ_ONCE(used.idx));
	ok(vinit(), "reset during queued I/O: re-initialised (status 0x%x)", status());
	still_serving("a reset during queued I/O");
	/* a couple more, with the ring well used */
	for (i = 0; i < 3; i++)
		still_serving("a reset during queued I/O (again)");
}

static u64 fdt_ram_size(void)
{
	int node = fdt_path(fdt, "/memory"), len;
	const u8 *reg = fdt_prop(fdt, node, "reg", &len);

	if (!reg || len < 16 || be32(reg) || be32(reg + 4))
		return 0;
	return (u64)be32(reg + 8) << 32 | be32(reg + 12);
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
		"queue 0 (%u entries), DRIVER_OK -> status 0x%x", QSZ, status()))
		return 0;
	round_trip();
	bad_chains();
	bad_indirect();
	bad_rings_at_enable();
	reset_in_flight();
	bad_rings_running();
	ok(status() == S_RUNNING, "the device runs at the end (status 0x%x)", status());
	return 0;
}
