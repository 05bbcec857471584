/*
 * Mirrors: one image on several servers.  lib/http retries a server
 * itself (backoff, Retry-After, Range resumes); when it gives up, the
 * next mirror takes over from the first byte the sink lacks, so nothing
 * already received is fetched again.  Every fetch starts with its own
 * URL again: a server that failed once is not written off for good.
 */
#include "fetch/fetch_int.h"

bool nb_fetch_failover(struct nb_fetch *f, int rc, uint64_t now_ms)
{
	if (f->kind != NB_FETCH_HTTP || rc == -NB_ECANCELED ||
	    f->mirror >= f->cfg.nmirrors || !f->cfg.mirrors)
		return false;
	const char *url = f->cfg.mirrors[f->mirror++];
	return nb_fetch_http_begin(f, url, now_ms) == 0;
}
