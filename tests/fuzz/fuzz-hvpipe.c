// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: HVPIPE buffer lists. The input is the guest's work area (the
 * buffer list) and the buffers it names, sent with ibm,send-hvpipe-msg, then
 * ibm,receive-hvpipe-msg into the same area.
 */
#include "fuzz-vm.h"
#include "papr/hvpipe.h"
#include "papr/rtas.h"

#define LIST_GPA 0x100000ULL

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static const u32 ids[] = { 0x02000001, 0x02000002 };
	const struct testvm_opts o = { .xics = true, .hvpipe_ids = ids, .nr_hvpipe = 2 };
	u32 src = size && (data[0] & 1) ? 0x02000002 : 0x02000001;
	u32 args[2] = { src, LIST_GPA };

	fuzz_vm(&o);
	fuzz_put(LIST_GPA, data, size);
	testvm__rtas(&fuzz_t, RTAS_IBM_SEND_HVPIPE_MSG, 2, args, 1, NULL);
	testvm__rtas(&fuzz_t, RTAS_IBM_RECEIVE_HVPIPE_MSG, 2, args, 3, NULL);
	fuzz_drain();
	return 0;
}
