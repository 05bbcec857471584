/* Unit tests of lib/tcp: crafted segments and time, one concern each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tcp_harness.h"

static uint8_t pat[1 << 16];

static int setup(void **state)
{
	struct th *h = th_new();
	for (size_t i = 0; i < sizeof(pat); i++)
		pat[i] = (uint8_t)(i * 7 + (i >> 8));
	if (!h)
		return -1;
	*state = h;
	return 0;
}

static int teardown(void **state)
{
	th_free(*state);
	return 0;
}

/* A connected harness with every option negotiated. */
static struct th *up(void **state)
{
	struct th *h = *state;
	assert_int_equal(th_connect(h), 0);
	th_synack(h, true, true, true, true, 65535);
	assert_int_equal(nb_tcp_state(&h->c), NB_TCP_ESTABLISHED);
	h->nout = 0;
	return h;
}

static void test_syn_options(void **state)
{
	struct th *h = *state;
	const struct th_out *o;

	assert_int_equal(th_connect(h), 0);
	assert_int_equal(h->nout, 1);
	o = &h->out[0];
	assert_int_equal(o->flags, 0x02);
	assert_true(o->has_mss);
	assert_int_equal(o->mss, 1460);
	assert_true(o->has_ws);
	assert_int_equal(o->ws, NB_TCP_WSCALE);
	assert_true(o->sack_perm);
	assert_true(o->has_ts);
	assert_int_equal(o->dport, TH_PEER_PORT);
	assert_true(o->sport >= NB_EPHEMERAL_LOW);
	assert_int_equal(o->wnd, 65535); /* SYN window is unscaled */
	assert_int_equal(th_poll(h, 10), -NB_EAGAIN);
	assert_false(nb_tcp_established(&h->c));
}

/* A SYN the link could not take (a full transmit ring) goes again within
 * a few ms, not after the 1 s initial RTO. */
static void test_syn_refused_resent(void **state)
{
	struct th *h = *state;
	h->tx_fail = 1;
	assert_int_equal(th_connect(h), 0);
	assert_int_equal(h->nout, 0);
	th_poll(h, 10);
	assert_int_equal(h->nout, 1);
	assert_int_equal(h->out[0].flags, 0x02);
}

/* A link that refuses SYN after SYN (a full transmit queue for tens of
 * ms) costs the connection no retry and no backoff: nothing was lost,
 * so once the link takes one, exactly one SYN is out and the RTO is
 * the initial one (before, every 5 ms resend counted as a timeout and
 * five refusals ended the connection). */
static void test_syn_refused_many(void **state)
{
	struct th *h = *state;
	h->tx_fail = 6;
	assert_int_equal(th_connect(h), 0);
	for (int i = 0; i < 8; i++)
		assert_int_equal(th_poll(h, 5), -NB_EAGAIN);
	assert_int_equal(h->nout, 1);
	assert_int_equal(h->out[0].flags, 0x02);
	assert_int_equal(h->c.retries, 0);
	assert_int_equal(h->c.retransmits, 0);
	assert_int_equal(h->c.rtt.rto, NB_TCP_RTO_INIT_MS);
}

/* A SYN the ARP queue could not park (more connections to a host not
 * yet resolved than the queue holds) is offered again within a few ms,
 * not after the initial RTO: parts connecting together at first contact
 * start together. */
static void test_syn_arp_queue_full(void **state)
{
	struct th *h = *state;
	static struct nb_tcp_conn c[NB_ARP_QUEUE_LEN + 1];
	static uint8_t sb[NB_ARP_QUEUE_LEN + 1][64];
	assert_int_equal(th_connect(h), 0);
	struct nb_tcp_rx rx = h->c.rx;
	for (unsigned i = 0; i <= NB_ARP_QUEUE_LEN; i++)
		assert_int_equal(nb_tcp_connect(&c[i], &h->t, TH_PEER_IP + 7,
						TH_PEER_PORT, &rx, sb[i],
						sizeof(sb[i])),
				 0);
	for (unsigned i = 0; i < NB_ARP_QUEUE_LEN; i++)
		assert_int_equal(c[i].syn_refused, 0);
	assert_int_equal(c[NB_ARP_QUEUE_LEN].syn_refused, 1);
	assert_true(nb_deadline_expired(&c[NB_ARP_QUEUE_LEN].rto_due,
					h->now + 5)); /* TCP_REFUSED_RESEND_MS */
	for (unsigned i = 0; i <= NB_ARP_QUEUE_LEN; i++)
		nb_tcp_abort(&c[i]);
}

/* An ACK or data the link refused go at the next poll: the ACK stays
 * owed and the data unsent (before, both counted as sent, and a lost
 * request or last ACK waited for an RTO, ours or the sender's). */
static void test_refused_ack_and_data_resent(void **state)
{
	struct th *h = *state;
	uint8_t d[200];
	memset(d, 'x', sizeof(d));
	assert_int_equal(th_connect(h), 0);
	th_synack(h, true, true, true, true, 65535);
	size_t n0 = h->nout;
	h->tx_fail = 1;
	th_data(h, 0, d, 100);
	th_data(h, 100, d, 100);
	assert_int_equal(h->nout, n0);
	th_poll(h, 0);
	assert_int_equal(h->nout, n0 + 1);
	assert_int_equal(th_last(h)->ack, th_peer_seq(200));
	h->tx_fail = 1;
	assert_int_equal(nb_tcp_send(&h->c, "GET /", 5), 5);
	assert_int_equal(h->nout, n0 + 1);
	th_poll(h, 0);
	assert_int_equal(h->nout, n0 + 2);
	assert_int_equal(th_last(h)->plen, 5);
	assert_int_equal(th_last(h)->seq, th_our_seq(h, 0));
	assert_int_equal(h->c.retransmits, 0);
}

static void test_handshake(void **state)
{
	struct th *h = *state;
	const struct th_out *o;

	assert_int_equal(th_connect(h), 0);
	th_synack(h, true, true, true, true, 65535);
	assert_true(nb_tcp_established(&h->c));
	assert_int_equal(h->events[0], NB_TCP_EV_CONNECTED);
	o = th_last(h);
	assert_non_null(o);
	assert_int_equal(o->flags, 0x10);
	assert_int_equal(o->seq, h->our_isn + 1);
	assert_int_equal(o->ack, TH_PEER_ISN + 1);
	/* 1 MiB of space, limited to NB_TCP_RWIN_MIN until the window has
	 * grown with the transfer, scaled by 2^9. */
	assert_int_equal(o->wnd, (NB_TCP_RWIN_MIN < TH_SINK_CAP ? NB_TCP_RWIN_MIN
								 : TH_SINK_CAP) >> NB_TCP_WSCALE);
	assert_true(o->has_ts);
	assert_int_equal(o->tsecr, 5000);
	assert_int_equal(h->c.mss, 1460);
	assert_int_equal(h->c.snd_wscale, 7);
	assert_true(h->c.sack_ok);
}

