/*
 * The download: resolves the server, plans the parts, follows redirects,
 * resumes dropped connections and decides when the job is over.
 */
#include "core/mem.h"
#include "core/text.h"
#include "http/client_int.h"
#include "netboot/ip.h"
#include "netboot/stack.h"
#include "stack/layers.h"

/* nb_http_cfg::parts_min_rtt_ms holds it. */
_Static_assert(NB_HTTP_PARTS_RTT_MS <= 0xffff,
	       "NB_HTTP_PARTS_RTT_MS must fit parts_min_rtt_ms (16 bits)");

/* Parts smaller than this are not worth a connection of their own. */
#define PART_MIN_SHIFT 18
#define PART_MIN ((uint64_t)1 << PART_MIN_SHIFT) /* 256 KiB */
/* The first request of a download in parts asks for this much. */
#define PROBE_BYTES ((uint64_t)1 << 20)
/* Connections closing after the body: how long to let them finish. */
#define CLOSE_GRACE_MS 1000

static void close_part(struct nb_http_part *p, uint64_t now)
{
	if (p->open) {
		p->h->retrans_done += p->conn.retransmits;
		nb_tcp_abort(&p->conn);
		nb_tcp_poll(&p->conn, now);
		p->open = false;
	}
	p->state = P_FREE;
	p->err = 0;
	p->keep_alive = false;
}

static void close_all(struct nb_http *h, uint64_t now)
{
	for (unsigned i = 0; i < NB_HTTP_PARTS_MAX; i++)
		close_part(&h->part[i], now);
}

static int fail(struct nb_http *h, int err)
{
	unsigned st = h->http_status;
	int se = st >= 200 && st <= 999 ? nb_http_status_error(st) : 0;
	/* Only when the status is what ended it (not DNS, not a dropped
	 * connection after a 200). */
	if (se < 0 && (se == err || err == -NB_EHTTP)) {
		struct nb_sb b;
		nb_sb_init(&b, h->why, sizeof(h->why) - 1);
		nb_sb_str(&b, "HTTP ");
		nb_sb_dec(&b, st);
		h->why[b.n] = 0;
	}
	/* What a mirror goes on from: the contiguous bytes at the start of
	 * the sink, up to the least progress of a part not done (part 0's
	 * share after its probe may still be to come). */
	uint64_t at = h->tail_pending ? h->tail_first : UINT64_MAX;
	for (unsigned i = 0; i < h->nparts; i++) {
		uint64_t q = nb_http_part_progress(&h->part[i]);
		if (q < at)
			at = q;
	}
	h->held = at != UINT64_MAX && at > h->base ? at - h->base : 0;
	nb_dns_cancel(&h->dns);
	close_all(h, h->s->now);
	h->status = err;
	h->state = H_DONE;
	return err;
}

static int begin(struct nb_http *h)
{
	struct nb_http_part *p0 = &h->part[0];
	uint64_t from = h->base + h->held, to = h->end;
	bool ranged = h->cfg.has_range || h->held;
	h->nparts = 1;
	h->state = H_RUN;
	h->tail_pending = false; /* a redirect's plan starts afresh */
	bool split = h->cfg.parts > 1 && !h->cfg.post;
	if (h->cfg.head) {
		from = h->base;
		ranged = false;
	} else if (split && !h->rtt_ms && h->cfg.parts_min_rtt_ms) {
		/* Near or far?  The request waits for the handshake anyway:
		 * sent once it is timed, it leaves as early as it would. */
		h->state = H_MEASURE;
		h->syn_at = 0; /* the next poll's time (the stack's is old) */
		/* One that cannot open fails again in the request, which
		 * reports it. */
		(void)nb_http_part_connect(p0);
		return 0;
	} else if (split && h->rtt_ms >= h->cfg.parts_min_rtt_ms) {
		/* (A form is sent once, so a POST is never split.)
		 * A GET of the first PROBE_BYTES only: its answer tells
		 * whether the server ranges and how large the file is, and a
		 * small file needs no second request.  plan_parts() splits
		 * the rest once the headers are in. */
		h->state = H_PROBE;
		ranged = true;
		if (to - from >= PROBE_BYTES)
			to = from + PROBE_BYTES - 1;
	}
	int rc = nb_http_part_request(p0, h->cfg.head, ranged, from, to);
	if (rc < 0)
		return fail(h, rc);
	/* The parts' handshakes during the probe's round trip, not after
	 * its headers: at 80 ms that is a round trip of their slow starts.
	 * One that cannot open is opened again by plan_parts(). */
	for (unsigned i = 1; h->state == H_PROBE && to != h->end &&
			     i < h->cfg.parts; i++)
		(void)nb_http_part_connect(&h->part[i]);
	return 0;
}

