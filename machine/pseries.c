// SPDX-License-Identifier: GPL-2.0
/*
 * The pseries machine: its parts in set-up order (teardown runs backwards).
 * Each module registers only what this VM's configuration asks for, so the
 * list is the same for every VM. Order matters where one part uses another:
 * RTAS first (every call registers there), the event classes before the
 * modules that claim one, and interrupt sources are numbered in this order.
 * PCI devices sit between the PCI core and the host bridge, which publishes
 * a bus only when some function registered before its own init.
 * A new device is one file with its `struct module` and one line here.
 */
#include "machine/pseries.h"
#include "pvm/module.h"

extern const struct module rtas_module, cpu_module, mmu_module, power_module, sysparm_module,
	pvm_module, mem_module, rng_module, watchdog_module, nvram_module, xics_module, xive_module,
	events_module, drc_module, hvpipe_module, tpm_module, vio_module, vty_module,
	pci_module, virtio_rng_module, virtio_console_module, virtio_blk_module, virtio_net_module, phb_module;

static const struct module *const pseries_modules[] = {
	&rtas_module,
	&cpu_module,
	&mmu_module,
	&power_module,
	&sysparm_module,
	&pvm_module,
	&mem_module,
	&rng_module,
	&watchdog_module,
	&nvram_module,
	&xics_module,
	&xive_module,
	&events_module,
	&drc_module,
	&hvpipe_module,
	&tpm_module,
	&vio_module,
	&vty_module,
	/*
	 * The PCI core, the PCI devices (they register their functions in
	 * their init), then the host bridge that publishes them.
	 */
	&pci_module,
	&virtio_rng_module,
	&virtio_console_module,
	&virtio_blk_module,
	&virtio_net_module,
	&phb_module,
};

int pseries__init(struct vm *vm)
{
	return modules__init(vm, pseries_modules, ARRAY_SIZE(pseries_modules));
}
