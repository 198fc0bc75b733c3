// SPDX-License-Identifier: GPL-2.0
/*
 * H_SIGNAL_SYS_RESET (Linux's NMI IPI on pseries), run with -c 3: CPU 1
 * spins, CPU 2 stays stopped. A handler at the system-reset vector 0x100
 * counts each interrupt per CPU and records SRR0, SRR1 and its own MSR, then
 * returns with rfid. Checks: unicast to another CPU and to oneself, all,
 * all-but-self, stopped CPUs left alone, the interrupted code resumes, and
 * bad targets answer H_PARAMETER.
 */
#include "rt.h"

const char payload_name[] = "sreset";

#define WAIT_MS 20000
#define SRESET_VECTOR 0x100

struct sreset_rec {
	volatile u64 count, srr0, srr1, msr;
};
/*
 * One slot per CPU, found through SPRG1, which each CPU points at its own
 * slot (under KVM the guest's PIR is a host thread number, not the server).
 */
static struct sreset_rec sreset_rec[MAX_CPUS] __attribute__((aligned(32)));
void sreset_handler(void);

/*
 * Real mode, MSR = SF|ME|LE (LPCR[ILE] set below), r1 untouched: only r3/r4
 * are used, saved in SPRG2/SPRG3; no CR-setting instructions.
 */
__asm__(
	"	.text\n"
	"	.globl	sreset_handler\n"
	"	.balign	8\n"
	"sreset_handler:\n"
	"	mtspr	274, %r3\n"
	"	mtspr	275, %r4\n"
	"	mfspr	%r3, 273\n"
	"	ld	%r4, 0(%r3)\n"
	"	addi	%r4, %r4, 1\n"
	"	std	%r4, 0(%r3)\n"
	"	mfsrr0	%r4\n"
	"	std	%r4, 8(%r3)\n"
	"	mfsrr1	%r4\n"
	"	std	%r4, 16(%r3)\n"
	"	mfmsr	%r4\n"
	"	std	%r4, 24(%r3)\n"
	"	sync\n"
	"	mfspr	%r4, 275\n"
	"	mfspr	%r3, 274\n"
	"	rfid\n");

static void install_vector(void)
{
	u64 addr = SRESET_VECTOR;
	volatile u32 *vec;

	/* Hide the constant: GCC takes small addresses for null-pointer arithmetic. */
	__asm__("" : "+r"(addr));
	vec = (volatile u32 *)addr;

	/* ba sreset_handler: an absolute branch reaches the first 64 MiB. */
	*vec = 0x48000002 | ((u32)(u64)sreset_handler & 0x03fffffc);
	__asm__ __volatile__("dcbst 0,%0; sync; icbi 0,%0; sync; isync" : : "r"(vec) : "memory");
}

static void set_slot(struct sreset_rec *r)
{
	__asm__ __volatile__("mtspr 273,%0" : : "r"(r));
}

/* step 1: spinning; arg[0] counts loop turns until go. */
static void spinner(struct cpu_boot *cb)
{
	set_slot(&sreset_rec[1]);
	cb->arg[1] = mfmsr();
	cb->step = 1;
	mb();
	while (!READ_ONCE(cb->go))
		cb->arg[0]++;
	cb->step = 2;
	mb();
}

static bool wait_count(struct sreset_rec *r, u64 want)
{
	u64 end = mftb() + tb_freq / 1000 * WAIT_MS;

	while (READ_ONCE(r->count) < want && mftb() < end)
		;
	return READ_ONCE(r->count) >= want;
}

static bool in_func(u64 pc, void *fn)
{
	return pc >= (u64)fn && pc < (u64)fn + 0x200;
}

