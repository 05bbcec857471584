/*
 * nb_stack6 live: frames go through a real stack's extension hook into
 * the IPv6 layer (ND with DAD and SLAAC, echo, errors, reassembly, TCP
 * over v6 with one connection open, a UDP socket on port 69 echoing what
 * it gets), and every frame we send back must
 * parse as IPv6.  Each record is also tried as address text
 * (nb_ip6_addr_parse), whose result must format and parse back the same.
 *
 * Input: records of [flags:1][len:2 big-endian][len bytes] (an IPv6
 * packet; the harness adds the Ethernet header); a short tail is one last
 * packet.  Flag bits: 0 fix the payload length, 1 fix the ICMPv6, TCP or UDP
 * checksum (no extension headers), 2 send to the all-nodes MAC, 4-7
 * advance time by that many x 250 ms first.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netboot/err.h"
#include "netboot/stack6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PACKETS 64

static const uint8_t our_mac[6] = {0x02, 0x6e, 0x62, 0, 0, 1};

struct fl {
	const uint8_t *frame;
	size_t len;
};

static int fl_tx(void *drv, const void *frame, size_t len)
{
	const uint8_t *f = frame;
	struct nb_ip6_info in;
	(void)drv;
	if (len < 14 || len > NB_ETH_FRAME_MAX)
		abort();
	if (nb_get16(f + 12) == NB_ETHERTYPE_IPV6 &&
	    nb_ip6_parse(f + 14, len - 14, &in) < 0)
		abort(); /* what we send must be valid IPv6 */
	return 0;
}

static int fl_rx(void *drv, void *buf, size_t cap)
{
	struct fl *l = drv;
	if (!l->frame)
		return 0;
	size_t n = l->len < cap ? l->len : cap;
	memcpy(buf, l->frame, n);
	l->frame = NULL;
	return (int)n;
}

static int fill(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	memset(buf, 0x5a, len);
	return 0;
}

static int deliver(void *ctx, uint64_t off, const void *d, size_t n)
{
	(void)ctx; (void)off; (void)d;
	return (int)n;
}

static void echo(void *ctx, struct nb_udp6 *sk, const uint8_t src[16],
		 uint16_t sport, const void *data, size_t len)
{
	(void)ctx;
	nb_udp6_sendto(sk, src, sport, data, len);
}

static void text(const uint8_t *d, size_t n)
{
	uint8_t a[16], b[16];
	char t[NB_IP6_TEXT_MAX];
	if (nb_ip6_addr_parse((const char *)d, n, a) < 0)
		return;
	size_t k = nb_ip6_addr_format(a, t);
	if (k >= sizeof(t) || nb_ip6_addr_parse(t, k, b) < 0 || memcmp(a, b, 16))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct nb_link_ops ops = {fl_tx, fl_rx};
	static uint8_t mem[NB_STACK_ARENA_BYTES + NB_STACK6_ARENA_BYTES];
	static uint8_t frame[NB_ETH_FRAME_MAX + 64];
	static struct nb_stack s;
	static struct nb_stack6 st;
	static struct nb_tcp_conn c;
	static struct nb_udp6 u;
	static uint8_t sbuf[64];
	struct fl l = {0};
	struct nb_link link = {.ops = &ops, .drv = &l, .mtu = 1500, .mtu_max = 1500};
	struct nb_rng rng = {fill, NULL};
	struct nb_arena ar;
	struct nb_stack6_cfg cfg = {.slaac = true, .has_addr = true, .plen = 64,
				    .addr = {0xfd, 0x90, [15] = 1}};
	static const uint8_t peer[16] = {0xfd, 0x90, [15] = 2};
	uint64_t now = 1;

	memcpy(link.mac, our_mac, 6);
	nb_arena_init(&ar, mem, sizeof(mem));
	if (nb_stack_init(&s, &link, &rng, &ar) < 0 ||
	    nb_stack6_init(&st, &s, &cfg, &ar) < 0)
		abort();
	now += 1500; /* DAD done: the addresses are usable */
	nb_stack_poll(&s, now);
	if (nb_udp6_open(&u, &st, 69, echo, NULL) < 0)
		abort();
	struct nb_tcp_rx rx = {deliver, NULL, NULL, NULL};
	if (nb_tcp_connect(&c, nb_stack6_tcp(&st), nb_stack6_peer(&st, peer), 80,
			   &rx, sbuf, sizeof(sbuf)) < 0)
		abort();
	for (int k = 0; k < MAX_PACKETS && size > 0; k++) {
		uint8_t flags = data[0];
		size_t len = size >= 3 ? (size_t)(data[1] << 8 | data[2]) : 0;
		size_t hdr = size >= 3 ? 3 : size;
		data += hdr;
		size -= hdr;
		if (len > size || k == MAX_PACKETS - 1)
			len = size;
		if (len > NB_ETH_FRAME_MAX - 14)
			len = NB_ETH_FRAME_MAX - 14;
		text(data, len);
		uint8_t *p = frame + 14;
		memcpy(p, data, len);
		data += len;
		size -= len;
		now += (uint64_t)(flags >> 4) * 250;
		if (flags & 4)
			memcpy(frame, "\x33\x33\0\0\0\1", 6);
		else
			memcpy(frame, our_mac, 6);
		memset(frame + 6, 0x22, 6);
		nb_put16(frame + 12, NB_ETHERTYPE_IPV6);
		if ((flags & 1) && len >= NB_IP6_HDR_LEN)
			nb_put16(p + 4, (uint16_t)(len - NB_IP6_HDR_LEN));
		if ((flags & 2) && len >= NB_IP6_HDR_LEN + 20 &&
		    (p[6] == NB_IP6_ICMP6 || p[6] == NB_IP6_TCP ||
		     p[6] == NB_IP6_UDP)) {
			unsigned at = p[6] == NB_IP6_TCP ? 16 : p[6] == NB_IP6_UDP ? 6 : 2;
			uint32_t n = (uint32_t)(len - NB_IP6_HDR_LEN);
			nb_put16(p + NB_IP6_HDR_LEN + at, 0);
			uint32_t sum = nb_ip6_pseudo_sum(p + 8, p + 24, n, p[6]);
			nb_put16(p + NB_IP6_HDR_LEN + at,
				 nb_csum_fold(nb_csum_add(sum, p + NB_IP6_HDR_LEN, n)));
		}
		l.frame = frame;
		l.len = 14 + len;
		nb_stack_poll(&s, now);
		nb_tcp_poll(&c, now);
	}
	nb_tcp_abort(&c);
	nb_tcp_poll(&c, now);
	nb_udp6_close(&u);
	nb_stack6_detach(&st);
	return 0;
}
