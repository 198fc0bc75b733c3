// SPDX-License-Identifier: GPL-2.0
/*
 * pvm check: can this host run pvm guests, and what will they get? One line
 * per check, PASS / WARN / FAIL with the fix, like libvirt's
 * virt-host-validate. Exit status: 0 all passed, 1 warnings, 2 a failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <json-c/json.h>
#include <linux/io_uring.h>

#include "cli/builtin.h"
#include "cli/control.h"
#include "pvm/kvm.h"
#include "pvm/vm.h"

enum level { PASS, WARN, FAIL };
static const char *const level_name[] = { "PASS", "WARN", "FAIL" };

struct report {
	bool json;
	enum level worst;
	unsigned int count[3];
	struct json_object *checks;
};

static void result(struct report *r, enum level l, const char *name, const char *fix,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void result(struct report *r, enum level l, const char *name, const char *fix,
		   const char *fmt, ...)
{
	char detail[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	r->count[l]++;
	if (l > r->worst)
		r->worst = l;
	if (r->json) {
		struct json_object *c = json_object_new_object();

		json_object_object_add(c, "name", json_object_new_string(name));
		json_object_object_add(c, "result", json_object_new_string(level_name[l]));
		json_object_object_add(c, "detail", json_object_new_string(detail));
		if (fix && l != PASS)
			json_object_object_add(c, "fix", json_object_new_string(fix));
		json_object_array_add(r->checks, c);
		return;
	}
	printf("%-4s  %-12s %s\n", level_name[l], name, detail);
	if (fix && l != PASS)
		printf("      %-12s fix: %s\n", "", fix);
}

/* The value of "key : value" in /proc/cpuinfo, or "". */
static void cpuinfo(const char *key, char *out, size_t size)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];
	size_t kl = strlen(key);

	*out = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *v;

		if (strncmp(line, key, kl) || !(v = strchr(line, ':')))
			continue;
		for (v++; *v == ' ' || *v == '\t'; v++)
			;
		v[strcspn(v, "\n")] = '\0';
		snprintf(out, size, "%s", v);
		break;
	}
	fclose(f);
}

static void read_line(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "r");

	*out = '\0';
	if (f) {
		if (fgets(out, size, f))
			out[strcspn(out, "\n")] = '\0';
		fclose(f);
	}
}

static void check_cpu(struct report *r, char *platform, size_t size)
{
	char cpu[128];

	cpuinfo("cpu", cpu, sizeof(cpu));
	cpuinfo("platform", platform, size);
	if (strstr(cpu, "POWER9") || strstr(cpu, "POWER10") || strstr(cpu, "POWER11"))
		result(r, PASS, "cpu", NULL, "%s", cpu);
	else
		result(r, FAIL, "cpu", "use a POWER9 or later host: pvm runs radix guests only",
		       "%s", *cpu ? cpu : "unknown processor");
}

/* Bare metal (PowerNV) or an LPAR, and which nested KVM API an LPAR's KVM uses. */
static void check_host(struct report *r, const char *platform, const struct kvm_probe *p,
		       struct json_object *host)
{
	char nested[8];
	const char *mode = "unknown", *api = NULL, *irqchip = NULL;

