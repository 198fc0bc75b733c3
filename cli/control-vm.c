// SPDX-License-Identifier: GPL-2.0
/*
 * The control commands about the VM itself: query, stats, pause, resume,
 * stop. What a feature knows comes from its module's hooks (query figures,
 * the guest shutdown request); its own commands come with its module.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "pvm/boot-trace.h"
#include "pvm/log.h"
#include "pvm/module.h"
#include "pvm/vm.h"

#include "control-priv.h"

static const char *state_name(struct vm *vm)
{
	if (vm__exiting(vm))
		return "stopping";
	return vm->paused ? "paused" : "running";
}

static int cmd_query(struct vm *vm, struct json_object *args __unused, struct json_object *res,
		     struct control_error *err, struct control_call *call __unused)
{
	struct json_object *mem = json_object_new_object();
	struct json_object *cpus = json_object_new_object();
	unsigned int i;

	json_object_object_add(res, "name", json_object_new_string(vm->cfg.name));
	json_object_object_add(res, "state", json_object_new_string(state_name(vm)));
	json_object_object_add(mem, "boot_bytes", json_object_new_int64(vm->cfg.ram_size));
	json_object_object_add(cpus, "vcpus", json_object_new_int64(vm__nr_vcpus(vm)));
	json_object_object_add(cpus, "threads_per_core", json_object_new_int64(vm->cfg.threads));
	json_object_object_add(cpus, "max_vcpus",
			       json_object_new_int64(vm->cfg.max_cores * vm->cfg.threads));
	json_object_object_add(res, "memory", mem);
	json_object_object_add(res, "cpus", cpus);
	json_object_object_add(res, "devices", json_object_new_array());
	for (i = 0; i < vm->nr_modules_up; i++) {
		const struct module *m = vm->modules[i];

		if (m->query && m->query(vm, res))
			return control__error(err, "internal", "%s: no figures", m->name);
	}
	/* Last, where the protocol lists it: after what the modules add (hot-added memory). */
	json_object_object_add(mem, "max_bytes", json_object_new_int64(MAX(vm->cfg.max_mem, vm->cfg.ram_size)));
	return 0;
}

static u64 rss_bytes(void)
{
	unsigned long long size, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%llu %llu", &size, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return rss * (u64)sysconf(_SC_PAGESIZE);
}

/* pvm's open file descriptors: a leak shows here first. */
static s64 open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	s64 n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* not the one reading the directory */
}

static void add_counter(struct json_object *o, const char *key, const u64 *counter)
{
	json_object_object_add(o, key, json_object_new_int64(
		(s64)__atomic_load_n(counter, __ATOMIC_RELAXED)));
}

/* pvm run --boot-trace: the milestones printed so far, as on stderr. */
static void add_boot_trace(struct json_object *res)
{
	struct boot_trace_mark m[BOOT_TRACE_MAX_MARKS];	/* 2 KiB */
	struct json_object *a = json_object_new_array();
	unsigned int i, n;

	n = MIN(boot_trace__get(m, BOOT_TRACE_MAX_MARKS), (unsigned int)BOOT_TRACE_MAX_MARKS);
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "what", json_object_new_string(m[i].what));
		json_object_object_add(o, "us", json_object_new_int64((s64)m[i].us));
		json_object_array_add(a, o);
	}
	json_object_object_add(res, "boot_trace", a);
}

static int cmd_stats(struct vm *vm, struct json_object *args __unused, struct json_object *res,
		     struct control_error *err, struct control_call *call __unused)
{
	struct json_object *vcpus = json_object_new_array();
	struct json_object *devs = json_object_new_array();
	struct timespec now;
	unsigned int i;

