/* The range set against a bitmap model, plus its edge cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "netboot/err.h"
#include "netboot/rangeset.h"

static void empty_and_zeroed(void **state)
{
	(void)state;
	struct nb_rangeset z;
	memset(&z, 0, sizeof(z));
	uint64_t p = 5;
	assert_false(nb_rangeset_can_add(&z, 1, 2));
	assert_int_equal(nb_rangeset_add(&z, 1, 2), -NB_ENOBUFS);
	assert_false(nb_rangeset_contains(&z, 1, 2));
	assert_false(nb_rangeset_absorb(&z, &p));
	assert_int_equal(nb_rangeset_first_gap(&z, 5), 5);

	struct nb_range r[2];
	memset(r, 0xa5, sizeof(r));
	struct nb_rangeset s;
	nb_rangeset_init(&s, r, 2);
	assert_int_equal(s.used, 0);
	assert_int_equal(nb_rangeset_add(&s, 7, 7), 0); /* empty: ignored */
	assert_int_equal(s.used, 0);
}

static void merge_and_full(void **state)
{
	(void)state;
	struct nb_range r[3];
	struct nb_rangeset s;
	nb_rangeset_init(&s, r, 3);
	assert_int_equal(nb_rangeset_add(&s, 10, 20), 0);
	assert_int_equal(nb_rangeset_add(&s, 30, 40), 0);
	assert_int_equal(nb_rangeset_add(&s, 50, 60), 0);
	assert_int_equal(s.recent, 2);
	assert_int_equal(s.used, 3);
	/* Full: only a range touching one held fits. */
	assert_false(nb_rangeset_can_add(&s, 70, 80));
	assert_int_equal(nb_rangeset_add(&s, 70, 80), -NB_ENOBUFS);
	assert_true(nb_rangeset_can_add(&s, 60, 65));
	assert_true(nb_rangeset_can_add(&s, 5, 10));
	/* Touching both neighbours merges three into one. */
	assert_int_equal(nb_rangeset_add(&s, 20, 30), 0);
	assert_int_equal(s.used, 2);
	assert_true(nb_rangeset_contains(&s, 10, 40));
	assert_false(nb_rangeset_contains(&s, 10, 41));
	assert_false(nb_rangeset_contains(&s, 40, 50));
	assert_int_equal(r[s.recent].start, 10);
	assert_int_equal(r[s.recent].end, 40);
	assert_int_equal(nb_rangeset_add(&s, 0, 100), 0);
	assert_int_equal(s.used, 1);
	assert_true(nb_rangeset_contains(&s, 0, 100));
}

static void absorb_and_gap(void **state)
{
	(void)state;
	struct nb_range r[4];
	struct nb_rangeset s;
	nb_rangeset_init(&s, r, 4);
	nb_rangeset_add(&s, 30, 40);
	nb_rangeset_add(&s, 10, 20);
	nb_rangeset_add(&s, 60, 70);
	assert_int_equal(nb_rangeset_first_gap(&s, 5), 5);
	assert_int_equal(nb_rangeset_first_gap(&s, 10), 20);
	assert_int_equal(nb_rangeset_first_gap(&s, 15), 20);
	assert_int_equal(nb_rangeset_first_gap(&s, 20), 20);
	uint64_t p = 5;
	assert_false(nb_rangeset_absorb(&s, &p));
	assert_int_equal(p, 5);
	assert_int_equal(s.used, 3);
	p = 20; /* reaches a range's end exactly: dropped, no jump */
	assert_false(nb_rangeset_absorb(&s, &p));
	assert_int_equal(s.used, 2);
	/* In-order data fills 20..30: the point runs through 30..40. */
	p = 30;
	assert_true(nb_rangeset_absorb(&s, &p));
	assert_int_equal(p, 40);
	assert_int_equal(s.used, 1);
	p = 100; /* past everything: all dropped */
	assert_false(nb_rangeset_absorb(&s, &p));
	assert_int_equal(s.used, 0);
}

/* Random operations against a byte map of 256 offsets. */
static void model(void **state)
{
	(void)state;
	uint32_t x = 12345;
	for (int round = 0; round < 200; round++) {
		uint8_t have[256] = {0};
		struct nb_range r[5];
		struct nb_rangeset s;
		uint64_t point = 0;
		nb_rangeset_init(&s, r, 5);
		for (int op = 0; op < 60; op++) {
			x = x * 1103515245u + 12345u;
			uint64_t a = (x >> 8) % 240, len = 1 + (x >> 20) % 16;
			if (a < point)
				a = point;
			uint64_t b = a + len > 256 ? 256 : a + len;
			if ((x & 7) == 0) {
				/* In-order data at the point. */
				uint64_t e = point + len > 256 ? 256 : point + len;
				for (uint64_t i = point; i < e; i++)
					have[i] = 1;
				point = e;
				nb_rangeset_absorb(&s, &point);
				while (point < 256 && have[point])
					point++;
				continue;
			}
			bool fit = nb_rangeset_can_add(&s, a, b);
			int rc = nb_rangeset_add(&s, a, b);
			assert_int_equal(rc, fit ? 0 : -NB_ENOBUFS);
			if (rc == 0)
				for (uint64_t i = a; i < b; i++)
					have[i] = 1;
			else
				/* Lost ranges: rebuild the map from the set. */
				for (uint64_t i = point; i < 256; i++)
					have[i] = nb_rangeset_contains(&s, i, i + 1);
			/* Invariants: disjoint, non-touching, counted. */
			unsigned n = 0;
			for (unsigned i = 0; i < 5; i++) {
				if (r[i].start == r[i].end)
					continue;
				n++;
				for (unsigned j = i + 1; j < 5; j++)
					if (r[j].start != r[j].end)
						assert_true(r[i].end < r[j].start ||
							    r[j].end < r[i].start);
			}
			assert_int_equal(n, s.used);
			for (uint64_t i = point; i < 256; i++)
				assert_int_equal(have[i],
						 nb_rangeset_contains(&s, i, i + 1));
			uint64_t g = nb_rangeset_first_gap(&s, a);
			uint64_t want = a;
			while (want < 256 && have[want])
				want++;
			assert_int_equal(g, want);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_and_zeroed),
		cmocka_unit_test(merge_and_full),
		cmocka_unit_test(absorb_and_gap),
		cmocka_unit_test(model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
