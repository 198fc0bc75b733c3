// SPDX-License-Identifier: GPL-2.0
/* RTAS through H_RTAS: argument block checks and every pvm-side call. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "testvm.h"
#include "papr/power.h"

#include "kselftest_harness.h"

#define BUF_GPA 0x40000ULL	/* a sysparm / os-term buffer */

FIXTURE(rtas) {
	struct testvm t;
};

FIXTURE_SETUP(rtas)
{
	const struct testvm_opts o = { .nr_cpus = 2, .threads = 2 };

	ASSERT_EQ(0, testvm__setup(&self->t, &o));
}

FIXTURE_TEARDOWN(rtas)
{
	testvm__teardown(&self->t);
}

static s32 call(struct testvm *t, u32 token, u32 nargs, const u32 *args,
		u32 nret, u32 *rets)
{
	return testvm__rtas(t, token, nargs, args, nret, rets);
}

/* Seconds since the epoch of what get-time-of-day answered. */
static time_t tod_secs(const u32 *r)
{
	struct tm tm = {
		.tm_year = r[1] - 1900, .tm_mon = r[2] - 1, .tm_mday = r[3],
		.tm_hour = r[4], .tm_min = r[5], .tm_sec = r[6],
	};

	return timegm(&tm);
}

TEST_F(rtas, get_time_of_day)
{
	u32 r[8];
	time_t now = time(NULL);

	ASSERT_EQ(0, call(&self->t, RTAS_GET_TIME_OF_DAY, 0, NULL, 8, r));
	EXPECT_LE(2024U, r[1]);
	EXPECT_LE(1U, r[2]);
	EXPECT_GE(12U, r[2]);
	EXPECT_LE(1U, r[3]);
	EXPECT_GE(31U, r[3]);
	EXPECT_GE(23U, r[4]);
	EXPECT_GE(59U, r[5]);
	EXPECT_GE(60U, r[6]);
	EXPECT_GT(1000000000U, r[7]);
	/* With no offset set it is the host's UTC clock. */
	EXPECT_GE(2, tod_secs(r) - now);
	EXPECT_LE(-2, tod_secs(r) - now);
}

TEST_F(rtas, get_time_of_day_needs_8_rets)
{
	u32 r[7];

	/* The word just past the seven rets must stay as it is. */
	testvm__put_be32(&self->t, TESTVM_RTAS_GPA + 12 + 4 * 7, TESTVM_POISON);
	EXPECT_EQ(RTAS_OUT_PARAM_ERROR, call(&self->t, RTAS_GET_TIME_OF_DAY, 0, NULL, 7, r));
	EXPECT_EQ(TESTVM_POISON, testvm__be32(&self->t, TESTVM_RTAS_GPA + 12 + 4 * 7));
}

TEST_F(rtas, set_then_get_time_of_day)
{
	const u32 set[7] = { 2030, 1, 2, 3, 4, 5, 0 };
	struct tm want = { .tm_year = 130, .tm_mon = 0, .tm_mday = 2,
			   .tm_hour = 3, .tm_min = 4, .tm_sec = 5 };
	u32 r[8];
	time_t got;

	ASSERT_EQ(0, call(&self->t, RTAS_SET_TIME_OF_DAY, 7, set, 1, NULL));
	EXPECT_NE(0, power__state(&self->t.vm)->rtc_offset_s);
	ASSERT_EQ(0, call(&self->t, RTAS_GET_TIME_OF_DAY, 0, NULL, 8, r));
	EXPECT_EQ(2030U, r[1]);
	EXPECT_EQ(1U, r[2]);
	EXPECT_EQ(2U, r[3]);
	EXPECT_EQ(3U, r[4]);
	EXPECT_EQ(4U, r[5]);
	got = tod_secs(r);
	EXPECT_LE(timegm(&want), got);
	EXPECT_GE(timegm(&want) + 2, got);
}

