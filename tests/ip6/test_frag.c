/* lib/ip6: fragment reassembly (RFC 8200 4.5, RFC 5722 overlaps). */
#include "ip6_test.h"

static uint8_t mem[2 * 4096];
static struct nb_ip6_reasm r;
static uint8_t p[2048];
static uint8_t payload[1024];

static int setup(void **state)
{
	(void)state;
	assert_int_equal(nb_ip6_reasm_init(&r, mem, sizeof(mem)), 0);
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 1);
	return 0;
}

/* Fragment [off, off + n) of @p data (a UDP datagram) with id @p id. */
static int frag(uint32_t id, size_t off, size_t n, bool more, const uint8_t *data,
		uint64_t now, const uint8_t **out, size_t *out_len)
{
	uint8_t b[1100] = {NB_IP6_UDP, 0};
	struct nb_ip6_info in;
	nb_put16(b + 2, (uint16_t)(off | more));
	nb_put32(b + 4, id);
	memcpy(b + 8, data + off, n);
	size_t len = pk(p, PEER, SELF, NB_IP6_FRAGMENT, 64, b, 8 + n);
	assert_int_equal(nb_ip6_parse(p, len, &in), 0);
	assert_true(in.frag);
	return nb_ip6_reasm_add(&r, p, &in, now, out, out_len);
}

static void check_whole(const uint8_t *d, size_t n, size_t total)
{
	struct nb_ip6_info in;
	assert_int_equal(n, 40 + total);
	assert_int_equal(nb_ip6_parse(d, n, &in), 0);
	assert_int_equal(in.proto, NB_IP6_UDP);
	assert_int_equal(in.off, 40);
	assert_memory_equal(d + 40, payload, total);
}

static void in_order(void **state)
{
	(void)state;
	const uint8_t *d;
	size_t n;
	assert_int_equal(frag(1, 0, 512, true, payload, 0, &d, &n), 0);
	assert_int_equal(frag(1, 512, 300, false, payload, 1, &d, &n), 1);
	check_whole(d, n, 812);
}

static void reversed_and_interleaved(void **state)
{
	(void)state;
	const uint8_t *d;
	size_t n;
	assert_int_equal(frag(2, 800, 100, false, payload, 0, &d, &n), 0);
	assert_int_equal(frag(3, 0, 16, true, payload, 0, &d, &n), 0);
	assert_int_equal(frag(2, 400, 400, true, payload, 0, &d, &n), 0);
	assert_int_equal(frag(2, 0, 400, true, payload, 0, &d, &n), 1);
	check_whole(d, n, 900);
	assert_int_equal(frag(3, 16, 8, false, payload, 0, &d, &n), 1);
	check_whole(d, n, 24);
}

/* RFC 5722: any overlap drops the datagram; the rest then starts anew. */
static void overlap_drops(void **state)
{
	(void)state;
	const uint8_t *d;
	size_t n;
	assert_int_equal(frag(4, 0, 64, true, payload, 0, &d, &n), 0);
	assert_int_equal(frag(4, 56, 64, true, payload, 0, &d, &n), -NB_EPROTO);
	/* What came before is gone: the tail alone completes nothing. */
	assert_int_equal(frag(4, 64, 64, false, payload, 0, &d, &n), 0);
	/* An overlap that covers a held range from outside. */
	assert_int_equal(frag(5, 64, 8, true, payload, 0, &d, &n), 0);
	assert_int_equal(frag(5, 0, 128, true, payload, 0, &d, &n), -NB_EPROTO);
	/* Data past the last fragment's end. */
	assert_int_equal(frag(6, 64, 64, true, payload, 0, &d, &n), 0);
	assert_int_equal(frag(6, 32, 16, false, payload, 0, &d, &n), -NB_EPROTO);
	/* Two different ends. */
	assert_int_equal(frag(7, 64, 8, false, payload, 0, &d, &n), 0);
	assert_int_equal(frag(7, 64, 16, false, payload, 0, &d, &n), -NB_EPROTO);
}

