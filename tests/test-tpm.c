// SPDX-License-Identifier: GPL-2.0
/*
 * H_TPM_COMM argument checks and session handling, with a fake TPM backend
 * (and once with the real device backend on a FIFO that echoes).
 */
#include <dirent.h>
#include <pthread.h>
#include <time.h>
#include <sys/stat.h>

#include "testvm.h"
#include "pvm/papr.h"
#include "papr/tpm.h"

#include "kselftest_harness.h"

#define REQ_GPA 0x100000ULL
#define RESP_GPA 0x200000ULL

/* The fake TPM: answers a 10-byte header (tag, size, rc) plus the request's body. */
static struct {
	int opens, closes, reads, writes;
	int fail_open, fail_write, read_zero, fail_read;
	size_t last_read_len;
	u8 req[TPM_COMM_MAX];
	size_t req_len;
	u32 rc;
} fake;

static int fake_open(const char *path)
{
	if (fake.fail_open)
		return -ENOENT;
	fake.opens++;
	return 1000 + fake.opens;
}

static ssize_t fake_write(int fd, const void *buf, size_t len)
{
	(void)fd;
	fake.writes++;
	if (fake.fail_write)
		return -EBUSY;
	memcpy(fake.req, buf, len);
	fake.req_len = len;
	return len;
}

static ssize_t fake_read(int fd, void *buf, size_t len, int cancel_fd)
{
	u8 *p = buf;
	size_t n = fake.req_len;

	(void)fd;
	(void)cancel_fd;
	fake.reads++;
	fake.last_read_len = len;
	if (fake.fail_read)
		return -EIO;
	if (fake.read_zero)
		return 0;
	if (n < 10)
		n = 10;
	p[0] = 0x80;
	p[1] = 0x01;
	p[2] = n >> 24;
	p[3] = n >> 16;
	p[4] = n >> 8;
	p[5] = n;
	p[6] = fake.rc >> 24;
	p[7] = fake.rc >> 16;
	p[8] = fake.rc >> 8;
	p[9] = fake.rc;
	if (fake.req_len > 10)
		memcpy(p + 10, fake.req + 10, fake.req_len - 10);
	return n;
}

static void fake_close(int fd)
{
	(void)fd;
	fake.closes++;
}

static const struct tpm_backend fake_backend = {
	.open = fake_open, .write = fake_write, .read = fake_read, .close = fake_close,
};

static s64 tpm_call(struct testvm *t, u64 *a)
{
	return hcall__dispatch(&t->vm, t->vm.vcpus[0], H_TPM_COMM, a);
}

/* Arguments with distinctive values in every word the guest does not use. */
static void args_for(u64 *a, u64 op, u64 req, u64 req_len, u64 resp, u64 resp_len)
{
	unsigned int i;

	a[0] = op;
	a[1] = req;
	a[2] = req_len;
	a[3] = resp;
	a[4] = resp_len;
	for (i = 5; i < HCALL_NR_ARGS; i++)
		a[i] = 0x5a5a000000000000ULL | i;
}

static void put_cmd(struct testvm *t, u64 gpa, size_t len, u8 seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		t->ram[gpa + i] = (u8)(seed + i * 7);
}

FIXTURE(tpm) {
	struct testvm t;
	u64 a[HCALL_NR_ARGS], saved[HCALL_NR_ARGS];
};

FIXTURE_SETUP(tpm)
{
	/* The transport tests send arbitrary bytes: no command policy here. */
	const struct testvm_opts o = { .tpm_path = "/nonexistent/tpm", .tpm_allow_all = true };

	memset(&fake, 0, sizeof(fake));
	ASSERT_EQ(0, testvm__setup(&self->t, &o));
	tpm__set_backend(&self->t.vm, &fake_backend);
}

FIXTURE_TEARDOWN(tpm)
{
	testvm__teardown(&self->t);
}

/* Call and expect status; on error every argument word must be unchanged. */
static s64 call_keep(struct testvm *t, u64 *a, u64 *saved)
{
	memcpy(saved, a, sizeof(u64) * HCALL_NR_ARGS);
	return tpm_call(t, a);
}

