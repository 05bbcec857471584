/*
 * The entropy hook: the library never has a random source of its own; the
 * embedder's fill function is asked for bytes (ISNs, ports, xids, jitter)
 * and its errors are passed on rather than replaced by weak randomness.
 */
#include "netboot/core.h"

int nb_rng_u32(const struct nb_rng *rng, uint32_t *out)
{
	if (!rng || !rng->fill)
		return -NB_EINVAL;
	uint8_t b[4];
	int rc = rng->fill(rng->ctx, b, sizeof(b));
	if (rc < 0)
		return rc;
	*out = nb_get32(b);
	return 0;
}
