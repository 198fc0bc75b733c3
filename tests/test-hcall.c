// SPDX-License-Identifier: GPL-2.0
/* hcall dispatch and the hcalls pvm handles itself. */
#include <errno.h>
#include <string.h>

#include "testvm.h"

#include "kselftest_harness.h"

#define PT_GPA 0x100000ULL	/* a 64 KiB aligned process table */
#define UNTOUCHED TESTVM_UNTOUCHED

FIXTURE(hcall) {
	struct testvm t;
	u64 a[HCALL_NR_ARGS];
};

FIXTURE_SETUP(hcall)
{
	const struct testvm_opts o = { .nr_cpus = 1, .threads = 2, .test_exit = true };
	unsigned int i;

	ASSERT_EQ(0, testvm__setup(&self->t, &o));
	for (i = 0; i < HCALL_NR_ARGS; i++)
		self->a[i] = UNTOUCHED;
}

FIXTURE_TEARDOWN(hcall)
{
	testvm__teardown(&self->t);
}

/* Pack up to 8 characters the way the guest does: first one in the MSB. */
static u64 pack(const char *s, size_t n)
{
	u64 v = 0;
	size_t i;

	for (i = 0; i < 8; i++)
		v |= (u64)(i < n ? (u8)s[i] : 0) << (56 - 8 * i);
	return v;
}

TEST_F(hcall, unknown_is_h_function)
{
	static const u64 nrs[] = {
		0x4, 0x490, 0xf0f2, 0x12345, 0x5, 0x494, 0x498, 0xf001, 0xf100,
		0xefff, ~0ULL,
	};
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(nrs); i++) {
		EXPECT_EQ(H_FUNCTION, HC(nrs[i], 1, 2, 3)) {
			TH_LOG("hcall 0x%llx", (unsigned long long)nrs[i]);
		}
		EXPECT_EQ(1U, self->a[0]);
		for (j = 3; j < HCALL_NR_ARGS; j++)
			EXPECT_EQ(UNTOUCHED, self->a[j]);
	}
	/* Repeated unknown calls keep answering (logging is rate-limited). */
	for (i = 0; i < 40; i++)
		ASSERT_EQ(H_FUNCTION, HC(0x100001 + 2 * i, 0));
	EXPECT_EQ(VM_EXIT_NONE, self->t.vm.exit_reason);
	EXPECT_EQ(0U, fake_accel.lpcr_calls + fake_accel.mmu_calls);
}

TEST_F(hcall, register_rules)
{
	/* Not a PAPR number (unaligned / too big), nor a platform one. */
	EXPECT_EQ(-EINVAL, hcall__register(&self->t.vm, 0x6, NULL));
	EXPECT_EQ(-EINVAL, hcall__register(&self->t.vm, 0x498, NULL));
	EXPECT_EQ(-EINVAL, hcall__register(&self->t.vm, 0xf100, NULL));
	/* Taken. */
	EXPECT_EQ(-EEXIST, hcall__register(&self->t.vm, H_PUT_TERM_CHAR, NULL));
	EXPECT_EQ(-EEXIST, hcall__register(&self->t.vm, H_RTAS, NULL));
	EXPECT_EQ(-EEXIST, hcall__register(&self->t.vm, H_PVM_EXIT, NULL));
}

TEST_F(hcall, put_term_char)
{
	char buf[32] = { 0 };

	EXPECT_EQ(H_SUCCESS, HC(H_PUT_TERM_CHAR, VTY_REG, 11, pack("hello wo", 8), pack("rld", 3)));
	ASSERT_EQ(11U, testvm__console(&self->t, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "hello world", 11));
	/* Outputs it does not use are left for the guest as they were. */
	EXPECT_EQ((u64)VTY_REG, self->a[0]);
	EXPECT_EQ(11U, self->a[1]);
	EXPECT_EQ(pack("hello wo", 8), self->a[2]);
	EXPECT_EQ(pack("rld", 3), self->a[3]);
	EXPECT_EQ(UNTOUCHED, self->a[4]);
	EXPECT_EQ(UNTOUCHED, self->a[8]);

	/* The full 16 bytes, then one. */
	EXPECT_EQ(H_SUCCESS, HC(H_PUT_TERM_CHAR, VTY_REG, 16, pack("0123456789abcdef", 8),
				pack("89abcdef", 8)));
	EXPECT_EQ(H_SUCCESS, HC(H_PUT_TERM_CHAR, VTY_REG, 1, pack("!junk", 5), pack("junk", 4)));
	ASSERT_EQ(17U, testvm__console(&self->t, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "0123456789abcdef!", 17));
}

