// SPDX-License-Identifier: GPL-2.0
/* RTAS through H_RTAS, and secondary-CPU bring-up with start-cpu. */
#include "rt.h"

typedef __builtin_va_list va_list;
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_arg(ap, type) __builtin_va_arg(ap, type)
#define va_end(ap) __builtin_va_end(ap)

u32 rtas_token(const char *name)
{
	u32 tok;

	if (!fdt_prop_u32(fdt, fdt_path(fdt, "/rtas"), name, &tok))
		return 0;
	return tok;
}

long rtas_raw(u64 args_addr)
{
	return HCALL(NULL, H_RTAS, args_addr);
}

int rtas_call(u32 token, int nargs, int nret, u32 *out, ...)
{
	struct rtas_args a;
	va_list ap;
	long hret;
	int i;

	if (nargs < 0 || nret < 1 || nargs + nret > 16)
		return -99;
	memset(&a, 0, sizeof(a));
	put_be32(&a.token, token);
	put_be32(&a.nargs, nargs);
	put_be32(&a.nret, nret);
	va_start(ap, out);
	for (i = 0; i < nargs; i++)
		put_be32(&a.words[i], va_arg(ap, u32));
	va_end(ap);
	/* rets[0] starts as a value no call returns */
	put_be32(&a.words[nargs], 0x7eadbeef);
	mb();
	hret = rtas_raw((u64)&a);
	mb();
	if (hret != H_SUCCESS)
		return -1000 + (int)hret;	/* distinguishable from RTAS statuses */
	for (i = 1; out && i < nret; i++)
		out[i - 1] = be32(&a.words[nargs + i]);
	return (s32)be32(&a.words[nargs]);
}

/* ---- secondary CPUs ---- */

#define STACK_SIZE 16384
static u8 cpu_stacks[MAX_CPUS][STACK_SIZE] __attribute__((aligned(16)));
static struct cpu_boot boots[MAX_CPUS];

struct cpu_boot *cpu_boot_of(u32 server)
{
	return &boots[server % MAX_CPUS];
}

int cpu_start(u32 server, struct cpu_boot *cb, void (*fn)(struct cpu_boot *cb))
{
	cb->stack_top = (u64)&cpu_stacks[server % MAX_CPUS][STACK_SIZE];
	cb->fn = fn;
	cb->server = server;
	cb->started = 0;
	cb->msr = 0;
	cb->pir = 0;
	cb->step = 0;
	cb->go = 0;
	mb();
	return rtas_call(TOK_START_CPU, 3, 1, NULL, server, (u32)(u64)secondary_entry,
			 (u32)(u64)cb);
}

int cpu_state(u32 server)
{
	u32 r[1] = { 0xdead };
	int rc = rtas_call(TOK_QUERY_CPU_STOPPED_STATE, 1, 2, r, server);

	return rc ? -100 + rc : (int)r[0];
}

bool cpu_wait_stopped(u32 server, unsigned int ms)
{
	u64 end = mftb() + tb_freq / 1000 * ms;

	do {
		if (cpu_state(server) == 0)
			return true;
	} while (mftb() < end);
	return false;
}

void stop_self(void)
{
	mb();
	rtas_call(TOK_STOP_SELF, 0, 1, NULL);
	/* stop-self does not return; if it does, spin where the test can see it */
	for (;;)
		barrier();
}

void rt_secondary(struct cpu_boot *cb);
void rt_secondary(struct cpu_boot *cb)
{
	cb->msr = mfmsr();
	cb->pir = mfpir();
	mb();
	WRITE_ONCE(cb->started, 1);
	mb();
	if (cb->fn)
		cb->fn(cb);
	stop_self();
}
