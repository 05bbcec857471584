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

#endif
