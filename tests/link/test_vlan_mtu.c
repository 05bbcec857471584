/* Unit tests for the link MTU (nb_stack_set_mtu(), jumbo frames, the TCP
 * MSS that follows) and the 802.1Q wrapper (lib/vlan), over a queue link
 * that takes frames of any size the stack may send. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../common/frames.h"
#include "netboot/stack.h"
#include "netboot/tcp.h"
#include "netboot/vlan.h"

#define OUR_IP NB_IPV4(10, 0, 0, 2)
#define PEER_IP NB_IPV4(10, 0, 0, 1)
#define QL_FRAME (NB_LINK_MTU_MAX + 14 + NB_VLAN_HLEN)
#define QL_SLOTS 24

static const uint8_t our_mac[6] = {0x02, 0, 0, 0, 0, 0x10};

/* A link whose frames are as big as a tagged jumbo frame. */
struct ql {
	struct nb_link link;
	uint8_t rx[QL_SLOTS][QL_FRAME];
	size_t rx_len[QL_SLOTS];
	size_t rx_head, rx_tail;
	uint8_t tx[QL_FRAME];   /* the last frame sent */
	size_t tx_len;
	unsigned ntx;
	int tx_rc;
};

static int ql_transmit(void *drv, const void *frame, size_t len)
{
	struct ql *q = drv;
	if (q->tx_rc)
		return q->tx_rc;
	assert_true(len <= QL_FRAME);
	memcpy(q->tx, frame, len);
	q->tx_len = len;
	q->ntx++;
	return 0;
}

static int ql_receive(void *drv, void *buf, size_t cap)
{
	struct ql *q = drv;
	if (q->rx_head == q->rx_tail)
		return 0;
	size_t i = q->rx_head++ % QL_SLOTS;
	if (q->rx_len[i] > cap)
		return 0;
	memcpy(buf, q->rx[i], q->rx_len[i]);
	return (int)q->rx_len[i];
}

static const struct nb_link_ops ql_ops = {ql_transmit, ql_receive};

static int fill(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	memset(buf, 0x5a, len);
	return 0;
}

static const struct nb_rng rng = {fill, NULL};

static struct ql *ql_new(uint16_t mtu, uint16_t mtu_max)
{
	struct ql *q = calloc(1, sizeof(*q));
	assert_non_null(q);
	q->link.ops = &ql_ops;
	q->link.drv = q;
	memcpy(q->link.mac, our_mac, 6);
	q->link.mtu = mtu;
	q->link.mtu_max = mtu_max;
	return q;
}

static void ql_push(struct ql *q, const void *f, size_t len)
{
	assert_true(len <= QL_FRAME && q->rx_tail - q->rx_head < QL_SLOTS);
	size_t i = q->rx_tail++ % QL_SLOTS;
	memcpy(q->rx[i], f, len);
	q->rx_len[i] = len;
}

/* Insert an 802.1Q tag with @tci into the untagged frame @f (@len). */
static size_t tag(uint8_t *f, size_t len, uint16_t tci)
{
	memmove(f + 16, f + 12, len - 12);
	nb_put16(f + 12, NB_VLAN_TPID);
	nb_put16(f + 14, tci);
	return len + 4;
}

/* A stack on @link with an arena sized for it (freed with the test). */
struct env {
	struct nb_stack s;
	struct nb_arena a;
	uint8_t *mem;
};

static struct env *env_new(size_t extra)
{
	struct env *e = calloc(1, sizeof(*e));
	assert_non_null(e);
	size_t len = NB_STACK_ARENA_BYTES_MTU(NB_LINK_MTU_MAX) + extra;
	e->mem = malloc(len);
	assert_non_null(e->mem);
	nb_arena_init(&e->a, e->mem, len);
	return e;
}

static void env_free(struct env *e)
{
	free(e->mem);
	free(e);
}

static int start(struct env *e, struct nb_link *link)
{
	int rc = nb_stack_init(&e->s, link, &rng, &e->a);
	if (rc == 0) {
		nb_stack_set_ipv4(&e->s, OUR_IP, 0xffffff00u, 0);
		nb_arp_add(&e->s, PEER_IP, fb_peer_mac);
	}
	return rc;
}

