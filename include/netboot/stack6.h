/**
 * @file stack6.h
 * @brief The live IPv6 layer (lib/ip6, archive libnetboot_ip6.a): it
 *        attaches to an nb_stack beside IPv4 and runs link-local and
 *        global addresses (static or SLAAC from router advertisements,
 *        RFC 4862) with duplicate address detection, Neighbor Discovery
 *        (RFC 4861) with lib/ip6's cache, echo replies and rate-limited
 *        ICMPv6 errors (RFC 4443), reassembly, and TCP over IPv6 through
 *        a family demultiplexer (nb_tcp_family).
 *
 * Frames reach it through the stack's extension hook (nb_eth_ext) and its
 * timers run in nb_stack_poll(), so nb_wait() and the *_poll() rhythm work
 * unchanged.  Each address's solicited-node group is joined with one
 * unsolicited MLDv2 report before its DAD probe, so segments with MLD
 * snooping deliver its neighbor solicitations; queries are not answered
 * (a snooping switch that ages the group out stops delivering).
 *
 * Worst-case memory: sizeof(struct nb_stack6) (about 3 KiB with the
 * default config.h, most of it the TCP demultiplexer's peers and the
 * caches) plus NB_STACK6_ARENA_BYTES of arena.
 */
#ifndef NETBOOT_STACK6_H
#define NETBOOT_STACK6_H

#include "netboot/dns.h"
#include "netboot/ip6.h"
#include "netboot/stack.h"
#include "netboot/tcp.h"
#include "netboot/tftp.h"

/** EtherType of IPv6. */
#define NB_ETHERTYPE_IPV6 0x86DD

/** Arena bytes nb_stack6_init() takes (alignment slack included). */
#define NB_STACK6_ARENA_BYTES                                                 \
	(NB_ND_CACHE_SIZE * (NB_ETH_FRAME_MAX + 2) +                          \
	 NB_IP6_REASM_SLOTS * NB_IP6_REASM_SLOT_BYTES + 64)

/** Address states (RFC 4862 5.4). */
enum nb_addr6_state {
	NB_ADDR6_NONE = 0,  /**< Unused. */
	NB_ADDR6_TENTATIVE, /**< Duplicate address detection running. */
	NB_ADDR6_PREFERRED, /**< Usable. */
	NB_ADDR6_DUPLICATE  /**< Someone else has it (not used). */
};

/** One of our addresses (read freely). */
struct nb_addr6 {
	uint8_t a[16];      /**< The address. */
	uint8_t plen;       /**< Prefix length (on-link). */
	uint8_t state;      /**< enum nb_addr6_state. */
	uint8_t dad_tries;  /**< Conflicts so far (RFC 7217 DAD counter). */
	bool stable;        /**< Formed per RFC 7217 (retried on conflict). */
	uint64_t dad_at;    /**< When DAD ends (tentative). */
};

/** Counters (read freely); each dropped packet counts once. */
struct nb_stack6_stats {
	uint32_t rx;            /**< IPv6 frames received. */
	uint32_t rx_bad;        /**< Failed validation (header walk,
				     checksums, ND rules). */
	uint32_t rx_not_ours;   /**< For another address or group. */
	uint32_t rx_no_proto;   /**< No handler (Parameter Problem sent). */
	uint32_t frag_rx;       /**< Fragments. */
	uint32_t frag_done;     /**< Datagrams reassembled. */
	uint32_t echo_replied;  /**< Echo requests answered. */
	uint32_t err_sent;      /**< ICMPv6 errors sent. */
	uint32_t err_limited;   /**< ICMPv6 errors suppressed by the limit. */
	uint32_t ns_sent;       /**< Neighbor solicitations (DAD included). */
	uint32_t na_sent;       /**< Neighbor advertisements. */
	uint32_t rs_sent;       /**< Router solicitations. */
	uint32_t mld_sent;      /**< MLDv2 reports (one per address). */
	uint32_t ra_rx;         /**< Router advertisements accepted. */
	uint32_t dad_conflicts; /**< Duplicates found for our addresses. */
	uint32_t tx;            /**< Packets sent or queued for ND. */
	uint32_t tx_no_route;   /**< Not sent: no router for the destination. */
	uint32_t udp_rx;        /**< UDP datagrams delivered to a socket. */
	uint32_t udp_no_port;   /**< UDP datagrams for no open port
				     (answered by a port unreachable, within
				     the error rate limit). */
};

