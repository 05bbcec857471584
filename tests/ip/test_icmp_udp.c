/* Unit tests for lib/ip's ICMP (echo, unreachables, nb_ping) and UDP. */
#include "ip_test.h"

static struct rx_log lg;
static struct nb_udp_sock sk;

static void open_port(struct tenv *t, uint16_t port)
{
	memset(&lg, 0, sizeof(lg));
	memset(&sk, 0, sizeof(sk));
	assert_int_equal(nb_udp_open(&sk, &t->s, port, log_cb, &lg), 0);
}

/* ---- ICMP echo ---- */

static size_t echo_req(uint8_t *p, uint16_t id, uint16_t seq, size_t n)
{
	uint8_t data[1500];
	for (size_t i = 0; i < n; i++)
		data[i] = (uint8_t)(0x30 + i);
	return fb_icmp(p, 8, 0, (uint32_t)id << 16 | seq, data, n);
}

static void echo_reply_exact(void **state)
{
	struct tenv *t = *state;
	uint8_t req[1500];
	size_t n = echo_req(req, 0x1234, 7, 37); /* odd length */
	struct fb_ip h = {.src = PEER_IP, .dst = OUR_IP, .proto = 1, .ttl = 3};
	uint16_t id = t->s.ip_id;
	assert_string_equal(rx_ip(t, &h, req, n),
			    "rx_frames,tx_frames,icmp_echo_replied");
	const struct fl_frame *fr = fl_last(&t->fl);
	assert_int_equal(fr->len, 14 + 20 + n);
	uint8_t want[NB_ETH_FRAME_MAX];
	size_t w = fb_eth(want, fb_peer_mac, fl_our_mac, NB_ETHERTYPE_IPV4);
	uint8_t rep[1500];
	memcpy(rep, req, n);
	rep[0] = 0;
	nb_put16(rep + 2, 0);
	nb_put16(rep + 2, fb_ref_csum(rep, n));
	struct fb_ip rh = {.src = OUR_IP, .dst = PEER_IP, .proto = 1, .id = id,
			   .frag = 0x4000, .ttl = NB_IP_TTL};
	w += fb_ipv4(want + w, &rh, rep, n);
	assert_int_equal(w, fr->len);
	assert_memory_equal(fr->data, want, w);
	assert_int_equal(fb_ref_csum(fr->data + 34, n), 0);
}

static void echo_not_to_broadcast(void **state)
{
	struct tenv *t = *state;
	uint8_t req[64], f[NB_ETH_FRAME_MAX];
	size_t n = echo_req(req, 1, 1, 8);
	/* IP broadcast, link broadcast. */
	struct fb_ip h = {.src = PEER_IP, .dst = NB_IP_BROADCAST, .proto = 1};
	size_t fl = fb_ip_frame(f, nb_eth_broadcast, &h, req, n);
	assert_string_equal(rx_diff(t, f, fl), "rx_frames,icmp_other");
	/* Subnet broadcast in a unicast frame. */
	h.dst = NB_IPV4(10, 0, 0, 255);
	assert_string_equal(rx_ip(t, &h, req, n), "rx_frames,icmp_other");
	/* Unicast IP in a link broadcast. */
	h.dst = OUR_IP;
	fl = fb_ip_frame(f, nb_eth_broadcast, &h, req, n);
	assert_string_equal(rx_diff(t, f, fl), "rx_frames,icmp_other");
	/* Unconfigured: no reply from 0.0.0.0. */
	nb_stack_set_ipv4(&t->s, 0, 0, 0);
	assert_string_equal(rx_ip(t, &h, req, n), "rx_frames,icmp_other");
	assert_int_equal(t->fl.ntx, 0);
}

