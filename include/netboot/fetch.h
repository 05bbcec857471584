/**
 * @file fetch.h
 * @brief URL -> sink: the one download entry point for loaders and tools
 *        (lib/fetch).
 *
 * A struct nb_fetch takes a URL, parses it with nb_url_parse() and runs
 * the protocol it names into a struct nb_sink:
 *
 * - `http://host[:port]/path` runs lib/http (redirects, resumes, ranges,
 *   parallel parts) over a TCP demultiplexer the caller supplies in
 *   nb_fetch_cfg::tcp;
 * - `tftp://host[:port]/path` runs lib/tftp; the path is percent-decoded
 *   and its leading '/' dropped (servers resolve names under their root
 *   either way, and a leading '/' breaks some of them); a host name is
 *   resolved with lib/dns first;
 * - a bare name (no `scheme://`) is a TFTP file on the configured default
 *   server (nb_fetch_cfg::tftp_server, the lease's next-server), taken
 *   literally;
 * - `https://` needs nb_fetch_cfg::tls, `http://[v6]/`
 *   nb_fetch_cfg::tcp6 and `tftp://[v6]/` nb_fetch_cfg::tftp6 (both from
 *   lib/ip6's nb_stack6); without them, -NB_ENOTSUP.
 *
 * TFTP normally opens its own UDP socket on the stack.  A caller that must
 * see the packets first (the PXE API gateway, which drops DATA while its
 * ring is full) sets nb_fetch_cfg::tftp_io and hands each received packet
 * to nb_fetch_input().
 *
 * The rhythm is that of every long-running object: nb_fetch_start(), then
 * after each nb_stack_poll() nb_fetch_poll() until it stops returning
 * -NB_EAGAIN; nb_fetch_why() then says in English why it failed.
 *
 * Memory: sizeof(struct nb_fetch) is that of struct nb_http plus under
 * 1 KiB (the decoded TFTP name, a host name and the reason text): about
 * 59 KiB with NB_HTTP_PARTS_MAX 8, 11 KiB with 1 (x86_64).  The TFTP
 * transfer and its DNS query share storage with the HTTP one.  No arena;
 * stack use below 512 bytes.
 *
 * Lifetimes: the struct nb_fetch is caller-owned, zeroed before its first
 * use, and must not move while a transfer runs or an idle HTTP connection
 * is kept (sockets point back into it).  The URL and the configuration
 * are copied by nb_fetch_start(); what the configuration points to (the
 * User-Agent text, the TCP demultiplexer, the tftp_io table and its
 * context), the stack and the sink must outlive the transfer.
 */
#ifndef NETBOOT_FETCH_H
#define NETBOOT_FETCH_H

#include "netboot/core.h"
#include "netboot/dns.h"
#include "netboot/http.h"
#include "netboot/sink.h"
#include "netboot/tcp.h"
#include "netboot/tftp.h"
#include "netboot/url.h"

struct nb_stack;

/**
 * Longest TFTP file name (after percent-decoding, NUL included).  A read
 * request must fit NB_TFTP_REQ_MAX together with its options, so a longer
 * name could never be asked for.
 */
#define NB_FETCH_NAME_MAX NB_TFTP_REQ_MAX

/** Room for the reason text of a failure (NUL included). */
#define NB_FETCH_WHY_MAX 96

/**
 * nb_fetch_cfg::tftp_blksize and nb_fetch_cfg::tftp_windowsize value
 * meaning "the library's choice" (blksize: the largest block the link MTU
 * carries unfragmented; windowsize: NB_TFTP_WINDOW_DEFAULT).
 */
#define NB_FETCH_AUTO 0xffffu

/** User-Agent sent when nb_fetch_cfg::user_agent is NULL. */
#define NB_FETCH_USER_AGENT "libnetboot"

/** Which protocol a fetch runs. */
enum nb_fetch_kind {
	NB_FETCH_NONE = 0, /**< Not started, or refused before any protocol. */
	NB_FETCH_HTTP = 1, /**< lib/http. */
	NB_FETCH_TFTP = 2  /**< lib/tftp (maybe after a lib/dns lookup). */
};

