/**
 * @file rangeset.h
 * @brief A fixed-capacity set of disjoint [start, end) 64-bit ranges over
 *        a caller-owned array.
 *
 * Used for stream data that arrived ahead of an in-order point: TCP's
 * out-of-order scoreboard (and its SACK blocks), and any ring a consumer
 * fills out of order.  It holds no data, only the ranges, so a window of
 * megabytes costs 16 bytes per hole.  Ranges that overlap or touch are
 * merged on insertion, so the set never holds two ranges that touch.
 */
#ifndef NETBOOT_RANGESET_H
#define NETBOOT_RANGESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** One range [start, end); start == end marks a free slot. */
struct nb_range {
	uint64_t start; /**< First offset. */
	uint64_t end;   /**< One past the last offset. */
};

/**
 * The set.  A zero-initialised set is valid and empty with no room (every
 * query answers "no"); nb_rangeset_init() gives it its slots.  The fields
 * may be read (to walk the ranges), never written.
 */
struct nb_rangeset {
	struct nb_range *slot; /**< Caller's array; unused slots are empty. */
	uint8_t cap;           /**< Slots in @ref slot. */
	uint8_t used;          /**< Slots holding a range. */
	uint8_t recent;        /**< Slot written by the last nb_rangeset_add(). */
};

/**
 * Give a set its slots and empty it.
 * @param s      The set.
 * @param slots  At least @p cap ranges, owned by the caller, outliving @p s.
 * @param cap    Slot count (at most 255).
 */
void nb_rangeset_init(struct nb_rangeset *s, struct nb_range *slots,
		      uint8_t cap);
/**
 * Whether nb_rangeset_add() of [start, end) would record it: a slot is
 * free or the range merges with one held.
 * @param s      The set.
 * @param start  First offset.
 * @param end    One past the last offset.
 * @return true when it fits.
 */
bool nb_rangeset_can_add(const struct nb_rangeset *s, uint64_t start,
			 uint64_t end);
/**
 * Record [start, end), merging it with every range it overlaps or touches.
 * @param s      The set.
 * @param start  First offset.
 * @param end    One past the last offset; an empty range is ignored.
 * @return 0, or -NB_ENOBUFS when no slot was free (nothing recorded; the
 *         ranges it touched are then gone too, so check
 *         nb_rangeset_can_add() first when that matters).
 */
int nb_rangeset_add(struct nb_rangeset *s, uint64_t start, uint64_t end);
/**
 * Whether one held range covers all of [start, end).
 * @param s      The set.
 * @param start  First offset.
 * @param end    One past the last offset.
 * @return true when covered; false for an empty range.
 */
bool nb_rangeset_contains(const struct nb_rangeset *s, uint64_t start,
			  uint64_t end);
/**
 * The first offset at or after @p from that no range covers.
 * @param s     The set.
 * @param from  Where to start (typically the in-order point).
 * @return @p from, or the end of the run of ranges that covers it.
 */
uint64_t nb_rangeset_first_gap(const struct nb_rangeset *s, uint64_t from);
/**
 * The in-order point moved to @p *point: drop every range starting at or
 * before it, and move @p *point past the ones it reached.
 * @param s      The set.
 * @param point  In-order point, updated.
 * @return true when @p *point moved over held data.
 */
bool nb_rangeset_absorb(struct nb_rangeset *s, uint64_t *point);

#endif
