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

void nb_backoff_init(struct nb_backoff *b, uint32_t first_ms, uint32_t max_ms,
		     uint16_t max_tries)
{
	b->rto = first_ms ? first_ms : 1;
	b->max_ms = max_ms < b->rto ? b->rto : max_ms;
	b->tries = 0;
	b->max_tries = max_tries;
}

uint32_t nb_backoff_next(struct nb_backoff *b)
{
	if (b->tries >= b->max_tries)
		return 0;
	uint32_t t = b->rto;
	b->tries++;
	b->rto = b->rto > b->max_ms / 2 ? b->max_ms : b->rto * 2;
	return t;
}
