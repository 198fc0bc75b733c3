/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_XICS_H
#define PVM_XICS_H

/*
 * XICS source state as the accelerator exchanges it (the layout of KVM's
 * KVM_DEV_XICS_GRP_SOURCES attribute).
 */
#define XICS_STATE_SERVER_MASK 0xffffffffULL
#define XICS_STATE_PRIO_SHIFT 32
#define XICS_STATE_PRIO_MASK (0xffULL << XICS_STATE_PRIO_SHIFT)
#define XICS_STATE_LEVEL (1ULL << 40)
#define XICS_STATE_MASKED (1ULL << 41)

struct vm;

#endif
