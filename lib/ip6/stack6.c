/*
 * The live IPv6 layer: lib/ip6's pure functions wired to a stack through
 * its extension hook.  Input validates, reassembles and dispatches to
 * ICMPv6 (echo, ND) and TCP; output picks the source, the next hop (on
 * link, else the router) and its MAC from the neighbor cache, which holds
 * a packet while its neighbor is solicited.  Addresses go through DAD
 * before use; router advertisements bring SLAAC, the router, the MTU and
 * DNS servers.
 */
#include "core/mem.h"
#include "netboot/err.h"
#include "netboot/stack6.h"
#include "stack/layers.h"

#define ETH NB_ETH_HLEN
#define HDR (NB_ETH_HLEN + NB_IP6_HDR_LEN)
/* RFC 4861 10: MAX_RTR_SOLICITATIONS, RTR_SOLICITATION_INTERVAL. */
#define RS_MAX 3
#define RS_INTERVAL_MS 4000
/* RFC 4861: ND messages carry hop limit 255 so no router forwarded them. */
#define ND_HOPS 255
/* RFC 4443 2.4 (c): an error carries as much of the packet as fits the
 * minimum MTU. */
#define ERR_QUOTE (1280 - NB_IP6_HDR_LEN - 8)

static const uint8_t all_nodes[16] = {0xff, 2, 0, 0, 0, 0, 0, 0,
				      0,    0, 0, 0, 0, 0, 0, 1};
static const uint8_t all_routers[16] = {0xff, 2, 0, 0, 0, 0, 0, 0,
					0,    0, 0, 0, 0, 0, 0, 2};
static const uint8_t unspecified[16];

static bool link_local(const uint8_t a[16])
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

static bool usable(const struct nb_addr6 *a)
{
	return a->state == NB_ADDR6_PREFERRED;
}

static bool same_prefix(const uint8_t a[16], const uint8_t b[16],
			unsigned plen)
{
	unsigned n = plen / 8, r = plen % 8;
	if (memcmp(a, b, n) != 0)
		return false;
	return !r || ((a[n] ^ b[n]) & (0xffu << (8 - r)) & 0xffu) == 0;
}

/* The address of ours @p a names (in any state but unused). */
static struct nb_addr6 *ours(struct nb_stack6 *st, const uint8_t a[16])
{
	if (st->ll.state != NB_ADDR6_NONE && !memcmp(a, st->ll.a, 16))
		return &st->ll;
	if (st->global.state != NB_ADDR6_NONE && !memcmp(a, st->global.a, 16))
		return &st->global;
	return NULL;
}

static bool for_us(struct nb_stack6 *st, const uint8_t dst[16])
{
	if (ours(st, dst) || !memcmp(dst, all_nodes, 16))
		return true;
	uint8_t g[16];
	for (unsigned i = 0; i < 2; i++) {
		const struct nb_addr6 *a = i ? &st->global : &st->ll;
		if (a->state == NB_ADDR6_NONE)
			continue;
		nb_ip6_solicited_node(a->a, g);
		if (!memcmp(dst, g, 16))
			return true;
	}
	return false;
}

/* RFC 6724 in short: the global address beyond the link, else the
 * link-local one. */
static const uint8_t *source(const struct nb_stack6 *st, const uint8_t dst[16])
{
	bool local = link_local(dst) || nb_ip6_is_multicast(dst);
	if (!local && usable(&st->global))
		return st->global.a;
	if (usable(&st->ll))
		return st->ll.a;
	return usable(&st->global) ? st->global.a : NULL;
}

static void solicit(struct nb_stack6 *st, const uint8_t target[16], bool dad);

/* On link: our address's prefix, or one a router advertised with the L
 * flag (a DHCPv6 address is a /128 and says nothing about the link). */
static bool on_link(const struct nb_stack6 *st, const uint8_t dst[16])
{
	if (link_local(dst))
		return true;
	if (st->global.state != NB_ADDR6_NONE &&
	    same_prefix(dst, st->global.a, st->global.plen))
		return true;
	return st->onlink_len && same_prefix(dst, st->onlink, st->onlink_len);
}

/* Send the packet built at the transmit frame's IPv6 header: on link,
 * through the router, or to a group; an unresolved neighbor keeps it. */
