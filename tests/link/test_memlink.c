/* Unit tests of the in-memory link and its impairments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../support/memlink.h"

#define FRAMES 10000

struct env {
	struct nb_memlink m;
	struct nb_arena arena;
	uint8_t *mem;
	size_t memlen;
	struct nb_link *a, *b;
};

static struct env *env_new(const struct nb_impair *ab,
			   const struct nb_impair *ba, uint64_t seed)
{
	struct env *e = calloc(1, sizeof(*e));
	assert_non_null(e);
	size_t qa = ab && ab->queue_len ? ab->queue_len : NB_MEMLINK_QUEUE_DEFAULT;
	size_t qb = ba && ba->queue_len ? ba->queue_len : NB_MEMLINK_QUEUE_DEFAULT;
	e->memlen = NB_MEMLINK_ARENA_BYTES(qa, qb);
	e->mem = malloc(e->memlen);
	assert_non_null(e->mem);
	nb_arena_init(&e->arena, e->mem, e->memlen);
	assert_int_equal(nb_memlink_init(&e->m, ab, ba, seed, &e->arena), 0);
	e->a = nb_memlink_link(&e->m, 0);
	e->b = nb_memlink_link(&e->m, 1);
	return e;
}

static void env_free(struct env *e)
{
	free(e->mem);
	free(e);
}

/* A frame whose payload carries its number, so order can be checked. */
static size_t mkframe(uint8_t *f, uint32_t n, size_t len)
{
	memset(f, 0, len);
	memset(f, 0xff, 6);
	f[12] = 0x88;
	f[13] = 0xb5; /* local experimental EtherType */
	f[14] = (uint8_t)(n >> 24);
	f[15] = (uint8_t)(n >> 16);
	f[16] = (uint8_t)(n >> 8);
	f[17] = (uint8_t)n;
	for (size_t i = 18; i < len; i++)
		f[i] = (uint8_t)(n + i);
	return len;
}

static uint32_t frame_no(const uint8_t *f)
{
	return (uint32_t)f[14] << 24 | (uint32_t)f[15] << 16 |
	       (uint32_t)f[16] << 8 | f[17];
}

static int tx(struct nb_link *l, const void *f, size_t len)
{
	return l->ops->transmit(l->drv, f, len);
}

static int rx(struct nb_link *l, void *buf, size_t cap)
{
	return l->ops->receive(l->drv, buf, cap);
}

static void test_arena_exact(void **state)
{
	(void)state;
	struct nb_impair ab = { .queue_len = 3 }, ba = { .queue_len = 5 };
	size_t need = NB_MEMLINK_ARENA_BYTES(3, 5);
	uint8_t *mem = malloc(need);
	struct nb_arena ar;
	struct nb_memlink m;
	/* Even a badly aligned arena start fits: the macro has the slack. */
	nb_arena_init(&ar, mem, need);
	assert_int_equal(nb_memlink_init(&m, &ab, &ba, 1, &ar), 0);
	assert_true(nb_arena_mark(&ar) <= need);
	nb_arena_init(&ar, mem, 8 * sizeof(struct nb_memlink_frame) - 1);
	assert_int_equal(nb_memlink_init(&m, &ab, &ba, 1, &ar), -NB_ENOMEM);
	assert_int_equal(nb_arena_mark(&ar), 0);
	assert_int_equal(nb_memlink_init(NULL, &ab, &ba, 1, &ar), -NB_EINVAL);
	assert_int_equal(nb_memlink_init(&m, &ab, &ba, 1, NULL), -NB_EINVAL);
	free(mem);
}

