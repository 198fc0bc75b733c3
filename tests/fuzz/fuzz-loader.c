// SPDX-License-Identifier: GPL-2.0
/* Fuzz target: the ELF loader, probing and loading into 8 MiB of guest RAM. */
#include <stdlib.h>
#include <string.h>

#include "pvm/guest-mem.h"
#include "pvm/loader.h"

#define RAM (8 << 20)

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct guest_mem gm;
	static u8 *ram;
	struct load_info li;

	if (!ram) {
		ram = malloc(RAM);
		if (!ram || gmem__add(&gm, 0, RAM, ram))
			abort();
	}
	/* Odd sizes take the path for RAM known to be zero (the BSS left alone). */
	if (!loader__load_elf(NULL, 0x400000, ~0ULL, data, size, &li))
		loader__load(&gm, 0x400000, RAM - 0x10000, LOAD_SRC_BUF(data, size), size & 1, &li);
	return 0;
}
