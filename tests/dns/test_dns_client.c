/*
 * The resolver against a scripted server: two stacks joined by a memlink,
 * the "server" a UDP socket on port 53 of the second stack that answers
 * according to the test's mode; and over another transport
 * (nb_dns_net), its server handles and replies given by the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dns_util.h"
#include "netboot/dns.h"
#include "../support/memlink.h"
#include "netboot/stack.h"

#define CLIENT_IP NB_IPV4(10, 0, 0, 2)
#define SERVER_IP NB_IPV4(10, 0, 0, 1)
#define DEAD_IP NB_IPV4(10, 0, 0, 77)

enum mode { M_ANSWER, M_SILENT, M_NX, M_SPOOF_FIRST, M_CNAME_ONLY, M_SERVFAIL };

struct world {
	struct nb_memlink ml;
	struct nb_stack c, srv;
	struct nb_udp_sock dns53;
	uint8_t mem[2 * NB_STACK_ARENA_BYTES + NB_MEMLINK_ARENA_DEFAULT + 256];
	struct nb_arena arena;
	uint64_t seed;
	enum mode mode;
	unsigned queries;
	uint64_t now;
};

static int rng_fill(void *ctx, void *buf, size_t len)
{
	uint64_t *x = ctx;
	uint8_t *b = buf;
	for (size_t i = 0; i < len; i++) {
		*x ^= *x << 13;
		*x ^= *x >> 7;
		*x ^= *x << 17;
		b[i] = (uint8_t)*x;
	}
	return 0;
}

static void server_rx(void *ctx, struct nb_udp_sock *sk,
		      const struct nb_udp_meta *m, const void *data, size_t len)
{
	struct world *w = ctx;
	const uint8_t *q = data;
	w->queries++;
	assert_true(len > 16);
	uint16_t id = nb_get16(q);
	char name[256];
	size_t n = 0, off = 12;
	while (q[off]) {
		if (n)
			name[n++] = '.';
		memcpy(name + n, q + off + 1, q[off]);
		n += q[off];
		off += 1 + q[off];
	}
	name[n] = 0;
	struct pkt p;
	if (nb_get16(q + off + 1) == NB_DNS_TYPE_AAAA) {
		pkt_aaaa_reply(&p, id, name, 0xf0);
		nb_udp_sendto(sk, m->src_ip, m->src_port, p.b, p.n);
		return;
	}
	switch (w->mode) {
	case M_SILENT:
		return;
	case M_NX:
		pkt_start(&p, id, 0x8183, name, 0);
		break;
	case M_SERVFAIL:
		pkt_start(&p, id, 0x8182, name, 0);
		break;
	case M_SPOOF_FIRST:
		/* Wrong ID first, then the right one with a wrong address in
		 * the question: both must be ignored before the real one. */
		pkt_start(&p, (uint16_t)(id + 1), 0x8180, name, 1);
		pkt_a_ptr(&p, 12, 0x66666666);
		nb_udp_sendto(sk, m->src_ip, m->src_port, p.b, p.n);
		pkt_start(&p, id, 0x8180, "evil.lan", 1);
		pkt_a_ptr(&p, 12, 0x66666666);
		nb_udp_sendto(sk, m->src_ip, m->src_port, p.b, p.n);
		pkt_start(&p, id, 0x8180, name, 1);
		pkt_a_ptr(&p, 12, 0x0a000063);
		break;
	case M_CNAME_ONLY:
		if (strcmp(name, "alias.lan") == 0) {
			pkt_start(&p, id, 0x8180, name, 1);
			pkt_cname(&p, name, "real.lan");
		} else {
			pkt_start(&p, id, 0x8180, name, 1);
			pkt_a_ptr(&p, 12, 0x0a000064);
		}
		break;
	default:
		pkt_start(&p, id, 0x8180, name, 1);
		pkt_a_ptr(&p, 12, 0x0a000063);
		break;
	}
	nb_udp_sendto(sk, m->src_ip, m->src_port, p.b, p.n);
}