static void icmp_bad(void **state)
{
	struct tenv *t = *state;
	uint8_t req[64];
	size_t n = echo_req(req, 1, 1, 8);
	req[9] ^= 1;
	struct fb_ip h = {.src = PEER_IP, .dst = OUR_IP, .proto = 1};
	assert_string_equal(rx_ip(t, &h, req, n), "rx_frames,icmp_bad");
	assert_string_equal(rx_ip(t, &h, req, 7), "rx_frames,icmp_bad");
	assert_string_equal(rx_ip(t, &h, req, 0), "rx_frames,icmp_bad");
	/* Unknown type with a good checksum: ignored. */
	n = fb_icmp(req, 13, 0, 0, "tstamp..", 8);
	assert_string_equal(rx_ip(t, &h, req, n), "rx_frames,icmp_other");
	/* An echo reply nobody waits for. */
	n = fb_icmp(req, 0, 0, 0x00010001, NULL, 0);
	assert_string_equal(rx_ip(t, &h, req, n), "rx_frames,icmp_other");
	assert_int_equal(t->fl.ntx, 0);
}

/* ---- unreachables ---- */

static void port_unreachable_rx(void **state)
{
	struct tenv *t = *state;
	open_port(t, 0);
	assert_int_equal(nb_udp_sendto(&sk, PEER_IP, 69, "rrq", 3), 0);
	const struct fl_frame *sent = fl_last(&t->fl);
	/* Quote our header + 8 bytes, as RFC 792 says. */
	uint8_t msg[128];
	size_t n = fb_icmp(msg, 3, 3, 0, sent->data + 14, 28);
	struct fb_ip h = {.src = PEER_IP, .dst = OUR_IP, .proto = 1};
	assert_string_equal(rx_ip(t, &h, msg, n), "rx_frames,icmp_unreach_rx");
	assert_int_equal(sk.unreachables, 1);
	/* Other codes, other sockets, truncated quotes: counted only. */
	n = fb_icmp(msg, 3, 1, 0, sent->data + 14, 28);
	assert_string_equal(rx_ip(t, &h, msg, n), "rx_frames,icmp_unreach_rx");
	n = fb_icmp(msg, 3, 3, 0, sent->data + 14, 21);
	assert_string_equal(rx_ip(t, &h, msg, n), "rx_frames,icmp_unreach_rx");
	n = fb_icmp(msg, 3, 3, 0, NULL, 0);
	assert_string_equal(rx_ip(t, &h, msg, n), "rx_frames,icmp_unreach_rx");
	uint8_t q[28];
	memcpy(q, sent->data + 14, 28);
	nb_put16(q + 20, (uint16_t)(sk.port + 1));
	n = fb_icmp(msg, 3, 3, 0, q, 28);
	assert_string_equal(rx_ip(t, &h, msg, n), "rx_frames,icmp_unreach_rx");
	memcpy(q, sent->data + 14, 28);
	nb_put32(q + 12, NB_IPV4(10, 0, 0, 66)); /* not our datagram */
	n = fb_icmp(msg, 3, 3, 0, q, 28);
	assert_string_equal(rx_ip(t, &h, msg, n), "rx_frames,icmp_unreach_rx");
	assert_int_equal(sk.unreachables, 1);
}

static void port_unreachable_tx(void **state)
{
	struct tenv *t = *state;
	uint8_t u[64], f[NB_ETH_FRAME_MAX];
	size_t ul = fb_udp(u, PEER_IP, OUR_IP, 5000, 9999, "0123456789", 10, false);
	struct fb_ip h = {.src = PEER_IP, .dst = OUR_IP, .proto = 17, .id = 0x4242};
	assert_string_equal(rx_ip(t, &h, u, ul), "rx_frames,tx_frames,udp_no_port");
	const struct fl_frame *fr = fl_last(&t->fl);
	assert_memory_equal(fr->data, fb_peer_mac, 6);
	const uint8_t *ip = fr->data + 14, *ic = ip + 20;
	assert_int_equal(ip[9], 1);
	assert_int_equal(nb_get32(ip + 16), PEER_IP);
	assert_int_equal(nb_get16(ip + 2), 20 + 8 + 20 + 8);
	assert_int_equal(ic[0], 3);
	assert_int_equal(ic[1], 3);
	assert_int_equal(nb_get32(ic + 4), 0);
	assert_int_equal(fb_ref_csum(ic, 36), 0);
	uint8_t orig[128];
	size_t on = fb_ipv4(orig, &h, u, ul);
	(void)on;
	assert_memory_equal(ic + 8, orig, 28); /* header + first 8 bytes */
	/* Not for broadcasts (IP or link). */
	h.dst = NB_IP_BROADCAST;
	ul = fb_udp(u, PEER_IP, NB_IP_BROADCAST, 5000, 9999, "x", 1, false);
	size_t n = fb_ip_frame(f, nb_eth_broadcast, &h, u, ul);
	assert_string_equal(rx_diff(t, f, n), "rx_frames,udp_no_port");
	h.dst = NB_IPV4(10, 0, 0, 255);
	ul = fb_udp(u, PEER_IP, h.dst, 5000, 9999, "x", 1, false);
	assert_string_equal(rx_ip(t, &h, u, ul), "rx_frames,udp_no_port");
	h.dst = OUR_IP;
	ul = fb_udp(u, PEER_IP, OUR_IP, 5000, 9999, "x", 1, false);
	n = fb_ip_frame(f, nb_eth_broadcast, &h, u, ul);
	assert_string_equal(rx_diff(t, f, n), "rx_frames,udp_no_port");
	/* Not while unconfigured. */
	nb_stack_set_ipv4(&t->s, 0, 0, 0);
	assert_string_equal(rx_ip(t, &h, u, ul), "rx_frames,udp_no_port");
	assert_int_equal(t->fl.ntx, 1);
}

