// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "fake-accel.h"
#include "pvm/accel.h"
#include "pvm/papr.h"
#include "pvm/sandbox.h"
#include "pvm/irq.h"
#include "pvm/vm.h"
#include "pvm/xics.h"

struct fake_accel fake_accel;

void fake_accel__reset(void)
{
	memset(&fake_accel, 0, sizeof(fake_accel));
}

bool accel__has_cap(struct vm *vm __unused, enum accel_cap cap)
{
	switch (cap) {
	case ACCEL_CAP_AIL_MODE_3:
		return fake_accel.ail3;
	case ACCEL_CAP_IRQCHIP:
		return fake_accel.xics;
	case ACCEL_CAP_IOEVENTFD:
		return fake_accel.ioeventfd;
	case ACCEL_CAP_IRQFD:
		return fake_accel.irqfd && fake_accel.xics;
	case ACCEL_CAP_XIVE:
		return fake_accel.xics && fake_accel.xive;
	}
	return false;
}

int accel__set_lpcr(struct vm *vm __unused, u64 mask, u64 bits)
{
	fake_accel.lpcr = (fake_accel.lpcr & ~mask) | (bits & mask);
	fake_accel.lpcr_calls++;
	return 0;
}

int accel__configure_mmu(struct vm *vm __unused, bool radix, bool gtse, u64 process_table)
{
	fake_accel.mmu_calls++;
	fake_accel.mmu_radix = radix;
	fake_accel.mmu_gtse = gtse;
	fake_accel.mmu_process_table = process_table;
	return fake_accel.mmu_fail;
}

int accel__get_cpu_char(struct vm *vm __unused, u64 *character, u64 *behaviour)
{
	if (!fake_accel.cpu_char_ok)
		return -ENOSYS;
	*character = fake_accel.character;
	*behaviour = fake_accel.behaviour;
	return 0;
}

int accel__irq_create(struct vm *vm __unused, u32 irq, bool lsi)
{
	if (irq < IRQ_BASE || irq >= IRQ_BASE + IRQ_MAX_SOURCES)
		return -EINVAL;
	fake_accel.irqs_created++;
	fake_accel.irq_state[irq - IRQ_BASE] = XICS_STATE_PRIO_MASK | XICS_STATE_MASKED |
					       (lsi ? XICS_STATE_LEVEL : 0);
	return 0;
}

int accel__irq_get_state(struct vm *vm, u32 irq, u64 *state)
{
	if (irq < IRQ_BASE || irq >= IRQ_BASE + vm->nr_irqs)
		return -ENOENT;
	*state = fake_accel.irq_state[irq - IRQ_BASE];
	return 0;
}

int accel__irq_set_state(struct vm *vm, u32 irq, u64 state)
{
	if (irq < IRQ_BASE || irq >= IRQ_BASE + vm->nr_irqs)
		return -ENOENT;
	fake_accel.irq_state[irq - IRQ_BASE] = state;
	return 0;
}

int accel__irq_line(struct vm *vm __unused, u32 irq, int level)
{
	fake_accel.last_irq = irq;
	fake_accel.last_level = level;
	fake_accel.irq_lines++;
	return 0;
}

/* ---- XIVE: records what was asked, as KVM's device would take it ---- */

int accel__xive_info(struct vm *vm __unused, struct accel_xive_info *info)
{
	if (!fake_accel.xive)
		return -ENODEV;
	*info = (struct accel_xive_info){
		.esb_base = FAKE_XIVE_ESB_GPA,
		.esb_shift = 16,
		.tima_base = FAKE_XIVE_TIMA_GPA,
		.tima_shift = 16,
		.nr_servers = fake_accel.xive_nr_servers,
	};
	return 0;
}

int accel__xive_source_config(struct vm *vm __unused, u32 lisn, u32 server, u8 prio,
			      bool masked, u32 eisn)
{
	if (fake_accel.xive_fail)
		return fake_accel.xive_fail;
	fake_accel.xive_configs++;
	fake_accel.xive_last_lisn = lisn;
	fake_accel.xive_last_server = server;
	fake_accel.xive_last_prio = prio;
	fake_accel.xive_last_masked = masked;
	fake_accel.xive_last_eisn = eisn;
	if (lisn >= IRQ_BASE && lisn < IRQ_BASE + IRQ_MAX_SOURCES) {
		u64 *st = &fake_accel.irq_state[lisn - IRQ_BASE];

		*st = (*st & XICS_STATE_LEVEL) | ((u64)prio << XICS_STATE_PRIO_SHIFT) | server |
		      (masked || prio == 0xff ? XICS_STATE_MASKED : 0);
	}
	return 0;
}

