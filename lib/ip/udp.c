/*
 * UDP sockets (RFC 768) on the stack: ports, checksums, broadcast sends
 * for DHCP, and the owner's timer that nb_stack_next_deadline() sees.
 * DHCP, DNS and TFTP all sit on these.
 */
#include "core/mem.h"
#include "ip/ip_int.h"

#define ICMP_PORT_UNREACH 3

static struct nb_udp_sock *find_port(struct nb_stack *s, uint16_t port)
{
	for (struct nb_udp_sock *k = s->udp; k; k = k->next)
		if (k->port == port)
			return k;
	return NULL;
}

static int pick_ephemeral(struct nb_stack *s, uint16_t *port)
{
	const uint32_t range = NB_EPHEMERAL_HIGH - NB_EPHEMERAL_LOW + 1;
	uint32_t r;
	int rc = nb_rng_u32(&s->rng, &r);
	if (rc < 0)
		return rc;
	/* Random start, then linear probing: sockets are few, so this ends
	 * after a handful of steps and at worst after one pass. */
	for (uint32_t i = 0; i < range; i++) {
		uint16_t p = (uint16_t)(NB_EPHEMERAL_LOW + (r + i) % range);
		if (!find_port(s, p)) {
			*port = p;
			return 0;
		}
	}
	return -NB_EADDRINUSE;
}

int nb_udp_open(struct nb_udp_sock *sk, struct nb_stack *s, uint16_t port,
		nb_udp_rx_fn rx, void *ctx)
{
	if (!sk || !s || !rx)
		return -NB_EINVAL;
	/* Linking a socket twice would make the list a cycle.  The check
	 * walks the stack's list rather than trusting sk->s, so an
	 * uninitialised socket struct is fine. */
	for (struct nb_udp_sock *k = s->udp; k; k = k->next)
		if (k == sk)
			return -NB_EINVAL;
	if (port && find_port(s, port))
		return -NB_EADDRINUSE;
	if (!port) {
		int rc = pick_ephemeral(s, &port);
		if (rc < 0)
			return rc;
	}
	sk->s = s;
	sk->port = port;
	sk->rx = rx;
	sk->ctx = ctx;
	sk->unreachables = 0;
	sk->timer = NULL;
	sk->next = s->udp;
	s->udp = sk;
	return 0;
}

void nb_udp_set_timer(struct nb_udp_sock *sk, const struct nb_deadline *timer)
{
	if (sk)
		sk->timer = timer;
}

void nb_udp_close(struct nb_udp_sock *sk)
{
	if (!sk || !sk->s)
		return;
	for (struct nb_udp_sock **pp = &sk->s->udp; *pp; pp = &(*pp)->next) {
		if (*pp == sk) {
			*pp = sk->next;
			break;
		}
	}
	sk->next = NULL;
	sk->s = NULL;
}

size_t nb_udp_max_payload(const struct nb_stack *s)
{
	return (size_t)s->link->mtu - NB_IP_HLEN - NB_UDP_HLEN;
}

int nb_udp_sendto(struct nb_udp_sock *sk, uint32_t dst_ip, uint16_t dst_port,
		  const void *data, size_t len)
{
	if (!sk || !sk->s)
		return -NB_EINVAL;
	struct nb_stack *s = sk->s;
	if (len > nb_udp_max_payload(s))
		return -NB_EMSGSIZE;
	uint8_t *u = nb_ip_payload_buf(s, NULL);
	size_t ulen = NB_UDP_HLEN + len;
	if (len) /* data may be NULL for an empty datagram */
		memmove(u + NB_UDP_HLEN, data, len);
	nb_put16(u, sk->port);
	nb_put16(u + 2, dst_port);
	nb_put16(u + 4, (uint16_t)ulen);
	nb_put16(u + 6, 0);
	uint32_t sum = nb_ip_pseudo_sum(s->ip, dst_ip, NB_IPPROTO_UDP,
					(uint16_t)ulen);
	uint16_t c = nb_csum_fold(nb_csum_add(sum, u, ulen));
	nb_put16(u + 6, c ? c : 0xffff); /* 0 would mean "no checksum" */
	return nb_ip_send(s, dst_ip, NB_IPPROTO_UDP, ulen);
}

void nb_udp_input(struct nb_stack *s, const struct nb_ip_info *ip,
		  const uint8_t *p, size_t len)
{
	if (len < NB_UDP_HLEN) {
		s->stats.udp_bad++;
		return;
	}
	size_t ulen = nb_get16(p + 4);
	if (ulen < NB_UDP_HLEN || ulen > len) {
		s->stats.udp_bad++;
		return;
	}
	if (nb_get16(p + 6) != 0) {
		uint32_t sum = nb_ip_pseudo_sum(ip->src, ip->dst, NB_IPPROTO_UDP,
						(uint16_t)ulen);
		if (nb_csum_fold(nb_csum_add(sum, p, ulen)) != 0) {
			s->stats.udp_bad++;
			return;
		}
	}
	struct nb_udp_sock *sk = find_port(s, nb_get16(p + 2));
	if (!sk) {
		s->stats.udp_no_port++;
		nb_icmp_send_unreach(s, ip, ICMP_PORT_UNREACH, p, ulen);
		return;
	}
	struct nb_udp_meta m = {
		.src_ip = ip->src,
		.dst_ip = ip->dst,
		.src_port = nb_get16(p),
		.dst_port = sk->port,
		.link_broadcast = ip->link_broadcast,
	};
	s->stats.udp_rx++;
	sk->rx(sk->ctx, sk, &m, p + NB_UDP_HLEN, ulen - NB_UDP_HLEN);
}

void nb_udp_unreachable(struct nb_stack *s, uint16_t port)
{
	struct nb_udp_sock *sk = find_port(s, port);
	if (sk)
		sk->unreachables++;
}