static void test_handshake_no_options(void **state)
{
	struct th *h = *state;
	const struct th_out *o;

	assert_int_equal(th_connect(h), 0);
	th_synack(h, false, false, false, false, 8192);
	assert_true(nb_tcp_established(&h->c));
	assert_int_equal(h->c.mss, 536);
	assert_int_equal(h->c.rcv_wscale, 0);
	o = th_last(h);
	assert_false(o->has_ts);
	assert_int_equal(o->wnd, 65535); /* unscaled, clamped */
}

static void test_synack_wrong_ack(void **state)
{
	struct th *h = *state;
	assert_int_equal(th_connect(h), 0);
	h->nout = 0;
	th_seg(h, 0x12, TH_PEER_ISN, h->our_isn + 5, 1000, NULL, 0, NULL, 0);
	assert_int_equal(nb_tcp_state(&h->c), NB_TCP_SYN_SENT);
	assert_int_equal(h->t.stats.rx_bad_ack, 1);
	/* A RST that does not acknowledge our SYN is ignored too. */
	th_seg(h, 0x04, 0, 0, 0, NULL, 0, NULL, 0);
	assert_int_equal(nb_tcp_state(&h->c), NB_TCP_SYN_SENT);
}

static void test_refused(void **state)
{
	struct th *h = *state;
	assert_int_equal(th_connect(h), 0);
	th_seg(h, 0x14, 0, h->our_isn + 1, 0, NULL, 0, NULL, 0);
	assert_int_equal(th_poll(h, 1), -NB_ECONNREFUSED);
	assert_null(h->t.conns);
}

static void test_malformed_options(void **state)
{
	struct th *h = *state;
	/* Option length 0 would loop forever in a careless parser. */
	static const uint8_t zero_len[] = {2, 0, 1, 1};
	/* Length runs past the header. */
	static const uint8_t too_long[] = {1, 1, 8, 30};
	/* A kind byte with no length byte at the very end. */
	static const uint8_t truncated[] = {1, 1, 1, 3};
	/* Wrong fixed lengths are ignored, unknown kinds skipped. */
	static const uint8_t odd[] = {2, 3, 5, 99, 2, 0, 0, 0};

	assert_int_equal(th_connect(h), 0);
	th_seg(h, 0x12, TH_PEER_ISN, h->our_isn + 1, 1000, zero_len, 4, NULL, 0);
	th_seg(h, 0x12, TH_PEER_ISN, h->our_isn + 1, 1000, too_long, 4, NULL, 0);
	th_seg(h, 0x12, TH_PEER_ISN, h->our_isn + 1, 1000, truncated, 4, NULL, 0);
	assert_int_equal(h->t.stats.rx_bad, 3);
	assert_int_equal(nb_tcp_state(&h->c), NB_TCP_SYN_SENT);
	th_seg(h, 0x12, TH_PEER_ISN, h->our_isn + 1, 1000, odd, 8, NULL, 0);
	assert_int_equal(nb_tcp_state(&h->c), NB_TCP_ESTABLISHED);
	assert_int_equal(h->c.mss, 536); /* malformed MSS option ignored */
}

static void test_tiny_mss_clamped(void **state)
{
	struct th *h = *state;
	static const uint8_t o[] = {2, 4, 0, 1, 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0};
	assert_int_equal(th_connect(h), 0);
	th_seg(h, 0x12, TH_PEER_ISN, h->our_isn + 1, 1000, o, sizeof(o), NULL, 0);
	assert_true(nb_tcp_established(&h->c));
	assert_int_equal(h->c.mss, 64);
	assert_int_equal(nb_tcp_send(&h->c, pat, 500), 500);
	assert_true(h->nout >= 3);
	assert_int_equal(h->out[h->nout - 2].plen, 64 - 12);
}

static void test_in_order_and_ack_every_second(void **state)
{
	struct th *h = up(state);
	size_t n0;

	th_data(h, 0, pat, 1448);
	assert_int_equal(h->nout, 0); /* first segment: ACK held */
	th_data(h, 1448, pat + 1448, 1448);
	assert_int_equal(h->nout, 1);
	assert_int_equal(th_last(h)->ack, th_peer_seq(2896));
	assert_int_equal(nb_tcp_rx_offset(&h->c), 2896);
	assert_memory_equal(h->sink, pat, 2896);
	n0 = h->nout;
	th_data(h, 2896, pat + 2896, 100);
	assert_int_equal(h->nout, n0);
	/* ...and the odd one is acknowledged at the next poll, no stall. */
	assert_int_equal(th_poll(h, 0), -NB_EAGAIN);
	assert_int_equal(h->nout, n0 + 1);
	assert_int_equal(th_last(h)->ack, th_peer_seq(2996));
}

/* Feed in-order full segments from @p off up to @p end; returns @p end. */
static uint64_t feed(struct th *h, uint64_t off, uint64_t end, uint8_t flags)
{
	for (; off < end; off += 1448)
		th_seg(h, flags, th_peer_seq(off), h->c.iss + 1 + (uint32_t)h->c.snd_max,
		       65535, NULL, 0, pat, 1448);
	return end;
}

static void test_stretch_acks(void **state)
{
	struct th *h = up(state);
	uint64_t off = 0;

	/* Start of the connection: every second segment, whatever the
	 * window. */
	off = feed(h, off, 16 * 1448, 0x10);
	assert_int_equal(h->nout, 8);
	/* Past NB_TCP_QUICKACK_BYTES with a window of ~800 KiB: one ACK
	 * covers NB_TCP_ACK_STRETCH segments. */
	off = feed(h, off, 182 * 1448, 0x10); /* 263536 bytes */
	assert_int_equal(th_poll(h, 0), -NB_EAGAIN);
	h->nout = 0;
	off = feed(h, off, off + 2 * NB_TCP_ACK_STRETCH * 1448, 0x10);
	assert_int_equal(h->nout, 2);
	assert_int_equal(th_last(h)->ack, th_peer_seq(off));
	/* A held stretched ACK does not leave at a poll at the same time
	 * (firmware polls far faster than frames arrive)... */
	off = feed(h, off, off + 3 * 1448, 0x10);
	assert_int_equal(th_poll(h, 0), -NB_EAGAIN);
	assert_int_equal(h->nout, 2);
	/* ...but after NB_TCP_STRETCH_DELACK_MS. */
	assert_int_equal(th_poll(h, NB_TCP_STRETCH_DELACK_MS), -NB_EAGAIN);
	assert_int_equal(h->nout, 3);
	assert_int_equal(th_last(h)->ack, th_peer_seq(off));
	/* PSH while stretching: a server refilling its send buffer marks
	 * one every few segments, so it is held like any other segment... */
	off = feed(h, off, off + 1448, 0x18);
	assert_int_equal(h->nout, 3);
	/* ...and leaves after NB_TCP_STRETCH_DELACK_MS all the same. */
	assert_int_equal(th_poll(h, 2 * NB_TCP_STRETCH_DELACK_MS), -NB_EAGAIN);
	assert_int_equal(h->nout, 4);
	assert_int_equal(th_last(h)->ack, th_peer_seq(off));
	/* Out of order: at once, with SACK. */
	feed(h, off + 1448, off + 2 * 1448, 0x10);
	assert_int_equal(h->nout, 5);
	assert_int_equal(th_last(h)->nsack, 1);
	/* A small window (the consumer is nearly full): every second. */
	h->limit = off + 20 * 1448;
	assert_int_equal(th_poll(h, 0), -NB_EAGAIN);
	h->nout = 0;
	feed(h, off, off + 1448, 0x10);
	assert_int_equal(h->nout, 1); /* the hole filled */
	off += 2 * 1448;
	off = feed(h, off, off + 4 * 1448, 0x10);
	assert_int_equal(h->nout, 3);
}

