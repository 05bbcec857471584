/*
 * UNDI receive: the ISR sequence, fragment assembly and the ring.
 *
 * One drain runs IN_PROCESS and then IN_GET_NEXT until OUT_DONE.  Each
 * OUT_RECEIVE brings one piece of a frame; the first frame of a drain is
 * assembled straight into the caller's buffer, later ones into ring
 * slots, so the frames the ROM holds are collected in one visit.  Pieces
 * are checked against the frame they claim to belong to, and a frame that
 * cannot be held whole is skipped whole.  With the embedder's drain() the
 * steps run on the ROM's side in one visit and come back as a log, which
 * is replayed through the same code.
 */
#include "undi_int.h"

#include "core/mem.h"

/* Slot the next ring frame is assembled in: the one after the newest. */
static uint8_t *ring_tail(const struct nb_undi *d)
{
	unsigned i = (d->ring_head + d->ring_count) % d->ring_n;
	return d->ring + (size_t)i * NB_ETH_FRAME_MAX;
}

/* A frame that was being assembled will not be finished. */
static void abandon(struct nb_undi *d)
{
	if (d->asm_to != ASM_NONE && d->asm_to != ASM_DISCARD)
		d->stats.rx_incomplete++;
	d->asm_to = ASM_NONE;
	d->asm_len = d->asm_total = 0;
}

/* Decide where a new frame of @total bytes goes. */
static void start_frame(struct nb_undi *d, uint16_t total, bool buf_free,
			size_t cap, bool discard)
{
	d->asm_len = 0;
	d->asm_total = total;
	if (discard) {
		d->asm_to = ASM_DISCARD;
		d->stats.rx_flushed++;
	} else if (total > NB_ETH_FRAME_MAX || (buf_free && total > cap)) {
		d->asm_to = ASM_DISCARD;
		d->stats.rx_too_big++;
	} else if (buf_free) {
		d->asm_to = ASM_CALLER;
	} else if (d->ring_count < d->ring_n) {
		d->asm_to = ASM_RING;
	} else {
		/* Not reached: the drain stops between frames when nothing
		 * is free.  Kept so a slip can never write past the ring. */
		d->asm_to = ASM_DISCARD;
		d->stats.rx_bad++;
	}
}

/* Handle one OUT_RECEIVE piece; @copied (not NULL when it came in a
 * drain() log) holds @clen bytes of it.  Returns the frame length once a
 * frame for @buf is complete, else 0. */
static int piece(struct nb_undi *d, uint8_t *buf, size_t cap, bool buf_free,
		 bool discard, const uint8_t *copied, uint16_t clen)
{
	const uint8_t *b = scr(d, SCR_ISR);
	uint16_t blen = nb_load_le16(b + ISR_BUFLEN);
	uint16_t flen = nb_load_le16(b + ISR_FRAMELEN);
	d->stats.rx_pieces++;
	/* A piece that does not continue the frame in progress means the
	 * ROM moved on: that frame is lost, this one may start anew. */
	if (d->asm_to != ASM_NONE &&
	    (flen != d->asm_total || blen > d->asm_total - d->asm_len))
		abandon(d);
	if (d->asm_to == ASM_NONE) {
		if (flen == 0 || blen == 0 || blen > flen) {
			d->stats.rx_bad++;
			return 0;
		}
		start_frame(d, flen, buf_free, cap, discard);
	} else if (blen == 0) {
		/* No progress; harmless, but a ROM looping on it ends at
		 * the drain's call bound. */
		d->stats.rx_bad++;
		return 0;
	}
	if (d->asm_to != ASM_DISCARD) {
		const void *src;
		if (copied)
			src = clen == blen ? copied : NULL;
		else
			src = d->env.from_segoff(d->env.ctx,
						 nb_load_le16(b + ISR_FRAME_SEG),
						 nb_load_le16(b + ISR_FRAME_OFF), blen);
		if (!src) {
			/* Skip the rest of this frame too. */
			d->stats.rx_bad_ptr++;
			d->asm_to = ASM_DISCARD;
		} else {
			uint8_t *dst = d->asm_to == ASM_CALLER ? buf : ring_tail(d);
			memcpy(dst + d->asm_len, src, blen);
		}
	}
	d->asm_len = (uint16_t)(d->asm_len + blen);
	if (d->asm_len < d->asm_total)
		return 0;
	int done = 0;
	if (d->asm_to == ASM_CALLER) {
		done = d->asm_total;
		d->stats.rx_frames++;
	} else if (d->asm_to == ASM_RING) {
		unsigned i = (d->ring_head + d->ring_count) % d->ring_n;
		d->ring_len[i] = d->asm_total;
		d->ring_count++;
		if (d->ring_count > d->stats.rx_ring_max)
			d->stats.rx_ring_max = d->ring_count;
		d->stats.rx_frames++;
	}
	d->asm_to = ASM_NONE;
	d->asm_len = d->asm_total = 0;
	return done;
}

