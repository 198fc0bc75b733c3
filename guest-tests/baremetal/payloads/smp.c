// SPDX-License-Identifier: GPL-2.0
/*
 * start-cpu / stop-self / query-cpu-stopped-state on every secondary CPU,
 * including repeated stop/start round trips. Run with -c 2, -c 4, --threads 2.
 */
#include "rt.h"

const char payload_name[] = "smp";

#define WAIT_MS 20000
#define ROUNDS 5
#define MAGIC 0x5eed0000

#define qcss cpu_state

/* First start: report, run RTAS ourselves, wait for the go to stop. */
static void first_run(struct cpu_boot *cb)
{
	u32 t[7];

	cb->arg[0] = MAGIC | cb->server;
	cb->arg[1] = rtas_call(TOK_GET_TIME_OF_DAY, 0, 8, t);
	cb->arg[2] = t[0];
	mb();
	wait_u32(&cb->go, 1, WAIT_MS);
}

/* Round trips: count the start, stop at once. */
static void count_run(struct cpu_boot *cb)
{
	cb->arg[0]++;
	mb();
}

int main(const void *blob)
{
	unsigned int i, n;

	(void)blob;
	ok(nr_cpus >= 2, "at least 2 CPUs in /cpus (%u)", nr_cpus);
	for (i = 1; i < nr_cpus; i++) {
		u32 s = cpu_servers[i];
		struct cpu_boot *cb = cpu_boot_of(s);

		check(qcss(s), 0, "cpu %u: query-cpu-stopped-state before start -> stopped (0)", s);
		check(cpu_start(s, cb, first_run), 0, "cpu %u: start-cpu", s);
		ok(wait_u32(&cb->started, 1, WAIT_MS), "cpu %u: secondary runs our code with r3 = its cpu_boot",
		   s);
		checkx(cb->msr & (MSR_SF | MSR_LE | MSR_IR | MSR_DR | MSR_EE | MSR_PR),
		       MSR_SF | MSR_LE, "cpu %u: secondary MSR 64-bit LE real mode (0x%lx)", s,
		       cb->msr);
		printf("# cpu %u: PIR 0x%lx\n", s, cb->pir);
		check(qcss(s), 2, "cpu %u: query-cpu-stopped-state while running -> 2", s);
		check(rtas_call(TOK_START_CPU, 3, 1, NULL, s, (u32)(u64)secondary_entry, (u32)(u64)cb),
		      -1, "cpu %u: start-cpu on a running CPU -> -1", s);
		delay_ms(50);	/* the marker is written right after "started" */
		mb();
		checkx(cb->arg[0], MAGIC | s, "cpu %u: secondary wrote its marker", s);
		ok(cb->arg[1] == 0 && cb->arg[2] >= 2024,
		   "cpu %u: get-time-of-day from the secondary (status %ld year %lu)", s,
		   (s64)(s32)cb->arg[1], cb->arg[2]);
		cb->go = 1;
		mb();
		ok(cpu_wait_stopped(s, WAIT_MS), "cpu %u: stop-self -> query-cpu-stopped-state 0", s);

		cb->arg[0] = 0;
		for (n = 0; n < ROUNDS; n++) {
			if (cpu_start(s, cb, count_run) || !wait_u32(&cb->started, 1, WAIT_MS) ||
			    !cpu_wait_stopped(s, WAIT_MS))
				break;
		}
		check(n, ROUNDS, "cpu %u: %u stop-self/start-cpu round trips", s, ROUNDS);
		check(cb->arg[0], ROUNDS, "cpu %u: secondary ran %u times with the right r3", s, ROUNDS);
	}
	return 0;
}
