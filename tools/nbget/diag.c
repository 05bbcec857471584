/* Diagnostic commands: ping, serve (answer pings, echo UDP) and udp. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nbget.h"

static int ping6_poll(void *obj, uint64_t now_ms)
{
	const struct nb_ping6 *p = obj;
	if (p->replied)
		return 0;
	return now_ms - p->sent_ms >= 2000 ? -NB_ETIMEDOUT : -NB_EAGAIN;
}

/* One echo to DST (IPv4) or DST6 (an IPv6 literal when non-NULL). */
static int ping_once(struct nbget *g, uint32_t dst, const uint8_t *dst6,
		     int seq, uint64_t t0, uint32_t *rtt_ms)
{
	int rc;
	if (dst6) {
		struct nb_ping6 p = {0};
		rc = nb_stack6_ping(&g->stack6, &p, dst6, (uint16_t)seq);
		if (rc >= 0)
			rc = nb_wait(&g->stack, ping6_poll, &p, &g->clock, 0);
		g->stack6.ping = NULL;
		*rtt_ms = (uint32_t)p.rtt_ms;
		return rc;
	}
	struct nb_ping p = {0};
	rc = nb_ping_start(&p, &g->stack, dst, (uint16_t)seq, 56, 2000, t0);
	if (rc >= 0)
		rc = nb_wait(&g->stack, (nb_poll_fn)nb_ping_poll, &p, &g->clock,
			     0);
	*rtt_ms = p.rtt_ms;
	return rc;
}

int nbget_cmd_ping(struct nbget *g, const char *host)
{
	uint8_t a6[16];
	const uint8_t *dst6 = NULL;
	uint32_t dst = 0;
	int rc;
	if (strchr(host, ':')) {
		if (!g->v6 || nb_ip6_addr_parse(host, strlen(host), a6) < 0)
			return nbget_fail(host, -NB_EINVAL);
		dst6 = a6;
	} else if ((rc = nbget_resolve(g, host, &dst)) < 0) {
		return nbget_fail(host, rc);
	}
	int replies = 0;
	rc = 0;
	for (int i = 0; i < g->ping_count; i++) {
		uint64_t t0 = nbget_now(g);
		uint32_t rtt = 0;
		nb_stack_poll(&g->stack, t0);
		rc = ping_once(g, dst, dst6, i, t0, &rtt);
		if (rc == 0) {
			replies++;
			printf("reply from %s: seq=%d time=%u ms\n", host, i,
			       (unsigned)rtt);
		} else {
			printf("no reply from %s: seq=%d: %s\n", host, i,
			       nb_strerror(rc));
		}
		fflush(stdout);
		/* Keep the stack answering ARP/ND and echoes between pings. */
		uint64_t next = t0 + g->ping_interval_ms;
		while (i + 1 < g->ping_count && nbget_now(g) < next) {
			nb_stack_poll(&g->stack, nbget_now(g));
			g->clock.idle(g->clock.ctx, 10);
		}
	}
	printf("%d sent, %d received\n", g->ping_count, replies);
	if (!replies) {
		fprintf(stderr, "nbget: ping %s: %s\n", host,
			nb_strerror(rc < 0 ? rc : -NB_ETIMEDOUT));
		return 1;
	}
	return 0;
}

struct echo {
	struct nbget *g;
	uint32_t echoed;
};

static void echo_rx(void *ctx, struct nb_udp_sock *sk,
		    const struct nb_udp_meta *m, const void *data, size_t len)
{
	struct echo *e = ctx;
	if (nb_udp_sendto(sk, m->src_ip, m->src_port, data, len) == 0)
		e->echoed++;
}

int nbget_cmd_serve(struct nbget *g)
{
	struct nb_udp_sock sk;
	struct echo e = {.g = g};
	if (g->udp_echo_port) {
		int rc = nb_udp_open(&sk, &g->stack, g->udp_echo_port, echo_rx, &e);
		if (rc < 0)
			return nbget_fail("udp-echo", rc);
	}
	if (!g->quiet) {
		printf("serving for %u s\n", (unsigned)g->serve_seconds);
		fflush(stdout);
	}
	uint64_t end = nbget_now(g) + (uint64_t)g->serve_seconds * 1000;
	while (nbget_now(g) < end) {
		int n = nb_stack_poll(&g->stack, nbget_now(g));
		if (n < 0)
			return nbget_fail("link", n);
		if (n == 0)
			g->clock.idle(g->clock.ctx, 50);
	}
	const struct nb_stats *st = &g->stack.stats;
	printf("echo replies %u, arp replies %u, udp echoed %u\n",
	       (unsigned)st->icmp_echo_replied, (unsigned)st->arp_replied,
	       (unsigned)e.echoed);
	if (g->udp_echo_port)
		nb_udp_close(&sk);
	return 0;
}

struct udp_wait {
	bool got;
	char reply[1500];
	size_t len;
};

static void udp_rx(void *ctx, struct nb_udp_sock *sk,
		   const struct nb_udp_meta *m, const void *data, size_t len)
{
	struct udp_wait *w = ctx;
	(void)sk, (void)m;
	if (w->got)
		return;
	w->len = len < sizeof(w->reply) ? len : sizeof(w->reply);
	memcpy(w->reply, data, w->len);
	w->got = true;
}

static int udp_poll(void *obj, uint64_t now)
{
	(void)now;
	return ((struct udp_wait *)obj)->got ? 0 : -NB_EAGAIN;
}

int nbget_cmd_udp(struct nbget *g, const char *hostport, const char *msg)
{
	char host[64];
	const char *colon = strrchr(hostport, ':');
	uint32_t port, dst;
	if (!colon || (size_t)(colon - hostport) >= sizeof(host) ||
	    nbget_parse_u32(colon + 1, 65535, &port) < 0 || !port) {
		fprintf(stderr, "nbget: udp: want HOST:PORT\n");
		return 2;
	}
	memcpy(host, hostport, (size_t)(colon - hostport));
	host[colon - hostport] = 0;
	int rc = nbget_resolve(g, host, &dst);
	if (rc < 0)
		return nbget_fail(host, rc);
	struct nb_udp_sock sk;
	struct udp_wait w = {0};
	rc = nb_udp_open(&sk, &g->stack, 0, udp_rx, &w);
	if (rc < 0)
		return nbget_fail("udp", rc);
	nb_stack_poll(&g->stack, nbget_now(g));
	/* One datagram and one answer: retry a few times, UDP may be lost. */
	for (int i = 0; i < 5 && !w.got; i++) {
		rc = nb_udp_sendto(&sk, dst, (uint16_t)port, msg, strlen(msg));
		if (rc < 0)
			break;
		rc = nb_wait(&g->stack, udp_poll, &w, &g->clock, 1000);
	}
	nb_udp_close(&sk);
	if (!w.got)
		return nbget_fail("udp: no reply", rc < 0 ? rc : -NB_ETIMEDOUT);
	printf("%.*s\n", (int)w.len, w.reply);
	return 0;
}