/* The far ends of the accepted range: year 9999 used to overflow the offset. */
TEST_F(rtas, time_of_day_extremes)
{
	static const u32 years[][7] = {
		{ 9999, 6, 15, 12, 0, 0, 999999999 },
		{ 1970, 1, 1, 0, 0, 0, 0 },
		{ 2262, 4, 12, 0, 0, 0, 0 },
	};
	unsigned int i;
	u32 r[8];

	for (i = 0; i < ARRAY_SIZE(years); i++) {
		ASSERT_EQ(0, call(&self->t, RTAS_SET_TIME_OF_DAY, 7, years[i], 1, NULL));
		ASSERT_EQ(0, call(&self->t, RTAS_GET_TIME_OF_DAY, 0, NULL, 8, r));
		EXPECT_EQ(years[i][0], r[1]) {
			TH_LOG("set %u, read back %u-%u-%u", years[i][0], r[1], r[2], r[3]);
		}
		EXPECT_EQ(years[i][1], r[2]);
		EXPECT_LT(r[7], 1000000000U);
	}
}

TEST_F(rtas, set_time_of_day_bad_fields)
{
	static const u32 bad[][7] = {
		{ 2030, 13, 2, 3, 4, 5, 0 },
		{ 2030, 0, 2, 3, 4, 5, 0 },
		{ 2030, 1, 0, 3, 4, 5, 0 },
		{ 2030, 1, 32, 3, 4, 5, 0 },
		{ 2030, 1, 2, 24, 4, 5, 0 },
		{ 2030, 1, 2, 3, 60, 5, 0 },
		{ 2030, 1, 2, 3, 4, 61, 0 },
		{ 2030, 1, 2, 3, 4, 5, 1000000000 },
		{ 1969, 12, 31, 23, 59, 59, 0 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(RTAS_OUT_PARAM_ERROR,
			  call(&self->t, RTAS_SET_TIME_OF_DAY, 7, bad[i], 1, NULL)) {
			TH_LOG("case %u", i);
		}
	}
	EXPECT_EQ(0, power__state(&self->t.vm)->rtc_offset_s);
	EXPECT_EQ(0, power__state(&self->t.vm)->rtc_offset_ns);
	/* Six arguments is the wrong shape. */
	EXPECT_EQ(RTAS_OUT_PARAM_ERROR, call(&self->t, RTAS_SET_TIME_OF_DAY, 6, bad[0], 1, NULL));
}

/* One live-insertion power domain (-1), always at level 100, as QEMU. */
TEST_F(rtas, power_levels)
{
	u32 r[2];

	r[1] = 7;
	EXPECT_EQ(0, call(&self->t, RTAS_GET_POWER_LEVEL, 1, (u32[]){ 0xffffffff }, 2, r));
	EXPECT_EQ(100U, r[1]);
	r[1] = 7;
	EXPECT_EQ(0, call(&self->t, RTAS_SET_POWER_LEVEL, 2, (u32[]){ 0xffffffff, 0 }, 2, r));
	EXPECT_EQ(100U, r[1]);
	EXPECT_EQ(RTAS_OUT_NOT_SUPPORTED,
		  call(&self->t, RTAS_GET_POWER_LEVEL, 1, (u32[]){ 0 }, 2, r));
	EXPECT_EQ(RTAS_OUT_NOT_SUPPORTED,
		  call(&self->t, RTAS_SET_POWER_LEVEL, 2, (u32[]){ 1, 100 }, 2, r));
	/* The fixed shapes: one return word is not enough. */
	EXPECT_EQ(RTAS_OUT_PARAM_ERROR,
		  call(&self->t, RTAS_GET_POWER_LEVEL, 1, (u32[]){ 0xffffffff }, 1, r));
	EXPECT_EQ(RTAS_OUT_PARAM_ERROR,
		  call(&self->t, RTAS_SET_POWER_LEVEL, 1, (u32[]){ 0xffffffff }, 2, r));
}

TEST_F(rtas, unknown_tokens)
{
	static const u32 tokens[] = {
		0x2fff, 0, 0x1fff, RTAS_TOKEN_BASE, RTAS_TOKEN_END, 0xffffffff,
		/* Known shapes nothing registered here. */
		RTAS_CHECK_EXCEPTION, RTAS_SET_INDICATOR, RTAS_IBM_NMI_INTERLOCK,
		/* In-kernel XICS calls, and this VM has no XICS. */
		RTAS_IBM_SET_XIVE, RTAS_IBM_INT_ON,
	};
	u32 args[7] = { 0 }, r[3];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tokens); i++) {
		ASSERT_EQ(H_SUCCESS, testvm__rtas_at(&self->t, self->t.vm.vcpus[0],
						     TESTVM_RTAS_GPA, tokens[i], 3,
						     args, 3, r));
		EXPECT_EQ(RTAS_OUT_PARAM_ERROR, (s32)r[0]) {
			TH_LOG("token 0x%x", tokens[i]);
		}
	}
	EXPECT_EQ(VM_EXIT_NONE, self->t.vm.exit_reason);
}

