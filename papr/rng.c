// SPDX-License-Identifier: GPL-2.0
/*
 * H_RANDOM: 64 bits from the host's getrandom() per call, what QEMU's
 * spapr-rng device offers with a host backend. The guest finds it through
 * /ibm,platform-facilities/ibm,random-v1 (Linux's pseries-rng binds to it
 * and feeds the kernel's entropy pool from boot on).
 */
#include <errno.h>
#include <sys/random.h>

#include "pvm/hcall.h"
#include "pvm/log.h"
#include "pvm/vm.h"

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

int papr_rng__init(struct vm *vm)
{
	return hcall__register(vm, H_RANDOM, h_random);
}
