// SPDX-License-Identifier: GPL-2.0
/* pvm run --boot-trace: vmm/boot-trace.c and H_PVM_MARK (papr/pvm.c). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pvm/boot-trace.h"
#include "testvm.h"

#include "kselftest_harness.h"

#define MAX_LINES 32
#define PREFIX "pvm: boot-trace: +"

struct trace {
	unsigned int n;
	double t[MAX_LINES];
	char what[MAX_LINES][96];
};

/* Every line printed to f so far; fails the test on a malformed one. */
static int parse(FILE *f, struct trace *tr)
{
	char line[160];

	memset(tr, 0, sizeof(*tr));
	fflush(f);
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		long long s;
		long us;
		int off = 0;

		if (tr->n == MAX_LINES)
			return -1;
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, PREFIX, strlen(PREFIX)) ||
		    sscanf(line + strlen(PREFIX), "%lld.%6ld %n", &s, &us, &off) != 2 || !off ||
		    line[strlen(PREFIX) + off - 1] != ' ' || strlen(line) - strlen(PREFIX) - off >= 96)
			return -1;
		/* Exactly six digits of microseconds. */
		if (line[strlen(PREFIX) + off - 8] != '.')
			return -1;
		tr->t[tr->n] = s + us / 1e6;
		strcpy(tr->what[tr->n], line + strlen(PREFIX) + off);
		tr->n++;
	}
	return 0;
}

FIXTURE(bt) {
	FILE *f;
	struct trace tr;
};

FIXTURE_SETUP(bt)
{
	self->f = tmpfile();
	ASSERT_NE(NULL, self->f);
}

FIXTURE_TEARDOWN(bt)
{
	boot_trace__enable(NULL);
	fclose(self->f);
}

TEST_F(bt, nothing_when_off)
{
	static const u8 line[] = "GUEST-INIT reached\n";

	boot_trace__enable(NULL);
	EXPECT_FALSE(boot_trace__on());
	boot_trace__mark("options parsed");
	boot_trace__mark_once("first KVM_RUN (boot vCPU)");
	boot_trace__console(line, sizeof(line) - 1);
	boot_trace__guest(3);
	fflush(self->f);
	EXPECT_EQ(0L, ftell(self->f));
	/* And off again after having been on. */
	boot_trace__enable(self->f);
	boot_trace__enable(NULL);
	rewind(self->f);
	ASSERT_EQ(0, parse(self->f, &self->tr));
	ASSERT_EQ(1U, self->tr.n);	/* only the process start printed while on */
	boot_trace__mark("late");
	ASSERT_EQ(0, parse(self->f, &self->tr));
	EXPECT_EQ(1U, self->tr.n);
}

TEST_F(bt, once_in_order_with_increasing_times)
{
	static const char *const want[] = {
		"process start (main)", "options parsed", "images read", "VM created", "device tree built",
	};
	unsigned int i;

	boot_trace__start();
	usleep(2000);
	boot_trace__enable(self->f);
	EXPECT_TRUE(boot_trace__on());
	boot_trace__mark("options parsed");
	usleep(1000);
	boot_trace__mark("images read");
	boot_trace__mark("options parsed");
	usleep(1000);
	boot_trace__mark("VM created");
	boot_trace__mark("images read");
	usleep(1000);
	boot_trace__mark("device tree built");
	boot_trace__mark("VM created");
	ASSERT_EQ(0, parse(self->f, &self->tr));
	ASSERT_EQ(ARRAY_SIZE(want), self->tr.n);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		EXPECT_STREQ(want[i], self->tr.what[i]);
		if (i)
			EXPECT_GT(self->tr.t[i], self->tr.t[i - 1]) {
				TH_LOG("%s at %f, %s at %f", self->tr.what[i - 1], self->tr.t[i - 1],
				       self->tr.what[i], self->tr.t[i]);
			}
	}
	{
		struct boot_trace_mark m[8];

		/* What pvm stat --json shows: the same milestones and times. */
		ASSERT_EQ(ARRAY_SIZE(want), boot_trace__get(m, 8));
		for (i = 0; i < ARRAY_SIZE(want); i++) {
			EXPECT_STREQ(want[i], m[i].what);
			EXPECT_EQ((u64)(self->tr.t[i] * 1e6 + 0.5), m[i].us);
		}
		EXPECT_EQ(ARRAY_SIZE(want), boot_trace__get(m, 2));
	}
	/* The origin is boot_trace__start(), not the enable: 2 ms before. */
	EXPECT_EQ(0.0, self->tr.t[0]);
	EXPECT_GE(self->tr.t[1], 0.002);
	/* A second enable (a new run in the same process) forgets what was printed. */
	rewind(self->f);
	ASSERT_EQ(0, ftruncate(fileno(self->f), 0));
	boot_trace__enable(self->f);
	boot_trace__mark("options parsed");
	ASSERT_EQ(0, parse(self->f, &self->tr));
	ASSERT_EQ(2U, self->tr.n);
	EXPECT_STREQ("options parsed", self->tr.what[1]);
}

