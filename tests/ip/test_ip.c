/* Unit tests for lib/ip: IPv4 input validation, routing, reassembly. */
#include "ip_test.h"

static struct rx_log lg;
static struct nb_udp_sock sk;

static void open67(struct tenv *t)
{
	memset(&lg, 0, sizeof(lg));
	memset(&sk, 0, sizeof(sk));
	assert_int_equal(nb_udp_open(&sk, &t->s, 67, log_cb, &lg), 0);
}

static size_t udp67(uint8_t *u, uint32_t src, uint32_t dst, const void *d, size_t n)
{
	return fb_udp(u, src, dst, 4000, 67, d, n, false);
}

static void ip_header_checks(void **state)
{
	struct tenv *t = *state;
	open67(t);
	uint8_t u[64];
	size_t ul = udp67(u, PEER_IP, OUR_IP, "abcd", 4);
	struct fb_ip h = {.src = PEER_IP, .dst = OUR_IP, .proto = 17};
	assert_string_equal(rx_ip(t, &h, u, ul), "rx_frames,udp_rx");
	assert_int_equal(lg.count, 1);

	struct fb_ip b = h;
	b.version = 6;
	assert_string_equal(rx_ip(t, &b, u, ul), "rx_frames,ip_bad_header");
	b = h;
	b.ihl = 4;
	assert_string_equal(rx_ip(t, &b, u, ul), "rx_frames,ip_bad_header");
	b = h;
	b.total_adj = -(int)(ul + 1); /* total 19 < IHL */
	assert_string_equal(rx_ip(t, &b, u, ul), "rx_frames,ip_bad_header");
	b = h;
	b.total_adj = 100; /* beyond the frame (padding included) */
	assert_string_equal(rx_ip(t, &b, u, ul), "rx_frames,ip_bad_header");
	b = h;
	b.bad_csum = true;
	assert_string_equal(rx_ip(t, &b, u, ul), "rx_frames,ip_bad_csum");
	b = h;
	b.ttl_zero = true;
	assert_string_equal(rx_ip(t, &b, u, ul), "rx_frames,ip_ttl_zero");

	/* IHL beyond the bytes present: 60-byte header in a 34-byte packet. */
	uint8_t f[NB_ETH_FRAME_MAX];
	size_t n = fb_eth(f, fl_our_mac, fb_peer_mac, NB_ETHERTYPE_IPV4);
	n += fb_ipv4(f + n, &h, NULL, 0);
	f[14] = 0x4f;
	assert_string_equal(rx_diff(t, f, n), "rx_frames,ip_bad_header");
	/* Fewer than 20 bytes after the Ethernet header. */
	assert_string_equal(rx_diff(t, f, 14 + 19), "rx_frames,ip_bad_header");
	assert_int_equal(lg.count, 1);
	assert_int_equal(t->fl.ntx, 0);

	/* Options (IHL 6) are skipped, the payload still delivered. */
	b = h;
	b.ihl = 6;
	assert_string_equal(rx_ip(t, &b, u, ul), "rx_frames,udp_rx");
	assert_int_equal(lg.len, 4);
	assert_memory_equal(lg.data, "abcd", 4);
}

static void ip_padding_trimmed(void **state)
{
	struct tenv *t = *state;
	open67(t);
	uint8_t f[NB_ETH_FRAME_MAX];
	uint8_t u[16];
	size_t ul = udp67(u, PEER_IP, OUR_IP, "x", 1);
	struct fb_ip h = {.src = PEER_IP, .dst = OUR_IP, .proto = 17};
	size_t n = fb_ip_frame(f, fl_our_mac, &h, u, ul);
	assert_int_equal(n, 14 + 20 + 9);
	memset(f + n, 0xa5, 60 - n); /* padding junk must not reach UDP */
	assert_string_equal(rx_diff(t, f, 60), "rx_frames,udp_rx");
	assert_int_equal(lg.len, 1);
	assert_int_equal(lg.data[0], 'x');
}