/** How to fetch.  Fill with nb_fetch_cfg_init(), then adjust. */
struct nb_fetch_cfg {
	/** HTTP User-Agent (keep it under 100 bytes), or NULL for
	 *  NB_FETCH_USER_AGENT. */
	const char *user_agent;
	/** TCP demultiplexer (nb_tcp_init() on the same stack) for http://;
	 *  NULL makes http:// fail with -NB_EINVAL. */
	struct nb_tcp *tcp;
	/** For `[v6]` hosts (http://): see nb_http_cfg::tcp6; NULL makes
	 *  them fail with -NB_ENOTSUP. */
	struct nb_tcp *tcp6;
	/** http:// names by AAAA over v6 first: see nb_http_cfg::dns6. */
	struct nb_dns_net *dns6;
	/** https:// (and redirects to it): lib/tls's hooks,
	 *  nb_tls_client_http(); NULL makes https:// fail with
	 *  -NB_ENOTSUP. */
	const struct nb_http_tls *tls;
	/** HTTP: a connection moving no byte this long is resumed
	 *  (0: NB_HTTP_STALL_MS). */
	uint32_t stall_ms;
	/** HTTP: parallel ranged parts (0 or 1: one connection;
	 *  at most NB_HTTP_PARTS_MAX). */
	unsigned http_parts;
	/** HTTP: with @ref http_parts > 1, split only for a server whose
	 *  first handshake took at least this many ms (0: always; see
	 *  nb_http_cfg::parts_min_rtt_ms).  NB_HTTP_PARTS_FAR parts from
	 *  NB_HTTP_PARTS_RTT_MS is what the UEFI chainloader does by
	 *  default (the BIOS one keeps one connection). */
	uint16_t http_parts_min_rtt_ms;
	/** Fetch only bytes first..last (HTTP only: TFTP answers
	 *  -NB_ENOTSUP). */
	bool has_range;
	uint64_t first; /**< First byte of the range. */
	uint64_t last;  /**< Last byte (inclusive), UINT64_MAX for the end. */
	/** HTTP: POST this form body (NUL-terminated, not copied: it must
	 *  outlive the transfer) instead of a GET; NULL for a GET. */
	const char *post;
	/** TFTP blksize to ask for: NB_FETCH_AUTO, 0 (do not ask: 512-byte
	 *  blocks) or 8..65464. */
	uint16_t tftp_blksize;
	/** TFTP windowsize to ask for: NB_FETCH_AUTO, 0 (do not ask:
	 *  lock-step) or 1..NB_TFTP_WINDOW_MAX. */
	uint16_t tftp_windowsize;
	/** TFTP server for bare names (host order), typically the lease's
	 *  next-server; 0 when none is known. */
	uint32_t tftp_server;
	/** TFTP server port for bare names and for tftp:// URLs naming
	 *  none (the PXE API's TFTP_OPEN may name one); 0 for 69. */
	uint16_t tftp_port;
	/** Run TFTP over this transport instead of a socket of its own
	 *  (NULL: own socket); packets then come in via nb_fetch_input(). */
	const struct nb_tftp_io *tftp_io;
	void *tftp_io_ctx; /**< Passed to every @ref tftp_io operation. */
	/** For `tftp://[v6]/`: a transport taking text addresses (lib/ip6's
	 *  nb_tftp6::net); its receive path feeds the transfer directly.
	 *  NULL makes such URLs fail with -NB_ENOTSUP. */
	struct nb_tftp_net *tftp6;
	/** HTTP retries (a dropped, reset, refused or timed-out connection, a
	 *  502/503/504) in a row without progress, per server: 0 for NB_HTTP_RESUME_MAX,
	 *  NB_FETCH_NO_RETRY for none.  Each waits an exponential backoff
	 *  with full jitter, never less than the server's Retry-After, and
	 *  resumes with Range from the first byte the sink lacks. */
	uint8_t retries;
	/** HTTP: no retry starts later than this after the start or the
	 *  last progress, counted over all mirrors together: once it is
	 *  spent no further mirror is tried (ms; 0 for NB_HTTP_RETRY_MS). */
	uint32_t retry_ms;
	/** Other URLs of the same file (http://), tried in order when the
	 *  URL given to nb_fetch_start() (then each mirror before) fails
	 *  for good; the next mirror resumes from the bytes the sink already
	 *  holds only as nb_http_cfg::failover allows (If-Range with their
	 *  strong validator, the same full size): a mirror holding another
	 *  file by that name is fetched from byte 0, never spliced on.
	 *  While another mirror remains, a server gets at most one
	 *  retry (of @ref retries), so a dead one is left quickly.  Every nb_fetch_start() begins again with its own URL.
	 *  NULL when none; the array and its strings are caller-owned and
	 *  must outlive the fetch. */
	const char *const *mirrors;
	uint8_t nmirrors; /**< Entries in @ref mirrors. */
};

