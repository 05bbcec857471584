/* Serving our PXE API to the NBP the BIOS chainloader chains. */
#ifndef CL_BIOS_PXESERVE_H
#define CL_BIOS_PXESERVE_H

#include <stdint.h>

#include "loader.h"

/* The PXE API's hooks of the BIOS platform table: real-mode and physical
 * addresses, and the ROM's UNDI for the calls we pass through. */
void pxeserve_hooks(struct cl_platform *p);
/* Remember a DHCP option the script set, for the chained NBP. */
int pxeserve_set_option(unsigned tag, const char *value);
/* Install our PXE API over the stack of @p l, load the NBP at 0000:7C00
 * and start it as a ROM would.  Returns only on error (a negative NB_E*). */
int pxeserve_chain(struct cl_loader *l, const uint8_t *img, uint32_t len);
/* The entry start.S calls for each PXE API call: the PXENV_EXIT value. */
uint16_t bios_pxe_api(uint16_t opcode, uint32_t block);

#endif
