// SPDX-License-Identifier: GPL-2.0
/*
 * KVM's interrupt controller for the guest: which one (--irqchip and what
 * the host allows), the XICS device, and the source operations of
 * include/pvm/accel.h on either XICS or XIVE (vmm/kvm-xive.c has the XIVE
 * device itself). Facts: ../shared/spec/boot-devicetree-kvm-drc.md §3.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pvm/accel.h"
#include "pvm/irq.h"
#include "pvm/log.h"
#include "pvm/vm.h"
#include "kvm-priv.h"

static void create_xics(struct kvm_state *ks)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_XICS };

	/*
	 * No KVM_PPC_RTAS_DEFINE_TOKEN: with any token defined, KVM parses every
	 * H_RTAS itself and fails KVM_RUN on a bad args pointer. papr/xics.c
	 * serves the four ICS calls instead.
	 */
	ks->xics_fd = -1;
	if (ioctl(ks->vm_fd, KVM_CREATE_DEVICE, &cd)) {
		pr_warn("no in-kernel XICS (%s): guest runs without interrupts",
			strerror(errno));
		return;
	}
	ks->xics_fd = cd.fd;
}

/*
 * Why this host cannot give the guest XIVE exploitation, or NULL. KVM
 * offers it only in HV mode (not in an LPAR: "nested is not yet supported"
 * in kvm_vm_ioctl_check_extension()), and accepts 64 KiB event queues only,
 * in a guest page that a host page at least that large backs
 * (book3s_xive_native.c: xive_native_validate_queue_size(), "Incompatible
 * host page size"): anonymous guest RAM on a 4 KiB-page kernel never is.
 */
static const char *xive_unavailable(struct kvm_state *ks, char *buf, size_t size)
{
	if (check_ext(ks->vm_fd, KVM_CAP_PPC_IRQ_XIVE) <= 0)
		return "this host's KVM has no XIVE native mode (KVM_CAP_PPC_IRQ_XIVE): that takes "
		       "a bare-metal POWER9 or later host; in an LPAR (nested API v1 or v2) KVM "
		       "offers XICS only";
	if (ks->page_shift < 16) {
		snprintf(buf, size, "KVM's XIVE event queues are 64 KiB and need host pages at "
			 "least that large, but this host kernel uses %u KiB pages (a 64 KiB-page "
			 "kernel can, e.g. Debian's powerpc64le-64k flavour)",
			 (1U << ks->page_shift) / 1024);
		return buf;
	}
	return NULL;
}

/*
 * Whether the kernel command line has xive=off. QEMU learns that a guest
 * will not drive XIVE from its CAS request (prom_init leaves XIVE out when
 * it sees xive=off); pvm boots without CAS, so it reads the same wish here.
 */
