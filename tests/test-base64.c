// SPDX-License-Identifier: GPL-2.0
/* Base64 (vmm/base64.c): RFC 4648 vectors, round trips and what is refused. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pvm/base64.h"
#include "pvm/types.h"

#include "kselftest_harness.h"

TEST(base64_vectors)
{
	static const struct { const char *plain, *enc; } v[] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	char out[32];
	u8 dec[32];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		size_t n = strlen(v[i].plain);

		memset(out, 'x', sizeof(out));
		EXPECT_EQ(strlen(v[i].enc), base64_encode((const u8 *)v[i].plain, n, out));
		EXPECT_STREQ(v[i].enc, out);
		EXPECT_EQ((ssize_t)n, base64_decode(v[i].enc, strlen(v[i].enc), dec, sizeof(dec)));
		EXPECT_EQ(0, memcmp(dec, v[i].plain, n));
	}
}

TEST(base64_round_trips)
{
	u8 in[256], dec[256 + 3];
	char enc[BASE64_LEN(256) + 1];
	unsigned int len, seed, i;
	size_t n;

	/* Every length 0..5 with assorted bytes, including 0x00 and 0xff. */
	for (len = 0; len <= 5; len++) {
		for (seed = 0; seed < 256; seed += 15) {
			for (i = 0; i < len; i++)
				in[i] = (u8)(seed * 7 + i * 101);
			n = base64_encode(in, len, enc);
			ASSERT_EQ((size_t)BASE64_LEN(len), n);
			EXPECT_EQ('\0', enc[n]);
			EXPECT_EQ((ssize_t)len, base64_decode(enc, n, dec, len)) {
				TH_LOG("len %u seed %u: %s", len, seed, enc);
			}
			EXPECT_EQ(0, memcmp(in, dec, len));
		}
	}
	/* All byte values, in every alignment against the 3-byte groups. */
	for (i = 0; i < 256; i++)
		in[i] = i;
	for (i = 0; i < 3; i++) {
		n = base64_encode(in + i, 256 - i, enc);
		EXPECT_EQ((ssize_t)(256 - i), base64_decode(enc, n, dec, sizeof(dec)));
		EXPECT_EQ(0, memcmp(in + i, dec, 256 - i));
	}
	/* 0xff 0xff 0xff and 0 0 0 */
	memset(in, 0xff, 3);
	base64_encode(in, 3, enc);
	EXPECT_STREQ("////", enc);
	memset(in, 0, 3);
	base64_encode(in, 3, enc);
	EXPECT_STREQ("AAAA", enc);
	base64_encode((const u8 *)"\xfb\xef\xbe", 3, enc);
	EXPECT_STREQ("++++", enc);
}

TEST(base64_rejects)
{
	static const char *const bad[] = {
		"Z", "Zg", "Zg=", "Zm9vY", "Zg===", "=AAA", "A===", "====", "Zg=A",
		"Zm=v", "Zg==Zg==", "Zm8=Zm8=", "Zm9v!A==", "Zm9v Zm9v", "Zm9\n",
		"Zm-_", "Zm9v\x80" "AAA", "Zm9v\xff" "AAA", "Zg==\n",
	};
	u8 dec[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, base64_decode(bad[i], strlen(bad[i]), dec, sizeof(dec))) {
			TH_LOG("'%s'", bad[i]);
		}
	}
	/* A NUL inside the data is not base64 either. */
	EXPECT_EQ(-EINVAL, base64_decode("Zm\0v", 4, dec, sizeof(dec)));
}

TEST(base64_too_long)
{
	u8 dec[8];

	EXPECT_EQ(-E2BIG, base64_decode("Zm9vYmFy", 8, dec, 5));
	EXPECT_EQ(6, base64_decode("Zm9vYmFy", 8, dec, 6));
	EXPECT_EQ(-E2BIG, base64_decode("Zm9vYg==", 8, dec, 3));
	EXPECT_EQ(4, base64_decode("Zm9vYg==", 8, dec, 4));
	EXPECT_EQ(-E2BIG, base64_decode("Zm9vYmE=", 8, dec, 4));
	EXPECT_EQ(5, base64_decode("Zm9vYmE=", 8, dec, 5));
	EXPECT_EQ(-E2BIG, base64_decode("Zg==", 4, dec, 0));
	EXPECT_EQ(0, base64_decode("", 0, dec, 0));
}

TEST_HARNESS_MAIN