static void test_perfect(void **state)
{
	(void)state;
	struct env *e = env_new(NULL, NULL, 1);
	uint8_t f[NB_ETH_FRAME_MAX], g[NB_ETH_FRAME_MAX];
	assert_int_equal(e->a->mtu, 1500);
	assert_memory_not_equal(e->a->mac, e->b->mac, 6);
	assert_int_equal(e->a->mac[0] & 3, 2); /* local, unicast */
	assert_null(nb_memlink_link(&e->m, 2));

	mkframe(f, 7, 60);
	assert_int_equal(tx(e->a, f, 60), 0);
	assert_int_equal(rx(e->a, g, sizeof(g)), 0); /* no echo to sender */
	assert_int_equal(rx(e->b, g, sizeof(g)), 60);
	assert_memory_equal(f, g, 60);
	assert_int_equal(rx(e->b, g, sizeof(g)), 0);
	mkframe(f, 8, NB_ETH_FRAME_MAX);
	assert_int_equal(tx(e->b, f, NB_ETH_FRAME_MAX), 0);
	assert_int_equal(rx(e->a, g, sizeof(g)), NB_ETH_FRAME_MAX);
	assert_memory_equal(f, g, NB_ETH_FRAME_MAX);

	assert_int_equal(tx(e->a, f, NB_ETH_FRAME_MAX + 1), -NB_EMSGSIZE);
	assert_int_equal(tx(e->a, f, 0), -NB_EINVAL);
	assert_int_equal(nb_memlink_stats(&e->m, 0)->sent, 1);
	assert_int_equal(nb_memlink_stats(&e->m, 0)->delivered, 1);
	assert_int_equal(nb_memlink_stats(&e->m, 1)->delivered, 1);
	assert_null(nb_memlink_stats(&e->m, 2));
	env_free(e);
}

static void test_oversize_dropped(void **state)
{
	(void)state;
	struct env *e = env_new(NULL, NULL, 1);
	uint8_t f[200], g[200];
	mkframe(f, 1, 200);
	assert_int_equal(tx(e->a, f, 200), 0);
	mkframe(f, 2, 100);
	assert_int_equal(tx(e->a, f, 100), 0);
	/* The 200-byte frame is dropped, never truncated; the next fits. */
	assert_int_equal(rx(e->b, g, 150), 100);
	assert_int_equal(frame_no(g), 2);
	assert_int_equal(nb_memlink_stats(&e->m, 0)->oversize, 1);
	assert_int_equal(nb_memlink_pending(&e->m, 0), 0);
	env_free(e);
}

/* Run FRAMES frames A->B, one per ms, draining B every ms; returns a
 * digest of what arrived when, and fills @order with arrival numbers. */
static uint64_t run(struct env *e, uint32_t *order, size_t *norder)
{
	uint8_t f[NB_ETH_FRAME_MAX], g[NB_ETH_FRAME_MAX];
	uint64_t h = 1469598103934665603ull;
	size_t n = 0;
	for (uint64_t t = 0; t < FRAMES + 2000; t++) {
		nb_memlink_set_time(&e->m, t);
		if (t < FRAMES) {
			size_t len = 60 + (t * 37) % 1400;
			mkframe(f, (uint32_t)t, len);
			assert_int_equal(tx(e->a, f, len), 0);
		}
		int r;
		while ((r = rx(e->b, g, sizeof(g))) > 0) {
			for (int i = 0; i < r; i++)
				h = (h ^ g[i]) * 1099511628211ull;
			h = (h ^ t) * 1099511628211ull;
			if (order && n < 2 * FRAMES)
				order[n++] = frame_no(g);
		}
		assert_true(r == 0);
	}
	if (norder)
		*norder = n;
	return h;
}

static const struct nb_impair everything = {
	.loss_ppm = 100000, .dup_ppm = 50000, .reorder_ppm = 50000,
	.corrupt_ppm = 10000, .delay_ms = 20, .jitter_ms = 3,
	.rate = 1000000, .queue_len = 256,
};

