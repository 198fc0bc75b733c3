// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel and initrd of pvm run, read from their files straight into
 * guest memory with pread(): no copy in pvm's memory and no mapping kept
 * (truncating a file under a running VM cannot hurt it). Each file is open
 * only while it is checked or loaded; a reboot in place reads it again.
 */
#include <errno.h>
#include <string.h>

#include "cli/images.h"
#include "pvm/loader.h"
#include "pvm/log.h"
#include "pvm/vm.h"

#define MAX_IMAGE (1ULL << 30)

/* A file that cannot be opened or read as it was: its line and exit status. */
static int file_error(const char *what, const char *path, int err)
{
	switch (err) {
	case -EISDIR:
		pr_err("%s '%s' is not a regular file", what, path);
		return PVM_EXIT_NOINPUT;
	case -ENODATA:
	case -EFBIG:
		pr_err("%s '%s' is %s", what, path, err == -EFBIG ? "larger than 1 GiB" : "empty");
		return PVM_EXIT_BADIMAGE;
	case -ESTALE:
		pr_err("%s '%s' changed while pvm read it", what, path);
		return PVM_EXIT_NOINPUT;
	default:
		pr_err("cannot open %s '%s': %s", what, path, strerror(-err));
		return PVM_EXIT_NOINPUT;
	}
}

static int image_open(const char *what, const char *path, struct load_src *src)
{
	int ret = loader__open(path, MAX_IMAGE, src);

	return ret ? file_error(what, path, ret) : 0;
}

int image__check(const struct vm_config *cfg)
{
	struct load_src src;
	struct load_info li;
	int ret = image_open("kernel", cfg->kernel, &src);

	if (ret)
		return ret;
	ret = loader__load(NULL, KERNEL_LOAD_ADDR, ~0ULL, &src, false, &li);
	loader__close(&src);
	if (ret && src.read_err)
		return file_error("kernel", cfg->kernel, ret);
	if (ret) {
		pr_err("kernel '%s': %s", cfg->kernel, loader__strerror(ret));
		return PVM_EXIT_BADIMAGE;
	}
	if (cfg->initrd) {
		ret = image_open("initrd", cfg->initrd, &src);
		if (!ret)
			loader__close(&src);
	}
	return ret;
}

/*
 * At a reboot in place the files are read again, so a rebuilt kernel is
 * picked up as after a power cycle. A load that fails part way is an error:
 * the guest is not started with part of an image.
 */
int image__load(struct vm *vm)
{
	const struct vm_config *cfg = &vm->cfg;
	struct load_src kernel, initrd = { .fd = -1 };
	int ret = image_open("kernel", cfg->kernel, &kernel);

	if (ret)
		return ret;
	if (cfg->initrd)
		ret = image_open("initrd", cfg->initrd, &initrd);
	if (ret)
		goto out;
	ret = vm__load(vm, &kernel, cfg->initrd ? &initrd : NULL);
	if (!ret)
		goto out;
	if (kernel.read_err) {
		ret = file_error("kernel", cfg->kernel, ret);
	} else if (initrd.read_err) {
		ret = file_error("initrd", cfg->initrd, ret);
	} else if (ret == -E2BIG) {
		pr_err("guest memory (%llu MiB) is too small for the kernel%s",
		       (unsigned long long)(cfg->ram_size / SZ_1M), cfg->initrd ? " and initrd" : "");
		ret = PVM_EXIT_NOMEM;
	} else {
		pr_err("kernel '%s': %s", cfg->kernel, loader__strerror(ret));
		ret = PVM_EXIT_BADIMAGE;
	}
out:
	loader__close(&kernel);
	loader__close(&initrd);
	return ret;
}
