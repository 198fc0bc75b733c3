// SPDX-License-Identifier: GPL-2.0
/* ibm,get-system-parameter / ibm,set-system-parameter. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pvm/hcall.h"
#include "papr/hvpipe.h"
#include "papr/rtas.h"
#include "pvm/vm.h"
#include "pvm/module.h"

#define SYSPARM_SPLPAR_CHARACTERISTICS 20
#define SYSPARM_DIAGNOSTICS_RUN_MODE 42
#define SYSPARM_UUID 48
#define SYSPARM_HVPIPE_ENABLE 64

/* The guest's RTAS work area is 4 KiB; never touch more than that. */
#define SYSPARM_BUF_MAX 4096

/*
 * Reply layout: a big-endian 16-bit length, then the data, cut to what fits
 * in the caller's buffer.
 */
static int sysparm_reply(struct vm *vm, u64 gpa, u32 len, const void *data, u16 dlen)
{
	u8 *p;
	u16 be = htobe16(dlen);

	if (len < 2 || len > SYSPARM_BUF_MAX)
		return RTAS_OUT_PARAM_ERROR;
	p = gmem__ptr(&vm->mem, gpa, len);
	if (!p)
		return RTAS_OUT_PARAM_ERROR;
	memcpy(p, &be, 2);
	memcpy(p + 2, data, MIN((u32)dlen, len - 2));
	return RTAS_OUT_SUCCESS;
}

static void rtas_get_system_parameter(struct rtas_call *c)
{
	struct vm *vm = c->vm;
	char buf[256];
	u8 zero[16] = { 0 };
	int n;

	switch (c->args[0]) {
	case SYSPARM_SPLPAR_CHARACTERISTICS:
		n = snprintf(buf, sizeof(buf),
			     "MaxEntCap=%u,DesMem=%llu,DesProcs=%u,MaxPlatProcs=%u",
			     vm__nr_vcpus(vm) * 100,
			     (unsigned long long)(vm->cfg.ram_size / SZ_1M),
			     vm__nr_vcpus(vm), vm__nr_vcpus(vm));
		c->rets[0] = (u32)sysparm_reply(vm, c->args[1], c->args[2], buf, n + 1);
		return;
	case SYSPARM_DIAGNOSTICS_RUN_MODE:
		c->rets[0] = (u32)sysparm_reply(vm, c->args[1], c->args[2], zero, 1);
		return;
	case SYSPARM_UUID:
		c->rets[0] = (u32)sysparm_reply(vm, c->args[1], c->args[2], zero, 16);
		return;
	default:
		c->rets[0] = (u32)RTAS_OUT_NOT_SUPPORTED;
	}
}

/* Parameter 64 (HVPIPE in use): BE16 length 1, then 0 (off) or 1 (on). */
static int sysparm_set_hvpipe(struct vm *vm, u64 gpa)
{
	u8 buf[3];

	if (!hvpipe__configured(vm))
		return RTAS_OUT_NOT_SUPPORTED;
	if (gmem__read(&vm->mem, gpa, buf, sizeof(buf)))
		return RTAS_OUT_SYSPARM_PARAM_ERROR;
	if (buf[0] != 0 || buf[1] != 1 || buf[2] > 1)
		return RTAS_OUT_SYSPARM_PARAM_ERROR;
	hvpipe__set_enabled(vm, buf[2]);
	return RTAS_OUT_SUCCESS;
}

static void rtas_set_system_parameter(struct rtas_call *c)
{
	switch (c->args[0]) {
	case SYSPARM_HVPIPE_ENABLE:
		c->rets[0] = (u32)sysparm_set_hvpipe(c->vm, c->args[1]);
		return;
	case SYSPARM_SPLPAR_CHARACTERISTICS:
	case SYSPARM_DIAGNOSTICS_RUN_MODE:
	case SYSPARM_UUID:
		c->rets[0] = (u32)RTAS_OUT_NOT_AUTHORIZED;
		return;
	default:
		c->rets[0] = (u32)RTAS_OUT_NOT_SUPPORTED;
	}
}

static int sysparm__init(struct vm *vm)
{
	static const struct rtas_handler calls[] = {
		{ RTAS_IBM_GET_SYSTEM_PARAMETER, rtas_get_system_parameter },
		{ RTAS_IBM_SET_SYSTEM_PARAMETER, rtas_set_system_parameter },
	};

	return rtas__register_all(vm, calls, ARRAY_SIZE(calls));
}

const struct module sysparm_module = {
	.name = "sysparm",
	.init = sysparm__init,
};
