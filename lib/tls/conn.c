/*
 * One TLS connection between an HTTP part and its TCP connection.
 *
 * TCP hands ciphertext to deliver() at stream offsets, in order or not;
 * it lands in the caller's ring at its offset, so the ring's free space
 * is the TCP window and SACK recovery works as for plain HTTP.  pump()
 * then moves what can move: in-order ciphertext from the ring into
 * BearSSL's record buffer, plaintext from the engine to HTTP's consumer
 * (never more than HTTP says it can take, so a full sink closes the
 * window), records from the engine into TCP's send ring.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/mem.h"
#include "netboot/stack.h"
#include "netboot/url.h"
#include "tls/tls_int.h"

#define PUMP_ROUNDS 64u
#define RING_MIN 4096u
#define RECORD_HDR 5u

#define NSUITES 6u

/* With AES instructions AES-GCM is the fastest; with BearSSL's
 * constant-time software AES (the firmware builds, which enable no SSE
 * state) ChaCha20-Poly1305 is several times faster, so it goes first. */
static const uint16_t suites[2][NSUITES] = {
	{
		BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
		BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
		BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
		BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	},
	{
		BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
		BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
		BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
		BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	},
};

/* The software AES BearSSL's default picks on this architecture. */
#if UINTPTR_MAX > 0xFFFFFFFFu
#define SOFT_AES_CTR br_aes_ct64_ctr_vtable
#else
#define SOFT_AES_CTR br_aes_ct_ctr_vtable
#endif

int nb_tls_abi_check(uint32_t id)
{
	return id == NB_TLS_ABI_ID ? 0 : -NB_EABI;
}

int nb_tls_init(struct nb_tls *t, void *iobuf, size_t iobuf_len, void *ring,
		size_t ring_len)
{
	if (!t || !iobuf || iobuf_len < BR_SSL_BUFSIZE_MONO || !ring ||
	    ring_len < RING_MIN || (ring_len & (ring_len - 1)) != 0)
		return -NB_EINVAL;
	memset(t, 0, sizeof(*t));
	t->iobuf = iobuf;
	t->iobuf_len = iobuf_len;
	t->ring = ring;
	t->ring_len = ring_len;
	return 0;
}

/* Fail the connection: nb_tls_poll_fn reports it, deliver returns it. */
static int fail(struct nb_tls *t, int err, int br_err)
{
	if (!t->err) {
		t->err = err;
		t->br_err = br_err;
		nb_tls_note_failure(t, err, br_err);
	}
	return t->err;
}

/* Seed, configure and reset the engine: the first send of a connection,
 * once TCP (and through it the stack's entropy hook) is known. */
static int start(struct nb_tls *t)
{
	br_ssl_client_context *sc = &t->sc;
	br_ssl_engine_context *e = &sc->eng;
	const struct nb_tls_cfg *cfg = &t->cl->cfg;
	if (!t->tcp->t)
		return -NB_EINVAL;
	uint8_t seed[32];
	int rc = t->tcp->t->s->rng.fill(t->tcp->t->s->rng.ctx, seed,
					sizeof(seed));
	if (rc < 0)
		return rc;
	br_ssl_client_zero(sc);
	br_ssl_engine_set_versions(e, BR_TLS12, BR_TLS12);
	br_ssl_engine_set_default_aes_gcm(e);
	br_ssl_engine_set_suites(e, suites[e->iaes_ctr == &SOFT_AES_CTR],
				 NSUITES);
	/* The generic i31 code for every curve and key (P-256/384/521 for
	 * ECDHE and ECDSA, RSA): the default tables would also link
	 * X25519, the P-256-only m31 code and i62 RSA, about 16 KiB of a
	 * firmware image whose budget is Debian's snponly.efi, for a few
	 * milliseconds of one handshake. */
	br_ssl_engine_set_ec(e, &br_ec_prime_i31);
	br_ssl_engine_set_ecdsa(e, br_ecdsa_i31_vrfy_asn1);
	br_ssl_engine_set_rsavrfy(e, br_rsa_i31_pkcs1_vrfy);
	br_ssl_engine_set_hash(e, br_sha256_ID, &br_sha256_vtable);
	br_ssl_engine_set_hash(e, br_sha384_ID, &br_sha384_vtable);
	br_ssl_engine_set_hash(e, br_sha512_ID, &br_sha512_vtable);
	br_ssl_engine_set_prf_sha256(e, &br_tls12_sha256_prf);
	br_ssl_engine_set_prf_sha384(e, &br_tls12_sha384_prf);
	/* The default links both Poly1305s and picks one at run time. */
	br_ssl_engine_set_chapol(e, &br_sslrec_in_chapol_vtable,
				 &br_sslrec_out_chapol_vtable);
	br_ssl_engine_set_chacha20(e, br_chacha20_ct_run);
#if defined(__SIZEOF_INT128__)
	br_ssl_engine_set_poly1305(e, br_poly1305_ctmulq_run);
#else
	br_ssl_engine_set_poly1305(e, br_poly1305_ctmul_run);
#endif
	nb_tls_x509_setup(t);
	br_ssl_engine_set_x509(e, &t->xvt);
	br_ssl_engine_set_buffer(e, t->iobuf, t->iobuf_len,
				 t->iobuf_len >= BR_SSL_BUFSIZE_BIDI);
	br_ssl_engine_inject_entropy(e, seed, sizeof(seed));
	memset(seed, 0, sizeof(seed));
	const br_ssl_session_parameters *sp =
		nb_tls_cache_find(cfg->cache, t->host, t->host_len, t->port);
	t->offered = sp != NULL;
	if (sp) {
		br_ssl_engine_set_session_parameters(e, sp);
		memcpy(t->offered_id, sp->session_id, sizeof(t->offered_id));
	}
	/* No SNI for an address (RFC 6066 3: HostName is never a literal). */
	uint32_t ip;
	bool is_ip = nb_ipv4_parse(t->host, t->host_len, &ip) == 0;
	if (!br_ssl_client_reset(sc, is_ip ? NULL : t->host, t->offered)) {
		int be = br_ssl_engine_last_error(e);
		return fail(t, nb_tls_code(be) ? nb_tls_code(be) : -NB_ETLS,
			    be);
	}
	if (cfg->skip_time || cfg->insecure)
		t->cl->stats.time_skipped++;
	t->started = true;
	return 0;
}