static int setup(void **st)
{
	static struct world w;
	memset(&w, 0, sizeof(w));
	w.seed = 0x1234567;
	nb_arena_init(&w.arena, w.mem, sizeof(w.mem));
	assert_int_equal(nb_memlink_init(&w.ml, NULL, NULL, 1, &w.arena), 0);
	struct nb_rng rng = {rng_fill, &w.seed};
	assert_int_equal(nb_stack_init(&w.c, nb_memlink_link(&w.ml, 0), &rng,
				       &w.arena), 0);
	assert_int_equal(nb_stack_init(&w.srv, nb_memlink_link(&w.ml, 1), &rng,
				       &w.arena), 0);
	nb_stack_set_ipv4(&w.c, CLIENT_IP, 0xffffff00, 0);
	nb_stack_set_ipv4(&w.srv, SERVER_IP, 0xffffff00, 0);
	w.c.dns[0] = SERVER_IP;
	assert_int_equal(nb_udp_open(&w.dns53, &w.srv, 53, server_rx, &w), 0);
	*st = &w;
	return 0;
}

static int run(struct world *w, struct nb_dns *q, uint64_t limit_ms)
{
	int rc = -NB_EAGAIN;
	for (uint64_t t = 0; t <= limit_ms; t++) {
		w->now = t;
		nb_memlink_set_time(&w->ml, t);
		nb_stack_poll(&w->c, t);
		nb_stack_poll(&w->srv, t);
		rc = nb_dns_poll(q, t);
		if (rc != -NB_EAGAIN)
			break;
	}
	return rc;
}

static void test_resolve(void **st)
{
	struct world *w = *st;
	struct nb_dns q;
	assert_int_equal(nb_dns_start(&q, &w->c, "boot.lan"), 0);
	assert_int_equal(run(w, &q, 5000), 0);
	assert_int_equal(q.addr, 0x0a000063);
	assert_int_equal(w->queries, 1);
	/* The socket is closed once done: nothing left on the stack. */
	assert_null(w->c.udp);
}

static void test_resolve_aaaa(void **st)
{
	struct world *w = *st;
	struct nb_dns q;
	assert_int_equal(nb_dns_start_type(&q, &w->c, "boot.lan", NB_DNS_TYPE_AAAA), 0);
	assert_int_equal(run(w, &q, 5000), 0);
	assert_int_equal(q.addr6[0], 0xf0);
	assert_int_equal(q.addr6[15], 0xff);
	assert_int_equal(q.ttl, 60);
	assert_int_equal(w->queries, 1);
	assert_null(w->c.udp);
	assert_int_equal(nb_dns_start_type(&q, &w->c, "boot.lan", 5), -NB_EINVAL);
}

/* Another transport (nb_dns_net): servers by handle, replies handed in
 * with the sender's handle; only the asked server's count. */
struct fakenet {
	struct nb_dns_net net;
	int sends, closes;
	uint32_t server;
	uint8_t pkt[512];
};

static int fake_send(struct nb_dns_net *n, struct nb_dns *q, uint32_t server,
		     const void *pkt, size_t len)
{
	struct fakenet *f = (struct fakenet *)n;
	(void)q;
	f->sends++;
	f->server = server;
	assert_true(len <= sizeof(f->pkt));
	memcpy(f->pkt, pkt, len);
	return 0;
}

static void fake_close(struct nb_dns_net *n)
{
	((struct fakenet *)n)->closes++;
}

static void test_net(void **st)
{
	struct world *w = *st;
	struct fakenet f = {{fake_send, fake_close, NULL, 0}, 0, 0, 0, {0}};
	struct nb_dns q;
	assert_int_equal(nb_dns_start_net(&q, &w->c, &f.net, "boot.lan",
					  NB_DNS_TYPE_AAAA), -NB_EUNREACH);
	f.net.nservers = 2;
	assert_int_equal(nb_dns_start_net(&q, &w->c, &f.net, "boot.lan",
					  NB_DNS_TYPE_AAAA), 0);
	assert_null(w->c.udp); /* no v4 socket */
	assert_int_equal(nb_dns_poll(&q, 0), -NB_EAGAIN);
	assert_int_equal(f.sends, 1);
	assert_int_equal(f.server, 1);
	struct pkt p;
	pkt_aaaa_reply(&p, nb_get16(f.pkt), "boot.lan", 0xa0);
	nb_dns_input(&q, 2, 53, p.b, p.n);    /* not the server asked */
	nb_dns_input(&q, 0, 53, p.b, p.n);    /* none of the servers */
	nb_dns_input(&q, 1, 5353, p.b, p.n);  /* not port 53 */
	assert_int_equal(q.dropped, 3);
	assert_int_equal(nb_dns_poll(&q, 1), -NB_EAGAIN);
	nb_dns_input(&q, 1, 53, p.b, p.n);
	assert_int_equal(nb_dns_poll(&q, 2), 0);
	assert_int_equal(q.addr6[0], 0xa0);
	assert_int_equal(q.addr6[15], 0xaf);
	assert_int_equal(f.closes, 1);
	/* Retries rotate to the second server; cancel lets go of the net. */
	assert_int_equal(nb_dns_start_net(&q, &w->c, &f.net, "boot.lan",
					  NB_DNS_TYPE_AAAA), 0);
	assert_int_equal(run(w, &q, NB_DNS_RETRY_MS + 1), -NB_EAGAIN);
	assert_int_equal(f.sends, 3);
	assert_int_equal(f.server, 2);
	nb_dns_cancel(&q);
	assert_int_equal(nb_dns_poll(&q, 0), -NB_ECANCELED);
	assert_int_equal(f.closes, 2);
}

