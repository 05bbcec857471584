/*
 * ARP (RFC 826) with a fixed cache: resolution with bounded, backed-off
 * retries, replies to requests for our address, refreshing senders we
 * know, and a short negative cache so callers' own retries fail fast.
 */
#include "core/mem.h"
#include "eth/eth_int.h"

#define ARP_LEN 28
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2
/* After a resolution fails, refuse sends to that host for this long so a
 * caller's retries fail fast instead of each waiting out NB_ARP_TRIES. */
#define ARP_NEGATIVE_MS 3000

static struct nb_arp_entry *find(struct nb_stack *s, uint32_t ip)
{
	for (size_t i = 0; i < NB_ARP_CACHE_SIZE; i++)
		if (s->arp[i].state != NB_ARP_FREE && s->arp[i].ip == ip)
			return &s->arp[i];
	return NULL;
}

static bool has_waiting(const struct nb_stack *s, uint32_t ip)
{
	for (size_t i = 0; i < NB_ARP_QUEUE_LEN; i++)
		if (s->arp_wait[i].len && s->arp_wait[i].next_hop == ip)
			return true;
	return false;
}

/* Free slot first, then a failed one, then the least recently used
 * resolved one; a pending entry with frames waiting is never taken. */
static struct nb_arp_entry *victim(struct nb_stack *s)
{
	struct nb_arp_entry *best = NULL;
	int best_rank = 4;
	for (size_t i = 0; i < NB_ARP_CACHE_SIZE; i++) {
		struct nb_arp_entry *e = &s->arp[i];
		int rank;
		switch (e->state) {
		case NB_ARP_FREE: return e;
		case NB_ARP_FAILED: rank = 1; break;
		case NB_ARP_VALID: rank = 2; break;
		default: rank = has_waiting(s, e->ip) ? 4 : 3; break;
		}
		if (rank < best_rank ||
		    (rank == best_rank && best && e->last_used < best->last_used)) {
			best = e;
			best_rank = rank;
		}
	}
	return best_rank < 4 ? best : NULL;
}

static void drop_waiting(struct nb_stack *s, uint32_t ip)
{
	for (size_t i = 0; i < NB_ARP_QUEUE_LEN; i++)
		if (s->arp_wait[i].len && s->arp_wait[i].next_hop == ip)
			s->arp_wait[i].len = 0;
}

static void send_arp(struct nb_stack *s, uint16_t op, const uint8_t *dst_mac,
		     const uint8_t *tha, uint32_t tpa)
{
	uint8_t *a = s->tx_frame + NB_ETH_HLEN;
	nb_put16(a, 1);      /* Ethernet */
	nb_put16(a + 2, NB_ETHERTYPE_IPV4);
	a[4] = 6;
	a[5] = 4;
	nb_put16(a + 6, op);
	memcpy(a + 8, s->link->mac, 6);
	nb_put32(a + 14, s->ip);
	memcpy(a + 18, tha, 6);
	nb_put32(a + 24, tpa);
	(void)nb_eth_send(s, dst_mac, NB_ETHERTYPE_ARP, NB_ETH_HLEN + ARP_LEN);
}

static void send_request(struct nb_stack *s, struct nb_arp_entry *e,
			 uint32_t wait_ms)
{
	static const uint8_t zero[6];
	s->stats.arp_requests++;
	nb_deadline_set(&e->deadline, s->now, wait_ms);
	send_arp(s, ARP_OP_REQUEST, nb_eth_broadcast, zero, e->ip);
}

static void flush_waiting(struct nb_stack *s, const struct nb_arp_entry *e)
{
	for (size_t i = 0; i < NB_ARP_QUEUE_LEN; i++) {
		struct nb_arp_wait *w = &s->arp_wait[i];
		if (!w->len || w->next_hop != e->ip)
			continue;
		size_t len = w->len;
		w->len = 0;
		memcpy(w->frame, e->mac, 6);
		(void)nb_eth_transmit(s, w->frame, len);
	}
}

static void resolved(struct nb_stack *s, struct nb_arp_entry *e, uint32_t ip,
		     const uint8_t *mac)
{
	e->ip = ip;
	memcpy(e->mac, mac, 6);
	e->state = NB_ARP_VALID;
	nb_deadline_set(&e->deadline, s->now, NB_ARP_TTL_MS);
	e->last_used = s->now;
	flush_waiting(s, e);
}

static bool usable_ip(uint32_t ip)
{
	return ip != 0 && ip != NB_IP_BROADCAST && (ip >> 28) != 0xe;
}

int nb_arp_add(struct nb_stack *s, uint32_t ip, const uint8_t *mac)
{
	if (!usable_ip(ip) || (mac[0] & 1))
		return -NB_EINVAL;
	struct nb_arp_entry *e = find(s, ip);
	if (!e)
		e = victim(s);
	if (!e)
		return -NB_ENOMEM;
	resolved(s, e, ip, mac);
	return 0;
}

enum nb_arp_state nb_arp_state_of(const struct nb_stack *s, uint32_t ip)
{
	for (size_t i = 0; i < NB_ARP_CACHE_SIZE; i++)
		if (s->arp[i].state != NB_ARP_FREE && s->arp[i].ip == ip)
			return (enum nb_arp_state)s->arp[i].state;
	return NB_ARP_FREE;
}

