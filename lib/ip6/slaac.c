/*
 * SLAAC interface identifiers: modified EUI-64 (RFC 4291 appendix A)
 * and stable privacy (RFC 7217), which does not reveal the MAC to every
 * server the address reaches.
 */
#include "core/mem.h"
#include "netboot/err.h"
#include "netboot/ip6.h"
#include "netboot/sha256.h"

void nb_ip6_eui64(const uint8_t prefix[16], const uint8_t mac[6],
		  uint8_t out[16])
{
	memcpy(out, prefix, 8);
	out[8] = mac[0] ^ 0x02;
	out[9] = mac[1];
	out[10] = mac[2];
	out[11] = 0xff;
	out[12] = 0xfe;
	out[13] = mac[3];
	out[14] = mac[4];
	out[15] = mac[5];
}

/* RFC 5453: the subnet-router anycast (0), the reserved subnet anycast
 * range and the proxy mobile range are never ours. */
static bool reserved_iid(const uint8_t *iid)
{
	static const uint8_t anycast[7] = {0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t pmip[5] = {0x02, 0x00, 0x5e, 0xff, 0xfe};
	uint8_t any = 0;
	for (unsigned i = 0; i < 8; i++)
		any |= iid[i];
	return any == 0 || (memcmp(iid, anycast, 7) == 0 && iid[7] >= 0x80) ||
	       memcmp(iid, pmip, 5) == 0;
}

int nb_ip6_stable_addr(const uint8_t prefix[16], uint8_t plen,
		       const void *net_iface, size_t iface_len,
		       uint8_t dad_counter, const uint8_t *secret,
		       uint8_t out[16])
{
	struct nb_sha256 h;
	uint8_t d[NB_SHA256_LEN];

	if (plen != 64)
		return -NB_EINVAL;
	/* Each counter value gives an independent hash; 256 reserved hits
	 * in a row cannot happen (the reserved space is 2^-56 of it). */
	for (unsigned n = 0; n < 256; n++) {
		uint8_t ctr = (uint8_t)(dad_counter + n);
		nb_sha256_init(&h);
		nb_sha256_update(&h, prefix, 8);
		nb_sha256_update(&h, net_iface, iface_len);
		nb_sha256_update(&h, &ctr, 1);
		nb_sha256_update(&h, secret, NB_IP6_SECRET_LEN);
		nb_sha256_final(&h, d);
		if (!reserved_iid(d))
			break;
	}
	memcpy(out, prefix, 8);
	memcpy(out + 8, d, 8);
	return 0;
}

int nb_ip6_secret(const struct nb_rng *rng, uint8_t *secret)
{
	if (!rng || !rng->fill)
		return -NB_EINVAL;
	return rng->fill(rng->ctx, secret, NB_IP6_SECRET_LEN);
}
