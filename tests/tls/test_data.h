/* The committed certificates of tests/tls/data, read whole by the unit
 * tests (TLS_TEST_DIR comes from meson). */
#ifndef NB_TESTS_TLS_TEST_DATA_H
#define NB_TESTS_TLS_TEST_DATA_H

#include <stdint.h>
#include <stdio.h>

static inline size_t slurp(const char *name, uint8_t *buf, size_t cap)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/data/%s", TLS_TEST_DIR, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

#endif
