/**
 * @file core.h
 * @brief Internet checksum, arena, deadlines, retransmission timing and the
 *        entropy hook (byte order lives in bytes.h, included here).
 *
 * Everything here is freestanding: only `<stdint.h>`, `<stddef.h>` and
 * `<stdbool.h>` are used, and no function keeps state outside the objects
 * the caller passes in.
 */
#ifndef NETBOOT_CORE_H
#define NETBOOT_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netboot/bytes.h"
#include "netboot/config.h"
#include "netboot/err.h"

/**
 * Make an IPv4 address (host order, as the whole library keeps them)
 * from its four dotted-quad parts.
 */
#define NB_IPV4(a, b, c, d)                                                    \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | \
	 (uint32_t)(d))

/** @name Internet checksum (RFC 1071)
 * @{ */
/**
 * Add @p len bytes at @p data to a running one's-complement sum.
 * @param sum   Previous partial sum (0 to start).
 * @param data  Bytes to add; any alignment.  Not retained.
 * @param len   Byte count; an odd count is padded with a zero byte, so only
 *              the last piece of a multi-part sum may have an odd length.
 * @return The new partial sum (not yet folded or inverted).
 */
uint32_t nb_csum_add(uint32_t sum, const void *data, size_t len);
/**
 * Finish a checksum.
 * @param sum  Partial sum from nb_csum_add() or nb_ip_pseudo_sum().
 * @return The folded one's complement, ready to store big-endian (0 when
 *         verifying a buffer that includes a correct checksum).
 */
uint16_t nb_csum_fold(uint32_t sum);
/**
 * Checksum of one buffer: `nb_csum_fold(nb_csum_add(0, data, len))`.
 * @param data  Bytes (any alignment), not retained.
 * @param len   Byte count.
 * @return The checksum.
 */
uint16_t nb_csum(const void *data, size_t len);
/** @} */

/** @name Arena
 * A bump allocator over memory the caller hands in once.  Objects take
 * their big buffers from it at init time; nothing is ever freed one by one.
 * Tests use nb_arena_mark()/nb_arena_reset() to prove a module took only
 * what it documents.
 * @{ */
/** Caller-owned arena.  Fields are private. */
struct nb_arena {
	uint8_t *base; /**< Start of the caller's memory. */
	size_t len;    /**< Its size in bytes. */
	size_t used;   /**< Bytes handed out so far. */
};
/**
 * Initialise an arena over @p mem.
 * @param a    The arena (caller-owned).
 * @param mem  Memory that must outlive every object allocated from it.
 * @param len  Its size in bytes.
 */
void nb_arena_init(struct nb_arena *a, void *mem, size_t len);
/**
 * Take memory from the arena.
 * @param a      The arena.
 * @param size   Bytes wanted.
 * @param align  Alignment, a power of two of at most 64.
 * @return Zero-filled memory, or NULL when the arena is exhausted (the
 *         arena is then unchanged).
 */
void *nb_arena_alloc(struct nb_arena *a, size_t size, size_t align);
/**
 * Current fill level, for nb_arena_reset().
 * @param a  The arena.
 * @return Bytes handed out so far.
 */
size_t nb_arena_mark(const struct nb_arena *a);
/**
 * Return to an earlier fill level, freeing everything taken since.
 * @param a     The arena.
 * @param mark  A value nb_arena_mark() returned; larger values are ignored.
 */
void nb_arena_reset(struct nb_arena *a, size_t mark);
/** @} */

/** @name Time
 * Time is a caller-supplied monotonic millisecond count (`now_ms`) passed
 * into every poll; the library never reads a clock.
 * @{ */
/**
 * A one-shot deadline: the absolute time (ms) something is due, 0 for
 * "none".  Zero-initialised means not armed, and an armed deadline is
 * never 0 (nb_deadline_set() makes it at least 1), so one word says both.
 */
struct nb_deadline {
	uint64_t at_ms; /**< Absolute expiry in ms; 0: not armed. */
};
/**
 * Arm a deadline.
 * @param d         The deadline.
 * @param now_ms    Current time.
 * @param after_ms  Delay until expiry (up to 49 days; saturates instead
 *                  of wrapping, and a deadline that would land on 0 lands
 *                  on 1).
 */
void nb_deadline_set(struct nb_deadline *d, uint64_t now_ms, uint32_t after_ms);
/** Disarm a deadline.
 * @param d  The deadline. */
static inline void nb_deadline_clear(struct nb_deadline *d)
{
	d->at_ms = 0;
}
/** Whether a deadline is armed.
 * @param d  The deadline.  @return true when armed. */
static inline bool nb_deadline_armed(const struct nb_deadline *d)
{
	return d->at_ms != 0;
}
/**
 * Whether a deadline has passed.
 * @param d       The deadline.
 * @param now_ms  Current time.
 * @return true when @p d is armed and @p now_ms reached it.
 */
static inline bool nb_deadline_expired(const struct nb_deadline *d,
				       uint64_t now_ms)
{
	return d->at_ms && now_ms >= d->at_ms;
}
/**
 * Time left until a deadline.
 * @param d       The deadline.
 * @param now_ms  Current time.
 * @return Milliseconds until expiry, 0 if expired, UINT64_MAX if unarmed.
 */
static inline uint64_t nb_deadline_remaining(const struct nb_deadline *d,
					    uint64_t now_ms)
{
	if (!d->at_ms)
		return UINT64_MAX;
	return now_ms >= d->at_ms ? 0 : d->at_ms - now_ms;
}
/**
 * The earlier of two deadlines, for "when must I be polled next".
 * @param a  One deadline.
 * @param b  The other.
 * @return The earlier armed one; unarmed when neither is armed.
 */
