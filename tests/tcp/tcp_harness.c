/* Scripted TCP peer: see tcp_harness.h. */
#include "tcp_harness.h"
#include "tcp/tcp_int.h" /* nb_tcp_input() */

#include <stdlib.h>
#include <string.h>

static const uint8_t peer_mac[6] = {2, 0, 0, 0, 0, 1};
static const uint8_t our_mac[6] = {2, 0, 0, 0, 0, 2};

static void parse_out(struct th_out *o, const uint8_t *p, size_t len)
{
	size_t hl, i;

	memset(o, 0, sizeof(*o));
	if (len < 20)
		return;
	o->sport = nb_get16(p);
	o->dport = nb_get16(p + 2);
	o->seq = nb_get32(p + 4);
	o->ack = nb_get32(p + 8);
	o->flags = p[13];
	o->wnd = nb_get16(p + 14);
	hl = (size_t)(p[12] >> 4) * 4;
	if (hl > len)
		hl = len;
	for (i = 20; i < hl;) {
		uint8_t k = p[i], l;
		if (k == 0)
			break;
		if (k == 1) {
			i++;
			continue;
		}
		if (i + 1 >= hl)
			break;
		l = p[i + 1];
		if (l < 2 || i + l > hl)
			break;
		if (k == 2 && l == 4) {
			o->has_mss = true;
			o->mss = nb_get16(p + i + 2);
		} else if (k == 3 && l == 3) {
			o->has_ws = true;
			o->ws = p[i + 2];
		} else if (k == 4) {
			o->sack_perm = true;
		} else if (k == 8 && l == 10) {
			o->has_ts = true;
			o->tsval = nb_get32(p + i + 2);
			o->tsecr = nb_get32(p + i + 6);
		} else if (k == 5) {
			for (size_t b = i + 2; b + 8 <= i + l && o->nsack < 4;
			     b += 8) {
				o->sack[o->nsack][0] = nb_get32(p + b);
				o->sack[o->nsack][1] = nb_get32(p + b + 4);
				o->nsack++;
			}
		}
		i += l;
	}
	o->plen = len - hl;
	if (o->plen > sizeof(o->payload))
		o->plen = sizeof(o->payload);
	memcpy(o->payload, p + hl, o->plen);
}

static int link_tx(void *drv, const void *frame, size_t len)
{
	struct th *h = drv;
	const uint8_t *f = frame;

	if (len < 34 || nb_get16(f + 12) != 0x0800 || f[23] != 6)
		return 0;
	if (h->tx_fail) {
		h->tx_fail--;
		return -NB_ENOBUFS;
	}
	if (h->nout < TH_TX_MAX) {
		/* Short frames are padded: trust the IP total length. */
		size_t ihl = (size_t)(f[14] & 15) * 4;
		size_t tot = nb_get16(f + 16);
		if (tot > len - 14)
			tot = len - 14;
		parse_out(&h->out[h->nout], f + 14 + ihl, tot - ihl);
	}
	h->nout++;
	return 0;
}

static int link_rx(void *drv, void *buf, size_t cap)
{
	(void)drv, (void)buf, (void)cap;
	return 0;
}

static const struct nb_link_ops ops = {link_tx, link_rx};

static int rng_fill(void *ctx, void *buf, size_t len)
{
	struct th *h = ctx;
	uint8_t *b = buf;
	for (size_t i = 0; i < len; i++) {
		h->rng_state ^= h->rng_state << 13;
		h->rng_state ^= h->rng_state >> 7;
		h->rng_state ^= h->rng_state << 17;
		b[i] = (uint8_t)(h->rng_state >> 24);
	}
	return 0;
}

static int c_deliver(void *ctx, uint64_t off, const void *data, size_t len)
{
	struct th *h = ctx;
	if (h->deliver_rc)
		return h->deliver_rc;
	if (h->refuse_ooo && off != nb_tcp_rx_offset(&h->c))
		return 0;
	if (off >= h->limit)
		return 0;
	if (len > h->limit - off)
		len = (size_t)(h->limit - off);
	if (off + len <= TH_SINK_CAP)
		memcpy(h->sink + off, data, len);
	else if (!h->discard)
		return -NB_ERANGE;
	h->delivered += len;
	return (int)len;
}

static uint64_t c_space(void *ctx)
{
	struct th *h = ctx;
	uint64_t in = nb_tcp_rx_offset(&h->c);
	return h->limit > in ? h->limit - in : 0;
}

static void c_event(void *ctx, int ev)
{
	struct th *h = ctx;
	if (h->nevents < 32)
		h->events[h->nevents++] = ev;
}

#define TH_MEMLEN (NB_STACK_ARENA_BYTES + 256)