	clock_gettime(CLOCK_MONOTONIC, &now);
	json_object_object_add(res, "uptime_ms",
			       json_object_new_int64((now.tv_sec - vm->start.tv_sec) * 1000 +
						     (now.tv_nsec - vm->start.tv_nsec) / 1000000));
	json_object_object_add(res, "rss_bytes", json_object_new_int64(rss_bytes()));
	json_object_object_add(res, "fds", json_object_new_int64(open_fds()));
	pthread_mutex_lock(&vm->lock);
	for (i = 0; i < vm__nr_vcpus(vm); i++) {
		struct vcpu *v = vm->vcpus[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "id", json_object_new_int64(v->id));
		json_object_object_add(o, "state", json_object_new_string(
			v->state == VCPU_RUNNING ? "running" : "stopped"));
		add_counter(o, "exits", &v->stat_exits);
		add_counter(o, "hcalls", &v->stat_hcalls);
		/* The other exit kinds (vmm/vcpu-loop.c); exits is their sum. */
		add_counter(o, "mmio", &v->stat_mmio);
		add_counter(o, "intr", &v->stat_intr);
		add_counter(o, "fail", &v->stat_fail);
		json_object_array_add(vcpus, o);
	}
	pthread_mutex_unlock(&vm->lock);
	json_object_object_add(res, "vcpus", vcpus);
	json_object_object_add(res, "devices", devs);
	if (boot_trace__on())
		add_boot_trace(res);
	for (i = 0; i < vm->nr_modules_up; i++) {
		const struct module *m = vm->modules[i];

		if (m->stats && m->stats(vm, devs))
			return control__error(err, "internal", "%s: no counters", m->name);
	}
	return 0;
}

static int cmd_pause(struct vm *vm, struct json_object *args __unused,
		     struct json_object *res __unused, struct control_error *err,
		     struct control_call *call __unused)
{
	if (vm->paused)
		return control__error(err, "state", "the VM is already paused");
	vm__pause(vm, true);
	return 0;
}

static int cmd_resume(struct vm *vm, struct json_object *args __unused,
		      struct json_object *res __unused, struct control_error *err,
		      struct control_call *call __unused)
{
	if (!vm->paused)
		return control__error(err, "state", "the VM is not paused");
	vm__pause(vm, false);
	return 0;
}

/* Ask the guest to shut down through the first module that knows how. */
static int guest_shutdown(struct vm *vm, struct control_error *err)
{
	char why[160];
	unsigned int i;
	int ret;

	for (i = 0; i < vm->nr_modules_up; i++) {
		const struct module *m = vm->modules[i];

		if (!m->shutdown)
			continue;
		ret = m->shutdown(vm, why, sizeof(why));
		if (!ret)
			return 0;
		return control__error(err, ret == -ENOTSUP ? "unsupported" :
					   ret == -EBUSY ? "busy" : "internal", "%s", why);
	}
	return control__error(err, "unsupported", "this guest cannot be asked to shut down: use force");
}

static int cmd_stop(struct vm *vm, struct json_object *args, struct json_object *res,
		    struct control_error *err, struct control_call *call __unused)
{
	struct json_object *f;
	bool force = false;

	if (args && json_object_object_get_ex(args, "force", &f)) {
		if (!json_object_is_type(f, json_type_boolean))
			return control__error(err, "bad-argument", "\"force\" must be true or false");
		force = json_object_get_boolean(f);
	}
	if (force) {
		pr_info("control: forced stop");
		vm__request_exit(vm, VM_EXIT_SIGNAL);
		json_object_object_add(res, "stopping", json_object_new_string("forced"));
		return 0;
	}
	if (vm->paused)
		return control__error(err, "state", "the VM is paused: resume it or use --force");
	if (guest_shutdown(vm, err))
		return -1;
	json_object_object_add(res, "stopping", json_object_new_string("guest shutdown requested"));
	return 0;
}

static const struct control_command vm_commands[] = {
	{ "query", cmd_query },
	{ "stats", cmd_stats },
	{ "pause", cmd_pause },
	{ "resume", cmd_resume },
	{ "stop", cmd_stop },
	{ NULL },
};

/* The VM's commands first, then every set-up module's, in table order. */
const struct control_command *control__find_command(struct vm *vm, const char *name)
{
	const struct control_command *cmd;
	unsigned int i;

	for (cmd = vm_commands; cmd->name; cmd++)
		if (!strcmp(name, cmd->name))
			return cmd;
	for (i = 0; i < vm->nr_modules_up; i++)
		for (cmd = vm->modules[i]->commands; cmd && cmd->name; cmd++)
			if (!strcmp(name, cmd->name))
				return cmd;
	return NULL;
}
