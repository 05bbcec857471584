/**
 * @file tcp.h
 * @brief TCP client connections built for bulk downloads (lib/tcp).
 *
 * Active open only (a boot client never listens).  Negotiates MSS,
 * window scaling, SACK-permitted and timestamps (RFC 7323, RFC 2018);
 * ISNs and ephemeral ports come from the stack's entropy hook.
 *
 * **Receive path.**  There is no receive buffer in this module.  Every
 * segment's payload is handed to the consumer (struct nb_tcp_rx) with its
 * absolute 64-bit stream offset, in order *and* out of order, and the
 * consumer copies it to its final place (for a download: the sink).  The
 * advertised window is what the consumer says it can still accept beyond
 * the in-order point (nb_tcp_rx::space), rounded up to the window-scale
 * unit (2^NB_TCP_WSCALE bytes; the smallest step a scaled window can
 * express), so the window can be many megabytes without a byte of extra
 * memory and never promises more than one unit beyond real room.  Bytes
 * beyond the room are refused by the consumer and never acknowledged.  Out-of-order pieces the consumer accepted are
 * remembered in a bounded scoreboard (NB_TCP_SACK_SLOTS ranges), reported
 * in SACK blocks, and skipped over when the gap before them fills.
 *
 * **Send path.**  Requests are small: nb_tcp_send() copies into a send
 * ring the caller hands over at connect time and keeps the bytes there
 * until they are acknowledged, retransmitting from it (RFC 6298 RTO with
 * backoff and a bounded give-up, fast retransmit on three duplicate ACKs,
 * zero-window probing).
 *
 * **Validation.**  Segments are checked against the window (RFC 793) and
 * RST/SYN/data injection is rejected as RFC 5961 describes: an in-window
 * RST or SYN that is not exactly at RCV.NXT gets a challenge ACK; an ACK
 * for data never sent is dropped.  PAWS (RFC 7323 section 5) is not
 * applied: with heavy reordering it would discard valid segments, and a
 * wrapped-sequence duplicate needs 4 GiB in flight within one segment
 * lifetime, which a boot download over a LAN or WAN does not reach.
 *
 * **Demultiplexing.**  One struct nb_tcp per stack registers the TCP
 * protocol with lib/ip and keeps a list of its open connections; each
 * struct nb_tcp_conn is caller-owned and linked into that list from
 * nb_tcp_connect() until it is closed, reset, aborted or times out.
 * Segments for no connection are answered with a RST (never a RST with a
 * RST).  There is no TIME-WAIT: a closed connection is unlinked at once;
 * random ISNs and ports make a stray old segment harmless.
 *
 * **Time.**  Sends made outside nb_tcp_poll() use the stack's time of its
 * last nb_stack_poll(); nb_tcp_poll() runs the timers with the time given.
 *
 * Worst-case memory: sizeof(struct nb_tcp) plus sizeof(struct nb_tcp_conn)
 * per connection (about 0.8 KiB with the default configuration), plus the
 * send ring the caller supplies.  Stack use stays below 512 bytes.
 */
#ifndef NETBOOT_TCP_H
#define NETBOOT_TCP_H

#include "netboot/abi.h"
#include "netboot/core.h"
#include "netboot/rangeset.h"

struct nb_stack;
struct nb_ip_info;

/** TCP header length without options. */
#define NB_TCP_HLEN 20

/** Connection states (RFC 793 names; no LISTEN, no TIME-WAIT). */
enum nb_tcp_state {
	NB_TCP_CLOSED = 0,   /**< Not connected (initial and final). */
	NB_TCP_SYN_SENT,     /**< SYN sent, waiting for SYN-ACK. */
	NB_TCP_ESTABLISHED,  /**< Data flows both ways. */
	NB_TCP_FIN_WAIT_1,   /**< We closed; our FIN is not acknowledged. */
	NB_TCP_FIN_WAIT_2,   /**< Our FIN is acknowledged; peer still sends. */
	NB_TCP_CLOSING,      /**< Both closed at once; our FIN not yet acked. */
	NB_TCP_CLOSE_WAIT,   /**< Peer closed; we may still send. */
	NB_TCP_LAST_ACK      /**< Both closed; waiting for the ACK of our FIN. */
};