static int xmit(struct nb_stack6 *st, const uint8_t dst[16], size_t flen)
{
	struct nb_stack *s = st->s;
	uint8_t mac[6];
	const uint8_t *hop = dst;
	st->stats.tx++;
	if (nb_ip6_is_multicast(dst)) {
		nb_ip6_multicast_mac(dst, mac);
		return nb_eth_send(s, mac, NB_ETHERTYPE_IPV6, flen);
	}
	if (!on_link(st, dst)) {
		if (!st->has_router) {
			st->stats.tx_no_route++;
			return -NB_EUNREACH;
		}
		hop = st->router;
	}
	int rc = nb_nd_resolve(&st->nc, hop, s->tx_frame, flen, s->now, mac);
	if (rc == 0)
		return nb_eth_send(s, mac, NB_ETHERTYPE_IPV6, flen);
	if (rc != -NB_EAGAIN)
		return rc;
	/* A new entry is due for its first solicitation at once. */
	uint8_t ip[16];
	for (unsigned i = 0; i < NB_ND_CACHE_SIZE && nb_nd_tick(&st->nc, s->now, ip); i++)
		solicit(st, ip, false);
	return 0;
}

/* Header and checksum for the @p len-byte payload at HDR, then send. */
static int send6(struct nb_stack6 *st, const uint8_t src[16],
		 const uint8_t dst[16], uint8_t next, size_t len, uint8_t hops)
{
	uint8_t *pk = st->s->tx_frame + ETH, *m = pk + NB_IP6_HDR_LEN;
	unsigned at = next == NB_IP6_TCP ? 16 : next == NB_IP6_UDP ? 6 : 2;
	nb_ip6_build_hdr(pk, src, dst, next, (uint16_t)len, hops);
	nb_put16(m + at, 0);
	uint32_t sum = nb_ip6_pseudo_sum(pk + 8, pk + 24, (uint32_t)len, next);
	uint16_t c = nb_csum_fold(nb_csum_add(sum, m, len));
	nb_put16(m + at, next == NB_IP6_UDP && !c ? 0xffff : c);
	return xmit(st, pk + 24, HDR + len);
}

/* A link-layer address option of our MAC (type 1 source, 2 target). */
static size_t put_lla(struct nb_stack6 *st, uint8_t *o, uint8_t type)
{
	o[0] = type;
	o[1] = 1;
	memcpy(o + 2, st->s->link->mac, 6);
	return 8;
}

/* NS for @p target: from :: to its group for DAD, else with our link
 * address from our source. */
static void solicit(struct nb_stack6 *st, const uint8_t target[16], bool dad)
{
	uint8_t *m = st->s->tx_frame + HDR, group[16];
	const uint8_t *src = dad ? unspecified : source(st, target);
	if (!src)
		return;
	memset(m, 0, 8);
	m[0] = NB_ND_NS;
	memcpy(m + 8, target, 16);
	size_t len = 24;
	if (!dad)
		len += put_lla(st, m + len, 1);
	nb_ip6_solicited_node(target, group);
	st->stats.ns_sent++;
	send6(st, src, group, NB_IP6_ICMP6, len, ND_HOPS);
}

static void advertise(struct nb_stack6 *st, const uint8_t target[16],
		      const uint8_t to[16])
{
	uint8_t *m = st->s->tx_frame + HDR;
	bool dad = nb_ip6_is_unspecified(to);
	memset(m, 0, 8);
	m[0] = NB_ND_NA;
	/* S only for a real solicitation (RFC 4861 7.2.4); O always: the
	 * address is ours. */
	m[4] = (uint8_t)((dad ? 0 : 0x40) | 0x20);
	memcpy(m + 8, target, 16);
	size_t len = 24 + put_lla(st, m + 24, 2);
	st->stats.na_sent++;
	send6(st, target, dad ? all_nodes : to, NB_IP6_ICMP6, len, ND_HOPS);
}

/* MLDv2 report (RFC 3810 5.2) joining @p a's solicited-node group, so
 * switches that snoop MLD deliver the NS for it (RFC 4861 7.2.1): from
 * the link-local address once usable, else from :: (RFC 3810 5.2.13),
 * hop limit 1 with a Router Alert option. */
static void mld_join(struct nb_stack6 *st, const uint8_t a[16])
{
	static const uint8_t mld_routers[16] = {0xff, 2, 0, 0, 0, 0, 0, 0,
						0,    0, 0, 0, 0, 0, 0, 0x16};
	static const uint8_t hbh[8] = {NB_IP6_ICMP6, 0, 5, 2, 0, 0, 1, 0};
	uint8_t *pk = st->s->tx_frame + ETH, *m = pk + NB_IP6_HDR_LEN + 8;
	nb_ip6_build_hdr(pk, usable(&st->ll) ? st->ll.a : unspecified,
			 mld_routers, NB_IP6_HOPOPTS, 8 + 28, 1);
	memcpy(pk + NB_IP6_HDR_LEN, hbh, 8);
	memset(m, 0, 28);
	m[0] = NB_MLD2_REPORT;
	m[7] = 1; /* one record: CHANGE_TO_EXCLUDE with no source, a join */
	m[8] = 4;
	nb_ip6_solicited_node(a, m + 12);
	uint32_t sum = nb_ip6_pseudo_sum(pk + 8, pk + 24, 28, NB_IP6_ICMP6);
	nb_put16(m + 2, nb_csum_fold(nb_csum_add(sum, m, 28)));
	st->stats.mld_sent++;
	xmit(st, mld_routers, HDR + 8 + 28);
}

