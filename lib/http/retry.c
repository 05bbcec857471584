/*
 * When a download tries again, the rules for a crowd: a hundred clients
 * booting at once must give a failing or restarting server a spread of
 * retries (exponential backoff with full jitter, nb_backoff), bounded in
 * count and in total time, and never sooner than the server's own
 * Retry-After.  Only what a retry can cure is retried: a dropped, reset,
 * refused or timed-out connection, and 502/503/504 (a proxy without its
 * upstream, an overloaded or restarting server).
 */
#include "http/client_int.h"
#include "netboot/stack.h"

/* Errors a retry can cure, as a mask of their codes (all below 32). */
#define RETRYABLE                                                             \
	(1u << NB_ECLOSED | 1u << NB_ECONNRESET | 1u << NB_ETIMEDOUT |        \
	 1u << NB_ECONNREFUSED | 1u << NB_EUNREACH)

void nb_http_retry_init(struct nb_http *h, uint64_t now)
{
	uint8_t n = h->cfg.max_resumes;
	nb_backoff_init(&h->backoff, NB_HTTP_BACKOFF_MS, NB_HTTP_BACKOFF_MAX_MS,
			n == 255 ? 0 : n ? n : NB_HTTP_RESUME_MAX);
	h->backoff.jitter_ms = NB_BACKOFF_FULL_JITTER;
	if (!h->cfg.retry_ms)
		h->cfg.retry_ms = NB_HTTP_RETRY_MS;
	h->started = now;
}

uint32_t nb_http_retry_wait(struct nb_http *h, int err, uint64_t now)
{
	unsigned st = h->http_status - 502u;
	unsigned e = (unsigned)-err;
	if (!(e < 32 && (RETRYABLE >> e & 1)) &&
	    !(err == -NB_ESERVER && st <= 2) && err != -NB_ETLSTRUNC)
		return 0;
	uint32_t w = nb_backoff_next(&h->backoff, &h->s->rng);
	if (w && w < h->retry_after_ms)
		w = h->retry_after_ms;
	/* 32 bits: a download's retry time is far below 49 days. */
	uint32_t spent = (uint32_t)(now - h->started);
	return spent > h->cfg.retry_ms || w > h->cfg.retry_ms - spent ? 0 : w;
}
