/* The RFC 6298 estimator: first sample, smoothing, margin, clamps, backoff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc6298),
		cmocka_unit_test(margin_and_clamps),
		cmocka_unit_test(backoff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
