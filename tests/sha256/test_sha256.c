/*
 * SHA-256 against the FIPS 180-4 example vectors (fed whole and in
 * uneven pieces), a million 'a's, and malformed hex digests, which the
 * chainloader's `sha256 URL HEX` check relies on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "netboot/sha256.h"

/* FIPS 180-4 example vectors. */
static void digest_of(const void *msg, size_t len, size_t step, uint8_t *out)
{
	struct nb_sha256 c;
	nb_sha256_init(&c);
	const uint8_t *p = msg;
	while (len) {
		size_t n = len < step ? len : step;
		nb_sha256_update(&c, p, n);
		p += n;
		len -= n;
	}
	nb_sha256_final(&c, out);
}

static void check(const char *msg, const char *hex)
{
	uint8_t want[32], got[32];
	assert_int_equal(nb_sha256_parse_hex(hex, want), 0);
	for (size_t step = 1; step <= 130; step += 13) {
		digest_of(msg, strlen(msg), step, got);
		assert_memory_equal(want, got, 32);
	}
}

static void vectors(void **state)
{
	(void)state;
	check("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void million_a(void **state)
{
	(void)state;
	static char a[1000000];
	memset(a, 'a', sizeof(a));
	uint8_t want[32], got[32];
	nb_sha256_parse_hex("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", want);
	digest_of(a, sizeof(a), 4099, got);
	assert_memory_equal(want, got, 32);
}

static void bad_hex(void **state)
{
	(void)state;
	uint8_t out[32];
	assert_int_equal(nb_sha256_parse_hex(NULL, out), -NB_EINVAL);
	assert_int_equal(nb_sha256_parse_hex("abc", out), -NB_EINVAL);
	char s[66];
	memset(s, '0', 64);
	s[64] = 0;
	assert_int_equal(nb_sha256_parse_hex(s, out), 0);
	s[63] = 'g';
	assert_int_equal(nb_sha256_parse_hex(s, out), -NB_EINVAL);
	s[63] = '0';
	s[64] = '0';
	s[65] = 0;
	assert_int_equal(nb_sha256_parse_hex(s, out), -NB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vectors),
		cmocka_unit_test(million_a),
		cmocka_unit_test(bad_hex),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
