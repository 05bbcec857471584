/*
 * Writes the seed corpora of fuzz/eth, fuzz/ip and fuzz/stack.
 *   gen-seeds <top of the source tree>
 * Seeds are small, valid-looking inputs for each harness's format (see
 * the comment at the top of each harness.c); they give the fuzzer a head
 * start past checksums and into ARP, ICMP, UDP and reassembly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzenv.h"

static const char *top;
static const uint8_t zero_mac[6];

static void put(const char *harness, const char *name, const void *d, size_t n)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/fuzz/%s/corpus/%s", top, harness, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(d, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* Builders of whole frames to the fuzz stack. */
static size_t udp_frame(uint8_t *f, uint32_t src, uint32_t dst, uint16_t dport,
			const char *msg)
{
	return fb_udp_frame(f, dst == NB_IP_BROADCAST ? nb_eth_broadcast : fl_our_mac,
			    src, dst, 5000, dport, msg, strlen(msg));
}

static size_t icmp_frame(uint8_t *f, uint8_t type, uint8_t code, uint32_t rest,
			 const void *d, size_t n)
{
	uint8_t p[1600];
	size_t pl = fb_icmp(p, type, code, rest, d, n);
	struct fb_ip h = {.src = FZ_GW_IP, .dst = FZ_OUR_IP, .proto = 1};
	return fb_ip_frame(f, fl_our_mac, &h, p, pl);
}

/* A 3000-byte UDP datagram to port 68, cut in 1480-byte fragments. */
static uint8_t dg[4000];
static size_t dg_len;
static size_t frag_packet(uint8_t *p, uint16_t id, size_t off, size_t len, bool more)
{
	struct fb_ip h = {.src = FZ_GW_IP, .dst = FZ_OUR_IP, .proto = 17, .id = id,
			  .frag = (uint16_t)((more ? 0x2000 : 0) | off / 8)};
	return fb_ipv4(p, &h, dg + off, len);
}

/* Record builders for the ip and stack formats. */
struct rec {
	uint8_t buf[16384];
	size_t n;
};
static void rec_add(struct rec *r, uint8_t op, const void *d, size_t len)
{
	r->buf[r->n++] = op;
	r->buf[r->n++] = (uint8_t)(len >> 8);
	r->buf[r->n++] = (uint8_t)len;
	memcpy(r->buf + r->n, d, len);
	r->n += len;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s <source top>\n", argv[0]);
		return 2;
	}
	top = argv[1];
	uint8_t f[NB_ETH_FRAME_MAX], g[NB_ETH_FRAME_MAX];
	size_t n;
	static uint8_t data[4000];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 1);
	dg_len = fb_udp(dg, FZ_GW_IP, FZ_OUR_IP, 67, 68, data, 2992, false);

	/* ---- eth: one frame each ---- */
	struct {
		const char *name;
		size_t len;
		uint8_t f[NB_ETH_FRAME_MAX];
	} *s = calloc(64, sizeof(*s));
	size_t ns = 0;