/* ---- nb_ping ---- */

static void ping_rtt(void **state)
{
	struct tenv *t = *state;
	struct nb_ping p;
	memset(&p, 0xa5, sizeof(p)); /* garbage must not matter */
	assert_int_equal(nb_ping_start(&p, &t->s, PEER_IP, 5, 56, 1000, t->now), 0);
	const struct fl_frame *fr = fl_last(&t->fl);
	assert_int_equal(fr->len, 14 + 20 + 8 + 56);
	const uint8_t *ic = fr->data + 34;
	assert_int_equal(ic[0], 8);
	assert_int_equal(fb_ref_csum(ic, 64), 0);
	assert_int_equal(nb_get16(ic + 4), p.id);
	assert_int_equal(nb_get16(ic + 6), 5);
	assert_int_equal(nb_ping_poll(&p, t->now), -NB_EAGAIN);
	tenv_poll(t, 37);
	assert_int_equal(nb_ping_poll(&p, t->now), -NB_EAGAIN);
	/* Reply with the wrong seq, then from the wrong host: ignored. */
	uint8_t rep[128];
	size_t n = fb_icmp(rep, 0, 0, (uint32_t)p.id << 16 | 6, ic + 8, 56);
	struct fb_ip h = {.src = PEER_IP, .dst = OUR_IP, .proto = 1};
	assert_string_equal(rx_ip(t, &h, rep, n), "rx_frames,icmp_other");
	n = fb_icmp(rep, 0, 0, (uint32_t)p.id << 16 | 5, ic + 8, 56);
	h.src = NB_IPV4(10, 0, 0, 5);
	assert_string_equal(rx_ip(t, &h, rep, n), "rx_frames,icmp_other");
	h.src = PEER_IP;
	assert_string_equal(rx_ip(t, &h, rep, n), "rx_frames");
	assert_int_equal(nb_ping_poll(&p, t->now + 5), 0);
	assert_int_equal(p.rtt_ms, 37);
	assert_null(t->s.pings);
	assert_string_equal(nb_ping_why(&p), "");
	/* Cancel after completion keeps the result. */
	nb_ping_cancel(&p);
	assert_int_equal(nb_ping_poll(&p, t->now), 0);
	/* Restarting a finished ping works, and it is linked once. */
	assert_int_equal(nb_ping_start(&p, &t->s, PEER_IP, 6, 0, 1000, t->now), 0);
	assert_int_equal(nb_ping_start(&p, &t->s, PEER_IP, 7, 0, 1000, t->now), 0);
	assert_ptr_equal(t->s.pings, &p);
	assert_null(p.next);
	assert_string_equal(nb_ping_why(&p), "");
	nb_ping_cancel(&p);
	nb_ping_cancel(&p);
	assert_null(t->s.pings);
	assert_int_equal(nb_ping_poll(&p, t->now), -NB_ECANCELED);
	assert_string_equal(nb_ping_why(&p), "canceled");
}

