/*
 * IPv6 fragment reassembly in fixed slots (RFC 8200 4.5).  Overlaps drop
 * the datagram (RFC 5722): overlapping fragments with other data are how
 * filters are bypassed, and nothing legitimate sends them.  An exact
 * duplicate (a frame the network repeated) is ignored, as RFC 8200
 * allows.  Which bytes arrived is a range set (lib/core).
 */
#include "core/mem.h"
#include "netboot/err.h"
#include "netboot/ip6.h"

int nb_ip6_reasm_init(struct nb_ip6_reasm *r, uint8_t *mem, size_t len)
{
	size_t per = len / NB_IP6_REASM_SLOTS;

	if (!mem || per < 1280)
		return -NB_EINVAL;
	if (per > 65535)
		per = 65535;
	memset(r, 0, sizeof(*r));
	r->cap = (uint16_t)per;
	for (unsigned i = 0; i < NB_IP6_REASM_SLOTS; i++)
		r->slot[i].buf = mem + i * per;
	return 0;
}

unsigned nb_ip6_reasm_expire(struct nb_ip6_reasm *r, uint64_t now_ms)
{
	unsigned n = 0;
	for (unsigned i = 0; i < NB_IP6_REASM_SLOTS; i++) {
		struct nb_ip6_reasm_slot *s = &r->slot[i];
		if (s->used && now_ms - s->started_ms >= NB_IP6_REASM_TIMEOUT_MS) {
			s->used = false;
			n++;
		}
	}
	return n;
}

static struct nb_ip6_reasm_slot *slot_for(struct nb_ip6_reasm *r,
					  const uint8_t *pkt,
					  const struct nb_ip6_info *in,
					  uint64_t now_ms)
{
	struct nb_ip6_reasm_slot *s, *pick = NULL;

	for (unsigned i = 0; i < NB_IP6_REASM_SLOTS; i++) {
		s = &r->slot[i];
		if (s->used && s->id == in->frag_id &&
		    memcmp(s->src, pkt + 8, 16) == 0 &&
		    memcmp(s->dst, pkt + 24, 16) == 0)
			return s;
	}
	/* A free slot, else the oldest datagram gives way. */
	for (unsigned i = 0; i < NB_IP6_REASM_SLOTS; i++) {
		s = &r->slot[i];
		if (!s->used) {
			pick = s;
			break;
		}
		if (!pick || s->started_ms < pick->started_ms)
			pick = s;
	}
	pick->used = true;
	pick->have_first = false;
	pick->started_ms = now_ms;
	pick->id = in->frag_id;
	pick->total = 0;
	pick->unfrag = (uint16_t)in->frag_at;
	memcpy(pick->src, pkt + 8, 16);
	memcpy(pick->dst, pkt + 24, 16);
	nb_rangeset_init(&pick->set, pick->range, NB_IP6_REASM_HOLES);
	return pick;
}

static bool overlaps(const struct nb_rangeset *set, uint64_t start,
		     uint64_t end)
{
	for (unsigned i = 0; i < set->cap; i++) {
		const struct nb_range *g = &set->slot[i];
		if (g->start != g->end && g->start < end && start < g->end)
			return true;
	}
	return false;
}

static int drop(struct nb_ip6_reasm_slot *s, int err)
{
	s->used = false;
	return err;
}

int nb_ip6_reasm_add(struct nb_ip6_reasm *r, const uint8_t *pkt,
		     const struct nb_ip6_info *in, uint64_t now_ms,
		     const uint8_t **out, size_t *out_len)
{
	if (!in->frag || in->off > in->end || in->frag_at + 8 != in->off)
		return -NB_EINVAL;
	if (in->off > r->cap)
		return -NB_ETOOBIG; /* the unfragmentable part alone */
	nb_ip6_reasm_expire(r, now_ms);
	struct nb_ip6_reasm_slot *s = slot_for(r, pkt, in, now_ms);
	const uint8_t *data = pkt + in->off;
	uint32_t start = in->frag_off, dlen = (uint32_t)(in->end - in->off);
	uint32_t end = start + dlen;

	/* Every fragment carries the same unfragmentable part; one that
	 * does not is not from the same sender's datagram. */
	if (in->frag_at != s->unfrag)
		return drop(s, -NB_EPROTO);
	if ((uint32_t)s->unfrag + end > r->cap)
		return drop(s, -NB_ETOOBIG);
	if (!in->more) {
		if ((s->total && s->total != end) || overlaps(&s->set, end, 65536))
			return drop(s, -NB_EPROTO);
		s->total = (uint16_t)end;
	} else if (s->total && end > s->total) {
		return drop(s, -NB_EPROTO);
	}
	uint8_t *at = s->buf + s->unfrag + start;
	if (overlaps(&s->set, start, end)) {
		if (nb_rangeset_contains(&s->set, start, end) &&
		    memcmp(at, data, dlen) == 0)
			return 0;
		return drop(s, -NB_EPROTO);
	}
	if (!nb_rangeset_can_add(&s->set, start, end))
		return drop(s, -NB_ETOOBIG);
	memcpy(at, data, dlen);
	nb_rangeset_add(&s->set, start, end);
	if (start == 0) {
		memcpy(s->buf, pkt, s->unfrag);
		/* The fragment header goes: its predecessor names what
		 * followed it (in the first fragment, RFC 8200 4.5). */
		s->buf[in->nh_at] = pkt[in->frag_at];
		s->have_first = true;
	}
	if (!s->have_first || !s->total || !nb_rangeset_contains(&s->set, 0, s->total))
		return 0;

	size_t n = (size_t)s->unfrag + s->total;
	s->used = false;
	if (n - NB_IP6_HDR_LEN > 65535)
		return -NB_EPROTO;
	nb_put16(s->buf + 4, (uint16_t)(n - NB_IP6_HDR_LEN));
	/* A datagram whose reassembled chain holds another fragment header
	 * is a fragment of a fragment: nothing sends that but an attack. */
	struct nb_ip6_info again;
	if (nb_ip6_parse(s->buf, n, &again) == 0 && again.frag)
		return -NB_EPROTO;
	*out = s->buf;
	*out_len = n;
	return 1;
}
