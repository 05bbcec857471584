/**
 * @file ip.h
 * @brief IPv4 with fragment reassembly, ICMP echo, and UDP sockets (lib/ip).
 *
 * Input validation drops and counts (see struct nb_stats): bad version,
 * IHL < 5, total length beyond the frame or below the header, bad header
 * checksum, TTL 0, a source that is zero, loopback, broadcast, multicast
 * (or class E) or our own address, and datagrams for multicast or other
 * unicast addresses.  While the stack
 * has no address (before DHCP binds), unicast datagrams to any address are
 * accepted, because DHCP servers may unicast offers to the offered address.
 *
 * Routing: a destination inside our subnet, or the limited broadcast
 * 255.255.255.255, is sent on-link; anything else goes to the gateway, and
 * without one the send fails with -NB_EUNREACH.
 */
#ifndef NETBOOT_IP_H
#define NETBOOT_IP_H

#include "netboot/core.h"

struct nb_stack;

/** IPv4 header length without options. */
#define NB_IP_HLEN 20
/** UDP header length. */
#define NB_UDP_HLEN 8
/** Offset of the IPv4 payload in a frame we build (no IP options). */
#define NB_IP_PAYLOAD_OFF (14 + NB_IP_HLEN)
/** The limited broadcast address. */
#define NB_IP_BROADCAST 0xffffffffu

/** IP protocol numbers. */
enum nb_ip_proto {
	NB_IPPROTO_ICMP = 1, /**< ICMP */
	NB_IPPROTO_TCP = 6,  /**< TCP */
	NB_IPPROTO_UDP = 17  /**< UDP */
};

/** What the IP layer tells an upper layer about a received datagram. */
struct nb_ip_info {
	uint32_t src;        /**< Source address (host order). */
	uint32_t dst;        /**< Destination address (host order). */
	uint8_t proto;       /**< Protocol number. */
	uint8_t ttl;         /**< Time to live as received. */
	bool link_broadcast; /**< Arrived in an Ethernet broadcast frame. */
	const uint8_t *hdr;  /**< The IPv4 header (valid during the call). */
	size_t hlen;         /**< Its length in bytes. */
};

/**
 * Upper-layer input function, registered per protocol.
 * @param ctx   The registration's context.
 * @param s     Stack.
 * @param ip    Header facts; valid during the call.
 * @param data  Payload (already reassembled); valid during the call.
 * @param len   Payload length.
 */
typedef void (*nb_ip_input_fn)(void *ctx, struct nb_stack *s,
			       const struct nb_ip_info *ip, const uint8_t *data,
			       size_t len);

/**
 * Register the handler for an IP protocol other than ICMP and UDP
 * (which lib/ip handles itself).  At most NB_IP_PROTO_HOOKS protocols.
 * @param s      Stack.
 * @param proto  IP protocol number.
 * @param fn     Input function, called during nb_stack_poll().
 * @param ctx    Passed to @p fn.
 * @return 0; -NB_EADDRINUSE if @p proto has a handler; -NB_ENOMEM if the
 *         table is full; -NB_EINVAL for ICMP/UDP or a NULL @p fn.
 */
int nb_ip_register(struct nb_stack *s, uint8_t proto, nb_ip_input_fn fn,
		   void *ctx);

/**
 * Where an IPv4 payload is built in place before nb_ip_send().
 * @param s    Stack.
 * @param cap  Receives the payload capacity (link MTU minus 20).
 * @return Pointer into the stack's transmit frame, valid until the next
 *         send on this stack.
 */
uint8_t *nb_ip_payload_buf(struct nb_stack *s, size_t *cap);

/**
 * Send @p len payload bytes built at nb_ip_payload_buf() to @p dst.
 * Adds the IPv4 header (DF set, a fresh ID) and routes the datagram.
 * @param s      Stack.
 * @param dst    Destination (host order).
 * @param proto  IP protocol number.
 * @param len    Payload bytes at nb_ip_payload_buf().
 * @return 0 when sent or queued behind ARP; -NB_EMSGSIZE if @p len is
 *         larger than the capacity; -NB_EUNREACH without a route; errors
 *         from nb_eth_send_ipv4().
 */
