/* Unit tests of the hosted helpers: MAC parsing, getrandom, the clock,
 * the tap driver's checksum finishing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "netboot/hosted.h"
#include "netboot/tap.h"
#include "tap/tap_int.h"

static void test_parse_mac(void **state)
{
	(void)state;
	uint8_t mac[6] = { 0 };
	const uint8_t want[6] = { 0x02, 0x00, 0x5e, 0xAB, 0xcd, 0xff };
	assert_int_equal(nb_hosted_parse_mac("02:00:5e:AB:cd:ff", mac), 0);
	assert_memory_equal(mac, want, 6);
	memset(mac, 0, 6);
	assert_int_equal(nb_hosted_parse_mac("02-00-5e-ab-CD-FF", mac), 0);
	assert_memory_equal(mac, want, 6);
	static const char *bad[] = {
		"", "02:00:5e:ab:cd", "02:00:5e:ab:cd:ff:", "02:00:5e:ab:cd:fff",
		"02:00-5e:ab:cd:ff", "2:00:5e:ab:cd:ff", "02:00:5e:ab:cd:fg",
		"02 00 5e ab cd ff", "020:0:5e:ab:cd:ff", "02:00:5e:ab:cd:f",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(mac, 0x11, 6);
		assert_int_equal(nb_hosted_parse_mac(bad[i], mac), -NB_EINVAL);
		assert_int_equal(mac[0], 0x11); /* untouched on failure */
	}
	assert_int_equal(nb_hosted_parse_mac(NULL, mac), -NB_EINVAL);
}

