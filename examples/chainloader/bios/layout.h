/* Where the BIOS NBP keeps things in flat memory (nbp.ld agrees). */
#ifndef CL_BIOS_LAYOUT_H
#define CL_BIOS_LAYOUT_H

/* The C core: code, data and .bss (nbp.ld: CORE_BASE, CORE_LIMIT). */
#define CORE_BASE 0x1000000u
/* The stack's arena. */
#define ARENA_BASE 0x1100000u
#define ARENA_BYTES (8u << 20)
/* Downloaded images, bump-allocated up to the top of RAM. */
#define IMAGE_BASE 0x2000000u
/*
 * Once an NBP is chained our images are gone (it was copied to 7C00), and
 * the PXE API's download rings take their place: half the RAM above
 * IMAGE_BASE, up to FILE_MEM_MAX, so a whole kernel fits in one ring and
 * the TCP window never closes while the NBP reads slowly.  From CORE_BASE
 * to the rings' end is hidden from E820 while the NBP runs.
 */
#define FILE_MEM_MAX (64u << 20)

#ifdef __ASSEMBLER__
/* GDT selectors (boot_gdt and the .rm block's gdt in start.S). */
	.set CODE32, 0x08
	.set DATA32, 0x10
	.set CODE16, 0x18
	.set DATA16, 0x20

/* Flat 32-bit data selectors everywhere (after entering protected mode). */
	.macro flat_data
	movw	$DATA32, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %fs
	movw	%ax, %gs
	movw	%ax, %ss
	.endm
#endif

#endif
