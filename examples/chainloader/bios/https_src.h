/* Where the BIOS TLS image's https:// gets anchors and time (https.h). */
#ifndef CL_BIOS_HTTPS_SRC_H
#define CL_BIOS_HTTPS_SRC_H

#include "https.h"

void bios_https_src(struct cl_https_src *src);

#endif