static void start_dad(struct nb_stack6 *st, struct nb_addr6 *a)
{
	mld_join(st, a->a);
	if (st->cfg.no_dad) {
		a->state = NB_ADDR6_PREFERRED;
		return;
	}
	a->state = NB_ADDR6_TENTATIVE;
	a->dad_at = st->s->now + NB_ND_RETRANS_MS;
	solicit(st, a->a, true);
}

/* An address from a /64 prefix: EUI-64, or RFC 7217 with the DAD
 * counter so a conflict gives another identifier. */
static void form(struct nb_stack6 *st, struct nb_addr6 *a,
		 const uint8_t prefix[16])
{
	uint8_t p[16];
	memcpy(p, prefix, 16); /* may be a->a itself */
	a->plen = 64;
	a->stable = st->cfg.stable_privacy;
	if (!a->stable ||
	    nb_ip6_stable_addr(p, 64, st->s->link->mac, 6, a->dad_tries,
			       st->secret, a->a) < 0)
		nb_ip6_eui64(p, st->s->link->mac, a->a);
	start_dad(st, a);
}

static void dad_conflict(struct nb_stack6 *st, struct nb_addr6 *a)
{
	st->stats.dad_conflicts++;
	/* RFC 7217 6: a stable identifier is retried with the counter
	 * raised; an EUI-64 one would collide again. */
	if (a->stable && ++a->dad_tries < 3)
		form(st, a, a->a);
	else
		a->state = NB_ADDR6_DUPLICATE;
}

/* ICMPv6 error about the packet @p p (RFC 4443 2.4: never to a group or
 * the unspecified source, and rate-limited). */
static void icmp_error(struct nb_stack6 *st, const uint8_t *p, size_t n,
		       uint8_t type, uint8_t code, uint32_t ptr)
{
	const uint8_t *to = p + 8;
	uint64_t now = st->s->now;
	if (nb_ip6_is_unspecified(to) || nb_ip6_is_multicast(to))
		return;
	if (now - st->err_at >= 1000) {
		st->err_at = now;
		st->err_tokens = NB_IP6_ERR_PER_S;
	}
	if (!st->err_tokens) {
		st->stats.err_limited++;
		return;
	}
	const uint8_t *self = ours(st, p + 24) ? p + 24 : source(st, to);
	if (!self)
		return;
	st->err_tokens--;
	size_t quote = n < ERR_QUOTE ? n : ERR_QUOTE;
	if (quote > st->mtu - NB_IP6_HDR_LEN - 8u)
		quote = st->mtu - NB_IP6_HDR_LEN - 8u;
	uint8_t *m = st->s->tx_frame + HDR;
	memmove(m + 8, p, quote);
	m[0] = type;
	m[1] = code;
	nb_put16(m + 2, 0);
	nb_put32(m + 4, ptr);
	st->stats.err_sent++;
	send6(st, self, to, NB_IP6_ICMP6, 8 + quote, st->hop_limit);
}

/* When a lifetime of @p s seconds from @p now ends (0xffffffff:
 * never). */
static uint64_t until_s(uint64_t now, uint32_t s)
{
	return s == 0xffffffffu ? UINT64_MAX : now + s * 1000ull;
}

static void ra_in(struct nb_stack6 *st, const struct nb_nd_msg *m)
{
	st->stats.ra_rx++;
	st->ra_seen = true;
	if (m->cur_hop_limit)
		st->hop_limit = m->cur_hop_limit;
	if (m->mtu >= 1280 && m->mtu <= st->s->link->mtu)
		st->mtu = (uint16_t)m->mtu;
	uint64_t now = st->s->now;
	if (!st->cfg.has_gw) {
		if (m->router_life_s) {
			memcpy(st->router, m->src, 16);
			st->has_router = true;
			st->router_until = now + m->router_life_s * 1000ull;
		} else if (!memcmp(st->router, m->src, 16)) {
			st->has_router = false;
		}
	}
	for (unsigned i = 0; i < m->n_prefix; i++) {
		const struct nb_nd_prefix *pf = &m->prefix[i];
		uint64_t until = until_s(now, pf->valid_s);
		if (pf->onlink && pf->valid_s && pf->len &&
		    !link_local(pf->prefix)) {
			memcpy(st->onlink, pf->prefix, 16);
			st->onlink_len = pf->len;
			st->onlink_until = until;
		}
		if (!st->cfg.slaac || !pf->autonomous || pf->len != 64 ||
		    link_local(pf->prefix) || pf->preferred_s > pf->valid_s)
			continue;
		/* RFC 4862 5.5.3 (e): a later RA renews our address's
		 * lifetime (the two-hour floor against spoofed short ones is
		 * left out: a boot session is shorter). */
		if (st->slaac_formed && same_prefix(pf->prefix, st->global.a, 64))
			st->global_until = until;
		else if (pf->valid_s && st->global.state == NB_ADDR6_NONE) {
			form(st, &st->global, pf->prefix);
			st->slaac_formed = true;
			st->global_until = until;
		}
	}
	if (m->n_rdnss && m->rdnss_life_s) {
		st->n_dns = m->n_rdnss;
		memcpy(st->dns, m->rdnss, (size_t)m->n_rdnss * 16);
	}
}

