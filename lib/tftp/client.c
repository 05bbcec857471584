/*
 * The TFTP read state machine: request, option negotiation with fallback,
 * windowed in-order delivery to the sink, and the retransmission timer.
 * Packets arrive through nb_tftp_input(), time through every call.
 */
#include "core/mem.h"
#include "netboot/stack.h"
#include "tftp/tftp_int.h"

/* Offsets of DATA/ERROR fields. */
#define OFF_BLOCK 2
#define OFF_CODE 2

static void tick(struct nb_tftp *t, uint64_t now)
{
	if (now > t->now)
		t->now = now;
}

static void send_pkt(struct nb_tftp *t, uint32_t ip, uint16_t port,
		     size_t len)
{
	/* A failed send is a lost packet: the timer recovers it. */
	(void)t->io->send(t->io_ctx, ip, port, t->pkt, len);
}

static void send_error(struct nb_tftp *t, uint32_t ip, uint16_t port,
		       uint16_t code, const char *msg)
{
	send_pkt(t, ip, port, nb_tftp_build_error(t->pkt, sizeof(t->pkt), code,
						  msg));
}

static void finish(struct nb_tftp *t, int status)
{
	t->status = status;
	t->state = status ? NB_TFTP_FAILED : NB_TFTP_DONE;
	nb_deadline_clear(&t->timer);
	if (t->io->close)
		t->io->close(t->io_ctx);
}

/* Fail and tell the server, so it stops sending at once. */
static void abort_with(struct nb_tftp *t, uint16_t code, const char *msg,
		       int status)
{
	send_error(t, t->cfg.server_ip, t->tid, code, msg);
	finish(t, status);
}

/* Progress was made: restart the timeout series from the current RTO. */
static void arm_fresh(struct nb_tftp *t)
{
	nb_backoff_init(&t->backoff, t->rtt.rto, t->cfg.rto_max_ms,
			t->cfg.max_tries);
	nb_deadline_set(&t->timer, t->now, nb_backoff_next(&t->backoff, NULL));
}

static int send_rrq(struct nb_tftp *t)
{
	int n = nb_tftp_build_rrq(&t->cfg, t->plain, t->pkt, sizeof(t->pkt));
	if (n < 0)
		return n;
	send_pkt(t, t->cfg.server_ip, t->cfg.server_port, (size_t)n);
	return 0;
}

/* ACK the last in-order block; the server (re)starts its window after it. */
static void send_ack(struct nb_tftp *t)
{
	t->last_ack = t->next - 1;
	nb_put16(t->pkt, NB_TFTP_ACK);
	nb_put16(t->pkt + 2, (uint16_t)t->last_ack);
	send_pkt(t, t->cfg.server_ip, t->tid, 4);
	t->stats.acks++;
}

/* Send the ACK that ends a window and time the reply it provokes. */
static void send_timed_ack(struct nb_tftp *t)
{
	send_ack(t);
	t->timed_at = t->now;
	t->timed_sample = true;
}

static void fallback(struct nb_tftp *t)
{
	t->stats.fallbacks++;
	t->plain = true;
	t->tid_known = false;
	t->oack = false;
	if (t->io->rebind) {
		int rc = t->io->rebind(t->io_ctx);
		if (rc < 0) {
			finish(t, rc);
			return;
		}
	}
	int rc = send_rrq(t);
	if (rc < 0) {
		finish(t, rc);
		return;
	}
	t->timed_at = t->now;
	t->timed_sample = true;
	arm_fresh(t);
}

static void enter_transfer(struct nb_tftp *t, uint16_t port)
{
	t->tid_known = true;
	t->tid = port;
	t->state = NB_TFTP_TRANSFER;
	t->next = 1;
	t->last_ack = 0;
	t->gap_for = 0;
	if (t->timed_sample) {
		nb_tftp_rtt_sample(t, (uint32_t)(t->now - t->timed_at));
		t->timed_sample = false;
	}
}

