/*
 * INT 1Ah (PXE installation check) and INT 15h E820 hooks for the chained
 * NBP.
 * Part of the .rm block (start.S has its layout, variables and stacks).
 */
#include "bios/layout.h"

	.section .rm, "awx"
	.code16

/* INT 1Ah, AX=5650h: the PXE installation check finds our PXENV+. */
	.globl int1a_hook
int1a_hook:
	cmpw	$0x5650, %ax
	jne	1f
	movw	$0x564e, %ax
	movw	%cs:chain_pxenv_seg, %bx
	movw	%bx, %es
	movw	%cs:chain_pxenv_off, %bx
	jmp	iret_cf_clear
1:	ljmp	*%cs:old_int1a

/*
 * INT 15h, E820: the chained NBP (and the kernel it loads) must not use
 * the memory our core lives in while it serves them, so the usable
 * entries lose [hide_lo, hide_hi).  An entry that straddles it comes back
 * as two: the lower part now, with EBX = E820_SPLIT, and the upper part
 * on the next call, which then resumes the BIOS's own sequence.
 */
	.set E820_SPLIT, 0x4e42e820
	.set SMAP, 0x534d4150
	.globl int15_hook
int15_hook:
	cmpl	$0xe820, %eax
	jne	9f
	cmpl	$SMAP, %edx
	jne	9f
	cmpl	$E820_SPLIT, %ebx
	je	e820_upper
	pushfw
	lcall	*%cs:old_int15
	jc	iret_cf_set
	pushal
	movw	%sp, %bp
	cmpl	$1, %es:16(%di)
	jne	8f
	cmpl	$0, %es:4(%di)		/* starts above 4 GiB: not ours */
	jne	8f
	movl	%es:0(%di), %esi	/* start */
	movl	%es:8(%di), %ecx
	movl	%es:12(%di), %edx
	addl	%esi, %ecx		/* end in EDX:ECX */
	adcl	$0, %edx
	cmpl	%cs:hide_hi, %esi
	jae	8f			/* starts above the hole */
	testl	%edx, %edx
	jnz	1f
	cmpl	%cs:hide_lo, %ecx
	jbe	8f			/* ends below it */
1:	/* Overlaps.  Upper part left over? */
	xorw	%bx, %bx
	testl	%edx, %edx
	jnz	2f
	cmpl	%cs:hide_hi, %ecx
	jbe	3f
2:	incw	%bx
3:	cmpl	%cs:hide_lo, %esi
	jae	5f
	/* A lower part: report it (length hide_lo - start). */
	movl	%cs:hide_lo, %eax
	subl	%esi, %eax
	movl	%eax, %es:8(%di)
	movl	$0, %es:12(%di)
	testw	%bx, %bx
	jz	8f
	/* ... and keep the upper part for the next call. */
	movl	%ecx, %cs:split_end_lo
	movl	%edx, %cs:split_end_hi
	movl	16(%bp), %eax		/* the BIOS's EBX (pushal slot) */
	movl	%eax, %cs:split_ebx
	movl	$E820_SPLIT, 16(%bp)
	jmp	8f
5:	testw	%bx, %bx
	jnz	6f
	movl	$2, %es:16(%di)		/* all inside: reserved */
	jmp	8f
6:	movl	%cs:hide_hi, %eax	/* only an upper part */
	movl	%eax, %es:0(%di)
	subl	%eax, %ecx
	sbbl	$0, %edx
	movl	%ecx, %es:8(%di)
	movl	%edx, %es:12(%di)
8:	popal
	jmp	iret_cf_clear
9:	ljmp	*%cs:old_int15

e820_upper:
	movl	%cs:hide_hi, %eax
	movl	%eax, %es:0(%di)
	movl	$0, %es:4(%di)
	movl	%cs:split_end_lo, %ecx
	movl	%cs:split_end_hi, %edx
	subl	%eax, %ecx
	sbbl	$0, %edx
	movl	%ecx, %es:8(%di)
	movl	%edx, %es:12(%di)
	movl	$1, %es:16(%di)
	movl	%cs:split_ebx, %ebx
	movl	$SMAP, %eax
	movl	$20, %ecx
	jmp	iret_cf_clear

/* Return from an interrupt with CF in the caller's FLAGS set/clear. */
iret_cf_clear:
	pushw	%bp
	movw	%sp, %bp
	andw	$~1, 6(%bp)
	popw	%bp
	iret
iret_cf_set:
	pushw	%bp
	movw	%sp, %bp
	orw	$1, 6(%bp)
	popw	%bp
	iret

	.section .note.GNU-stack, "", @progbits
