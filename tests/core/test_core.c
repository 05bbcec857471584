/* Unit tests for lib/core: checksum, byte order, arena, timers, sinks,
 * errors and the rng hook. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../common/frames.h"
#include "../support/testrng.h"
#include "netboot/core.h"
#include "netboot/sink.h"

static uint64_t xs = 88172645463325252ull;
static uint8_t rnd8(void)
{
	xs ^= xs << 13;
	xs ^= xs >> 7;
	xs ^= xs << 17;
	return (uint8_t)(xs >> 24);
}

/* ---- checksum ---- */

static void csum_rfc1071_example(void **state)
{
	(void)state;
	/* RFC 1071 section 3: these bytes sum to ddf2. */
	const uint8_t b[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	assert_int_equal(nb_csum(b, sizeof(b)), (uint16_t)~0xddf2);
	assert_int_equal(nb_csum_fold(nb_csum_add(0, b, sizeof(b))),
			 (uint16_t)~0xddf2);
	assert_int_equal(nb_csum(b, 0), 0xffff);
}

static void csum_random_all_lengths_offsets(void **state)
{
	(void)state;
	static uint8_t buf[2000 + 16];
	for (size_t len = 0; len <= 2000; len++) {
		for (size_t off = 0; off < 8; off++) {
			for (size_t i = 0; i < len; i++)
				buf[off + i] = rnd8();
			uint16_t want = fb_ref_csum(buf + off, len);
			assert_int_equal(nb_csum(buf + off, len), want);
		}
	}
}

static void csum_all_ones_and_large(void **state)
{
	(void)state;
	/* Long runs of 0xff stress carry folding. */
	size_t n = 65536 + 3;
	uint8_t *b = malloc(n);
	assert_non_null(b);
	memset(b, 0xff, n);
	for (size_t len = n - 8; len <= n; len++)
		assert_int_equal(nb_csum(b, len), fb_ref_csum(b, len));
	for (size_t i = 0; i < n; i++)
		b[i] = rnd8();
	assert_int_equal(nb_csum(b, n), fb_ref_csum(b, n));
	assert_int_equal(nb_csum(b + 1, n - 1), fb_ref_csum(b + 1, n - 1));
	free(b);
}

static void csum_multipart(void **state)
{
	(void)state;
	static uint8_t buf[1600];
	for (int round = 0; round < 2000; round++) {
		size_t len = (size_t)(rnd8() | (rnd8() & 3) << 8) % 1500 + 1;
		for (size_t i = 0; i < len; i++)
			buf[i] = rnd8();
		/* Split into even-length parts, the last one possibly odd. */
		uint32_t sum = 0;
		size_t pos = 0;
		while (pos < len) {
			size_t part = (size_t)(rnd8() % 64) * 2;
			if (part == 0 || pos + part > len)
				part = len - pos;
			sum = nb_csum_add(sum, buf + pos, part);
			pos += part;
		}
		assert_int_equal(nb_csum_fold(sum), fb_ref_csum(buf, len));
	}
	/* A buffer containing its own checksum sums to zero. */
	for (size_t i = 0; i < 40; i++)
		buf[i] = rnd8();
	nb_put16(buf + 10, 0);
	nb_put16(buf + 10, nb_csum(buf, 40));
	assert_int_equal(nb_csum(buf, 40), 0);
	/* A large starting sum (pseudo-header style) still folds right. */
	uint32_t big = 0x3fffc; /* four 0xffff words, unfolded */
	uint8_t two[2] = {0x12, 0x34};
	uint32_t s = nb_csum_add(big, two, 2);
	uint8_t ref[10] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x12, 0x34};
	assert_int_equal(nb_csum_fold(s), fb_ref_csum(ref, 10));
}

/* ---- byte order ---- */

