// SPDX-License-Identifier: GPL-2.0
/*
 * XIVE exploitation (--irqchip xive): the H_INT_* hcalls with which a
 * pseries guest configures its interrupt sources and event queues (PAPR
 * 2.09, "Interrupt Virtualization"; QEMU's hw/intc/spapr_xive.c is the
 * reference implementation, Linux's arch/powerpc/sysdev/xive/spapr.c the
 * caller). KVM does not serve these calls; the accelerator applies what
 * they ask to KVM's XIVE device, and this module keeps what the guest may
 * read back (routing, queue pages), checks every argument first and
 * answers with a PAPR status. The guest acknowledges and EOIs through the
 * TIMA and ESB pages without pvm.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pvm/accel.h"
#include "pvm/guest-mem.h"
#include "pvm/hcall.h"
#include "pvm/irq.h"
#include "pvm/log.h"
#include "pvm/module.h"
#include "pvm/vm.h"
#include "papr/xive.h"

/* Flags, PAPR bit numbers (PPC_BIT(n) = 1 << (63 - n)). */
#define SRC_H_INT_ESB (1ULL << 3)	/* GET_SOURCE_INFO: ESB ops through H_INT_ESB */
#define SRC_LSI (1ULL << 2)
#define SRC_SET_EISN (1ULL << 1)	/* SET_SOURCE_CONFIG */
#define SRC_MASK (1ULL << 0)
#define END_ALWAYS_NOTIFY (1ULL << 0)	/* SET/GET_QUEUE_CONFIG */
#define END_DEBUG (1ULL << 0)		/* GET_QUEUE_CONFIG */
#define ESB_STORE (1ULL << 0)		/* H_INT_ESB */

#define PRIO_RESET 0xff
/* 7 and above belong to KVM (escalations): ibm,plat-res-int-priorities. */
#define NR_PRIOS 7
/* The one event queue size KVM accepts (xive_native_validate_queue_size()). */
#define QSHIFT 16

struct xive_eas {
	u32 server;
	u8 prio;		/* PRIO_RESET: never routed, or reset */
	bool masked;
	u32 eisn;
};

struct xive_end {
	u64 qpage;
	u32 qshift;		/* 0: no queue */
	bool notify;
};

struct xive_state {
	u32 nr_servers;
	struct xive_eas *eas;	/* IPIs 0..nr_servers-1, then pvm's sources */
	struct xive_end *end;	/* server * NR_PRIOS + prio */
};

static struct xive_state *xive_of(struct vm *vm)
{
	return vm__priv(vm, &xive_module);
}

/* The guest's copy of lisn, or NULL for a number that names no source. */
static struct xive_eas *eas_of(struct vm *vm, u64 lisn)
{
	struct xive_state *xs = xive_of(vm);

	if (lisn < xs->nr_servers)
		return &xs->eas[lisn];
	if (lisn >= IRQ_BASE && lisn < IRQ_BASE + (u64)vm->nr_irqs)
		return &xs->eas[xs->nr_servers + (lisn - IRQ_BASE)];
	return NULL;
}

/* The event queue of (target, prio), or NULL: no such vCPU, or a reserved priority. */
static struct xive_end *end_of(struct vm *vm, u64 target, u64 prio)
{
	struct xive_state *xs = xive_of(vm);

	if (prio >= NR_PRIOS || target >= xs->nr_servers || !vm__find_vcpu(vm, (u32)target))
		return NULL;
	return &xs->end[target * NR_PRIOS + prio];
}

static void reset_tables(struct xive_state *xs, unsigned int nr_eas)
{
	unsigned int i;

	for (i = 0; i < nr_eas; i++)
		xs->eas[i] = (struct xive_eas){ .prio = PRIO_RESET, .masked = true };
	for (i = 0; i < xs->nr_servers * NR_PRIOS; i++)
		xs->end[i] = (struct xive_end){ 0 };
}

