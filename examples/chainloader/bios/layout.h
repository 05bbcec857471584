/* Where the BIOS NBP keeps things in flat memory (nbp.ld agrees). */
#ifndef CL_BIOS_LAYOUT_H
#define CL_BIOS_LAYOUT_H

/* The C core: code, data and .bss (nbp.ld: CORE_BASE, CORE_LIMIT). */
#define CORE_BASE 0x1000000u
/* The stack's arena. */
#define ARENA_BASE 0x1100000u
#define ARENA_BYTES (8u << 20)
/* Download rings of the PXE API served to a chained NBP. */
#define FILE_MEM_BASE (ARENA_BASE + ARENA_BYTES)
#define FILE_MEM_BYTES (7u << 20)
/* End of what must survive while a chained NBP runs. */
#define RESIDENT_END (FILE_MEM_BASE + FILE_MEM_BYTES)
/* Downloaded images, bump-allocated up to the top of RAM. */
#define IMAGE_BASE RESIDENT_END

#endif
