// SPDX-License-Identifier: GPL-2.0
/*
 * Client verbs that talk to a running VM's control socket:
 * pvm list | stop | pause | resume | stat | hotplug.
 * Exit status: 0 done, 1 the VM refused (its message is printed),
 * 64 usage, 66 no such VM (or it does not answer).
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/builtin.h"
#include "cli/control.h"
#include "pvm/log.h"
#include "pvm/vm.h"

#define CTL_REFUSED 1

static bool want_json(int *argc, char **argv)
{
	bool json = false;
	int i, o = 1;

	for (i = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else
			argv[o++] = argv[i];
	}
	*argc = o;
	return json;
}


/* Sends the request; prints errors; returns the "result" object (owned by *resp). */
static int call(const char *name, const char *cmd, struct json_object *args,
		struct json_object **resp, struct json_object **result)
{
	int ret = control__request(name, cmd, args, resp);
	struct json_object *err;

	if (ret)
		return control__conn_error(name, ret);
	if (!json_object_get_boolean(control__get(*resp, "ok"))) {
		err = control__get(*resp, "error");
		pr_err("%s: %s (%s)", name, json_object_get_string(control__get(err, "message")),
		       json_object_get_string(control__get(err, "code")));
		return CTL_REFUSED;
	}
	*result = control__get(*resp, "result");
	return 0;
}

static void print_json(struct json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
}

static int simple(int argc, char **argv, const char *cmd, struct json_object *args,
		  const char *done)
{
	struct json_object *resp = NULL, *res = NULL;
	bool json = want_json(&argc, argv);
	int ret;

	if (argc != 2) {
		pr_err("usage: pvm %s NAME [--json]", argv[0]);
		json_object_put(args);
		return PVM_EXIT_USAGE;
	}
	ret = call(argv[1], cmd, args, &resp, &res);
	if (!ret) {
		if (json)
			print_json(res);
		else
			printf("%s: %s\n", argv[1], done);
	}
	json_object_put(resp);
	json_object_put(args);
	return ret;
}

int cmd_pause(int argc, char **argv)
{
	return simple(argc, argv, "pause", NULL, "paused");
}

int cmd_resume(int argc, char **argv)
{
	return simple(argc, argv, "resume", NULL, "running");
}

int cmd_stop(int argc, char **argv)
{
	struct json_object *args = json_object_new_object();
	bool force = false;
	int i, o = 1;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--force") || !strcmp(argv[i], "-f"))
			force = true;
		else
			argv[o++] = argv[i];
	}
	json_object_object_add(args, "force", json_object_new_boolean(force));
	return simple(o, argv, "stop", args,
		      force ? "stopped" : "shutdown requested (the guest powers off)");
}

static s64 num(struct json_object *o, const char *key)
{
	return json_object_get_int64(control__get(o, key));
}

/* The vCPUs with their exits by kind. */
static void print_vcpus(struct json_object *vcpus)
{
	size_t i;

	printf("%-6s %-8s %12s %12s %12s %8s %6s\n", "vcpu", "state", "exits", "hcalls", "mmio",
	       "intr", "fail");
	for (i = 0; i < json_object_array_length(vcpus); i++) {
		struct json_object *v = json_object_array_get_idx(vcpus, i);

		printf("%-6" PRId64 " %-8s %12" PRId64 " %12" PRId64 " %12" PRId64 " %8" PRId64
		       " %6" PRId64 "\n", num(v, "id"),
		       json_object_get_string(control__get(v, "state")), num(v, "exits"),
		       num(v, "hcalls"), num(v, "mmio"), num(v, "intr"), num(v, "fail"));
	}
}

/* The devices' counters (a VM from before they existed has none). */
static void print_devices(struct json_object *devs)
{
	size_t i;

	if (!devs || !json_object_array_length(devs))
		return;
	printf("\n%-16s %-15s %19s %19s %10s %12s %7s\n", "device", "type",
	       "kicks mmio/eventfd", "irqs irqfd/pci", "requests", "bytes", "errors");
	for (i = 0; i < json_object_array_length(devs); i++) {
		struct json_object *d = json_object_array_get_idx(devs, i);
		char kicks[48], irqs[48];

		snprintf(kicks, sizeof(kicks), "%" PRId64 "/%" PRId64, num(d, "notify_mmio"),
			 num(d, "notify_ioeventfd"));
		snprintf(irqs, sizeof(irqs), "%" PRId64 "/%" PRId64, num(d, "irq_irqfd"),
			 num(d, "irq_pci"));
		printf("%-16s %-15s %19s %19s %10" PRId64 " %12" PRId64 " %7" PRId64 "\n",
		       json_object_get_string(control__get(d, "name")),
		       json_object_get_string(control__get(d, "type")), kicks, irqs,
		       num(d, "requests"), num(d, "bytes"), num(d, "errors"));
	}
}

