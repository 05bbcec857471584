/*
 * Round-trip estimation in the style of RFC 6298 (integer, scaled like
 * TCP implementations: srtt x 8, rttvar x 4), so the retransmission timer
 * tracks the path instead of the fixed seconds of RFC 1350 clients.
 */
#include "tftp/tftp_int.h"

void nb_tftp_rtt_sample(struct nb_tftp *t, uint32_t ms)
{
	t->stats.rtt_samples++;
	if (ms > 60000)
		ms = 60000; /* keeps the scaled sums far from overflow */
	if (!t->srtt8) {
		t->srtt8 = ms * 8 + 1; /* +1 keeps "no sample" distinct */
		t->rttvar4 = ms * 2;
	} else {
		uint32_t srtt = t->srtt8 >> 3;
		uint32_t err = ms > srtt ? ms - srtt : srtt - ms;
		/* rttvar = 3/4 rttvar + 1/4 |err|; srtt = 7/8 srtt + 1/8 ms */
		t->rttvar4 = t->rttvar4 - (t->rttvar4 >> 2) + err;
		t->srtt8 = t->srtt8 - (t->srtt8 >> 3) + ms;
		if (!t->srtt8)
			t->srtt8 = 1;
	}
	/* A steady path drives rttvar towards 0 and the timeout onto the RTT
	 * itself, where any scheduling hiccup at the server fires it; keep a
	 * quarter of the RTT as margin (TCP stacks get theirs from a 200 ms
	 * floor, too coarse for a LAN boot). */
	uint32_t srtt = t->srtt8 >> 3;
	uint32_t var = t->rttvar4 > srtt / 4 ? t->rttvar4 : srtt / 4;
	uint32_t rto = srtt + (var ? var : 1);
	if (rto < t->cfg.rto_min_ms)
		rto = t->cfg.rto_min_ms;
	if (rto > t->cfg.rto_max_ms)
		rto = t->cfg.rto_max_ms;
	t->rto = rto;
}
