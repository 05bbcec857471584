/**
 * @file undi.h
 * @brief Link driver over the PXE UNDI API of a BIOS PXE ROM (lib/undi).
 *
 * A BIOS network boot program keeps the ROM's UNDI driver loaded and moves
 * Ethernet frames through three PXE API calls (PXE specification 2.1):
 * - `PXENV_UNDI_GET_INFORMATION` (0x000C) once, for the MAC and MTU;
 * - `PXENV_UNDI_TRANSMIT` (0x0008) per frame, with Protocol `P_UNKNOWN`
 *   and a transmit buffer descriptor pointing at the complete frame;
 * - `PXENV_UNDI_ISR` (0x0014) to receive: `IN_PROCESS`, then `IN_GET_NEXT`
 *   until `OUT_DONE`.  Each answer is `OUT_RECEIVE` (3, a piece of a
 *   frame: BufferLength bytes of a FrameLength-byte frame at a far
 *   pointer into the ROM's memory), `OUT_TRANSMIT` (2, a transmit
 *   finished), `OUT_DONE` (0) or `OUT_BUSY` (4).
 *
 * The driver does not know how a call reaches real mode: the embedder
 * supplies struct nb_undi_env, whose call() performs one API call (a
 * protected-mode trampoline, a vm86 monitor, or a test's emulation).  The
 * PXE API only addresses memory below 1 MiB through segment:offset
 * pointers, so the embedder also hands in a scratch area in base memory
 * (NB_UNDI_SCRATCH_BYTES) where the driver keeps every parameter block and
 * its transmit frame, and two translations between pointers and
 * segment:offset.
 *
 * Speed: every API call is a trip to real mode and back, which dominates
 * the cost of a frame.  A receive() that finds its ring empty drains the
 * ROM in one visit: it runs the ISR sequence until `OUT_DONE`, assembling
 * the first frame straight into the stack's buffer (one copy) and the rest
 * into a small ring in arena memory, which later receive() calls hand out
 * without any API call.  The receive() that finds the ring empty right
 * after a drain that ended in `OUT_DONE` answers 0 without a call too, so
 * a stack poll that brings k frames costs k + 2 calls, not k + 3.  Transmit completions seen on the way are counted.
 * An embedder that can run code on the ROM's side of the mode switch
 * supplies nb_undi_env::drain: the whole ISR sequence then runs there
 * and one trip brings every frame the ring has room for (a record log,
 * below), so a stack poll costs one trip instead of one per frame.
 * A frame arriving in several pieces is assembled in place; a frame larger
 * than the buffer is dropped whole, never truncated.
 *
 * Worst-case memory: sizeof(struct nb_undi) (184 bytes on x86_64), the
 * embedder's NB_UNDI_SCRATCH_BYTES of base memory, and
 * NB_UNDI_ARENA_BYTES(ring) of arena.  No function uses more than 128
 * bytes of stack; the embedder's call() needs whatever its mode switch
 * needs.
 */
#ifndef NETBOOT_UNDI_H
#define NETBOOT_UNDI_H

#include "netboot/core.h"
#include "netboot/link.h"

/** @name PXE API opcodes used by the driver
 * @{ */
#define NB_PXENV_UNDI_OPEN 0x0006            /**< PXENV_UNDI_OPEN */
#define NB_PXENV_UNDI_TRANSMIT 0x0008        /**< PXENV_UNDI_TRANSMIT */
#define NB_PXENV_UNDI_GET_INFORMATION 0x000C /**< PXENV_UNDI_GET_INFORMATION */
#define NB_PXENV_UNDI_ISR 0x0014             /**< PXENV_UNDI_ISR */
/** @} */

/** @name PXENV_STATUS values the driver distinguishes
 * @{ */
#define NB_PXENV_STATUS_SUCCESS 0x00          /**< PXENV_STATUS_SUCCESS */
#define NB_PXENV_STATUS_FAILURE 0x01          /**< PXENV_STATUS_FAILURE */
#define NB_PXENV_STATUS_OUT_OF_RESOURCES 0x06 /**< PXENV_STATUS_OUT_OF_RESOURCES */
/** @} */

