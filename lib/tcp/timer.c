/* Timers: RFC 6298 RTO with backoff and give-up, ACKs, window updates. */
#include "tcp/tcp_int.h"

/* RFC 6298 section 2, with the samples TCP must not trust dropped. */
void nb_tcp_rtt_sample(struct nb_tcp_conn *c, uint32_t r)
{
	if (r > NB_TCP_RTO_MAX_MS)
		return; /* a wrapped or bogus echo, not a measurement */
	nb_rtt_sample(&c->rtt, r);
}

void nb_tcp_arm_rto(struct nb_tcp_conn *c)
{
	if (!nb_deadline_armed(&c->rto_due))
		nb_deadline_set(&c->rto_due, nb_tcp_now(c), c->rtt.rto);
}

/*
 * The retransmission timer fired.  Back off (RFC 6298 5.5), collapse the
 * congestion window to one segment (RFC 5681 3.1) and go back to the
 * oldest unacknowledged byte.  Returns false when the connection gave up.
 */
static bool rto_expired(struct nb_tcp_conn *c)
{
	bool syn = c->state == NB_TCP_SYN_SENT;
	unsigned limit = syn ? NB_TCP_SYN_RETRIES : NB_TCP_MAX_RETRIES;
	bool probing = c->snd_wnd == 0;

	nb_deadline_clear(&c->rto_due);
	if (syn && c->syn_refused) {
		nb_tcp_output(c);
		return true;
	}
	if (!probing || syn)
		c->retries++;
	if (c->retries >= limit) {
		if (!syn)
			nb_tcp_send_rst(c);
		nb_tcp_finish(c, -NB_ETIMEDOUT);
		return false;
	}
	nb_rtt_backoff(&c->rtt);
	c->rtt_start = 0; /* Karn: no samples from retransmissions */
	if (syn) {
		c->t->stats.tx_retransmits++;
		c->retransmits++;
		nb_tcp_output(c);
		return true;
	}
	{
		uint64_t flight = c->snd_max - c->snd_una;
		uint32_t seg = tcp_seg_max(c);
		uint64_t half = flight / 2;
		c->ssthresh = (uint32_t)(half > 2u * seg ? (half > UINT32_MAX ? UINT32_MAX : half) : 2u * seg);
		c->cwnd = seg;
	}
	c->snd_nxt = c->snd_una;
	c->dupacks = 0;
	/* Zero window: the timer is the persist timer and its segment a
	 * one-byte probe (RFC 1122 4.2.2.17); pretend a window of one. */
	if (c->snd_wnd == 0)
		c->snd_wnd = 1;
	nb_tcp_output(c);
	return true;
}

int nb_tcp_poll(struct nb_tcp_conn *c, uint64_t now_ms)
{
	uint64_t edge;

	if (!c)
		return -NB_EINVAL;
	if (!c->t)
		return c->status;
	/* Connected before the stack ever saw a clock (s->now still 0): the
	 * SYN's timer was armed on time 0 and would fire at once. */
	if (c->last_now == 0 && now_ms > 0 &&
	    nb_deadline_armed(&c->rto_due))
		nb_deadline_set(&c->rto_due, now_ms, c->rtt.rto);
	if (now_ms > c->last_now)
		c->last_now = now_ms;
	if (nb_deadline_expired(&c->rto_due, now_ms) && !rto_expired(c))
		return c->status;
	if (c->state == NB_TCP_SYN_SENT)
		return -NB_EAGAIN;
	/* Window update: the consumer made room (e.g. HTTP left the header
	 * phase, or the sink drained).  Worth a segment after a zero window,
	 * or once the edge moved by two segments and by at least as much as
	 * the sender may still send: with a window of megabytes the edge
	 * moves with every segment received, and an update for that would
	 * undo the stretched ACKs while telling the sender nothing useful. */
	nb_tcp_rcv_window(c, &edge);
	if (!c->fin_rcvd && edge > c->rcv_last &&
	    (c->rcv_last <= c->rcv_off ||
	     (edge - c->rcv_last >= 2u * (uint64_t)c->rcv_mss &&
	      edge - c->rcv_last >= c->rcv_last - c->rcv_off)))
		c->ack_now = true;
	if (c->ack_pending && nb_deadline_expired(&c->ack_due, now_ms))
		c->ack_now = true;
	nb_tcp_output(c);
	return c->t ? -NB_EAGAIN : c->status;
}

struct nb_deadline nb_tcp_next_deadline(void *ctx, uint64_t now_ms)
{
	const struct nb_tcp *t = ctx;
	struct nb_deadline due = {0};
	(void)now_ms;
	for (const struct nb_tcp_conn *c = t->conns; c; c = c->next) {
		due = nb_deadline_earliest(due, c->rto_due);
		if (c->ack_pending)
			due = nb_deadline_earliest(due, c->ack_due);
	}
	return due;
}
