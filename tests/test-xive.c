// SPDX-License-Identifier: GPL-2.0
/*
 * XIVE exploitation on the fake accelerator: the H_INT_* hcalls of
 * papr/xive.c (arguments checked, PAPR status, what reaches KVM), the
 * device tree a XIVE guest gets, and a XICS guest untouched by it all.
 */
#include <stdlib.h>

#include <libfdt.h>

#include "pvm/accel.h"
#include "pvm/fdt.h"
#include "pvm/irq.h"
#include "pvm/xics.h"
#include "testvm.h"

#include "kselftest_harness.h"

#define XIVE_ESB FAKE_XIVE_ESB_GPA
#define SRC_H_INT_ESB (1ULL << 3)
#define SRC_LSI (1ULL << 2)
#define SRC_SET_EISN (1ULL << 1)
#define SRC_MASK (1ULL << 0)
#define ALWAYS_NOTIFY 1ULL
#define QPAGE 0x100000ULL	/* 64 KiB aligned, in the test VM's RAM */

FIXTURE(xive) {
	struct testvm t;
	u64 a[HCALL_NR_ARGS];
	u32 msi, lsi;		/* two of pvm's sources, made after the machine */
};

FIXTURE_SETUP(xive)
{
	const struct testvm_opts o = { .nr_cpus = 2, .threads = 1, .xics = true, .xive = true };

	ASSERT_EQ(0, testvm__setup(&self->t, &o));
	self->msi = irq__alloc(&self->t.vm, false);
	self->lsi = irq__alloc(&self->t.vm, true);
	ASSERT_LE((int)IRQ_BASE, (int)self->msi);
	ASSERT_EQ(self->msi + 1, self->lsi);
}

FIXTURE_TEARDOWN(xive)
{
	testvm__teardown(&self->t);
}

TEST_F(xive, source_info_gives_esb_pages)
{
	ASSERT_EQ(H_SUCCESS, HC(H_INT_GET_SOURCE_INFO, 0, self->msi));
	EXPECT_EQ(0ULL, self->a[0]);
	EXPECT_EQ(XIVE_ESB + ((2ULL * self->msi + 1) << 16), self->a[1]);	/* EOI */
	EXPECT_EQ(XIVE_ESB + ((2ULL * self->msi) << 16), self->a[2]);	/* trigger */
	EXPECT_EQ(16ULL, self->a[3]);
	/* An IPI (one per vCPU, numbers 0..) too. */
	ASSERT_EQ(H_SUCCESS, HC(H_INT_GET_SOURCE_INFO, 0, 1));
	EXPECT_EQ(XIVE_ESB + (2ULL << 16), self->a[2]);
}

TEST_F(xive, lsi_goes_through_h_int_esb)
{
	ASSERT_EQ(H_SUCCESS, HC(H_INT_GET_SOURCE_INFO, 0, self->lsi));
	EXPECT_EQ(SRC_H_INT_ESB | SRC_LSI, self->a[0]);
	EXPECT_EQ(~0ULL, self->a[1]);
	EXPECT_EQ(~0ULL, self->a[2]);
}

TEST_F(xive, unknown_sources_and_flags)
{
	/* Past the IPIs, below the sources; past the sources made; flags. */
	EXPECT_EQ(H_P2, HC(H_INT_GET_SOURCE_INFO, 0, 2));
	EXPECT_EQ(H_P2, HC(H_INT_GET_SOURCE_INFO, 0, self->lsi + 1));
	EXPECT_EQ(H_P2, HC(H_INT_GET_SOURCE_INFO, 0, ~0ULL));
	EXPECT_EQ(H_PARAMETER, HC(H_INT_GET_SOURCE_INFO, 1, self->msi));
	EXPECT_EQ(H_P2, HC(H_INT_SET_SOURCE_CONFIG, 0, 0x7fff, 0, 6, 0));
	EXPECT_EQ(H_P2, HC(H_INT_GET_SOURCE_CONFIG, 0, 0x7fff));
	EXPECT_EQ(H_P2, HC(H_INT_ESB, 0, 0x7fff, 0x800, 0));
	EXPECT_EQ(H_P2, HC(H_INT_SYNC, 0, 0x7fff));
	EXPECT_EQ(0U, fake_accel.xive_configs);
	EXPECT_EQ(0U, fake_accel.xive_esbs);
}