static void ip_bad_sources(void **state)
{
	struct tenv *t = *state;
	open67(t);
	const uint32_t bad[] = {0, NB_IP_BROADCAST, NB_IPV4(10, 0, 0, 255),
				NB_IPV4(224, 0, 0, 1), NB_IPV4(239, 255, 255, 250),
				NB_IPV4(240, 0, 0, 1), OUR_IP, NB_IPV4(127, 0, 0, 1),
				NB_IPV4(127, 9, 9, 9)};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t u[16];
		size_t ul = udp67(u, bad[i], OUR_IP, "x", 1);
		struct fb_ip h = {.src = bad[i], .dst = OUR_IP, .proto = 17};
		assert_string_equal(rx_ip(t, &h, u, ul), "rx_frames,ip_bad_src");
	}
	assert_int_equal(lg.count, 0);
	assert_int_equal(t->fl.ntx, 0);
}

static void ip_destinations(void **state)
{
	struct tenv *t = *state;
	open67(t);
	const uint32_t other[] = {NB_IPV4(10, 0, 0, 3), NB_IPV4(224, 0, 0, 1),
				  NB_IPV4(192, 168, 1, 1), 0};
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		uint8_t u[16];
		size_t ul = udp67(u, PEER_IP, other[i], "x", 1);
		struct fb_ip h = {.src = PEER_IP, .dst = other[i], .proto = 17};
		assert_string_equal(rx_ip(t, &h, u, ul), "rx_frames,ip_not_ours");
	}
	const uint32_t ok[] = {OUR_IP, NB_IP_BROADCAST, NB_IPV4(10, 0, 0, 255)};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		uint8_t u[16];
		size_t ul = udp67(u, PEER_IP, ok[i], "x", 1);
		struct fb_ip h = {.src = PEER_IP, .dst = ok[i], .proto = 17};
		assert_string_equal(rx_ip(t, &h, u, ul), "rx_frames,udp_rx");
		assert_int_equal(lg.meta.dst_ip, ok[i]);
	}
	assert_int_equal(lg.count, 3);
}

static void ip_unconfigured_accepts_any_unicast(void **state)
{
	struct tenv *t = *state;
	nb_stack_set_ipv4(&t->s, 0, 0, 0);
	open67(t);
	uint8_t u[16];
	uint32_t offered = NB_IPV4(10, 9, 9, 9);
	size_t ul = udp67(u, PEER_IP, offered, "x", 1);
	struct fb_ip h = {.src = PEER_IP, .dst = offered, .proto = 17};
	assert_string_equal(rx_ip(t, &h, u, ul), "rx_frames,udp_rx");
	assert_int_equal(lg.meta.dst_ip, offered);
	/* Multicast is still refused. */
	h.dst = NB_IPV4(224, 0, 0, 251);
	ul = udp67(u, PEER_IP, h.dst, "x", 1);
	assert_string_equal(rx_ip(t, &h, u, ul), "rx_frames,ip_not_ours");
}

