/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_DRC_H
#define PVM_DRC_H

/*
 * Logical dynamic-reconfiguration connectors (DRCs). Each kind of resource
 * is a struct drc_type: memory blocks (papr/drc-mem.c), cores
 * (papr/drc-cpu.c), later PCI slots. The generic code (papr/drc.c: index
 * lookup, the state machine behind set-indicator and get-sensor-state,
 * ibm,configure-connector, reset) knows no type.
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
/* Types one VM can have at once. */
#define DRC_MAX_TYPES 4

enum drc_state {
	DRC_UNUSABLE,
	DRC_AVAILABLE,
	DRC_UNISOLATED,
	DRC_CONFIGURED,
};

struct drc_type;

struct drc {
	u32 index;
	unsigned int nr;	/* its place in its type: LMB n, core n */
	const struct drc_type *type;
	enum drc_state state;
	bool attached;		/* backed by a host resource */
	bool boot;		/* there at power-on; the host never removes it */
	bool unplug_requested;	/* the host asked for removal */
	unsigned int cc_step;	/* ibm,configure-connector cursor */
	void *priv;		/* the type's (an LMB's host mapping) */
};

/*
 * One kind of DRC. The hooks that change state run under vm->lock, and
 * every hook but count may be NULL.
 */
struct drc_type {
	const char *name;
	u32 index_base;		/* DRC index of the type's first connector */
	/* Indexes are this far apart (cores: threads per core); NULL: 1. */
	u32 (*index_stride)(struct vm *vm);
	/*
	 * How many connectors this VM has (0: none, the type is left out);
	 * the first *boot are attached and configured at power-on.
	 */
	unsigned int (*count)(struct vm *vm, unsigned int *boot);
	/*
	 * The guest may isolate and release a connector the host did not ask
	 * to remove (a core taken away by drmgr in the guest); memory it may not.
	 */
	bool guest_may_remove;
	/*
	 * Give the resource of an attached connector back: after the guest
	 * released it (allocation := unusable), and for hot-added ones at
	 * reset and exit. The generic code then marks it detached.
	 */
	void (*detach)(struct vm *vm, struct drc *d);
	/* Exit: free what d->priv holds (detach has run when it was attached). */
	void (*free)(struct vm *vm, struct drc *d);
	/*
	 * configure-connector: write the connector's node, as the only child
	 * of the root, into a sequential-write blob. The guest gets the node
	 * name, then each property in the blob's order.
	 */
	int (*cc_node)(struct vm *vm, struct drc *d, void *blob, u32 size);
	/* Device-tree properties and nodes at *at (drc_module's fdt hook). */
	int (*fdt)(struct vm *vm, void *fdt, const struct fdt_place *at);
};

/* The connectors of one type in this VM. */
struct drc_set {
	const struct drc_type *type;
	struct drc *drc;
	unsigned int nr;
	unsigned int nr_boot;
};

extern const struct drc_type drc_lmb_type, drc_cpu_type;

/* The DR RTAS calls, with LMB DRCs for --max-mem and CPU DRCs for --max-cpus. */
extern const struct module drc_module;
int drc__fdt(struct vm *vm, void *fdt, const struct fdt_place *at);
/*
 * Give this VM the connectors of one more type (from a module's init, after
 * drc_module's). 0 also when the type has none here; -ENODEV, -ENOSPC,
 * -EEXIST, -ENOMEM.
 */
int drc__add_type(struct vm *vm, const struct drc_type *type);
/* This VM's connectors of a type; NULL when it has none. */
struct drc_set *drc__set(struct vm *vm, const struct drc_type *type);
/* Any type's connector by DRC index; NULL for an unknown index. */
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