#define EXPECT_ARGS_UNCHANGED() \
	EXPECT_EQ(0, memcmp(self->a, self->saved, sizeof(self->a)))

TEST_F(tpm, execute_round_trip)
{
	unsigned int i;

	put_cmd(&self->t, REQ_GPA, 22, 3);
	args_for(self->a, TPM_COMM_OP_EXECUTE, REQ_GPA, 22, RESP_GPA, TPM_COMM_MAX);
	memcpy(self->saved, self->a, sizeof(self->a));
	ASSERT_EQ(H_SUCCESS, tpm_call(&self->t, self->a));
	EXPECT_EQ(22U, self->a[0]);		/* response length in r4 */
	for (i = 1; i < HCALL_NR_ARGS; i++)
		EXPECT_EQ(self->saved[i], self->a[i]);
	EXPECT_EQ(22U, fake.req_len);
	EXPECT_EQ(0, memcmp(fake.req, self->t.ram + REQ_GPA, 22));
	EXPECT_EQ(0x80, self->t.ram[RESP_GPA]);
	EXPECT_EQ(0, memcmp(self->t.ram + RESP_GPA + 10, self->t.ram + REQ_GPA + 10, 12));
	EXPECT_EQ(1, fake.opens);
}

TEST_F(tpm, response_over_the_request)
{
	put_cmd(&self->t, REQ_GPA, 12, 9);
	fake.rc = 0x143;
	args_for(self->a, TPM_COMM_OP_EXECUTE, REQ_GPA, 12, REQ_GPA, TPM_COMM_MAX);
	ASSERT_EQ(H_SUCCESS, tpm_call(&self->t, self->a));
	EXPECT_EQ(12U, self->a[0]);
	/* The TPM's own error code comes back as data, not as an hcall error. */
	EXPECT_EQ(0x01, self->t.ram[REQ_GPA + 8]);
	EXPECT_EQ(0x43, self->t.ram[REQ_GPA + 9]);
}

TEST_F(tpm, unknown_op_is_h_parameter)
{
	static const u64 ops[] = { 0, 3, 4, 0x100000001ULL, ~0ULL };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		args_for(self->a, ops[i], REQ_GPA, 10, RESP_GPA, TPM_COMM_MAX);
		EXPECT_EQ(H_PARAMETER, call_keep(&self->t, self->a, self->saved));
		EXPECT_ARGS_UNCHANGED();
	}
	/* Checked first: bad sizes and addresses do not matter for a bad op. */
	args_for(self->a, 7, ~0ULL, 0, ~0ULL, 0);
	EXPECT_EQ(H_PARAMETER, call_keep(&self->t, self->a, self->saved));
	EXPECT_EQ(0, fake.writes);
}

TEST_F(tpm, request_size)
{
	args_for(self->a, TPM_COMM_OP_EXECUTE, REQ_GPA, 0, RESP_GPA, TPM_COMM_MAX);
	EXPECT_EQ(H_P3, call_keep(&self->t, self->a, self->saved));
	EXPECT_ARGS_UNCHANGED();
	args_for(self->a, TPM_COMM_OP_EXECUTE, REQ_GPA, TPM_COMM_MAX + 1, RESP_GPA, TPM_COMM_MAX);
	EXPECT_EQ(H_P3, call_keep(&self->t, self->a, self->saved));
	EXPECT_ARGS_UNCHANGED();
	args_for(self->a, TPM_COMM_OP_EXECUTE, REQ_GPA, 1ULL << 63, RESP_GPA, TPM_COMM_MAX);
	EXPECT_EQ(H_P3, call_keep(&self->t, self->a, self->saved));
	/* Size is judged before the address: P3 wins over a bad address. */
	args_for(self->a, TPM_COMM_OP_EXECUTE, ~0ULL, 5000, RESP_GPA, TPM_COMM_MAX);
	EXPECT_EQ(H_P3, call_keep(&self->t, self->a, self->saved));
	args_for(self->a, TPM_COMM_OP_EXECUTE, REQ_GPA, TPM_COMM_MAX, RESP_GPA, TPM_COMM_MAX);
	EXPECT_EQ(H_SUCCESS, tpm_call(&self->t, self->a));
	EXPECT_EQ((u64)TPM_COMM_MAX, self->a[0]);
	EXPECT_EQ(0, fake.writes - 1);
}

