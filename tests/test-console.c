// SPDX-License-Identifier: GPL-2.0
/*
 * Console output backpressure: a stdout that stops draining holds the
 * writing vCPU, but never past the VM's end (pvm stop --force, Ctrl-a x).
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "pvm/log.h"
#include "testvm.h"

#include "kselftest_harness.h"

struct writer {
	struct vm *vm;
	bool done;		/* atomic */
	unsigned long calls;
};

/* A vCPU printing for ever (16 bytes per H_PUT_TERM_CHAR). */
static void *writer(void *arg)
{
	struct writer *w = arg;
	u64 a[HCALL_NR_ARGS];

	while (!vm__exiting(w->vm)) {
		a[0] = VTY_REG;
		a[1] = 16;
		a[2] = 0x4142434445464748ULL;
		a[3] = 0x494a4b4c4d4e4f50ULL;
		hcall__dispatch(w->vm, w->vm->vcpus[0], H_PUT_TERM_CHAR, a);
		w->calls++;
	}
	__atomic_store_n(&w->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static void on_kick(int sig)
{
	(void)sig;
}

static bool wait_done(struct writer *w, int ms)
{
	while (!__atomic_load_n(&w->done, __ATOMIC_ACQUIRE) && ms-- > 0)
		usleep(1000);
	return __atomic_load_n(&w->done, __ATOMIC_ACQUIRE);
}

/* Blocking stdout: the vCPU waits in write(); the exit kick (a signal) frees it. */
TEST(blocked_console_ends_with_the_vm)
{
	struct sigaction sa = { .sa_handler = on_kick };	/* no SA_RESTART, as pvm */
	const struct testvm_opts o = { 0 };
	struct testvm t;
	struct writer w = { 0 };
	pthread_t th;

	sigaction(SIGUSR1, &sa, NULL);
	ASSERT_EQ(0, testvm__setup(&t, &o));
	w.vm = &t.vm;
	ASSERT_EQ(0, pthread_create(&th, NULL, writer, &w));
	/* Nobody reads the console: the pipe fills and the writer blocks. */
	usleep(200000);
	EXPECT_FALSE(__atomic_load_n(&w.done, __ATOMIC_ACQUIRE));
	vm__request_exit(&t.vm, VM_EXIT_SIGNAL);
	pthread_kill(th, SIGUSR1);
	EXPECT_TRUE(wait_done(&w, 5000));
	pthread_join(th, NULL);
	testvm__teardown(&t);
}

/* Non-blocking stdout: the vCPU waits in poll(); the exit eventfd frees it. */
TEST(nonblocking_console_ends_with_the_vm)
{
	const struct testvm_opts o = { 0 };
	struct testvm t;
	struct writer w = { 0 };
	pthread_t th;

	ASSERT_EQ(0, testvm__setup(&t, &o));
	fcntl(t.cons[1], F_SETFL, fcntl(t.cons[1], F_GETFL) | O_NONBLOCK);
	w.vm = &t.vm;
	ASSERT_EQ(0, pthread_create(&th, NULL, writer, &w));
	usleep(200000);
	EXPECT_FALSE(__atomic_load_n(&w.done, __ATOMIC_ACQUIRE));
	vm__request_exit(&t.vm, VM_EXIT_SIGNAL);
	EXPECT_TRUE(wait_done(&w, 5000));
	pthread_join(th, NULL);
	testvm__teardown(&t);
}

/* While someone reads, nothing is dropped. */
TEST(slow_reader_loses_nothing)
{
	const struct testvm_opts o = { 0 };
	struct testvm t;
	struct writer w = { 0 };
	pthread_t th;
	unsigned long got = 0;
	char buf[4096];
	ssize_t n;
	int flags;

	ASSERT_EQ(0, testvm__setup(&t, &o));
	w.vm = &t.vm;
	ASSERT_EQ(0, pthread_create(&th, NULL, writer, &w));
	flags = fcntl(t.cons[0], F_GETFL);
	fcntl(t.cons[0], F_SETFL, flags & ~O_NONBLOCK);
	while (got < 4 * 65536) {
		n = read(t.cons[0], buf, sizeof(buf));
		ASSERT_LT(0, n);
		got += n;
		usleep(100);
	}
	vm__request_exit(&t.vm, VM_EXIT_SIGNAL);
	fcntl(t.cons[0], F_SETFL, flags | O_NONBLOCK);
	/* Drain so a writer blocked in write() finishes its 16 bytes. */
	while (!wait_done(&w, 10))
		while (read(t.cons[0], buf, sizeof(buf)) > 0)
			got += 0;
	pthread_join(th, NULL);
	/* Every call's 16 bytes arrived whole (only the last may be cut by the exit). */
	EXPECT_LE(got / 16, w.calls);
	EXPECT_EQ(0U, got % 16);
	testvm__teardown(&t);
}

/*
 * The operator panel (RTAS display-character) logs a finished line to
 * stderr. A stderr that does not drain may hold that vCPU, but not the VM
 * lock: other vCPUs (start-cpu, hotplug, console) must go on.
 */
struct panel {
	struct testvm *t;
	bool done;		/* atomic */
};

static void *panel_writer(void *arg)
{
	struct panel *p = arg;

	testvm__rtas(p->t, RTAS_DISPLAY_CHARACTER, 1, (u32[]){ '\n' }, 1, NULL);
	__atomic_store_n(&p->done, true, __ATOMIC_RELEASE);
	return NULL;
}

TEST(panel_log_does_not_hold_the_vm_lock)
{
	const struct testvm_opts o = { 0 };
	struct testvm t;
	struct panel p = { .t = &t };
	int errpipe[2], saved_err, level = log_level, i;
	char c;
	pthread_t th;
	bool free_lock = false;

	ASSERT_EQ(0, testvm__setup(&t, &o));
	for (i = 0; i < 8; i++)
		testvm__rtas(&t, RTAS_DISPLAY_CHARACTER, 1, (u32[]){ 'A' + i }, 1, NULL);
	/* stderr becomes a full pipe: the panel line's write blocks. */
	ASSERT_EQ(0, pipe(errpipe));
	fcntl(errpipe[1], F_SETFL, fcntl(errpipe[1], F_GETFL) | O_NONBLOCK);
	while (write(errpipe[1], "x", 1) == 1)
		;
	fcntl(errpipe[1], F_SETFL, fcntl(errpipe[1], F_GETFL) & ~O_NONBLOCK);
	saved_err = dup(STDERR_FILENO);
	dup2(errpipe[1], STDERR_FILENO);
	log_level = LOG_INFO;
	ASSERT_EQ(0, pthread_create(&th, NULL, panel_writer, &p));
	usleep(200000);
	EXPECT_FALSE(__atomic_load_n(&p.done, __ATOMIC_ACQUIRE));
	if (!pthread_mutex_trylock(&t.vm.lock)) {
		free_lock = true;
		pthread_mutex_unlock(&t.vm.lock);
	}
	/* Let the log line through, then put stderr back. */
	while (!__atomic_load_n(&p.done, __ATOMIC_ACQUIRE))
		if (read(errpipe[0], &c, 1) <= 0)
			break;
	pthread_join(th, NULL);
	dup2(saved_err, STDERR_FILENO);
	close(saved_err);
	close(errpipe[0]);
	close(errpipe[1]);
	log_level = level;
	EXPECT_TRUE(free_lock);
	testvm__teardown(&t);
}

TEST_HARNESS_MAIN