static void on_error(struct nb_tftp *t, const uint8_t *p, size_t len)
{
	uint16_t code = len >= 4 ? nb_get16(p + OFF_CODE) : NB_TFTP_ERR_UNDEF;
	size_t i = 0;
	for (; len > 4 && i < len - 4 && i < sizeof(t->err_msg) - 1; i++) {
		uint8_t c = p[4 + i];
		if (!c)
			break;
		/* Keep the message printable whatever the server sent. */
		t->err_msg[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	t->err_msg[i] = 0;
	t->err_code = code;
	if (code == NB_TFTP_ERR_OPTION && t->state == NB_TFTP_REQUEST &&
	    !t->plain) {
		fallback(t);
		return;
	}
	finish(t, nb_tftp_map_error(code));
}

static void on_oack(struct nb_tftp *t, uint32_t ip, uint16_t port,
		    const uint8_t *p, size_t len)
{
	if (t->state != NB_TFTP_REQUEST) {
		/* The server missed our ACK 0 and repeats itself; the timer
		 * re-sends the ACK, answering here could echo forever. */
		if (t->oack && t->next == 1)
			t->stats.dup_oacks++;
		else
			t->stats.bad_packets++;
		return;
	}
	if (t->plain) {
		/* We asked for nothing: most likely a late OACK of the refused
		 * attempt, which the fresh port normally keeps away. */
		t->stats.bad_packets++;
		return;
	}
	struct nb_tftp_oack o;
	if (nb_tftp_parse_oack(&t->cfg, p + 2, len - 2, &o) < 0) {
		send_error(t, ip, port, NB_TFTP_ERR_OPTION,
			   "option negotiation refused");
		fallback(t);
		return;
	}
	enter_transfer(t, port);
	t->oack = true;
	t->blksize = o.has_blksize ? o.blksize : NB_TFTP_BLKSIZE_DEFAULT;
	t->windowsize = o.has_window ? o.window : 1;
	t->timeout_s = o.has_timeout ? o.timeout_s : 0;
	if (o.has_timeout && t->stats.rtt_samples == 0)
		t->rtt.rto = (uint32_t)o.timeout_s * 1000;
	if (o.has_tsize) {
		t->tsize = o.tsize;
		t->have_tsize = true;
		int rc = nb_sink_total(t->sink, o.tsize);
		if (rc < 0) {
			abort_with(t, NB_TFTP_ERR_DISKFULL, "file too large",
				   rc);
			return;
		}
	}
	send_timed_ack(t);
	arm_fresh(t);
}

/* A block that is not the next one: drop it, and on a gap ask once for
 * a resend from the last in-order block. */
static void out_of_order(struct nb_tftp *t, uint16_t diff)
{
	if (diff >= 0x8000) {
		t->stats.dup_blocks++;
		return;
	}
	t->stats.future_blocks++;
	if (t->gap_for == t->next)
		return;
	t->gap_for = t->next;
	t->stats.gap_acks++;
	send_timed_ack(t);
	arm_fresh(t);
}

static void on_data(struct nb_tftp *t, uint16_t port, const uint8_t *p,
		    size_t len)
{
	if (len < NB_TFTP_DATA_HLEN) {
		t->stats.bad_packets++;
		return;
	}
	uint16_t block = nb_get16(p + OFF_BLOCK);
	if (t->state == NB_TFTP_REQUEST) {
		/* DATA answering the request: the server ignored every
		 * option, so this is plain RFC 1350 from block 1 on. */
		if (block != 1) {
			t->stats.bad_packets++;
			return;
		}
		enter_transfer(t, port);
		t->blksize = NB_TFTP_BLKSIZE_DEFAULT;
		t->windowsize = 1;
	}
	size_t n = len - NB_TFTP_DATA_HLEN;
	if (n > t->blksize) {
		abort_with(t, NB_TFTP_ERR_ILLEGAL, "block larger than blksize",
			   -NB_EPROTO);
		return;
	}
	uint16_t diff = (uint16_t)(block - (uint16_t)t->next);
	if (diff) {
		out_of_order(t, diff);
		return;
	}
	if (t->timed_sample && t->next == t->last_ack + 1) {
		nb_tftp_rtt_sample(t, (uint32_t)(t->now - t->timed_at));
		t->timed_sample = false;
	}
	uint64_t off = (t->next - 1) * t->blksize;
	if (t->have_tsize && (off > t->tsize || n > t->tsize - off)) {
		abort_with(t, NB_TFTP_ERR_DISKFULL, "more data than tsize",
			   -NB_ETOOBIG);
		return;
	}
	int rc = nb_sink_write(t->sink, off, p + NB_TFTP_DATA_HLEN, n);
	if (rc < 0) {
		abort_with(t, NB_TFTP_ERR_DISKFULL, "cannot store data", rc);
		return;
	}
	t->bytes = off + n;
	t->next++;
	if (n < t->blksize) {
		send_ack(t);
		finish(t, t->have_tsize && t->bytes != t->tsize ? -NB_EPROTO
								  : 0);
		return;
	}
	if (t->next - 1 - t->last_ack >= t->windowsize)
		send_timed_ack(t);
	arm_fresh(t);
}

void nb_tftp_input(struct nb_tftp *t, uint32_t src_ip, uint16_t src_port,
		   const void *pkt, size_t len, uint64_t now_ms)
{
	const uint8_t *p = pkt;
	if (!t || t->state == NB_TFTP_IDLE || t->state >= NB_TFTP_DONE)
		return;
	tick(t, now_ms);
	if (!p)
		len = 0;
	/* Before the server's port is known only its address is checked,
	 * since its answer comes from a fresh port (RFC 1350 section 4). */
	if (src_ip != t->cfg.server_ip ||
	    (t->tid_known && src_port != t->tid)) {
		t->stats.wrong_tid++;
		/* Never answer an ERROR: two confused peers would bounce
		 * errors forever. */
		if (len < 2 || nb_get16(p) != NB_TFTP_ERROR)
			send_error(t, src_ip, src_port, NB_TFTP_ERR_TID,
				   "unknown transfer ID");
		return;
	}
	if (len < 2) {
		t->stats.bad_packets++;
		return;
	}
	switch (nb_get16(p)) {
	case NB_TFTP_DATA:
		on_data(t, src_port, p, len);
		break;
	case NB_TFTP_OACK:
		on_oack(t, src_ip, src_port, p, len);
		break;
	case NB_TFTP_ERROR:
		on_error(t, p, len);
		break;
	default:
		t->stats.bad_packets++;
		break;
	}
}

static bool cfg_ok(const struct nb_tftp_cfg *c)
{
	return c->filename && c->filename[0] &&
	       (!c->blksize || c->blksize >= NB_TFTP_BLKSIZE_MIN) &&
	       c->blksize <= NB_TFTP_BLKSIZE_MAX &&
	       c->windowsize <= NB_TFTP_WINDOW_MAX && c->rto_min_ms &&
	       c->rto_max_ms >= c->rto_min_ms && c->rto_initial_ms &&
	       c->max_tries;
}

int nb_tftp_setup(struct nb_tftp *t, const struct nb_tftp_cfg *cfg,
		  const struct nb_sink *sink, const struct nb_tftp_io *io,
		  void *io_ctx, uint64_t now_ms)
{
	if (!t || !cfg || !sink || !sink->write || !io || !io->send ||
	    !cfg_ok(cfg))
		return -NB_EINVAL;
	memset(t, 0, sizeof(*t));
	t->cfg = *cfg;
	if (!t->cfg.server_port)
		t->cfg.server_port = NB_TFTP_PORT;
	t->sink = sink;
	t->io = io;
	t->io_ctx = io_ctx;
	t->now = now_ms;
	nb_tftp_rtt_init(t);
	t->blksize = NB_TFTP_BLKSIZE_DEFAULT;
	t->windowsize = 1;
	/* Refuse a name that cannot fit before anything is sent. */
	int n = nb_tftp_build_rrq(&t->cfg, false, t->pkt, sizeof(t->pkt));
	return n < 0 ? n : 0;
}

int nb_tftp_launch(struct nb_tftp *t)
{
	int rc = send_rrq(t);
	if (rc < 0)
		return rc;
	t->state = NB_TFTP_REQUEST;
	t->status = -NB_EAGAIN;
	t->timed_at = t->now;
	t->timed_sample = true;
	arm_fresh(t);
	return 0;
}

int nb_tftp_start_io(struct nb_tftp *t, const struct nb_tftp_cfg *cfg,
		     const struct nb_sink *sink, const struct nb_tftp_io *io,
		     void *io_ctx, uint64_t now_ms)
{
	int rc = nb_tftp_setup(t, cfg, sink, io, io_ctx, now_ms);
	return rc < 0 ? rc : nb_tftp_launch(t);
}

static void on_timeout(struct nb_tftp *t)
{
	t->stats.timeouts++;
	uint32_t ms = nb_backoff_next(&t->backoff, NULL);
	if (!ms) {
		finish(t, -NB_ETIMEDOUT);
		return;
	}
	t->stats.retransmits++;
	/* Karn: a reply to a re-sent packet says nothing about the RTT. */
	t->timed_sample = false;
	if (t->state == NB_TFTP_REQUEST) {
		(void)send_rrq(t); /* it fitted the first time */
	} else {
		t->gap_for = 0;
		send_ack(t);
	}
	nb_deadline_set(&t->timer, t->now, ms);
}

int nb_tftp_poll(struct nb_tftp *t, uint64_t now_ms)
{
	if (!t)
		return -NB_EINVAL;
	if (t->state == NB_TFTP_IDLE)
		return -NB_EINVAL;
	if (t->state >= NB_TFTP_DONE)
		return t->status;
	tick(t, now_ms);
	if (t->state == NB_TFTP_REQUEST && t->stack && t->sk.unreachables) {
		finish(t, -NB_ECONNREFUSED);
		return t->status;
	}
	if (nb_deadline_expired(&t->timer, t->now))
		on_timeout(t);
	return t->status;
}

int nb_tftp_poll_fn(void *t, uint64_t now_ms)
{
	return nb_tftp_poll(t, now_ms);
}

void nb_tftp_cancel(struct nb_tftp *t)
{
	if (!t || t->state == NB_TFTP_IDLE || t->state >= NB_TFTP_DONE)
		return;
	uint16_t port = t->tid_known ? t->tid : t->cfg.server_port;
	send_error(t, t->cfg.server_ip, port, NB_TFTP_ERR_UNDEF,
		   "transfer cancelled");
	finish(t, -NB_ECANCELED);
}

const char *nb_tftp_why(const struct nb_tftp *t)
{
	if (!t || t->state != NB_TFTP_FAILED)
		return "";
	return t->err_msg[0] ? t->err_msg : nb_strerror(t->status);
}
