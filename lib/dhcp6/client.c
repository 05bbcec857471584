/*
 * The client's state machine (RFC 8415 18.2): Solicit until Advertises
 * come (collecting them for the first timeout unless one has preference
 * 255), Request the best, bind on its Reply; or bind at once on a Rapid
 * Commit Reply.  Sans-I/O: packets go out through nb_dhcp6_poll()'s
 * buffer and come in through nb_dhcp6_input(), so the same code runs
 * over the stack, a firmware's UDP, or a hosted socket.
 */
#include "core/mem.h"
#include "dhcp6/dhcp6_int.h"

/* RFC 8415 7.6 transmission parameters. */
#define SOL_TIMEOUT 1000
#define SOL_MAX_RT 3600000
#define REQ_TIMEOUT 1000
#define REQ_MAX_RT 30000
#define REQ_MAX_RC 10

int nb_dhcp6_abi_check(uint32_t id)
{
	return id == NB_DHCP6_ABI_ID ? 0 : -NB_EABI;
}

static int fail(struct nb_dhcp6 *c, int err, const char *why)
{
	c->state = NB_DHCP6_FAILED;
	c->error = err;
	c->why = why;
	nb_deadline_clear(&c->resend);
	return err;
}

/* A new exchange: fresh transaction ID, elapsed time and retry series. */
static int begin(struct nb_dhcp6 *c, uint8_t state, uint64_t now_ms)
{
	uint32_t r;
	int rc = nb_rng_u32(&c->cfg.rng, &r);
	if (rc < 0)
		return fail(c, rc, "no entropy for a transaction ID");
	c->xid = r & 0xffffffu;
	c->state = state;
	c->xchg_ms = now_ms;
	c->need_send = true;
	if (state == NB_DHCP6_SOLICITING) {
		c->have_cand = false;
		nb_backoff_init(&c->backoff, SOL_TIMEOUT, SOL_MAX_RT,
				NB_DHCP6_SOLICIT_TRIES);
	} else {
		nb_backoff_init(&c->backoff, REQ_TIMEOUT, REQ_MAX_RT,
				REQ_MAX_RC);
	}
	return 0;
}

/* Back to Solicit after a Request failed, a bounded number of times. */
static int restart(struct nb_dhcp6 *c, uint64_t now_ms, int err,
		   const char *why)
{
	if (c->restarts++ >= NB_DHCP6_RESTARTS)
		return fail(c, err, why);
	return begin(c, NB_DHCP6_SOLICITING, now_ms);
}

static const uint8_t zero_mac[6];

int nb_dhcp6_start(struct nb_dhcp6 *c, const struct nb_dhcp6_cfg *cfg,
		   uint64_t now_ms)
{
	if (!c || !cfg || !memcmp(cfg->mac, zero_mac, 6))
		return -NB_EINVAL;
	memset(c, 0, sizeof(*c));
	c->cfg = *cfg;
	uint8_t t = cfg->duid_type;
	if (!t)
		t = cfg->have_uuid ? NB_DHCP6_DUID_UUID : NB_DHCP6_DUID_LL;
	uint8_t *d = c->duid;
	nb_put16(d, t);
	if (t == NB_DHCP6_DUID_UUID && cfg->have_uuid) {
		memcpy(d + 2, cfg->uuid, 16);
		c->duid_len = 18;
	} else if (t == NB_DHCP6_DUID_LL || t == NB_DHCP6_DUID_LLT) {
		size_t k = 2;
		nb_put16(d + k, 1); /* hardware type: Ethernet */
		k += 2;
		if (t == NB_DHCP6_DUID_LLT) {
			nb_put32(d + k, cfg->duid_time);
			k += 4;
		}
		memcpy(d + k, cfg->mac, 6);
		c->duid_len = (uint8_t)(k + 6);
	} else {
		return -NB_EINVAL;
	}
	c->iaid = cfg->iaid ? cfg->iaid : nb_get32(cfg->mac + 2);
	int rc = begin(c, NB_DHCP6_SOLICITING, now_ms);
	return rc < 0 ? rc : 0;
}

