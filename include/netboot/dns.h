/**
 * @file dns.h
 * @brief DNS A and AAAA resolver over UDP (lib/dns).
 *
 * Resolves one host name to one IPv4 address (or, asked with
 * nb_dns_start_type(), one IPv6 address) so `http://name/` works.
 * Queries go to the stack's configured servers (struct nb_stack::dns,
 * normally from DHCP option 6), each attempt from a fresh random ID, the
 * socket on a random ephemeral port, with retries rotating across the
 * servers.  A response is accepted only if it comes from the server and
 * port asked, carries the ID sent, and repeats the question exactly.
 * CNAME chains are followed inside one response and, when the server did
 * not include the target's address, by a new query, at most
 * NB_DNS_CNAME_MAX links in all.
 *
 * Hostile input (compression pointer loops, names or record counts
 * running past the packet, over-long names) ends the parse with
 * -NB_EPROTO: the parser is iterative, and every loop is bounded by the
 * packet length or a small constant.
 *
 * Worst-case memory: sizeof(struct nb_dns) (under 400 bytes); no arena.
 */
#ifndef NETBOOT_DNS_H
#define NETBOOT_DNS_H

#include "netboot/abi.h"
#include "netboot/core.h"
#include "netboot/ip.h"
#include "netboot/url.h"

struct nb_stack;

/** The DNS server port. */
#define NB_DNS_PORT 53

/** Longest name in wire form, root label included (RFC 1035 2.3.4). */
#define NB_DNS_WIRE_MAX 255

/** Record type of an IPv4 address (RFC 1035). */
#define NB_DNS_TYPE_A 1
/** Record type of an IPv6 address (RFC 3596). */
#define NB_DNS_TYPE_AAAA 28

/** What one response said, from nb_dns_parse_response(). */
struct nb_dns_answer {
	uint32_t addr;  /**< A: IPv4 address (host order) when the result is 0. */
	uint8_t addr6[16]; /**< AAAA: IPv6 address when the result is 0. */
	uint32_t ttl;   /**< TTL of that address record, in seconds. */
	uint8_t cnames; /**< CNAME links followed inside the response. */
	/**
	 * When the result is 1: the end of the CNAME chain in wire form
	 * (length-prefixed labels, lower-cased, root label included), to be
	 * asked next.
	 */
	uint8_t next[NB_DNS_WIRE_MAX];
};

/**
 * Parse and validate one response to an A or AAAA query.  Stateless:
 * usable on any buffer (the fuzz harness feeds it arbitrary bytes).
 * @param pkt    Response (DNS header onwards); read only during the call.
 * @param len    Its length.
 * @param id     The ID the query carried.
 * @param qname  The question name in wire form (as from nb_dns_encode_name()).
 * @param qtype  NB_DNS_TYPE_A or NB_DNS_TYPE_AAAA, as asked.
 * @param ans    Receives the result; untouched fields are unspecified.
 * @return 0 with the address in @p ans; 1 when the answer is only a CNAME
 *         chain whose end has no address here (ask again for
 *         @ref nb_dns_answer::next); -NB_EPROTO for a malformed response,
 *         a wrong ID or one whose question is not @p qname/A/IN (drop it
 *         and keep waiting); -NB_ENOTFOUND for NXDOMAIN or a name without
 *         a record of @p qtype; -NB_ESERVER for SERVFAIL, REFUSED and other error
 *         codes (try another server); -NB_ENOTSUP when the response is
 *         truncated without a usable answer (DNS over TCP is not done).
 */
int nb_dns_parse_response_type(const void *pkt, size_t len, uint16_t id,
			       const uint8_t *qname, uint16_t qtype,
			       struct nb_dns_answer *ans);

/**
 * nb_dns_parse_response_type() for an A query.
 * @param pkt    Response.
 * @param len    Its length.
 * @param id     The query's ID.
 * @param qname  The question name in wire form.
 * @param ans    Receives the result.
 * @return As nb_dns_parse_response_type().
 */
static inline int nb_dns_parse_response(const void *pkt, size_t len,
					uint16_t id, const uint8_t *qname,
					struct nb_dns_answer *ans)
{
	return nb_dns_parse_response_type(pkt, len, id, qname, NB_DNS_TYPE_A,
					  ans);
}