int main(const void *blob)
{
	struct sreset_rec *r0 = &sreset_rec[0], *r1 = &sreset_rec[1], *r2 = &sreset_rec[2];
	u32 s1, s2, me = cpu_servers[0];
	struct cpu_boot *cb;
	u64 turns;

	(void)blob;
	if (nr_cpus < 3) {
		ok(false, "needs 3 CPUs, has %u", nr_cpus);
		return 0;
	}
	s1 = cpu_servers[1];
	s2 = cpu_servers[2];
	set_slot(r0);
	check(HCALL(NULL, H_SET_MODE, 1, 4, 0, 0), H_SUCCESS, "H_SET_MODE LE: interrupts little-endian");
	install_vector();
	cb = cpu_boot_of(s1);
	cb->arg[0] = 0;
	check(cpu_start(s1, cb, spinner), 0, "cpu %u: start-cpu (spinner)", s1);
	ok(wait_u32(&cb->step, 1, WAIT_MS), "cpu %u: spinning", s1);
	check(cpu_state(s2), 0, "cpu %u: stopped", s2);

	check(HCALL(NULL, H_SIGNAL_SYS_RESET, s1), H_SUCCESS, "H_SIGNAL_SYS_RESET cpu %u", s1);
	ok(wait_count(r1, 1), "cpu %u took one system reset (count %lu)", s1, r1->count);
	ok(in_func(r1->srr0, spinner),
	   "cpu %u: SRR0 0x%lx is in the interrupted spin loop", s1, r1->srr0);
	/* ME as the CPU had it (the emulated v2 host shows L2s ME=0). */
	checkx(r1->srr1, cb->arg[1] & ~0x783f0000UL,
	       "cpu %u: SRR1 is the interrupted MSR less the cause bits", s1);
	checkx(r1->msr & (MSR_SF | MSR_LE | MSR_IR | MSR_DR | MSR_EE | MSR_PR | MSR_ME | 2),
	       MSR_SF | MSR_LE | (cb->arg[1] & MSR_ME),
	       "cpu %u: handler ran real mode, 64-bit, LE from LPCR[ILE], ME kept, RI=0", s1);
	turns = READ_ONCE(cb->arg[0]);
	delay_ms(50);
	ok(READ_ONCE(cb->arg[0]) > turns, "cpu %u: resumed its loop after rfid", s1);
	check(r0->count, 0, "cpu %u (caller) untouched by a unicast", me);

	check(HCALL(NULL, H_SIGNAL_SYS_RESET, me), H_SUCCESS, "H_SIGNAL_SYS_RESET to itself");
	check(r0->count, 1, "the caller took its reset right after the hcall");
	ok(in_func(r0->srr0, pvm_hcall),
	   "its SRR0 0x%lx is just after the sc in pvm_hcall", r0->srr0);

	check(HCALL(NULL, H_SIGNAL_SYS_RESET, -1UL), H_SUCCESS, "H_SIGNAL_SYS_RESET all (-1)");
	check(r0->count, 2, "all: the caller took one");
	ok(wait_count(r1, 2), "all: cpu %u took one", s1);
	check(HCALL(NULL, H_SIGNAL_SYS_RESET, -2UL), H_SUCCESS, "H_SIGNAL_SYS_RESET all but self (-2)");
	ok(wait_count(r1, 3), "all-but-self: cpu %u took one", s1);
	check(r0->count, 2, "all-but-self: the caller took none");
	check(HCALL(NULL, H_SIGNAL_SYS_RESET, s2), H_SUCCESS, "H_SIGNAL_SYS_RESET to stopped cpu %u", s2);
	delay_ms(100);
	check(r2->count, 0, "stopped cpu %u took none", s2);
	check(cpu_state(s2), 0, "cpu %u is still stopped", s2);

	check(HCALL(NULL, H_SIGNAL_SYS_RESET, 64), H_PARAMETER, "no such cpu 64 -> H_PARAMETER");
	check(HCALL(NULL, H_SIGNAL_SYS_RESET, -3UL), H_PARAMETER, "target -3 -> H_PARAMETER");
	check(HCALL(NULL, H_SIGNAL_SYS_RESET, 0x100000000UL | s1), H_PARAMETER,
	      "target 2^32 + cpu %u -> H_PARAMETER (no truncation)", s1);
	check(r1->count, 3, "cpu %u took no reset from refused calls", s1);

	WRITE_ONCE(cb->go, 1);
	mb();
	ok(cpu_wait_stopped(s1, WAIT_MS), "cpu %u: stopped again", s1);
	return 0;
}
