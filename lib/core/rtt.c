/*
 * The one RFC 6298 round-trip estimator (SRTT, RTTVAR, RTO with a floor,
 * a ceiling and Karn's doubling).  TCP and TFTP both time their packets;
 * they differ only in constants and in TFTP's extra margin, which are
 * parameters here, so the arithmetic exists once.
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

uint32_t nb_rtt_backoff(struct nb_rtt *r)
{
	uint32_t rto = r->rto > r->max_ms / 2 ? r->max_ms : r->rto * 2;
	r->rto = rto < r->min_ms ? r->min_ms : rto;
	return r->rto;
}