/**
 * Convert a dotted host name to lower-case wire form.
 * @param name  Host name, NUL-terminated; a trailing dot is allowed.
 * @param out   Receives up to NB_DNS_WIRE_MAX bytes.
 * @return Wire length (> 1), or -NB_EINVAL for an empty name, an empty
 *         or over-long (> 63) label, a name over 253 characters, or bytes
 *         other than letters, digits, '-' and '_'.
 */
int nb_dns_encode_name(const char *name, uint8_t out[NB_DNS_WIRE_MAX]);

/**
 * Build a query of type @p qtype, class IN, with recursion desired.
 * @param buf    Destination.
 * @param cap    Its size; 12 + qname length + 4 bytes are needed.
 * @param id     Query ID.
 * @param qname  Name in wire form.
 * @param qtype  Record type (NB_DNS_TYPE_A, NB_DNS_TYPE_AAAA).
 * @return Query length, or -NB_EMSGSIZE when @p cap is too small,
 *         -NB_EINVAL for a malformed @p qname.
 */
int nb_dns_build_query_type(uint8_t *buf, size_t cap, uint16_t id,
			    const uint8_t *qname, uint16_t qtype);

/**
 * nb_dns_build_query_type() for an A query.
 * @param buf    Destination.
 * @param cap    Its size.
 * @param id     Query ID.
 * @param qname  Name in wire form.
 * @return As nb_dns_build_query_type().
 */
static inline int nb_dns_build_query(uint8_t *buf, size_t cap, uint16_t id,
				     const uint8_t *qname)
{
	return nb_dns_build_query_type(buf, cap, id, qname, NB_DNS_TYPE_A);
}

struct nb_dns;

/**
 * A transport other than the stack's IPv4 UDP, such as lib/ip6's
 * nb_dns6 (queries to IPv6 servers).  Servers are named by handles 1 to
 * @ref nservers; the transport hands replies to nb_dns_input() with the
 * handle of the address they came from (0 for none of the servers).
 */
struct nb_dns_net {
	/**
	 * Send one query to server @p server (a handle), port 53.  The
	 * transport lets nb_stack_next_deadline() see @p q's retry timer.
	 * @return 0 or a negative NB_E* code; -NB_ENOBUFS, -NB_EUNREACH and
	 *         -NB_EAGAIN count as a lost datagram.
	 */
	int (*send)(struct nb_dns_net *n, struct nb_dns *q, uint32_t server,
		    const void *pkt, size_t len);
	/** Done with @p n (the query ended or was cancelled). */
	void (*close)(struct nb_dns_net *n);
	/** The TCP peer handle of an address an AAAA query found (for
	 *  nb_http_cfg::tcp6); 0 if none. */
	uint32_t (*peer)(struct nb_dns_net *n, const uint8_t addr6[16]);
	/** Servers it has (handles 1..nservers); at most NB_DNS_SERVERS. */
	uint8_t nservers;
};

/** One resolution in progress.  Caller-owned; fields private unless noted. */
struct nb_dns {
	/** @cond PRIVATE */
	struct nb_stack *s;       /**< Stack the query runs on. */
	struct nb_dns_net *net;   /**< Other transport, or NULL. */
	uint8_t qlen;             /**< Its length. */
	uint8_t cnames;           /**< CNAME links followed so far. */
	uint8_t nservers;         /**< Servers copied from the stack. */
	uint16_t qtype;           /**< Record type asked. */
	uint32_t servers[NB_DNS_SERVERS]; /**< Their addresses. */
	uint32_t server;          /**< Server of the outstanding attempt. */
	uint16_t id;              /**< ID of the outstanding attempt. */
	uint16_t prev_id;         /**< ID of the attempt before it. */
	uint32_t prev_server;     /**< Server of that attempt. */
	struct nb_backoff backoff; /**< Retry timing. */
	struct nb_deadline timer; /**< Retry deadline. */
	bool need_send;           /**< Send an attempt at the next poll. */
	int status;               /**< -NB_EAGAIN, 0 or the final error. */
	int last_err;             /**< Most telling server error so far. */
	/** @endcond */
	uint32_t addr;            /**< A result (host order) once status is 0. */
	uint8_t addr6[16];        /**< AAAA result once status is 0. */
	uint32_t ttl;             /**< Its TTL in seconds. */
	uint32_t dropped;         /**< Responses rejected (spoofed/malformed). */
	/* Socket and name last: i386 reaches the first 128 bytes with a
	 * one-byte displacement. */
	struct nb_udp_sock sk;    /**< Socket on a random port. */
	uint8_t qname[NB_DNS_WIRE_MAX]; /**< Name being asked now (wire). */
};