static void byte_order(void **state)
{
	(void)state;
	uint8_t b[16];
	for (size_t off = 0; off < 8; off++) {
		memset(b, 0, sizeof(b));
		nb_put16(b + off, 0x1234);
		assert_int_equal(b[off], 0x12);
		assert_int_equal(b[off + 1], 0x34);
		assert_int_equal(nb_get16(b + off), 0x1234);
		nb_put32(b + off, 0xdeadbeef);
		assert_int_equal(b[off], 0xde);
		assert_int_equal(b[off + 3], 0xef);
		assert_int_equal(nb_get32(b + off), 0xdeadbeefu);
	}
	nb_put16(b, 0xffff);
	assert_int_equal(nb_get16(b), 0xffff);
	nb_put32(b, 0x80000001u);
	assert_int_equal(nb_get32(b), 0x80000001u);
	assert_int_equal(NB_IPV4(192, 168, 1, 254), 0xc0a801feu);
	assert_int_equal(NB_IPV4(255, 255, 255, 255), 0xffffffffu);
}

/* ---- arena ---- */

static void arena_alignment(void **state)
{
	(void)state;
	static _Alignas(64) uint8_t mem[4096];
	struct nb_arena a;
	for (size_t skew = 0; skew < 8; skew++) {
		nb_arena_init(&a, mem + skew, sizeof(mem) - skew);
		for (size_t align = 1; align <= 64; align *= 2) {
			uint8_t *p = nb_arena_alloc(&a, 3, align);
			assert_non_null(p);
			assert_int_equal((uintptr_t)p % align, 0);
			assert_true(p >= mem + skew && p + 3 <= mem + sizeof(mem));
		}
	}
	nb_arena_init(&a, mem, sizeof(mem));
	memset(mem, 0xaa, sizeof(mem));
	uint8_t *z = nb_arena_alloc(&a, 100, 1);
	for (size_t i = 0; i < 100; i++)
		assert_int_equal(z[i], 0);
	size_t used = nb_arena_mark(&a);
	assert_null(nb_arena_alloc(&a, 1, 0));
	assert_null(nb_arena_alloc(&a, 1, 3));
	assert_null(nb_arena_alloc(&a, 1, 128));
	assert_int_equal(nb_arena_mark(&a), used);
}

static void arena_exhaustion(void **state)
{
	(void)state;
	static _Alignas(64) uint8_t mem[256];
	struct nb_arena a;
	nb_arena_init(&a, mem, sizeof(mem));
	assert_non_null(nb_arena_alloc(&a, 1, 1));
	size_t m = nb_arena_mark(&a);
	assert_int_equal(m, 1);
	/* Padding alone would exceed what is left. */
	assert_null(nb_arena_alloc(&a, 255, 64));
	assert_int_equal(nb_arena_mark(&a), m);
	assert_null(nb_arena_alloc(&a, 256, 1));
	assert_null(nb_arena_alloc(&a, SIZE_MAX, 1));
	assert_null(nb_arena_alloc(&a, SIZE_MAX - 2, 16));
	assert_int_equal(nb_arena_mark(&a), m);
	/* Exact fit succeeds, then nothing more. */
	assert_non_null(nb_arena_alloc(&a, 255, 1));
	assert_int_equal(nb_arena_mark(&a), 256);
	assert_null(nb_arena_alloc(&a, 1, 1));
	assert_non_null(nb_arena_alloc(&a, 0, 1));
	assert_int_equal(nb_arena_mark(&a), 256);
	/* mark/reset */
	nb_arena_reset(&a, m);
	assert_int_equal(nb_arena_mark(&a), m);
	nb_arena_reset(&a, 1000); /* beyond the fill level: ignored */
	assert_int_equal(nb_arena_mark(&a), m);
	nb_arena_reset(&a, 0);
	assert_int_equal(nb_arena_mark(&a), 0);
	/* NULL memory: an empty arena. */
	nb_arena_init(&a, NULL, 100);
	assert_null(nb_arena_alloc(&a, 1, 1));
}

/* ---- timers and backoff ---- */

