/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_CLI_NET_H
#define PVM_CLI_NET_H

/* pvm run -n/--network mode=tap,tapif=NAME[,mac=MAC][,vhost][,fd=N] (cli/net.c). */
#include <stdbool.h>

struct vm_config;

/* Whether a -n argument is a network (KEY=VALUE,...) rather than an old-style -n NAME. */
bool net__is_network_arg(const char *arg);
/* Add one --network to cfg; prints one error line and returns -errno if it is wrong. */
int net__parse(struct vm_config *cfg, char *arg);
/*
 * Open every NIC's tap (and /dev/vhost-net) before the VM is made; 0, or
 * PVM_EXIT_NOINPUT after one error line naming the NIC.
 */
int net__open_all(struct vm_config *cfg);
/* Close what net__open_all() opened and the VM did not take over. */
void net__close_all(struct vm_config *cfg);

#endif
