/*
 * Hosted: run inside a network namespace that tap_test.sh made, on a tap
 * whose kernel side has @kernel_ip.  Checks the driver's error paths, that
 * a raw ARP request gets the kernel's reply, that an oversized frame is
 * dropped rather than truncated, and that a stack on the tap pings the
 * kernel, recording everything to @pcap for tshark.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "netboot/hosted.h"
#include "netboot/stack.h"
#include "netboot/tap.h"

#define CHECK(c)                                                              \
	do {                                                                  \
		if (!(c)) {                                                   \
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__,         \
				__LINE__, #c);                                \
			exit(1);                                              \
		}                                                             \
	} while (0)

static uint32_t parse_ip(const char *s)
{
	struct in_addr a;
	CHECK(inet_pton(AF_INET, s, &a) == 1);
	return ntohl(a.s_addr);
}

static size_t arp_request(uint8_t *f, const uint8_t *mac, uint32_t sip,
			  uint32_t tip)
{
	memset(f, 0, 60);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	nb_put16(f + 12, 0x0806);
	nb_put16(f + 14, 1);      /* Ethernet */
	nb_put16(f + 16, 0x0800); /* IPv4 */
	f[18] = 6;
	f[19] = 4;
	nb_put16(f + 20, 1);      /* request */
	memcpy(f + 22, mac, 6);
	nb_put32(f + 28, sip);
	nb_put32(f + 38, tip);
	return 60;
}

/* Receive until an ARP reply from @tip to us arrives (bounded by 500 ms). */
static int wait_arp_reply(struct nb_link *l, const struct nb_clock *clk,
			  uint32_t tip, size_t cap, uint8_t *kmac)
{
	uint8_t buf[NB_ETH_FRAME_MAX];
	uint64_t end = clk->now_ms(clk->ctx) + 500;
	while (clk->now_ms(clk->ctx) < end) {
		int n = l->ops->receive(l->drv, buf, cap);
		CHECK(n >= 0);
		if (n == 0) {
			clk->idle(clk->ctx, 50);
			continue;
		}
		if (n >= 42 && nb_get16(buf + 12) == 0x0806 &&
		    nb_get16(buf + 20) == 2 && nb_get32(buf + 28) == tip &&
		    memcmp(buf, l->mac, 6) == 0) {
			if (kmac)
				memcpy(kmac, buf + 22, 6);
			return n;
		}
	}
	return 0;
}

