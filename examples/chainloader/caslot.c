/*
 * The CA slot of images whose data is stored as is (UEFI): a constant
 * that nbpatch rewrites in the file.  Its contents are read through a
 * laundered pointer, or the compiler would fold the length to 0.
 */
#include "caslot.h"

static const struct {
	struct cl_ca_slot head;
	uint8_t data[CL_CA_SLOT_CAP];
} slot __attribute__((used, aligned(16))) = {
	.head = {
		.magic = CL_CA_SLOT_MAGIC,
		.cap = CL_CA_SLOT_CAP,
	},
};

const struct cl_ca_slot *cl_ca_slot_get(void)
{
	const struct cl_ca_slot *s = &slot.head;

	__asm__("" : "+r"(s));
	if (s->cap != CL_CA_SLOT_CAP || s->len > s->cap)
		return 0;
	return s;
}