TEST_F(rtas, power_off_wrong_nargs)
{
	u32 args[3] = { 0, 0, 0 };

	EXPECT_EQ(RTAS_OUT_PARAM_ERROR, call(&self->t, RTAS_POWER_OFF, 1, args, 1, NULL));
	EXPECT_EQ(RTAS_OUT_PARAM_ERROR, call(&self->t, RTAS_POWER_OFF, 3, args, 1, NULL));
	EXPECT_EQ(VM_EXIT_NONE, self->t.vm.exit_reason);
	EXPECT_FALSE(vm__exiting(&self->t.vm));
	EXPECT_EQ(0U, fake_accel.kicks);
}

TEST_F(rtas, nret_zero)
{
	u32 args[2] = { 0, 0 };

	testvm__rtas_prepare(&self->t, TESTVM_RTAS_GPA, RTAS_POWER_OFF, 2, args, 0);
	testvm__put_be32(&self->t, TESTVM_RTAS_GPA + 20, TESTVM_POISON);
	EXPECT_EQ(H_PARAMETER, testvm__rtas_hcall(&self->t, self->t.vm.vcpus[0], TESTVM_RTAS_GPA));
	EXPECT_EQ(TESTVM_POISON, testvm__be32(&self->t, TESTVM_RTAS_GPA + 20));
	EXPECT_EQ(VM_EXIT_NONE, self->t.vm.exit_reason);
}

TEST_F(rtas, args_block_outside_ram)
{
	struct vcpu *v = self->t.vm.vcpus[0];
	u64 top = self->t.ram_size;
	u32 args[2] = { 0, 0 };
	u64 gpa;

	EXPECT_EQ(H_PARAMETER, testvm__rtas_hcall(&self->t, v, top));
	EXPECT_EQ(H_PARAMETER, testvm__rtas_hcall(&self->t, v, 0x7ffffff0000ULL));
	EXPECT_EQ(H_PARAMETER, testvm__rtas_hcall(&self->t, v, 0x0fffffffffffffffULL));

	/* The header crosses the end of RAM. */
	gpa = top - 8;
	testvm__put_be32(&self->t, gpa, RTAS_POWER_OFF);
	testvm__put_be32(&self->t, gpa + 4, 2);
	EXPECT_EQ(H_PARAMETER, testvm__rtas_hcall(&self->t, v, gpa));

	/* Header and args fit, the return word would not: power-off must not run. */
	gpa = top - 20;
	testvm__rtas_prepare(&self->t, gpa, RTAS_POWER_OFF, 2, args, 0);
	testvm__put_be32(&self->t, gpa + 8, 1);
	EXPECT_EQ(H_PARAMETER, testvm__rtas_hcall(&self->t, v, gpa));
	EXPECT_EQ(VM_EXIT_NONE, self->t.vm.exit_reason);
	EXPECT_EQ((u32)RTAS_POWER_OFF, testvm__be32(&self->t, gpa));
	EXPECT_EQ(2U, testvm__be32(&self->t, gpa + 4));
	EXPECT_EQ(1U, testvm__be32(&self->t, gpa + 8));
	EXPECT_EQ(0U, testvm__be32(&self->t, gpa + 12));
	EXPECT_EQ(0U, testvm__be32(&self->t, gpa + 16));

	/* Exactly up to the end of RAM is fine. */
	gpa = top - 24;
	EXPECT_EQ(H_SUCCESS, testvm__rtas_at(&self->t, v, gpa, RTAS_POWER_OFF, 2, args, 1, NULL));
	EXPECT_EQ(0U, testvm__be32(&self->t, top - 4));
	EXPECT_EQ(VM_EXIT_POWEROFF, self->t.vm.exit_reason);
}