static int ping_poll(void *obj, uint64_t now)
{
	return nb_ping_poll(obj, now);
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: %s tapdev kernel-ip our-ip out.pcap\n",
			argv[0]);
		return 2;
	}
	uint32_t kip = parse_ip(argv[2]), ours = parse_ip(argv[3]);
	struct nb_tap tap, tap2;
	struct nb_link link;

	/* Error paths. */
	CHECK(nb_tap_open(&tap, "nb-no-such-tap", &link) == -NB_ENOTFOUND);
	CHECK(nb_tap_open(&tap, "a-name-far-too-long-for-linux", &link) ==
	      -NB_EINVAL);
	CHECK(nb_tap_open(&tap, "", &link) == -NB_EINVAL);

	const uint8_t want_mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };
	CHECK(nb_tap_open_mac(&tap, argv[1], want_mac, &link) == 0);
	CHECK(memcmp(link.mac, want_mac, 6) == 0);
	CHECK(link.mtu == 1500);
	/* A single-queue tap has one owner. */
	struct nb_link link2;
	CHECK(nb_tap_open(&tap2, argv[1], &link2) == -NB_EADDRINUSE);
	nb_tap_close(&tap);
	nb_tap_close(&tap); /* twice is harmless */

	/* Random MAC: unicast, locally administered, differs per open. */
	CHECK(nb_tap_open(&tap, argv[1], &link) == 0);
	uint8_t mac1[6];
	memcpy(mac1, link.mac, 6);
	CHECK((mac1[0] & 3) == 2);
	nb_tap_close(&tap);
	CHECK(nb_tap_open(&tap, argv[1], &link) == 0);
	CHECK((link.mac[0] & 3) == 2 && memcmp(mac1, link.mac, 6) != 0);

	struct nb_clock clk;
	nb_hosted_clock(&clk, tap.fd);
	/* The kernel may still be sending IPv6 noise: drain it first. */
	uint8_t buf[NB_ETH_FRAME_MAX];
	for (int i = 0; i < 100 && link.ops->receive(link.drv, buf,
						    sizeof(buf)) > 0; i++)
		;

	/* An ARP reply (42 bytes) does not fit in 30: dropped, counted.
	 * The request is repeated because the kernel drops its own
	 * transmissions until linkwatch activates the tap's queue after
	 * carrier-on, which it rate-limits to once a second. */
	uint8_t f[60];
	size_t len = arp_request(f, link.mac, ours, kip);
	for (int i = 0; i < 10 && !tap.rx_oversize; i++) {
		CHECK(link.ops->transmit(link.drv, f, len) == 0);
		CHECK(wait_arp_reply(&link, &clk, kip, 30, NULL) == 0);
	}
	CHECK(tap.rx_oversize >= 1);
	printf("oversize frames dropped: %u\n", tap.rx_oversize);

	/* Raw ARP: the kernel answers for its address. */
	uint8_t kmac[6];
	int got = 0;
	for (int i = 0; i < 10 && !got; i++) {
		CHECK(link.ops->transmit(link.drv, f, len) == 0);
		got = wait_arp_reply(&link, &clk, kip, sizeof(buf), kmac);
	}
	CHECK(got == 42);
	printf("kernel %s is at %02x:%02x:%02x:%02x:%02x:%02x\n", argv[2],
	       kmac[0], kmac[1], kmac[2], kmac[3], kmac[4], kmac[5]);

	/* A stack on the tap, captured to a file, pings the kernel. */
	struct nb_pcap cap;
	CHECK(nb_pcap_open_file(&cap, &link, argv[4]) == 0);
	struct nb_rng rng;
	CHECK(nb_hosted_rng(&rng) == 0);
	size_t memlen = NB_STACK_ARENA_BYTES;
	void *mem = malloc(memlen);
	struct nb_arena arena;
	nb_arena_init(&arena, mem, memlen);
	struct nb_stack *s = calloc(1, sizeof(*s));
	CHECK(s && mem);
	CHECK(nb_stack_init(s, &cap.link, &rng, &arena) == 0);
	nb_stack_set_ipv4(s, ours, 0xffffff00u, 0);
	int ok = 0;
	for (uint16_t seq = 0; seq < 5; seq++) {
		struct nb_ping p;
		CHECK(nb_stack_poll(s, clk.now_ms(clk.ctx)) >= 0);
		CHECK(nb_ping_start(&p, s, kip, seq, 100, 1000,
				    clk.now_ms(clk.ctx)) == 0);
		int rc = nb_wait(s, ping_poll, &p, &clk, 3000);
		if (rc == -NB_ETIMEDOUT)
			nb_ping_cancel(&p);
		printf("ping seq %u: %s, rtt %u ms\n", seq, nb_strerror(rc),
		       rc == 0 ? p.rtt_ms : 0);
		ok += rc == 0;
	}
	CHECK(ok == 5);
	CHECK(s->stats.arp_requests >= 1);
	CHECK(nb_pcap_close_file(&cap) == 0);
	printf("captured %u frames, tap rx_errors %u tx_errors %u\n",
	       cap.records, tap.rx_errors, tap.tx_errors);
	CHECK(cap.records >= 12); /* ARP pair + 5 echo pairs */
	nb_tap_close(&tap);
	free(s);
	free(mem);
	printf("PASS\n");
	return 0;
}
