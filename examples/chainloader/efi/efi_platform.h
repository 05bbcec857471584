/* The UEFI implementation of struct cl_platform. */
#ifndef CL_EFI_PLATFORM_H
#define CL_EFI_PLATFORM_H

#include <efi.h>

#include "loader.h"

/* Copy the firmware's DHCP packets out of PXE Base Code, take SNP for
 * ourselves (exclusive open), and fill *p.  Prints what went wrong. */
EFI_STATUS efi_platform_init(struct cl_platform *p, EFI_HANDLE image,
			     struct nb_arena *arena);
/* The loader's DHCP client, whose kept packets (our own DHCP's, when we
 * ran one) a chained program finds in PXE Base Code at hand-back. */
void efi_platform_dhcp(const struct nb_dhcp *d);
/* Give SNP back to the firmware (before returning to it). */
void efi_platform_release(void);

#endif