static void ip_routing(void **state)
{
	struct tenv *t = *state;
	uint32_t hop = 0;
	assert_int_equal(nb_ip_route(&t->s, NB_IPV4(10, 0, 0, 77), &hop), 0);
	assert_int_equal(hop, NB_IPV4(10, 0, 0, 77));
	assert_int_equal(nb_ip_route(&t->s, NB_IPV4(8, 8, 4, 4), &hop), 0);
	assert_int_equal(hop, GW_IP);
	assert_int_equal(nb_ip_route(&t->s, NB_IP_BROADCAST, &hop), 0);
	assert_int_equal(hop, NB_IP_BROADCAST);
	assert_int_equal(nb_ip_route(&t->s, NB_IPV4(10, 0, 0, 255), &hop), 0);
	assert_int_equal(hop, NB_IPV4(10, 0, 0, 255));
	nb_stack_set_ipv4(&t->s, OUR_IP, MASK, 0);
	assert_int_equal(nb_ip_route(&t->s, NB_IPV4(8, 8, 4, 4), &hop), -NB_EUNREACH);
	assert_int_equal(nb_ip_route(&t->s, NB_IPV4(10, 0, 0, 9), &hop), 0);
	/* Sends follow the route. */
	struct nb_udp_sock s2 = {0};
	struct rx_log l2 = {0};
	assert_int_equal(nb_udp_open(&s2, &t->s, 0, log_cb, &l2), 0);
	assert_int_equal(nb_udp_sendto(&s2, NB_IPV4(8, 8, 4, 4), 53, "q", 1), -NB_EUNREACH);
	assert_int_equal(t->fl.ntx, 0);
	nb_stack_set_ipv4(&t->s, OUR_IP, MASK, GW_IP);
	assert_int_equal(nb_udp_sendto(&s2, NB_IPV4(8, 8, 4, 4), 53, "q", 1), 0);
	assert_int_equal(t->fl.ntx, 1);
	assert_memory_equal(t->fl.tx[0].data, fb_other_mac, 6); /* gateway's MAC */
	assert_int_equal(nb_get32(t->fl.tx[0].data + 30), NB_IPV4(8, 8, 4, 4));
	assert_int_equal(nb_udp_sendto(&s2, PEER_IP, 53, "q", 1), 0);
	assert_memory_equal(t->fl.tx[1].data, fb_peer_mac, 6);
	/* Unconfigured: everything is on-link. */
	nb_stack_set_ipv4(&t->s, 0, 0, 0);
	assert_int_equal(nb_ip_route(&t->s, NB_IPV4(8, 8, 4, 4), &hop), 0);
	assert_int_equal(hop, NB_IPV4(8, 8, 4, 4));
	/* /31: the other address is a peer, not a broadcast (RFC 3021). */
	nb_stack_set_ipv4(&t->s, NB_IPV4(10, 0, 0, 0), 0xfffffffeu, 0);
	assert_int_equal(nb_arp_add(&t->s, NB_IPV4(10, 0, 0, 1), fb_peer_mac), 0);
	fl_clear_tx(&t->fl);
	assert_int_equal(nb_udp_sendto(&s2, NB_IPV4(10, 0, 0, 1), 53, "q", 1), 0);
	assert_memory_equal(t->fl.tx[0].data, fb_peer_mac, 6);
	nb_udp_close(&s2);
}

static void ip_send_header(void **state)
{
	struct tenv *t = *state;
	open67(t);
	uint16_t id0 = t->s.ip_id;
	assert_int_equal(nb_udp_sendto(&sk, PEER_IP, 99, "abc", 3), 0);
	assert_int_equal(nb_udp_sendto(&sk, PEER_IP, 99, "abc", 3), 0);
	const uint8_t *h = t->fl.tx[0].data + 14;
	assert_int_equal(h[0], 0x45);
	assert_int_equal(h[1], 0);
	assert_int_equal(nb_get16(h + 2), 20 + 8 + 3);
	assert_int_equal(nb_get16(h + 4), id0);
	assert_int_equal(nb_get16(t->fl.tx[1].data + 18), (uint16_t)(id0 + 1));
	assert_int_equal(nb_get16(h + 6), 0x4000); /* DF, offset 0 */
	assert_int_equal(h[8], NB_IP_TTL);
	assert_int_equal(h[9], 17);
	assert_int_equal(nb_get32(h + 12), OUR_IP);
	assert_int_equal(nb_get32(h + 16), PEER_IP);
	assert_int_equal(fb_ref_csum(h, 20), 0);
	/* Payload capacity is MTU - 20. */
	size_t cap;
	nb_ip_payload_buf(&t->s, &cap);
	assert_int_equal(cap, 1480);
	assert_int_equal(nb_ip_send(&t->s, PEER_IP, 200, 1481), -NB_EMSGSIZE);
	assert_int_equal(nb_ip_send(&t->s, PEER_IP, 200, 1480), 0);
	assert_int_equal(fl_last(&t->fl)->len, 1514);
}

static int hook_calls;
static size_t hook_len;
static void hook(void *ctx, struct nb_stack *s, const struct nb_ip_info *ip,
		 const uint8_t *data, size_t len)
{
	(void)s, (void)data;
	assert_ptr_equal(ctx, &hook_calls);
	assert_int_equal(ip->proto, 6);
	assert_int_equal(ip->src, PEER_IP);
	assert_int_equal(ip->hlen, 20);
	hook_calls++;
	hook_len = len;
}

