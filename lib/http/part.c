/*
 * One connection of a download: sends the request, parses the header
 * block in its small buffer, then maps body bytes from TCP stream offsets
 * to sink offsets.
 */
#include "core/mem.h"
#include "http/client_int.h"
#include "netboot/stack.h"

static uint64_t now_of(const struct nb_http_part *p)
{
	return p->h->s->now;
}

/* The in-order point of the byte stream HTTP reads: TCP's, or the
 * plaintext's under TLS. */
static uint64_t rx_off(const struct nb_http_part *p)
{
	if (p->tls)
		return p->h->cfg.tls->rx_offset(p->tls);
	return nb_tcp_rx_offset(&p->conn);
}

/*
 * Write resource bytes [res, res + n) to the sink, clipped to the part of
 * the resource the download wants (a 200 answering a ranged request
 * carries more).
 */
static int write_res(struct nb_http_part *p, uint64_t res, const uint8_t *d,
		     size_t n)
{
	struct nb_http *h = p->h;
	uint64_t lo = h->base, hi = h->end; /* inclusive */
	if (n == 0 || res > hi || res + n <= lo)
		return 0;
	if (res < lo) {
		size_t skip = (size_t)(lo - res);
		d += skip;
		n -= skip;
		res = lo;
	}
	if (hi != UINT64_MAX && res + n - 1 > hi)
		n = (size_t)(hi - res + 1);
	if (!h->sink)
		return 0;
	int rc = nb_sink_write(h->sink, res - lo, d, n);
	if (rc < 0)
		return rc;
	h->stats.body_bytes += n;
	return 0;
}

static void finish_part(struct nb_http_part *p)
{
	p->state = P_DONE;
	p->done_res = UINT64_MAX;
	if (!p->keep_alive && p->open)
		nb_tcp_close(&p->conn);
}

/* Remember the validator of the first response; later ones must match. */
static int check_validator(struct nb_http *h, const struct nb_http_resp *r)
{
	const char *v = NULL;
	size_t n = 0;
	bool weak = false;
	if (r->etag) {
		v = r->etag;
		n = r->etag_len;
		weak = n >= 2 && v[0] == 'W' && v[1] == '/';
	} else if (r->last_modified) {
		v = r->last_modified;
		n = r->last_modified_len;
	}
	if (!v || n == 0 || n > NB_HTTP_VALIDATOR_MAX)
		return 0;
	if (h->validator_len) {
		if (h->validator_len != n || memcmp(h->validator, v, n) != 0)
			return -NB_ECHANGED;
		return 0;
	}
	memcpy(h->validator, v, n);
	h->validator_len = (uint8_t)n;
	h->validator_weak = weak;
	return 0;
}

static int announce_size(struct nb_http *h, uint64_t size)
{
	if (!h->size_known) {
		h->size_known = true;
		h->size = size;
	} else if (h->size != size) {
		return -NB_ECHANGED;
	}
	if (h->total_sent || !h->sink || h->cfg.head)
		return 0;
	h->total_sent = true;
	if (size <= h->base)
		return nb_sink_total(h->sink, 0);
	uint64_t last = size - 1;
	if (h->end != UINT64_MAX && h->end < last)
		last = h->end;
	return nb_sink_total(h->sink, last - h->base + 1);
}

static int body_input(struct nb_http_part *p, uint64_t off, const uint8_t *d,
		      size_t len);

