// SPDX-License-Identifier: GPL-2.0
/*
 * The PAPR virtual terminal (hvterm1): H_PUT_TERM_CHAR writes guest output to
 * pvm's stdout, H_GET_TERM_CHAR hands out what the event loop read from stdin.
 * Up to 16 bytes travel in two registers, first byte in the MSB.
 *
 * Unit address 0 names the default console as well as the vty's own reg:
 * early debug code (Linux's udbg on LPARs, small test kernels) writes to 0
 * before it has read the device tree, and PowerVM and QEMU's pseries both
 * route it to the lowest-numbered vty.
 */
#include <errno.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>

#include <json-c/json.h>
#include <libfdt.h>

#include "pvm/console.h"
#include "pvm/fdt.h"
#include "pvm/hcall.h"
#include "pvm/irq.h"
#include "pvm/log.h"
#include "pvm/module.h"
#include "pvm/vm.h"
#include "devices/vty.h"

static inline struct vty *vty_of(struct vm *vm)
{
	return vm__priv(vm, &vty_module);
}

#define VTY_MAX_CHARS 16
#define VTY_INBUF 4096

struct vty {
	struct vm *vm;
	int irq;		/* XICS source, or < 0: the guest polls */
	bool irq_off;		/* H_VIO_SIGNAL disabled the interrupt */
	pthread_mutex_t lock;
	u8 in[VTY_INBUF];
	size_t head, count;
};

/* Backpressure as every console device: pvm/console.h, console__write(). */
void vty__output(struct vty *vty, const u8 *buf, size_t len)
{
	console__write(vty->vm, buf, len);
}

size_t vty__input_room(struct vty *vty)
{
	size_t room;

	pthread_mutex_lock(&vty->lock);
	room = VTY_INBUF - vty->count;
	pthread_mutex_unlock(&vty->lock);
	return room;
}

size_t vty__input(struct vty *vty, const u8 *buf, size_t len)
{
	size_t i;

	pthread_mutex_lock(&vty->lock);
	for (i = 0; i < len && vty->count < VTY_INBUF; i++, vty->count++)
		vty->in[(vty->head + vty->count) % VTY_INBUF] = buf[i];
	pthread_mutex_unlock(&vty->lock);
	/* Edge source: each batch of input is one interrupt; the guest drains all. */
	if (i && vty->irq >= 0 && !__atomic_load_n(&vty->irq_off, __ATOMIC_RELAXED))
		irq__raise(vty->vm, vty->irq);
	return i;
}

static size_t vty__console_input(void *opaque, const u8 *buf, size_t len)
{
	return vty__input(opaque, buf, len);
}

static const struct console_ops vty_console_ops = {
	.input = vty__console_input,
};

static bool vty_unit(u64 unit)
{
	return unit == VTY_REG || unit == VTY_DEFAULT_UNIT;
}

static s64 h_put_term_char(struct hcall_ctx *c)
{
	struct vty *vty = vty_of(c->vm);
	u64 len = c->args[1];
	u8 buf[VTY_MAX_CHARS];
	unsigned int i;

	if (!vty_unit(c->args[0]))
		return H_PARAMETER;
	if (len > VTY_MAX_CHARS)
		return H_PARAMETER;
	for (i = 0; i < len; i++)
		buf[i] = c->args[2 + i / 8] >> (56 - 8 * (i % 8));
	vty__output(vty, buf, len);
	return H_SUCCESS;
}

static s64 h_get_term_char(struct hcall_ctx *c)
{
	struct vty *vty = vty_of(c->vm);
	u64 words[2] = { 0, 0 };
	size_t i, n;

	if (!vty_unit(c->args[0]))
		return H_PARAMETER;
	pthread_mutex_lock(&vty->lock);
	n = MIN(vty->count, (size_t)VTY_MAX_CHARS);
	for (i = 0; i < n; i++) {
		words[i / 8] |= (u64)vty->in[vty->head] << (56 - 8 * (i % 8));
		vty->head = (vty->head + 1) % VTY_INBUF;
	}
	vty->count -= n;
	pthread_mutex_unlock(&vty->lock);
	c->args[0] = n;
	c->args[1] = words[0];
	c->args[2] = words[1];
	return H_SUCCESS;
}

