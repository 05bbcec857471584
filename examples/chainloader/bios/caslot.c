/*
 * The BIOS image's CA slot: nbpatch --reserve appended it after the
 * compressed core, outside what start.S expands, so it is read where the
 * ROM loaded the image (boot_core_end, recorded by start.S).  That memory
 * stays ours until a chained NBP is loaded at 7C00; the loader reads the
 * slot at start.  The signature's first word and the capacity identify
 * it.
 */
#include "caslot.h"

extern const uint32_t boot_core_end;

const struct cl_ca_slot *cl_ca_slot_get(void)
{
	/* The range coder's last reads need not end on the stream's last
	 * byte: look a few bytes around where it stopped. */
	for (uint32_t at = boot_core_end - 8; at < boot_core_end + 64; at++) {
		const struct cl_ca_slot *s = (const struct cl_ca_slot *)(uintptr_t)at;
		const uint8_t *m = s->magic;
		uint32_t sig = (uint32_t)m[0] | (uint32_t)m[1] << 8 |
			       (uint32_t)m[2] << 16 | (uint32_t)m[3] << 24;
		/* "NBCA" */
		if (sig == 0x4143424eu && s->cap == CL_CA_SLOT_CAP &&
		    s->len <= s->cap)
			return s;
	}
	return 0;
}
