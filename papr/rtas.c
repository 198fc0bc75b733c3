// SPDX-License-Identifier: GPL-2.0
/*
 * RTAS: the guest calls the 20-byte stub at linux,rtas-base, which turns the
 * call into H_RTAS with r4 = the real address of its struct rtas_args. We read
 * that struct through the guest-memory accessor, check the token and the
 * argument counts against the call's fixed shape, run the handler and write
 * the return words back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "pvm/fdt.h"
#include "pvm/hcall.h"
#include "pvm/log.h"
#include "pvm/module.h"
#include "papr/rtas.h"
#include "pvm/vm.h"

static inline struct rtas_table *rtas_of(struct vm *vm)
{
	return vm__priv(vm, &rtas_module);
}

/* KVM ignores the top four bits of the args pointer; so do we. */
#define RTAS_ADDR_MASK 0x0fffffffffffffffULL

#define DEF(tok, nm, amin, amax, rmin) \
	[(tok) - RTAS_TOKEN_BASE] = { .name = (nm), .nargs_min = (amin), .nargs_max = (amax), .nret_min = (rmin) }

static const struct rtas_def rtas_defs[RTAS_NR_TOKENS] = {
	DEF(RTAS_DISPLAY_CHARACTER, "display-character", 1, 1, 1),
	DEF(RTAS_GET_TIME_OF_DAY, "get-time-of-day", 0, 0, 8),
	DEF(RTAS_SET_TIME_OF_DAY, "set-time-of-day", 7, 7, 1),
	DEF(RTAS_POWER_OFF, "power-off", 2, 2, 1),
	DEF(RTAS_SYSTEM_REBOOT, "system-reboot", 0, 0, 1),
	DEF(RTAS_QUERY_CPU_STOPPED_STATE, "query-cpu-stopped-state", 1, 1, 2),
	DEF(RTAS_START_CPU, "start-cpu", 3, 3, 1),
	DEF(RTAS_STOP_SELF, "stop-self", 0, 0, 1),
	DEF(RTAS_IBM_GET_SYSTEM_PARAMETER, "ibm,get-system-parameter", 3, 3, 1),
	DEF(RTAS_IBM_SET_SYSTEM_PARAMETER, "ibm,set-system-parameter", 2, 2, 1),
	DEF(RTAS_IBM_SET_XIVE, "ibm,set-xive", 3, 3, 1),
	DEF(RTAS_IBM_GET_XIVE, "ibm,get-xive", 1, 1, 3),
	DEF(RTAS_IBM_INT_OFF, "ibm,int-off", 1, 1, 1),
	DEF(RTAS_IBM_INT_ON, "ibm,int-on", 1, 1, 1),
	DEF(RTAS_CHECK_EXCEPTION, "check-exception", 6, 7, 1),
	DEF(RTAS_EVENT_SCAN, "event-scan", 4, 4, 1),
	DEF(RTAS_IBM_OS_TERM, "ibm,os-term", 1, 1, 1),
	DEF(RTAS_SET_INDICATOR, "set-indicator", 3, 3, 1),
	DEF(RTAS_GET_SENSOR_STATE, "get-sensor-state", 2, 2, 2),
	DEF(RTAS_IBM_CONFIGURE_CONNECTOR, "ibm,configure-connector", 2, 2, 1),
	DEF(RTAS_IBM_NMI_REGISTER, "ibm,nmi-register", 2, 2, 1),
	DEF(RTAS_IBM_NMI_INTERLOCK, "ibm,nmi-interlock", 0, 0, 1),
	DEF(RTAS_IBM_SEND_HVPIPE_MSG, "ibm,send-hvpipe-msg", 2, 2, 1),
	DEF(RTAS_IBM_RECEIVE_HVPIPE_MSG, "ibm,receive-hvpipe-msg", 2, 2, 3),
	DEF(RTAS_SET_POWER_LEVEL, "set-power-level", 2, 2, 2),
	DEF(RTAS_GET_POWER_LEVEL, "get-power-level", 1, 1, 2),
	DEF(RTAS_NVRAM_FETCH, "nvram-fetch", 3, 3, 2),
	DEF(RTAS_NVRAM_STORE, "nvram-store", 3, 3, 2),
	DEF(RTAS_READ_PCI_CONFIG, "read-pci-config", 2, 2, 2),
	DEF(RTAS_WRITE_PCI_CONFIG, "write-pci-config", 3, 3, 1),
	DEF(RTAS_IBM_READ_PCI_CONFIG, "ibm,read-pci-config", 4, 4, 2),
	DEF(RTAS_IBM_WRITE_PCI_CONFIG, "ibm,write-pci-config", 5, 5, 1),
	/* Linux asks for 3 returns (functions 1-4) or 4 (5-6). */
	DEF(RTAS_IBM_CHANGE_MSI, "ibm,change-msi", 6, 6, 3),
	DEF(RTAS_IBM_QUERY_INTERRUPT_SOURCE_NUMBER, "ibm,query-interrupt-source-number", 4, 4, 2),
};