/* The console's first byte, then the first line starting GUEST-INIT, across writes. */
TEST_F(bt, console_first_byte_and_init_line)
{
	static const char *const chunks[] = {
		"SLOF? no: ", "Linux version\n  GUEST-INIT indented\nxGUEST-INIT no\nGUEST-IN",
		"T no\nGUEST-", "INIT reached uptime 9.9\n", "GUEST-INIT again\n",
	};
	unsigned int i;

	boot_trace__enable(self->f);
	boot_trace__console((const u8 *)"", 0);
	ASSERT_EQ(0, parse(self->f, &self->tr));
	EXPECT_EQ(1U, self->tr.n);	/* an empty write is no output */
	for (i = 0; i < ARRAY_SIZE(chunks); i++) {
		boot_trace__console((const u8 *)chunks[i], strlen(chunks[i]));
		ASSERT_EQ(0, parse(self->f, &self->tr));
		/* The /init line counts only once its last marker byte came. */
		EXPECT_EQ(i < 3 ? 2U : 3U, self->tr.n) {
			TH_LOG("after chunk %u", i);
		}
	}
	ASSERT_EQ(3U, self->tr.n);
	EXPECT_STREQ("first guest console output", self->tr.what[1]);
	EXPECT_STREQ("guest /init (console line GUEST-INIT)", self->tr.what[2]);
}

static void *hammer(void *arg)
{
	unsigned int i;

	(void)arg;
	for (i = 0; i < 2000; i++) {
		boot_trace__mark("same milestone");
		boot_trace__mark_once("hot path");
		boot_trace__guest(i % 4);
		boot_trace__console((const u8 *)"x", 1);
	}
	return NULL;
}

TEST_F(bt, threads_print_each_once)
{
	pthread_t th[4];
	unsigned int i, j;

	boot_trace__enable(self->f);
	for (i = 0; i < ARRAY_SIZE(th); i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, hammer, NULL));
	for (i = 0; i < ARRAY_SIZE(th); i++)
		pthread_join(th[i], NULL);
	ASSERT_EQ(0, parse(self->f, &self->tr));
	/* process start, same milestone, hot path, 4 guest marks, console output */
	ASSERT_EQ(8U, self->tr.n);
	for (i = 1; i < self->tr.n; i++) {
		EXPECT_GE(self->tr.t[i], self->tr.t[i - 1]);
		for (j = 0; j < i; j++)
			EXPECT_STRNE(self->tr.what[i], self->tr.what[j]);
	}
}

FIXTURE(mark) {
	struct testvm t;
	u64 a[HCALL_NR_ARGS];
	FILE *f;
	struct trace tr;
};

FIXTURE_SETUP(mark)
{
	self->f = tmpfile();
	ASSERT_NE(NULL, self->f);
	memset(&self->t, 0, sizeof(self->t));
	self->t.cons[0] = self->t.cons[1] = -1;
}

FIXTURE_TEARDOWN(mark)
{
	boot_trace__enable(NULL);
	testvm__teardown(&self->t);
	fclose(self->f);
}

/* H_PVM_MARK exists only with --boot-trace: other guests see H_FUNCTION. */
TEST_F(mark, h_function_without_boot_trace)
{
	const struct testvm_opts o = { .test_exit = true };

	ASSERT_EQ(0, testvm__setup(&self->t, &o));
	EXPECT_FALSE(hcall__registered(&self->t.vm, H_PVM_MARK));
	EXPECT_EQ(H_FUNCTION, HC(H_PVM_MARK, 1));
}

TEST_F(mark, guest_marks_and_console)
{
	const struct testvm_opts o = { .boot_trace = true };
	char buf[64];

	ASSERT_EQ(0, testvm__setup(&self->t, &o));
	boot_trace__enable(self->f);
	EXPECT_EQ(H_SUCCESS, HC(H_PVM_MARK, 7));
	EXPECT_EQ(H_SUCCESS, HC(H_PVM_MARK, 7));
	EXPECT_EQ(H_SUCCESS, HC(H_PVM_MARK, 0));
	EXPECT_EQ(H_SUCCESS, HC(H_PVM_MARK, BOOT_TRACE_GUEST_MAX));
	EXPECT_EQ(H_PARAMETER, HC(H_PVM_MARK, BOOT_TRACE_GUEST_MAX + 1));
	EXPECT_EQ(H_PARAMETER, HC(H_PVM_MARK, ~0ULL));
	/* The vty's output reaches the trace through console__write(). */
	EXPECT_EQ(H_SUCCESS, HC(H_PUT_TERM_CHAR, VTY_REG, 2, 0x6869000000000000ULL, 0));
	EXPECT_EQ(2U, testvm__console(&self->t, buf, sizeof(buf)));
	ASSERT_EQ(0, parse(self->f, &self->tr));
	ASSERT_EQ(5U, self->tr.n);
	EXPECT_STREQ("guest mark 7", self->tr.what[1]);
	EXPECT_STREQ("guest mark 0", self->tr.what[2]);
	EXPECT_STREQ("guest mark 63", self->tr.what[3]);
	EXPECT_STREQ("first guest console output", self->tr.what[4]);
}

TEST_HARNESS_MAIN
