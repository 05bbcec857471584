/*
 * The resolver's state machine: one UDP socket on a random port, a fresh
 * random ID per attempt, retries with backoff rotating across the stack's
 * servers, and a new query when a CNAME's target came without its
 * address.  Replies are checked against the server, port and ID asked
 * before the parser sees them.
 */
#include "core/mem.h"
#include "dns/dns_int.h"
#include "netboot/stack.h"

static void finish(struct nb_dns *q, int status)
{
	q->status = status;
	nb_deadline_clear(&q->timer);
	nb_udp_close(&q->sk);
	if (q->net)
		q->net->close(q->net);
}

/* Fresh attempt budget for a (new) name. */
static void restart(struct nb_dns *q)
{
	q->id = q->prev_id = 0;
	q->server = q->prev_server = 0;
	nb_backoff_init(&q->backoff, NB_DNS_RETRY_MS, NB_DNS_RETRY_MAX_MS,
			NB_DNS_TRIES);
	q->need_send = true;
}

/* @p from: the sender's IPv4 address, or its handle on q->net. */
void nb_dns_input(struct nb_dns *q, uint32_t from, uint16_t sport,
		  const void *data, size_t len)
{
	if (q->status != -NB_EAGAIN || sport != NB_DNS_PORT || !from) {
		q->dropped++;
		return;
	}
	/* A late answer to the previous attempt is as good as a fresh one;
	 * anything else from anywhere else is a spoofing attempt. */
	uint16_t id;
	if (q->server && from == q->server)
		id = q->id;
	else if (q->prev_server && from == q->prev_server)
		id = q->prev_id;
	else {
		q->dropped++;
		return;
	}
	struct nb_dns_answer ans;
	int rc = nb_dns_parse_response_type(data, len, id, q->qname, q->qtype,
					    &ans);
	if (rc == -NB_EPROTO && q->prev_server == from && id != q->prev_id)
		rc = nb_dns_parse_response_type(data, len, q->prev_id, q->qname,
						q->qtype, &ans);
	switch (rc) {
	case 0:
		q->addr = ans.addr;
		memcpy(q->addr6, ans.addr6, 16);
		q->ttl = ans.ttl;
		finish(q, 0);
		return;
	case 1:
		q->cnames = (uint8_t)(q->cnames + ans.cnames);
		if (q->cnames > NB_DNS_CNAME_MAX) {
			finish(q, -NB_EPROTO);
			return;
		}
		memcpy(q->qname, ans.next, NB_DNS_WIRE_MAX);
		q->qlen = (uint8_t)nb_dns_wire_len(q->qname);
		restart(q);
		return;
	case -NB_EPROTO:
		q->dropped++;
		return;
	case -NB_ESERVER:
		/* Another server may do better; with one server, wait for
		 * the retry timer rather than hammering it. */
		q->last_err = rc;
		if (q->nservers > 1)
			q->need_send = true;
		return;
	default: /* NXDOMAIN, no A record, truncated: final answers */
		finish(q, rc);
		return;
	}
}

static void on_rx(void *ctx, struct nb_udp_sock *sk,
		  const struct nb_udp_meta *m, const void *data, size_t len)
{
	(void)sk;
	nb_dns_input(ctx, m->src_ip, m->src_port, data, len);
}

