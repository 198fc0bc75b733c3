// SPDX-License-Identifier: GPL-2.0
/*
 * Per-VM hcall table. PAPR hcalls are multiples of 4 up to
 * MAX_HCALL_OPCODE; platform hcalls (H_RTAS and pvm's own) sit at
 * 0xf000-0xf0ff; the secure-VM range 0xef00-0xef80 holds H_TPM_COMM.
 * Anything else answers H_FUNCTION, logged once per number.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pvm/accel.h"
#include "pvm/hcall.h"
#include "pvm/log.h"
#include "pvm/vm.h"

#define NR_PAPR (MAX_HCALL_OPCODE / 4 + 1)
#define NR_PLATFORM (KVMPPC_HCALL_END - KVMPPC_HCALL_BASE + 1)
#define NR_SVM ((H_SVM_END - H_SVM_BASE) / 4 + 1)

struct hcall_table {
	hcall_fn papr[NR_PAPR];
	hcall_fn platform[NR_PLATFORM];
	u8 warned_papr[NR_PAPR];
	u8 warned_platform[NR_PLATFORM];
	hcall_fn svm[NR_SVM];
	u8 warned_svm[NR_SVM];
	unsigned int warned_other;
};

static hcall_fn *slot(struct hcall_table *t, u64 nr, u8 **warned)
{
	if (nr <= MAX_HCALL_OPCODE && !(nr & 3)) {
		*warned = &t->warned_papr[nr / 4];
		return &t->papr[nr / 4];
	}
	if (nr >= KVMPPC_HCALL_BASE && nr <= KVMPPC_HCALL_END) {
		*warned = &t->warned_platform[nr - KVMPPC_HCALL_BASE];
		return &t->platform[nr - KVMPPC_HCALL_BASE];
	}
	if (nr >= H_SVM_BASE && nr <= H_SVM_END && !(nr & 3)) {
		*warned = &t->warned_svm[(nr - H_SVM_BASE) / 4];
		return &t->svm[(nr - H_SVM_BASE) / 4];
	}
	*warned = NULL;
	return NULL;
}

int hcall__init(struct vm *vm)
{
	vm->hcalls = calloc(1, sizeof(*vm->hcalls));
	return vm->hcalls ? 0 : -ENOMEM;
}

void hcall__exit(struct vm *vm)
{
	free(vm->hcalls);
	vm->hcalls = NULL;
}

int hcall__register(struct vm *vm, u64 nr, hcall_fn fn)
{
	u8 *warned;
	hcall_fn *s = slot(vm->hcalls, nr, &warned);

	if (!s)
		return -EINVAL;
	if (*s)
		return -EEXIST;
	*s = fn;
	return 0;
}

int hcall__register_all(struct vm *vm, const struct hcall_handler *h, unsigned int n)
{
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = hcall__register(vm, h[i].nr, h[i].fn);
		if (ret)
			return ret;
	}
	return 0;
}

s64 hcall__dispatch(struct vm *vm, struct vcpu *vcpu, u64 nr, u64 *args)
{
	struct hcall_ctx c = { .vm = vm, .vcpu = vcpu, .nr = nr, .args = args };
	u8 *warned;
	hcall_fn *s = slot(vm->hcalls, nr, &warned);

	if (s && *s)
		return (*s)(&c);

	/* Log once per number so a guest looping on one cannot flood stderr. */
	if (warned ? !*warned : vm->hcalls->warned_other < 16) {
		if (warned)
			*warned = 1;
		else
			vm->hcalls->warned_other++;
		pr_info("unhandled hcall 0x%llx from vcpu %u: H_FUNCTION",
			(unsigned long long)nr, vcpu ? vcpu->id : 0);
	}
	return H_FUNCTION;
}

bool hcall__registered(struct vm *vm, u64 nr)
{
	u8 *warned;
	hcall_fn *s = slot(vm->hcalls, nr, &warned);

	return s && *s;
}

bool hcall__handled(struct vm *vm, u64 nr)
{
	return hcall__registered(vm, nr) || accel__hcall_in_kernel(vm, nr);
}
