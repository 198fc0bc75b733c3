/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_TESTS_TESTVM_H
#define PVM_TESTS_TESTVM_H

/*
 * Shared helpers for the host unit tests: a struct vm wired up the way
 * builtin-run.c does it, minus KVM (tests/fake-accel.c stands in), with the
 * console going into a pipe the test can read back, plus an RTAS caller and
 * a small in-memory ELF64 builder.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fake-accel.h"
#include "machine/pseries.h"
#include "pvm/module.h"
#include "papr/events.h"
#include "pvm/hcall.h"
#include "papr/hvpipe.h"
#include "papr/tpm.h"
#include "papr/rtas.h"
#include "pvm/vm.h"
#include "devices/vty.h"
#include "papr/nvram.h"
#include "papr/watchdog.h"

#define TESTVM_RAM (64 * SZ_1M)
/* Where testvm__rtas() puts its struct rtas_args by default. */
#define TESTVM_RTAS_GPA 0x20000ULL
/* What the words after an RTAS args block hold before the call. */
#define TESTVM_POISON 0xdeadbeefU

struct testvm_opts {
	const char *name;
	const char *params;
	u64 ram_size;		/* 0: TESTVM_RAM */
	unsigned int nr_cpus;	/* cores; 0: 1 */
	unsigned int threads;	/* per core; 0: 1 */
	bool xics;		/* fake_accel.xics while the machine is set up */
	bool xive;		/* with xics: XIVE exploitation (fake_accel.xive) */
	u64 max_mem;		/* hotplug ceiling (0: none) */
	unsigned int max_cores;	/* hotplug ceiling (0: none) */
	/*
	 * HVPIPE source ids (vm_config.hvpipe_ids); any makes the hvpipe module
	 * want an hvpipe event interrupt, i.e. xics. nr_hvpipe is passed on
	 * as given (at most HVPIPE_MAX_SOURCES ids are copied).
	 */
	const u32 *hvpipe_ids;
	unsigned int nr_hvpipe;
	const char *tpm_path;	/* vm_config.tpm_path: registers H_TPM_COMM */
	bool tpm_allow_all;	/* vm_config.tpm_allow_all: no TPM command policy */
	const char *nvram_path;	/* vm_config.nvram_path / nvram_fd: NVRAM image file */
	int nvram_fd;
	bool test_exit;		/* vm_config.test_exit: H_PVM_EXIT registered */
	bool boot_trace;	/* vm_config.boot_trace: H_PVM_MARK registered */
	bool virtio_rng;	/* vm_config.virtio_rng: a virtio-rng PCI function */
	bool virtio_console;	/* vm_config.virtio_console: the console on virtio */
	/* vm_config.disks: virtio-blk functions (each .io opened by the test; taken over) */
	const struct vm_disk *disks;
	unsigned int nr_disks;
	/* vm_config.nics: virtio-net functions (each .fd the test's; taken over) */
	const struct vm_nic *nics;
	unsigned int nr_nics;
	/* fake_accel.ioeventfd / .irqfd while the machine is set up, and after. */
	bool ioeventfd, irqfd;
};

struct testvm {
	struct vm vm;
	u8 *ram;
	u64 ram_size;
	int cons[2];		/* vty writes cons[1]; tests read cons[0] */
};

static inline void testvm__teardown(struct testvm *t)
{
	modules__exit(&t->vm);
	vm__exit(&t->vm);
	if (t->ram)
		munmap(t->ram, t->ram_size);
	t->ram = NULL;
	if (t->cons[0] >= 0)
		close(t->cons[0]);
	if (t->cons[1] >= 0)
		close(t->cons[1]);
	t->cons[0] = t->cons[1] = -1;
}

/* A fresh fake accelerator with the capabilities o asks for. */
static inline void testvm__fake_caps(const struct testvm_opts *o)
{
	fake_accel__reset();
	fake_accel.xics = o->xics;
	fake_accel.xive = o->xive;
	fake_accel.xive_nr_servers = (o->max_cores > o->nr_cpus ? o->max_cores :
				      o->nr_cpus ? o->nr_cpus : 1) * (o->threads ? o->threads : 1);
	fake_accel.ioeventfd = o->ioeventfd;
	fake_accel.irqfd = o->irqfd;
}

