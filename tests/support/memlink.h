/**
 * @file memlink.h
 * @brief Two link ends joined in memory, with seeded, deterministic
 *        impairment (test support, tests/support; not installed).
 *
 * A memlink is a virtual cable for tests and benchmarks: two stacks (or a
 * stack and a test) in one process, each given one end's struct nb_link.
 * Each direction has its own struct nb_impair: loss, duplication,
 * reordering and corruption as parts per million, a delay with jitter, a
 * rate limit in bytes per second, and a bounded queue.
 *
 * Everything is deterministic: the random decisions come from a small
 * PRNG per direction seeded by the caller, and time only advances through
 * nb_memlink_set_time().  The same seed, settings and sequence of calls
 * always give the same frames at the same times, so a failing test can be
 * replayed exactly.  Because each direction has its own PRNG, traffic in
 * one direction never changes the fate of frames in the other.
 *
 * Worst-case memory: sizeof(struct nb_memlink) (312 bytes on x86_64) plus
 * NB_MEMLINK_ARENA_BYTES() of arena for the two queues (1528 bytes per
 * queued frame; NB_MEMLINK_ARENA_DEFAULT is about 191 KiB).
 */
#ifndef NETBOOT_MEMLINK_H
#define NETBOOT_MEMLINK_H

#include "netboot/core.h"
#include "netboot/link.h"

/**
 * Queue length used when struct nb_impair::queue_len is 0.  64 frames is
 * about 97 KB in flight: enough for a TCP window of 64 KiB plus ACKs, and
 * the arena cost (2 x 64 x ~1.5 KiB) stays small.
 */
#ifndef NB_MEMLINK_QUEUE_DEFAULT
#define NB_MEMLINK_QUEUE_DEFAULT 64
#endif

/**
 * Extra hold-back of a frame chosen for reordering, used when
 * struct nb_impair::reorder_ms is 0.  It only has to exceed the gap to the
 * next frame for that frame to overtake; 5 ms does for any bulk transfer
 * while staying far below every retransmission timer.
 */
#ifndef NB_MEMLINK_REORDER_MS
#define NB_MEMLINK_REORDER_MS 5
#endif

/**
 * Impairment of one direction.  All-zero means a perfect, instant link
 * with the default queue length.
 */
struct nb_impair {
	uint32_t loss_ppm;    /**< Chance a frame vanishes, per million. */
	uint32_t dup_ppm;     /**< Chance a frame is delivered twice. */
	uint32_t reorder_ppm; /**< Chance a frame is held back so later
				   frames overtake it (see @ref reorder_ms). */
	uint32_t corrupt_ppm; /**< Chance one byte of the frame after the
				   Ethernet header is altered.  For IPv4 the
				   byte lies within the datagram, where the IP
				   or transport checksum covers it (ARP has no
				   checksum: a corrupted ARP frame may be
				   believed, as on a real wire past the FCS). */
	uint32_t delay_ms;    /**< Fixed one-way latency. */
	uint32_t jitter_ms;   /**< Latency varies uniformly by up to this
				   much either way (never below zero); like
				   netem, jitter larger than the gap between
				   frames reorders them. */
	uint32_t reorder_ms;  /**< Hold-back of a reordered frame; 0 means
				   NB_MEMLINK_REORDER_MS. */
	uint32_t rate;        /**< Bandwidth in bytes per second; frames are
				   serialised one after another at this rate
				   before their delay starts.  0 = unlimited. */
	uint16_t queue_len;   /**< Frames the direction holds in flight
				   (serialising or delayed); a frame arriving
				   at a full queue is dropped, as a router
				   tail-drops.  0 = NB_MEMLINK_QUEUE_DEFAULT.
				   Fixed at nb_memlink_init(). */
};

/** What happened to the frames of one direction.  Read freely. */
struct nb_memlink_stats {
	uint32_t sent;        /**< Frames the sending end transmitted. */
	uint32_t delivered;   /**< Frames the receiving end received
				   (duplicates included). */
	uint32_t lost;        /**< Frames dropped by loss_ppm. */
	uint32_t duplicated;  /**< Extra copies made by dup_ppm (each still
				   subject to the queue bound).  Once the
				   queue drains, sent + duplicated ==
				   delivered + lost + queue_drops +
				   oversize. */
	uint32_t reordered;   /**< Frames delivered after a frame that was
				   sent later (by reorder_ppm or jitter). */
	uint32_t corrupted;   /**< Frames with a byte altered. */
	uint32_t queue_drops; /**< Frames (or copies) refused: queue full. */
	uint32_t oversize;    /**< Frames discarded at receive because the
				   receiver's buffer was too small. */
};

/** A frame in flight (private; public only so sizes can be computed). */
struct nb_memlink_frame {
	uint64_t due_us;               /**< Deliverable from this time (us). */
	uint32_t seq;                  /**< Send order, for reorder counts. */
	uint16_t len;                  /**< Frame length; 0 = slot free. */
	uint8_t data[NB_ETH_FRAME_MAX]; /**< The frame. */
};