static void mtu_bounds(void **state)
{
	(void)state;
	struct ql *q = ql_new(1500, 9000);
	struct env *e = env_new(0);
	/* Frames are sized for mtu_max: the 1500-byte arena is too small. */
	struct nb_arena small;
	static uint8_t mem[NB_STACK_ARENA_BYTES];
	nb_arena_init(&small, mem, sizeof(mem));
	assert_int_equal(nb_stack_init(&e->s, &q->link, &rng, &small), -NB_ENOMEM);
	assert_int_equal(start(e, &q->link), 0);
	assert_int_equal(e->s.frame_max, 9014);
	/* Nothing announced, or nonsense: unchanged. */
	assert_int_equal(nb_stack_set_mtu(&e->s, 0), 1500);
	assert_int_equal(nb_stack_set_mtu(&e->s, 67), 1500);
	assert_int_equal(nb_stack_set_mtu(&e->s, 9000), 9000);
	assert_int_equal(q->link.mtu, 9000);
	assert_int_equal(nb_udp_max_payload(&e->s), 9000 - 28);
	/* Capped to what the link carries. */
	assert_int_equal(nb_stack_set_mtu(&e->s, 0xffffffffu), 9000);
	assert_int_equal(nb_stack_set_mtu(&e->s, 576), 576);
	assert_int_equal(nb_udp_max_payload(&e->s), 548);
	env_free(e);
	free(q);

	/* A plain 1500 link (mtu_max 0) never goes above 1500. */
	q = ql_new(1500, 0);
	e = env_new(0);
	assert_int_equal(start(e, &q->link), 0);
	assert_int_equal(nb_stack_set_mtu(&e->s, 9000), 1500);
	env_free(e);
	free(q);
}

/* The MSS option of the SYN in @f. */
static unsigned syn_mss(const uint8_t *f, size_t len)
{
	const uint8_t *tcp = f + 14 + 20;
	assert_true(len >= 14 + 20 + 24);
	assert_int_equal(tcp[13] & 0x02, 0x02);
	assert_int_equal(tcp[20], 2);
	assert_int_equal(tcp[21], 4);
	return nb_get16(tcp + 22);
}

static int deliver(void *ctx, uint64_t off, const void *data, size_t len)
{
	(void)ctx;
	(void)off;
	(void)data;
	return (int)len;
}

static void udp_rx(void *ctx, struct nb_udp_sock *sk,
		   const struct nb_udp_meta *m, const void *data, size_t len)
{
	(void)ctx;
	(void)sk;
	(void)m;
	(void)data;
	(void)len;
}

static void jumbo_path(void **state)
{
	(void)state;
	struct ql *q = ql_new(1500, 9000);
	struct env *e = env_new(0);
	assert_int_equal(start(e, &q->link), 0);
	static struct nb_tcp tcp;
	static struct nb_tcp_conn c;
	static uint8_t sbuf[512];
	struct nb_tcp_rx rx = {0};
	rx.deliver = deliver;
	assert_int_equal(nb_tcp_init(&tcp, &e->s), 0);
	/* Before the network says otherwise: Ethernet's MSS. */
	assert_int_equal(nb_tcp_connect(&c, &tcp, PEER_IP, 80, &rx, sbuf,
					sizeof(sbuf)), 0);
	assert_int_equal(syn_mss(q->tx, q->tx_len), 1460);
	nb_tcp_abort(&c);
	nb_tcp_poll(&c, 0);

	assert_int_equal(nb_stack_set_mtu(&e->s, 9000), 9000);
	assert_int_equal(nb_tcp_connect(&c, &tcp, PEER_IP, 80, &rx, sbuf,
					sizeof(sbuf)), 0);
	assert_int_equal(syn_mss(q->tx, q->tx_len), 9000 - 40);
	nb_tcp_abort(&c);
	nb_tcp_poll(&c, 0);

	/* One jumbo datagram, one frame, no fragments. */
	struct nb_udp_sock sk = {0};
	assert_int_equal(nb_udp_open(&sk, &e->s, 4000, udp_rx, NULL), 0);
	static uint8_t d[9000];
	assert_int_equal(nb_udp_sendto(&sk, PEER_IP, 7, d, 8973), -NB_EMSGSIZE);
	assert_int_equal(nb_udp_sendto(&sk, PEER_IP, 7, d, 8972), 0);
	assert_int_equal(q->tx_len, 9014);
	nb_udp_close(&sk);

	/* A jumbo echo request is received whole and answered whole. */
	static uint8_t f[QL_FRAME], icmp[9000];
	size_t n = fb_icmp(icmp, 8, 0, 0x12340001, d, 8000);
	struct fb_ip h = {.src = PEER_IP, .dst = OUR_IP, .proto = 1, .id = 9};
	size_t len = fb_ip_frame(f, our_mac, &h, icmp, n);
	ql_push(q, f, len);
	unsigned before = q->ntx;
	assert_int_equal(nb_stack_poll(&e->s, 10), 1);
	assert_int_equal(q->ntx, before + 1);
	assert_int_equal(q->tx_len, len);
	assert_int_equal(q->tx[14 + 20], 0); /* echo reply */
	assert_int_equal(e->s.stats.icmp_echo_replied, 1);
	env_free(e);
	free(q);
}

