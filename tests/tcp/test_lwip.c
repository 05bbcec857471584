/*
 * In-process interoperability: our TCP client against lwIP (an
 * independent implementation) over a memlink with seeded loss,
 * duplication, reordering and corruption.  Every transfer must end
 * byte-exact with a clean close.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "lwip_pair.h"

#define MB (1024u * 1024u)
/* Simulated time allowed; lwIP's coarse 500 ms timers make lossy runs
 * take a few simulated minutes at most. */
#define SIM_LIMIT_MS (30u * 60u * 1000u)

static void run(enum lp_dir dir, uint64_t bytes, const struct nb_impair *down,
		const struct nb_impair *up, uint64_t seed)
{
	struct lp_result r;

	assert_int_equal(lp_run(dir, bytes, down, up, seed, SIM_LIMIT_MS, &r), 0);
	printf("  %s %llu B: rc %d exact %d sim %llu ms, lost %u/%u dup %u/%u "
	       "reord %u/%u corrupt %u/%u, ooo %u, our rtx %u\n",
	       dir == LP_DOWNLOAD ? "download" : "upload",
	       (unsigned long long)bytes, r.rc, r.exact,
	       (unsigned long long)r.sim_ms, r.link[1].lost, r.link[0].lost,
	       r.link[1].duplicated, r.link[0].duplicated, r.link[1].reordered,
	       r.link[0].reordered, r.link[1].corrupted, r.link[0].corrupted,
	       r.ooo, r.retransmits);
	assert_int_equal(r.received, bytes);
	assert_true(r.exact);
	assert_int_equal(r.rc, 0);
}

static void test_clean_download(void **state)
{
	(void)state;
	run(LP_DOWNLOAD, 4 * MB, NULL, NULL, 1);
}

static void test_clean_download_rtt(void **state)
{
	struct nb_impair d = {.delay_ms = 10, .rate = 12500000};
	(void)state;
	run(LP_DOWNLOAD, 2 * MB, &d, &d, 2);
}

static void test_empty_and_tiny(void **state)
{
	(void)state;
	run(LP_DOWNLOAD, 1, NULL, NULL, 3);
	run(LP_DOWNLOAD, 1460 * 3 + 1, NULL, NULL, 4);
}

static void test_loss(void **state)
{
	struct nb_impair d = {.loss_ppm = 20000, .delay_ms = 2};
	(void)state;
	run(LP_DOWNLOAD, 2 * MB, &d, &d, 5);
}

static void test_duplication(void **state)
{
	struct nb_impair d = {.dup_ppm = 30000, .delay_ms = 1};
	(void)state;
	run(LP_DOWNLOAD, 2 * MB, &d, &d, 6);
}

static void test_reordering(void **state)
{
	struct nb_impair d = {.reorder_ppm = 50000, .delay_ms = 2};
	(void)state;
	run(LP_DOWNLOAD, 2 * MB, &d, &d, 7);
}

static void test_corruption(void **state)
{
	struct nb_impair d = {.corrupt_ppm = 20000, .delay_ms = 1};
	(void)state;
	run(LP_DOWNLOAD, 2 * MB, &d, &d, 8);
}

static void test_everything(void **state)
{
	struct nb_impair d = {.loss_ppm = 10000, .dup_ppm = 10000,
			      .reorder_ppm = 20000, .corrupt_ppm = 5000,
			      .delay_ms = 5, .jitter_ms = 1};
	(void)state;
	for (uint64_t seed = 10; seed < 13; seed++)
		run(LP_DOWNLOAD, 1 * MB, &d, &d, seed);
}

static void test_upload(void **state)
{
	struct nb_impair d = {.loss_ppm = 10000, .reorder_ppm = 10000,
			      .delay_ms = 2};
	(void)state;
	run(LP_UPLOAD, 1 * MB, NULL, NULL, 20);
	run(LP_UPLOAD, 512 * 1024, &d, &d, 21);
}

/*
 * A drop-tail bottleneck: lwIP's window overruns a short, rate-limited
 * queue, as a crowd's flows do at a shared switch port.  Our duplicate
 * ACKs (at once, one per segment past a hole, with SACK) must let the
 * sender repair each loss without resending what we hold: the frames
 * sent beyond the file's own stay within twice the frames dropped.
 */
static void test_droptail_queue(void **state)
{
	struct nb_impair d = {.rate = 12500000, .queue_len = 12, .delay_ms = 1};
	struct lp_result r;
	uint64_t bytes = 2 * MB, segs = (bytes + 1459) / 1460;
	uint32_t drops, extra;

	(void)state;
	assert_int_equal(lp_run(LP_DOWNLOAD, bytes, &d, NULL, 30, SIM_LIMIT_MS,
				&r), 0);
	assert_int_equal(r.received, bytes);
	assert_true(r.exact);
	assert_int_equal(r.rc, 0);
	drops = r.link[1].queue_drops + r.link[1].lost;
	extra = r.link[1].sent > segs ? (uint32_t)(r.link[1].sent - segs) : 0;
	printf("  drop-tail: %u frames sent for %llu segments, %u dropped, "
	       "sim %llu ms\n", r.link[1].sent, (unsigned long long)segs, drops,
	       (unsigned long long)r.sim_ms);
	assert_true(drops > 0); /* the queue really overflowed */
	assert_true(extra <= 2 * drops + 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_download),
		cmocka_unit_test(test_clean_download_rtt),
		cmocka_unit_test(test_empty_and_tiny),
		cmocka_unit_test(test_loss),
		cmocka_unit_test(test_duplication),
		cmocka_unit_test(test_reordering),
		cmocka_unit_test(test_corruption),
		cmocka_unit_test(test_everything),
		cmocka_unit_test(test_upload),
		cmocka_unit_test(test_droptail_queue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
