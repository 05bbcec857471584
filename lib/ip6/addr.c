/* IPv6 address classes and the multicast mappings ND needs. */
#include "core/mem.h"
#include "netboot/err.h"
#include "netboot/ip6.h"

bool nb_ip6_is_multicast(const uint8_t a[16])
{
	return a[0] == 0xff;
}

bool nb_ip6_is_unspecified(const uint8_t a[16])
{
	uint8_t any = 0;
	for (unsigned i = 0; i < 16; i++)
		any |= a[i];
	return any == 0;
}

void nb_ip6_solicited_node(const uint8_t a[16], uint8_t out[16])
{
	static const uint8_t head[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0,
					 0, 0, 0, 1, 0xff};
	memcpy(out, head, sizeof(head));
	memcpy(out + 13, a + 13, 3);
}

void nb_ip6_multicast_mac(const uint8_t a[16], uint8_t mac[6])
{
	mac[0] = mac[1] = 0x33;
	memcpy(mac + 2, a + 12, 4);
}

int nb_ip6_abi_check(uint32_t id)
{
	return id == NB_IP6_ABI_ID ? 0 : -NB_EABI;
}
