// SPDX-License-Identifier: GPL-2.0
/* The one logging helper: every message goes to stderr, one line each. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pvm/log.h"

int log_level = LOG_WARN;

static const char *const level_names[] = {
	[LOG_ERR] = "error",
	[LOG_WARN] = "warning",
	[LOG_INFO] = "info",
	[LOG_DEBUG] = "debug",
};

void pvm_log(int level, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	size_t n;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	/* One fprintf so concurrent vCPU threads never interleave a line. */
	fprintf(stderr, "pvm: %s: %s\n", level_names[level], buf);
}

int log__parse_level(const char *s)
{
	unsigned int i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (!strcmp(s, level_names[i]))
			return (int)i;
	if (!strcmp(s, "err"))
		return LOG_ERR;
	if (!strcmp(s, "warn"))
		return LOG_WARN;
	return -1;
}