static void ip_protocol_hooks(void **state)
{
	struct tenv *t = *state;
	struct fb_ip h = {.src = PEER_IP, .dst = OUR_IP, .proto = 6};
	assert_string_equal(rx_ip(t, &h, "0123456789", 10), "rx_frames,ip_no_proto");
	assert_int_equal(nb_ip_register(&t->s, 6, hook, &hook_calls), 0);
	assert_int_equal(nb_ip_register(&t->s, 6, hook, NULL), -NB_EADDRINUSE);
	assert_int_equal(nb_ip_register(&t->s, 1, hook, NULL), -NB_EINVAL);
	assert_int_equal(nb_ip_register(&t->s, 17, hook, NULL), -NB_EINVAL);
	assert_int_equal(nb_ip_register(&t->s, 0, hook, NULL), -NB_EINVAL);
	assert_int_equal(nb_ip_register(&t->s, 50, NULL, NULL), -NB_EINVAL);
	for (int p = 0; p < NB_IP_PROTO_HOOKS - 1; p++)
		assert_int_equal(nb_ip_register(&t->s, (uint8_t)(100 + p), hook, NULL), 0);
	assert_int_equal(nb_ip_register(&t->s, 99, hook, NULL), -NB_ENOMEM);
	assert_string_equal(rx_ip(t, &h, "0123456789", 10), "rx_frames");
	assert_int_equal(hook_calls, 1);
	/* Protocol 0 must not match a free hook slot (found by fuzz-eth). */
	nb_udp_close(NULL);
	struct fb_ip h0 = {.src = PEER_IP, .dst = OUR_IP, .proto = 0};
	memset(t->s.hook_input, 0, sizeof(t->s.hook_input));
	memset(t->s.hook_proto, 0, sizeof(t->s.hook_proto));
	assert_string_equal(rx_ip(t, &h0, "0123456789", 10), "rx_frames,ip_no_proto");
	assert_int_equal(hook_len, 10);
}

/* ---- reassembly ---- */

/* A UDP datagram to port 67 of @n data bytes, and its fragments. */
static uint8_t dgram[65536];
static size_t dgram_len;

static void make_dgram(size_t n, uint8_t seed)
{
	static uint8_t data[65536];
	for (size_t i = 0; i < n; i++)
		data[i] = (uint8_t)(i * 7 + seed);
	dgram_len = fb_udp(dgram, PEER_IP, OUR_IP, 4000, 67, data, n, false);
}

/* Send bytes [off, off+len) of dgram as a fragment. */
static const char *frag(struct tenv *t, uint16_t id, size_t off, size_t len,
			bool more)
{
	struct fb_ip h = {.src = PEER_IP, .dst = OUR_IP, .proto = 17, .id = id,
			  .frag = (uint16_t)((more ? 0x2000 : 0) | off / 8)};
	return rx_ip(t, &h, dgram + off, len);
}

static void check_delivered(size_t n, uint8_t seed)
{
	assert_int_equal(lg.count, 1);
	assert_int_equal(lg.len, n);
	for (size_t i = 0; i < n; i++)
		if (lg.data[i] != (uint8_t)(i * 7 + seed))
			fail_msg("byte %zu differs", i);
}

static void frag_in_order_and_reverse(void **state)
{
	struct tenv *t = *state;
	open67(t);
	make_dgram(3000, 1);
	assert_string_equal(frag(t, 1, 0, 1480, true), "rx_frames,frag_rx");
	assert_string_equal(frag(t, 1, 1480, 1480, true), "rx_frames,frag_rx");
	assert_string_equal(frag(t, 1, 2960, dgram_len - 2960, false),
			    "rx_frames,frag_rx,frag_done,udp_rx");
	check_delivered(3000, 1);
	memset(&lg, 0, sizeof(lg));
	make_dgram(3000, 2);
	assert_string_equal(frag(t, 2, 2960, dgram_len - 2960, false), "rx_frames,frag_rx");
	assert_string_equal(frag(t, 2, 1480, 1480, true), "rx_frames,frag_rx");
	assert_string_equal(frag(t, 2, 0, 1480, true),
			    "rx_frames,frag_rx,frag_done,udp_rx");
	check_delivered(3000, 2);
	/* Both slots are free again. */
	for (int i = 0; i < NB_IP_REASM_SLOTS; i++)
		assert_false(t->s.reasm[i].used);
}