static void take_candidate(struct nb_dhcp6 *c)
{
	c->have_cand = true;
	c->cand_pref = c->lease.preference;
	c->cand_sid_len = c->lease.server_id_len;
	memcpy(c->cand_sid, c->lease.server_id, c->cand_sid_len);
	memcpy(c->cand_addr, c->lease.addr, 16);
}

static int bind(struct nb_dhcp6 *c, const void *pkt, size_t len)
{
	memcpy(c->reply, pkt, len);
	c->reply_len = (uint16_t)len;
	c->state = NB_DHCP6_BOUND;
	nb_deadline_clear(&c->resend);
	return 0;
}

int nb_dhcp6_input(struct nb_dhcp6 *c, const void *pkt, size_t len,
		   uint64_t now_ms)
{
	if (!c || !pkt)
		return -NB_EINVAL;
	if (c->state != NB_DHCP6_SOLICITING && c->state != NB_DHCP6_REQUESTING) {
		c->rx_ignored++;
		return -NB_ETID;
	}
	if (len > NB_DHCP6_PKT_MAX) {
		c->rx_bad++;
		return -NB_EPROTO;
	}
	/* The lease is scratch until bound: parse straight into it. */
	struct nb_dhcp6_msg m;
	struct nb_dhcp6_lease *l = &c->lease;
	if (nb_dhcp6_parse(pkt, len, &c->iaid, &m, l) < 0) {
		c->rx_bad++;
		return -NB_EPROTO;
	}
	bool sol = c->state == NB_DHCP6_SOLICITING;
	bool addr = m.have_addr && !m.status && !m.ia_status;
	const uint8_t *p = pkt;
	if (m.xid != c->xid || m.cid_len != c->duid_len ||
	    memcmp(p + m.cid_off, c->duid, c->duid_len) != 0)
		goto ignore;
	if (m.type == NB_DHCP6_ADVERTISE && sol) {
		/* RFC 8415 18.2.9: an Advertise without addresses is not
		 * worth requesting from. */
		if (!addr)
			goto ignore;
		c->advertises++;
		if (!c->have_cand || l->preference > c->cand_pref)
			take_candidate(c);
		/* Preference 255, or past the first timeout: go now. */
		if (l->preference == 255 || c->backoff.tries > 1)
			begin(c, NB_DHCP6_REQUESTING, now_ms);
		return 0;
	}
	if (m.type != NB_DHCP6_REPLY)
		goto ignore;
	if (sol) {
		/* Only a Rapid Commit Reply answers a Solicit; one without
		 * an address leaves the others' Advertises to come. */
		if (!c->cfg.rapid_commit || !m.rapid_commit || !addr)
			goto ignore;
		l->rapid_commit = true;
		return bind(c, pkt, len);
	}
	if (l->server_id_len != c->cand_sid_len ||
	    memcmp(l->server_id, c->cand_sid, c->cand_sid_len) != 0)
		goto ignore;
	if (!addr) {
		restart(c, now_ms, -NB_ENAK,
			"DHCPv6 servers refused the address");
		return 0;
	}
	return bind(c, pkt, len);
ignore:
	c->rx_ignored++;
	return -NB_ETID;
}

/* The next timeout with RFC 8415 15's RAND of +-10%; the first Solicit's
 * strictly above its IRT, so every server's Advertise is in by then. */
static uint32_t next_rt(struct nb_dhcp6 *c)
{
	c->backoff.jitter_ms = (uint16_t)(c->backoff.rto / 10 > 0xfffe
						  ? 0xfffe
						  : c->backoff.rto / 10);
	uint32_t t = nb_backoff_next(&c->backoff, &c->cfg.rng);
	if (c->state == NB_DHCP6_SOLICITING && c->backoff.tries == 1 &&
	    t <= SOL_TIMEOUT)
		t = 2 * SOL_TIMEOUT + 1 - t;
	return t;
}

