/* Interfaces between lib/eth's files (what other layers may call is in
 * stack/layers.h). */
#ifndef NB_LIB_ETH_INT_H
#define NB_LIB_ETH_INT_H

#include "stack/layers.h"

/* Hand a complete, writable frame to the driver (pads short frames).
 * -NB_ENOBUFS from the driver is counted and reported as success. */
int nb_eth_transmit(struct nb_stack *s, uint8_t *frame, size_t len);

/* Handle an ARP packet (after the Ethernet header). */
void nb_arp_input(struct nb_stack *s, const uint8_t *p, size_t len);

#endif
