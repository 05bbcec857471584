/**
 * @file tftp.h
 * @brief TFTP client: RFC 1350 read requests with option negotiation
 *        (RFC 2347 blksize/tsize/timeout, RFC 2348, RFC 2349) and windowed
 *        transfers (RFC 7440) (lib/tftp).
 *
 * A transfer is a caller-owned struct nb_tftp driven by the usual rhythm:
 * nb_tftp_start(), then nb_tftp_poll() until it stops returning
 * -NB_EAGAIN.  Received DATA goes straight to the caller's sink at its
 * absolute 64-bit offset, so block-number rollover past 65535 (which the
 * client follows, wrapping to 0 as tftp-hpa and dnsmasq do) never limits
 * the file size.
 *
 * Negotiation is strict: an OACK naming an option we did not ask for, a
 * value larger than requested, a duplicate or a malformed option is
 * refused with ERROR 8 and the client retries once with a plain RFC 1350
 * request from a fresh port; so does a server answering the options with
 * ERROR 8.  A server that ignores options (answers with DATA) simply runs
 * lock-step with 512-byte blocks.
 *
 * Windowing: the client ACKs the last block of each window and the final
 * block; on a gap it ACKs the last in-order block once so the server
 * resends from there.  It never answers duplicate DATA (no Sorcerer's
 * Apprentice): lost ACKs are recovered by its own retransmission timer,
 * which adapts to the measured round trip (RFC 6298 style) and backs off
 * exponentially up to a bounded number of tries.
 *
 * Packets from a port other than the server's transfer ID are answered
 * with ERROR 5 and change nothing.
 *
 * Worst-case memory: sizeof(struct nb_tftp) (under 1 KiB; no arena).
 * Stack use per call is below 256 bytes.
 */
#ifndef NETBOOT_TFTP_H
#define NETBOOT_TFTP_H

#include "netboot/abi.h"
#include "netboot/core.h"
#include "netboot/ip.h"
#include "netboot/sink.h"

struct nb_stack;

/** Well-known TFTP server port. */
#define NB_TFTP_PORT 69
/** Block size of RFC 1350 (and when the server ignores blksize). */
#define NB_TFTP_BLKSIZE_DEFAULT 512
/** Smallest blksize RFC 2348 allows. */
#define NB_TFTP_BLKSIZE_MIN 8
/** Largest blksize RFC 2348 allows. */
#define NB_TFTP_BLKSIZE_MAX 65464
/** TFTP header bytes in a DATA packet (opcode + block number). */
#define NB_TFTP_DATA_HLEN 4

/**
 * Largest windowsize accepted.  RFC 7440 allows 65535, but a 16-bit block
 * number can only tell a block of the current window from a stale one if
 * a window spans less than half the number space.
 */
#define NB_TFTP_WINDOW_MAX 32767

/** Largest request packet built (RFC 1350 keeps requests in 512 bytes). */
#define NB_TFTP_REQ_MAX 512

/** TFTP opcodes (RFC 1350, RFC 2347). */
enum nb_tftp_op {
	NB_TFTP_RRQ = 1,  /**< Read request. */
	NB_TFTP_WRQ = 2,  /**< Write request (never sent by this client). */
	NB_TFTP_DATA = 3, /**< Data block. */
	NB_TFTP_ACK = 4,  /**< Acknowledgement. */
	NB_TFTP_ERROR = 5, /**< Error. */
	NB_TFTP_OACK = 6  /**< Option acknowledgement. */
};

/** TFTP error codes carried in ERROR packets. */
enum nb_tftp_errcode {
	NB_TFTP_ERR_UNDEF = 0,    /**< Not defined, see message. */
	NB_TFTP_ERR_NOTFOUND = 1, /**< File not found (-NB_ENOTFOUND). */
	NB_TFTP_ERR_ACCESS = 2,   /**< Access violation (-NB_EACCES). */
	NB_TFTP_ERR_DISKFULL = 3, /**< Disk full (-NB_ENOSPC). */
	NB_TFTP_ERR_ILLEGAL = 4,  /**< Illegal operation (-NB_EPROTO). */
	NB_TFTP_ERR_TID = 5,      /**< Unknown transfer ID (-NB_ETID). */
	NB_TFTP_ERR_EXISTS = 6,   /**< File already exists (-NB_ESERVER). */
	NB_TFTP_ERR_USER = 7,     /**< No such user (-NB_EACCES). */
	NB_TFTP_ERR_OPTION = 8    /**< Option negotiation refused. */
};

