#include "smbios.h"

#include "core/mem.h"

int cl_smbios_entry(const uint8_t *ep, size_t len, uint64_t *addr,
		    uint32_t *table_len)
{
	if (len >= 24 && memcmp(ep, "_SM3_", 5) == 0) {
		*addr = 0;
		for (int i = 7; i >= 0; i--)
			*addr = *addr << 8 | ep[0x10 + i];
		*table_len = (uint32_t)ep[0x0c] | (uint32_t)ep[0x0d] << 8 |
			     (uint32_t)ep[0x0e] << 16 | (uint32_t)ep[0x0f] << 24;
		return 0;
	}
	if (len >= 31 && memcmp(ep, "_SM_", 4) == 0 &&
	    memcmp(ep + 0x10, "_DMI_", 5) == 0) {
		*addr = (uint32_t)ep[0x18] | (uint32_t)ep[0x19] << 8 |
			(uint32_t)ep[0x1a] << 16 | (uint32_t)ep[0x1b] << 24;
		*table_len = (uint32_t)ep[0x16] | (uint32_t)ep[0x17] << 8;
		return 0;
	}
	return -1;
}

int cl_smbios_get(const uint8_t *t, size_t len, uint8_t type, uint8_t off,
		  int str, uint8_t *out, size_t cap)
{
	size_t at = 0;
	while (t && at + 4 <= len) {
		uint8_t ty = t[at], fl = t[at + 1];
		if (fl < 4 || at + fl > len)
			return -1;
		/* The strings follow the formatted part, up to a double NUL. */
		size_t s = at + fl, end = s;
		while (end + 1 < len && (t[end] || t[end + 1]))
			end++;
		if (end + 1 >= len)
			return -1;
		if (ty == type && off < fl) {
			if (!str) {
				if (off + 16u > fl || cap < 16)
					return -1;
				/* SMBIOS 2.6+: the first three fields little-endian. */
				static const uint8_t order[16] = {3, 2, 1, 0, 5, 4, 7, 6,
					8, 9, 10, 11, 12, 13, 14, 15};
				for (int i = 0; i < 16; i++)
					out[i] = t[at + off + order[i]];
				return 16;
			}
			unsigned want = t[at + off];
			for (unsigned n = 1; want && s < end; n++) {
				size_t e = s;
				while (e < end && t[e])
					e++;
				if (n == want) {
					size_t l = e - s;
					if (l > cap)
						return -1;
					memcpy(out, t + s, l);
					return (int)l;
				}
				s = e + 1;
			}
			return -1;
		}
		if (ty == 127)
			return -1;
		at = end + 2;
	}
	return -1;
}