/** nb_fetch_cfg::retries value: no retry at all (one attempt). */
#define NB_FETCH_NO_RETRY 255

/** @cond PRIVATE */
struct nb_fetch_tftp {
	struct nb_dns dns;
	struct nb_tftp t;
};
/** @endcond */

/**
 * One download.  Caller-owned; zero it before its first use.  Fields are
 * private: use the accessors below.
 */
struct nb_fetch {
	/** @cond PRIVATE */
	struct nb_stack *s;
	const struct nb_sink *sink;
	struct nb_fetch_cfg cfg;
	uint8_t kind;
	uint8_t state;
	uint8_t mirror; /* mirrors tried */
	int status;
	uint32_t server;
	uint16_t port;
	char host[NB_URL_HOST_MAX + 1];
	char name[NB_FETCH_NAME_MAX];
	char why[NB_FETCH_WHY_MAX];
	union {
		struct nb_http http;
		struct nb_fetch_tftp tftp;
	} u;
	/** @endcond */
};

/**
 * Fill @p cfg with the defaults: User-Agent NB_FETCH_USER_AGENT, no TCP,
 * the HTTP stall timeout NB_HTTP_STALL_MS, one part, no range, TFTP
 * blksize and windowsize NB_FETCH_AUTO, no default TFTP server, default
 * TFTP port, own TFTP socket, the library's retries, no mirrors.
 * @param cfg  Settings to fill.
 */
void nb_fetch_cfg_init(struct nb_fetch_cfg *cfg);

/**
 * Start fetching @p url into @p sink.  Refusals (bad URL, unsupported
 * scheme, no server) are reported here, with nb_fetch_why() saying why.
 * If @p f holds an idle kept-alive HTTP connection to the same server
 * from its previous fetch, an http:// fetch reuses it; any other start
 * releases it.
 * @param f       Fetch object (zeroed before its first use).
 * @param s       Configured stack (address set; DNS servers for names).
 * @param cfg     Settings (copied), or NULL for nb_fetch_cfg_init()'s.
 * @param url     `http://...`, `tftp://...` or a bare TFTP name,
 *                NUL-terminated; copied (as far as the protocol needs it).
 * @param sink    Destination; must outlive the fetch.
 * @param now_ms  Current time.
 * @return 0 once under way; -NB_EINVAL (malformed URL, empty TFTP name,
 *         bad settings, http:// without cfg->tcp or cfg->tcp6);
 *         -NB_ENOTSUP (https without cfg->tls, IPv6 hosts without
 *         cfg->tcp6 or cfg->tftp6, other schemes, a range over TFTP); -NB_EUNREACH (a
 *         bare name with no default server); -NB_EMSGSIZE (URL or name too
 *         long); start errors of lib/http, lib/tftp or lib/dns.
 */