/** What to request.  Fill with nb_tftp_cfg_init(), then adjust. */
struct nb_tftp_cfg {
	uint32_t server_ip;   /**< Server address (host order). */
	uint16_t server_port; /**< Server port; 0 means NB_TFTP_PORT. */
	/**
	 * File name, NUL-terminated; not copied, so it must stay valid until
	 * the transfer ends (it is re-sent on retries and on fallback).
	 */
	const char *filename;
	/** blksize to ask for (8..65464), or 0 to not ask (512-byte blocks). */
	uint16_t blksize;
	/**
	 * windowsize to ask for (1..NB_TFTP_WINDOW_MAX), or 0 to not ask
	 * (lock-step).
	 */
	uint16_t windowsize;
	/** timeout (seconds, 1..255) to ask for, or 0 to not ask. */
	uint8_t timeout_s;
	/** Ask for tsize, so the sink learns the size before data flows. */
	bool tsize;
	uint32_t rto_initial_ms; /**< Timeout before any RTT sample. */
	uint32_t rto_min_ms;     /**< Floor of the adaptive timeout. */
	uint32_t rto_max_ms;     /**< Ceiling of the backed-off timeout. */
	uint16_t max_tries;      /**< Consecutive timeouts before giving up. */
};

/**
 * Counters of one transfer, for summaries, tests and diagnosis.  Every
 * received packet that is not progress increments one of them.
 */
struct nb_tftp_stats {
	uint32_t timeouts;     /**< Retransmission timer expiries. */
	uint32_t retransmits;  /**< Requests or ACKs re-sent by the timer. */
	uint32_t acks;         /**< ACKs sent (window ends, finals, gaps). */
	uint32_t gap_acks;     /**< ACKs sent because a block was missing. */
	uint32_t dup_blocks;   /**< DATA already received (ignored). */
	uint32_t future_blocks; /**< DATA past a gap (dropped, resent later). */
	uint32_t bad_packets;  /**< Malformed or unexpected packets dropped. */
	uint32_t wrong_tid;    /**< Packets from another port (ERROR 5 sent). */
	uint32_t dup_oacks;    /**< OACKs repeated by the server (ignored). */
	uint32_t fallbacks;    /**< Restarts without options. */
	uint32_t rtt_samples;  /**< Round trips measured. */
};

/**
 * How a transfer sends datagrams.  The default (nb_tftp_start()) is a
 * UDP socket on a stack; tests and fuzzers supply their own.
 */
struct nb_tftp_io {
	/**
	 * Send @p len bytes at @p pkt (valid during the call) to
	 * @p ip:@p port from the transfer's local port.
	 * @return 0 or a negative NB_E* code (a send failure is treated
	 *         like a lost packet: the timer recovers it).
	 */
	int (*send)(void *ctx, uint32_t ip, uint16_t port, const void *pkt,
		    size_t len);
	/**
	 * Move to a fresh local port (a new transfer ID) for a fallback
	 * request, so late packets of the refused attempt cannot be taken
	 * for the new one.  May be NULL (the port is then kept).
	 * @return 0 or a negative NB_E* code (the transfer fails with it).
	 */
	int (*rebind)(void *ctx);
	/** Release the port once the transfer ended.  May be NULL. */
	void (*close)(void *ctx);
};

struct nb_tftp;

/**
 * A transport whose servers are named by text (IPv6 literals), for
 * nb_fetch_cfg::tftp6: lib/ip6's nb_tftp6 fills it.  Its receive path
 * hands packets to @ref t.
 */
struct nb_tftp_net {
	const struct nb_tftp_io *io; /**< Operations (ctx: this struct). */
	/** The server handle (nb_tftp_cfg::server_ip) of the address
	 *  @p text (@p len characters); 0 when it is none. */
	uint32_t (*peer)(struct nb_tftp_net *n, const char *text, size_t len);
	uint16_t blksize; /**< Largest unfragmented block. */
	struct nb_tftp *t; /**< Transfer to feed (set by its starter). */
};