/** Events reported through nb_tcp_rx::event. */
enum nb_tcp_event {
	NB_TCP_EV_CONNECTED = 1, /**< Handshake completed. */
	NB_TCP_EV_DATA,  /**< The in-order point (nb_tcp_rx_offset()) moved. */
	NB_TCP_EV_SENT,  /**< Some of our data was acknowledged: ring space freed. */
	NB_TCP_EV_FIN,   /**< Peer finished sending; all its data is delivered. */
	NB_TCP_EV_CLOSED /**< Connection over; nb_tcp_poll() tells how. */
};

/**
 * The consumer of a connection's received bytes.  Stream offset 0 is the
 * first byte after the peer's SYN.  Callbacks may call nb_tcp_send(),
 * nb_tcp_close() and the query functions; segments they cause are sent
 * once the current input is processed.  They must not call nb_tcp_abort()
 * (return a negative code from @ref deliver instead), nor reuse the
 * connection with nb_tcp_connect() (wait for nb_tcp_poll() to report the
 * end first).
 */
struct nb_tcp_rx {
	/**
	 * Take bytes at absolute stream offset @p off.  @p data is only valid
	 * during the call.  In-order data (@p off == nb_tcp_rx_offset()) and
	 * out-of-order data (@p off beyond it) both come here; a byte range
	 * may be offered again (retransmissions), always with the same
	 * contents, so writing it again at the same place is correct.
	 * @return How many bytes from the start of @p data were accepted
	 *         (0..len): 0 means "cannot place this yet", e.g. HTTP headers
	 *         are still being parsed and out-of-order body cannot land;
	 *         the bytes are then dropped, not acknowledged or SACKed, and
	 *         the sender retransmits them.  In order, TCP offers the rest
	 *         again while progress is made.  A negative NB_E* code aborts
	 *         the connection with a RST and nb_tcp_poll() returns it.
	 */
	int (*deliver)(void *ctx, uint64_t off, const void *data, size_t len);
	/**
	 * How many bytes beyond the in-order point the consumer can accept
	 * right now (for a download: the free space in the destination; for
	 * a header parser: its free buffer).  The advertised window is this,
	 * rounded up to the scale unit and clamped to the largest scaled
	 * window.  May be NULL for "unlimited" (the largest window).
	 */
	uint64_t (*space)(void *ctx);
	/**
	 * Optional (may be NULL): an enum nb_tcp_event happened.
	 */
	void (*event)(void *ctx, int ev);
	void *ctx; /**< Passed back to every callback. */
};

/** Counters per stack (struct nb_tcp); every dropped segment counts once. */
struct nb_tcp_stats {
	uint32_t rx_segments;   /**< Segments handed to TCP by lib/ip. */
	uint32_t rx_bad;        /**< Too short, bad data offset, bad options. */
	uint32_t rx_bad_csum;   /**< Checksum mismatch. */
	uint32_t rx_no_conn;    /**< No connection (answered with RST). */
	uint32_t rx_bad_ack;    /**< ACK of unsent data, or no ACK at all. */
	uint32_t rx_out_of_window; /**< Sequence outside the window. */
	uint32_t rx_challenged; /**< RST/SYN answered with a challenge ACK. */
	uint32_t rx_dup;        /**< Payload entirely already received. */
	uint32_t rx_ooo;        /**< Out-of-order segments accepted. */
	uint32_t rx_refused;    /**< Payload the consumer or scoreboard refused. */
	uint32_t tx_segments;   /**< Segments sent. */
	uint32_t tx_retransmits;/**< Of which retransmissions (RTO or fast). */
	uint32_t tx_errors;     /**< nb_ip_send() failures (e.g. no ARP yet). */
};

struct nb_tcp_conn;

/**
 * The network layer under a demultiplexer other than IPv4's (lib/ip6's
 * nb_stack6 gives one): lib/tcp keeps one code path and 32-bit peer
 * fields because peers are handles the family hands out.  Caller-owned,
 * outliving the demultiplexer.
 */