/* Returns 0 or -errno; on failure whatever was set up is torn down. */
static inline int testvm__setup(struct testvm *t, const struct testvm_opts *o)
{
	struct vm_config cfg = {
		.name = o->name ? o->name : "test",
		.params = o->params,
		.ram_size = o->ram_size ? o->ram_size : TESTVM_RAM,
		.nr_cores = o->nr_cpus ? o->nr_cpus : 1,
		.threads = o->threads ? o->threads : 1,
		.max_mem = o->max_mem,
		.max_cores = o->max_cores,
	};
	unsigned int core, th;
	int ret;

	cfg.nr_hvpipe = o->nr_hvpipe;
	cfg.tpm_path = o->tpm_path;
	cfg.tpm_allow_all = o->tpm_allow_all;
	cfg.nvram_path = o->nvram_path;
	cfg.nvram_fd = o->nvram_fd;
	cfg.test_exit = o->test_exit;
	cfg.boot_trace = o->boot_trace;
	cfg.virtio_rng = o->virtio_rng;
	cfg.virtio_console = o->virtio_console;
	cfg.nr_disks = MIN(o->nr_disks, (unsigned int)PVM_MAX_DISKS);
	if (o->disks)
		memcpy(cfg.disks, o->disks, sizeof(cfg.disks[0]) * cfg.nr_disks);
	cfg.nr_nics = MIN(o->nr_nics, (unsigned int)PVM_MAX_NICS);
	if (o->nics)
		memcpy(cfg.nics, o->nics, sizeof(cfg.nics[0]) * cfg.nr_nics);
	if (o->hvpipe_ids)
		memcpy(cfg.hvpipe_ids, o->hvpipe_ids,
		       sizeof(u32) * MIN(o->nr_hvpipe, (unsigned int)HVPIPE_MAX_SOURCES));
	memset(t, 0, sizeof(*t));
	t->cons[0] = t->cons[1] = -1;
	testvm__fake_caps(o);

	ret = vm__init(&t->vm, &cfg);
	if (ret)
		return ret;
	t->ram_size = cfg.ram_size;
	t->ram = mmap(NULL, t->ram_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (t->ram == MAP_FAILED) {
		t->ram = NULL;
		ret = -errno;
		goto fail;
	}
	ret = gmem__add(&t->vm.mem, 0, t->ram_size, t->ram);
	if (ret)
		goto fail;
	if (pipe(t->cons)) {
		t->cons[0] = t->cons[1] = -1;
		ret = -errno;
		goto fail;
	}
	/* Reading an empty console must not hang a test. */
	fcntl(t->cons[0], F_SETFL, fcntl(t->cons[0], F_GETFL) | O_NONBLOCK);
	t->vm.cfg.console_fd = t->cons[1];
	/* The same machine as pvm run builds. */
	ret = pseries__init(&t->vm);
	if (ret)
		goto fail;
	for (core = 0; core < cfg.nr_cores; core++) {
		for (th = 0; th < cfg.threads; th++) {
			if (!vcpu__new(&t->vm, core * cfg.threads + th)) {
				ret = -ENOMEM;
				goto fail;
			}
		}
	}
	/* Start every test from a clean record, keeping the capabilities. */
	testvm__fake_caps(o);
	return 0;
fail:
	testvm__teardown(t);
	return ret;
}

/* What hcall tests preload into argument registers a call should not touch. */
#define TESTVM_UNTOUCHED 0x5555aaaa5555aaaaULL

/*
 * Issue hcall nr from vCPU 0 with r4.. = in[0..n-1] and the rest
 * TESTVM_UNTOUCHED; a[] holds the registers afterwards.
 */
static inline s64 testvm__hcall(struct testvm *t, u64 *a, u64 nr, const u64 *in, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < HCALL_NR_ARGS; i++)
		a[i] = i < n ? in[i] : TESTVM_UNTOUCHED;
	return hcall__dispatch(&t->vm, t->vm.vcpus[0], nr, a);
}

