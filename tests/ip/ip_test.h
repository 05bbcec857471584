/* Shared setup for the lib/ip test programs. */
#ifndef NB_TEST_IP_TEST_H
#define NB_TEST_IP_TEST_H

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

#define OUR_IP NB_IPV4(10, 0, 0, 2)
#define PEER_IP NB_IPV4(10, 0, 0, 1)
#define GW_IP NB_IPV4(10, 0, 0, 254)
#define MASK 0xffffff00u

/* What a test socket saw. */
struct rx_log {
	int count;
	size_t len;
	struct nb_udp_meta meta;
	uint8_t data[65536];
	bool close_in_cb;   /* close the socket from inside the callback */
	bool echo_in_cb;    /* send the data back from inside the callback */
	int echo_rc;
};

static void log_cb(void *ctx, struct nb_udp_sock *sk,
		   const struct nb_udp_meta *m, const void *data, size_t len)
{
	struct rx_log *l = ctx;
	l->count++;
	l->len = len;
	l->meta = *m;
	memcpy(l->data, data, len < sizeof(l->data) ? len : sizeof(l->data));
	if (l->echo_in_cb)
		l->echo_rc = nb_udp_sendto(sk, m->src_ip, m->src_port, data, len);
	if (l->close_in_cb)
		nb_udp_close(sk);
}

static inline int setup(void **state)
{
	struct tenv *t = tenv_new(OUR_IP, MASK, GW_IP);
	if (!t)
		return -1;
	/* The peers are known, so replies leave without an ARP round trip. */
	nb_arp_add(&t->s, PEER_IP, fb_peer_mac);
	nb_arp_add(&t->s, GW_IP, fb_other_mac);
	*state = t;
	return 0;
}

static inline int teardown(void **state)
{
	tenv_free(*state);
	return 0;
}

/* Push one frame, poll, and return which counters moved. */
static inline const char *rx_diff(struct tenv *t, const void *f, size_t len)
{
	struct nb_stats before = t->s.stats;
	assert_int_equal(tenv_rx(t, f, len), 1);
	return fl_stats_diff(&before, &t->s.stats);
}

/* A frame to us carrying an IPv4 packet built from @h and @payload. */
static inline const char *rx_ip(struct tenv *t, const struct fb_ip *h,
				const void *payload, size_t len)
{
	uint8_t f[NB_ETH_FRAME_MAX + 64];
	size_t n = fb_ip_frame(f, fl_our_mac, h, payload, len);
	assert_true(n <= NB_ETH_FRAME_MAX);
	return rx_diff(t, f, n < 60 ? 60 : n);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

#endif
