/*
 * IPv4 input and output: header validation, routing to the gateway or the
 * link, dispatch to ICMP, UDP and registered protocols, and the deadlines
 * of everything that runs on IP.
 */
#include "core/mem.h"
#include "ip/ip_int.h"

#define IP_FLAG_DF 0x4000
#define IP_FLAG_MF 0x2000
#define IP_OFFSET_MASK 0x1fff

bool nb_ip_is_broadcast(const struct nb_stack *s, uint32_t ip)
{
	/* /31 and /32 subnets have no broadcast address (RFC 3021): there
	 * the "all ones host" is the peer or ourselves. */
	return ip == NB_IP_BROADCAST ||
	       (s->ip && s->mask && s->mask < 0xfffffffeu &&
		ip == (s->ip | ~s->mask));
}

uint32_t nb_ip_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto,
			  uint16_t len)
{
	return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) +
	       proto + len;
}

int nb_ip_route(const struct nb_stack *s, uint32_t dst, uint32_t *hop)
{
	/* Before an address is configured only the local wire is reachable. */
	if (dst == NB_IP_BROADCAST || !s->ip ||
	    ((dst ^ s->ip) & s->mask) == 0 || (dst >> 28) == 0xe) {
		*hop = dst;
		return 0;
	}
	if (!s->gw)
		return -NB_EUNREACH;
	*hop = s->gw;
	return 0;
}

uint8_t *nb_ip_payload_buf(struct nb_stack *s, size_t *cap)
{
	if (cap)
		*cap = (size_t)s->link->mtu - NB_IP_HLEN;
	return s->tx_frame + NB_IP_PAYLOAD_OFF;
}

int nb_ip_send(struct nb_stack *s, uint32_t dst, uint8_t proto, size_t len)
{
	if (len > (size_t)s->link->mtu - NB_IP_HLEN)
		return -NB_EMSGSIZE;
	uint32_t hop;
	int rc = nb_ip_route(s, dst, &hop);
	if (rc < 0)
		return rc;
	uint8_t *h = s->tx_frame + NB_ETH_HLEN;
	h[0] = 0x45;
	h[1] = 0;
	nb_put16(h + 2, (uint16_t)(NB_IP_HLEN + len));
	nb_put16(h + 4, s->ip_id++);
	/* We never fragment: path MTU problems surface as an error upstream
	 * rather than as fragments few firmware peers reassemble. */
	nb_put16(h + 6, IP_FLAG_DF);
	h[8] = NB_IP_TTL;
	h[9] = proto;
	nb_put16(h + 10, 0);
	nb_put32(h + 12, s->ip);
	nb_put32(h + 16, dst);
	nb_put16(h + 10, nb_csum(h, NB_IP_HLEN));
	return nb_eth_send_ipv4(s, hop, NB_IP_PAYLOAD_OFF + len);
}

int nb_ip_register_timed(struct nb_stack *s, uint8_t proto, nb_ip_input_fn fn,
			 nb_deadline_fn deadline, void *ctx)
{
	if (!fn || !proto || proto == NB_IPPROTO_ICMP || proto == NB_IPPROTO_UDP)
		return -NB_EINVAL;
	size_t slot = NB_IP_PROTO_HOOKS;
	for (size_t i = 0; i < NB_IP_PROTO_HOOKS; i++) {
		if (s->hook_input[i] && s->hook_proto[i] == proto)
			return -NB_EADDRINUSE;
		if (!s->hook_input[i] && slot == NB_IP_PROTO_HOOKS)
			slot = i;
	}
	if (slot == NB_IP_PROTO_HOOKS)
		return -NB_ENOMEM;
	s->hook_proto[slot] = proto;
	s->hook_input[slot] = fn;
	s->hook_deadline[slot] = deadline;
	s->hook_ctx[slot] = ctx;
	return 0;
}

int nb_ip_register(struct nb_stack *s, uint8_t proto, nb_ip_input_fn fn,
		   void *ctx)
{
	return nb_ip_register_timed(s, proto, fn, NULL, ctx);
}

/* nb_deadline_earliest() in place, once rather than inlined at each of
 * the four timer kinds below: 64-bit compares are long on i386. */