void nb_arp_input(struct nb_stack *s, const uint8_t *p, size_t len)
{
	if (len < ARP_LEN || nb_get16(p) != 1 ||
	    nb_get16(p + 2) != NB_ETHERTYPE_IPV4 || p[4] != 6 || p[5] != 4) {
		s->stats.arp_bad++;
		return;
	}
	uint16_t op = nb_get16(p + 6);
	const uint8_t *sha = p + 8;
	uint32_t spa = nb_get32(p + 14);
	uint32_t tpa = nb_get32(p + 24);
	/* A group or all-zero sender address cannot be a station: learning it
	 * would send our unicast traffic to everyone or to nobody. */
	static const uint8_t zero[6];
	if ((op != ARP_OP_REQUEST && op != ARP_OP_REPLY) || (sha[0] & 1) ||
	    memcmp(sha, zero, 6) == 0) {
		s->stats.arp_bad++;
		return;
	}
	/* Our own packet echoed back by the link (some firmware loops
	 * broadcasts): answering it would make us talk to ourselves. */
	if (memcmp(sha, s->link->mac, 6) == 0) {
		s->stats.arp_other++;
		return;
	}
	/* RFC 826: refresh a sender we already know whoever the target is;
	 * learn a new one only when it talks to us. */
	struct nb_arp_entry *e = usable_ip(spa) ? find(s, spa) : NULL;
	bool for_us = s->ip && tpa == s->ip;
	if (e && spa != s->ip)
		resolved(s, e, spa, sha);
	if (!for_us) {
		if (!e)
			s->stats.arp_other++;
		return;
	}
	if (!e && usable_ip(spa) && spa != s->ip) {
		e = victim(s);
		if (e)
			resolved(s, e, spa, sha);
	}
	if (op == ARP_OP_REQUEST) {
		s->stats.arp_replied++;
		send_arp(s, ARP_OP_REPLY, sha, sha, spa);
	}
}

static void multicast_mac(uint32_t ip, uint8_t *mac)
{
	mac[0] = 0x01;
	mac[1] = 0x00;
	mac[2] = 0x5e;
	mac[3] = (uint8_t)((ip >> 16) & 0x7f);
	mac[4] = (uint8_t)(ip >> 8);
	mac[5] = (uint8_t)ip;
}

int nb_eth_send_ipv4(struct nb_stack *s, uint32_t next_hop, size_t len)
{
	if (nb_ip_is_broadcast(s, next_hop))
		return nb_eth_send(s, nb_eth_broadcast, NB_ETHERTYPE_IPV4, len);
	if ((next_hop >> 28) == 0xe) {
		uint8_t mac[6];
		multicast_mac(next_hop, mac);
		return nb_eth_send(s, mac, NB_ETHERTYPE_IPV4, len);
	}
	if (len < NB_ETH_HLEN || len > s->frame_max)
		return -NB_EMSGSIZE;
	/* 0.0.0.0 names no host: resolving it would only broadcast junk. */
	if (next_hop == 0)
		return -NB_EUNREACH;
	struct nb_arp_entry *e = find(s, next_hop);
	if (e && e->state == NB_ARP_VALID &&
	    !nb_deadline_expired(&e->deadline, s->now)) {
		e->last_used = s->now;
		return nb_eth_send(s, e->mac, NB_ETHERTYPE_IPV4, len);
	}
	if (e && e->state == NB_ARP_FAILED &&
	    !nb_deadline_expired(&e->deadline, s->now))
		return -NB_EUNREACH;

	struct nb_arp_wait *w = NULL;
	for (size_t i = 0; i < NB_ARP_QUEUE_LEN && !w; i++)
		if (!s->arp_wait[i].len)
			w = &s->arp_wait[i];
	if (!w) {
		s->stats.arp_queue_full++;
		return -NB_ENOBUFS;
	}
	bool start = !e || e->state != NB_ARP_PENDING;
	if (!e)
		e = victim(s);
	if (!e) {
		s->stats.arp_queue_full++;
		return -NB_ENOBUFS;
	}
	/* Park the frame before building the request: both use tx_frame. */
	memcpy(w->frame, s->tx_frame, len);
	memcpy(w->frame + 6, s->link->mac, 6);
	nb_put16(w->frame + 12, NB_ETHERTYPE_IPV4);
	w->len = (uint16_t)len;
	w->next_hop = next_hop;
	if (start) {
		e->ip = next_hop;
		e->state = NB_ARP_PENDING;
		nb_backoff_init(&e->backoff, NB_ARP_RETRY_MS, UINT32_MAX,
				NB_ARP_TRIES);
		e->last_used = s->now;
		send_request(s, e, nb_backoff_next(&e->backoff, NULL));
	}
	return 0;
}

void nb_arp_timers(struct nb_stack *s)
{
	for (size_t i = 0; i < NB_ARP_CACHE_SIZE; i++) {
		struct nb_arp_entry *e = &s->arp[i];
		if (e->state == NB_ARP_FREE ||
		    !nb_deadline_expired(&e->deadline, s->now))
			continue;
		if (e->state != NB_ARP_PENDING) {
			/* Expired entries are forgotten; the next send re-resolves. */
			e->state = NB_ARP_FREE;
			continue;
		}
		uint32_t wait = nb_backoff_next(&e->backoff, NULL);
		if (wait) {
			send_request(s, e, wait);
			continue;
		}
		s->stats.arp_failed++;
		drop_waiting(s, e->ip);
		e->state = NB_ARP_FAILED;
		nb_deadline_set(&e->deadline, s->now, ARP_NEGATIVE_MS);
	}
}
