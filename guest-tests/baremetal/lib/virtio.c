// SPDX-License-Identifier: GPL-2.0
/*
 * The payloads' modern virtio-pci driver (lib/virtio.h): set-up through the
 * PHB's RTAS config calls, the init by MMIO, split rings polled.
 */
#include "virtio.h"

struct vio vio;

u64 fdt_ram_size(void)
{
	int node = fdt_path(fdt, "/memory"), len;
	const u8 *reg = fdt_prop(fdt, node, "reg", &len);

	if (!reg || len < 16 || be32(reg) || be32(reg + 4))
		return 0;
	return (u64)be32(reg + 8) << 32 | be32(reg + 12);
}

/* ---- registers ---- */

u8 vio_status(void)
{
	return mmio_r8(vio.common + STATUS);
}

void vio_set_status(u8 v)
{
	mmio_w8(vio.common + STATUS, v);
}

static void w64(u64 off, u64 v)
{
	mmio_w32(vio.common + off, (u32)v);
	mmio_w32(vio.common + off + 4, (u32)(v >> 32));
}

u64 vio_features(void)
{
	u64 lo, hi;

	mmio_w32(vio.common + DFSELECT, 0);
	lo = mmio_r32(vio.common + DF);
	mmio_w32(vio.common + DFSELECT, 1);
	hi = mmio_r32(vio.common + DF);
	return hi << 32 | lo;
}

bool vio_negotiate(u64 f)
{
	vio_set_status(0);
	vio_set_status(S_ACK);
	vio_set_status(S_ACK | S_DRIVER);
	mmio_w32(vio.common + GFSELECT, 0);
	mmio_w32(vio.common + GF, (u32)f);
	mmio_w32(vio.common + GFSELECT, 1);
	mmio_w32(vio.common + GF, (u32)(f >> 32));
	vio_set_status(S_ACK | S_DRIVER | S_FEATURES_OK);
	return vio_status() & S_FEATURES_OK;
}

bool vio_wait_status_bit(u8 bit, unsigned int ms)
{
	u64 end = mftb() + tb_freq / 1000 * ms;

	do {
		if (vio_status() & bit)
			return true;
	} while (mftb() < end);
	return false;
}

u16 vio_queue_max(u16 q)
{
	mmio_w16(vio.common + Q_SELECT, q);
	return mmio_r16(vio.common + Q_SIZE);
}

void vio_queue_setup(struct vring *r, u64 desc, u64 avail, u64 used)
{
	mmio_w16(vio.common + Q_SELECT, r->q);
	mmio_w16(vio.common + Q_SIZE, VQ_SIZE);
	w64(Q_DESC, desc);
	w64(Q_AVAIL, avail);
	w64(Q_USED, used);
	r->notify = vio.notify_base + (u64)mmio_r16(vio.common + Q_NOFF) * vio.notify_mult;
	mmio_w16(vio.common + Q_ENABLE, 1);
}

/* ---- rings ---- */

void vring_clear(struct vring *r, u16 q)
{
	memset(r, 0, sizeof(*r));
	r->q = q;
	r->avail.flags = 1;	/* VIRTQ_AVAIL_F_NO_INTERRUPT: we poll */
	mb();
}

void vring_init(struct vring *r, u16 q)
{
	vring_clear(r, q);
	vio_queue_setup(r, (u64)r->desc, (u64)&r->avail, (u64)&r->used);
}

void vring_put(struct vring *r, u16 i, const void *addr, u32 len, u16 flags, u16 next)
{
	r->desc[i] = (struct vdesc){ (u64)addr, len, flags, next };
}

void vring_add(struct vring *r, u16 head)
{
	r->avail.ring[r->next_avail % VQ_SIZE] = head;
	r->next_avail++;
}

void vring_publish(struct vring *r)
{
	mb();
	WRITE_ONCE(r->avail.idx, r->next_avail);
	mmio_w16(r->notify, r->q);	/* mmio_w16 syncs first */
}

void vring_kick(struct vring *r, u16 head)
{
	vring_add(r, head);
	vring_publish(r);
}

bool vring_pending(struct vring *r)
{
	return READ_ONCE(r->used.idx) != r->last_used;
}

bool vring_wait(struct vring *r, unsigned int ms, struct used_elem *e)
{
	u64 end = mftb() + tb_freq / 1000 * ms;

	while (!vring_pending(r))
		if (mftb() > end)
			return false;
	mb();
	*e = r->used.ring[r->last_used % VQ_SIZE];
	r->last_used++;
	return true;
}

bool vring_quiet(struct vring *r, unsigned int ms)
{
	delay_ms(ms);
	mb();
	return !vring_pending(r);
}

const struct bad_ring bad_rings[] = {
	{ "descriptor table at 0xff00000000", 0, OUTSIDE },
	{ "descriptor table straddling the end of RAM", 0, 0 },
	{ "descriptor table misaligned (8 bytes)", 0, 1 },
	{ "avail ring at 0xff00000000", 1, OUTSIDE },
	{ "used ring at 0xff00000000", 2, OUTSIDE },
	{ "used ring straddling the end of RAM", 2, 0 },
};
const unsigned int nr_bad_rings = ARRAY_SIZE(bad_rings);

