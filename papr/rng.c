// SPDX-License-Identifier: GPL-2.0
/*
 * H_RANDOM: 64 bits from the host's getrandom() per call, what QEMU's
 * spapr-rng device offers with a host backend. The guest finds it through
 * /ibm,platform-facilities/ibm,random-v1 (Linux's pseries-rng binds to it
 * and feeds the kernel's entropy pool from boot on).
 */
#include <errno.h>
#include <sys/random.h>

#include <libfdt.h>

#include "pvm/hcall.h"
#include "pvm/log.h"
#include "pvm/vm.h"
#include "pvm/fdt.h"
#include "pvm/module.h"

static s64 h_random(struct hcall_ctx *c)
{
	u64 v;
	ssize_t n;

	/* Never block a vCPU: before the host pool is ready this fails. */
	do
		n = getrandom(&v, sizeof(v), GRND_NONBLOCK);
	while (n < 0 && errno == EINTR);
	if (n != sizeof(v))
		return H_HARDWARE;
	c->args[0] = v;
	return H_SUCCESS;
}

static int rng__init(struct vm *vm)
{
	return hcall__register(vm, H_RANDOM, h_random);
}

/* H_RANDOM's node, as QEMU's spapr-rng makes it: Linux's pseries-rng matches it. */
static int rng__fdt(struct vm *vm, void *fdt, const struct fdt_place *at)
{
	if (at->at != FDT_AT_ROOT || !hcall__registered(vm, H_RANDOM))
		return 0;
	FDT_TRY(fdt_begin_node(fdt, "ibm,platform-facilities"));
	FDT_TRY(fdt_property_string(fdt, "device_type", "ibm,platform-facilities"));
	FDT_TRY(fdt_property_u32(fdt, "#address-cells", 1));
	FDT_TRY(fdt_property_u32(fdt, "#size-cells", 0));
	FDT_TRY(fdt_begin_node(fdt, "ibm,random-v1"));
	FDT_TRY(fdt_property_string(fdt, "compatible", "ibm,random"));
	FDT_TRY(fdt_end_node(fdt));
	return fdt_end_node(fdt);
}

const struct module rng_module = {
	.name = "rng",
	.init = rng__init,
	.fdt = rng__fdt,
};
