/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_VIRTIO_CONSOLE_H
#define PVM_VIRTIO_CONSOLE_H

/* virtio-console (virtio/console.c): one port, no MULTIPORT (virtio 1.x §5.3.2). */
#define VIRTIO_CONSOLE_RX 0	/* receiveq: host input into guest buffers */
#define VIRTIO_CONSOLE_TX 1	/* transmitq: guest output */

struct module;
extern const struct module virtio_console_module;

#endif