/* Before stretching starts (a response's headers, a short file), PSH
 * marks where the sender waits for us: acknowledged at once. */
static void test_push_before_stretch(void **state)
{
	struct th *h = up(state);
	uint64_t off = feed(h, 0, 2 * 1448, 0x10);

	assert_int_equal(h->nout, 1);
	off = feed(h, off, off + 1448, 0x18);
	assert_int_equal(h->nout, 2);
	assert_int_equal(th_last(h)->ack, th_peer_seq(off));
}

static void test_ooo_sack(void **state)
{
	struct th *h = up(state);
	const struct th_out *o;

	th_data(h, 2000, pat + 2000, 1000);
	o = th_last(h);
	assert_non_null(o); /* immediate ACK on out-of-order data */
	assert_int_equal(o->ack, th_peer_seq(0));
	assert_int_equal(o->nsack, 1);
	assert_int_equal(o->sack[0][0], th_peer_seq(2000));
	assert_int_equal(o->sack[0][1], th_peer_seq(3000));
	/* Landed at its final offset already. */
	assert_memory_equal(h->sink + 2000, pat + 2000, 1000);
	assert_int_equal(nb_tcp_rx_offset(&h->c), 0);

	th_data(h, 4000, pat + 4000, 500);
	o = th_last(h);
	assert_int_equal(o->nsack, 2);
	assert_int_equal(o->sack[0][0], th_peer_seq(4000)); /* newest first */
	/* Duplicate of held data: counted, ACKed, not delivered twice. */
	th_data(h, 2000, pat + 2000, 1000);
	assert_int_equal(h->t.stats.rx_dup, 1);

	/* The hole fills: the in-order point jumps over held data. */
	th_data(h, 0, pat, 1000);
	th_data(h, 1000, pat + 1000, 1000);
	o = th_last(h);
	assert_int_equal(o->ack, th_peer_seq(3000));
	assert_int_equal(o->nsack, 1);
	th_data(h, 3000, pat + 3000, 1000);
	o = th_last(h);
	assert_int_equal(o->ack, th_peer_seq(4500));
	assert_int_equal(o->nsack, 0);
	assert_memory_equal(h->sink, pat, 4500);
}

static void test_scoreboard_bound(void **state)
{
	struct th *h = up(state);
	unsigned i;

	for (i = 0; i < NB_TCP_SACK_SLOTS + 1; i++)
		th_data(h, 1000 + 2000 * i, pat, 100);
	assert_int_equal(h->t.stats.rx_ooo, NB_TCP_SACK_SLOTS);
	assert_int_equal(h->t.stats.rx_refused, 1);
	/* Adjacent to a held range merges, so it still fits. */
	th_data(h, 1100, pat, 100);
	assert_int_equal(h->t.stats.rx_ooo, NB_TCP_SACK_SLOTS + 1);
	assert_true(th_last(h)->nsack >= 1);
	assert_int_equal(th_last(h)->nsack, 3); /* TS leaves room for 3 */
}

static void test_consumer_refuses_ooo(void **state)
{
	struct th *h = up(state);
	h->refuse_ooo = 1;
	th_data(h, 1000, pat, 500);
	assert_int_equal(th_last(h)->nsack, 0); /* not held, not SACKed */
	assert_int_equal(h->t.stats.rx_refused, 1);
	assert_int_equal(h->delivered, 0);
}

static void test_window_is_space(void **state)
{
	struct th *h = up(state);
	const struct th_out *o;

	h->limit = 3000;
	th_data(h, 0, pat, 1000);
	th_poll(h, 0);
	o = th_last(h);
	/* 2000 bytes left, rounded up to the 512-byte unit (the least a
	 * scaled window can say without hiding the last bytes). */
	assert_int_equal(o->wnd, (2000 + 511) >> NB_TCP_WSCALE);
	/* Data beyond the space is refused by the consumer, not acked. */
	th_data(h, 1000, pat + 1000, 1448);
	th_data(h, 2448, pat + 2448, 1000);
	assert_int_equal(nb_tcp_rx_offset(&h->c), 3000);
	assert_int_equal(th_last(h)->ack, th_peer_seq(3000));
	th_poll(h, 0);
	assert_int_equal(th_last(h)->wnd, 0);
	/* The consumer gets room: the poll announces it unasked. */
	h->nout = 0;
	h->limit = 200000;
	th_poll(h, 1);
	assert_int_equal(h->nout, 1);
	assert_int_equal(th_last(h)->wnd, (200000 - 3000 + 511) >> NB_TCP_WSCALE);
}

static void test_window_megabytes(void **state)
{
	struct th *h = *state;
	/* A consumer with 64 MiB of room: the largest scaled window, 32 MiB,
	 * enough for 1 Gbit/s at 250 ms.  No memory of ours backs it. */
	h->limit = 64ull << 20;
	assert_int_equal(th_connect(h), 0);
	th_synack(h, true, true, true, true, 65535);
	assert_int_equal(th_last(h)->wnd, NB_TCP_RWIN_MIN >> NB_TCP_WSCALE);
	/* Once auto-tuning has let it grow (or with it off), the window
	 * update goes out unasked. */
	h->c.rcv_cap = 0;
	h->nout = 0;
	th_poll(h, 1);
	assert_int_equal(h->nout, 1);
	assert_int_equal(th_last(h)->wnd, 65535);
	assert_int_equal((uint64_t)th_last(h)->wnd << NB_TCP_WSCALE,
			 (32ull << 20) - (1u << NB_TCP_WSCALE));
	/* Data far ahead of the in-order point is accepted and SACKed. */
	th_data(h, 900000, pat, 1000);
	assert_int_equal(h->t.stats.rx_ooo, 1);
	assert_int_equal(th_last(h)->sack[0][0], th_peer_seq(900000));
	assert_memory_equal(h->sink + 900000, pat, 1000);
}

/* The window starts at NB_TCP_RWIN_MIN and grows to what arrived in a
 * round trip plus at most NB_TCP_RWIN_QUEUE, so a sender's slow start
 * cannot overshoot by more than that queue; it never moves its edge
 * back.  (The old rule, twice the round, gives more than that here.) */