TEST_F(rtas, too_many_words)
{
	struct vcpu *v = self->t.vm.vcpus[0];
	u64 gpa = TESTVM_RTAS_GPA;
	static const u32 shapes[][2] = {
		{ 200, 1 }, { 1, 200 }, { 16, 1 }, { 10, 7 },
		{ 0xffffffff, 1 }, { 1, 0xffffffff }, { 0x80000000, 0x80000001 },
	};
	unsigned int i, w;

	for (i = 0; i < ARRAY_SIZE(shapes); i++) {
		testvm__put_be32(&self->t, gpa, RTAS_POWER_OFF);
		testvm__put_be32(&self->t, gpa + 4, shapes[i][0]);
		testvm__put_be32(&self->t, gpa + 8, shapes[i][1]);
		for (w = 0; w < 32; w++)
			testvm__put_be32(&self->t, gpa + 12 + 4 * w, TESTVM_POISON);
		EXPECT_EQ(H_PARAMETER, testvm__rtas_hcall(&self->t, v, gpa)) {
			TH_LOG("nargs %u nret %u", shapes[i][0], shapes[i][1]);
		}
		for (w = 0; w < 32; w++)
			EXPECT_EQ(TESTVM_POISON, testvm__be32(&self->t, gpa + 12 + 4 * w));
	}
	EXPECT_EQ(VM_EXIT_NONE, self->t.vm.exit_reason);
	/* 16 words in all is the most there can be. */
	EXPECT_EQ(H_SUCCESS, testvm__rtas_at(&self->t, v, gpa, RTAS_GET_TIME_OF_DAY, 0, NULL, 16, NULL));
}

TEST_F(rtas, top_address_bits_ignored)
{
	u32 r[8];

	ASSERT_EQ(H_SUCCESS, testvm__rtas_at(&self->t, self->t.vm.vcpus[1],
					     TESTVM_RTAS_GPA | 0xF000000000000000ULL,
					     RTAS_GET_TIME_OF_DAY, 0, NULL, 8, r));
	EXPECT_EQ(0U, r[0]);
	EXPECT_LE(2024U, r[1]);
	ASSERT_EQ(H_SUCCESS, testvm__rtas_at(&self->t, self->t.vm.vcpus[1],
					     TESTVM_RTAS_GPA | 0x8000000000000000ULL,
					     RTAS_EVENT_SCAN, 4, NULL, 1, r));
	EXPECT_EQ(1U, r[0]);
}

TEST_F(rtas, power_off)
{
	u32 args[2] = { 0xffffffff, 0xffffffff };
	u64 n = 0;

	EXPECT_EQ(0, call(&self->t, RTAS_POWER_OFF, 2, args, 1, NULL));
	EXPECT_EQ(VM_EXIT_POWEROFF, self->t.vm.exit_reason);
	EXPECT_TRUE(vm__exiting(&self->t.vm));
	/* Every vCPU was kicked out of KVM_RUN, and the event fd fired. */
	EXPECT_EQ(4U, fake_accel.kicks);
	EXPECT_EQ((ssize_t)sizeof(n), read(self->t.vm.exit_efd, &n, sizeof(n)));
	EXPECT_EQ(1U, n);
}

TEST_F(rtas, system_reboot_first_reason_wins)
{
	u32 args[2] = { 0, 0 };

	EXPECT_EQ(0, call(&self->t, RTAS_SYSTEM_REBOOT, 0, NULL, 1, NULL));
	EXPECT_EQ(VM_EXIT_REBOOT, self->t.vm.exit_reason);
	EXPECT_EQ(0, call(&self->t, RTAS_POWER_OFF, 2, args, 1, NULL));
	EXPECT_EQ(VM_EXIT_REBOOT, self->t.vm.exit_reason);
	/* A host stop during the reboot in place ends pvm instead. */
	vm__request_exit(&self->t.vm, VM_EXIT_SIGNAL);
	EXPECT_EQ(VM_EXIT_SIGNAL, self->t.vm.exit_reason);
}

TEST_F(rtas, os_term)
{
	static const char msg[] = "Kernel panic - not syncing: test";
	u32 arg = BUF_GPA;

	memcpy(self->t.ram + BUF_GPA, msg, sizeof(msg));
	EXPECT_EQ(0, call(&self->t, RTAS_IBM_OS_TERM, 1, &arg, 1, NULL));
	EXPECT_EQ(VM_EXIT_PANIC, self->t.vm.exit_reason);
}

