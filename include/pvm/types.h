/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_TYPES_H
#define PVM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <endian.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((u64)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((u64)(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((u64)(a) - 1)) == 0)
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define SZ_1K 0x400ULL
#define SZ_4K 0x1000ULL
#define SZ_64K 0x10000ULL
#define SZ_1M 0x100000ULL
#define SZ_16M 0x1000000ULL
#define SZ_256M 0x10000000ULL
#define SZ_1G 0x40000000ULL

#define __unused __attribute__((unused))
#define __noreturn __attribute__((noreturn))

#endif
