/* lib/ip6: ICMPv6 checksum and echo, ND parsing, the neighbor cache. */
#include "ip6_test.h"

static uint8_t p[2048];
static struct nb_ip6_info in;
static struct nb_nd_msg m;
static const uint8_t MAC[6] = {0x52, 0x54, 0, 0, 0, 2};
static const uint8_t GLOBAL[16] = {0xfd, 0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

static void echo(void **state)
{
	(void)state;
	uint8_t req[13] = {NB_ICMP6_ECHO_REQUEST, 0, 0, 0, 0x12, 0x34, 0, 1, 'h', 'e', 'l', 'l', 'o'};
	uint8_t out[128];
	size_t n = pk_icmp(p, PEER, ALLNODES, req, sizeof(req));
	assert_int_equal(nb_ip6_parse(p, n, &in), 0);
	assert_int_equal(nb_icmp6_verify(p, &in), 0);
	int len = nb_icmp6_echo_reply(p, &in, SELF, out, sizeof(out));
	assert_int_equal(len, n);
	assert_memory_equal(out + 8, SELF, 16); /* unicast source, not the group */
	assert_memory_equal(out + 24, PEER, 16);
	assert_int_equal(out[40], NB_ICMP6_ECHO_REPLY);
	assert_memory_equal(out + 44, req + 4, 9);
	struct nb_ip6_info rin;
	assert_int_equal(nb_ip6_parse(out, (size_t)len, &rin), 0);
	assert_int_equal(nb_icmp6_verify(out, &rin), 0);
	assert_int_equal(nb_icmp6_echo_reply(p, &in, SELF, out, 20), -NB_EMSGSIZE);
	assert_int_equal(nb_icmp6_echo_reply(out, &rin, SELF, p, sizeof(p)), -NB_EINVAL);
	p[45] ^= 1;
	assert_int_equal(nb_icmp6_verify(p, &in), -NB_EPROTO);
}

static size_t ns(const uint8_t *src, const uint8_t *dst, const uint8_t *target,
		 bool slla)
{
	uint8_t b[32] = {NB_ND_NS};
	memcpy(b + 8, target, 16);
	b[24] = 1;
	b[25] = 1;
	memcpy(b + 26, MAC, 6);
	return pk_icmp(p, src, dst, b, slla ? 32 : 24);
}

static int parse(size_t n)
{
	assert_int_equal(nb_ip6_parse(p, n, &in), 0);
	return nb_nd_parse(p, &in, &m);
}

static void neighbor_solicit(void **state)
{
	(void)state;
	uint8_t sn[16];
	nb_ip6_solicited_node(SELF, sn);
	assert_int_equal(sn[0], 0xff);
	assert_int_equal(sn[12], 0xff);
	assert_int_equal(sn[15], 1);
	assert_int_equal(parse(ns(PEER, sn, SELF, true)), 0);
	assert_int_equal(m.type, NB_ND_NS);
	assert_true(m.has_lladdr);
	assert_memory_equal(m.lladdr, MAC, 6);
	assert_memory_equal(m.target, SELF, 16);
	/* DAD: unspecified source, to the solicited-node group, no SLLA. */
	assert_int_equal(parse(ns(UNSPEC, sn, SELF, false)), 0);
	assert_int_equal(parse(ns(UNSPEC, sn, SELF, true)), -NB_EPROTO);
	assert_int_equal(parse(ns(UNSPEC, ALLNODES, SELF, false)), -NB_EPROTO);
	/* Multicast target. */
	assert_int_equal(parse(ns(PEER, sn, ALLNODES, true)), -NB_EPROTO);
	/* Routed (hop limit below 255). */
	size_t n = ns(PEER, sn, SELF, true);
	p[7] = 254;
	assert_int_equal(parse(n), -NB_EPROTO);
	/* Bad checksum. */
	n = ns(PEER, sn, SELF, true);
	p[50] ^= 1;
	assert_int_equal(parse(n), -NB_EPROTO);
	/* Other types are not ND's. */
	uint8_t rs[8] = {NB_ND_RS};
	assert_int_equal(parse(pk_icmp(p, PEER, ALLNODES, rs, 8)), -NB_ENOTSUP);
}

/* PixieFail shapes: zero-length, oversized and truncated options. */
static void option_lengths(void **state)
{
	(void)state;
	uint8_t sn[16];
	nb_ip6_solicited_node(SELF, sn);
	uint8_t b[48] = {NB_ND_NS};
	memcpy(b + 8, SELF, 16);
	b[24] = 14; /* unknown, skipped */
	b[25] = 1;
	assert_int_equal(parse(pk_icmp(p, PEER, sn, b, 32)), 0);
	b[25] = 0; /* zero length: would loop */
	assert_int_equal(parse(pk_icmp(p, PEER, sn, b, 32)), -NB_EPROTO);
	b[25] = 2; /* past the message */
	assert_int_equal(parse(pk_icmp(p, PEER, sn, b, 32)), -NB_EPROTO);
	b[25] = 1; /* a lone type byte at the end */
	assert_int_equal(parse(pk_icmp(p, PEER, sn, b, 33)), -NB_EPROTO);
	b[24] = 1; /* SLLA of 16 bytes: not Ethernet */
	b[25] = 2;
	assert_int_equal(parse(pk_icmp(p, PEER, sn, b, 40)), -NB_EPROTO);
	b[25] = 1; /* two SLLAs */
	b[32] = 1;
	b[33] = 1;
	assert_int_equal(parse(pk_icmp(p, PEER, sn, b, 40)), -NB_EPROTO);
	/* Shorter than the fixed part. */
	assert_int_equal(parse(pk_icmp(p, PEER, sn, b, 20)), -NB_EPROTO);
}

static size_t na(const uint8_t *dst, uint8_t flags, bool tlla)
{
	uint8_t b[32] = {NB_ND_NA, 0, 0, 0, flags};
	memcpy(b + 8, PEER, 16);
	b[24] = 2;
	b[25] = 1;
	memcpy(b + 26, MAC, 6);
	return pk_icmp(p, PEER, dst, b, tlla ? 32 : 24);
}

static void neighbor_advert(void **state)
{
	(void)state;
	assert_int_equal(parse(na(SELF, 0x60, true)), 0);
	assert_true(m.solicited);
	assert_true(m.override);
	assert_false(m.router);
	assert_true(m.has_lladdr);
	/* Solicited to a group. */
	assert_int_equal(parse(na(ALLNODES, 0x60, true)), -NB_EPROTO);
	assert_int_equal(parse(na(ALLNODES, 0xa0, true)), 0);
	assert_true(m.router);
}

static size_t ra(uint8_t *b, size_t n)
{
	b[0] = NB_ND_RA;
	return pk_icmp(p, PEER, ALLNODES, b, n);
}

static void router_advert(void **state)
{
	(void)state;
	uint8_t b[160] = {0, 0, 0, 0, 64, 0xc0, 0x07, 0x08, 0, 0, 0x75, 0x30, 0, 0, 0x03, 0xe8};
	uint8_t *o = b + 16;
	o[0] = 1; o[1] = 1; memcpy(o + 2, MAC, 6); o += 8;          /* SLLA */
	o[0] = 5; o[1] = 1; nb_put32(o + 4, 1400); o += 8;          /* MTU */
	o[0] = 3; o[1] = 4; o[2] = 64; o[3] = 0xc0;                 /* prefix */
	nb_put32(o + 4, 86400); nb_put32(o + 8, 14400);
	memcpy(o + 16, GLOBAL, 16); o[31] = 0x55; o += 32;
	o[0] = 25; o[1] = 5; nb_put32(o + 4, 600);                  /* RDNSS x2 */
	memcpy(o + 8, GLOBAL, 16); memcpy(o + 24, PEER, 16); o += 40;
	size_t n = (size_t)(o - b);
	assert_int_equal(parse(ra(b, n)), 0);
	assert_int_equal(m.cur_hop_limit, 64);
	assert_true(m.managed);
	assert_true(m.other);
	assert_int_equal(m.router_life_s, 0x0708);
	assert_int_equal(m.reachable_ms, 30000);
	assert_int_equal(m.retrans_ms, 1000);
	assert_int_equal(m.mtu, 1400);
	assert_true(m.has_lladdr);
	assert_int_equal(m.n_prefix, 1);
	assert_int_equal(m.prefix[0].len, 64);
	assert_true(m.prefix[0].autonomous);
	assert_int_equal(m.prefix[0].valid_s, 86400);
	assert_memory_equal(m.prefix[0].prefix, GLOBAL, 8);
	assert_int_equal(m.prefix[0].prefix[15], 0); /* bits past /64 cleared */
	assert_int_equal(m.n_rdnss, 2);
	assert_int_equal(m.rdnss_life_s, 600);
	assert_memory_equal(m.rdnss[1], PEER, 16);
	/* RDNSS of an even length. */
	b[16 + 48 + 1] = 4;
	assert_int_equal(parse(ra(b, n - 8)), -NB_EPROTO);
	b[16 + 48 + 1] = 5;
	/* Prefix length over 128. */
	b[16 + 16 + 2] = 129;
	assert_int_equal(parse(ra(b, n)), -NB_EPROTO);
	b[16 + 16 + 2] = 64;
	/* Prefix option of the wrong size. */
	b[16 + 16 + 1] = 3;
	assert_int_equal(parse(ra(b, n)), -NB_EPROTO);
	b[16 + 16 + 1] = 4;
	/* Not from a link-local address. */
	pk_icmp(p, GLOBAL, ALLNODES, b, n);
	assert_int_equal(parse(n + 40), -NB_EPROTO);
}

/* ---- the neighbor cache ---- */

static uint8_t pend[NB_ND_CACHE_SIZE * 256];
static struct nb_nd_cache c;

static int cache_setup(void **state)
{
	(void)state;
	assert_int_equal(nb_nd_cache_init(&c, pend, 256), 0);
	return 0;
}

static void cache_resolve(void **state)
{
	(void)state;
	uint8_t mac[6], ip[16];
	const uint8_t *out;
	size_t len;
	uint8_t big[300] = {0};
	assert_int_equal(nb_nd_resolve(&c, PEER, big, sizeof(big), 0, mac), -NB_EMSGSIZE);
	assert_int_equal(nb_nd_resolve(&c, PEER, (const uint8_t *)"first", 5, 0, mac), -NB_EAGAIN);
	assert_int_equal(nb_nd_resolve(&c, PEER, (const uint8_t *)"second", 6, 0, mac), -NB_EAGAIN);
	assert_int_equal(nb_nd_tick(&c, 0, ip), 1);
	assert_memory_equal(ip, PEER, 16);
	assert_int_equal(nb_nd_tick(&c, 10, ip), 0);
	assert_int_equal(nb_nd_tick(&c, NB_ND_RETRANS_MS, ip), 1);
	/* An NA without TLLA tells nothing. */
	assert_int_equal(parse(na(SELF, 0x60, false)), 0);
	assert_int_equal(nb_nd_update(&c, &m, 1, &out, &len, mac), 0);
	/* A solicited one completes the entry and frees the newest packet. */
	assert_int_equal(parse(na(SELF, 0x60, true)), 0);
	assert_int_equal(nb_nd_update(&c, &m, 2000, &out, &len, mac), 1);
	assert_int_equal(len, 6);
	assert_memory_equal(out, "second", 6);
	assert_memory_equal(mac, MAC, 6);
	assert_int_equal(c.e[0].state, NB_ND_REACHABLE);
	memset(mac, 0, 6);
	assert_int_equal(nb_nd_resolve(&c, PEER, (const uint8_t *)"x", 1, 2001, mac), 0);
	assert_memory_equal(mac, MAC, 6);
	/* Ages to STALE, still usable. */
	assert_int_equal(nb_nd_tick(&c, 2000 + NB_ND_REACHABLE_MS, ip), 0);
	assert_int_equal(c.e[0].state, NB_ND_STALE);
	assert_int_equal(nb_nd_resolve(&c, PEER, NULL, 0, 0, mac), 0);
}

static void cache_gives_up(void **state)
{
	(void)state;
	uint8_t mac[6], ip[16];
	assert_int_equal(nb_nd_resolve(&c, GLOBAL, (const uint8_t *)"p", 1, 0, mac), -NB_EAGAIN);
	uint64_t t = 0;
	for (int i = 0; i < NB_ND_MAX_PROBES; i++, t += NB_ND_RETRANS_MS)
		assert_int_equal(nb_nd_tick(&c, t, ip), 1);
	assert_int_equal(nb_nd_tick(&c, t, ip), 0);
	assert_int_equal(c.e[0].state, NB_ND_FREE);
}

static void cache_override(void **state)
{
	(void)state;
	uint8_t mac[6];
	const uint8_t *out;
	size_t len;
	/* An NS with SLLA creates a STALE entry; an unsolicited NA for a
	 * stranger creates none. */
	uint8_t sn[16];
	nb_ip6_solicited_node(SELF, sn);
	assert_int_equal(parse(na(ALLNODES, 0x20, true)), 0);
	assert_int_equal(nb_nd_update(&c, &m, 0, &out, &len, mac), 0);
	assert_int_equal(nb_nd_resolve(&c, PEER, NULL, 0, 0, mac), -NB_EAGAIN);
	cache_setup(NULL);
	assert_int_equal(parse(ns(PEER, sn, SELF, true)), 0);
	assert_int_equal(nb_nd_update(&c, &m, 0, &out, &len, mac), 0);
	assert_int_equal(c.e[0].state, NB_ND_STALE);
	/* A solicited NA confirms; one with another address but no O flag
	 * only casts doubt. */
	assert_int_equal(parse(na(SELF, 0x40, true)), 0);
	assert_int_equal(nb_nd_update(&c, &m, 1, &out, &len, mac), 0);
	assert_int_equal(c.e[0].state, NB_ND_REACHABLE);
	assert_int_equal(parse(na(SELF, 0x40, true)), 0);
	m.lladdr[5] = 9;
	assert_int_equal(nb_nd_update(&c, &m, 2, &out, &len, mac), 0);
	assert_int_equal(c.e[0].state, NB_ND_STALE);
	assert_int_equal(c.e[0].mac[5], 2);
	m.override = true;
	assert_int_equal(nb_nd_update(&c, &m, 3, &out, &len, mac), 0);
	assert_int_equal(c.e[0].mac[5], 9);
	assert_int_equal(c.e[0].state, NB_ND_REACHABLE);
}

static void cache_full(void **state)
{
	(void)state;
	uint8_t mac[6], ip[16];
	memcpy(ip, GLOBAL, 16);
	for (unsigned i = 0; i <= NB_ND_CACHE_SIZE; i++) {
		ip[15] = (uint8_t)i;
		assert_int_equal(nb_nd_resolve(&c, ip, NULL, 0, i, mac), -NB_EAGAIN);
	}
	/* The first (oldest) gave way to the last. */
	unsigned found = 0;
	for (unsigned i = 0; i < NB_ND_CACHE_SIZE; i++) {
		assert_int_not_equal(c.e[i].ip[15], 0);
		found += c.e[i].ip[15] == NB_ND_CACHE_SIZE;
	}
	assert_int_equal(found, 1);
	assert_int_equal(nb_nd_cache_init(&c, NULL, 1), -NB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(echo),
		cmocka_unit_test(neighbor_solicit),
		cmocka_unit_test(option_lengths),
		cmocka_unit_test(neighbor_advert),
		cmocka_unit_test(router_advert),
		cmocka_unit_test_setup(cache_resolve, cache_setup),
		cmocka_unit_test_setup(cache_gives_up, cache_setup),
		cmocka_unit_test_setup(cache_override, cache_setup),
		cmocka_unit_test_setup(cache_full, cache_setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