TEST_F(tpm, request_address)
{
	u64 end = TESTVM_RAM;

	args_for(self->a, TPM_COMM_OP_EXECUTE, end, 10, RESP_GPA, TPM_COMM_MAX);
	EXPECT_EQ(H_P2, call_keep(&self->t, self->a, self->saved));
	EXPECT_ARGS_UNCHANGED();
	args_for(self->a, TPM_COMM_OP_EXECUTE, end - 5, 10, RESP_GPA, TPM_COMM_MAX);
	EXPECT_EQ(H_P2, call_keep(&self->t, self->a, self->saved));
	EXPECT_ARGS_UNCHANGED();
	args_for(self->a, TPM_COMM_OP_EXECUTE, 0x0ffffffffffffff0ULL, 100, RESP_GPA, TPM_COMM_MAX);
	EXPECT_EQ(H_P2, call_keep(&self->t, self->a, self->saved));
	EXPECT_EQ(0, fake.writes);
	/* The top 4 bits are ignored, as for H_RTAS: a kernel address works. */
	put_cmd(&self->t, REQ_GPA, 10, 1);
	args_for(self->a, TPM_COMM_OP_EXECUTE, 0xc000000000000000ULL | REQ_GPA, 10,
		 RESP_GPA, TPM_COMM_MAX);
	EXPECT_EQ(H_SUCCESS, tpm_call(&self->t, self->a));
	/* Ending exactly at the end of RAM is fine. */
	args_for(self->a, TPM_COMM_OP_EXECUTE, end - 10, 10, RESP_GPA, TPM_COMM_MAX);
	EXPECT_EQ(H_SUCCESS, tpm_call(&self->t, self->a));
}

TEST_F(tpm, response_size_and_address)
{
	u64 end = TESTVM_RAM;

	put_cmd(&self->t, REQ_GPA, 10, 1);
	args_for(self->a, TPM_COMM_OP_EXECUTE, REQ_GPA, 10, RESP_GPA, TPM_COMM_MAX - 1);
	EXPECT_EQ(H_P5, call_keep(&self->t, self->a, self->saved));
	EXPECT_ARGS_UNCHANGED();
	args_for(self->a, TPM_COMM_OP_EXECUTE, REQ_GPA, 10, RESP_GPA, 0);
	EXPECT_EQ(H_P5, call_keep(&self->t, self->a, self->saved));
	/* P5 before P4. */
	args_for(self->a, TPM_COMM_OP_EXECUTE, REQ_GPA, 10, ~0ULL, 16);
	EXPECT_EQ(H_P5, call_keep(&self->t, self->a, self->saved));
	args_for(self->a, TPM_COMM_OP_EXECUTE, REQ_GPA, 10, end, TPM_COMM_MAX);
	EXPECT_EQ(H_P4, call_keep(&self->t, self->a, self->saved));
	EXPECT_ARGS_UNCHANGED();
	/* The whole 4096 bytes pvm may write must be RAM, even for a short answer. */
	args_for(self->a, TPM_COMM_OP_EXECUTE, REQ_GPA, 10, end - 100, TPM_COMM_MAX);
	EXPECT_EQ(H_P4, call_keep(&self->t, self->a, self->saved));
	EXPECT_ARGS_UNCHANGED();
	EXPECT_EQ(0, fake.writes);
	/* A huge response size is fine; pvm still reads at most 4096. */
	args_for(self->a, TPM_COMM_OP_EXECUTE, REQ_GPA, 10, end - TPM_COMM_MAX, 1ULL << 40);
	EXPECT_EQ(H_SUCCESS, tpm_call(&self->t, self->a));
	EXPECT_EQ((size_t)TPM_COMM_MAX, fake.last_read_len);
}

