/* The iPAddress subjectAltName walk (lib/tls/san.c) over certificates
 * made by openssl (tests/tls/data/san-*.der): addresses found in any
 * position and in any feeding, DNS names holding the dotted text ignored,
 * and truncated or corrupted DER ends without a match or an overrun. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tls/tls_int.h"
#include "test_data.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

/* Feed @p len bytes of @p der in pieces of @p step. */
static bool walk(const uint8_t *der, size_t len, size_t step, uint32_t ip)
{
	struct nb_tls_san s;
	nb_tls_san_init(&s, ip);
	for (size_t i = 0; i < len; i += step)
		nb_tls_san_push(&s, der + i, len - i < step ? len - i : step);
	/* Whatever follows the certificate is not looked at. */
	static const uint8_t tail[] = { 0x87, 0x04, 192, 0, 2, 2 };
	nb_tls_san_push(&s, tail, sizeof(tail));
	return s.matched;
}

static uint8_t der[4096];

static void ip_names(void **state)
{
	(void)state;
	size_t n = slurp("san-ip.der", der, sizeof(der));
	assert_true(n > 100 && n < sizeof(der));
	for (size_t step = 1; step <= n; step = step * 3 + 1) {
		assert_true(walk(der, n, step, IP(192, 0, 2, 1)));
		/* The last name, after an IPv6 one and a dotted DNS one. */
		assert_true(walk(der, n, step, IP(198, 51, 100, 7)));
		assert_false(walk(der, n, step, IP(192, 0, 2, 2)));
		/* Only in a DNS name. */
		assert_false(walk(der, n, step, IP(198, 51, 100, 9)));
		/* The first four bytes of the IPv6 name 2001:db8::1. */
		assert_false(walk(der, n, step, IP(0x20, 0x01, 0x0d, 0xb8)));
	}
}

static void dotted_dns_is_not_an_address(void **state)
{
	(void)state;
	size_t n = slurp("san-dns-dotted.der", der, sizeof(der));
	assert_false(walk(der, n, 1, IP(192, 0, 2, 1)));
	assert_false(walk(der, n, n, IP(192, 0, 2, 1)));
	/* A CA certificate without any subjectAltName. */
	n = slurp("root-rsa.der", der, sizeof(der));
	assert_false(walk(der, n, 7, IP(192, 0, 2, 1)));
}

static void truncated_and_corrupted(void **state)
{
	(void)state;
	size_t n = slurp("san-ip.der", der, sizeof(der));
	/* Up to the address's last byte no prefix matches. */
	size_t at = 0;
	for (size_t i = 0; i + 6 <= n; i++)
		if (!memcmp(der + i, "\x87\x04\xc0\x00\x02\x01", 6))
			at = i + 6;
	assert_true(at > 0);
	for (size_t k = 0; k < at; k++)
		assert_false(walk(der, k, 5, IP(192, 0, 2, 1)));
	/* Every byte changed in turn, every value of a few: no crash, no
	 * read or write past the state (ASan). */
	uint8_t copy[sizeof(der)];
	for (size_t i = 0; i < n; i++) {
		for (unsigned v = 0; v < 256; v += 51) {
			memcpy(copy, der, n);
			copy[i] = (uint8_t)v;
			(void)walk(copy, n, 1, IP(192, 0, 2, 1));
		}
	}
	/* Garbage: lengths past their parent, long and indefinite forms,
	 * high tag numbers, deep nesting. */
	static const uint8_t junk[][12] = {
		{ 0x30, 0x84, 0xff, 0xff, 0xff, 0xff },
		{ 0x30, 0x80, 0x30, 0x80 },
		{ 0x30, 0x03, 0x30, 0x09, 0x87 },
		{ 0x1f, 0x81, 0x01, 0x00 },
		{ 0x30, 0x0a, 0x30, 0x08, 0xa3, 0x06, 0x30, 0x04, 0x30, 0x02,
		  0x04, 0x00 },
	};
	for (size_t j = 0; j < sizeof(junk) / sizeof(junk[0]); j++)
		assert_false(walk(junk[j], sizeof(junk[j]), 1, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ip_names),
		cmocka_unit_test(dotted_dns_is_not_an_address),
		cmocka_unit_test(truncated_and_corrupted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
