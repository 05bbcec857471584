/* Interfaces between lib/ip's files (what other layers may call is in
 * stack/layers.h). */
#ifndef NB_LIB_IP_INT_H
#define NB_LIB_IP_INT_H

#include "stack/layers.h"

/* Hand a complete datagram's payload to ICMP, UDP or a registered hook. */
void nb_ip_deliver(struct nb_stack *s, const struct nb_ip_info *ip,
		   const uint8_t *data, size_t len);

/* Feed one fragment (header @p hdr of @p hlen bytes, payload after it). */
void nb_ip_frag_input(struct nb_stack *s, const uint8_t *hdr, size_t hlen,
		      const uint8_t *data, size_t len, bool link_broadcast);

void nb_icmp_input(struct nb_stack *s, const struct nb_ip_info *ip,
		   const uint8_t *p, size_t len);
void nb_udp_input(struct nb_stack *s, const struct nb_ip_info *ip,
		  const uint8_t *p, size_t len);

/* ICMP destination unreachable about the datagram described by @p ip. */
void nb_icmp_send_unreach(struct nb_stack *s, const struct nb_ip_info *ip,
			  uint8_t code, const uint8_t *payload, size_t len);
/* A port-unreachable arrived about a datagram we sent from @p port. */
void nb_udp_unreachable(struct nb_stack *s, uint16_t port);

#endif
