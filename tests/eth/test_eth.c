/* Unit tests for lib/eth: Ethernet input filtering and ARP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../common/fakelink.h"
#include "../common/frames.h"
#include "netboot/stack.h"
#include "../support/peek.h"

#define OUR_IP NB_IPV4(10, 0, 0, 2)
#define PEER_IP NB_IPV4(10, 0, 0, 1)
#define MASK 0xffffff00u

static const uint8_t zero_mac[6];

static int setup(void **state)
{
	struct tenv *t = tenv_new(OUR_IP, MASK, PEER_IP);
	*state = t;
	return t ? 0 : -1;
}

static int teardown(void **state)
{
	tenv_free(*state);
	return 0;
}

/* Push one frame, poll, and return which counters moved. */
static const char *rx_diff(struct tenv *t, const void *f, size_t len)
{
	struct nb_stats before = t->s.stats;
	assert_int_equal(tenv_rx(t, f, len), 1);
	return fl_stats_diff(&before, &t->s.stats);
}

static void send_udp(struct tenv *t, uint32_t dst, int want)
{
	struct nb_udp_sock *sk = t->s.udp;
	assert_non_null(sk);
	assert_int_equal(nb_udp_sendto(sk, dst, 7, "hello", 5), want);
}

static void rx_cb(void *ctx, struct nb_udp_sock *sk,
		  const struct nb_udp_meta *m, const void *data, size_t len)
{
	(void)ctx, (void)sk, (void)m, (void)data, (void)len;
}

static struct nb_udp_sock *open_sock(struct tenv *t)
{
	static struct nb_udp_sock sk;
	memset(&sk, 0, sizeof(sk));
	assert_int_equal(nb_udp_open(&sk, &t->s, 1234, rx_cb, NULL), 0);
	return &sk;
}

/* ---- Ethernet ---- */

static void eth_filtering(void **state)
{
	struct tenv *t = *state;
	uint8_t f[NB_ETH_FRAME_MAX];
	memset(f, 0, sizeof(f));
	fb_eth(f, fb_other_mac, fb_peer_mac, NB_ETHERTYPE_IPV4);
	assert_string_equal(rx_diff(t, f, 60), "rx_frames,rx_not_ours");
	const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
	fb_eth(f, mcast, fb_peer_mac, NB_ETHERTYPE_IPV4);
	assert_string_equal(rx_diff(t, f, 60), "rx_frames,rx_not_ours");
	fb_eth(f, fl_our_mac, fb_peer_mac, 0x86dd);
	assert_string_equal(rx_diff(t, f, 60), "rx_frames,rx_bad_type");
	fb_eth(f, nb_eth_broadcast, fb_peer_mac, 0x8100);
	assert_string_equal(rx_diff(t, f, 60), "rx_frames,rx_bad_type");
	for (size_t len = 1; len < NB_ETH_HLEN; len++)
		assert_string_equal(rx_diff(t, f, len), "rx_frames,rx_short");
	/* Header only: goes to ARP, which finds it short. */
	fb_eth(f, fl_our_mac, fb_peer_mac, NB_ETHERTYPE_ARP);
	assert_string_equal(rx_diff(t, f, NB_ETH_HLEN), "rx_frames,arp_bad");
	assert_int_equal(t->fl.ntx, 0);
}

static void eth_link_errors(void **state)
{
	struct tenv *t = *state;
	t->fl.rx_rc = -NB_EIO;
	struct nb_stats before = t->s.stats;
	assert_int_equal(tenv_poll(t, 1), -NB_EIO);
	assert_string_equal(fl_stats_diff(&before, &t->s.stats), "rx_link_errors");
	/* Budget: at most NB_POLL_BUDGET frames per poll. */
	uint8_t f[60] = {0};
	fb_eth(f, fb_other_mac, fb_peer_mac, NB_ETHERTYPE_IPV4);
	for (int i = 0; i < NB_POLL_BUDGET + 5; i++)
		assert_int_equal(fl_push(&t->fl, f, sizeof(f)), 0);
	assert_int_equal(tenv_poll(t, 1), NB_POLL_BUDGET);
	assert_int_equal(fl_pending(&t->fl), 5);
	assert_int_equal(tenv_poll(t, 1), 5);
	assert_int_equal(tenv_poll(t, 1), 0);
}