/**
 * Base-memory bytes the driver needs from nb_undi_env::scratch: 256 for
 * the parameter blocks (ISR 16, TRANSMIT 20, TBD 72, and GET_INFORMATION
 * 50 or OPEN 136 sharing one place) and one frame.
 */
#define NB_UNDI_SCRATCH_BYTES (256 + NB_ETH_FRAME_MAX)

/** Largest receive ring (bounds the arena a caller can ask for). */
#define NB_UNDI_RING_MAX 64

/** @name The log of nb_undi_env::drain
 * One record per ISR step, each starting at an even offset:
 * - bytes 0..15: the 16-byte `s_PXENV_UNDI_ISR` block as the step left
 *   it, except that its status word (0..1) is made non-zero when the call
 *   itself failed (AX non-zero) although the block says success;
 * - bytes 16..17: D, the data bytes that follow (little-endian);
 * - D bytes: for a successful `OUT_RECEIVE` whose BufferLength is at most
 *   NB_ETH_FRAME_MAX, a copy of that piece (D = BufferLength); else
 *   nothing (D = 0, and the driver drops the frame as unreadable);
 * - one zero byte when D is odd.
 * @{ */
#define NB_UNDI_REC_HDR 18 /**< Bytes before a record's data. */
/** Most bytes one record takes: the embedder makes no step with less
 * room than this left in its log. */
#define NB_UNDI_REC_MAX (NB_UNDI_REC_HDR + NB_ETH_FRAME_MAX + 1)
/** @} */

/** Arena bytes nb_undi_init() takes for a ring of @p n frames (slack included). */
#define NB_UNDI_ARENA_BYTES(n)                                                \
	((size_t)(n) * ((size_t)NB_ETH_FRAME_MAX + 2) + 32)

/** @name Flags of nb_undi_init()
 * @{ */
/**
 * Issue `PXENV_UNDI_OPEN` with the DIRECTED and BROADCAST packet filters
 * at init.  Not needed after a PXE boot (the ROM's UNDI is already open);
 * useful when the embedder closed it or started UNDI itself.
 */
#define NB_UNDI_OPEN 0x01
/**
 * Transmit IPv4, ARP and RARP frames with Protocol `P_IP`/`P_ARP`/`P_RARP`
 * and the Ethernet header stripped, letting the ROM build the header;
 * other EtherTypes still go as `P_UNKNOWN`.  For ROMs that prepend a
 * header even to `P_UNKNOWN` frames.
 */
#define NB_UNDI_TX_BY_PROTOCOL 0x02
/** @} */

/**
 * How the driver reaches the PXE API; filled by the embedder and copied
 * by nb_undi_init().
 */
