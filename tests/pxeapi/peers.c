/* Test-only servers for the PXE API tests (see peers.h). */
#include "peers.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netboot/ip.h"

static struct nb_stack *S;
static const struct peer_file *FILES;
static uint64_t NOW;
static struct peer_stats ST;

static const struct peer_file *find(const char *name)
{
	for (const struct peer_file *f = FILES; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

/* ---- UDP echo ---- */

static struct nb_udp_sock echo_sk;

static void echo_rx(void *ctx, struct nb_udp_sock *sk,
		    const struct nb_udp_meta *m, const void *data, size_t len)
{
	(void)ctx;
	uint8_t out[1500];
	if (len > sizeof(out) - 5)
		return;
	memcpy(out, "echo:", 5);
	memcpy(out + 5, data, len);
	ST.echoes++;
	nb_udp_sendto(sk, m->src_ip, m->src_port, out, len + 5);
}

/* ---- TFTP: lock-step, blksize and tsize ---- */

static struct {
	struct nb_udp_sock sk69, tsk;
	bool active;
	uint32_t ip;
	uint16_t port;
	const struct peer_file *f;
	uint16_t blksize;
	bool opt_blksize, opt_tsize;
	uint32_t block; /* 0 = the OACK */
	bool last;
	uint64_t sent_at;
} tf;

static void tftp_send_current(void)
{
	uint8_t pkt[1600];
	size_t n = 0;
	if (tf.block == 0) {
		pkt[n++] = 0;
		pkt[n++] = 6;
		if (tf.opt_blksize)
			n += (size_t)sprintf((char *)pkt + n, "blksize%c%u%c", 0,
					     tf.blksize, 0);
		if (tf.opt_tsize)
			n += (size_t)sprintf((char *)pkt + n, "tsize%c%zu%c", 0,
					     tf.f->len, 0);
	} else {
		size_t off = (size_t)(tf.block - 1) * tf.blksize;
		size_t len = tf.f->len - off < tf.blksize ? tf.f->len - off
							   : tf.blksize;
		pkt[n++] = 0;
		pkt[n++] = 3;
		pkt[n++] = (uint8_t)(tf.block >> 8);
		pkt[n++] = (uint8_t)tf.block;
		memcpy(pkt + n, tf.f->data + off, len);
		n += len;
		tf.last = len < tf.blksize;
	}
	tf.sent_at = NOW;
	nb_udp_sendto(&tf.tsk, tf.ip, tf.port, pkt, n);
}

static void tftp_end(void)
{
	tf.active = false;
	nb_udp_close(&tf.tsk);
}

static void tftp_rx(void *ctx, struct nb_udp_sock *sk,
		    const struct nb_udp_meta *m, const void *data, size_t len)
{
	const uint8_t *p = data;
	(void)ctx, (void)sk;
	if (!tf.active || len < 4 || m->src_port != tf.port)
		return;
	if (p[1] == 5) {
		ST.tftp_errors_rx++;
		tftp_end();
		return;
	}
	if (p[1] != 4 || (uint16_t)(p[2] << 8 | p[3]) != (uint16_t)tf.block)
		return;
	if (tf.block && tf.last) {
		tftp_end();
		return;
	}
	tf.block++;
	tftp_send_current();
}

static void rrq_rx(void *ctx, struct nb_udp_sock *sk,
		   const struct nb_udp_meta *m, const void *data, size_t len)
{
	const char *p = data, *end = p + len;
	(void)ctx, (void)sk;
	if (len < 4 || p[1] != 1 || end[-1] != 0)
		return;
	if (tf.active && m->src_ip == tf.ip && m->src_port == tf.port)
		return; /* a duplicate of the request being served */
	ST.tftp_rrqs++;
	if (tf.active)
		tftp_end();
	memset(&tf.tsk, 0, sizeof(tf.tsk));
	tf.ip = m->src_ip;
	tf.port = m->src_port;
	tf.blksize = 512;
	tf.opt_blksize = tf.opt_tsize = false;
	const char *name = p + 2;
	const char *q = name + strlen(name) + 1; /* mode */
	if (q < end)
		q += strlen(q) + 1;
	while (q < end) {
		const char *val = q + strlen(q) + 1;
		if (val >= end)
			break;
		if (!strcasecmp(q, "blksize")) {
			unsigned v = (unsigned)atoi(val);
			tf.blksize = (uint16_t)(v > 1468 ? 1468 : v);
			tf.opt_blksize = true;
		} else if (!strcasecmp(q, "tsize")) {
			tf.opt_tsize = true;
		}
		q = val + strlen(val) + 1;
	}
	nb_udp_open(&tf.tsk, S, 0, tftp_rx, NULL);
	tf.f = find(name);
	if (!tf.f) {
		uint8_t err[] = {0, 5, 0, 1, 'n', 'o', 'p', 'e', 0};
		nb_udp_sendto(&tf.tsk, tf.ip, tf.port, err, sizeof(err));
		nb_udp_close(&tf.tsk);
		return;
	}
	tf.active = true;
	tf.block = tf.opt_blksize || tf.opt_tsize ? 0 : 1;
	tftp_send_current();
}

/* ---- HTTP over a minimal TCP responder ---- */

#define MSS 1460
#define ISS 0x10000000u

static struct {
	bool active, established, responded, fin_sent, peer_fin;
	uint32_t ip;
	uint16_t port;
	uint32_t rcv_nxt;
	uint64_t una, nxt, total;
	uint32_t wnd;
	uint64_t progress_at;
	char req[1024];
	size_t req_len;
	char hdr[256];
	size_t hdr_len;
	const struct peer_file *f;
	bool head;
} h;

static uint8_t resp_byte(uint64_t o)
{
	if (o < h.hdr_len)
		return (uint8_t)h.hdr[o];
	return h.f->data[o - h.hdr_len];
}

static void seg(uint8_t flags, uint32_t seq, uint64_t off, size_t n, bool mss)
{
	size_t cap;
	uint8_t *b = nb_ip_payload_buf(S, &cap);
	size_t hl = mss ? 24 : 20;
	memset(b, 0, hl);
	nb_put16(b, 80);
	nb_put16(b + 2, h.port);
	nb_put32(b + 4, seq);
	nb_put32(b + 8, h.rcv_nxt);
	b[12] = (uint8_t)((hl / 4) << 4);
	b[13] = flags;
	nb_put16(b + 14, 65535);
	if (mss) {
		b[20] = 2;
		b[21] = 4;
		nb_put16(b + 22, MSS);
	}
	for (size_t i = 0; i < n; i++)
		b[hl + i] = resp_byte(off + i);
	uint32_t sum = nb_ip_pseudo_sum(S->ip, h.ip, NB_IPPROTO_TCP,
					(uint16_t)(hl + n));
	nb_put16(b + 16, nb_csum_fold(nb_csum_add(sum, b, hl + n)));
	nb_ip_send(S, h.ip, NB_IPPROTO_TCP, hl + n);
}

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_ACK 0x10

static void respond(void)
{
	char method[8] = "", path[128] = "";
	if (sscanf(h.req, "%7s %127s", method, path) != 2)
		return;
	ST.http_requests++;
	snprintf(ST.last_http_path, sizeof(ST.last_http_path), "%s", path);
	h.head = !strcmp(method, "HEAD");
	h.f = path[0] == '/' ? find(path + 1) : NULL;
	if (h.f)
		h.hdr_len = (size_t)snprintf(h.hdr, sizeof(h.hdr),
					     "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n"
					     "Connection: close\r\n\r\n",
					     h.f->len);
	else
		h.hdr_len = (size_t)snprintf(h.hdr, sizeof(h.hdr),
					     "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
					     "Connection: close\r\n\r\n");
	h.total = h.hdr_len + (h.f && !h.head ? h.f->len : 0);
	h.responded = true;
	h.progress_at = NOW;
}

static void tcp_in(void *ctx, struct nb_stack *s, const struct nb_ip_info *ip,
		   const uint8_t *d, size_t len)
{
	(void)ctx, (void)s;
	if (len < 20)
		return;
	uint16_t sport = nb_get16(d), dport = nb_get16(d + 2);
	uint32_t seq = nb_get32(d + 4), ack = nb_get32(d + 8);
	size_t doff = (size_t)(d[12] >> 4) * 4;
	uint8_t flags = d[13];
	if (dport != 80 || doff < 20 || doff > len)
		return;
	if ((flags & F_SYN) && !(flags & F_ACK)) {
		if (h.active && sport == h.port && seq + 1 == h.rcv_nxt -
							 (uint32_t)h.req_len -
							 (h.peer_fin ? 1 : 0)) {
			/* A duplicate SYN: answer again unless already past
			 * the handshake. */
			if (!h.established)
				seg(F_SYN | F_ACK, ISS, 0, 0, true);
			return;
		}
		memset(&h, 0, sizeof(h));
		h.active = true;
		h.ip = ip->src;
		h.port = sport;
		h.rcv_nxt = seq + 1;
		h.wnd = nb_get16(d + 14);
		seg(F_SYN | F_ACK, ISS, 0, 0, true);
		return;
	}
	if (!h.active || sport != h.port || ip->src != h.ip)
		return;
	if (flags & F_RST) {
		h.active = false;
		return;
	}
	if (flags & F_ACK) {
		uint32_t a = ack - (ISS + 1);
		if (ack == ISS + 1)
			h.established = true;
		if (h.established && a > h.una && a <= h.total + 1) {
			h.una = a > h.total ? h.total : a;
			if (h.nxt < h.una) /* a late ACK after going back */
				h.nxt = h.una;
			h.progress_at = NOW;
			if (a == h.total + 1 && h.fin_sent && h.peer_fin)
				h.active = false;
		}
		h.wnd = nb_get16(d + 14);
	}
	size_t plen = len - doff;
	if (plen) {
		if (seq == h.rcv_nxt) {
			size_t room = sizeof(h.req) - 1 - h.req_len;
			size_t n = plen < room ? plen : room;
			memcpy(h.req + h.req_len, d + doff, n);
			h.req_len += n;
			h.req[h.req_len] = 0;
			h.rcv_nxt += (uint32_t)plen;
		}
		seg(F_ACK, ISS + 1 + (uint32_t)h.nxt, 0, 0, false);
	}
	if ((flags & F_FIN) && seq + plen == h.rcv_nxt && !h.peer_fin) {
		h.peer_fin = true;
		h.rcv_nxt++;
		seg(F_ACK, ISS + 1 + (uint32_t)h.nxt + (h.fin_sent ? 1 : 0), 0, 0,
		    false);
	}
	if (!h.responded && strstr(h.req, "\r\n\r\n"))
		respond();
}

static void http_poll(void)
{
	if (!h.active || !h.responded)
		return;
	if (h.una < h.nxt && NOW - h.progress_at > 200) {
		ST.http_retransmits++;
		h.nxt = h.una;
		h.fin_sent = false;
		h.progress_at = NOW;
	}
	if (h.wnd == 0 && h.una < h.total && NOW - h.progress_at > 200) {
		/* Zero-window probe: one byte the receiver will refuse and
		 * answer with its current window. */
		seg(F_ACK, ISS + 1 + (uint32_t)h.una, h.una, 1, false);
		h.progress_at = NOW;
	}
	for (int k = 0; k < 16 && h.nxt < h.total; k++) {
		uint64_t inflight = h.nxt - h.una;
		if (inflight >= h.wnd)
			break;
		uint64_t n = h.total - h.nxt;
		if (n > MSS)
			n = MSS;
		if (n > h.wnd - inflight)
			n = h.wnd - inflight;
		seg(F_ACK, ISS + 1 + (uint32_t)h.nxt, h.nxt, (size_t)n, false);
		ST.http_segments++;
		h.nxt += n;
	}
	if (h.nxt == h.total && !h.fin_sent) {
		seg(F_FIN | F_ACK, ISS + 1 + (uint32_t)h.total, 0, 0, false);
		h.fin_sent = true;
	}
}

void peers_start(struct nb_stack *s, const struct peer_file *files)
{
	S = s;
	FILES = files;
	memset(&ST, 0, sizeof(ST));
	memset(&tf, 0, sizeof(tf));
	memset(&h, 0, sizeof(h));
	memset(&echo_sk, 0, sizeof(echo_sk));
	nb_udp_open(&echo_sk, s, PEER_ECHO_PORT, echo_rx, NULL);
	nb_udp_open(&tf.sk69, s, 69, rrq_rx, NULL);
	nb_ip_register(s, NB_IPPROTO_TCP, tcp_in, NULL);
}

void peers_poll(uint64_t now_ms)
{
	NOW = now_ms;
	if (tf.active && NOW - tf.sent_at > 100)
		tftp_send_current();
	http_poll();
}

const struct peer_stats *peers_stats(void)
{
	return &ST;
}
