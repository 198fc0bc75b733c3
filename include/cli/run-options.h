/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_CLI_RUN_OPTIONS_H
#define PVM_CLI_RUN_OPTIONS_H

struct vm_config;

/*
 * pvm run's command line into cfg: 0, or pvm's exit status once the error
 * is said (PVM_EXIT_USAGE for a bad option). --help prints run_usage and
 * exits 0.
 */
int run__parse_args(int argc, char **argv, struct vm_config *cfg);

#endif
