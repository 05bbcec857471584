/* Unit tests of the hosted helpers: MAC parsing, getrandom, the clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "netboot/hosted.h"
#include "netboot/tap.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_mac),
		cmocka_unit_test(test_rng),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_tap_bad_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
