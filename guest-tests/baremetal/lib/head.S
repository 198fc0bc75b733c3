/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry points of a pvm bare-metal payload. pvm starts the boot CPU (and
 * start-cpu starts the others) big-endian, real mode, MSR = SF|ME. The code
 * here is little-endian, so each entry begins with a switch that reads as a
 * branch when executed big-endian and as a no-op when executed little-endian.
 */

/* Emit one instruction word in big-endian byte order. */
.macro	bebytes w
	.byte	((\w) >> 24) & 0xff, ((\w) >> 16) & 0xff, ((\w) >> 8) & 0xff, (\w) & 0xff
.endm

/*
 * to_le: first word 0x08000048 (tdi 0,r0,0x48 in LE, never traps) is
 * 0x48000008 (b .+8) when fetched big-endian. LE then branches over the
 * big-endian trampoline, which sets MSR[LE] through rfid and lands on the
 * label after it. Clobbers r10, r11, LR, SRR0/1.
 */
.macro	to_le
	tdi	0, 0, 0x48
	b	98f
	bebytes	0x7d6000a6	/* mfmsr  r11			*/
	bebytes	0x616b0001	/* ori    r11,r11,1 (MSR_LE)	*/
	bebytes	0x429f0005	/* bcl    20,31,.+4		*/
	bebytes	0x7d4802a6	/* mflr   r10 (= this word)	*/
	bebytes	0x394a0014	/* addi   r10,r10,20 -> 98f	*/
	bebytes	0x7d5a03a6	/* mtsrr0 r10			*/
	bebytes	0x7d7b03a6	/* mtsrr1 r11			*/
	bebytes	0x4c000024	/* rfid				*/
98:
.endm

.macro	load_toc
	lis	%r2, (.TOC.)@ha
	addi	%r2, %r2, (.TOC.)@l
.endm

	.section .text.head, "ax"
	.globl	_start
_start:
	to_le
	load_toc
	/* r3 = FDT: keep it in a non-volatile register across the BSS clear */
	mr	%r31, %r3
	lis	%r4, __bss_start@ha
	addi	%r4, %r4, __bss_start@l
	lis	%r5, __bss_end@ha
	addi	%r5, %r5, __bss_end@l
	li	%r0, 0
1:	cmpld	%r4, %r5
	bge	2f
	std	%r0, 0(%r4)
	addi	%r4, %r4, 8
	b	1b
2:	lis	%r1, boot_stack_top@ha
	addi	%r1, %r1, boot_stack_top@l
	li	%r0, 0
	stdu	%r0, -64(%r1)
	mr	%r3, %r31
	bl	rt_start
	nop
3:	b	3b

/*
 * Secondary CPUs: r3 = struct cpu_boot *, whose first field is the top of
 * this CPU's stack.
 */
	.globl	secondary_entry
	.balign	8
secondary_entry:
	to_le
	load_toc
	ld	%r1, 0(%r3)
	li	%r0, 0
	stdu	%r0, -64(%r1)
	bl	rt_secondary
	nop
4:	b	4b

/* long pvm_hcall(u64 nr, const u64 *in, u64 *out) */
	.text
	.globl	pvm_hcall
	.balign	16
pvm_hcall:
	mfcr	%r0
	stw	%r0, -4(%r1)
	std	%r5, -16(%r1)
	std	%r31, -24(%r1)
	mr	%r11, %r4
	ld	%r4, 0(%r11)
	ld	%r5, 8(%r11)
	ld	%r6, 16(%r11)
	ld	%r7, 24(%r11)
	ld	%r8, 32(%r11)
	ld	%r9, 40(%r11)
	ld	%r10, 48(%r11)
	ld	%r12, 64(%r11)
	ld	%r11, 56(%r11)
	sc	1
	ld	%r31, -16(%r1)
	std	%r4, 0(%r31)
	std	%r5, 8(%r31)
	std	%r6, 16(%r31)
	std	%r7, 24(%r31)
	std	%r8, 32(%r31)
	std	%r9, 40(%r31)
	std	%r10, 48(%r31)
	std	%r11, 56(%r31)
	std	%r12, 64(%r31)
	ld	%r31, -24(%r1)
	lwz	%r0, -4(%r1)
	mtcrf	0xff, %r0
	blr
