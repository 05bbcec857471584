/*
 * Segment input: parse and check once, find the connection, then apply
 * RFC 793 processing with the RFC 5961 defences against blind injection.
 */
#include "core/mem.h"
#include "tcp/tcp_int.h"

/* A peer's window is at most 65535 << 14; older ACKs are forged or stale. */
#define TCP_MAX_WIN (65535ull << TCP_WSCALE_MAX)

static int parse_seg(const uint8_t *d, size_t len, struct tcp_seg *g)
{
	size_t hl;

	if (len < NB_TCP_HLEN)
		return -NB_EPROTO;
	hl = (size_t)(d[12] >> 4) * 4;
	if (hl < NB_TCP_HLEN || hl > len)
		return -NB_EPROTO;
	g->sport = nb_get16(d);
	g->dport = nb_get16(d + 2);
	g->seq = nb_get32(d + 4);
	g->ack = nb_get32(d + 8);
	g->flags = d[13] & 0x3f;
	g->wnd = nb_get16(d + 14);
	g->payload = d + hl;
	g->plen = len - hl;
	return nb_tcp_parse_opts(d + NB_TCP_HLEN, hl - NB_TCP_HLEN, &g->opt);
}

static struct nb_tcp_conn *lookup(struct nb_tcp *t, uint32_t src,
				  const struct tcp_seg *g)
{
	for (struct nb_tcp_conn *c = t->conns; c; c = c->next)
		if (c->src_port == g->dport && c->dst_port == g->sport &&
		    c->dst_ip == src)
			return c;
	return NULL;
}

static void event(struct nb_tcp_conn *c, int ev)
{
	if (c->rx.event)
		c->rx.event(c->rx.ctx, ev);
}

/* SYN-SENT: only an exact SYN-ACK (or a RST acknowledging our SYN). */
static void syn_sent(struct nb_tcp_conn *c, const struct tcp_seg *g)
{
	struct nb_tcp_stats *st = &c->t->stats;
	uint32_t ourmax = c->rcv_mss;
	uint32_t seg;

	if ((g->flags & TCP_ACK) && g->ack != c->iss + 1u) {
		st->rx_bad_ack++;
		return; /* no RST: a blind attacker learns nothing */
	}
	if (g->flags & TCP_RST) {
		if (g->flags & TCP_ACK)
			nb_tcp_finish(c, -NB_ECONNREFUSED);
		else
			st->rx_bad++;
		return;
	}
	if ((g->flags & (TCP_SYN | TCP_ACK)) != (TCP_SYN | TCP_ACK)) {
		st->rx_bad++; /* simultaneous open is not for a boot client */
		return;
	}
	c->irs = g->seq;
	c->mss = (uint16_t)(g->opt.has_mss && g->opt.mss < ourmax ? g->opt.mss
								  : ourmax);
	if (!g->opt.has_mss && c->mss > TCP_DEFAULT_MSS)
		c->mss = TCP_DEFAULT_MSS;
	/* A hostile tiny MSS would make segments all header (or, with
	 * timestamps, negative): 64 is the IPv4 minimum MTU less headers. */
	if (c->mss < 64)
		c->mss = ourmax < 64 ? (uint16_t)ourmax : 64;
	if (g->opt.has_ws) {
		c->snd_wscale = g->opt.wscale;
		c->rcv_wscale = NB_TCP_WSCALE;
	}
	c->sack_ok = g->opt.sack_perm;
	/* On, nothing grown yet: the floor applies (nb_tcp_rcv_window). */
	c->rcv_cap = NB_TCP_RWIN_MIN ? 1 : 0;
	c->ts_ok = g->opt.has_ts;
	c->ts_recent = g->opt.tsval;
	if (c->retries == 0) {
		if (c->ts_ok && g->opt.tsecr)
			nb_tcp_rtt_sample(c, tcp_ts_now(c) - g->opt.tsecr);
	}
	c->snd_wnd = g->wnd; /* never scaled in a SYN */
	c->snd_wl_off = 0;
	seg = tcp_seg_max(c);
	/* RFC 6928 initial window: min(10 * MSS, max(2 * MSS, 14600)). */
	c->cwnd = 10u * seg;
	if (c->cwnd > 14600u && 14600u > 2u * seg)
		c->cwnd = 14600u;
	else if (c->cwnd > 14600u)
		c->cwnd = 2u * seg;
	c->ssthresh = UINT32_MAX;
	c->syn_acked = true;
	c->state = NB_TCP_ESTABLISHED;
	nb_deadline_clear(&c->rto_due);
	c->retries = 0;
	c->rcv_off = 0;
	c->rcv_adv = 0;
	c->ack_now = true;
	event(c, NB_TCP_EV_CONNECTED);
}

