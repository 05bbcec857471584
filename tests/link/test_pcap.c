/* Unit tests of the pcap writer and recording link wrapper. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../support/memlink.h"
#include "netboot/pcap.h"

struct buf {
	uint8_t data[16384];
	size_t len;
	int fail_after; /* calls that succeed before failures; <0 never */
	int calls;
};

static int buf_out(void *ctx, const void *data, size_t len)
{
	struct buf *b = ctx;
	if (b->fail_after >= 0 && b->calls++ >= b->fail_after)
		return -5;
	assert_true(b->len + len <= sizeof(b->data));
	memcpy(b->data + b->len, data, len);
	b->len += len;
	return 0;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static const uint8_t file_hdr[24] = {
	0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0,
};

struct env {
	struct nb_memlink m;
	struct nb_arena arena;
	uint8_t *mem;
	struct buf out;
	struct nb_pcap p;
};

static struct env *env_new(void)
{
	struct env *e = calloc(1, sizeof(*e));
	size_t need = NB_MEMLINK_ARENA_BYTES(4, 4);
	struct nb_impair im = { .queue_len = 4 };
	e->mem = malloc(need);
	nb_arena_init(&e->arena, e->mem, need);
	assert_int_equal(nb_memlink_init(&e->m, &im, &im, 1, &e->arena), 0);
	e->out.fail_after = -1;
	return e;
}

static void env_free(struct env *e)
{
	free(e->mem);
	free(e);
}

static void test_wrap_records_both_ways(void **state)
{
	(void)state;
	struct env *e = env_new();
	struct nb_pcap_cfg cfg = { .out = buf_out, .out_ctx = &e->out,
				   .now_ms = &e->m.now_ms };
	struct nb_link *inner = nb_memlink_link(&e->m, 0);
	assert_int_equal(nb_pcap_wrap(&e->p, inner, &cfg), 0);
	assert_int_equal(e->out.len, 24);
	assert_memory_equal(e->out.data, file_hdr, 24);
	assert_memory_equal(e->p.link.mac, inner->mac, 6);
	assert_int_equal(e->p.link.mtu, inner->mtu);

	struct nb_link *l = &e->p.link, *peer = nb_memlink_link(&e->m, 1);
	uint8_t f[100], g[NB_ETH_FRAME_MAX];
	memset(f, 0xab, sizeof(f));
	nb_memlink_set_time(&e->m, 1234567); /* 1234 s + 567000 us */
	assert_int_equal(l->ops->transmit(l->drv, f, 100), 0);
	/* Forwarded unchanged. */
	assert_int_equal(peer->ops->receive(peer->drv, g, sizeof(g)), 100);
	assert_memory_equal(f, g, 100);
	memset(f, 0xcd, 60);
	assert_int_equal(peer->ops->transmit(peer->drv, f, 60), 0);
	nb_memlink_set_time(&e->m, 1234999);
	assert_int_equal(l->ops->receive(l->drv, g, sizeof(g)), 60);
	assert_memory_equal(f, g, 60);
	/* Nothing pending: no record. */
	assert_int_equal(l->ops->receive(l->drv, g, sizeof(g)), 0);

	assert_int_equal(e->p.records, 2);
	assert_int_equal(e->out.len, 24 + 16 + 100 + 16 + 60);
	const uint8_t *r = e->out.data + 24;
	assert_int_equal(rd32(r), 1234);
	assert_int_equal(rd32(r + 4), 567000);
	assert_int_equal(rd32(r + 8), 100);
	assert_int_equal(rd32(r + 12), 100);
	assert_int_equal(r[16], 0xab);
	r += 16 + 100;
	assert_int_equal(rd32(r), 1234);
	assert_int_equal(rd32(r + 4), 999000);
	assert_int_equal(rd32(r + 8), 60);
	assert_int_equal(r[16 + 59], 0xcd);
	env_free(e);
}

static uint64_t fixed_clock(void *ctx)
{
	return *(uint64_t *)ctx;
}

static void test_snaplen_and_clock(void **state)
{
	(void)state;
	struct env *e = env_new();
	uint64_t t = 1700000000123456ull;
	uint64_t ms = 5;
	struct nb_pcap_cfg cfg = { .out = buf_out, .out_ctx = &e->out,
				   .now_us = fixed_clock, .clock_ctx = &t,
				   .now_ms = &ms, .snaplen = 64 };
	assert_int_equal(nb_pcap_start(&e->p, &cfg), 0);
	assert_int_equal(rd32(e->out.data + 16), 64);
	uint8_t f[300];
	memset(f, 1, sizeof(f));
	assert_int_equal(nb_pcap_record(&e->p, f, 300), 0);
	const uint8_t *r = e->out.data + 24;
	assert_int_equal(rd32(r), 1700000000u); /* now_us wins over now_ms */
	assert_int_equal(rd32(r + 4), 123456);
	assert_int_equal(rd32(r + 8), 64);
	assert_int_equal(rd32(r + 12), 300);
	assert_int_equal(e->out.len, 24 + 16 + 64);
	env_free(e);
}

static void test_output_failure_keeps_traffic(void **state)
{
	(void)state;
	struct env *e = env_new();
	e->out.fail_after = 2; /* header, then one record header */
	struct nb_pcap_cfg cfg = { .out = buf_out, .out_ctx = &e->out };
	assert_int_equal(nb_pcap_wrap(&e->p, nb_memlink_link(&e->m, 0), &cfg),
			 0);
	struct nb_link *l = &e->p.link, *peer = nb_memlink_link(&e->m, 1);
	uint8_t f[60] = { 0 }, g[NB_ETH_FRAME_MAX];
	for (int i = 0; i < 3; i++) {
		assert_int_equal(l->ops->transmit(l->drv, f, 60), 0);
		assert_int_equal(peer->ops->receive(peer->drv, g, sizeof(g)), 60);
	}
	assert_int_equal(e->p.records, 0);
	assert_int_equal(e->p.write_errors, 3);
	assert_int_equal(e->p.error, -5);
	assert_int_equal(nb_pcap_record(&e->p, f, 60), -NB_EIO);

	/* Header failure is reported, and the link still forwards. */
	struct env *e2 = env_new();
	e2->out.fail_after = 0;
	cfg.out_ctx = &e2->out;
	assert_int_equal(nb_pcap_wrap(&e2->p, nb_memlink_link(&e2->m, 0), &cfg),
			 -NB_EIO);
	l = &e2->p.link;
	assert_int_equal(l->ops->transmit(l->drv, f, 60), 0);
	peer = nb_memlink_link(&e2->m, 1);
	assert_int_equal(peer->ops->receive(peer->drv, g, sizeof(g)), 60);
	env_free(e);
	env_free(e2);
}

static void test_bad_args(void **state)
{
	(void)state;
	struct nb_pcap p;
	struct nb_link nolink = { 0 };
	struct buf b = { .fail_after = -1 };
	struct nb_pcap_cfg cfg = { .out = buf_out, .out_ctx = &b };
	struct nb_pcap_cfg noout = { 0 };
	assert_int_equal(nb_pcap_start(NULL, &cfg), -NB_EINVAL);
	assert_int_equal(nb_pcap_start(&p, NULL), -NB_EINVAL);
	assert_int_equal(nb_pcap_start(&p, &noout), -NB_EINVAL);
	assert_int_equal(nb_pcap_wrap(&p, NULL, &cfg), -NB_EINVAL);
	assert_int_equal(nb_pcap_wrap(&p, &nolink, &cfg), -NB_EINVAL);
	assert_int_equal(nb_pcap_start(&p, &cfg), 0);
	assert_int_equal(nb_pcap_record(&p, NULL, 5), -NB_EINVAL);
	assert_int_equal(nb_pcap_record(NULL, "x", 1), -NB_EINVAL);
	/* No clock at all: timestamps are zero, still a valid record. */
	assert_int_equal(nb_pcap_record(&p, "x", 1), 0);
	assert_int_equal(rd32(b.data + 24), 0);
	assert_int_equal(b.len, 24 + 16 + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrap_records_both_ways),
		cmocka_unit_test(test_snaplen_and_clock),
		cmocka_unit_test(test_output_failure_keeps_traffic),
		cmocka_unit_test(test_bad_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
