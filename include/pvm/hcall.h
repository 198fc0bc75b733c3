/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_HCALL_H
#define PVM_HCALL_H

#include "pvm/papr.h"
#include "pvm/types.h"

struct vm;
struct vcpu;

#define HCALL_NR_ARGS 9

/*
 * One hcall as KVM hands it over: nr = r3, args[i] = r(4+i). Outputs go back
 * into args[] (KVM copies them to r4..r12); arguments a handler leaves alone
 * reach the guest unchanged.
 */
struct hcall_ctx {
	struct vm *vm;
	struct vcpu *vcpu;
	u64 nr;
	u64 *args;
};

typedef s64 (*hcall_fn)(struct hcall_ctx *c);

int hcall__init(struct vm *vm);
void hcall__exit(struct vm *vm);
int hcall__register(struct vm *vm, u64 nr, hcall_fn fn);
struct hcall_handler {
	u64 nr;
	hcall_fn fn;
};

/* Register n handlers; the first failure is returned. */
int hcall__register_all(struct vm *vm, const struct hcall_handler *h, unsigned int n);
s64 hcall__dispatch(struct vm *vm, struct vcpu *vcpu, u64 nr, u64 *args);

/* A handler is registered in pvm's table for nr. */
bool hcall__registered(struct vm *vm, u64 nr);
/* nr is answered: by a pvm handler or inside the accelerator. */
bool hcall__handled(struct vm *vm, u64 nr);

#endif