/* A complete header block of @p hl bytes is in p->hdr. */
static int on_headers(struct nb_http_part *p, const struct nb_http_resp *r,
		      size_t hl)
{
	struct nb_http *h = p->h;
	int rc;
	p->keep_alive = r->keep_alive;
	h->http_status = r->status;
	h->retry_after_ms = r->retry_after * 1000u;
	if (r->status >= 300 && r->status <= 399 && r->status != 304) {
		if (!r->location)
			return -NB_EPROTO;
		rc = nb_url_resolve(&h->u, h->url, r->location, r->location_len,
				    h->next_url, sizeof(h->next_url));
		if (rc < 0)
			return rc;
		h->redirect_pending = true;
		p->keep_alive = false;
		return -NB_EREDIRECT;
	}
	rc = nb_http_status_error(r->status);
	if (rc < 0)
		return rc;
	if (r->status != 200 && r->status != 206)
		return -NB_EHTTP;
	if (r->status == 206 &&
	    nb_http_check_range(r, p->first, p->last) < 0)
		return -NB_EPROTO;
	/* A failover's If-Range refused: another file, sent whole. */
	if (r->status == 200 && h->cfg.failover && !h->stats.body_bytes) {
		h->validator_len = 0;
		h->size_known = false;
		h->held = 0;
	}
	rc = check_validator(h, r);
	if (rc < 0)
		return rc;
	uint64_t body_res = 0;
	if (r->status == 206) {
		body_res = r->range_first;
		if (r->range_total != UINT64_MAX)
			rc = announce_size(h, r->range_total);
	} else {
		/* The whole resource.  Fine for one connection (a resume
		 * the server would not range simply starts over); parts
		 * cannot share a body that each start at 0. */
		if (p->ranged && h->nparts > 1 && !p->is_head)
			return h->validator_len ? -NB_ECHANGED : -NB_ENOTSUP;
		if (p->first > h->base) {
			h->stats.restarts++;
			p->first = 0;
		}
		if (r->has_length && !r->chunked)
			rc = announce_size(h, r->length);
	}
	if (rc < 0)
		return rc;
	p->body_off = p->resp_off + hl;
	p->body_res = body_res;
	p->chunk_res = body_res;
	p->body_chunked = false;
	p->body_to_close = false;
	p->body_end = UINT64_MAX;
	if (p->is_head) {
		finish_part(p);
		return 0;
	}
	if (r->chunked) {
		p->body_chunked = true;
		nb_http_chunked_init(&p->chunked);
	} else if (r->has_length) {
		p->body_end = p->body_off + r->length;
	} else {
		p->body_to_close = true;
		p->keep_alive = false;
	}
	p->state = P_BODY;
	if (p->body_end == p->body_off) {
		finish_part(p);
		return 0;
	}
	/* Body bytes that came in with the headers. */
	if (p->hdr_len > hl) {
		rc = body_input(p, p->body_off, p->hdr + hl, p->hdr_len - hl);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int chunked_input(struct nb_http_part *p, uint64_t off,
			 const uint8_t *d, size_t len)
{
	/* Chunk framing is only meaningful in order. */
	uint64_t pos = p->body_off + p->chunked.payload + p->chunked.overhead;
	if (off != pos)
		return 0;
	size_t used = 0;
	while (used < len && !nb_http_chunked_done(&p->chunked)) {
		size_t dn;
		int n = nb_http_chunked_step(&p->chunked, d + used, len - used,
					     &dn);
		if (n < 0)
			return n;
		int rc = write_res(p, p->chunk_res, d + used + n - dn, dn);
		if (rc < 0)
			return rc;
		p->chunk_res += dn;
		used += (size_t)n;
		if (n == 0)
			break;
	}
	if (nb_http_chunked_done(&p->chunked)) {
		finish_part(p);
		if (used < len)
			p->keep_alive = false; /* bytes nobody asked for */
		return (int)len;
	}
	return (int)used;
}

static int body_input(struct nb_http_part *p, uint64_t off, const uint8_t *d,
		      size_t len)
{
	if (p->body_chunked)
		return chunked_input(p, off, d, len);
	if (off < p->body_off) /* cannot happen: headers come first */
		return -NB_EPROTO;
	if (off >= p->body_end) {
		p->keep_alive = false;
		return (int)len;
	}
	size_t n = len;
	if (p->body_end != UINT64_MAX && (uint64_t)n > p->body_end - off)
		n = (size_t)(p->body_end - off);
	int rc = write_res(p, p->body_res + (off - p->body_off), d, n);
	if (rc < 0)
		return rc;
	if (n < len)
		p->keep_alive = false;
	return (int)len;
}

static int rx_deliver(void *ctx, uint64_t off, const void *data, size_t len)
{
	struct nb_http_part *p = ctx;
	const uint8_t *d = data;
	if (len > INT32_MAX)
		len = INT32_MAX;
	p->last_progress = now_of(p);
	if (p->state == P_BODY)
		return body_input(p, off, d, len);
	if (p->state != P_HEADERS) {
		/* Nothing was asked: stray bytes make reuse unsafe. */
		p->keep_alive = false;
		return (int)len;
	}
	uint64_t at = p->resp_off + p->hdr_len;
	if (off != at)
		return 0; /* headers only in order */
	size_t room = sizeof(p->hdr) - p->hdr_len;
	size_t n = len < room ? len : room;
	memcpy(p->hdr + p->hdr_len, d, n);
	p->hdr_len = (uint16_t)(p->hdr_len + n);
	for (;;) {
		struct nb_http_resp r;
		int hl = nb_http_parse_response((const char *)p->hdr,
						p->hdr_len, &r);
		if (hl == -NB_EAGAIN) {
			if (p->hdr_len == sizeof(p->hdr))
				return -NB_EMSGSIZE;
			return (int)n;
		}
		if (hl < 0)
			return hl;
		if (r.status >= 100 && r.status <= 199) {
			/* Interim response: drop it, parse what follows. */
			if (r.status == 101)
				return -NB_EPROTO;
			memmove(p->hdr, p->hdr + hl, p->hdr_len - (size_t)hl);
			p->hdr_len = (uint16_t)(p->hdr_len - hl);
			p->resp_off += (uint64_t)hl;
			continue;
		}
		int rc = on_headers(p, &r, (size_t)hl);
		if (rc < 0) {
			p->err = rc;
			/* Ending here leaves the rest unread: no reuse. */
			p->keep_alive = false;
			p->state = P_DONE;
			return (int)n;
		}
		return (int)n;
	}
}

static uint64_t rx_space(void *ctx)
{
	struct nb_http_part *p = ctx;
	const struct nb_http *h = p->h;
	/* One opened ahead (nb_http_part_connect) offers what a request's
	 * would: a zero window in its SYN and handshake ACK is a closed
	 * receiver to the server until a later segment opens it. */
	if (p->state == P_HEADERS || (p->state == P_DONE && !rx_off(p)))
		return sizeof(p->hdr) - p->hdr_len;
	if (p->state != P_BODY)
		return 0;
	uint64_t lim = h->sink ? nb_sink_limit(h->sink) : UINT64_MAX;
	if (p->body_chunked) {
		if (lim == UINT64_MAX)
			return UINT64_MAX;
		uint64_t so = p->chunk_res - h->base;
		/* Framing is small next to the payload it wraps. */
		return (lim > so ? lim - so : 0) + 4096;
	}
	uint64_t rx = rx_off(p);
	uint64_t want = p->body_end == UINT64_MAX ? UINT64_MAX
						  : p->body_end - rx;
	/* TCP rounds a scaled window down to its unit, which would close
	 * the window on the last few hundred bytes of a body.  Rounding the
	 * body's end up is safe: the server sends nothing past it. */
	const uint64_t unit = (uint64_t)1 << NB_TCP_WSCALE;
	if (want != UINT64_MAX)
		want = (want + unit - 1) & ~(unit - 1);
	if (lim == UINT64_MAX)
		return want;
	uint64_t res = p->body_res + (rx - p->body_off);
	uint64_t so = res > h->base ? res - h->base : 0;
	uint64_t room = lim > so ? lim - so : 0;
	return room < want ? room : want;
}

static void rx_event(void *ctx, int ev)
{
	struct nb_http_part *p = ctx;
	if (ev == NB_TCP_EV_DATA && p->state == P_BODY && !p->body_chunked &&
	    p->body_end != UINT64_MAX &&
	    rx_off(p) >= p->body_end) {
		finish_part(p);
	} else if (ev == NB_TCP_EV_CONNECTED && p->h->state == H_MEASURE) {
		nb_http_timed(p->h, (uint32_t)now_of(p));
	} else if (ev == NB_TCP_EV_FIN) {
		if (p->state == P_BODY && p->body_to_close) {
			p->keep_alive = false;
			finish_part(p);
		} else if ((p->state == P_HEADERS || p->state == P_BODY) &&
			   !p->err) {
			p->err = -NB_ECLOSED;
		}
		p->keep_alive = false;
		nb_tcp_close(&p->conn);
	}
}

bool nb_http_part_unused(const struct nb_http_part *p)
{
	return p->open && p->state == P_DONE && rx_off(p) == 0;
}

uint64_t nb_http_part_progress(const struct nb_http_part *p)
{
	if (p->state == P_DONE && !p->err)
		return UINT64_MAX;
	if (p->state != P_BODY)
		return p->first;
	if (p->body_chunked)
		return p->chunk_res;
	uint64_t rx = rx_off(p);
	if (rx <= p->body_off)
		return p->body_res;
	if (p->body_end != UINT64_MAX && rx > p->body_end)
		rx = p->body_end;
	return p->body_res + (rx - p->body_off);
}

/* A new connection for @p p (the one it had, if any, is dropped). */
static int open_conn(struct nb_http_part *p)
{
	struct nb_http *h = p->h;
	if (p->open) {
		h->retrans_done += p->conn.retransmits;
		nb_tcp_abort(&p->conn);
		nb_tcp_poll(&p->conn, now_of(p));
		p->open = false;
	}
	struct nb_tcp_rx rx = {rx_deliver, rx_space, rx_event, p};
	p->tls = NULL;
	if (h->u.scheme == NB_URL_HTTPS) {
		int rc = h->cfg.tls->attach(h->cfg.tls->ctx, &p->conn, &h->u,
					    &rx, &p->tls);
		if (rc < 0)
			return rc;
	}
	int rc = nb_tcp_connect(&p->conn, h->tcp, h->ip, h->u.port, &rx,
				p->sbuf, sizeof(p->sbuf));
	if (rc < 0)
		return rc;
	p->open = true;
	p->resp_off = 0;
	return 0;
}

int nb_http_part_connect(struct nb_http_part *p)
{
	if (p->open)
		return 0;
	/* Idle and reusable, as after a response: the request finds it so
	 * (nb_http_part_request), handshake done or not. */
	p->state = P_DONE;
	p->hdr_len = 0;
	int rc = open_conn(p);
	p->keep_alive = rc == 0;
	return rc;
}

int nb_http_part_request(struct nb_http_part *p, bool head, bool ranged,
			 uint64_t first, uint64_t last)
{
	struct nb_http *h = p->h;
	struct nb_http_req rq = {
		.head = head,
		.url = &h->u,
		.user_agent = h->cfg.user_agent ? h->cfg.user_agent
						: "libnetboot",
		.has_range = ranged,
		.first = first,
		.last = last,
		.post = h->cfg.post,
	};
	if (ranged && h->validator_len && !h->validator_weak) {
		rq.if_range = h->validator;
		rq.if_range_len = h->validator_len;
	}
	p->first = first;
	p->last = last;
	p->is_head = head;
	p->ranged = ranged;
	p->err = 0;
	p->hdr_len = 0;
	p->last_progress = now_of(p);
	/* Still in its handshake: one nb_http_part_connect() opened ahead,
	 * which has carried nothing yet. */
	bool reuse = p->open && p->keep_alive && p->state == P_DONE &&
		     (nb_tcp_established(&p->conn) ||
		      p->conn.state == NB_TCP_SYN_SENT) &&
		     p->conn.t == h->tcp && p->conn.dst_ip == h->ip &&
		     p->conn.dst_port == h->u.port;
	/* The window offered in the SYN comes from rx_space(): the header
	 * buffer must already be the consumer. */
	p->state = P_HEADERS;
	if (!reuse) {
		int rc = open_conn(p);
		if (rc < 0)
			return rc;
	} else {
		p->resp_off = rx_off(p);
		/* One opened ahead has carried nothing yet: not a reuse. */
		if (p->resp_off)
			h->stats.reused++;
	}
	p->keep_alive = false;
	p->state = P_HEADERS;
	/* Build straight into a scratch area: the header buffer is free
	 * until the response arrives. */
	int len = nb_http_build_request((char *)p->hdr, sizeof(p->hdr), &rq);
	if (len < 0)
		return len;
	int sent = p->tls ? h->cfg.tls->send(p->tls, p->hdr, (size_t)len)
			  : nb_tcp_send(&p->conn, p->hdr, (size_t)len);
	if (sent != len)
		return sent < 0 ? sent : -NB_EMSGSIZE;
	h->stats.requests++;
	return 0;
}
