/*
 * SMBIOS for the script's settings (uuid, serial, manufacturer, product,
 * asset): the entry point the firmware publishes (F0000 scan on BIOS,
 * configuration table on UEFI) and lookups in the structure table.  The
 * table is firmware data: every read is bounds-checked.
 */
#ifndef CL_SMBIOS_H
#define CL_SMBIOS_H

#include <stddef.h>
#include <stdint.h>

/* From an entry point ("_SM3_" 64-bit or "_SM_" 32-bit, len bytes
 * readable): the structure table's address and length; 0 or -1. */
int cl_smbios_entry(const uint8_t *ep, size_t len, uint64_t *addr,
		    uint32_t *table_len);

/* Field at offset off of the first structure of type type: its string
 * (str: off holds a string number) or 16 raw bytes (the UUID, returned in
 * RFC 4122 order).  Length written to out, or -1 when absent. */
int cl_smbios_get(const uint8_t *t, size_t len, uint8_t type, uint8_t off,
		  int str, uint8_t *out, size_t cap);

#endif
