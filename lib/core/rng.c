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
