/* Deadlines: absolute times in ms, 0 for none (see netboot/core.h). */
#include "netboot/core.h"

void nb_deadline_set(struct nb_deadline *d, uint64_t now_ms, uint32_t after_ms)
{
	uint64_t at = after_ms > UINT64_MAX - now_ms ? UINT64_MAX
						     : now_ms + after_ms;
	d->at_ms = at ? at : 1;
}
