// SPDX-License-Identifier: GPL-2.0
/*
 * KVM's XIVE device in exploitation mode (--irqchip xive, bare-metal
 * hosts): the guest reads and acknowledges interrupts through its thread
 * interrupt management area (TIMA) and each source's ESB pages, which KVM
 * lets pvm map and hand to the guest as memory slots, with no exit; pvm
 * only serves the H_INT_* configuration hcalls (papr/xive.c) through the
 * device's attributes. Same layout and order as QEMU's spapr_xive_kvm.c.
 * Facts: arch/powerpc/kvm/book3s_xive_native.c, Documentation/virt/kvm/devices/xive.rst.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pvm/accel.h"
#include "pvm/irq.h"
#include "pvm/log.h"
#include "pvm/vm.h"
#include "pvm/xics.h"
#include "kvm-priv.h"

/* Where QEMU's pseries puts them (SPAPR_XIVE_VC_BASE, SPAPR_XIVE_TM_BASE). */
#define XIVE_ESB_GPA 0x0006010000000000ULL
#define XIVE_TIMA_GPA 0x0006030203180000ULL
/* IPIs below IRQ_BASE, pvm's sources above it. */
#define XIVE_NR_LISNS (IRQ_BASE + IRQ_MAX_SOURCES)

/* ESB operations (offsets in a management page, Linux's asm/xive-regs.h). */
#define ESB_LOAD_EOI 0x000
#define ESB_GET 0x800
#define ESB_SET_PQ_00 0xc00
#define ESB_SET_PQ_11 0xf00

/* The TIMA word 0/1 KVM gives a vCPU at connection (ACK# 0xff, CPPR 0). */
#define VP_POWER_ON_W01 0xff000000ULL

static int xive_attr(struct kvm_state *ks, u32 group, u64 attr, void *val, bool set)
{
	struct kvm_device_attr a = {
		.group = group,
		.attr = attr,
		.addr = (u64)(unsigned long)val,
	};

	if (ks->xive_fd < 0)
		return -ENODEV;
	return ioctl(ks->xive_fd, set ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR, &a) ? -errno : 0;
}

/* Back to no device, so that XICS can be created instead (KVM allows one). */
static void xive_destroy(struct vm *vm)
{
	struct kvm_state *ks = KS(vm);

	if (ks->xive_esb) {
		kvm__memslot_raw(ks, KVM_XIVE_SLOT_ESB, XIVE_ESB_GPA, 0, ks->xive_esb);
		munmap(ks->xive_esb, ks->xive_esb_len);
	}
	if (ks->xive_tima) {
		kvm__memslot_raw(ks, KVM_XIVE_SLOT_TIMA, XIVE_TIMA_GPA, 0, ks->xive_tima);
		munmap(ks->xive_tima, ks->xive_tima_len);
	}
	ks->xive_esb = NULL;
	ks->xive_tima = NULL;
	if (ks->xive_fd >= 0)
		close(ks->xive_fd);
	ks->xive_fd = -1;
}

static void *map_pages(struct kvm_state *ks, size_t len, u64 pgoff, const char *what)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, ks->xive_fd,
		       (off_t)(pgoff << ks->page_shift));

	if (p == MAP_FAILED) {
		pr_err("XIVE: cannot map the %s pages: %s", what, strerror(errno));
		return NULL;
	}
	return p;
}

