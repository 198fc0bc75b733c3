// SPDX-License-Identifier: GPL-2.0
/*
 * PAPR conformance as a guest written for QEMU's pseries sees it: the root
 * compatible list, every advertised hcall function set answering, and the
 * calls such guests use: H_SET_SPRG0 (read back with mfsprg0), H_PAGE_INIT
 * (zero, copy, PAPR errors), the hcall-debug logical loads/stores, H_RANDOM
 * with its ibm,random-v1 node, H_VIO_SIGNAL.
 */
#include "rt.h"

const char payload_name[] = "papr";

#define PG 4096UL

static u8 pages[4][PG] __attribute__((aligned(4096)));
static u8 ci_buf[16] __attribute__((aligned(16)));
static u64 ram_top;

static bool stringlist_has(const char *list, int len, const char *s, int *index)
{
	int pos, i = 0;

	for (pos = 0; pos < len; pos += strlen(list + pos) + 1, i++) {
		if (!strcmp(list + pos, s)) {
			if (index)
				*index = i;
			return true;
		}
	}
	return false;
}

static void root(void)
{
	int len, i1 = -1, i2 = -1;
	const char *c = fdt_prop(fdt, fdt_path(fdt, "/"), "compatible", &len);
	const u8 *reg;
	int mem = fdt_path(fdt, "/memory");

	ok(c && stringlist_has(c, len, "pvm,pseries", &i1),
	   "root compatible lists \"pvm,pseries\" (entry %d)", i1);
	ok(c && stringlist_has(c, len, "qemu,pseries", &i2) && i2 > i1 && i1 >= 0,
	   "root compatible lists \"qemu,pseries\" after pvm's own (entry %d)", i2);
	reg = mem >= 0 ? fdt_prop(fdt, mem, "reg", &len) : NULL;
	if (reg && len >= 16)
		ram_top = ((u64)be32(reg + 8) << 32) | be32(reg + 12);
	ok(ram_top >= 0x1000000, "RAM size from /memory@0: 0x%lx", ram_top);
}

/* Each advertised set gets a harmless call per hcall that must not be H_FUNCTION. */
static void hypertas(void)
{
	static const struct probe {
		const char *set;
		u64 nr;
		u64 a[3];
		long want;	/* or 1: any status but H_FUNCTION */
	} probes[] = {
		{ "hcall-term", H_PUT_TERM_CHAR, { 0x30000000, 0, 0 }, H_SUCCESS },
		{ "hcall-term", H_GET_TERM_CHAR, { 0x12345, 0, 0 }, H_PARAMETER },
		{ "hcall-interrupt", H_CPPR, { 0xff, 0, 0 }, H_SUCCESS },
		{ "hcall-interrupt", H_IPOLL, { 0, 0, 0 }, H_SUCCESS },
		{ "hcall-vio", H_VIO_SIGNAL, { 0x30000000, 1, 0 }, H_SUCCESS },
		{ "hcall-splpar", H_REGISTER_VPA, { 0, 0, 0 }, 1 },
		{ "hcall-splpar", H_PROD, { 0x7fffffff, 0, 0 }, 1 },
		{ "hcall-splpar", H_CONFER, { -1UL, 0, 0 }, 1 },
		{ "hcall-set-mode", H_SET_MODE, { 0, 99, 0 }, H_P2 },
		{ "hcall-sprg0", H_SET_SPRG0, { 0, 0, 0 }, H_SUCCESS },
		{ "hcall-copy", H_PAGE_INIT, { 0, 0, 0 }, H_SUCCESS },
		{ "hcall-debug", H_LOGICAL_CI_LOAD, { 3, 0, 0 }, H_PARAMETER },
		{ "hcall-debug", H_LOGICAL_ICBI, { 0, 0, 0 }, H_SUCCESS },
	};
	static const char *const must[] = {
		"hcall-term", "hcall-interrupt", "hcall-set-mode", "hcall-sprg0",
		"hcall-copy", "hcall-debug", "hcall-splpar", "hcall-vio",
	};
	int rtas = fdt_path(fdt, "/rtas"), len = 0;
	const char *ht = rtas >= 0 ? fdt_prop(fdt, rtas, "ibm,hypertas-functions", &len) : NULL;
	unsigned int i;

	ok(ht && len > 0, "/rtas has ibm,hypertas-functions (%d bytes)", len);
	if (!ht)
		return;
	for (i = 0; i < ARRAY_SIZE(must); i++)
		ok(stringlist_has(ht, len, must[i], NULL), "hypertas advertises %s", must[i]);
	ok(!stringlist_has(ht, len, "hcall-join", NULL),
	   "hypertas does not advertise hcall-join (H_JOIN is not offered)");
	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		const struct probe *p = &probes[i];
		long rc;

		if (!stringlist_has(ht, len, p->set, NULL))
			continue;
		rc = HCALL(NULL, p->nr, p->a[0], p->a[1], p->a[2]);
		if (p->want == 1)
			ok(rc != H_FUNCTION, "%s: hcall 0x%lx answers (%ld)", p->set, p->nr, rc);
		else
			check(rc, p->want, "%s: hcall 0x%lx", p->set, p->nr);
	}
}