static void eth_send_errors(void **state)
{
	struct tenv *t = *state;
	assert_int_equal(nb_eth_send(&t->s, fb_peer_mac, 0x88b5, NB_ETH_FRAME_MAX + 1),
			 -NB_EMSGSIZE);
	assert_int_equal(nb_eth_send(&t->s, fb_peer_mac, 0x88b5, 13), -NB_EMSGSIZE);
	struct nb_stats before = t->s.stats;
	t->fl.tx_rc = -NB_ENOBUFS;
	assert_int_equal(nb_eth_send(&t->s, fb_peer_mac, 0x88b5, 100), 0);
	assert_string_equal(fl_stats_diff(&before, &t->s.stats), "tx_dropped");
	before = t->s.stats;
	t->fl.tx_rc = -NB_EIO;
	assert_int_equal(nb_eth_send(&t->s, fb_peer_mac, 0x88b5, 100), -NB_EIO);
	assert_string_equal(fl_stats_diff(&before, &t->s.stats), "tx_errors");
	t->fl.tx_rc = 0;
	/* Short frames are padded with zeros to 60 bytes. */
	memset(nb_stack_tx_frame(&t->s), 0xcc, NB_ETH_FRAME_MAX);
	assert_int_equal(nb_eth_send(&t->s, fb_peer_mac, 0x88b5, 20), 0);
	const struct fl_frame *fr = fl_last(&t->fl);
	assert_int_equal(fr->len, 60);
	assert_memory_equal(fr->data, fb_peer_mac, 6);
	assert_memory_equal(fr->data + 6, fl_our_mac, 6);
	assert_int_equal(nb_get16(fr->data + 12), 0x88b5);
	for (size_t i = 20; i < 60; i++)
		assert_int_equal(fr->data[i], 0);
}

/* ---- ARP ---- */

static void arp_request_for_us(void **state)
{
	struct tenv *t = *state;
	uint8_t f[NB_ETH_FRAME_MAX];
	size_t n = fb_arp(f, nb_eth_broadcast, 1, fb_peer_mac, PEER_IP, zero_mac, OUR_IP);
	memset(f + n, 0x77, 60 - n); /* trailer junk in the padding */
	assert_string_equal(rx_diff(t, f, 60), "rx_frames,tx_frames,arp_replied");
	assert_int_equal(t->fl.ntx, 1);
	const uint8_t want[60] = {
		0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02, 0x08, 0x06,
		0, 1, 0x08, 0, 6, 4, 0, 2,
		0x02, 0, 0, 0, 0, 0x02, 10, 0, 0, 2,
		0x02, 0, 0, 0, 0, 0x01, 10, 0, 0, 1,
	};
	assert_int_equal(t->fl.tx[0].len, 60);
	assert_memory_equal(t->fl.tx[0].data, want, 60);
	/* The requester was learned (RFC 826: it is talking to us). */
	uint8_t mac[6];
	assert_true(nb_arp_lookup(&t->s, PEER_IP, mac));
	assert_memory_equal(mac, fb_peer_mac, 6);
}