/* An exact duplicate is ignored; a "duplicate" with other bytes is not. */
static void duplicates(void **state)
{
	(void)state;
	const uint8_t *d;
	size_t n;
	uint8_t other[1024];
	memcpy(other, payload, sizeof(other));
	other[3] ^= 1;
	assert_int_equal(frag(8, 0, 64, true, payload, 0, &d, &n), 0);
	assert_int_equal(frag(8, 0, 64, true, payload, 0, &d, &n), 0);
	assert_int_equal(frag(8, 64, 8, false, payload, 0, &d, &n), 1);
	check_whole(d, n, 72);
	assert_int_equal(frag(9, 0, 64, true, payload, 0, &d, &n), 0);
	assert_int_equal(frag(9, 0, 64, true, other, 0, &d, &n), -NB_EPROTO);
}

static void limits(void **state)
{
	(void)state;
	const uint8_t *d;
	size_t n;
	/* Beyond the slot's 4096 bytes. */
	assert_int_equal(frag(10, 4096, 8, false, payload, 0, &d, &n), -NB_ETOOBIG);
	/* Timeout: a slot older than NB_IP6_REASM_TIMEOUT_MS is gone. */
	assert_int_equal(frag(11, 0, 8, true, payload, 100, &d, &n), 0);
	assert_int_equal(nb_ip6_reasm_expire(&r, 100 + NB_IP6_REASM_TIMEOUT_MS), 1);
	assert_int_equal(frag(11, 8, 8, false, payload, 200 + NB_IP6_REASM_TIMEOUT_MS, &d, &n), 0);
	/* All slots busy: the oldest gives way. */
	assert_int_equal(frag(12, 8, 8, false, payload, 300 + NB_IP6_REASM_TIMEOUT_MS, &d, &n), 0);
	assert_int_equal(frag(13, 8, 8, false, payload, 400 + NB_IP6_REASM_TIMEOUT_MS, &d, &n), 0);
	assert_int_equal(frag(12, 0, 8, true, payload, 500 + NB_IP6_REASM_TIMEOUT_MS, &d, &n), 1);
	/* Too many holes. */
	for (size_t i = 0; i < NB_IP6_REASM_HOLES; i++)
		assert_int_equal(frag(14, 16 * i + 8, 8, true, payload, 0, &d, &n), 0);
	assert_int_equal(frag(14, 16 * NB_IP6_REASM_HOLES + 8, 8, true, payload, 0, &d, &n),
			 -NB_ETOOBIG);
	/* Memory below the minimum MTU per slot. */
	struct nb_ip6_reasm small;
	assert_int_equal(nb_ip6_reasm_init(&small, mem, 1279 * NB_IP6_REASM_SLOTS), -NB_EINVAL);
}

/* A reassembled chain holding another fragment header is refused. */
static void fragment_of_fragment(void **state)
{
	(void)state;
	uint8_t inner[24] = {NB_IP6_UDP, 0, 0, 9, 0, 0, 0, 5};
	const uint8_t *d;
	size_t n;
	/* The outer fragments carry an inner fragment header, then data. */
	uint8_t b[32] = {NB_IP6_FRAGMENT, 0, 0, 1, 0, 0, 0, 16};
	struct nb_ip6_info in;
	memcpy(b + 8, inner, 16);
	size_t len = pk(p, PEER, SELF, NB_IP6_FRAGMENT, 64, b, 8 + 16);
	assert_int_equal(nb_ip6_parse(p, len, &in), 0);
	assert_int_equal(nb_ip6_reasm_add(&r, p, &in, 0, &d, &n), 0);
	b[3] = 16; /* offset 16, last */
	memcpy(b + 8, inner + 16, 8);
	len = pk(p, PEER, SELF, NB_IP6_FRAGMENT, 64, b, 8 + 8);
	assert_int_equal(nb_ip6_parse(p, len, &in), 0);
	assert_int_equal(nb_ip6_reasm_add(&r, p, &in, 0, &d, &n), -NB_EPROTO);
}

static void not_a_fragment(void **state)
{
	(void)state;
	struct nb_ip6_info in = {0};
	const uint8_t *d;
	size_t n;
	assert_int_equal(nb_ip6_reasm_add(&r, p, &in, 0, &d, &n), -NB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(in_order, setup),
		cmocka_unit_test_setup(reversed_and_interleaved, setup),
		cmocka_unit_test_setup(overlap_drops, setup),
		cmocka_unit_test_setup(duplicates, setup),
		cmocka_unit_test_setup(limits, setup),
		cmocka_unit_test_setup(fragment_of_fragment, setup),
		cmocka_unit_test_setup(not_a_fragment, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
