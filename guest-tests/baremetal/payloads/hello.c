// SPDX-License-Identifier: GPL-2.0
/* Smallest payload: the runtime itself (entry, FDT, console, exit). */
#include "rt.h"

const char payload_name[] = "hello";

int main(const void *blob)
{
	u64 msr = mfmsr();

	ok(fdt_valid(blob), "r3 points at a flattened device tree (magic 0xd00dfeed)");
	checkx(msr & (MSR_SF | MSR_LE | MSR_IR | MSR_DR | MSR_EE | MSR_PR),
	       MSR_SF | MSR_LE,
	       "boot CPU runs 64-bit, little-endian, real mode, EE=0, PR=0 (MSR 0x%lx)", msr);
	checkx((u64)blob & 0xfff, 0, "FDT is page aligned");
	ok(fdt_path(blob, "/vdevice/vty") >= 0, "/vdevice/vty@... node exists");
	checkx(vterm, 0x30000000, "vty reg is 0x30000000");
	ok(nr_cpus >= 1, "/cpus lists %u interrupt server(s)", nr_cpus);
	check(cpu_servers[0], 0, "boot CPU is server 0");
	ok(tb_freq >= 1000000, "timebase-frequency %lu Hz", tb_freq);
	return 0;
}
