/* Internal interface between the files of lib/fetch. */
#ifndef NB_LIB_FETCH_INT_H
#define NB_LIB_FETCH_INT_H

#include "netboot/fetch.h"

/* nb_fetch::state */
enum { F_IDLE = 0, F_RESOLVE, F_RUN, F_DONE };

/* End the fetch with @p rc and, when non-NULL, the reason @p why.
 * Returns rc. */
int nb_fetch_fail(struct nb_fetch *f, int rc, const char *why);

/* Reason text for a protocol failure (HTTP status, TFTP server message). */
void nb_fetch_explain(struct nb_fetch *f, int rc);

/* Start lib/http on @p url; after a failover (f->mirror > 0) from the
 * bytes the previous server left in the sink. */
int nb_fetch_http_begin(struct nb_fetch *f, const char *url, uint64_t now_ms);
/*
 * Mirrors: one image on several servers.  lib/http retries a server
 * itself (backoff, Retry-After, Range resumes); when it gives up with
 * @p rc, the next mirror takes over from the first byte the sink lacks,
 * so nothing already received is fetched again.  Every fetch starts with
 * its own URL again: a server that failed once is not written off for
 * good.  True when a mirror is under way.  Inline: nb_fetch_poll() is
 * its only caller.
 */
static inline bool nb_fetch_failover(struct nb_fetch *f, int rc,
				     uint64_t now_ms)
{
	if (f->kind != NB_FETCH_HTTP || rc == -NB_ECANCELED ||
	    f->mirror >= f->cfg.nmirrors || !f->cfg.mirrors)
		return false;
	const char *url = f->cfg.mirrors[f->mirror++];
	return nb_fetch_http_begin(f, url, now_ms) == 0;
}

/* TFTP side (tftp.c): start a tftp:// URL (@p u parsed from it) or, with
 * @p u NULL, the bare name @p name. */
int nb_fetch_tftp_begin(struct nb_fetch *f, const struct nb_url *u,
			const char *name, uint64_t now_ms);
/* One poll of the TFTP side: -NB_EAGAIN, 0 or the error. */
int nb_fetch_tftp_poll(struct nb_fetch *f, uint64_t now_ms);
/* Abort whatever the TFTP side runs. */
void nb_fetch_tftp_stop(struct nb_fetch *f);

#endif