static void fold(struct nb_deadline *due, uint64_t at_ms)
{
	if (at_ms && (!due->at_ms || at_ms < due->at_ms))
		due->at_ms = at_ms;
}

struct nb_deadline nb_ip_next_deadline(const struct nb_stack *s,
				       uint64_t now_ms)
{
	struct nb_deadline due = {0};
	for (size_t i = 0; i < NB_IP_REASM_SLOTS; i++)
		if (s->reasm[i].used)
			fold(&due, s->reasm[i].expires);
	for (const struct nb_ping *p = s->pings; p; p = p->next)
		fold(&due, p->timeout.at_ms);
	for (const struct nb_udp_sock *k = s->udp; k; k = k->next)
		if (k->timer)
			fold(&due, k->timer->at_ms);
	for (size_t i = 0; i < NB_IP_PROTO_HOOKS; i++)
		if (s->hook_input[i] && s->hook_deadline[i])
			fold(&due, s->hook_deadline[i](s->hook_ctx[i], now_ms)
					   .at_ms);
	return due;
}

void nb_ip_deliver(struct nb_stack *s, const struct nb_ip_info *ip,
		   const uint8_t *data, size_t len)
{
	switch (ip->proto) {
	case NB_IPPROTO_ICMP:
		nb_icmp_input(s, ip, data, len);
		return;
	case NB_IPPROTO_UDP:
		nb_udp_input(s, ip, data, len);
		return;
	}
	/* Free hook slots have proto 0, which is also a valid wire value
	 * (IPv6 hop-by-hop): match only registered slots. */
	for (size_t i = 0; i < NB_IP_PROTO_HOOKS; i++) {
		if (s->hook_input[i] && s->hook_proto[i] == ip->proto) {
			s->hook_input[i](s->hook_ctx[i], s, ip, data, len);
			return;
		}
	}
	s->stats.ip_no_proto++;
}

static bool bad_source(const struct nb_stack *s, uint32_t src)
{
	uint8_t top = (uint8_t)(src >> 24);
	return src == 0 || top == 127 || top >= 224 ||
	       nb_ip_is_broadcast(s, src) || (s->ip && src == s->ip);
}

static bool for_us(const struct nb_stack *s, uint32_t dst)
{
	if ((dst >> 28) == 0xe)
		return false; /* we join no multicast group */
	/* Unconfigured: take any unicast, as DHCP servers may send the offer
	 * to the address they are offering. */
	return !s->ip || dst == s->ip || nb_ip_is_broadcast(s, dst);
}

void nb_ip_input(struct nb_stack *s, const uint8_t *p, size_t len,
		 bool link_broadcast)
{
	if (len < NB_IP_HLEN) {
		s->stats.ip_bad_header++;
		return;
	}
	size_t hlen = (size_t)(p[0] & 0x0f) * 4;
	size_t total = nb_get16(p + 2);
	if ((p[0] >> 4) != 4 || hlen < NB_IP_HLEN || hlen > len ||
	    total < hlen || total > len) {
		s->stats.ip_bad_header++;
		return;
	}
	if (nb_csum(p, hlen) != 0) {
		s->stats.ip_bad_csum++;
		return;
	}
	if (p[8] == 0) {
		s->stats.ip_ttl_zero++;
		return;
	}
	struct nb_ip_info ip = {
		.src = nb_get32(p + 12),
		.dst = nb_get32(p + 16),
		.proto = p[9],
		.ttl = p[8],
		.link_broadcast = link_broadcast,
		.hdr = p,
		.hlen = hlen,
	};
	if (bad_source(s, ip.src)) {
		s->stats.ip_bad_src++;
		return;
	}
	if (!for_us(s, ip.dst)) {
		s->stats.ip_not_ours++;
		return;
	}
	/* Ethernet pads short frames: the IP total length is the truth. */
	uint16_t frag = nb_get16(p + 6);
	if (frag & (IP_FLAG_MF | IP_OFFSET_MASK)) {
		nb_ip_frag_input(s, p, hlen, p + hlen, total - hlen,
				 link_broadcast);
		return;
	}
	nb_ip_deliver(s, &ip, p + hlen, total - hlen);
}
