/*
 * Frame builders for tests, fuzz harnesses and the seed generator.  Each
 * writes into a caller buffer of NB_ETH_FRAME_MAX bytes (or the 64 KiB a
 * fragmentable datagram needs) and returns the length written.
 */
#ifndef NB_TEST_FRAMES_H
#define NB_TEST_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The peers every test talks to. */
extern const uint8_t fb_peer_mac[6];  /* 02:00:00:00:00:01 */
extern const uint8_t fb_other_mac[6]; /* 02:00:00:00:00:99 */

/* IPv4 header fields; zero means the usual default where one exists. */
struct fb_ip {
	uint32_t src, dst;
	uint8_t proto;
	uint8_t ttl;      /* 0 -> 64; set ttl_zero for a real 0 */
	bool ttl_zero;
	uint16_t id;
	uint16_t frag;    /* flags + offset field as on the wire */
	uint8_t ihl;      /* 0 -> 5; options are zero-filled (EOL) */
	uint8_t version;  /* 0 -> 4 */
	int total_adj;    /* added to the total-length field */
	bool bad_csum;    /* corrupt the header checksum */
};

/* Ethernet header; returns 14. */
size_t fb_eth(uint8_t *f, const uint8_t dst[6], const uint8_t src[6],
	      uint16_t type);
/* A complete ARP frame (Ethernet header to @edst, from @sha). */
size_t fb_arp(uint8_t *f, const uint8_t edst[6], uint16_t op,
	      const uint8_t sha[6], uint32_t spa, const uint8_t tha[6],
	      uint32_t tpa);
/* IPv4 header + @len payload bytes at @p (no Ethernet header). */
size_t fb_ipv4(uint8_t *p, const struct fb_ip *h, const void *payload,
	       size_t len);
/* Ethernet (to @dst from fb_peer_mac) + IPv4 + payload. */
size_t fb_ip_frame(uint8_t *f, const uint8_t dst[6], const struct fb_ip *h,
		   const void *payload, size_t len);
/* UDP header + data at @u; checksum computed unless @no_csum. */
size_t fb_udp(uint8_t *u, uint32_t src, uint32_t dst, uint16_t sport,
	      uint16_t dport, const void *data, size_t len, bool no_csum);
/* ICMP message (type, code, 4 bytes rest-of-header) with checksum. */
size_t fb_icmp(uint8_t *p, uint8_t type, uint8_t code, uint32_t rest,
	       const void *data, size_t len);
/* A whole UDP-in-IPv4 frame to our MAC from fb_peer_mac. */
size_t fb_udp_frame(uint8_t *f, const uint8_t dst_mac[6], uint32_t src,
		    uint32_t dst, uint16_t sport, uint16_t dport,
		    const void *data, size_t len);

/* Fix-ups for fuzz harnesses, so mutated packets get past the checks a
 * random byte flip almost never satisfies. */
#define FB_FIX_LEN 1u    /* IPv4 total length := bytes present */
#define FB_FIX_IPSUM 2u  /* IPv4 header checksum */
#define FB_FIX_L4SUM 4u  /* UDP / ICMP checksum (unfragmented only) */
/* Apply @what to the IPv4 packet at @p (@len bytes); no-op when it is
 * too short or not version 4.  Never reads or writes beyond @len. */
void fb_fixup_ipv4(uint8_t *p, size_t len, unsigned what);

/* Naive RFC 1071 checksum, 16 bits at a time: the reference for tests. */
uint16_t fb_ref_csum(const void *data, size_t len);

#endif