static void ping_timeout(void **state)
{
	struct tenv *t = *state;
	struct nb_ping p = {0}, q = {0};
	/* Before any start: no reason, and cancel is harmless. */
	assert_string_equal(nb_ping_why(&p), "");
	assert_string_equal(nb_ping_why(NULL), "");
	nb_ping_cancel(&p);
	nb_ping_cancel(NULL);
	assert_string_equal(nb_ping_why(&p), "");
	assert_int_equal(nb_ping_start(&p, &t->s, PEER_IP, 1, 0, 500, t->now), 0);
	assert_int_equal(nb_ping_start(&q, &t->s, PEER_IP, 2, 0, 800, t->now), 0);
	tenv_poll(t, 499);
	assert_int_equal(nb_ping_poll(&p, t->now), -NB_EAGAIN);
	tenv_poll(t, 1);
	assert_int_equal(nb_ping_poll(&p, t->now), -NB_ETIMEDOUT);
	assert_string_equal(nb_ping_why(&p), "timed out");
	nb_ping_cancel(&p);
	assert_int_equal(nb_ping_poll(&p, t->now), -NB_ETIMEDOUT);
	assert_ptr_equal(t->s.pings, &q);
	assert_int_equal(nb_ping_poll(&q, t->now), -NB_EAGAIN);
	assert_int_equal(nb_ping_start(&p, &t->s, PEER_IP, 1, 1473, 500, t->now), -NB_EMSGSIZE);
	assert_int_equal(nb_ping_start(&p, &t->s, PEER_IP, 1, 1472, 500, t->now), 0);
	assert_int_equal(fl_last(&t->fl)->len, 1514);
	nb_ping_cancel(&p);
	nb_ping_cancel(&q);
	assert_null(t->s.pings);
}

static void ping_unreach_after_arp_failure(void **state)
{
	struct tenv *t = *state;
	struct nb_ping p = {0};
	uint32_t dst = NB_IPV4(10, 0, 0, 99);
	assert_int_equal(nb_ping_start(&p, &t->s, dst, 1, 8, 60000, t->now), 0);
	int rc = -NB_EAGAIN;
	uint64_t start = t->now;
	for (int i = 0; i < 1000 && rc == -NB_EAGAIN; i++) {
		tenv_poll(t, 10);
		rc = nb_ping_poll(&p, t->now);
	}
	assert_int_equal(rc, -NB_EUNREACH);
	assert_string_equal(nb_ping_why(&p), "host unreachable");
	assert_int_equal(t->now - start, 7750);
	/* While the failure is remembered, a new ping fails at once. */
	assert_int_equal(nb_ping_start(&p, &t->s, dst, 2, 8, 60000, t->now), -NB_EUNREACH);
	assert_int_equal(nb_ping_poll(&p, t->now), -NB_EUNREACH);
	assert_null(t->s.pings);
	/* Off-link with no gateway. */
	nb_stack_set_ipv4(&t->s, OUR_IP, MASK, 0);
	assert_int_equal(nb_ping_start(&p, &t->s, NB_IPV4(1, 1, 1, 1), 2, 8, 60000, t->now),
			 -NB_EUNREACH);
}

/* ---- UDP ---- */