struct nb_undi_env {
	/**
	 * Perform one PXE API call: convert @p block to segment:offset, push
	 * it and @p opcode, far-call the !PXE (or PXENV+) entry point.
	 * @param ctx     nb_undi_env::ctx.
	 * @param opcode  The API function.
	 * @param block   Its parameter block, always inside
	 *                nb_undi_env::scratch.  The ROM writes results into
	 *                it.
	 * @return The PXENV status: the block's first word, or a non-zero
	 *         value (NB_PXENV_STATUS_FAILURE) when the call itself failed
	 *         (AX non-zero) although the block says success.
	 */
	int (*call)(void *ctx, uint16_t opcode, void *block);
	/**
	 * Translate a pointer into the scratch area to segment:offset.
	 * Called once by nb_undi_init() with the start of the scratch area;
	 * the driver derives every other far pointer from it, so the offset
	 * must leave room for the whole area (the normalised form seg =
	 * linear >> 4, off = linear & 15 always does).
	 * @param ctx  nb_undi_env::ctx.
	 * @param p    A pointer into base memory.
	 * @param seg  Receives the segment.
	 * @param off  Receives the offset.
	 * @return 0, or negative when @p p is not real-mode addressable.
	 */
	int (*to_segoff)(void *ctx, const void *p, uint16_t *seg, uint16_t *off);
	/**
	 * Translate a far pointer the ROM returned (a received piece in its
	 * own buffers) to memory the driver may read.
	 * @param ctx  nb_undi_env::ctx.
	 * @param seg  Segment.
	 * @param off  Offset.
	 * @param len  Bytes the driver will read from there.
	 * @return A pointer to @p len readable bytes, or NULL when they are
	 *         not all accessible (the piece is then dropped and counted).
	 */
	const void *(*from_segoff)(void *ctx, uint16_t seg, uint16_t off,
				   size_t len);
	void *ctx;          /**< Passed to the functions. */
	void *scratch;      /**< Base memory (below 1 MiB), at least
				 NB_UNDI_SCRATCH_BYTES; owned by the driver
				 from nb_undi_init() on. */
	size_t scratch_len; /**< Its size in bytes. */
	/**
	 * Optional: run ISR steps in one visit to the ROM; NULL makes the
	 * driver call() `PXENV_UNDI_ISR` once per step.  Starting with the
	 * block as given (FuncFlag IN_PROCESS or IN_GET_NEXT, the rest
	 * zero), each step calls `PXENV_UNDI_ISR`, appends a record to the
	 * embedder's log (NB_UNDI_REC_HDR), and sets the block up again with
	 * IN_GET_NEXT.  The visit ends after a record whose status is
	 * non-zero or whose FuncFlag is neither `OUT_RECEIVE` nor
	 * `OUT_TRANSMIT`, after @p max_pieces `OUT_RECEIVE` records, after
	 * NB_UNDI_DRAIN_CALLS steps, or when less than NB_UNDI_REC_MAX bytes
	 * of log are left.
	 * @param ctx         nb_undi_env::ctx.
	 * @param block       The ISR parameter block in nb_undi_env::scratch.
	 * @param max_pieces  `OUT_RECEIVE` records allowed (at least 1): the
	 *                    driver has room for that many new frames.
	 * @param log         Receives the start of the log (readable memory).
	 * @return The log's length in bytes (0 only if no step was made), or
	 *         negative when the visit failed before its first step.
	 */
	int (*drain)(void *ctx, void *block, unsigned max_pieces,
		     const void **log);
};

/** Counters of the driver.  Read freely. */
struct nb_undi_stats {
	uint32_t calls;         /**< PXE API calls made, of every kind. */
	uint32_t drains;        /**< ISR sequences started (IN_PROCESS). */
	uint32_t tx_frames;     /**< Frames transmitted. */
	uint32_t tx_errors;     /**< Transmits the ROM refused. */
	uint32_t tx_retries;    /**< Transmits retried after an ISR pass. */
	uint32_t tx_complete;   /**< OUT_TRANSMIT events seen. */
	uint32_t rx_frames;     /**< Frames fully assembled. */
	uint32_t rx_pieces;     /**< OUT_RECEIVE answers (pieces). */
	uint32_t rx_ring_max;   /**< Most frames the ring ever held. */
	uint32_t rx_too_big;    /**< Frames dropped: over NB_ETH_FRAME_MAX or
				     the caller's buffer. */
	uint32_t rx_bad;        /**< Pieces inconsistent with their frame
				     (lengths, overlap, zero length); the
				     frame is dropped. */
	uint32_t rx_bad_ptr;    /**< Pieces whose far pointer from_segoff()
				     refused; the frame is dropped. */
	uint32_t rx_incomplete; /**< Frames cut short by OUT_DONE, OUT_BUSY or
				     an error before their last piece. */
	uint32_t rx_flushed;    /**< Frames discarded by nb_undi_quiesce(). */
	uint32_t isr_errors;    /**< ISR calls with a non-zero status. */
	uint32_t isr_busy;      /**< OUT_BUSY answers. */
	uint32_t isr_unknown;   /**< Answers with an undefined FuncFlag. */
	uint32_t visits;        /**< nb_undi_env::drain visits (one trip to
				     the ROM each; their steps count in
				     neither calls nor drains' calls). */
	uint32_t visits_empty;  /**< Visits that brought no received piece:
				     how often the loop found the ROM's ring
				     empty (waiting, not moving frames). */
	uint32_t log_bad;       /**< drain() logs that broke their format
				     (the sequence is then restarted). */
};