/* (flags, lisn) -> flags, EOI page, trigger page, page shift */
static s64 h_int_get_source_info(struct hcall_ctx *c)
{
	struct accel_xive_info xi;
	u64 lisn = c->args[1];

	if (c->args[0])
		return H_PARAMETER;
	if (!eas_of(c->vm, lisn))
		return H_P2;
	if (accel__xive_info(c->vm, &xi))
		return H_HARDWARE;
	/*
	 * An LSI's EOI must go through H_INT_ESB: pvm triggers it again there
	 * while its line is up (KVM's ESB never sets Q for an LSI).
	 */
	if (irq__is_lsi(c->vm, (u32)lisn)) {
		c->args[0] = SRC_H_INT_ESB | SRC_LSI;
		c->args[1] = c->args[2] = ~0ULL;
	} else {
		c->args[0] = 0;
		c->args[1] = xi.esb_base + ((2 * lisn + 1) << xi.esb_shift);
		c->args[2] = xi.esb_base + ((2 * lisn) << xi.esb_shift);
	}
	c->args[3] = xi.esb_shift;
	return H_SUCCESS;
}

/* (flags, lisn, target, prio, eisn) */
static s64 h_int_set_source_config(struct hcall_ctx *c)
{
	u64 flags = c->args[0], lisn = c->args[1], target = c->args[2], prio = c->args[3];
	struct vm *vm = c->vm;
	struct xive_eas *eas, want;
	s64 ret = H_SUCCESS;

	if (flags & ~(SRC_SET_EISN | SRC_MASK))
		return H_PARAMETER;
	pthread_mutex_lock(&vm->irq_lock);
	eas = eas_of(vm, lisn);
	if (!eas) {
		ret = H_P2;
		goto out;
	}
	want = *eas;
	if (prio == PRIO_RESET) {
		want = (struct xive_eas){ .prio = PRIO_RESET, .masked = true };
	} else if (prio >= NR_PRIOS) {
		ret = H_P4;
		goto out;
	} else if (!end_of(vm, target, prio)) {
		ret = H_P3;
		goto out;
	} else {
		want.server = (u32)target;
		want.prio = (u8)prio;
		want.masked = flags & SRC_MASK;
		if (flags & SRC_SET_EISN)
			want.eisn = (u32)c->args[4];
	}
	if (accel__xive_source_config(vm, (u32)lisn, want.server, want.prio, want.masked,
				      want.eisn)) {
		pr_warn("XIVE: routing source 0x%llx to vcpu %u priority %u failed",
			(unsigned long long)lisn, want.server, want.prio);
		ret = H_HARDWARE;
		goto out;
	}
	*eas = want;
out:
	pthread_mutex_unlock(&vm->irq_lock);
	return ret;
}

/* (flags, lisn) -> target, prio (0xff masked), eisn */
static s64 h_int_get_source_config(struct hcall_ctx *c)
{
	struct vm *vm = c->vm;
	struct xive_eas *eas;

	if (c->args[0])
		return H_PARAMETER;
	pthread_mutex_lock(&vm->irq_lock);
	eas = eas_of(vm, c->args[1]);
	if (eas) {
		c->args[0] = eas->server;
		c->args[1] = eas->masked ? PRIO_RESET : eas->prio;
		c->args[2] = eas->eisn;
	}
	pthread_mutex_unlock(&vm->irq_lock);
	return eas ? H_SUCCESS : H_P2;
}

/*
 * (flags, target, prio) -> END ESB page, queue size. The END's ESB page
 * (for a guest that wants escalation notifications) is not given: KVM
 * notifies always, and Linux only records the address. pvm reports one
 * past the sources' pages, where nothing answers.
 */
static s64 h_int_get_queue_info(struct hcall_ctx *c)
{
	struct accel_xive_info xi;
	struct xive_end *end;
	u64 idx;

	if (c->args[0])
		return H_PARAMETER;
	if (c->args[2] >= NR_PRIOS)
		return H_P3;
	end = end_of(c->vm, c->args[1], c->args[2]);
	if (!end)
		return H_P2;
	if (accel__xive_info(c->vm, &xi))
		return H_HARDWARE;
	idx = c->args[1] * NR_PRIOS + c->args[2];
	c->args[0] = xi.esb_base + ((2ULL * (IRQ_BASE + IRQ_MAX_SOURCES) + 2 * idx) << xi.esb_shift);
	c->args[1] = end->qshift;
	return H_SUCCESS;
}

