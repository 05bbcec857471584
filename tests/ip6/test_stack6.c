/*
 * nb_stack6 on two stacks joined by a memlink: DAD (a conflict, and none
 * with no_dad) after an MLDv2 report, SLAAC from a router advertisement the test sends by hand,
 * echo both ways, an address set later with an on-link prefix from an
 * RA, RA lifetimes, DNS over v6, TCP over v6 to a peer with no listener (SYN out, RST
 * back), UDP both ways with bad and zero checksums dropped and a port
 * unreachable (rate-limited) for a closed port, and the
 * address text helpers.
 */
#include "ip6_test.h"

#include <stdlib.h>

#include "netboot/stack6.h"
#include "../support/memlink.h"

struct env {
	struct nb_memlink ml;
	struct nb_stack s[2];
	struct nb_stack6 v6[2];
	uint64_t now;
	uint8_t *mem;
};

static int fill(void *ctx, void *buf, size_t len)
{
	uint32_t *x = ctx;
	for (size_t i = 0; i < len; i++) {
		*x = *x * 1103515245u + 12345u;
		((uint8_t *)buf)[i] = (uint8_t)(*x >> 16);
	}
	return 0;
}

static uint32_t seed = 7;

static const uint8_t A_ADDR[16] = {0xfd, 0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t B_ADDR[16] = {0xfd, 0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

/* Stacks on both ends; @p cfg[i] NULL for link-local only, @p up[i]
 * false leaves end i without a stack (the test plays it by hand). */
static struct env *env_new(const struct nb_stack6_cfg *cfg0,
			   const struct nb_stack6_cfg *cfg1, bool stack1)
{
	struct env *e = calloc(1, sizeof(*e));
	size_t per = NB_STACK_ARENA_BYTES + NB_STACK6_ARENA_BYTES;
	size_t total = NB_MEMLINK_ARENA_DEFAULT + 2 * per;
	struct nb_arena ar;
	assert_non_null(e);
	e->mem = malloc(total);
	assert_non_null(e->mem);
	nb_arena_init(&ar, e->mem, total);
	assert_int_equal(nb_memlink_init(&e->ml, NULL, NULL, 1, &ar), 0);
	struct nb_rng rng = {fill, &seed};
	for (unsigned i = 0; i < (stack1 ? 2u : 1u); i++) {
		assert_int_equal(nb_stack_init(&e->s[i], nb_memlink_link(&e->ml, i), &rng, &ar), 0);
		assert_int_equal(nb_stack6_init(&e->v6[i], &e->s[i], i ? cfg1 : cfg0, &ar), 0);
	}
	return e;
}

static void env_free(struct env *e)
{
	free(e->mem);
	free(e);
}

static void run(struct env *e, uint64_t ms, bool stack1)
{
	for (uint64_t end = e->now + ms; e->now < end;) {
		e->now += 5;
		nb_memlink_set_time(&e->ml, e->now);
		nb_stack_poll(&e->s[0], e->now);
		if (stack1)
			nb_stack_poll(&e->s[1], e->now);
	}
}

static struct nb_stack6_cfg static_cfg(const uint8_t a[16])
{
	struct nb_stack6_cfg c = {0};
	c.has_addr = true;
	memcpy(c.addr, a, 16);
	c.plen = 64;
	return c;
}

static void dad_echo(void **state)
{
	(void)state;
	struct nb_stack6_cfg ca = static_cfg(A_ADDR), cb = static_cfg(B_ADDR);
	struct env *e = env_new(&ca, &cb, true);
	assert_int_equal(nb_stack6_ready(&e->v6[0], 0), -NB_EAGAIN);
	run(e, 1500, true);
	assert_int_equal(nb_stack6_ready(&e->v6[0], 0), 0);
	assert_int_equal(nb_stack6_ready(&e->v6[1], 0), 0);
	assert_int_equal(e->v6[0].ll.a[0], 0xfe);
	/* EUI-64 of the memlink's MAC 02:6e:62:00:00:01: U/L bit flipped. */
	assert_int_equal(e->v6[0].ll.a[8], 0x00);
	assert_int_equal(e->v6[0].ll.a[11], 0xff);

	struct nb_ping6 p;
	assert_int_equal(nb_stack6_ping(&e->v6[0], &p, B_ADDR, 1), 0);
	run(e, 50, true);
	assert_true(p.replied);
	assert_int_equal(e->v6[1].stats.echo_replied, 1);
	/* B to A's link-local address (B learned A's MAC from A's NS). */
	assert_int_equal(nb_stack6_ping(&e->v6[1], &p, e->v6[0].ll.a, 2), 0);
	run(e, 50, true);
	assert_true(p.replied);
	assert_int_equal(e->v6[0].stats.echo_replied, 1);
	assert_int_equal(e->v6[0].stats.dad_conflicts, 0);
	env_free(e);
}

static void dad_conflict(void **state)
{
	(void)state;
	struct nb_stack6_cfg c = static_cfg(A_ADDR);
	struct env *e = env_new(&c, &c, true);
	run(e, 1500, true);
	/* Both tested the same address at once: each saw the other's probe. */
	assert_int_equal(nb_stack6_ready(&e->v6[0], 0), -NB_EADDRINUSE);
	assert_int_equal(e->v6[0].global.state, NB_ADDR6_DUPLICATE);
	assert_int_equal(e->v6[1].global.state, NB_ADDR6_DUPLICATE);
	env_free(e);
}

/* no_dad: both addresses usable at once, and the first exchange needs
 * no DAD round (neither end sends a DAD probe). */
static void no_dad(void **state)
{
	(void)state;
	struct nb_stack6_cfg ca = static_cfg(A_ADDR), cb = static_cfg(B_ADDR);
	ca.no_dad = true;
	cb.no_dad = true;
	struct env *e = env_new(&ca, &cb, true);
	assert_int_equal(nb_stack6_ready(&e->v6[0], 0), 0);
	assert_int_equal(nb_stack6_ready(&e->v6[1], 0), 0);
	assert_int_equal(e->v6[0].stats.ns_sent, 0);
	struct nb_ping6 p;
	assert_int_equal(nb_stack6_ping(&e->v6[0], &p, B_ADDR, 1), 0);
	run(e, 50, true);
	assert_true(p.replied);
	/* One NS: the neighbor resolution of B, no DAD probe. */
	assert_int_equal(e->v6[0].stats.ns_sent, 1);
	env_free(e);
}

/* Read end B's frames until one carries ICMPv6 type @p type. */
static bool saw_icmp(struct env *e, uint8_t type, uint8_t *f)
{
	struct nb_link *l = nb_memlink_link(&e->ml, 1);
	for (int i = 0; i < 64; i++) {
		int n = l->ops->receive(l->drv, f, NB_ETH_FRAME_MAX);
		if (n <= 0)
			return false;
		if (n >= 62 && nb_get16(f + 12) == 0x86dd && f[14 + 6] == 58 &&
		    f[54] == type)
			return true;
	}
	return false;
}

/* An MLDv2 report joins each address's solicited-node group before its
 * DAD probe: from ::, hop limit 1, Router Alert, to ff02::16. */
static void mld_report(void **state)
{
	(void)state;
	struct nb_stack6_cfg c = static_cfg(A_ADDR);
	struct env *e = env_new(&c, NULL, false);
	assert_int_equal(e->v6[0].stats.mld_sent, 2);
	uint8_t f[NB_ETH_FRAME_MAX], g[16];
	struct nb_link *l = nb_memlink_link(&e->ml, 1);
	run(e, 5, false);
	for (unsigned k = 0; k < 2; k++) {
		const uint8_t *a = k ? A_ADDR : e->v6[0].ll.a;
		int n = l->ops->receive(l->drv, f, sizeof(f));
		assert_int_equal(n, 14 + 40 + 8 + 28);
		assert_memory_equal(f, "\x33\x33\0\0\0\x16", 6);
		assert_int_equal(f[20], 0);   /* hop-by-hop options */
		assert_int_equal(f[21], 1);   /* hop limit */
		assert_true(nb_ip6_is_unspecified(f + 22));
		assert_int_equal(f[54], 58);
		assert_int_equal(f[56], 5);   /* Router Alert */
		assert_int_equal(f[62], NB_MLD2_REPORT);
		assert_int_equal(nb_get16(f + 68), 1);
		assert_int_equal(f[70], 4);
		nb_ip6_solicited_node(a, g);
		assert_memory_equal(f + 74, g, 16);
		uint32_t sum = nb_ip6_pseudo_sum(f + 22, f + 38, 28, 58);
		assert_int_equal(nb_csum_fold(nb_csum_add(sum, f + 62, 28)), 0);
		/* then the DAD probe */
		n = l->ops->receive(l->drv, f, sizeof(f));
		assert_true(n > 62);
		assert_int_equal(f[54], NB_ND_NS);
	}
	env_free(e);
}

static void slaac_from_ra(void **state)
{
	(void)state;
	struct nb_stack6_cfg c = {0};
	c.slaac = true;
	struct env *e = env_new(&c, NULL, false);
	uint8_t f[NB_ETH_FRAME_MAX];
	run(e, 1100, false);
	assert_true(saw_icmp(e, NB_ND_RS, f));
	assert_int_equal(e->v6[0].stats.rs_sent, 1);

	/* The router's RA: a /64 to autoconfigure, MTU 1400, one RDNSS. */
	static const uint8_t rmac[6] = {0x02, 0, 0, 0, 0, 0x99};
	uint8_t ra[16 + 8 + 32 + 8 + 24] = {NB_ND_RA, 0, 0, 0, 64, 0, 0x07, 0x08};
	uint8_t *o = ra + 16;
	o[0] = 1; o[1] = 1; memcpy(o + 2, rmac, 6); o += 8;
	o[0] = 3; o[1] = 4; o[2] = 64; o[3] = 0xc0;
	nb_put32(o + 4, 86400); nb_put32(o + 8, 14400);
	o[16] = 0x20; o[17] = 0x01; o[18] = 0x0d; o[19] = 0xb8; o[21] = 1; o += 32;
	o[0] = 5; o[1] = 1; nb_put32(o + 4, 1400); o += 8;
	o[0] = 25; o[1] = 3; nb_put32(o + 4, 600); o[8] = 0x20; o[9] = 0x01; o[23] = 0x53;
	uint8_t fr[14 + 40 + sizeof(ra)];
	memcpy(fr, "\x33\x33\0\0\0\1", 6);
	memcpy(fr + 6, rmac, 6);
	nb_put16(fr + 12, 0x86dd);
	static const uint8_t rll[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x99};
	pk_icmp(fr + 14, rll, ALLNODES, ra, sizeof(ra));
	struct nb_link *lb = nb_memlink_link(&e->ml, 1);
	assert_int_equal(lb->ops->transmit(lb->drv, fr, sizeof(fr)), 0);
	run(e, 20, false);
	assert_int_equal(e->v6[0].stats.ra_rx, 1);
	assert_int_equal(e->v6[0].global.state, NB_ADDR6_TENTATIVE);
	assert_int_equal(nb_stack6_ready(&e->v6[0], 0), -NB_EAGAIN);
	assert_true(saw_icmp(e, NB_ND_NS, f)); /* its DAD probe */
	run(e, 1100, false);
	assert_int_equal(nb_stack6_ready(&e->v6[0], 0), 0);
	assert_int_equal(e->v6[0].global.a[0], 0x20);
	assert_int_equal(e->v6[0].global.a[5], 1);
	assert_memory_equal(e->v6[0].global.a + 8, e->v6[0].ll.a + 8, 8);
	assert_int_equal(e->v6[0].mtu, 1400);
	assert_int_equal(e->v6[0].n_dns, 1);
	assert_int_equal(e->v6[0].dns[0][15], 0x53);
	assert_true(e->v6[0].has_router);
	assert_memory_equal(e->v6[0].router, rll, 16);
	assert_int_equal(nb_stack6_tcp(&e->v6[0])->fam->mss(e->v6[0].fam.ctx), 1340);

	/* Off-link traffic goes to the router, whose MAC the RA gave. */
	static const uint8_t far[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	struct nb_ping6 p;
	assert_int_equal(nb_stack6_ping(&e->v6[0], &p, far, 1), 0);
	run(e, 10, false);
	assert_true(saw_icmp(e, NB_ICMP6_ECHO_REQUEST, f));
	assert_memory_equal(f, rmac, 6);
	assert_memory_equal(f + 14 + 8, e->v6[0].global.a, 16);
	env_free(e);
}

/* Hand end A an RA from fe80::99 with one prefix option (@p flags: 0x80
 * L, 0x40 A) for @p prefix/64. */
static void give_ra(struct env *e, uint16_t router_s, uint8_t flags,
		    uint32_t valid_s, uint32_t pref_s, const uint8_t prefix[16])
{
	uint8_t ra[16 + 32] = {NB_ND_RA, 0, 0, 0, 64};
	nb_put16(ra + 6, router_s);
	uint8_t *o = ra + 16;
	o[0] = 3; o[1] = 4; o[2] = 64; o[3] = flags;
	nb_put32(o + 4, valid_s); nb_put32(o + 8, pref_s);
	memcpy(o + 16, prefix, 8);
	uint8_t fr[14 + 40 + sizeof(ra)];
	memcpy(fr, "\x33\x33\0\0\0\1\x02\0\0\0\0\x99", 12);
	nb_put16(fr + 12, 0x86dd);
	static const uint8_t rll[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x99};
	pk_icmp(fr + 14, rll, ALLNODES, ra, sizeof(ra));
	e->v6[0].ext.input(e->v6[0].ext.ctx, fr, sizeof(fr));
}

/* Lifetimes: the router, the on-link prefix and the SLAAC address go
 * when theirs end; a later RA renews them; router lifetime 0 drops the
 * router at once. */
static void ra_lifetimes(void **state)
{
	(void)state;
	struct nb_stack6_cfg c = {0};
	c.slaac = true;
	c.no_dad = true;
	struct env *e = env_new(&c, NULL, false);
	struct nb_stack6 *st = &e->v6[0];
	give_ra(e, 2, 0xc0, 3, 3, B_ADDR);
	assert_true(st->has_router);
	assert_int_equal(st->global.state, NB_ADDR6_PREFERRED);
	assert_int_equal(st->onlink_len, 64);
	run(e, 1500, false);
	give_ra(e, 2, 0xc0, 3, 3, B_ADDR); /* renewed at 1.5 s */
	run(e, 1500, false);
	assert_true(st->has_router);
	assert_int_equal(st->global.state, NB_ADDR6_PREFERRED);
	run(e, 600, false); /* router gone at 3.5 s */
	assert_false(st->has_router);
	assert_int_equal(st->global.state, NB_ADDR6_PREFERRED);
	run(e, 1000, false); /* prefix and address gone at 4.5 s */
	assert_int_equal(st->global.state, NB_ADDR6_NONE);
	assert_int_equal(st->onlink_len, 0);
	give_ra(e, 1800, 0xc0, 0xffffffffu, 0xffffffffu, B_ADDR);
	assert_int_equal(st->global.state, NB_ADDR6_PREFERRED);
	run(e, 5000, false);
	assert_int_equal(st->global.state, NB_ADDR6_PREFERRED);
	give_ra(e, 0, 0xc0, 0xffffffffu, 0xffffffffu, B_ADDR);
	assert_false(st->has_router);
	env_free(e);
}

/* An address set later (as from DHCPv6) as a /128: B is unreachable
 * until an RA names its prefix on-link (L flag, no A flag, no router). */
static void set_addr_onlink(void **state)
{
	(void)state;
	struct nb_stack6_cfg ca = {0}, cb = static_cfg(B_ADDR);
	ca.no_dad = true;
	cb.no_dad = true;
	struct env *e = env_new(&ca, &cb, true);
	assert_int_equal(nb_stack6_set_addr(&e->v6[0], e->v6[0].ll.a, 128), -NB_EINVAL);
	assert_int_equal(nb_stack6_set_addr(&e->v6[0], A_ADDR, 0), -NB_EINVAL);
	assert_int_equal(nb_stack6_set_addr(&e->v6[0], A_ADDR, 129), -NB_EINVAL);
	assert_int_equal(nb_stack6_set_addr(&e->v6[0], A_ADDR, 128), 0);
	assert_int_equal(nb_stack6_ready(&e->v6[0], 0), 0);
	struct nb_ping6 p;
	assert_int_equal(nb_stack6_ping(&e->v6[0], &p, B_ADDR, 1), -NB_EUNREACH);

	give_ra(e, 0, 0x80, 3600, 0, B_ADDR);
	assert_int_equal(e->v6[0].stats.ra_rx, 1);
	assert_false(e->v6[0].has_router);
	assert_int_equal(e->v6[0].global.plen, 128);
	assert_int_equal(nb_stack6_ping(&e->v6[0], &p, B_ADDR, 2), 0);
	run(e, 50, true);
	assert_true(p.replied);
	env_free(e);
}

static int deliver(void *ctx, uint64_t off, const void *d, size_t n)
{
	(void)ctx; (void)off; (void)d;
	return (int)n;
}

static void tcp_refused(void **state)
{
	(void)state;
	struct nb_stack6_cfg ca = static_cfg(A_ADDR), cb = static_cfg(B_ADDR);
	struct env *e = env_new(&ca, &cb, true);
	run(e, 1500, true);
	struct nb_tcp *t = nb_stack6_tcp(&e->v6[0]);
	uint32_t peer = t->fam->peer(t->fam->ctx, "fd90::2", 7);
	assert_int_equal(peer, 1);
	assert_int_equal(nb_stack6_peer(&e->v6[0], B_ADDR), 1);
	static struct nb_tcp_conn c;
	static uint8_t sbuf[256];
	struct nb_tcp_rx rx = {deliver, NULL, NULL, NULL};
	assert_int_equal(nb_tcp_connect(&c, t, peer, 80, &rx, sbuf, sizeof(sbuf)), 0);
	assert_int_equal(c.rcv_mss, 1440);
	int rc = -NB_EAGAIN;
	for (int i = 0; i < 40 && rc == -NB_EAGAIN; i++) {
		run(e, 5, true);
		rc = nb_tcp_poll(&c, e->now);
	}
	assert_int_equal(rc, -NB_ECONNREFUSED);
	assert_int_equal(e->v6[1].tcp.stats.rx_no_conn, 1);
	assert_int_equal(e->v6[0].tcp.stats.rx_bad_csum, 0);
	env_free(e);
}

struct got {
	int n;
	uint8_t src[16];
	uint16_t sport;
	char data[16];
	size_t len;
};

static void got_rx(void *ctx, struct nb_udp6 *sk, const uint8_t src[16],
		   uint16_t sport, const void *data, size_t len)
{
	struct got *g = ctx;
	(void)sk;
	g->n++;
	memcpy(g->src, src, 16);
	g->sport = sport;
	g->len = len < sizeof(g->data) ? len : sizeof(g->data);
	memcpy(g->data, data, g->len);
}

/* Hand frame @p f to end B's v6 layer as if it came off the link. */
static void feed_b(struct env *e, const uint8_t *f, size_t n)
{
	e->v6[1].ext.input(e->v6[1].ext.ctx, f, n);
}

static void udp(void **state)
{
	(void)state;
	struct nb_stack6_cfg ca = static_cfg(A_ADDR), cb = static_cfg(B_ADDR);
	struct env *e = env_new(&ca, &cb, true);
	run(e, 1500, true);
	static struct nb_udp6 sa, sb, sb2;
	struct got ga = {0}, gb = {0};
	assert_int_equal(nb_udp6_open(&sb, &e->v6[1], 69, got_rx, &gb), 0);
	assert_int_equal(nb_udp6_open(&sb2, &e->v6[1], 69, got_rx, &gb), -NB_EADDRINUSE);
	assert_int_equal(nb_udp6_open(&sa, &e->v6[0], 0, got_rx, &ga), 0);
	assert_true(sa.port >= 49152);
	assert_int_equal(nb_udp6_sendto(&sa, B_ADDR, 69, "hello", 5), 0);
	run(e, 50, true);
	assert_int_equal(gb.n, 1);
	assert_memory_equal(gb.src, A_ADDR, 16);
	assert_int_equal(gb.sport, sa.port);
	assert_int_equal(gb.len, 5);
	assert_memory_equal(gb.data, "hello", 5);
	assert_int_equal(nb_udp6_sendto(&sb, gb.src, gb.sport, "world!", 6), 0);
	run(e, 50, true);
	assert_int_equal(ga.n, 1);
	assert_memory_equal(ga.src, B_ADDR, 16);
	assert_int_equal(ga.sport, 69);
	assert_memory_equal(ga.data, "world!", 6);
	uint8_t big[1500] = {0};
	assert_int_equal(nb_udp6_sendto(&sa, B_ADDR, 69, big, 1453), -NB_EMSGSIZE);

	/* The neighbor is known now: the datagram leaves at once; take it
	 * off B's end of the link and hand it in altered. */
	assert_int_equal(nb_udp6_sendto(&sa, B_ADDR, 69, "hello", 5), 0);
	uint8_t f[NB_ETH_FRAME_MAX], g[NB_ETH_FRAME_MAX];
	struct nb_link *l = nb_memlink_link(&e->ml, 1);
	int n = l->ops->receive(l->drv, f, sizeof(f));
	assert_int_equal(n, 14 + 40 + 8 + 5);
	assert_int_equal(f[20], 17);
	uint32_t bad = e->v6[1].stats.rx_bad;
	memcpy(g, f, (size_t)n);
	g[n - 1] ^= 1;
	feed_b(e, g, (size_t)n);
	memcpy(g, f, (size_t)n);
	g[60] = g[61] = 0; /* "no checksum": invalid over IPv6 */
	feed_b(e, g, (size_t)n);
	assert_int_equal(e->v6[1].stats.rx_bad, bad + 2);
	assert_int_equal(gb.n, 1);
	memcpy(g, f, (size_t)n);
	nb_put16(g + 56, 70); /* a closed port; the checksum still holds */
	nb_put16(g + 60, (uint16_t)(nb_get16(g + 60) - 1));
	feed_b(e, g, (size_t)n);
	assert_int_equal(e->v6[1].stats.udp_no_port, 1);
	/* B answers with a port unreachable quoting the datagram. */
	assert_int_equal(e->v6[1].stats.err_sent, 1);
	uint8_t u[NB_ETH_FRAME_MAX];
	struct nb_link *la = nb_memlink_link(&e->ml, 0);
	int un = la->ops->receive(la->drv, u, sizeof(u));
	assert_int_equal(un, 14 + 40 + 8 + n - 14);
	assert_int_equal(u[20], 58);
	assert_int_equal(u[54], NB_ICMP6_DEST_UNREACH);
	assert_int_equal(u[55], 4);
	assert_memory_equal(u + 14 + 24, A_ADDR, 16);
	assert_memory_equal(u + 62, g + 14, (size_t)n - 14);
	/* ...within the error rate limit. */
	for (int i = 0; i < NB_IP6_ERR_PER_S + 2; i++)
		feed_b(e, g, (size_t)n);
	assert_int_equal(e->v6[1].stats.err_sent, NB_IP6_ERR_PER_S);
	assert_int_equal(e->v6[1].stats.err_limited, 3);
	while (la->ops->receive(la->drv, u, sizeof(u)) > 0)
		;
	feed_b(e, f, (size_t)n);
	assert_int_equal(gb.n, 2);
	assert_int_equal(e->v6[1].stats.rx_bad, bad + 2);

	nb_udp6_close(&sb);
	nb_udp6_close(&sb);
	assert_int_equal(nb_udp6_open(&sb2, &e->v6[1], 69, got_rx, &gb), 0);
	nb_udp6_close(&sb2);
	nb_udp6_close(&sa);
	env_free(e);
}

/* B's port 53: answers any query with one AAAA record, fd90::80. */
static void dns_srv(void *ctx, struct nb_udp6 *sk, const uint8_t src[16],
		    uint16_t sport, const void *data, size_t len)
{
	int *queries = ctx;
	uint8_t r[300];
	static const uint8_t ans[] = {0xc0, 0x0c, 0, 28, 0, 1, 0, 0, 0, 60, 0, 16,
				      0xfd, 0x90, 0, 0, 0, 0, 0, 0,
				      0, 0, 0, 0, 0, 0, 0, 0x80};
	(*queries)++;
	assert_true(len > 12 && len + sizeof(ans) <= sizeof(r));
	memcpy(r, data, len);
	nb_put16(r + 2, 0x8180);
	nb_put16(r + 6, 1);
	memcpy(r + len, ans, sizeof(ans));
	nb_udp6_sendto(sk, src, sport, r, len + sizeof(ans));
}

/* lib/dns over v6 (nb_dns6): the query leaves from A's address to B's
 * port 53, the answer maps to a TCP peer handle; a server not on the
 * list is not asked. */
static void dns6(void **state)
{
	(void)state;
	struct nb_stack6_cfg ca = static_cfg(A_ADDR), cb = static_cfg(B_ADDR);
	struct env *e = env_new(&ca, &cb, true);
	run(e, 1500, true);
	static struct nb_udp6 s53;
	int queries = 0;
	assert_int_equal(nb_udp6_open(&s53, &e->v6[1], 53, dns_srv, &queries), 0);
	static struct nb_dns6 x;
	static const uint8_t list[2][16] = {
		{0xfd, 0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}, {0}};
	nb_dns6_init(&x, &e->v6[0], list, 1);
	assert_int_equal(x.net.nservers, 1);
	struct nb_dns q;
	assert_int_equal(nb_dns_start_net(&q, &e->s[0], &x.net, "boot.test",
					  NB_DNS_TYPE_AAAA), 0);
	int rc = -NB_EAGAIN;
	for (int i = 0; i < 100 && rc == -NB_EAGAIN; i++) {
		run(e, 5, true);
		rc = nb_dns_poll(&q, e->now);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(queries, 1);
	assert_int_equal(q.addr6[15], 0x80);
	assert_int_equal(x.sk.port, 0); /* closed once answered */
	uint32_t h = x.net.peer(&x.net, q.addr6);
	assert_true(h >= 1);
	assert_memory_equal(e->v6[0].peer[h - 1], q.addr6, 16);
	nb_udp6_close(&s53);
	env_free(e);
}

static void text(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} ok[] = {
		{"fd90::1", "fd90::1"},
		{"::", "::"},
		{"::1", "::1"},
		{"1::", "1::"},
		{"2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
		{"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
		{"fe80::5054:ff:fe00:1", "fe80::5054:ff:fe00:1"},
		{"::ffff:192.0.2.1", "::ffff:c000:201"},
		{"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"},
	};
	static const char *bad[] = {"", ":", ":::", "1:", ":1", "1::2::3", "12345::",
				    "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "g::",
				    "::1.2.3", "::01.2.3.4", "::256.1.1.1", "1::2%eth0"};
	uint8_t a[16];
	char buf[NB_IP6_TEXT_MAX];
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(nb_ip6_addr_parse(ok[i].in, strlen(ok[i].in), a), 0);
		nb_ip6_addr_format(a, buf);
		assert_string_equal(buf, ok[i].out);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(nb_ip6_addr_parse(bad[i], strlen(bad[i]), a), -NB_EINVAL);
	memset(a, 0xff, 16);
	assert_int_equal(nb_ip6_addr_format(a, buf), 39);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dad_echo),
		cmocka_unit_test(dad_conflict),
		cmocka_unit_test(no_dad),
		cmocka_unit_test(mld_report),
		cmocka_unit_test(slaac_from_ra),
		cmocka_unit_test(set_addr_onlink),
		cmocka_unit_test(ra_lifetimes),
		cmocka_unit_test(tcp_refused),
		cmocka_unit_test(udp),
		cmocka_unit_test(dns6),
		cmocka_unit_test(text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