/* Process the ACK field.  Returns false when the segment must be dropped. */
static bool do_ack(struct nb_tcp_conn *c, const struct tcp_seg *g,
		   uint64_t seg_off)
{
	struct nb_tcp_stats *st = &c->t->stats;
	int32_t adiff = (int32_t)(g->ack - tcp_snd_seq(c, c->snd_una));
	uint64_t now = nb_tcp_now(c);
	uint32_t seg = tcp_seg_max(c);
	uint32_t old_wnd = c->snd_wnd;

	/* RFC 5961 5.2: an ACK of data never sent, or far behind. */
	if ((adiff > 0 && (uint64_t)adiff > c->snd_max - c->snd_una) ||
	    (adiff < 0 && (uint64_t)(-(int64_t)adiff) > TCP_MAX_WIN)) {
		st->rx_bad_ack++;
		c->ack_now = true;
		return false;
	}
	if (seg_off >= c->snd_wl_off) {
		c->snd_wl_off = seg_off;
		c->snd_wnd = (uint32_t)g->wnd << c->snd_wscale;
	}
	if (adiff > 0) {
		uint64_t acked = (uint64_t)adiff;
		bool fin_acked;

		{
			/* Advance the ring over acknowledged data bytes (the
			 * FIN occupies a sequence number but no ring byte). */
			uint64_t a0 = c->snd_una < c->snd_end ? c->snd_una : c->snd_end;
			uint64_t a1 = c->snd_una + acked;
			size_t h;
			if (a1 > c->snd_end)
				a1 = c->snd_end;
			h = c->sbuf_head + (size_t)(a1 - a0);
			c->sbuf_head = h >= c->sbuf_len ? h - c->sbuf_len : h;
		}
		c->snd_una += acked;
		if (c->snd_nxt < c->snd_una)
			c->snd_nxt = c->snd_una;
		if (c->ts_ok && g->opt.has_ts && g->opt.tsecr)
			nb_tcp_rtt_sample(c, tcp_ts_now(c) - g->opt.tsecr);
		else if (c->rtt_start && c->snd_una > c->rtt_seq_off)
			nb_tcp_rtt_sample(c, (uint32_t)(now - c->rtt_start));
		if (c->snd_una > c->rtt_seq_off)
			c->rtt_start = 0;
		c->retries = 0;
		c->dupacks = 0;
		if (c->cwnd < c->ssthresh)
			c->cwnd += acked < seg ? (uint32_t)acked : seg;
		else
			c->cwnd += seg * seg / (c->cwnd ? c->cwnd : 1) + 1;
		if (c->cwnd > (1u << 30))
			c->cwnd = 1u << 30;
		nb_deadline_clear(&c->rto_due);
		if (c->snd_una < c->snd_max)
			nb_tcp_arm_rto(c);
		fin_acked = c->fin_queued && c->snd_una > c->snd_end;
		if (fin_acked) {
			if (c->state == NB_TCP_FIN_WAIT_1)
				c->state = NB_TCP_FIN_WAIT_2;
			else if (c->state == NB_TCP_CLOSING ||
				 c->state == NB_TCP_LAST_ACK) {
				nb_tcp_finish(c, 0);
				return false;
			}
		}
		event(c, NB_TCP_EV_SENT);
		if (!c->t)
			return false;
	} else if (adiff == 0 && g->plen == 0 && !(g->flags & TCP_FIN) &&
		   c->snd_max > c->snd_una && old_wnd == c->snd_wnd) {
		/* RFC 5681 3.2 fast retransmit on the third duplicate: the
		 * one segment they point at, not half a window from there
		 * (what a cwnd of ssthresh after the rewind would resend,
		 * data the peer mostly holds).  Recovery then grows from
		 * one segment, as after an RTO: our sends are requests, a
		 * segment or two, so Reno's inflation would buy nothing. */
		if (++c->dupacks == 3) {
			uint64_t half = (c->snd_max - c->snd_una) / 2;
			c->ssthresh = (uint32_t)(half > 2u * seg ? (half > UINT32_MAX ? UINT32_MAX : half) : 2u * seg);
			c->cwnd = seg;
			c->snd_nxt = c->snd_una;
			c->rtt_start = 0;
		}
	} else if (c->snd_wnd > 1 && old_wnd <= 1) {
		/* Window reopened after probing (a probe pretends a window
		 * of one): send on from the oldest unacknowledged byte. */
		c->snd_nxt = c->snd_una;
	}
	return true;
}

