/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_CLI_DISK_H
#define PVM_CLI_DISK_H

/* pvm run --disk PATH[,ro][,direct][,serial=ID] (cli/disk.c). */
struct vm_config;

/* Add one --disk to cfg; prints one error line and returns -errno if it is wrong. */
int disk__parse(struct vm_config *cfg, char *arg);
/*
 * Open every disk (exclusive or shared lock, io_uring) before the VM is
 * made; 0, or PVM_EXIT_NOINPUT after one error line naming the file.
 */
int disk__open_all(struct vm_config *cfg);

#endif
