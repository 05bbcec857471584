/* Building and sending segments: SYN, data, FIN, ACK, RST. */
#include "core/mem.h"
#include "tcp/tcp_int.h"

/*
 * The window to advertise: exactly what the consumer can accept beyond
 * the in-order point, rounded down to the scale unit, clamped to the
 * largest scaled window.  @p edge receives the right edge as a stream
 * offset.  @return the 16-bit header field.
 */
uint32_t nb_tcp_rcv_window(struct nb_tcp_conn *c, uint64_t *edge)
{
	uint64_t space = c->rx.space ? c->rx.space(c->rx.ctx) : UINT64_MAX;
	uint32_t field;

	if (c->fin_rcvd)
		space = 0;
	if (c->rcv_cap) {
		/* The floor is the guest's, not each connection's: parts
		 * downloading side by side share it. */
		uint64_t cap = NB_TCP_RWIN_MIN / nb_tcp_receivers(c);
		if (cap < c->rcv_cap)
			cap = c->rcv_cap;
		if (space > cap)
			space = cap;
	}
	if (c->state == NB_TCP_SYN_SENT) {
		/* RFC 7323: the window in a SYN is never scaled. */
		field = space > 65535u ? 65535u : (uint32_t)space;
		*edge = field;
		return field;
	}
	/* Scaling cannot express a window that is not a multiple of
	 * 2^shift.  Rounding down would leave the last bytes of an object
	 * unannounceable once the space equals exactly what is left (a
	 * stall at the end of every download, and peers such as lwIP then
	 * misplace their FIN), so the edge is rounded up: the window
	 * exceeds the space by less than one unit, and bytes beyond the
	 * space are refused by the consumer and never acknowledged. */
	if (space < UINT64_MAX - (1u << c->rcv_wscale))
		space += (1u << c->rcv_wscale) - 1u;
	space >>= c->rcv_wscale;
	field = space > 65535u ? 65535u : (uint32_t)space;
	*edge = c->rcv_off + ((uint64_t)field << c->rcv_wscale);
	return field;
}

/* The fixed header; options, if any, are already after it. */
static void put_hdr(uint8_t *p, uint16_t sport, uint16_t dport, uint32_t seq,
		    uint32_t ack, size_t hlen, uint8_t flags, uint16_t wnd)
{
	nb_put16(p, sport);
	nb_put16(p + 2, dport);
	nb_put32(p + 4, seq);
	nb_put32(p + 8, ack);
	p[12] = (uint8_t)((hlen / 4) << 4);
	p[13] = flags;
	nb_put16(p + 14, wnd);
	nb_put32(p + 16, 0); /* checksum, urgent pointer */
}

/* Checksum the segment built at @p p (checksum field zero) and send it:
 * the last step of every segment, connection or not.  @return false when
 * the link refused it (its transmit queue full): nothing went out. */
static bool seal_send(struct nb_tcp *t, uint8_t *p, uint32_t dst,
		      size_t total)
{
	const struct nb_tcp_family *f = t->fam;
	uint32_t dropped = t->s->stats.tx_dropped;
	int rc;
	if (f) {
		rc = f->send(f->ctx, dst, p, total);
	} else {
		uint32_t sum = nb_ip_pseudo_sum(t->s->ip, dst, NB_IPPROTO_TCP,
						(uint16_t)total);
		nb_put16(p + 16, nb_csum_fold(nb_csum_add(sum, p, total)));
		rc = nb_ip_send(t->s, dst, NB_IPPROTO_TCP, total);
	}
	if (rc < 0)
		t->stats.tx_errors++;
	t->stats.tx_segments++;
	/* A full transmit ring counts as dropped, a full ARP queue (first
	 * contact, parts connecting together) as -NB_ENOBUFS. */
	return rc != -NB_ENOBUFS && t->s->stats.tx_dropped == dropped;
}

static uint8_t *seg_buf(struct nb_tcp *t, size_t *cap)
{
	const struct nb_tcp_family *f = t->fam;
	return f ? f->buf(f->ctx, cap) : nb_ip_payload_buf(t->s, cap);
}

/*
 * Build one segment in the stack's transmit buffer and send it.  @p seq
 * and @p flags are the caller's; ACK number, window and options are
 * filled from the connection.  Payload comes from the send ring.
 */
