/*
 * BIOS NBP entry and the real-mode gateway.
 *
 * The PXE ROM far-calls us at 0000:7C00 in real mode with ES:BX -> PXENV+
 * and the !PXE far pointer at SS:[SP+4].  We save the ROM's registers and
 * stack (to return to it on failure), switch to 32-bit flat protected
 * mode, zero .bss and run the C core.  Every PXE API call goes back to
 * real mode through pm_pxe_call(), which lives here in the first 64 KiB
 * so real-mode code can address it with segment 0.
 */
	.set CODE32, 0x08
	.set DATA32, 0x10
	.set CODE16, 0x18
	.set DATA16, 0x20

/*
 * Mode switches shared by every gateway.  to_real: from 32-bit protected
 * mode (code32) to real mode with DS=ES=SS=0 (ends in code16).  to_prot:
 * back to flat 32-bit protected mode (ends in code32); the caller then
 * reloads its own stack pointer.
 */
	.macro to_real
	ljmp	$CODE16, $.Lr16\@
	.code16
.Lr16\@:
	movw	$DATA16, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	%cr0, %eax
	andl	$~1, %eax
	movl	%eax, %cr0
	ljmp	$0, $.Lrm\@
.Lrm\@:
	xorw	%ax, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	.endm

	.macro to_prot
	lgdtl	gdt_desc
	movl	%cr0, %eax
	orl	$1, %eax
	movl	%eax, %cr0
	ljmpl	$CODE32, $.Lp32\@
	.code32
.Lp32\@:
	movw	$DATA32, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %fs
	movw	%ax, %gs
	movw	%ax, %ss
	.endm

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
	movw	%ax, %cs:bangpxe_off
	movw	%ss:46(%bp), %ax
	movw	%ax, %cs:bangpxe_seg
	movw	%bx, %cs:pxenv_off
	movw	%es, %cs:pxenv_seg
	movw	%ss, %cs:rom_ss
	movw	%sp, %cs:rom_sp
	cli
	xorw	%ax, %ax
	movw	%ax, %ds
	/* Fast A20: the image buffers live above 1 MiB. */
	inb	$0x92, %al
	orb	$0x02, %al
	andb	$0xfe, %al
	outb	%al, $0x92
	lgdtl	gdt_desc
	movl	%cr0, %eax
	orl	$1, %eax
	movl	%eax, %cr0
	ljmpl	$CODE32, $pm_start

	.code32
pm_start:
	movw	$DATA32, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %fs
	movw	%ax, %gs
	movw	%ax, %ss
	movl	$pm_stack_top, %esp
	cld
	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb
	call	nbp_main
	/* nbp_main returned: hand control back to the ROM. */
	jmp	pm_exit_to_rom

/*
 * uint16_t pm_pxe_call(uint16_t opcode, uint32_t param_linear)
 * Far-calls the !PXE entry point (pxe_entry, seg:off) in real mode with
 * the parameter block's segment:offset and the opcode on the stack, as the
 * PXE specification defines; returns AX.  Interrupts are enabled during
 * the call (UNDI drivers may need them) and disabled again after.
 */
	.globl pm_pxe_call
pm_pxe_call:
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	movl	20(%esp), %eax
	movw	%ax, rm_opcode
	movl	24(%esp), %eax
	movl	%eax, %edx
	andw	$0x000f, %ax
	movw	%ax, rm_param_off
	shrl	$4, %edx
	movw	%dx, rm_param_seg
	movl	%esp, pm_saved_esp
	to_real
	movw	$rm_stack_top, %sp
	sti
	pushw	rm_param_seg
	pushw	rm_param_off
	pushw	rm_opcode
	lcall	*pxe_entry
	addw	$6, %sp
	cli
	xorw	%bx, %bx
	movw	%bx, %ds
	movw	%ax, rm_result
	to_prot
	movl	pm_saved_esp, %esp
	movzwl	rm_result, %eax
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret

/*
 * void pm_rm_int(uint8_t vector, struct rm_regs *r)
 * Run a BIOS interrupt in real mode with the general registers and ES
 * from *r (which must be in the first 64 KiB so real mode can address it
 * with DS=0), and store the results and FLAGS back.  The vector is patched
 * into the int instruction: the code lives in writable base memory.
 */
	.globl pm_rm_int
pm_rm_int:
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	movl	20(%esp), %eax
	movb	%al, rm_int_insn + 1
	movl	24(%esp), %eax
	movl	%eax, rm_regs_ptr
	movl	%esp, pm_saved_esp
	to_real
	movw	$rm_stack_top, %sp
	movw	rm_regs_ptr, %si
	movw	32(%si), %ax		/* es */
	movw	%ax, %es
	movl	0(%si), %eax
	movl	4(%si), %ebx
	movl	8(%si), %ecx
	movl	12(%si), %edx
	movl	20(%si), %edi
	movl	24(%si), %ebp
	movl	16(%si), %esi
	sti