/*
 * "hcall-vio": r4 = unit address, r5 = mode (0 interrupts off, 1 on). The
 * vty starts with its interrupt on, since Linux's hvc_vio never asks.
 */
#define VIO_IRQ_ENABLE 1ULL

static s64 h_vio_signal(struct hcall_ctx *c)
{
	struct vty *vty = vty_of(c->vm);

	if (c->args[0] != VTY_REG)
		return H_PARAMETER;
	if (c->args[1] & ~VIO_IRQ_ENABLE)
		return H_PARAMETER;
	__atomic_store_n(&vty->irq_off, !(c->args[1] & VIO_IRQ_ENABLE), __ATOMIC_RELAXED);
	return H_SUCCESS;
}

static int vty__init(struct vm *vm)
{
	struct vty *vty = calloc(1, sizeof(*vty));
	int ret;

	if (!vty)
		return -ENOMEM;
	vty->vm = vm;
	vty->irq = irq__alloc(vm, false);
	if (vty->irq == -ENODEV)
		pr_info("console without interrupt: the guest will poll it");
	pthread_mutex_init(&vty->lock, NULL);
	vm__set_priv(vm, &vty_module, vty);
	/*
	 * Terminal input goes to the vty unless virtio-console is the console;
	 * the vty stays either way for early boot output (hvc0, udbg).
	 */
	if (!vm->cfg.virtio_console)
		console__register(vm, &vty_console_ops, vty);
	ret = hcall__register(vm, H_PUT_TERM_CHAR, h_put_term_char);
	if (!ret)
		ret = hcall__register(vm, H_GET_TERM_CHAR, h_get_term_char);
	if (!ret)
		ret = hcall__register(vm, H_VIO_SIGNAL, h_vio_signal);
	return ret;
}

struct vty *vty__get(struct vm *vm)
{
	return vty_of(vm);
}

int vty__irq(struct vty *vty)
{
	return vty ? vty->irq : -1;
}

static void vty__exit(struct vm *vm)
{
	if (vm->console_opaque && vm->console_opaque == vty_of(vm))
		console__register(vm, NULL, NULL);
	free(vty_of(vm));
	vm__set_priv(vm, &vty_module, NULL);
}

static int vty__fdt(struct vm *vm, void *fdt, const struct fdt_place *at)
{
	int irq = vty__irq(vty_of(vm));
	char name[32];

	snprintf(name, sizeof(name), "/vdevice/vty@%x", VTY_REG);
	if (at->at == FDT_AT_CHOSEN) {
		FDT_TRY(fdt_property_string(fdt, "stdout-path", name));
		return fdt_property_string(fdt, "linux,stdout-path", name);
	}
	if (at->at != FDT_AT_VDEVICE)
		return 0;
	FDT_TRY(fdt_begin_node(fdt, name + strlen("/vdevice/")));
	FDT_TRY(fdt_property_string(fdt, "name", "vty"));
	FDT_TRY(fdt_property_string(fdt, "device_type", "serial"));
	FDT_TRY(fdt_property_string(fdt, "compatible", "hvterm1"));
	FDT_TRY(fdt_property_u32(fdt, "reg", VTY_REG));
	if (irq >= 0) {
		u32 intr[2] = { cpu_to_fdt32(irq), 0 };	/* edge */

		FDT_TRY(fdt_property(fdt, "interrupts", intr, sizeof(intr)));
	}
	return fdt_end_node(fdt);
}

/* Control "query": the vty is always there (the console unless --console virtio). */
static int vty__query(struct vm *vm __unused, struct json_object *res)
{
	struct json_object *devs, *vty;

	if (!json_object_object_get_ex(res, "devices", &devs))
		return 0;
	vty = json_object_new_object();
	json_object_object_add(vty, "type", json_object_new_string("vty"));
	json_object_object_add(vty, "reg", json_object_new_int64(VTY_REG));
	return json_object_array_add(devs, vty);
}

/* No reset: console input typed during the reboot waits for the new kernel. */
const struct module vty_module = {
	.name = "vty",
	.init = vty__init,
	.exit = vty__exit,
	.fdt = vty__fdt,
	.query = vty__query,
};