struct nb_udp6;

/**
 * Receives a datagram on an nb_udp6 socket.
 * @param ctx    The socket's context.
 * @param sk     The socket.
 * @param src    Sender's address (valid during the call).
 * @param sport  Sender's port.
 * @param data   Payload (valid during the call).
 * @param len    Its length.
 */
typedef void (*nb_udp6_rx_fn)(void *ctx, struct nb_udp6 *sk,
			      const uint8_t src[16], uint16_t sport,
			      const void *data, size_t len);

/** A UDP socket over IPv6 (caller-owned; it must not move while open;
 *  fields private). */
struct nb_udp6 {
	/** @cond PRIVATE */
	struct nb_udp6 *next;
	struct nb_stack6 *st;
	nb_udp6_rx_fn rx;
	void *ctx;
	const struct nb_deadline *timer;
	uint16_t port;
	/** @endcond */
};

/** How to configure (zero it for link-local only). */
struct nb_stack6_cfg {
	bool slaac;          /**< Form a global address from RA prefixes. */
	bool stable_privacy; /**< RFC 7217 identifiers instead of EUI-64. */
	bool has_addr;       /**< A static address: @ref addr / @ref plen. */
	uint8_t addr[16];    /**< Static address. */
	uint8_t plen;        /**< Its prefix length (1..128). */
	bool has_gw;         /**< A static default router @ref gw. */
	uint8_t gw[16];      /**< Its (link-local or on-link) address. */
	/** Use every address at once, without Duplicate Address Detection
	 *  (as `ip addr add ... nodad`): for addresses known to be unique,
	 *  where DAD's NB_ND_RETRANS_MS wait only delays the first packet. */
	bool no_dad;
};

/** An echo request waiting for its reply (nb_stack6_ping()). */
struct nb_ping6 {
	uint8_t dst[16];   /**< Where it went. */
	uint16_t id;       /**< Identifier. */
	uint16_t seq;      /**< Sequence number. */
	bool replied;      /**< The reply came. */
	uint64_t sent_ms;  /**< When it was sent. */
	uint64_t rtt_ms;   /**< Round trip, once replied. */
};

/** The IPv6 layer of one stack (caller-owned; fields private unless
 *  documented). */
struct nb_stack6 {
	struct nb_stack *s;      /**< The stack (outlives this). */
	uint16_t mtu;            /**< Link MTU in use (RA MTU applied). */
	uint8_t hop_limit;       /**< For what we originate. */
	bool has_router;         /**< @ref router is set. */
	uint8_t router[16];      /**< Default router (link-local). */
	uint8_t n_dns;           /**< RDNSS servers in @ref dns. */
	uint8_t dns[NB_ND_RDNSS_MAX][16]; /**< From RAs (read freely). */
	struct nb_addr6 ll;      /**< Link-local address. */
	struct nb_addr6 global;  /**< Static or SLAAC address. */
	struct nb_stack6_stats stats; /**< Counters. */
	struct nb_ping6 *ping;   /**< Outstanding echo request, or NULL. */
	/** @cond PRIVATE */
	struct nb_udp6 *udp;
	uint16_t udp_eph;
	struct nb_stack6_cfg cfg;
	uint8_t rs_left;
	uint8_t onlink_len;
	bool slaac_formed;
	uint8_t onlink[16];
	uint64_t onlink_until;
	uint64_t router_until;
	uint64_t global_until;
	bool ra_seen;
	uint64_t rs_at;
	uint64_t err_at;
	uint8_t err_tokens;
	uint8_t in_src[16];
	uint8_t peer_next;
	uint8_t peer[NB_IP6_PEERS][16];
	uint8_t secret[NB_IP6_SECRET_LEN];
	struct nb_eth_ext ext;
	struct nb_tcp_family fam;
	struct nb_tcp tcp;
	struct nb_nd_cache nc;
	struct nb_ip6_reasm reasm;
	/** @endcond */
};