static int send_seg(struct nb_tcp_conn *c, uint32_t seq, uint8_t flags,
		    uint64_t data_off, size_t dlen)
{
	size_t cap, hlen, total;
	uint8_t *p = seg_buf(c->t, &cap);
	uint64_t edge;
	uint32_t wnd;

	size_t room = 40, want = dlen;

	if (!p || cap < NB_TCP_HLEN + 40)
		return -NB_EMSGSIZE;
	/* Data has priority over SACK blocks: options get what the payload
	 * leaves (always enough for timestamps, as the MSS accounts them). */
	if (dlen && cap - NB_TCP_HLEN - (c->ts_ok ? TCP_TS_LEN : 0) < dlen)
		dlen = cap - NB_TCP_HLEN - (c->ts_ok ? TCP_TS_LEN : 0);
	if (dlen && cap - NB_TCP_HLEN - dlen < room)
		room = cap - NB_TCP_HLEN - dlen;
	if (flags & TCP_SYN)
		hlen = NB_TCP_HLEN + nb_tcp_put_syn_opts(c, p + NB_TCP_HLEN);
	else if (flags & TCP_RST)
		hlen = NB_TCP_HLEN;
	else
		hlen = NB_TCP_HLEN + nb_tcp_put_opts(c, p + NB_TCP_HLEN, room);
	if (dlen > cap - hlen)
		dlen = cap - hlen;
	if (dlen < want)
		flags &= (uint8_t)~TCP_FIN; /* the FIN follows the last byte */
	total = hlen + dlen;

	wnd = nb_tcp_rcv_window(c, &edge);
	if (flags & TCP_ACK) {
		/* Data up to the highest edge ever offered stays acceptable
		 * (RFC 793: a window may shrink, the sender need not know
		 * yet); the consumer still decides what it takes. */
		if (edge > c->rcv_adv || c->state == NB_TCP_SYN_SENT)
			c->rcv_adv = edge;
		c->rcv_last = edge;
	}
	put_hdr(p, c->src_port, c->dst_port, seq,
		(flags & TCP_ACK) ? tcp_rcv_nxt(c) : 0, hlen, flags,
		(flags & TCP_RST) ? 0 : (uint16_t)wnd);
	if (dlen) {
		/* The ring may wrap: copy in at most two pieces. */
		size_t at = tcp_ring_at(c, data_off);
		size_t first = c->sbuf_len - at;
		if (first > dlen)
			first = dlen;
		memcpy(p + hlen, c->sbuf + at, first);
		memcpy(p + hlen + first, c->sbuf, dlen - first);
	}
	/* Refused: the caller goes on as if it had not been built, so the
	 * ACK stays owed and the data unsent, for the next poll (an UEFI
	 * guest's few transmit buffers fill with a burst's ACKs; a lost
	 * request or last ACK cost the sender's or our RTO). */
	if (!seal_send(c->t, p, c->dst_ip, total))
		return -NB_ENOBUFS;
	if (flags & TCP_ACK) {
		c->ack_pending = 0;
		c->ack_now = false;
	}
	return (int)dlen;
}

void nb_tcp_send_ack(struct nb_tcp_conn *c)
{
	uint64_t off = c->snd_nxt;
	send_seg(c, tcp_snd_seq(c, off), TCP_ACK, 0, 0);
}

/* Bytes we may put in flight now: the peer's window and our cwnd. */
static uint64_t usable(const struct nb_tcp_conn *c)
{
	uint64_t lim = c->snd_wnd < c->cwnd ? c->snd_wnd : c->cwnd;
	uint64_t flight = c->snd_nxt - c->snd_una;
	return flight >= lim ? 0 : lim - flight;
}

/*
 * Send what the state allows: the SYN, queued data, the FIN, and an ACK
 * when one is owed and nothing else carried it.  Arms the RTO when
 * something is in flight.
 */
