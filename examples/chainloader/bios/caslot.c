/*
 * The BIOS image's CA slot: nbpatch --reserve appended it after the
 * compressed core, outside what start.S expands, so it is read where the
 * ROM loaded the image (boot_core_end, recorded by start.S).  That memory
 * stays ours until a chained NBP is loaded at 7C00; the loader reads the
 * slot at start.  Only the capacity and the signature's first word are
 * compared: the whole signature in the core could appear, as literals of
 * the compressed stream, a second time in the image.
 */
#include "caslot.h"

extern const uint32_t boot_core_end;

const struct cl_ca_slot *cl_ca_slot_get(void)
{
	const struct cl_ca_slot *s =
		(const struct cl_ca_slot *)(uintptr_t)boot_core_end;
	uint32_t sig = (uint32_t)s->magic[0] | (uint32_t)s->magic[1] << 8 |
		       (uint32_t)s->magic[2] << 16 | (uint32_t)s->magic[3] << 24;

	/* "NBCA" */
	if (sig != 0x4143424eu || s->cap != CL_CA_SLOT_CAP || s->len > s->cap)
		return 0;
	return s;
}