static void arp_request_for_others(void **state)
{
	struct tenv *t = *state;
	uint8_t f[NB_ETH_FRAME_MAX];
	size_t n = fb_arp(f, nb_eth_broadcast, 1, fb_peer_mac, PEER_IP, zero_mac,
			  NB_IPV4(10, 0, 0, 77));
	assert_string_equal(rx_diff(t, f, n), "rx_frames,arp_other");
	assert_int_equal(t->fl.ntx, 0);
	assert_false(nb_arp_lookup(&t->s, PEER_IP, NULL));
	/* Unsolicited reply to someone else: not learned either. */
	n = fb_arp(f, fl_our_mac, 2, fb_peer_mac, PEER_IP, fb_other_mac,
		   NB_IPV4(10, 0, 0, 77));
	assert_string_equal(rx_diff(t, f, n), "rx_frames,arp_other");
	assert_false(nb_arp_lookup(&t->s, PEER_IP, NULL));
	/* A known sender is refreshed whoever the target (RFC 826 merge). */
	assert_int_equal(nb_arp_add(&t->s, PEER_IP, fb_other_mac), 0);
	n = fb_arp(f, nb_eth_broadcast, 1, fb_peer_mac, PEER_IP, zero_mac,
		   NB_IPV4(10, 0, 0, 77));
	assert_string_equal(rx_diff(t, f, n), "rx_frames");
	uint8_t mac[6];
	assert_true(nb_arp_lookup(&t->s, PEER_IP, mac));
	assert_memory_equal(mac, fb_peer_mac, 6);
	/* Our own request looped back by the link: ignored. */
	n = fb_arp(f, nb_eth_broadcast, 1, fl_our_mac, OUR_IP, zero_mac, OUR_IP);
	assert_string_equal(rx_diff(t, f, n), "rx_frames,arp_other");
	assert_int_equal(t->fl.ntx, 0);
}

static void arp_unconfigured_no_reply(void **state)
{
	struct tenv *t = *state;
	nb_stack_set_ipv4(&t->s, 0, 0, 0);
	uint8_t f[NB_ETH_FRAME_MAX];
	size_t n = fb_arp(f, nb_eth_broadcast, 1, fb_peer_mac, PEER_IP, zero_mac, 0);
	assert_string_equal(rx_diff(t, f, n), "rx_frames,arp_other");
	assert_int_equal(t->fl.ntx, 0);
}

static void arp_bad(void **state)
{
	struct tenv *t = *state;
	uint8_t f[NB_ETH_FRAME_MAX];
	size_t n = fb_arp(f, nb_eth_broadcast, 1, fb_peer_mac, PEER_IP, zero_mac, OUR_IP);
	struct {
		size_t off;
		uint8_t val;
	} bad[] = {
		{14 + 1, 6},    /* htype 6 (IEEE 802) */
		{14 + 2, 0x86}, /* ptype 0x8600 */
		{14 + 4, 8},    /* hlen */
		{14 + 5, 16},   /* plen */
		{14 + 7, 0},    /* op 0 */
		{14 + 7, 3},    /* op 3 (RARP request) */
		{14 + 6, 1},    /* op 0x0101 */
		{14 + 8, 0x01}, /* multicast sender MAC */
		{14 + 8, 0xff}, /* broadcast-ish sender MAC */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t g[NB_ETH_FRAME_MAX];
		memcpy(g, f, n);
		g[bad[i].off] = bad[i].val;
		assert_string_equal(rx_diff(t, g, n), "rx_frames,arp_bad");
	}
	/* All-zero sender MAC. */
	uint8_t g[NB_ETH_FRAME_MAX];
	n = fb_arp(g, nb_eth_broadcast, 1, zero_mac, PEER_IP, zero_mac, OUR_IP);
	assert_string_equal(rx_diff(t, g, n), "rx_frames,arp_bad");
	/* Truncated: one byte short of the 28-byte packet. */
	n = fb_arp(g, nb_eth_broadcast, 1, fb_peer_mac, PEER_IP, zero_mac, OUR_IP);
	assert_string_equal(rx_diff(t, g, n - 1), "rx_frames,arp_bad");
	assert_int_equal(t->fl.ntx, 0);
	assert_false(nb_arp_lookup(&t->s, PEER_IP, NULL));
	/* The intact packet still works afterwards. */
	assert_string_equal(rx_diff(t, f, n), "rx_frames,tx_frames,arp_replied");
}

static void check_request(const struct fl_frame *fr, uint32_t target)
{
	assert_non_null(fr);
	assert_int_equal(fr->len, 60);
	uint8_t want[60];
	memset(want, 0, sizeof(want));
	fb_arp(want, nb_eth_broadcast, 1, fl_our_mac, OUR_IP, zero_mac, target);
	assert_memory_equal(fr->data, want, 60);
}