int accel__xive_set_queue(struct vm *vm __unused, u32 server, u8 prio, u64 qpage, u32 qshift,
			  bool notify)
{
	if (fake_accel.xive_fail)
		return fake_accel.xive_fail;
	if (server >= 16 || prio >= 8)
		return -ENOENT;
	fake_accel.xive_q[server][prio] = (struct fake_xive_queue){ qpage, qshift, notify };
	return 0;
}

int accel__xive_get_queue(struct vm *vm __unused, u32 server, u8 prio, u32 *toggle, u32 *index)
{
	if (fake_accel.xive_fail)
		return fake_accel.xive_fail;
	if (server >= 16 || prio >= 8)
		return -ENOENT;
	*toggle = 1;
	*index = 42;
	return 0;
}

int accel__xive_sync(struct vm *vm __unused, u32 lisn)
{
	fake_accel.xive_last_lisn = lisn;
	fake_accel.xive_syncs++;
	return fake_accel.xive_fail;
}

int accel__xive_reset(struct vm *vm __unused)
{
	if (fake_accel.xive_fail)
		return fake_accel.xive_fail;
	fake_accel.xive_resets++;
	memset(fake_accel.xive_q, 0, sizeof(fake_accel.xive_q));
	return 0;
}

int accel__xive_esb(struct vm *vm __unused, u32 lisn, u32 offset, bool store, u64 *val)
{
	if (fake_accel.xive_fail)
		return fake_accel.xive_fail;
	/* As KVM's: loads at the defined ESB offsets only. */
	if (store || (offset & 0xff) || (offset != 0 && offset != 0x800 && offset < 0xc00))
		return -EINVAL;
	fake_accel.xive_esbs++;
	fake_accel.xive_last_lisn = lisn;
	fake_accel.xive_last_esb_offset = offset;
	*val = fake_accel.xive_esb_val;
	return 0;
}

int accel__memslot(struct vm *vm __unused, u32 slot __unused, u64 gpa __unused, u64 size,
		   void *hva __unused)
{
	if (size)
		fake_accel.memslots++;
	else
		fake_accel.memslots--;
	return 0;
}

int accel__add_vcpu(struct vm *vm, unsigned int id)
{
	return vcpu__new(vm, id) ? 0 : -ENOSPC;
}

void accel__kick(struct vcpu *v __unused)
{
	fake_accel.kicks++;
}

int accel__enable_hcall(struct vm *vm __unused, u64 nr)
{
	if (fake_accel.nr_enabled_hcalls < ARRAY_SIZE(fake_accel.enabled_hcalls))
		fake_accel.enabled_hcalls[fake_accel.nr_enabled_hcalls++] = nr;
	return fake_accel.enable_hcall_ok ? 0 : -EINVAL;
}

/* The fake handles nothing in-kernel but XICS, as KVM with an in-kernel XICS. */
bool accel__hcall_in_kernel(struct vm *vm __unused, u64 nr)
{
	switch (nr) {
	case H_EOI: case H_CPPR: case H_IPI: case H_IPOLL: case H_XIRR: case H_XIRR_X:
		return fake_accel.xics && !fake_accel.xive;
	case H_REGISTER_VPA: case H_CEDE: case H_CONFER: case H_PROD:
	case H_SET_DABR: case H_SET_XDABR:
		return true;
	}
	return false;
}

int accel__set_sprg0(struct vcpu *v __unused, u64 val)
{
	fake_accel.sprg0_calls++;
	if (fake_accel.sprg0_fail)
		return fake_accel.sprg0_fail;
	fake_accel.sprg0 = val;
	return 0;
}

bool fake_accel__queue_exit(const struct vcpu_exit *e)
{
	if (fake_accel.nr_exits == FAKE_EXITS)
		return false;
	fake_accel.exits[fake_accel.nr_exits++] = *e;
	return true;
}