/** One direction of a memlink (private). */
struct nb_memlink_dir {
	struct nb_impair imp;          /**< Its impairment. */
	struct nb_memlink_stats stats; /**< Its counters. */
	struct nb_memlink_frame *q;    /**< imp.queue_len slots (arena). */
	uint16_t used;                 /**< Slots holding a frame. */
	uint64_t rng;                  /**< PRNG state. */
	uint64_t busy_until_us;        /**< Serialiser busy until then. */
	uint32_t next_seq;             /**< Sequence of the next frame. */
	uint32_t high_seq;             /**< Highest sequence delivered + 1. */
};

struct nb_memlink;

/** One end of a memlink (private, except @ref link). */
struct nb_memlink_end {
	struct nb_link link;  /**< Hand `&end.link` to a stack. */
	struct nb_memlink *m; /**< The memlink it belongs to. */
	uint8_t idx;          /**< 0 for end A, 1 for end B. */
};

/**
 * The memlink.  Caller-owned and must not move while in use, since each
 * end's link points back into it.  Direction 0 carries frames from end A
 * (index 0) to end B, direction 1 from B to A.
 */
struct nb_memlink {
	struct nb_memlink_end end[2]; /**< The ends A and B. */
	struct nb_memlink_dir dir[2]; /**< A-to-B and B-to-A. */
	uint64_t now_ms;              /**< Current time (nb_memlink_set_time). */
};

/**
 * Arena bytes nb_memlink_init() takes for queues of @p qa (A to B) and
 * @p qb (B to A) frames, alignment slack included.  Pass the effective
 * lengths (NB_MEMLINK_QUEUE_DEFAULT where queue_len is 0).
 */
#define NB_MEMLINK_ARENA_BYTES(qa, qb)                                        \
	(((size_t)(qa) + (size_t)(qb)) * sizeof(struct nb_memlink_frame) + 32)

/** Arena bytes for two default-length queues. */
#define NB_MEMLINK_ARENA_DEFAULT                                              \
	NB_MEMLINK_ARENA_BYTES(NB_MEMLINK_QUEUE_DEFAULT, NB_MEMLINK_QUEUE_DEFAULT)

/**
 * Set up a memlink.  Both ends get MTU 1500 and distinct, fixed,
 * locally administered MACs (02:6e:62:00:00:01 for A, ...:02 for B);
 * overwrite `link.mac` before handing a link to a stack to change them.
 * @param m       The memlink (caller-owned, zeroed by this call).
 * @param a_to_b  Impairment of frames sent by end A, or NULL for none.
 *                Copied.
 * @param b_to_a  Impairment of frames sent by end B, or NULL for none.
 * @param seed    PRNG seed; equal seeds replay equal runs.
 * @param arena   Provides NB_MEMLINK_ARENA_BYTES(qa, qb); must outlive
 *                @p m.
 * @return 0; -NB_EINVAL for NULL @p m or @p arena; -NB_ENOMEM if the
 *         arena is too small (arena unchanged).
 */
int nb_memlink_init(struct nb_memlink *m, const struct nb_impair *a_to_b,
		    const struct nb_impair *b_to_a, uint64_t seed,
		    struct nb_arena *arena);

/**
 * The link of one end, valid as long as @p m.
 * @param m    The memlink.
 * @param end  0 for end A, 1 for end B.
 * @return The link, or NULL for an @p end other than 0 or 1.
 */
struct nb_link *nb_memlink_link(struct nb_memlink *m, unsigned end);

/**
 * Change the impairment of direction @p dir (0 = A to B) from now on.
 * Frames already in flight keep their fate; the queue length stays what
 * nb_memlink_init() set.
 * @param m    The memlink.
 * @param dir  0 for A to B, 1 for B to A.
 * @param imp  New impairment (copied; its queue_len is ignored).
 * @return 0, or -NB_EINVAL for a bad @p dir or NULL @p imp.
 */
int nb_memlink_set_impair(struct nb_memlink *m, unsigned dir,
			  const struct nb_impair *imp);

/**
 * Advance the memlink's clock.  Transmits are stamped with this time, and
 * a frame is only received once its due time has been reached.  Time
 * never goes backwards: an earlier @p now_ms is ignored.
 * @param m       The memlink.
 * @param now_ms  Current time in ms.
 */
void nb_memlink_set_time(struct nb_memlink *m, uint64_t now_ms);

/**
 * When the next frame in flight becomes deliverable, in either direction,
 * rounded up to whole ms; lets a simulation skip idle time.  The result
 * may already be past when a frame is waiting for its receiver to poll.
 * @param m  The memlink.
 * @return That time, or UINT64_MAX when nothing is in flight.
 */
uint64_t nb_memlink_next_due(const struct nb_memlink *m);

/**
 * Frames in flight in one direction.
 * @param m    The memlink.
 * @param dir  0 for A to B, 1 for B to A.
 * @return The count, or 0 for a bad @p dir.
 */
unsigned nb_memlink_pending(const struct nb_memlink *m, unsigned dir);

/**
 * Counters of one direction.
 * @param m    The memlink.
 * @param dir  0 for A to B, 1 for B to A.
 * @return The counters, or NULL for a bad @p dir.
 */
const struct nb_memlink_stats *nb_memlink_stats(const struct nb_memlink *m,
						unsigned dir);

#endif
