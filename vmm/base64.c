// SPDX-License-Identifier: GPL-2.0
/* Base64 (RFC 4648, padded) for binary data in control-socket JSON. */
#include <errno.h>

#include "pvm/base64.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t base64_encode(const u8 *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		u32 v = in[i] << 16 | in[i + 1] << 8 | in[i + 2];

		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		out[o++] = alphabet[v & 63];
	}
	if (i < n) {
		u32 v = in[i] << 16 | (i + 1 < n ? in[i + 1] << 8 : 0);

		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

static int value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

ssize_t base64_decode(const char *in, size_t n, u8 *out, size_t max)
{
	size_t i, o = 0;

	if (n % 4)
		return -EINVAL;
	for (i = 0; i < n; i += 4) {
		int a = value(in[i]), b = value(in[i + 1]);
		int c = value(in[i + 2]), d = value(in[i + 3]);
		bool last = i + 4 == n;
		unsigned int bytes = 3;
		u32 v;

		if (a < 0 || b < 0)
			return -EINVAL;
		/* Padding only at the very end: "xx==" or "xxx=". */
		if (c < 0) {
			if (!last || in[i + 2] != '=' || in[i + 3] != '=')
				return -EINVAL;
			c = d = 0;
			bytes = 1;
		} else if (d < 0) {
			if (!last || in[i + 3] != '=')
				return -EINVAL;
			d = 0;
			bytes = 2;
		}
		if (o + bytes > max)
			return -E2BIG;
		v = a << 18 | b << 12 | c << 6 | d;
		out[o++] = v >> 16;
		if (bytes > 1)
			out[o++] = v >> 8;
		if (bytes > 2)
			out[o++] = v;
	}
	return o;
}
