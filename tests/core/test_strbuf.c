/* The bounded string builder: pieces, numbers, and the sticky overflow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/strbuf.h"

static void pieces(void **state)
{
	(void)state;
	char buf[64];
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
	nb_sb_hex(&b, UINT64_MAX, 20);
	assert_false(b.over);
	const char *want = "GET /abc 0 18446744073709551615 0 0000beef "
			   "ffffffffffffffff";
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pieces),
		cmocka_unit_test(overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