/* Connections opened ahead for parts the plan did not use (a server
 * ignoring Range, a small file, a 416): nothing else closes them before
 * the next download, and each holds a server's connection slot. */
static void close_unused(struct nb_http *h)
{
	for (unsigned i = h->nparts; i < NB_HTTP_PARTS_MAX; i++)
		if (nb_http_part_unused(&h->part[i]))
			close_part(&h->part[i], h->s->now);
}

/* The probe's headers are in: what follows its range is split among the
 * parts, part 0 taking the last share (if any is left) once its probe is
 * done. */
static void plan_shares(struct nb_http *h)
{
	struct nb_http_part *p0 = &h->part[0];
	h->state = H_RUN;
	if (h->http_status != 206) {
		/* Ranges ignored: the whole file comes on this connection
		 * (and a resume asks for all of what is missing). */
		p0->last = h->end;
		return;
	}
	uint64_t from = p0->last + 1, last = h->end;
	if (h->size_known && h->size - 1 < last)
		last = h->size - 1;
	if (from > last)
		return; /* the probe held it all */
	unsigned n = h->size_known ? h->cfg.parts : 1;
	uint64_t total = last - from + 1;
	uint64_t most = (total >> PART_MIN_SHIFT) +
			((total & (PART_MIN - 1)) != 0);
	if (most < n)
		n = (unsigned)most;
	/* Shares of the whole file, the probe counted in part 0's: part 0
	 * asks for the rest of its share only after the probe, and a larger
	 * one left it finishing alone (0.7 s of a 3 s kernel at 20 ms). */
	uint64_t chunk = nb_div_small(last - p0->first + 1, n, NULL), a = from;
	for (unsigned i = 1; i < n && a <= last; i++) {
		uint64_t b = last - a < chunk ? last : a + chunk - 1;
		/* Parts only speed things up: one that cannot start (a
		 * redirect to https:// with one TLS connection prepared)
		 * leaves the rest to part 0's tail. */
		if (nb_http_part_request(&h->part[i], false, true, a, b) < 0) {
			close_part(&h->part[i], h->s->now);
			break;
		}
		h->nparts++;
		a = b + 1;
	}
	h->tail_pending = a <= last;
	h->tail_first = a;
	h->tail_last = last;
}

static void plan_parts(struct nb_http *h)
{
	plan_shares(h);
	close_unused(h);
}

/* AAAA over v6 first when the caller has v6 (@p n6); A over v4
 * otherwise or after it fails (nb_http_poll). */
static int ask(struct nb_http *h, struct nb_dns_net *n6)
{
	return nb_dns_start_net(&h->dns, h->s, n6, h->next_url,
				n6 ? NB_DNS_TYPE_AAAA : NB_DNS_TYPE_A);
}

static int resolve_and_begin(struct nb_http *h)
{
	if (h->u.is_ip6) {
		/* A redirect may change the family: the handle is the v6
		 * demultiplexer's. */
		struct nb_tcp *t6 = h->cfg.tcp6;
		h->tcp = t6;
		h->ip = t6 ? t6->fam->peer(t6->fam->ctx, h->u.host,
					   h->u.host_len)
			   : 0;
		return h->ip ? begin(h) : fail(h, -NB_ENOTSUP);
	}
	h->tcp = h->cfg.tcp;
	if (h->u.is_ip) {
		h->ip = h->u.ip;
		return begin(h);
	}
	/* nb_dns_start needs a terminated name; the host sits inside the
	 * URL, so borrow next_url (free outside a redirect). */
	memcpy(h->next_url, h->u.host, h->u.host_len);
	h->next_url[h->u.host_len] = 0;
	int rc = ask(h, h->cfg.dns6);
	if (rc < 0 && h->cfg.dns6 && h->cfg.tcp)
		rc = ask(h, NULL); /* no v6 server: A over v4 at once */
	if (rc < 0)
		return fail(h, rc);
	h->state = H_RESOLVE;
	return 0;
}

/* https only with TLS hooks: such URLs parse but cannot be fetched. */
static int parse_http_url(const char *s, size_t len, struct nb_url *u,
			  const struct nb_http_tls *tls)
{
	int rc = nb_url_parse(s, len, u);
	if (rc < 0)
		return rc;
	bool ok = u->scheme == NB_URL_HTTP ||
		  (u->scheme == NB_URL_HTTPS && tls);
	return ok ? 0 : -NB_ENOTSUP;
}