TEST_F(hcall, put_term_char_errors)
{
	char buf[32];

	EXPECT_EQ(H_PARAMETER, HC(H_PUT_TERM_CHAR, VTY_REG + 1, 4, pack("abcd", 4), 0));
	EXPECT_EQ(H_PARAMETER, HC(H_PUT_TERM_CHAR, 1, 4, pack("abcd", 4), 0));
	EXPECT_EQ(H_PARAMETER, HC(H_PUT_TERM_CHAR, 1ULL << 32, 4, pack("abcd", 4), 0));
	EXPECT_EQ(H_PARAMETER, HC(H_PUT_TERM_CHAR, VTY_REG, 17, pack("abcdefgh", 8), 0));
	EXPECT_EQ(H_PARAMETER, HC(H_PUT_TERM_CHAR, VTY_REG, ~0ULL, 0, 0));
	EXPECT_EQ(H_SUCCESS, HC(H_PUT_TERM_CHAR, VTY_REG, 0, pack("abcd", 4), 0));
	EXPECT_EQ(0U, testvm__console(&self->t, buf, sizeof(buf)));
}

TEST_F(hcall, get_term_char)
{
	ASSERT_EQ(19U, vty__input(vty__get(&self->t.vm), (const u8 *)"abcdefghijklmnopqrs", 19));

	EXPECT_EQ(H_SUCCESS, HC(H_GET_TERM_CHAR, VTY_REG));
	EXPECT_EQ(16U, self->a[0]);
	EXPECT_EQ(pack("abcdefgh", 8), self->a[1]);
	EXPECT_EQ(pack("ijklmnop", 8), self->a[2]);
	EXPECT_EQ(UNTOUCHED, self->a[3]);
	EXPECT_EQ(UNTOUCHED, self->a[8]);

	EXPECT_EQ(H_SUCCESS, HC(H_GET_TERM_CHAR, VTY_REG));
	EXPECT_EQ(3U, self->a[0]);
	EXPECT_EQ(pack("qrs", 3), self->a[1]);
	EXPECT_EQ(0U, self->a[2]);

	EXPECT_EQ(H_SUCCESS, HC(H_GET_TERM_CHAR, VTY_REG));
	EXPECT_EQ(0U, self->a[0]);
	EXPECT_EQ(0U, self->a[1]);
	EXPECT_EQ(0U, self->a[2]);
}

/* Unit address 0 is the default console, as on PowerVM and QEMU's pseries. */
TEST_F(hcall, term_char_unit_zero_is_default_console)
{
	char buf[32] = { 0 };

	EXPECT_EQ(H_SUCCESS, HC(H_PUT_TERM_CHAR, 0, 5, pack("early", 5), 0));
	EXPECT_EQ(H_SUCCESS, HC(H_PUT_TERM_CHAR, VTY_REG, 4, pack(" bye", 4), 0));
	ASSERT_EQ(9U, testvm__console(&self->t, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "early bye", 9));

	ASSERT_EQ(5U, vty__input(vty__get(&self->t.vm), (const u8 *)"in0in", 5));
	EXPECT_EQ(H_SUCCESS, HC(H_GET_TERM_CHAR, 0));
	EXPECT_EQ(5U, self->a[0]);
	EXPECT_EQ(pack("in0in", 5), self->a[1]);
	EXPECT_EQ(0U, self->a[2]);
}

TEST_F(hcall, get_term_char_wrong_vterm)
{
	ASSERT_EQ(3U, vty__input(vty__get(&self->t.vm), (const u8 *)"xyz", 3));
	EXPECT_EQ(H_PARAMETER, HC(H_GET_TERM_CHAR, 0x1234));
	EXPECT_EQ(0x1234U, self->a[0]);
	EXPECT_EQ(UNTOUCHED, self->a[1]);
	/* The input is still there for the right vterm. */
	EXPECT_EQ(H_SUCCESS, HC(H_GET_TERM_CHAR, VTY_REG));
	EXPECT_EQ(3U, self->a[0]);
	EXPECT_EQ(pack("xyz", 3), self->a[1]);
}

