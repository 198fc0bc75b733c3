/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_DRC_H
#define PVM_DRC_H

/*
 * Logical dynamic-reconfiguration connectors (DRCs) for memory blocks (LMBs).
 * Facts: ../shared/spec/boot-devicetree-kvm-drc.md §6.
 */
#include "pvm/command.h"
#include "pvm/types.h"

struct vm;
struct module;
struct fdt_place;
struct json_object;

#define LMB_SIZE SZ_256M
#define DRC_INDEX_LMB 0x80000000u
#define DRC_INDEX_CPU 0x10000000u

enum drc_state {
	DRC_UNUSABLE,
	DRC_AVAILABLE,
	DRC_UNISOLATED,
	DRC_CONFIGURED,
};

struct drc {
	u32 index;
	enum drc_state state;
	bool attached;		/* backed by memory */
	bool boot;		/* boot RAM: never removable */
	bool unplug_requested;	/* the host asked for removal */
	unsigned int cc_step;	/* ibm,configure-connector cursor */
	u64 addr;		/* LMB: guest address */
	void *hva;
	unsigned int core;	/* CPU: core number */
	bool cpu;
};

struct drc_table {
	struct drc *lmb;
	unsigned int nr_lmbs;
	unsigned int nr_boot_lmbs;
	struct drc *cpu;	/* one per possible core */
	unsigned int nr_cpus;
};

/* LMB DRCs for [0, max_mem), CPU DRCs up to --max-cpus, the DR RTAS calls. */
extern const struct module drc_module;
/* Its device-tree properties and nodes (papr/drc-fdt.c). */
int drc__fdt(struct vm *vm, void *fdt, const struct fdt_place *at);
struct drc_table *drc__table(struct vm *vm);
struct drc *drc__find(struct vm *vm, u32 index);

/* Control "hotplug mem": bytes > 0 adds, < 0 removes. */
int drc__hotplug_mem(struct vm *vm, s64 bytes, char *why, size_t whylen);
u64 drc__hotplugged_bytes(struct vm *vm);
/* Control "hotplug cpu": count > 0 adds cores, < 0 removes them. */
int drc__hotplug_cpu(struct vm *vm, s64 count, char *why, size_t whylen);

/* The "hotplug" control command and the "query" figures (papr/drc-control.c). */
extern const struct control_command drc__commands[];
int drc__query(struct vm *vm, struct json_object *res);

#endif
