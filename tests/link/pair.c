/*
 * The in-process pair of pair.h: two stacks on a memlink with
 * deterministic entropy, a UDP echo server on one side, and ping and
 * UDP exchanges driven by simulated time, so pair tests replay exactly
 * from a seed.
 */
#include "pair.h"

#include "../support/testrng.h"
#include "netboot/hosted.h"

#include <stdlib.h>
#include <string.h>

static void pattern(uint8_t *d, uint32_t seq, size_t len)
{
	for (size_t i = 0; i < len; i++)
		d[i] = (uint8_t)(seq * 7 + i * 13);
	if (len >= 2) {
		d[0] = (uint8_t)(seq >> 8);
		d[1] = (uint8_t)seq;
	}
}

static void echo_rx(void *ctx, struct nb_udp_sock *sk,
		    const struct nb_udp_meta *m, const void *data, size_t len)
{
	(void)ctx;
	(void)nb_udp_sendto(sk, m->src_ip, m->src_port, data, len);
}

static void client_rx(void *ctx, struct nb_udp_sock *sk,
		      const struct nb_udp_meta *m, const void *data,
		      size_t len)
{
	struct pair *p = ctx;
	(void)sk;
	uint8_t want[NB_ETH_FRAME_MAX];
	const uint8_t *d = data;
	p->replies++;
	if (len < 2 || len > sizeof(want) || m->src_ip != PAIR_IP_B ||
	    m->src_port != PAIR_ECHO_PORT) {
		p->bad_payload++;
		return;
	}
	uint32_t seq = (uint32_t)d[0] << 8 | d[1];
	pattern(want, seq, len);
	if (memcmp(want, d, len) != 0 || seq >= sizeof(p->seen) * 8) {
		p->bad_payload++;
		return;
	}
	if (!(p->seen[seq / 8] & (1u << (seq % 8)))) {
		p->seen[seq / 8] |= (uint8_t)(1u << (seq % 8));
		p->distinct++;
	}
}

struct pair *pair_new(const struct nb_impair *ab, const struct nb_impair *ba,
		      uint64_t seed, struct nb_pcap *cap, const char *cap_path)
{
	struct pair *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	size_t qa = ab && ab->queue_len ? ab->queue_len : NB_MEMLINK_QUEUE_DEFAULT;
	size_t qb = ba && ba->queue_len ? ba->queue_len : NB_MEMLINK_QUEUE_DEFAULT;
	size_t need = NB_MEMLINK_ARENA_BYTES(qa, qb) + 2 * NB_STACK_ARENA_BYTES;
	p->mem = malloc(need);
	if (!p->mem)
		goto fail;
	nb_arena_init(&p->arena, p->mem, need);
	if (nb_memlink_init(&p->m, ab, ba, seed, &p->arena) < 0)
		goto fail;
	struct nb_link *la = nb_memlink_link(&p->m, 0);
	if (cap && cap_path) {
		if (nb_pcap_open_file(cap, la, cap_path) < 0)
			goto fail;
		/* Simulated time makes the capture's timeline the link's. */
		cap->cfg.now_us = NULL;
		cap->cfg.now_ms = &p->m.now_ms;
		la = &cap->link;
	}
	for (int i = 0; i < 2; i++) {
		p->rng_state[i] = seed * 2 + (uint64_t)i + 1;
		p->rng[i].fill = nb_test_rng_fill;
		p->rng[i].ctx = &p->rng_state[i];
	}
	if (nb_stack_init(&p->a, la, &p->rng[0], &p->arena) < 0 ||
	    nb_stack_init(&p->b, nb_memlink_link(&p->m, 1), &p->rng[1],
			  &p->arena) < 0)
		goto fail;
	nb_stack_set_ipv4(&p->a, PAIR_IP_A, 0xffffff00u, 0);
	nb_stack_set_ipv4(&p->b, PAIR_IP_B, 0xffffff00u, 0);
	if (nb_udp_open(&p->echo, &p->b, PAIR_ECHO_PORT, echo_rx, p) < 0 ||
	    nb_udp_open(&p->client, &p->a, 0, client_rx, p) < 0)
		goto fail;
	p->arena_after_init = nb_arena_mark(&p->arena);
	return p;
fail:
	pair_free(p);
	return NULL;
}

void pair_free(struct pair *p)
{
	if (!p)
		return;
	free(p->mem);
	free(p);
}

void pair_poll(struct pair *p, uint64_t now_ms)
{
	nb_memlink_set_time(&p->m, now_ms);
	(void)nb_stack_poll(&p->b, now_ms);
	(void)nb_stack_poll(&p->a, now_ms);
}

int pair_send_udp(struct pair *p, uint32_t seq, size_t len)
{
	uint8_t d[NB_ETH_FRAME_MAX];
	if (len > sizeof(d))
		return -NB_EMSGSIZE;
	pattern(d, seq, len);
	return nb_udp_sendto(&p->client, PAIR_IP_B, PAIR_ECHO_PORT, d, len);
}

uint32_t pair_pings(struct pair *p, uint32_t want, uint32_t timeout_ms,
		    uint64_t *now, uint64_t deadline_ms, uint32_t *timeouts)
{
	uint32_t ok = 0;
	uint16_t seq = 0;
	while (ok < want && *now < deadline_ms) {
		struct nb_ping pg;
		pair_poll(p, *now);
		int rc = nb_ping_start(&pg, &p->a, PAIR_IP_B, seq++, 56,
				       timeout_ms, *now);
		if (rc < 0) {
			(*now)++;
			continue;
		}
		while ((rc = nb_ping_poll(&pg, *now)) == -NB_EAGAIN &&
		       *now < deadline_ms)
			pair_poll(p, ++*now);
		if (rc == -NB_EAGAIN)
			nb_ping_cancel(&pg);
		if (rc == 0)
			ok++;
		else if (timeouts)
			(*timeouts)++;
	}
	return ok;
}

uint32_t pair_udp(struct pair *p, uint32_t want, uint32_t gap_ms,
		  uint64_t *now, uint64_t deadline_ms)
{
	uint32_t seq = 0;
	uint64_t next = *now;
	while (p->distinct < want && *now < deadline_ms) {
		if (*now >= next && seq < sizeof(p->seen) * 8) {
			(void)pair_send_udp(p, seq, 16 + (seq * 97) % 1400);
			seq++;
			next = *now + gap_ms;
		}
		pair_poll(p, ++*now);
	}
	return p->distinct;
}
