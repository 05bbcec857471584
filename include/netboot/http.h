/**
 * @file http.h
 * @brief HTTP/1.1 client for downloads: GET/HEAD, Range, resume, parallel
 *        parts, chunked bodies, keep-alive and redirects (lib/http).
 *
 * The module has two layers.
 *
 * **Parsers** (usable without TCP, each stateless or a small streaming
 * state machine over caller buffers): nb_http_parse_response(), the
 * chunked decoder nb_http_chunked_step(), nb_http_check_range(), nb_base64_encode() and nb_http_build_request().
 * Every one takes (pointer, length), never reads outside it, and reports
 * malformed input with -NB_EPROTO (or -NB_EINVAL for caller input).
 *
 * **Client** (struct nb_http): one download into a struct nb_sink over
 * lib/tcp.  The body of a response with Content-Length is mapped straight
 * from TCP stream offsets to file offsets, so out-of-order segments land
 * at their final place and the TCP window is the sink's free space.
 * Headers are parsed in a small per-connection buffer; chunked bodies are
 * decoded in order.  A dropped, reset, refused or timed-out connection,
 * and a 502, 503 or 504 answer, are retried (lib/http/retry.c): bounded
 * tries and total time, exponential backoff with full jitter, never
 * before a Retry-After, resuming with `Range` and `If-Range` from the
 * first byte not yet held, so a crowd of clients gives a restarting
 * server a spread of requests rather than a synchronized hammer.
 * `parts` > 1 fetches the file as that many ranged
 * parts over as many connections into the same sink: the first request
 * asks for the first MiB only, and when its answer is a 206 with the
 * size the rest is split among the parts (at least 256 KiB each), part 0
 * taking the last share after its first MiB; a file within that MiB
 * takes one request, a server ignoring Range sends it all on the one
 * connection, and a POST is never split.  With `parts_min_rtt_ms` the
 * split waits for the first handshake and happens only for a far server
 * (see nb_http_cfg::parts_min_rtt_ms).  Redirects are
 * followed up to NB_HTTP_REDIRECTS_MAX; idle keep-alive connections (all
 * the parts') are reused by the next download from the same server.
 *
 * Offsets: the sink receives resource offsets minus the first byte asked
 * for, so a whole-file download writes at 0..size-1 and a `Range: A-B`
 * download writes the range at 0..B-A.  All offsets are 64-bit.
 *
 * Worst-case memory: sizeof(struct nb_http), dominated by
 * NB_HTTP_PARTS_MAX x (NB_HTTP_HDR_BUF + NB_HTTP_SEND_BUF + a TCP
 * connection, ~7 KiB) plus two URL buffers: about 58 KiB with the
 * defaults (8 parts), under 10 KiB with NB_HTTP_PARTS_MAX=1 (netboot/config.h).  No arena; stack use below 512 bytes.
 */
#ifndef NETBOOT_HTTP_H
#define NETBOOT_HTTP_H

#include "netboot/abi.h"
#include "netboot/core.h"
#include "netboot/dns.h"
#include "netboot/sink.h"
#include "netboot/tcp.h"
#include "netboot/url.h"

struct nb_stack;

/** @name Limits
 * @{ */
/** Hex digits accepted in a chunk size (16 would be 2^64 bytes). */
#define NB_HTTP_CHUNK_DIGITS 15

/** @} */

/** @name Response headers
 * @{ */
/** What nb_http_parse_response() found in a response header block. */
struct nb_http_resp {
	uint16_t status;       /**< Status code (100..999). */
	uint8_t minor;         /**< HTTP/1.minor. */
	bool keep_alive;       /**< Connection may carry another request. */
	bool has_length;       /**< A Content-Length was given... */
	uint64_t length;       /**< ...with this value. */
	bool chunked;          /**< Transfer-Encoding: chunked. */
	bool has_range;        /**< A Content-Range `bytes A-B/T` was given... */
	uint64_t range_first;  /**< ...A */
	uint64_t range_last;   /**< ...B (inclusive) */
	uint64_t range_total;  /**< ...T, or UINT64_MAX for `*`. */
	bool accept_ranges;    /**< Accept-Ranges: bytes. */
	const char *etag;      /**< ETag value (into the buffer) or NULL. */
	size_t etag_len;       /**< Its length. */
	const char *last_modified; /**< Last-Modified value or NULL. */
	size_t last_modified_len;  /**< Its length. */
	const char *location;  /**< Location value or NULL. */
	size_t location_len;   /**< Its length. */
	/** Retry-After in seconds (0: none; at most 86400).  An HTTP-date
	 *  reads as 86400: the library has no wall clock to compare it with,
	 *  and retrying later than asked is always allowed. */
	uint32_t retry_after;
};