static void timers(void **state)
{
	(void)state;
	struct nb_deadline t = {0};
	assert_false(nb_deadline_armed(&t));
	assert_false(nb_deadline_expired(&t, 0));
	assert_false(nb_deadline_expired(&t, UINT64_MAX));
	assert_int_equal(nb_deadline_remaining(&t, 5), UINT64_MAX);
	nb_deadline_set(&t, 1000, 250);
	assert_true(nb_deadline_armed(&t));
	assert_false(nb_deadline_expired(&t, 1249));
	assert_int_equal(nb_deadline_remaining(&t, 1249), 1);
	assert_true(nb_deadline_expired(&t, 1250));
	assert_int_equal(nb_deadline_remaining(&t, 1250), 0);
	assert_int_equal(nb_deadline_remaining(&t, 9999), 0);
	nb_deadline_clear(&t);
	assert_false(nb_deadline_expired(&t, 9999));
	/* Saturates instead of wrapping to the past. */
	nb_deadline_set(&t, UINT64_MAX - 10, 100);
	assert_false(nb_deadline_expired(&t, UINT64_MAX - 1));
	assert_int_equal(t.at_ms, UINT64_MAX);
	nb_deadline_set(&t, 5, 0);
	assert_true(nb_deadline_expired(&t, 5));
	/* Due at time 0 is due at 1: 0 means "none". */
	nb_deadline_set(&t, 0, 0);
	assert_true(nb_deadline_armed(&t));
	assert_false(nb_deadline_expired(&t, 0));
	assert_true(nb_deadline_expired(&t, 1));

	struct nb_deadline none = {0}, a = {300}, b = {200};
	assert_int_equal(nb_deadline_earliest(a, b).at_ms, 200);
	assert_int_equal(nb_deadline_earliest(b, a).at_ms, 200);
	assert_int_equal(nb_deadline_earliest(a, none).at_ms, 300);
	assert_int_equal(nb_deadline_earliest(none, a).at_ms, 300);
	assert_int_equal(nb_deadline_earliest(none, none).at_ms, 0);
	assert_int_equal(nb_deadline_earliest(a, a).at_ms, 300);
}

static void backoff(void **state)
{
	(void)state;
	struct nb_backoff b;
	nb_backoff_init(&b, 250, 2000, 6);
	const uint32_t want[] = {250, 500, 1000, 2000, 2000, 2000};
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(nb_backoff_next(&b, NULL), want[i]);
	assert_int_equal(nb_backoff_next(&b, NULL), 0);
	assert_int_equal(nb_backoff_next(&b, NULL), 0);
	nb_backoff_init(&b, 0, 0, 2);
	assert_int_equal(nb_backoff_next(&b, NULL), 1);
	assert_int_equal(nb_backoff_next(&b, NULL), 1);
	assert_int_equal(nb_backoff_next(&b, NULL), 0);
	nb_backoff_init(&b, 3000, 1000, 1); /* ceiling below the start */
	assert_int_equal(nb_backoff_next(&b, NULL), 3000);
	nb_backoff_init(&b, 0x80000001u, UINT32_MAX, 3); /* no overflow */
	assert_int_equal(nb_backoff_next(&b, NULL), 0x80000001u);
	assert_int_equal(nb_backoff_next(&b, NULL), UINT32_MAX);
	assert_int_equal(nb_backoff_next(&b, NULL), UINT32_MAX);
	nb_backoff_init(&b, 10, 100, 0);
	assert_int_equal(nb_backoff_next(&b, NULL), 0);
}

/* ---- sinks ---- */

