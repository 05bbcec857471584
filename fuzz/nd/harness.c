/*
 * Neighbor Discovery: ICMPv6 messages parsed by nb_nd_parse() and applied
 * to one neighbor cache, mixed with lookups and timer ticks, and RA
 * prefixes turned into SLAAC addresses.
 *
 * Input: records of [flags:1][len:2 big-endian][len bytes of ICMPv6
 * message]; a short tail is one last message.  Flag bits: 0-1 source
 * (link-local peer, another peer, unspecified, global), 2-3 destination
 * (us, all-nodes, our solicited-node group, a peer), 4 keep the
 * checksum as given, 5 also resolve the message's first 16 bytes as an
 * address, 6-7 advance time by that many x 700 ms and tick.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netboot/err.h"
#include "netboot/ip6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_MSGS 64

static const uint8_t addrs[4][16] = {
	{0xfe, 0x80, [8] = 0x50, 0x54, 0, 0xff, 0xfe, 0, 0, 2},
	{0xfe, 0x80, [15] = 3},
	{0},
	{0xfd, 0x90, [15] = 1},
};
static const uint8_t self[16] = {0xfe, 0x80, [15] = 1};
static const uint8_t allnodes[16] = {0xff, 0x02, [15] = 1};

static void check_cache(const struct nb_nd_cache *c)
{
	for (unsigned i = 0; i < NB_ND_CACHE_SIZE; i++)
		if (c->e[i].state > NB_ND_STALE || c->e[i].pending_len > c->pending_cap)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pend[NB_ND_CACHE_SIZE * 128];
	static uint8_t pkt[NB_IP6_HDR_LEN + 65536];
	static struct nb_nd_cache c;
	static const uint8_t key[NB_IP6_SECRET_LEN] = {1, 2, 3};
	uint64_t now = 0;

	if (nb_nd_cache_init(&c, pend, 128) < 0)
		abort();
	for (int k = 0; k < MAX_MSGS && size > 0; k++) {
		uint8_t flags = data[0], dst[16], mac[6], ip[16];
		size_t len = size >= 3 ? (size_t)(data[1] << 8 | data[2]) : 0;
		size_t hdr = size >= 3 ? 3 : size;
		data += hdr;
		size -= hdr;
		if (len > size || k == MAX_MSGS - 1)
			len = size;
		if (len > 65535)
			len = 65535;
		switch ((flags >> 2) & 3) {
		case 0: memcpy(dst, self, 16); break;
		case 1: memcpy(dst, allnodes, 16); break;
		case 2: nb_ip6_solicited_node(self, dst); break;
		default: memcpy(dst, addrs[1], 16); break;
		}
		nb_ip6_build_hdr(pkt, addrs[flags & 3], dst, NB_IP6_ICMP6, (uint16_t)len, 255);
		memcpy(pkt + NB_IP6_HDR_LEN, data, len);
		if (!(flags & 16) && len >= 4)
			nb_icmp6_finish(pkt);
		if ((flags & 32) && len >= 16)
			nb_nd_resolve(&c, data, pkt, NB_IP6_HDR_LEN + len, now, mac);
		data += len;
		size -= len;

		struct nb_ip6_info in;
		struct nb_nd_msg m;
		const uint8_t *out;
		size_t out_len;
		if (len > 0 && nb_ip6_parse(pkt, NB_IP6_HDR_LEN + len, &in) == 0 &&
		    nb_nd_parse(pkt, &in, &m) == 0) {
			if (nb_nd_update(&c, &m, now, &out, &out_len, mac) == 1 &&
			    out_len > c.pending_cap)
				abort();
			for (unsigned i = 0; i < m.n_prefix; i++) {
				uint8_t a[16];
				nb_ip6_eui64(m.prefix[i].prefix, m.lladdr, a);
				nb_ip6_stable_addr(m.prefix[i].prefix, m.prefix[i].len,
						   m.lladdr, 6, 0, key, a);
			}
		}
		if (flags >> 6) {
			now += (uint64_t)(flags >> 6) * 700;
			for (int t = 0; t < NB_ND_CACHE_SIZE + 1 && nb_nd_tick(&c, now, ip); t++)
				;
		}
		check_cache(&c);
	}
	return 0;
}