TEST_F(hcall, vty_input_buffer_full)
{
	static u8 big[5000];
	u64 total = 0;

	memset(big, 'z', sizeof(big));
	EXPECT_EQ(4096U, vty__input(vty__get(&self->t.vm), big, sizeof(big)));
	EXPECT_EQ(0U, vty__input_room(vty__get(&self->t.vm)));
	EXPECT_EQ(0U, vty__input(vty__get(&self->t.vm), big, 1));
	do {
		ASSERT_EQ(H_SUCCESS, HC(H_GET_TERM_CHAR, VTY_REG));
		total += self->a[0];
	} while (self->a[0]);
	EXPECT_EQ(4096U, total);
	EXPECT_EQ(4096U, vty__input_room(vty__get(&self->t.vm)));
	/* The ring wraps around cleanly. */
	EXPECT_EQ(3U, vty__input(vty__get(&self->t.vm), (const u8 *)"end", 3));
	ASSERT_EQ(H_SUCCESS, HC(H_GET_TERM_CHAR, VTY_REG));
	EXPECT_EQ(3U, self->a[0]);
	EXPECT_EQ(pack("end", 3), self->a[1]);
}

TEST_F(hcall, set_mode_le)
{
	EXPECT_EQ(H_SUCCESS, HC(H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 0, 0));
	EXPECT_EQ(LPCR_ILE, fake_accel.lpcr);
	EXPECT_EQ(H_SUCCESS, HC(H_SET_MODE, 0, H_SET_MODE_RESOURCE_LE, 0, 0));
	EXPECT_EQ(0U, fake_accel.lpcr);
	EXPECT_EQ(2U, fake_accel.lpcr_calls);

	EXPECT_EQ(H_UNSUPPORTED_FLAG, HC(H_SET_MODE, 2, H_SET_MODE_RESOURCE_LE, 0, 0));
	EXPECT_EQ(H_P3, HC(H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 1, 0));
	EXPECT_EQ(H_P4, HC(H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 0, 1));
	EXPECT_EQ(2U, fake_accel.lpcr_calls);
	EXPECT_EQ(0U, fake_accel.lpcr);
}

TEST_F(hcall, set_mode_le_keeps_ail)
{
	fake_accel.ail3 = true;
	ASSERT_EQ(H_SUCCESS, HC(H_SET_MODE, 3, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 0, 0));
	ASSERT_EQ(H_SUCCESS, HC(H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 0, 0));
	EXPECT_EQ(LPCR_ILE | LPCR_AIL_3, fake_accel.lpcr);
	ASSERT_EQ(H_SUCCESS, HC(H_SET_MODE, 0, H_SET_MODE_RESOURCE_LE, 0, 0));
	EXPECT_EQ(LPCR_AIL_3, fake_accel.lpcr);
}

TEST_F(hcall, set_mode_ail)
{
	EXPECT_EQ(H_P2, HC(H_SET_MODE, 3, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 0, 0));
	EXPECT_EQ(0U, fake_accel.lpcr_calls);
	fake_accel.ail3 = true;
	EXPECT_EQ(H_SUCCESS, HC(H_SET_MODE, 3, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 0, 0));
	EXPECT_EQ(LPCR_AIL_3, fake_accel.lpcr & LPCR_AIL);
	EXPECT_EQ(H_UNSUPPORTED_FLAG, HC(H_SET_MODE, 1, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 0, 0));
	EXPECT_EQ(H_UNSUPPORTED_FLAG, HC(H_SET_MODE, 2, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 0, 0));
	EXPECT_EQ(H_UNSUPPORTED_FLAG, HC(H_SET_MODE, 4, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 0, 0));
	EXPECT_EQ(H_P3, HC(H_SET_MODE, 0, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 1, 0));
	EXPECT_EQ(H_P4, HC(H_SET_MODE, 0, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 0, 1));
	EXPECT_EQ(LPCR_AIL_3, fake_accel.lpcr);
	EXPECT_EQ(H_SUCCESS, HC(H_SET_MODE, 0, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 0, 0));
	EXPECT_EQ(0U, fake_accel.lpcr);
}

TEST_F(hcall, set_mode_other_resources)
{
	EXPECT_EQ(H_P2, HC(H_SET_MODE, 0, 9, 0, 0));
	EXPECT_EQ(H_P2, HC(H_SET_MODE, 0, 0, 0, 0));
	EXPECT_EQ(H_P2, HC(H_SET_MODE, 0, H_SET_MODE_RESOURCE_SET_CIABR, 0, 0));
	EXPECT_EQ(H_P2, HC(H_SET_MODE, 0, H_SET_MODE_RESOURCE_SET_DAWR0, 0, 0));
	EXPECT_EQ(0U, fake_accel.lpcr_calls);
}

