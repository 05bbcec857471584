/*
 * Entry of BOOTAA64.EFI.  gnu-efi 3.0.15's arm64 crt0 carries a
 * hand-made PE header for objcopy -O binary; ours is converted by
 * objcopy --target efi-app-aarch64 like the x86_64 image (pe-finish.py),
 * so it needs an entry without one: relocate (gnu-efi's _relocate
 * applies .rela.dyn, data only: no code is patched, so no cache
 * maintenance is due), then efi_main(image, systab).
 */
	.hidden ImageBase
	.hidden _DYNAMIC
	.text
	.globl _start
	.type _start, %function
_start:
	stp x29, x30, [sp, #-32]!
	mov x29, sp
	stp x0, x1, [sp, #16]
	mov x2, x0
	mov x3, x1
	adr x0, ImageBase
	adrp x1, _DYNAMIC
	add x1, x1, #:lo12:_DYNAMIC
	bl _relocate
	cbnz x0, 0f
	ldp x0, x1, [sp, #16]
	bl efi_main
0:	ldp x29, x30, [sp], #32
	ret
	.size _start, . - _start

/* A base relocation block that relocates nothing (two padding entries
 * for page 0): firmware loads an image without one only at its
 * preferred base (0), i.e. never. */
	.section .reloc, "a", %progbits
	.4byte 0
	.4byte 12
	.2byte 0
	.2byte 0

	.section .note.GNU-stack, "", %progbits