static void nd_in(struct nb_stack6 *st, const uint8_t *p,
		  const struct nb_ip6_info *in)
{
	struct nb_stack *s = st->s;
	struct nb_nd_msg m;
	int rc = nb_nd_parse(p, in, &m);
	if (rc < 0) {
		if (rc != -NB_ENOTSUP)
			st->stats.rx_bad++;
		return;
	}
	struct nb_addr6 *mine = m.type == NB_ND_RA ? NULL : ours(st, m.target);
	if (mine && mine->state == NB_ADDR6_TENTATIVE) {
		/* RFC 4862 5.4.3/5.4.4: another node has it, or is testing it
		 * too; either way it is not ours to take. */
		if (m.type == NB_ND_NA || nb_ip6_is_unspecified(m.src))
			dad_conflict(st, mine);
		return;
	}
	if (mine && m.type == NB_ND_NA)
		return; /* someone claims our address: we keep using it */
	const uint8_t *wp;
	size_t wl;
	uint8_t mac[6];
	if (nb_nd_update(&st->nc, &m, s->now, &wp, &wl, mac) == 1) {
		memcpy(s->tx_frame, wp, wl);
		nb_eth_send(s, mac, NB_ETHERTYPE_IPV6, wl);
	}
	if (m.type == NB_ND_NS && mine && usable(mine))
		advertise(st, m.target, m.src);
	else if (m.type == NB_ND_RA)
		ra_in(st, &m);
}

static void icmp_in(struct nb_stack6 *st, const uint8_t *p,
		    const struct nb_ip6_info *in)
{
	struct nb_stack *s = st->s;
	if (nb_icmp6_verify(p, in) < 0) {
		st->stats.rx_bad++;
		return;
	}
	const uint8_t *m = p + in->off;
	struct nb_ping6 *pg = st->ping;
	switch (m[0]) {
	case NB_ICMP6_ECHO_REQUEST: {
		const uint8_t *self =
			nb_ip6_is_multicast(p + 24) ? source(st, p + 8) : p + 24;
		if (!self || in->end - in->off > st->mtu - NB_IP6_HDR_LEN + 0u)
			return;
		int n = nb_icmp6_echo_reply(p, in, self, s->tx_frame + ETH,
					    NB_ETH_FRAME_MAX - ETH);
		if (n > 0 && xmit(st, p + 8, ETH + (size_t)n) == 0)
			st->stats.echo_replied++;
		return;
	}
	case NB_ICMP6_ECHO_REPLY:
		if (pg && in->end - in->off >= 8 && !memcmp(p + 8, pg->dst, 16) &&
		    nb_get16(m + 4) == pg->id && nb_get16(m + 6) == pg->seq &&
		    !pg->replied) {
			pg->replied = true;
			pg->rtt_ms = s->now - pg->sent_ms;
		}
		return;
	case NB_ND_NS:
	case NB_ND_NA:
	case NB_ND_RA:
		nd_in(st, p, in);
		return;
	default:
		return; /* errors and the rest: TCP's timers cover losses */
	}
}

static uint32_t find_peer(const struct nb_stack6 *st, const uint8_t a[16])
{
	for (unsigned i = 0; i < NB_IP6_PEERS; i++)
		if (!memcmp(st->peer[i], a, 16))
			return i + 1;
	return 0;
}

static void tcp_in(struct nb_stack6 *st, const uint8_t *p,
		   const struct nb_ip6_info *in)
{
	uint32_t len = in->end - in->off;
	uint32_t sum = nb_ip6_pseudo_sum(p + 8, p + 24, len, NB_IP6_TCP);
	if (nb_ip6_is_multicast(p + 24) ||
	    nb_csum_fold(nb_csum_add(sum, p + in->off, len)) != 0) {
		st->stats.rx_bad++;
		return;
	}
	memcpy(st->in_src, p + 8, 16);
	nb_tcp_family_input(&st->tcp, find_peer(st, p + 8), p + in->off, len);
}

/* RFC 8200 8.1: a zero UDP checksum is invalid over IPv6, so the
 * checksum test covers it: only 0xffff is sent for a zero sum. */
