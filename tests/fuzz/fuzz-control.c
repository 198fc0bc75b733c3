// SPDX-License-Identifier: GPL-2.0
/* Fuzz target: control-socket request lines, through the full command path. */
#include <json-c/json.h>

#include "fuzz-vm.h"
#include "cli/control.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static const u32 ids[] = { 0x02000001 };
	const struct testvm_opts o = {
		.xics = true, .nr_cpus = 2, .max_mem = 2 * SZ_1G, .max_cores = 4,
		.hvpipe_ids = ids, .nr_hvpipe = 1,
	};
	struct vm *vm = fuzz_vm(&o);
	char *line = malloc(size + 1);

	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	json_object_put(control__handle_request(vm, line));
	free(line);
	/* "stop" ends the VM; the next input starts from a running one again. */
	vm->exit_reason = VM_EXIT_NONE;
	vm->paused = false;
	fuzz_drain();
	return 0;
}
