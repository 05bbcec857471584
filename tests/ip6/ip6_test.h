/* Packet builders shared by lib/ip6's unit tests. */
#ifndef IP6_TEST_H
#define IP6_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "netboot/err.h"
#include "netboot/ip6.h"

static const uint8_t PEER[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x50, 0x54, 0, 0xff, 0xfe, 0, 0, 2};
static const uint8_t SELF[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x50, 0x54, 0, 0xff, 0xfe, 0, 0, 1};
static const uint8_t ALLNODES[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t UNSPEC[16];

/* IPv6 header from @p src to @p dst, then @p body; payload length set. */
static inline size_t pk(uint8_t *p, const uint8_t *src, const uint8_t *dst,
			uint8_t next, uint8_t hl, const void *body, size_t n)
{
	nb_ip6_build_hdr(p, src, dst, next, (uint16_t)n, hl);
	memcpy(p + NB_IP6_HDR_LEN, body, n);
	return NB_IP6_HDR_LEN + n;
}

/* An ICMPv6 packet with a correct checksum (hop limit 255). */
static inline size_t pk_icmp(uint8_t *p, const uint8_t *src, const uint8_t *dst,
			     const void *msg, size_t n)
{
	size_t len = pk(p, src, dst, NB_IP6_ICMP6, 255, msg, n);
	nb_icmp6_finish(p);
	return len;
}

#endif
