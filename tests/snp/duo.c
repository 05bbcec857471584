/*
 * The two-stack rig of duo.h for the driver tests: stack A on the driver
 * under test over emulated firmware, stack B straight on the memlink,
 * both echoing UDP, so a driver is judged by traffic that actually
 * crosses it.
 */
#include "duo.h"

#include "../support/testrng.h"

#include <stdlib.h>
#include <string.h>

static void pattern(uint8_t *p, unsigned seq, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seq * 11 + i * 7);
	if (len >= 2) {
		p[0] = (uint8_t)(seq >> 8);
		p[1] = (uint8_t)seq;
	}
}

static void echo_rx(void *ctx, struct nb_udp_sock *sk,
		    const struct nb_udp_meta *m, const void *data, size_t len)
{
	(void)ctx;
	(void)nb_udp_sendto(sk, m->src_ip, m->src_port, data, len);
}

static void client_rx(void *ctx, struct nb_udp_sock *sk,
		      const struct nb_udp_meta *m, const void *data, size_t len)
{
	struct duo *d = ctx;
	(void)sk;
	uint8_t want[1500];
	const uint8_t *p = data;
	d->replies++;
	if (len < 2 || len > sizeof(want) || m->src_port != DUO_ECHO_PORT) {
		d->bad++;
		return;
	}
	unsigned seq = (unsigned)p[0] << 8 | p[1];
	pattern(want, seq, len);
	if (memcmp(want, p, len) != 0 || seq >= sizeof(d->seen) * 8) {
		d->bad++;
		return;
	}
	if (!(d->seen[seq / 8] & (1u << (seq % 8)))) {
		d->seen[seq / 8] |= (uint8_t)(1u << (seq % 8));
		d->distinct++;
	}
}

#define DUO_MEM (4u << 20)

struct duo *duo_new(const struct nb_impair *imp, uint64_t seed)
{
	struct duo *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->mem = malloc(DUO_MEM);
	if (!d->mem) {
		free(d);
		return NULL;
	}
	nb_arena_init(&d->arena, d->mem, DUO_MEM);
	if (nb_memlink_init(&d->m, imp, imp, seed, &d->arena) != 0) {
		duo_free(d);
		return NULL;
	}
	d->rng_state[0] = seed * 3 + 1;
	d->rng_state[1] = seed * 5 + 2;
	for (int i = 0; i < 2; i++) {
		d->rng[i].fill = nb_test_rng_fill;
		d->rng[i].ctx = &d->rng_state[i];
	}
	return d;
}

int duo_start(struct duo *d, struct nb_link *a_link)
{
	int rc = nb_stack_init(&d->a, a_link, &d->rng[0], &d->arena);
	if (!rc)
		rc = nb_stack_init(&d->b, nb_memlink_link(&d->m, 1), &d->rng[1],
				   &d->arena);
	if (rc)
		return rc;
	nb_stack_set_ipv4(&d->a, DUO_IP_A, 0xffffff00, 0);
	nb_stack_set_ipv4(&d->b, DUO_IP_B, 0xffffff00, 0);
	rc = nb_udp_open(&d->echo_b, &d->b, DUO_ECHO_PORT, echo_rx, d);
	if (!rc)
		rc = nb_udp_open(&d->client, &d->a, 0, client_rx, d);
	return rc;
}

void duo_free(struct duo *d)
{
	if (!d)
		return;
	free(d->mem);
	free(d);
}

int duo_step(struct duo *d)
{
	d->now++;
	nb_memlink_set_time(&d->m, d->now);
	int rc = nb_stack_poll(&d->a, d->now);
	(void)nb_stack_poll(&d->b, d->now);
	return rc;
}

unsigned duo_pings(struct duo *d, bool from_a, unsigned count, size_t size)
{
	struct nb_stack *s = from_a ? &d->a : &d->b;
	uint32_t dst = from_a ? DUO_IP_B : DUO_IP_A;
	unsigned ok = 0;
	for (unsigned i = 0; i < count; i++) {
		struct nb_ping p;
		if (nb_ping_start(&p, s, dst, (uint16_t)i, size, 1000, d->now) != 0)
			continue;
		int rc = -NB_EAGAIN;
		for (int t = 0; t < 2000 && rc == -NB_EAGAIN; t++) {
			duo_step(d);
			rc = nb_ping_poll(&p, d->now);
		}
		if (rc == -NB_EAGAIN)
			nb_ping_cancel(&p);
		if (rc == 0)
			ok++;
	}
	return ok;
}

unsigned duo_udp_burst(struct duo *d, unsigned count, size_t size)
{
	uint8_t buf[1500];
	unsigned start = d->distinct;
	if (size > sizeof(buf))
		size = sizeof(buf);
	for (unsigned i = 0; i < count; i++) {
		unsigned seq = (d->next_seq++) % (sizeof(d->seen) * 8);
		pattern(buf, seq, size);
		(void)nb_udp_sendto(&d->client, DUO_IP_B, DUO_ECHO_PORT, buf, size);
	}
	for (int t = 0; t < 5000 && d->distinct - start < count; t++)
		duo_step(d);
	return d->distinct - start;
}
