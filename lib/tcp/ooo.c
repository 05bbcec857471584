/*
 * The out-of-order scoreboard: ranges of stream offsets beyond the
 * in-order point that the consumer already holds.  It holds no data, only
 * NB_TCP_SACK_SLOTS [start, end) pairs, so a window of many megabytes
 * costs 16 bytes per hole, not a reassembly buffer.
 */
#include "tcp/tcp_int.h"

static bool used(const struct nb_tcp_range *r)
{
	return r->start != r->end;
}

/* Overlapping or touching ranges merge into one. */
static bool touches(const struct nb_tcp_range *r, uint64_t start, uint64_t end)
{
	return used(r) && r->start <= end && start <= r->end;
}

/* The common case, in-order bulk data, must not pay for a scan. */
bool nb_tcp_ooo_any(const struct nb_tcp_conn *c)
{
	return c->ooo_used != 0;
}

/* Whether [start, end) could be recorded: it merges or a slot is free. */
bool nb_tcp_ooo_can_hold(const struct nb_tcp_conn *c, uint64_t start,
			 uint64_t end)
{
	if (c->ooo_used < NB_TCP_SACK_SLOTS)
		return true;
	for (unsigned i = 0; i < NB_TCP_SACK_SLOTS; i++)
		if (touches(&c->ooo[i], start, end))
			return true;
	return false;
}

/* Whether one range already holds all of [start, end). */
bool nb_tcp_ooo_covered(const struct nb_tcp_conn *c, uint64_t start,
			uint64_t end)
{
	if (!c->ooo_used)
		return false;
	for (unsigned i = 0; i < NB_TCP_SACK_SLOTS; i++) {
		const struct nb_tcp_range *r = &c->ooo[i];
		if (used(r) && r->start <= start && end <= r->end)
			return true;
	}
	return false;
}

/*
 * Record [start, end), absorbing every range it touches, so ranges never
 * overlap.  Callers check nb_tcp_ooo_can_hold() first; if no slot is free
 * here anyway the range is simply not recorded (the sender resends it).
 */
void nb_tcp_ooo_insert(struct nb_tcp_conn *c, uint64_t start, uint64_t end)
{
	unsigned i, slot = NB_TCP_SACK_SLOTS;

	if (start >= end)
		return;
	for (i = 0; i < NB_TCP_SACK_SLOTS; i++) {
		struct nb_tcp_range *r = &c->ooo[i];
		if (touches(r, start, end)) {
			if (r->start < start)
				start = r->start;
			if (r->end > end)
				end = r->end;
			r->start = r->end = 0;
			c->ooo_used--;
		}
		if (!used(r) && slot == NB_TCP_SACK_SLOTS)
			slot = i;
	}
	if (slot == NB_TCP_SACK_SLOTS)
		return;
	c->ooo[slot].start = start;
	c->ooo[slot].end = end;
	c->ooo_recent = (uint8_t)slot;
	c->ooo_used++;
}

/*
 * The in-order point moved: swallow every range it reached.  Ranges never
 * overlap, but one range's end can reach the next one's start only
 * through the in-order point, hence the repeat (at most one pass per
 * slot).
 * @return true when the in-order point jumped over held data.
 */
bool nb_tcp_ooo_advance(struct nb_tcp_conn *c)
{
	bool jumped = false, again = true;
	unsigned pass;

	for (pass = 0; again && c->ooo_used && pass <= NB_TCP_SACK_SLOTS; pass++) {
		again = false;
		for (unsigned i = 0; i < NB_TCP_SACK_SLOTS; i++) {
			struct nb_tcp_range *r = &c->ooo[i];
			if (!used(r) || r->start > c->rcv_off)
				continue;
			if (r->end > c->rcv_off) {
				c->rcv_off = r->end;
				jumped = true;
				again = true;
			}
			r->start = r->end = 0;
			c->ooo_used--;
		}
	}
	return jumped;
}