/**
 * Parse a response's status line and header block.  Stateless: call it
 * again with more bytes after -NB_EAGAIN.  Accepts CRLF and bare LF line
 * ends; header names are case-insensitive.
 * @param buf  Received bytes from the start of the response.
 * @param len  How many.
 * @param r    Receives the fields; string fields point into @p buf.
 * @return The header block length including its final blank line (the
 *         body starts there); -NB_EAGAIN if the block is incomplete;
 *         -NB_EPROTO for a malformed status line or header (obsolete line
 *         folding, a bad or conflicting Content-Length, a bad
 *         Content-Range, control bytes); -NB_ENOTSUP for a transfer coding
 *         other than chunked.
 */
int nb_http_parse_response(const char *buf, size_t len,
			   struct nb_http_resp *r);

/**
 * Check that a response carries what was asked for.
 * @param r      Parsed response with status 200 or 206.
 * @param first  First byte requested.
 * @param last   Last byte requested (inclusive), UINT64_MAX for "to the end".
 * @return 0 when a 206's Content-Range starts at @p first, ends at @p last
 *         or at the end of the resource, is consistent with its total and
 *         with Content-Length; 0 for a 200 (the whole resource: the caller
 *         decides whether that will do); -NB_EPROTO otherwise.
 */
int nb_http_check_range(const struct nb_http_resp *r, uint64_t first,
			uint64_t last);

/**
 * The error a status code stands for.
 * @param status  HTTP status code.
 * @return 0 for 2xx; -NB_ENOTFOUND (404, 410), -NB_EAUTH (401, 407),
 *         -NB_EACCES (403), -NB_ERANGE (416), -NB_ESERVER (5xx),
 *         -NB_EREDIRECT (3xx, which the client follows itself),
 *         -NB_EHTTP for anything else.
 */
int nb_http_status_error(unsigned status);
/** @} */

/** @name Chunked transfer coding (RFC 9112 7.1)
 * @{ */
/** Decoder state (caller-owned; zero it or call nb_http_chunked_init()). */
struct nb_http_chunked {
	uint8_t state;      /**< Private state number. */
	uint8_t digits;     /**< Hex digits of the current size. */
	uint16_t line;      /**< Bytes of the current extension/trailer line. */
	uint64_t left;      /**< Payload bytes left in the current chunk. */
	uint64_t payload;   /**< Payload bytes decoded so far. */
	uint64_t overhead;  /**< Framing bytes consumed so far. */
};

/**
 * Reset a decoder to the start of a chunked body.
 * @param c  Decoder.
 */
void nb_http_chunked_init(struct nb_http_chunked *c);

/**
 * Consume bytes of a chunked body.  Each call consumes framing, or
 * payload, or both; payload always forms the tail of what was consumed.
 * @param c     Decoder.
 * @param in    Body bytes, in order.
 * @param len   How many (a call with 0 returns 0).
 * @param data  Receives how many of the consumed bytes, counted back from
 *              the end of the consumed span, are payload.
 * @return Bytes consumed (0 only when @p len is 0 or the body is
 *         complete); -NB_EPROTO for bad framing (non-hex size, more than
 *         NB_HTTP_CHUNK_DIGITS digits, missing CRLF after data, an
 *         extension or trailer line over 1 KiB, framing overhead beyond
 *         NB_HTTP_CHUNK_OVERHEAD plus the payload).
 */
int nb_http_chunked_step(struct nb_http_chunked *c, const uint8_t *in,
			 size_t len, size_t *data);

/**
 * Whether the body is complete.
 * @param c  Decoder.
 * @return True once the last chunk and the trailer section were consumed.
 */
