/*
 * The interface between the stack object (lib/stack) and the layers it
 * carries: what lib/eth, lib/ip and the protocols above IP export to each
 * other.  Layers include this header, never each other's *_int.h, so each
 * folder's internals stay its own.  It is the one internal header shared
 * across folders, hence not named *_int.h.  Nothing here is public API;
 * tests and fuzz harnesses reach it through lib/ on their include path.
 */
#ifndef NB_LIB_STACK_LAYERS_H
#define NB_LIB_STACK_LAYERS_H

#include "netboot/stack.h"

/* Earliest timer of an upper protocol registered with
 * nb_ip_register_timed(); unarmed when it has none. */
typedef struct nb_deadline (*nb_deadline_fn)(void *ctx, uint64_t now_ms);

/* lib/eth: frames in, ARP timers, ARP state for ICMP's early give-up. */
void nb_eth_input(struct nb_stack *s, uint8_t *f, size_t len);
void nb_arp_timers(struct nb_stack *s);
struct nb_deadline nb_arp_next_deadline(const struct nb_stack *s);
/* State of the entry for @ip: NB_ARP_FREE when none. */
enum nb_arp_state nb_arp_state_of(const struct nb_stack *s, uint32_t ip);

/* lib/ip: packets in (from eth), reassembly timers, and the deadlines of
 * reassembly, echo requests, UDP sockets and registered protocols. */
void nb_ip_input(struct nb_stack *s, const uint8_t *p, size_t len,
		 bool link_broadcast);
void nb_ip_timers(struct nb_stack *s);
struct nb_deadline nb_ip_next_deadline(const struct nb_stack *s,
				       uint64_t now_ms);
/* True for the limited or our subnet-directed broadcast address (ARP
 * never resolves those). */
bool nb_ip_is_broadcast(const struct nb_stack *s, uint32_t ip);
/* nb_ip_register() plus the protocol's timer, so nb_stack_next_deadline()
 * sees it (@deadline may be NULL). */
int nb_ip_register_timed(struct nb_stack *s, uint8_t proto, nb_ip_input_fn fn,
			 nb_deadline_fn deadline, void *ctx);

/* lib/tcp: the earliest retransmission or delayed-ACK deadline of the
 * connections of @ctx (a struct nb_tcp), for nb_stack_next_deadline() and
 * a family's deadline (nb_tcp_family). */
struct nb_deadline nb_tcp_next_deadline(void *ctx, uint64_t now_ms);

#endif