int nb_tcp_output(struct nb_tcp_conn *c)
{
	bool sent = false;
	unsigned budget;

	if (c->in_input || !c->t)
		return 0;
	if (c->state == NB_TCP_SYN_SENT) {
		/* rto_due doubles as "SYN in flight": a send queued before
		 * the handshake must not fire another SYN. */
		if (!nb_deadline_armed(&c->rto_due)) {
			/* A SYN refused goes again in a few ms, not after
			 * the initial RTO (parts connecting together), and
			 * nothing was lost: rto_expired() neither backs off
			 * nor counts a retry for it. */
			if (send_seg(c, c->iss, TCP_SYN, 0, 0) < 0 &&
			    c->syn_refused < TCP_REFUSED_SYN_MAX) {
				c->syn_refused++;
				nb_deadline_set(&c->rto_due, nb_tcp_now(c),
						TCP_REFUSED_RESEND_MS);
				return 0;
			}
			c->syn_refused = 0;
			nb_tcp_arm_rto(c);
		}
		return 0;
	}
	if (c->state == NB_TCP_CLOSED)
		return 0;
	/* Bounded: one ring's worth of segments per call. */
	for (budget = 0; budget < 64; budget++) {
		uint64_t data_end = c->snd_end;
		uint64_t len = 0;
		uint8_t flags = TCP_ACK;
		uint32_t segmax = tcp_seg_max(c);
		uint64_t room = usable(c);

		if (c->snd_nxt < data_end) {
			len = data_end - c->snd_nxt;
			if (len > segmax)
				len = segmax;
			if (len > room) {
				/* Zero window with nothing in flight: the
				 * RTO timer doubles as the persist timer. */
				if (room == 0 && c->snd_nxt == c->snd_una)
					nb_tcp_arm_rto(c);
				len = room;
			}
			if (len == 0)
				break;
			flags |= TCP_PSH;
		}
		/* The FIN rides on the segment that carries the last byte
		 * (or goes alone); after an RTO rewind it is resent too. */
		if (c->fin_queued && c->snd_nxt + len == data_end)
			flags |= TCP_FIN;
		if (len == 0 && !(flags & TCP_FIN))
			break;
		if (c->snd_nxt < c->snd_max) {
			c->t->stats.tx_retransmits++;
			c->retransmits++;
		} else if (c->rtt_start == 0 && !c->ts_ok) {
			c->rtt_seq_off = c->snd_nxt;
			c->rtt_start = nb_tcp_now(c) ? nb_tcp_now(c) : 1;
		}
		{
			/* Advance by what really went out. */
			int sent = send_seg(c, tcp_snd_seq(c, c->snd_nxt), flags,
					    c->snd_nxt, (size_t)len);
			if (sent < 0) {
				/* The RTO bounds a link that never takes it. */
				nb_tcp_arm_rto(c);
				break;
			}
			if ((uint64_t)sent < len)
				flags &= (uint8_t)~TCP_FIN;
			len = (uint64_t)sent;
		}
		c->snd_nxt += len + ((flags & TCP_FIN) ? 1 : 0);
		if (c->snd_nxt > c->snd_max)
			c->snd_max = c->snd_nxt;
		if (flags & TCP_FIN) {
			if (c->state == NB_TCP_ESTABLISHED)
				c->state = NB_TCP_FIN_WAIT_1;
			else if (c->state == NB_TCP_CLOSE_WAIT)
				c->state = NB_TCP_LAST_ACK;
		}
		nb_tcp_arm_rto(c);
		sent = true;
		if (flags & TCP_FIN)
			break;
	}
	if (!sent && c->ack_now)
		nb_tcp_send_ack(c);
	return 0;
}

/*
 * RST for a segment that belongs to no connection (RFC 793 "reset
 * generation"), built without a connection object.
 */
void nb_tcp_send_rst_reply(struct nb_tcp *t, uint32_t peer,
			   const struct tcp_seg *g)
{
	size_t cap;
	uint8_t *p = seg_buf(t, &cap);
	uint32_t seq = 0, ack = 0;
	uint8_t flags = TCP_RST;

	if (!p || cap < NB_TCP_HLEN || (g->flags & TCP_RST))
		return;
	if (g->flags & TCP_ACK) {
		seq = g->ack;
	} else {
		ack = g->seq + (uint32_t)g->plen + ((g->flags & TCP_SYN) ? 1u : 0u) +
		      ((g->flags & TCP_FIN) ? 1u : 0u);
		flags |= TCP_ACK;
	}
	put_hdr(p, g->dport, g->sport, seq, ack, NB_TCP_HLEN, flags, 0);
	seal_send(t, p, peer, NB_TCP_HLEN);
}

/* RST from a connection we abort (sequence is our SND.NXT). */
void nb_tcp_send_rst(struct nb_tcp_conn *c)
{
	send_seg(c, tcp_snd_seq(c, c->snd_nxt), TCP_RST | TCP_ACK, 0, 0);
}
