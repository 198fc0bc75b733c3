/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_BUILTIN_H
#define PVM_BUILTIN_H

#include "pvm/types.h"

/* One file per CLI verb (cli/builtin-*.c). */
int cmd_run(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_stat(int argc, char **argv);
int cmd_hotplug(int argc, char **argv);
int cmd_hvpipe(int argc, char **argv);
int cmd_check(int argc, char **argv);

/* Each verb's help text (pvm help VERB, pvm VERB --help). */
extern const char run_usage[];
extern const char hvpipe_usage[];

/* A /proc/meminfo field ("MemTotal", "SwapTotal", ...) in bytes; 0 if unknown. */
u64 host__meminfo(const char *key);

/*
 * "512M", "1.5G", "1024" (MiB); -EINVAL on garbage or a size that is not
 * whole bytes, -ERANGE on overflow.
 */
int parse_size(const char *s, u64 *out);

#endif
