// SPDX-License-Identifier: GPL-2.0
/*
 * The ICS RTAS calls (ibm,set-xive, ibm,get-xive, ibm,int-off, ibm,int-on),
 * served here on top of the in-kernel XICS source state instead of with
 * KVM_PPC_RTAS_DEFINE_TOKEN: once any token is defined in KVM, KVM parses
 * every H_RTAS itself and a bad args pointer or nargs >= 16 makes KVM_RUN
 * fail, killing the VM. Here such calls get H_PARAMETER like any other.
 */
#include <errno.h>

#include "pvm/accel.h"
#include "pvm/irq.h"
#include "papr/rtas.h"
#include "pvm/vm.h"
#include "pvm/xics.h"
#include "pvm/module.h"

#define XICS_PRIO_MASKED 0xff

/*
 * Read-modify-write of a source under irq_lock (see irq__set_level). The
 * state read carries PENDING for an interrupt that arrived while masked, and
 * writing it back re-delivers it, so nothing raised before is lost.
 */
static void update_source(struct rtas_call *c, u64 clear, u64 set)
{
	struct vm *vm = c->vm;
	u64 state;

	pthread_mutex_lock(&vm->irq_lock);
	if (accel__irq_get_state(vm, c->args[0], &state))
		c->rets[0] = (u32)RTAS_OUT_PARAM_ERROR;
	else if (accel__irq_set_state(vm, c->args[0], (state & ~clear) | set))
		c->rets[0] = (u32)RTAS_OUT_HW_ERROR;
	else
		c->rets[0] = RTAS_OUT_SUCCESS;
	pthread_mutex_unlock(&vm->irq_lock);
}

static void rtas_set_xive(struct rtas_call *c)
{
	u32 server = c->args[1], prio = c->args[2];
	u64 set = server | ((u64)prio << XICS_STATE_PRIO_SHIFT);

	if (prio > XICS_PRIO_MASKED || !vm__find_vcpu(c->vm, server)) {
		c->rets[0] = (u32)RTAS_OUT_PARAM_ERROR;
		return;
	}
	if (prio == XICS_PRIO_MASKED)
		set |= XICS_STATE_MASKED;
	update_source(c, XICS_STATE_SERVER_MASK | XICS_STATE_PRIO_MASK | XICS_STATE_MASKED, set);
}

static void rtas_get_xive(struct rtas_call *c)
{
	u64 state;

	if (accel__irq_get_state(c->vm, c->args[0], &state)) {
		c->rets[0] = (u32)RTAS_OUT_PARAM_ERROR;
		return;
	}
	c->rets[0] = RTAS_OUT_SUCCESS;
	c->rets[1] = state & XICS_STATE_SERVER_MASK;
	/* A source switched off with int-off reports the masked priority. */
	c->rets[2] = (state & XICS_STATE_MASKED) ? XICS_PRIO_MASKED :
		     (state & XICS_STATE_PRIO_MASK) >> XICS_STATE_PRIO_SHIFT;
}

static void rtas_int_off(struct rtas_call *c)
{
	update_source(c, 0, XICS_STATE_MASKED);
}

/*
 * Back to the saved priority; with none set (0xff) the source stays masked
 * and the call still succeeds, as with KVM's own int-on.
 */
static void rtas_int_on(struct rtas_call *c)
{
	update_source(c, XICS_STATE_MASKED, 0);
}

static int xics__init(struct vm *vm)
{
	static const struct rtas_handler calls[] = {
		{ RTAS_IBM_SET_XIVE, rtas_set_xive },
		{ RTAS_IBM_GET_XIVE, rtas_get_xive },
		{ RTAS_IBM_INT_OFF, rtas_int_off },
		{ RTAS_IBM_INT_ON, rtas_int_on },
	};

	/* Under XIVE exploitation the guest routes sources with H_INT_* instead. */
	if (!accel__has_cap(vm, ACCEL_CAP_IRQCHIP) || accel__has_cap(vm, ACCEL_CAP_XIVE))
		return 0;
	return rtas__register_all(vm, calls, ARRAY_SIZE(calls));
}

const struct module xics_module = {
	.name = "xics",
	.init = xics__init,
};