static void vlan_wrap_checks(void **state)
{
	(void)state;
	struct ql *q = ql_new(1500, 0);
	struct nb_vlan v;
	static uint8_t mem[NB_VLAN_ARENA_BYTES(NB_LINK_MTU_MAX)];
	struct nb_arena a;
	nb_arena_init(&a, mem, sizeof(mem));
	assert_int_equal(nb_vlan_wrap(NULL, &q->link, 5, &a), -NB_EINVAL);
	assert_int_equal(nb_vlan_wrap(&v, NULL, 5, &a), -NB_EINVAL);
	assert_int_equal(nb_vlan_wrap(&v, &q->link, 5, NULL), -NB_EINVAL);
	assert_int_equal(nb_vlan_wrap(&v, &q->link, 0, &a), -NB_EINVAL);
	assert_int_equal(nb_vlan_wrap(&v, &q->link, 4095, &a), -NB_EINVAL);
	q->link.mtu = 71;
	assert_int_equal(nb_vlan_wrap(&v, &q->link, 5, &a), -NB_EINVAL);
	q->link.mtu = 1500;
	struct nb_arena tiny;
	nb_arena_init(&tiny, mem, NB_VLAN_ARENA_BYTES(1500) / 2);
	assert_int_equal(nb_vlan_wrap(&v, &q->link, 5, &tiny), -NB_ENOMEM);
	assert_int_equal(nb_arena_mark(&tiny), 0);
	/* The tag comes out of the inner link's frame size. */
	assert_int_equal(nb_vlan_wrap(&v, &q->link, 5, &a), 0);
	assert_memory_equal(v.link.mac, our_mac, 6);
	assert_int_equal(v.link.mtu, 1496);
	assert_int_equal(v.link.mtu_max, 1496);
	assert_true(nb_arena_mark(&a) <= NB_VLAN_ARENA_BYTES(1500));
	/* On a jumbo-capable link the default MTU stays Ethernet's. */
	q->link.mtu_max = 9000;
	nb_arena_init(&a, mem, sizeof(mem));
	assert_int_equal(nb_vlan_wrap(&v, &q->link, 4094, &a), 0);
	assert_int_equal(v.link.mtu, 1500);
	assert_int_equal(v.link.mtu_max, 8996);
	free(q);
}

/* An ARP request for our address from the peer, tagged with @tci
 * (untagged when @tci is negative); returns the frame length. */
static size_t arp_req(uint8_t *f, int tci)
{
	static const uint8_t zero[6];
	size_t len = fb_arp(f, nb_eth_broadcast, 1, fb_peer_mac, PEER_IP, zero,
			    OUR_IP);
	return tci < 0 ? len : tag(f, len, (uint16_t)tci);
}