static void test_deterministic(void **state)
{
	(void)state;
	struct env *e1 = env_new(&everything, NULL, 42);
	struct env *e2 = env_new(&everything, NULL, 42);
	struct env *e3 = env_new(&everything, NULL, 43);
	uint64_t h1 = run(e1, NULL, NULL), h2 = run(e2, NULL, NULL);
	uint64_t h3 = run(e3, NULL, NULL);
	assert_true(h1 == h2);
	assert_memory_equal(nb_memlink_stats(&e1->m, 0),
			    nb_memlink_stats(&e2->m, 0),
			    sizeof(struct nb_memlink_stats));
	assert_true(h1 != h3);
	const struct nb_memlink_stats *s = nb_memlink_stats(&e1->m, 0);
	/* Everything sent is accounted for once the queue drained. */
	assert_int_equal(nb_memlink_pending(&e1->m, 0), 0);
	assert_int_equal(s->sent + s->duplicated,
			 s->delivered + s->lost + s->queue_drops + s->oversize);
	env_free(e1);
	env_free(e2);
	env_free(e3);
}

static void test_loss_rate(void **state)
{
	(void)state;
	struct nb_impair im = { .loss_ppm = 100000 };
	struct env *e = env_new(&im, NULL, 7);
	run(e, NULL, NULL);
	const struct nb_memlink_stats *s = nb_memlink_stats(&e->m, 0);
	print_message("loss 10%%: %u of %u lost\n", s->lost, FRAMES);
	/* 10% of 10000: mean 1000, sd 30; allow 5 sd. */
	assert_in_range(s->lost, 850, 1150);
	assert_int_equal(s->delivered, FRAMES - s->lost);
	assert_int_equal(s->reordered, 0);
	/* Several seeds, all within tolerance: not one lucky seed. */
	for (uint64_t seed = 100; seed < 105; seed++) {
		struct env *e2 = env_new(&im, NULL, seed);
		run(e2, NULL, NULL);
		assert_in_range(nb_memlink_stats(&e2->m, 0)->lost, 850, 1150);
		env_free(e2);
	}
	env_free(e);
}

static void test_delay_and_jitter(void **state)
{
	(void)state;
	struct nb_impair im = { .delay_ms = 50 };
	struct env *e = env_new(&im, NULL, 1);
	uint8_t f[64], g[NB_ETH_FRAME_MAX];
	nb_memlink_set_time(&e->m, 1000);
	mkframe(f, 1, 64);
	assert_int_equal(tx(e->a, f, 64), 0);
	assert_int_equal(nb_memlink_next_due(&e->m), 1050);
	nb_memlink_set_time(&e->m, 1049);
	assert_int_equal(rx(e->b, g, sizeof(g)), 0);
	nb_memlink_set_time(&e->m, 1050);
	assert_int_equal(rx(e->b, g, sizeof(g)), 64);
	assert_true(nb_memlink_next_due(&e->m) == UINT64_MAX);
	/* Time does not run backwards. */
	nb_memlink_set_time(&e->m, 10);
	assert_int_equal(e->m.now_ms, 1050);
	env_free(e);

	struct nb_impair ij = { .delay_ms = 50, .jitter_ms = 10,
				.queue_len = 512 };
	e = env_new(&ij, NULL, 3);
	for (uint32_t i = 0; i < 500; i++) {
		mkframe(f, i, 64);
		assert_int_equal(tx(e->a, f, 64), 0);
	}
	uint32_t early = 0, late = 0, got = 0;
	for (uint64_t t = 0; t <= 70; t++) {
		nb_memlink_set_time(&e->m, t);
		while (rx(e->b, g, sizeof(g)) > 0) {
			got++;
			assert_in_range(t, 40, 60);
			early += t < 45;
			late += t > 55;
		}
	}
	assert_int_equal(got, 500);
	assert_true(early > 50 && late > 50); /* spread both ways */
	env_free(e);
}

