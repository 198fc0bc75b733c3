/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_CLI_IMAGES_H
#define PVM_CLI_IMAGES_H

/* pvm run's kernel and initrd images (cli/images.c). */
struct vm;
struct vm_config;

/*
 * Before the VM exists: the kernel is a ppc64 ELF that pvm can load (only
 * its headers are read) and the initrd a file pvm can read. Nothing is kept
 * open. 0, or pvm's exit status after one error line.
 */
int image__check(const struct vm_config *cfg);
/*
 * Open both files, read the kernel's segments and the initrd straight into
 * guest memory (vm__load) and close them; at every boot, so a reboot in
 * place reads them again. 0, or pvm's exit status after one error line.
 */
int image__load(struct vm *vm);

#endif
