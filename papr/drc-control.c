// SPDX-License-Identifier: GPL-2.0
/*
 * The control side of dynamic reconfiguration: the "hotplug" command and
 * the hot-added memory in "query" (docs/control-protocol.md, Hotplug model).
 */
#include <errno.h>
#include <string.h>

#include <json-c/json.h>

#include "papr/drc.h"
#include "pvm/command.h"
#include "pvm/vm.h"

static int cmd_hotplug(struct vm *vm, struct json_object *args, struct json_object *res,
		       struct control_error *err, struct control_call *call __unused)
{
	struct json_object *r;
	char why[160];
	s64 bytes;
	int ret;

	if (!args || !json_object_object_get_ex(args, "resource", &r) ||
	    !json_object_is_type(r, json_type_string))
		return control__error(err, "bad-argument", "\"resource\" must be \"mem\" or \"cpu\"");
	if (!strcmp(json_object_get_string(r), "cpu")) {
		if (!control__int_arg(args, "count", -PVM_MAX_VCPUS, PVM_MAX_VCPUS, &bytes) || !bytes)
			return control__error(err, "bad-argument",
					      "\"count\" must be a non-zero integer from %d to %d",
					      -PVM_MAX_VCPUS, PVM_MAX_VCPUS);
		ret = drc__hotplug_cpu(vm, bytes, why, sizeof(why));
	} else if (!strcmp(json_object_get_string(r), "mem")) {
		if (!control__int_arg(args, "bytes", -(s64)PVM_MAX_RAM, PVM_MAX_RAM, &bytes) || !bytes)
			return control__error(err, "bad-argument",
					      "\"bytes\" must be a non-zero integer within +-%llu GiB",
					      PVM_MAX_RAM / SZ_1G);
		ret = drc__hotplug_mem(vm, bytes, why, sizeof(why));
	} else {
		return control__error(err, "bad-argument", "\"resource\" must be \"mem\" or \"cpu\"");
	}
	if (ret)
		return control__error(err, ret == -ENOTSUP ? "unsupported" :
					   ret == -EBUSY ? "busy" :
					   ret == -ENOSPC || ret == -E2BIG ? "limit" :
					   ret == -EINVAL ? "bad-argument" : "host", "%s", why);
	json_object_object_add(res, "requested_bytes", json_object_new_int64(bytes));
	return 0;
}

const struct control_command drc__commands[] = {
	{ "hotplug", cmd_hotplug },
	{ NULL },
};

int drc__query(struct vm *vm, struct json_object *res)
{
	struct json_object *mem;

	if (json_object_object_get_ex(res, "memory", &mem))
		json_object_object_add(mem, "hotplugged_bytes",
				       json_object_new_int64(drc__hotplugged_bytes(vm)));
	return 0;
}