rm_int_insn:
	int	$0x00
	cli
	pushfl
	pushl	%esi
	xorw	%si, %si
	movw	%si, %ds
	movw	rm_regs_ptr, %si
	movl	%eax, 0(%si)
	movl	%ebx, 4(%si)
	movl	%ecx, 8(%si)
	movl	%edx, 12(%si)
	popl	%eax
	movl	%eax, 16(%si)
	movl	%edi, 20(%si)
	movl	%ebp, 24(%si)
	popl	%eax
	movl	%eax, 28(%si)		/* eflags */
	movw	%es, 32(%si)
	to_prot
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

/*
 * void pm_chain_nbp(uint32_t src, uint32_t len): start another NBP as the
 * ROM started us.  The image must land at 0000:7C00, on top of our own
 * code, so a small stub is first copied to CHAIN_BASE (below 7C00) and
 * does the rest from there: copy the image (from above 1 MiB, so still in
 * protected mode, with its own copy of the GDT), drop to real mode, put
 * the ROM's stack back exactly as it was when it called us (return
 * address, then the !PXE pointer at SS:SP+4), ES:BX -> PXENV+, and jump.
 * If the chained NBP returns, it returns straight to the ROM.
 */
	.set CHAIN_BASE, 0x7000
	.set CHAIN_SEG, 0x0700
	.code32
	.globl pm_chain_nbp
pm_chain_nbp:
	cli
	movl	4(%esp), %eax
	movl	%eax, chain_src
	movl	8(%esp), %eax
	movl	%eax, chain_len
	movw	rom_ss, %ax
	movw	%ax, chain_ss
	movw	rom_sp, %ax
	addw	$40, %ax		/* the ROM's SP before our pushes */
	movw	%ax, chain_sp
	movw	pxenv_seg, %ax
	movw	%ax, chain_es
	movw	pxenv_off, %ax
	movw	%ax, chain_bx
	cld
	movl	$chain_stub, %esi
	movl	$CHAIN_BASE, %edi
	movl	$(chain_stub_end - chain_stub), %ecx
	rep movsb
	ljmp	$CODE32, $(CHAIN_BASE + (chain_pm - chain_stub))

	.balign 16
chain_stub:
chain_pm:
	lgdtl	CHAIN_BASE + (chain_gdt_desc - chain_stub)
	movl	CHAIN_BASE + (chain_src - chain_stub), %esi
	movl	CHAIN_BASE + (chain_len - chain_stub), %ecx
	movl	$0x7c00, %edi
	rep movsb
	ljmp	$CODE16, $(CHAIN_BASE + (chain_16 - chain_stub))
	.code16
chain_16:
	movw	$DATA16, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	%cr0, %eax
	andl	$~1, %eax
	movl	%eax, %cr0
	ljmp	$CHAIN_SEG, $(chain_rm - chain_stub)
chain_rm:
	movw	%cs, %ax
	movw	%ax, %ds
	movw	(chain_ss - chain_stub), %ss
	movw	(chain_sp - chain_stub), %sp
	movw	(chain_es - chain_stub), %es
	movw	(chain_bx - chain_stub), %bx
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
	.balign 8
chain_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff
	.quad	0x00cf92000000ffff
	.quad	0x00009a000000ffff
	.quad	0x000092000000ffff
chain_gdt_end:
chain_gdt_desc:
	.word	chain_gdt_end - chain_gdt - 1
	.long	CHAIN_BASE + (chain_gdt - chain_stub)
chain_src:	.long 0
chain_len:	.long 0
chain_ss:	.word 0
chain_sp:	.word 0
chain_es:	.word 0
chain_bx:	.word 0
chain_stub_end:
	.code32

/* void pm_exit_to_rom(void): restore the ROM's stack and registers, lret. */
	.globl pm_exit_to_rom
pm_exit_to_rom:
	cli
	to_real
	movw	rom_ss, %ss
	movw	rom_sp, %sp
	popw	%gs
	popw	%fs
	popw	%es
	popw	%ds
	popal
	sti
	lret

	.balign 8
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: 32-bit code, flat */
	.quad	0x00cf92000000ffff	/* 0x10: 32-bit data, flat */
	.quad	0x00009a000000ffff	/* 0x18: 16-bit code, base 0, 64 KiB */
	.quad	0x000092000000ffff	/* 0x20: 16-bit data, base 0, 64 KiB */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt

	.globl pxenv_off, pxenv_seg, bangpxe_off, bangpxe_seg, pxe_entry
pxenv_off:	.word 0
pxenv_seg:	.word 0
bangpxe_off:	.word 0
bangpxe_seg:	.word 0
pxe_entry:	.long 0			/* !PXE EntryPointSP, off then seg */
rom_ss:		.word 0
rom_sp:		.word 0
rm_opcode:	.word 0
rm_param_off:	.word 0
rm_param_seg:	.word 0
rm_result:	.word 0
pm_saved_esp:	.long 0
rm_regs_ptr:	.long 0
	.globl rm_regs_area, low_buf
	.balign 16
rm_regs_area:	.space 48		/* struct rm_regs for pm_rm_int() */
low_buf:	.space 1024		/* buffers BIOS calls fill (E820...) */
	.balign 16
rm_stack:	.space 2048		/* the ROM's calls run on this */
rm_stack_top:

	.section .bss
	.balign 16
pm_stack:	.space 32768
pm_stack_top:
	.section .note.GNU-stack, "", @progbits
