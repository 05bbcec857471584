/*
 * The frame builders of frames.h: Ethernet, ARP, IPv4 (with fragments),
 * ICMP and UDP, with correct checksums unless a test asks for wrong ones.
 * Checksums come from a naive reference implementation, not the
 * library's, so a test does not check the code with itself.
 */
#include "frames.h"

#include <string.h>

#include "netboot/core.h"
#include "netboot/eth.h"
#include "netboot/ip.h"

const uint8_t fb_peer_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
const uint8_t fb_other_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x99};

size_t fb_eth(uint8_t *f, const uint8_t dst[6], const uint8_t src[6],
	      uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	nb_put16(f + 12, type);
	return 14;
}

size_t fb_arp(uint8_t *f, const uint8_t edst[6], uint16_t op,
	      const uint8_t sha[6], uint32_t spa, const uint8_t tha[6],
	      uint32_t tpa)
{
	size_t n = fb_eth(f, edst, sha, NB_ETHERTYPE_ARP);
	uint8_t *a = f + n;
	nb_put16(a, 1);
	nb_put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	nb_put16(a + 6, op);
	memcpy(a + 8, sha, 6);
	nb_put32(a + 14, spa);
	memcpy(a + 18, tha, 6);
	nb_put32(a + 24, tpa);
	return n + 28;
}

uint16_t fb_ref_csum(const void *data, size_t len)
{
	const uint8_t *b = data;
	uint32_t sum = 0;
	for (size_t i = 0; i + 1 < len; i += 2) {
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
		sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len & 1) {
		sum += (uint32_t)b[len - 1] << 8;
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return (uint16_t)~sum;
}

size_t fb_ipv4(uint8_t *p, const struct fb_ip *h, const void *payload,
	       size_t len)
{
	size_t hlen = (size_t)(h->ihl ? h->ihl : 5) * 4;
	memset(p, 0, hlen);
	p[0] = (uint8_t)((h->version ? h->version : 4) << 4 | (h->ihl ? h->ihl : 5));
	nb_put16(p + 2, (uint16_t)((int)(hlen + len) + h->total_adj));
	nb_put16(p + 4, h->id);
	nb_put16(p + 6, h->frag);
	p[8] = h->ttl_zero ? 0 : h->ttl ? h->ttl : 64;
	p[9] = h->proto;
	nb_put32(p + 12, h->src);
	nb_put32(p + 16, h->dst);
	/* The builder must not depend on the code under test. */
	nb_put16(p + 10, fb_ref_csum(p, hlen < 20 ? 20 : hlen));
	if (h->bad_csum)
		p[10] ^= 0x5a;
	if (len)
		memmove(p + hlen, payload, len);
	return hlen + len;
}

size_t fb_ip_frame(uint8_t *f, const uint8_t dst[6], const struct fb_ip *h,
		   const void *payload, size_t len)
{
	size_t n = fb_eth(f, dst, fb_peer_mac, NB_ETHERTYPE_IPV4);
	return n + fb_ipv4(f + n, h, payload, len);
}

size_t fb_udp(uint8_t *u, uint32_t src, uint32_t dst, uint16_t sport,
	      uint16_t dport, const void *data, size_t len, bool no_csum)
{
	if (len)
		memmove(u + 8, data, len);
	nb_put16(u, sport);
	nb_put16(u + 2, dport);
	nb_put16(u + 4, (uint16_t)(8 + len));
	nb_put16(u + 6, 0);
	if (!no_csum) {
		/* Pseudo-header summed the naive way, independently of lib/ip. */
		uint8_t ph[12];
		nb_put32(ph, src);
		nb_put32(ph + 4, dst);
		ph[8] = 0;
		ph[9] = 17;
		nb_put16(ph + 10, (uint16_t)(8 + len));
		uint32_t sum = (uint16_t)~fb_ref_csum(ph, 12);
		sum += (uint16_t)~fb_ref_csum(u, 8 + len);
		sum = (sum & 0xffff) + (sum >> 16);
		sum = (sum & 0xffff) + (sum >> 16);
		uint16_t c = (uint16_t)~sum;
		nb_put16(u + 6, c ? c : 0xffff);
	}
	return 8 + len;
}

size_t fb_icmp(uint8_t *p, uint8_t type, uint8_t code, uint32_t rest,
	       const void *data, size_t len)
{
	if (len)
		memmove(p + 8, data, len);
	p[0] = type;
	p[1] = code;
	nb_put16(p + 2, 0);
	nb_put32(p + 4, rest);
	nb_put16(p + 2, fb_ref_csum(p, 8 + len));
	return 8 + len;
}

size_t fb_udp_frame(uint8_t *f, const uint8_t dst_mac[6], uint32_t src,
		    uint32_t dst, uint16_t sport, uint16_t dport,
		    const void *data, size_t len)
{
	uint8_t u[1600];
	size_t ulen = fb_udp(u, src, dst, sport, dport, data, len, false);
	struct fb_ip h = {.src = src, .dst = dst, .proto = 17};
	return fb_ip_frame(f, dst_mac, &h, u, ulen);
}

void fb_fixup_ipv4(uint8_t *p, size_t len, unsigned what)
{
	if (len < 20 || (p[0] >> 4) != 4)
		return;
	size_t hlen = (size_t)(p[0] & 15) * 4;
	if (hlen < 20 || hlen > len)
		return;
	if ((what & FB_FIX_LEN) && len <= 0xffff)
		nb_put16(p + 2, (uint16_t)len);
	size_t total = nb_get16(p + 2);
	if (total > len || total < hlen)
		total = len;
	if (what & FB_FIX_L4SUM && !(nb_get16(p + 6) & 0x3fff)) {
		uint8_t *l4 = p + hlen;
		size_t n = total - hlen;
		if (p[9] == 1 && n >= 8) {
			nb_put16(l4 + 2, 0);
			nb_put16(l4 + 2, fb_ref_csum(l4, n));
		} else if (p[9] == 17 && n >= 8) {
			size_t ulen = nb_get16(l4 + 4);
			if (ulen < 8 || ulen > n)
				ulen = n;
			nb_put16(l4 + 4, (uint16_t)ulen);
			uint8_t ph[12];
			memcpy(ph, p + 12, 8);
			ph[8] = 0;
			ph[9] = 17;
			nb_put16(ph + 10, (uint16_t)ulen);
			nb_put16(l4 + 6, 0);
			uint32_t sum = (uint16_t)~fb_ref_csum(ph, 12);
			sum += (uint16_t)~fb_ref_csum(l4, ulen);
			sum = (sum & 0xffff) + (sum >> 16);
			sum = (sum & 0xffff) + (sum >> 16);
			uint16_t c = (uint16_t)~sum;
			nb_put16(l4 + 6, c ? c : 0xffff);
		}
	}
	if (what & FB_FIX_IPSUM) {
		nb_put16(p + 10, 0);
		nb_put16(p + 10, fb_ref_csum(p, hlen));
	}
}
