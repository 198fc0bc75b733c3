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
#include "papr/drc.h"
#include "papr/events.h"
#include "pvm/hcall.h"
#include "pvm/log.h"
#include "papr/rtas.h"
#include "pvm/vm.h"
#include "papr/nvram.h"
#include "papr/watchdog.h"
#include "papr/xics.h"

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

static s64 h_rtas(struct hcall_ctx *c)
{
	return rtas__hcall(c->vm, c->vcpu, c->args[0]);
}

int hcall__init(struct vm *vm)
{
	vm->hcalls = calloc(1, sizeof(*vm->hcalls));
	if (!vm->hcalls)
		return -ENOMEM;
	return hcall__register(vm, H_RTAS, h_rtas);
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

/*
 * PAPR function sets (the "Set" column of PAPR's hcall table) and the hcalls
 * each one promises. A set is published only when every one of its calls is
 * answered, by pvm or inside KVM: a guest that trusts the list never meets
 * H_FUNCTION. docs/papr-conformance.md says why the others are missing.
 */
static const struct hypertas_set {
	const char *name;
	u64 hcalls[8];
} hypertas_sets[] = {
	{ "hcall-term", { H_GET_TERM_CHAR, H_PUT_TERM_CHAR } },
	/* KVM's own (default-enabled); H_HARDWARE where the host has no DAWR. */
	{ "hcall-dabr", { H_SET_DABR } },
	{ "hcall-interrupt", { H_EOI, H_CPPR, H_IPI, H_IPOLL, H_XIRR } },
	{ "hcall-vio", { H_VIO_SIGNAL } },
	{ "hcall-splpar", { H_REGISTER_VPA, H_CEDE, H_CONFER, H_PROD } },
	/* What an LE guest needs first: it asks for ILE through H_SET_MODE. */
	{ "hcall-set-mode", { H_SET_MODE } },
	{ "hcall-sprg0", { H_SET_SPRG0 } },
	{ "hcall-copy", { H_PAGE_INIT } },
	{ "hcall-watchdog", { H_WATCHDOG } },
	{ "hcall-debug", { H_LOGICAL_CI_LOAD, H_LOGICAL_CI_STORE, H_LOGICAL_CACHE_LOAD,
			   H_LOGICAL_CACHE_STORE, H_LOGICAL_ICBI, H_LOGICAL_DCBF } },
};

static bool set_handled(struct vm *vm, const struct hypertas_set *set)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(set->hcalls) && set->hcalls[i]; i++)
		if (!hcall__handled(vm, set->hcalls[i]))
			return false;
	return true;
}

size_t hcall__hypertas(struct vm *vm, char *buf, size_t size)
{
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hypertas_sets); i++) {
		const char *name = hypertas_sets[i].name;
		size_t l = strlen(name) + 1;

		if (!set_handled(vm, &hypertas_sets[i]))
			continue;
		if (n + l > size)
			break;
		memcpy(buf + n, name, l);
		n += l;
	}
	return n;
}

int papr__init(struct vm *vm)
{
	/* Each module registers only what this VM can offer. */
	static int (*const inits[])(struct vm *) = {
		hcall__init, rtas__init, papr_cpu__init, papr_mmu__init,
		papr_power__init, papr_sysparm__init, papr_pvm__init, papr_mem__init,
		papr_rng__init, papr_watchdog__init, papr_nvram__init, xics__init,
		events__init, drc__init_rtas, papr_hvpipe__init, papr_tpm__init,
	};
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(inits); i++) {
		ret = inits[i](vm);
		if (ret)
			return ret;
	}
	return 0;
}