TEST_F(xive, route_and_read_back)
{
	ASSERT_EQ(H_SUCCESS, HC(H_INT_SET_SOURCE_CONFIG, SRC_SET_EISN, self->msi, 1, 6, 0x1234));
	EXPECT_EQ(1U, fake_accel.xive_configs);
	EXPECT_EQ(self->msi, fake_accel.xive_last_lisn);
	EXPECT_EQ(1U, fake_accel.xive_last_server);
	EXPECT_EQ(6, fake_accel.xive_last_prio);
	EXPECT_FALSE(fake_accel.xive_last_masked);
	EXPECT_EQ(0x1234U, fake_accel.xive_last_eisn);
	ASSERT_EQ(H_SUCCESS, HC(H_INT_GET_SOURCE_CONFIG, 0, self->msi));
	EXPECT_EQ(1ULL, self->a[0]);
	EXPECT_EQ(6ULL, self->a[1]);
	EXPECT_EQ(0x1234ULL, self->a[2]);
	/* Masked: the routing and the data stay, the priority reads 0xff. */
	ASSERT_EQ(H_SUCCESS, HC(H_INT_SET_SOURCE_CONFIG, SRC_MASK, self->msi, 1, 6, 0));
	EXPECT_TRUE(fake_accel.xive_last_masked);
	EXPECT_EQ(0x1234U, fake_accel.xive_last_eisn);
	ASSERT_EQ(H_SUCCESS, HC(H_INT_GET_SOURCE_CONFIG, 0, self->msi));
	EXPECT_EQ(0xffULL, self->a[1]);
	/* Priority 0xff resets the source. */
	ASSERT_EQ(H_SUCCESS, HC(H_INT_SET_SOURCE_CONFIG, 0, self->msi, 1, 0xff, 0));
	ASSERT_EQ(H_SUCCESS, HC(H_INT_GET_SOURCE_CONFIG, 0, self->msi));
	EXPECT_EQ(0ULL, self->a[0]);
	EXPECT_EQ(0xffULL, self->a[1]);
	EXPECT_EQ(0ULL, self->a[2]);
}

/* The event sources' "does the guest listen" check reads this routing. */
TEST_F(xive, routing_shows_in_the_source_state)
{
	u64 st;

	ASSERT_EQ(H_SUCCESS, HC(H_INT_SET_SOURCE_CONFIG, 0, self->msi, 1, 6, 0));
	ASSERT_EQ(0, accel__irq_get_state(&self->t.vm, self->msi, &st));
	EXPECT_EQ(0ULL, st & XICS_STATE_MASKED);
	EXPECT_EQ(6ULL, (st & XICS_STATE_PRIO_MASK) >> XICS_STATE_PRIO_SHIFT);
	EXPECT_EQ(1ULL, st & XICS_STATE_SERVER_MASK);
}

TEST_F(xive, bad_targets_and_priorities)
{
	EXPECT_EQ(H_P3, HC(H_INT_SET_SOURCE_CONFIG, 0, self->msi, 2, 6, 0));	/* no vCPU 2 */
	EXPECT_EQ(H_P3, HC(H_INT_SET_SOURCE_CONFIG, 0, self->msi, ~0ULL, 6, 0));
	EXPECT_EQ(H_P4, HC(H_INT_SET_SOURCE_CONFIG, 0, self->msi, 0, 7, 0));	/* KVM's */
	EXPECT_EQ(H_P4, HC(H_INT_SET_SOURCE_CONFIG, 0, self->msi, 0, 0x100, 0));
	EXPECT_EQ(H_PARAMETER, HC(H_INT_SET_SOURCE_CONFIG, 4, self->msi, 0, 6, 0));
	EXPECT_EQ(0U, fake_accel.xive_configs);
}

TEST_F(xive, kvm_refusal_is_h_hardware_and_keeps_the_old_routing)
{
	ASSERT_EQ(H_SUCCESS, HC(H_INT_SET_SOURCE_CONFIG, 0, self->msi, 1, 6, 0));
	fake_accel.xive_fail = -EINVAL;
	EXPECT_EQ(H_HARDWARE, HC(H_INT_SET_SOURCE_CONFIG, 0, self->msi, 0, 5, 0));
	fake_accel.xive_fail = 0;
	ASSERT_EQ(H_SUCCESS, HC(H_INT_GET_SOURCE_CONFIG, 0, self->msi));
	EXPECT_EQ(1ULL, self->a[0]);
	EXPECT_EQ(6ULL, self->a[1]);
}