static void udp_in(struct nb_stack6 *st, const uint8_t *p,
		   const struct nb_ip6_info *in)
{
	const uint8_t *u = p + in->off;
	uint32_t len = in->end - in->off;
	uint32_t sum = nb_ip6_pseudo_sum(p + 8, p + 24, len, NB_IP6_UDP);
	if (len < NB_UDP_HLEN || nb_get16(u + 4) != len || !nb_get16(u + 6) ||
	    nb_csum_fold(nb_csum_add(sum, u, len)) != 0) {
		st->stats.rx_bad++;
		return;
	}
	for (struct nb_udp6 *sk = st->udp; sk; sk = sk->next) {
		if (sk->port == nb_get16(u + 2)) {
			st->stats.udp_rx++;
			sk->rx(sk->ctx, sk, p + 8, nb_get16(u), u + NB_UDP_HLEN,
			       len - NB_UDP_HLEN);
			return;
		}
	}
	st->stats.udp_no_port++;
	/* RFC 4443 3.1 code 4, so a sender stops at once (rate-limited;
	 * never for a datagram to a group). */
	if (!nb_ip6_is_multicast(p + 24))
		icmp_error(st, p, in->end, NB_ICMP6_DEST_UNREACH, 4, 0);
}

static void input(void *ctx, const uint8_t *f, size_t len)
{
	struct nb_stack6 *st = ctx;
	const uint8_t *p = f + ETH;
	size_t n = len - ETH;
	struct nb_ip6_info in;
	st->stats.rx++;
	int rc = nb_ip6_parse(p, n, &in);
	if (rc == 0 && !for_us(st, p + 24)) {
		st->stats.rx_not_ours++;
		return;
	}
	if (rc < 0) {
		st->stats.rx_bad++;
		if (in.pp_send && n >= NB_IP6_HDR_LEN && for_us(st, p + 24))
			icmp_error(st, p, n, NB_ICMP6_PARAM_PROBLEM, in.pp_code,
				   in.pp_ptr);
		return;
	}
	if (in.frag) {
		st->stats.frag_rx++;
		if (nb_ip6_reasm_add(&st->reasm, p, &in, st->s->now, &p, &n) != 1)
			return;
		st->stats.frag_done++;
		if (nb_ip6_parse(p, n, &in) < 0 || in.frag) {
			st->stats.rx_bad++;
			return;
		}
	}
	if (in.proto == NB_IP6_ICMP6) {
		icmp_in(st, p, &in);
	} else if (in.proto == NB_IP6_TCP) {
		tcp_in(st, p, &in);
	} else if (in.proto == NB_IP6_UDP) {
		udp_in(st, p, &in);
	} else if (in.proto != NB_IP6_NONE) {
		st->stats.rx_no_proto++;
		if (!nb_ip6_is_multicast(p + 24))
			icmp_error(st, p, in.end, NB_ICMP6_PARAM_PROBLEM, 1,
				   in.nh_at);
	}
}

static void timers(void *ctx)
{
	struct nb_stack6 *st = ctx;
	uint64_t now = st->s->now;
	for (unsigned i = 0; i < 2; i++) {
		struct nb_addr6 *a = i ? &st->global : &st->ll;
		if (a->state == NB_ADDR6_TENTATIVE && now >= a->dad_at) {
			a->state = NB_ADDR6_PREFERRED;
			if (!i)
				st->rs_at = now; /* solicit as soon as usable */
		}
	}
	/* What RAs gave ends with its lifetime (RFC 4861 6.3.4, RFC 4862
	 * 5.5.4); a static router or address does not. */
	if (st->has_router && !st->cfg.has_gw && now >= st->router_until)
		st->has_router = false;
	if (st->onlink_len && now >= st->onlink_until)
		st->onlink_len = 0;
	if (st->slaac_formed && now >= st->global_until) {
		st->global.state = NB_ADDR6_NONE;
		st->slaac_formed = false;
	}
	if (!st->ra_seen && st->rs_left && usable(&st->ll) && now >= st->rs_at) {
		uint8_t *m = st->s->tx_frame + HDR;
		memset(m, 0, 8);
		m[0] = NB_ND_RS;
		st->rs_left--;
		st->rs_at = now + RS_INTERVAL_MS;
		st->stats.rs_sent++;
		send6(st, st->ll.a, all_routers, NB_IP6_ICMP6, 8 + put_lla(st, m + 8, 1),
		      ND_HOPS);
	}
	uint8_t ip[16];
	for (unsigned i = 0; i < NB_ND_CACHE_SIZE && nb_nd_tick(&st->nc, now, ip); i++)
		solicit(st, ip, false);
	nb_ip6_reasm_expire(&st->reasm, now);
}

static struct nb_deadline at(uint64_t ms)
{
	return (struct nb_deadline){ms ? ms : 1};
}

