/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_PAPR_XIVE_H
#define PVM_PAPR_XIVE_H

/*
 * XIVE exploitation: the H_INT_* hcalls (papr/xive.c), present only when
 * the accelerator gave the VM a XIVE (ACCEL_CAP_XIVE, --irqchip).
 */
struct module;

extern const struct module xive_module;

#endif
