/*
 * Retransmission timing, written once for every protocol: the RFC 6298
 * round-trip estimator (SRTT, RTTVAR, RTO with a floor, a ceiling and
 * Karn's doubling) that TCP and TFTP use with their own constants, and
 * the capped exponential backoff with bounded tries and optional jitter
 * that ARP, DHCP, DNS and TFTP's timeout series use.  Both double the
 * same way, through one helper.
 */
#include "netboot/core.h"

/* Keeps srtt x 8 plus the variance term far below 2^32. */
#define RTT_SAMPLE_MAX (1u << 24)

void nb_rtt_init(struct nb_rtt *r, uint32_t initial_ms, uint32_t min_ms,
		 uint32_t max_ms, uint8_t margin_shift)
{
	r->rto = initial_ms;
	r->srtt8 = 0;
	r->rttvar4 = 0;
	r->min_ms = min_ms;
	r->max_ms = max_ms < min_ms ? min_ms : max_ms;
	r->margin_shift = margin_shift;
}

void nb_rtt_sample(struct nb_rtt *r, uint32_t ms)
{
	if (ms > RTT_SAMPLE_MAX)
		ms = RTT_SAMPLE_MAX;
	if (!r->srtt8) {
		r->srtt8 = ms * 8 + 1; /* +1: a 0 ms LAN RTT still counts */
		r->rttvar4 = ms * 2;
	} else {
		uint32_t srtt = r->srtt8 >> 3;
		uint32_t err = ms > srtt ? ms - srtt : srtt - ms;
		/* rttvar = 3/4 rttvar + 1/4 |err|; srtt = 7/8 srtt + 1/8 ms */
		r->rttvar4 = r->rttvar4 - (r->rttvar4 >> 2) + err;
		r->srtt8 = r->srtt8 - (r->srtt8 >> 3) + ms;
		if (!r->srtt8)
			r->srtt8 = 1;
	}
	/* RTO = SRTT + max(G, 4 * RTTVAR, margin), G = 1 ms. */
	uint32_t srtt = r->srtt8 >> 3;
	uint32_t var = r->rttvar4;
	if (r->margin_shift && var < srtt >> r->margin_shift)
		var = srtt >> r->margin_shift;
	uint32_t rto = srtt + (var ? var : 1);
	if (rto < r->min_ms)
		rto = r->min_ms;
	if (rto > r->max_ms)
		rto = r->max_ms;
	r->rto = rto;
}

/* v * 2, saturating at @max (which may be odd). */
static uint32_t double_capped(uint32_t v, uint32_t max)
{
	return v > max / 2 ? max : v * 2;
}

uint32_t nb_rtt_backoff(struct nb_rtt *r)
{
	uint32_t rto = double_capped(r->rto, r->max_ms);
	r->rto = rto < r->min_ms ? r->min_ms : rto;
	return r->rto;
}

void nb_backoff_init(struct nb_backoff *b, uint32_t first_ms, uint32_t max_ms,
		     uint16_t max_tries)
{
	b->rto = first_ms ? first_ms : 1;
	b->max_ms = max_ms < b->rto ? b->rto : max_ms;
	b->tries = 0;
	b->max_tries = max_tries;
	b->jitter_ms = 0;
}

uint32_t nb_backoff_next(struct nb_backoff *b, const struct nb_rng *rng)
{
	if (b->tries >= b->max_tries)
		return 0;
	uint32_t t = b->rto;
	b->tries++;
	b->rto = double_capped(b->rto, b->max_ms);
	/* Spread over +-min(t/4, jitter_ms), so clients that started
	 * together (a rack powering on) do not retry in lockstep; "full"
	 * jitter spreads over 0..t, what a crowd hitting one server needs
	 * (the retries of N clients then arrive at a rate, not in bursts). */
	uint32_t j = t / 4 < b->jitter_ms ? t / 4 : b->jitter_ms;
	uint32_t r;
	if (j && rng && nb_rng_u32(rng, &r) == 0)
		t = b->jitter_ms == NB_BACKOFF_FULL_JITTER ? r % (t + 1)
							   : t - j + r % (2 * j + 1);
	return t ? t : 1;
}
