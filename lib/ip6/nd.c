/*
 * Neighbor Discovery message validation (RFC 4861 6.1.2, 7.1.1, 7.1.2;
 * RFC 8106 5.1).  Options are walked in 8-byte units with the length
 * checked before use: a zero length would loop forever (RFC 4861 4.6,
 * and the PixieFail family), an oversized one would read past the
 * message.
 */
#include "core/mem.h"
#include "netboot/err.h"
#include "netboot/ip6.h"

#define OPT_SLLA 1
#define OPT_TLLA 2
#define OPT_PREFIX 3
#define OPT_MTU 5
#define OPT_RDNSS 25

static bool is_link_local(const uint8_t a[16])
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

static void take_prefix(struct nb_nd_msg *m, const uint8_t *o)
{
	if (m->n_prefix >= NB_ND_PREFIX_MAX)
		return;
	struct nb_nd_prefix *p = &m->prefix[m->n_prefix++];
	p->len = o[2];
	p->onlink = o[3] & 0x80;
	p->autonomous = o[3] & 0x40;
	p->valid_s = nb_get32(o + 4);
	p->preferred_s = nb_get32(o + 8);
	memcpy(p->prefix, o + 16, 16);
	/* Bits past the length are ignored (RFC 4861 4.6.2): zero them so
	 * equal prefixes compare equal. */
	for (unsigned b = p->len; b < 128; b++)
		p->prefix[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
}

static void take_rdnss(struct nb_nd_msg *m, const uint8_t *o, size_t units)
{
	uint32_t life = nb_get32(o + 4);
	if (m->n_rdnss == 0 || life < m->rdnss_life_s)
		m->rdnss_life_s = life;
	for (size_t i = 0; i < (units - 1) / 2 && m->n_rdnss < NB_ND_RDNSS_MAX; i++)
		memcpy(m->rdnss[m->n_rdnss++], o + 8 + 16 * i, 16);
}

/* One option at @p o of @p units * 8 bytes (already inside the message). */
static int option(struct nb_nd_msg *m, const uint8_t *o, size_t units,
		  bool *seen_mtu)
{
	switch (o[0]) {
	case OPT_SLLA:
	case OPT_TLLA:
		/* Ethernet link addresses: exactly one 8-byte option of
		 * the kind the message carries. */
		if ((o[0] == OPT_TLLA) != (m->type == NB_ND_NA))
			return 0;
		if (units != 1 || m->has_lladdr)
			return -NB_EPROTO;
		memcpy(m->lladdr, o + 2, 6);
		m->has_lladdr = true;
		return 0;
	case OPT_PREFIX:
		if (m->type != NB_ND_RA)
			return 0;
		if (units != 4 || o[2] > 128)
			return -NB_EPROTO;
		take_prefix(m, o);
		return 0;
	case OPT_MTU:
		if (m->type != NB_ND_RA)
			return 0;
		if (units != 1 || *seen_mtu)
			return -NB_EPROTO;
		*seen_mtu = true;
		m->mtu = nb_get32(o + 4);
		return 0;
	case OPT_RDNSS:
		if (m->type != NB_ND_RA)
			return 0;
		if (units < 3 || units % 2 == 0)
			return -NB_EPROTO;
		take_rdnss(m, o, units);
		return 0;
	default:
		return 0; /* RFC 4861 4.6: unknown options are skipped */
	}
}

int nb_nd_parse(const uint8_t *pkt, const struct nb_ip6_info *info,
		struct nb_nd_msg *m)
{
	memset(m, 0, sizeof(*m));
	if (info->proto != NB_IP6_ICMP6 || info->frag || info->off + 4 > info->end)
		return -NB_EPROTO;
	const uint8_t *msg = pkt + info->off, *src = pkt + 8, *dst = pkt + 24;
	size_t len = (size_t)(info->end - info->off), fixed;
	m->type = msg[0];
	switch (m->type) {
	case NB_ND_RA:
		fixed = 16;
		break;
	case NB_ND_NS:
	case NB_ND_NA:
		fixed = 24;
		break;
	default:
		return -NB_ENOTSUP;
	}
	/* Hop limit 255: the sender is on our link, nothing routed it. */
	if (info->hop_limit != 255 || msg[1] != 0 || len < fixed ||
	    nb_icmp6_verify(pkt, info) < 0)
		return -NB_EPROTO;
	memcpy(m->src, src, 16);
	if (m->type == NB_ND_RA) {
		if (!is_link_local(src))
			return -NB_EPROTO;
		m->cur_hop_limit = msg[4];
		m->managed = msg[5] & 0x80;
		m->other = msg[5] & 0x40;
		m->router_life_s = nb_get16(msg + 6);
		m->reachable_ms = nb_get32(msg + 8);
		m->retrans_ms = nb_get32(msg + 12);
	} else {
		memcpy(m->target, msg + 8, 16);
		if (nb_ip6_is_multicast(m->target))
			return -NB_EPROTO;
		if (m->type == NB_ND_NA) {
			m->router = msg[4] & 0x80;
			m->solicited = msg[4] & 0x40;
			m->override = msg[4] & 0x20;
			if (m->solicited && nb_ip6_is_multicast(dst))
				return -NB_EPROTO;
		} else if (nb_ip6_is_unspecified(src)) {
			/* DAD probes go to the solicited-node group. */
			static const uint8_t sn[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0,
						       0, 0, 0, 1, 0xff};
			if (memcmp(dst, sn, sizeof(sn)) != 0)
				return -NB_EPROTO;
		}
	}
	bool seen_mtu = false;
	for (size_t at = fixed; at < len;) {
		if (at + 2 > len)
			return -NB_EPROTO;
		size_t units = msg[at + 1];
		if (units == 0 || at + units * 8 > len)
			return -NB_EPROTO;
		int rc = option(m, msg + at, units, &seen_mtu);
		if (rc < 0)
			return rc;
		at += units * 8;
	}
	/* RFC 4861 7.1.1: no source link address with an unspecified
	 * source (it would poison caches with a DAD prober's claim). */
	if (m->type != NB_ND_NA && m->has_lladdr && nb_ip6_is_unspecified(src))
		return -NB_EPROTO;
	return 0;
}