static struct nb_deadline deadline(void *ctx, uint64_t now_ms)
{
	struct nb_stack6 *st = ctx;
	struct nb_deadline d = nb_tcp_next_deadline(&st->tcp, now_ms);
	for (unsigned i = 0; i < 2; i++) {
		const struct nb_addr6 *a = i ? &st->global : &st->ll;
		if (a->state == NB_ADDR6_TENTATIVE)
			d = nb_deadline_earliest(d, at(a->dad_at));
	}
	for (const struct nb_udp6 *sk = st->udp; sk; sk = sk->next)
		if (sk->timer)
			d = nb_deadline_earliest(d, *sk->timer);
	if (!st->ra_seen && st->rs_left && usable(&st->ll))
		d = nb_deadline_earliest(d, at(st->rs_at));
	for (unsigned i = 0; i < NB_ND_CACHE_SIZE; i++)
		if (st->nc.e[i].state == NB_ND_INCOMPLETE)
			d = nb_deadline_earliest(
				d, at(st->nc.e[i].since_ms + NB_ND_RETRANS_MS));
	return d;
}

/* nb_tcp_family: segments are built right after the IPv6 header. */
static uint8_t *fam_buf(void *ctx, size_t *cap)
{
	struct nb_stack6 *st = ctx;
	*cap = st->mtu - NB_IP6_HDR_LEN;
	return st->s->tx_frame + HDR;
}

static int fam_send(void *ctx, uint32_t peer, uint8_t *seg, size_t len)
{
	struct nb_stack6 *st = ctx;
	(void)seg;
	const uint8_t *dst = peer && peer <= NB_IP6_PEERS ? st->peer[peer - 1]
							   : st->in_src;
	const uint8_t *src = source(st, dst);
	if (!src)
		return -NB_EAGAIN;
	return send6(st, src, dst, NB_IP6_TCP, len, st->hop_limit);
}

static uint32_t fam_peer(void *ctx, const char *text, size_t len)
{
	uint8_t a[16];
	if (nb_ip6_addr_parse(text, len, a) < 0)
		return 0;
	return nb_stack6_peer(ctx, a);
}

static uint16_t fam_mss(void *ctx)
{
	const struct nb_stack6 *st = ctx;
	return (uint16_t)(st->mtu - NB_IP6_HDR_LEN - NB_TCP_HLEN);
}

uint32_t nb_stack6_peer(struct nb_stack6 *st, const uint8_t addr[16])
{
	if (!st || nb_ip6_is_multicast(addr) || nb_ip6_is_unspecified(addr))
		return 0;
	uint32_t h = find_peer(st, addr);
	if (h)
		return h;
	unsigned i = st->peer_next;
	st->peer_next = (uint8_t)((i + 1) % NB_IP6_PEERS);
	memcpy(st->peer[i], addr, 16);
	return i + 1;
}

struct nb_tcp *nb_stack6_tcp(struct nb_stack6 *st)
{
	return &st->tcp;
}

int nb_stack6_init(struct nb_stack6 *st, struct nb_stack *s,
		   const struct nb_stack6_cfg *cfg, struct nb_arena *arena)
{
	static const uint8_t fe80[16] = {0xfe, 0x80};
	if (!st || !s || !s->link || !arena ||
	    (cfg && cfg->has_addr && (cfg->plen == 0 || cfg->plen > 128)))
		return -NB_EINVAL;
	size_t mark = nb_arena_mark(arena);
	memset(st, 0, sizeof(*st));
	st->s = s;
	if (cfg)
		st->cfg = *cfg;
	uint8_t *pend = nb_arena_alloc(arena, NB_ND_CACHE_SIZE * NB_ETH_FRAME_MAX, 2);
	size_t rlen = NB_IP6_REASM_SLOTS * (size_t)NB_IP6_REASM_SLOT_BYTES;
	uint8_t *rmem = nb_arena_alloc(arena, rlen, 16);
	int rc = pend && rmem ? 0 : -NB_ENOMEM;
	if (!rc)
		rc = nb_nd_cache_init(&st->nc, pend, NB_ETH_FRAME_MAX);
	if (!rc)
		rc = nb_ip6_reasm_init(&st->reasm, rmem, rlen);
	if (!rc && st->cfg.stable_privacy)
		rc = nb_ip6_secret(&s->rng, st->secret);
	if (rc < 0) {
		nb_arena_reset(arena, mark);
		return rc;
	}
	st->mtu = s->link->mtu;
	st->hop_limit = 64;
	st->fam = (struct nb_tcp_family){fam_buf, fam_send, fam_peer, fam_mss, st};
	nb_tcp_init_family(&st->tcp, s, &st->fam);
	st->ext = (struct nb_eth_ext){NB_ETHERTYPE_IPV6, input, timers, deadline, st};
	nb_stack_set_ext(s, &st->ext);
	st->rs_left = RS_MAX;
	if (st->cfg.has_gw) {
		memcpy(st->router, st->cfg.gw, 16);
		st->has_router = true;
	}
	form(st, &st->ll, fe80);
	if (st->cfg.has_addr) {
		memcpy(st->global.a, st->cfg.addr, 16);
		st->global.plen = st->cfg.plen;
		start_dad(st, &st->global);
	}
	return 0;
}