TEST_F(xive, event_queue_config)
{
	ASSERT_EQ(H_SUCCESS, HC(H_INT_GET_QUEUE_INFO, 0, 1, 6));
	EXPECT_EQ(0ULL, self->a[1]);	/* no queue yet */
	ASSERT_EQ(H_SUCCESS, HC(H_INT_SET_QUEUE_CONFIG, ALWAYS_NOTIFY, 1, 6, QPAGE, 16));
	EXPECT_EQ(QPAGE, fake_accel.xive_q[1][6].qpage);
	EXPECT_EQ(16U, fake_accel.xive_q[1][6].qshift);
	EXPECT_TRUE(fake_accel.xive_q[1][6].notify);
	ASSERT_EQ(H_SUCCESS, HC(H_INT_GET_QUEUE_INFO, 0, 1, 6));
	EXPECT_EQ(16ULL, self->a[1]);
	ASSERT_EQ(H_SUCCESS, HC(H_INT_GET_QUEUE_CONFIG, 1, 1, 6));	/* debug */
	EXPECT_EQ(ALWAYS_NOTIFY | (1ULL << 62), self->a[0]);
	EXPECT_EQ(QPAGE, self->a[1]);
	EXPECT_EQ(16ULL, self->a[2]);
	EXPECT_EQ(42ULL, self->a[3]);
	/* qsize 0 takes the queue away. */
	ASSERT_EQ(H_SUCCESS, HC(H_INT_SET_QUEUE_CONFIG, 0, 1, 6, 0, 0));
	EXPECT_EQ(0U, fake_accel.xive_q[1][6].qshift);
	ASSERT_EQ(H_SUCCESS, HC(H_INT_GET_QUEUE_CONFIG, 0, 1, 6));
	EXPECT_EQ(0ULL, self->a[1]);
	EXPECT_EQ(0ULL, self->a[2]);
}

TEST_F(xive, bad_event_queues)
{
	/* Only 64 KiB queues (KVM's), aligned, in guest RAM. */
	EXPECT_EQ(H_P5, HC(H_INT_SET_QUEUE_CONFIG, ALWAYS_NOTIFY, 0, 6, QPAGE, 12));
	EXPECT_EQ(H_P5, HC(H_INT_SET_QUEUE_CONFIG, ALWAYS_NOTIFY, 0, 6, QPAGE, 64));
	EXPECT_EQ(H_P4, HC(H_INT_SET_QUEUE_CONFIG, ALWAYS_NOTIFY, 0, 6, QPAGE + 0x1000, 16));
	EXPECT_EQ(H_P4, HC(H_INT_SET_QUEUE_CONFIG, ALWAYS_NOTIFY, 0, 6, TESTVM_RAM, 16));
	EXPECT_EQ(H_P4, HC(H_INT_SET_QUEUE_CONFIG, ALWAYS_NOTIFY, 0, 6, ~0ULL << 16, 16));
	EXPECT_EQ(H_P3, HC(H_INT_SET_QUEUE_CONFIG, ALWAYS_NOTIFY, 0, 7, QPAGE, 16));
	EXPECT_EQ(H_P2, HC(H_INT_SET_QUEUE_CONFIG, ALWAYS_NOTIFY, 5, 6, QPAGE, 16));
	EXPECT_EQ(H_PARAMETER, HC(H_INT_SET_QUEUE_CONFIG, 2, 0, 6, QPAGE, 16));
	EXPECT_EQ(H_P3, HC(H_INT_GET_QUEUE_INFO, 0, 0, 7));
	EXPECT_EQ(H_P2, HC(H_INT_GET_QUEUE_INFO, 0, 9, 6));
	EXPECT_EQ(H_PARAMETER, HC(H_INT_GET_QUEUE_CONFIG, 2, 0, 6));
	EXPECT_EQ(0U, fake_accel.xive_q[0][6].qshift);
}

TEST_F(xive, esb_loads_only_at_defined_offsets)
{
	fake_accel.xive_esb_val = 0x1;
	ASSERT_EQ(H_SUCCESS, HC(H_INT_ESB, 0, self->lsi, 0x800, 0));
	EXPECT_EQ(1ULL, self->a[0]);
	EXPECT_EQ(0x800U, fake_accel.xive_last_esb_offset);
	ASSERT_EQ(H_SUCCESS, HC(H_INT_ESB, 0, self->lsi, 0, 0));	/* load EOI */
	EXPECT_EQ(H_P3, HC(H_INT_ESB, 0, self->lsi, 0x1000, 0));
	EXPECT_EQ(H_P3, HC(H_INT_ESB, 0, self->lsi, 0x808, 0));
	EXPECT_EQ(H_P3, HC(H_INT_ESB, 1, self->lsi, 0x400, 0));	/* store */
	EXPECT_EQ(H_PARAMETER, HC(H_INT_ESB, 2, self->lsi, 0x800, 0));
	EXPECT_EQ(2U, fake_accel.xive_esbs);
}