TEST_F(tpm, host_failures_are_h_resource)
{
	put_cmd(&self->t, REQ_GPA, 10, 1);
	fake.fail_open = 1;
	args_for(self->a, TPM_COMM_OP_EXECUTE, REQ_GPA, 10, RESP_GPA, TPM_COMM_MAX);
	EXPECT_EQ(H_RESOURCE, call_keep(&self->t, self->a, self->saved));
	EXPECT_ARGS_UNCHANGED();
	EXPECT_FALSE(tpm__session_open(&self->t.vm));
	fake.fail_open = 0;

	fake.fail_write = 1;
	EXPECT_EQ(H_RESOURCE, call_keep(&self->t, self->a, self->saved));
	EXPECT_ARGS_UNCHANGED();
	/* A failed host transfer drops the session. */
	EXPECT_FALSE(tpm__session_open(&self->t.vm));
	EXPECT_EQ(1, fake.closes);
	fake.fail_write = 0;

	fake.read_zero = 1;
	EXPECT_EQ(H_RESOURCE, call_keep(&self->t, self->a, self->saved));
	EXPECT_ARGS_UNCHANGED();
	/* One read, never a loop on an empty answer. */
	EXPECT_EQ(1, fake.reads);
	fake.read_zero = 0;

	fake.fail_read = 1;
	EXPECT_EQ(H_RESOURCE, call_keep(&self->t, self->a, self->saved));
	fake.fail_read = 0;

	/* And the next command works on a fresh session. */
	EXPECT_EQ(H_SUCCESS, tpm_call(&self->t, self->a));
	EXPECT_EQ(fake.opens, fake.closes + 1);
}

TEST_F(tpm, lazy_session_and_close)
{
	int i;

	EXPECT_FALSE(tpm__session_open(&self->t.vm));
	EXPECT_EQ(0, fake.opens);
	/* CLOSE_SESSION without a session is fine; it ignores the other words. */
	args_for(self->a, TPM_COMM_OP_CLOSE_SESSION, ~0ULL, ~0ULL, ~0ULL, 0);
	EXPECT_EQ(H_SUCCESS, call_keep(&self->t, self->a, self->saved));
	EXPECT_ARGS_UNCHANGED();

	put_cmd(&self->t, REQ_GPA, 10, 1);
	for (i = 0; i < 5; i++) {
		args_for(self->a, TPM_COMM_OP_EXECUTE, REQ_GPA, 10, RESP_GPA, TPM_COMM_MAX);
		EXPECT_EQ(H_SUCCESS, tpm_call(&self->t, self->a));
	}
	EXPECT_EQ(1, fake.opens);
	EXPECT_TRUE(tpm__session_open(&self->t.vm));

	args_for(self->a, TPM_COMM_OP_CLOSE_SESSION, 0, 0, 0, 0);
	EXPECT_EQ(H_SUCCESS, call_keep(&self->t, self->a, self->saved));
	EXPECT_ARGS_UNCHANGED();
	EXPECT_EQ(1, fake.closes);
	EXPECT_FALSE(tpm__session_open(&self->t.vm));

	args_for(self->a, TPM_COMM_OP_EXECUTE, REQ_GPA, 10, RESP_GPA, TPM_COMM_MAX);
	EXPECT_EQ(H_SUCCESS, tpm_call(&self->t, self->a));
	EXPECT_EQ(2, fake.opens);
}

TEST_F(tpm, exit_closes_the_session)
{
	put_cmd(&self->t, REQ_GPA, 10, 1);
	args_for(self->a, TPM_COMM_OP_EXECUTE, REQ_GPA, 10, RESP_GPA, TPM_COMM_MAX);
	EXPECT_EQ(H_SUCCESS, tpm_call(&self->t, self->a));
	tpm__exit(&self->t.vm);
	EXPECT_EQ(1, fake.closes);
}