/** Lifecycle of a transfer. */
enum nb_tftp_state {
	NB_TFTP_IDLE = 0,  /**< Not started. */
	NB_TFTP_REQUEST,   /**< RRQ sent, waiting for OACK, DATA or ERROR. */
	NB_TFTP_TRANSFER,  /**< Receiving DATA. */
	NB_TFTP_DONE,      /**< Final block received and acknowledged. */
	NB_TFTP_FAILED     /**< Ended with an error (see nb_tftp::status). */
};

/**
 * One read transfer.  Caller-owned; fields are read-only for the caller
 * and documented so progress and results can be shown.
 */
struct nb_tftp {
	/* Small fields first, buffers last: i386 reaches the first 128
	 * bytes with a one-byte displacement. */
	uint8_t state;             /**< enum nb_tftp_state. */
	bool plain;                /**< Options dropped (fallback request). */
	bool tid_known;            /**< Server's port is fixed. */
	bool oack;                 /**< The server answered with an OACK. */
	bool have_tsize;           /**< @ref tsize came from the server. */
	bool timed_sample;         /**< The packet being timed was not re-sent. */
	uint8_t timeout_s;         /**< Server timeout accepted, 0 if none. */
	uint16_t tid;              /**< Server's port (transfer ID). */
	uint16_t blksize;          /**< Block size in use. */
	uint16_t windowsize;       /**< Window in use (1 = lock-step). */
	int status;                /**< -NB_EAGAIN, 0 or the final error. */
	struct nb_tftp_cfg cfg;    /**< Copy of the request settings. */
	const struct nb_sink *sink; /**< Destination (caller-owned, outlives). */
	const struct nb_tftp_io *io; /**< Transport operations. */
	void *io_ctx;              /**< Passed to every @ref io operation. */
	struct nb_stack *stack;    /**< Stack of the default transport. */
	uint64_t now;              /**< Latest time seen (ms). */
	uint64_t next;             /**< Absolute number of the next block. */
	uint64_t last_ack;         /**< Absolute block last acknowledged. */
	uint64_t gap_for;          /**< @ref next when a gap ACK was sent. */
	uint64_t bytes;            /**< Payload bytes delivered in order. */
	uint64_t tsize;            /**< File size announced by the server. */
	uint64_t timed_at;         /**< When the timed packet left (ms). */
	struct nb_backoff backoff; /**< Consecutive-timeout state. */
	struct nb_deadline timer;  /**< Retransmission deadline. */
	struct nb_rtt rtt;         /**< RTT estimate; rtt.rto: base timeout. */
	uint16_t err_code;         /**< Server's TFTP error code, if any. */
	struct nb_udp_sock sk;     /**< Socket of the default transport. */
	struct nb_tftp_stats stats; /**< Counters. */
	char err_msg[NB_TFTP_ERRMSG_MAX]; /**< Server's message (NUL-ended). */
	uint8_t pkt[NB_TFTP_REQ_MAX]; /**< Scratch for outgoing packets. */
};

/**
 * Fill @p cfg with the defaults: blksize = the largest block that fits
 * the stack's link MTU without IP fragmentation (1468 on Ethernet),
 * windowsize NB_TFTP_WINDOW_DEFAULT, timeout NB_TFTP_TIMEOUT_DEFAULT_S,
 * tsize asked, and the NB_TFTP_RTO_* / NB_TFTP_MAX_TRIES timing.
 * @param cfg       Settings to fill.
 * @param s         Stack whose MTU sizes blksize; NULL gives 1468.
 * @param server    Server address (host order).
 * @param filename  File to read; must outlive the transfer.
 */
void nb_tftp_cfg_init(struct nb_tftp_cfg *cfg, const struct nb_stack *s,
		      uint32_t server, const char *filename);

/**
 * Open a UDP socket on @p s (random ephemeral port) and send the read
 * request.
 * @param t       Transfer (caller-owned, zeroed by this call); must not be
 *                moved while running, as the socket points back at it.
 * @param s       Configured stack (address set).
 * @param cfg     Settings (copied; cfg->filename is not).
 * @param sink    Where the file goes; must outlive the transfer.
 * @param now_ms  Current time.
 * @return 0 once the request is under way; -NB_EINVAL for bad settings
 *         (NULL pointers, empty name, out-of-range option values);
 *         -NB_EMSGSIZE if the request does not fit 512 bytes; socket
 *         errors from nb_udp_open().
 *         -NB_EABI when the caller was compiled with other tunables
 *         than the library (netboot/abi.h).
 */