#define SEED(nm, expr)                                                         \
	do {                                                                   \
		s[ns].name = nm;                                               \
		s[ns].len = (expr);                                            \
		memcpy(s[ns].f, f, s[ns].len);                                 \
		ns++;                                                          \
	} while (0)
	SEED("arp-request-for-us", fb_arp(f, nb_eth_broadcast, 1, fb_other_mac,
					  NB_IPV4(10, 0, 0, 9), zero_mac, FZ_OUR_IP));
	SEED("arp-reply-pending", fb_arp(f, fl_our_mac, 2, fb_other_mac,
					 FZ_PENDING_IP, fl_our_mac, FZ_OUR_IP));
	SEED("arp-request-other", fb_arp(f, nb_eth_broadcast, 1, fb_other_mac,
					 NB_IPV4(10, 0, 0, 9), zero_mac, NB_IPV4(10, 0, 0, 77)));
	SEED("arp-refresh-gw", fb_arp(f, nb_eth_broadcast, 1, fb_other_mac, FZ_GW_IP,
				      zero_mac, NB_IPV4(10, 0, 0, 77)));
	SEED("udp-68-echo", udp_frame(f, FZ_GW_IP, FZ_OUR_IP, 68, "hello, echo"));
	SEED("udp-69-closes", udp_frame(f, FZ_GW_IP, FZ_OUR_IP, 69, "bye"));
	SEED("udp-unbound", udp_frame(f, FZ_GW_IP, FZ_OUR_IP, 4444, "nobody"));
	SEED("udp-broadcast", udp_frame(f, FZ_GW_IP, NB_IP_BROADCAST, 68, "offer"));
	SEED("udp-offlink-src", udp_frame(f, NB_IPV4(192, 0, 2, 1), FZ_OUR_IP, 68, "far"));
	SEED("icmp-echo", icmp_frame(f, 8, 0, 0x12340001, "abcdefgh", 8));
	SEED("icmp-echo-reply", icmp_frame(f, 0, 0, 0x12340001, data, 16));
	n = udp_frame(g, FZ_OUR_IP, FZ_GW_IP, 68, "quoted");
	SEED("icmp-port-unreach", icmp_frame(f, 3, 3, 0, g + 14, 28));
	SEED("icmp-net-unreach", icmp_frame(f, 3, 0, 0, g + 14, 28));
	SEED("icmp-timestamp", icmp_frame(f, 13, 0, 0, data, 12));
	n = frag_packet(g, 77, 0, 1480, true);
	SEED("ip-first-fragment", fb_eth(f, fl_our_mac, fb_peer_mac, 0x0800) + n);
	memcpy(s[ns - 1].f + 14, g, n);
	{
		struct fb_ip h = {.src = FZ_GW_IP, .dst = FZ_OUR_IP, .proto = 17, .ihl = 7};
		uint8_t u[64];
		size_t ul = fb_udp(u, FZ_GW_IP, FZ_OUR_IP, 67, 68, "opts", 4, false);
		SEED("ip-options", fb_ip_frame(f, fl_our_mac, &h, u, ul));
		h.ihl = 0;
		h.proto = 6;
		SEED("ip-tcp", fb_ip_frame(f, fl_our_mac, &h, u, ul));
		h.proto = 17;
		h.bad_csum = true;
		SEED("ip-bad-csum", fb_ip_frame(f, fl_our_mac, &h, u, ul));
	}
	memset(f, 0, sizeof(f));
	fb_eth(f, fl_our_mac, fb_peer_mac, 0x8100);
	SEED("vlan", 64);
	SEED("short", 10);
	fb_eth(f, fb_other_mac, fb_peer_mac, 0x0800);
	SEED("other-mac", 60);
	for (size_t i = 0; i < ns; i++)
		put("eth", s[i].name, s[i].f, s[i].len);

	/* ---- ip: records of raw IPv4 packets ---- */
	static struct rec r;
	for (size_t i = 0; i < ns; i++) {
		if (s[i].len <= 14 || nb_get16(s[i].f + 12) != 0x0800)
			continue;
		r.n = 0;
		rec_add(&r, 0, s[i].f + 14, s[i].len - 14);
		put("ip", s[i].name, r.buf, r.n);
	}
	uint8_t p[1600];
	r.n = 0;
	for (size_t off = 0; off < dg_len; off += 1480) {
		size_t len = dg_len - off > 1480 ? 1480 : dg_len - off;
		rec_add(&r, 0, p, frag_packet(p, 1, off, len, off + len < dg_len));
	}
	put("ip", "frag-in-order", r.buf, r.n);
	r.n = 0;
	rec_add(&r, 0, p, frag_packet(p, 2, 2960, dg_len - 2960, false));
	rec_add(&r, 0, p, frag_packet(p, 2, 1480, 1480, true));
	rec_add(&r, 0, p, frag_packet(p, 2, 1480, 1480, true));
	rec_add(&r, 0, p, frag_packet(p, 2, 0, 1480, true));
	put("ip", "frag-reverse-dup", r.buf, r.n);
	r.n = 0;
	rec_add(&r, 0, p, frag_packet(p, 3, 0, 1480, true));
	rec_add(&r, 0, p, frag_packet(p, 3, 8, 1480, true));
	put("ip", "frag-overlap", r.buf, r.n);
	r.n = 0;
	rec_add(&r, 0, p, frag_packet(p, 4, 0, 1480, true));
	rec_add(&r, 0, p, frag_packet(p, 5, 0, 1480, true));
	rec_add(&r, 0, p, frag_packet(p, 6, 0, 1480, true));
	rec_add(&r, 0xb0, p, frag_packet(p, 4, 1480, dg_len - 1480, false));
	put("ip", "frag-slots-timeout", r.buf, r.n);
	r.n = 0;
	rec_add(&r, 0, p, frag_packet(p, 7, 0, 1480, true));
	n = frag_packet(p, 7, 1480, 1480, false);
	nb_put16(p + 6, 8184); /* offset beyond 64 KiB */
	fb_fixup_ipv4(p, n, FB_FIX_IPSUM);
	rec_add(&r, 0, p, n);
	put("ip", "frag-oversize", r.buf, r.n);
	r.n = 0;
	n = fb_ipv4(p, &(struct fb_ip){.src = FZ_GW_IP, .dst = FZ_OUR_IP, .proto = 17}, data, 40);
	rec_add(&r, 0x0e, p, n); /* let the harness fix the checksums */
	put("ip", "udp-fixups", r.buf, r.n);

	/* ---- stack: frames, time and application calls ---- */
	r.n = 0;
	rec_add(&r, 3, s[0].f, s[0].len);          /* ARP request for us */
	rec_add(&r, 3, s[1].f, s[1].len);          /* reply releases the parked frame */
	rec_add(&r, 3, s[4].f, s[4].len);          /* UDP echo */
	rec_add(&r, 1, NULL, 0);
	r.buf[r.n - 2] = 0x01;                     /* advance 256 ms */
	put("stack", "arp-udp", r.buf, r.n);
	r.n = 0;
	{
		uint8_t a[16];
		nb_put32(a, FZ_GW_IP);
		nb_put32(a + 4, 0x03e80007); /* seq 7, timeout 1000 ms */
		a[8] = 4;
		rec_add(&r, 2 | 1 << 2, a, 9); /* ping start */
		rec_add(&r, 3, s[9].f, s[9].len);  /* someone pings us */
		r.buf[r.n++] = 1, r.buf[r.n++] = 0x04, r.buf[r.n++] = 0;
		rec_add(&r, 2 | 2 << 2, NULL, 0); /* ping poll */
		nb_put32(a, NB_IPV4(10, 0, 0, 200));
		nb_put32(a + 4, 53);
		memcpy(a + 8, "query", 5);
		rec_add(&r, 2, a, 13);             /* UDP send, needs ARP */
		r.buf[r.n++] = 1, r.buf[r.n++] = 0x20, r.buf[r.n++] = 0;
		put("stack", "ping-udp-arp-timeout", r.buf, r.n);
	}
	r.n = 0;
	for (size_t off = 0; off < dg_len; off += 1480) {
		size_t len = dg_len - off > 1480 ? 1480 : dg_len - off;
		size_t pl = frag_packet(p, 9, off, len, off + len < dg_len);
		n = fb_eth(f, fl_our_mac, fb_peer_mac, 0x0800);
		memcpy(f + n, p, pl);
		rec_add(&r, 0, f, n + pl);
	}
	r.buf[r.n++] = 1, r.buf[r.n++] = 0, r.buf[r.n++] = 10;
	put("stack", "fragments", r.buf, r.n);
	r.n = 0;
	{
		uint8_t a[8] = {0};
		rec_add(&r, 2 | 3 << 2, a, 4);         /* close socket 0 */
		rec_add(&r, 3, s[4].f, s[4].len);       /* now unbound */
		nb_put32(a, 0);
		nb_put32(a + 4, 68);
		rec_add(&r, 2 | 4 << 2, a, 8);          /* reopen on 68 */
		rec_add(&r, 0x83, s[4].f, s[4].len);    /* echo with tx full */
		nb_put32(a, 1);
		rec_add(&r, 2 | 5 << 2, a, 4);          /* unconfigure */
		rec_add(&r, 3, s[7].f, s[7].len);
		put("stack", "sockets-config", r.buf, r.n);
	}
	r.n = 0;
	for (size_t i = 0; i < ns; i++)
		rec_add(&r, 0x3c, s[i].f, s[i].len);
	put("stack", "everything", r.buf, r.n);
	/* Each eth seed as a received frame followed by 8 s of timers. */
	for (size_t i = 0; i < ns; i++) {
		r.n = 0;
		rec_add(&r, 3, s[i].f, s[i].len);
		r.buf[r.n++] = 1, r.buf[r.n++] = 0x1f, r.buf[r.n++] = 0x40;
		put("stack", s[i].name, r.buf, r.n);
	}
	free(s);
	return 0;
}