/**
 * Attach an IPv6 layer to @p s: form the link-local address, start DAD
 * on it (and on a static address), and solicit routers once it is
 * usable.  Only one nb_stack6 per stack.
 * @param st     Caller-owned (zeroed by this call); must outlive its use
 *               by @p s (nb_stack6_detach() ends it).
 * @param s      Stack, initialised.
 * @param cfg    Configuration (copied); NULL for link-local only.
 * @param arena  Provides NB_STACK6_ARENA_BYTES; must outlive @p st.
 * @return 0; -NB_EINVAL NULL arguments, a prefix length of 0 or above
 *         128; -NB_ENOMEM arena too small (arena unchanged); entropy
 *         errors (RFC 7217 secret).
 */
int nb_stack6_init(struct nb_stack6 *st, struct nb_stack *s,
		   const struct nb_stack6_cfg *cfg, struct nb_arena *arena);

/**
 * Take @p addr as the global address (replacing a static or SLAAC one),
 * for an address learnt later, such as a DHCPv6 lease: it goes through
 * DAD like the others, and nb_stack6_ready() waits for it from now on.
 * A DHCPv6 address is a /128; destinations in a prefix a router
 * advertises as on-link are reached directly all the same.
 * @param st    Layer.
 * @param addr  Unicast, not link-local.
 * @param plen  Prefix length that is on link (1..128).
 * @return 0; -NB_EINVAL NULL @p st or @p addr, a bad @p plen, a
 *         link-local, multicast or unspecified @p addr.
 */
int nb_stack6_set_addr(struct nb_stack6 *st, const uint8_t addr[16],
		       uint8_t plen);

/**
 * Detach from the stack: IPv6 frames are counted as unknown again.
 * @param st  Layer.
 */
void nb_stack6_detach(struct nb_stack6 *st);

/**
 * Whether configuration is done: the link-local address passed DAD and,
 * when a static or SLAAC address was asked for, that one too.
 * @param st      Layer (an nb_poll_fn object).
 * @param now_ms  Current time (unused: the stack's timers run DAD).
 * @return 0 ready; -NB_EAGAIN still waiting; -NB_EADDRINUSE an address
 *         we needed is a duplicate.
 */
int nb_stack6_ready(void *st, uint64_t now_ms);

/**
 * The TCP demultiplexer of this layer, for nb_fetch_cfg::tcp6 or
 * nb_tcp_connect() with a peer from nb_stack6_peer().
 * @param st  Layer.
 * @return Its nb_tcp (inside @p st).
 */
struct nb_tcp *nb_stack6_tcp(struct nb_stack6 *st);

/**
 * The peer handle of @p addr for nb_tcp_connect() on nb_stack6_tcp():
 * the same address keeps its handle; a new one takes the next of
 * NB_IP6_PEERS slots round-robin.
 * @param st    Layer.
 * @param addr  Unicast address.
 * @return The handle (>= 1); 0 for a multicast or unspecified address.
 */
uint32_t nb_stack6_peer(struct nb_stack6 *st, const uint8_t addr[16]);

/**
 * Send an echo request (56 bytes of data) and record it in @p p; the
 * reply sets nb_ping6::replied.  One request is outstanding at a time
 * (a new one replaces the old).
 * @param st   Layer.
 * @param p    Caller-owned, outliving the wait.
 * @param dst  Destination.
 * @param seq  Sequence number.
 * @return 0 sent or waiting for ND; -NB_EUNREACH no route; -NB_EAGAIN
 *         no usable source address yet; link errors.
 */
int nb_stack6_ping(struct nb_stack6 *st, struct nb_ping6 *p,
		   const uint8_t dst[16], uint16_t seq);

/**
 * Open a UDP socket on @p st.  Datagrams for its port to any of our
 * addresses reach @p rx; those with a zero or wrong checksum (RFC 8200
 * 8.1: the checksum is mandatory over IPv6) are dropped and counted in
 * nb_stack6_stats::rx_bad.
 * @param sk    Caller-owned; stays linked into @p st until
 *              nb_udp6_close().
 * @param st    Layer.
 * @param port  Local port (host order), 0 for an ephemeral one
 *              (49152..65535).
 * @param rx    Receive callback.
 * @param ctx   Passed to @p rx.
 * @return 0; -NB_EINVAL NULL arguments; -NB_EADDRINUSE the port is open.
 */