static void arp_resolve_and_flush(void **state)
{
	struct tenv *t = *state;
	open_sock(t);
	uint32_t dst = NB_IPV4(10, 0, 0, 5);
	struct nb_stats before = t->s.stats;
	send_udp(t, dst, 0);
	send_udp(t, dst, 0); /* second frame waits on the same resolution */
	assert_string_equal(fl_stats_diff(&before, &t->s.stats),
			    "tx_frames,arp_requests");
	assert_int_equal(t->fl.ntx, 1);
	check_request(fl_tx(&t->fl, 0), dst);
	assert_false(nb_arp_lookup(&t->s, dst, NULL));
	uint8_t f[NB_ETH_FRAME_MAX];
	size_t n = fb_arp(f, fl_our_mac, 2, fb_other_mac, dst, fl_our_mac, OUR_IP);
	before = t->s.stats;
	assert_int_equal(tenv_rx(t, f, n), 1);
	assert_string_equal(fl_stats_diff(&before, &t->s.stats), "rx_frames,tx_frames");
	assert_int_equal(t->fl.ntx, 3);
	for (size_t i = 1; i < 3; i++) {
		const struct fl_frame *fr = fl_tx(&t->fl, i);
		assert_memory_equal(fr->data, fb_other_mac, 6);
		assert_memory_equal(fr->data + 6, fl_our_mac, 6);
		assert_int_equal(nb_get16(fr->data + 12), NB_ETHERTYPE_IPV4);
		assert_int_equal(nb_get32(fr->data + 14 + 16), dst);
		assert_memory_equal(fr->data + 14 + 20 + 8, "hello", 5);
	}
	assert_true(nb_arp_lookup(&t->s, dst, NULL));
	/* Now resolved: sent at once. */
	send_udp(t, dst, 0);
	assert_int_equal(t->fl.ntx, 4);
	/* Off-link goes to the gateway's MAC. */
	fl_clear_tx(&t->fl);
	send_udp(t, NB_IPV4(8, 8, 8, 8), 0);
	check_request(fl_tx(&t->fl, 0), PEER_IP);
}

static void arp_queue_bounded(void **state)
{
	struct tenv *t = *state;
	open_sock(t);
	for (int i = 0; i < NB_ARP_QUEUE_LEN; i++)
		send_udp(t, NB_IPV4(10, 0, 0, 10 + i), 0);
	struct nb_stats before = t->s.stats;
	send_udp(t, NB_IPV4(10, 0, 0, 50), -NB_ENOBUFS);
	send_udp(t, NB_IPV4(10, 0, 0, 10), -NB_ENOBUFS); /* also for a pending hop */
	assert_string_equal(fl_stats_diff(&before, &t->s.stats), "arp_queue_full");
	assert_int_equal(t->s.stats.arp_queue_full, 2);
	assert_int_equal(t->fl.ntx, NB_ARP_QUEUE_LEN);
}

static void arp_retries_and_give_up(void **state)
{
	struct tenv *t = *state;
	open_sock(t);
	uint32_t dst = NB_IPV4(10, 0, 0, 9);
	uint64_t t0 = t->now;
	send_udp(t, dst, 0);
	assert_int_equal(t->fl.ntx, 1);
	/* Requests at +0, +250, +750, +1750, +3750; give up at +7750. */
	uint64_t interval = NB_ARP_RETRY_MS, at = t0;
	for (int i = 1; i < NB_ARP_TRIES; i++) {
		at += interval;
		nb_stack_poll(&t->s, at - 1);
		t->now = at - 1;
		assert_int_equal(t->fl.ntx, (size_t)i);
		tenv_poll(t, 1);
		assert_int_equal(t->fl.ntx, (size_t)i + 1);
		check_request(fl_last(&t->fl), dst);
		interval *= 2;
	}
	at += interval;
	assert_int_equal(at - t0, 7750);
	t->now = at - 1;
	nb_stack_poll(&t->s, t->now);
	assert_int_equal(t->s.stats.arp_failed, 0);
	struct nb_stats before = t->s.stats;
	tenv_poll(t, 1);
	assert_string_equal(fl_stats_diff(&before, &t->s.stats), "arp_failed");
	assert_int_equal(t->fl.ntx, NB_ARP_TRIES);
	/* Failed: sends fail fast for a while, the waiting frame is gone. */
	send_udp(t, dst, -NB_EUNREACH);
	uint8_t f[NB_ETH_FRAME_MAX];
	size_t n = fb_arp(f, fl_our_mac, 2, fb_other_mac, dst, fl_our_mac, OUR_IP);
	tenv_rx(t, f, n);
	assert_int_equal(t->fl.ntx, NB_ARP_TRIES); /* nothing flushed */
	/* (the late reply revived the entry: a fresh failure is needed) */
	assert_true(nb_arp_lookup(&t->s, dst, NULL));
}