struct nb_tcp_family {
	/** The buffer to build a segment in (valid until the next send);
	 *  @p cap receives its size, the most a segment may take. */
	uint8_t *(*buf)(void *ctx, size_t *cap);
	/** Fill the checksum (offset 16) of the @p len-byte segment built
	 *  at @p seg and send it to @p peer (0: the sender of the segment
	 *  being input).  @return 0 or a negative NB_E* code. */
	int (*send)(void *ctx, uint32_t peer, uint8_t *seg, size_t len);
	/** The peer handle of the address written as @p text (@p len
	 *  bytes, e.g. the host of an `http://[v6]/` URL); 0 when it is no
	 *  address of the family or no handle is free. */
	uint32_t (*peer)(void *ctx, const char *text, size_t len);
	/** The MSS to announce (the family's payload size less 20). */
	uint16_t (*mss)(void *ctx);
	void *ctx; /**< Passed back to every function. */
};

/** Per-stack TCP demultiplexer (caller-owned; fields are private). */
struct nb_tcp {
	struct nb_stack *s;         /**< Stack it is registered with. */
	const struct nb_tcp_family *fam; /**< NULL: IPv4. */
	struct nb_tcp_conn *conns;  /**< Open connections. */
	struct nb_tcp_stats stats;  /**< Counters (read freely). */
};

/** One range [start, end) of stream offsets; superseded by struct nb_range
 * (kept while the PXE API's ring still names it). */
struct nb_tcp_range {
	uint64_t start; /**< First offset. */
	uint64_t end;   /**< One past the last offset; start == end: unused. */
};

/** A TCP connection (caller-owned; fields are private unless documented). */
struct nb_tcp_conn {
	/* Ordered by use, not by topic: on i386 the first 128 bytes are
	 * reached with a one-byte displacement, so the fields every segment
	 * touches come first. */
	struct nb_tcp_conn *next;  /**< Private list link. */
	struct nb_tcp *t;          /**< Demultiplexer, NULL when unlinked. */
	uint8_t state;             /**< enum nb_tcp_state. */
	bool ack_now;              /**< Send an ACK at the end of this input. */
	bool ts_ok;                /**< Both use timestamps. */
	bool fin_rcvd;             /**< The peer's FIN was consumed in order. */
	bool in_input;             /**< Processing a segment: defer output. */
	bool fin_queued;           /**< nb_tcp_close() was called. */
	uint8_t ack_pending;       /**< Full segments not yet acknowledged. */
	uint8_t dupacks;           /**< Duplicate ACKs in a row. */
	uint8_t snd_wscale;        /**< Peer's window shift (0 without scaling). */
	uint8_t rcv_wscale;        /**< Our shift (0 without scaling). */
	bool sack_ok;              /**< Peer sent SACK-permitted. */
	bool syn_acked;            /**< Our SYN was acknowledged. */
	uint8_t syn_refused;       /**< SYNs the link refused in a row: the
				        armed timer is the short resend, not
				        a timeout (private). */
	uint16_t mss;              /**< Send MSS: min(peer's, our link's). */
	uint16_t rcv_mss;          /**< MSS we announced. */
	uint64_t snd_una;          /**< Oldest unacknowledged stream offset. */
	uint64_t rcv_off;          /**< In-order point (next stream offset). */
	uint64_t snd_nxt;          /**< Next offset to send. */
	uint64_t snd_end;          /**< One past the last byte queued. */
	uint64_t fin_off;          /**< Offset of the peer's FIN, or UINT64_MAX. */
	uint32_t cwnd;             /**< Congestion window in bytes. */
	uint32_t snd_wnd;          /**< Peer's window in bytes (unscaled). */
	uint8_t *sbuf;             /**< Send ring (caller-owned). */
	size_t sbuf_len;           /**< Its size. */
	uint64_t snd_max;          /**< Highest offset sent so far (+1). */
	uint64_t rcv_last;         /**< Right edge of the latest advertisement. */
	uint64_t rcv_adv;          /**< Highest right edge ever advertised. */
	struct nb_deadline rto_due; /**< Retransmission deadline. */
	uint64_t last_now;         /**< Latest time seen. */
	uint64_t rcv_cap;          /**< Auto-tuned window limit in bytes (NB_TCP_RWIN_MIN). */

	/* Receive side. */
	uint64_t rwin_mark_off;    /**< rcv_off when the current RTT round began. */
	uint64_t rwin_mark_ms;     /**< When it began; 0 = not yet. */
	uint32_t rwin_rtt;         /**< Smallest RTT seen by data echoing our timestamps (ms). */
	uint32_t rwin_rtt_last;    /**< The latest such sample (ms): above rwin_rtt, a queue. */
	struct nb_deadline ack_due; /**< When a held-back ACK must go out. */
	struct nb_rangeset ooo;    /**< Out-of-order scoreboard (SACK blocks). */
	uint32_t irs;              /**< Peer's initial sequence number. */
	uint32_t ts_recent;        /**< Peer's TSval to echo. */
	uint32_t ts_offset;        /**< Random offset added to our TSval. */