void th_reset(struct th *h)
{
	uint8_t *mem = h->mem, *sink = h->sink;
	struct nb_rng rng;

	memset(h, 0, sizeof(*h));
	h->mem = mem;
	h->sink = sink;
	h->link.ops = &ops;
	h->link.drv = h;
	memcpy(h->link.mac, our_mac, 6);
	h->link.mtu = 1500;
	h->rng_state = 0x9e3779b97f4a7c15ull;
	rng.fill = rng_fill;
	rng.ctx = h;
	nb_arena_init(&h->arena, h->mem, TH_MEMLEN);
	if (nb_stack_init(&h->s, &h->link, &rng, &h->arena) < 0)
		abort();
	nb_stack_set_ipv4(&h->s, TH_OUR_IP, 0xffffff00u, 0);
	nb_arp_add(&h->s, TH_PEER_IP, peer_mac);
	if (nb_tcp_init(&h->t, &h->s) < 0)
		abort();
	h->limit = TH_SINK_CAP;
	h->now = 1000;
	h->s.now = h->now;
}

struct th *th_new(void)
{
	struct th *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->mem = malloc(TH_MEMLEN);
	h->sink = calloc(1, TH_SINK_CAP);
	if (!h->mem || !h->sink)
		abort();
	th_reset(h);
	return h;
}

void th_free(struct th *h)
{
	if (!h)
		return;
	free(h->mem);
	free(h->sink);
	free(h);
}

int th_connect(struct th *h)
{
	struct nb_tcp_rx rx = {c_deliver, c_space, c_event, h};
	int rc = nb_tcp_connect(&h->c, &h->t, TH_PEER_IP, TH_PEER_PORT, &rx,
				h->sbuf, sizeof(h->sbuf));
	if (rc == 0 && h->nout > 0)
		h->our_isn = h->out[0].seq;
	h->peer_seq = TH_PEER_ISN + 1;
	return rc;
}

void th_raw(struct th *h, const uint8_t *tcp, size_t len, bool fix_csum)
{
	uint8_t buf[1600 + 60];
	struct nb_ip_info ip;

	if (len > sizeof(buf))
		len = sizeof(buf);
	memcpy(buf, tcp, len);
	if (fix_csum && len >= 20) {
		uint32_t sum = nb_ip_pseudo_sum(TH_PEER_IP, TH_OUR_IP, 6,
						(uint16_t)len);
		nb_put16(buf + 16, 0);
		nb_put16(buf + 16, nb_csum_fold(nb_csum_add(sum, buf, len)));
	}
	memset(&ip, 0, sizeof(ip));
	ip.src = TH_PEER_IP;
	ip.dst = TH_OUR_IP;
	ip.proto = 6;
	ip.ttl = 64;
	h->s.now = h->now;
	nb_tcp_input(&h->t, &h->s, &ip, buf, len);
}

void th_seg(struct th *h, uint8_t flags, uint32_t seq, uint32_t ack,
	    uint16_t wnd, const uint8_t *opt, size_t optlen,
	    const void *data, size_t len)
{
	uint8_t buf[1600 + 60];
	size_t hl = 20 + ((optlen + 3) & ~(size_t)3);

	if (hl > 60 || hl + len > sizeof(buf))
		return;
	memset(buf, 0, hl);
	nb_put16(buf, TH_PEER_PORT);
	nb_put16(buf + 2, h->c.src_port);
	nb_put32(buf + 4, seq);
	nb_put32(buf + 8, ack);
	buf[12] = (uint8_t)((hl / 4) << 4);
	buf[13] = flags;
	nb_put16(buf + 14, wnd);
	if (optlen)
		memcpy(buf + 20, opt, optlen);
	if (len)
		memcpy(buf + hl, data, len);
	th_raw(h, buf, hl + len, true);
}

void th_synack(struct th *h, bool mss, bool ws, bool sack, bool ts,
	       uint16_t wnd)
{
	uint8_t o[40];
	size_t n = 0;

	if (mss) {
		o[n++] = 2, o[n++] = 4;
		nb_put16(o + n, 1460);
		n += 2;
	}
	if (ws)
		o[n++] = 1, o[n++] = 3, o[n++] = 3, o[n++] = 7;
	if (sack)
		o[n++] = 1, o[n++] = 1, o[n++] = 4, o[n++] = 2;
	if (ts) {
		o[n++] = 1, o[n++] = 1, o[n++] = 8, o[n++] = 10;
		nb_put32(o + n, 5000);
		nb_put32(o + n + 4, h->out[0].tsval);
		n += 8;
	}
	th_seg(h, 0x12, TH_PEER_ISN, h->our_isn + 1, wnd, o, n, NULL, 0);
}

void th_data(struct th *h, uint64_t off, const void *data, size_t len)
{
	th_seg(h, 0x10, th_peer_seq(off), h->c.iss + 1 + (uint32_t)h->c.snd_max,
	       65535, NULL, 0, data, len);
}

int th_poll(struct th *h, uint64_t ms)
{
	h->now += ms;
	h->s.now = h->now;
	return nb_tcp_poll(&h->c, h->now);
}

const struct th_out *th_last(const struct th *h)
{
	if (h->nout == 0 || h->nout > TH_TX_MAX)
		return NULL;
	return &h->out[h->nout - 1];
}