/* One ISR answer, in the scratch block with status @st: true while the
 * sequence goes on. */
static bool step(struct nb_undi *d, int st, uint8_t *buf, size_t cap,
		 bool discard, const uint8_t *copied, uint16_t clen, int *got)
{
	if (st != 0) {
		d->stats.isr_errors++;
		d->in_isr = 0;
		abandon(d);
		if (!*got)
			*got = -NB_EIO;
		return false;
	}
	/* The caller's buffer takes a frame only while nothing older waits
	 * in the ring: frames leave in arrival order. */
	bool buf_free = buf && *got <= 0 && d->ring_count == 0;
	d->in_isr = 1;
	switch (nb_load_le16(scr(d, SCR_ISR) + ISR_FUNC)) {
	case ISR_OUT_RECEIVE: {
		int n = piece(d, buf, cap, buf_free, discard, copied, clen);
		if (n > 0)
			*got = n;
		return true;
	}
	case ISR_OUT_TRANSMIT:
		d->stats.tx_complete++;
		return true;
	case ISR_OUT_DONE:
		d->in_isr = 0;
		abandon(d);
		/* The ROM was empty a moment ago: the receive() that finds
		 * the ring drained next need not ask again. */
		d->rx_idle_skip = *got > 0 || d->ring_count > 0;
		return false;
	case ISR_OUT_BUSY:
		/* Another ISR sequence is in progress inside the ROM (an
		 * interrupt handler): start afresh next time. */
		d->stats.isr_busy++;
		break;
	default:
		d->stats.isr_unknown++;
		break;
	}
	d->in_isr = 0;
	abandon(d);
	return false;
}

/* Set up the ISR block for the next step. */
static void isr_begin(struct nb_undi *d)
{
	uint8_t *isr = scr(d, SCR_ISR);
	memset(isr, 0, ISR_SIZE);
	nb_store_le16(isr + ISR_FUNC, d->in_isr ? ISR_IN_GET_NEXT : ISR_IN_PROCESS);
	if (!d->in_isr)
		d->stats.drains++;
}

/* New frames that have somewhere to land, plus one for the frame being
 * assembled (its next piece either continues it or frees its place). */
static unsigned room(const struct nb_undi *d, const uint8_t *buf, int got)
{
	unsigned n = (unsigned)(d->ring_n - d->ring_count);
	if (d->asm_to == ASM_RING)
		n--;
	if (buf && got <= 0 && d->ring_count == 0 && d->asm_to != ASM_CALLER)
		n++;
	if (d->asm_to == ASM_RING || d->asm_to == ASM_CALLER ||
	    (d->asm_to == ASM_DISCARD && n == 0))
		n++;
	return n;
}

/* Replay one drain() log; true while the sequence goes on. */
static bool replay(struct nb_undi *d, const uint8_t *log, size_t len,
		   uint8_t *buf, size_t cap, int *got)
{
	size_t at = 0;
	/* Each record is at least NB_UNDI_REC_HDR bytes: bounded. */
	while (len - at >= NB_UNDI_REC_HDR) {
		const uint8_t *r = log + at;
		uint16_t dl = nb_load_le16(r + ISR_SIZE);
		if (len - at - NB_UNDI_REC_HDR < dl)
			break;
		at += NB_UNDI_REC_HDR + dl + (dl & 1u);
		if (at > len)
			at = len;
		memcpy(scr(d, SCR_ISR), r, ISR_SIZE);
		if (!step(d, nb_load_le16(r), buf, cap, false, r + NB_UNDI_REC_HDR, dl,
			  got)) {
			/* The ROM said the sequence is over: nothing follows. */
			if (at < len)
				d->stats.log_bad++;
			return false;
		}
	}
	if (at == len && len > 0)
		return true;
	/* Cut short or empty: where the ROM stands is unknown, so the
	 * sequence starts afresh and the frame in progress is lost. */
	d->stats.log_bad++;
	d->in_isr = 0;
	abandon(d);
	return false;
}

