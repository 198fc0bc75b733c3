/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvm bare-metal payload runtime: hcalls, console, printf, FDT, RTAS, TAP
 * reporting and secondary-CPU bring-up for ppc64le payloads running in real
 * mode with MSR[EE] = 0.
 */
#ifndef BM_RT_H
#define BM_RT_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef signed int s32;
typedef signed long s64;
typedef unsigned long size_t;
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define barrier() __asm__ __volatile__("" ::: "memory")
#define mb() __asm__ __volatile__("sync" ::: "memory")
#define READ_ONCE(x) (*(volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

/* hcall numbers and statuses used by the payloads */
#define H_SUCCESS 0
#define H_FUNCTION -2
#define H_PARAMETER -4
#define H_RESOURCE -16
#define H_P2 -55
#define H_P3 -56
#define H_P4 -57
#define H_P5 -58
#define H_UNSUPPORTED_FLAG -256

/* H_PAGE_INIT flags */
#define H_ICACHE_INVALIDATE (1UL << (63 - 40))
#define H_ICACHE_SYNCHRONIZE (1UL << (63 - 41))
#define H_ZERO_PAGE (1UL << (63 - 48))
#define H_COPY_PAGE (1UL << (63 - 49))

#define H_REGISTER_VPA 0xdc
#define H_CEDE 0xe0
#define H_CONFER 0xe4
#define H_GET_TERM_CHAR 0x54
#define H_PUT_TERM_CHAR 0x58
#define H_SET_SPRG0 0x24
#define H_SET_DABR 0x28
#define H_PAGE_INIT 0x2c
#define H_LOGICAL_CI_LOAD 0x3c
#define H_LOGICAL_CI_STORE 0x40
#define H_LOGICAL_CACHE_LOAD 0x44
#define H_LOGICAL_CACHE_STORE 0x48
#define H_LOGICAL_ICBI 0x4c
#define H_LOGICAL_DCBF 0x50
#define H_PROD 0xe8
#define H_VIO_SIGNAL 0x104
#define H_RANDOM 0x300
#define H_EOI 0x64
#define H_CPPR 0x68
#define H_IPI 0x6c
#define H_IPOLL 0x70
#define H_XIRR 0x74
#define H_SET_XDABR 0x134
#define H_GET_CPU_CHARACTERISTICS 0x1c8
#define H_JOIN 0x298
#define H_SET_MODE 0x31c
#define H_REGISTER_PROC_TBL 0x37c
#define H_SIGNAL_SYS_RESET 0x380
#define H_TPM_COMM 0xef10
#define H_RTAS 0xf000
#define H_PVM_EXIT 0xf0f0

#define XICS_IPI 2

/* pvm's fixed RTAS tokens (include/papr/rtas.h) */
#define TOK_DISPLAY_CHARACTER 0x2001
#define TOK_GET_TIME_OF_DAY 0x2002
#define TOK_SET_TIME_OF_DAY 0x2003
#define TOK_POWER_OFF 0x2004
#define TOK_SYSTEM_REBOOT 0x2005
#define TOK_QUERY_CPU_STOPPED_STATE 0x2006
#define TOK_START_CPU 0x2007
#define TOK_STOP_SELF 0x2008
#define TOK_GET_SYSTEM_PARAMETER 0x2009
#define TOK_SET_SYSTEM_PARAMETER 0x200a
#define TOK_IBM_OS_TERM 0x2011

#define HCALL_NR_OUT 9

/* head.S: r3 = nr, r4..r12 = in[0..8]; out[0..8] = r4..r12 after sc 1. */
long pvm_hcall(u64 nr, const u64 *in, u64 *out);

/* HCALL(out or NULL, nr, args...): up to 9 arguments, the rest are 0. */
#define HCALL(out, nr, ...) \
	hcall_v((out), (nr), (const u64[HCALL_NR_OUT]){ __VA_ARGS__ })
long hcall_v(u64 *out, u64 nr, const u64 *in);

/* SPRs and timebase */
static inline u64 mfmsr(void)
{
	u64 v;

	__asm__ __volatile__("mfmsr %0" : "=r"(v));
	return v;
}

static inline u64 mftb(void)
{
	u64 v;

	__asm__ __volatile__("mftb %0" : "=r"(v));
	return v;
}

static inline u64 mfsprg0(void)
{
	u64 v;

	__asm__ __volatile__("mfspr %0,272" : "=r"(v));
	return v;
}

static inline u64 mfpir(void)
{
	u64 v;

	__asm__ __volatile__("mfspr %0,1023" : "=r"(v));
	return v;
}

#define MSR_SF (1UL << 63)
#define MSR_EE (1UL << 15)
#define MSR_PR (1UL << 14)
#define MSR_ME (1UL << 12)
#define MSR_IR (1UL << 5)
#define MSR_DR (1UL << 4)
#define MSR_LE (1UL << 0)

extern u64 tb_freq;
/* Spin until *flag == want or ms milliseconds pass; true if seen. */
bool wait_u32(volatile u32 *flag, u32 want, unsigned int ms);
void delay_ms(unsigned int ms);

/* string.h subset (also what GCC may call on its own) */
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* console (H_PUT_TERM_CHAR on the /vdevice/vty reg) */
extern u64 vterm;
/*
 * A payload that defines console_unit0 = true talks to the console through
 * unit address 0 only (the "default console" of early debug code).
 */