#define PT_RADIX_NEW (PROC_TABLE_NEW | PROC_TABLE_RADIX | PROC_TABLE_GTSE)

TEST_F(hcall, register_proc_tbl)
{
	EXPECT_EQ(H_SUCCESS, HC(H_REGISTER_PROC_TBL, PT_RADIX_NEW, PT_GPA, 0, 4));
	EXPECT_EQ(1U, fake_accel.mmu_calls);
	EXPECT_EQ(PT_GPA | PATB_GR | 4, fake_accel.mmu_process_table);
	EXPECT_TRUE(fake_accel.mmu_radix);
	EXPECT_TRUE(fake_accel.mmu_gtse);
	EXPECT_EQ(UNTOUCHED, self->a[4]);

	/* Without GTSE; the smallest table (4 KiB) at a 4 KiB boundary. */
	EXPECT_EQ(H_SUCCESS, HC(H_REGISTER_PROC_TBL, PROC_TABLE_NEW | PROC_TABLE_RADIX,
				PT_GPA + SZ_4K, 0, 0));
	EXPECT_EQ(2U, fake_accel.mmu_calls);
	EXPECT_EQ((PT_GPA + SZ_4K) | PATB_GR, fake_accel.mmu_process_table);
	EXPECT_TRUE(fake_accel.mmu_radix);
	EXPECT_FALSE(fake_accel.mmu_gtse);
}

TEST_F(hcall, register_proc_tbl_refused)
{
	u64 top = self->t.ram_size;

	/* Hash page table types. */
	EXPECT_EQ(H_PARAMETER, HC(H_REGISTER_PROC_TBL, PROC_TABLE_NEW | PROC_TABLE_HPT_SLB, PT_GPA, 0, 4));
	EXPECT_EQ(H_PARAMETER, HC(H_REGISTER_PROC_TBL, PROC_TABLE_NEW | PROC_TABLE_HPT_PT, PT_GPA, 0, 4));
	/* Flag bits that do not exist. */
	EXPECT_EQ(H_PARAMETER, HC(H_REGISTER_PROC_TBL, PT_RADIX_NEW | 0x20, PT_GPA, 0, 4));
	EXPECT_EQ(H_PARAMETER, HC(H_REGISTER_PROC_TBL, PT_RADIX_NEW | (1ULL << 63), PT_GPA, 0, 4));
	/* Base not aligned to the table size. */
	EXPECT_EQ(H_PARAMETER, HC(H_REGISTER_PROC_TBL, PT_RADIX_NEW, PT_GPA + SZ_4K, 0, 4));
	EXPECT_EQ(H_PARAMETER, HC(H_REGISTER_PROC_TBL, PT_RADIX_NEW, PT_GPA + 8, 0, 0));
	/* Not (wholly) in RAM. */
	EXPECT_EQ(H_PARAMETER, HC(H_REGISTER_PROC_TBL, PT_RADIX_NEW, top, 0, 4));
	EXPECT_EQ(H_PARAMETER, HC(H_REGISTER_PROC_TBL, PT_RADIX_NEW, 0x100000000ULL, 0, 4));
	EXPECT_EQ(H_PARAMETER, HC(H_REGISTER_PROC_TBL, PT_RADIX_NEW, 0, 0, 15));
	EXPECT_EQ(H_PARAMETER, HC(H_REGISTER_PROC_TBL, PT_RADIX_NEW, 0xfffffffffff00000ULL, 0, 4));
	/* Table size field too big. */
	EXPECT_EQ(H_PARAMETER, HC(H_REGISTER_PROC_TBL, PT_RADIX_NEW, 0, 0, 25));
	EXPECT_EQ(H_PARAMETER, HC(H_REGISTER_PROC_TBL, PT_RADIX_NEW, 0, 0, ~0ULL));
	EXPECT_EQ(0U, fake_accel.mmu_calls);
	/* A table ending exactly at the top of RAM is fine. */
	EXPECT_EQ(H_SUCCESS, HC(H_REGISTER_PROC_TBL, PT_RADIX_NEW, top - SZ_64K, 0, 4));
}

TEST_F(hcall, register_proc_tbl_kvm_fails)
{
	fake_accel.mmu_fail = -EINVAL;
	EXPECT_EQ(H_HARDWARE, HC(H_REGISTER_PROC_TBL, PT_RADIX_NEW, PT_GPA, 0, 4));
	EXPECT_EQ(1U, fake_accel.mmu_calls);
}

