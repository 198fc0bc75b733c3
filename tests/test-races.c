// SPDX-License-Identifier: GPL-2.0
/*
 * Lock-free readers against the main thread's updates: vCPU hot-add while
 * other threads walk vm->vcpus, and guest-memory slots retired and reused
 * while lookups run. Meant to run under ThreadSanitizer as well (make tsan):
 * a torn read fails the checks here, a racy access fails TSan.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "pvm/accel.h"
#include "testvm.h"

#include "kselftest_harness.h"

#define ROUNDS 2000
#define REGION SZ_64K

struct race {
	struct vm *vm;
	volatile bool stop;
	unsigned long bad, seen;
	u8 *hva[2];
};

static void *vcpu_walker(void *arg)
{
	struct race *r = arg;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		unsigned int i, n = vm__nr_vcpus(r->vm);

		for (i = 0; i < n; i++) {
			struct vcpu *v = r->vm->vcpus[i];

			if (!v || v->vm != r->vm)
				__atomic_add_fetch(&r->bad, 1, __ATOMIC_RELAXED);
		}
		if (n && !vm__find_vcpu(r->vm, n - 1))
			__atomic_add_fetch(&r->bad, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&r->seen, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

TEST(vcpu_hot_add_vs_walkers)
{
	struct testvm t;
	const struct testvm_opts o = { .nr_cpus = 1 };
	struct race r = { 0 };
	pthread_t th[2];
	unsigned int id;

	ASSERT_EQ(0, testvm__setup(&t, &o));
	r.vm = &t.vm;
	ASSERT_EQ(0, pthread_create(&th[0], NULL, vcpu_walker, &r));
	ASSERT_EQ(0, pthread_create(&th[1], NULL, vcpu_walker, &r));
	while (!__atomic_load_n(&r.seen, __ATOMIC_RELAXED))
		sched_yield();
	for (id = 1; id < PVM_MAX_VCPUS; id++) {
		ASSERT_EQ(0, accel__add_vcpu(&t.vm, id));
		sched_yield();
	}
	__atomic_store_n(&r.stop, true, __ATOMIC_RELEASE);
	pthread_join(th[0], NULL);
	pthread_join(th[1], NULL);
	EXPECT_EQ(0UL, r.bad);
	EXPECT_LT(0UL, r.seen);
	EXPECT_EQ((unsigned int)PVM_MAX_VCPUS, vm__nr_vcpus(&t.vm));
	EXPECT_EQ(-ENOSPC, accel__add_vcpu(&t.vm, PVM_MAX_VCPUS));
	testvm__teardown(&t);
}

/* Region A at 1 GiB lives in hva[0], region B at 2 GiB in hva[1]. */
static void *mem_walker(void *arg)
{
	struct race *r = arg;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		u8 *a = gmem__ptr(&r->vm->mem, SZ_1G + 100, 8);
		u8 *b = gmem__ptr(&r->vm->mem, 2 * SZ_1G + 200, 8);

		/* A pointer is either NULL or inside its own region's mapping. */
		if (a && a != r->hva[0] + 100)
			__atomic_add_fetch(&r->bad, 1, __ATOMIC_RELAXED);
		if (b && b != r->hva[1] + 200)
			__atomic_add_fetch(&r->bad, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&r->seen, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

TEST(memory_slot_reuse_vs_lookups)
{
	struct testvm t;
	const struct testvm_opts o = { 0 };
	struct race r = { 0 };
	pthread_t th[2];
	unsigned int i;

	ASSERT_EQ(0, testvm__setup(&t, &o));
	r.vm = &t.vm;
	for (i = 0; i < 2; i++) {
		r.hva[i] = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_NE(MAP_FAILED, r.hva[i]);
	}
	ASSERT_EQ(0, pthread_create(&th[0], NULL, mem_walker, &r));
	ASSERT_EQ(0, pthread_create(&th[1], NULL, mem_walker, &r));
	while (!__atomic_load_n(&r.seen, __ATOMIC_RELAXED))
		sched_yield();
	/* A and B take turns in the same slot, as LMBs do across unplug/replug. */
	for (i = 0; i < ROUNDS; i++) {
		ASSERT_EQ(0, gmem__add(&t.vm.mem, SZ_1G, REGION, r.hva[0]));
		ASSERT_EQ(0, gmem__remove(&t.vm.mem, SZ_1G));
		ASSERT_EQ(0, gmem__add(&t.vm.mem, 2 * SZ_1G, REGION, r.hva[1]));
		ASSERT_EQ(0, gmem__remove(&t.vm.mem, 2 * SZ_1G));
	}
	__atomic_store_n(&r.stop, true, __ATOMIC_RELEASE);
	pthread_join(th[0], NULL);
	pthread_join(th[1], NULL);
	EXPECT_EQ(0UL, r.bad);
	/* Boot RAM and the one reused slot: slots are not used up by churn. */
	EXPECT_EQ(2U, t.vm.mem.nr);
	for (i = 0; i < 2; i++)
		munmap(r.hva[i], REGION);
	testvm__teardown(&t);
}

TEST_HARNESS_MAIN
