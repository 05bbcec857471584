#include "dhcp6msg.h"

#include <stdint.h>

size_t cl_dhcp6_msg_len(const void *buf, size_t cap)
{
	const uint8_t *b = buf;
	if (cap < 4)
		return 0;
	size_t at = 4;
	/* Each turn moves at least 4 bytes: bounded by cap / 4. */
	while (cap - at >= 4) {
		unsigned code = (unsigned)b[at] << 8 | b[at + 1];
		size_t len = (size_t)b[at + 2] << 8 | b[at + 3];
		if (!code || len > cap - at - 4)
			break;
		at += 4 + len;
	}
	return at;
}
