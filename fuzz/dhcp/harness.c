/*
 * The DHCP packet/option parser, three ways per input:
 *  1. stateless: message type, option lookups (overload, RFC 3396
 *     concatenation, PXE sub-options) and lease parsing;
 *  2. nb_dhcp_use_cached() with the input as the DHCPACK, and as the
 *     ProxyDHCP packet beside a valid ACK;
 *  3. the client: the input, with our XID and MAC patched in so it gets
 *     past the filters, arrives as a server reply while selecting, while
 *     requesting and while asking port 4011; then the timers run out.
 * Input: one DHCP message (UDP payload), truncated to NB_DHCP_PKT_MAX.
 *
 * Seeds: `NB_DHCP_CORPUS=$PWD/fuzz/dhcp/corpus build/tests/dhcp/test-dhcp`
 * writes every packet the unit tests craft; the same variable given to
 * tests/dhcp/dhcp_proxy.sh adds dnsmasq's real ACK, ProxyDHCP offer and
 * port-4011 reply (dnsmasq-*).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fakelink.h"
#include "frames.h"
#include "netboot/dhcp.h"
#include "netboot/stack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct env {
	struct fakelink fl;
	struct nb_stack s;
	struct nb_arena arena;
	struct nb_dhcp d;
	uint64_t now;
};

static uint8_t arena_mem[NB_STACK_ARENA_BYTES];

static void env_reset(struct env *e)
{
	memset(e, 0, sizeof(*e));
	fl_init(&e->fl, fl_our_mac, 1500, 7);
	nb_arena_init(&e->arena, arena_mem, sizeof(arena_mem));
	if (nb_stack_init(&e->s, &e->fl.link, &e->fl.rng, &e->arena) != 0)
		abort();
	e->now = 1000;
	nb_stack_poll(&e->s, e->now);
}

static void deliver(struct env *e, const uint8_t *p, size_t len,
		    uint16_t sport)
{
	static uint8_t f[NB_ETH_FRAME_MAX];
	size_t n = fb_udp_frame(f, nb_eth_broadcast, NB_IPV4(10, 0, 0, 1),
				NB_IP_BROADCAST, sport, 68, p, len);
	fl_push(&e->fl, f, n);
	nb_stack_poll(&e->s, e->now);
	(void)nb_dhcp_poll(&e->d, e->now);
}

/* A minimal valid reply of @type for the client's current XID. */
static size_t valid(struct env *e, uint8_t *p, uint8_t type, uint32_t yiaddr)
{
	memset(p, 0, 300);
	p[0] = 2, p[1] = 1, p[2] = 6;
	nb_put32(p + 4, e->d.xid);
	nb_put32(p + 16, yiaddr);
	memcpy(p + 28, fl_our_mac, 6);
	p[236] = 99, p[237] = 130, p[238] = 83, p[239] = 99;
	uint8_t o[] = {53, 1, type, 54, 4, 10, 0, 0, 1, 60, 9, 'P', 'X', 'E',
		       'C', 'l', 'i', 'e', 'n', 't', 255};
	memcpy(p + 240, o, sizeof(o));
	return 300;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct env e;
	static uint8_t pkt[NB_DHCP_PKT_MAX], ok[NB_DHCP_PKT_MAX];
	static struct nb_dhcp_lease l;
	if (size > sizeof(pkt))
		size = sizeof(pkt);
	/* Exactly @size bytes at the end, so ASan sees any overread. */
	uint8_t *p = pkt + sizeof(pkt) - size;
	memcpy(p, data, size);

	/* 1. stateless */
	uint8_t buf[NB_DHCP_PKT_MAX];
	(void)nb_dhcp_msg_type(p, size);
	(void)nb_dhcp_parse_lease(p, size, &l);
	static const uint8_t tags[] = {1, 6, 43, 53, 60, 66, 67, 209, 255};
	for (size_t i = 0; i < sizeof(tags); i++)
		(void)nb_dhcp_find_option(p, size, tags[i], buf, sizeof(buf));
	if (size)
		(void)nb_dhcp_find_option(p, size, p[size - 1], buf, 8);

	/* 2. cached */
	env_reset(&e);
	(void)nb_dhcp_use_cached(&e.d, &e.s, p, size, NULL, 0, NULL, 0);
	for (int i = 0; i < 4; i++)
		(void)nb_dhcp_option(&e.d, (enum nb_dhcp_pkt)i,
				     size ? p[0] : 1, buf, sizeof(buf));
	env_reset(&e);
	size_t n = valid(&e, ok, NB_DHCP_ACK, NB_IPV4(10, 0, 0, 50));
	(void)nb_dhcp_use_cached(&e.d, &e.s, ok, n, p, size, p, size);

	/* 3. the client, in each state that reads replies */
	env_reset(&e);
	struct nb_dhcp_cfg cfg = {0};
	cfg.pxe = true;
	cfg.first_ms = 100;
	cfg.timeout_ms = 2000;
	if (nb_dhcp_start(&e.d, &e.s, &cfg, e.now) != 0)
		abort();
	if (size >= 34) {
		nb_put32(p + 4, e.d.xid);
		memcpy(p + 28, fl_our_mac, 6);
	}
	deliver(&e, p, size, 67);
	if (e.d.state == NB_DHCP_SELECTING) {
		n = valid(&e, ok, NB_DHCP_OFFER, NB_IPV4(10, 0, 0, 50));
		deliver(&e, ok, n, 67);
		deliver(&e, p, size, 67);
	}
	if (e.d.state == NB_DHCP_REQUESTING) {
		n = valid(&e, ok, NB_DHCP_ACK, NB_IPV4(10, 0, 0, 50));
		deliver(&e, ok, n, 67);
		deliver(&e, p, size, 4011);
	}
	for (int i = 0; i < 40 && nb_dhcp_poll(&e.d, e.now) == -NB_EAGAIN; i++) {
		e.now += 100;
		nb_stack_poll(&e.s, e.now);
	}
	if (nb_dhcp_poll(&e.d, e.now) == -NB_EAGAIN)
		abort(); /* the timeout must have ended it */
	return 0;
}