static void test_rwin_autotune(void **state)
{
	struct th *h = *state;
	/* A round of 0.6 x NB_TCP_RWIN_MIN: twice it is past the floor. */
	uint64_t off = 0, round = (NB_TCP_RWIN_MIN / 1448 * 3 / 5 + 1) * 1448;

	h->limit = 64ull << 20;
	assert_int_equal(th_connect(h), 0);
	th_synack(h, true, true, true, true, 65535);
	assert_int_equal(th_last(h)->wnd, NB_TCP_RWIN_MIN >> NB_TCP_WSCALE);
	/* Beyond the window: refused, not placed. */
	th_data(h, NB_TCP_RWIN_MIN + 1448, pat, 1000);
	assert_int_equal(h->t.stats.rx_ooo, 0);
	/* One round trip (the handshake measured under 1 ms) brings a
	 * round's worth of segments... */
	th_data(h, off, pat, 1448);
	off += 1448;
	for (; off < round + 1448; off += 1448)
		th_data(h, off, pat, 1448);
	th_poll(h, 1);
	/* ...and the next segment after it lets the window grow to twice. */
	h->nout = 0;
	th_data(h, off, pat, 1448);
	off += 1448;
	th_poll(h, 2);
	/* (The round is counted from the first segment's end.) */
	round = off - 1448;
	uint64_t want = round + (round < NB_TCP_RWIN_QUEUE ? round
							 : NB_TCP_RWIN_QUEUE);
	assert_true(round > NB_TCP_RWIN_QUEUE);
	assert_int_equal(h->c.rcv_cap, want);
	assert_true(h->c.rcv_cap < 2 * round);
	assert_non_null(th_last(h));
	assert_int_equal(th_last(h)->wnd,
			 (want + (1u << NB_TCP_WSCALE) - 1) >> NB_TCP_WSCALE);
	/* A slower round never shrinks it. */
	th_data(h, off, pat, 1448);
	th_poll(h, 5);
	th_data(h, off + 1448, pat, 1448);
	assert_int_equal(h->c.rcv_cap, want);
}

/* Connected at a round trip of @p rtt ms (the handshake's sample), to a
 * consumer with room for anything. */
static struct th *up_at_rtt(void **state, unsigned rtt)
{
	struct th *h = *state;
	h->limit = 1ull << 40;
	h->discard = true;
	assert_int_equal(th_connect(h), 0);
	th_poll(h, rtt);
	th_synack(h, true, true, true, true, 65535);
	assert_int_equal(nb_tcp_state(&h->c), NB_TCP_ESTABLISHED);
	return h;
}

/* @p n full segments in order from *@p off, all at the current time. */
static void burst(struct th *h, uint64_t *off, unsigned n)
{
	for (; n; n--, *off += 1448)
		th_data(h, *off, pat, 1448);
}

/* Arrivals that stop growing (the guest is the bottleneck) keep the
 * window bounded: steady arrivals give one round plus
 * NB_TCP_RWIN_QUEUE, and rounds that alternate fast and slow (a
 * firmware loop's jitter) the fastest round plus that.  A growth rule
 * that compared each round with the one before saw a ramp at every fast
 * round and opened the window to 8 MB in a 20 ms UEFI boot (branch
 * rwin, docs/PERFORMANCE.md). */
static void test_rwin_flat(void **state)
{
	struct th *h = up_at_rtt(state, 80);
	uint64_t off = 0, cap = 0;
	uint32_t round = 6 * 80 * 1448, most = 7 * 80 * 1448;

	for (int ms = 0; ms < 12 * 80; ms++) {
		burst(h, &off, 6);
		th_poll(h, 1);
		if (ms == 3 * 80)
			cap = h->c.rcv_cap;
	}
	assert_int_equal(h->c.rcv_cap, round + NB_TCP_RWIN_QUEUE);
	assert_int_equal(cap, h->c.rcv_cap);
	for (int ms = 0; ms < 20 * 80; ms++) {
		burst(h, &off, ms / 80 % 2 ? 5 : 7);
		th_poll(h, 1);
		if (ms == 4 * 80)
			cap = h->c.rcv_cap;
	}
	assert_int_equal(cap, h->c.rcv_cap);
	assert_int_equal(h->c.rcv_cap, most + NB_TCP_RWIN_QUEUE);
}

/* Connections receiving side by side (a download in parts) share the
 * floor: each advertises NB_TCP_RWIN_MIN / n, so n parts queue no more
 * in front of the guest than one connection.  (The old rule gave each
 * its own NB_TCP_RWIN_MIN.) */
static void test_rwin_shared(void **state)
{
	struct th *h = *state;
	struct nb_tcp_conn other;

	h->limit = 64ull << 20;
	assert_int_equal(th_connect(h), 0);
	th_synack(h, true, true, true, true, 65535);
	assert_int_equal(th_last(h)->wnd, NB_TCP_RWIN_MIN >> NB_TCP_WSCALE);
	/* A second established receiver on the same demultiplexer (its
	 * ports match no segment here). */
	memset(&other, 0, sizeof(other));
	other.state = NB_TCP_ESTABLISHED;
	other.rcv_cap = 1;
	other.t = &h->t;
	other.next = h->t.conns;
	h->t.conns = &other;
	h->nout = 0;
	th_data(h, 0, pat, 1448);
	th_poll(h, 50);
	assert_non_null(th_last(h));
	assert_int_equal(th_last(h)->wnd, (NB_TCP_RWIN_MIN / 2) >> NB_TCP_WSCALE);
	h->t.conns = other.next;
}

/* A full segment at @p off echoing a timestamp of ours sent @p rtt ms
 * ago: the receiver's round-trip sample. */
static void data_echoing(struct th *h, uint64_t off, unsigned rtt)
{
	uint8_t o[12] = {1, 1, 8, 10};
	nb_put32(o + 4, 7000);
	nb_put32(o + 8, (uint32_t)(h->now - rtt) + h->c.ts_offset);
	th_seg(h, 0x10, th_peer_seq(off), h->c.iss + 1 + (uint32_t)h->c.snd_max,
	       65535, o, sizeof(o), pat, 1448);
}

/* The window of a receiver beside @p others more (at most 2) at an
 * 80 ms path: 3 segments a ms, then 6 a ms whose samples show
 * @p queue_ms more. */
static uint64_t rwin_beside(void **state, unsigned others, unsigned queue_ms)
{
	struct th *h = up_at_rtt(state, 80);
	struct nb_tcp_conn other[2];
	uint64_t off = 0;

	memset(other, 0, sizeof(other));
	for (unsigned i = 0; i < others; i++) {
		other[i].state = NB_TCP_ESTABLISHED;
		other[i].rcv_cap = 1;
		other[i].t = &h->t;
		other[i].next = h->t.conns;
		h->t.conns = &other[i];
	}
	for (int ms = 0; ms < 2 * 6 * 80; ms++) {
		for (int k = 0; k < (ms < 6 * 80 ? 3 : 6); k++, off += 1448)
			data_echoing(h, off, ms < 6 * 80 ? 80 : 80 + queue_ms);
		th_poll(h, 1);
	}
	uint64_t cap = h->c.rcv_cap;
	th_reset(h); /* unlinks the others, which live on this stack */
	return cap;
}

