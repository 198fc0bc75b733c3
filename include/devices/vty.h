/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_VTY_H
#define PVM_VTY_H

#include "pvm/types.h"

struct vm;
struct module;
struct vty;

/* The vterm number the guest passes to the console hcalls (= /vdevice/vty reg). */
#define VTY_REG 0x30000000
/* H_PUT/GET_TERM_CHAR unit address that means "the default console". */
#define VTY_DEFAULT_UNIT 0

/* Console output goes to vm->cfg.console_fd. */
extern const struct module vty_module;
struct vty *vty__get(struct vm *vm);
void vty__output(struct vty *vty, const u8 *buf, size_t len);
/* Queue host input; returns how many bytes were taken (the rest must wait). */
size_t vty__input(struct vty *vty, const u8 *buf, size_t len);
size_t vty__input_room(struct vty *vty);
/* The console's XICS source, or < 0 when it has none. */
int vty__irq(struct vty *vty);

#endif