bool nb_http_chunked_done(const struct nb_http_chunked *c);
/** @} */

/** @name Requests
 * @{ */
/**
 * Base64 (RFC 4648, with padding), for Basic authentication.
 * @param in   Bytes to encode.
 * @param len  Their count.
 * @param out  Destination; NUL-terminated on success.
 * @param cap  Its size: at least 4 * ceil(len / 3) + 1.
 * @return Characters written (without the NUL), or -NB_EMSGSIZE.
 */
int nb_base64_encode(const void *in, size_t len, char *out, size_t cap);

/** What a request asks for (see nb_http_build_request()). */
struct nb_http_req {
	bool head;             /**< HEAD instead of GET. */
	const struct nb_url *url; /**< Target (host, port, path, userinfo). */
	const char *user_agent;   /**< User-Agent value, or NULL for none. */
	bool has_range;        /**< Send `Range: bytes=first-last`. */
	uint64_t first;        /**< First byte. */
	uint64_t last;         /**< Last byte, UINT64_MAX for open-ended. */
	const char *if_range;  /**< Validator for If-Range, or NULL. */
	size_t if_range_len;   /**< Its length. */
	bool close;            /**< Send `Connection: close`. */
	/** A form body to POST (application/x-www-form-urlencoded,
	 *  NUL-terminated), or NULL for GET/HEAD. */
	const char *post;
};

/**
 * Write an HTTP/1.1 request: request line, Host (with the port when not
 * 80), User-Agent, Authorization: Basic from the URL's percent-decoded
 * userinfo, Range, If-Range, Connection, and the blank line; with
 * nb_http_req::post, a POST with Content-Type, Content-Length and the body
 * after the blank line.
 * @param buf  Destination (not NUL-terminated).
 * @param cap  Its size.
 * @param rq   What to ask.
 * @return Request length; -NB_EMSGSIZE if it does not fit; -NB_EINVAL for
 *         a bad percent escape or an over-long userinfo.
 */
int nb_http_build_request(char *buf, size_t cap, const struct nb_http_req *rq);
/** @} */

/** @name Client
 * @{ */
struct nb_http;

/**
 * A secure layer between an HTTP part and its TCP connection, for
 * https:// URLs.  lib/tls provides one (nb_tls_client_http() in
 * netboot/tls.h); lib/http only calls these hooks, so programs without
 * TLS carry none of it.  @p layer is what attach() returned for the part.
 */
struct nb_http_tls {
	/**
	 * Put a layer over connection @p c (a part's), before
	 * nb_tcp_connect().  On entry @p rx is HTTP's consumer (it will get
	 * plaintext, in order, at plaintext stream offsets); on return it is
	 * the layer's consumer, which HTTP gives to TCP.
	 * @return 0 with *@p layer set; a negative NB_E* code.
	 */
	int (*attach)(void *ctx, struct nb_tcp_conn *c,
		      const struct nb_url *u, struct nb_tcp_rx *rx,
		      void **layer);
	/** nb_tcp_send() for plaintext (sent once the handshake is done);
	 * returns @p len or a negative code (-NB_EMSGSIZE when it does not
	 * fit). */
	int (*send)(void *layer, const void *data, size_t len);
	/** nb_tcp_rx_offset() of the plaintext stream. */
	uint64_t (*rx_offset)(const void *layer);
	/** nb_tcp_poll() plus the layer's own failures and deadlines; once
	 * it returns anything but -NB_EAGAIN the TCP connection is over. */
	int (*poll)(void *layer, uint64_t now_ms);
	void *ctx; /**< Passed to attach(). */
};

