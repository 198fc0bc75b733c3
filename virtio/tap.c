// SPDX-License-Identifier: GPL-2.0
/*
 * The tap device behind a virtio-net NIC (include/virtio/tap.h). The tap
 * carries the 12-byte virtio_net_hdr_v1 before each frame, so a guest's
 * transmit chain goes to it as it is (one writev) and checksum and
 * segmentation offloads pass through both ways; which offloads the tap may
 * use towards the guest is set when the guest has chosen its features
 * (tap__set_offloads()).
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/if_tun.h>

#include "pvm/log.h"
#include "pvm/vm.h"
#include "virtio/net.h"
#include "virtio/tap.h"

#define TUN_DEV "/dev/net/tun"
#define VHOST_NET_DEV "/dev/vhost-net"

/* fd=N: the launcher's tap must be what pvm would have made. */
static int check_given(struct vm_nic *nic, char *why, size_t len)
{
	struct ifreq ifr = { 0 };

	if (fcntl(nic->fd, F_GETFD) < 0) {
		snprintf(why, len, "fd=%d is not an open file descriptor", nic->fd);
		return -EBADF;
	}
	if (ioctl(nic->fd, TUNGETIFF, &ifr)) {
		snprintf(why, len, "fd=%d is not a tap device (TUNGETIFF: %s)", nic->fd,
			 strerror(errno));
		return -ENOTTY;
	}
	if ((ifr.ifr_flags & (IFF_TAP | IFF_TUN)) != IFF_TAP || !(ifr.ifr_flags & IFF_NO_PI) ||
	    !(ifr.ifr_flags & IFF_VNET_HDR)) {
		snprintf(why, len, "fd=%d (%.16s) must be opened as IFF_TAP | IFF_NO_PI | "
			 "IFF_VNET_HDR (flags are %#x)", nic->fd, ifr.ifr_name, ifr.ifr_flags);
		return -EINVAL;
	}
	memcpy(nic->tapif, ifr.ifr_name, sizeof(nic->tapif));
	nic->tapif[sizeof(nic->tapif) - 1] = '\0';
	/* Ours from here: not inherited by anything pvm might start. */
	fcntl(nic->fd, F_SETFD, FD_CLOEXEC);
	return 0;
}

static int create(struct vm_nic *nic, char *why, size_t len)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	unsigned int features = 0;
	int err;

	nic->fd = open(TUN_DEV, O_RDWR | O_CLOEXEC);
	if (nic->fd < 0) {
		err = errno;
		snprintf(why, len, "cannot open %s: %s%s", TUN_DEV, strerror(err),
			 err == ENOENT ? " (load the tun module: modprobe tun)" : "");
		return -err;
	}
	if (!ioctl(nic->fd, TUNGETFEATURES, &features) && !(features & IFF_VNET_HDR)) {
		snprintf(why, len, "this kernel's tap has no IFF_VNET_HDR");
		return -EOPNOTSUPP;
	}
	memcpy(ifr.ifr_name, nic->tapif, sizeof(nic->tapif));
	if (ioctl(nic->fd, TUNSETIFF, &ifr)) {
		err = errno;
		snprintf(why, len, "cannot attach to tap '%s': %s%s", nic->tapif, strerror(err),
			 err == EPERM ? " (creating a tap needs CAP_NET_ADMIN; or make it "
			 "persistent for this user with 'ip tuntap add NAME mode tap user USER "
			 "vnet_hdr', or pass an open one with fd=N)" :
			 err == EBUSY || err == EINVAL ? " (a tun device of that name, or one "
			 "without vnet_hdr, or in use without multi-queue)" : "");
		return -err;
	}
	memcpy(nic->tapif, ifr.ifr_name, sizeof(nic->tapif));
	nic->tapif[sizeof(nic->tapif) - 1] = '\0';
	return 0;
}

int tap__set_offloads(int fd, unsigned int offloads)
{
	return ioctl(fd, TUNSETOFFLOAD, (unsigned long)offloads) ? -errno : 0;
}

/* What the tap can do: all of it, checksums only, or nothing. */
static unsigned int probe_offloads(int fd)
{
	static const unsigned int tries[] = { TAP_OFFLOADS_ALL, TUN_F_CSUM };
	unsigned int i;

	for (i = 0; i < sizeof(tries) / sizeof(tries[0]); i++)
		if (!tap__set_offloads(fd, tries[i]))
			break;
	/* Nothing until the guest says what it takes. */
	tap__set_offloads(fd, 0);
	return i < sizeof(tries) / sizeof(tries[0]) ? tries[i] : 0;
}

int tap__open(struct vm_nic *nic, char *why, size_t len)
{
	int hdr = NET_HDR_LEN, ret, fl;

	ret = nic->fd_given ? check_given(nic, why, len) : create(nic, why, len);
	if (ret)
		return ret;
	if (ioctl(nic->fd, TUNSETVNETHDRSZ, &hdr)) {
		ret = -errno;
		snprintf(why, len, "tap %s: cannot set a %d-byte virtio header: %s", nic->tapif,
			 hdr, strerror(-ret));
		return ret;
	}
	fl = fcntl(nic->fd, F_GETFL);
	if (fl < 0 || fcntl(nic->fd, F_SETFL, fl | O_NONBLOCK)) {
		ret = -errno;
		snprintf(why, len, "tap %s: cannot make it non-blocking: %s", nic->tapif,
			 strerror(-ret));
		return ret;
	}
	nic->offloads = probe_offloads(nic->fd);
	if (!nic->vhost)
		return 0;
	nic->vhost_fd = open(VHOST_NET_DEV, O_RDWR | O_CLOEXEC);
	if (nic->vhost_fd < 0) {
		ret = -errno;
		snprintf(why, len, "vhost: cannot open %s: %s%s", VHOST_NET_DEV, strerror(-ret),
			 ret == -ENOENT ? " (the host has no vhost-net: modprobe vhost_net, or "
			 "drop ',vhost' to move packets in pvm)" : "");
		return ret;
	}
	return 0;
}

void tap__close(struct vm_nic *nic)
{
	if (nic->vhost_fd >= 0)
		close(nic->vhost_fd);
	if (nic->fd >= 0)
		close(nic->fd);
	nic->vhost_fd = nic->fd = -1;
}

bool tap__gone(int err)
{
	/* A tap whose interface was deleted: its file is detached for good. */
	return err == EBADFD || err == ENODEV || err == ENXIO;
}