static inline struct nb_deadline nb_deadline_earliest(struct nb_deadline a,
						      struct nb_deadline b)
{
	return !b.at_ms || (a.at_ms && a.at_ms <= b.at_ms) ? a : b;
}

struct nb_rng;

/**
 * Exponential backoff for request/response retries: nb_backoff::rto doubles at
 * every nb_backoff_next() up to nb_backoff::max_ms, and the attempt count
 * is bounded by nb_backoff::max_tries.  ARP, DHCP, DNS and TFTP use it;
 * TCP doubles its RTO through nb_rtt_backoff() instead, because its base
 * is the RTT estimate, not a fixed first timeout.
 */
struct nb_backoff {
	uint32_t rto;       /**< Next timeout in ms, before jitter. */
	uint32_t max_ms;    /**< Ceiling for @ref rto. */
	uint16_t tries;     /**< Attempts made so far (read freely). */
	uint16_t max_tries; /**< Attempts allowed. */
	/** Jitter bound: each timeout moves by up to +-min(rto/4, jitter_ms)
	 * when nb_backoff_next() gets an entropy source.  0 (what
	 * nb_backoff_init() sets) means none; NB_BACKOFF_FULL_JITTER means
	 * uniform over 0..rto ("full jitter"); set it after init. */
	uint16_t jitter_ms;
};
/** nb_backoff::jitter_ms asking for full jitter: each timeout uniform in
 *  0..rto (at least 1; none below 4 ms), so a crowd's retries spread
 *  evenly. */
#define NB_BACKOFF_FULL_JITTER 0xffffu
/**
 * Start a backoff (without jitter).
 * @param b          The backoff.
 * @param first_ms   First timeout (0 is taken as 1).
 * @param max_ms     Ceiling the timeout doubles up to.
 * @param max_tries  Attempts allowed.
 */
void nb_backoff_init(struct nb_backoff *b, uint32_t first_ms, uint32_t max_ms,
		     uint16_t max_tries);
/**
 * Count one attempt and return the timeout to wait for it.
 * @param b    The backoff.
 * @param rng  Entropy for nb_backoff::jitter_ms, or NULL for none (a
 *             failing source also means none).
 * @return The timeout in ms (at least 1), or 0 when nb_backoff::max_tries
 *         attempts were made already (the caller then fails with
 *         NB_ETIMEDOUT).
 */
uint32_t nb_backoff_next(struct nb_backoff *b, const struct nb_rng *rng);
/** @} */

/** @name Round-trip time estimation
 * RFC 6298's smoothed RTT and variance in fixed point (srtt x 8,
 * rttvar x 4, so the 1/8 and 1/4 gains are shifts and millisecond RTTs
 * keep their precision), giving a retransmission timeout clamped to the
 * caller's floor and ceiling.  TCP and TFTP each keep one.
 * @{ */
/** Estimator state.  Read @ref rto freely; the rest is private. */
struct nb_rtt {
	uint32_t rto;          /**< Current timeout in ms (backoff included). */
	uint32_t srtt8;        /**< Smoothed RTT x 8; 0 before any sample. */
	uint32_t rttvar4;      /**< RTT variance x 4. */
	uint32_t min_ms;       /**< Floor of @ref rto. */
	uint32_t max_ms;       /**< Ceiling of @ref rto. */
	uint8_t margin_shift;  /**< Variance floor srtt >> n; 0: none. */
};
/**
 * Start an estimator.
 * @param r             The estimator.
 * @param initial_ms    Timeout before any sample (RFC 6298: 1 s); not
 *                      clamped, so a caller may start outside the range.
 * @param min_ms        Floor of the computed timeout.
 * @param max_ms        Ceiling of the computed and backed-off timeout.
 * @param margin_shift  0 for RFC 6298's max(G, 4 RTTVAR) with G = 1 ms;
 *                      n > 0 also keeps the variance term at least
 *                      SRTT >> n, so a steady path does not drive the
 *                      timeout onto the RTT itself.
 */
void nb_rtt_init(struct nb_rtt *r, uint32_t initial_ms, uint32_t min_ms,
		 uint32_t max_ms, uint8_t margin_shift);
/**
 * Feed one round-trip measurement (RFC 6298 2.2 and 2.3) and recompute
 * nb_rtt::rto.  Karn's rule is the caller's: never time a segment that
 * was sent more than once.
 * @param r   The estimator.
 * @param ms  Measured RTT; values above 2^24 ms are taken as 2^24.
 */
void nb_rtt_sample(struct nb_rtt *r, uint32_t ms);
/**
 * The timer fired: double nb_rtt::rto up to nb_rtt::max_ms (RFC 6298 5.5).
 * The next sample recomputes it from the estimate.
 * @param r  The estimator.
 * @return The new timeout.
 */
uint32_t nb_rtt_backoff(struct nb_rtt *r);
/** @} */

/** @name Entropy
 * Ports, DHCP XIDs, DNS IDs and TCP initial sequence numbers come from the
 * caller: firmware has RDRAND, a TSC or an EFI_RNG_PROTOCOL, a hosted
 * program has getrandom().  The library never falls back to a constant.
 * @{ */
/** Entropy source supplied by the caller. */
struct nb_rng {
	/**
	 * Fill @p buf with @p len unpredictable bytes.
	 * @return 0, or a negative NB_E* code (the caller's operation fails).
	 */
	int (*fill)(void *ctx, void *buf, size_t len);
	void *ctx; /**< Passed back to @ref fill. */
};
/**
 * A 32-bit random value from @p rng.
 * @param rng  Entropy source.
 * @param out  Receives the value.
 * @return 0, -NB_EINVAL if @p rng has no fill function, or its error.
 */
int nb_rng_u32(const struct nb_rng *rng, uint32_t *out);
/** @} */

#endif
