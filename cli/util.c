// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/builtin.h"

/* Up to 9 decimals: "1.5G", "0.25T"; the result must be whole bytes. */
#define MAX_DECIMALS 9

static int unit_shift(const char **p, unsigned int *shift)
{
	const char *end = *p;

	*shift = 20;	/* bare numbers are MiB, as with lkvm -m */
	switch (toupper((unsigned char)*end)) {
	case '\0':
		return 0;
	case 'B':
		*shift = 0;
		break;
	case 'K':
		*shift = 10;
		break;
	case 'M':
		*shift = 20;
		break;
	case 'G':
		*shift = 30;
		break;
	case 'T':
		*shift = 40;
		break;
	default:
		return -EINVAL;
	}
	end++;
	if (*end == 'i' || *end == 'I')
		end++;
	if ((*end == 'B' || *end == 'b') && *shift)
		end++;
	*p = end;
	return *end ? -EINVAL : 0;
}

int parse_size(const char *s, u64 *out)
{
	unsigned long long v, frac = 0, scale = 1, frac_bytes;
	unsigned __int128 num;
	unsigned int shift, digits = 0;
	char *end;
	const char *p;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	if (*end == '.') {
		for (end++; isdigit((unsigned char)*end); end++) {
			if (++digits > MAX_DECIMALS)
				return -EINVAL;
			frac = frac * 10 + (*end - '0');
			scale *= 10;
		}
		if (!digits)
			return -EINVAL;
	}
	p = end;
	if (unit_shift(&p, &shift))
		return -EINVAL;
	if (v > (~0ULL >> shift))
		return -ERANGE;
	/* frac / scale of a unit, in bytes; it must come out whole. */
	num = (unsigned __int128)frac << shift;
	if (num % scale)
		return -EINVAL;
	frac_bytes = num / scale;
	if ((v << shift) > ~0ULL - frac_bytes)
		return -ERANGE;
	*out = (v << shift) + frac_bytes;
	return 0;
}

u64 host__meminfo(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	unsigned long long kb = 0;
	char line[128];
	size_t kl = strlen(key);

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':' &&
		    sscanf(line + kl + 1, "%llu", &kb) == 1)
			break;
	fclose(f);
	return (u64)kb * 1024;
}
