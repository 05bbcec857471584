/*
 * The dispatch from a URL to a protocol: loaders, tools and the PXE API
 * gateway hand a URL (or a bare TFTP name) to nb_fetch_start() and poll
 * one object, instead of each splitting schemes, ports and escapes its
 * own way.  This file owns the scheme decision, the lifecycle (start,
 * poll, cancel) and which protocol's storage is live; the TFTP side is in
 * tftp.c, the reasons and accessors in info.c.
 */
#include "core/mem.h"
#include "fetch/fetch_int.h"

void nb_fetch_cfg_init(struct nb_fetch_cfg *cfg)
{
	if (!cfg)
		return;
	memset(cfg, 0, sizeof(*cfg));
	cfg->user_agent = NB_FETCH_USER_AGENT;
	cfg->stall_ms = NB_HTTP_STALL_MS;
	cfg->http_parts = 1;
	cfg->last = UINT64_MAX;
	cfg->tftp_blksize = NB_FETCH_AUTO;
	cfg->tftp_windowsize = NB_FETCH_AUTO;
}

/* Let go of what the previous fetch holds, unless an http:// fetch
 * follows one: lib/http then decides itself whether its idle connection
 * can carry the new request. */
static void release(struct nb_fetch *f, bool next_http)
{
	if (f->kind == NB_FETCH_HTTP && !next_http)
		nb_http_cancel(&f->u.http);
	else if (f->kind == NB_FETCH_TFTP)
		nb_fetch_tftp_stop(f);
	if (f->kind != NB_FETCH_HTTP || !next_http)
		memset(&f->u, 0, sizeof(f->u));
}

int nb_fetch_http_begin(struct nb_fetch *f, const char *url, uint64_t now_ms)
{
	if (!f->cfg.tcp && !f->cfg.tcp6)
		return nb_fetch_fail(f, -NB_EINVAL,
				     "http:// needs TCP (no nb_tcp given)");
	struct nb_http_cfg hc;
	memset(&hc, 0, sizeof(hc));
	hc.url = url;
	hc.tcp = f->cfg.tcp;
	hc.tcp6 = f->cfg.tcp6;
	hc.dns6 = f->cfg.dns6;
	hc.has_range = f->cfg.has_range;
	hc.first = f->cfg.first;
	hc.last = f->cfg.last;
	hc.parts = f->cfg.http_parts;
	hc.parts_min_rtt_ms = f->cfg.http_parts_min_rtt_ms;
	hc.user_agent = f->cfg.user_agent ? f->cfg.user_agent
					  : NB_FETCH_USER_AGENT;
	hc.stall_ms = f->cfg.stall_ms;
	hc.max_resumes = f->cfg.retries;
	/* While another mirror remains, a failing server gets one retry:
	 * a dead one then costs a second, not its whole backoff series. */
	if (f->mirror < f->cfg.nmirrors && hc.max_resumes != NB_FETCH_NO_RETRY)
		hc.max_resumes = 1;
	hc.retry_ms = f->cfg.retry_ms;
	/* A mirror goes on from what the one before it left. */
	hc.failover = f->mirror != 0;
	hc.post = f->cfg.post;
	hc.tls = f->cfg.tls;
	f->kind = NB_FETCH_HTTP;
	int rc = nb_http_start(&f->u.http, f->s, &hc, f->sink, now_ms);
	if (rc < 0) {
		nb_http_cancel(&f->u.http);
		return nb_fetch_fail(f, rc, rc == -NB_EMSGSIZE
						    ? "URL too long" : NULL);
	}
	f->state = F_RUN;
	return 0;
}