struct rtas_table {
	rtas_fn fn[RTAS_NR_TOKENS];
};

const struct rtas_def *rtas__def(u32 token)
{
	if (token <= RTAS_TOKEN_BASE || token >= RTAS_TOKEN_END)
		return NULL;
	if (!rtas_defs[token - RTAS_TOKEN_BASE].name)
		return NULL;
	return &rtas_defs[token - RTAS_TOKEN_BASE];
}

static s64 h_rtas(struct hcall_ctx *c)
{
	return rtas__hcall(c->vm, c->vcpu, c->args[0]);
}

static int rtas__init(struct vm *vm)
{
	struct rtas_table *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	vm__set_priv(vm, &rtas_module, t);
	return hcall__register(vm, H_RTAS, h_rtas);
}

static void rtas__exit(struct vm *vm)
{
	free(rtas_of(vm));
	vm__set_priv(vm, &rtas_module, NULL);
}

int rtas__register(struct vm *vm, u32 token, rtas_fn fn)
{
	if (!rtas__def(token) || !fn)
		return -EINVAL;
	if (rtas_of(vm)->fn[token - RTAS_TOKEN_BASE])
		return -EEXIST;
	rtas_of(vm)->fn[token - RTAS_TOKEN_BASE] = fn;
	return 0;
}

int rtas__register_all(struct vm *vm, const struct rtas_handler *h, unsigned int n)
{
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = rtas__register(vm, h[i].token, h[i].fn);
		if (ret)
			return ret;
	}
	return 0;
}

bool rtas__has(struct vm *vm, u32 token)
{
	return rtas__def(token) && rtas_of(vm)->fn[token - RTAS_TOKEN_BASE];
}