void vring_init_bad(struct vring *r, u16 q, unsigned int i)
{
	u64 a[3] = { (u64)r->desc, (u64)&r->avail, (u64)&r->used };

	vring_clear(r, q);
	a[bad_rings[i].which] = bad_rings[i].addr == 0 ? fdt_ram_size() - 512 :
				bad_rings[i].addr == 1 ? a[0] + 8 : bad_rings[i].addr;
	vio_queue_setup(r, a[0], a[1], a[2]);
}

/* ---- set-up ---- */

static u32 cfg_le32(u32 reg)
{
	u32 v = 0;
	int i;

	for (i = 3; i >= 0; i--)
		v = v << 8 | pci_cfg_r(&vio.fn, reg + i, 1);
	return v;
}

/* The virtio capabilities in BAR 4; false without common, notify and device config. */
static bool walk_caps(void)
{
	u64 off_common = ~0UL, off_isr = ~0UL, off_dev = ~0UL, off_notify = ~0UL;
	struct pci_fn *fn = &vio.fn;
	u32 off, len, mult = 0;
	int pos, ncaps = 0;
	u8 type;

	for (pos = pci_find_cap(fn, PCI_CAP_ID_VNDR, 0); pos;
	     pos = pci_find_cap(fn, PCI_CAP_ID_VNDR, pos)) {
		type = pci_cfg_r(fn, pos + 3, 1);
		off = cfg_le32(pos + 8);
		len = cfg_le32(pos + 12);
		printf("# vendor cap at 0x%x: cfg_type %u bar %u offset 0x%x length 0x%x\n", pos,
		       type, pci_cfg_r(fn, pos + 4, 1), off, len);
		ncaps++;
		if (type < CAP_COMMON || type > CAP_DEVICE)
			continue;
		if (pci_cfg_r(fn, pos + 4, 1) != 4 || (u64)off + len > vio.bar_size)
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
	vio.common = vio.bar + off_common;
	vio.isr = vio.bar + off_isr;
	vio.devcfg = vio.bar + off_dev;
	vio.notify_base = vio.bar + off_notify;
	vio.notify_mult = mult;
	return true;
}

bool vio_setup(u16 device)
{
	struct pci_fn *fn = &vio.fn;
	u32 cmd;
	bool mem64;

	if (!ok(pci_find(VIRTIO_VENDOR, device, fn),
		"device tree: a 1af4:%04x function under a PCI host bridge", device))
		return false;
	printf("# PHB %s BUID 0x%lx, %s at config_addr 0x%x; 64-bit window bus 0x%lx cpu 0x%lx size 0x%lx\n",
	       fdt_name(fdt, fn->phb_node), fn->buid, fdt_name(fdt, fn->node), fn->addr,
	       fn->mem64_bus, fn->mem64_cpu, fn->mem64_size);
	ok(fn->mem64_size && fn->mem64_bus == fn->mem64_cpu,
	   "PHB ranges: a 64-bit window, identity mapped (bus = CPU address)");
	checkx(rtas_token("ibm,read-pci-config"), 0x201f, "/rtas ibm,read-pci-config token");
	checkx(rtas_token("ibm,write-pci-config"), 0x2020, "/rtas ibm,write-pci-config token");
	checkx(pci_cfg_r(fn, 0, 4), (u32)device << 16 | VIRTIO_VENDOR,
	       "config space vendor/device ID");
	check(pci_cfg_r(fn, 8, 1), 1, "revision 1 (modern only)");

	vio.bar_size = pci_bar_size(fn, 4, &mem64);
	ok(vio.bar_size >= 0x4000 && !(vio.bar_size & (vio.bar_size - 1)) && mem64,
	   "BAR 4 sized: 0x%lx bytes, 64-bit memory", vio.bar_size);
	if (!vio.bar_size || vio.bar_size > fn->mem64_size)
		return false;
	vio.bar = fn->mem64_cpu;	/* aligned: the window starts on a large boundary */
	check(pci_bar_set(fn, 4, fn->mem64_bus, true), 0, "BAR 4 = 0x%lx", fn->mem64_bus);
	checkx((u64)pci_cfg_r(fn, 0x24, 4) << 32 | (pci_cfg_r(fn, 0x20, 4) & ~0xfu),
	       fn->mem64_bus, "BAR 4 reads back its address");
	cmd = pci_cfg_r(fn, PCI_COMMAND, 2);
	check(pci_cfg_write(fn, PCI_COMMAND, 2, cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER),
	      0, "COMMAND |= MEMORY | MASTER");
	checkx(pci_cfg_r(fn, PCI_COMMAND, 2) & 6, 6, "COMMAND reads back MEMORY | MASTER");
	/* wrong BUID and unknown function: -1 (docs/pci.md) */
	check(rtas_call(rtas_token("ibm,read-pci-config"), 4, 2, &cmd, fn->addr, 0, 1, 4), -1,
	      "ibm,read-pci-config with a wrong BUID -> -1");
	if (!walk_caps())
		return false;

	/* first MMIO: if real-mode MMIO does not reach pvm, it shows here */
	vio_set_status(0);
	return check(vio_status(), 0, "MMIO: device status reads 0 after a reset");
}