static void memsink(void **state)
{
	(void)state;
	uint8_t buf[64];
	memset(buf, 0xee, sizeof(buf));
	struct nb_memsink m;
	nb_memsink_init(&m, buf, 32);
	const struct nb_sink *s = &m.sink;
	const uint8_t d[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	assert_int_equal(nb_sink_write(s, 8, d, 8), 0);
	assert_memory_equal(buf + 8, d, 8);
	assert_int_equal(m.high, 16);
	assert_int_equal(nb_sink_write(s, 0, d, 4), 0);
	assert_int_equal(m.high, 16); /* out of order keeps the high mark */
	assert_int_equal(nb_sink_write(s, 24, d, 8), 0); /* ends at cap */
	assert_int_equal(m.high, 32);
	assert_int_equal(nb_sink_write(s, 32, d, 0), 0);
	/* Out of bounds: refused, nothing written. */
	assert_int_equal(nb_sink_write(s, 25, d, 8), -NB_ERANGE);
	assert_int_equal(nb_sink_write(s, 33, d, 0), -NB_ERANGE);
	assert_int_equal(nb_sink_write(s, UINT64_MAX, d, 1), -NB_ERANGE);
	assert_int_equal(nb_sink_write(s, UINT64_MAX - 3, d, 8), -NB_ERANGE);
	assert_int_equal(nb_sink_write(s, 4, d, SIZE_MAX), -NB_ERANGE);
	assert_int_equal(nb_sink_write(s, (uint64_t)1 << 63, d, 8), -NB_ERANGE);
	for (size_t i = 32; i < 64; i++)
		assert_int_equal(buf[i], 0xee);
	assert_int_equal(m.high, 32);
	/* total */
	assert_int_equal(nb_sink_total(s, 33), -NB_ETOOBIG);
	assert_false(m.have_total);
	assert_int_equal(nb_sink_total(s, UINT64_MAX), -NB_ETOOBIG);
	assert_int_equal(nb_sink_total(s, 32), 0);
	assert_true(m.have_total);
	assert_int_equal(m.total, 32);
	assert_int_equal(nb_sink_limit(s), 32);
	/* Generic wrappers on missing callbacks. */
	struct nb_sink empty = {0};
	assert_int_equal(nb_sink_write(NULL, 0, d, 1), -NB_EINVAL);
	assert_int_equal(nb_sink_write(&empty, 0, d, 1), -NB_EINVAL);
	assert_int_equal(nb_sink_total(&empty, 5), 0);
	assert_int_equal(nb_sink_total(NULL, 5), 0);
	assert_int_equal(nb_sink_limit(&empty), UINT64_MAX);
	assert_int_equal(nb_sink_limit(NULL), UINT64_MAX);
	/* No buffer: capacity 0. */
	nb_memsink_init(&m, NULL, 100);
	assert_int_equal(nb_sink_write(&m.sink, 0, d, 1), -NB_ERANGE);
	assert_int_equal(nb_sink_write(&m.sink, 0, d, 0), 0);
}

/* ---- errors ---- */

static void strerror_all(void **state)
{
	(void)state;
	const char *unknown = nb_strerror(NB_ERR_COUNT);
	assert_non_null(unknown);
	for (int e = 0; e < NB_ERR_COUNT; e++) {
		const char *t = nb_strerror(e);
		assert_non_null(t);
		assert_true(strlen(t) > 0);
		assert_string_not_equal(t, unknown);
		assert_ptr_equal(nb_strerror(-e), t);
		for (int f = 0; f < e; f++)
			assert_string_not_equal(nb_strerror(f), t);
	}
	const int odd[] = {NB_ERR_COUNT, -NB_ERR_COUNT, NB_ERR_COUNT + 1, 1000,
			   -1000, INT_MAX, INT_MIN, INT_MIN + 1};
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
		assert_string_equal(nb_strerror(odd[i]), unknown);
}

/* ---- rng hook ---- */

static int rng_fixed(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	static const uint8_t b[4] = {0x12, 0x34, 0x56, 0x78};
	memcpy(buf, b, len < 4 ? len : 4);
	return 0;
}

static void rng(void **state)
{
	(void)state;
	uint32_t v = 0;
	struct nb_rng r = {rng_fixed, NULL};
	assert_int_equal(nb_rng_u32(&r, &v), 0);
	assert_int_equal(v, 0x12345678u);
	struct nb_rng bad = {nb_test_rng_fail, NULL};
	assert_int_equal(nb_rng_u32(&bad, &v), -NB_EIO);
	struct nb_rng none = {NULL, NULL};
	assert_int_equal(nb_rng_u32(&none, &v), -NB_EINVAL);
	assert_int_equal(nb_rng_u32(NULL, &v), -NB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csum_rfc1071_example),
		cmocka_unit_test(csum_random_all_lengths_offsets),
		cmocka_unit_test(csum_all_ones_and_large),
		cmocka_unit_test(csum_multipart),
		cmocka_unit_test(byte_order),
		cmocka_unit_test(arena_alignment),
		cmocka_unit_test(arena_exhaustion),
		cmocka_unit_test(timers),
		cmocka_unit_test(backoff),
		cmocka_unit_test(memsink),
		cmocka_unit_test(strerror_all),
		cmocka_unit_test(rng),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