static void vlan_traffic(void **state)
{
	(void)state;
	struct ql *q = ql_new(1500, 9000);
	struct env *e = env_new(NB_VLAN_ARENA_BYTES(9000));
	struct nb_vlan v;
	assert_int_equal(nb_vlan_wrap(&v, &q->link, 5, &e->a), 0);
	assert_int_equal(start(e, &v.link), 0);

	/* Sent: tagged with VID 5, priority 0, the frame otherwise intact. */
	struct nb_udp_sock sk = {0};
	assert_int_equal(nb_udp_open(&sk, &e->s, 4000, udp_rx, NULL), 0);
	static const char msg[] = "over the vlan, tagged with VID 5";
	assert_int_equal(nb_udp_sendto(&sk, PEER_IP, 7, msg, sizeof(msg)), 0);
	assert_int_equal(q->ntx, 1);
	assert_int_equal(q->tx_len, 14 + 4 + 20 + 8 + sizeof(msg));
	assert_memory_equal(q->tx, fb_peer_mac, 6);
	assert_memory_equal(q->tx + 6, our_mac, 6);
	assert_int_equal(nb_get16(q->tx + 12), 0x8100);
	assert_int_equal(nb_get16(q->tx + 14), 5);
	assert_int_equal(nb_get16(q->tx + 16), 0x0800);
	assert_memory_equal(q->tx + 18 + 28, msg, sizeof(msg));
	/* Short frames are padded before tagging: 60 + 4 on the wire. */
	static uint8_t f[QL_FRAME];
	assert_int_equal(nb_udp_sendto(&sk, PEER_IP, 7, "x", 1), 0);
	assert_int_equal(q->tx_len, 64);

	/* Received: only VID 5 (whatever its priority bits) reaches the
	 * stack, untagged. */
	ql_push(q, f, arp_req(f, -1));
	ql_push(q, f, arp_req(f, 6));
	ql_push(q, f, arp_req(f, 0));
	ql_push(q, f, 13 /* runt */);
	unsigned sent = q->ntx;
	assert_int_equal(nb_stack_poll(&e->s, 10), 0);
	assert_int_equal(q->ntx, sent);
	assert_int_equal(v.rx_untagged, 2);
	assert_int_equal(v.rx_other, 2);
	ql_push(q, f, arp_req(f, 0xe005));
	assert_int_equal(nb_stack_poll(&e->s, 20), 1);
	assert_int_equal(e->s.stats.arp_replied, 1);
	assert_int_equal(q->ntx, sent + 1);
	assert_int_equal(nb_get16(q->tx + 12), 0x8100);
	assert_int_equal(nb_get16(q->tx + 14), 5);
	assert_int_equal(nb_get16(q->tx + 16), 0x0806);

	/* A flood of other VLANs ends a receive call early, not the frame
	 * after it. */
	for (int i = 0; i < 20; i++)
		ql_push(q, f, arp_req(f, 7));
	ql_push(q, f, arp_req(f, 5));
	int handled = 0;
	for (int i = 0; i < 4 && !handled; i++)
		handled = nb_stack_poll(&e->s, 30 + (uint64_t)i);
	assert_int_equal(handled, 1);
	assert_int_equal(e->s.stats.arp_replied, 2);
	assert_int_equal(v.rx_other, 22);

	/* Jumbo over the VLAN: the inner link's size bounds the tagged frame. */
	assert_int_equal(nb_stack_set_mtu(&e->s, 9000), 8996);
	static uint8_t d[9000];
	assert_int_equal(nb_udp_sendto(&sk, PEER_IP, 7, d, 8996 - 28), 0);
	assert_int_equal(q->tx_len, 9014);
	assert_int_equal(v.too_big, 0);

	/* The inner driver's refusal reaches the stack as it is. */
	q->tx_rc = -NB_ENOBUFS;
	uint32_t dropped = e->s.stats.tx_dropped;
	assert_int_equal(nb_udp_sendto(&sk, PEER_IP, 7, "y", 1), 0);
	assert_int_equal(e->s.stats.tx_dropped, dropped + 1);
	nb_udp_close(&sk);
	env_free(e);
	free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mtu_bounds),
		cmocka_unit_test(jumbo_path),
		cmocka_unit_test(vlan_wrap_checks),
		cmocka_unit_test(vlan_traffic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