/* The in-order point moved to the peer's FIN: consume it. */
static void check_fin(struct nb_tcp_conn *c)
{
	if (c->fin_rcvd || c->fin_off == UINT64_MAX || c->rcv_off != c->fin_off)
		return;
	c->fin_rcvd = true;
	c->ack_now = true;
	switch (c->state) {
	case NB_TCP_ESTABLISHED:
		c->state = NB_TCP_CLOSE_WAIT;
		break;
	case NB_TCP_FIN_WAIT_1:
		c->state = NB_TCP_CLOSING;
		break;
	case NB_TCP_FIN_WAIT_2:
		/* No TIME-WAIT (see tcp.h): acknowledge and be done. */
		nb_tcp_send_ack(c);
		event(c, NB_TCP_EV_FIN);
		nb_tcp_finish(c, 0);
		return;
	default:
		break;
	}
	event(c, NB_TCP_EV_FIN);
}

/* A consumer error ends the connection with a RST. */
static void consumer_failed(struct nb_tcp_conn *c, int rc)
{
	nb_tcp_send_rst(c);
	nb_tcp_finish(c, rc);
}

_Static_assert(NB_TCP_ACK_EVERY >= 1 && NB_TCP_ACK_EVERY <= 255 &&
		       NB_TCP_ACK_STRETCH <= 255,
	       "ack_pending is 8 bits");

/* In-order segments the next ACK may cover (see NB_TCP_ACK_STRETCH). */
static unsigned ack_every(const struct nb_tcp_conn *c)
{
	uint64_t wnd = c->rcv_last > c->rcv_off ? c->rcv_last - c->rcv_off : 0;

	if (NB_TCP_ACK_STRETCH <= NB_TCP_ACK_EVERY ||
	    c->rcv_off < NB_TCP_QUICKACK_BYTES ||
	    wnd < 4u * (uint64_t)NB_TCP_ACK_STRETCH * c->rcv_mss)
		return NB_TCP_ACK_EVERY;
	return NB_TCP_ACK_STRETCH;
}

/*
 * Receive-window auto-tuning (NB_TCP_RWIN_MIN): once per smoothed round
 * trip, let the window grow to what arrived per round trip plus a queue
 * of as much again, at most NB_TCP_RWIN_QUEUE (split among parts once
 * a queue shows, below): one round at the rate the guest drains, and a
 * bounded backlog in front of it.  The
 * arrivals are scaled to one round trip because a firmware loop may come
 * back late: a 60 ms gap at a 20 ms RTT must not triple the window.  It
 * never shrinks, so the advertised edge never moves back.
 */
/*
 * The round trip auto-tuning counts in: the smallest seen from data
 * echoing our timestamps (what the path takes, without the queue our
 * own window builds), else the sender-side estimate.  Not the SYN's
 * sample alone: on firmware the first ARP can hold the SYN for hundreds
 * of ms, and a round that long would let the window grow by megabytes.
 */