/** One connection of a download (private; inside struct nb_http). */
struct nb_http_part {
	/** @cond PRIVATE */
	struct nb_http *h;        /**< Owner. */
	uint8_t state;            /**< Private state number. */
	bool open;                /**< @ref conn is linked (needs polling). */
	bool keep_alive;          /**< Server allows another request. */
	bool is_head;             /**< Current request is HEAD. */
	bool ranged;              /**< Current request carries a Range. */
	int err;                  /**< Error that ended the part, or 0. */
	void *tls;                /**< nb_http_tls layer over @ref conn, or NULL. */
	uint64_t first;           /**< Next resource byte this part fetches. */
	uint64_t last;            /**< Last byte (inclusive) or UINT64_MAX. */
	uint64_t resp_off;        /**< Stream offset where the response began. */
	uint64_t body_off;        /**< Stream offset of the body's first byte. */
	uint64_t body_res;        /**< Resource offset of that byte. */
	uint64_t body_end;        /**< Stream offset one past the body, or UINT64_MAX. */
	uint64_t chunk_res;       /**< Next resource offset of chunked payload. */
	uint64_t last_progress;   /**< Time the part last moved bytes. */
	uint64_t retry_at;        /**< No reconnection before this time. */
	uint64_t done_res;        /**< Contiguous resource bytes held from @ref first. */
	uint64_t high;            /**< Most resource bytes a resume found held. */
	struct nb_http_chunked chunked; /**< Chunked decoder. */
	bool body_chunked;        /**< Body is chunked. */
	bool body_to_close;       /**< Body runs until the server closes. */
	uint16_t hdr_len;         /**< Bytes in @ref hdr. */
	/* The connection and buffers last: i386 reaches the first 128
	 * bytes with a one-byte displacement. */
	struct nb_tcp_conn conn;  /**< The TCP connection. */
	uint8_t hdr[NB_HTTP_HDR_BUF];  /**< Header block buffer. */
	uint8_t sbuf[NB_HTTP_SEND_BUF]; /**< TCP send ring. */
	/** @endcond */
};

/** How to download (see nb_http_start()). */
struct nb_http_cfg {
	const char *url;         /**< Absolute http URL, NUL-terminated; copied. */
	struct nb_tcp *tcp;      /**< TCP demultiplexer initialised on the
				      stack; must outlive the download. */
	/** For `[v6]` hosts: a family demultiplexer (nb_tcp_init_family(),
	 *  e.g. lib/ip6's nb_stack6_tcp()), outliving the download; NULL
	 *  makes such URLs fail with -NB_ENOTSUP. */
	struct nb_tcp *tcp6;
	/** Used with @ref tcp6 only.  Names are first asked as AAAA over this
	 *  transport (lib/ip6's nb_dns6, servers on v6) and reached over
	 *  @ref tcp6; A over the stack's v4 servers follows when that
	 *  fails and @ref tcp is set.  NULL: A over v4 only. */
	struct nb_dns_net *dns6;
	bool head;               /**< HEAD only: learn size and validators. */
	bool has_range;          /**< Fetch only bytes first..last... */
	uint64_t first;          /**< ...from here... */
	uint64_t last;           /**< ...to here inclusive (UINT64_MAX: end). */
	unsigned parts;          /**< Parallel connections (0 or 1: one). */
	/** With @ref parts > 1: split only when the server is far.  0: always
	 *  (when the file is large enough).  Otherwise the first connection
	 *  is opened alone and its handshake timed, from when its SYN could
	 *  leave (not while ARP still resolves the next hop: the first ARP
	 *  of a boot costs a round trip of its own on a long link) to the
	 *  SYN-ACK; at or above this many ms the download goes in @ref
	 *  parts, below it on that one connection with no probe.  The
	 *  request leaves when the handshake is done either way, so the
	 *  timing costs no round trip.  A handshake that fails or whose SYN
	 *  was sent again counts as near.  The next download reusing a
	 *  kept connection of @p h goes by the same measure (or, if that
	 *  connection was opened without one, by TCP's smoothed RTT).
	 *  NB_HTTP_PARTS_RTT_MS is the usual value. */
	uint16_t parts_min_rtt_ms;
	const char *user_agent;  /**< User-Agent (keep it under 100 bytes), or
				      NULL for "libnetboot". */
	uint32_t stall_ms;       /**< 0 for NB_HTTP_STALL_MS. */
	uint8_t max_resumes;     /**< Retries (resumes) in a row without
				      progress, summed over the parts: 0 for
				      NB_HTTP_RESUME_MAX; 255 = none. */
	uint32_t retry_ms;       /**< No retry starts later than this after
				      the start or the last progress: 0 for
				      NB_HTTP_RETRY_MS. */
	/** A failover: continue on this server the download @p h last ran
	 *  on another one (a mirror).  Its retry clock goes on (@ref
	 *  retry_ms bounds all servers together).  The bytes it held are
	 *  kept and asked for from the byte after them only when they came
	 *  with a strong validator: the Range then carries If-Range with it,
	 *  and the full size must match, so another file of the same name
	 *  ends the download with -NB_ECHANGED before a byte of it is
	 *  written (nb_fetch then starts that mirror over from byte 0).
	 *  Without a strong validator the new server starts from byte 0.
	 *  A validator proves no more than its servers compute: nginx's
	 *  ETag is mtime-size, so two files of one size and mtime pass. */
	bool failover;
	/** A form body to POST instead of a GET (NUL-terminated; it must
	 *  fit the request buffer with the headers), or NULL.  Not
	 *  copied: it must outlive the download. */
	const char *post;
	/** https:// support (must outlive the download), or NULL: https
	 * URLs then fail with -NB_ENOTSUP. */
	const struct nb_http_tls *tls;
};

