// SPDX-License-Identifier: GPL-2.0
/*
 * NVRAM, as QEMU's spapr-nvram and PowerVM offer it: a byte array the guest
 * reads and writes with RTAS nvram-fetch / nvram-store (index, buffer,
 * length), found through a node of device_type "nvram" with "#bytes". Linux
 * keeps its CHRP partitions there (ibm,rtas-log for RTAS error logs, the
 * oops log). A blank NVRAM is one "free space" partition, so the guest can
 * carve its partitions out of it; with --nvram FILE every store is written
 * through to the file and the next run reads it back.
 */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libfdt.h>

#include "pvm/fdt.h"
#include "pvm/log.h"
#include "pvm/module.h"
#include "papr/nvram.h"
#include "papr/rtas.h"
#include "pvm/vm.h"

static inline struct nvram *nvram_of(struct vm *vm)
{
	return vm__priv(vm, &nvram_module);
}

/* CHRP partition header: signature, checksum, BE16 length / 16, name[12]. */
#define CHRP_HEADER_LEN 16
#define CHRP_SIG_FREE 0x7f

struct nvram {
	pthread_mutex_t lock;
	int fd;			/* --nvram file, or -1: memory only */
	u32 size;
	u8 *buf;
};

/* The CHRP header checksum: bytes summed with end-around carry (not byte 1). */
static u8 chrp_checksum(const u8 *h)
{
	unsigned int i, sum = h[0];

	for (i = 2; i < CHRP_HEADER_LEN; i++) {
		sum += h[i];
		sum = (sum + (sum >> 8)) & 0xff;
	}
	return sum;
}

/*
 * Free-space partitions over the whole image: one, unless the image is
 * larger than a partition's 16-bit length (in 16-byte blocks) can say.
 */
void nvram__format(u8 *buf, u32 size)
{
	u32 off, blocks;

	memset(buf, 0, size);
	for (off = 0; off < size; off += blocks * 16) {
		u8 *h = buf + off;

		blocks = MIN((size - off) / 16, 0xffffU);
		h[0] = CHRP_SIG_FREE;
		h[2] = blocks >> 8;
		h[3] = blocks;
		memcpy(h + 4, "free", 4);
		h[1] = chrp_checksum(h);
	}
}

int nvram__open_file(const char *path, const char **why)
{
	struct stat st;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0) {
		*why = strerror(errno);
		return -errno;
	}
	/* Two pvms writing one NVRAM would corrupt its partitions. */
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		*why = errno == EWOULDBLOCK ? "in use by another pvm" : strerror(errno);
		close(fd);
		return -EBUSY;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		*why = "not a regular file";
		close(fd);
		return -EINVAL;
	}
	if (st.st_size && (st.st_size < (off_t)NVRAM_MIN_SIZE ||
			   st.st_size > (off_t)NVRAM_MAX_SIZE || st.st_size % 16)) {
		*why = "an NVRAM image is 8 KiB to 1 MiB, a multiple of 16 bytes";
		close(fd);
		return -EINVAL;
	}
	return fd;
}

/* The whole image from the file; a new (empty) file gets a blank NVRAM. */
static int load(struct nvram *nv)
{
	struct stat st;
	ssize_t n;

	if (fstat(nv->fd, &st))
		return -errno;
	if (!st.st_size) {
		nv->size = NVRAM_DEFAULT_SIZE;
		nv->buf = malloc(nv->size);
		if (!nv->buf)
			return -ENOMEM;
		nvram__format(nv->buf, nv->size);
		n = pwrite(nv->fd, nv->buf, nv->size, 0);
		return n == (ssize_t)nv->size ? 0 : n < 0 ? -errno : -EIO;
	}
	nv->size = st.st_size;
	nv->buf = malloc(nv->size);
	if (!nv->buf)
		return -ENOMEM;
	n = pread(nv->fd, nv->buf, nv->size, 0);
	return n == (ssize_t)nv->size ? 0 : n < 0 ? -errno : -EIO;
}

/* args: index, buffer (real address), length; rets: status, bytes moved. */
static bool range_ok(struct nvram *nv, struct rtas_call *c, void **guest)
{
	static u8 nothing;
	u64 index = c->args[0], len = c->args[2];

	c->rets[1] = 0;
	if (index > nv->size || len > nv->size - index)
		return false;
	/* Zero bytes need no buffer (and memcpy must not get NULL). */
	*guest = len ? gmem__ptr(&c->vm->mem, c->args[1], len) : &nothing;
	return *guest;
}