	/* Send side. */
	uint32_t iss;              /**< Our initial sequence number. */
	size_t sbuf_head;          /**< Ring index of the oldest unacked byte. */
	uint64_t snd_wl_off;       /**< Offset of the segment that last set the window. */
	uint32_t ssthresh;         /**< Slow-start threshold. */

	/* Timers (RFC 6298). */
	struct nb_rtt rtt;         /**< RTT estimate and RTO (with backoff). */
	uint8_t retries;           /**< Consecutive timeouts. */
	uint64_t rtt_seq_off;      /**< Offset timed without timestamps. */
	uint64_t rtt_start;        /**< When it was sent; 0 = none timed. */

	/* Who, and for whom. */
	struct nb_tcp_rx rx;       /**< Consumer (copied at connect). */
	uint32_t dst_ip;           /**< Peer address (host order). */
	uint16_t dst_port;         /**< Peer port. */
	uint16_t src_port;         /**< Our (ephemeral) port. */
	int status;                /**< What nb_tcp_poll() returns once over. */

	/* Per-connection counters. */
	uint32_t rx_bytes_ooo;     /**< Payload bytes accepted out of order. */
	uint32_t retransmits;      /**< Our segments sent again. */

	/* The scoreboard's slots (512 bytes by default) last. */
	struct nb_range ooo_slot[NB_TCP_SACK_SLOTS]; /**< Scoreboard's slots. */
};

/**
 * Set up the demultiplexer for @p s and register TCP with lib/ip.
 * @param t  Caller-owned; must outlive every connection using it.
 * @param s  Stack.
 * @return 0; -NB_EINVAL for NULL arguments; -NB_EADDRINUSE when TCP is
 *         already registered on @p s; -NB_ENOMEM if the stack's protocol
 *         table is full.
 *         -NB_EABI when the caller was compiled with other tunables
 *         than the library (netboot/abi.h).
 */
int nb_tcp_init(struct nb_tcp *t, struct nb_stack *s);
/** @cond PRIVATE */
#define NB_TCP_ABI_ID                                                         \
	NB_ABI_ID(sizeof(struct nb_tcp) + (sizeof(struct nb_tcp_conn) << 16))
#ifndef NB_LIB_BUILD
#define nb_tcp_init(...)                                                      \
	NB_ABI_CALL(NB_ABI_TCP, NB_TCP_ABI_ID, nb_tcp_init(__VA_ARGS__))
#endif
/** @endcond */

/**
 * Set up a demultiplexer on another family than IPv4 (nothing is
 * registered with lib/ip): the family hands segments in with
 * nb_tcp_family_input() and their deadlines are its to report.
 * @param t    Caller-owned; must outlive every connection using it.
 * @param s    Stack (its entropy and clock are used).
 * @param fam  Family (caller-owned, outliving @p t); NULL is IPv4, as
 *             nb_tcp_init().
 * @return 0, or -NB_EINVAL for NULL arguments; with @p fam NULL also
 *         nb_tcp_init()'s errors.
 */
int nb_tcp_init_family(struct nb_tcp *t, struct nb_stack *s,
		       const struct nb_tcp_family *fam);

/**
 * One segment for a family demultiplexer, its checksum already verified
 * by the family.
 * @param t     Demultiplexer from nb_tcp_init_family().
 * @param peer  The sender's handle (0 when it has none: only a RST can
 *              answer it).
 * @param data  The TCP segment, only read during the call.
 * @param len   Its length.
 */
void nb_tcp_family_input(struct nb_tcp *t, uint32_t peer, const uint8_t *data,
			 size_t len);