/** The driver.  Caller-owned and must not move while in use. */
struct nb_undi {
	struct nb_link link;      /**< Hand `&undi.link` to a stack. */
	struct nb_undi_env env;   /**< Copy of the embedder's environment. */
	uint16_t seg;             /**< Segment of the scratch area. */
	uint16_t off;             /**< Offset of the scratch area. */
	unsigned flags;           /**< NB_UNDI_OPEN... as given to init. */
	uint16_t hw_type;         /**< HwType from GET_INFORMATION (1 =
				       Ethernet), for the embedder's logs. */
	uint8_t *ring;            /**< Ring frames (arena), ring_n slots. */
	uint16_t *ring_len;       /**< Their lengths (arena). */
	uint8_t ring_n;           /**< Slots. */
	uint8_t ring_head;        /**< Oldest complete frame. */
	uint8_t ring_count;       /**< Complete frames held. */
	uint8_t in_isr;           /**< An ISR sequence is open: continue it
				       with IN_GET_NEXT. */
	uint8_t asm_to;           /**< Where the frame being assembled goes
				       (private). */
	uint8_t rx_idle_skip;     /**< The last drain ended in OUT_DONE after
				       finding frames: the next receive()
				       with an empty ring answers 0 without
				       a call (private). */
	uint16_t asm_len;         /**< Its bytes so far. */
	uint16_t asm_total;       /**< Its FrameLength. */
	struct nb_undi_stats stats; /**< Counters. */
};

/**
 * Set up the driver: check the environment, take the ring from the
 * arena, read the MAC and MTU with `PXENV_UNDI_GET_INFORMATION` and,
 * with NB_UNDI_OPEN, open the interface.
 * @param d      Driver state (caller-owned, zeroed by this call).
 * @param env    The embedder's environment (copied).  Its scratch area
 *               must stay reserved for the driver until the last call.
 * @param ring   Frames the receive ring holds, 0..NB_UNDI_RING_MAX (0
 *               disables it: each receive() then takes one frame and
 *               leaves the ISR sequence open for the next).
 * @param flags  NB_UNDI_OPEN, NB_UNDI_TX_BY_PROTOCOL, or 0.
 * @param arena  Provides NB_UNDI_ARENA_BYTES(ring); must outlive @p d.
 * @return 0; -NB_EINVAL for NULL arguments or functions, a scratch area
 *         smaller than NB_UNDI_SCRATCH_BYTES or not addressable within one
 *         segment, or a ring over NB_UNDI_RING_MAX; -NB_ENOMEM if the
 *         arena is too small (arena unchanged); -NB_EIO when an API call
 *         fails; -NB_ENOTSUP when the interface's address is not 6 bytes
 *         or its MTU is under 68.
 */
int nb_undi_init(struct nb_undi *d, const struct nb_undi_env *env,
		 unsigned ring, unsigned flags, struct nb_arena *arena);

/**
 * The link to hand to nb_stack_init().
 * @param d  An initialised driver.
 * @return `&d->link`, valid as long as @p d.
 */
struct nb_link *nb_undi_link(struct nb_undi *d);

/**
 * Finish any open ISR sequence (IN_GET_NEXT until OUT_DONE) and discard
 * ring frames, so the ROM is in a clean state.  Call it before returning
 * to the ROM or chaining to another boot program.
 * @param d  The driver.
 * @return 0; -NB_EIO when an ISR call fails; -NB_EAGAIN when the ROM did
 *         not finish within NB_UNDI_DRAIN_CALLS calls.
 */
int nb_undi_quiesce(struct nb_undi *d);

#endif
