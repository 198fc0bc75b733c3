// SPDX-License-Identifier: GPL-2.0
/*
 * The module table of a VM: set-up in order, tear-down in reverse, resets
 * and device-tree hooks in order, and each module's state slot.
 */
#include <errno.h>
#include <string.h>

#include "pvm/log.h"
#include "pvm/module.h"
#include "pvm/vm.h"

static int slot_of(struct vm *vm, const struct module *m)
{
	unsigned int i;

	for (i = 0; i < vm->nr_modules; i++)
		if (vm->modules[i] == m)
			return i;
	return -1;
}

void *vm__priv(struct vm *vm, const struct module *m)
{
	int i = slot_of(vm, m);

	return i < 0 ? NULL : vm->module_priv[i];
}

void vm__set_priv(struct vm *vm, const struct module *m, void *priv)
{
	int i = slot_of(vm, m);

	if (i >= 0)
		vm->module_priv[i] = priv;
}

int modules__init(struct vm *vm, const struct module *const *table, unsigned int n)
{
	unsigned int i;
	int ret;

	if (n > PVM_MAX_MODULES)
		return -E2BIG;
	vm->modules = table;
	vm->nr_modules = n;
	for (i = 0; i < n; i++) {
		const struct module *m = table[i];

		/* A failed module's exit runs too: exits cope with half a set-up. */
		vm->nr_modules_up = i + 1;
		ret = m->init ? m->init(vm) : 0;
		if (ret) {
			pr_err("setting up %s: %s", m->name, strerror(-ret));
			modules__exit(vm);
			return ret;
		}
	}
	vm->nr_modules_up = n;
	return 0;
}

int modules__start(struct vm *vm)
{
	unsigned int i;
	int ret;

	for (i = 0; i < vm->nr_modules_up; i++) {
		const struct module *m = vm->modules[i];

		ret = m->start ? m->start(vm) : 0;
		if (ret) {
			pr_err("starting %s: %s", m->name, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

void modules__reset(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_modules_up; i++)
		if (vm->modules[i]->reset)
			vm->modules[i]->reset(vm);
}

void modules__exit(struct vm *vm)
{
	while (vm->nr_modules_up) {
		const struct module *m = vm->modules[--vm->nr_modules_up];

		if (m->exit)
			m->exit(vm);
	}
}

int modules__fdt(struct vm *vm, void *fdt, const struct fdt_place *at)
{
	unsigned int i;
	int ret;

	for (i = 0; i < vm->nr_modules_up; i++) {
		const struct module *m = vm->modules[i];

		ret = m->fdt ? m->fdt(vm, fdt, at) : 0;
		if (ret)
			return ret;
	}
	return 0;
}
