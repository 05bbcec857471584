/*
 * BIOS NBP entry and the real-mode side of the chainloader.
 *
 * The image has three parts (see nbp.ld):
 *  - .text.entry, run once at 0000:7C00 where the ROM loaded us;
 *  - .rm, real-mode code and data assembled at offset 0 and copied to the
 *    top of base memory (taken from the BIOS free-memory word at 40:13),
 *    so it survives a chained NBP being loaded at 7C00 and keeps serving
 *    it the PXE API; it runs with CS = DS = SS = its own segment;
 *  - the C core, linked at CORE_BASE (16 MiB) and copied there.
 *
 * Protected-mode code reaches real mode only through rm_call(fn): it
 * drops to real mode in the .rm block, near-calls fn there on the .rm
 * stack and comes back.  Real-mode callers (the chained NBP's PXE calls)
 * enter through api_entry_sp/api_entry_pxenv, which switch the other way.
 */
	.set CODE32, 0x08
	.set DATA32, 0x10
	.set CODE16, 0x18
	.set DATA16, 0x20
	.set BDA_FBM, 0x413		/* free base memory in KiB */

/* Flat 32-bit data selectors everywhere (after entering protected mode). */
	.macro flat_data
	movw	$DATA32, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %fs
	movw	%ax, %gs
	movw	%ax, %ss
	.endm

/* ------------------------------------------------------------------ */
	.section .text.entry, "awx"
	.code16
	.globl _start
_start:
	ljmp	$0, $1f			/* normalise 07C0:0000 to 0000:7C00 */
1:	pushal
	pushw	%ds
	pushw	%es
	pushw	%fs
	pushw	%gs
	movw	%sp, %bp
	/* After 8 dwords and 4 words: the ROM's return address at +40,
	 * the !PXE pointer at +44. */
	movw	%ss:44(%bp), %ax
	movw	%ax, %cs:boot_bang_off
	movw	%ss:46(%bp), %ax
	movw	%ax, %cs:boot_bang_seg
	movw	%bx, %cs:boot_pxenv_off
	movw	%es, %cs:boot_pxenv_seg
	movw	%ss, %cs:boot_rom_ss
	movw	%sp, %cs:boot_rom_sp
	cli
	xorw	%ax, %ax
	movw	%ax, %ds
	/* Fast A20: the core lives above 1 MiB. */
	inb	$0x92, %al
	orb	$0x02, %al
	andb	$0xfe, %al
	outb	%al, $0x92
	lgdtl	boot_gdt_desc
	movl	%cr0, %eax
	orl	$1, %eax
	movl	%eax, %cr0
	ljmpl	$CODE32, $boot_pm

	.code32
boot_pm:
	flat_data
	cld
	/* The core: copy to CORE_BASE, zero its .bss. */
	movl	$__high_lma, %esi
	movl	$__high_start, %edi
	movl	$__high_len, %ecx
	rep movsb
	movl	$__bss_start, %edi
	movl	$__bss_len, %ecx
	xorl	%eax, %eax
	rep stosb
	/* The .rm block: from the top of base memory, on whole 4 KiB pages
	 * of its own (nbp.ld: code page, then data pages), so nothing it
	 * writes shares a page with code, the ROM's included: QEMU's TCG
	 * (like a CPU's self-modifying-code check) makes every write to a
	 * page it has translated code from slow, and a few bytes of our
	 * stack in the ROM's code page once cost half the UNDI rate. */
	movzwl	BDA_FBM, %eax
	movw	%ax, rm_fbm_orig
	shll	$10, %eax
	subl	$__rm_total, %eax
	andl	$~0xfff, %eax
	movl	%eax, rm_base
	shrl	$10, %eax
	movw	%ax, BDA_FBM
	movl	rm_base, %eax
	movl	%eax, %edi
	movl	$__rm_lma, %esi
	movl	$__rm_size, %ecx
	rep movsb
	movl	$__rm_bss_len, %ecx
	xorl	%eax, %eax
	rep stosb
	/* What the ROM handed us, for the C side. */
	movw	boot_pxenv_off, %ax
	movw	%ax, rom_pxenv_off
	movw	boot_pxenv_seg, %ax
	movw	%ax, rom_pxenv_seg
	movw	boot_bang_off, %ax
	movw	%ax, rom_bang_off
	movw	boot_bang_seg, %ax
	movw	%ax, rom_bang_seg
	/* Point the .rm block's GDT and 16-bit descriptors at where it
	 * now lives, and describe it to itself. */
	movl	rm_base, %ebx
	movl	%ebx, %eax
	shrl	$4, %eax
	movw	%ax, rm_seg(%ebx)
	movw	boot_rom_ss, %ax
	movw	%ax, rom_ss(%ebx)
	movw	boot_rom_sp, %ax
	movw	%ax, rom_sp(%ebx)
	movw	rm_fbm_orig, %ax
	movw	%ax, fbm_orig(%ebx)
	leal	gdt(%ebx), %eax
	movl	%eax, gdt_desc+2(%ebx)
	movl	%ebx, %eax
	movw	%ax, gdt+CODE16+2(%ebx)
	movw	%ax, gdt+DATA16+2(%ebx)
	shrl	$16, %eax
	movb	%al, gdt+CODE16+4(%ebx)
	movb	%al, gdt+DATA16+4(%ebx)
	lgdtl	gdt_desc(%ebx)
	ljmpl	$CODE32, $core_start

	.balign 8
