/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_PAPR_PHB_H
#define PVM_PAPR_PHB_H

/*
 * The sPAPR PCI host bridge (papr/phb.c, docs/pci.md): one PHB, present when
 * a PCI function registered before its module's init, placed where QEMU's
 * pseries machine puts its first one; and its TCE table (papr/tce.c).
 */
#include "pvm/types.h"

struct vm;
struct module;

#define PHB_BUID 0x800000020000000ULL
/* QEMU's SPAPR_PCI_BASE: 32 TiB, far above RAM and hotplug (PVM_MAX_RAM). */
#define PHB_BASE (1ULL << 45)
#define PHB_MEM32_BUS 0x80000000ULL
#define PHB_MEM32_SIZE (2 * SZ_1G)
#define PHB_MEM32_GPA (PHB_BASE + PHB_MEM32_SIZE)
/* The 64-bit window is an identity one: bus address = guest-physical address. */
#define PHB_MEM64_SIZE (1ULL << 40)
#define PHB_MEM64_GPA (PHB_BASE + PHB_MEM64_SIZE)

/* The one DMA window: QEMU's LIOBN, bus 0..1 GiB in 4 KiB TCEs. */
#define PHB_LIOBN 0x80000000U
#define PHB_DMA_SIZE SZ_1G
#define TCE_PAGE_SHIFT 12
#define TCE_PCI_READ 0x1ULL
#define TCE_PCI_WRITE 0x2ULL
/* H_PUT_TCE_INDIRECT: one 4 KiB page of TCEs at most. */
#define TCE_INDIRECT_MAX 512

extern const struct module phb_module;

struct tce_table;
struct tce_table *tce__new(u32 liobn, u64 bus_offset, u64 size);
void tce__free(struct tce_table *t);
/* Every TCE cleared (guest reboot). */
void tce__reset(struct tce_table *t);
/* H_GET_TCE, H_PUT_TCE, H_STUFF_TCE, H_PUT_TCE_INDIRECT. */
int tce__register(struct vm *vm);
/* The table of liobn (phb.c), or NULL. */
struct tce_table *phb__tce(struct vm *vm, u64 liobn);

#endif