static void frag_duplicates(void **state)
{
	struct tenv *t = *state;
	open67(t);
	make_dgram(2000, 3);
	assert_string_equal(frag(t, 3, 0, 1000, true), "rx_frames,frag_rx");
	assert_string_equal(frag(t, 3, 0, 1000, true), "rx_frames,frag_rx");
	assert_string_equal(frag(t, 3, 1000, dgram_len - 1000, false), "rx_frames,frag_rx,frag_done,udp_rx");
	check_delivered(2000, 3);
	/* A duplicate after completion starts a new slot that times out. */
	assert_string_equal(frag(t, 3, 1000, dgram_len - 1000, false), "rx_frames,frag_rx");
	assert_int_equal(lg.count, 1);
	struct nb_stats before = t->s.stats;
	tenv_poll(t, NB_IP_REASM_TIMEOUT_MS);
	assert_string_equal(fl_stats_diff(&before, &t->s.stats), "frag_timeout");
	/* Duplicated last fragment before completion. */
	memset(&lg, 0, sizeof(lg));
	make_dgram(2000, 4);
	assert_string_equal(frag(t, 4, 1000, dgram_len - 1000, false), "rx_frames,frag_rx");
	assert_string_equal(frag(t, 4, 1000, dgram_len - 1000, false), "rx_frames,frag_rx");
	assert_string_equal(frag(t, 4, 0, 1000, true), "rx_frames,frag_rx,frag_done,udp_rx");
	check_delivered(2000, 4);
}

static void frag_overlap_different(void **state)
{
	struct tenv *t = *state;
	open67(t);
	make_dgram(2000, 5);
	assert_string_equal(frag(t, 5, 0, 1000, true), "rx_frames,frag_rx");
	dgram[500] ^= 0xff; /* same range, different bytes */
	assert_string_equal(frag(t, 5, 0, 1000, true), "rx_frames,frag_rx,frag_bad");
	dgram[500] ^= 0xff;
	/* The slot was dropped: the rest never completes the datagram. */
	assert_string_equal(frag(t, 5, 1000, dgram_len - 1000, false), "rx_frames,frag_rx");
	assert_int_equal(lg.count, 0);
	/* Partial overlap (even with equal data) is refused too. */
	make_dgram(2000, 6);
	assert_string_equal(frag(t, 6, 0, 1000, true), "rx_frames,frag_rx");
	assert_string_equal(frag(t, 6, 496, 1000, true), "rx_frames,frag_rx,frag_bad");
	assert_int_equal(lg.count, 0);
}

static void frag_bad_shapes(void **state)
{
	struct tenv *t = *state;
	open67(t);
	make_dgram(2000, 7);
	/* Middle fragment whose length is not a multiple of 8. */
	assert_string_equal(frag(t, 7, 0, 1000, true), "rx_frames,frag_rx");
	assert_string_equal(frag(t, 7, 1000, 999, true), "rx_frames,frag_rx,frag_bad");
	/* (the datagram was dropped with it) */
	for (int i = 0; i < NB_IP_REASM_SLOTS; i++)
		assert_false(t->s.reasm[i].used);
	/* Empty fragment. */
	assert_string_equal(frag(t, 8, 8, 0, true), "rx_frames,frag_rx,frag_bad");
	/* Beyond 64 KiB: offset 8184*8 + 100 bytes. */
	struct fb_ip h = {.src = PEER_IP, .dst = OUR_IP, .proto = 17, .id = 9,
			  .frag = 8184};
	assert_string_equal(rx_ip(t, &h, dgram, 100), "rx_frames,frag_rx,frag_bad");
	h.frag = 0x2000 | 8190; /* 65520 + 8 */
	assert_string_equal(rx_ip(t, &h, dgram, 8), "rx_frames,frag_rx,frag_bad");
	/* An oversized fragment also drops the datagram it belongs to. */
	assert_string_equal(frag(t, 10, 0, 1000, true), "rx_frames,frag_rx");
	h.id = 10;
	h.frag = 8184;
	assert_string_equal(rx_ip(t, &h, dgram, 100), "rx_frames,frag_rx,frag_bad");
	for (int i = 0; i < NB_IP_REASM_SLOTS; i++)
		assert_false(t->s.reasm[i].used);
	/* Conflicting last fragments. */
	assert_string_equal(frag(t, 11, 1000, 500, false), "rx_frames,frag_rx");
	assert_string_equal(frag(t, 11, 1000, 504, false), "rx_frames,frag_rx,frag_bad");
	/* A middle fragment beyond a known end. */
	assert_string_equal(frag(t, 12, 1000, 500, false), "rx_frames,frag_rx");
	assert_string_equal(frag(t, 12, 1496, 8, true), "rx_frames,frag_rx,frag_bad");
	/* A last fragment ending before data already held. */
	assert_string_equal(frag(t, 13, 1000, 8, true), "rx_frames,frag_rx");
	assert_string_equal(frag(t, 13, 8, 500, false), "rx_frames,frag_rx,frag_bad");
	assert_int_equal(lg.count, 0);
	for (int i = 0; i < NB_IP_REASM_SLOTS; i++)
		assert_false(t->s.reasm[i].used);
}