static void arp_negative_cache_expires(void **state)
{
	struct tenv *t = *state;
	open_sock(t);
	uint32_t dst = NB_IPV4(10, 0, 0, 9);
	send_udp(t, dst, 0);
	for (int i = 0; i < 400 && !t->s.stats.arp_failed; i++)
		tenv_poll(t, 50);
	assert_int_equal(t->s.stats.arp_failed, 1);
	size_t sent = t->fl.ntx;
	tenv_poll(t, 2999);
	send_udp(t, dst, -NB_EUNREACH);
	tenv_poll(t, 1);
	/* After the negative period a send resolves again. */
	send_udp(t, dst, 0);
	assert_int_equal(t->fl.ntx, sent + 1);
	check_request(fl_last(&t->fl), dst);
}

static void arp_cache_lru(void **state)
{
	struct tenv *t = *state;
	open_sock(t);
	uint8_t mac[6] = {0x02, 0, 0, 0, 1, 0};
	for (int i = 0; i < NB_ARP_CACHE_SIZE; i++) {
		mac[5] = (uint8_t)i;
		assert_int_equal(nb_arp_add(&t->s, NB_IPV4(10, 0, 0, 100 + i), mac), 0);
		tenv_poll(t, 10);
	}
	/* Use every entry except .103, oldest first, so .103 is the LRU. */
	for (int i = 0; i < NB_ARP_CACHE_SIZE; i++) {
		if (i != 3)
			send_udp(t, NB_IPV4(10, 0, 0, 100 + i), 0);
		tenv_poll(t, 10);
	}
	assert_int_equal(t->fl.ntx, NB_ARP_CACHE_SIZE - 1);
	mac[5] = 0x55;
	assert_int_equal(nb_arp_add(&t->s, NB_IPV4(10, 0, 0, 200), mac), 0);
	assert_false(nb_arp_lookup(&t->s, NB_IPV4(10, 0, 0, 103), NULL));
	for (int i = 0; i < NB_ARP_CACHE_SIZE; i++)
		if (i != 3)
			assert_true(nb_arp_lookup(&t->s, NB_IPV4(10, 0, 0, 100 + i), NULL));
	assert_true(nb_arp_lookup(&t->s, NB_IPV4(10, 0, 0, 200), NULL));
	/* A request for us from a new host also evicts the LRU (.100 now). */
	uint8_t f[NB_ETH_FRAME_MAX];
	size_t n = fb_arp(f, nb_eth_broadcast, 1, fb_peer_mac, PEER_IP, zero_mac, OUR_IP);
	tenv_rx(t, f, n);
	assert_true(nb_arp_lookup(&t->s, PEER_IP, NULL));
	assert_false(nb_arp_lookup(&t->s, NB_IPV4(10, 0, 0, 100), NULL));
}