/* HC(nr, args...) inside a fixture with members t and a[HCALL_NR_ARGS]. */
#define HC(nr, ...)                                                            \
	testvm__hcall(&self->t, self->a, (nr), (const u64[]){ __VA_ARGS__ },   \
		      sizeof((const u64[]){ __VA_ARGS__ }) / sizeof(u64))

/* Whatever the guest wrote to the console so far (non-blocking). */
static inline size_t testvm__console(struct testvm *t, void *buf, size_t size)
{
	ssize_t n = read(t->cons[0], buf, size);

	return n > 0 ? (size_t)n : 0;
}

static inline u32 testvm__be32(struct testvm *t, u64 gpa)
{
	u32 v;

	memcpy(&v, t->ram + gpa, 4);
	return be32toh(v);
}

static inline void testvm__put_be32(struct testvm *t, u64 gpa, u32 val)
{
	u32 v = htobe32(val);

	memcpy(t->ram + gpa, &v, 4);
}

/*
 * Write a struct rtas_args at gpa (which must be in RAM, masked of its top
 * bits): token, nargs, nret, args, then nret poison words. The caller then
 * issues H_RTAS with testvm__rtas_hcall().
 */
static inline void testvm__rtas_prepare(struct testvm *t, u64 gpa, u32 token,
					u32 nargs, const u32 *args, u32 nret)
{
	u32 i;

	testvm__put_be32(t, gpa, token);
	testvm__put_be32(t, gpa + 4, nargs);
	testvm__put_be32(t, gpa + 8, nret);
	for (i = 0; i < nargs; i++)
		testvm__put_be32(t, gpa + 12 + 4 * i, args ? args[i] : 0);
	for (i = 0; i < nret; i++)
		testvm__put_be32(t, gpa + 12 + 4ULL * (nargs + i), TESTVM_POISON);
}

static inline s64 testvm__rtas_hcall(struct testvm *t, struct vcpu *v, u64 gpa)
{
	u64 args[HCALL_NR_ARGS] = { gpa };

	return hcall__dispatch(&t->vm, v, H_RTAS, args);
}

/*
 * One RTAS call from vCPU v with the args block at gpa. Returns the H_RTAS
 * status; rets[0..nret-1] are read back from guest memory (CPU order).
 */
static inline s64 testvm__rtas_at(struct testvm *t, struct vcpu *v, u64 gpa,
				  u32 token, u32 nargs, const u32 *args,
				  u32 nret, u32 *rets)
{
	u64 base = gpa & 0x0fffffffffffffffULL;
	s64 ret;
	u32 i;

	testvm__rtas_prepare(t, base, token, nargs, args, nret);
	ret = testvm__rtas_hcall(t, v, gpa);
	for (i = 0; rets && i < nret; i++)
		rets[i] = testvm__be32(t, base + 12 + 4ULL * (nargs + i));
	return ret;
}

/* The common case: vCPU 0, args block at TESTVM_RTAS_GPA; returns rets[0]. */
static inline s32 testvm__rtas(struct testvm *t, u32 token, u32 nargs,
			       const u32 *args, u32 nret, u32 *rets)
{
	u32 local[RTAS_MAX_WORDS];
	u32 *r = rets ? rets : local;
	s64 ret;

	ret = testvm__rtas_at(t, t->vm.vcpus[0], TESTVM_RTAS_GPA, token, nargs,
			      args, nret, r);
	if (ret != H_SUCCESS)
		return (s32)0x7fffffff;	/* no RTAS status at all */
	return (s32)r[0];
}

/* ---- in-memory ELF64 images ---- */

struct test_seg {
	u32 type;	/* PT_LOAD, PT_NOTE, ... */
	u64 paddr;
	u64 filesz;
	u64 memsz;
	u8 seed;	/* file byte i is (u8)(seed + i) */
	u64 offset;	/* 0: placed after the headers by the builder */
};

