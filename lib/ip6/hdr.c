/*
 * IPv6 input validation and the extension-header walk (RFC 8200 4).
 * Firmware parsers of exactly this chain were PixieFail's way in
 * (CVE-2023-45232/45233: loops on unknown or zero-length options), so
 * every length is checked against the payload before it is used, and
 * the walk always moves forward by at least 8 bytes per header or 1 per
 * option: it ends within the packet's length.
 */
#include "core/mem.h"
#include "netboot/err.h"
#include "netboot/ip6.h"

#define PAD1 0
#define PADN 1

/* A Parameter Problem for the sender, then the error to return. */
static int problem(struct nb_ip6_info *in, const uint8_t *pkt, int err,
		   uint8_t code, uint32_t ptr)
{
	in->pp_code = code;
	in->pp_ptr = ptr;
	/* RFC 4443 2.4 (e): no errors to groups, but for unknown options
	 * whose type asks for one regardless (action 10). */
	in->pp_send = !nb_ip6_is_multicast(pkt + 24) ||
		      (code == 2 && (pkt[ptr] & 0xc0) == 0x80);
	if (nb_ip6_is_unspecified(pkt + 8))
		in->pp_send = false;
	return err;
}

/* Hop-by-hop or destination options over [at + 2, at + hlen). */
static int options(struct nb_ip6_info *in, const uint8_t *pkt, size_t at,
		   size_t hlen)
{
	size_t i = at + 2, end = at + hlen;

	while (i < end) {
		uint8_t type = pkt[i];
		if (type == PAD1) {
			i++;
			continue;
		}
		if (i + 2 > end || i + 2 + (size_t)pkt[i + 1] > end)
			return problem(in, pkt, -NB_EPROTO, 0, (uint32_t)i + 1);
		if (type != PADN) {
			switch (type >> 6) {
			case 0:
				break;
			case 1:
				return -NB_ENOTSUP;
			default:
				return problem(in, pkt, -NB_ENOTSUP, 2, (uint32_t)i);
			}
		}
		i += 2 + (size_t)pkt[i + 1];
	}
	return 0;
}

/*
 * Walk the chain after a first fragment's header up to the upper layer,
 * by lengths only (the headers are processed after reassembly).
 */
static bool chain_complete(const uint8_t *pkt, uint8_t next, size_t at,
			   size_t end)
{
	while (next == NB_IP6_DSTOPTS || next == NB_IP6_ROUTING ||
	       next == NB_IP6_HOPOPTS || next == NB_IP6_FRAGMENT) {
		if (at + 8 > end)
			return false;
		size_t hlen = next == NB_IP6_FRAGMENT ? 8 : ((size_t)pkt[at + 1] + 1) * 8;
		if (at + hlen > end)
			return false;
		next = pkt[at];
		at += hlen;
	}
	return next == NB_IP6_NONE || at < end;
}

int nb_ip6_parse(const uint8_t *pkt, size_t len, struct nb_ip6_info *in)
{
	memset(in, 0, sizeof(*in));
	if (len < NB_IP6_HDR_LEN)
		return -NB_EMSGSIZE;
	if ((pkt[0] >> 4) != 6)
		return -NB_EPROTO;
	size_t plen = nb_get16(pkt + 4);
	if (plen == 0)
		return -NB_ENOTSUP; /* jumbogram: no link we drive carries one */
	if (NB_IP6_HDR_LEN + plen > len)
		return -NB_EMSGSIZE;
	if (nb_ip6_is_multicast(pkt + 8))
		return -NB_EPROTO;
	size_t end = NB_IP6_HDR_LEN + plen, at = NB_IP6_HDR_LEN, nh_at = 6;
	uint8_t next = pkt[6];
	int rc;

	in->end = (uint32_t)end;
	in->hop_limit = pkt[7];
	for (;;) {
		size_t hlen;
		switch (next) {
		case NB_IP6_HOPOPTS:
		case NB_IP6_DSTOPTS:
		case NB_IP6_ROUTING:
			/* Hop-by-hop only right after the fixed header. */
			if (next == NB_IP6_HOPOPTS && at != NB_IP6_HDR_LEN)
				return problem(in, pkt, -NB_ENOTSUP, 1, (uint32_t)nh_at);
			if (at + 8 > end)
				return -NB_EMSGSIZE;
			hlen = ((size_t)pkt[at + 1] + 1) * 8;
			if (at + hlen > end)
				return -NB_EMSGSIZE;
			if (next == NB_IP6_ROUTING) {
				/* A host forwards nothing: segments left
				 * must be 0 whatever the type (RFC 5095
				 * forbids type 0 anyway). */
				if (pkt[at + 3] != 0)
					return problem(in, pkt, -NB_EPROTO, 0,
						       (uint32_t)at + 2);
			} else {
				rc = options(in, pkt, at, hlen);
				if (rc < 0)
					return rc;
			}
			break;
		case NB_IP6_FRAGMENT: {
			if (at + 8 > end)
				return -NB_EMSGSIZE;
			hlen = 8;
			uint16_t fo = nb_get16(pkt + at + 2);
			size_t data = end - (at + 8), off = (size_t)(fo & 0xfff8);
			bool more = fo & 1;
			if (off == 0 && !more)
				break; /* atomic (RFC 6946): no reassembly */
			/* RFC 8200 4.5: non-last fragments are multiples of
			 * 8 bytes, and no fragment ends beyond 65535. */
			if ((more && (data == 0 || data % 8)))
				return problem(in, pkt, -NB_EPROTO, 0, 4);
			if (off + data > 65535)
				return problem(in, pkt, -NB_EPROTO, 0,
					       (uint32_t)at + 2);
			if (off == 0 && !chain_complete(pkt, pkt[at], at + 8, end))
				return problem(in, pkt, -NB_EPROTO, 3, 0);
			in->frag = true;
			in->more = more;
			in->frag_at = (uint32_t)at;
			in->nh_at = (uint32_t)nh_at;
			in->frag_off = (uint16_t)off;
			in->frag_id = nb_get32(pkt + at + 4);
			in->proto = pkt[at];
			in->off = (uint32_t)(at + 8);
			return 0;
		}
		case NB_IP6_NONE:
			in->nh_at = (uint32_t)nh_at;
			in->proto = next;
			in->off = (uint32_t)end;
			return 0;
		default:
			/* Upper layer.  Known extension headers we do not
			 * implement (AH 51, ESP 50, mobility 135, HIP 139,
			 * shim6 140) are unknown next headers to a host
			 * without them: the upper layer says so (-NB_ENOTSUP
			 * and code 1 when it has no handler). */
			in->nh_at = (uint32_t)nh_at;
			in->proto = next;
			in->off = (uint32_t)at;
			return 0;
		}
		nh_at = at;
		next = pkt[at];
		at += hlen;
	}
}

void nb_ip6_build_hdr(uint8_t *out, const uint8_t src[16],
		      const uint8_t dst[16], uint8_t next,
		      uint16_t payload_len, uint8_t hop_limit)
{
	nb_put32(out, 0x60000000u);
	nb_put16(out + 4, payload_len);
	out[6] = next;
	out[7] = hop_limit;
	memcpy(out + 8, src, 16);
	memcpy(out + 24, dst, 16);
}
