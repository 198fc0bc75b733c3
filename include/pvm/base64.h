/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_BASE64_H
#define PVM_BASE64_H

/* RFC 4648 base64 with padding: binary payloads inside control-socket JSON. */
#include <stddef.h>
#include <sys/types.h>

#include "pvm/types.h"

#define BASE64_LEN(n) ((((n) + 2) / 3) * 4)

/* Writes BASE64_LEN(n) characters and a NUL; returns the length. */
size_t base64_encode(const u8 *in, size_t n, char *out);
/* Decodes at most max bytes; -EINVAL for bad characters or padding, -E2BIG if longer. */
ssize_t base64_decode(const char *in, size_t n, u8 *out, size_t max);

#endif