int cmd_stat(int argc, char **argv)
{
	struct json_object *resp = NULL, *res = NULL;
	bool json = want_json(&argc, argv);
	int ret;

	if (argc != 2) {
		pr_err("usage: pvm stat NAME [--json]");
		return PVM_EXIT_USAGE;
	}
	ret = call(argv[1], "stats", NULL, &resp, &res);
	if (ret)
		goto out;
	if (json) {
		print_json(res);
		goto out;
	}
	printf("uptime %.1f s, pvm RSS %" PRId64 " KiB\n", num(res, "uptime_ms") / 1000.0,
	       num(res, "rss_bytes") / 1024);
	print_vcpus(control__get(res, "vcpus"));
	print_devices(control__get(res, "devices"));
out:
	json_object_put(resp);
	return ret;
}

int cmd_hotplug(int argc, char **argv)
{
	struct json_object *args = json_object_new_object();
	bool json = want_json(&argc, argv);
	const char *delta;
	u64 n;

	if (argc != 4 || (strcmp(argv[2], "mem") && strcmp(argv[2], "cpu")) ||
	    (argv[3][0] != '+' && argv[3][0] != '-')) {
		pr_err("usage: pvm hotplug NAME mem +SIZE|-SIZE, or pvm hotplug NAME cpu +N|-N");
		json_object_put(args);
		return PVM_EXIT_USAGE;
	}
	delta = argv[3] + 1;
	json_object_object_add(args, "resource", json_object_new_string(argv[2]));
	if (!strcmp(argv[2], "mem")) {
		if (parse_size(delta, &n) || n > INT64_MAX) {
			pr_err("hotplug mem %s: not a size (try +512M or -1G)", argv[3]);
			json_object_put(args);
			return PVM_EXIT_USAGE;
		}
		json_object_object_add(args, "bytes",
				       json_object_new_int64(argv[3][0] == '-' ? -(s64)n : (s64)n));
	} else {
		char *end;

		errno = 0;
		n = strtoull(delta, &end, 10);
		if (errno || *end || !*delta || n > PVM_MAX_VCPUS) {
			pr_err("hotplug cpu %s: expected +N or -N", argv[3]);
			json_object_put(args);
			return PVM_EXIT_USAGE;
		}
		json_object_object_add(args, "count",
				       json_object_new_int64(argv[3][0] == '-' ? -(s64)n : (s64)n));
	}
	{
		char *sub[] = { "hotplug", argv[1], "--json" };

		return simple(json ? 3 : 2, sub, "hotplug", args, "hotplug requested");
	}
}

int cmd_list(int argc, char **argv)
{
	bool json = want_json(&argc, argv);
	struct json_object *all = json_object_new_array();
	char dir[108];
	struct dirent *de;
	DIR *d;

	if (argc != 1) {
		pr_err("usage: pvm list [--json]");
		json_object_put(all);
		return PVM_EXIT_USAGE;
	}
	if (!json)
		printf("%-24s %-9s %6s %10s\n", "NAME", "STATE", "VCPUS", "MEMORY");
	if (!control__dir(dir, sizeof(dir))) {
		char why[128];
		int r = control__check_dir(dir, false, why, sizeof(why));

		if (r && r != -ENOENT) {
			pr_err("not listing VMs: the control socket directory %s %s", dir, why);
			json_object_put(all);
			return PVM_EXIT_NOINPUT;
		}
	}
	if (control__dir(dir, sizeof(dir)) || !(d = opendir(dir))) {
		/* No directory yet simply means no VM has run. */
		if (json)
			print_json(all);
		json_object_put(all);
		return 0;
	}
	while ((de = readdir(d))) {
		struct json_object *resp = NULL, *res;
		size_t l = strlen(de->d_name);
		char name[128];

		if (l < 6 || l - 5 >= sizeof(name) || strcmp(de->d_name + l - 5, ".sock"))
			continue;
		memcpy(name, de->d_name, l - 5);
		name[l - 5] = '\0';
		/* Sockets left by a crashed pvm do not answer: skip them. */
		if (control__request(name, "query", NULL, &resp) ||
		    !json_object_get_boolean(control__get(resp, "ok"))) {
			json_object_put(resp);
			continue;
		}
		res = control__get(resp, "result");
		if (json)
			json_object_array_add(all, json_object_get(res));
		else
			printf("%-24s %-9s %6" PRId64 " %9" PRId64 "M\n", name,
			       json_object_get_string(control__get(res, "state")),
			       json_object_get_int64(control__get(control__get(res, "cpus"), "vcpus")),
			       json_object_get_int64(control__get(control__get(res, "memory"), "boot_bytes")) >> 20);
		json_object_put(resp);
	}
	closedir(d);
	if (json)
		print_json(all);
	json_object_put(all);
	return 0;
}
