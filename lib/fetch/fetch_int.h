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
 * @p rc, the next mirror takes over from the first byte the sink lacks
 * when lib/http can prove it holds the same file (If-Range, full size;
 * see nb_http_cfg::failover), so nothing already received is fetched
 * again.  A mirror that turns out to hold another file of that name
 * (-NB_ECHANGED before it wrote a byte) is started over from byte 0:
 * never a splice of two files.  The retry time bounds the whole fetch:
 * no mirror is tried once it is spent.  Every fetch starts with its own
 * URL again: a server that failed once is not written off for good.
 * True when a mirror is under way.  Inline: nb_fetch_poll() is its only
 * caller.
 */
static inline bool nb_fetch_failover(struct nb_fetch *f, int rc,
				     uint64_t now_ms)
{
	struct nb_http *h = &f->u.http;
	if (f->kind != NB_FETCH_HTTP || rc == -NB_ECANCELED ||
	    !f->cfg.mirrors || now_ms - h->started > h->cfg.retry_ms)
		return false;
	/* Held bytes and none written: only a failover's first answer
	 * (f->mirror > 0; were it 0, it would wrap and end the fetch). */
	if (rc == -NB_ECHANGED && h->held && !h->stats.body_bytes) {
		h->held = 0;
		f->mirror--;
	}
	if (f->mirror >= f->cfg.nmirrors)
		return false;
	return nb_fetch_http_begin(f, f->cfg.mirrors[f->mirror++], now_ms) == 0;
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