TEST(tpm_without_proxy_is_h_function)
{
	const struct testvm_opts o = { 0 };
	struct testvm t;
	u64 a[HCALL_NR_ARGS];

	ASSERT_EQ(0, testvm__setup(&t, &o));
	args_for(a, TPM_COMM_OP_EXECUTE, REQ_GPA, 10, RESP_GPA, TPM_COMM_MAX);
	EXPECT_EQ(H_FUNCTION, tpm_call(&t, a));
	args_for(a, TPM_COMM_OP_CLOSE_SESSION, 0, 0, 0, 0);
	EXPECT_EQ(H_FUNCTION, tpm_call(&t, a));
	testvm__teardown(&t);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/*
 * The real device backend against a FIFO opened read-write: what pvm writes
 * comes back as the "response". 1000 round trips, then no fd is left over.
 */
TEST(tpm_device_backend_on_a_fifo)
{
	char path[64];
	struct testvm_opts o = { 0 };
	struct testvm t;
	u64 a[HCALL_NR_ARGS];
	int i, fds;

	snprintf(path, sizeof(path), "/tmp/pvm-tpm-fifo-%d", getpid());
	unlink(path);
	ASSERT_EQ(0, mkfifo(path, 0600));
	o.tpm_path = path;
	o.tpm_allow_all = true;
	ASSERT_EQ(0, testvm__setup(&t, &o));
	fds = count_fds();
	for (i = 0; i < 1000; i++) {
		put_cmd(&t, REQ_GPA, 10 + i % 200, (u8)i);
		args_for(a, TPM_COMM_OP_EXECUTE, REQ_GPA, 10 + i % 200, RESP_GPA, TPM_COMM_MAX);
		ASSERT_EQ(H_SUCCESS, tpm_call(&t, a));
		ASSERT_EQ((u64)(10 + i % 200), a[0]);
		ASSERT_EQ(0, memcmp(t.ram + REQ_GPA, t.ram + RESP_GPA, 10 + i % 200));
		if (i % 100 == 99) {
			args_for(a, TPM_COMM_OP_CLOSE_SESSION, 0, 0, 0, 0);
			ASSERT_EQ(H_SUCCESS, tpm_call(&t, a));
		}
	}
	EXPECT_EQ(fds, count_fds());
	testvm__teardown(&t);
	unlink(path);
}

/* A TPM2 command header: tag, size, command code, then zero bytes. */
static void put_tpm_cmd(struct testvm *t, u64 gpa, u32 cc, u32 size)
{
	u8 *p = t->ram + gpa;

	memset(p, 0, size);
	p[0] = 0x80;
	p[1] = 0x01;
	p[2] = size >> 24;
	p[3] = size >> 16;
	p[4] = size >> 8;
	p[5] = size;
	p[6] = cc >> 24;
	p[7] = cc >> 16;
	p[8] = cc >> 8;
	p[9] = cc;
}

static u32 resp_rc(struct testvm *t)
{
	const u8 *r = t->ram + RESP_GPA;

	return (u32)r[6] << 24 | (u32)r[7] << 16 | (u32)r[8] << 8 | r[9];
}

/*
 * By default the host TPM only sees what a secure-VM stack needs; commands
 * that change the TPM for the whole host get TPM_RC_COMMAND_CODE from pvm.
 */
TEST(tpm_default_policy)
{
	static const u32 refused[] = {
		0x182 /* PCR_Extend */, 0x13c /* PCR_Event */, 0x13d /* PCR_Reset */,
		0x126 /* Clear */, 0x127 /* ClearControl */, 0x129 /* HierarchyChangeAuth */,
		0x121 /* HierarchyControl */, 0x139 /* DictionaryAttackLockReset */,
		0x13a /* DictionaryAttackParameters */, 0x137 /* NV_Write */,
		0x12a /* NV_DefineSpace */, 0x120 /* EvictControl */, 0x145 /* Shutdown */,
		0x128 /* ClockSet */, 0xfff, 0x20000001 /* vendor */,
	};
	static const u32 allowed[] = {
		0x17b /* GetRandom */, 0x17e /* PCR_Read */, 0x17a /* GetCapability */,
		0x176 /* StartAuthSession */, 0x165 /* FlushContext */, 0x157 /* Load */,
		0x15e /* Unseal */, 0x16b /* PolicyAuthValue */, 0x17f /* PolicyPCR */,
		0x158 /* Quote */, 0x144 /* Startup */,
	};
	const struct testvm_opts o = { .tpm_path = "/nonexistent/tpm" };
	struct testvm t;
	u64 a[HCALL_NR_ARGS];
	unsigned int i;

	memset(&fake, 0, sizeof(fake));
	ASSERT_EQ(0, testvm__setup(&t, &o));
	tpm__set_backend(&t.vm, &fake_backend);
	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		put_tpm_cmd(&t, REQ_GPA, refused[i], 14);
		memset(t.ram + RESP_GPA, 0xee, 16);
		args_for(a, TPM_COMM_OP_EXECUTE, REQ_GPA, 14, RESP_GPA, TPM_COMM_MAX);
		ASSERT_EQ(H_SUCCESS, tpm_call(&t, a));
		EXPECT_EQ((u64)TPM_HEADER_LEN, a[0]);
		EXPECT_EQ((u32)TPM_RC_COMMAND_CODE, resp_rc(&t)) {
			TH_LOG("command 0x%x", refused[i]);
		}
		EXPECT_EQ(0x80, t.ram[RESP_GPA]);
		EXPECT_EQ(TPM_HEADER_LEN, t.ram[RESP_GPA + 5]);
		EXPECT_EQ(0xee, t.ram[RESP_GPA + 10]);
	}
	/* None of them reached the host TPM. */
	EXPECT_EQ(0, fake.writes);
	EXPECT_EQ(ARRAY_SIZE(refused), tpm__refused(&t.vm));
	for (i = 0; i < ARRAY_SIZE(allowed); i++) {
		put_tpm_cmd(&t, REQ_GPA, allowed[i], 12);
		args_for(a, TPM_COMM_OP_EXECUTE, REQ_GPA, 12, RESP_GPA, TPM_COMM_MAX);
		ASSERT_EQ(H_SUCCESS, tpm_call(&t, a));
	}
	EXPECT_EQ((int)ARRAY_SIZE(allowed), fake.writes);
	/* Shorter than a header: answered by pvm, not sent. */
	args_for(a, TPM_COMM_OP_EXECUTE, REQ_GPA, 9, RESP_GPA, TPM_COMM_MAX);
	ASSERT_EQ(H_SUCCESS, tpm_call(&t, a));
	EXPECT_EQ((u32)TPM_RC_COMMAND_SIZE, resp_rc(&t));
	EXPECT_EQ((int)ARRAY_SIZE(allowed), fake.writes);
	testvm__teardown(&t);
}