int nb_stack6_set_addr(struct nb_stack6 *st, const uint8_t addr[16],
		       uint8_t plen)
{
	if (!st || !addr || !plen || plen > 128 || link_local(addr) ||
	    nb_ip6_is_multicast(addr) || nb_ip6_is_unspecified(addr))
		return -NB_EINVAL;
	memcpy(st->global.a, addr, 16);
	st->global.plen = plen;
	st->global.stable = false;
	st->global.dad_tries = 0;
	st->slaac_formed = false;
	st->cfg.has_addr = true;
	start_dad(st, &st->global);
	return 0;
}

void nb_stack6_detach(struct nb_stack6 *st)
{
	if (st && st->s && st->s->ext == &st->ext)
		nb_stack_set_ext(st->s, NULL);
}

int nb_stack6_ready(void *obj, uint64_t now_ms)
{
	const struct nb_stack6 *st = obj;
	(void)now_ms;
	if (st->ll.state == NB_ADDR6_DUPLICATE ||
	    st->global.state == NB_ADDR6_DUPLICATE)
		return -NB_EADDRINUSE;
	bool want_global = st->cfg.has_addr || st->cfg.slaac;
	if (!usable(&st->ll) || (want_global && !usable(&st->global)))
		return -NB_EAGAIN;
	return 0;
}

int nb_stack6_ping(struct nb_stack6 *st, struct nb_ping6 *p,
		   const uint8_t dst[16], uint16_t seq)
{
	if (!st || !p || !dst)
		return -NB_EINVAL;
	const uint8_t *src = source(st, dst);
	if (!src)
		return -NB_EAGAIN;
	memset(p, 0, sizeof(*p));
	memcpy(p->dst, dst, 16);
	/* The identifier only tells our replies from others'. */
	p->id = (uint16_t)(0x6e62 ^ (uintptr_t)p);
	p->seq = seq;
	p->sent_ms = st->s->now;
	st->ping = p;
	uint8_t *m = st->s->tx_frame + HDR;
	m[0] = NB_ICMP6_ECHO_REQUEST;
	m[1] = 0;
	nb_put16(m + 4, p->id);
	nb_put16(m + 6, seq);
	for (unsigned i = 0; i < 56; i++)
		m[8 + i] = (uint8_t)i;
	return send6(st, src, dst, NB_IP6_ICMP6, 64, st->hop_limit);
}

static struct nb_udp6 **link_of(struct nb_stack6 *st, uint16_t port)
{
	struct nb_udp6 **l = &st->udp;
	while (*l && (*l)->port != port)
		l = &(*l)->next;
	return l;
}

int nb_udp6_open(struct nb_udp6 *sk, struct nb_stack6 *st, uint16_t port,
		 nb_udp6_rx_fn rx, void *ctx)
{
	if (!sk || !st || !rx)
		return -NB_EINVAL;
	/* A random ephemeral port, never the last one given: a fresh
	 * transfer ID must not take the late packets of the one before. */
	if (!port) {
		uint32_t r = 0;
		nb_rng_u32(&st->s->rng, &r);
		for (unsigned i = 0; i < 16 && (!port || port == st->udp_eph ||
						 *link_of(st, port)); i++)
			port = (uint16_t)(0xc000 | ((r + i) & 0x3fff));
		st->udp_eph = port;
	}
	if (*link_of(st, port))
		return -NB_EADDRINUSE;
	*sk = (struct nb_udp6){st->udp, st, rx, ctx, NULL, port};
	st->udp = sk;
	return 0;
}

int nb_udp6_sendto(struct nb_udp6 *sk, const uint8_t dst[16], uint16_t dport,
		   const void *data, size_t len)
{
	struct nb_stack6 *st = sk->st;
	if (len > st->mtu - NB_IP6_HDR_LEN - NB_UDP_HLEN + 0u)
		return -NB_EMSGSIZE;
	const uint8_t *src = source(st, dst);
	if (!src)
		return -NB_EAGAIN;
	uint8_t *u = st->s->tx_frame + HDR;
	/* Payload first: callers may have built it in the transmit frame
	 * (lib/dns does, at the IPv4 offset), under the header. */
	memmove(u + NB_UDP_HLEN, data, len);
	nb_put16(u, sk->port);
	nb_put16(u + 2, dport);
	nb_put16(u + 4, (uint16_t)(len + NB_UDP_HLEN));
	return send6(st, src, dst, NB_IP6_UDP, len + NB_UDP_HLEN, st->hop_limit);
}

