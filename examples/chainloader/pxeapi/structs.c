/*
 * The PXENV+ and !PXE structures an NBP finds us by (INT 1Ah 5650h, or the
 * !PXE pointer on its stack): pure data built from the addresses the
 * platform chose, with the ROM's UNDI descriptors passed on so the NBP can
 * still find and free the ROM's UNDI driver.
 */
#include "pxeapi_int.h"

static void checksum(uint8_t *p, size_t len, size_t at)
{
	uint8_t sum = 0;
	p[at] = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	p[at] = (uint8_t)-sum;
}

static void segdesc(uint8_t *p, uint16_t seg, uint16_t size)
{
	nb_store_le16(p, seg);
	nb_store_le32(p + 2, (uint32_t)seg << 4);
	nb_store_le16(p + 6, size);
}

void cl_pxeapi_make_structs(const struct cl_pxeapi_structs *s, uint8_t *pxenv,
			    uint8_t *bangpxe)
{
	memset(pxenv, 0, CL_PXENV_SIZE);
	memcpy(pxenv, "PXENV+", 6);
	nb_store_le16(pxenv + 0x06, 0x0201);
	pxenv[0x08] = CL_PXENV_SIZE;
	nb_store_le16(pxenv + 0x0a, s->rm_entry_off);
	nb_store_le16(pxenv + 0x0c, s->rm_entry_seg);
	nb_store_le16(pxenv + 0x14, s->stack_seg);
	nb_store_le16(pxenv + 0x16, s->stack_size);
	nb_store_le16(pxenv + 0x18, s->code_seg);
	nb_store_le16(pxenv + 0x1a, s->code_size);
	nb_store_le16(pxenv + 0x1c, s->code_seg);
	nb_store_le16(pxenv + 0x1e, s->code_size);
	if (s->rom_pxenv) /* UNDIDataSeg/Size, UNDICodeSeg/Size */
		memcpy(pxenv + 0x20, s->rom_pxenv + 0x20, 8);
	nb_store_le16(pxenv + 0x28, s->bang_off);
	nb_store_le16(pxenv + 0x2a, s->bang_seg);
	checksum(pxenv, CL_PXENV_SIZE, 0x09);

	memset(bangpxe, 0, CL_BANGPXE_SIZE);
	memcpy(bangpxe, "!PXE", 4);
	bangpxe[0x04] = CL_BANGPXE_SIZE;
	nb_store_le16(bangpxe + 0x10, s->sp_entry_off);
	nb_store_le16(bangpxe + 0x12, s->sp_entry_seg);
	bangpxe[0x1d] = 7; /* SegDescCnt */
	segdesc(bangpxe + 0x20, s->stack_seg, s->stack_size);
	if (s->rom_bangpxe) {
		/* UNDIROMID, BaseROMID; StatusCallout; the three UNDI
		 * descriptors (data, code, code-write). */
		memcpy(bangpxe + 0x08, s->rom_bangpxe + 0x08, 8);
		memcpy(bangpxe + 0x18, s->rom_bangpxe + 0x18, 4);
		memcpy(bangpxe + 0x28, s->rom_bangpxe + 0x28, 24);
	}
	segdesc(bangpxe + 0x40, s->code_seg, s->code_size); /* BC_Data */
	segdesc(bangpxe + 0x48, s->code_seg, s->code_size); /* BC_Code */
	segdesc(bangpxe + 0x50, s->code_seg, s->code_size); /* BC_CodeWrite */
	checksum(bangpxe, CL_BANGPXE_SIZE, 0x05);
}