int nb_ip_send(struct nb_stack *s, uint32_t dst, uint8_t proto, size_t len);

/**
 * Partial checksum of the IPv4 pseudo-header, for UDP and TCP.
 * @param src    Source address.
 * @param dst    Destination address.
 * @param proto  Protocol number.
 * @param len    Upper-layer length (header plus data).
 * @return A sum to continue with nb_csum_add().
 */
uint32_t nb_ip_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto,
			  uint16_t len);

/**
 * The next hop for @p dst: @p dst itself when on-link, the gateway
 * otherwise.
 * @param s    Stack.
 * @param dst  Destination.
 * @param hop  Receives the next hop.
 * @return 0, or -NB_EUNREACH without a gateway for an off-link @p dst.
 */
int nb_ip_route(const struct nb_stack *s, uint32_t dst, uint32_t *hop);

/** One datagram being reassembled (part of struct nb_stack; private). */
struct nb_ip_reasm {
	uint32_t src;     /**< Source address. */
	uint32_t dst;     /**< Destination address. */
	uint16_t id;      /**< IP identification. */
	uint8_t proto;    /**< Protocol. */
	bool used;        /**< Slot busy. */
	bool bcast;       /**< First fragment was a link broadcast. */
	uint32_t total;   /**< Payload length once the last fragment is seen. */
	uint32_t have;    /**< Payload bytes received so far. */
	uint64_t expires; /**< Drop the slot after this time. */
	uint8_t *buf;     /**< NB_IP_REASM_MAX bytes from the arena. */
	uint8_t *map;     /**< One bit per 8-byte unit received. */
	uint8_t hdr[60];  /**< Header of the first fragment (offset 0). */
	uint8_t hlen;     /**< Its length, 0 until offset 0 arrives. */
};

/** @name ICMP echo
 * @{ */
/** An outstanding echo request (caller-owned; linked into the stack). */
struct nb_ping {
	/** @cond PRIVATE */
	struct nb_ping *next; /**< Private list link. */
	/** @endcond */
	struct nb_stack *s;   /**< Stack it runs on. */
	uint32_t dst;         /**< Target address. */
	uint16_t id;          /**< ICMP identifier (random). */
	uint16_t seq;         /**< ICMP sequence number. */
	uint64_t sent_ms;     /**< When the request left. */
	uint32_t rtt_ms;      /**< Round trip, valid once nb_ping_poll() is 0. */
	int status;           /**< -NB_EAGAIN, 0 or an error. */
	struct nb_deadline timeout; /**< Give-up deadline. */
};
/**
 * Send an echo request with @p payload_len pattern bytes and start
 * waiting for its reply.  @p p stays linked into the stack until
 * nb_ping_poll() returns something other than -NB_EAGAIN, or until
 * nb_ping_cancel().
 * @param p            The request (caller-owned, must stay valid while
 *                     linked).  Need not be initialised; restarting one
 *                     still linked into @p s is fine.
 * @param s            Stack.
 * @param dst          Target address.
 * @param seq          ICMP sequence number.
 * @param payload_len  Pattern bytes after the ICMP header.
 * @param timeout_ms   How long to wait for the reply.
 * @param now_ms       Current time (the request leaves now).
 * @return 0, -NB_EMSGSIZE for a payload beyond the MTU, or a send error.
 */
int nb_ping_start(struct nb_ping *p, struct nb_stack *s, uint32_t dst,
		  uint16_t seq, size_t payload_len, uint32_t timeout_ms,
		  uint64_t now_ms);
/**
 * Check on an echo request.
 * @param p       The request.
 * @param now_ms  Current time.
 * @return -NB_EAGAIN while waiting; 0 once the reply arrived (RTT in
 *         nb_ping::rtt_ms); -NB_ETIMEDOUT; -NB_EUNREACH as soon as ARP
 *         for the next hop has given up.
 */