static void frag_timeout_and_slots(void **state)
{
	struct tenv *t = *state;
	open67(t);
	make_dgram(2000, 9);
	for (int i = 0; i < NB_IP_REASM_SLOTS; i++)
		assert_string_equal(frag(t, (uint16_t)(20 + i), 0, 1000, true),
				    "rx_frames,frag_rx");
	assert_string_equal(frag(t, 30, 0, 1000, true), "rx_frames,frag_rx,frag_no_slot");
	/* Fragments of datagrams already held still get in. */
	assert_string_equal(frag(t, 20, 1000, dgram_len - 1000, false),
			    "rx_frames,frag_rx,frag_done,udp_rx");
	assert_string_equal(frag(t, 30, 0, 1000, true), "rx_frames,frag_rx");
	struct nb_stats before = t->s.stats;
	tenv_poll(t, NB_IP_REASM_TIMEOUT_MS - 1);
	assert_string_equal(fl_stats_diff(&before, &t->s.stats), "");
	tenv_poll(t, 1);
	assert_string_equal(fl_stats_diff(&before, &t->s.stats), "frag_timeout");
	assert_int_equal(t->s.stats.frag_timeout, NB_IP_REASM_SLOTS);
	for (int i = 0; i < NB_IP_REASM_SLOTS; i++)
		assert_false(t->s.reasm[i].used);
	/* A late fragment of an expired datagram starts over, incomplete. */
	assert_string_equal(frag(t, 30, 1000, dgram_len - 1000, false), "rx_frames,frag_rx");
	assert_int_equal(lg.count, 1);
	/* Key includes the source: same ID from elsewhere is separate. */
	struct fb_ip h = {.src = NB_IPV4(10, 0, 0, 7), .dst = OUR_IP, .proto = 17,
			  .id = 30, .frag = 0x2000};
	assert_string_equal(rx_ip(t, &h, dgram, 1000), "rx_frames,frag_rx");
	assert_int_equal(lg.count, 1);
}

static void frag_max_datagram(void **state)
{
	struct tenv *t = *state;
	open67(t);
	/* 65535 - 20 - 8: the largest UDP payload IPv4 can carry. */
	make_dgram(65507, 11);
	assert_int_equal(dgram_len, 65515);
	size_t off = 0;
	const char *last = NULL;
	while (off < dgram_len) {
		size_t n = dgram_len - off > 1480 ? 1480 : dgram_len - off;
		last = frag(t, 0xbeef, off, n, off + n < dgram_len);
		off += n;
	}
	assert_string_equal(last, "rx_frames,frag_rx,frag_done,udp_rx");
	check_delivered(65507, 11);
	assert_int_equal(t->s.stats.frag_rx, 45);
	/* Shuffled order, with the same result. */
	memset(&lg, 0, sizeof(lg));
	make_dgram(65507, 12);
	size_t order[45];
	for (size_t i = 0; i < 45; i++)
		order[i] = (i * 17) % 45;
	for (size_t i = 0; i < 45; i++) {
		size_t o = order[i] * 1480;
		size_t n = dgram_len - o > 1480 ? 1480 : dgram_len - o;
		frag(t, 0xbef0, o, n, o + n < dgram_len);
	}
	check_delivered(65507, 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(ip_header_checks),
		T(ip_padding_trimmed),
		T(ip_bad_sources),
		T(ip_destinations),
		T(ip_unconfigured_accepts_any_unicast),
		T(ip_routing),
		T(ip_send_header),
		T(ip_protocol_hooks),
		T(frag_in_order_and_reverse),
		T(frag_duplicates),
		T(frag_overlap_different),
		T(frag_bad_shapes),
		T(frag_timeout_and_slots),
		T(frag_max_datagram),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
