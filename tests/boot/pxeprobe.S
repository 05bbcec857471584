/*
 * A tiny NBP that checks the PXE API our BIOS chainloader serves the way
 * a chained program finds and uses it, printing one line per check on
 * COM1 ("probe: ... ok" or "probe: FAIL ..."), then "probe: done" and
 * returns as a failing NBP does (a failed check halts instead).  Chained by tests/boot/probe.ipxe; e2e.sh bios probe reads it.
 *   - the !PXE far pointer at SS:SP+4 and PXENV+ at ES:BX on entry;
 *   - INT 1Ah AX=5650h finds PXENV+ (AX=564Eh, CF clear);
 *   - PXENV+ RMEntry (BX = opcode, ES:DI = block): GET_CACHED_INFO of
 *     the DHCPACK reports the script's options 209 and 210;
 *   - !PXE EntryPointSP: an opcode nobody implements gives AX=1, CF set
 *     and status PXENV_STATUS_UNSUPPORTED;
 *   - the file API (FILE_API_CHECK, FILE_OPEN/READ/CLOSE) and the TFTP
 *     API (TFTP_GET_FSIZE, TFTP_OPEN/READ/CLOSE) read an http:// URL:
 *     "probe: file API N bytes sum S" and "probe: tftp API N bytes sum
 *     S" (S = the bytes' sum mod 65536, for e2e.sh to compare);
 *   - INT 15h E820 reports nothing usable in 16..32 MiB (our core).
 */
	.code16
	.text
	.globl _start
_start:
	ljmp	$0, $1f
1:	movw	%sp, %bp
	movw	%ss:4(%bp), %ax		/* !PXE offset, segment */
	movw	%ax, %cs:bang_off
	movw	%ss:6(%bp), %ax
	movw	%ax, %cs:bang_seg
	movw	%bx, %cs:pxenv_off
	movw	%es, %cs:pxenv_seg
	xorw	%ax, %ax
	movw	%ax, %ds
	movw	$s_start, %si
	call	puts

	/* !PXE from the stack */
	lesw	bang_off, %di
	cmpl	$0x45585021, %es:(%di)	/* "!PXE" */
	jne	fail_bang
	movw	$s_bang, %si
	call	ok

	/* INT 1Ah installation check */
	movw	$0x5650, %ax
	stc
	int	$0x1a
	jc	fail_1a
	cmpw	$0x564e, %ax
	jne	fail_1a
	cmpl	$0x4e455850, %es:(%bx)	/* "PXEN" */
	jne	fail_1a
	cmpw	%bx, pxenv_off
	jne	fail_1a
	movw	%es, %ax
	cmpw	%ax, pxenv_seg
	jne	fail_1a
	movw	$s_1a, %si
	call	ok

	/* GET_CACHED_INFO (DHCPACK) through PXENV+ RMEntry */
	lesw	pxenv_off, %bx
	movw	%es:0x0a(%bx), %ax
	movw	%ax, rm_entry
	movw	%es:0x0c(%bx), %ax
	movw	%ax, rm_entry + 2
	movw	$0x0071, %bx
	pushw	%ds
	popw	%es
	movw	$gci, %di
	lcall	*rm_entry
	jc	fail_gci
	testw	%ax, %ax
	jnz	fail_gci
	cmpw	$0, gci
	jne	fail_gci
	movw	$s_gci, %si
	call	ok
	/* Options from offset 240: print 209 and 210 as the NBP sees them. */
	lesw	gci + 6, %di
	movw	gci + 4, %cx
	addw	%di, %cx		/* end */
	addw	$240, %di
2:	cmpw	%cx, %di
	jae	3f
	movb	%es:(%di), %al
	cmpb	$0xff, %al
	je	3f
	cmpb	$0, %al
	jne	4f
	incw	%di
	jmp	2b
4:	movb	%es:1(%di), %dl
	cmpb	$209, %al
	je	5f
	cmpb	$210, %al
	jne	6f
5:	movb	%al, %bl
	movw	$s_opt, %si
	call	puts
	movb	%bl, %al
	call	putdec
	movb	$'=', %al
	call	putc
	pushw	%di
	movzbw	%dl, %dx
	addw	$2, %di
7:	testw	%dx, %dx
	jz	8f
	movb	%es:(%di), %al
	call	putc
	incw	%di
	decw	%dx
	jmp	7b
8:	popw	%di
	movb	$'\n', %al
	call	putc
	movb	%es:1(%di), %dl
6:	movzbw	%dl, %dx
	addw	%dx, %di
	addw	$2, %di
	jmp	2b