static void rwin_rtt_sample(struct nb_tcp_conn *c, uint32_t r)
{
	if (r > NB_TCP_RTO_MAX_MS)
		return; /* a wrapped or bogus echo */
	if (r == 0)
		r = 1;
	c->rwin_rtt_last = r;
	if (!c->rwin_rtt || r < c->rwin_rtt)
		c->rwin_rtt = r;
}

/* Out of line: it runs once a round trip, and inlined into segment()
 * it cost 70 bytes more at i386 -Os (the size budget). */
__attribute__((noinline)) static void rwin_autotune(struct nb_tcp_conn *c)
{
	uint64_t now = nb_tcp_now(c), arrived;
	uint32_t rtt = c->rwin_rtt ? c->rwin_rtt : c->rtt.srtt8 >> 3, took, got;

	if (!c->rcv_cap)
		return;
	if (!c->rwin_mark_ms || now < c->rwin_mark_ms) {
		c->rwin_mark_ms = now ? now : 1;
		c->rwin_mark_off = c->rcv_off;
		return;
	}
	/* 32-bit arithmetic (no 64-bit division on i386 firmware): windows
	 * past 1 GiB and rounds past a minute mean nothing here. */
	rtt = rtt ? (rtt > 60000u ? 60000u : rtt) : 1u;
	took = now - c->rwin_mark_ms > 60000u ? 60000u
					       : (uint32_t)(now - c->rwin_mark_ms);
	if (took < rtt)
		return;
	arrived = c->rcv_off - c->rwin_mark_off;
	got = arrived > (1u << 30) ? (1u << 30) : (uint32_t)arrived;
	got = got / took * rtt + got % took * rtt / took;
	/* A queue in front of us shows as the latest round trip an eighth
	 * (and 2 ms) past the smallest: the guest sets the pace then, and
	 * the backlog is the guest's, split among the connections
	 * receiving side by side as the floor is.  Before, the senders'
	 * ramps are the limit and each may queue it all.  What a round
	 * granted stays (the window never shrinks).  The latest sample is
	 * never below the smallest: no wrap. */
	uint32_t queue = NB_TCP_RWIN_QUEUE;
	if (c->rwin_rtt_last - c->rwin_rtt > c->rwin_rtt / 8u + 2u)
		queue /= nb_tcp_receivers(c);
	uint64_t want = (uint64_t)got + (got < queue ? got : queue);
	if (want > c->rcv_cap)
		c->rcv_cap = want;
	c->rwin_mark_ms = now;
	c->rwin_mark_off = c->rcv_off;
}

/*
 * Hand payload at stream offset @p off to the consumer.  @p push: the
 * segment carried PSH, so its sender may now wait for our ACK.
 */
