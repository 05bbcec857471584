/* ICMPv6 checksum over the pseudo-header (RFC 8200 8.1) and echo. */
#include "core/mem.h"
#include "netboot/err.h"
#include "netboot/ip6.h"

/* RFC 4861's hop limit for what we originate; the stack may take the
 * RA's Cur Hop Limit later. */
#define HOP_LIMIT 64

uint32_t nb_ip6_pseudo_sum(const uint8_t src[16], const uint8_t dst[16],
			   uint32_t len, uint8_t proto)
{
	uint8_t tail[8];
	nb_put32(tail, len);
	nb_put32(tail + 4, proto);
	uint32_t sum = nb_csum_add(0, src, 16);
	sum = nb_csum_add(sum, dst, 16);
	return nb_csum_add(sum, tail, sizeof(tail));
}

int nb_icmp6_verify(const uint8_t *pkt, const struct nb_ip6_info *info)
{
	if (info->proto != NB_IP6_ICMP6 || info->frag || info->off + 4 > info->end)
		return -NB_EPROTO;
	uint32_t len = (uint32_t)(info->end - info->off);
	uint32_t sum = nb_ip6_pseudo_sum(pkt + 8, pkt + 24, len, NB_IP6_ICMP6);
	return nb_csum_fold(nb_csum_add(sum, pkt + info->off, len)) ? -NB_EPROTO : 0;
}

void nb_icmp6_finish(uint8_t *pkt)
{
	uint32_t len = nb_get16(pkt + 4);
	uint8_t *m = pkt + NB_IP6_HDR_LEN;
	nb_put16(m + 2, 0);
	uint32_t sum = nb_ip6_pseudo_sum(pkt + 8, pkt + 24, len, NB_IP6_ICMP6);
	nb_put16(m + 2, nb_csum_fold(nb_csum_add(sum, m, len)));
}

int nb_icmp6_echo_reply(const uint8_t *pkt, const struct nb_ip6_info *info,
			const uint8_t self[16], uint8_t *out, size_t cap)
{
	if (info->proto != NB_IP6_ICMP6 || info->frag || info->off + 8 > info->end ||
	    pkt[info->off] != NB_ICMP6_ECHO_REQUEST || pkt[info->off + 1] != 0)
		return -NB_EINVAL;
	size_t len = (size_t)(info->end - info->off);
	if (cap < NB_IP6_HDR_LEN + len)
		return -NB_EMSGSIZE;
	/* Extension headers of the request are not echoed (RFC 4443 4.2:
	 * the data is the request's ICMPv6 data). */
	nb_ip6_build_hdr(out, self, pkt + 8, NB_IP6_ICMP6, (uint16_t)len, HOP_LIMIT);
	memmove(out + NB_IP6_HDR_LEN, pkt + info->off, len);
	out[NB_IP6_HDR_LEN] = NB_ICMP6_ECHO_REPLY;
	nb_icmp6_finish(out);
	return (int)(NB_IP6_HDR_LEN + len);
}