/* Cancelling a query that already ended leaves its transport alone: the
 * transport was closed when it ended and may serve another query by now
 * (one nb_dns6 shared by the AAAA and A of a download). */
static void test_net_cancel_done(void **st)
{
	struct world *w = *st;
	struct fakenet f = {{fake_send, fake_close, NULL, 1}, 0, 0, 0, {0}};
	struct nb_dns q;
	assert_int_equal(nb_dns_start_net(&q, &w->c, &f.net, "boot.lan",
					  NB_DNS_TYPE_AAAA), 0);
	assert_int_equal(nb_dns_poll(&q, 0), -NB_EAGAIN);
	struct pkt p;
	pkt_aaaa_reply(&p, nb_get16(f.pkt), "boot.lan", 0xa0);
	nb_dns_input(&q, 1, 53, p.b, p.n);
	assert_int_equal(nb_dns_poll(&q, 1), 0);
	assert_int_equal(f.closes, 1);
	nb_dns_cancel(&q);
	nb_dns_cancel(&q);
	assert_int_equal(f.closes, 1);
	assert_int_equal(nb_dns_poll(&q, 2), 0); /* the result stands */
	/* Failed, then cancelled: no second close either. */
	assert_int_equal(nb_dns_start_net(&q, &w->c, &f.net, "boot.lan",
					  NB_DNS_TYPE_AAAA), 0);
	assert_int_equal(nb_dns_poll(&q, 0), -NB_EAGAIN);
	pkt_hdr(&p, nb_get16(f.pkt), 0x8183, 1, 0); /* NXDOMAIN */
	pkt_name(&p, "boot.lan");
	pkt_u16(&p, NB_DNS_TYPE_AAAA);
	pkt_u16(&p, 1);
	nb_dns_input(&q, 1, 53, p.b, p.n);
	assert_int_equal(nb_dns_poll(&q, 1), -NB_ENOTFOUND);
	assert_int_equal(f.closes, 2);
	nb_dns_cancel(&q);
	assert_int_equal(f.closes, 2);
	/* A running one is closed once by its cancel, then never again. */
	assert_int_equal(nb_dns_start_net(&q, &w->c, &f.net, "boot.lan",
					  NB_DNS_TYPE_AAAA), 0);
	assert_int_equal(nb_dns_poll(&q, 0), -NB_EAGAIN);
	nb_dns_cancel(&q);
	assert_int_equal(f.closes, 3);
	nb_dns_cancel(&q);
	assert_int_equal(f.closes, 3);
	assert_int_equal(nb_dns_poll(&q, 1), -NB_ECANCELED);
}

static void test_literal(void **st)
{
	struct world *w = *st;
	struct nb_dns q;
	assert_int_equal(nb_dns_start(&q, &w->c, "10.1.2.3"), 0);
	assert_int_equal(nb_dns_poll(&q, 0), 0);
	assert_int_equal(q.addr, NB_IPV4(10, 1, 2, 3));
	assert_int_equal(w->queries, 0);
	assert_int_equal(nb_dns_start(&q, &w->c, "bad name"), -NB_EINVAL);
	w->c.dns[0] = 0;
	assert_int_equal(nb_dns_start(&q, &w->c, "x.lan"), -NB_EUNREACH);
}

static void test_spoofed(void **st)
{
	struct world *w = *st;
	w->mode = M_SPOOF_FIRST;
	struct nb_dns q;
	assert_int_equal(nb_dns_start(&q, &w->c, "boot.lan"), 0);
	assert_int_equal(run(w, &q, 5000), 0);
	assert_int_equal(q.addr, 0x0a000063);
	assert_int_equal(q.dropped, 2);
}

