/* Interfaces between lib/eth's files and the rest of the stack. */
#ifndef NB_LIB_ETH_INT_H
#define NB_LIB_ETH_INT_H

#include "netboot/stack.h"

/* Hand a complete, writable frame to the driver (pads short frames).
 * -NB_ENOBUFS from the driver is counted and reported as success. */
int nb_eth_transmit(struct nb_stack *s, uint8_t *frame, size_t len);

/* Handle an ARP packet (after the Ethernet header). */
void nb_arp_input(struct nb_stack *s, const uint8_t *p, size_t len);

/* State of the entry for @ip: NB_ARP_FREE when none. */
enum nb_arp_state nb_arp_state_of(const struct nb_stack *s, uint32_t ip);

#endif