static int follow_redirect(struct nb_http *h)
{
	h->redirect_pending = false;
	if (++h->redirects > NB_HTTP_REDIRECTS_MAX)
		return fail(h, -NB_EREDIRECT);
	h->stats.redirects++;
	close_all(h, h->s->now);
	h->rtt_ms = 0; /* another server, maybe: timed again */
	size_t n = 0;
	while (n < sizeof(h->url) - 1 && h->next_url[n])
		n++;
	memcpy(h->url, h->next_url, n);
	h->url[n] = 0;
	int rc = parse_http_url(h->url, n, &h->u, h->cfg.tls);
	if (rc < 0)
		return fail(h, rc);
	/* A new resource: its size and validator are yet unknown, unless
	 * a failover's held bytes go on there: then If-Range and the size
	 * check must still vouch for them (a redirector in front of a
	 * mirror may lead to another file of that name). */
	if (!h->held) {
		h->validator_len = 0;
		h->size_known = false;
	}
	return resolve_and_begin(h);
}

void nb_http_timed(struct nb_http *h, uint32_t now)
{
	const struct nb_http_part *p0 = &h->part[0];
	/* Failed, or timed over a resent SYN: near (one connection, and
	 * the request's own retries take it from there).  No poll yet:
	 * the SYN-ACK came at once. */
	uint32_t r = h->syn_at ? now - h->syn_at : 0;
	/* Two clocks meet here (the stack's event, the caller's poll): one
	 * behind the other, or a sample past a minute, is no sample. */
	if ((int32_t)r <= 0 || r > 60000u)
		r = 0;
	h->rtt_ms = p0->open && !p0->conn.retransmits && r ? r : 1;
	begin(h);
}

/*
 * Time the first handshake (begin() opened it): true while it runs.  The
 * SYN waits in lib/eth's queue while ARP resolves the next hop, and on a
 * long link that first ARP costs a round trip of its own (TCP's timestamp
 * sample counts it: 40 ms at a 20 ms round trip), so the clock starts at
 * the last poll that found the hop unresolved.  IPv6's neighbour
 * discovery is not looked at.  The SYN-ACK's event ends it
 * (nb_http_timed()), or under TLS, which does not pass that event on,
 * this poll.
 */
static bool measure(struct nb_http *h, uint32_t now)
{
	const struct nb_http_part *p0 = &h->part[0];
	bool syn = p0->open && p0->conn.state == NB_TCP_SYN_SENT;
	uint32_t hop;
	if (!h->syn_at ||
	    (syn && !h->tcp->fam && nb_ip_route(h->s, h->ip, &hop) == 0 &&
	     nb_arp_state_of(h->s, hop) == NB_ARP_PENDING))
		h->syn_at = now ? now : 1; /* 0 means not started */
	/* A resent SYN leaves no sample (Karn) and a server dropping SYNs
	 * must meet the stall timer at once, as with one connection: near,
	 * the request goes on the connection still opening. */
	if (syn && !p0->conn.retransmits)
		return true;
	nb_http_timed(h, now);
	return false;
}

static int resume(struct nb_http *h, struct nb_http_part *p, uint64_t now)
{
	if (p->retry_at == 0) {
		int err = p->err;
		uint64_t from = nb_http_part_progress(p);
		/* The tries and time bound a run of failures without a byte
		 * of progress: a crowd's server restarted twice, or once late
		 * in a long download, is resumed each time with a fresh
		 * series instead of failing on what earlier outages spent.
		 * Every new series is paid for by new bytes, so it stays
		 * bounded: a server that answers each Range with the whole
		 * file from byte 0 and drops it again makes none. */
		if (from > p->high) {
			p->high = from;
			nb_http_retry_init(h, now);
		}
		uint32_t wait = nb_http_retry_wait(h, err, now);
		if (!wait)
			return err;
		h->stats.resumes++;
		p->retry_at = now + wait;
		close_part(p, now);
		p->first = from;
		p->err = err; /* keeps the part coming back here */
	}
	if (now < p->retry_at)
		return 0;
	p->retry_at = 0;
	bool ranged = p->ranged || p->first > 0;
	return nb_http_part_request(p, p->is_head, ranged, p->first, p->last);
}

