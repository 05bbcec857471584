/*
 * The neighbor cache (RFC 4861 7.3): a fixed table, one waiting packet
 * per unresolved neighbor.  DELAY and PROBE are folded into STALE: a
 * boot client resolves a handful of neighbors and re-solicits a stale
 * one when it matters, so the extra unicast-probe states buy nothing.
 */
#include "core/mem.h"
#include "netboot/err.h"
#include "netboot/ip6.h"

int nb_nd_cache_init(struct nb_nd_cache *c, uint8_t *pending, uint16_t per)
{
	if (!pending || per == 0)
		return -NB_EINVAL;
	memset(c, 0, sizeof(*c));
	c->pending_cap = per;
	for (unsigned i = 0; i < NB_ND_CACHE_SIZE; i++)
		c->e[i].pending = pending + (size_t)i * per;
	return 0;
}

static struct nb_nd_entry *find(struct nb_nd_cache *c, const uint8_t ip[16])
{
	for (unsigned i = 0; i < NB_ND_CACHE_SIZE; i++)
		if (c->e[i].state != NB_ND_FREE && memcmp(c->e[i].ip, ip, 16) == 0)
			return &c->e[i];
	return NULL;
}

/* A free entry, else the one changed longest ago. */
static struct nb_nd_entry *claim(struct nb_nd_cache *c, const uint8_t ip[16],
				 uint8_t state, uint64_t now_ms)
{
	struct nb_nd_entry *e = &c->e[0];
	for (unsigned i = 0; i < NB_ND_CACHE_SIZE; i++) {
		if (c->e[i].state == NB_ND_FREE) {
			e = &c->e[i];
			break;
		}
		if (c->e[i].since_ms < e->since_ms)
			e = &c->e[i];
	}
	memcpy(e->ip, ip, 16);
	e->state = state;
	e->probes = 0;
	e->router = false;
	e->pending_len = 0;
	e->since_ms = now_ms;
	return e;
}

int nb_nd_resolve(struct nb_nd_cache *c, const uint8_t ip[16],
		  const uint8_t *pkt, size_t len, uint64_t now_ms,
		  uint8_t mac[6])
{
	struct nb_nd_entry *e = find(c, ip);

	if (e && e->state != NB_ND_INCOMPLETE) {
		memcpy(mac, e->mac, 6);
		return 0;
	}
	if (pkt && len > c->pending_cap)
		return -NB_EMSGSIZE;
	if (!e)
		e = claim(c, ip, NB_ND_INCOMPLETE, now_ms);
	/* The newest packet waits (RFC 4861 7.2.2 suggests replacing). */
	e->pending_len = pkt ? (uint16_t)len : 0;
	if (pkt)
		memcpy(e->pending, pkt, len);
	return -NB_EAGAIN;
}

/* The entry learned @p mac; hand out what waited for it. */
static int learned(struct nb_nd_entry *e, const uint8_t mac[6], uint8_t state,
		   uint64_t now_ms, const uint8_t **pkt, size_t *len,
		   uint8_t out_mac[6])
{
	bool was_incomplete = e->state == NB_ND_INCOMPLETE;
	memcpy(e->mac, mac, 6);
	e->state = state;
	e->since_ms = now_ms;
	if (!was_incomplete || e->pending_len == 0)
		return 0;
	*pkt = e->pending;
	*len = e->pending_len;
	memcpy(out_mac, mac, 6);
	e->pending_len = 0;
	return 1;
}

static int advert(struct nb_nd_cache *c, const struct nb_nd_msg *m,
		  uint64_t now_ms, const uint8_t **pkt, size_t *len,
		  uint8_t mac[6])
{
	struct nb_nd_entry *e = find(c, m->target);

	if (!e)
		return 0; /* unsolicited news of a stranger: no entry */
	if (e->state == NB_ND_INCOMPLETE) {
		if (!m->has_lladdr)
			return 0;
		e->router = m->router;
		return learned(e, m->lladdr, m->solicited ? NB_ND_REACHABLE : NB_ND_STALE,
			       now_ms, pkt, len, mac);
	}
	bool differs = m->has_lladdr && memcmp(e->mac, m->lladdr, 6) != 0;
	if (!m->override && differs) {
		/* 7.2.5: keep the address we know, but doubt it. */
		if (e->state == NB_ND_REACHABLE) {
			e->state = NB_ND_STALE;
			e->since_ms = now_ms;
		}
		return 0;
	}
	e->router = m->router;
	if (differs)
		memcpy(e->mac, m->lladdr, 6);
	if (m->solicited) {
		e->state = NB_ND_REACHABLE;
		e->since_ms = now_ms;
	} else if (differs) {
		e->state = NB_ND_STALE;
		e->since_ms = now_ms;
	}
	return 0;
}

int nb_nd_update(struct nb_nd_cache *c, const struct nb_nd_msg *m,
		 uint64_t now_ms, const uint8_t **pkt, size_t *len,
		 uint8_t mac[6])
{
	if (m->type == NB_ND_NA)
		return advert(c, m, now_ms, pkt, len, mac);
	if ((m->type != NB_ND_NS && m->type != NB_ND_RA) || !m->has_lladdr ||
	    nb_ip6_is_unspecified(m->src))
		return 0;
	/* 7.2.3, 6.3.4: the sender's link address, STALE until confirmed. */
	struct nb_nd_entry *e = find(c, m->src);
	if (!e)
		e = claim(c, m->src, NB_ND_STALE, now_ms);
	if (m->type == NB_ND_RA)
		e->router = true;
	if (e->state != NB_ND_INCOMPLETE && memcmp(e->mac, m->lladdr, 6) == 0)
		return 0;
	return learned(e, m->lladdr, NB_ND_STALE, now_ms, pkt, len, mac);
}

int nb_nd_tick(struct nb_nd_cache *c, uint64_t now_ms, uint8_t ip[16])
{
	for (unsigned i = 0; i < NB_ND_CACHE_SIZE; i++) {
		struct nb_nd_entry *e = &c->e[i];
		uint64_t age = now_ms - e->since_ms;
		if (e->state == NB_ND_REACHABLE && age >= NB_ND_REACHABLE_MS) {
			e->state = NB_ND_STALE;
			e->since_ms = now_ms;
		} else if (e->state == NB_ND_INCOMPLETE &&
			   (e->probes == 0 || age >= NB_ND_RETRANS_MS)) {
			if (e->probes >= NB_ND_MAX_PROBES) {
				e->state = NB_ND_FREE;
				e->pending_len = 0;
				continue;
			}
			e->probes++;
			e->since_ms = now_ms;
			memcpy(ip, e->ip, 16);
			return 1;
		}
	}
	return 0;
}
