// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel and initrd of pvm run: read whole from their files (no mapping
 * kept: truncating a file under a running VM cannot hurt it), checked, put
 * into guest memory and freed. A reboot in place reads them again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/images.h"
#include "pvm/loader.h"
#include "pvm/log.h"
#include "pvm/vm.h"

#define MAX_IMAGE (1ULL << 30)

int image__read(const char *what, const char *path, struct image *img)
{
	int ret = loader__read_file(path, MAX_IMAGE, &img->data, &img->len);

	switch (ret) {
	case 0:
		return 0;
	case -EISDIR:
		pr_err("%s '%s' is not a regular file", what, path);
		return PVM_EXIT_NOINPUT;
	case -ENODATA:
	case -EFBIG:
		pr_err("%s '%s' is %s", what, path, ret == -EFBIG ? "larger than 1 GiB" : "empty");
		return PVM_EXIT_BADIMAGE;
	case -ESTALE:
		pr_err("%s '%s' changed while pvm read it", what, path);
		return PVM_EXIT_NOINPUT;
	default:
		pr_err("cannot open %s '%s': %s", what, path, strerror(-ret));
		return PVM_EXIT_NOINPUT;
	}
}

/*
 * Put the kernel (and initrd) into guest memory and free pvm's copies: the
 * guest has its own. At a reboot in place the files are read again, so a
 * rebuilt kernel is picked up as after a power cycle.
 */
int image__load(struct vm *vm, struct image *kernel, struct image *initrd)
{
	const struct vm_config *cfg = &vm->cfg;
	int ret = 0;

	if (!kernel->data)
		ret = image__read("kernel", cfg->kernel, kernel);
	if (!ret && cfg->initrd && !initrd->data)
		ret = image__read("initrd", cfg->initrd, initrd);
	if (ret)
		goto out;
	ret = vm__load(vm, kernel->data, kernel->len, initrd->data, initrd->len);
	if (ret == -E2BIG) {
		pr_err("guest memory (%llu MiB) is too small for the kernel%s",
		       (unsigned long long)(cfg->ram_size / SZ_1M), cfg->initrd ? " and initrd" : "");
		ret = PVM_EXIT_NOMEM;
	} else if (ret) {
		pr_err("kernel '%s': %s", cfg->kernel, loader__strerror(ret));
		ret = PVM_EXIT_BADIMAGE;
	}
out:
	free(kernel->data);
	free(initrd->data);
	kernel->data = initrd->data = NULL;
	return ret;
}