int accel__vcpu_run(struct vcpu *v, struct vcpu_exit *e)
{
	int r = fake_accel.run_fail;

	if (r) {
		fake_accel.run_fail = 0;
		return r;
	}
	if (fake_accel.next_exit == fake_accel.nr_exits) {
		vm__request_exit(v->vm, VM_EXIT_POWEROFF);
		return -EINTR;
	}
	*e = fake_accel.exits[fake_accel.next_exit++];
	return 0;
}

void accel__vcpu_complete(struct vcpu *v __unused, const struct vcpu_exit *e)
{
	if (fake_accel.nr_done < FAKE_EXITS)
		fake_accel.done[fake_accel.nr_done++] = *e;
}

int accel__vcpu_start(struct vcpu *v __unused, u64 pc, u64 r3)
{
	fake_accel.starts++;
	fake_accel.done_at_start = fake_accel.nr_done;
	fake_accel.start_pc = pc;
	fake_accel.start_r3 = r3;
	return 0;
}

int accel__vcpu_sreset(struct vcpu *v __unused)
{
	fake_accel.sresets++;
	return 0;
}

void accel__vcpu_dump(struct vcpu *v __unused)
{
	fake_accel.dumps++;
}

/* What KVM checks (virt/kvm/eventfd.c): lengths, datamatch, duplicates. */
int accel__ioeventfd(struct vm *vm __unused, u64 addr, u32 len, bool datamatch, u64 data,
		     int fd, bool assign)
{
	struct fake_ioeventfd *io = fake_accel.ioeventfds;
	unsigned int i, n = fake_accel.nr_ioeventfds;

	if (!fake_accel.ioeventfd)
		return -ENOSYS;
	if ((len != 0 && len != 1 && len != 2 && len != 4 && len != 8) || (!len && datamatch) ||
	    addr + len < addr)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (io[i].addr == addr && io[i].len == len && io[i].datamatch == datamatch &&
		    (!datamatch || io[i].data == data) && (assign || io[i].fd == fd))
			break;
	if (assign) {
		if (i < n)
			return -EEXIST;
		if (n == FAKE_EVENTFDS)
			return -ENOSPC;
		io[n] = (struct fake_ioeventfd){ addr, len, datamatch, data, fd };
		fake_accel.nr_ioeventfds++;
		return 0;
	}
	if (i == n)
		return -ENOENT;
	io[i] = io[--fake_accel.nr_ioeventfds];
	return 0;
}

int accel__irqfd(struct vm *vm, u32 irq, int fd, int resample_fd, bool assign)
{
	struct fake_irqfd *q = fake_accel.irqfds;
	unsigned int i, n = fake_accel.nr_irqfds;

	if (!fake_accel.irqfd || !fake_accel.xics)
		return -ENOSYS;
	if (assign && (irq < IRQ_BASE || irq >= IRQ_BASE + vm->nr_irqs))
		return -ENOENT;
	for (i = 0; i < n; i++)
		if (q[i].fd == fd && (assign || q[i].irq == irq))
			break;
	if (assign) {
		/* KVM refuses an eventfd that already drives an irqfd. */
		if (i < n)
			return -EBUSY;
		if (n == FAKE_EVENTFDS)
			return -ENOSPC;
		q[n] = (struct fake_irqfd){ irq, fd, resample_fd };
		fake_accel.nr_irqfds++;
		return 0;
	}
	if (i == n)
		return -ENOENT;
	q[i] = q[--fake_accel.nr_irqfds];
	return 0;
}

/* The sandbox is not part of the host unit tests (vmm/sandbox.c needs libseccomp). */
int sandbox__allow_syscall(enum sandbox_kind kind __unused, const char *name __unused)
{
	return 0;
}

int sandbox__allow_ioctl(enum sandbox_kind kind __unused, unsigned long request __unused)
{
	return 0;
}

int sandbox__enter(enum sandbox_kind kind __unused)
{
	return 0;
}

int accel__reset(struct vm *vm)
{
	(void)vm;
	fake_accel.resets++;
	fake_accel.lpcr = 0;
	return 0;
}

int accel__vcpu_reset(struct vcpu *v)
{
	(void)v;
	fake_accel.vcpu_resets++;
	return 0;
}