static void arp_pending_with_frames_not_evicted(void **state)
{
	struct tenv *t = *state;
	open_sock(t);
	/* Fill the cache with pending entries that hold frames... */
	uint8_t mac[6] = {0x02, 0, 0, 0, 1, 0};
	for (int i = 0; i < NB_ARP_CACHE_SIZE - NB_ARP_QUEUE_LEN; i++) {
		mac[5] = (uint8_t)i;
		assert_int_equal(nb_arp_add(&t->s, NB_IPV4(10, 0, 0, 100 + i), mac), 0);
	}
	for (int i = 0; i < NB_ARP_QUEUE_LEN; i++)
		send_udp(t, NB_IPV4(10, 0, 0, 20 + i), 0);
	/* ...then adding entries replaces only resolved ones. */
	for (int i = 0; i < 20; i++) {
		mac[5] = (uint8_t)(0x80 + i);
		assert_int_equal(nb_arp_add(&t->s, NB_IPV4(10, 0, 1, i + 1), mac), 0);
	}
	/* The parked frames still go out when their replies arrive. */
	size_t before = t->fl.ntx;
	for (int i = 0; i < NB_ARP_QUEUE_LEN; i++) {
		uint8_t f[NB_ETH_FRAME_MAX];
		size_t n = fb_arp(f, fl_our_mac, 2, fb_other_mac, NB_IPV4(10, 0, 0, 20 + i),
				  fl_our_mac, OUR_IP);
		tenv_rx(t, f, n);
	}
	assert_int_equal(t->fl.ntx, before + NB_ARP_QUEUE_LEN);
}

static void arp_expiry(void **state)
{
	struct tenv *t = *state;
	open_sock(t);
	assert_int_equal(nb_arp_add(&t->s, PEER_IP, fb_peer_mac), 0);
	tenv_poll(t, NB_ARP_TTL_MS - 1);
	assert_true(nb_arp_lookup(&t->s, PEER_IP, NULL));
	tenv_poll(t, 1);
	assert_false(nb_arp_lookup(&t->s, PEER_IP, NULL));
	send_udp(t, PEER_IP, 0);
	check_request(fl_last(&t->fl), PEER_IP);
}

static void arp_add_invalid(void **state)
{
	struct tenv *t = *state;
	assert_int_equal(nb_arp_add(&t->s, 0, fb_peer_mac), -NB_EINVAL);
	assert_int_equal(nb_arp_add(&t->s, NB_IP_BROADCAST, fb_peer_mac), -NB_EINVAL);
	assert_int_equal(nb_arp_add(&t->s, NB_IPV4(224, 0, 0, 1), fb_peer_mac), -NB_EINVAL);
	assert_int_equal(nb_arp_add(&t->s, PEER_IP, nb_eth_broadcast), -NB_EINVAL);
	assert_false(nb_arp_lookup(&t->s, PEER_IP, NULL));
}

static void arp_broadcast_multicast_no_arp(void **state)
{
	struct tenv *t = *state;
	open_sock(t);
	send_udp(t, NB_IP_BROADCAST, 0);
	send_udp(t, NB_IPV4(10, 0, 0, 255), 0);
	send_udp(t, NB_IPV4(239, 1, 2, 3), 0);
	assert_int_equal(t->fl.ntx, 3);
	assert_memory_equal(t->fl.tx[0].data, nb_eth_broadcast, 6);
	assert_memory_equal(t->fl.tx[1].data, nb_eth_broadcast, 6);
	const uint8_t mc[6] = {0x01, 0x00, 0x5e, 0x01, 0x02, 0x03};
	assert_memory_equal(t->fl.tx[2].data, mc, 6);
	assert_int_equal(t->s.stats.arp_requests, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(eth_filtering),
		T(eth_link_errors),
		T(eth_send_errors),
		T(arp_request_for_us),
		T(arp_request_for_others),
		T(arp_unconfigured_no_reply),
		T(arp_bad),
		T(arp_resolve_and_flush),
		T(arp_queue_bounded),
		T(arp_retries_and_give_up),
		T(arp_negative_cache_expires),
		T(arp_cache_lru),
		T(arp_pending_with_frames_not_evicted),
		T(arp_expiry),
		T(arp_add_invalid),
		T(arp_broadcast_multicast_no_arp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