static void do_data(struct nb_tcp_conn *c, uint64_t off, const uint8_t *d,
		    size_t n, bool push)
{
	struct nb_tcp_stats *st = &c->t->stats;
	int k;

	if (off + n > c->rcv_adv)
		n = c->rcv_adv > off ? (size_t)(c->rcv_adv - off) : 0;
	if (c->fin_off != UINT64_MAX && off + n > c->fin_off)
		n = c->fin_off > off ? (size_t)(c->fin_off - off) : 0;
	if (n == 0) {
		st->rx_out_of_window++;
		c->ack_now = true;
		return;
	}
	if (off > c->rcv_off) {
		c->ack_now = true; /* out of order: tell the sender now */
		if (nb_rangeset_contains(&c->ooo, off, off + n)) {
			st->rx_dup++;
			return;
		}
		if (!nb_rangeset_can_add(&c->ooo, off, off + n)) {
			st->rx_refused++;
			return;
		}
		k = c->rx.deliver(c->rx.ctx, off, d, n);
		if (k < 0) {
			consumer_failed(c, k);
			return;
		}
		if (k == 0) {
			st->rx_refused++;
			return;
		}
		if ((size_t)k > n)
			k = (int)n;
		st->rx_ooo++;
		c->rx_bytes_ooo += (uint32_t)k;
		(void)nb_rangeset_add(&c->ooo, off, off + (uint64_t)k);
		return;
	}
	/* In order: offer what is left while the consumer takes some. */
	{
		uint64_t start = c->rcv_off;
		bool more = c->ooo.used != 0;
		unsigned every;

		while (n > 0) {
			size_t piece = n > 0x7fffffff ? 0x7fffffff : n;
			k = c->rx.deliver(c->rx.ctx, c->rcv_off, d, piece);
			if (k < 0) {
				consumer_failed(c, k);
				return;
			}
			if (k == 0)
				break;
			if ((size_t)k > piece)
				k = (int)piece;
			c->rcv_off += (uint64_t)k;
			d += k;
			n -= (size_t)k;
			if (!c->t)
				return;
		}
		if (n > 0) {
			st->rx_refused++;
			c->ack_now = true;
		}
		if (c->rcv_off == start)
			return;
		if (nb_rangeset_absorb(&c->ooo, &c->rcv_off) || more)
			c->ack_now = true; /* a hole filled: SACK news */
		rwin_autotune(c);
		/* PSH asks for an ACK at once only before stretching starts.
		 * A server writing as fast as its send buffer drains (nginx's
		 * sendfile) marks PSH on every refill, every few segments:
		 * honouring it would ACK every 2-4 segments, a firmware trip
		 * each, and the held ACK still leaves within
		 * NB_TCP_STRETCH_DELACK_MS at the end of a burst. */
		every = ack_every(c);
		if (++c->ack_pending >= every ||
		    (push && every <= NB_TCP_ACK_EVERY))
			c->ack_now = true;
		else if (c->ack_pending == 1)
			nb_deadline_set(&c->ack_due, nb_tcp_now(c),
					every > NB_TCP_ACK_EVERY
						? NB_TCP_STRETCH_DELACK_MS
						: NB_TCP_DELACK_MS);
		event(c, NB_TCP_EV_DATA);
	}
}

static void synchronized(struct nb_tcp_conn *c, const struct tcp_seg *g)
{
	struct nb_tcp_stats *st = &c->t->stats;
	int32_t diff = (int32_t)(g->seq - tcp_rcv_nxt(c));
	uint64_t base = c->rcv_off + (c->fin_rcvd ? 1u : 0u);
	uint64_t wnd = c->rcv_adv > c->rcv_off ? c->rcv_adv - c->rcv_off : 0;
	uint64_t seg_len = g->plen + ((g->flags & TCP_FIN) ? 1u : 0u);
	uint64_t seg_off;
	bool acceptable, ack_only = false;

	if (diff < 0 && (uint64_t)(-(int64_t)diff) > base) {
		st->rx_out_of_window++; /* before our peer's SYN */
		return;
	}
	seg_off = base + (uint64_t)(int64_t)diff;
	if (c->fin_rcvd)
		wnd = 0;
	if (seg_len == 0)
		acceptable = wnd == 0 ? diff == 0
				      : (diff >= 0 && (uint64_t)diff < wnd) || diff == 0;
	else if (wnd == 0)
		acceptable = ack_only = diff == 0; /* RFC 793: take the ACK */
	else
		acceptable = (diff < 0 || (uint64_t)diff < wnd) &&
			     (int64_t)diff + (int64_t)seg_len > 0;

	if (g->flags & TCP_RST) {
		/* RFC 5961 3.2: only a RST exactly at RCV.NXT resets; one
		 * elsewhere in the window earns a challenge ACK. */
		if (diff == 0) {
			nb_tcp_finish(c, c->state == NB_TCP_LAST_ACK
						 ? 0 : -NB_ECONNRESET);
		} else if (acceptable) {
			st->rx_challenged++;
			c->ack_now = true;
		} else {
			st->rx_out_of_window++;
		}
		return;
	}
	if (!acceptable) {
		if ((int64_t)diff + (int64_t)seg_len <= 0)
			st->rx_dup++;
		else
			st->rx_out_of_window++;
		c->ack_now = true;
		return;
	}
	if (g->flags & TCP_SYN) {
		/* RFC 5961 4.2: any SYN now gets a challenge ACK (which is
		 * also the answer a peer that missed our ACK needs). */
		st->rx_challenged++;
		c->ack_now = true;
		return;
	}
	if (!(g->flags & TCP_ACK)) {
		st->rx_bad++;
		return;
	}
	if (!do_ack(c, g, seg_off) || !c->t)
		return;
	/* RFC 7323 4.3: only from a segment at or before the last ACK
	 * sent, so a held (stretched) ACK echoes the oldest segment it
	 * covers and the sender's RTO includes the time we held it. */
	if (c->ts_ok && g->opt.has_ts && diff <= 0 && !c->ack_pending)
		c->ts_recent = g->opt.tsval;
	if (ack_only) {
		c->ack_now = true;
		st->rx_refused++;
		return;
	}
	if (c->fin_rcvd || c->state == NB_TCP_CLOSE_WAIT ||
	    c->state == NB_TCP_LAST_ACK || c->state == NB_TCP_CLOSING)
		return;
	if ((g->flags & TCP_FIN) && c->fin_off == UINT64_MAX)
		c->fin_off = seg_off + g->plen;
	if (g->plen && c->ts_ok && g->opt.has_ts && g->opt.tsecr)
		rwin_rtt_sample(c, tcp_ts_now(c) - g->opt.tsecr);
	if (g->plen) {
		const uint8_t *d = g->payload;
		size_t n = g->plen;
		uint64_t off = seg_off;
		if (off < c->rcv_off) {
			size_t skip = (size_t)(c->rcv_off - off);
			d += skip;
			n -= skip;
			off = c->rcv_off;
		}
		do_data(c, off, d, n, (g->flags & TCP_PSH) != 0);
		if (!c->t)
			return;
	}
	if (c->fin_off != UINT64_MAX && c->rcv_off > c->fin_off)
		c->fin_off = UINT64_MAX; /* inconsistent FIN: forget it */
	check_fin(c);
}