static bool guest_refuses_xive(const char *params)
{
	const char *p = params;
	size_t n = strlen("xive=off");

	while (p && (p = strstr(p, "xive=off"))) {
		if ((p == params || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
		p += n;
	}
	return false;
}

int kvm__irqchip_init(struct vm *vm)
{
	struct kvm_state *ks = KS(vm);
	enum irqchip_mode want = vm->cfg.irqchip;
	char buf[256];
	const char *why;

	ks->page_shift = __builtin_ctzl((unsigned long)sysconf(_SC_PAGESIZE));
	why = xive_unavailable(ks, buf, sizeof(buf));
	if (want == IRQCHIP_XIVE && why) {
		pr_err("--irqchip xive: %s", why);
		return PVM_EXIT_KVMCAP;
	}
	/*
	 * On a XIVE host pvm keeps its own copy of each source's routing: the
	 * XICS-on-XIVE state read is a migration snapshot (accel__irq_get_state()),
	 * and under XIVE the guest routes sources through pvm (H_INT_*).
	 */
	if (check_ext(ks->vm_fd, KVM_CAP_PPC_IRQ_XIVE) > 0) {
		ks->src_shadow = calloc(IRQ_MAX_SOURCES, sizeof(*ks->src_shadow));
		if (!ks->src_shadow)
			return PVM_EXIT_NOMEM;
	}
	if (want == IRQCHIP_AUTO && !why && guest_refuses_xive(vm->cfg.params)) {
		pr_info("interrupt controller: XICS, as the guest's xive=off asks");
		want = IRQCHIP_XICS;
	}
	if (want != IRQCHIP_XICS && !why) {
		if (!kvm__xive_create(vm))
			return 0;
		if (want == IRQCHIP_XIVE)
			return PVM_EXIT_KVMCAP;
		pr_warn("XIVE set-up failed (see above): the guest gets XICS");
	} else if (want == IRQCHIP_AUTO && ks->src_shadow) {
		pr_info("interrupt controller: XICS, not XIVE: %s", why);
	}
	create_xics(ks);
	return 0;
}

static int xics_source_attr(struct vm *vm, unsigned long req, u32 irq, u64 *state)
{
	struct kvm_device_attr attr = {
		.group = KVM_DEV_XICS_GRP_SOURCES,
		.attr = irq,
		.addr = (u64)(unsigned long)state,
	};

	if (KS(vm)->xics_fd < 0)
		return -ENODEV;
	return ioctl(KS(vm)->xics_fd, req, &attr) ? -errno : 0;
}

/* The shadow slot of a source pvm created, or NULL (none kept on this host). */
static u64 *shadow_of(struct vm *vm, u32 irq)
{
	u64 *sh = KS(vm)->src_shadow;

	return sh && irq >= IRQ_BASE && irq < IRQ_BASE + IRQ_MAX_SOURCES ? &sh[irq - IRQ_BASE] : NULL;
}

int accel__irq_create(struct vm *vm, u32 irq, bool lsi)
{
	u64 state = (0xffULL << KVM_XICS_PRIORITY_SHIFT) | KVM_XICS_MASKED |
		    (lsi ? KVM_XICS_LEVEL_SENSITIVE : 0);
	u64 *sh = shadow_of(vm, irq);
	int r;

	if (KS(vm)->xive_fd >= 0) {
		u32 i = irq - IRQ_BASE;

		r = irq >= IRQ_BASE && i < IRQ_MAX_SOURCES ? kvm__xive_source(vm, irq, lsi) : -EINVAL;
		if (!r)
			KS(vm)->xive_lsi_up[i / 64] &= ~(1ULL << (i % 64));
	} else {
		r = xics_source_attr(vm, KVM_SET_DEVICE_ATTR, irq, &state);
	}
	if (!r && sh)
		*sh = state;
	return r;
}

/*
 * KVM's XICS (book3s_xics.c) answers with the source's live state. Its
 * XICS-on-XIVE twin (book3s_xive.c xive_get_source()) answers from a
 * snapshot taken at the first read of a round and renewed only after one
 * read per source, for migration: a read-modify-write built on it writes
 * back a stale priority (0xff) and kills the source for good (the guest's
 * HVPIPE event and virtio-console input on the bare-metal lab host). There
 * pvm answers from its own copy of what it wrote.
 */
int accel__irq_get_state(struct vm *vm, u32 irq, u64 *state)
{
	u64 *sh = shadow_of(vm, irq);

	/* Only sources pvm created: KVM would create a missing ICS block otherwise. */
	if (irq < IRQ_BASE || irq >= IRQ_BASE + vm->nr_irqs)
		return -ENOENT;
	if (sh) {
		*state = *sh;
		return 0;
	}
	return xics_source_attr(vm, KVM_GET_DEVICE_ATTR, irq, state);
}

int accel__irq_set_state(struct vm *vm, u32 irq, u64 state)
{
	u64 *sh = shadow_of(vm, irq);
	int r;

	if (irq < IRQ_BASE || irq >= IRQ_BASE + vm->nr_irqs)
		return -ENOENT;
	/* The guest routes XIVE sources itself (papr/xive.c). */
	if (KS(vm)->xive_fd >= 0)
		return -EOPNOTSUPP;
	/* PRESENTED/QUEUED would restore XIVE's P/Q bits: "in flight", stuck. */
	if (sh)
		state &= ~(KVM_XICS_PRESENTED | KVM_XICS_QUEUED);
	r = xics_source_attr(vm, KVM_SET_DEVICE_ATTR, irq, &state);
	if (!r && sh) {
		/* An edge source's PENDING is delivered by this write (a resend). */
		if (!(state & KVM_XICS_LEVEL_SENSITIVE))
			state &= ~KVM_XICS_PENDING;
		*sh = state;
	}
	return r;
}

/* Under vm->irq_lock (irq__set_level()), like the state writes. */
int accel__irq_line(struct vm *vm, u32 irq, int level)
{
	struct kvm_irq_level l = { .irq = irq, .level = level };
	u64 *sh = shadow_of(vm, irq);

	if (ioctl(KS(vm)->vm_fd, KVM_IRQ_LINE, &l))
		return -errno;
	if (KS(vm)->xive_fd >= 0) {
		u32 i = irq - IRQ_BASE;

		/* An H_INT_ESB load-EOI triggers an LSI again while its line is up. */
		if (irq >= IRQ_BASE && i < IRQ_MAX_SOURCES && irq__is_lsi(vm, irq)) {
			if (level)
				KS(vm)->xive_lsi_up[i / 64] |= 1ULL << (i % 64);
			else
				KS(vm)->xive_lsi_up[i / 64] &= ~(1ULL << (i % 64));
		}
	} else if (sh) {
		/* An LSI's PENDING is its level; an edge one waits out a mask. */
		if (*sh & KVM_XICS_LEVEL_SENSITIVE)
			*sh = level ? *sh | KVM_XICS_PENDING : *sh & ~KVM_XICS_PENDING;
		else if (level && ((*sh & KVM_XICS_MASKED) ||
				   ((*sh >> KVM_XICS_PRIORITY_SHIFT) & 0xff) == 0xff))
			*sh |= KVM_XICS_PENDING;
	}
	return 0;
}

/*
 * book3s has no GSI routing: KVM maps GSI n straight to XICS source n
 * (kvm_irq_map_gsi in arch/powerpc/kvm/book3s.c), XIVE as XICS, so irq is
 * the source number, which must exist before an injection can land.
 */
int accel__irqfd(struct vm *vm, u32 irq, int fd, int resample_fd, bool assign)
{
	struct kvm_irqfd irqfd = {
		.fd = (u32)fd,
		.gsi = irq,
		.flags = (assign ? 0 : KVM_IRQFD_FLAG_DEASSIGN) |
			 (assign && resample_fd >= 0 ? KVM_IRQFD_FLAG_RESAMPLE : 0),
		.resamplefd = assign && resample_fd >= 0 ? (u32)resample_fd : 0,
	};

	if (!accel__has_cap(vm, ACCEL_CAP_IRQFD))
		return -ENOSYS;
	if (assign && (irq < IRQ_BASE || irq >= IRQ_BASE + vm->nr_irqs))
		return -ENOENT;
	return ioctl(KS(vm)->vm_fd, KVM_IRQFD, &irqfd) ? -errno : 0;
}
