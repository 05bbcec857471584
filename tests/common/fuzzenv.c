/*
 * The shared fuzz environment of fuzzenv.h: rebuilds a configured stack
 * on a fake link from scratch for every input, so the eth, ip and stack
 * harnesses start each run from the same interesting state.
 */
#include "fuzzenv.h"

#include <stdlib.h>
#include <string.h>

static uint8_t fz_mem[NB_STACK_ARENA_BYTES];

static void fz_rx(void *ctx, struct nb_udp_sock *sk, const struct nb_udp_meta *m,
		  const void *data, size_t len)
{
	struct fz_env *e = ctx;
	/* Touch every byte so ASan sees reads beyond the datagram. */
	const volatile uint8_t *b = data;
	uint8_t x = 0;
	for (size_t i = 0; i < len; i++)
		x ^= b[i];
	(void)x;
	e->delivered += len;
	if (sk == &e->sock[0])
		(void)nb_udp_sendto(sk, m->src_ip, m->src_port, data,
				    len > 64 ? 64 : len);
	else if (sk == &e->sock[1])
		nb_udp_close(sk);
}

void fz_env_reset(struct fz_env *e)
{
	static bool init;
	if (!init) {
		fl_init(&e->fl, fl_our_mac, 1500, 7);
		init = true;
	}
	e->fl.ntx = 0;
	e->fl.rx_head = e->fl.rx_tail = 0;
	e->fl.tx_rc = e->fl.rx_rc = e->fl.rng_rc = 0;
	e->fl.rng_state = 7;
	e->now = 1000;
	e->delivered = 0;
	memset(e->sock, 0, sizeof(e->sock));
	memset(&e->ping, 0, sizeof(e->ping));
	nb_arena_init(&e->arena, fz_mem, sizeof(fz_mem));
	if (nb_stack_init(&e->s, &e->fl.link, &e->fl.rng, &e->arena) != 0)
		abort();
	nb_stack_set_ipv4(&e->s, FZ_OUR_IP, FZ_MASK, FZ_GW_IP);
	nb_stack_poll(&e->s, e->now);
	nb_arp_add(&e->s, FZ_GW_IP, fb_peer_mac);
	if (nb_udp_open(&e->sock[0], &e->s, 68, fz_rx, e) ||
	    nb_udp_open(&e->sock[1], &e->s, 69, fz_rx, e) ||
	    nb_udp_open(&e->sock[2], &e->s, 0, fz_rx, e))
		abort();
	/* A frame parked behind an unanswered ARP request. */
	(void)nb_udp_sendto(&e->sock[2], FZ_PENDING_IP, 7, "parked", 6);
	(void)nb_ping_start(&e->ping, &e->s, FZ_GW_IP, 1, 16, 5000, e->now);
}

void fz_env_check(const struct fz_env *e)
{
	size_t n = 0;
	for (const struct nb_udp_sock *k = e->s.udp; k; k = k->next)
		if (++n > 3 || k->s != &e->s)
			abort();
	n = 0;
	for (const struct nb_ping *p = e->s.pings; p; p = p->next)
		if (++n > 1)
			abort();
	for (size_t i = 0; i < NB_ARP_QUEUE_LEN; i++)
		if (e->s.arp_wait[i].len > NB_ETH_FRAME_MAX)
			abort();
	for (size_t i = 0; i < NB_IP_REASM_SLOTS; i++)
		if (e->s.reasm[i].used && e->s.reasm[i].have > NB_IP_REASM_MAX)
			abort();
}