static void rtas_nvram_fetch(struct rtas_call *c)
{
	struct nvram *nv = nvram_of(c->vm);
	void *g = NULL;

	if (!range_ok(nv, c, &g)) {
		c->rets[0] = (u32)RTAS_OUT_PARAM_ERROR;
		return;
	}
	pthread_mutex_lock(&nv->lock);
	memcpy(g, nv->buf + c->args[0], c->args[2]);
	pthread_mutex_unlock(&nv->lock);
	c->rets[0] = RTAS_OUT_SUCCESS;
	c->rets[1] = c->args[2];
}

/* The file is written first: a failed write leaves both copies unchanged. */
static void rtas_nvram_store(struct rtas_call *c)
{
	struct nvram *nv = nvram_of(c->vm);
	u32 index = c->args[0], len = c->args[2];
	u8 tmp[512], *src;
	void *g = NULL;
	ssize_t n = len;

	if (!range_ok(nv, c, &g)) {
		c->rets[0] = (u32)RTAS_OUT_PARAM_ERROR;
		return;
	}
	/* Snapshot the guest's bytes: another vCPU may change them meanwhile. */
	src = len <= sizeof(tmp) ? tmp : malloc(len);
	if (!src) {
		c->rets[0] = (u32)RTAS_OUT_HW_ERROR;
		return;
	}
	memcpy(src, g, len);
	pthread_mutex_lock(&nv->lock);
	if (nv->fd >= 0 && len)
		n = pwrite(nv->fd, src, len, index);
	if (n == (ssize_t)len)
		memcpy(nv->buf + index, src, len);
	pthread_mutex_unlock(&nv->lock);
	if (src != tmp)
		free(src);
	if (n != (ssize_t)len) {
		pr_warn("nvram: writing %u bytes at %u to the image failed: %s", len, index,
			n < 0 ? strerror(errno) : "short write");
		c->rets[0] = (u32)RTAS_OUT_HW_ERROR;
		return;
	}
	c->rets[0] = RTAS_OUT_SUCCESS;
	c->rets[1] = len;
}

static int nvram__init(struct vm *vm)
{
	static const struct rtas_handler calls[] = {
		{ RTAS_NVRAM_FETCH, rtas_nvram_fetch },
		{ RTAS_NVRAM_STORE, rtas_nvram_store },
	};
	struct nvram *nv = calloc(1, sizeof(*nv));
	int ret;

	if (!nv)
		return -ENOMEM;
	pthread_mutex_init(&nv->lock, NULL);
	nv->fd = vm->cfg.nvram_path ? vm->cfg.nvram_fd : -1;
	vm__set_priv(vm, &nvram_module, nv);
	if (nv->fd >= 0) {
		ret = load(nv);
		if (ret) {
			pr_err("nvram image: %s", strerror(-ret));
			return ret;
		}
	} else {
		nv->size = NVRAM_DEFAULT_SIZE;
		nv->buf = malloc(nv->size);
		if (!nv->buf)
			return -ENOMEM;
		nvram__format(nv->buf, nv->size);
	}
	return rtas__register_all(vm, calls, ARRAY_SIZE(calls));
}

u32 nvram__size(struct vm *vm)
{
	return nvram_of(vm) ? nvram_of(vm)->size : 0;
}

void nvram__exit(struct vm *vm)
{
	struct nvram *nv = nvram_of(vm);

	if (!nv)
		return;
	if (nv->fd >= 0) {
		fdatasync(nv->fd);
		close(nv->fd);
	}
	free(nv->buf);
	pthread_mutex_destroy(&nv->lock);
	free(nv);
	vm__set_priv(vm, &nvram_module, NULL);
}

#define NVRAM_COMPATIBLE "pvm,nvram\0qemu,spapr-nvram"

/* Linux finds its NVRAM by device_type; #bytes is its size. */
static int nvram__fdt(struct vm *vm, void *fdt, const struct fdt_place *at)
{
	char name[32];

	if (at->at != FDT_AT_VDEVICE || !nvram__size(vm))
		return 0;
	snprintf(name, sizeof(name), "nvram@%x", NVRAM_REG);
	FDT_TRY(fdt_begin_node(fdt, name));
	FDT_TRY(fdt_property_string(fdt, "name", "nvram"));
	FDT_TRY(fdt_property_string(fdt, "device_type", "nvram"));
	FDT_TRY(fdt_property(fdt, "compatible", NVRAM_COMPATIBLE, sizeof(NVRAM_COMPATIBLE)));
	FDT_TRY(fdt_property_u32(fdt, "reg", NVRAM_REG));
	FDT_TRY(fdt_property_u32(fdt, "#bytes", nvram__size(vm)));
	return fdt_end_node(fdt);
}

/* No reset: what the guest stored survives its reboot, as NVRAM should. */
const struct module nvram_module = {
	.name = "nvram",
	.init = nvram__init,
	.exit = nvram__exit,
	.fdt = nvram__fdt,
};
