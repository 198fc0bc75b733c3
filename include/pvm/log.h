/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_LOG_H
#define PVM_LOG_H

enum log_level {
	LOG_ERR,
	LOG_WARN,
	LOG_INFO,
	LOG_DEBUG,
};

extern int log_level;

void pvm_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int log__parse_level(const char *s);

#define pr_err(...) pvm_log(LOG_ERR, __VA_ARGS__)
#define pr_warn(...) pvm_log(LOG_WARN, __VA_ARGS__)
#define pr_info(...) pvm_log(LOG_INFO, __VA_ARGS__)
#define pr_debug(...)                                 \
	do {                                          \
		if (log_level >= LOG_DEBUG)           \
			pvm_log(LOG_DEBUG, __VA_ARGS__); \
	} while (0)

#endif