/* The ISR sequence through the embedder's drain(): one visit brings as
 * many pieces as there is room for. */
static int drain_visits(struct nb_undi *d, uint8_t *buf, size_t cap)
{
	int got = 0;
	/* A visit that fills the room ends the loop at the next room()
	 * check; the bound only guards against a log of transmit events
	 * alone, visit after visit. */
	for (unsigned v = 0; v < NB_UNDI_DRAIN_VISITS; v++) {
		unsigned n = room(d, buf, got);
		if (n == 0)
			break;
		isr_begin(d);
		const void *log = NULL;
		d->stats.visits++;
		int len = d->env.drain(d->env.ctx, scr(d, SCR_ISR), n, &log);
		if (len < 0 || !log) {
			step(d, NB_PXENV_STATUS_FAILURE, buf, cap, false, NULL, 0, &got);
			break;
		}
		uint32_t pieces = d->stats.rx_pieces;
		bool more = replay(d, log, (size_t)len, buf, cap, &got);
		if (d->stats.rx_pieces == pieces)
			d->stats.visits_empty++;
		if (!more)
			break;
	}
	return got;
}

int nb_undi_drain(struct nb_undi *d, uint8_t *buf, size_t cap, bool discard)
{
	int got = 0;
	if (d->env.drain && !discard) {
		got = drain_visits(d, buf, cap);
	} else {
		for (unsigned calls = 0; calls < NB_UNDI_DRAIN_CALLS; calls++) {
			bool buf_free = buf && !got && d->ring_count == 0;
			/* Between frames, go on only while a new frame has
			 * somewhere to land; the sequence stays open for the
			 * next receive(). */
			if (d->asm_to == ASM_NONE && !discard && !buf_free &&
			    d->ring_count >= d->ring_n)
				return got;
			isr_begin(d);
			int st = nb_undi_call(d, NB_PXENV_UNDI_ISR, SCR_ISR);
			if (!step(d, st, buf, cap, discard, NULL, 0, &got))
				return got;
		}
	}
	/* Out of calls with a frame half-built in the caller's buffer,
	 * which does not survive this return: move it to a ring slot to
	 * finish later (the ring is empty, or the frame would not have
	 * started in the caller's buffer).  Without a ring its remaining
	 * pieces are skipped as one frame, so they cannot be mistaken for
	 * the start of another. */
	if (d->asm_to == ASM_CALLER) {
		if (d->ring_count < d->ring_n) {
			memcpy(ring_tail(d), buf, d->asm_len);
			d->asm_to = ASM_RING;
		} else {
			d->stats.rx_incomplete++;
			d->asm_to = ASM_DISCARD;
		}
	}
	return got;
}

int nb_undi_receive(void *drv, void *buf, size_t cap)
{
	struct nb_undi *d = drv;
	if (!d->ring_count) {
		/* A stack polls until receive() says 0.  Right after a drain
		 * that ended in OUT_DONE that answer is known without another
		 * trip to real mode, which saves one call per poll. */
		if (d->rx_idle_skip) {
			d->rx_idle_skip = 0;
			return 0;
		}
		int rc = nb_undi_drain(d, buf, cap, false);
		if (rc != 0)
			return rc;
	}
	/* A frame half-assembled in a ring slot by an earlier drain may
	 * have completed in this one; it is older than anything else. */
	while (d->ring_count) {
		unsigned i = d->ring_head;
		uint16_t len = d->ring_len[i];
		d->ring_head = (uint8_t)((i + 1) % d->ring_n);
		d->ring_count--;
		if (len > cap) {
			d->stats.rx_too_big++;
			continue;
		}
		memcpy(buf, d->ring + (size_t)i * NB_ETH_FRAME_MAX, len);
		return len;
	}
	return 0;
}
