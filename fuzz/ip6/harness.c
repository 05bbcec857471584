/*
 * lib/ip6's input path: nb_ip6_parse() on raw IPv6 packets, fragments fed
 * in sequence to one reassembly state, and what ICMPv6 does with the
 * result (checksum, echo reply, ND parsing).
 *
 * Input: records of [flags:1][len:2 big-endian][len bytes]; a short tail
 * is one last packet.  Flag bits: 0 fix the payload length, 1 fix the
 * ICMPv6 checksum (no extension headers), 4-7 advance time by that many
 * x 1 s before the packet.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netboot/err.h"
#include "netboot/ip6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PACKETS 64

static uint8_t reasm_mem[NB_IP6_REASM_SLOTS * 4096];
static const uint8_t self[16] = {0xfe, 0x80, [15] = 1};

static void upper(const uint8_t *pkt, size_t len, const struct nb_ip6_info *in)
{
	static uint8_t reply[70000];
	struct nb_nd_msg m;

	if (in->end > len || in->off > in->end)
		abort();
	if (in->frag || in->proto != NB_IP6_ICMP6 || nb_icmp6_verify(pkt, in) < 0)
		return;
	int n = nb_icmp6_echo_reply(pkt, in, self, reply, sizeof(reply));
	if (n >= 0) {
		struct nb_ip6_info rin;
		if (nb_ip6_parse(reply, (size_t)n, &rin) < 0 ||
		    nb_icmp6_verify(reply, &rin) < 0)
			abort(); /* our own reply must validate */
	}
	if (nb_nd_parse(pkt, in, &m) == 0 &&
	    (m.n_prefix > NB_ND_PREFIX_MAX || m.n_rdnss > NB_ND_RDNSS_MAX))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pkt[65536 + 64];
	static struct nb_ip6_reasm r;
	uint64_t now = 0;

	if (nb_ip6_reasm_init(&r, reasm_mem, sizeof(reasm_mem)) < 0)
		abort();
	for (int k = 0; k < MAX_PACKETS && size > 0; k++) {
		uint8_t flags = data[0];
		size_t len = size >= 3 ? (size_t)(data[1] << 8 | data[2]) : 0;
		size_t hdr = size >= 3 ? 3 : size;
		data += hdr;
		size -= hdr;
		if (len > size || k == MAX_PACKETS - 1)
			len = size;
		memcpy(pkt, data, len);
		data += len;
		size -= len;
		now += (uint64_t)(flags >> 4) * 1000;
		if ((flags & 1) && len >= NB_IP6_HDR_LEN)
			nb_put16(pkt + 4, (uint16_t)(len - NB_IP6_HDR_LEN));
		if ((flags & 2) && len >= NB_IP6_HDR_LEN + 4 && pkt[6] == NB_IP6_ICMP6)
			nb_icmp6_finish(pkt);

		struct nb_ip6_info in;
		if (nb_ip6_parse(pkt, len, &in) < 0)
			continue;
		if (!in.frag) {
			upper(pkt, len, &in);
			continue;
		}
		const uint8_t *whole;
		size_t n;
		if (nb_ip6_reasm_add(&r, pkt, &in, now, &whole, &n) == 1) {
			struct nb_ip6_info w;
			if (nb_ip6_parse(whole, n, &w) == 0) {
				if (w.frag)
					abort(); /* nested fragments never pass */
				upper(whole, n, &w);
			}
		}
	}
	return 0;
}