boot_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: 32-bit code, flat */
	.quad	0x00cf92000000ffff	/* 0x10: 32-bit data, flat */
boot_gdt_end:
boot_gdt_desc:
	.word	boot_gdt_end - boot_gdt - 1
	.long	boot_gdt
boot_pxenv_off:	.word 0
boot_pxenv_seg:	.word 0
boot_bang_off:	.word 0
boot_bang_seg:	.word 0
boot_rom_ss:	.word 0
boot_rom_sp:	.word 0

/* ------------------------------------------------------------------ */
	.text
	.code32
core_start:
	flat_data
	movl	$pm_stack_top, %esp
	call	nbp_main
	/* nbp_main returned: hand control back to the ROM. */
	call	bios_exit_to_rom

/*
 * void rm_call(uint16_t fn): run the .rm routine at offset fn in real
 * mode (CS = DS = SS = the block's segment, interrupts off unless fn
 * enables them) and come back.  fn may also never return.
 */
	.globl rm_call
rm_call:
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	movl	rm_base, %edx
	movl	20(%esp), %eax
	movw	%ax, rm_target(%edx)
	movl	%esp, pm_saved_esp
	ljmp	$CODE16, $rm_tramp
pm_return:
	flat_data
	movl	pm_saved_esp, %esp
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret

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

/*
 * void pm_boot_linux32(uint32_t entry, uint32_t boot_params)
 * The Linux 32-bit boot protocol wants flat segments at selectors 0x10
 * (code) and 0x18 (data), ESI = boot_params, interrupts off.
 */
	.globl pm_boot_linux32
pm_boot_linux32:
	cli
	movl	4(%esp), %ebx
	movl	8(%esp), %esi
	lgdtl	linux_gdt_desc
	ljmpl	$0x10, $1f
1:	movw	$0x18, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %fs
	movw	%ax, %gs
	movw	%ax, %ss
	xorl	%ebp, %ebp
	xorl	%edi, %edi
	/* EBX must be zero too: jump through the stack instead. */
	pushl	$0x10
	pushl	%ebx
	xorl	%ebx, %ebx
	lret

	.section .rodata
	.balign 8
linux_gdt:
	.quad	0
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x10: __BOOT_CS */
	.quad	0x00cf92000000ffff	/* 0x18: __BOOT_DS */
linux_gdt_end:
linux_gdt_desc:
	.word	linux_gdt_end - linux_gdt - 1
	.long	linux_gdt

/* Written at run time: in .bss, which nbp.ld keeps off the code's pages
 * (boot_pm sets these after zeroing it). */
	.bss
	.globl rm_base, rm_fbm_orig
	.globl rom_pxenv_off, rom_pxenv_seg, rom_bang_off, rom_bang_seg
	.balign 4
rm_base:	.long 0			/* linear address of the .rm block */
pm_saved_esp:	.long 0
rm_fbm_orig:	.word 0			/* 40:13 before we took our KiB */
rom_pxenv_off:	.word 0
rom_pxenv_seg:	.word 0
rom_bang_off:	.word 0
rom_bang_seg:	.word 0
	.balign 16