s64 rtas__hcall(struct vm *vm, struct vcpu *vcpu, u64 args_gpa)
{
	struct rtas_call c = { .vm = vm, .vcpu = vcpu };
	const struct rtas_def *def;
	u32 hdr[3], words[RTAS_MAX_WORDS];
	u64 gpa = args_gpa & RTAS_ADDR_MASK;
	unsigned int i;
	rtas_fn fn;

	if (gmem__read(&vm->mem, gpa, hdr, sizeof(hdr)))
		return H_PARAMETER;
	c.token = be32toh(hdr[0]);
	c.nargs = be32toh(hdr[1]);
	c.nret = be32toh(hdr[2]);
	/* Beyond this we cannot even tell where rets[0] is: refuse the hcall. */
	if (c.nargs > RTAS_MAX_WORDS || c.nret > RTAS_MAX_WORDS ||
	    c.nargs + c.nret > RTAS_MAX_WORDS)
		return H_PARAMETER;
	if (gmem__read(&vm->mem, gpa + 12, words, 4ULL * (c.nargs + c.nret)))
		return H_PARAMETER;
	for (i = 0; i < c.nargs; i++)
		c.args[i] = be32toh(words[i]);
	if (!c.nret)
		return H_PARAMETER;

	def = rtas__def(c.token);
	fn = def ? rtas_of(vm)->fn[c.token - RTAS_TOKEN_BASE] : NULL;
	if (!fn) {
		pr_debug("rtas: unknown token 0x%x", c.token);
		c.rets[0] = (u32)RTAS_OUT_PARAM_ERROR;
	} else if (c.nargs < def->nargs_min || c.nargs > def->nargs_max ||
		   c.nret < def->nret_min) {
		pr_debug("rtas: %s called with nargs %u nret %u", def->name,
			 c.nargs, c.nret);
		c.rets[0] = (u32)RTAS_OUT_PARAM_ERROR;
	} else {
		fn(&c);
	}

	/* Only rets[0] is defined on error; handlers fill the rest on success. */
	for (i = 0; i < c.nret; i++)
		words[i] = htobe32(c.rets[i]);
	if (gmem__write(&vm->mem, gpa + 12 + 4ULL * c.nargs, words, 4ULL * c.nret))
		return H_PARAMETER;
	return H_SUCCESS;
}

void rtas__stub(u8 out[RTAS_STUB_SIZE])
{
	/* mr r4,r3; lis r3,0; ori r3,r3,0xf000 (H_RTAS); sc 1; blr -- big-endian */
	static const u32 insns[] = {
		0x7c641b78, 0x3c600000, 0x6063f000, 0x44000022, 0x4e800020,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(insns); i++) {
		u32 be = htobe32(insns[i]);

		memcpy(out + 4 * i, &be, 4);
	}
}


/*
 * /rtas and the stub it points at are written together: the stub goes into
 * the area vm__load() reserved, the node names it and every registered
 * token. Other modules add their properties at FDT_AT_RTAS.
 */
static int rtas__fdt(struct vm *vm, void *fdt, const struct fdt_place *at)
{
	static const struct fdt_place here = { .at = FDT_AT_RTAS };
	u8 *area = gmem__ptr(&vm->mem, vm->rtas_base, vm->rtas_size);
	char hypertas[512];
	size_t n;
	u32 tok;

	if (at->at != FDT_AT_ROOT)
		return 0;
	if (!area)
		return -FDT_ERR_BADVALUE;
	memset(area, 0, vm->rtas_size);
	rtas__stub(area);

	FDT_TRY(fdt_begin_node(fdt, "rtas"));
	FDT_TRY(fdt_property_u32(fdt, "linux,rtas-base", vm->rtas_base));
	FDT_TRY(fdt_property_u32(fdt, "linux,rtas-entry", vm->rtas_base));
	FDT_TRY(fdt_property_u32(fdt, "rtas-size", vm->rtas_size));
	n = hcall__hypertas(vm, hypertas, sizeof(hypertas));
	FDT_TRY(fdt_property(fdt, "ibm,hypertas-functions", hypertas, n));
	FDT_TRY(fdt_property_u32(fdt, "rtas-error-log-max", 2048));
	FDT_TRY(fdt_property_u32(fdt, "rtas-event-scan-rate", 1));
	/* Lets a panicking kernel tell us through ibm,os-term. */
	FDT_TRY(fdt_property(fdt, "ibm,extended-os-term", NULL, 0));
	FDT_TRY(modules__fdt(vm, fdt, &here));
	for (tok = RTAS_TOKEN_BASE + 1; tok < RTAS_TOKEN_END; tok++)
		if (rtas__has(vm, tok))
			FDT_TRY(fdt_property_u32(fdt, rtas__def(tok)->name, tok));
	return fdt_end_node(fdt);
}

/* First in the machine: every other module registers its calls here. */
const struct module rtas_module = {
	.name = "rtas",
	.init = rtas__init,
	.exit = rtas__exit,
	.fdt = rtas__fdt,
};