int kvm__xive_create(struct vm *vm)
{
	struct kvm_state *ks = KS(vm);
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_XIVE };
	unsigned int cores = vm->cfg.max_cores > vm->cfg.nr_cores ? vm->cfg.max_cores :
								    vm->cfg.nr_cores;
	u32 nr_servers = cores * vm->cfg.threads, lisn;
	int r;

	if (nr_servers > IRQ_BASE) {
		pr_err("XIVE: %u vCPUs, but only %u IPI numbers below the device sources",
		       nr_servers, IRQ_BASE);
		return -ERANGE;
	}
	if (ioctl(ks->vm_fd, KVM_CREATE_DEVICE, &cd)) {
		pr_err("XIVE: cannot create KVM's XIVE device: %s", strerror(errno));
		return -errno;
	}
	ks->xive_fd = cd.fd;
	/* Sizes the VP block; must come before the first vCPU connects. */
	r = xive_attr(ks, KVM_DEV_XIVE_GRP_CTRL, KVM_DEV_XIVE_NR_SERVERS, &nr_servers, true);
	if (r) {
		pr_err("XIVE: %u interrupt servers refused: %s", nr_servers, strerror(-r));
		goto fail;
	}
	r = -ENOMEM;
	ks->xive_esb_len = (size_t)2 * XIVE_NR_LISNS << ks->page_shift;
	ks->xive_esb = map_pages(ks, ks->xive_esb_len, KVM_XIVE_ESB_PAGE_OFFSET, "ESB");
	if (!ks->xive_esb)
		goto fail;
	ks->xive_tima_len = (size_t)4 << ks->page_shift;
	ks->xive_tima = map_pages(ks, ks->xive_tima_len, KVM_XIVE_TIMA_PAGE_OFFSET, "TIMA");
	if (!ks->xive_tima)
		goto fail;
	r = kvm__memslot_raw(ks, KVM_XIVE_SLOT_ESB, XIVE_ESB_GPA, ks->xive_esb_len, ks->xive_esb);
	if (!r)
		r = kvm__memslot_raw(ks, KVM_XIVE_SLOT_TIMA, XIVE_TIMA_GPA, ks->xive_tima_len,
				     ks->xive_tima);
	if (r) {
		pr_err("XIVE: cannot give the guest its ESB and TIMA pages: %s", strerror(-r));
		goto fail;
	}
	for (lisn = 0; lisn < nr_servers; lisn++) {
		r = kvm__xive_source(vm, lisn, false);
		if (r) {
			pr_err("XIVE: cannot create IPI %u: %s", lisn, strerror(-r));
			goto fail;
		}
	}
	ks->xive_nr_servers = nr_servers;
	pr_debug("XIVE exploitation: %u servers, %u KiB ESB and TIMA pages", nr_servers,
		 (1U << ks->page_shift) / 1024);
	return 0;
fail:
	xive_destroy(vm);
	return r;
}

/* A new source: masked, unrouted, nothing pending (PQ = 01). */
int kvm__xive_source(struct vm *vm, u32 lisn, bool lsi)
{
	u64 val = lsi ? KVM_XIVE_LEVEL_SENSITIVE : 0;

	return xive_attr(KS(vm), KVM_DEV_XIVE_GRP_SOURCE, lisn, &val, true);
}

int kvm__xive_connect(struct vm *vm, struct vcpu *v, int vcpu_fd)
{
	struct kvm_enable_cap c = {
		.cap = KVM_CAP_PPC_IRQ_XIVE,
		.args = { (u64)KS(vm)->xive_fd, v->id },
	};

	if (ioctl(vcpu_fd, KVM_ENABLE_CAP, &c)) {
		pr_err("vcpu %u: connecting to XIVE: %s", v->id, strerror(errno));
		return -errno;
	}
	return 0;
}

/* The vCPU's thread context as KVM made it at connection. */
int kvm__xive_vcpu_reset(int vcpu_fd)
{
	u64 vp[2] = { VP_POWER_ON_W01, 0 };

	return one_reg(vcpu_fd, KVM_SET_ONE_REG, KVM_REG_PPC_VP_STATE, vp);
}

/* ---- accel.h ---- */

int accel__xive_info(struct vm *vm, struct accel_xive_info *info)
{
	struct kvm_state *ks = KS(vm);

	if (ks->xive_fd < 0)
		return -ENODEV;
	*info = (struct accel_xive_info){
		.esb_base = XIVE_ESB_GPA,
		.esb_shift = ks->page_shift,
		.tima_base = XIVE_TIMA_GPA,
		.tima_shift = ks->page_shift,
		.nr_servers = ks->xive_nr_servers,
	};
	return 0;
}

int accel__xive_source_config(struct vm *vm, u32 lisn, u32 server, u8 prio, bool masked,
			      u32 eisn)
{
	struct kvm_state *ks = KS(vm);
	bool off = masked || prio == 0xff;
	u64 cfg = ((u64)(off && prio == 0xff ? 0 : prio) << KVM_XIVE_SOURCE_PRIORITY_SHIFT &
		   KVM_XIVE_SOURCE_PRIORITY_MASK) |
		  ((u64)server << KVM_XIVE_SOURCE_SERVER_SHIFT & KVM_XIVE_SOURCE_SERVER_MASK) |
		  ((u64)off << KVM_XIVE_SOURCE_MASKED_SHIFT) |
		  ((u64)eisn << KVM_XIVE_SOURCE_EISN_SHIFT & KVM_XIVE_SOURCE_EISN_MASK);
	int r = xive_attr(ks, KVM_DEV_XIVE_GRP_SOURCE_CONFIG, lisn, &cfg, true);

	/* pvm's copy in the XICS layout, which accel__irq_get_state() reports. */
	if (!r && ks->src_shadow && lisn >= IRQ_BASE && lisn < XIVE_NR_LISNS)
		ks->src_shadow[lisn - IRQ_BASE] =
			(ks->src_shadow[lisn - IRQ_BASE] & KVM_XICS_LEVEL_SENSITIVE) |
			((u64)prio << KVM_XICS_PRIORITY_SHIFT) | (server & KVM_XICS_DESTINATION_MASK) |
			(off ? KVM_XICS_MASKED : 0);
	return r;
}

