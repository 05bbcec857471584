/* Where the UEFI TLS image's https:// gets anchors and time (https.h). */
#ifndef CL_EFI_HTTPS_SRC_H
#define CL_EFI_HTTPS_SRC_H

#include "https.h"

void efi_https_src(struct cl_https_src *src);

#endif
