/*
 * IPv4 fragment reassembly into fixed slots.  Boot servers rarely
 * fragment, but a TFTP blksize above the MTU or a DNS answer can, and
 * fragments are a favourite of hostile peers, hence the strict overlap
 * policy below.
 */
#include "core/mem.h"
#include "ip/ip_int.h"

/*
 * Fragment reassembly in fixed slots.  Each slot tracks which 8-byte
 * units have arrived in a bitmap.  Policy on overlaps: an exact repeat of
 * data we hold (a duplicated frame) is ignored; any other overlap drops
 * the whole datagram, because overlapping fragments with different data
 * are how filters get bypassed and nothing legitimate sends them.
 */

#define UNIT 8

static bool unit_set(const uint8_t *map, size_t u)
{
	return map[u / 8] & (1u << (u % 8));
}

static void set_units(uint8_t *map, size_t first, size_t n)
{
	for (size_t u = first; u < first + n; u++)
		map[u / 8] |= (uint8_t)(1u << (u % 8));
}

/* 0 = none of the range held, 1 = all of it, -1 = partly. */
static int held(const uint8_t *map, size_t first, size_t n)
{
	size_t count = 0;
	for (size_t u = first; u < first + n; u++)
		count += unit_set(map, u);
	return count == 0 ? 0 : count == n ? 1 : -1;
}

static bool any_from(const uint8_t *map, size_t first, size_t end)
{
	for (size_t u = first; u < end; u++)
		if (unit_set(map, u))
			return true;
	return false;
}

static void release(struct nb_ip_reasm *r)
{
	r->used = false;
}

static void fail(struct nb_stack *s, struct nb_ip_reasm *r)
{
	s->stats.frag_bad++;
	if (r)
		release(r);
}

static struct nb_ip_reasm *find_slot(struct nb_stack *s, uint32_t src,
				     uint32_t dst, uint16_t id, uint8_t proto)
{
	for (size_t i = 0; i < NB_IP_REASM_SLOTS; i++) {
		struct nb_ip_reasm *r = &s->reasm[i];
		if (r->used && r->src == src && r->dst == dst && r->id == id &&
		    r->proto == proto)
			return r;
	}
	return NULL;
}

static struct nb_ip_reasm *slot_for(struct nb_stack *s, uint32_t src,
				    uint32_t dst, uint16_t id, uint8_t proto)
{
	struct nb_ip_reasm *r = find_slot(s, src, dst, id, proto);
	if (r)
		return r;
	struct nb_ip_reasm *free_slot = NULL;
	for (size_t i = 0; i < NB_IP_REASM_SLOTS && !free_slot; i++)
		if (!s->reasm[i].used)
			free_slot = &s->reasm[i];
	/* No eviction: a flood of new IDs must not push out a datagram that
	 * is about to complete; stale slots time out instead. */
	if (!free_slot)
		return NULL;
	r = free_slot;
	r->used = true;
	r->src = src;
	r->dst = dst;
	r->id = id;
	r->proto = proto;
	r->total = 0;
	r->have = 0;
	r->hlen = 0;
	r->bcast = false;
	r->expires = s->now + NB_IP_REASM_TIMEOUT_MS;
	memset(r->map, 0, (NB_IP_REASM_MAX + UNIT - 1) / UNIT / 8 + 1);
	return r;
}

void nb_ip_frag_input(struct nb_stack *s, const uint8_t *hdr, size_t hlen,
		      const uint8_t *data, size_t len, bool link_broadcast)
{
	s->stats.frag_rx++;
	uint16_t f = nb_get16(hdr + 6);
	bool more = f & 0x2000;
	size_t off = (size_t)(f & 0x1fff) * UNIT;
	uint32_t src = nb_get32(hdr + 12), dst = nb_get32(hdr + 16);
	uint16_t id = nb_get16(hdr + 4);
	if (len == 0 || (more && len % UNIT) || off + len > NB_IP_REASM_MAX) {
		/* The datagram can never complete: free its slot now rather
		 * than let it sit until the timeout. */
		fail(s, find_slot(s, src, dst, id, hdr[9]));
		return;
	}
	struct nb_ip_reasm *r = slot_for(s, src, dst, id, hdr[9]);
	if (!r) {
		s->stats.frag_no_slot++;
		return;
	}
	size_t end = off + len;
	size_t first = off / UNIT, n = (len + UNIT - 1) / UNIT;
	if (!more) {
		if ((r->total && r->total != end) ||
		    any_from(r->map, first + n, (NB_IP_REASM_MAX + UNIT - 1) / UNIT)) {
			fail(s, r);
			return;
		}
		r->total = (uint32_t)end;
	} else if (r->total && end > r->total) {
		fail(s, r);
		return;
	}
	int h = held(r->map, first, n);
	if (h == 1 && memcmp(r->buf + off, data, len) == 0)
		return; /* duplicate */
	if (h != 0) {
		fail(s, r);
		return;
	}
	memcpy(r->buf + off, data, len);
	set_units(r->map, first, n);
	r->have += (uint32_t)len;
	if (off == 0) {
		memcpy(r->hdr, hdr, hlen);
		r->hlen = (uint8_t)hlen;
		r->bcast = link_broadcast;
	}
	if (!r->total || r->have != r->total)
		return;
	s->stats.frag_done++;
	struct nb_ip_info ip = {
		.src = r->src,
		.dst = r->dst,
		.proto = r->proto,
		.ttl = r->hdr[8],
		.link_broadcast = r->bcast,
		.hdr = r->hdr,
		.hlen = r->hlen,
	};
	nb_ip_deliver(s, &ip, r->buf, r->total);
	release(r);
}

void nb_ip_timers(struct nb_stack *s)
{
	for (size_t i = 0; i < NB_IP_REASM_SLOTS; i++) {
		struct nb_ip_reasm *r = &s->reasm[i];
		if (r->used && s->now >= r->expires) {
			s->stats.frag_timeout++;
			release(r);
		}
	}
}
