/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_CLI_IMAGES_H
#define PVM_CLI_IMAGES_H

/* pvm run's kernel and initrd images (cli/images.c). */
#include <stddef.h>

struct vm;

struct image {
	void *data;
	size_t len;
};

/* Read a whole image file; 0, or pvm's exit status after one error line. */
int image__read(const char *what, const char *path, struct image *img);
/*
 * Read what is not read yet, load it into guest memory (vm__load) and free
 * pvm's copies; 0, or pvm's exit status after one error line.
 */
int image__load(struct vm *vm, struct image *kernel, struct image *initrd);

#endif
