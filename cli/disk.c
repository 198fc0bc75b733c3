// SPDX-License-Identifier: GPL-2.0
/* pvm run --disk: the option's syntax, and opening the images (virtio/block-io.c). */
#include <errno.h>
#include <string.h>

#include "cli/disk.h"
#include "pvm/log.h"
#include "pvm/vm.h"
#include "virtio/block-io.h"

/* -d PATH[,ro][,direct][,serial=ID] into the next vm_disk; prints the error. */
int disk__parse(struct vm_config *cfg, char *arg)
{
	struct vm_disk *d = &cfg->disks[cfg->nr_disks];
	char *opt, *rest;

	if (cfg->nr_disks == PVM_MAX_DISKS) {
		pr_err("--disk %s: at most %d disks", arg, PVM_MAX_DISKS);
		return -E2BIG;
	}
	*d = (struct vm_disk){ .path = arg };
	rest = strchr(arg, ',');
	if (rest)
		*rest++ = '\0';
	if (!*arg) {
		pr_err("--disk: no path before the options");
		return -EINVAL;
	}
	while ((opt = strsep(&rest, ","))) {
		if (!strcmp(opt, "ro")) {
			d->ro = true;
		} else if (!strcmp(opt, "direct")) {
			d->direct = true;
		} else if (!strncmp(opt, "serial=", 7) && strlen(opt + 7) <= PVM_DISK_SERIAL_MAX) {
			strcpy(d->serial, opt + 7);
		} else if (!strncmp(opt, "serial=", 7)) {
			pr_err("--disk %s: serial '%s' is longer than %d characters", arg, opt + 7,
			       PVM_DISK_SERIAL_MAX);
			return -EINVAL;
		} else {
			pr_err("--disk %s: unknown option '%s' (ro, direct, serial=ID)", arg, opt);
			return -EINVAL;
		}
	}
	cfg->nr_disks++;
	return 0;
}

/* Open every --disk now, before the VM exists: a bad one ends pvm with status 66. */
int disk__open_all(struct vm_config *cfg)
{
	unsigned int i;

	for (i = 0; i < cfg->nr_disks; i++) {
		struct vm_disk *d = &cfg->disks[i];
		struct blkio_opts o = { .ro = d->ro, .direct = d->direct };
		const char *why;

		if (blkio__open(&d->io, d->path, &o, &why)) {
			pr_err("--disk %s: %s", d->path, why);
			while (i--)
				blkio__close(cfg->disks[i].io);
			return PVM_EXIT_NOINPUT;
		}
	}
	return 0;
}