/* (flags, target, prio, qpage, qsize) */
static s64 h_int_set_queue_config(struct hcall_ctx *c)
{
	u64 flags = c->args[0], target = c->args[1], prio = c->args[2];
	u64 qpage = c->args[3], qsize = c->args[4];
	struct vm *vm = c->vm;
	struct xive_end *end;
	s64 ret = H_SUCCESS;
	int r;

	if (flags & ~END_ALWAYS_NOTIFY)
		return H_PARAMETER;
	if (prio >= NR_PRIOS)
		return H_P3;
	if (qsize && qsize != QSHIFT)
		return H_P5;
	if (qsize && ((qpage & ((1ULL << qsize) - 1)) || !gmem__ptr(&vm->mem, qpage, 1ULL << qsize)))
		return H_P4;
	pthread_mutex_lock(&vm->irq_lock);
	end = end_of(vm, target, prio);
	if (!end) {
		ret = H_P2;
		goto out;
	}
	r = accel__xive_set_queue(vm, (u32)target, (u8)prio, qpage, (u32)qsize,
				  flags & END_ALWAYS_NOTIFY);
	if (r) {
		/* KVM takes only always-notify queues, and wants the page mapped. */
		pr_warn("XIVE: event queue of vcpu %u priority %u at 0x%llx (%s) refused: %s",
			(u32)target, (u32)prio, (unsigned long long)qpage,
			flags & END_ALWAYS_NOTIFY ? "always notify" : "no unconditional notify",
			strerror(-r));
		ret = H_HARDWARE;
		goto out;
	}
	*end = qsize ? (struct xive_end){ .qpage = qpage, .qshift = (u32)qsize,
					  .notify = flags & END_ALWAYS_NOTIFY } :
		       (struct xive_end){ 0 };
out:
	pthread_mutex_unlock(&vm->irq_lock);
	return ret;
}

/* (flags, target, prio) -> flags, qpage, qsize, queue index (with END_DEBUG) */
static s64 h_int_get_queue_config(struct hcall_ctx *c)
{
	u64 flags = c->args[0];
	struct vm *vm = c->vm;
	struct xive_end *end;
	u32 toggle = 0, index = 0;
	s64 ret = H_SUCCESS;

	if (flags & ~END_DEBUG)
		return H_PARAMETER;
	if (c->args[2] >= NR_PRIOS)
		return H_P3;
	pthread_mutex_lock(&vm->irq_lock);
	end = end_of(vm, c->args[1], c->args[2]);
	if (!end) {
		ret = H_P2;
	} else if (end->qshift && accel__xive_get_queue(vm, (u32)c->args[1], (u8)c->args[2],
							 &toggle, &index)) {
		ret = H_HARDWARE;
	} else {
		c->args[0] = end->notify ? END_ALWAYS_NOTIFY : 0;
		c->args[1] = end->qpage;
		c->args[2] = end->qshift;
		c->args[3] = 0;
		if (flags & END_DEBUG) {
			c->args[0] |= (u64)(toggle & 1) << 62;
			c->args[3] = index;
		}
	}
	pthread_mutex_unlock(&vm->irq_lock);
	return ret;
}

/* (flags, lisn, offset, data) -> load result */
static s64 h_int_esb(struct hcall_ctx *c)
{
	struct vm *vm = c->vm;
	u64 val = c->args[3];
	s64 ret = H_SUCCESS;
	int r;

	if (c->args[0] & ~ESB_STORE)
		return H_PARAMETER;
	pthread_mutex_lock(&vm->irq_lock);
	if (!eas_of(vm, c->args[1])) {
		ret = H_P2;
	} else if (c->args[2] > 0xfff) {
		ret = H_P3;
	} else {
		r = accel__xive_esb(vm, (u32)c->args[1], (u32)c->args[2], c->args[0] & ESB_STORE,
				    &val);
		if (r == -EINVAL)
			ret = H_P3;	/* an operation pvm does not perform on the host's ESB */
		else if (r)
			ret = H_HARDWARE;
		else
			c->args[0] = val;
	}
	pthread_mutex_unlock(&vm->irq_lock);
	return ret;
}