void nb_udp6_set_timer(struct nb_udp6 *sk, const struct nb_deadline *timer)
{
	sk->timer = timer;
}

void nb_udp6_close(struct nb_udp6 *sk)
{
	if (!sk || !sk->port)
		return;
	struct nb_udp6 **l = link_of(sk->st, sk->port);
	if (*l == sk)
		*l = sk->next;
	sk->port = 0;
}

/* TFTP transport: ctx is the nb_tftp_net at the start of an nb_tftp6. */
static void t6_rx(void *ctx, struct nb_udp6 *sk, const uint8_t src[16],
		  uint16_t sport, const void *data, size_t len)
{
	struct nb_tftp_net *n = ctx;
	nb_tftp_input(n->t, find_peer(sk->st, src), sport, data, len,
		      sk->st->s->now);
}

static int t6_rebind(void *ctx)
{
	struct nb_tftp6 *x = ctx;
	nb_udp6_close(&x->sk);
	int rc = nb_udp6_open(&x->sk, x->sk.st, 0, t6_rx, x);
	if (!rc)
		nb_udp6_set_timer(&x->sk, &x->net.t->timer);
	return rc;
}

static int t6_send(void *ctx, uint32_t peer, uint16_t port, const void *pkt,
		   size_t len)
{
	struct nb_tftp6 *x = ctx;
	struct nb_stack6 *st = x->sk.st;
	if (!peer || peer > NB_IP6_PEERS)
		return -NB_EINVAL;
	int rc = x->sk.port ? 0 : t6_rebind(x);
	return rc ? rc : nb_udp6_sendto(&x->sk, st->peer[peer - 1], port, pkt, len);
}

static void t6_close(void *ctx)
{
	struct nb_tftp6 *x = ctx;
	nb_udp6_close(&x->sk);
}

static uint32_t t6_peer(struct nb_tftp_net *n, const char *text, size_t len)
{
	struct nb_tftp6 *x = (struct nb_tftp6 *)n;
	return fam_peer(x->sk.st, text, len);
}

static const struct nb_tftp_io t6_io = {t6_send, t6_rebind, t6_close};

void nb_tftp6_init(struct nb_tftp6 *x, struct nb_stack6 *st)
{
	memset(x, 0, sizeof(*x));
	x->net.io = &t6_io;
	x->net.peer = t6_peer;
	x->net.blksize = (uint16_t)(st->mtu - NB_IP6_HDR_LEN - NB_UDP_HLEN -
				    NB_TFTP_DATA_HLEN);
	x->sk.st = st;
}

/* lib/dns's transport over v6: server handles are indexes into
 * x->server plus one. */
static void d6_rx(void *ctx, struct nb_udp6 *sk, const uint8_t src[16],
		  uint16_t sport, const void *data, size_t len)
{
	struct nb_dns6 *x = ctx;
	uint32_t from = 0;
	(void)sk;
	for (unsigned i = 0; i < x->net.nservers && !from; i++)
		if (!memcmp(x->server[i], src, 16))
			from = i + 1;
	if (x->q)
		nb_dns_input(x->q, from, sport, data, len);
}

static int d6_send(struct nb_dns_net *n, struct nb_dns *q, uint32_t server,
		   const void *pkt, size_t len)
{
	struct nb_dns6 *x = (struct nb_dns6 *)n;
	if (!server || server > n->nservers)
		return -NB_EINVAL;
	x->q = q;
	if (!x->sk.port) {
		int rc = nb_udp6_open(&x->sk, x->st, 0, d6_rx, x);
		if (rc < 0)
			return rc;
		nb_udp6_set_timer(&x->sk, &q->timer);
	}
	return nb_udp6_sendto(&x->sk, x->server[server - 1], NB_DNS_PORT, pkt,
			      len);
}

static void d6_close(struct nb_dns_net *n)
{
	struct nb_dns6 *x = (struct nb_dns6 *)n;
	nb_udp6_close(&x->sk);
	x->q = NULL;
}

static uint32_t d6_peer(struct nb_dns_net *n, const uint8_t addr6[16])
{
	return nb_stack6_peer(((struct nb_dns6 *)n)->st, addr6);
}

void nb_dns6_init(struct nb_dns6 *x, struct nb_stack6 *st,
		  const uint8_t (*servers)[16], unsigned n)
{
	memset(x, 0, sizeof(*x));
	x->net = (struct nb_dns_net){d6_send, d6_close, d6_peer, 0};
	x->st = st;
	x->sk.st = st;
	for (unsigned i = 0; i < n + st->n_dns; i++) {
		if (x->net.nservers == NB_DNS_SERVERS)
			break;
		memcpy(x->server[x->net.nservers++],
		       i < n ? servers[i] : st->dns[i - n], 16);
	}
}
