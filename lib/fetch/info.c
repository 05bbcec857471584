/*
 * What a fetch tells its caller: the reason a fetch failed, in words a
 * console user understands (the HTTP status, the TFTP server's own
 * message), and progress (size, bytes) whichever protocol runs.  Kept
 * apart from the dispatch so callers' messages change in one place.
 */
#include "core/mem.h"
#include "fetch/fetch_int.h"

static void why_add(struct nb_fetch *f, const char *s, size_t n)
{
	size_t at = 0;
	while (f->why[at])
		at++;
	while (n-- && *s && at + 1 < sizeof(f->why))
		f->why[at++] = *s++;
	f->why[at] = 0;
}

int nb_fetch_fail(struct nb_fetch *f, int rc, const char *why)
{
	f->status = rc;
	f->state = F_DONE;
	if (why) {
		f->why[0] = 0;
		why_add(f, why, sizeof(f->why));
	}
	return rc;
}

void nb_fetch_explain(struct nb_fetch *f, int rc)
{
	if (f->why[0])
		return;
	if (f->kind == NB_FETCH_HTTP) {
		if (rc == f->u.http.status)
			why_add(f, nb_http_why(&f->u.http), sizeof(f->why));
	} else if (f->kind == NB_FETCH_TFTP && f->u.tftp.t.err_msg[0]) {
		why_add(f, "TFTP server: ", 13);
		why_add(f, nb_tftp_why(&f->u.tftp.t), sizeof(f->why));
	}
}

const char *nb_fetch_why(const struct nb_fetch *f)
{
	if (!f || f->status == 0 || f->status == -NB_EAGAIN)
		return "";
	return f->why[0] ? f->why : nb_strerror(f->status);
}

enum nb_fetch_kind nb_fetch_kind(const struct nb_fetch *f)
{
	return f ? (enum nb_fetch_kind)f->kind : NB_FETCH_NONE;
}

const struct nb_http *nb_fetch_http(const struct nb_fetch *f)
{
	return f && f->kind == NB_FETCH_HTTP ? &f->u.http : NULL;
}

const struct nb_tftp *nb_fetch_tftp(const struct nb_fetch *f)
{
	if (!f || f->kind != NB_FETCH_TFTP ||
	    f->u.tftp.t.state == NB_TFTP_IDLE)
		return NULL;
	return &f->u.tftp.t;
}

uint64_t nb_fetch_bytes(const struct nb_fetch *f)
{
	const struct nb_tftp *t = nb_fetch_tftp(f);
	if (t)
		return t->bytes;
	const struct nb_http *h = nb_fetch_http(f);
	return h ? h->stats.body_bytes : 0;
}

bool nb_fetch_size_known(const struct nb_fetch *f)
{
	const struct nb_tftp *t = nb_fetch_tftp(f);
	const struct nb_http *h = nb_fetch_http(f);
	if ((t && t->have_tsize) || (h && h->size_known))
		return true;
	return f && f->status == 0;
}

uint64_t nb_fetch_total(const struct nb_fetch *f)
{
	const struct nb_tftp *t = nb_fetch_tftp(f);
	const struct nb_http *h = nb_fetch_http(f);
	if (t && t->have_tsize)
		return t->tsize;
	if (h && h->size_known)
		return h->size;
	return f && f->status == 0 ? nb_fetch_bytes(f) : 0;
}