/* A segment whose checksum and addresses were checked, from @p peer. */
static void segment(struct nb_tcp *t, uint32_t peer, const uint8_t *data,
		    size_t len)
{
	struct nb_stack *s = t->s;
	struct nb_tcp_conn *c;
	struct tcp_seg g;

	if (parse_seg(data, len, &g) < 0) {
		t->stats.rx_bad++;
		return;
	}
	c = lookup(t, peer, &g);
	if (!c) {
		t->stats.rx_no_conn++;
		nb_tcp_send_rst_reply(t, peer, &g);
		return;
	}
	/* Same fix-up as in nb_tcp_poll(): input brings the first clock. */
	if (c->last_now == 0 && s->now > 0 &&
	    nb_deadline_armed(&c->rto_due))
		nb_deadline_set(&c->rto_due, s->now, c->rtt.rto);
	if (s->now > c->last_now)
		c->last_now = s->now;
	c->in_input = true;
	if (c->state == NB_TCP_SYN_SENT)
		syn_sent(c, &g);
	else
		synchronized(c, &g);
	c->in_input = false;
	if (c->t)
		nb_tcp_output(c);
}

void nb_tcp_family_input(struct nb_tcp *t, uint32_t peer, const uint8_t *data,
			 size_t len)
{
	if (!t || !t->fam || !data)
		return;
	t->stats.rx_segments++;
	segment(t, peer, data, len);
}

void nb_tcp_input(void *ctx, struct nb_stack *s, const struct nb_ip_info *ip,
		  const uint8_t *data, size_t len)
{
	struct nb_tcp *t = (struct nb_tcp *)ctx;
	uint32_t sum;

	if (!t || !ip || !data)
		return;
	t->stats.rx_segments++;
	if (ip->link_broadcast || !s->ip || ip->dst != s->ip ||
	    len < NB_TCP_HLEN || len > 0xffff) {
		t->stats.rx_bad++;
		return;
	}
	sum = nb_ip_pseudo_sum(ip->src, ip->dst, NB_IPPROTO_TCP, (uint16_t)len);
	if (nb_csum_fold(nb_csum_add(sum, data, len)) != 0) {
		t->stats.rx_bad_csum++;
		return;
	}
	segment(t, ip->src, data, len);
}