pm_stack:	.space 32768
pm_stack_top:

/* ------------------------------------------------------------------ */
	.section .rm, "awx"
	.code16
	.ascii	"NBRM"			/* no symbol at offset 0 */

/* 16-bit protected mode, CS/DS bases = the block: leave for real mode,
 * call the routine, and go back to 32-bit protected mode. */
rm_tramp:
	movw	$DATA16, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %fs
	movw	%ax, %gs
	movw	%ax, %ss
	movl	%cr0, %eax
	andl	$~1, %eax
	movl	%eax, %cr0
	ljmp	*%cs:rm_tramp_fp
rm_tramp_rm:
	movw	%cs, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	$rm_stack_top, %sp
	call	*rm_target
	cli
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	gdt_desc
	movl	%cr0, %eax
	orl	$1, %eax
	movl	%eax, %cr0
	ljmpl	$CODE32, $pm_return

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

	.balign 8
gdt:
	.quad	0
	/* Accessed bits preset: the CPU would otherwise write them. */
	.quad	0x00cf9b000000ffff	/* 0x08: 32-bit code, flat */
	.quad	0x00cf93000000ffff	/* 0x10: 32-bit data, flat */
	.quad	0x00009b000000ffff	/* 0x18: 16-bit code, base = the block */
	.quad	0x000093000000ffff	/* 0x20: 16-bit data, base = the block */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	0			/* patched: linear address of gdt */
rm_tramp_fp:
	.word	rm_tramp_rm
	.globl rm_seg
rm_seg:	.word	0			/* must follow rm_tramp_fp */

/* Everything the block writes while it runs: zeroed by boot_pm, on the
 * pages after the code page (nbp.ld). */
	.section .rmbss, "aw", @nobits
	.globl rom_ss, rom_sp, pxe_entry, rm_opcode, rm_param_off, rm_param_seg
	.globl rm_result, rm_regs, rm_int_vec, chain_bang_off, chain_bang_seg
	.globl rm_log_seg, rm_log_stop, rm_log_used, rm_drain_pieces
	.globl rm_drain_steps
	.globl chain_pxenv_off, chain_pxenv_seg, old_int1a, old_int15
	.globl hide_lo, hide_hi, api_stack
	.balign 16
rom_ss:		.space 2
rom_sp:		.space 2
rom_ret:	.space 4		/* where the ROM called us from */
fbm_orig:	.space 2		/* 40:13 as the ROM left it */
rm_target:	.space 2
pxe_entry:	.space 4		/* the ROM's !PXE EntryPointSP */
rm_opcode:	.space 2
rm_param_off:	.space 2
rm_param_seg:	.space 2
rm_result:	.space 2
rm_log_seg:	.space 2		/* rm_do_drain: its log, at offset 0 */
rm_log_stop:	.space 2		/* no step once the log is past this */
rm_log_used:	.space 2
rm_drain_pieces: .space 2		/* OUT_RECEIVE records left */
rm_drain_steps:	.space 2		/* ISR calls left */
chain_bang_off:	.space 2		/* our !PXE and PXENV+ */
chain_bang_seg:	.space 2
chain_pxenv_off: .space 2
chain_pxenv_seg: .space 2
old_int1a:	.space 4
old_int15:	.space 4
hide_lo:	.space 4
hide_hi:	.space 4
split_end_lo:	.space 4
split_end_hi:	.space 4
split_ebx:	.space 4
api_opcode:	.space 2
api_off:	.space 2
api_seg:	.space 2
api_result:	.space 2
api_caller_ss:	.space 2
api_caller_sp:	.space 2
api_gdtr:	.space 6
rm_int_vec:	.space 1		/* rm_do_int's vector */
	.balign 4
rm_int_fp:	.space 4		/* its handler, from the IVT */
rm_regs:	.space 48		/* struct rm_regs for rm_do_int */
	.balign 16
rm_stack:	.space 2048		/* the ROM's calls run on this */
rm_stack_top:
api_stack:	.space 256		/* the caller's registers */
api_stack_top:

	.section .note.GNU-stack, "", @progbits