int nb_dhcp6_poll(struct nb_dhcp6 *c, uint64_t now_ms, void *buf, size_t cap,
		  size_t *n)
{
	if (n)
		*n = 0;
	if (!c || !n)
		return -NB_EINVAL;
	if (c->state == NB_DHCP6_BOUND)
		return 0;
	if (c->state == NB_DHCP6_FAILED)
		return c->error;
	if (c->state == NB_DHCP6_IDLE)
		return -NB_EINVAL;
	if (!buf || cap < NB_DHCP6_SEND_MAX)
		return -NB_EMSGSIZE;
	bool due = nb_deadline_expired(&c->resend, now_ms);
	/* The first timeout collected Advertises: request the best. */
	if (due && c->state == NB_DHCP6_SOLICITING && c->have_cand) {
		int rc = begin(c, NB_DHCP6_REQUESTING, now_ms);
		if (rc < 0)
			return rc;
	}
	/* Twice at most: a Request series running out restarts Solicit,
	 * whose first message goes out at once. */
	for (int i = 0; i < 2 && (c->need_send || due); i++) {
		uint32_t t = next_rt(c);
		if (t == 0) {
			int rc = c->state == NB_DHCP6_SOLICITING
					 ? fail(c, -NB_ETIMEDOUT,
						"no DHCPv6 server answered")
					 : restart(c, now_ms, -NB_ETIMEDOUT,
						   "no DHCPv6 Reply to the Request");
			if (rc < 0)
				return rc;
			continue;
		}
		*n = nb_d6_build(c, now_ms, buf);
		c->sent++;
		c->need_send = false;
		nb_deadline_set(&c->resend, now_ms, t);
		break;
	}
	return -NB_EAGAIN;
}

void nb_dhcp6_cancel(struct nb_dhcp6 *c)
{
	if (c && (c->state == NB_DHCP6_SOLICITING ||
		  c->state == NB_DHCP6_REQUESTING))
		fail(c, -NB_ECANCELED, "canceled");
}

const char *nb_dhcp6_why(const struct nb_dhcp6 *c)
{
	return c && c->why && c->state == NB_DHCP6_FAILED ? c->why : "";
}

int nb_dhcp6_use_cached(struct nb_dhcp6 *c, const void *reply, size_t len)
{
	if (!c || !reply)
		return -NB_EINVAL;
	memset(c, 0, sizeof(*c));
	if (len > NB_DHCP6_PKT_MAX)
		len = NB_DHCP6_PKT_MAX;
	struct nb_dhcp6_msg m;
	const char *why = NULL;
	if (nb_dhcp6_parse(reply, len, NULL, &m, &c->lease) < 0)
		why = "cached DHCPv6 reply is malformed";
	else if (m.type != NB_DHCP6_REPLY)
		why = "cached DHCPv6 packet is not a Reply";
	else if (!m.cid_off)
		why = "cached DHCPv6 Reply has no Client ID";
	else if (!m.have_addr || m.status || m.ia_status)
		why = "cached DHCPv6 Reply holds no usable address";
	if (why)
		return fail(c, -NB_ENOLEASE, why);
	/* Its Client ID and IAID become ours, as if we had asked. */
	memcpy(c->duid, (const uint8_t *)reply + m.cid_off, m.cid_len);
	c->duid_len = (uint8_t)m.cid_len;
	c->iaid = c->lease.iaid;
	c->xid = m.xid;
	c->lease.from_cache = true;
	return bind(c, reply, len);
}

int nb_dhcp6_option(const struct nb_dhcp6 *c, uint16_t code, void *buf,
		    size_t cap)
{
	if (!c || c->state != NB_DHCP6_BOUND)
		return -NB_ENOTFOUND;
	struct d6it it = {c->reply, D6_HLEN, c->reply_len};
	uint16_t k;
	size_t v, n;
	while (nb_d6_next(&it, &k, &v, &n) > 0) {
		if (k != code)
			continue;
		if (buf && n > cap)
			return -NB_EMSGSIZE;
		if (buf)
			memcpy(buf, c->reply + v, n);
		return (int)n;
	}
	return -NB_ENOTFOUND;
}
