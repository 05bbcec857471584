/*
 * The CA slot: room in a built TLS image for a PEM bundle of trust
 * anchors that tools/nbpatch fills after the build (`nbpatch --ca
 * bundle.pem nbchain-tls.efi`), so users need not rebuild to trust their
 * own CA.  The layout is the contract with nbpatch.py (same constants):
 *
 *   16-byte signature CL_CA_SLOT_MAGIC (exactly once in the image),
 *   u32 capacity, u32 length used, u32 flags, u32 reserved (little-endian),
 *   capacity bytes: the PEM text, then zeros.
 *
 * UEFI: a variable of the image (caslot.c) in its initialised data.
 * BIOS: the image's core is compressed, so nbpatch --reserve appends the
 * slot after the compressed stream at build time; start.S records where
 * that stream ends (boot_core_end), where the slot then sits in memory.
 */
#ifndef CL_CASLOT_H
#define CL_CASLOT_H

#include <stdint.h>

#define CL_CA_SLOT_MAGIC "NBCA-SLOT-1\0\xa5\x5a\xc3\x3c"
#define CL_CA_SLOT_MAGIC_LEN 16
/* CL_CA_SLOT_CAP, the capacity, comes from the build
 * (examples/chainloader/meson.build), which also has nbpatch reserve it. */
#ifndef CL_CA_SLOT_CAP
#error "CL_CA_SLOT_CAP comes from the build (cl_tls_cdefs)"
#endif
/* Flag: do not check certificate dates (nbpatch --skip-time on). */
#define CL_CA_SLOT_SKIP_TIME 1u

struct cl_ca_slot {
	uint8_t magic[CL_CA_SLOT_MAGIC_LEN];
	uint32_t cap, len, flags, reserved;
	uint8_t data[];
};

/*
 * The image's slot, checked (signature, length within capacity), or NULL
 * when the image has none or it is damaged.  Defined per platform.
 */
const struct cl_ca_slot *cl_ca_slot_get(void);

#endif
