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
#include <unistd.h>

#include "pvm/hcall.h"
#include "pvm/log.h"
#include "pvm/tpm.h"
#include "pvm/vm.h"

/* As KVM does for H_RTAS: the top 4 bits of a real address are ignored. */
#define TPM_ADDR_MASK 0x0fffffffffffffffULL
/* Host failures logged per VM before going quiet (a guest can repeat them). */
#define TPM_LOG_MAX 10

struct tpm_proxy {
	pthread_mutex_t lock;		/* one command in flight */
	const struct tpm_backend *be;
	int fd;
	unsigned int logged;
	u64 commands, failures;
};

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

/* One read of at most len bytes, after waiting (bounded) for it to be ready. */
static ssize_t dev_read(int fd, void *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int r;

	do {
		r = poll(&p, 1, TPM_COMM_TIMEOUT_MS);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (!r)
		return -ETIMEDOUT;
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
	.open = dev_open, .write = dev_write, .read = dev_read, .close = dev_close,
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
	n = t->be->read(t->fd, resp, TPM_COMM_MAX);
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
	struct tpm_proxy *t = vm->tpm;
	u64 op = c->args[0];
	u64 req = c->args[1] & TPM_ADDR_MASK, req_len = c->args[2];
	u64 resp = c->args[3] & TPM_ADDR_MASK, resp_len = c->args[4];
	u8 in[TPM_COMM_MAX], out[TPM_COMM_MAX];
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
	if (vm->tpm)
		vm->tpm->be = b ? b : &dev_backend;
}

bool tpm__session_open(struct vm *vm)
{
	bool open;

	if (!vm->tpm)
		return false;
	pthread_mutex_lock(&vm->tpm->lock);
	open = vm->tpm->fd >= 0;
	pthread_mutex_unlock(&vm->tpm->lock);
	return open;
}

int papr_tpm__init(struct vm *vm)
{
	struct tpm_proxy *t;

	/* Without --tpm the hcall stays unregistered: the guest gets H_FUNCTION. */
	if (!vm->cfg.tpm_path)
		return 0;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	pthread_mutex_init(&t->lock, NULL);
	t->be = &dev_backend;
	t->fd = -1;
	vm->tpm = t;
	return hcall__register(vm, H_TPM_COMM, h_tpm_comm);
}

void tpm__exit(struct vm *vm)
{
	struct tpm_proxy *t = vm->tpm;

	if (!t)
		return;
	session_close(t);
	pthread_mutex_destroy(&t->lock);
	free(t);
	vm->tpm = NULL;
}