/**
 * Start resolving @p name to a record of type @p qtype.  For A, an IPv4
 * literal completes at once, without traffic.  The first query leaves at
 * the first nb_dns_poll().  The servers are the stack's (IPv4 transport):
 * an AAAA answer comes over v4 like any other.
 * @param q      Query object (caller-owned; stays linked into the stack
 *               until nb_dns_poll() stops returning -NB_EAGAIN or
 *               nb_dns_cancel() is called).
 * @param s      Stack with an address and at least one DNS server.
 * @param name   Host name, NUL-terminated; copied.
 * @param qtype  NB_DNS_TYPE_A (result in nb_dns::addr) or
 *               NB_DNS_TYPE_AAAA (result in nb_dns::addr6).
 * @return 0; -NB_EINVAL for a malformed name or another type;
 *         -NB_EUNREACH when the stack has no DNS server; socket/entropy
 *         errors.  -NB_EABI when the caller was compiled with other
 *         tunables than the library (netboot/abi.h).
 */
int nb_dns_start_type(struct nb_dns *q, struct nb_stack *s, const char *name,
		      uint16_t qtype);
/** @cond PRIVATE */
#define NB_DNS_ABI_ID NB_ABI_ID(sizeof(struct nb_dns))
#ifndef NB_LIB_BUILD
#define nb_dns_start_type(...)                                                \
	NB_ABI_CALL(NB_ABI_DNS, NB_DNS_ABI_ID, nb_dns_start_type(__VA_ARGS__))
#endif
/** @endcond */

/**
 * Start resolving @p name to an IPv4 address: nb_dns_start_type() with
 * NB_DNS_TYPE_A.
 * @param q     Query object (as for nb_dns_start_type()).
 * @param s     Stack with an address and at least one DNS server.
 * @param name  Host name, NUL-terminated; copied.
 * @return As nb_dns_start_type().
 */
static inline int nb_dns_start(struct nb_dns *q, struct nb_stack *s,
			       const char *name)
{
	return nb_dns_start_type(q, s, name, NB_DNS_TYPE_A);
}

/**
 * nb_dns_start_type() over another transport: the servers are @p net's.
 * @param q      Query object.
 * @param s      Stack (entropy, time).
 * @param net    Transport (outlives the query).
 * @param name   Host name, NUL-terminated; copied.
 * @param qtype  NB_DNS_TYPE_A or NB_DNS_TYPE_AAAA.
 * @return As nb_dns_start_type(); -NB_EUNREACH when @p net has no
 *         server.
 */
int nb_dns_start_net(struct nb_dns *q, struct nb_stack *s,
		     struct nb_dns_net *net, const char *name, uint16_t qtype);

/**
 * A reply that came over a transport (nb_dns_net): from server handle
 * @p server (0: not one of ours), source port @p sport.
 * @param q       Query.
 * @param server  Handle of the sender.
 * @param sport   Its port.
 * @param data    UDP payload (not retained).
 * @param len     Its length.
 */
void nb_dns_input(struct nb_dns *q, uint32_t server, uint16_t sport,
		  const void *data, size_t len);

/**
 * Drive the resolution: send (re)tries when due.  Responses are handled
 * as they arrive through the stack's poll.
 * @param q       Query.
 * @param now_ms  Current time.
 * @return -NB_EAGAIN while resolving; 0 with the address in
 *         @ref nb_dns::addr or @ref nb_dns::addr6; -NB_ENOTFOUND (no
 *         such name or no record of the type); -NB_ETIMEDOUT (no server answered); -NB_ESERVER (every
 *         answer was a server failure); -NB_EPROTO (CNAME chain too long);
 *         -NB_ENOTSUP (truncated answer); send errors.
 */
int nb_dns_poll(struct nb_dns *q, uint64_t now_ms);

/**
 * Stop a query and close its socket.  Safe to call at any time and twice.
 * @param q  Query; a running one then reports -NB_ECANCELED.
 */
void nb_dns_cancel(struct nb_dns *q);

/**
 * Why the query failed, in a few English words ("no such host name",
 * "timed out", ...).
 * @param q  Query.
 * @return Static NUL-terminated text; "" before the start, while
 *         resolving or after success.
 */
const char *nb_dns_why(const struct nb_dns *q);

#endif