TEST_F(xive, sync_and_reset)
{
	ASSERT_EQ(H_SUCCESS, HC(H_INT_SYNC, 0, self->msi));
	EXPECT_EQ(1U, fake_accel.xive_syncs);
	EXPECT_EQ(H_PARAMETER, HC(H_INT_SYNC, 1, self->msi));
	ASSERT_EQ(H_SUCCESS, HC(H_INT_SET_SOURCE_CONFIG, 0, self->msi, 1, 6, 0));
	ASSERT_EQ(H_SUCCESS, HC(H_INT_SET_QUEUE_CONFIG, ALWAYS_NOTIFY, 1, 6, QPAGE, 16));
	EXPECT_EQ(H_PARAMETER, HC(H_INT_RESET, 1));
	ASSERT_EQ(H_SUCCESS, HC(H_INT_RESET, 0));
	EXPECT_EQ(1U, fake_accel.xive_resets);
	ASSERT_EQ(H_SUCCESS, HC(H_INT_GET_SOURCE_CONFIG, 0, self->msi));
	EXPECT_EQ(0xffULL, self->a[1]);
	ASSERT_EQ(H_SUCCESS, HC(H_INT_GET_QUEUE_INFO, 0, 1, 6));
	EXPECT_EQ(0ULL, self->a[1]);
}

/* No XICS presenter calls go to KVM under XIVE, and no ICS RTAS calls exist. */
TEST_F(xive, no_xics_interfaces)
{
	u32 args[1] = { self->msi }, rets[3];

	EXPECT_FALSE(accel__hcall_in_kernel(&self->t.vm, H_XIRR));
	EXPECT_NE(0, testvm__rtas(&self->t, RTAS_IBM_GET_XIVE, 1, args, 3, rets));
}

/* The device tree: the XIVE presenter in place of the XICS one, and CAS's answer. */
TEST_F(xive, device_tree)
{
	u8 *fdt = calloc(1, FDT_MAX_SIZE);
	const fdt32_t *p;
	const u8 *ov5;
	int node, len;

	ASSERT_NE(NULL, fdt);
	ASSERT_EQ(0, fdt__build(&self->t.vm, fdt, FDT_MAX_SIZE));
	node = fdt_node_offset_by_compatible(fdt, -1, "ibm,power-ivpe");
	ASSERT_LE(0, node);
	EXPECT_EQ(0, strcmp(fdt_get_name(fdt, node, NULL), "interrupt-controller@60302031b0000"));
	p = fdt_getprop(fdt, node, "ibm,xive-lisn-ranges", &len);
	ASSERT_EQ(8, len);
	EXPECT_EQ(0U, fdt32_to_cpu(p[0]));
	EXPECT_EQ(2U, fdt32_to_cpu(p[1]));
	p = fdt_getprop(fdt, node, "ibm,xive-eq-sizes", &len);
	ASSERT_EQ(4, len);
	EXPECT_EQ(16U, fdt32_to_cpu(p[0]));
	p = fdt_getprop(fdt, node, "reg", &len);
	ASSERT_EQ(32, len);
	EXPECT_EQ(FAKE_XIVE_TIMA_GPA + 0x20000, fdt64_ld((const fdt64_t *)(p + 4)));	/* OS */
	EXPECT_EQ((u32)FDT_PHANDLE_XICS, fdt_get_phandle(fdt, node));
	EXPECT_GT(0, fdt_node_offset_by_compatible(fdt, -1, "IBM,ppc-xicp"));
	p = fdt_getprop(fdt, 0, "ibm,plat-res-int-priorities", &len);
	ASSERT_EQ(8, len);
	EXPECT_EQ(7U, fdt32_to_cpu(p[0]));
	ov5 = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "ibm,architecture-vec-5", &len);
	ASSERT_LT(23, len);
	EXPECT_EQ(0x40, ov5[23]);
	free(fdt);
}

/* A XICS guest: no H_INT_* handler, the XICS node, XICS in CAS's answer. */
TEST(xics_guest_has_no_xive)
{
	const struct testvm_opts o = { .nr_cpus = 1, .xics = true };
	struct testvm t;
	u64 a[HCALL_NR_ARGS];
	u8 *fdt = calloc(1, FDT_MAX_SIZE);
	const u8 *ov5;
	int len;

	ASSERT_NE(NULL, fdt);
	ASSERT_EQ(0, testvm__setup(&t, &o));
	EXPECT_EQ(H_FUNCTION, testvm__hcall(&t, a, H_INT_GET_SOURCE_INFO, (const u64[]){ 0, 0 }, 2));
	ASSERT_EQ(0, fdt__build(&t.vm, fdt, FDT_MAX_SIZE));
	EXPECT_GT(0, fdt_node_offset_by_compatible(fdt, -1, "ibm,power-ivpe"));
	EXPECT_LE(0, fdt_node_offset_by_compatible(fdt, -1, "IBM,ppc-xicp"));
	EXPECT_EQ(NULL, fdt_getprop(fdt, 0, "ibm,plat-res-int-priorities", NULL));
	ov5 = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "ibm,architecture-vec-5", &len);
	ASSERT_LT(23, len);
	EXPECT_EQ(0, ov5[23]);
	free(fdt);
	testvm__teardown(&t);
}

TEST_HARNESS_MAIN
