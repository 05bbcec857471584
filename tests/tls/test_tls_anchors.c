/* Trust anchors from PEM bundles and DER certificates: counts, CA flags,
 * key types, a full buffer, and malformed input (clear errors). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "netboot/tls.h"
#include "test_data.h"

static uint8_t mem[64 << 10];
static uint8_t file[16 << 10];

static void pem_bundle(void **state)
{
	(void)state;
	struct nb_tls_anchors a;
	assert_int_equal(nb_tls_anchors_init(&a, mem + 1, sizeof(mem) - 1), 0);
	size_t n = slurp("root-rsa.pem", file, sizeof(file));
	n += slurp("inter-ec.pem", file + n, sizeof(file) - n);
	/* A key block between certificates is ignored. */
	const char key[] = "-----BEGIN PRIVATE KEY-----\nAAAA\n"
			   "-----END PRIVATE KEY-----\n";
	memcpy(file + n, key, sizeof(key) - 1);
	n += sizeof(key) - 1;
	assert_int_equal(nb_tls_anchors_add_pem(&a, file, n), 2);
	assert_int_equal(a.count, 2);
	assert_int_equal(a.ta[0].pkey.key_type, BR_KEYTYPE_RSA);
	assert_int_equal(a.ta[0].pkey.key.rsa.nlen, 256);
	assert_true(a.ta[0].flags & BR_X509_TA_CA);
	assert_int_equal(a.ta[1].pkey.key_type, BR_KEYTYPE_EC);
	assert_int_equal(a.ta[1].pkey.key.ec.qlen, 65);
	assert_true(a.ta[0].dn.len > 10);
}

static void der_cert(void **state)
{
	(void)state;
	struct nb_tls_anchors a;
	assert_int_equal(nb_tls_anchors_init(&a, mem, sizeof(mem)), 0);
	size_t n = slurp("root-rsa.der", file, sizeof(file));
	assert_int_equal(nb_tls_anchors_add_der(&a, file, n), 1);
	/* Truncated and garbage DER: -NB_EPROTO, nothing added. */
	assert_int_equal(nb_tls_anchors_add_der(&a, file, n / 2), -NB_EPROTO);
	memset(file, 0x30, 64);
	assert_int_equal(nb_tls_anchors_add_der(&a, file, 64), -NB_EPROTO);
	assert_int_equal(a.count, 1);
}

static void full_and_bad(void **state)
{
	(void)state;
	struct nb_tls_anchors a;
	static uint8_t small[4096];
	assert_int_equal(nb_tls_anchors_init(&a, small, 100), -NB_EINVAL);
	assert_int_equal(nb_tls_anchors_init(&a, small, sizeof(small)), 0);
	size_t n = slurp("root-rsa.pem", file, sizeof(file));
	int added = 0, rc;
	for (int i = 0; i < 20 && (rc = nb_tls_anchors_add_pem(&a, file, n)) > 0; i++)
		added += rc;
	assert_int_equal(rc, -NB_ENOMEM);
	assert_true(added >= 1);
	assert_int_equal(a.count, (size_t)added);
	/* Unterminated block, bad base64. */
	assert_int_equal(nb_tls_anchors_init(&a, mem, sizeof(mem)), 0);
	assert_int_equal(nb_tls_anchors_add_pem(&a, file, n - 30), -NB_EPROTO);
	const char bad[] = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
	assert_int_equal(nb_tls_anchors_add_pem(&a, bad, sizeof(bad) - 1), -NB_EPROTO);
	assert_int_equal(nb_tls_anchors_add_pem(&a, "no pem here", 11), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pem_bundle),
		cmocka_unit_test(der_cert),
		cmocka_unit_test(full_and_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