extern const bool console_unit0 __attribute__((weak));
void putchar(int c);
void puts(const char *s);
void console_flush(void);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* FDT (flattened device tree, all fields big-endian) */
extern const void *fdt;
static inline u32 be32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}
static inline void put_be32(void *p, u32 v)
{
	u8 *b = p;

	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
}
bool fdt_valid(const void *blob);
/* Offsets of a node's FDT_BEGIN_NODE token, or -1. */
int fdt_path(const void *blob, const char *path);
int fdt_child(const void *blob, int node, int index);
const char *fdt_name(const void *blob, int node);
const void *fdt_prop(const void *blob, int node, const char *name, int *len);
bool fdt_prop_u32(const void *blob, int node, const char *name, u32 *val);

/* RTAS through H_RTAS */
struct rtas_args {
	u32 token;	/* all big-endian */
	u32 nargs;
	u32 nret;
	u32 words[16];
} __attribute__((aligned(8)));

u32 rtas_token(const char *name);	/* 0 if /rtas lacks it */
/* Status (rets[0]) of an RTAS call; rets[1..nret-1] go to out[0..]. */
int rtas_call(u32 token, int nargs, int nret, u32 *out, ...);
/* Raw H_RTAS on an args block at any address: the hcall status. */
long rtas_raw(u64 args_addr);

/* CPUs from /cpus: server numbers in tree order */
#define MAX_CPUS 32
extern u32 cpu_servers[MAX_CPUS];
extern unsigned int nr_cpus;

struct cpu_boot {
	u64 stack_top;	/* read by head.S */
	void (*fn)(struct cpu_boot *cb);
	u32 server;
	volatile u32 started;
	u64 msr;	/* MSR as the secondary saw it */
	u64 pir;
	volatile u32 step;	/* payload-defined handshakes */
	volatile u32 go;
	volatile u64 arg[4];
};
/* start-cpu on server with fn; returns the RTAS status. */
int cpu_start(u32 server, struct cpu_boot *cb, void (*fn)(struct cpu_boot *cb));
struct cpu_boot *cpu_boot_of(u32 server);
/* query-cpu-stopped-state: 0 stopped, 2 running, < 0 on error */
int cpu_state(u32 server);
bool cpu_wait_stopped(u32 server, unsigned int ms);
void secondary_entry(void);	/* head.S, real address = link address */
void stop_self(void) __attribute__((noreturn));

/* PCI through the sPAPR PHB (lib/pci.c): device tree + ibm,read/write-pci-config */
#define PCI_COMMAND 0x04
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define PCI_STATUS 0x06
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_BASE_ADDRESS_0 0x10
#define PCI_CAPABILITY_LIST 0x34
#define PCI_CAP_ID_VNDR 0x09

struct pci_fn {
	u64 buid;		/* the PHB's reg */
	u32 addr;		/* bus << 16 | devfn << 8 (config_addr without reg) */
	int phb_node, node;	/* FDT offsets */
	u64 mem64_bus, mem64_cpu, mem64_size;	/* the PHB's 64-bit MEM window */
};
/* The first function with these IDs under a device_type "pci" node of /. */
bool pci_find(u16 vendor, u16 device, struct pci_fn *fn);
/* RTAS status (0 = success) of a config access of size 1, 2 or 4. */
int pci_cfg_read(const struct pci_fn *fn, u32 reg, u32 size, u32 *val);
int pci_cfg_write(const struct pci_fn *fn, u32 reg, u32 size, u32 val);
u32 pci_cfg_r(const struct pci_fn *fn, u32 reg, u32 size);	/* ~0 on error */
/* Config offset of the next capability id after the one at after (0: first); 0 if none. */
int pci_find_cap(const struct pci_fn *fn, u8 id, int after);
/* Size a memory BAR (restores its value); 0 if it does not exist. */
u64 pci_bar_size(const struct pci_fn *fn, unsigned int bar, bool *mem64);
int pci_bar_set(const struct pci_fn *fn, unsigned int bar, u64 bus_addr, bool mem64);

/*
 * MMIO in real mode (payloads run little-endian, as PCI registers are):
 * plain D-form loads and stores, which KVM's MMIO emulation decodes, with a
 * sync before each access so that ring updates are visible first.
 */
static inline u8 mmio_r8(u64 a)
{
	u32 v;

	__asm__ __volatile__("sync; lbz %0,0(%1)" : "=r"(v) : "b"(a) : "memory");
	return v;
}

static inline u16 mmio_r16(u64 a)
{
	u32 v;

	__asm__ __volatile__("sync; lhz %0,0(%1)" : "=r"(v) : "b"(a) : "memory");
	return v;
}

static inline u32 mmio_r32(u64 a)
{
	u32 v;

	__asm__ __volatile__("sync; lwz %0,0(%1)" : "=r"(v) : "b"(a) : "memory");
	return v;
}

static inline void mmio_w8(u64 a, u8 v)
{
	__asm__ __volatile__("sync; stb %0,0(%1)" : : "r"(v), "b"(a) : "memory");
}

static inline void mmio_w16(u64 a, u16 v)
{
	__asm__ __volatile__("sync; sth %0,0(%1)" : : "r"(v), "b"(a) : "memory");
}

static inline void mmio_w32(u64 a, u32 v)
{
	__asm__ __volatile__("sync; stw %0,0(%1)" : : "r"(v), "b"(a) : "memory");
}

/* TAP reporting */
extern unsigned int tap_pass, tap_fail;
bool ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "ok" if got == want, else "not ok ... (got X, want Y)" */
bool check(s64 got, s64 want, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool checkx(u64 got, u64 want, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void pvm_exit(unsigned int status) __attribute__((noreturn));
/* Prints "PAYLOAD name DONE pass=P fail=F" and exits 0 / 1. */
void done(void) __attribute__((noreturn));

/* Provided by each payload. */
extern const char payload_name[];
int main(const void *fdt_blob);

#endif
