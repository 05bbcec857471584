/* Text in and out: the bounded builder (pieces, numbers, sticky overflow)
 * and the decimal parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/text.h"
#include "netboot/err.h"

static void pieces(void **state)
{
	(void)state;
	char buf[80];
	struct nb_sb b;
	nb_sb_init(&b, buf, sizeof(buf));
	nb_sb_str(&b, "GET ");
	nb_sb_put(&b, "/abc?x", 4);
	nb_sb_put(&b, "", 0);
	nb_sb_str(&b, " ");
	nb_sb_dec(&b, 0);
	nb_sb_str(&b, " ");
	nb_sb_dec(&b, 18446744073709551615ull);
	nb_sb_str(&b, " ");
	nb_sb_hex(&b, 0, 0);
	nb_sb_str(&b, " ");
	nb_sb_hex(&b, 0xbeef, 8);
	nb_sb_str(&b, " ");
	nb_sb_hex(&b, UINT64_MAX, 25); /* padding stops at 20 */
	nb_sb_str(&b, " ");
	nb_sb_num(&b, 7, 10, 5);
	nb_sb_num(&b, 255, 2, 0);
	assert_false(b.over);
	const char *want = "GET /abc 0 18446744073709551615 0 0000beef "
			   "0000ffffffffffffffff 0000711111111";
	assert_int_equal(b.n, strlen(want));
	assert_memory_equal(buf, want, b.n);
}

/* Exactly full is fine; one more byte sets the flag for good. */
static void overflow(void **state)
{
	(void)state;
	char buf[8];
	memset(buf, '#', sizeof(buf));
	struct nb_sb b;
	nb_sb_init(&b, buf, 5);
	nb_sb_str(&b, "ab");
	nb_sb_dec(&b, 123);
	assert_false(b.over);
	assert_int_equal(b.n, 5);
	nb_sb_str(&b, "");
	assert_false(b.over);
	nb_sb_str(&b, "x");
	assert_true(b.over);
	nb_sb_put(&b, "", 0);
	assert_true(b.over);
	assert_int_equal(b.n, 5);
	assert_memory_equal(buf, "ab123###", 8);

	/* A piece that does not fit is not written partly, and nothing
	 * after it is, even a piece that would fit. */
	nb_sb_init(&b, buf, 4);
	nb_sb_dec(&b, 123456);
	nb_sb_str(&b, "z");
	assert_true(b.over);
	assert_int_equal(b.n, 0);

	nb_sb_init(&b, NULL, 10);
	nb_sb_str(&b, "a");
	assert_true(b.over);
}

static void parse(void **state)
{
	(void)state;
	uint64_t v = 7;
	assert_int_equal(nb_parse_u64("0", 1, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(nb_parse_u64("12345x", 5, &v), 0);
	assert_int_equal(v, 12345);
	assert_int_equal(nb_parse_u64("18446744073709551615", 20, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(nb_parse_u64("00000000000000000001", 20, &v), 0);
	assert_int_equal(v, 1);
	v = 7;
	assert_int_equal(nb_parse_u64("18446744073709551616", 20, &v), -NB_ERANGE);
	assert_int_equal(nb_parse_u64("99999999999999999999", 20, &v), -NB_ERANGE);
	assert_int_equal(nb_parse_u64("000000000000000000001", 21, &v), -NB_EINVAL);
	assert_int_equal(nb_parse_u64("", 0, &v), -NB_EINVAL);
	assert_int_equal(nb_parse_u64("-1", 2, &v), -NB_EINVAL);
	assert_int_equal(nb_parse_u64("1 ", 2, &v), -NB_EINVAL);
	assert_int_equal(nb_parse_u64("+1", 2, &v), -NB_EINVAL);
	assert_int_equal(v, 7); /* untouched on failure */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pieces),
		cmocka_unit_test(overflow),
		cmocka_unit_test(parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