	if (!strcmp(platform, "PowerNV")) {
		mode = "bare metal (PowerNV)";
		/* Only a host in hypervisor mode with XIVE offers XIVE native mode. */
		irqchip = p->xive ? "XIVE" : "XICS";
	} else if (!strcmp(platform, "pSeries")) {
		mode = "LPAR";
		read_line("/sys/module/kvm_hv/parameters/nested", nested, sizeof(nested));
		/* A v2 L1's KVM refuses nesting its own guests (kvmhv_enable_nested). */
		if (p->nested_hv)
			api = "v1";
		else if (p->create_errno || p->open_errno)
			api = "unknown (KVM not usable)";
		else if (nested[0] == 'N')
			api = "unknown (kvm_hv nested=N)";
		else
			api = "v2";
	}
	json_object_object_add(host, "platform", json_object_new_string(platform));
	json_object_object_add(host, "mode", json_object_new_string(mode));
	if (api)
		json_object_object_add(host, "nested_api", json_object_new_string(api));
	if (irqchip)
		json_object_object_add(host, "irqchip", json_object_new_string(irqchip));
	json_object_object_add(host, "nested_for_guests", json_object_new_boolean(p->nested_hv));
	if (api)
		result(r, PASS, "host", NULL, "%s, KVM on the PAPR nested API %s", mode, api);
	else if (irqchip)
		result(r, PASS, "host", NULL, "%s with %s, nested KVM for guests %s", mode, irqchip,
		       p->nested_hv ? "available (--nested)" : "unavailable");
	else
		result(r, *platform ? PASS : WARN, "host", NULL, "%s (platform '%s')", mode, platform);
}

static void check_kvm(struct report *r, const struct kvm_probe *p)
{
	unsigned int n;
	char modes[32] = "";

	if (p->open_errno) {
		result(r, FAIL, "kvm-device", kvm__open_hint(p->open_errno), "/dev/kvm: %s",
		       strerror(p->open_errno));
		return;
	}
	result(r, PASS, "kvm-device", NULL, "/dev/kvm opens read-write for this user");
	if (p->create_errno || !p->papr) {
		result(r, FAIL, "kvm-hv", "load kvm-hv (modprobe kvm-hv); KVM-PR cannot run pvm",
		       "no KVM-HV VM: %s", p->create_errno ? strerror(p->create_errno) :
							     "KVM_CAP_PPC_PAPR missing");
		return;
	}
	result(r, PASS, "kvm-hv", NULL, "KVM-HV VMs with PAPR mode, up to %d vCPUs", p->max_vcpus);
	if (p->radix)
		result(r, PASS, "radix", NULL, "radix MMU for guests");
	else
		result(r, FAIL, "radix", "a POWER9 or later host with a radix host kernel",
		       "KVM_CAP_PPC_MMU_RADIX missing: pvm runs radix guests only");
	if (p->xics && p->xive && sysconf(_SC_PAGESIZE) >= 65536)
		result(r, PASS, "irqchip", NULL, "in-kernel XIVE: guests get XIVE exploitation "
		       "(--irqchip auto or xive), or XICS on XIVE (--irqchip xics)");
	else if (p->xics && p->xive)
		result(r, PASS, "irqchip", NULL, "in-kernel XICS on XIVE; no XIVE exploitation: "
		       "KVM's 64 KiB event queues need a 64 KiB-page host kernel (this one: %ld KiB)",
		       sysconf(_SC_PAGESIZE) / 1024);
	else if (p->xics)
		result(r, PASS, "irqchip", NULL, "in-kernel XICS");
	else
		result(r, WARN, "irqchip", "a kernel with CONFIG_KVM_XICS",
		       "no in-kernel XICS: guests run without interrupts");
	for (n = 0; n < 4; n++)
		if (p->smt_modes & (1U << n))
			snprintf(modes + strlen(modes), sizeof(modes) - strlen(modes), "%s%u",
				 *modes ? ", " : "", 1U << n);
	result(r, PASS, "smt", NULL, "--threads %s", *modes ? modes : "1");
	if (p->nested_hv)
		result(r, PASS, "nested-hv", NULL,
		       "guests can run KVM themselves with pvm run --nested (nested API v1)");
	else
		result(r, WARN, "nested-hv", "on bare metal: modprobe kvm-hv nested=1",
		       "guests cannot run KVM (not offered by this host's KVM)");
}