static int dispatch(struct nb_fetch *f, const char *url, size_t len,
		    uint64_t now_ms)
{
	size_t plen;
	enum nb_url_scheme sc = nb_url_scheme_of(url, len, &plen);
	if (plen == 0) /* a bare name: a file on the boot server */
		return nb_fetch_tftp_begin(f, NULL, url, now_ms);
	struct nb_url u;
	int rc = nb_url_parse(url, len, &u);
	if (rc == -NB_ENOTSUP || (rc == 0 && sc == NB_URL_NONE))
		return nb_fetch_fail(f, -NB_ENOTSUP, "unsupported URL scheme");
	if (rc < 0)
		return nb_fetch_fail(f, rc, "malformed URL");
	switch (sc) {
	case NB_URL_HTTPS:
		/* lib/http over lib/tls's hooks, when the caller gave them;
		 * without them the scheme is as unsupported as any other. */
		if (!f->cfg.tls)
			break;
		/* fall through */
	case NB_URL_HTTP:
		return nb_fetch_http_begin(f, url, now_ms);
	case NB_URL_TFTP:
		return nb_fetch_tftp_begin(f, &u, NULL, now_ms);
	default:
		break;
	}
	return nb_fetch_fail(f, -NB_ENOTSUP, "unsupported URL scheme");
}

int nb_fetch_start(struct nb_fetch *f, struct nb_stack *s,
		   const struct nb_fetch_cfg *cfg, const char *url,
		   const struct nb_sink *sink, uint64_t now_ms)
{
	if (!f)
		return -NB_EINVAL;
	size_t len = 0;
	while (url && len < NB_HTTP_URL_MAX && url[len])
		len++;
	enum nb_url_scheme sc = url ? nb_url_scheme_of(url, len, NULL)
				    : NB_URL_NONE;
	bool next_http = sc == NB_URL_HTTP || sc == NB_URL_HTTPS;
	release(f, next_http);
	f->s = s;
	f->sink = sink;
	f->kind = NB_FETCH_NONE;
	f->state = F_IDLE;
	f->mirror = 0;
	f->server = 0;
	f->port = 0;
	f->host[0] = 0;
	f->name[0] = 0;
	f->why[0] = 0;
	if (cfg)
		f->cfg = *cfg;
	else
		nb_fetch_cfg_init(&f->cfg);
	f->status = -NB_EAGAIN;
	if (!s || !url || !sink)
		return nb_fetch_fail(f, -NB_EINVAL, NULL);
	if (len == 0)
		return nb_fetch_fail(f, -NB_EINVAL, "empty URL");
	if (len >= NB_HTTP_URL_MAX)
		return nb_fetch_fail(f, -NB_EMSGSIZE, "URL too long");
	return dispatch(f, url, len, now_ms);
}

int nb_fetch_poll(struct nb_fetch *f, uint64_t now_ms)
{
	if (!f)
		return -NB_EINVAL;
	if (f->status != -NB_EAGAIN)
		return f->status;
	int rc;
	if (f->kind == NB_FETCH_HTTP)
		rc = nb_http_poll(&f->u.http, now_ms);
	else if (f->kind == NB_FETCH_TFTP)
		rc = nb_fetch_tftp_poll(f, now_ms);
	else
		rc = -NB_EINVAL;
	if (rc == -NB_EAGAIN || (rc < 0 && nb_fetch_failover(f, rc, now_ms)))
		return -NB_EAGAIN;
	f->state = F_DONE;
	f->status = rc;
	if (rc < 0) {
		nb_fetch_explain(f, rc);
		/* Nothing worth keeping after a failure. */
		if (f->kind == NB_FETCH_HTTP)
			nb_http_cancel(&f->u.http);
	}
	return rc;
}

int nb_fetch_poll_fn(void *f, uint64_t now_ms)
{
	return nb_fetch_poll(f, now_ms);
}

void nb_fetch_input(struct nb_fetch *f, uint32_t src_ip, uint16_t src_port,
		    const void *pkt, size_t len, uint64_t now_ms)
{
	if (!f || f->kind != NB_FETCH_TFTP || f->state != F_RUN ||
	    !f->cfg.tftp_io)
		return;
	nb_tftp_input(&f->u.tftp.t, src_ip, src_port, pkt, len, now_ms);
}

void nb_fetch_cancel(struct nb_fetch *f)
{
	if (!f)
		return;
	if (f->kind == NB_FETCH_HTTP)
		nb_http_cancel(&f->u.http);
	else if (f->kind == NB_FETCH_TFTP)
		nb_fetch_tftp_stop(f);
	if (f->status == -NB_EAGAIN) {
		f->status = -NB_ECANCELED;
		f->state = F_DONE;
	}
}