TEST_F(rtas, os_term_bad_pointer)
{
	u32 arg = 0xfffffff0;

	EXPECT_EQ(0, call(&self->t, RTAS_IBM_OS_TERM, 1, &arg, 1, NULL));
	EXPECT_EQ(VM_EXIT_PANIC, self->t.vm.exit_reason);
}

TEST_F(rtas, os_term_unterminated_at_ram_top)
{
	u32 arg = self->t.ram_size - 4;

	memcpy(self->t.ram + arg, "oops", 4);
	EXPECT_EQ(0, call(&self->t, RTAS_IBM_OS_TERM, 1, &arg, 1, NULL));
	EXPECT_EQ(VM_EXIT_PANIC, self->t.vm.exit_reason);
}

/* display-character drives the operator panel (logged), never the console. */
TEST_F(rtas, display_character)
{
	struct vm *vm = &self->t.vm;
	u32 arg = 0x12345648;	/* only the low byte is the character */
	char buf[8];

	EXPECT_EQ(0, call(&self->t, RTAS_DISPLAY_CHARACTER, 1, &arg, 1, NULL));
	arg = 'i';
	EXPECT_EQ(0, call(&self->t, RTAS_DISPLAY_CHARACTER, 1, &arg, 1, NULL));
	arg = 0x07;	/* not printable: dropped */
	EXPECT_EQ(0, call(&self->t, RTAS_DISPLAY_CHARACTER, 1, &arg, 1, NULL));
	ASSERT_EQ(2U, power__state(vm)->panel_len);
	EXPECT_EQ(0, memcmp(power__state(vm)->panel, "Hi", 2));
	EXPECT_EQ(0U, testvm__console(&self->t, buf, sizeof(buf)));
	/* A newline ends the line. */
	arg = '\n';
	EXPECT_EQ(0, call(&self->t, RTAS_DISPLAY_CHARACTER, 1, &arg, 1, NULL));
	EXPECT_EQ(0U, power__state(vm)->panel_len);
	EXPECT_EQ(VM_EXIT_NONE, vm->exit_reason);
}

TEST_F(rtas, display_character_long_line)
{
	struct vm *vm = &self->t.vm;
	u32 arg = 'x';
	unsigned int i;

	for (i = 0; i < sizeof(power__state(vm)->panel) - 1; i++)
		ASSERT_EQ(0, call(&self->t, RTAS_DISPLAY_CHARACTER, 1, &arg, 1, NULL));
	EXPECT_EQ(sizeof(power__state(vm)->panel) - 1, power__state(vm)->panel_len);
	/* A full panel line is flushed before the next character is kept. */
	arg = 'y';
	ASSERT_EQ(0, call(&self->t, RTAS_DISPLAY_CHARACTER, 1, &arg, 1, NULL));
	EXPECT_EQ(1U, power__state(vm)->panel_len);
	EXPECT_EQ('y', power__state(vm)->panel[0]);
}

TEST_F(rtas, event_scan)
{
	u32 args[4] = { 0, 0, BUF_GPA, 2048 };

	EXPECT_EQ(RTAS_OUT_NO_ERRORS_FOUND, call(&self->t, RTAS_EVENT_SCAN, 4, args, 1, NULL));
}

