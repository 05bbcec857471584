/* Interfaces between lib/tcp's files. */
#ifndef NB_LIB_TCP_INT_H
#define NB_LIB_TCP_INT_H

#include "netboot/tcp.h"
#include "stack/layers.h"

/* Handle one TCP segment (registered with lib/ip by nb_tcp_init()).
 * @ctx is the struct nb_tcp. */
void nb_tcp_input(void *ctx, struct nb_stack *s, const struct nb_ip_info *ip,
		  const uint8_t *data, size_t len);

/* Header flags. */
#define TCP_FIN 0x01u
#define TCP_SYN 0x02u
#define TCP_RST 0x04u
#define TCP_PSH 0x08u
#define TCP_ACK 0x10u

/* Option kinds (RFC 793, 7323, 2018). */
#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MSS 2
#define TCPOPT_WS 3
#define TCPOPT_SACK_PERM 4
#define TCPOPT_SACK 5
#define TCPOPT_TS 8

/* RFC 7323: shifts above 14 are treated as 14. */
#define TCP_WSCALE_MAX 14
/* RFC 1122 default when the peer sends no MSS option. */
#define TCP_DEFAULT_MSS 536
/* Bytes the timestamp option takes in every segment (2 NOPs + 10). */
#define TCP_TS_LEN 12
/* How soon a SYN the link refused is offered again (ms). */
#define TCP_REFUSED_RESEND_MS 5
/* Refused SYNs offered again on that short timer before a refusal
 * counts as a timeout (about half a second of a full transmit queue or
 * ARP queue): a link that never takes one still ends by the SYN
 * retries. */
#define TCP_REFUSED_SYN_MAX 100

/* Options found in one segment. */
struct tcp_opts {
	uint16_t mss;
	uint8_t wscale;
	bool has_mss;
	bool has_ws;
	bool sack_perm;
	bool has_ts;
	uint32_t tsval;
	uint32_t tsecr;
};

/* A parsed, checked segment: every field was bounds-checked once. */
struct tcp_seg {
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;
	uint8_t flags;
	uint16_t wnd;
	const uint8_t *payload;
	size_t plen;
	struct tcp_opts opt;
};

/* opts.c */
int nb_tcp_parse_opts(const uint8_t *p, size_t len, struct tcp_opts *o);
size_t nb_tcp_put_syn_opts(struct nb_tcp_conn *c, uint8_t *p);
size_t nb_tcp_put_opts(struct nb_tcp_conn *c, uint8_t *p, size_t room);

/* output.c */
int nb_tcp_output(struct nb_tcp_conn *c);
void nb_tcp_send_ack(struct nb_tcp_conn *c);
void nb_tcp_send_rst(struct nb_tcp_conn *c);
void nb_tcp_send_rst_reply(struct nb_tcp *t, uint32_t peer,
			   const struct tcp_seg *g);
uint32_t nb_tcp_rcv_window(struct nb_tcp_conn *c, uint64_t *edge);
/* Connections of c's demultiplexer taking data now (established,
 * auto-tuned, with room; at least 1): NB_TCP_RWIN_MIN is split among
 * them, so parts starting side by side offer no more window than one
 * connection would. */
unsigned nb_tcp_receivers(const struct nb_tcp_conn *c);

/* timer.c */
void nb_tcp_rtt_sample(struct nb_tcp_conn *c, uint32_t rtt_ms);
void nb_tcp_arm_rto(struct nb_tcp_conn *c);

/* conn.c */
void nb_tcp_finish(struct nb_tcp_conn *c, int status);
uint64_t nb_tcp_now(const struct nb_tcp_conn *c);

/* Sequence number of our stream offset @p off (the SYN sits before 0). */
static inline uint32_t tcp_snd_seq(const struct nb_tcp_conn *c, uint64_t off)
{
	return c->iss + 1u + (uint32_t)off;
}

/* Sequence number of the peer's stream offset @p off. */
static inline uint32_t tcp_rcv_seq(const struct nb_tcp_conn *c, uint64_t off)
{
	return c->irs + 1u + (uint32_t)off;
}

/* The ACK number we send: RCV.NXT, plus one once the FIN is consumed. */
static inline uint32_t tcp_rcv_nxt(const struct nb_tcp_conn *c)
{
	return tcp_rcv_seq(c, c->rcv_off) + (c->fin_rcvd ? 1u : 0u);
}

/*
 * Ring index of our stream offset @p off (between the oldest unacked
 * byte and the end of the queue).  Kept relative to sbuf_head so no
 * 64-bit division is needed (i386 would call libgcc for it).
 */
static inline size_t tcp_ring_at(const struct nb_tcp_conn *c, uint64_t off)
{
	uint64_t una = c->snd_una < c->snd_end ? c->snd_una : c->snd_end;
	size_t i = c->sbuf_head + (size_t)(off - una);
	return i >= c->sbuf_len ? i - c->sbuf_len : i;
}

/* Current timestamp value we send (RFC 7323: a ms clock plus offset). */
static inline uint32_t tcp_ts_now(const struct nb_tcp_conn *c)
{
	return (uint32_t)nb_tcp_now(c) + c->ts_offset;
}

/* Payload bytes per segment we may send: MSS less the timestamp option. */
static inline uint32_t tcp_seg_max(const struct nb_tcp_conn *c)
{
	uint32_t m = c->mss;
	if (c->ts_ok)
		m -= TCP_TS_LEN;
	return m;
}

#endif
