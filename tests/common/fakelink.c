/*
 * The fake link (see fakelink.h): queues frames for the stack to receive
 * and records what it transmits, so unit tests and fuzz harnesses drive a
 * stack with crafted frames and inspect its answers.
 */
#include "fakelink.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const uint8_t fl_our_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};

static int fl_transmit(void *drv, const void *frame, size_t len)
{
	struct fakelink *fl = drv;
	if (fl->tx_rc < 0)
		return fl->tx_rc;
	if (fl->ntx < FL_TX_MAX && len <= NB_ETH_FRAME_MAX) {
		memcpy(fl->tx[fl->ntx].data, frame, len);
		fl->tx[fl->ntx].len = len;
	}
	fl->ntx++;
	return fl->tx_rc;
}

static int fl_receive(void *drv, void *buf, size_t cap)
{
	struct fakelink *fl = drv;
	if (fl->rx_rc < 0) {
		int rc = fl->rx_rc;
		fl->rx_rc = 0;
		return rc;
	}
	if (fl->rx_head == fl->rx_tail)
		return 0;
	struct fl_frame *f = &fl->rx[fl->rx_head % FL_RX_MAX];
	fl->rx_head++;
	if (f->len > cap)
		return 0; /* a real driver drops, never truncates */
	memcpy(buf, f->data, f->len);
	return (int)f->len;
}

static const struct nb_link_ops fl_ops = {fl_transmit, fl_receive};

static int fl_rng(void *ctx, void *buf, size_t len)
{
	struct fakelink *fl = ctx;
	if (fl->rng_rc < 0)
		return fl->rng_rc;
	uint8_t *b = buf;
	for (size_t i = 0; i < len; i++) {
		uint64_t x = fl->rng_state;
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		fl->rng_state = x;
		b[i] = (uint8_t)((x * 0x2545f4914f6cdd1dull) >> 56);
	}
	return 0;
}

void fl_init(struct fakelink *fl, const uint8_t mac[6], uint16_t mtu,
	     uint64_t seed)
{
	memset(fl, 0, sizeof(*fl));
	fl->link.ops = &fl_ops;
	fl->link.drv = fl;
	memcpy(fl->link.mac, mac, 6);
	fl->link.mtu = mtu;
	fl->rng_state = seed ? seed : 0x9e3779b97f4a7c15ull;
	fl->rng.fill = fl_rng;
	fl->rng.ctx = fl;
}

int fl_push(struct fakelink *fl, const void *frame, size_t len)
{
	if (fl->rx_tail - fl->rx_head >= FL_RX_MAX || len > NB_ETH_FRAME_MAX)
		return -1;
	struct fl_frame *f = &fl->rx[fl->rx_tail % FL_RX_MAX];
	memcpy(f->data, frame, len);
	f->len = len;
	fl->rx_tail++;
	return 0;
}

size_t fl_pending(const struct fakelink *fl)
{
	return fl->rx_tail - fl->rx_head;
}

void fl_clear_tx(struct fakelink *fl)
{
	fl->ntx = 0;
}

const struct fl_frame *fl_tx(const struct fakelink *fl, size_t i)
{
	return i < fl->ntx && i < FL_TX_MAX ? &fl->tx[i] : NULL;
}

const struct fl_frame *fl_last(const struct fakelink *fl)
{
	return fl->ntx ? fl_tx(fl, fl->ntx - 1) : NULL;
}

struct tenv *tenv_new(uint32_t ip, uint32_t mask, uint32_t gw)
{
	struct tenv *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->memlen = NB_STACK_ARENA_BYTES;
	t->mem = malloc(t->memlen);
	if (!t->mem) {
		free(t);
		return NULL;
	}
	fl_init(&t->fl, fl_our_mac, 1500, 1);
	nb_arena_init(&t->arena, t->mem, t->memlen);
	if (nb_stack_init(&t->s, &t->fl.link, &t->fl.rng, &t->arena) != 0) {
		tenv_free(t);
		return NULL;
	}
	nb_stack_set_ipv4(&t->s, ip, mask, gw);
	/* Start the clock away from zero so "deadline 0" bugs show. */
	t->now = 1000;
	nb_stack_poll(&t->s, t->now);
	return t;
}

void tenv_free(struct tenv *t)
{
	if (!t)
		return;
	free(t->mem);
	free(t);
}

int tenv_poll(struct tenv *t, uint64_t ms)
{
	t->now += ms;
	return nb_stack_poll(&t->s, t->now);
}

int tenv_rx(struct tenv *t, const void *frame, size_t len)
{
	if (fl_push(&t->fl, frame, len) != 0)
		return -1;
	return nb_stack_poll(&t->s, t->now);
}

/* Every counter of struct nb_stats, to report which ones moved. */
#define FL_STATS_FIELDS \
	X(rx_frames) \
	X(rx_short) \
	X(rx_not_ours) \
	X(rx_bad_type) \
	X(rx_link_errors) \
	X(tx_frames) \
	X(tx_dropped) \
	X(tx_errors) \
	X(arp_bad) \
	X(arp_other) \
	X(arp_replied) \
	X(arp_requests) \
	X(arp_failed) \
	X(arp_queue_full) \
	X(ip_bad_header) \
	X(ip_bad_csum) \
	X(ip_bad_src) \
	X(ip_ttl_zero) \
	X(ip_not_ours) \
	X(ip_no_proto) \
	X(frag_rx) \
	X(frag_done) \
	X(frag_bad) \
	X(frag_no_slot) \
	X(frag_timeout) \
	X(icmp_bad) \
	X(icmp_echo_replied) \
	X(icmp_unreach_rx) \
	X(icmp_other) \
	X(udp_bad) \
	X(udp_no_port) \
	X(udp_rx) \

const char *fl_stats_diff(const struct nb_stats *a, const struct nb_stats *b)
{
	static char out[512];
	size_t n = 0;
	out[0] = 0;
#define X(f)                                                                   \
	if (a->f != b->f)                                                      \
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", n ? "," : "", #f);
	FL_STATS_FIELDS
#undef X
	return out;
}

#define X(f) +1
_Static_assert(sizeof(struct nb_stats) == (0 FL_STATS_FIELDS) * sizeof(uint32_t),
	       "FL_STATS_FIELDS must list every counter");
#undef X
