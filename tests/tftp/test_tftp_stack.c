/*
 * The TFTP client on a real stack over the fake link: ARP, the UDP
 * socket transport (fresh port on fallback, release at the end) and ICMP
 * port-unreachable handling, with frames built byte by byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../common/fakelink.h"
#include "../common/frames.h"
#include "netboot/tftp.h"

#define OUR NB_IPV4(10, 0, 0, 2)
#define SERVER NB_IPV4(10, 0, 0, 1)
#define SPORT 41000

struct env {
	struct tenv *e;
	struct nb_tftp t;
	struct nb_tftp_cfg cfg;
	struct nb_memsink ms;
	uint8_t buf[8192];
};

static uint16_t l4_port(const struct fl_frame *f, int dst)
{
	assert_non_null(f);
	assert_true(f->len >= 14 + 20 + 8);
	assert_int_equal(nb_get16(f->data + 12), NB_ETHERTYPE_IPV4);
	assert_int_equal(f->data[14 + 9], NB_IPPROTO_UDP);
	return nb_get16(f->data + 14 + 20 + (dst ? 2 : 0));
}

static const uint8_t *udp_payload(const struct fl_frame *f, size_t *len)
{
	*len = nb_get16(f->data + 14 + 20 + 4) - 8;
	return f->data + 14 + 20 + 8;
}

static void from_server(struct env *v, uint16_t sport, const void *p,
			size_t len)
{
	uint8_t f[NB_ETH_FRAME_MAX];
	size_t n = fb_udp_frame(f, fl_our_mac, SERVER, OUR, sport,
				v->t.sk.port, p, len);
	assert_int_equal(fl_push(&v->e->fl, f, n), 0);
	v->e->now += 1;
	nb_stack_poll(&v->e->s, v->e->now);
}

static struct env *env_new(void)
{
	struct env *v = calloc(1, sizeof(*v));
	v->e = tenv_new(OUR, 0xffffff00, 0);
	assert_non_null(v->e);
	nb_memsink_init(&v->ms, v->buf, sizeof(v->buf));
	nb_tftp_cfg_init(&v->cfg, &v->e->s, SERVER, "pxe.0");
	assert_int_equal(v->cfg.blksize, 1468);
	assert_int_equal(nb_tftp_start(&v->t, &v->e->s, &v->cfg, &v->ms.sink,
				       v->e->now),
			 0);
	/* the request waits for ARP: answer it */
	const struct fl_frame *f = fl_last(&v->e->fl);
	assert_int_equal(nb_get16(f->data + 12), NB_ETHERTYPE_ARP);
	uint8_t a[64];
	size_t n = fb_arp(a, fl_our_mac, 2, fb_peer_mac, SERVER, fl_our_mac,
			  OUR);
	fl_push(&v->e->fl, a, n);
	nb_stack_poll(&v->e->s, ++v->e->now);
	f = fl_last(&v->e->fl);
	assert_int_equal(l4_port(f, 1), NB_TFTP_PORT);
	assert_int_equal(l4_port(f, 0), v->t.sk.port);
	size_t len;
	const uint8_t *p = udp_payload(f, &len);
	assert_int_equal(nb_get16(p), NB_TFTP_RRQ);
	return v;
}

static void env_free(struct env *v)
{
	tenv_free(v->e);
	free(v);
}

static void test_stack_transfer(void **state)
{
	(void)state;
	struct env *v = env_new();
	static const char oack[] = "\0\6blksize\0001468\0tsize\0002000\0";
	from_server(v, SPORT, oack, sizeof(oack) - 1);
	const struct fl_frame *f = fl_last(&v->e->fl);
	assert_int_equal(l4_port(f, 1), SPORT);
	size_t len;
	const uint8_t *p = udp_payload(f, &len);
	assert_int_equal(len, 4);
	assert_int_equal(nb_get16(p), NB_TFTP_ACK);
	assert_int_equal(nb_get16(p + 2), 0);
	uint8_t d[4 + 1468];
	nb_put16(d, NB_TFTP_DATA);
	for (uint16_t b = 1; b <= 2; b++) {
		size_t n = b == 1 ? 1468 : 2000 - 1468;
		nb_put16(d + 2, b);
		memset(d + 4, 'a' + b, n);
		from_server(v, SPORT, d, 4 + n);
	}
	assert_int_equal(nb_tftp_poll(&v->t, v->e->now), 0);
	assert_int_equal(v->ms.high, 2000);
	assert_int_equal(v->buf[0], 'b');
	assert_int_equal(v->buf[1999], 'c');
	/* the port is released: a late duplicate meets port-unreachable */
	assert_null(v->e->s.udp);
	uint32_t before = v->e->s.stats.udp_no_port;
	uint8_t f2[NB_ETH_FRAME_MAX];
	size_t n = fb_udp_frame(f2, fl_our_mac, SERVER, OUR, SPORT,
				v->t.sk.port, d, 10);
	fl_push(&v->e->fl, f2, n);
	nb_stack_poll(&v->e->s, ++v->e->now);
	assert_int_equal(v->e->s.stats.udp_no_port, before + 1);
	env_free(v);
}

static void test_stack_fallback_new_port(void **state)
{
	(void)state;
	struct env *v = env_new();
	uint16_t first = v->t.sk.port;
	static const char e8[] = "\0\5\0\10no options\0";
	from_server(v, SPORT, e8, sizeof(e8) - 1);
	assert_true(v->t.plain);
	assert_true(v->t.sk.port != first);
	const struct fl_frame *f = fl_last(&v->e->fl);
	assert_int_equal(l4_port(f, 0), v->t.sk.port);
	assert_int_equal(l4_port(f, 1), NB_TFTP_PORT);
	static const char d[] = "\0\3\0\1hi";
	from_server(v, SPORT + 1, d, sizeof(d) - 1);
	assert_int_equal(nb_tftp_poll(&v->t, v->e->now), 0);
	assert_memory_equal(v->buf, "hi", 2);
	env_free(v);
}

static void test_stack_port_unreachable(void **state)
{
	(void)state;
	struct env *v = env_new();
	/* ICMP port unreachable quoting our request: no server there */
	const struct fl_frame *rrq = fl_last(&v->e->fl);
	uint8_t icmp[8 + 28];
	size_t n = fb_icmp(icmp, 3, 3, 0, rrq->data + 14, 28);
	struct fb_ip h = {.src = SERVER, .dst = OUR, .proto = NB_IPPROTO_ICMP};
	uint8_t f[NB_ETH_FRAME_MAX];
	size_t fl = fb_ip_frame(f, fl_our_mac, &h, icmp, n);
	fl_push(&v->e->fl, f, fl);
	nb_stack_poll(&v->e->s, ++v->e->now);
	assert_int_equal(nb_tftp_poll(&v->t, v->e->now), -NB_ECONNREFUSED);
	assert_null(v->e->s.udp);
	env_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stack_transfer),
		cmocka_unit_test(test_stack_fallback_new_port),
		cmocka_unit_test(test_stack_port_unreachable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