static void check_memory(struct report *r)
{
	u64 total = host__meminfo("MemTotal"), avail = host__meminfo("MemAvailable");
	char thp[128];

	result(r, total ? PASS : WARN, "memory", NULL, "%.1f GiB RAM, %.1f GiB available",
	       total / (double)SZ_1G, avail / (double)SZ_1G);
	read_line("/sys/kernel/mm/transparent_hugepage/enabled", thp, sizeof(thp));
	if (strstr(thp, "[always]") || strstr(thp, "[madvise]"))
		result(r, PASS, "thp", NULL, "transparent huge pages: %s", thp);
	else
		result(r, WARN, "thp",
		       "echo madvise > /sys/kernel/mm/transparent_hugepage/enabled",
		       "no transparent huge pages (%s): guest RAM in small pages, slower boots",
		       *thp ? thp : "not available");
}

/* An optional device: usable (PASS), or WARN with the fix for missing / no access. */
static void check_device(struct report *r, const char *name, const char *path, const char *use,
			 const char *fix_missing, const char *fix_access)
{
	if (!access(path, R_OK | W_OK))
		result(r, PASS, name, NULL, "%s usable (%s)", path, use);
	else
		result(r, WARN, name, errno == ENOENT ? fix_missing : fix_access, "%s: %s", path,
		       strerror(errno));
}

static void check_devices(struct report *r)
{
	struct io_uring_params params = { 0 };
	long fd = syscall(__NR_io_uring_setup, 1, &params);

	if (fd >= 0) {
		close(fd);
		result(r, PASS, "io_uring", NULL, "io_uring available (virtio-blk's I/O engine)");
	} else {
		result(r, WARN, "io_uring", errno == ENOSYS ? "a kernel with CONFIG_IO_URING" :
			       "sysctl -w kernel.io_uring_disabled=0",
		       "io_uring_setup: %s (virtio-blk needs io_uring)", strerror(errno));
	}
	check_device(r, "tap", "/dev/net/tun", "virtio-net on tap", "modprobe tun",
		     "root, CAP_NET_ADMIN, or a tap made for this user: "
		     "ip tuntap add NAME mode tap user $USER");
	check_device(r, "vhost-net", "/dev/vhost-net", "in-kernel virtio-net",
		     "modprobe vhost_net", "root, or access to /dev/vhost-net");
	check_device(r, "tpm", "/dev/tpmrm0", "pvm run --tpm /dev/tpmrm0",
		     "only pvm run --tpm needs a TPM", "only pvm run --tpm needs a TPM");
}

static void check_socket_dir(struct report *r)
{
	char dir[108];

	if (control__dir(dir, sizeof(dir)))
		result(r, FAIL, "control", "set PVM_SOCKET_DIR to a directory only you can write",
		       "no directory for control sockets");
	else
		result(r, PASS, "control", NULL, "control sockets in %s", dir);
}

int cmd_check(int argc, char **argv)
{
	struct report r = { 0 };
	struct json_object *top = NULL, *host = json_object_new_object();
	struct kvm_probe p;
	char platform[64];
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			r.json = true;
		} else {
			fprintf(stderr, "pvm: error: unknown argument '%s' (see pvm help check)\n",
				argv[i]);
			json_object_put(host);
			return PVM_EXIT_USAGE;
		}
	}
	r.checks = json_object_new_array();
	kvm__probe(&p);
	check_cpu(&r, platform, sizeof(platform));
	check_host(&r, platform, &p, host);
	check_kvm(&r, &p);
	check_memory(&r);
	check_devices(&r);
	check_socket_dir(&r);
	if (r.json) {
		top = json_object_new_object();
		json_object_object_add(top, "result", json_object_new_string(level_name[r.worst]));
		json_object_object_add(top, "host", host);
		json_object_object_add(top, "checks", r.checks);
		puts(json_object_to_json_string_ext(top, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_SPACED |
							  JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(top);
	} else {
		printf("%s: %u passed, %u warnings, %u failed\n", level_name[r.worst],
		       r.count[PASS], r.count[WARN], r.count[FAIL]);
		json_object_put(r.checks);
		json_object_put(host);
	}
	return r.worst;
}
