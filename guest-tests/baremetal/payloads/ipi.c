// SPDX-License-Identifier: GPL-2.0
/*
 * IPIs through the in-kernel XICS, polled with MSR[EE] = 0: CPU 0 sends
 * H_IPI to each secondary, which polls H_XIRR, EOIs and answers with an IPI
 * back to CPU 0.
 */
#include "rt.h"

const char payload_name[] = "ipi";

#define WAIT_MS 20000
#define PRIO 5

/* Poll H_XIRR until an interrupt arrives or ms pass; returns the XIRR. */
static u32 poll_xirr(unsigned int ms)
{
	u64 end = mftb() + tb_freq / 1000 * ms, out[HCALL_NR_OUT];

	do {
		if (HCALL(out, H_XIRR) == H_SUCCESS && (out[0] & 0xffffff))
			return out[0];
	} while (mftb() < end);
	return 0;
}

/* step 1: ready, 2: done; arg[1]: XIRR seen, arg[2]: CPPR|EOI status, arg[3]: H_IPI back */
static void secondary(struct cpu_boot *cb)
{
	volatile u64 *a = cb->arg;
	u32 xirr;

	a[2] = HCALL(NULL, H_CPPR, 0xff);
	mb();
	cb->step = 1;
	mb();
	xirr = poll_xirr(WAIT_MS);
	HCALL(NULL, H_IPI, cb->server, 0xff);
	a[2] |= HCALL(NULL, H_EOI, xirr);
	a[1] = xirr;
	mb();
	/* and back to CPU 0 */
	a[3] = HCALL(NULL, H_IPI, 0, PRIO);
	mb();
	cb->step = 2;
	mb();
}

int main(const void *blob)
{
	unsigned int i;

	(void)blob;
	ok(nr_cpus >= 2, "at least 2 CPUs (%u)", nr_cpus);
	check(HCALL(NULL, H_CPPR, 0xff), 0, "cpu 0: H_CPPR 0xff");
	for (i = 1; i < nr_cpus; i++) {
		u32 s = cpu_servers[i], xirr;
		struct cpu_boot *cb = cpu_boot_of(s);
		volatile u64 *a = cb->arg;

		a[0] = a[1] = a[2] = a[3] = 0;
		check(cpu_start(s, cb, secondary), 0, "cpu %u: start-cpu", s);
		ok(wait_u32(&cb->step, 1, WAIT_MS), "cpu %u: up and CPPR set", s);
		check(HCALL(NULL, H_IPI, s, PRIO), 0, "cpu 0 -> cpu %u: H_IPI", s);
		wait_u32(&cb->step, 2, WAIT_MS);
		checkx(a[1], 0xff000000 | XICS_IPI, "cpu %u: H_XIRR saw the IPI (XIRR)", s);
		check(a[2], 0, "cpu %u: H_CPPR and H_EOI succeeded", s);
		check(a[3], 0, "cpu %u -> cpu 0: H_IPI", s);
		xirr = poll_xirr(WAIT_MS);
		checkx(xirr, 0xff000000 | XICS_IPI, "cpu 0: H_XIRR saw the IPI from cpu %u", s);
		HCALL(NULL, H_IPI, 0, 0xff);
		check(HCALL(NULL, H_EOI, xirr), 0, "cpu 0: H_EOI");
		ok(cpu_wait_stopped(s, WAIT_MS), "cpu %u: stopped again", s);
	}
	return 0;
}
