// SPDX-License-Identifier: GPL-2.0
/*
 * pvm run -n/--network: the option's syntax (kvmtool's, tap mode only), and
 * opening the taps (virtio/tap.c) before the VM exists, so that a tap pvm
 * may not create ends pvm at once with one clear line.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/net.h"
#include "pvm/log.h"
#include "pvm/vm.h"
#include "virtio/tap.h"

#define NET_OPTS "mode=tap, tapif=NAME, mac=MAC, vhost, fd=N"

bool net__is_network_arg(const char *arg)
{
	/* A VM name never holds '=' (names are checked); a network always does. */
	return strchr(arg, '=') != NULL;
}

static int parse_mac(const char *s, u8 mac[6])
{
	unsigned int b[6];
	char end;
	int i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &end) != 6 || strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++)
		mac[i] = b[i];
	/* A NIC's own address: unicast (bit 0 of the first byte clear), not zero. */
	if ((mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return -EDOM;
	return 0;
}

static int parse_fd(const char *s, int *fd)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > INT_MAX)
		return -EINVAL;
	*fd = v;
	return 0;
}

/* One KEY[=VALUE] of a --network; prints the error. */
static int parse_opt(struct vm_nic *n, const char *arg, char *opt)
{
	char *val = strchr(opt, '=');

	if (val)
		*val++ = '\0';
	if (!strcmp(opt, "mode")) {
		if (val && !strcmp(val, "tap"))
			return 0;
		pr_err("--network %s: mode '%s' is not offered: pvm networks through a host tap "
		       "only (mode=tap; docs/virtio.md)", arg, val ? val : "");
		return -EINVAL;
	}
	if (!strcmp(opt, "tapif") && val && *val && strlen(val) < sizeof(n->tapif) &&
	    !strpbrk(val, "/ \t")) {
		strcpy(n->tapif, val);
		return 0;
	}
	if (!strcmp(opt, "tapif")) {
		pr_err("--network %s: tapif '%s' is not an interface name (1 to %zu characters, "
		       "no '/' or spaces)", arg, val ? val : "", sizeof(n->tapif) - 1);
		return -EINVAL;
	}
	if (!strcmp(opt, "mac") && val && !parse_mac(val, n->mac)) {
		n->mac_given = true;
		return 0;
	}
	if (!strcmp(opt, "mac")) {
		pr_err("--network %s: mac '%s' is not a unicast address like 52:54:00:12:34:56",
		       arg, val ? val : "");
		return -EINVAL;
	}
	if (!strcmp(opt, "vhost") && (!val || !strcmp(val, "1") || !strcmp(val, "on") ||
				      !strcmp(val, "0") || !strcmp(val, "off"))) {
		n->vhost = !val || !strcmp(val, "1") || !strcmp(val, "on");
		return 0;
	}
	if (!strcmp(opt, "fd") && val && !parse_fd(val, &n->fd)) {
		n->fd_given = true;
		return 0;
	}
	if (!strcmp(opt, "fd")) {
		pr_err("--network %s: fd '%s' is not a file descriptor number", arg,
		       val ? val : "");
		return -EINVAL;
	}
	pr_err("--network %s: unknown option '%s%s%s' (%s)", arg, opt, val ? "=" : "",
	       val ? val : "", NET_OPTS);
	return -EINVAL;
}

int net__parse(struct vm_config *cfg, char *arg)
{
	struct vm_nic *n = &cfg->nics[cfg->nr_nics];
	char *copy, *rest, *opt;
	int ret = 0;

	if (cfg->nr_nics == PVM_MAX_NICS) {
		pr_err("--network %s: at most %d network devices", arg, PVM_MAX_NICS);
		return -E2BIG;
	}
	*n = (struct vm_nic){ .fd = -1, .vhost_fd = -1 };
	copy = rest = strdup(arg);
	if (!copy)
		return -ENOMEM;
	while (!ret && (opt = strsep(&rest, ",")))
		if (*opt)
			ret = parse_opt(n, arg, opt);
	free(copy);
	if (!ret && n->fd_given && n->tapif[0]) {
		pr_err("--network %s: give tapif=NAME or fd=N, not both", arg);
		ret = -EINVAL;
	}
	if (ret) {
		*n = (struct vm_nic){ .fd = -1, .vhost_fd = -1 };
		return ret;
	}
	cfg->nr_nics++;
	return 0;
}

int net__open_all(struct vm_config *cfg)
{
	char why[320];
	unsigned int i;

	for (i = 0; i < cfg->nr_nics; i++) {
		struct vm_nic *n = &cfg->nics[i];

		if (tap__open(n, why, sizeof(why))) {
			pr_err("--network %u (%s): %s", i, n->tapif[0] ? n->tapif : "new tap", why);
			net__close_all(cfg);
			return PVM_EXIT_NOINPUT;
		}
		pr_info("net%u: tap %s%s%s", i, n->tapif, n->fd_given ? " (given fd)" : "",
			n->vhost ? ", vhost-net" : "");
	}
	return 0;
}

void net__close_all(struct vm_config *cfg)
{
	unsigned int i;

	for (i = 0; i < cfg->nr_nics; i++)
		tap__close(&cfg->nics[i]);
}
