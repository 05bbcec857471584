/*
 * The test entropy of testrng.h.  Test support only, like memlink.c.
 */
#include "testrng.h"

uint64_t nb_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

int nb_test_rng_fill(void *ctx, void *buf, size_t len)
{
	uint8_t *b = buf;
	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)nb_splitmix64(ctx);
	return 0;
}

int nb_test_rng_fail(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
	return -NB_EIO;
}
