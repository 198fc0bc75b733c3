/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The HVPIPE tests' fixture, shared by test-hvpipe.c and test-hvpipe-pipe.c:
 * include after kselftest_harness.h.
 */
#ifndef PVM_TESTS_HVPIPE_FIXTURE_H
#define PVM_TESTS_HVPIPE_FIXTURE_H

/* A VM with two sources. */
FIXTURE(hv) {
	struct testvm t;
	struct vm *vm;
	u8 buf[HVPIPE_MAX_PAYLOAD];
	u8 want[HVPIPE_MAX_PAYLOAD];
};

FIXTURE_SETUP(hv)
{
	const struct testvm_opts o = {
		.nr_cpus = 1, .xics = true, .hvpipe_ids = two_sources, .nr_hvpipe = 2,
	};

	ASSERT_EQ(0, testvm__setup(&self->t, &o));
	self->vm = &self->t.vm;
}

FIXTURE_TEARDOWN(hv)
{
	testvm__teardown(&self->t);
}

#endif