int nb_dns_start_net(struct nb_dns *q, struct nb_stack *s,
		     struct nb_dns_net *net, const char *name, uint16_t qtype)
{
	if (!q || !s || !name ||
	    (qtype != NB_DNS_TYPE_A && qtype != NB_DNS_TYPE_AAAA))
		return -NB_EINVAL;
	memset(q, 0, sizeof(*q));
	q->s = s;
	q->net = net;
	q->qtype = qtype;
	size_t n = 0;
	while (n < 256 && name[n])
		n++;
	if (qtype == NB_DNS_TYPE_A && nb_ipv4_parse(name, n, &q->addr) == 0) {
		q->status = 0;
		return 0;
	}
	int rc = nb_dns_encode_name(name, q->qname);
	if (rc < 0)
		return rc;
	q->qlen = (uint8_t)rc;
	for (unsigned i = 0; i < NB_DNS_SERVERS; i++)
		if (net ? i < net->nservers : s->dns[i] != 0)
			q->servers[q->nservers++] = net ? i + 1 : s->dns[i];
	if (q->nservers == 0)
		return -NB_EUNREACH;
	if (!net) {
		rc = nb_udp_open(&q->sk, s, 0, on_rx, q);
		if (rc < 0)
			return rc;
		/* for nb_stack_next_deadline() */
		nb_udp_set_timer(&q->sk, &q->timer);
	}
	q->status = -NB_EAGAIN;
	restart(q);
	return 0;
}

int nb_dns_start_type(struct nb_dns *q, struct nb_stack *s, const char *name,
		      uint16_t qtype)
{
	return nb_dns_start_net(q, s, NULL, name, qtype);
}

static int send_attempt(struct nb_dns *q, uint64_t now_ms)
{
	uint32_t wait = nb_backoff_next(&q->backoff, NULL);
	if (wait == 0)
		return q->last_err ? q->last_err : -NB_ETIMEDOUT;
	uint32_t r;
	int rc = nb_rng_u32(&q->s->rng, &r);
	if (rc < 0)
		return rc;
	q->prev_id = q->id;
	q->prev_server = q->server;
	q->id = (uint16_t)r;
	q->server = q->servers[(q->backoff.tries - 1u) % q->nservers];
	/* Built where nb_udp_sendto() moves it anyway (as DHCP does): no
	 * copy of the query on the stack. */
	uint8_t *buf = nb_ip_payload_buf(q->s, NULL) + NB_UDP_HLEN;
	int len = nb_dns_build_query_type(buf, nb_udp_max_payload(q->s), q->id,
					  q->qname, q->qtype);
	if (len < 0)
		return len;
	nb_deadline_set(&q->timer, now_ms, wait);
	rc = q->net ? q->net->send(q->net, q, q->server, buf, (size_t)len)
		    : nb_udp_sendto(&q->sk, q->server, NB_DNS_PORT, buf,
				    (size_t)len);
	/* A full driver queue or an ARP miss is just a lost datagram: the
	 * retry timer covers it.  Anything else will not get better. */
	if (rc < 0 && rc != -NB_ENOBUFS && rc != -NB_EUNREACH &&
	    rc != -NB_EAGAIN)
		return rc;
	if (rc == -NB_EUNREACH)
		q->last_err = rc;
	return 0;
}

int nb_dns_poll(struct nb_dns *q, uint64_t now_ms)
{
	if (!q)
		return -NB_EINVAL;
	if (q->status != -NB_EAGAIN)
		return q->status;
	if (q->need_send || nb_deadline_expired(&q->timer, now_ms)) {
		q->need_send = false;
		int rc = send_attempt(q, now_ms);
		if (rc < 0)
			finish(q, rc);
	}
	return q->status;
}

const char *nb_dns_why(const struct nb_dns *q)
{
	if (!q || q->status == 0 || q->status == -NB_EAGAIN)
		return "";
	/* Only where nb_strerror's text would mislead: "not found" reads
	 * like a missing file, "protocol error" and "not supported" hide
	 * what the server sent. */
	switch (q->status) {
	case -NB_ENOTFOUND:
		return "no such host name";
	case -NB_EPROTO:
		return "DNS CNAME chain too long";
	case -NB_ENOTSUP:
		return "DNS answer truncated";
	default:
		return nb_strerror(q->status);
	}
}

void nb_dns_cancel(struct nb_dns *q)
{
	if (!q)
		return;
	/* A finished query already closed its transport, which may now
	 * serve another query (a shared nb_dns6). */
	if (q->status != -NB_EAGAIN)
		return;
	finish(q, -NB_ECANCELED);
}