static void udp_checksums_rx(void **state)
{
	struct tenv *t = *state;
	open_port(t, 68);
	uint8_t u[64];
	size_t ul = fb_udp(u, PEER_IP, OUR_IP, 67, 68, "hello", 5, false);
	struct fb_ip h = {.src = PEER_IP, .dst = OUR_IP, .proto = 17};
	assert_string_equal(rx_ip(t, &h, u, ul), "rx_frames,udp_rx");
	assert_int_equal(lg.meta.src_ip, PEER_IP);
	assert_int_equal(lg.meta.dst_ip, OUR_IP);
	assert_int_equal(lg.meta.src_port, 67);
	assert_int_equal(lg.meta.dst_port, 68);
	assert_false(lg.meta.link_broadcast);
	u[9] ^= 0x40;
	assert_string_equal(rx_ip(t, &h, u, ul), "rx_frames,udp_bad");
	/* Checksum 0 means "none" (RFC 768). */
	ul = fb_udp(u, PEER_IP, OUR_IP, 67, 68, "hello", 5, true);
	assert_string_equal(rx_ip(t, &h, u, ul), "rx_frames,udp_rx");
	/* A checksum over the wrong pseudo-header (other dst) is bad. */
	ul = fb_udp(u, PEER_IP, NB_IPV4(10, 0, 0, 3), 67, 68, "hello", 5, false);
	assert_string_equal(rx_ip(t, &h, u, ul), "rx_frames,udp_bad");
	/* Length field: too small, beyond the packet, shorter than it. */
	ul = fb_udp(u, PEER_IP, OUR_IP, 67, 68, "hello", 5, true);
	nb_put16(u + 4, 7);
	assert_string_equal(rx_ip(t, &h, u, ul), "rx_frames,udp_bad");
	nb_put16(u + 4, 14);
	assert_string_equal(rx_ip(t, &h, u, ul), "rx_frames,udp_bad");
	nb_put16(u + 4, 11);
	assert_string_equal(rx_ip(t, &h, u, ul), "rx_frames,udp_rx");
	assert_int_equal(lg.len, 3);
	assert_string_equal(rx_ip(t, &h, u, 7), "rx_frames,udp_bad");
	assert_int_equal(lg.count, 3);
}

static void udp_checksums_tx(void **state)
{
	struct tenv *t = *state;
	open_port(t, 68);
	uint8_t d[32] = "payload of some sort.";
	for (size_t len = 0; len < 22; len++) {
		assert_int_equal(nb_udp_sendto(&sk, PEER_IP, 67, d, len), 0);
		const struct fl_frame *fr = fl_last(&t->fl);
		uint8_t want[64];
		size_t n = fb_udp(want, OUR_IP, PEER_IP, 68, 67, d, len, false);
		assert_memory_equal(fr->data + 34, want, n);
	}
	/* Choose two bytes that make the sum come out as 0: sent as ffff. */
	nb_put16(d, 0);
	assert_int_equal(nb_udp_sendto(&sk, PEER_IP, 67, d, 10), 0);
	uint16_t c = nb_get16(fl_last(&t->fl)->data + 34 + 6);
	nb_put16(d, c);
	assert_int_equal(nb_udp_sendto(&sk, PEER_IP, 67, d, 10), 0);
	assert_int_equal(nb_get16(fl_last(&t->fl)->data + 34 + 6), 0xffff);
	/* The receive side accepts the ffff form. */
	uint8_t f[NB_ETH_FRAME_MAX];
	memcpy(f, fl_last(&t->fl)->data, fl_last(&t->fl)->len);
	struct nb_udp_sock s2 = {0};
	struct rx_log l2 = {0};
	assert_int_equal(nb_udp_open(&s2, &t->s, 67, log_cb, &l2), 0);
	/* Turn the frame around so it looks addressed to us. */
	memcpy(f, fl_our_mac, 6);
	uint8_t *ip = f + 14;
	nb_put32(ip + 12, PEER_IP); /* swapping src/dst keeps both sums */
	nb_put32(ip + 16, OUR_IP);
	assert_string_equal(rx_diff(t, f, 14 + 20 + 18), "rx_frames,udp_rx");
	assert_int_equal(l2.count, 1);
	assert_int_equal(l2.len, 10);
	nb_udp_close(&s2);
	/* Empty datagram with a NULL pointer. */
	assert_int_equal(nb_udp_sendto(&sk, PEER_IP, 67, NULL, 0), 0);
}