static void sprg0(void)
{
	static const u64 vals[] = { 0x0123456789abcdefUL, 0, 0xfedcba9876543210UL };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vals); i++) {
		check(HCALL(NULL, H_SET_SPRG0, vals[i]), H_SUCCESS, "H_SET_SPRG0 0x%lx", vals[i]);
		checkx(mfsprg0(), vals[i], "mfsprg0 reads back 0x%lx", vals[i]);
	}
	/* Still there after another exit to the hypervisor. */
	HCALL(NULL, H_SET_MODE, 0, 99, 0, 0);
	checkx(mfsprg0(), vals[2], "SPRG0 survives the next hcall");
}

static bool all(const u8 *p, u8 v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

static void page_init(void)
{
	u64 d = (u64)pages[0], s = (u64)pages[1];

	memset(pages[0], 0xa5, PG);
	memset(pages[1], 0x3c, PG);
	memset(pages[2], 0x77, PG);
	check(HCALL(NULL, H_PAGE_INIT, H_ZERO_PAGE, d, 0), H_SUCCESS, "H_PAGE_INIT zero");
	ok(all(pages[0], 0, PG) && all(pages[2], 0x77, PG),
	   "H_PAGE_INIT zero: the page is zero, its neighbour untouched");
	check(HCALL(NULL, H_PAGE_INIT, H_COPY_PAGE | H_ICACHE_SYNCHRONIZE, d, s), H_SUCCESS,
	      "H_PAGE_INIT copy (with icache sync)");
	ok(all(pages[0], 0x3c, PG) && all(pages[1], 0x3c, PG),
	   "H_PAGE_INIT copy: destination equals source, source intact");

	memset(pages[0], 0xa5, PG);
	check(HCALL(NULL, H_PAGE_INIT, H_ZERO_PAGE, d + 8, 0), H_PARAMETER,
	      "H_PAGE_INIT misaligned destination -> H_PARAMETER");
	check(HCALL(NULL, H_PAGE_INIT, H_COPY_PAGE, d, s + 0x100), H_PARAMETER,
	      "H_PAGE_INIT copy from a misaligned source -> H_PARAMETER");
	check(HCALL(NULL, H_PAGE_INIT, H_ZERO_PAGE, ram_top, 0), H_PARAMETER,
	      "H_PAGE_INIT destination at the end of RAM -> H_PARAMETER");
	check(HCALL(NULL, H_PAGE_INIT, H_ZERO_PAGE, 0x4000000000UL, 0), H_PARAMETER,
	      "H_PAGE_INIT destination far outside RAM -> H_PARAMETER");
	check(HCALL(NULL, H_PAGE_INIT, H_COPY_PAGE, d, ram_top + PG), H_PARAMETER,
	      "H_PAGE_INIT copy from outside RAM -> H_PARAMETER");
	check(HCALL(NULL, H_PAGE_INIT, H_ZERO_PAGE | 1, d, 0), H_PARAMETER,
	      "H_PAGE_INIT unknown flag -> H_PARAMETER");
	ok(all(pages[0], 0xa5, PG), "refused H_PAGE_INIT calls wrote nothing");
	check(HCALL(NULL, H_PAGE_INIT, H_ZERO_PAGE, ram_top - PG, 0), H_SUCCESS,
	      "H_PAGE_INIT zero of the last page of RAM");
}

static void logical(void)
{
	u64 out[HCALL_NR_OUT], b = (u64)ci_buf;
	unsigned int i;

	for (i = 0; i < 16; i++)
		ci_buf[i] = 0x11 * (i + 1);
	check(HCALL(out, H_LOGICAL_CI_LOAD, 1, b + 3), H_SUCCESS, "H_LOGICAL_CI_LOAD 1 byte");
	checkx(out[0], 0x44, "H_LOGICAL_CI_LOAD 1 byte value");
	check(HCALL(out, H_LOGICAL_CI_LOAD, 4, b + 4), H_SUCCESS, "H_LOGICAL_CI_LOAD 4 bytes");
	checkx(out[0], 0x55667788, "H_LOGICAL_CI_LOAD 4 bytes, big-endian as on QEMU/KVM");
	check(HCALL(out, H_LOGICAL_CACHE_LOAD, 8, b + 8), H_SUCCESS, "H_LOGICAL_CACHE_LOAD 8 bytes");
	checkx(out[0], 0x99aabbccddeeff10UL, "H_LOGICAL_CACHE_LOAD 8 bytes value");
	check(HCALL(NULL, H_LOGICAL_CI_STORE, 2, b, 0xbeef), H_SUCCESS, "H_LOGICAL_CI_STORE 2 bytes");
	ok(ci_buf[0] == 0xbe && ci_buf[1] == 0xef && ci_buf[2] == 0x33,
	   "H_LOGICAL_CI_STORE wrote 0xbeef big-endian, nothing else (%x %x %x)",
	   ci_buf[0], ci_buf[1], ci_buf[2]);
	check(HCALL(out, H_LOGICAL_CI_LOAD, 3, b), H_PARAMETER, "H_LOGICAL_CI_LOAD size 3 -> H_PARAMETER");
	check(HCALL(out, H_LOGICAL_CI_LOAD, 4, b + 2), H_PARAMETER,
	      "H_LOGICAL_CI_LOAD misaligned -> H_PARAMETER");
	check(HCALL(out, H_LOGICAL_CI_LOAD, 8, ram_top), H_PARAMETER,
	      "H_LOGICAL_CI_LOAD outside RAM -> H_PARAMETER");
	check(HCALL(NULL, H_LOGICAL_CI_STORE, 8, ram_top + 8, 1), H_PARAMETER,
	      "H_LOGICAL_CI_STORE outside RAM -> H_PARAMETER");
	check(HCALL(NULL, H_LOGICAL_DCBF, b), H_SUCCESS, "H_LOGICAL_DCBF");
}

static void random(void)
{
	u64 out[HCALL_NR_OUT], v[8];
	unsigned int i, j, dup = 0, zero = 0;
	int pf = fdt_path(fdt, "/ibm,platform-facilities/ibm,random-v1"), len = 0;
	const char *c = pf >= 0 ? fdt_prop(fdt, pf, "compatible", &len) : NULL;

	ok(c && stringlist_has(c, len, "ibm,random", NULL),
	   "/ibm,platform-facilities/ibm,random-v1 is compatible \"ibm,random\"");
	for (i = 0; i < ARRAY_SIZE(v); i++) {
		long rc = HCALL(out, H_RANDOM);

		v[i] = rc == H_SUCCESS ? out[0] : 0;
		zero += rc != H_SUCCESS;
	}
	for (i = 0; i < ARRAY_SIZE(v); i++)
		for (j = i + 1; j < ARRAY_SIZE(v); j++)
			dup += v[i] == v[j];
	check(zero, 0, "H_RANDOM x8 succeeds");
	check(dup, 0, "H_RANDOM x8 gives 8 different values (first 0x%lx)", v[0]);
}

static void vio_signal(void)
{
	check(HCALL(NULL, H_VIO_SIGNAL, 0x1234, 1), H_PARAMETER, "H_VIO_SIGNAL unknown unit -> H_PARAMETER");
	check(HCALL(NULL, H_VIO_SIGNAL, 0x30000000, 6), H_PARAMETER,
	      "H_VIO_SIGNAL unknown mode bits -> H_PARAMETER");
	check(HCALL(NULL, H_VIO_SIGNAL, 0x30000000, 0), H_SUCCESS, "H_VIO_SIGNAL vty interrupt off");
	check(HCALL(NULL, H_VIO_SIGNAL, 0x30000000, 1), H_SUCCESS, "H_VIO_SIGNAL vty interrupt on");
}

int main(const void *blob)
{
	(void)blob;
	root();
	hypertas();
	sprg0();
	page_init();
	logical();
	random();
	vio_signal();
	return 0;
}
