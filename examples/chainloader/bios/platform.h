/* The BIOS implementation of struct cl_platform. */
#ifndef CL_BIOS_PLATFORM_H
#define CL_BIOS_PLATFORM_H

#include "loader.h"

/* Calibrate the clock, copy the ROM's cached packets, open UNDI on an
 * arena in high memory.  p->ctx is kept (the loader, for chaining).
 * 0 or a negative NB_E* code. */
int bios_platform_init(struct cl_platform *p, struct nb_arena *arena);
/* Milliseconds since calibration; the top of usable RAM below 4 GiB. */
uint64_t bios_now_ms(void);
uint32_t bios_ram_top(void);
/* Leave UNDI in a state the ROM can take back. */
void bios_platform_quiesce(void);

#endif