/* Side-by-side receivers split NB_TCP_RWIN_QUEUE once the round trip
 * shows a queue in front of them (the guest sets the pace): parts keep
 * no more waiting than one connection would.  While it does not, each
 * may queue it all, so the senders' ramps are not slowed; one
 * connection keeps it all either way.  (docs/PERFORMANCE.md, "Parts and
 * the receive queue".) */
static void test_rwin_queue_shared(void **state)
{
	uint32_t round = 6 * 80 * 1448, q = NB_TCP_RWIN_QUEUE;

	assert_true(round > q);
	assert_int_equal(rwin_beside(state, 1, 0), round + q);
	assert_int_equal(rwin_beside(state, 1, 20), round + q / 2);
	assert_int_equal(rwin_beside(state, 2, 20), round + q / 3);
	assert_int_equal(rwin_beside(state, 0, 20), round + q);
	/* The margin: an eighth of the smallest and 2 ms (80 + 10 + 2). */
	assert_int_equal(rwin_beside(state, 1, 12), round + q);
	assert_int_equal(rwin_beside(state, 1, 13), round + q / 2);
}

static void test_zero_window_drops_data(void **state)
{
	struct th *h = up(state);
	h->limit = 0;
	th_poll(h, 0); /* the edge already advertised stays: window shrinks */
	th_data(h, 0, pat, 1000);
	assert_int_equal(nb_tcp_rx_offset(&h->c), 0);
	assert_int_equal(h->delivered, 0);
	assert_int_equal(th_last(h)->ack, th_peer_seq(0));
}

static void test_rst_validation(void **state)
{
	struct th *h = up(state);

	/* In window but not exact: challenge ACK, connection stays. */
	th_seg(h, 0x04, th_peer_seq(5000), 0, 0, NULL, 0, NULL, 0);
	assert_int_equal(h->t.stats.rx_challenged, 1);
	assert_int_equal(h->nout, 1);
	assert_int_equal(th_last(h)->ack, th_peer_seq(0));
	assert_true(nb_tcp_established(&h->c));
	/* Outside the window: silently dropped. */
	th_seg(h, 0x04, th_peer_seq(0) + 0x40000000u, 0, 0, NULL, 0, NULL, 0);
	assert_int_equal(h->nout, 1);
	assert_true(nb_tcp_established(&h->c));
	/* A SYN in a synchronized state: challenge ACK as well. */
	th_seg(h, 0x02, th_peer_seq(0), 0, 0, NULL, 0, NULL, 0);
	assert_int_equal(h->t.stats.rx_challenged, 2);
	assert_true(nb_tcp_established(&h->c));
	/* Exactly at RCV.NXT: reset. */
	th_seg(h, 0x04, th_peer_seq(0), 0, 0, NULL, 0, NULL, 0);
	assert_int_equal(th_poll(h, 1), -NB_ECONNRESET);
}

static void test_blind_data_and_bad_ack(void **state)
{
	struct th *h = up(state);
	/* ACK of data we never sent (RFC 5961 5.2): dropped, ACK sent. */
	th_seg(h, 0x10, th_peer_seq(0), h->our_isn + 1 + 5000, 1000, NULL, 0,
	       pat, 100);
	assert_int_equal(h->t.stats.rx_bad_ack, 1);
	assert_int_equal(h->delivered, 0);
	/* Without ACK flag: dropped. */
	th_seg(h, 0x00, th_peer_seq(0), 0, 1000, NULL, 0, pat, 100);
	assert_int_equal(h->delivered, 0);
	/* Far outside the window. */
	th_seg(h, 0x10, th_peer_seq(0) + 0x7000000u, h->our_isn + 1, 1000,
	       NULL, 0, pat, 100);
	assert_int_equal(h->delivered, 0);
	assert_int_equal(h->t.stats.rx_out_of_window, 1);
}

static void test_bad_checksum_and_no_conn(void **state)
{
	struct th *h = up(state);
	uint8_t seg[20] = {0};

	nb_put16(seg, TH_PEER_PORT);
	nb_put16(seg + 2, h->c.src_port);
	seg[12] = 5 << 4;
	seg[13] = 0x10;
	nb_put16(seg + 16, 0x1234);
	th_raw(h, seg, 20, false);
	assert_int_equal(h->t.stats.rx_bad_csum, 1);
	/* Unknown port: answered with a RST whose seq is the ACK number. */
	nb_put16(seg + 2, 1234);
	nb_put32(seg + 8, 777);
	th_raw(h, seg, 20, true);
	assert_int_equal(h->t.stats.rx_no_conn, 1);
	assert_int_equal(th_last(h)->flags & 0x04, 0x04);
	assert_int_equal(th_last(h)->seq, 777);
	/* A RST is never answered. */
	h->nout = 0;
	seg[13] = 0x04;
	th_raw(h, seg, 20, true);
	assert_int_equal(h->nout, 0);
	/* Truncated header. */
	th_raw(h, seg, 12, true);
	assert_int_equal(h->t.stats.rx_bad, 1);
}

static void test_send_before_established(void **state)
{
	struct th *h = *state;
	const struct th_out *o;

	assert_int_equal(th_connect(h), 0);
	assert_int_equal(nb_tcp_send(&h->c, "GET / HTTP/1.1\r\n\r\n", 18), 18);
	assert_int_equal(h->nout, 1); /* still just the SYN */
	th_synack(h, true, true, true, true, 65535);
	o = th_last(h);
	assert_int_equal(o->plen, 18);
	assert_int_equal(o->seq, h->our_isn + 1);
	assert_memory_equal(o->payload, "GET / HTTP/1.1\r\n\r\n", 18);
	assert_int_equal(nb_tcp_send_space(&h->c), sizeof(h->sbuf) - 18);
	h->nevents = 0;
	th_data(h, 0, pat, 10); /* acks the request */
	assert_int_equal(nb_tcp_tx_acked(&h->c), 18);
	assert_int_equal(nb_tcp_send_space(&h->c), sizeof(h->sbuf));
	assert_int_equal(h->events[0], NB_TCP_EV_SENT);
}

static void test_send_full_segments_with_sack(void **state)
{
	struct th *h = up(state);
	static uint8_t big[3000];

	th_data(h, 5000, pat, 100); /* now every ACK wants to carry SACK */
	h->nout = 0;
	assert_int_equal(nb_tcp_send(&h->c, big, sizeof(big)), (int)sizeof(big));
	assert_int_equal(h->nout, 3);
	/* Full segments leave no option room for SACK: data first, and the
	 * stream stays contiguous. */
	assert_int_equal(h->out[0].plen, 1448);
	assert_int_equal(h->out[0].nsack, 0);
	assert_int_equal(h->out[1].seq, h->out[0].seq + 1448);
	assert_int_equal(h->out[1].plen, 1448);
	assert_int_equal(h->out[2].seq, h->out[1].seq + 1448);
	assert_int_equal(h->out[2].plen, 3000 - 2 * 1448);
	assert_int_equal(h->out[2].nsack, 1);
}