static u64 eq_id(u32 server, u8 prio)
{
	return ((u64)server << KVM_XIVE_EQ_SERVER_SHIFT & KVM_XIVE_EQ_SERVER_MASK) |
	       (prio & KVM_XIVE_EQ_PRIORITY_MASK);
}

int accel__xive_set_queue(struct vm *vm, u32 server, u8 prio, u64 qpage, u32 qshift,
			  bool notify)
{
	struct kvm_ppc_xive_eq eq;

	memset(&eq, 0, sizeof(eq));
	if (qshift) {
		eq.flags = notify ? KVM_XIVE_EQ_ALWAYS_NOTIFY : 0;
		eq.qshift = qshift;
		eq.qaddr = qpage;
		/* A fresh queue: generation 1, index 0 (anything else restores state). */
		eq.qtoggle = 1;
	}
	return xive_attr(KS(vm), KVM_DEV_XIVE_GRP_EQ_CONFIG, eq_id(server, prio), &eq, true);
}

int accel__xive_get_queue(struct vm *vm, u32 server, u8 prio, u32 *toggle, u32 *index)
{
	struct kvm_ppc_xive_eq eq;
	int r;

	memset(&eq, 0, sizeof(eq));
	r = xive_attr(KS(vm), KVM_DEV_XIVE_GRP_EQ_CONFIG, eq_id(server, prio), &eq, false);
	if (!r) {
		*toggle = eq.qtoggle;
		*index = eq.qindex;
	}
	return r;
}

int accel__xive_sync(struct vm *vm, u32 lisn)
{
	return xive_attr(KS(vm), KVM_DEV_XIVE_GRP_SOURCE_SYNC, lisn, NULL, true);
}

int accel__xive_reset(struct vm *vm)
{
	struct kvm_state *ks = KS(vm);
	int r = xive_attr(ks, KVM_DEV_XIVE_GRP_CTRL, KVM_DEV_XIVE_RESET, NULL, true);
	unsigned int i;

	if (!r && ks->src_shadow)
		for (i = 0; i < IRQ_MAX_SOURCES; i++)
			ks->src_shadow[i] = (ks->src_shadow[i] & KVM_XICS_LEVEL_SENSITIVE) |
					    KVM_XICS_MASKED | (0xffULL << KVM_XICS_PRIORITY_SHIFT);
	return r;
}

/*
 * Only the operations Linux's H_INT_ESB path uses (loads: EOI, get, set
 * PQ): pvm performs them on the host's real ESB page, where other offsets
 * are undefined. papr/xive.c checks lisn exists (its pages fault in only
 * then) and holds vm->irq_lock.
 */
int accel__xive_esb(struct vm *vm, u32 lisn, u32 offset, bool store, u64 *val)
{
	struct kvm_state *ks = KS(vm);
	volatile u64 *p;
	u32 i = lisn - IRQ_BASE;

	if (ks->xive_fd < 0)
		return -ENODEV;
	if (store || lisn >= XIVE_NR_LISNS || (offset & 0xff) ||
	    (offset != ESB_LOAD_EOI && offset != ESB_GET &&
	     (offset < ESB_SET_PQ_00 || offset > ESB_SET_PQ_11)))
		return -EINVAL;
	p = (volatile u64 *)(ks->xive_esb + ((2ULL * lisn + 1) << ks->page_shift) + offset);
	/* An LSI's Q bit never sets: its EOI clears P and, line still up, triggers again. */
	if (offset == ESB_LOAD_EOI && irq__is_lsi(vm, lisn)) {
		struct kvm_irq_level l = { .irq = lisn, .level = 1 };

		(void)p[(ESB_SET_PQ_00 - ESB_LOAD_EOI) / 8];
		if ((ks->xive_lsi_up[i / 64] >> (i % 64)) & 1)
			ioctl(ks->vm_fd, KVM_IRQ_LINE, &l);
		*val = 0;
		return 0;
	}
	*val = be64toh(*p);
	return 0;
}
