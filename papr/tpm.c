// SPDX-License-Identifier: GPL-2.0
/*
 * H_TPM_COMM: forward a secure-VM stack's TPM commands to the host TPM
 * (../shared/spec/papr-events-hvpipe-tpm.md §3, docs/tpm.md).
 *
 * KVM copies all nine argument words back into r4..r12 when the guest
 * resumes, so on failure nothing is touched and on success only r4 (the
 * response length) changes. Guest buffers are validated before the host
 * TPM sees anything; host reads are bounded in size and time.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pvm/hcall.h"
#include "pvm/log.h"
#include "pvm/module.h"
#include "pvm/sandbox.h"
#include "papr/tpm.h"
#include "pvm/vm.h"

static inline struct tpm_proxy *tpm_of(struct vm *vm)
{
	return vm__priv(vm, &tpm_module);
}

/* As KVM does for H_RTAS: the top 4 bits of a real address are ignored. */
#define TPM_ADDR_MASK 0x0fffffffffffffffULL
/* Host failures logged per VM before going quiet (a guest can repeat them). */
#define TPM_LOG_MAX 10

struct tpm_proxy {
	pthread_mutex_t lock;		/* one command in flight */
	const struct tpm_backend *be;
	int fd;
	unsigned int logged;
	u64 commands, failures, refused;
	unsigned int refused_logged;
};

/*
 * The default command policy: what a secure-VM stack needs from the host
 * TPM (sessions, loading and unsealing its objects, policy sessions,
 * attestation, randomness, reading PCRs, NV and capabilities), and nothing
 * that changes the TPM for everyone else on the host (PCR extends and
 * resets, Clear, hierarchy and lockout settings, NV writes, persistent
 * objects, Shutdown). Codes from the TPM 2.0 spec, part 2, TPM_CC.
 */
static const struct { u32 cc; const char *name; } allowed_cmds[] = {
	{ 0x131, "CreatePrimary" }, { 0x143, "SelfTest" }, { 0x144, "Startup" },
	{ 0x148, "Certify" }, { 0x149, "PolicyNV" }, { 0x14a, "CertifyCreation" },
	{ 0x14c, "GetTime" }, { 0x14e, "NV_Read" }, { 0x151, "PolicySecret" },
	{ 0x153, "Create" }, { 0x157, "Load" }, { 0x158, "Quote" },
	{ 0x15d, "Sign" }, { 0x15e, "Unseal" }, { 0x160, "PolicySigned" },
	{ 0x161, "ContextLoad" }, { 0x162, "ContextSave" }, { 0x165, "FlushContext" },
	{ 0x167, "LoadExternal" }, { 0x169, "NV_ReadPublic" }, { 0x16a, "PolicyAuthorize" },
	{ 0x16b, "PolicyAuthValue" }, { 0x16c, "PolicyCommandCode" },
	{ 0x16d, "PolicyCounterTimer" }, { 0x16e, "PolicyCpHash" },
	{ 0x16f, "PolicyLocality" }, { 0x170, "PolicyNameHash" }, { 0x171, "PolicyOR" },
	{ 0x172, "PolicyTicket" }, { 0x173, "ReadPublic" }, { 0x176, "StartAuthSession" },
	{ 0x177, "VerifySignature" }, { 0x17a, "GetCapability" }, { 0x17b, "GetRandom" },
	{ 0x17c, "GetTestResult" }, { 0x17d, "Hash" }, { 0x17e, "PCR_Read" },
	{ 0x17f, "PolicyPCR" }, { 0x180, "PolicyRestart" }, { 0x181, "ReadClock" },
	{ 0x188, "PolicyDuplicationSelect" }, { 0x189, "PolicyGetDigest" },
	{ 0x18c, "PolicyPassword" }, { 0x18f, "PolicyNvWritten" },
	{ 0x190, "PolicyTemplate" }, { 0x192, "PolicyAuthorizeNV" },
};

bool tpm__command_allowed(u32 cc)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(allowed_cmds); i++)
		if (allowed_cmds[i].cc == cc)
			return true;
	return false;
}