static void test_send_ring_wraps(void **state)
{
	struct th *h = up(state);
	size_t total = 0;
	/* Push 3 ring-fulls through, acking as we go. */
	while (total < 3 * sizeof(h->sbuf)) {
		int n = nb_tcp_send(&h->c, pat + (total % 30000), 1000);
		assert_true(n > 0);
		total += (size_t)n;
		th_seg(h, 0x10, th_peer_seq(0), th_our_seq(h, (uint32_t)total),
		       65535, NULL, 0, NULL, 0);
		assert_int_equal(nb_tcp_tx_acked(&h->c), total);
		assert_memory_equal(th_last(h)->payload,
				    pat + ((total - (size_t)n) % 30000),
				    (size_t)n);
	}
}

static void test_retransmit_backoff_giveup(void **state)
{
	struct th *h = up(state);
	uint64_t t = 0, last = 0;
	unsigned rtx = 0;
	int rc;

	assert_int_equal(nb_tcp_send(&h->c, "hello", 5), 5);
	h->nout = 0;
	for (t = 0; t < 10 * 60 * 1000; t += 10) {
		rc = th_poll(h, 10);
		if (h->nout > rtx) {
			const struct th_out *o = th_last(h);
			if (o->flags & 0x04)
				break;
			assert_int_equal(o->plen, 5);
			assert_int_equal(o->seq, h->our_isn + 1);
			/* Each interval at least doubles (RTO clamped). */
			if (rtx >= 2)
				assert_true(t - last >= 390);
			last = t;
			rtx = (unsigned)h->nout;
		}
		if (rc != -NB_EAGAIN)
			break;
	}
	if (rc == -NB_EAGAIN)
		rc = th_poll(h, 0);
	assert_int_equal(rc, -NB_ETIMEDOUT);
	assert_int_equal(h->c.retransmits, NB_TCP_MAX_RETRIES - 1);
	assert_true(t < 5 * 60 * 1000);
}

static void test_connect_before_first_poll(void **state)
{
	struct th *h = *state;
	/* The stack has no time yet (never polled): the SYN's timer must
	 * not count from time 0 and fire at the first real poll. */
	h->s.now = 0;
	h->now = 0;
	assert_int_equal(th_connect(h), 0);
	h->now = 100000; /* within the ARP entry's lifetime */
	assert_int_equal(nb_tcp_poll(&h->c, h->now), -NB_EAGAIN);
	assert_int_equal(h->nout, 1); /* no spurious retransmission */
	assert_int_equal(th_poll(h, 999), -NB_EAGAIN);
	assert_int_equal(h->nout, 1);
	assert_int_equal(th_poll(h, 2), -NB_EAGAIN);
	assert_int_equal(h->nout, 2);
}

static void test_syn_giveup(void **state)
{
	struct th *h = *state;
	int rc = -NB_EAGAIN;
	uint64_t t;

	assert_int_equal(th_connect(h), 0);
	for (t = 0; t < 200000 && rc == -NB_EAGAIN; t += 50)
		rc = th_poll(h, 50);
	assert_int_equal(rc, -NB_ETIMEDOUT);
	assert_int_equal(h->nout, NB_TCP_SYN_RETRIES);
	/* 1 + 2 + 4 + 8 + 16 s of RTO before giving up. */
	assert_true(t >= 31000 && t <= 32000);
}

static void test_fast_retransmit(void **state)
{
	struct th *h = up(state);
	static uint8_t big[4000];

	assert_int_equal(nb_tcp_send(&h->c, big, sizeof(big)), (int)sizeof(big));
	h->nout = 0;
	/* The first ACK sets the scaled window, so it is no duplicate. */
	for (int i = 0; i < 4; i++)
		th_seg(h, 0x10, th_peer_seq(0), h->our_isn + 1, 65535, NULL, 0,
		       NULL, 0);
	assert_true(h->nout >= 1);
	assert_int_equal(h->out[0].seq, h->our_isn + 1);
	assert_int_equal(h->t.stats.tx_retransmits, h->nout);
}

static void test_zero_window_probe(void **state)
{
	struct th *h = *state;
	uint64_t t;

	assert_int_equal(th_connect(h), 0);
	th_synack(h, true, false, false, false, 0);
	h->nout = 0;
	assert_int_equal(nb_tcp_send(&h->c, "abc", 3), 3);
	assert_int_equal(h->nout, 0); /* window closed: nothing sent */
	for (t = 0; t < 2000 && h->nout == 0; t += 10)
		th_poll(h, 10);
	assert_int_equal(h->nout, 1);
	assert_int_equal(h->out[0].plen, 1); /* a one-byte probe */
	/* The peer keeps answering with window 0: probes go on past the
	 * retry limit, since the peer is alive. */
	for (t = 0; t < 20 * 60000; t += 100) {
		if (th_last(h) && th_last(h)->plen == 1)
			th_seg(h, 0x10, th_peer_seq(0), h->our_isn + 1, 0,
			       NULL, 0, NULL, 0);
		assert_int_equal(th_poll(h, 100), -NB_EAGAIN);
	}
	/* Window opens: everything goes (refresh the ARP entry, which
	 * expired during the 20 minutes). */
	nb_arp_add(&h->s, TH_PEER_IP, (const uint8_t[6]){2, 0, 0, 0, 0, 1});
	h->nout = 0;
	th_seg(h, 0x10, th_peer_seq(0), h->our_isn + 1, 1000, NULL, 0, NULL, 0);
	assert_int_equal(h->nout, 1);
	assert_int_equal(th_last(h)->seq, h->our_isn + 1);
	assert_int_equal(th_last(h)->plen, 3);
}

static void test_peer_fin_then_close(void **state)
{
	struct th *h = up(state);

	th_seg(h, 0x11, th_peer_seq(0), h->our_isn + 1, 65535, NULL, 0,
	       pat, 100);
	assert_int_equal(nb_tcp_state(&h->c), NB_TCP_CLOSE_WAIT);
	assert_int_equal(th_last(h)->ack, th_peer_seq(101));
	assert_int_equal(h->events[h->nevents - 1], NB_TCP_EV_FIN);
	assert_int_equal(nb_tcp_close(&h->c), 0);
	assert_int_equal(nb_tcp_state(&h->c), NB_TCP_LAST_ACK);
	assert_int_equal(th_last(h)->flags & 0x01, 0x01);
	assert_int_equal(th_poll(h, 1), -NB_EAGAIN);
	th_seg(h, 0x10, th_peer_seq(101), h->our_isn + 2, 65535, NULL, 0,
	       NULL, 0);
	assert_int_equal(th_poll(h, 1), 0);
}