/** Counters of a download (read freely). */
struct nb_http_stats {
	uint32_t requests;   /**< Requests sent. */
	uint32_t redirects;  /**< Redirects followed. */
	uint32_t resumes;    /**< Reconnections after a drop or stall. */
	uint32_t reused;     /**< Requests sent on a kept-alive connection. */
	uint32_t restarts;   /**< Resumes answered with the whole file (200). */
	uint64_t body_bytes; /**< Body bytes written to the sink. */
};

/** A download (caller-owned; fields private unless documented). */
struct nb_http {
	/* Small fields first, buffers last: i386 reaches the first 128
	 * bytes with a one-byte displacement. */
	struct nb_stack *s;      /**< Stack. */
	struct nb_tcp *tcp;      /**< TCP demultiplexer of that stack. */
	const struct nb_sink *sink; /**< Destination. */
	uint8_t state;           /**< Private state number. */
	uint8_t nparts;          /**< Parts in use. */
	uint8_t redirects;       /**< Redirects followed. */
	bool size_known;         /**< Whether @ref size is known. */
	bool total_sent;         /**< nb_sink_total() was called. */
	uint8_t validator_len;   /**< Its length, 0 = none. */
	bool validator_weak;     /**< ETag is weak (useless for If-Range). */
	bool redirect_pending;   /**< @ref next_url holds a redirect target. */
	bool tail_pending;       /**< Part 0 still has @ref tail_first.. to ask. */
	uint16_t port;           /**< Server port. */
	uint16_t http_status;    /**< Last final status code seen. */
	uint32_t ip;             /**< Server address. */
	int status;              /**< -NB_EAGAIN, 0 or the final error. */
	uint32_t retrans_done;   /**< Retransmissions of finished connections. */
	uint32_t retry_after_ms; /**< The last response's Retry-After. */
	struct nb_backoff backoff; /**< Retry timing and the count of tries. */
	uint64_t started;        /**< Start or last progress (bounds the
				      retries). */
	uint64_t held;           /**< Contiguous bytes at the start of the
				      sink: after a failure, those it leaves;
				      while a failover runs, those the server
				      before left (asked for after them). */
	uint64_t size;           /**< The resource's full size in bytes, once @ref size_known. */
	uint64_t base;           /**< First resource byte asked (sink offset 0). */
	uint64_t end;            /**< Last resource byte wanted (inclusive) or UINT64_MAX. */
	uint64_t done_at;        /**< When the body completed (closing grace). */
	uint64_t tail_first;     /**< Part 0's share after its probe: first... */
	uint64_t tail_last;      /**< ...and last byte (inclusive). */
	struct nb_http_stats stats; /**< Counters. */
	uint32_t rtt_ms;         /**< The server's round trip as timed for
				      nb_http_cfg::parts_min_rtt_ms (at least
				      1), 0 until timed. */
	uint32_t syn_at;         /**< When the timed SYN could leave (ms,
				      modulo 2^32; 0: not yet). */
	struct nb_http_cfg cfg;  /**< Settings (url pointer not kept). */
	struct nb_url u;         /**< It, parsed. */
	struct nb_dns dns;       /**< Name resolution. */
	char validator[NB_HTTP_VALIDATOR_MAX]; /**< ETag or Last-Modified. */
	char url[NB_HTTP_URL_MAX];  /**< Current URL (after redirects). */
	char next_url[NB_HTTP_URL_MAX]; /**< Redirect target being followed. */
	/** @cond PRIVATE */
	char why[12];            /* "HTTP nnn" when a status ended it. */
	/** @endcond */
	struct nb_http_part part[NB_HTTP_PARTS_MAX]; /**< Connections. */
};

