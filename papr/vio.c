// SPDX-License-Identifier: GPL-2.0
/*
 * The PAPR virtual I/O bus, /vdevice: the node itself; its devices (the
 * console, NVRAM) add their children through FDT_AT_VDEVICE.
 */
#include <libfdt.h>

#include "pvm/fdt.h"
#include "pvm/module.h"
#include "pvm/vm.h"

static int vio__fdt(struct vm *vm, void *fdt, const struct fdt_place *at)
{
	static const struct fdt_place here = { .at = FDT_AT_VDEVICE };

	if (at->at != FDT_AT_ROOT)
		return 0;
	FDT_TRY(fdt_begin_node(fdt, "vdevice"));
	FDT_TRY(fdt_property_string(fdt, "device_type", "vdevice"));
	FDT_TRY(fdt_property_string(fdt, "compatible", "IBM,vdevice"));
	FDT_TRY(fdt_property_u32(fdt, "#address-cells", 1));
	FDT_TRY(fdt_property_u32(fdt, "#size-cells", 0));
	FDT_TRY(fdt_property_u32(fdt, "#interrupt-cells", 2));
	FDT_TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	FDT_TRY(modules__fdt(vm, fdt, &here));
	return fdt_end_node(fdt);
}

const struct module vio_module = {
	.name = "vio",
	.fdt = vio__fdt,
};
