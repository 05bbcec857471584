/**
 * @file eth.h
 * @brief Ethernet II framing and ARP (lib/eth).
 *
 * Received frames not addressed to our MAC or to broadcast are dropped
 * and counted.  ARP keeps a fixed cache of NB_ARP_CACHE_SIZE entries,
 * retries requests with doubling timeouts (NB_ARP_RETRY_MS, NB_ARP_TRIES),
 * answers requests for our address, and parks up to NB_ARP_QUEUE_LEN
 * outgoing frames while their next hop resolves.
 */
#ifndef NETBOOT_ETH_H
#define NETBOOT_ETH_H

#include "netboot/core.h"

struct nb_stack;

/** Ethernet header length. */
#define NB_ETH_HLEN 14
/** EtherType of IPv4. */
#define NB_ETHERTYPE_IPV4 0x0800
/** EtherType of ARP. */
#define NB_ETHERTYPE_ARP 0x0806

/** The broadcast MAC address ff:ff:ff:ff:ff:ff. */
extern const uint8_t nb_eth_broadcast[6];

/** State of an ARP cache entry. */
enum nb_arp_state {
	NB_ARP_FREE = 0, /**< Unused slot. */
	NB_ARP_PENDING,  /**< Request sent, no reply yet. */
	NB_ARP_VALID,    /**< Resolved. */
	NB_ARP_FAILED    /**< No reply after NB_ARP_TRIES requests. */
};

/** One ARP cache entry (part of struct nb_stack; fields are private). */
struct nb_arp_entry {
	uint32_t ip;        /**< Protocol address (host order). */
	uint8_t mac[6];     /**< Hardware address once valid. */
	uint8_t state;      /**< enum nb_arp_state. */
	struct nb_deadline deadline; /**< Next retry (pending) or expiry. */
	struct nb_backoff backoff; /**< Requests sent and the next interval. */
	uint64_t last_used; /**< For replacing the least recently used entry. */
};

/** A frame waiting for its next hop's MAC (private). */
struct nb_arp_wait {
	uint32_t next_hop; /**< Address being resolved. */
	uint16_t len;      /**< Frame length; 0 = slot free. */
	uint8_t *frame;    /**< nb_stack::frame_max bytes (arena). */
};

/**
 * Send the frame being built in the stack's transmit buffer
 * (nb_stack_tx_frame()) to @p dst_mac.  Fills the Ethernet header.
 * @param s         Stack.
 * @param dst_mac   Destination MAC (6 bytes, copied).
 * @param ethertype EtherType, host order.
 * @param len       Frame length including the 14-byte header.
 * @return 0, -NB_EMSGSIZE if @p len exceeds nb_stack::frame_max, or the
 *         driver's error.  A driver's -NB_ENOBUFS is counted in
 *         nb_stats::tx_dropped and reported as 0: the frame is lost like
 *         any other and protocols retransmit.
 */
int nb_eth_send(struct nb_stack *s, const uint8_t *dst_mac, uint16_t ethertype,
		size_t len);

/**
 * Send the IPv4 frame in the transmit buffer towards @p next_hop,
 * resolving its MAC first when needed.  An unresolved frame is copied to
 * the wait queue and sent when the reply arrives.
 * @param s         Stack.
 * @param next_hop  Next hop (host order); broadcast and multicast
 *                  addresses need no resolution.
 * @param len       Frame length including the Ethernet header.
 * @return 0 when sent or queued; -NB_EUNREACH if @p next_hop is known to
 *         be unreachable (ARP failed recently); -NB_ENOBUFS if the wait
 *         queue is full; driver errors as for nb_eth_send().
 */
int nb_eth_send_ipv4(struct nb_stack *s, uint32_t next_hop, size_t len);

/**
 * Insert or refresh a resolved entry, e.g. learned from firmware's cached
 * DHCP packets so the first request needs no ARP round trip.
 * @param s    Stack.
 * @param ip   Address (host order).
 * @param mac  Its hardware address (6 bytes, copied; not multicast).
 * @return 0, or -NB_EINVAL for the zero or broadcast address.
 */
int nb_arp_add(struct nb_stack *s, uint32_t ip, const uint8_t *mac);

#endif