static void handshake_done(struct nb_tls *t)
{
	br_ssl_session_parameters sp;
	t->handshaken = true;
	br_ssl_engine_get_session_parameters(&t->sc.eng, &sp);
	if (t->offered && sp.session_id_len == sizeof(t->offered_id) &&
	    memcmp(sp.session_id, t->offered_id, sizeof(t->offered_id)) == 0)
		t->cl->stats.resumed++;
	else
		t->cl->stats.full_handshakes++;
	nb_tls_cache_store(t->cl->cfg.cache, t->host, t->host_len, t->port,
			   &sp);
	memset(&sp, 0, sizeof(sp));
}

/* Follow the record framing of the ciphertext fed to the engine, to tell
 * a close at a record boundary from one in the middle of a record. */
static void track_records(struct nb_tls *t, const uint8_t *d, size_t n)
{
	while (n > 0) {
		if (t->rec_left) {
			size_t k = n < t->rec_left ? n : (size_t)t->rec_left;
			t->rec_left -= (uint32_t)k;
			d += k;
			n -= k;
			continue;
		}
		/* Header bytes 3 and 4 are the payload length. */
		if (t->rec_hdr == 3)
			t->rec_len_hi = *d;
		else if (t->rec_hdr == 4)
			t->rec_left = ((uint32_t)t->rec_len_hi << 8) | *d;
		t->rec_hdr = (uint8_t)(t->rec_hdr + 1 == RECORD_HDR
					       ? 0
					       : t->rec_hdr + 1);
		d++;
		n--;
	}
}

/* Ciphertext from the ring into the engine's record buffer. */
static bool feed(struct nb_tls *t, br_ssl_engine_context *e)
{
	uint64_t avail = t->ct_end - t->ct_used;
	if (avail == 0)
		return false;
	size_t len;
	uint8_t *b = br_ssl_engine_recvrec_buf(e, &len);
	size_t at = (size_t)t->ct_used & (t->ring_len - 1);
	size_t n = t->ring_len - at;
	if (n > len)
		n = len;
	if (n > avail)
		n = (size_t)avail;
	if (n == 0)
		return false;
	memcpy(b, t->ring + at, n);
	track_records(t, b, n);
	br_ssl_engine_recvrec_ack(e, n);
	t->ct_used += n;
	return true;
}

/* Plaintext from the engine to HTTP, as much as it can take. */
static int drain(struct nb_tls *t, br_ssl_engine_context *e)
{
	size_t len;
	uint8_t *b = br_ssl_engine_recvapp_buf(e, &len);
	uint64_t room = t->up.space ? t->up.space(t->up.ctx) : UINT64_MAX;
	if ((uint64_t)len > room)
		len = (size_t)room;
	if (len > INT32_MAX)
		len = INT32_MAX;
	if (len == 0)
		return 0;
	int k = t->up.deliver(t->up.ctx, t->pt_off, b, len);
	if (k <= 0)
		return k;
	br_ssl_engine_recvapp_ack(e, (size_t)k);
	t->pt_off += (uint64_t)k;
	return k;
}

