/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_PAPR_H
#define PVM_PAPR_H

/* PAPR hcall numbers and status codes (values as in the kernel's hvcall.h). */

#define H_SUCCESS 0
#define H_BUSY 1
#define H_CLOSED 2
#define H_NOT_AVAILABLE 3
#define H_NOOP 63
#define H_HARDWARE -1
#define H_FUNCTION -2
#define H_PRIVILEGE -3
#define H_PARAMETER -4
#define H_RESOURCE -16
#define H_P2 -55
#define H_P3 -56
#define H_P4 -57
#define H_P5 -58
#define H_UNSUPPORTED_FLAG -256

/* H_PAGE_INIT flags (asm/hvcall.h); the CMO page-state ones are accepted and ignored. */
#define H_ICACHE_INVALIDATE (1ULL << (63 - 40))
#define H_ICACHE_SYNCHRONIZE (1ULL << (63 - 41))
#define H_ZERO_PAGE (1ULL << (63 - 48))
#define H_COPY_PAGE (1ULL << (63 - 49))
#define H_PAGE_STATE_CHANGE (1ULL << (63 - 28))
#define H_PAGE_UNUSED ((1ULL << (63 - 29)) | (1ULL << (63 - 30)))
#define H_PAGE_SET_UNUSED (H_PAGE_STATE_CHANGE | H_PAGE_UNUSED)
#define H_PAGE_SET_LOANED (H_PAGE_SET_UNUSED | (1ULL << (63 - 31)))

#define H_GET_TCE 0x1c
#define H_PUT_TCE 0x20
#define H_SET_SPRG0 0x24
#define H_SET_DABR 0x28
#define H_PAGE_INIT 0x2c
#define H_SET_ASR 0x30
#define H_LOGICAL_CI_LOAD 0x3c
#define H_LOGICAL_CI_STORE 0x40
#define H_LOGICAL_CACHE_LOAD 0x44
#define H_LOGICAL_CACHE_STORE 0x48
#define H_LOGICAL_ICBI 0x4c
#define H_LOGICAL_DCBF 0x50
#define H_GET_TERM_CHAR 0x54
#define H_PUT_TERM_CHAR 0x58
#define H_EOI 0x64
#define H_CPPR 0x68
#define H_IPI 0x6c
#define H_IPOLL 0x70
#define H_XIRR 0x74
#define H_REGISTER_VPA 0xdc
#define H_CEDE 0xe0
#define H_CONFER 0xe4
#define H_PROD 0xe8
#define H_GET_PPP 0xec
#define H_VIO_SIGNAL 0x104
#define H_SET_XDABR 0x134
#define H_STUFF_TCE 0x138
#define H_PUT_TCE_INDIRECT 0x13c
#define H_XIRR_X 0x2fc
#define H_RANDOM 0x300
#define H_GET_CPU_CHARACTERISTICS 0x1c8
#define H_SET_MODE 0x31c
#define H_REGISTER_PROC_TBL 0x37c
#define H_SIGNAL_SYS_RESET 0x380
/* XIVE exploitation (papr/xive.c); KVM serves none of them. */
#define H_INT_GET_SOURCE_INFO 0x3a8
#define H_INT_SET_SOURCE_CONFIG 0x3ac
#define H_INT_GET_SOURCE_CONFIG 0x3b0
#define H_INT_GET_QUEUE_INFO 0x3b4
#define H_INT_SET_QUEUE_CONFIG 0x3b8
#define H_INT_GET_QUEUE_CONFIG 0x3bc
#define H_INT_SET_OS_REPORTING_LINE 0x3c0
#define H_INT_GET_OS_REPORTING_LINE 0x3c4
#define H_INT_ESB 0x3c8
#define H_INT_SYNC 0x3cc
#define H_INT_RESET 0x3d0
#define H_WATCHDOG 0x45c
#define MAX_HCALL_OPCODE 0x494

#define H_RTAS 0xf000
/* pvm-private hcalls (platform range, never enabled in-kernel) */
#define H_PVM_BASE 0xf0f0
#define H_PVM_LAST 0xf0ff
#define H_PVM_EXIT 0xf0f0	/* r4 (0..63) becomes pvm's exit status; --test-exit only */
#define H_PVM_SANDBOX_TEST 0xf0f1	/* --test-exit only: a forbidden syscall */
#define H_PVM_MARK 0xf0f2	/* --boot-trace only: r4 (0..63) is a boot milestone */
/* Ultravisor / secure-VM hcalls; KVM leaves them to userspace. */
#define H_SVM_BASE 0xef00
#define H_SVM_END 0xef80
#define H_TPM_COMM 0xef10
#define KVMPPC_HCALL_BASE 0xf000
#define KVMPPC_HCALL_END 0xf0ff

/* H_SET_MODE resources */
#define H_SET_MODE_RESOURCE_SET_CIABR 1
#define H_SET_MODE_RESOURCE_SET_DAWR0 2
#define H_SET_MODE_RESOURCE_ADDR_TRANS_MODE 3
#define H_SET_MODE_RESOURCE_LE 4
#define H_SET_MODE_RESOURCE_SET_DAWR1 5

/* H_REGISTER_PROC_TBL flags */
#define PROC_TABLE_OP_MASK 0x18
#define PROC_TABLE_DEREG 0x10
#define PROC_TABLE_NEW 0x18
#define PROC_TABLE_TYPE_MASK 0x06
#define PROC_TABLE_HPT_SLB 0x00
#define PROC_TABLE_HPT_PT 0x02
#define PROC_TABLE_RADIX 0x04
#define PROC_TABLE_GTSE 0x01

/* LPCR bits the guest may ask us to change (ISA 3.0 numbering). */
#define LPCR_ILE 0x02000000ULL
#define LPCR_AIL 0x01800000ULL
#define LPCR_AIL_3 0x01800000ULL
#define LPCR_LD 0x00020000ULL

#define PATB_GR (1ULL << 63)

/* RTAS status codes */
#define RTAS_OUT_SUCCESS 0
#define RTAS_OUT_NO_ERRORS_FOUND 1
#define RTAS_OUT_HW_ERROR -1
#define RTAS_OUT_BUSY -2
#define RTAS_OUT_PARAM_ERROR -3
#define RTAS_OUT_DELAY_10MS 9901	/* extended delay: retry after 10^1 ms */
#define RTAS_OUT_NOT_SUPPORTED -3
#define RTAS_OUT_NOT_AUTHORIZED -9002
#define RTAS_OUT_SYSPARM_PARAM_ERROR -9999

#endif
