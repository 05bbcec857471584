/*
 * Chaining an NBP and serving it our PXE API: the real-mode entries it
 * far-calls and the protected-mode dispatch into C.
 * Part of the .rm block (start.S has its layout, variables and stacks).
 */
#include "bios/layout.h"

	.text
	.code32
/*
 * A PXE API call from the chained NBP, now in protected mode on our own
 * stack (nothing of ours is live on it: chaining never returns).  The C
 * dispatcher gets the opcode and the flat address of the caller's block.
 */
pm_api:
	flat_data
	movl	$pm_stack_top, %esp
	movl	rm_base, %ebx
	movzwl	api_seg(%ebx), %eax
	shll	$4, %eax
	movzwl	api_off(%ebx), %ecx
	addl	%ecx, %eax
	movzwl	api_opcode(%ebx), %ecx
	pushl	%eax
	pushl	%ecx
	call	bios_pxe_api
	movl	rm_base, %ebx
	movw	%ax, api_result(%ebx)
	movw	$api_return, rm_target(%ebx)
	ljmp	$CODE16, $rm_tramp

	.section .rm, "awx"
	.code16

/* Start the NBP already copied to 0000:7C00 as a ROM starts one: on the
 * stack the ROM called us with, our !PXE far pointer at SS:SP+4 and
 * ES:BX -> our PXENV+.  The return address on top is chain_return's, so
 * an NBP that gives up passes through us on its way back to the ROM. */
	.globl rm_do_chain
rm_do_chain:
	movw	chain_bang_off, %cx
	movw	chain_bang_seg, %dx
	movw	chain_pxenv_off, %bx
	movw	chain_pxenv_seg, %es
	movw	rom_sp, %ax
	addw	$40, %ax		/* the ROM's SP before our pushes */
	movw	rom_ss, %ss
	movw	%ax, %sp
	movw	%sp, %bp
	movw	%cx, 4(%bp)
	movw	%dx, 6(%bp)
	movw	0(%bp), %ax
	movw	%ax, rom_ret
	movw	2(%bp), %ax
	movw	%ax, rom_ret + 2
	movw	$chain_return, 0(%bp)
	movw	%cs, 2(%bp)
	xorl	%eax, %eax
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%esi, %esi
	xorl	%edi, %edi
	xorl	%ebp, %ebp
	movw	%ax, %ds
	movw	%ax, %fs
	movw	%ax, %gs
	sti
	ljmp	$0, $0x7c00

/* The chained NBP returned (it failed): take our hooks out if they are
 * still ours and give back the base memory, then continue in the ROM
 * with the NBP's registers, as if it had returned there directly. */
chain_return:
	pushfw
	cli
	pushl	%eax
	pushw	%ds
	pushw	%es
	pushw	%cs
	popw	%ds
	xorw	%ax, %ax
	movw	%ax, %es
	movw	%cs, %ax
	cmpw	$int1a_hook, %es:0x1a*4
	jne	1f
	cmpw	%ax, %es:0x1a*4+2
	jne	1f
	pushl	old_int1a
	popl	%es:0x1a*4
1:	cmpw	$int15_hook, %es:0x15*4
	jne	2f
	cmpw	%ax, %es:0x15*4+2
	jne	2f
	pushl	old_int15
	popl	%es:0x15*4
2:	movw	fbm_orig, %ax
	movw	%ax, %es:0x413
	popw	%es
	popw	%ds
	popl	%eax
	popfw
	ljmp	*%cs:rom_ret

/*
 * Our PXE API, far-called by the chained NBP in real mode.
 *   !PXE EntryPointSP: opcode, block offset, block segment on the stack.
 *   PXENV+ RMEntry:    BX = opcode, ES:DI = block.
 * Every register, segment and the GDTR come back as they were, except
 * AX = PXENV_EXIT_* and CF set on failure (syslinux tests CF).
 */
	.globl api_entry_sp, api_entry_pxenv
api_entry_sp:
	pushfw
	cli
	pushw	%bp
	movw	%sp, %bp
	pushw	%ax
	movw	8(%bp), %ax
	movw	%ax, %cs:api_opcode
	movw	10(%bp), %ax
	movw	%ax, %cs:api_off
	movw	12(%bp), %ax
	movw	%ax, %cs:api_seg
	popw	%ax
	popw	%bp
	jmp	api_common
api_entry_pxenv:
	pushfw
	cli
	movw	%bx, %cs:api_opcode
	movw	%di, %cs:api_off
	movw	%es, %cs:api_seg
api_common:
	/* The caller's stack may be small: only FLAGS went there. */
	movw	%ss, %cs:api_caller_ss
	movw	%sp, %cs:api_caller_sp
	pushw	%cs
	popw	%ss
	movw	$api_stack_top, %sp
	pushal
	pushw	%ds
	pushw	%es
	pushw	%fs
	pushw	%gs
	pushw	%cs
	popw	%ds
	sgdtl	api_gdtr
	lgdtl	gdt_desc
	movl	%cr0, %eax
	orl	$1, %eax
	movl	%eax, %cr0
	ljmpl	$CODE32, $pm_api

/* Routine for rm_call() from pm_api: unwind to the caller. */
api_return:
	lgdtl	api_gdtr
	movw	$(api_stack_top - 40), %sp
	popw	%gs
	popw	%fs
	popw	%es
	popw	%ds
	popal
	movw	%cs:api_caller_ss, %ss
	movw	%cs:api_caller_sp, %sp
	movw	%cs:api_result, %ax
	popfw
	testw	%ax, %ax
	jz	1f
	stc
	lret
1:	clc
	lret

	.section .note.GNU-stack, "", @progbits