static void test_rng(void **state)
{
	(void)state;
	struct nb_rng rng;
	assert_int_equal(nb_hosted_rng(NULL), -NB_EINVAL);
	assert_int_equal(nb_hosted_rng(&rng), 0);
	uint8_t a[64] = { 0 }, b[64] = { 0 };
	assert_int_equal(rng.fill(rng.ctx, a, sizeof(a)), 0);
	assert_int_equal(rng.fill(rng.ctx, b, sizeof(b)), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	uint32_t x, y;
	assert_int_equal(nb_rng_u32(&rng, &x), 0);
	assert_int_equal(nb_rng_u32(&rng, &y), 0);
	assert_true(x != y || x != 0);
}

static void test_clock(void **state)
{
	(void)state;
	struct nb_clock clk;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	nb_hosted_clock(&clk, fds[0]);
	uint64_t t0 = clk.now_ms(clk.ctx);
	clk.idle(clk.ctx, 30); /* nothing to read: sleeps ~30 ms */
	uint64_t t1 = clk.now_ms(clk.ctx);
	assert_true(t1 - t0 >= 29 && t1 - t0 < 1000);
	assert_int_equal(write(fds[1], "x", 1), 1);
	clk.idle(clk.ctx, 5000); /* readable: returns at once */
	uint64_t t2 = clk.now_ms(clk.ctx);
	assert_true(t2 - t1 < 1000);
	close(fds[0]);
	close(fds[1]);
	nb_hosted_clock(&clk, -1);
	clk.idle(clk.ctx, 10);
	assert_true(clk.now_ms(clk.ctx) - t2 >= 9);
}

static void test_tap_bad_args(void **state)
{
	(void)state;
	struct nb_tap t;
	struct nb_link l;
	assert_int_equal(nb_tap_open(NULL, "x", &l), -NB_EINVAL);
	assert_int_equal(nb_tap_open(&t, NULL, &l), -NB_EINVAL);
	assert_int_equal(nb_tap_open(&t, "x", NULL), -NB_EINVAL);
	assert_int_equal(nb_tap_open(&t, "0123456789abcdef", &l), -NB_EINVAL);
	assert_int_equal(nb_tap_open(&t, "nb-absent0", &l),
			 -NB_ENOTFOUND);
	assert_int_equal(t.fd, -1);
	nb_tap_close(&t);
	nb_tap_close(NULL);
}

/* Offsets in the test frame: Ethernet, IPv6, UDP, payload. */
#define F_IP6 14
#define F_UDP (F_IP6 + 40)
#define F_LEN (F_UDP + 8 + 16)

/* Sum of the IPv6 pseudo-header of the UDP datagram in @f. */
static uint32_t udp6_pseudo(const uint8_t *f)
{
	uint8_t ph[40] = { 0 };
	memcpy(ph, f + F_IP6 + 8, 32);
	ph[35] = F_LEN - F_UDP;
	ph[39] = 17;
	return nb_csum_add(0, ph, sizeof(ph));
}

/* 0 when a receiver's check of the datagram passes. */
static uint16_t udp6_verify(const uint8_t *f)
{
	return nb_csum_fold(
		nb_csum_add(udp6_pseudo(f), f + F_UDP, F_LEN - F_UDP));
}

/* A UDP/IPv6 frame as the kernel hands it over with NEEDS_CSUM: the
 * checksum field holds the pseudo-header sum.  With @zero the last
 * payload word makes the computed checksum 0; else it is some other. */
static void udp6_pending(uint8_t *f, bool zero)
{
	static const uint8_t src[16] = { 0xfd, 0x90, [15] = 1 };
	static const uint8_t dst[16] = { 0xfd, 0x90, [15] = 0x0a };
	memset(f, 0, F_LEN);
	f[12] = 0x86;
	f[13] = 0xdd;
	f[F_IP6] = 0x60;
	f[F_IP6 + 5] = F_LEN - F_UDP;
	f[F_IP6 + 6] = 17;
	f[F_IP6 + 7] = 64;
	memcpy(f + F_IP6 + 8, src, 16);
	memcpy(f + F_IP6 + 24, dst, 16);
	uint8_t *u = f + F_UDP;
	u[0] = 0xa8; /* 43012 -> 55969, a TFTP DATA block */
	u[1] = 0x04;
	u[2] = 0xda;
	u[3] = 0xa1;
	u[5] = F_LEN - F_UDP;
	u[9] = 3;
	u[10] = 0x0a;
	u[11] = 0xc1;
	for (unsigned i = 12; i < F_LEN - F_UDP - 2; i++)
		u[i] = (uint8_t)(i * 37);
	/* The pseudo-header sum, uncomplemented (what the kernel leaves). */
	uint16_t ps = (uint16_t)~nb_csum_fold(udp6_pseudo(f));
	u[6] = (uint8_t)(ps >> 8);
	u[7] = (uint8_t)ps;
	/* The word that brings the whole sum to 0xffff: checksum 0. */
	uint16_t s = (uint16_t)~nb_csum_fold(nb_csum_add(0, u, F_LEN - F_UDP));
	uint16_t w = (uint16_t)(zero ? ~s : ~s + 1);
	u[F_LEN - F_UDP - 2] = (uint8_t)(w >> 8);
	u[F_LEN - F_UDP - 1] = (uint8_t)w;
}

/* A datagram whose computed checksum is 0 must get 0xffff: over IPv6 a
 * zero UDP checksum is dropped, and the server resends the same bytes
 * (the hosted ip6 TFTP test stalled on such a block). */
static void test_tap_csum_zero_is_ones(void **state)
{
	(void)state;
	uint8_t f[F_LEN];
	udp6_pending(f, true);
	assert_true(nb_tap_finish_csum(f, F_LEN, F_UDP, 6));
	assert_int_equal(f[F_UDP + 6] << 8 | f[F_UDP + 7], 0xffff);
	assert_int_equal(udp6_verify(f), 0);

	udp6_pending(f, false);
	assert_true(nb_tap_finish_csum(f, F_LEN, F_UDP, 6));
	uint16_t c = (uint16_t)(f[F_UDP + 6] << 8 | f[F_UDP + 7]);
	assert_true(c != 0 && c != 0xffff);
	assert_int_equal(udp6_verify(f), 0);

	/* Offsets past the frame: refused, nothing written. */
	assert_false(nb_tap_finish_csum(f, F_LEN, F_LEN, 0));
	assert_false(nb_tap_finish_csum(f, F_LEN, F_UDP, F_LEN - F_UDP - 1));
	assert_int_equal(f[F_UDP + 6] << 8 | f[F_UDP + 7], c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_mac),
		cmocka_unit_test(test_rng),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_tap_bad_args),
		cmocka_unit_test(test_tap_csum_zero_is_ones),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