int nb_udp6_open(struct nb_udp6 *sk, struct nb_stack6 *st, uint16_t port,
		 nb_udp6_rx_fn rx, void *ctx);

/**
 * Send a datagram from @p sk's port (source address chosen per
 * destination, checksum over the IPv6 pseudo-header).
 * @param sk     Open socket.
 * @param dst    Destination.
 * @param dport  Destination port.
 * @param data   Payload (copied).
 * @param len    At most the layer's MTU minus 48 bytes.
 * @return 0 sent or waiting for ND; -NB_EMSGSIZE too long;
 *         -NB_EAGAIN no usable source address; -NB_EUNREACH no route;
 *         link errors.
 */
int nb_udp6_sendto(struct nb_udp6 *sk, const uint8_t dst[16], uint16_t dport,
		   const void *data, size_t len);

/**
 * Let nb_stack_next_deadline() (and nb_wait()) see a timer of the
 * socket's owner.
 * @param sk     Open socket.
 * @param timer  The owner's deadline (must outlive the socket), or NULL.
 */
void nb_udp6_set_timer(struct nb_udp6 *sk, const struct nb_deadline *timer);

/**
 * Close a socket (safe on a closed or zeroed one).
 * @param sk  Socket.
 */
void nb_udp6_close(struct nb_udp6 *sk);

/**
 * TFTP over IPv6 (a transport for lib/tftp and lib/fetch): servers are
 * the peer handles of nb_stack6_peer(), and the socket opens on the
 * first request.  Caller-owned; must not move while a transfer uses it.
 */
struct nb_tftp6 {
	struct nb_tftp_net net; /**< For nb_fetch_cfg::tftp6. */
	/** @cond PRIVATE */
	struct nb_udp6 sk;
	/** @endcond */
};

/**
 * Prepare @p x for transfers over @p st (nb_fetch_cfg::tftp6 = &x->net,
 * or nb_tftp_start_io() with x->net.io and ctx &x->net after setting
 * x->net.t).
 * @param x   Transport, zeroed by this call.
 * @param st  Layer (outlives @p x).
 */
void nb_tftp6_init(struct nb_tftp6 *x, struct nb_stack6 *st);

/**
 * lib/dns over IPv6 (an nb_dns_net for nb_dns_start_net() and
 * nb_fetch_cfg::dns6): queries go to the servers given, then to those
 * the layer's router advertisements named (RDNSS), from a socket on a
 * random port opened with the first query.  One query at a time.
 * Caller-owned; must not move while a query uses it.
 */
struct nb_dns6 {
	struct nb_dns_net net; /**< For nb_dns_start_net(). */
	/** @cond PRIVATE */
	struct nb_udp6 sk;
	struct nb_stack6 *st;
	struct nb_dns *q;
	uint8_t server[NB_DNS_SERVERS][16];
	/** @endcond */
};

/**
 * Prepare @p x over @p st with @p n servers of @p servers (DHCPv6 option
 * 23, a command line), then the RDNSS servers @p st holds now, at most
 * NB_DNS_SERVERS in all.
 * @param x        Transport, zeroed by this call.
 * @param st       Layer (outlives @p x).
 * @param servers  Addresses (copied), or NULL with @p n 0.
 * @param n        Their count.
 */
void nb_dns6_init(struct nb_dns6 *x, struct nb_stack6 *st,
		  const uint8_t (*servers)[16], unsigned n);

/**
 * Parse an IPv6 address in text form (RFC 4291 2.2, also with a
 * trailing dotted quad; no zone index).
 * @param text  Characters (need not be NUL-terminated).
 * @param len   Their count.
 * @param out   Receives the address.
 * @return 0, or -NB_EINVAL for anything else.
 */
int nb_ip6_addr_parse(const char *text, size_t len, uint8_t out[16]);

/**
 * Format an address (RFC 5952: lower case, the longest zero run of two
 * or more groups as "::").
 * @param a    Address.
 * @param out  At least NB_IP6_TEXT_MAX bytes; NUL-terminated.
 * @return The text's length.
 */
size_t nb_ip6_addr_format(const uint8_t a[16], char *out);

/** Bytes nb_ip6_addr_format() may write, NUL included. */
#define NB_IP6_TEXT_MAX 40

#endif
