/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_VIRTIO_TAP_H
#define PVM_VIRTIO_TAP_H

/*
 * The host side of a virtio-net NIC (virtio/tap.c): a tap device with the
 * 12-byte virtio_net_hdr_v1 in front of every packet (IFF_VNET_HDR), and
 * /dev/vhost-net when asked for.
 */
#include <stddef.h>

#include "pvm/types.h"

struct vm_nic;

/* TUN_F_* offloads pvm asks of a tap (what it may hand us unsegmented). */
#define TAP_OFFLOADS_ALL 0x0f	/* TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN */

/*
 * Open or create nic's tap (fd=N: check the launcher's fd), non-blocking,
 * with the virtio header; probe its offloads into nic->offloads; open
 * /dev/vhost-net when nic->vhost. 0, or -errno with why filled with what failed
 * in words for the user.
 */
int tap__open(struct vm_nic *nic, char *why, size_t why_len);
/* Close what tap__open() opened (a given fd=N too: pvm owns it from then on). */
void tap__close(struct vm_nic *nic);
/* TUNSETOFFLOAD: what the tap may send us (TUN_F_* bits); 0 or -errno. */
int tap__set_offloads(int fd, unsigned int offloads);
/* A read or write error that means the tap is gone for good (deleted). */
bool tap__gone(int err);

#endif