/* Records to TCP and queued plaintext into records. */
static int push(struct nb_tls *t, br_ssl_engine_context *e, unsigned st,
		bool *moved)
{
	size_t len;
	uint8_t *b;
	if (st & BR_SSL_SENDREC) {
		b = br_ssl_engine_sendrec_buf(e, &len);
		int n = nb_tcp_send(t->tcp, b, len);
		if (n < 0)
			return n;
		if (n > 0) {
			br_ssl_engine_sendrec_ack(e, (size_t)n);
			*moved = true;
		}
	}
	if (t->pend_len && (st & BR_SSL_SENDAPP)) {
		b = br_ssl_engine_sendapp_buf(e, &len);
		size_t n = len < t->pend_len ? len : t->pend_len;
		memcpy(b, t->pend, n);
		br_ssl_engine_sendapp_ack(e, n);
		memmove(t->pend, t->pend + n, t->pend_len - n);
		t->pend_len = (uint16_t)(t->pend_len - n);
		if (t->pend_len == 0)
			br_ssl_engine_flush(e, 0);
		*moved = true;
	}
	return 0;
}

static int pump(struct nb_tls *t)
{
	br_ssl_engine_context *e = &t->sc.eng;
	uint64_t pt0 = t->pt_off;
	if (t->err || !t->started || t->closed)
		return t->err;
	for (unsigned i = 0; i < PUMP_ROUNDS; i++) {
		unsigned st = br_ssl_engine_current_state(e);
		if (st & BR_SSL_CLOSED) {
			int be = br_ssl_engine_last_error(e);
			if (be != 0)
				return fail(t, nb_tls_code(be), be);
			t->closed = true; /* close_notify: end of data */
			break;
		}
		if (!t->handshaken && (st & (BR_SSL_SENDAPP | BR_SSL_RECVAPP)))
			handshake_done(t);
		bool moved = false;
		int rc = push(t, e, st, &moved);
		if (rc < 0)
			return fail(t, rc, 0);
		if (st & BR_SSL_RECVAPP) {
			rc = drain(t, e);
			if (rc < 0)
				return fail(t, rc, 0);
			moved |= rc > 0;
		}
		if ((st & BR_SSL_RECVREC) && feed(t, e))
			moved = true;
		if (!moved)
			break;
	}
	if (t->pt_off != pt0 && t->up.event)
		t->up.event(t->up.ctx, NB_TCP_EV_DATA);
	return 0;
}

/* After the peer's FIN: once every byte went through the engine, tell
 * HTTP, or fail when the stream stopped inside a record. */
static void check_fin(struct nb_tls *t)
{
	if (!t->fin || t->fin_up || t->err)
		return;
	if (!t->closed) {
		if (t->ct_used != t->ct_end)
			return;
		if (t->rec_hdr || t->rec_left) {
			fail(t, -NB_ETLSTRUNC, 0);
			return;
		}
		/* A plain FIN between records: HTTP's framing decides
		 * whether the body was complete. */
		if (t->started &&
		    (br_ssl_engine_current_state(&t->sc.eng) & BR_SSL_RECVAPP))
			return;
	}
	t->fin_up = true;
	if (t->up.event)
		t->up.event(t->up.ctx, NB_TCP_EV_FIN);
}

static int rx_deliver(void *ctx, uint64_t off, const void *data, size_t len)
{
	struct nb_tls *t = ctx;
	if (t->err)
		return t->err;
	if (off < t->ct_used || off - t->ct_used >= t->ring_len)
		return 0;
	uint64_t room = t->ct_used + t->ring_len - off;
	size_t n = (uint64_t)len < room ? len : (size_t)room;
	size_t at = (size_t)off & (t->ring_len - 1);
	size_t first = t->ring_len - at < n ? t->ring_len - at : n;
	memcpy(t->ring + at, data, first);
	memcpy(t->ring, (const uint8_t *)data + first, n - first);
	if (off == nb_tcp_rx_offset(t->tcp) && off + n > t->ct_end) {
		t->ct_end = off + n;
		int rc = pump(t);
		if (rc < 0)
			return rc;
	}
	return n > INT32_MAX ? INT32_MAX : (int)n;
}

static uint64_t rx_space(void *ctx)
{
	const struct nb_tls *t = ctx;
	uint64_t held = nb_tcp_rx_offset(t->tcp) - t->ct_used;
	return held >= t->ring_len ? 0 : t->ring_len - held;
}

