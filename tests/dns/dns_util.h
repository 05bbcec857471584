/* Builders for crafted DNS responses used by the DNS tests. */
#ifndef TEST_DNS_UTIL_H
#define TEST_DNS_UTIL_H

#include <stddef.h>
#include <stdint.h>

struct pkt {
	uint8_t b[1500];
	size_t n;
};

void pkt_u8(struct pkt *p, uint8_t v);
void pkt_u16(struct pkt *p, uint16_t v);
void pkt_u32(struct pkt *p, uint32_t v);
/* Append a dotted name in uncompressed wire form. */
void pkt_name(struct pkt *p, const char *dotted);
/* Header with the given counts. */
void pkt_hdr(struct pkt *p, uint16_t id, uint16_t flags, uint16_t qd,
	     uint16_t an);
/* Header plus the question name/A/IN. */
void pkt_start(struct pkt *p, uint16_t id, uint16_t flags, const char *q,
	       uint16_t an);
/* Answer records; owner given as a compression pointer (offset) or name. */
void pkt_a_ptr(struct pkt *p, uint16_t ptr, uint32_t addr);
void pkt_a(struct pkt *p, const char *owner, uint32_t addr);
/* A whole response to an AAAA query for @p name: one record, the
 * address @p first, first + 1, ... first + 15, TTL 60. */
void pkt_aaaa_reply(struct pkt *p, uint16_t id, const char *name,
		    uint8_t first);
void pkt_cname(struct pkt *p, const char *owner, const char *target);

#endif
