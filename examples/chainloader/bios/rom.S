/*
 * Real-mode routines for rm_call() that call the ROM or the BIOS.
 * Part of the .rm block (start.S has its layout, variables and stacks).
 */
#include "bios/layout.h"

	.section .rm, "awx"
	.code16

/* Routines for rm_call().  Each runs with DS = SS = the block. */

/* Far-call the ROM's !PXE entry: opcode and block on the stack (PXE 2.1
 * section 3.1); AX comes back.  Interrupts on: UNDI drivers may need
 * them while they work. */
	.globl rm_do_pxe
rm_do_pxe:
	sti
	pushw	rm_param_seg
	pushw	rm_param_off
	pushw	rm_opcode
	lcall	*pxe_entry
	addw	$6, %sp
	cli
	movw	%cs, %bx
	movw	%bx, %ds
	movw	%ax, rm_result
	ret

/*
 * The UNDI ISR sequence in one visit (nb_undi_env::drain in
 * netboot/undi.h has the record format and when to stop): each step calls
 * PXENV_UNDI_ISR with the block at rm_param_seg:rm_param_off and appends
 * the block, a data length and the received piece to the log at
 * rm_log_seg:0; rm_log_used says how far it got.
 */
	.set UNDI_ISR, 0x0014
	.set FRAME_MAX, 1514		/* NB_ETH_FRAME_MAX */
	.globl rm_do_drain
rm_do_drain:
	sti
	movw	$0, rm_log_used
1:	movw	rm_log_used, %ax
	cmpw	rm_log_stop, %ax
	ja	9f			/* no room for another record */
	subw	$1, rm_drain_steps
	jc	9f
	pushw	rm_param_seg
	pushw	rm_param_off
	pushw	$UNDI_ISR
	lcall	*pxe_entry
	addw	$6, %sp
	cld
	movw	%cs, %bx
	movw	%bx, %ds
	/* The record: the block as the ROM left it ... */
	movw	rm_log_seg, %es
	movw	rm_log_used, %di
	movw	%di, %bp
	movw	rm_param_off, %si
	movw	rm_param_seg, %bx
	pushw	%ds
	movw	%bx, %ds
	movw	$8, %cx
	rep movsw
	popw	%ds
	/* (AX non-zero with a zero status: it failed all the same) ... */
	testw	%ax, %ax
	jz	2f
	cmpw	$0, %es:0(%bp)
	jne	2f
	movw	$1, %es:0(%bp)
	/* ... then the piece a successful OUT_RECEIVE brought, if it can
	 * be a frame's. */
2:	xorw	%cx, %cx
	cmpw	$0, %es:0(%bp)
	jne	4f
	cmpw	$3, %es:2(%bp)		/* OUT_RECEIVE */
	jne	4f
	decw	rm_drain_pieces
	movw	%es:4(%bp), %dx		/* BufferLength */
	cmpw	$FRAME_MAX, %dx
	ja	4f
	movw	%es:10(%bp), %si	/* Frame: normalise seg:off */
	movw	%es:12(%bp), %bx
	movw	%si, %ax
	shrw	$4, %ax
	addw	%ax, %bx
	jc	4f			/* past 1 MiB: not copied */
	andw	$15, %si
	movw	%dx, %cx
	movw	%cx, %es:(%di)
	addw	$2, %di
	pushw	%ds
	movw	%bx, %ds
	shrw	$2, %cx			/* dwords, then up to 3 bytes: */
	rep movsl			/* TCG pays per iteration */
	movw	%dx, %cx
	andw	$3, %cx
	rep movsb
	popw	%ds
	jmp	5f
4:	movw	%cx, %es:(%di)
	addw	$2, %di
5:	testw	$1, %di
	jz	6f
	movb	$0, %es:(%di)
	incw	%di
6:	movw	%di, rm_log_used
	/* Go on after a transmit event, or a piece while room is left. */
	cmpw	$0, %es:0(%bp)
	jne	9f
	movw	%es:2(%bp), %ax
	cmpw	$2, %ax			/* OUT_TRANSMIT */
	je	7f
	cmpw	$3, %ax
	jne	9f
	cmpw	$0, rm_drain_pieces
	je	9f
7:	movw	rm_param_seg, %es	/* the block again: IN_GET_NEXT */
	movw	rm_param_off, %di
	xorw	%ax, %ax
	movw	$8, %cx
	rep stosw
	movw	$3, %es:-14(%di)
	jmp	1b
9:	cli
	ret

/* A BIOS interrupt (vector in rm_int_vec) with the registers in
 * rm_regs.  Called through the IVT as INT would (FLAGS pushed, IF off
 * on entry): patching an INT instruction would write to the code page. */
	.globl rm_do_int
rm_do_int:
	xorw	%ax, %ax
	movw	%ax, %es
	movzbw	rm_int_vec, %bx
	shlw	$2, %bx
	movl	%es:(%bx), %eax
	movl	%eax, rm_int_fp
	movw	rm_regs+32, %ax		/* es */
	movw	%ax, %es
	movl	rm_regs+0, %eax
	movl	rm_regs+4, %ebx
	movl	rm_regs+8, %ecx
	movl	rm_regs+12, %edx
	movl	rm_regs+16, %esi
	movl	rm_regs+20, %edi
	movl	rm_regs+24, %ebp
	sti
	pushfw
	cli
	lcall	*%cs:rm_int_fp
	cli
	pushfl
	pushw	%cs
	popw	%ds
	movl	%eax, rm_regs+0
	movl	%ebx, rm_regs+4
	movl	%ecx, rm_regs+8
	movl	%edx, rm_regs+12
	movl	%esi, rm_regs+16
	movl	%edi, rm_regs+20
	movl	%ebp, rm_regs+24
	popl	%eax
	movl	%eax, rm_regs+28	/* eflags */
	movw	%es, rm_regs+32
	ret

/* Back to the ROM that called us: its stack still holds our pushes. */
	.globl rm_do_exit
rm_do_exit:
	movw	rom_ss, %ss
	movw	rom_sp, %sp
	popw	%gs
	popw	%fs
	popw	%es
	popw	%ds
	popal
	sti
	lret

	.section .note.GNU-stack, "", @progbits
