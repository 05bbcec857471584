/*
 * Several initrds for one kernel (a script's "initrd" lines): Linux
 * unpacks concatenated cpio archives, each starting on a 4-byte boundary,
 * so the pieces become one initrd, each padded with zeros to 4 bytes,
 * which is what the BIOS boot protocol and UEFI's LoadFile2 both serve.
 */
#ifndef CL_INITRDS_H
#define CL_INITRDS_H

#include <stdint.h>

#include "script.h"

/* The joined size of the n images in order (each rounded up to 4). */
uint64_t cl_initrds_size(struct cl_img *const *imgs, unsigned n);

/* Join the n images into out (cap bytes): the joined length, or
 * -NB_ETOOBIG when it does not fit (nothing is promised in out then). */
int64_t cl_initrds_join(struct cl_img *const *imgs, unsigned n, uint8_t *out,
			uint64_t cap);

#endif
