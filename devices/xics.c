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
#include "pvm/rtas.h"
#include "pvm/vm.h"
#include "pvm/xics.h"

#define XICS_PRIO_MASKED 0xff

static bool source_state(struct rtas_call *c, u64 *state)
{
	if (accel__irq_get_state(c->vm, c->args[0], state)) {
		c->rets[0] = (u32)RTAS_OUT_PARAM_ERROR;
		return false;
	}
	return true;
}

static void put_state(struct rtas_call *c, u64 state)
{
	c->rets[0] = accel__irq_set_state(c->vm, c->args[0], state) ?
			     (u32)RTAS_OUT_HW_ERROR : RTAS_OUT_SUCCESS;
}

static void rtas_set_xive(struct rtas_call *c)
{
	u32 server = c->args[1], prio = c->args[2];
	u64 state;

	if (prio > XICS_PRIO_MASKED || !vm__find_vcpu(c->vm, server)) {
		c->rets[0] = (u32)RTAS_OUT_PARAM_ERROR;
		return;
	}
	if (!source_state(c, &state))
		return;
	state &= ~(XICS_STATE_SERVER_MASK | XICS_STATE_PRIO_MASK | XICS_STATE_MASKED);
	state |= server | ((u64)prio << XICS_STATE_PRIO_SHIFT);
	if (prio == XICS_PRIO_MASKED)
		state |= XICS_STATE_MASKED;
	put_state(c, state);
}

static void rtas_get_xive(struct rtas_call *c)
{
	u64 state;

	if (!source_state(c, &state))
		return;
	c->rets[0] = RTAS_OUT_SUCCESS;
	c->rets[1] = state & XICS_STATE_SERVER_MASK;
	/* A source switched off with int-off reports the masked priority. */
	c->rets[2] = (state & XICS_STATE_MASKED) ? XICS_PRIO_MASKED :
		     (state & XICS_STATE_PRIO_MASK) >> XICS_STATE_PRIO_SHIFT;
}

static void rtas_int_off(struct rtas_call *c)
{
	u64 state;

	if (source_state(c, &state))
		put_state(c, state | XICS_STATE_MASKED);
}

static void rtas_int_on(struct rtas_call *c)
{
	u64 state;

	if (!source_state(c, &state))
		return;
	/* Nothing to unmask to: the guest must set a priority first. */
	if (((state & XICS_STATE_PRIO_MASK) >> XICS_STATE_PRIO_SHIFT) == XICS_PRIO_MASKED) {
		c->rets[0] = (u32)RTAS_OUT_PARAM_ERROR;
		return;
	}
	put_state(c, state & ~XICS_STATE_MASKED);
}

int xics__init(struct vm *vm)
{
	static const struct rtas_handler calls[] = {
		{ RTAS_IBM_SET_XIVE, rtas_set_xive },
		{ RTAS_IBM_GET_XIVE, rtas_get_xive },
		{ RTAS_IBM_INT_OFF, rtas_int_off },
		{ RTAS_IBM_INT_ON, rtas_int_on },
	};

	if (!accel__has_cap(vm, ACCEL_CAP_XICS))
		return 0;
	return rtas__register_all(vm, calls, ARRAY_SIZE(calls));
}
