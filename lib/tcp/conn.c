/* Connection lifecycle: demultiplexer, connect, send, close, abort. */
#include "core/mem.h"
#include "tcp/tcp_int.h"

/* IPv4 (fam NULL) registers with lib/ip; a family feeds segments itself. */
int nb_tcp_init_family(struct nb_tcp *t, struct nb_stack *s,
		       const struct nb_tcp_family *fam)
{
	if (!t || !s)
		return -NB_EINVAL;
	memset(t, 0, sizeof(*t));
	t->s = s;
	t->fam = fam;
	return fam ? 0 : nb_ip_register_timed(s, NB_IPPROTO_TCP, nb_tcp_input,
					      nb_tcp_next_deadline, t);
}

int nb_tcp_init(struct nb_tcp *t, struct nb_stack *s)
{
	return nb_tcp_init_family(t, s, NULL);
}

uint64_t nb_tcp_now(const struct nb_tcp_conn *c)
{
	/* Input runs at the stack's poll time; nb_tcp_poll() may be later. */
	uint64_t sn = c->t ? c->t->s->now : 0;
	return sn > c->last_now ? sn : c->last_now;
}

static bool port_in_use(const struct nb_tcp *t, uint16_t port)
{
	for (const struct nb_tcp_conn *o = t->conns; o; o = o->next)
		if (o->src_port == port)
			return true;
	return false;
}