3:
	/* An unimplemented opcode through !PXE EntryPointSP */
	lesw	bang_off, %di
	movw	%es:0x10(%di), %ax
	movw	%ax, sp_entry
	movw	%es:0x12(%di), %ax
	movw	%ax, sp_entry + 2
	movw	$0xffff, blk
	pushw	%ds
	pushw	$blk
	pushw	$0x00ff
	lcall	*sp_entry
	pushfw
	popw	%cx
	addw	$6, %sp
	testw	$1, %cx			/* CF */
	jz	fail_unsup
	cmpw	$1, %ax
	jne	fail_unsup
	cmpw	$3, blk
	jne	fail_unsup
	movw	$s_unsup, %si
	call	ok

	/* File API: check, then read the whole URL until a 0-byte read. */
	movw	$0x00e6, %bx
	movw	$fac, %di
	call	api
	testw	%ax, %ax
	jnz	fail_fapi
	cmpl	$0xe9c17b20, fac + 4
	jne	fail_fapi
	movw	$0x00e0, %bx
	movw	$fopen, %di
	call	api
	testw	%ax, %ax
	jnz	fail_fapi
	movw	fopen + 2, %ax
	movw	%ax, fread + 2
	movw	%ax, fclose + 2
	call	sum_reset
	movl	$400000, loops
11:	decl	loops
	jz	fail_fapi
	movw	$2048, fread + 4
	movw	$0x00e3, %bx
	movw	$fread, %di
	call	api
	testw	%ax, %ax
	jz	12f
	cmpw	$0x1b, fread		/* no data yet: ask again */
	je	11b
	jmp	fail_fapi
12:	movw	fread + 4, %cx
	jcxz	13f
	call	sum_add
	jmp	11b
13:	movw	$0x00e1, %bx
	movw	$fclose, %di
	call	api
	movw	$s_fapi, %si
	call	print_sum

	/* TFTP API on the same URL: size first, then 512-byte packets. */
	movw	$0x0025, %bx
	movw	$tfsize, %di
	call	api
	testw	%ax, %ax
	jnz	fail_tapi
	movl	tfsize + 138, %eax
	movl	%eax, want_len
	movw	$0x0020, %bx
	movw	$topen, %di
	call	api
	testw	%ax, %ax
	jnz	fail_tapi
	call	sum_reset
	movl	$400000, loops
14:	decl	loops
	jz	fail_tapi
	movw	$0x0022, %bx
	movw	$tread, %di
	call	api
	testw	%ax, %ax
	jnz	fail_tapi
	movw	tread + 4, %cx
	call	sum_add
	cmpw	$512, %cx
	je	14b
	movw	$0x0021, %bx
	movw	$tclose, %di
	call	api
	movl	total, %eax
	cmpl	want_len, %eax
	jne	fail_tapi
	movw	$s_tapi, %si
	call	print_sum

	/* E820: nothing usable may overlap [16 MiB, 32 MiB) */
	xorl	%ebx, %ebx
	movw	$64, count
9:	pushw	%ds
	popw	%es
	movw	$e820, %di
	movl	$0xe820, %eax
	movl	$20, %ecx
	movl	$0x534d4150, %edx
	int	$0x15
	jc	fail_e820
	cmpl	$0x534d4150, %eax
	jne	fail_e820
	incw	entries
	cmpl	$1, e820 + 16
	jne	10f
	cmpl	$0, e820 + 4
	jne	10f
	movl	e820, %eax		/* start < 32 MiB and end > 16 MiB? */
	cmpl	$0x2000000, %eax
	jae	10f
	addl	e820 + 8, %eax
	jc	fail_e820		/* wraps past 4 GiB: covers it */
	cmpl	$0x1000000, %eax
	ja	fail_e820
10:	decw	count
	jz	fail_e820
	testl	%ebx, %ebx
	jnz	9b
	cmpw	$3, entries
	jb	fail_e820
	movw	$s_e820, %si
	call	ok

	movw	$s_done, %si
	call	puts
	/* Give up as a failing NBP would: back to whoever started us (the
	 * chainloader passes that on to the ROM). */
	xorw	%ax, %ax
	movw	%ax, %ds
	lret
halt:	cli
	hlt
	jmp	halt

fail_fapi:	movw	$s_fapi, %si
		jmp	fail
fail_tapi:	movw	$s_tapi, %si
		jmp	fail
fail_bang:	movw	$s_bang, %si
		jmp	fail
fail_1a:	movw	$s_1a, %si
		jmp	fail
fail_gci:	movw	$s_gci, %si
		jmp	fail
fail_unsup:	movw	$s_unsup, %si
		jmp	fail
fail_e820:	movw	$s_e820, %si
fail:	pushw	%si
	movw	$s_fail, %si
	call	puts
	popw	%si
	call	puts
	movb	$'\n', %al
	call	putc
	jmp	halt

/* A call through !PXE EntryPointSP: BX = opcode, DS:DI = block; AX back. */
api:	pushw	%ds
	pushw	%di
	pushw	%bx
	lcall	*sp_entry
	addw	$6, %sp
	ret

sum_reset:
	movl	$0, total
	movw	$0, sum
	ret

