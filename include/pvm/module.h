/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_MODULE_H
#define PVM_MODULE_H

/*
 * The machine's parts. A machine (machine/pseries.c) is one ordered table of
 * modules; pvm run and the unit tests' VM are both built from it. Setting up
 * walks the table in order, tearing down in reverse. A module keeps its
 * state in the VM through vm__priv()/vm__set_priv(), so the core knows no
 * feature by name. Every hook is optional.
 */
#include <stddef.h>

#include "pvm/types.h"

struct vm;
struct control_command;
struct json_object;

/* Where fdt/ is writing when it calls the modules' device-tree hooks. */
enum fdt_at {
	FDT_AT_ROOT,		/* whole nodes under / (after the skeleton's) */
	FDT_AT_CHOSEN,		/* properties of /chosen */
	FDT_AT_CPUS,		/* properties of /cpus, before the CPU nodes */
	FDT_AT_CPU,		/* properties of one core's node (also hot-added ones) */
	FDT_AT_RTAS,		/* properties of /rtas (when a module made it) */
	FDT_AT_VDEVICE,		/* nodes under /vdevice (when a module made it) */
};

struct fdt_place {
	enum fdt_at at;
	unsigned int core;	/* FDT_AT_CPU: the core */
};

struct module {
	const char *name;
	/*
	 * Allocate state and register hcalls, RTAS calls, MMIO ranges and
	 * sandbox rules — only what this VM's configuration asks for. On
	 * failure its own exit runs, then those of the modules before it.
	 */
	int (*init)(struct vm *vm);
	/*
	 * Once the VM is set up, before any vCPU runs: claim names the host
	 * sees (an HVPIPE source, a watchdog), start timers.
	 */
	int (*start)(struct vm *vm);
	/*
	 * Guest reboot: back to the state at power-on, with every vCPU
	 * stopped. Called in table order, before the tree is rebuilt.
	 */
	void (*reset)(struct vm *vm);
	/* Release everything, also after a failed or skipped init. */
	void (*exit)(struct vm *vm);
	/* Write this module's properties or nodes at *at (sequential-write FDT). */
	int (*fdt)(struct vm *vm, void *fdt, const struct fdt_place *at);
	/* Control commands, ended by an entry without a name (include/pvm/command.h). */
	const struct control_command *commands;
	/*
	 * Control "query": add this module's figures to the result, which
	 * already holds "memory" and "cpus" objects and a "devices" array
	 * (docs/control-protocol.md says what goes where).
	 */
	int (*query)(struct vm *vm, struct json_object *result);
	/*
	 * Control "stats": append this module's counters to devices, the
	 * result's "devices" array (one object per device, with "name" and
	 * "type"; docs/control-protocol.md). Runs on the main loop while the
	 * vCPUs run: read counters atomically, take no lock a vCPU may hold
	 * while it waits on the host.
	 */
	int (*stats)(struct vm *vm, struct json_object *devices);
	/*
	 * Control "stop" without force: ask the guest to shut down in order.
	 * 0 asked; -ENOTSUP this VM cannot ask, -EBUSY not now; why says so.
	 * The first module that has the hook is asked.
	 */
	int (*shutdown)(struct vm *vm, char *why, size_t size);
};


/* Set up every module of the table in order; on failure tear down the ones done. */
int modules__init(struct vm *vm, const struct module *const *table, unsigned int n);
int modules__start(struct vm *vm);
void modules__reset(struct vm *vm);
/* Tear down in reverse order (idempotent). */
void modules__exit(struct vm *vm);
/* Call every module's fdt hook for *at, in table order. */
int modules__fdt(struct vm *vm, void *fdt, const struct fdt_place *at);

/* The state a module keeps in this VM (NULL when it has none). */
void *vm__priv(struct vm *vm, const struct module *m);
void vm__set_priv(struct vm *vm, const struct module *m, void *priv);

#endif