static void unlink_conn(struct nb_tcp_conn *c)
{
	struct nb_tcp_conn **pp;

	if (!c->t)
		return;
	for (pp = &c->t->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	c->next = NULL;
	c->t = NULL;
}

/* The connection is over: record why, unlink, tell the consumer. */
void nb_tcp_finish(struct nb_tcp_conn *c, int status)
{
	if (c->state == NB_TCP_CLOSED && !c->t)
		return;
	c->state = NB_TCP_CLOSED;
	c->status = status;
	nb_deadline_clear(&c->rto_due);
	unlink_conn(c);
	if (c->rx.event)
		c->rx.event(c->rx.ctx, NB_TCP_EV_CLOSED);
}

int nb_tcp_connect(struct nb_tcp_conn *c, struct nb_tcp *t, uint32_t dst_ip,
		   uint16_t dst_port, const struct nb_tcp_rx *rx, void *sbuf,
		   size_t sbuf_len)
{
	struct nb_stack *s;
	uint32_t r[3], hop;
	uint16_t port = 0;
	unsigned tries;
	int rc;

	if (!c || !t || !t->s || !rx || !rx->deliver || !sbuf || !sbuf_len ||
	    !dst_ip || !dst_port)
		return -NB_EINVAL;
	s = t->s;
	if (!t->fam) {
		if (!s->ip)
			return -NB_EINVAL;
		rc = nb_ip_route(s, dst_ip, &hop);
		if (rc < 0)
			return rc;
	}
	/* A connection still linked must not be re-zeroed under the list. */
	for (const struct nb_tcp_conn *o = t->conns; o; o = o->next)
		if (o == c)
			return -NB_EINVAL;
	for (tries = 0; tries < 16; tries++) {
		uint32_t v;
		rc = nb_rng_u32(&s->rng, &v);
		if (rc < 0)
			return rc;
		port = (uint16_t)(NB_EPHEMERAL_LOW +
				  v % (NB_EPHEMERAL_HIGH - NB_EPHEMERAL_LOW + 1u));
		if (!port_in_use(t, port))
			break;
	}
	if (tries == 16)
		return -NB_EADDRINUSE;
	for (unsigned i = 0; i < 2; i++) {
		rc = nb_rng_u32(&s->rng, &r[i]);
		if (rc < 0)
			return rc;
	}
	r[2] = 0;

	memset(c, 0, sizeof(*c));
	c->t = t;
	c->rx = *rx;
	nb_rangeset_init(&c->ooo, c->ooo_slot, NB_TCP_SACK_SLOTS);
	c->dst_ip = dst_ip;
	c->dst_port = dst_port;
	c->src_port = port;
	c->state = NB_TCP_SYN_SENT;
	c->status = -NB_EAGAIN;
	c->iss = r[0];
	c->ts_offset = r[1];
	c->rcv_mss = t->fam ? t->fam->mss(t->fam->ctx)
			    : (uint16_t)(s->link->mtu - NB_IP_HLEN - NB_TCP_HLEN);
	c->mss = TCP_DEFAULT_MSS;
	c->sbuf = sbuf;
	c->sbuf_len = sbuf_len;
	c->fin_off = UINT64_MAX;
	c->snd_wnd = 1; /* until the SYN-ACK tells */
	nb_rtt_init(&c->rtt, NB_TCP_RTO_INIT_MS, NB_TCP_RTO_MIN_MS,
		    NB_TCP_RTO_MAX_MS, 0);
	c->last_now = s->now;
	c->next = t->conns;
	t->conns = c;
	nb_tcp_output(c);
	return 0;
}

size_t nb_tcp_send_space(const struct nb_tcp_conn *c)
{
	uint64_t queued;

	if (!c || !c->sbuf)
		return 0;
	if (c->snd_una >= c->snd_end)
		return c->sbuf_len;
	queued = c->snd_end - c->snd_una;
	return queued >= c->sbuf_len ? 0 : c->sbuf_len - (size_t)queued;
}

int nb_tcp_send(struct nb_tcp_conn *c, const void *data, size_t len)
{
	size_t room, at, first;

	if (!c || !c->t || c->fin_queued || (!data && len))
		return -NB_EINVAL;
	if (c->state != NB_TCP_SYN_SENT && c->state != NB_TCP_ESTABLISHED &&
	    c->state != NB_TCP_CLOSE_WAIT)
		return -NB_EINVAL;
	room = nb_tcp_send_space(c);
	if (len > room)
		len = room;
	if (len > 0x7fffffff)
		len = 0x7fffffff;
	at = tcp_ring_at(c, c->snd_end);
	first = c->sbuf_len - at;
	if (first > len)
		first = len;
	memcpy(c->sbuf + at, data, first);
	memcpy(c->sbuf, (const uint8_t *)data + first, len - first);
	c->snd_end += len;
	nb_tcp_output(c);
	return (int)len;
}

int nb_tcp_close(struct nb_tcp_conn *c)
{
	if (!c || !c->t)
		return -NB_EINVAL;
	if (c->fin_queued)
		return 0;
	/* In SYN-SENT the FIN waits for the handshake (and queued data). */
	if (c->state != NB_TCP_SYN_SENT && c->state != NB_TCP_ESTABLISHED &&
	    c->state != NB_TCP_CLOSE_WAIT)
		return -NB_EINVAL;
	c->fin_queued = true;
	nb_tcp_output(c);
	return 0;
}

void nb_tcp_abort(struct nb_tcp_conn *c)
{
	if (!c || !c->t)
		return;
	if (c->state != NB_TCP_SYN_SENT && c->state != NB_TCP_CLOSED)
		nb_tcp_send_rst(c);
	nb_tcp_finish(c, -NB_ECANCELED);
}

bool nb_tcp_established(const struct nb_tcp_conn *c)
{
	return c && c->t && c->state != NB_TCP_SYN_SENT &&
	       c->state != NB_TCP_CLOSED;
}

uint64_t nb_tcp_rx_offset(const struct nb_tcp_conn *c)
{
	return c ? c->rcv_off : 0;
}

unsigned nb_tcp_receivers(const struct nb_tcp_conn *c)
{
	unsigned n = 0;
	for (const struct nb_tcp_conn *k = c->t ? c->t->conns : NULL; k;
	     k = k->next)
		if (k->state == NB_TCP_ESTABLISHED && k->rcv_cap &&
		    (!k->rx.space || k->rx.space(k->rx.ctx)))
			n++;
	return n ? n : 1;
}
