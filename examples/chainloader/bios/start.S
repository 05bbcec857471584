/*
 * BIOS NBP entry and the switches between the modes.
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
 *
 * The .rm block is assembled from several files, each its own job:
 * this one (the mode switches, the block's GDT, and every variable and
 * stack of the block, so its data layout is in one place), rom.S (the
 * routines that call the ROM: PXE API, the UNDI drain, BIOS interrupts,
 * the return to the ROM), api.S (chaining an NBP and serving it our PXE
 * API) and hooks.S (INT 1Ah and INT 15h).  nbp.ld puts .rm.head first.
 */
#include "bios/layout.h"

/* nbzip's probabilities (tools/nbzip/nbzip.c), 16-bit each, in the
 * core's .bss while it is expanded (it is zeroed afterwards), with the
 * expander's stack above them: pages of data, never of code. */
	.set ZP_MATCH, __bss_start		/* 2: after a literal, a match */
	.set ZP_REP, __bss_start + 4
	.set ZP_LIT, __bss_start + 6		/* node 1..255 at + 2 * node */
	.set ZP_OFF, __bss_start + 6 + 512	/* 2 per bit of a number */
	.set ZP_LEN, __bss_start + 6 + 512 + 80
	.set ZP_COUNT, (6 + 512 + 80 + 80) / 2
	.set ZP_STACK, __bss_start + 1024

/* One bit of the range coder (nbzip.c's dec_bit) with the probability
 * at P: the bit in CF.  Normalises first, so the bit comes out of the
 * last instruction.  Clobbers EAX and ECX. */
	.macro z_bitm p
	cmpl	$0x1000000, %ebp
	jae	1f
	shll	$8, %ebp
	shll	$8, %edx
	movb	(%esi), %dl
	incl	%esi
1:	movl	%ebp, %eax
	shrl	$11, %eax
	movzwl	\p, %ecx
	imull	%ecx, %eax		/* bound */
	cmpl	%eax, %edx
	jae	2f
	movl	%eax, %ebp		/* a 0: CF is clear after the addw */
	movl	$2048, %eax
	subl	%ecx, %eax
	shrl	$5, %eax
	addw	%ax, \p
	jmp	3f
2:	subl	%eax, %edx		/* a 1 */
	subl	%eax, %ebp
	shrl	$5, %ecx
	subw	%cx, \p
	stc
3:
	.endm

	.set BDA_FBM, 0x413		/* free base memory in KiB */

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
	/* The core: expand it to CORE_BASE (tools/nbzip/nbzip.c has the
	 * format and the same expander in C), zero its .bss.  Registers:
	 * ESI the input, EDI the output, EBP the coder's range, EDX its
	 * code; on the stack the end of the output and the last offset. */
	movl	$ZP_STACK, %esp
	movl	$ZP_MATCH, %edi
	movl	$ZP_COUNT, %ecx
	movw	$1024, %ax
	rep stosw
	movl	$__high_lma, %esi
	movl	$__high_start, %edi
	lodsl
	addl	%edi, %eax
	pushl	%eax			/* 4(%esp): the last offset */
	pushl	%eax			/* (%esp): the end of the core */
	lodsl
	bswap	%eax
	movl	%eax, %edx
	orl	$-1, %ebp
z_after_match:
	movl	$ZP_MATCH + 2, %ebx
	jmp	1f
z_after_lit:
	movl	$ZP_MATCH, %ebx
1:	cmpl	(%esp), %edi
	jae	5f
	call	z_bit
	jnc	z_lit
	cmpl	$ZP_MATCH, %ebx
	jne	2f
	movl	$ZP_REP, %ebx
	call	z_bit
	jnc	2f
	movl	$ZP_LEN, %ebx
	call	z_num
	jmp	3f
2:	movl	$ZP_OFF, %ebx
	call	z_num
	movl	%ecx, 4(%esp)
	movl	$ZP_LEN, %ebx
	call	z_num
	incl	%ecx
3:	movl	%esi, %eax
	movl	%edi, %esi
	subl	4(%esp), %esi
	rep movsb			/* bytewise: may overlap its output */
	movl	%eax, %esi
	jmp	z_after_match
z_lit:	xorl	%ebx, %ebx		/* the node of the byte's tree */
	incl	%ebx
4:	z_bitm	"ZP_LIT(%ebx,%ebx)"	/* inline: most bits are literals' */
	adcl	%ebx, %ebx
	cmpl	$256, %ebx
	jb	4b
	movl	%ebx, %eax
	stosb
	jmp	z_after_lit

/* One bit of the range coder with the probability at EBX: the bit in
 * CF; EAX clobbered. */
z_bit:
	pushl	%ecx
	z_bitm	(%ebx)
	popl	%ecx
	ret

/* A number of the format, its probabilities from EBX: in ECX.  EAX and
 * EBX clobbered. */
z_num:
	pushl	%edi
	xorl	%ecx, %ecx
	xorl	%edi, %edi
	incl	%edi			/* the bit being decoded */
1:	call	z_bit
	jnc	3f
	addl	$2, %ebx
	call	z_bit
	jnc	2f
	orl	%edi, %ecx
2:	addl	$2, %ebx
	addl	%edi, %edi
	jmp	1b
3:	orl	%edi, %ecx
	popl	%edi
	ret

5:
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
/* For tools/nbzip: where the core starts in the image, which it
 * compresses from there to the end. */
	.ascii	"NBZ2"
	.long	__high_lma - 0x7c00

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
	.globl rm_call, pm_return, pm_stack_top
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
	.section .rm.head, "awx"
	.ascii	"NBRM"			/* no symbol at offset 0 */

	.section .rm, "awx"
	.code16
	.globl rm_tramp

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
	.globl hide_lo, hide_hi, api_stack, api_stack_top
	.globl rom_ret, fbm_orig, rm_target, split_end_lo, split_end_hi
	.globl split_ebx, api_opcode, api_off, api_seg, api_result
	.globl api_caller_ss, api_caller_sp, api_gdtr, rm_int_fp, gdt_desc
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