static u16 be16_at(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

TEST_F(rtas, get_system_parameter_splpar)
{
	static const char want[] = "MaxEntCap=400,DesMem=64,DesProcs=4,MaxPlatProcs=4";
	u32 args[3] = { 20, BUF_GPA, 256 };
	const u8 *p = self->t.ram + BUF_GPA;

	memset(self->t.ram + BUF_GPA, 0xee, 512);
	ASSERT_EQ(0, call(&self->t, RTAS_IBM_GET_SYSTEM_PARAMETER, 3, args, 1, NULL));
	/* The length counts the NUL, which is sent too. */
	EXPECT_EQ(sizeof(want), be16_at(p));
	EXPECT_EQ(0, memcmp(want, p + 2, sizeof(want)));
	EXPECT_EQ(0xee, p[2 + sizeof(want)]);
}

TEST_F(rtas, get_system_parameter_truncated)
{
	static const char want[] = "MaxEntCap=400,DesMem=64,DesProcs=4,MaxPlatProcs=4";
	u32 args[3] = { 20, BUF_GPA, 10 };
	const u8 *p = self->t.ram + BUF_GPA;

	memset(self->t.ram + BUF_GPA, 0xee, 64);
	ASSERT_EQ(0, call(&self->t, RTAS_IBM_GET_SYSTEM_PARAMETER, 3, args, 1, NULL));
	/* The length says how much there is; the data stops at the buffer. */
	EXPECT_EQ(sizeof(want), be16_at(p));
	EXPECT_EQ(0, memcmp(want, p + 2, 8));
	EXPECT_EQ(0xee, p[10]);
	/* Two bytes: room for the length only. */
	memset(self->t.ram + BUF_GPA, 0xee, 64);
	args[2] = 2;
	ASSERT_EQ(0, call(&self->t, RTAS_IBM_GET_SYSTEM_PARAMETER, 3, args, 1, NULL));
	EXPECT_EQ(sizeof(want), be16_at(p));
	EXPECT_EQ(0xee, p[2]);
}

TEST_F(rtas, get_system_parameter_other_params)
{
	u32 args[3] = { 42, BUF_GPA, 64 };
	const u8 *p = self->t.ram + BUF_GPA;
	unsigned int i;

	memset(self->t.ram + BUF_GPA, 0xee, 64);
	ASSERT_EQ(0, call(&self->t, RTAS_IBM_GET_SYSTEM_PARAMETER, 3, args, 1, NULL));
	EXPECT_EQ(1, be16_at(p));
	EXPECT_EQ(0, p[2]);
	EXPECT_EQ(0xee, p[3]);

	memset(self->t.ram + BUF_GPA, 0xee, 64);
	args[0] = 48;
	ASSERT_EQ(0, call(&self->t, RTAS_IBM_GET_SYSTEM_PARAMETER, 3, args, 1, NULL));
	EXPECT_EQ(16, be16_at(p));
	for (i = 0; i < 16; i++)
		EXPECT_EQ(0, p[2 + i]);
	EXPECT_EQ(0xee, p[18]);
}

TEST_F(rtas, get_system_parameter_errors)
{
	u32 top = self->t.ram_size;
	u32 args[3];

	memset(self->t.ram + BUF_GPA, 0xee, 16);
	/* Buffer outside RAM, or running past its end. */
	args[0] = 20, args[1] = top, args[2] = 64;
	EXPECT_EQ(RTAS_OUT_PARAM_ERROR, call(&self->t, RTAS_IBM_GET_SYSTEM_PARAMETER, 3, args, 1, NULL));
	args[1] = top - 32;
	memset(self->t.ram + top - 32, 0xee, 32);
	EXPECT_EQ(RTAS_OUT_PARAM_ERROR, call(&self->t, RTAS_IBM_GET_SYSTEM_PARAMETER, 3, args, 1, NULL));
	EXPECT_EQ(0xee, self->t.ram[top - 32]);
	/* Unknown parameter. */
	args[0] = 9999, args[1] = BUF_GPA, args[2] = 64;
	EXPECT_EQ(RTAS_OUT_PARAM_ERROR, call(&self->t, RTAS_IBM_GET_SYSTEM_PARAMETER, 3, args, 1, NULL));
	/* More than the 4 KiB RTAS work area, or too little for the length. */
	args[0] = 20, args[2] = 4097;
	EXPECT_EQ(RTAS_OUT_PARAM_ERROR, call(&self->t, RTAS_IBM_GET_SYSTEM_PARAMETER, 3, args, 1, NULL));
	args[2] = 1;
	EXPECT_EQ(RTAS_OUT_PARAM_ERROR, call(&self->t, RTAS_IBM_GET_SYSTEM_PARAMETER, 3, args, 1, NULL));
	EXPECT_EQ(0xee, self->t.ram[BUF_GPA]);
	EXPECT_EQ(0xee, self->t.ram[BUF_GPA + 1]);
	/* 4096 itself is allowed. */
	args[2] = 4096;
	EXPECT_EQ(0, call(&self->t, RTAS_IBM_GET_SYSTEM_PARAMETER, 3, args, 1, NULL));
}

TEST_F(rtas, set_system_parameter)
{
	u32 args[2] = { 20, BUF_GPA };

	EXPECT_EQ(RTAS_OUT_NOT_AUTHORIZED, call(&self->t, RTAS_IBM_SET_SYSTEM_PARAMETER, 2, args, 1, NULL));
	args[0] = 48;
	EXPECT_EQ(RTAS_OUT_NOT_AUTHORIZED, call(&self->t, RTAS_IBM_SET_SYSTEM_PARAMETER, 2, args, 1, NULL));
	args[0] = 9999;
	EXPECT_EQ(RTAS_OUT_NOT_SUPPORTED, call(&self->t, RTAS_IBM_SET_SYSTEM_PARAMETER, 2, args, 1, NULL));
}

static s32 qcss(struct testvm *t, u32 cpu, u32 *state)
{
	u32 r[2];
	s32 ret = call(t, RTAS_QUERY_CPU_STOPPED_STATE, 1, &cpu, 2, r);

	*state = r[1];
	return ret;
}

TEST_F(rtas, query_cpu_stopped_state_unknown_cpu)
{
	u32 state;

	EXPECT_EQ(RTAS_OUT_PARAM_ERROR, qcss(&self->t, 4, &state));
	EXPECT_EQ(RTAS_OUT_PARAM_ERROR, qcss(&self->t, 0xffffffff, &state));
}

TEST_F(rtas, start_cpu_lifecycle)
{
	struct vcpu *v3 = self->t.vm.vcpus[3];
	u32 args[3] = { 3, 0x10000, 0x1234 };
	u64 pc = 0, r3 = 0;
	u32 state;

	ASSERT_EQ(3U, v3->id);
	ASSERT_EQ(0, qcss(&self->t, 3, &state));
	EXPECT_EQ(0U, state);	/* never started: stopped */

	EXPECT_EQ(0, call(&self->t, RTAS_START_CPU, 3, args, 1, NULL));
	ASSERT_EQ(0, qcss(&self->t, 3, &state));
	EXPECT_EQ(2U, state);	/* start pending counts as running */
	EXPECT_EQ(RTAS_OUT_HW_ERROR, call(&self->t, RTAS_START_CPU, 3, args, 1, NULL));

	/* What the vCPU thread does next: it picks up pc and r3. */
	ASSERT_TRUE(vcpu__wait_start(v3, &pc, &r3));
	EXPECT_EQ(0x10000U, pc);
	EXPECT_EQ(0x1234U, r3);
	EXPECT_EQ((int)VCPU_RUNNING, (int)v3->state);
	ASSERT_EQ(0, qcss(&self->t, 3, &state));
	EXPECT_EQ(2U, state);
	EXPECT_EQ(RTAS_OUT_HW_ERROR, call(&self->t, RTAS_START_CPU, 3, args, 1, NULL));

	/* stop-self from that vCPU parks it again; then it can be restarted. */
	ASSERT_EQ(H_SUCCESS, testvm__rtas_at(&self->t, v3, TESTVM_RTAS_GPA,
					     RTAS_STOP_SELF, 0, NULL, 1, NULL));
	EXPECT_EQ(0U, testvm__be32(&self->t, TESTVM_RTAS_GPA + 12));
	ASSERT_EQ(0, qcss(&self->t, 3, &state));
	EXPECT_EQ(0U, state);
	EXPECT_EQ(0, call(&self->t, RTAS_START_CPU, 3, args, 1, NULL));

	/* The other vCPUs were not affected. */
	ASSERT_EQ(0, qcss(&self->t, 1, &state));
	EXPECT_EQ(0U, state);
}

TEST_F(rtas, start_cpu_unknown_cpu)
{
	u32 args[3] = { 7, 0, 0 };

	EXPECT_EQ(RTAS_OUT_PARAM_ERROR, call(&self->t, RTAS_START_CPU, 3, args, 1, NULL));
	/* Wrong shape. */
	EXPECT_EQ(RTAS_OUT_PARAM_ERROR, call(&self->t, RTAS_START_CPU, 2, args, 1, NULL));
}

TEST_F(rtas, wait_start_gives_up_on_exit)
{
	u64 pc, r3;

	vm__request_exit(&self->t.vm, VM_EXIT_SIGNAL);
	EXPECT_FALSE(vcpu__wait_start(self->t.vm.vcpus[2], &pc, &r3));
	EXPECT_EQ((int)VCPU_STOPPED, (int)self->t.vm.vcpus[2]->state);
}

TEST_HARNESS_MAIN