static void test_fin_out_of_order(void **state)
{
	struct th *h = up(state);
	th_seg(h, 0x11, th_peer_seq(100), h->our_isn + 1, 65535, NULL, 0,
	       pat + 100, 100);
	assert_int_equal(nb_tcp_state(&h->c), NB_TCP_ESTABLISHED);
	th_data(h, 0, pat, 100);
	assert_int_equal(nb_tcp_state(&h->c), NB_TCP_CLOSE_WAIT);
	assert_int_equal(nb_tcp_rx_offset(&h->c), 200);
	assert_int_equal(th_last(h)->ack, th_peer_seq(201));
}

static void test_our_close_first(void **state)
{
	struct th *h = up(state);

	assert_int_equal(nb_tcp_send(&h->c, "x", 1), 1);
	assert_int_equal(nb_tcp_close(&h->c), 0);
	assert_int_equal(nb_tcp_send(&h->c, "y", 1), -NB_EINVAL);
	assert_int_equal(nb_tcp_state(&h->c), NB_TCP_FIN_WAIT_1);
	th_seg(h, 0x10, th_peer_seq(0), h->our_isn + 3, 65535, NULL, 0, NULL, 0);
	assert_int_equal(nb_tcp_state(&h->c), NB_TCP_FIN_WAIT_2);
	/* Data still flows to us until the peer's FIN. */
	th_seg(h, 0x11, th_peer_seq(0), h->our_isn + 3, 65535, NULL, 0, pat, 50);
	assert_int_equal(th_last(h)->ack, th_peer_seq(51));
	assert_int_equal(th_poll(h, 1), 0);
	assert_int_equal(h->delivered, 50);
}

static void test_consumer_error_aborts(void **state)
{
	struct th *h = up(state);
	h->deliver_rc = -NB_ENOSPC;
	th_data(h, 0, pat, 100);
	assert_int_equal(th_last(h)->flags & 0x04, 0x04);
	assert_int_equal(th_poll(h, 1), -NB_ENOSPC);
}

static void test_abort(void **state)
{
	struct th *h = up(state);
	nb_tcp_abort(&h->c);
	assert_int_equal(th_last(h)->flags & 0x04, 0x04);
	assert_int_equal(th_poll(h, 1), -NB_ECANCELED);
	assert_null(h->t.conns);
	nb_tcp_abort(&h->c); /* harmless twice */
}

static void test_rtt_estimate(void **state)
{
	struct th *h = up(state);
	uint8_t o[12] = {1, 1, 8, 10};

	assert_int_equal(nb_tcp_send(&h->c, "abc", 3), 3);
	nb_put32(o + 4, 6000);
	nb_put32(o + 8, th_last(h)->tsval);
	h->now += 40;
	th_seg(h, 0x10, th_peer_seq(0), h->our_isn + 4, 65535, o, 12, NULL, 0);
	/* Samples 0 ms (handshake) then 40 ms: SRTT = 0 + 40/8. */
	assert_int_equal(h->c.rtt.srtt8 >> 3, 5);
	assert_int_equal(h->c.rtt.rttvar4, 40); /* 4 * RTTVAR = 4 * 10 */
	assert_int_equal(h->c.rtt.rto, 200); /* 5 + 40, clamped to the floor */
	assert_int_equal(h->c.ts_recent, 6000);
}

/*
 * RFC 5681 3.2: three duplicate ACKs resend the one segment they point
 * at.  Rewinding with a congestion window of ssthresh resent half the
 * flight, bytes the peer mostly holds: in a crowd sharing one queue,
 * that is the retransmission storm that fills it again.
 */
static void test_fast_retransmit_one_segment(void **state)
{
	struct th *h = up(state);
	static uint8_t big[4000]; /* three segments (the ring is 4 KiB) */
	uint32_t una = h->our_isn + 1;

	assert_int_equal(nb_tcp_send(&h->c, big, sizeof(big)), (int)sizeof(big));
	assert_int_equal(h->nout, 3);
	h->nout = 0;
	/* The first ACK sets the scaled window (no duplicate), then three
	 * duplicates and a fourth. */
	for (int i = 0; i < 5; i++)
		th_seg(h, 0x10, th_peer_seq(0), una, 65535, NULL, 0, NULL, 0);
	assert_int_equal(h->nout, 1);
	assert_int_equal(h->out[0].seq, una);
	assert_int_equal(h->out[0].plen, 1448);
	assert_int_equal(h->t.stats.tx_retransmits, 1);
	/* The repair acknowledges everything: nothing more goes out again. */
	th_seg(h, 0x10, th_peer_seq(0), una + sizeof(big), 65535, NULL, 0,
	       NULL, 0);
	assert_int_equal(th_poll(h, 10), -NB_EAGAIN);
	assert_int_equal(h->t.stats.tx_retransmits, 1);
	assert_int_equal(nb_tcp_tx_acked(&h->c), sizeof(big));
}

/* A segment of @p len bytes at @p off carrying timestamp @p tsval. */
static void ts_seg(struct th *h, uint64_t off, size_t len, uint32_t tsval)
{
	uint8_t o[12] = {1, 1, 8, 10};

	nb_put32(o + 4, tsval);
	nb_put32(o + 8, 0);
	th_seg(h, 0x10, th_peer_seq(off), h->c.iss + 1 + (uint32_t)h->c.snd_max,
	       65535, o, sizeof(o), pat + (off & 0x7fff), len);
}

/*
 * RFC 7323 4.3: an ACK covering several segments echoes the timestamp
 * of the oldest, so the sender's RTT includes the time the ACK was held
 * and its RTO does not fire while we stretch.  Echoing the newest made
 * the sender's samples up to a stretch (16 segments) too short.
 */
static void test_ts_echo_oldest_held(void **state)
{
	struct th *h = up(state);
	uint64_t off = 0;
	uint32_t ts = 5000;

	ts_seg(h, off, 1448, ts);
	ts_seg(h, off += 1448, 1448, ts + 1);
	assert_int_equal(h->nout, 1);
	assert_int_equal(th_last(h)->tsecr, ts);
	/* Past the quick-ACK start, where one ACK covers many segments. */
	for (off += 1448; off < NB_TCP_QUICKACK_BYTES + 1448; off += 1448)
		ts_seg(h, off, 1448, ++ts);
	assert_int_equal(th_poll(h, NB_TCP_STRETCH_DELACK_MS), -NB_EAGAIN);
	h->nout = 0;
	ts_seg(h, off, 1448, 9000);
	for (unsigned i = 1; i < NB_TCP_ACK_STRETCH; i++)
		ts_seg(h, off + i * 1448, 1448, 9000 + i);
	assert_int_equal(h->nout, 1);
	assert_int_equal(th_last(h)->ack,
			 th_peer_seq(off + NB_TCP_ACK_STRETCH * 1448));
	assert_int_equal(th_last(h)->tsecr, 9000);
	/* A held ACK sent by the timer echoes the oldest it covers too. */
	off += NB_TCP_ACK_STRETCH * 1448;
	ts_seg(h, off, 1448, 9100);
	ts_seg(h, off + 1448, 1448, 9101);
	assert_int_equal(th_poll(h, NB_TCP_STRETCH_DELACK_MS), -NB_EAGAIN);
	assert_int_equal(h->nout, 2);
	assert_int_equal(th_last(h)->tsecr, 9100);
}