/* Add CX bytes at buf to total and sum. */
sum_add:
	pushw	%cx
	movzwl	%cx, %eax
	addl	%eax, total
	movw	$buf, %si
	jcxz	2f
1:	lodsb
	movzbw	%al, %ax
	addw	%ax, sum
	loop	1b
2:	popw	%cx
	ret

/* "probe: <si> <total> bytes sum <sum>\n" */
print_sum:
	pushw	%si
	movw	$s_probe, %si
	call	puts
	popw	%si
	call	puts
	movb	$' ', %al
	call	putc
	movl	total, %eax
	call	putdec32
	movw	$s_bytes, %si
	call	puts
	movzwl	sum, %eax
	call	putdec32
	movb	$'\n', %al
	jmp	putc

/* EAX in decimal. */
putdec32:
	pushl	%ecx
	pushl	%edx
	xorw	%cx, %cx
1:	xorl	%edx, %edx
	pushl	%ebx
	movl	$10, %ebx
	divl	%ebx
	popl	%ebx
	pushw	%dx
	incw	%cx
	testl	%eax, %eax
	jnz	1b
2:	popw	%ax
	addb	$'0', %al
	call	putc
	loop	2b
	popl	%edx
	popl	%ecx
	ret

/* "probe: <si> ok\n" */
ok:	pushw	%si
	movw	$s_probe, %si
	call	puts
	popw	%si
	call	puts
	movw	$s_ok, %si
	jmp	puts

puts:	lodsb
	testb	%al, %al
	jz	1f
	call	putc
	jmp	puts
1:	ret

/* AL in decimal (two or three digits) */
putdec:	pushw	%cx
	pushw	%ax
	xorb	%ah, %ah
	movb	$100, %cl
	divb	%cl
	addb	$'0', %al
	call	putc
	movb	%ah, %al
	xorb	%ah, %ah
	movb	$10, %cl
	divb	%cl
	pushw	%ax
	addb	$'0', %al
	call	putc
	popw	%ax
	movb	%ah, %al
	addb	$'0', %al
	call	putc
	popw	%ax
	popw	%cx
	ret

putc:	pushw	%dx
	pushw	%cx
	pushw	%ax
	movw	$0x3fd, %dx
	movw	$0xffff, %cx
1:	inb	%dx, %al
	testb	$0x20, %al
	loopz	1b
	popw	%ax
	movw	$0x3f8, %dx
	outb	%al, %dx
	popw	%cx
	popw	%dx
	ret

s_start:	.asciz	"probe: start\n"
s_probe:	.asciz	"probe: "
s_ok:		.asciz	" ok\n"
s_fail:		.asciz	"probe: FAIL "
s_bang:		.asciz	"!PXE at SS:SP+4"
s_1a:		.asciz	"INT 1Ah finds PXENV+"
s_gci:		.asciz	"GET_CACHED_INFO via PXENV+"
s_opt:		.asciz	"probe: option "
s_unsup:	.asciz	"unsupported opcode via !PXE"
s_e820:		.asciz	"E820 hides 16-32 MiB"
s_fapi:		.asciz	"file API"
s_tapi:		.asciz	"tftp API"
s_bytes:	.asciz	" bytes sum "
s_url:		.asciz	"http://10.90.0.1/probe.bin"
s_done:		.asciz	"probe: done\n"

	.balign 4
bang_off:	.word 0
bang_seg:	.word 0
pxenv_off:	.word 0
pxenv_seg:	.word 0
rm_entry:	.long 0
sp_entry:	.long 0
count:		.word 0
entries:	.word 0
/* PXENV_GET_CACHED_INFO: status, type 2 (ACK), size 0 = the API's copy */
gci:		.word 0, 2, 0, 0, 0, 0
blk:		.space 64
e820:		.space 24
loops:		.long 0
total:		.long 0
want_len:	.long 0
sum:		.word 0
/* FILE_API_CHECK: status, size, magic in; provider, mask, flags out */
fac:		.word 0, 20
		.long 0x91d447b2, 0, 0, 0
/* FILE_OPEN: status, handle, name (off, seg), reserved */
fopen:		.word 0, 0, s_url, 0
		.long 0
/* FILE_READ: status, handle, size, buffer (off, seg) */
fread:		.word 0, 0, 0, buf, 0
fclose:		.word 0, 0
/* TFTP_OPEN and TFTP_GET_FSIZE: status, server, gateway, name[128], then
 * port and packet size (OPEN) or the size (GET_FSIZE) */
	.macro tftp_name
		.word 0
		.byte 10, 90, 0, 1
		.long 0
		.ascii "http://10.90.0.1/probe.bin"
		.fill 128 - 26, 1, 0
	.endm
topen:		tftp_name
		.byte 0, 69
		.word 512
tfsize:		tftp_name
		.long 0
/* TFTP_READ: status, packet number, size, buffer (off, seg) */
tread:		.word 0, 0, 0, buf, 0
tclose:		.word 0
buf:		.space 2048
