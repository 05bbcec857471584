/* Retransmission timing: the RFC 6298 estimator and the jittered backoff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../support/testrng.h"
#include "netboot/core.h"

static void rfc6298(void **state)
{
	(void)state;
	struct nb_rtt r;
	nb_rtt_init(&r, 1000, 200, 60000, 0);
	assert_int_equal(r.rto, 1000);
	/* First sample: SRTT = R, RTTVAR = R/2, RTO = R + 4 R/2. */
	nb_rtt_sample(&r, 100);
	assert_int_equal(r.srtt8 >> 3, 100);
	assert_int_equal(r.rttvar4, 200);
	assert_int_equal(r.rto, 300);
	/* Second: RTTVAR = 3/4 50 + 1/4 |100 - 180| = 57.5, SRTT = 110. */
	nb_rtt_sample(&r, 180);
	assert_int_equal(r.srtt8 >> 3, 110);
	assert_int_equal(r.rttvar4, 230);
	assert_int_equal(r.rto, 340);
	/* A steady path: the variance decays, the floor holds. */
	for (int i = 0; i < 100; i++)
		nb_rtt_sample(&r, 10);
	assert_int_equal(r.rto, 200);
	/* 0 ms is a sample, not "none". */
	nb_rtt_init(&r, 1000, 1, 60000, 0);
	nb_rtt_sample(&r, 0);
	assert_int_not_equal(r.srtt8, 0);
	assert_int_equal(r.rto, 1); /* SRTT 0 + G */
	for (int i = 0; i < 10; i++)
		nb_rtt_sample(&r, 0);
	assert_int_equal(r.rto, 1);
}

static void margin_and_clamps(void **state)
{
	(void)state;
	struct nb_rtt r;
	nb_rtt_init(&r, 1000, 50, 8000, 2);
	for (int i = 0; i < 60; i++)
		nb_rtt_sample(&r, 100);
	assert_true(r.rto >= 125 && r.rto < 135); /* SRTT + SRTT/4 */
	nb_rtt_sample(&r, UINT32_MAX);
	assert_int_equal(r.rto, 8000);
	/* Huge samples cannot overflow the sums. */
	for (int i = 0; i < 100; i++)
		nb_rtt_sample(&r, UINT32_MAX);
	assert_int_equal(r.rto, 8000);
	assert_true(r.srtt8 >> 3 >= (1u << 23));
	/* max below min is raised to min. */
	nb_rtt_init(&r, 10, 500, 100, 0);
	nb_rtt_sample(&r, 1);
	assert_int_equal(r.rto, 500);
}

static void backoff(void **state)
{
	(void)state;
	struct nb_rtt r;
	nb_rtt_init(&r, 1000, 200, 60000, 0);
	assert_int_equal(nb_rtt_backoff(&r), 2000);
	assert_int_equal(nb_rtt_backoff(&r), 4000);
	for (int i = 0; i < 10; i++)
		nb_rtt_backoff(&r);
	assert_int_equal(r.rto, 60000);
	/* A fresh sample recomputes from the estimate. */
	nb_rtt_sample(&r, 100);
	assert_int_equal(r.rto, 300);
	/* Odd ceiling: doubling never passes it. */
	nb_rtt_init(&r, 3, 1, 7, 0);
	assert_int_equal(nb_rtt_backoff(&r), 6);
	assert_int_equal(nb_rtt_backoff(&r), 7);
	/* An initial value under the floor comes up to it. */
	nb_rtt_init(&r, 0, 50, 8000, 0);
	assert_int_equal(nb_rtt_backoff(&r), 50);
}

static int rng_seq(void *ctx, void *buf, size_t len)
{
	uint32_t *x = ctx;
	uint8_t *b = buf;
	for (size_t i = 0; i < len; i++) {
		*x = *x * 1103515245u + 12345u;
		b[i] = (uint8_t)(*x >> 16);
	}
	return 0;
}

/* Jitter stays within +-min(rto/4, jitter_ms) and actually spreads. */
static void backoff_jitter(void **state)
{
	(void)state;
	uint32_t seed = 7;
	struct nb_rng rng = {rng_seq, &seed};
	uint32_t lo = UINT32_MAX, hi = 0;
	for (int run = 0; run < 200; run++) {
		struct nb_backoff b;
		nb_backoff_init(&b, 4000, 32000, 5);
		b.jitter_ms = 1000;
		static const uint32_t base[] = {4000, 8000, 16000, 32000, 32000};
		for (int i = 0; i < 5; i++) {
			uint32_t t = nb_backoff_next(&b, &rng);
			assert_true(t >= base[i] - 1000 && t <= base[i] + 1000);
			if (i == 0) {
				lo = t < lo ? t : lo;
				hi = t > hi ? t : hi;
			}
		}
		assert_int_equal(nb_backoff_next(&b, &rng), 0);
		assert_int_equal(b.tries, 5);
	}
	assert_true(hi - lo > 1000);
	/* Small timeouts: a quarter of the timeout at most, never 0. */
	struct nb_backoff b;
	nb_backoff_init(&b, 8, 8, 100);
	b.jitter_ms = 1000;
	for (int i = 0; i < 100; i++) {
		uint32_t t = nb_backoff_next(&b, &rng);
		assert_true(t >= 6 && t <= 10);
	}
	nb_backoff_init(&b, 1, 1, 100);
	b.jitter_ms = 1000;
	for (int i = 0; i < 10; i++)
		assert_int_equal(nb_backoff_next(&b, &rng), 1);
	/* No source, or a failing one: no jitter. */
	struct nb_rng bad = {nb_test_rng_fail, NULL};
	nb_backoff_init(&b, 4000, 32000, 3);
	b.jitter_ms = 1000;
	assert_int_equal(nb_backoff_next(&b, NULL), 4000);
	assert_int_equal(nb_backoff_next(&b, &bad), 8000);
	nb_backoff_init(&b, 4000, 32000, 3); /* init clears the jitter */
	assert_int_equal(nb_backoff_next(&b, &rng), 4000);
}

/* Full jitter: uniform over 0..rto, so a crowd's retries spread out. */
static void backoff_full_jitter(void **state)
{
	(void)state;
	uint32_t seed = 11;
	struct nb_rng rng = {rng_seq, &seed};
	uint32_t lo = UINT32_MAX, hi = 0;
	for (int run = 0; run < 300; run++) {
		struct nb_backoff b;
		nb_backoff_init(&b, 500, 8000, 6);
		b.jitter_ms = NB_BACKOFF_FULL_JITTER;
		static const uint32_t base[] = {500, 1000, 2000, 4000, 8000, 8000};
		for (int i = 0; i < 6; i++) {
			uint32_t t = nb_backoff_next(&b, &rng);
			assert_true(t >= 1 && t <= base[i]);
			if (i == 0) {
				lo = t < lo ? t : lo;
				hi = t > hi ? t : hi;
			}
		}
		assert_int_equal(nb_backoff_next(&b, &rng), 0);
	}
	assert_true(lo < 50 && hi > 450);
	/* No source: the plain doubling. */
	struct nb_backoff b;
	nb_backoff_init(&b, 500, 8000, 2);
	b.jitter_ms = NB_BACKOFF_FULL_JITTER;
	assert_int_equal(nb_backoff_next(&b, NULL), 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc6298),
		cmocka_unit_test(margin_and_clamps),
		cmocka_unit_test(backoff),
		cmocka_unit_test(backoff_jitter),
		cmocka_unit_test(backoff_full_jitter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