/*
 * A loss while ACKs are stretched (a crowd's shared queue dropping one
 * of our segments): every segment past the hole is acknowledged at
 * once with the same ACK number (the duplicates a sender's fast
 * retransmit counts), with SACK, and the repair at once too; stretching
 * resumes only after that.
 */
static void test_loss_while_stretching(void **state)
{
	struct th *h = up(state);
	uint64_t off = 0, hole;
	size_t n0;

	while (off < 200 * 1448) { /* h->out holds TH_TX_MAX segments */
		off = feed(h, off, off + 20 * 1448, 0x10);
		h->nout = 0;
	}
	assert_int_equal(th_poll(h, NB_TCP_STRETCH_DELACK_MS), -NB_EAGAIN);
	off = feed(h, off, off + 3 * 1448, 0x10); /* held, not yet ACKed */
	n0 = h->nout;
	hole = off;
	for (unsigned i = 1; i <= 4; i++) {
		feed(h, hole + i * 1448, hole + (i + 1) * 1448, 0x10);
		assert_int_equal(h->nout, n0 + i);
		assert_int_equal(th_last(h)->ack, th_peer_seq(hole));
		assert_int_equal(th_last(h)->nsack, 1);
		assert_int_equal(th_last(h)->sack[0][0], th_peer_seq(hole + 1448));
		assert_int_equal(th_last(h)->sack[0][1],
				 th_peer_seq(hole + (i + 1) * 1448));
	}
	/* The retransmission fills the hole: a cumulative ACK at once. */
	feed(h, hole, hole + 1448, 0x10);
	assert_int_equal(h->nout, n0 + 5);
	assert_int_equal(th_last(h)->ack, th_peer_seq(hole + 5 * 1448));
	assert_int_equal(th_last(h)->nsack, 0);
	assert_memory_equal(h->sink + hole, pat, 1448);
	/* Then stretched again: the next segments wait for the timer. */
	feed(h, hole + 5 * 1448, hole + 8 * 1448, 0x10);
	assert_int_equal(h->nout, n0 + 5);
	assert_int_equal(th_poll(h, NB_TCP_STRETCH_DELACK_MS), -NB_EAGAIN);
	assert_int_equal(h->nout, n0 + 6);
}

/*
 * RFC 6298: Karn's rule without timestamps (no sample from an ACK of a
 * retransmitted segment, the backed-off RTO kept until a fresh sample),
 * the doubling capped at NB_TCP_RTO_MAX_MS, and the RTO back on the
 * estimate once new data is timed.
 */
static void test_karn_and_backoff(void **state)
{
	struct th *h = *state;
	uint32_t una;

	assert_int_equal(th_connect(h), 0);
	th_synack(h, true, true, true, false, 65535);
	una = h->our_isn + 1;
	assert_int_equal(h->c.rtt.srtt8, 0);
	assert_int_equal(h->c.rtt.rto, NB_TCP_RTO_INIT_MS);
	assert_int_equal(nb_tcp_send(&h->c, "abc", 3), 3);
	h->nout = 0;
	assert_int_equal(th_poll(h, NB_TCP_RTO_INIT_MS), -NB_EAGAIN);
	assert_int_equal(h->nout, 1); /* the retransmission */
	assert_int_equal(h->c.rtt.rto, 2 * NB_TCP_RTO_INIT_MS);
	/* Its ACK (ambiguous: first or second copy?) gives no sample. */
	assert_int_equal(th_poll(h, 30), -NB_EAGAIN);
	th_seg(h, 0x10, th_peer_seq(0), una + 3, 65535, NULL, 0, NULL, 0);
	assert_int_equal(h->c.rtt.srtt8, 0);
	assert_int_equal(h->c.rtt.rto, 2 * NB_TCP_RTO_INIT_MS);
	/* Fresh data is timed: 30 ms -> RTO on the floor. */
	assert_int_equal(nb_tcp_send(&h->c, "def", 3), 3);
	assert_int_equal(th_poll(h, 30), -NB_EAGAIN);
	th_seg(h, 0x10, th_peer_seq(0), una + 6, 65535, NULL, 0, NULL, 0);
	assert_int_equal(h->c.rtt.srtt8 >> 3, 30);
	assert_int_equal(h->c.rtt.rto, NB_TCP_RTO_MIN_MS);
	/* Backoff doubles up to the ceiling, never past it. */
	for (int i = 0; i < 12; i++)
		nb_rtt_backoff(&h->c.rtt);
	assert_int_equal(h->c.rtt.rto, NB_TCP_RTO_MAX_MS);
}

static void test_connect_args(void **state)
{
	struct th *h = *state;
	struct nb_tcp_rx rx = {0};
	assert_int_equal(nb_tcp_connect(&h->c, &h->t, TH_PEER_IP, 80, &rx,
					h->sbuf, 10), -NB_EINVAL);
	assert_int_equal(nb_tcp_poll(NULL, 0), -NB_EINVAL);
	assert_int_equal(nb_tcp_init(&h->t, &h->s), -NB_EADDRINUSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_syn_options),
		T(test_handshake),
		T(test_handshake_no_options),
		T(test_synack_wrong_ack),
		T(test_refused),
		T(test_malformed_options),
		T(test_tiny_mss_clamped),
		T(test_in_order_and_ack_every_second),
		T(test_stretch_acks),
		T(test_push_before_stretch),
		T(test_ooo_sack),
		T(test_scoreboard_bound),
		T(test_consumer_refuses_ooo),
		T(test_window_is_space),
		T(test_window_megabytes),
		T(test_rwin_autotune),
		T(test_rwin_shared),
		T(test_rwin_flat),
		T(test_rwin_queue_shared),
		T(test_syn_refused_resent),
		T(test_refused_ack_and_data_resent),
		T(test_syn_refused_many),
		T(test_syn_arp_queue_full),
		T(test_zero_window_drops_data),
		T(test_rst_validation),
		T(test_blind_data_and_bad_ack),
		T(test_bad_checksum_and_no_conn),
		T(test_send_before_established),
		T(test_send_full_segments_with_sack),
		T(test_send_ring_wraps),
		T(test_retransmit_backoff_giveup),
		T(test_connect_before_first_poll),
		T(test_syn_giveup),
		T(test_fast_retransmit),
		T(test_zero_window_probe),
		T(test_peer_fin_then_close),
		T(test_fin_out_of_order),
		T(test_our_close_first),
		T(test_consumer_error_aborts),
		T(test_abort),
		T(test_rtt_estimate),
		T(test_connect_args),
		T(test_fast_retransmit_one_segment),
		T(test_ts_echo_oldest_held),
		T(test_loss_while_stretching),
		T(test_karn_and_backoff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