/* A 10-byte TPM response carrying rc, as the TPM itself answers errors. */
static void tpm_error(u8 *out, u32 rc)
{
	static const u8 hdr[6] = { 0x80, 0x01, 0, 0, 0, TPM_HEADER_LEN };

	memcpy(out, hdr, sizeof(hdr));
	out[6] = rc >> 24;
	out[7] = rc >> 16;
	out[8] = rc >> 8;
	out[9] = rc;
}

/* 0 to forward; else the TPM response code pvm answers instead. */
static u32 policy_check(struct vm *vm, struct tpm_proxy *t, const u8 *in, size_t len)
{
	u32 cc;

	if (vm->cfg.tpm_allow_all)
		return 0;
	if (len < TPM_HEADER_LEN)
		return TPM_RC_COMMAND_SIZE;
	cc = (u32)in[6] << 24 | (u32)in[7] << 16 | (u32)in[8] << 8 | in[9];
	if (tpm__command_allowed(cc))
		return 0;
	pthread_mutex_lock(&t->lock);
	t->refused++;
	if (t->refused_logged < TPM_LOG_MAX) {
		t->refused_logged++;
		pr_warn("tpm: refused TPM2 command 0x%x from the guest (not in the default "
			"policy; pvm run --tpm-allow-all lets every command through)%s", cc,
			t->refused_logged == TPM_LOG_MAX ? "; further refusals not logged" : "");
	}
	pthread_mutex_unlock(&t->lock);
	return TPM_RC_COMMAND_CODE;
}