int nb_ping_poll(struct nb_ping *p, uint64_t now_ms);
/**
 * Stop waiting and unlink the request.  Safe to call twice, after
 * completion, and on a zeroed request never started.
 * @param p  The request; a running one then reports -NB_ECANCELED.
 */
void nb_ping_cancel(struct nb_ping *p);

/**
 * Why the request failed, in a few English words ("timed out", ...).
 * @param p  The request.
 * @return Static NUL-terminated text; "" before the start, while waiting
 *         or after the reply.
 */
const char *nb_ping_why(const struct nb_ping *p);
/** @} */

/** @name UDP
 * @{ */
/** Addresses of a received UDP datagram. */
struct nb_udp_meta {
	uint32_t src_ip;     /**< Sender's address. */
	uint32_t dst_ip;     /**< Address it was sent to. */
	uint16_t src_port;   /**< Sender's port. */
	uint16_t dst_port;   /**< Our port. */
	bool link_broadcast; /**< Arrived as an Ethernet broadcast. */
};

struct nb_udp_sock;
/**
 * Receive callback.  @p data is valid during the call only; the callback
 * may send on any socket of the same stack.
 */
typedef void (*nb_udp_rx_fn)(void *ctx, struct nb_udp_sock *sk,
			     const struct nb_udp_meta *m, const void *data,
			     size_t len);

/** A UDP socket (caller-owned, linked into the stack while open). */
struct nb_udp_sock {
	struct nb_udp_sock *next; /**< Private list link. */
	struct nb_stack *s;       /**< Stack, NULL when closed. */
	uint16_t port;            /**< Local port (host order). */
	nb_udp_rx_fn rx;          /**< Receive callback. */
	void *ctx;                /**< Passed to @ref rx. */
	uint32_t unreachables;    /**< ICMP port-unreachables about our sends. */
	const struct nb_deadline *timer; /**< Owner's deadline (nb_udp_set_timer()). */
};
/**
 * Open a socket.
 * @param sk    Socket (caller-owned; must stay valid until closed).  It
 *              need not be initialised, but must not be open elsewhere.
 * @param s     Stack.
 * @param port  Local port, or 0 for a random free ephemeral port.
 * @param rx    Receive callback (not NULL).
 * @param ctx   Passed to @p rx.
 * @return 0; -NB_EADDRINUSE if the port is taken; -NB_EINVAL for a NULL
 *         callback or a socket already open on @p s; entropy errors.
 */
int nb_udp_open(struct nb_udp_sock *sk, struct nb_stack *s, uint16_t port,
		nb_udp_rx_fn rx, void *ctx);
/**
 * Tell the stack about the timer that drives this socket's owner (e.g. a
 * retransmission deadline), so nb_stack_next_deadline() and nb_wait()
 * include it.  The timer is read, never changed, while the socket is
 * open; nb_udp_open() clears it.
 * @param sk     Open socket.
 * @param timer  The owner's deadline (must outlive the socket), or NULL.
 */
void nb_udp_set_timer(struct nb_udp_sock *sk, const struct nb_deadline *timer);
/** Unbind a socket.  Safe to call twice and from its own callback.
 * @param sk  Socket. */
void nb_udp_close(struct nb_udp_sock *sk);
/**
 * Send one datagram (copied; @p data may be reused at once).  Source
 * address is the stack's (0.0.0.0 before one is set, as DHCP needs).
 * @param sk        Open socket.
 * @param dst_ip    Destination (255.255.255.255 for broadcast).
 * @param dst_port  Destination port.
 * @param data      Payload, copied before return.
 * @param len       Payload length, at most nb_udp_max_payload().
 * @return 0 when sent or queued behind ARP; -NB_EMSGSIZE if it exceeds
 *         the MTU (we never fragment); errors from nb_ip_send().
 */
int nb_udp_sendto(struct nb_udp_sock *sk, uint32_t dst_ip, uint16_t dst_port,
		  const void *data, size_t len);
/** Largest UDP payload without fragmentation.
 * @param s  Stack.
 * @return Link MTU minus IPv4 and UDP headers. */
size_t nb_udp_max_payload(const struct nb_stack *s);
/** @} */

#endif