static void test_rate(void **state)
{
	(void)state;
	/* 100 kB/s: a 1000-byte frame takes exactly 10 ms on the wire. */
	struct nb_impair im = { .rate = 100000, .delay_ms = 5, .queue_len = 128 };
	struct env *e = env_new(&im, NULL, 1);
	uint8_t f[1000], g[NB_ETH_FRAME_MAX];
	for (uint32_t i = 0; i < 100; i++) {
		mkframe(f, i, sizeof(f));
		assert_int_equal(tx(e->a, f, sizeof(f)), 0);
	}
	uint32_t got = 0;
	for (uint64_t t = 0; t <= 1100; t++) {
		nb_memlink_set_time(&e->m, t);
		while (rx(e->b, g, sizeof(g)) > 0) {
			/* Frame k finishes at (k+1)*10 ms, then 5 ms delay. */
			assert_int_equal(t, (uint64_t)(got + 1) * 10 + 5);
			assert_int_equal(frame_no(g), got);
			got++;
		}
		if (t == 505)
			assert_int_equal(got, 50);
	}
	assert_int_equal(got, 100);
	/* An idle wire does not bank credit: a later frame waits its own
	 * serialisation time only. */
	nb_memlink_set_time(&e->m, 5000);
	assert_int_equal(tx(e->a, f, sizeof(f)), 0);
	assert_int_equal(nb_memlink_next_due(&e->m), 5015);
	env_free(e);
}

static void test_duplicate(void **state)
{
	(void)state;
	struct nb_impair im = { .dup_ppm = 50000 };
	struct env *e = env_new(&im, NULL, 9);
	uint32_t *order = calloc(2 * FRAMES, sizeof(*order));
	size_t n;
	run(e, order, &n);
	const struct nb_memlink_stats *s = nb_memlink_stats(&e->m, 0);
	print_message("dup 5%%: %u of %u duplicated\n", s->duplicated, FRAMES);
	assert_in_range(s->duplicated, 400, 600);
	assert_int_equal(n, FRAMES + s->duplicated);
	size_t twice = 0;
	for (size_t i = 1; i < n; i++)
		twice += order[i] == order[i - 1];
	assert_int_equal(twice, s->duplicated);
	assert_int_equal(s->reordered, 0);
	free(order);
	env_free(e);
}

static void test_reorder(void **state)
{
	(void)state;
	struct nb_impair im = { .reorder_ppm = 50000, .delay_ms = 2 };
	struct env *e = env_new(&im, NULL, 11);
	uint32_t *order = calloc(2 * FRAMES, sizeof(*order));
	size_t n;
	run(e, order, &n);
	const struct nb_memlink_stats *s = nb_memlink_stats(&e->m, 0);
	assert_int_equal(n, FRAMES);
	size_t inversions = 0;
	for (size_t i = 1; i < n; i++)
		inversions += order[i] < order[i - 1];
	/* One frame per ms and a 5 ms hold-back: each held frame arrives
	 * behind the next few; about 5% of frames are held. */
	print_message("reorder 5%%: %u reordered, %zu inversions\n",
		      s->reordered, inversions);
	assert_in_range(s->reordered, 300, 700);
	assert_true(inversions > 0);
	assert_true(inversions <= s->reordered);
	free(order);
	env_free(e);
}

/* An IPv4/ICMP frame with correct checksums and 10 bytes of padding
 * beyond the datagram. */
static size_t mk_ipv4(uint8_t *f)
{
	memset(f, 0, 94);
	memset(f, 0xff, 6);
	f[12] = 0x08;
	uint8_t *ip = f + 14;
	ip[0] = 0x45;
	nb_put16(ip + 2, 70);
	ip[8] = 64;
	ip[9] = 1;
	nb_put32(ip + 12, NB_IPV4(10, 0, 0, 1));
	nb_put32(ip + 16, NB_IPV4(10, 0, 0, 2));
	nb_put16(ip + 10, nb_csum(ip, 20));
	uint8_t *icmp = ip + 20;
	icmp[0] = 8;
	for (int i = 8; i < 50; i++)
		icmp[i] = (uint8_t)i;
	nb_put16(icmp + 2, nb_csum(icmp, 50));
	return 94;
}

