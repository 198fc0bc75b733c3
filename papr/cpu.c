// SPDX-License-Identifier: GPL-2.0
/* vCPU services: start-cpu, stop-self, query-cpu-stopped-state, H_SET_MODE,
 * H_SET_SPRG0, H_SIGNAL_SYS_RESET, H_GET_CPU_CHARACTERISTICS. */
#include <errno.h>

#include "pvm/accel.h"
#include "pvm/hcall.h"
#include "pvm/log.h"
#include "papr/rtas.h"
#include "pvm/vm.h"
#include "pvm/module.h"

/* query-cpu-stopped-state answers */
#define QCSS_STOPPED 0
#define QCSS_RUNNING 2

static void rtas_query_cpu_stopped_state(struct rtas_call *c)
{
	struct vcpu *v = vm__find_vcpu(c->vm, c->args[0]);

	if (!v) {
		c->rets[0] = (u32)RTAS_OUT_PARAM_ERROR;
		return;
	}
	pthread_mutex_lock(&c->vm->lock);
	c->rets[1] = (v->state == VCPU_STOPPED && !v->start_pending) ?
			     QCSS_STOPPED : QCSS_RUNNING;
	pthread_mutex_unlock(&c->vm->lock);
	c->rets[0] = RTAS_OUT_SUCCESS;
}

static void rtas_start_cpu(struct rtas_call *c)
{
	struct vcpu *v = vm__find_vcpu(c->vm, c->args[0]);
	int ret;

	if (!v) {
		c->rets[0] = (u32)RTAS_OUT_PARAM_ERROR;
		return;
	}
	ret = vcpu__start(v, c->args[1], c->args[2]);
	/* Starting a running CPU is a hardware error in PAPR terms. */
	c->rets[0] = ret ? (u32)RTAS_OUT_HW_ERROR : RTAS_OUT_SUCCESS;
}

static void rtas_stop_self(struct rtas_call *c)
{
	vcpu__stop_self(c->vcpu);
	c->rets[0] = RTAS_OUT_SUCCESS;
}

static s64 h_set_mode(struct hcall_ctx *c)
{
	u64 mflags = c->args[0], resource = c->args[1];

	switch (resource) {
	case H_SET_MODE_RESOURCE_LE:
		if (c->args[2])
			return H_P3;
		if (c->args[3])
			return H_P4;
		if (mflags > 1)
			return H_UNSUPPORTED_FLAG;
		if (accel__set_lpcr(c->vm, LPCR_ILE, mflags ? LPCR_ILE : 0))
			return H_HARDWARE;
		return H_SUCCESS;
	case H_SET_MODE_RESOURCE_ADDR_TRANS_MODE:
		if (c->args[2])
			return H_P3;
		if (c->args[3])
			return H_P4;
		if (mflags == 1 || mflags == 2)
			return H_UNSUPPORTED_FLAG;
		if (mflags > 3)
			return H_UNSUPPORTED_FLAG;
		if (mflags == 3 && !accel__has_cap(c->vm, ACCEL_CAP_AIL_MODE_3))
			return H_P2;
		if (accel__set_lpcr(c->vm, LPCR_AIL, mflags ? LPCR_AIL_3 : 0))
			return H_HARDWARE;
		return H_SUCCESS;
	default:
		/* CIABR/DAWR are handled in KVM when it has them; others unknown. */
		return H_P2;
	}
}

/*
 * "hcall-sprg0": KVM-HV leaves it to the VMM (QEMU sets env->spr[SPRG0]).
 * Any 64-bit value is valid; the calling vCPU's SPRG0 changes.
 */
static s64 h_set_sprg0(struct hcall_ctx *c)
{
	int r = accel__set_sprg0(c->vcpu, c->args[0]);

	if (r) {
		pr_err("vcpu %u: setting SPRG0 failed: %d", c->vcpu->id, r);
		return H_HARDWARE;
	}
	return H_SUCCESS;
}

/* H_SIGNAL_SYS_RESET targets: a server number, or one of these. */
#define SYS_RESET_ALL -1
#define SYS_RESET_ALL_BUT_SELF -2

static void signal_reset(struct hcall_ctx *c, struct vcpu *v)
{
	/* The caller takes its own at its next entry; others are kicked out. */
	if (vcpu__queue_reset(v) && v != c->vcpu)
		accel__kick(v);
}

/*
 * Linux's NMI IPI (crash, sysrq, hard-lockup backtraces) on pseries. Stopped
 * vCPUs are skipped: they run no OS code to interrupt.
 */
static s64 h_signal_sys_reset(struct hcall_ctx *c)
{
	s64 target = (s64)c->args[0];
	struct vm *vm = c->vm;
	unsigned int i;

	if (target >= 0) {
		struct vcpu *v = target <= UINT32_MAX ? vm__find_vcpu(vm, target) : NULL;

		if (!v)
			return H_PARAMETER;
		signal_reset(c, v);
		return H_SUCCESS;
	}
	if (target != SYS_RESET_ALL && target != SYS_RESET_ALL_BUT_SELF)
		return H_PARAMETER;
	for (i = 0; i < vm__nr_vcpus(vm); i++) {
		struct vcpu *v = vm->vcpus[i];

		if (target == SYS_RESET_ALL_BUT_SELF && v == c->vcpu)
			continue;
		signal_reset(c, v);
	}
	return H_SUCCESS;
}

static s64 h_get_cpu_characteristics(struct hcall_ctx *c)
{
	u64 character, behaviour;

	if (accel__get_cpu_char(c->vm, &character, &behaviour))
		return H_FUNCTION;
	c->args[0] = character;
	c->args[1] = behaviour;
	return H_SUCCESS;
}

static int cpu__init(struct vm *vm)
{
	static const struct rtas_handler calls[] = {
		{ RTAS_QUERY_CPU_STOPPED_STATE, rtas_query_cpu_stopped_state },
		{ RTAS_START_CPU, rtas_start_cpu },
		{ RTAS_STOP_SELF, rtas_stop_self },
	};
	int ret = rtas__register_all(vm, calls, ARRAY_SIZE(calls));

	if (!ret)
		ret = hcall__register(vm, H_SET_MODE, h_set_mode);
	if (!ret)
		ret = hcall__register(vm, H_SET_SPRG0, h_set_sprg0);
	if (!ret)
		ret = hcall__register(vm, H_SIGNAL_SYS_RESET, h_signal_sys_reset);
	if (!ret)
		ret = hcall__register(vm, H_GET_CPU_CHARACTERISTICS, h_get_cpu_characteristics);
	return ret;
}

const struct module cpu_module = {
	.name = "cpu",
	.init = cpu__init,
};