static void udp_ports(void **state)
{
	struct tenv *t = *state;
	enum { N = 300 };
	static struct nb_udp_sock socks[N];
	static struct rx_log l;
	memset(socks, 0, sizeof(socks));
	for (int i = 0; i < N; i++) {
		assert_int_equal(nb_udp_open(&socks[i], &t->s, 0, log_cb, &l), 0);
		assert_true(socks[i].port >= NB_EPHEMERAL_LOW);
		assert_true(socks[i].port <= NB_EPHEMERAL_HIGH);
		for (int j = 0; j < i; j++)
			assert_int_not_equal(socks[i].port, socks[j].port);
	}
	struct nb_udp_sock x = {0};
	assert_int_equal(nb_udp_open(&x, &t->s, socks[7].port, log_cb, &l), -NB_EADDRINUSE);
	assert_int_equal(nb_udp_open(&x, &t->s, 68, NULL, &l), -NB_EINVAL);
	assert_int_equal(nb_udp_open(&x, &t->s, 68, log_cb, &l), 0);
	assert_int_equal(nb_udp_open(&x, &t->s, 68, log_cb, &l), -NB_EINVAL);
	assert_int_equal(nb_udp_open(&x, &t->s, 69, log_cb, &l), -NB_EINVAL);
	nb_udp_close(&x);
	nb_udp_close(&x);
	assert_int_equal(nb_udp_sendto(&x, PEER_IP, 1, "a", 1), -NB_EINVAL);
	assert_int_equal(nb_udp_open(&x, &t->s, 68, log_cb, &l), 0);
	nb_udp_close(&x);
	for (int i = 0; i < N; i++)
		nb_udp_close(&socks[i]);
	assert_null(t->s.udp);
	/* Entropy failure surfaces. */
	t->fl.rng_rc = -NB_EIO;
	assert_int_equal(nb_udp_open(&x, &t->s, 0, log_cb, &l), -NB_EIO);
	assert_null(t->s.udp);
	t->fl.rng_rc = 0;
}

static void udp_close_in_callback(void **state)
{
	struct tenv *t = *state;
	open_port(t, 68);
	struct nb_udp_sock other = {0};
	struct rx_log lo = {0};
	assert_int_equal(nb_udp_open(&other, &t->s, 70, log_cb, &lo), 0);
	lg.close_in_cb = true;
	uint8_t u[64];
	size_t ul = fb_udp(u, PEER_IP, OUR_IP, 67, 68, "a", 1, false);
	struct fb_ip h = {.src = PEER_IP, .dst = OUR_IP, .proto = 17};
	assert_string_equal(rx_ip(t, &h, u, ul), "rx_frames,udp_rx");
	assert_null(sk.s);
	assert_ptr_equal(t->s.udp, &other);
	assert_string_equal(rx_ip(t, &h, u, ul), "rx_frames,tx_frames,udp_no_port");
	assert_int_equal(lg.count, 1);
	/* Echo from the callback. */
	lo.echo_in_cb = true;
	ul = fb_udp(u, PEER_IP, OUR_IP, 67, 70, "ping!", 5, false);
	assert_string_equal(rx_ip(t, &h, u, ul), "rx_frames,tx_frames,udp_rx");
	assert_int_equal(lo.echo_rc, 0);
	uint8_t want[64];
	size_t n = fb_udp(want, OUR_IP, PEER_IP, 70, 67, "ping!", 5, false);
	assert_memory_equal(fl_last(&t->fl)->data + 34, want, n);
	nb_udp_close(&other);
}

static void udp_msgsize(void **state)
{
	struct tenv *t = *state;
	open_port(t, 68);
	static uint8_t big[1600];
	assert_int_equal(nb_udp_max_payload(&t->s), 1472);
	assert_int_equal(nb_udp_sendto(&sk, PEER_IP, 67, big, 1473), -NB_EMSGSIZE);
	assert_int_equal(t->fl.ntx, 0);
	assert_int_equal(nb_udp_sendto(&sk, PEER_IP, 67, big, 1472), 0);
	assert_int_equal(fl_last(&t->fl)->len, 1514);
	/* The payload may be built in place in the stack's buffer. */
	uint8_t *p = nb_ip_payload_buf(&t->s, NULL) + NB_UDP_HLEN;
	memcpy(p, "inplace", 7);
	assert_int_equal(nb_udp_sendto(&sk, PEER_IP, 67, p, 7), 0);
	assert_memory_equal(fl_last(&t->fl)->data + 42, "inplace", 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(echo_reply_exact),
		T(echo_not_to_broadcast),
		T(icmp_bad),
		T(port_unreachable_rx),
		T(port_unreachable_tx),
		T(ping_rtt),
		T(ping_timeout),
		T(ping_unreach_after_arp_failure),
		T(udp_checksums_rx),
		T(udp_checksums_tx),
		T(udp_ports),
		T(udp_close_in_callback),
		T(udp_msgsize),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
