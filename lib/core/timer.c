#include "netboot/core.h"

void nb_timer_set(struct nb_timer *t, uint64_t now_ms, uint64_t after_ms)
{
	t->deadline = after_ms > UINT64_MAX - now_ms ? UINT64_MAX
						     : now_ms + after_ms;
	t->armed = true;
}

void nb_timer_stop(struct nb_timer *t)
{
	t->armed = false;
}

bool nb_timer_expired(const struct nb_timer *t, uint64_t now_ms)
{
	return t->armed && now_ms >= t->deadline;
}

uint64_t nb_timer_remaining(const struct nb_timer *t, uint64_t now_ms)
{
	if (!t->armed)
		return UINT64_MAX;
	return now_ms >= t->deadline ? 0 : t->deadline - now_ms;
}