TEST_F(hcall, register_proc_tbl_not_new)
{
	EXPECT_EQ(H_SUCCESS, HC(H_REGISTER_PROC_TBL, 0, 0, 0, 0));
	EXPECT_EQ(H_SUCCESS, HC(H_REGISTER_PROC_TBL, PROC_TABLE_DEREG, PT_GPA, 0, 4));
	/* Even with values that would be refused for a new table. */
	EXPECT_EQ(H_SUCCESS, HC(H_REGISTER_PROC_TBL, PROC_TABLE_HPT_PT, 0x123, 0, 99));
	EXPECT_EQ(0U, fake_accel.mmu_calls);
}

TEST_F(hcall, get_cpu_characteristics)
{
	EXPECT_EQ(H_FUNCTION, HC(H_GET_CPU_CHARACTERISTICS, 7, 8));
	EXPECT_EQ(7U, self->a[0]);
	EXPECT_EQ(8U, self->a[1]);

	fake_accel.cpu_char_ok = true;
	fake_accel.character = 0xa000000000000000ULL;
	fake_accel.behaviour = 0x2000000000000000ULL;
	EXPECT_EQ(H_SUCCESS, HC(H_GET_CPU_CHARACTERISTICS, 7, 8));
	EXPECT_EQ(0xa000000000000000ULL, self->a[0]);
	EXPECT_EQ(0x2000000000000000ULL, self->a[1]);
	EXPECT_EQ(UNTOUCHED, self->a[2]);
	EXPECT_EQ(UNTOUCHED, self->a[8]);
}

TEST_F(hcall, pvm_exit)
{
	EXPECT_EQ(H_SUCCESS, HC(H_PVM_EXIT, 0x34));
	EXPECT_EQ(VM_EXIT_GUEST, self->t.vm.exit_reason);
	EXPECT_EQ(0x34, self->t.vm.guest_status);
	EXPECT_TRUE(vm__exiting(&self->t.vm));
	EXPECT_EQ(2U, fake_accel.kicks);
	/* A second exit changes neither the reason nor the status. */
	EXPECT_EQ(H_SUCCESS, HC(H_PVM_EXIT, 0x17));
	EXPECT_EQ(VM_EXIT_GUEST, self->t.vm.exit_reason);
	EXPECT_EQ(0x34, self->t.vm.guest_status);
}

/* pvm's own statuses (64..79 and up) are not the guest's to choose. */
TEST_F(hcall, pvm_exit_range)
{
	static const u64 bad[] = { 64, 65, 71, 0xff, 0x1234, 0x100, ~0ULL };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(H_PARAMETER, HC(H_PVM_EXIT, bad[i]));
	EXPECT_FALSE(vm__exiting(&self->t.vm));
	EXPECT_EQ(H_SUCCESS, HC(H_PVM_EXIT, 63));
	EXPECT_EQ(63, self->t.vm.guest_status);
}

/* Without pvm run --test-exit the call does not exist. */
TEST(pvm_exit_needs_the_option)
{
	const struct testvm_opts o = { 0 };
	struct testvm t;
	u64 a[HCALL_NR_ARGS] = { 0 };

	ASSERT_EQ(0, testvm__setup(&t, &o));
	EXPECT_EQ(H_FUNCTION, hcall__dispatch(&t.vm, t.vm.vcpus[0], H_PVM_EXIT, a));
	EXPECT_FALSE(vm__exiting(&t.vm));
	testvm__teardown(&t);
}

TEST_F(hcall, pvm_exit_after_other_reason)
{
	vm__request_exit(&self->t.vm, VM_EXIT_POWEROFF);
	EXPECT_EQ(H_SUCCESS, HC(H_PVM_EXIT, 5));
	EXPECT_EQ(VM_EXIT_POWEROFF, self->t.vm.exit_reason);
	EXPECT_EQ(0, self->t.vm.guest_status);
}

TEST_F(hcall, rtas_stub)
{
	u8 stub[RTAS_STUB_SIZE];

	rtas__stub(stub);
	/* li r3,H_RTAS via lis/ori, then "sc 1" and "blr", big-endian. */
	EXPECT_EQ(0x60, stub[8]);
	EXPECT_EQ(0x63, stub[9]);
	EXPECT_EQ(0xf0, stub[10]);
	EXPECT_EQ(0x00, stub[11]);
	EXPECT_EQ(0, memcmp(stub + 12, "\x44\x00\x00\x22", 4));
	EXPECT_EQ(0, memcmp(stub + 16, "\x4e\x80\x00\x20", 4));
}

TEST_HARNESS_MAIN