static void test_corrupt(void **state)
{
	(void)state;
	struct nb_impair im = { .corrupt_ppm = 1000000 };
	struct env *e = env_new(&im, NULL, 5);
	uint8_t f[94], g[NB_ETH_FRAME_MAX];
	size_t len = mk_ipv4(f);
	for (int i = 0; i < 2000; i++) {
		assert_int_equal(tx(e->a, f, len), 0);
		assert_int_equal(rx(e->b, g, sizeof(g)), (int)len);
		int diffs = 0, where = -1;
		for (size_t j = 0; j < len; j++)
			if (f[j] != g[j]) {
				diffs++;
				where = (int)j;
			}
		assert_int_equal(diffs, 1);
		/* Inside the datagram, never the padding or the MAC header. */
		assert_in_range(where, 14, 14 + 70 - 1);
		/* And a checksum notices. */
		assert_true(nb_csum(g + 14, 20) != 0 || nb_csum(g + 34, 50) != 0);
	}
	assert_int_equal(nb_memlink_stats(&e->m, 0)->corrupted, 2000);

	/* Partial rate over a stream. */
	struct nb_impair half = { .corrupt_ppm = 100000 };
	assert_int_equal(nb_memlink_set_impair(&e->m, 0, &half), 0);
	for (int i = 0; i < 10000; i++) {
		assert_int_equal(tx(e->a, f, len), 0);
		assert_int_equal(rx(e->b, g, sizeof(g)), (int)len);
	}
	assert_in_range(nb_memlink_stats(&e->m, 0)->corrupted, 2000 + 850,
			2000 + 1150);
	assert_int_equal(nb_memlink_set_impair(&e->m, 2, &half), -NB_EINVAL);
	env_free(e);
}

static void test_queue_bound(void **state)
{
	(void)state;
	struct nb_impair im = { .delay_ms = 10, .queue_len = 4 };
	struct env *e = env_new(&im, NULL, 1);
	uint8_t f[64], g[NB_ETH_FRAME_MAX];
	for (uint32_t i = 0; i < 10; i++) {
		mkframe(f, i, sizeof(f));
		assert_int_equal(tx(e->a, f, sizeof(f)), 0);
	}
	assert_int_equal(nb_memlink_pending(&e->m, 0), 4);
	assert_int_equal(nb_memlink_stats(&e->m, 0)->queue_drops, 6);
	nb_memlink_set_time(&e->m, 10);
	for (uint32_t i = 0; i < 4; i++) {
		assert_int_equal(rx(e->b, g, sizeof(g)), 64);
		assert_int_equal(frame_no(g), i); /* tail drop keeps the head */
	}
	assert_int_equal(rx(e->b, g, sizeof(g)), 0);
	/* Room again once drained; set_impair keeps the queue length. */
	struct nb_impair bigger = { .queue_len = 1000 };
	assert_int_equal(nb_memlink_set_impair(&e->m, 0, &bigger), 0);
	assert_int_equal(e->m.dir[0].imp.queue_len, 4);
	for (uint32_t i = 0; i < 5; i++)
		assert_int_equal(tx(e->a, f, sizeof(f)), 0);
	assert_int_equal(nb_memlink_stats(&e->m, 0)->queue_drops, 7);
	env_free(e);
}

static void test_directions_independent(void **state)
{
	(void)state;
	/* Traffic B->A must not change which A->B frames are lost. */
	struct nb_impair im = { .loss_ppm = 300000 };
	struct env *e1 = env_new(&im, &im, 77), *e2 = env_new(&im, &im, 77);
	uint8_t f[64], g[NB_ETH_FRAME_MAX];
	for (uint32_t i = 0; i < 1000; i++) {
		mkframe(f, i, sizeof(f));
		assert_int_equal(tx(e1->a, f, sizeof(f)), 0);
		assert_int_equal(tx(e2->a, f, sizeof(f)), 0);
		assert_int_equal(tx(e2->b, f, sizeof(f)), 0); /* only in e2 */
		int r1 = rx(e1->b, g, sizeof(g));
		int r2 = rx(e2->b, g, sizeof(g));
		assert_int_equal(r1, r2);
		while (rx(e2->a, g, sizeof(g)) > 0)
			;
	}
	env_free(e1);
	env_free(e2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena_exact),
		cmocka_unit_test(test_perfect),
		cmocka_unit_test(test_oversize_dropped),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_loss_rate),
		cmocka_unit_test(test_delay_and_jitter),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_reorder),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_queue_bound),
		cmocka_unit_test(test_directions_independent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
