/*
 * Dotted-quad parsing.  It lives beside the resolver because a host that
 * is already an address must skip DNS, and strictness here (four parts,
 * no leading junk, each at most 255) keeps a malformed URL host from
 * being taken for an address.
 */
#include "netboot/dns.h"

int nb_ipv4_parse(const char *str, size_t len, uint32_t *out)
{
	if (!str || !out)
		return -NB_EINVAL;
	uint32_t addr = 0;
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		if (part > 0) {
			if (i >= len || str[i] != '.')
				return -NB_EINVAL;
			i++;
		}
		uint32_t v = 0;
		size_t digits = 0;
		while (i < len && str[i] >= '0' && str[i] <= '9' && digits < 4) {
			v = v * 10 + (uint32_t)(str[i] - '0');
			digits++;
			i++;
		}
		if (digits == 0 || digits > 3 || v > 255)
			return -NB_EINVAL;
		addr = (addr << 8) | v;
	}
	if (i != len)
		return -NB_EINVAL;
	*out = addr;
	return 0;
}
