/*
 * The range set: which parts of a stream beyond the in-order point are
 * already held, as at most a few disjoint [start, end) ranges in a
 * caller-owned array.  TCP's out-of-order scoreboard and SACK blocks and
 * the PXE API's download ring both need exactly this bookkeeping, so it
 * lives here once; the scans are over a handful of slots, so no ordering
 * is kept and every operation is a linear pass.
 */
#include "netboot/err.h"
#include "netboot/rangeset.h"

static bool held(const struct nb_range *r)
{
	return r->start != r->end;
}

/* Overlapping or touching ranges merge into one. */
static bool touches(const struct nb_range *r, uint64_t start, uint64_t end)
{
	return held(r) && r->start <= end && start <= r->end;
}

void nb_rangeset_init(struct nb_rangeset *s, struct nb_range *slots,
		      uint8_t cap)
{
	s->slot = slots;
	s->cap = slots ? cap : 0;
	s->used = 0;
	s->recent = 0;
	for (unsigned i = 0; i < s->cap; i++)
		slots[i].start = slots[i].end = 0;
}

bool nb_rangeset_can_add(const struct nb_rangeset *s, uint64_t start,
			 uint64_t end)
{
	if (s->used < s->cap)
		return true;
	for (unsigned i = 0; i < s->cap; i++)
		if (touches(&s->slot[i], start, end))
			return true;
	return false;
}

int nb_rangeset_add(struct nb_rangeset *s, uint64_t start, uint64_t end)
{
	unsigned i, free_slot = s->cap;

	if (start >= end)
		return 0;
	for (i = 0; i < s->cap; i++) {
		struct nb_range *r = &s->slot[i];
		if (touches(r, start, end)) {
			if (r->start < start)
				start = r->start;
			if (r->end > end)
				end = r->end;
			r->start = r->end = 0;
			s->used--;
		}
		if (!held(r) && free_slot == s->cap)
			free_slot = i;
	}
	if (free_slot == s->cap)
		return -NB_ENOBUFS;
	s->slot[free_slot].start = start;
	s->slot[free_slot].end = end;
	s->recent = (uint8_t)free_slot;
	s->used++;
	return 0;
}

/*
 * Ranges never touch each other, so at most one holds @from and none holds
 * the end of that one: a single pass finds the gap.
 */
uint64_t nb_rangeset_first_gap(const struct nb_rangeset *s, uint64_t from)
{
	for (unsigned i = 0; i < s->cap; i++) {
		const struct nb_range *r = &s->slot[i];
		if (r->start <= from && r->end > from)
			from = r->end;
	}
	return from;
}

bool nb_rangeset_contains(const struct nb_rangeset *s, uint64_t start,
			  uint64_t end)
{
	return start < end && nb_rangeset_first_gap(s, start) >= end;
}

bool nb_rangeset_absorb(struct nb_rangeset *s, uint64_t *point)
{
	uint64_t was = *point;

	if (!s->used)
		return false;
	*point = nb_rangeset_first_gap(s, was);
	for (unsigned i = 0; i < s->cap; i++) {
		struct nb_range *r = &s->slot[i];
		if (held(r) && r->start <= *point) {
			r->start = r->end = 0;
			s->used--;
		}
	}
	return *point != was;
}
