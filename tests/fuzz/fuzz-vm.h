/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_FUZZ_VM_H
#define PVM_FUZZ_VM_H

/*
 * A VM for the fuzz targets (libFuzzer, native, with tests/fake-accel.c):
 * built once, kept across inputs. The console pipe is drained after each
 * input so guest output never fills it.
 */
#include <fcntl.h>
#include <stdlib.h>

#include "testvm.h"

static struct testvm fuzz_t;

static inline struct vm *fuzz_vm(const struct testvm_opts *o)
{
	static bool ready;

	if (!ready) {
		if (testvm__setup(&fuzz_t, o))
			abort();
		fcntl(fuzz_t.cons[1], F_SETFL, fcntl(fuzz_t.cons[1], F_GETFL) | O_NONBLOCK);
		ready = true;
	}
	return &fuzz_t.vm;
}

static inline void fuzz_drain(void)
{
	char buf[4096];

	while (read(fuzz_t.cons[0], buf, sizeof(buf)) > 0)
		;
}

/* Guest RAM bytes at gpa from the input (clipped to RAM). */
static inline void fuzz_put(u64 gpa, const u8 *data, size_t len)
{
	if (gpa < fuzz_t.ram_size)
		memcpy(fuzz_t.ram + gpa, data, MIN(len, fuzz_t.ram_size - gpa));
}

#endif