/**
 * Start a download (or a HEAD request) of @p cfg->url into @p sink.
 * If @p h still holds idle kept-alive connections to the same server
 * from a previous download, they are reused; otherwise @p h is reset.
 * @param h     Download object (caller-owned; zero it before its first
 *              use; must not move while running or holding a connection).
 * @param s       Stack (configured, with DNS servers if a name is used).
 * @param cfg     Settings (copied; the URL is copied too).
 * @param sink    Destination (caller-owned, must outlive the download); may
 *                be NULL for HEAD.
 * @param now_ms  Current time.
 * @return 0; -NB_EINVAL for a bad URL or settings (no cfg->tcp, parts >
 *         NB_HTTP_PARTS_MAX, a range with last < first); -NB_ENOTSUP for
 *         https, other schemes and IPv6 hosts without cfg->tcp6 (or
 *         not addresses of its family); -NB_EMSGSIZE for a URL over
 *         NB_HTTP_URL_MAX; DNS start errors.
 *         -NB_EABI when the caller was compiled with other tunables
 *         than the library (netboot/abi.h).
 */
int nb_http_start(struct nb_http *h, struct nb_stack *s,
		  const struct nb_http_cfg *cfg, const struct nb_sink *sink,
		  uint64_t now_ms);
/** @cond PRIVATE */
#define NB_HTTP_ABI_ID                                                        \
	NB_ABI_ID(sizeof(struct nb_http) + (sizeof(struct nb_http_cfg) << 16))
#ifndef NB_LIB_BUILD
#define nb_http_start(...)                                                    \
	NB_ABI_CALL(NB_ABI_HTTP, NB_HTTP_ABI_ID, nb_http_start(__VA_ARGS__))
#endif
/** @endcond */

/**
 * Drive the download: DNS, connections, timers, resumes.  Call after each
 * nb_stack_poll().
 * @param h       Download.
 * @param now_ms  Current time.
 * @return -NB_EAGAIN while running; 0 when the body (or HEAD answer) is
 *         complete; otherwise: -NB_ENOTFOUND (404/410 or unknown name),
 *         -NB_EAUTH (401), -NB_EACCES (403), -NB_ERANGE (416),
 *         -NB_ESERVER (5xx), -NB_EHTTP (other statuses), -NB_EREDIRECT
 *         (too many redirects), -NB_ECHANGED (the resource changed
 *         between parts or resumes), -NB_EPROTO (malformed or
 *         inconsistent response), -NB_EMSGSIZE (header block over
 *         NB_HTTP_HDR_BUF), -NB_ENOTSUP (parts without range support,
 *         https redirect), -NB_ETIMEDOUT (stalled, resumes exhausted),
 *         -NB_ECLOSED (connection closed early, resumes exhausted),
 *         TCP errors, or the sink's error.
 */
int nb_http_poll(struct nb_http *h, uint64_t now_ms);

/**
 * Abort a running download and close every connection, including idle
 * kept-alive ones.  Safe to call at any time and twice.
 * @param h  Download; a running one then reports -NB_ECANCELED.
 */
void nb_http_cancel(struct nb_http *h);

/**
 * Why the download failed, in a few English words: "HTTP 404" when a
 * status code ended it, else the error's nb_strerror() text.
 * @param h  Download.
 * @return A NUL-terminated string valid until the next nb_http_start()
 *         on @p h; "" before the start, while running or after success.
 */
const char *nb_http_why(const struct nb_http *h);

/**
 * TCP retransmissions of a download's connections.
 * @param h  Download.
 * @return Segments sent again so far, over all its connections.
 */
uint32_t nb_http_retransmits(const struct nb_http *h);
/** @} */

#endif
