/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_RTAS_H
#define PVM_RTAS_H

#include "pvm/papr.h"
#include "pvm/types.h"

struct vm;
struct vcpu;
struct module;

/*
 * RTAS tokens are fixed: the same number means the same call in every pvm
 * guest and every pvm version, so guest tests and logs can name them.
 * New calls are appended; never renumber.
 */
enum rtas_token {
	RTAS_TOKEN_BASE = 0x2000,
	RTAS_DISPLAY_CHARACTER = 0x2001,
	RTAS_GET_TIME_OF_DAY = 0x2002,
	RTAS_SET_TIME_OF_DAY = 0x2003,
	RTAS_POWER_OFF = 0x2004,
	RTAS_SYSTEM_REBOOT = 0x2005,
	RTAS_QUERY_CPU_STOPPED_STATE = 0x2006,
	RTAS_START_CPU = 0x2007,
	RTAS_STOP_SELF = 0x2008,
	RTAS_IBM_GET_SYSTEM_PARAMETER = 0x2009,
	RTAS_IBM_SET_SYSTEM_PARAMETER = 0x200a,
	RTAS_IBM_SET_XIVE = 0x200b,
	RTAS_IBM_GET_XIVE = 0x200c,
	RTAS_IBM_INT_OFF = 0x200d,
	RTAS_IBM_INT_ON = 0x200e,
	RTAS_CHECK_EXCEPTION = 0x200f,
	RTAS_EVENT_SCAN = 0x2010,
	RTAS_IBM_OS_TERM = 0x2011,
	RTAS_SET_INDICATOR = 0x2012,
	RTAS_GET_SENSOR_STATE = 0x2013,
	RTAS_IBM_CONFIGURE_CONNECTOR = 0x2014,
	RTAS_IBM_NMI_REGISTER = 0x2015,
	RTAS_IBM_NMI_INTERLOCK = 0x2016,
	RTAS_IBM_SEND_HVPIPE_MSG = 0x2017,
	RTAS_IBM_RECEIVE_HVPIPE_MSG = 0x2018,
	RTAS_SET_POWER_LEVEL = 0x2019,
	RTAS_GET_POWER_LEVEL = 0x201a,
	RTAS_NVRAM_FETCH = 0x201b,
	RTAS_NVRAM_STORE = 0x201c,
	RTAS_READ_PCI_CONFIG = 0x201d,
	RTAS_WRITE_PCI_CONFIG = 0x201e,
	RTAS_IBM_READ_PCI_CONFIG = 0x201f,
	RTAS_IBM_WRITE_PCI_CONFIG = 0x2020,
	RTAS_IBM_CHANGE_MSI = 0x2021,
	RTAS_IBM_QUERY_INTERRUPT_SOURCE_NUMBER = 0x2022,
	RTAS_TOKEN_END,
};

#define RTAS_NR_TOKENS (RTAS_TOKEN_END - RTAS_TOKEN_BASE)
/* struct rtas_args in the guest holds 16 words for args and rets together. */
#define RTAS_MAX_WORDS 16

/* The 20-byte stub at linux,rtas-base: turns an RTAS call into H_RTAS. */
#define RTAS_STUB_SIZE 20

struct rtas_call {
	struct vm *vm;
	struct vcpu *vcpu;
	u32 token;
	u32 nargs;
	u32 nret;
	u32 args[RTAS_MAX_WORDS];
	u32 rets[RTAS_MAX_WORDS];
};

/* Sets c->rets[]; rets[0] is the RTAS status. */
typedef void (*rtas_fn)(struct rtas_call *c);

/* Fixed shape of each call: nargs in [nargs_min, nargs_max], nret >= nret_min. */
struct rtas_def {
	const char *name;
	u8 nargs_min, nargs_max;
	u8 nret_min;
};

const struct rtas_def *rtas__def(u32 token);
extern const struct module rtas_module;
int rtas__register(struct vm *vm, u32 token, rtas_fn fn);

struct rtas_handler {
	u32 token;
	rtas_fn fn;
};

/* Register a module's calls; 0, or the first error. */
int rtas__register_all(struct vm *vm, const struct rtas_handler *h, unsigned int n);
bool rtas__has(struct vm *vm, u32 token);
s64 rtas__hcall(struct vm *vm, struct vcpu *vcpu, u64 args_gpa);
void rtas__stub(u8 out[RTAS_STUB_SIZE]);

/* NUL-separated ibm,hypertas-functions for this VM (papr/hypertas.c). */
size_t hcall__hypertas(struct vm *vm, char *buf, size_t size);

#endif
