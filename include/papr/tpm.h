/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_TPM_H
#define PVM_TPM_H

/*
 * H_TPM_COMM (0xEF10): the guest's TPM commands forwarded to a host TPM
 * character device (pvm run --tpm PATH, docs/tpm.md). One command in
 * flight per VM; the host device is opened on the first EXECUTE and
 * closed by CLOSE_SESSION and when the VM goes away.
 */
#include <sys/types.h>

#include "pvm/types.h"

struct vm;
struct module;

#define TPM_COMM_OP_EXECUTE 1
#define TPM_COMM_OP_CLOSE_SESSION 2
/* The Linux TPM character device's buffer (TPM_BUFSIZE): both directions. */
#define TPM_COMM_MAX 4096
/* A host TPM that has not answered in this long is treated as failed. */
#define TPM_COMM_TIMEOUT_MS 120000

/* How pvm reaches the host TPM; tests substitute a fake. */
struct tpm_backend {
	int (*open)(const char *path);			/* fd or -errno */
	ssize_t (*write)(int fd, const void *buf, size_t len);
	/* Bounded by len and TPM_COMM_TIMEOUT_MS; -ECANCELED once cancel_fd is readable. */
	ssize_t (*read)(int fd, void *buf, size_t len, int cancel_fd);
	void (*close)(int fd);
};

extern const struct module tpm_module;
void tpm__exit(struct vm *vm);
/* Replace the backend (before the guest runs); NULL restores the device one. */
void tpm__set_backend(struct vm *vm, const struct tpm_backend *b);
/* Is the host TPM open (a session exists)? */
bool tpm__session_open(struct vm *vm);
/* The device backend's read (exported for tests that need a stuck TPM). */
ssize_t tpm__dev_read(int fd, void *buf, size_t len, int cancel_fd);
/* Commands the default policy forwarded / refused (tests, pvm stat). */
u64 tpm__refused(struct vm *vm);
/* Whether the default policy lets TPM2 command code cc through. */
bool tpm__command_allowed(u32 cc);

/* What pvm answers a refused command with: TPM_RC_COMMAND_CODE, as a TPM would. */
#define TPM_RC_COMMAND_CODE 0x143
#define TPM_RC_COMMAND_SIZE 0x142
#define TPM_HEADER_LEN 10

#endif