/**
 * Open a connection: pick an ephemeral port and ISN, send the SYN (or
 * queue it behind ARP) and link @p c into @p t.
 * @param c         Connection (caller-owned, zeroed by this call); it must
 *                  not move or be freed while linked (see nb_tcp_poll()).
 * @param t         Demultiplexer of the stack to use.
 * @param dst_ip    Server address (host order), or on a family
 *                  demultiplexer the peer's handle.
 * @param dst_port  Server port.
 * @param rx        Consumer (copied); rx->deliver must not be NULL.
 * @param sbuf      Send ring for nb_tcp_send(); must outlive the
 *                  connection.  Its size bounds the data in flight from
 *                  us, so a few KiB suffice for HTTP requests.
 * @param sbuf_len  Its size (at least 1).
 * @return 0; -NB_EINVAL for bad arguments or a stack without an address;
 *         -NB_EUNREACH without a route; entropy errors.  The SYN itself
 *         may still be lost: nb_tcp_poll() retransmits it.
 */
int nb_tcp_connect(struct nb_tcp_conn *c, struct nb_tcp *t, uint32_t dst_ip,
		   uint16_t dst_port, const struct nb_tcp_rx *rx, void *sbuf,
		   size_t sbuf_len);

/**
 * Run the connection's timers: retransmissions with backoff and give-up,
 * held-back ACKs, window updates when the consumer's space grew, and
 * zero-window probes.  Call it after each nb_stack_poll().
 * @param c       Connection.
 * @param now_ms  Current time (monotonic).
 * @return -NB_EAGAIN while the connection is open; 0 once it closed
 *         cleanly (both FINs exchanged and acknowledged); otherwise the
 *         error that ended it: -NB_ECONNREFUSED (RST answering our SYN),
 *         -NB_ECONNRESET (valid RST later), -NB_ETIMEDOUT (retries
 *         exhausted), -NB_ECANCELED (nb_tcp_abort()), or the negative code
 *         the consumer returned from deliver.  Once it returned anything
 *         but -NB_EAGAIN, @p c is unlinked and may be reused or freed.
 */
int nb_tcp_poll(struct nb_tcp_conn *c, uint64_t now_ms);

/**
 * Queue bytes to send (copied into the send ring; sent as window and
 * congestion window allow).  Allowed from nb_tcp_connect() on, so a
 * request can be queued before the handshake completes.
 * @param c     Connection.
 * @param data  Bytes to send; copied, so they may be reused at once.
 * @param len   Their count.
 * @return Bytes queued (may be fewer than @p len, 0 when the ring is
 *         full); -NB_EINVAL after nb_tcp_close() or when not open.
 */
int nb_tcp_send(struct nb_tcp_conn *c, const void *data, size_t len);

/**
 * Free bytes in the send ring right now.
 * @param c  Connection.
 * @return Bytes nb_tcp_send() would accept (0 for NULL).
 */
size_t nb_tcp_send_space(const struct nb_tcp_conn *c);

/**
 * Orderly close: send a FIN after the queued data (in SYN-SENT, once the
 * handshake completes).  Receiving goes on until the peer's FIN.  Calling
 * it twice is harmless.
 * @param c  Connection.
 * @return 0, or -NB_EINVAL when the connection is not open.
 */
int nb_tcp_close(struct nb_tcp_conn *c);

/**
 * Abort: send a RST (if connected) and unlink @p c at once; a later
 * nb_tcp_poll() returns -NB_ECANCELED.  Safe on a closed connection.
 * @param c  Connection.
 */
void nb_tcp_abort(struct nb_tcp_conn *c);

/**
 * The connection's state.
 * @param c  Connection.
 * @return An enum nb_tcp_state (NB_TCP_CLOSED for NULL).
 */
static inline int nb_tcp_state(const struct nb_tcp_conn *c)
{
	return c ? c->state : NB_TCP_CLOSED;
}

/**
 * Whether data can flow.
 * @param c  Connection.
 * @return true once the handshake completed and until the connection is
 *         over (closing states included).
 */
bool nb_tcp_established(const struct nb_tcp_conn *c);

/**
 * The in-order point.
 * @param c  Connection.
 * @return The stream offset below which every byte was delivered and
 *         accepted; the total received once NB_TCP_EV_FIN was reported.
 */
uint64_t nb_tcp_rx_offset(const struct nb_tcp_conn *c);

/**
 * Progress of our sends.
 * @param c  Connection.
 * @return Bytes of ours the peer has acknowledged.
 */
static inline uint64_t nb_tcp_tx_acked(const struct nb_tcp_conn *c)
{
	if (!c)
		return 0;
	return c->snd_una > c->snd_end ? c->snd_end : c->snd_una;
}

#endif
