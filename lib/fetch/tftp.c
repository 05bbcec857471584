/*
 * The TFTP side of a fetch: turns `tftp://host[:port]/path` or a bare
 * name into a lib/tftp read request (percent-decoded name, server, port,
 * negotiated options), resolves a host name with lib/dns first, and runs
 * the transfer over its own socket or the caller's transport (for a
 * `[v6]` host, nb_fetch_cfg::tftp6).
 */
#include "core/mem.h"
#include "fetch/fetch_int.h"

/* The name as the server should see it: the URL's path without its
 * leading '/', decoded, with a query kept as part of the name (TFTP has
 * none of its own). */
static int url_name(struct nb_fetch *f, const struct nb_url *u)
{
	const char *p = u->path;
	size_t n = u->path_len;
	if (n && p[0] == '/')
		p++, n--;
	int a = nb_url_decode(p, n, f->name, sizeof(f->name));
	if (a < 0)
		return a;
	if (u->query) {
		size_t at = (size_t)a;
		if (at + 1 >= sizeof(f->name))
			return -NB_EMSGSIZE;
		f->name[at++] = '?';
		int b = nb_url_decode(u->query, u->query_len, f->name + at,
				      sizeof(f->name) - at);
		if (b < 0)
			return b;
		a = (int)at + b;
	}
	return a;
}

static int run(struct nb_fetch *f, uint64_t now_ms)
{
	struct nb_tftp_cfg tc;
	nb_tftp_cfg_init(&tc, f->s, f->server, f->name);
	tc.server_port = f->port;
	if (f->cfg.tftp_blksize != NB_FETCH_AUTO)
		tc.blksize = f->cfg.tftp_blksize;
	if (f->cfg.tftp_windowsize != NB_FETCH_AUTO)
		tc.windowsize = f->cfg.tftp_windowsize;
	struct nb_tftp *t = &f->u.tftp.t;
	int rc = f->cfg.tftp_io
			 ? nb_tftp_start_io(t, &tc, f->sink, f->cfg.tftp_io,
					    f->cfg.tftp_io_ctx, now_ms)
			 : nb_tftp_start(t, f->s, &tc, f->sink, now_ms);
	if (rc < 0) {
		f->state = F_IDLE;
		return nb_fetch_fail(f, rc, rc == -NB_EMSGSIZE
						    ? "TFTP file name too long"
						    : NULL);
	}
	f->state = F_RUN;
	return 0;
}

int nb_fetch_tftp_begin(struct nb_fetch *f, const struct nb_url *u,
			const char *name, uint64_t now_ms)
{
	f->kind = NB_FETCH_TFTP;
	if (f->cfg.has_range)
		return nb_fetch_fail(f, -NB_ENOTSUP,
				     "TFTP cannot fetch a byte range");
	f->port = f->cfg.tftp_port;
	if (!u) {
		size_t n = 0;
		while (name[n] && n < sizeof(f->name))
			n++;
		if (n >= sizeof(f->name))
			return nb_fetch_fail(f, -NB_EMSGSIZE,
					     "TFTP file name too long");
		memcpy(f->name, name, n + 1);
		f->server = f->cfg.tftp_server;
		if (!f->server)
			return nb_fetch_fail(f, -NB_EUNREACH,
					     "no TFTP server known");
		return run(f, now_ms);
	}
	int n = url_name(f, u);
	if (n == -NB_EMSGSIZE)
		return nb_fetch_fail(f, n, "TFTP file name too long");
	if (n < 0)
		return nb_fetch_fail(f, -NB_EINVAL,
				     "bad %-escape in the TFTP file name");
	if (n == 0)
		return nb_fetch_fail(f, -NB_EINVAL, "tftp:// needs a file name");
	if (u->port_given)
		f->port = u->port;
	if (u->is_ip6) {
		/* The v6 transport in place of a socket of our own; the
		 * server is its handle for the address. */
		struct nb_tftp_net *n = f->cfg.tftp6;
		if (!n)
			return nb_fetch_fail(f, -NB_ENOTSUP,
					     "tftp://[v6] needs a v6 transport");
		n->t = &f->u.tftp.t;
		f->cfg.tftp_io = n->io;
		f->cfg.tftp_io_ctx = n;
		if (f->cfg.tftp_blksize == NB_FETCH_AUTO)
			f->cfg.tftp_blksize = n->blksize;
		f->server = n->peer(n, u->host, u->host_len);
		return run(f, now_ms);
	}
	if (u->is_ip) {
		f->server = u->ip;
		return run(f, now_ms);
	}
	memcpy(f->host, u->host, u->host_len);
	f->host[u->host_len] = 0;
	int rc = nb_dns_start(&f->u.tftp.dns, f->s, f->host);
	if (rc < 0)
		return nb_fetch_fail(f, rc, rc == -NB_EUNREACH
					? "tftp:// host name but no DNS server"
					: NULL);
	f->state = F_RESOLVE;
	return 0;
}

int nb_fetch_tftp_poll(struct nb_fetch *f, uint64_t now_ms)
{
	if (f->state == F_RESOLVE) {
		int rc = nb_dns_poll(&f->u.tftp.dns, now_ms);
		if (rc == -NB_EAGAIN)
			return rc;
		if (rc < 0) {
			f->state = F_IDLE;
			nb_fetch_fail(f, rc, "cannot resolve the TFTP server");
			return rc;
		}
		f->server = f->u.tftp.dns.addr;
		nb_dns_cancel(&f->u.tftp.dns);
		rc = run(f, now_ms);
		return rc < 0 ? rc : -NB_EAGAIN;
	}
	if (f->state != F_RUN)
		return f->status == -NB_EAGAIN ? -NB_EINVAL : f->status;
	return nb_tftp_poll(&f->u.tftp.t, now_ms);
}

void nb_fetch_tftp_stop(struct nb_fetch *f)
{
	if (f->state == F_RESOLVE)
		nb_dns_cancel(&f->u.tftp.dns);
	else if (f->state == F_RUN && f->u.tftp.t.status == -NB_EAGAIN)
		nb_tftp_cancel(&f->u.tftp.t);
	if (f->state == F_RESOLVE || f->state == F_RUN)
		f->state = F_IDLE;
}
