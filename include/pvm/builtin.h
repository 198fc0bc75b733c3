/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_BUILTIN_H
#define PVM_BUILTIN_H

#include "pvm/types.h"

/* One file per CLI verb (vmm/builtin-*.c). */
int cmd_run(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_stat(int argc, char **argv);
int cmd_hotplug(int argc, char **argv);
int cmd_hvpipe(int argc, char **argv);

/* "512M", "2G", "1024" (MiB); -EINVAL on garbage, -ERANGE on overflow. */
int parse_size(const char *s, u64 *out);

#endif
