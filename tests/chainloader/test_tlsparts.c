/*
 * Unit tests of the TLS images' platform-free parts: calendar dates to
 * unix seconds (the RTC's and GetTime()'s reading, checked against the C
 * library's gmtime over 400 years) and the EFI_SIGNATURE_LIST walk of
 * UEFI's TlsCaCertificate (X.509 entries found, other types passed over,
 * every malformed size an error, never a read outside the buffer).
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "netboot/err.h"
#include "siglist.h"
#include "walltime.h"

static void test_dates_match_gmtime(void **state)
{
	(void)state;
	/* Every ~9.7 days from 1970 to 2399, plus the boundaries. */
	for (uint64_t t = 0; t < 13569465600ull; t += 833333) {
		/* 32-bit time_t (armhf under qemu-user): gmtime ends in 2038. */
		if (sizeof(time_t) < 8 && t > INT32_MAX)
			break;
		time_t tt = (time_t)t;
		struct tm tm;
		gmtime_r(&tt, &tm);
		assert_int_equal(cl_unix_time(tm.tm_year + 1900, tm.tm_mon + 1,
					      tm.tm_mday, tm.tm_hour, tm.tm_min,
					      tm.tm_sec),
				 t);
	}
	assert_int_equal(cl_unix_time(2000, 2, 29, 0, 0, 0), 951782400);
	assert_int_equal(cl_unix_time(2100, 3, 1, 0, 0, 0), 4107542400ull);
}

static void test_dates_out_of_range(void **state)
{
	(void)state;
	assert_int_equal(cl_unix_time(1969, 12, 31, 23, 59, 59), 0);
	assert_int_equal(cl_unix_time(2400, 1, 1, 0, 0, 0), 0);
	assert_int_equal(cl_unix_time(2024, 0, 1, 0, 0, 0), 0);
	assert_int_equal(cl_unix_time(2024, 13, 1, 0, 0, 0), 0);
	assert_int_equal(cl_unix_time(2024, 1, 0, 0, 0, 0), 0);
	assert_int_equal(cl_unix_time(2024, 1, 32, 0, 0, 0), 0);
	assert_int_equal(cl_unix_time(2024, 1, 1, 24, 0, 0), 0);
	assert_int_equal(cl_unix_time(2024, 1, 1, 0, 60, 0), 0);
	assert_int_equal(cl_unix_time(2024, 1, 1, 0, 0, 61), 0);
}

static const uint8_t x509_guid[16] = {0xa1, 0x59, 0xc0, 0xa5, 0xe4, 0x94,
				      0xa7, 0x4a, 0x87, 0xb5, 0xab, 0x15,
				      0x5c, 0x2b, 0xf0, 0x72};

static void le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* One list at p: type, hdr bytes of header, n signatures of `data`
 * bytes each (filled with their index); returns its size. */
static size_t list(uint8_t *p, const uint8_t *type, uint32_t hdr, uint32_t n,
		   uint32_t data)
{
	uint32_t sig = 16 + data, size = 28 + hdr + n * sig;
	memcpy(p, type, 16);
	le32(p + 16, size);
	le32(p + 20, hdr);
	le32(p + 24, sig);
	memset(p + 28, 0xee, hdr);
	for (uint32_t k = 0; k < n; k++) {
		uint8_t *s = p + 28 + hdr + k * sig;
		memset(s, 0x11, 16);
		memset(s + 16, (int)k + 1, data);
	}
	return size;
}

struct seen {
	int n;
	size_t len[8];
	uint8_t first[8];
	int fail_at;
};

static int collect(void *ctx, const uint8_t *der, size_t len)
{
	struct seen *s = ctx;
	if (s->n == s->fail_at)
		return -NB_ENOMEM;
	s->len[s->n] = len;
	s->first[s->n] = der[0];
	s->n++;
	return 0;
}

static void test_siglist_walk(void **state)
{
	(void)state;
	static const uint8_t sha256_guid[16] = {0x26, 0x16, 0xc4, 0xc1, 0x4c};
	uint8_t buf[1024];
	size_t n = list(buf, x509_guid, 0, 2, 40);
	n += list(buf + n, sha256_guid, 0, 3, 32);
	n += list(buf + n, x509_guid, 4, 1, 100);
	struct seen s = {.fail_at = -1};
	assert_int_equal(cl_siglist_x509(buf, n, collect, &s), 3);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.len[0], 40);
	assert_int_equal(s.first[1], 2);
	assert_int_equal(s.len[2], 100);
	/* The callback's error stops the walk. */
	s = (struct seen){.fail_at = 1};
	assert_int_equal(cl_siglist_x509(buf, n, collect, &s), -NB_ENOMEM);
	/* Empty: nothing. */
	assert_int_equal(cl_siglist_x509(buf, 0, collect, &s), 0);
}

static void test_siglist_malformed(void **state)
{
	(void)state;
	uint8_t buf[512];
	struct seen s = {.fail_at = -1};
	size_t n = list(buf, x509_guid, 0, 2, 40);
	/* Cut anywhere inside: an error, never a read past the end. */
	for (size_t cut = 1; cut < n; cut++) {
		uint8_t *c = malloc(cut);
		memcpy(c, buf, cut);
		assert_int_equal(cl_siglist_x509(c, cut, collect, &s), -NB_EPROTO);
		free(c);
	}
	list(buf, x509_guid, 0, 2, 40);
	le32(buf + 24, 16); /* signature no larger than its owner GUID */
	assert_int_equal(cl_siglist_x509(buf, n, collect, &s), -NB_EPROTO);
	list(buf, x509_guid, 0, 2, 40);
	le32(buf + 24, 57); /* does not divide the body */
	assert_int_equal(cl_siglist_x509(buf, n, collect, &s), -NB_EPROTO);
	list(buf, x509_guid, 0, 2, 40);
	le32(buf + 20, 0xfffffff0u); /* header larger than the list */
	assert_int_equal(cl_siglist_x509(buf, n, collect, &s), -NB_EPROTO);
	list(buf, x509_guid, 0, 2, 40);
	le32(buf + 16, 27); /* list smaller than its own head */
	assert_int_equal(cl_siglist_x509(buf, n, collect, &s), -NB_EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates_match_gmtime),
		cmocka_unit_test(test_dates_out_of_range),
		cmocka_unit_test(test_siglist_walk),
		cmocka_unit_test(test_siglist_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
