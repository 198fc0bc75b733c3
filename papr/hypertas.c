// SPDX-License-Identifier: GPL-2.0
/*
 * ibm,hypertas-functions: the PAPR function sets this VM answers, derived
 * from the hcall table (pvm's handlers and KVM's in-kernel ones).
 */
#include <string.h>

#include "pvm/hcall.h"
#include "papr/rtas.h"

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
	/* Only with a PCI host bridge (papr/tce.c); multi-TCE saves 2^18 exits per GiB at boot. */
	{ "hcall-tce", { H_GET_TCE, H_PUT_TCE } },
	{ "hcall-multi-tce", { H_STUFF_TCE, H_PUT_TCE_INDIRECT } },
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
