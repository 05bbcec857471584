/*
 * ICMP: echo replies (so a booting machine answers ping), our own echo
 * requests (nb_ping), and port-unreachable reports counted against the
 * UDP socket they concern (a TFTP or DNS server that is not there).
 */
#include "core/mem.h"
#include "ip/ip_int.h"

#define ICMP_ECHO_REPLY 0
#define ICMP_UNREACH 3
#define ICMP_ECHO 8
#define ICMP_HLEN 8
#define UNREACH_PORT 3

static void echo_reply(struct nb_stack *s, const struct nb_ip_info *ip,
		       const uint8_t *p, size_t len)
{
	size_t cap;
	uint8_t *out = nb_ip_payload_buf(s, &cap);
	/* No smurf amplification, no reply we would have to fragment, and
	 * none from 0.0.0.0 while unconfigured (RFC 1122 3.2.1.3). */
	if (ip->link_broadcast || nb_ip_is_broadcast(s, ip->dst) || len > cap ||
	    !s->ip) {
		s->stats.icmp_other++;
		return;
	}
	memcpy(out, p, len);
	out[0] = ICMP_ECHO_REPLY;
	nb_put16(out + 2, 0);
	nb_put16(out + 2, nb_csum(out, len));
	s->stats.icmp_echo_replied++;
	(void)nb_ip_send(s, ip->src, NB_IPPROTO_ICMP, len);
}

static void echo_answer(struct nb_stack *s, const struct nb_ip_info *ip,
			const uint8_t *p)
{
	uint16_t id = nb_get16(p + 4), seq = nb_get16(p + 6);
	for (struct nb_ping *q = s->pings; q; q = q->next) {
		if (q->status == -NB_EAGAIN && q->id == id && q->seq == seq &&
		    q->dst == ip->src) {
			q->status = 0;
			q->rtt_ms = (uint32_t)(s->now - q->sent_ms);
			return;
		}
	}
	s->stats.icmp_other++;
}

static void unreachable(struct nb_stack *s, const uint8_t *p, size_t len)
{
	s->stats.icmp_unreach_rx++;
	/* The quoted datagram: its header and at least 8 bytes of payload. */
	const uint8_t *q = p + ICMP_HLEN;
	size_t qlen = len - ICMP_HLEN;
	if (p[1] != UNREACH_PORT || qlen < NB_IP_HLEN)
		return;
	size_t qh = (size_t)(q[0] & 0x0f) * 4;
	if ((q[0] >> 4) != 4 || qh < NB_IP_HLEN || qlen < qh + 4 ||
	    q[9] != NB_IPPROTO_UDP || nb_get32(q + 12) != s->ip)
		return;
	nb_udp_unreachable(s, nb_get16(q + qh));
}

void nb_icmp_input(struct nb_stack *s, const struct nb_ip_info *ip,
		   const uint8_t *p, size_t len)
{
	if (len < ICMP_HLEN || nb_csum(p, len) != 0) {
		s->stats.icmp_bad++;
		return;
	}
	switch (p[0]) {
	case ICMP_ECHO:
		echo_reply(s, ip, p, len);
		break;
	case ICMP_ECHO_REPLY:
		echo_answer(s, ip, p);
		break;
	case ICMP_UNREACH:
		unreachable(s, p, len);
		break;
	default:
		s->stats.icmp_other++;
		break;
	}
}

void nb_icmp_send_unreach(struct nb_stack *s, const struct nb_ip_info *ip,
			  uint8_t code, const uint8_t *payload, size_t len)
{
	/* RFC 1122 3.2.2: never about broadcasts, never about ICMP errors. */
	if (ip->link_broadcast || nb_ip_is_broadcast(s, ip->dst) || !s->ip)
		return;
	size_t quote = len < 8 ? len : 8;
	uint8_t *out = nb_ip_payload_buf(s, NULL);
	memset(out, 0, ICMP_HLEN);
	out[0] = ICMP_UNREACH;
	out[1] = code;
	memcpy(out + ICMP_HLEN, ip->hdr, ip->hlen);
	memcpy(out + ICMP_HLEN + ip->hlen, payload, quote);
	size_t n = ICMP_HLEN + ip->hlen + quote;
	nb_put16(out + 2, nb_csum(out, n));
	(void)nb_ip_send(s, ip->src, NB_IPPROTO_ICMP, n);
}

static void unlink_from(struct nb_stack *s, struct nb_ping *p)
{
	for (struct nb_ping **pp = &s->pings; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	p->next = NULL;
}

static void unlink_ping(struct nb_ping *p)
{
	if (p->s)
		unlink_from(p->s, p);
}

/* ARP for the ping's next hop gave up: no point waiting for the timeout. */
static bool hop_failed(const struct nb_ping *p)
{
	uint32_t hop;
	return nb_ip_route(p->s, p->dst, &hop) == 0 &&
	       nb_arp_state_of(p->s, hop) == NB_ARP_FAILED;
}

int nb_ping_start(struct nb_ping *p, struct nb_stack *s, uint32_t dst,
		  uint16_t seq, size_t payload_len, uint32_t timeout_ms,
		  uint64_t now_ms)
{
	size_t cap;
	uint8_t *out = nb_ip_payload_buf(s, &cap);
	if (payload_len > cap - ICMP_HLEN)
		return -NB_EMSGSIZE;
	uint32_t r;
	int rc = nb_rng_u32(&s->rng, &r);
	if (rc < 0)
		return rc;
	/* Restarting a ping still linked into @s must not link it twice.
	 * Walking the stack's list instead of reading p->s keeps an
	 * uninitialised struct safe. */
	unlink_from(s, p);
	p->s = s;
	p->dst = dst;
	p->id = (uint16_t)r;
	p->seq = seq;
	p->sent_ms = now_ms;
	p->rtt_ms = 0;
	p->status = -NB_EAGAIN;
	nb_deadline_set(&p->timeout, now_ms, timeout_ms);

	out[0] = ICMP_ECHO;
	out[1] = 0;
	nb_put16(out + 2, 0);
	nb_put16(out + 4, p->id);
	nb_put16(out + 6, seq);
	for (size_t i = 0; i < payload_len; i++)
		out[ICMP_HLEN + i] = (uint8_t)i;
	nb_put16(out + 2, nb_csum(out, ICMP_HLEN + payload_len));
	p->next = s->pings;
	s->pings = p;
	rc = nb_ip_send(s, dst, NB_IPPROTO_ICMP, ICMP_HLEN + payload_len);
	if (rc < 0) {
		unlink_ping(p);
		p->status = rc;
	}
	return rc;
}

int nb_ping_poll(struct nb_ping *p, uint64_t now_ms)
{
	if (p->status == -NB_EAGAIN && hop_failed(p))
		p->status = -NB_EUNREACH;
	else if (p->status == -NB_EAGAIN &&
		 nb_deadline_expired(&p->timeout, now_ms))
		p->status = -NB_ETIMEDOUT;
	if (p->status != -NB_EAGAIN)
		unlink_ping(p);
	return p->status;
}

void nb_ping_cancel(struct nb_ping *p)
{
	if (!p)
		return;
	unlink_ping(p);
	if (p->status == -NB_EAGAIN)
		p->status = -NB_ECANCELED;
}

const char *nb_ping_why(const struct nb_ping *p)
{
	if (!p || p->status == 0 || p->status == -NB_EAGAIN)
		return "";
	/* Timeout and unreachable read right in nb_strerror's words. */
	return nb_strerror(p->status);
}
