/* Two stacks over an impaired memlink: pings and UDP get through. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "pair.h"

/* Simulated-time bounds: generous multiples of what the runs need, so a
 * regression fails instead of hanging. */
#define DEADLINE_MS 600000

static const struct nb_impair rough = {
	.loss_ppm = 100000, .dup_ppm = 50000, .reorder_ppm = 50000,
	.delay_ms = 10, .jitter_ms = 4, .rate = 1000000,
};

static void check_no_growth(struct pair *p)
{
	assert_int_equal(nb_arena_mark(&p->arena), p->arena_after_init);
	assert_int_equal(p->bad_payload, 0);
}

static void test_ping_over_rough_link(void **state)
{
	(void)state;
	struct pair *p = pair_new(&rough, &rough, 1234, NULL, NULL);
	assert_non_null(p);
	uint64_t now = 0;
	uint32_t timeouts = 0;
	uint32_t ok = pair_pings(p, 50, 200, &now, DEADLINE_MS, &timeouts);
	assert_int_equal(ok, 50);
	const struct nb_memlink_stats *ab = nb_memlink_stats(&p->m, 0);
	print_message("pings: 50 ok, %u timeouts, %llu ms; A->B lost %u dup %u "
		      "reord %u\n", timeouts, (unsigned long long)now, ab->lost,
		      ab->duplicated, ab->reordered);
	/* 10% loss each way: about 19% of round trips fail. */
	assert_true(timeouts > 0 && timeouts < 40);
	assert_true(ab->lost > 0 && ab->duplicated > 0);
	check_no_growth(p);
	pair_free(p);
}

static void test_udp_over_rough_link(void **state)
{
	(void)state;
	struct pair *p = pair_new(&rough, &rough, 99, NULL, NULL);
	assert_non_null(p);
	uint64_t now = 0;
	assert_int_equal(pair_udp(p, 200, 5, &now, DEADLINE_MS), 200);
	const struct nb_memlink_stats *ab = nb_memlink_stats(&p->m, 0);
	const struct nb_memlink_stats *ba = nb_memlink_stats(&p->m, 1);
	print_message("udp: 200 distinct echoes, %u replies, %llu ms; reordered "
		      "%u/%u\n", p->replies, (unsigned long long)now,
		      ab->reordered, ba->reordered);
	assert_true(ab->reordered + ba->reordered > 0);
	assert_true(p->replies > p->distinct); /* duplicates arrived too */
	assert_int_equal(p->a.stats.udp_rx, p->replies);
	check_no_growth(p);
	pair_free(p);
}

/* Corrupted frames are caught by checksums: nothing wrong is delivered.
 * ARP is preloaded because ARP has no checksum to catch corruption. */
static void test_corruption_caught(void **state)
{
	(void)state;
	struct nb_impair im = rough;
	im.corrupt_ppm = 50000;
	struct pair *p = pair_new(&im, &im, 7, NULL, NULL);
	assert_non_null(p);
	assert_int_equal(nb_arp_add(&p->a, PAIR_IP_B, nb_memlink_link(&p->m, 1)->mac), 0);
	assert_int_equal(nb_arp_add(&p->b, PAIR_IP_A, nb_memlink_link(&p->m, 0)->mac), 0);
	uint64_t now = 0;
	assert_int_equal(pair_udp(p, 300, 3, &now, DEADLINE_MS), 300);
	uint32_t ok = pair_pings(p, 30, 200, &now, DEADLINE_MS, NULL);
	assert_int_equal(ok, 30);
	uint32_t corrupted = nb_memlink_stats(&p->m, 0)->corrupted +
			     nb_memlink_stats(&p->m, 1)->corrupted;
	uint32_t caught = 0;
	const struct nb_stack *st[2] = { &p->a, &p->b };
	for (int i = 0; i < 2; i++)
		caught += st[i]->stats.ip_bad_csum + st[i]->stats.udp_bad +
			  st[i]->stats.icmp_bad + st[i]->stats.ip_bad_header +
			  st[i]->stats.ip_bad_src + st[i]->stats.ip_not_ours +
			  st[i]->stats.ip_no_proto + st[i]->stats.frag_rx +
			  st[i]->stats.ip_ttl_zero + st[i]->stats.udp_no_port;
	print_message("corruption: %u frames corrupted, %u dropped by checks\n",
		      corrupted, caught);
	assert_true(corrupted > 20);
	/* Every corrupted frame that arrived was dropped somewhere (a few
	 * corrupted frames are lost or queue-dropped before arriving). */
	assert_true(caught <= corrupted && caught * 10 >= corrupted * 8);
	check_no_growth(p);
	pair_free(p);
}

static void test_same_seed_same_run(void **state)
{
	(void)state;
	uint64_t t1 = 0, t2 = 0;
	struct pair *p1 = pair_new(&rough, &rough, 5, NULL, NULL);
	struct pair *p2 = pair_new(&rough, &rough, 5, NULL, NULL);
	assert_int_equal(pair_udp(p1, 100, 5, &t1, DEADLINE_MS), 100);
	assert_int_equal(pair_udp(p2, 100, 5, &t2, DEADLINE_MS), 100);
	assert_true(t1 == t2);
	assert_int_equal(p1->replies, p2->replies);
	assert_memory_equal(&p1->a.stats, &p2->a.stats, sizeof(p1->a.stats));
	pair_free(p1);
	pair_free(p2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ping_over_rough_link),
		cmocka_unit_test(test_udp_over_rough_link),
		cmocka_unit_test(test_corruption_caught),
		cmocka_unit_test(test_same_seed_same_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
