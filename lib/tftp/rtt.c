/*
 * Round-trip estimation for TFTP through the core RFC 6298 estimator, so
 * the retransmission timer tracks the path instead of the fixed seconds
 * of RFC 1350 clients.  A steady path drives rttvar towards 0 and the
 * timeout onto the RTT itself, where any scheduling hiccup at the server
 * fires it; the estimator keeps a quarter of the RTT as margin (TCP
 * stacks get theirs from a 200 ms floor, too coarse for a LAN boot).
 */
#include "tftp/tftp_int.h"

/* Margin of srtt >> 2 over the RTT (see above). */
#define TFTP_RTT_MARGIN_SHIFT 2

void nb_tftp_rtt_init(struct nb_tftp *t)
{
	nb_rtt_init(&t->rtt, t->cfg.rto_initial_ms, t->cfg.rto_min_ms,
		    t->cfg.rto_max_ms, TFTP_RTT_MARGIN_SHIFT);
}

void nb_tftp_rtt_sample(struct nb_tftp *t, uint32_t ms)
{
	t->stats.rtt_samples++;
	nb_rtt_sample(&t->rtt, ms > 60000 ? 60000 : ms);
}