static void rx_event(void *ctx, int ev)
{
	struct nb_tls *t = ctx;
	if (ev == NB_TCP_EV_DATA || ev == NB_TCP_EV_FIN) {
		uint64_t rx = nb_tcp_rx_offset(t->tcp);
		if (rx > t->ct_end)
			t->ct_end = rx;
		if (ev == NB_TCP_EV_FIN)
			t->fin = true;
	}
	if (ev != NB_TCP_EV_CLOSED)
		(void)pump(t);
	check_fin(t);
	if (ev == NB_TCP_EV_CLOSED && t->up.event)
		t->up.event(t->up.ctx, ev);
}

/* A connection whose TCP connection is over (or never was): HTTP
 * aborts a part's old connection before it opens the next. */
static struct nb_tls *free_conn(struct nb_tls_client *cl,
				const struct nb_tcp_conn *c)
{
	for (size_t i = 0; i < cl->nconn; i++) {
		struct nb_tls *t = &cl->conn[i];
		if (!t->tcp || t->tcp == c || !t->tcp->t)
			return t;
	}
	return NULL;
}

static int h_attach(void *ctx, struct nb_tcp_conn *c, const struct nb_url *u,
		    struct nb_tcp_rx *rx, void **layer)
{
	struct nb_tls_client *cl = ctx;
	struct nb_tls *t = free_conn(cl, c);
	if (!t)
		return -NB_ENOMEM;
	const struct nb_tls_cfg *cfg = &cl->cfg;
	if (cfg->unix_time == 0 && !cfg->skip_time && !cfg->insecure)
		return fail(t, -NB_ECERTTIME, BR_ERR_X509_TIME_UNKNOWN);
	/* The buffers and the owner stay; the rest is per connection (the
	 * engine itself is cleared by the first send). */
	memset(&t->tcp, 0, offsetof(struct nb_tls, xvt) -
				   offsetof(struct nb_tls, tcp));
	t->cl = cl;
	t->tcp = c;
	t->up = *rx;
	t->port = u->port;
	t->host_len = u->host_len <= NB_URL_HOST_MAX ? (uint16_t)u->host_len
						     : 0;
	memcpy(t->host, u->host, t->host_len);
	t->host[t->host_len] = 0;
	rx->deliver = rx_deliver;
	rx->space = rx_space;
	rx->event = rx_event;
	rx->ctx = t;
	*layer = t;
	return 0;
}

static int h_send(void *layer, const void *data, size_t len)
{
	struct nb_tls *t = layer;
	if (t->err)
		return t->err;
	if (!t->started) {
		int rc = start(t);
		if (rc < 0)
			return fail(t, rc, t->br_err);
	}
	if (len > sizeof(t->pend) - t->pend_len)
		return -NB_EMSGSIZE;
	memcpy(t->pend + t->pend_len, data, len);
	t->pend_len = (uint16_t)(t->pend_len + len);
	int rc = pump(t);
	return rc < 0 ? rc : (int)len;
}

static uint64_t h_rx_offset(const void *layer)
{
	const struct nb_tls *t = layer;
	return t->pt_off;
}

static int h_poll(void *layer, uint64_t now_ms)
{
	struct nb_tls *t = layer;
	if (!t->err) {
		(void)pump(t);
		check_fin(t);
	}
	if (!t->handshaken && !t->err) {
		if (t->deadline == 0)
			t->deadline = now_ms + NB_TLS_HANDSHAKE_MS;
		else if (now_ms >= t->deadline)
			fail(t, -NB_ETIMEDOUT, 0);
	}
	if (t->err) {
		nb_tcp_abort(t->tcp);
		(void)nb_tcp_poll(t->tcp, now_ms);
		return t->err;
	}
	return nb_tcp_poll(t->tcp, now_ms);
}

int nb_tls_client_init(struct nb_tls_client *c, const struct nb_tls_cfg *cfg,
		       struct nb_tls *conns, size_t n)
{
	if (!c || !cfg || !conns || n == 0)
		return -NB_EINVAL;
	if (!cfg->insecure && (!cfg->anchors || cfg->anchors->count == 0))
		return -NB_EINVAL;
	memset(c, 0, sizeof(*c));
	c->cfg = *cfg;
	c->conn = conns;
	c->nconn = n;
	c->http.attach = h_attach;
	c->http.send = h_send;
	c->http.rx_offset = h_rx_offset;
	c->http.poll = h_poll;
	c->http.ctx = c;
	for (size_t i = 0; i < n; i++)
		conns[i].cl = c;
	return 0;
}

void nb_tls_client_set_time(struct nb_tls_client *c, uint64_t unix_time)
{
	if (c)
		c->cfg.unix_time = unix_time;
}

const struct nb_http_tls *nb_tls_client_http(struct nb_tls_client *c)
{
	return c ? &c->http : NULL;
}