/*
 * A host TPM that never answers: the wait ends when the VM exits, not after
 * TPM_COMM_TIMEOUT_MS (pvm stop --force must not hang on it).
 */
struct stuck {
	struct testvm *t;
	s64 rc;
	u64 a[HCALL_NR_ARGS];
};

/* A TPM that takes commands and never answers: pvm's own wait, on a pipe nobody writes. */
static int stuck_pipe[2] = { -1, -1 };

static int stuck_open(const char *path)
{
	(void)path;
	return dup(stuck_pipe[0]);
}

static ssize_t stuck_write(int fd, const void *buf, size_t len)
{
	(void)fd;
	(void)buf;
	return len;
}

static void stuck_close(int fd)
{
	close(fd);
}

static const struct tpm_backend stuck_backend = {
	.open = stuck_open, .write = stuck_write, .read = tpm__dev_read, .close = stuck_close,
};

static void *stuck_call(void *arg)
{
	struct stuck *s = arg;

	s->rc = tpm_call(s->t, s->a);
	return NULL;
}

TEST(tpm_wait_ends_with_the_vm)
{
	struct testvm_opts o = { .tpm_allow_all = true, .tpm_path = "/stuck/tpm" };
	struct testvm t;
	struct stuck s = { .t = &t };
	struct timespec t0, t1;
	pthread_t th;

	ASSERT_EQ(0, pipe(stuck_pipe));
	ASSERT_EQ(0, testvm__setup(&t, &o));
	tpm__set_backend(&t.vm, &stuck_backend);
	put_cmd(&t, REQ_GPA, 20, 1);
	args_for(s.a, TPM_COMM_OP_EXECUTE, REQ_GPA, 20, RESP_GPA, TPM_COMM_MAX);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, pthread_create(&th, NULL, stuck_call, &s));
	usleep(200000);
	vm__request_exit(&t.vm, VM_EXIT_SIGNAL);
	pthread_join(th, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	EXPECT_EQ(H_RESOURCE, s.rc);
	EXPECT_GT(5, t1.tv_sec - t0.tv_sec);
	testvm__teardown(&t);
	close(stuck_pipe[0]);
	close(stuck_pipe[1]);
}

TEST_HARNESS_MAIN
