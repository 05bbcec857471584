/* TCP option parsing and building (RFC 793, 7323, 2018). */
#include "core/mem.h"
#include "tcp/tcp_int.h"

/*
 * Walk the option bytes once.  A length byte that is below 2 or runs past
 * the header makes the whole segment malformed (-NB_EPROTO): guessing
 * where the next option starts is how parsers get confused.  Options with
 * a wrong fixed length are ignored rather than trusted.
 */
int nb_tcp_parse_opts(const uint8_t *p, size_t len, struct tcp_opts *o)
{
	size_t i = 0;

	memset(o, 0, sizeof(*o));
	while (i < len) {
		uint8_t kind = p[i];
		uint8_t olen;

		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			return -NB_EPROTO;
		olen = p[i + 1];
		if (olen < 2 || olen > len - i)
			return -NB_EPROTO;
		switch (kind) {
		case TCPOPT_MSS:
			if (olen == 4) {
				o->mss = nb_get16(p + i + 2);
				o->has_mss = true;
			}
			break;
		case TCPOPT_WS:
			if (olen == 3) {
				o->wscale = p[i + 2];
				if (o->wscale > TCP_WSCALE_MAX)
					o->wscale = TCP_WSCALE_MAX;
				o->has_ws = true;
			}
			break;
		case TCPOPT_SACK_PERM:
			if (olen == 2)
				o->sack_perm = true;
			break;
		case TCPOPT_TS:
			if (olen == 10) {
				o->tsval = nb_get32(p + i + 2);
				o->tsecr = nb_get32(p + i + 6);
				o->has_ts = true;
			}
			break;
		default:
			/* SACK blocks about our tiny sends and unknown
			 * options are skipped. */
			break;
		}
		i += olen;
	}
	return 0;
}

/* SYN: MSS, SACK-permitted + timestamps, window scale: 20 bytes. */
size_t nb_tcp_put_syn_opts(struct nb_tcp_conn *c, uint8_t *p)
{
	p[0] = TCPOPT_MSS;
	p[1] = 4;
	nb_put16(p + 2, c->rcv_mss);
	p[4] = TCPOPT_SACK_PERM;
	p[5] = 2;
	p[6] = TCPOPT_TS;
	p[7] = 10;
	nb_put32(p + 8, tcp_ts_now(c));
	nb_put32(p + 12, 0);
	p[16] = TCPOPT_NOP;
	p[17] = TCPOPT_WS;
	p[18] = 3;
	p[19] = NB_TCP_WSCALE;
	return 20;
}

/*
 * Options of a synchronized segment: timestamps when negotiated, then as
 * many SACK blocks as fit in @p room, the most recently changed range
 * first (RFC 2018 section 4) so the sender learns the newest news even
 * when older ranges do not fit.
 */
size_t nb_tcp_put_opts(struct nb_tcp_conn *c, uint8_t *p, size_t room)
{
	size_t n = 0;
	unsigned i, blocks = 0, max;
	uint8_t *hdr;

	if (c->ts_ok) {
		p[0] = TCPOPT_NOP;
		p[1] = TCPOPT_NOP;
		p[2] = TCPOPT_TS;
		p[3] = 10;
		nb_put32(p + 4, tcp_ts_now(c));
		nb_put32(p + 8, c->ts_recent);
		n = TCP_TS_LEN;
	}
	if (!c->sack_ok || !c->ooo.used || room < n + 12)
		return n;
	max = (unsigned)((room - n - 4) / 8);
	hdr = p + n;
	hdr[0] = TCPOPT_NOP;
	hdr[1] = TCPOPT_NOP;
	hdr[2] = TCPOPT_SACK;
	n += 4;
	for (i = 0; i <= NB_TCP_SACK_SLOTS && blocks < max; i++) {
		/* The slot added last first, then the others in slot order. */
		unsigned k = (i == 0) ? c->ooo.recent : i - 1;
		const struct nb_range *r;

		if (i > 0 && k == c->ooo.recent)
			continue;
		if (k >= NB_TCP_SACK_SLOTS)
			continue;
		r = &c->ooo.slot[k];
		if (r->start == r->end)
			continue;
		nb_put32(p + n, tcp_rcv_seq(c, r->start));
		nb_put32(p + n + 4, tcp_rcv_seq(c, r->end));
		n += 8;
		blocks++;
	}
	hdr[3] = (uint8_t)(2 + 8 * blocks);
	if (!blocks)
		n -= 4;
	return n;
}