int nb_tftp_start(struct nb_tftp *t, struct nb_stack *s,
		  const struct nb_tftp_cfg *cfg, const struct nb_sink *sink,
		  uint64_t now_ms);

/**
 * Like nb_tftp_start() over a caller-supplied transport: packets for the
 * transfer are handed in with nb_tftp_input().
 * @param t       Transfer (caller-owned, zeroed by this call).
 * @param cfg     Settings (copied; cfg->filename is not).
 * @param sink    Where the file goes; must outlive the transfer.
 * @param io      Transport operations; must outlive the transfer.
 * @param io_ctx  Passed to @p io.
 * @param now_ms  Current time.
 * @return As nb_tftp_start(), without the socket errors.
 *         -NB_EABI when the caller was compiled with other tunables
 *         than the library (netboot/abi.h).
 */
int nb_tftp_start_io(struct nb_tftp *t, const struct nb_tftp_cfg *cfg,
		     const struct nb_sink *sink, const struct nb_tftp_io *io,
		     void *io_ctx, uint64_t now_ms);
/** @cond PRIVATE */
#define NB_TFTP_ABI_ID                                                        \
	NB_ABI_ID(sizeof(struct nb_tftp) + (sizeof(struct nb_tftp_cfg) << 16))
#ifndef NB_LIB_BUILD
#define nb_tftp_start(...)                                                    \
	NB_ABI_CALL(NB_ABI_TFTP, NB_TFTP_ABI_ID, nb_tftp_start(__VA_ARGS__))
#define nb_tftp_start_io(...)                                                 \
	NB_ABI_CALL(NB_ABI_TFTP, NB_TFTP_ABI_ID, nb_tftp_start_io(__VA_ARGS__))
#endif
/** @endcond */

/**
 * Handle one received UDP payload addressed to the transfer's port
 * (the default transport calls this from its socket callback).
 * @param t         Transfer.
 * @param src_ip    Sender's address.
 * @param src_port  Sender's port.
 * @param pkt       The TFTP packet; valid during the call only.
 * @param len       Its length.
 * @param now_ms    Current time.
 */
void nb_tftp_input(struct nb_tftp *t, uint32_t src_ip, uint16_t src_port,
		   const void *pkt, size_t len, uint64_t now_ms);

/**
 * Run timers: retransmit the request or the last ACK when nothing arrived
 * in time, and give up after cfg.max_tries consecutive timeouts.
 * @param t       Transfer.
 * @param now_ms  Current time.
 * @return -NB_EAGAIN while running; 0 when the whole file is in the sink;
 *         -NB_ETIMEDOUT; -NB_ECONNREFUSED (ICMP port unreachable for
 *         the request); a server ERROR mapped per enum nb_tftp_errcode,
 *         with the message in nb_tftp::err_msg; -NB_EOPTION (options
 *         refused even without options); -NB_ETOOBIG (more data than
 *         tsize); -NB_EPROTO (protocol violation or a file shorter than
 *         its tsize); or the sink's error.
 */
int nb_tftp_poll(struct nb_tftp *t, uint64_t now_ms);

/**
 * nb_tftp_poll() with the nb_poll_fn signature, for nb_wait().
 * @param t       A struct nb_tftp.
 * @param now_ms  Current time.
 * @return As nb_tftp_poll().
 */
int nb_tftp_poll_fn(void *t, uint64_t now_ms);

/**
 * Abort a running transfer: tell the server with ERROR 0 and release the
 * port.  Later polls return -NB_ECANCELED.  Safe to call at any time and
 * twice; harmless on a finished one.
 * @param t  Transfer.
 */
void nb_tftp_cancel(struct nb_tftp *t);

/**
 * Why the transfer failed, in a few English words: the server's ERROR
 * message when it sent one with text, else the error's nb_strerror() text.
 * @param t  Transfer.
 * @return A NUL-terminated string valid until the next start on @p t;
 *         "" before the start, while running or after success.
 */
const char *nb_tftp_why(const struct nb_tftp *t);


#endif