int nb_http_start(struct nb_http *h, struct nb_stack *s,
		  const struct nb_http_cfg *cfg, const struct nb_sink *sink,
		  uint64_t now)
{
	if (!h || !s || !cfg || !(cfg->tcp || cfg->tcp6) || !cfg->url)
		return -NB_EINVAL;
	if (cfg->parts > NB_HTTP_PARTS_MAX ||
	    (cfg->has_range && cfg->last < cfg->first) ||
	    (!cfg->head && !sink))
		return -NB_EINVAL;
	size_t len = 0;
	while (len < NB_HTTP_URL_MAX && cfg->url[len])
		len++;
	if (len >= NB_HTTP_URL_MAX)
		return -NB_EMSGSIZE;
	struct nb_url nu;
	int rc = parse_http_url(cfg->url, len, &nu, cfg->tls);
	if (rc < 0)
		return rc;

	struct nb_http_part *p0 = &h->part[0];
	struct nb_tcp *tcp = nu.is_ip6 ? cfg->tcp6 : cfg->tcp;
	bool reuse = h->s == s && h->tcp == tcp && h->state == H_DONE &&
		     p0->open && p0->keep_alive && p0->state == P_DONE &&
		     nb_tcp_established(&p0->conn) && nu.port == h->u.port &&
		     nu.scheme == h->u.scheme &&
		     nu.host_len == h->u.host_len &&
		     h->u.host_len <= sizeof(h->next_url);
	if (reuse) {
		for (size_t i = 0; i < nu.host_len; i++)
			if (nb_lower(nu.host[i]) != nb_lower(h->u.host[i]))
				reuse = false;
	}
	uint32_t ip = reuse ? p0->conn.dst_ip : 0;
	/* The server's round trip goes on with its connection: as timed
	 * when it opened, else as TCP has it. */
	uint32_t rtt = h->rtt_ms ? h->rtt_ms : (p0->conn.rtt.srtt8 >> 3) + 1;
	if (h->s)
		nb_dns_cancel(&h->dns);
	/* Every idle kept-alive part goes on, not only the first: after a
	 * download in parts, the next one's parts find their connections
	 * with the windows already open (nb_http_part_request() checks
	 * each before use). */
	for (unsigned i = 0; i < NB_HTTP_PARTS_MAX; i++) {
		struct nb_http_part *p = &h->part[i];
		if (reuse && p->open && p->keep_alive) {
			/* Progress and retries counted in the old file's
			 * offsets mean nothing in the next one. */
			p->high = 0;
			p->retry_at = 0;
			continue;
		}
		if (h->s)
			close_part(p, now);
		memset(p, 0, sizeof(*p));
	}
	/* What a failover keeps of the download @p h ran (see
	 * nb_http_cfg::failover): only bytes a strong validator vouches
	 * for, with that validator (its bytes are left in place: the reset
	 * stops short of them) and the size; always the retry clock. */
	bool fo = cfg->failover && h->s == s;
	uint8_t vlen = fo && !h->validator_weak ? h->validator_len : 0;
	uint64_t held = vlen ? h->held : 0, size = h->size,
		 started = h->started;
	bool known = h->size_known;
	memset(h, 0, offsetof(struct nb_http, validator));
	h->why[0] = 0;
	for (unsigned i = 0; i < NB_HTTP_PARTS_MAX; i++)
		h->part[i].h = h;
	h->s = s;
	h->tcp = tcp;
	h->sink = sink;
	h->cfg = *cfg;
	h->cfg.url = NULL;
	if (!h->cfg.stall_ms)
		h->cfg.stall_ms = NB_HTTP_STALL_MS;
	nb_http_retry_init(h, now);
	memcpy(h->url, cfg->url, len);
	h->url[len] = 0;
	rc = parse_http_url(h->url, len, &h->u, cfg->tls);
	if (rc < 0)
		return rc;
	h->base = cfg->has_range ? cfg->first : 0;
	h->end = cfg->has_range ? cfg->last : UINT64_MAX;
	h->status = -NB_EAGAIN;
	if (fo) {
		h->started = started;
		/* Those bytes are no progress: a dead mirror must not buy
		 * a fresh retry series with them. */
		p0->high = h->base + held;
		if (held) {
			h->held = held;
			h->size = size;
			h->size_known = known;
			h->validator_len = vlen;
		}
	}
	if (reuse) {
		h->ip = ip;
		h->rtt_ms = rtt;
		return begin(h) < 0 ? h->status : 0;
	}
	rc = resolve_and_begin(h);
	return rc < 0 ? h->status : 0;
}