/* (flags, lisn) */
static s64 h_int_sync(struct hcall_ctx *c)
{
	struct vm *vm = c->vm;
	s64 ret;

	if (c->args[0])
		return H_PARAMETER;
	pthread_mutex_lock(&vm->irq_lock);
	if (!eas_of(vm, c->args[1]))
		ret = H_P2;
	else
		ret = accel__xive_sync(vm, (u32)c->args[1]) ? H_HARDWARE : H_SUCCESS;
	pthread_mutex_unlock(&vm->irq_lock);
	return ret;
}

/* (flags): every source masked and unrouted, every queue gone (kexec, kdump). */
static s64 h_int_reset(struct hcall_ctx *c)
{
	struct vm *vm = c->vm;
	s64 ret = H_SUCCESS;

	if (c->args[0])
		return H_PARAMETER;
	pthread_mutex_lock(&vm->irq_lock);
	if (accel__xive_reset(vm))
		ret = H_HARDWARE;
	else
		reset_tables(xive_of(vm), xive_of(vm)->nr_servers + IRQ_MAX_SOURCES);
	pthread_mutex_unlock(&vm->irq_lock);
	return ret;
}

static int xive__init(struct vm *vm)
{
	static const struct hcall_handler calls[] = {
		{ H_INT_GET_SOURCE_INFO, h_int_get_source_info },
		{ H_INT_SET_SOURCE_CONFIG, h_int_set_source_config },
		{ H_INT_GET_SOURCE_CONFIG, h_int_get_source_config },
		{ H_INT_GET_QUEUE_INFO, h_int_get_queue_info },
		{ H_INT_SET_QUEUE_CONFIG, h_int_set_queue_config },
		{ H_INT_GET_QUEUE_CONFIG, h_int_get_queue_config },
		{ H_INT_ESB, h_int_esb },
		{ H_INT_SYNC, h_int_sync },
		{ H_INT_RESET, h_int_reset },
	};
	struct accel_xive_info xi;
	struct xive_state *xs;

	/* Under XICS the guest finds no XIVE node and these stay H_FUNCTION. */
	if (!accel__has_cap(vm, ACCEL_CAP_XIVE))
		return 0;
	if (accel__xive_info(vm, &xi))
		return -ENODEV;
	xs = calloc(1, sizeof(*xs));
	if (!xs)
		return -ENOMEM;
	vm__set_priv(vm, &xive_module, xs);
	xs->nr_servers = xi.nr_servers;
	xs->eas = calloc(xs->nr_servers + IRQ_MAX_SOURCES, sizeof(*xs->eas));
	xs->end = calloc((size_t)xs->nr_servers * NR_PRIOS, sizeof(*xs->end));
	if (!xs->eas || !xs->end)
		return -ENOMEM;
	reset_tables(xs, xs->nr_servers + IRQ_MAX_SOURCES);
	return hcall__register_all(vm, calls, ARRAY_SIZE(calls));
}

/* Guest reboot: the accelerator reset KVM's side (accel__reset()). */
static void xive__reset(struct vm *vm)
{
	struct xive_state *xs = xive_of(vm);

	if (xs)
		reset_tables(xs, xs->nr_servers + IRQ_MAX_SOURCES);
}

static void xive__exit(struct vm *vm)
{
	struct xive_state *xs = xive_of(vm);

	if (!xs)
		return;
	free(xs->eas);
	free(xs->end);
	free(xs);
	vm__set_priv(vm, &xive_module, NULL);
}

const struct module xive_module = {
	.name = "xive",
	.init = xive__init,
	.reset = xive__reset,
	.exit = xive__exit,
};