int nb_fetch_start(struct nb_fetch *f, struct nb_stack *s,
		   const struct nb_fetch_cfg *cfg, const char *url,
		   const struct nb_sink *sink, uint64_t now_ms);

/**
 * Drive the fetch (name lookup, protocol timers, completion).  Call after
 * each nb_stack_poll().
 * @param f       Fetch.
 * @param now_ms  Current time.
 * @return -NB_EAGAIN while running (retries and mirror failovers
 *         included); 0 when the whole file (or range) is in the sink;
 *         otherwise the last protocol error as nb_http_poll(),
 *         nb_tftp_poll() or nb_dns_poll() report it, -NB_ECANCELED after
 *         nb_fetch_cancel(), or the start error when it never started.
 */
int nb_fetch_poll(struct nb_fetch *f, uint64_t now_ms);

/**
 * nb_fetch_poll() with the nb_poll_fn signature, for nb_wait().
 * @param f       A struct nb_fetch.
 * @param now_ms  Current time.
 * @return As nb_fetch_poll().
 */
int nb_fetch_poll_fn(void *f, uint64_t now_ms);

/**
 * Hand a packet received on the caller's TFTP transport
 * (nb_fetch_cfg::tftp_io) to the transfer.  Ignored unless a TFTP
 * transfer over that transport is running.
 * @param f         Fetch.
 * @param src_ip    Sender's address.
 * @param src_port  Sender's port.
 * @param pkt       The TFTP packet; valid during the call only.
 * @param len       Its length.
 * @param now_ms    Current time.
 */
void nb_fetch_input(struct nb_fetch *f, uint32_t src_ip, uint16_t src_port,
		    const void *pkt, size_t len, uint64_t now_ms);

/**
 * Stop the fetch and release everything it holds: a running transfer is
 * aborted (TFTP tells the server), an idle kept-alive HTTP connection is
 * closed.  Safe to call at any time and twice.
 * @param f  Fetch; a running one then reports -NB_ECANCELED.
 */
void nb_fetch_cancel(struct nb_fetch *f);

/**
 * Why the fetch failed, in a few English words ("https is not
 * supported", "tftp:// needs a file name", "HTTP 404", "TFTP server: File
 * not found", or the error's nb_strerror() text).
 * @param f  Fetch.
 * @return A NUL-terminated string valid until the next nb_fetch_start()
 *         on @p f; "" while running or after success.
 */
const char *nb_fetch_why(const struct nb_fetch *f);

/**
 * The protocol the fetch runs.
 * @param f  Fetch.
 * @return enum nb_fetch_kind value.
 */
enum nb_fetch_kind nb_fetch_kind(const struct nb_fetch *f);

/**
 * Whether the file's size is known: announced by the server (HTTP
 * Content-Length or Content-Range, TFTP tsize), or the fetch completed.
 * @param f  Fetch.
 * @return True once nb_fetch_total() is meaningful.
 */
bool nb_fetch_size_known(const struct nb_fetch *f);

/**
 * The file's size: as announced, or after a fetch without announcement,
 * the bytes it delivered.
 * @param f  Fetch.
 * @return Size in bytes; 0 while unknown.
 */
uint64_t nb_fetch_total(const struct nb_fetch *f);

/**
 * Payload bytes delivered to the sink so far (HTTP rewrites after a
 * resume count again).
 * @param f  Fetch.
 * @return Byte count.
 */
uint64_t nb_fetch_bytes(const struct nb_fetch *f);

/**
 * The HTTP transfer, for its statistics (status code, requests, resumes).
 * @param f  Fetch.
 * @return The struct nb_http of an http:// fetch (read only), else NULL.
 */
const struct nb_http *nb_fetch_http(const struct nb_fetch *f);

/**
 * The TFTP transfer, for its statistics and negotiated options.
 * @param f  Fetch.
 * @return The struct nb_tftp of a TFTP fetch once the request is under
 *         way (read only), else NULL.
 */
const struct nb_tftp *nb_fetch_tftp(const struct nb_fetch *f);

#endif