static int dev_open(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static ssize_t dev_write(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do {
		n = write(fd, buf, len);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

static s64 ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (s64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * One read of at most len bytes, after waiting for it to be ready: at most
 * TPM_COMM_TIMEOUT_MS in all (interruptions do not restart the wait), and no
 * longer than the VM lives (cancel_fd, readable once it is exiting).
 */
ssize_t tpm__dev_read(int fd, void *buf, size_t len, int cancel_fd)
{
	struct pollfd p[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = cancel_fd, .events = POLLIN },
	};
	s64 deadline = ms_now() + TPM_COMM_TIMEOUT_MS, left;
	ssize_t n;
	int r;

	for (;;) {
		left = deadline - ms_now();
		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(p, cancel_fd >= 0 ? 2 : 1, left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (!r)
			return -ETIMEDOUT;
		if (p[1].revents)
			return -ECANCELED;
		break;
	}
	do {
		n = read(fd, buf, len);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

static void dev_close(int fd)
{
	close(fd);
}

static const struct tpm_backend dev_backend = {
	.open = dev_open, .write = dev_write, .read = tpm__dev_read, .close = dev_close,
};

static void session_close(struct tpm_proxy *t)
{
	if (t->fd >= 0) {
		t->be->close(t->fd);
		t->fd = -1;
	}
}

static void host_failed(struct vm *vm, struct tpm_proxy *t, const char *what, long err)
{
	t->failures++;
	if (t->logged < TPM_LOG_MAX) {
		t->logged++;
		pr_warn("tpm: %s %s: %s%s", what, vm->cfg.tpm_path,
			err < 0 ? strerror(-err) : "short transfer",
			t->logged == TPM_LOG_MAX ? " (further TPM errors not logged)" : "");
	}
	/* Start over with a fresh session on the next command. */
	session_close(t);
}

/* Sends req, receives into resp (TPM_COMM_MAX bytes): length or H_RESOURCE. */
static s64 transact(struct vm *vm, struct tpm_proxy *t, const u8 *req, size_t len, u8 *resp)
{
	ssize_t n;

	if (t->fd < 0) {
		n = t->be->open(vm->cfg.tpm_path);
		if (n < 0) {
			host_failed(vm, t, "cannot open", n);
			return H_RESOURCE;
		}
		t->fd = n;
	}
	n = t->be->write(t->fd, req, len);
	if (n != (ssize_t)len) {
		host_failed(vm, t, "cannot write to", n < 0 ? n : 0);
		return H_RESOURCE;
	}
	/* One bounded read: 0 bytes is a failure, never a reason to spin. */
	n = t->be->read(t->fd, resp, TPM_COMM_MAX, vm->exit_efd);
	if (n <= 0) {
		host_failed(vm, t, "no response from", n < 0 ? n : 0);
		return H_RESOURCE;
	}
	t->commands++;
	return n;
}

static s64 h_tpm_comm(struct hcall_ctx *c)
{
	struct vm *vm = c->vm;
	struct tpm_proxy *t = tpm_of(vm);
	u64 op = c->args[0];
	u64 req = c->args[1] & TPM_ADDR_MASK, req_len = c->args[2];
	u64 resp = c->args[3] & TPM_ADDR_MASK, resp_len = c->args[4];
	u8 in[TPM_COMM_MAX], out[TPM_COMM_MAX];
	u32 rc;
	s64 n;

	if (op == TPM_COMM_OP_CLOSE_SESSION) {
		pthread_mutex_lock(&t->lock);
		session_close(t);
		pthread_mutex_unlock(&t->lock);
		return H_SUCCESS;
	}
	if (op != TPM_COMM_OP_EXECUTE)
		return H_PARAMETER;
	if (!req_len || req_len > TPM_COMM_MAX)
		return H_P3;
	/* Copied once: the guest cannot change the command under the host TPM. */
	if (gmem__read(&vm->mem, req, in, req_len))
		return H_P2;
	if (resp_len < TPM_COMM_MAX)
		return H_P5;
	if (!gmem__ptr(&vm->mem, resp, TPM_COMM_MAX))
		return H_P4;
	rc = policy_check(vm, t, in, req_len);
	if (rc) {
		tpm_error(out, rc);
		if (gmem__write(&vm->mem, resp, out, TPM_HEADER_LEN))
			return H_P4;
		c->args[0] = TPM_HEADER_LEN;
		return H_SUCCESS;
	}

	pthread_mutex_lock(&t->lock);
	n = transact(vm, t, in, req_len, out);
	pthread_mutex_unlock(&t->lock);
	if (n < 0)
		return n;
	/* Memory may have been unplugged meanwhile: checked again. */
	if (gmem__write(&vm->mem, resp, out, n))
		return H_P4;
	c->args[0] = n;
	return H_SUCCESS;
}

void tpm__set_backend(struct vm *vm, const struct tpm_backend *b)
{
	if (tpm_of(vm))
		tpm_of(vm)->be = b ? b : &dev_backend;
}

u64 tpm__refused(struct vm *vm)
{
	u64 n;

	if (!tpm_of(vm))
		return 0;
	pthread_mutex_lock(&tpm_of(vm)->lock);
	n = tpm_of(vm)->refused;
	pthread_mutex_unlock(&tpm_of(vm)->lock);
	return n;
}

bool tpm__session_open(struct vm *vm)
{
	bool open;

	if (!tpm_of(vm))
		return false;
	pthread_mutex_lock(&tpm_of(vm)->lock);
	open = tpm_of(vm)->fd >= 0;
	pthread_mutex_unlock(&tpm_of(vm)->lock);
	return open;
}

static int tpm__init(struct vm *vm)
{
	struct tpm_proxy *t;

	/* Without --tpm the hcall stays unregistered: the guest gets H_FUNCTION. */
	if (!vm->cfg.tpm_path)
		return 0;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	/* The session is (re)opened on the vCPU thread that sends a command. */
	if (sandbox__allow_syscall(SANDBOX_VCPU, "openat")) {
		free(t);
		return -EINVAL;
	}
	pthread_mutex_init(&t->lock, NULL);
	t->be = &dev_backend;
	t->fd = -1;
	vm__set_priv(vm, &tpm_module, t);
	return hcall__register(vm, H_TPM_COMM, h_tpm_comm);
}

void tpm__exit(struct vm *vm)
{
	struct tpm_proxy *t = tpm_of(vm);

	if (!t)
		return;
	session_close(t);
	pthread_mutex_destroy(&t->lock);
	free(t);
	vm__set_priv(vm, &tpm_module, NULL);
}

/* A rebooted guest starts without a TPM session, as after power-on. */
static void tpm__reset(struct vm *vm)
{
	struct tpm_proxy *t = tpm_of(vm);

	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	session_close(t);
	pthread_mutex_unlock(&t->lock);
}

const struct module tpm_module = {
	.name = "tpm",
	.init = tpm__init,
	.reset = tpm__reset,
	.exit = tpm__exit,
};