#define TEST_ELF_DATA 0x1000ULL	/* first segment's data offset */

static inline void test_elf__put(u8 *p, u64 v, unsigned int bytes, bool be)
{
	unsigned int i;

	for (i = 0; i < bytes; i++)
		p[be ? bytes - 1 - i : i] = v >> (8 * i);
}

static inline u8 test_elf__byte(const struct test_seg *s, u64 i)
{
	return (u8)(s->seed + i);
}

/*
 * Build an ELF64 executable for machine with segs as program headers into
 * buf (zeroed first). Returns the image length, or 0 if buf is too small.
 * Segment data is packed from TEST_ELF_DATA on unless a segment gives its
 * own offset (which may then lie anywhere, even beyond the image).
 */
static inline size_t test_elf__build(u8 *buf, size_t size, bool be, u16 machine,
				     u64 entry, const struct test_seg *segs,
				     unsigned int nsegs)
{
	u64 off = TEST_ELF_DATA, end = TEST_ELF_DATA;
	unsigned int i;

	if (size < TEST_ELF_DATA || sizeof(Elf64_Ehdr) + nsegs * sizeof(Elf64_Phdr) > TEST_ELF_DATA)
		return 0;
	memset(buf, 0, size);
	memcpy(buf, ELFMAG, SELFMAG);
	buf[EI_CLASS] = ELFCLASS64;
	buf[EI_DATA] = be ? ELFDATA2MSB : ELFDATA2LSB;
	buf[EI_VERSION] = EV_CURRENT;
	test_elf__put(buf + offsetof(Elf64_Ehdr, e_type), ET_EXEC, 2, be);
	test_elf__put(buf + offsetof(Elf64_Ehdr, e_machine), machine, 2, be);
	test_elf__put(buf + offsetof(Elf64_Ehdr, e_version), EV_CURRENT, 4, be);
	test_elf__put(buf + offsetof(Elf64_Ehdr, e_entry), entry, 8, be);
	test_elf__put(buf + offsetof(Elf64_Ehdr, e_phoff), sizeof(Elf64_Ehdr), 8, be);
	test_elf__put(buf + offsetof(Elf64_Ehdr, e_ehsize), sizeof(Elf64_Ehdr), 2, be);
	test_elf__put(buf + offsetof(Elf64_Ehdr, e_phentsize), sizeof(Elf64_Phdr), 2, be);
	test_elf__put(buf + offsetof(Elf64_Ehdr, e_phnum), nsegs, 2, be);

	for (i = 0; i < nsegs; i++) {
		u8 *ph = buf + sizeof(Elf64_Ehdr) + i * sizeof(Elf64_Phdr);
		const struct test_seg *s = &segs[i];
		u64 o = s->offset ? s->offset : off, j;

		test_elf__put(ph + offsetof(Elf64_Phdr, p_type), s->type, 4, be);
		test_elf__put(ph + offsetof(Elf64_Phdr, p_flags), PF_R | PF_X, 4, be);
		test_elf__put(ph + offsetof(Elf64_Phdr, p_offset), o, 8, be);
		test_elf__put(ph + offsetof(Elf64_Phdr, p_vaddr),
			      0xc000000000000000ULL | s->paddr, 8, be);
		test_elf__put(ph + offsetof(Elf64_Phdr, p_paddr), s->paddr, 8, be);
		test_elf__put(ph + offsetof(Elf64_Phdr, p_filesz), s->filesz, 8, be);
		test_elf__put(ph + offsetof(Elf64_Phdr, p_memsz), s->memsz, 8, be);
		test_elf__put(ph + offsetof(Elf64_Phdr, p_align), SZ_64K, 8, be);
		if (s->offset)
			continue;
		if (o + s->filesz > size)
			return 0;
		for (j = 0; j < s->filesz; j++)
			buf[o + j] = test_elf__byte(s, j);
		off = ALIGN_UP(o + s->filesz, 16);
		end = MAX(end, o + s->filesz);
	}
	return end;
}

#endif