static void test_nxdomain(void **st)
{
	struct world *w = *st;
	w->mode = M_NX;
	struct nb_dns q;
	assert_int_equal(nb_dns_start(&q, &w->c, "none.lan"), 0);
	assert_int_equal(run(w, &q, 5000), -NB_ENOTFOUND);
	assert_null(w->c.udp);
	assert_string_equal(nb_dns_why(&q), "no such host name");
	/* Cancel after the failure keeps it. */
	nb_dns_cancel(&q);
	assert_int_equal(nb_dns_poll(&q, 0), -NB_ENOTFOUND);
	assert_string_equal(nb_dns_why(&q), "no such host name");
}

static void test_cname_follow(void **st)
{
	struct world *w = *st;
	w->mode = M_CNAME_ONLY;
	struct nb_dns q;
	assert_int_equal(nb_dns_start(&q, &w->c, "alias.lan"), 0);
	assert_int_equal(run(w, &q, 5000), 0);
	assert_int_equal(q.addr, 0x0a000064);
	assert_int_equal(w->queries, 2);
	assert_int_equal(q.cnames, 1);
}

static void test_timeout(void **st)
{
	struct world *w = *st;
	w->mode = M_SILENT;
	struct nb_dns q;
	assert_int_equal(nb_dns_start(&q, &w->c, "boot.lan"), 0);
	int rc = run(w, &q, 30000);
	assert_int_equal(rc, -NB_ETIMEDOUT);
	assert_string_equal(nb_dns_why(&q), "timed out");
	assert_int_equal(w->queries, NB_DNS_TRIES);
	/* 1 + 2 + 4 + 4 s of waiting. */
	assert_true(w->now >= 11000 && w->now < 11100);
}

static void test_servfail(void **st)
{
	struct world *w = *st;
	w->mode = M_SERVFAIL;
	struct nb_dns q;
	assert_int_equal(nb_dns_start(&q, &w->c, "boot.lan"), 0);
	assert_int_equal(run(w, &q, 30000), -NB_ESERVER);
	assert_string_equal(nb_dns_why(&q), "server error");
}

static void test_failover(void **st)
{
	/* First server does not exist (ARP never answers); the retry goes
	 * to the second server. */
	struct world *w = *st;
	w->c.dns[0] = DEAD_IP;
	w->c.dns[1] = SERVER_IP;
	struct nb_dns q;
	assert_int_equal(nb_dns_start(&q, &w->c, "boot.lan"), 0);
	assert_int_equal(run(w, &q, 5000), 0);
	assert_int_equal(q.addr, 0x0a000063);
	assert_true(w->now >= 1000 && w->now < 1100);
}

static void test_cancel(void **st)
{
	struct world *w = *st;
	w->mode = M_SILENT;
	struct nb_dns q;
	/* Before any start: no reason, and cancel is harmless. */
	memset(&q, 0, sizeof(q));
	assert_string_equal(nb_dns_why(&q), "");
	assert_string_equal(nb_dns_why(NULL), "");
	nb_dns_cancel(&q);
	nb_dns_cancel(NULL);
	assert_string_equal(nb_dns_why(&q), "");
	assert_int_equal(nb_dns_start(&q, &w->c, "boot.lan"), 0);
	assert_int_equal(run(w, &q, 100), -NB_EAGAIN);
	assert_string_equal(nb_dns_why(&q), "");
	nb_dns_cancel(&q);
	nb_dns_cancel(&q);
	assert_null(w->c.udp);
	assert_int_equal(nb_dns_poll(&q, 200), -NB_ECANCELED);
	assert_string_equal(nb_dns_why(&q), "canceled");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_resolve, setup),
		cmocka_unit_test_setup(test_resolve_aaaa, setup),
		cmocka_unit_test_setup(test_net, setup),
		cmocka_unit_test_setup(test_net_cancel_done, setup),
		cmocka_unit_test_setup(test_literal, setup),
		cmocka_unit_test_setup(test_spoofed, setup),
		cmocka_unit_test_setup(test_nxdomain, setup),
		cmocka_unit_test_setup(test_cname_follow, setup),
		cmocka_unit_test_setup(test_timeout, setup),
		cmocka_unit_test_setup(test_servfail, setup),
		cmocka_unit_test_setup(test_failover, setup),
		cmocka_unit_test_setup(test_cancel, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
