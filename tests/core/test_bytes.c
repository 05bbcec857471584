/* Byte-order loads and stores at every alignment, both orders, all widths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "netboot/bytes.h"

static const uint8_t pat[8] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};

static void loads(void **state)
{
	(void)state;
	uint8_t b[24];
	for (size_t off = 0; off < 16; off++) {
		memset(b, 0xee, sizeof(b));
		memcpy(b + off, pat, 8);
		assert_int_equal(nb_load_be16(b + off), 0x0123);
		assert_int_equal(nb_load_le16(b + off), 0x2301);
		assert_int_equal(nb_load_be32(b + off), 0x01234567u);
		assert_int_equal(nb_load_le32(b + off), 0x67452301u);
		assert_true(nb_load_be64(b + off) == 0x0123456789abcdefull);
		assert_true(nb_load_le64(b + off) == 0xefcdab8967452301ull);
		assert_int_equal(nb_get16(b + off), 0x0123);
		assert_int_equal(nb_get32(b + off), 0x01234567u);
	}
}

/* Each store writes exactly its bytes, in order, and reads back. */
static void stores(void **state)
{
	(void)state;
	uint8_t b[24], want[24];
	for (size_t off = 0; off < 16; off++) {
		memset(b, 0xee, sizeof(b));
		memset(want, 0xee, sizeof(want));
		nb_store_be64(b + off, 0x0123456789abcdefull);
		memcpy(want + off, pat, 8);
		assert_memory_equal(b, want, sizeof(b));

		memset(b, 0xee, sizeof(b));
		nb_store_le64(b + off, 0xefcdab8967452301ull);
		assert_memory_equal(b, want, sizeof(b));

		memset(b, 0xee, sizeof(b));
		memset(want, 0xee, sizeof(want));
		memcpy(want + off, pat, 4);
		nb_store_be32(b + off, 0x01234567u);
		assert_memory_equal(b, want, sizeof(b));
		memset(b, 0xee, sizeof(b));
		nb_store_le32(b + off, 0x67452301u);
		assert_memory_equal(b, want, sizeof(b));
		memset(b, 0xee, sizeof(b));
		nb_put32(b + off, 0x01234567u);
		assert_memory_equal(b, want, sizeof(b));

		memset(b, 0xee, sizeof(b));
		memset(want, 0xee, sizeof(want));
		memcpy(want + off, pat, 2);
		nb_store_be16(b + off, 0x0123);
		assert_memory_equal(b, want, sizeof(b));
		memset(b, 0xee, sizeof(b));
		nb_store_le16(b + off, 0x2301);
		assert_memory_equal(b, want, sizeof(b));
		memset(b, 0xee, sizeof(b));
		nb_put16(b + off, 0x0123);
		assert_memory_equal(b, want, sizeof(b));
	}
}

/* Extremes: the top bit survives every width (no sign extension). */
static void extremes(void **state)
{
	(void)state;
	uint8_t b[8];
	nb_store_le64(b, UINT64_MAX);
	assert_true(nb_load_be64(b) == UINT64_MAX);
	nb_store_be64(b, 0x8000000000000001ull);
	assert_true(nb_load_be64(b) == 0x8000000000000001ull);
	assert_true(nb_load_le64(b) == 0x0100000000000080ull);
	nb_store_le32(b, 0x80000000u);
	assert_int_equal(nb_load_le32(b), 0x80000000u);
	nb_store_le16(b, 0x8001);
	assert_int_equal(nb_load_le16(b), 0x8001);
	assert_int_equal(nb_load_be16(b), 0x0180);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loads),
		cmocka_unit_test(stores),
		cmocka_unit_test(extremes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