int nb_http_poll(struct nb_http *h, uint64_t now)
{
	if (!h || !h->s)
		return -NB_EINVAL;
	if (h->status != -NB_EAGAIN)
		return h->status;
	if (h->state == H_RESOLVE) {
		int rc = nb_dns_poll(&h->dns, now);
		if (rc == -NB_EAGAIN)
			return rc;
		struct nb_dns_net *n6 = h->dns.net;
		if (rc < 0 && n6 && h->cfg.tcp && ask(h, NULL) == 0)
			return -NB_EAGAIN;
		if (rc < 0)
			return fail(h, rc);
		h->ip = h->dns.addr;
		if (n6) {
			h->tcp = h->cfg.tcp6;
			h->ip = n6->peer(n6, h->dns.addr6);
		}
		if (begin(h) < 0)
			return h->status;
	}
	for (unsigned i = 0; i < NB_HTTP_PARTS_MAX; i++) {
		struct nb_http_part *p = &h->part[i];
		if (!p->open)
			continue;
		int rc = p->tls ? h->cfg.tls->poll(p->tls, now)
				: nb_tcp_poll(&p->conn, now);
		bool busy = p->state == P_HEADERS || p->state == P_BODY;
		/* Requests made before the stack's first poll carry time 0. */
		if (p->last_progress == 0 || p->last_progress > now)
			p->last_progress = now;
		if (rc != -NB_EAGAIN) {
			h->retrans_done += p->conn.retransmits;
			p->conn.retransmits = 0;
			p->open = false;
			if (busy && !p->err)
				p->err = rc == 0 ? -NB_ECLOSED : rc;
		} else if (busy && now - p->last_progress > h->cfg.stall_ms) {
			p->err = -NB_ETIMEDOUT;
		}
	}
	if (h->state == H_MEASURE && measure(h, (uint32_t)now))
		return -NB_EAGAIN;
	if (h->redirect_pending) {
		follow_redirect(h); /* its outcome is in h->status */
		return h->status;
	}
	bool all_done = true;
	for (unsigned i = 0; i < h->nparts; i++) {
		struct nb_http_part *p = &h->part[i];
		if (p->err) {
			int rc = resume(h, p, now);
			if (rc == 0) {
				all_done = false;
				continue;
			}
			/* An empty file cannot be ranged at all (416): ask
			 * for it whole. */
			if (i == 0 && h->state == H_PROBE &&
			    h->http_status == 416 && !h->cfg.has_range &&
			    !h->held) {
				h->cfg.parts = 1;
				begin(h);
				close_unused(h);
				return h->status;
			}
			return fail(h, rc);
		}
		/* Part 0's share of the parts, after its probe. */
		if (i == 0 && h->tail_pending && p->state == P_DONE) {
			h->tail_pending = false;
			int rc = nb_http_part_request(p, false, true,
						      h->tail_first,
						      h->tail_last);
			if (rc < 0)
				return fail(h, rc);
		}
		if (p->state != P_DONE)
			all_done = false;
	}
	const struct nb_http_part *p0 = &h->part[0];
	if (h->state == H_PROBE && !p0->err &&
	    (p0->state == P_BODY || p0->state == P_DONE)) {
		plan_parts(h);
		return h->status;
	}
	if (all_done && h->state == H_RUN) {
		h->state = H_CLOSING;
		h->done_at = now;
	}
	if (h->state == H_CLOSING) {
		/* Within the grace the first closing one waits for all;
		 * after it, every one is cut. */
		for (unsigned i = 0; i < NB_HTTP_PARTS_MAX; i++) {
			if (!h->part[i].open || h->part[i].keep_alive)
				continue;
			if (now - h->done_at < CLOSE_GRACE_MS)
				return -NB_EAGAIN;
			close_part(&h->part[i], now);
		}
		h->state = H_DONE;
		h->status = 0;
	}
	return h->status;
}

void nb_http_cancel(struct nb_http *h)
{
	if (!h || !h->s)
		return;
	nb_dns_cancel(&h->dns);
	close_all(h, h->s->now);
	if (h->status == -NB_EAGAIN)
		h->status = -NB_ECANCELED;
	h->state = H_DONE;
}

const char *nb_http_why(const struct nb_http *h)
{
	if (!h || h->status == 0 || h->status == -NB_EAGAIN)
		return "";
	return h->why[0] ? h->why : nb_strerror(h->status);
}

uint32_t nb_http_retransmits(const struct nb_http *h)
{
	if (!h)
		return 0;
	uint32_t n = h->retrans_done;
	for (unsigned i = 0; i < NB_HTTP_PARTS_MAX; i++)
		if (h->part[i].open)
			n += h->part[i].conn.retransmits;
	return n;
}
