/*
 * A scripted TCP peer for unit tests and the fuzz harness: one stack on a
 * capturing link, one connection, segments fed straight into
 * nb_tcp_input() and the replies parsed back.  No cmocka in here.
 */
#ifndef NB_TEST_TCP_HARNESS_H
#define NB_TEST_TCP_HARNESS_H

#include "netboot/stack.h"
#include "netboot/tcp.h"

#define TH_OUR_IP NB_IPV4(10, 0, 0, 2)
#define TH_PEER_IP NB_IPV4(10, 0, 0, 1)
#define TH_PEER_PORT 80
#define TH_PEER_ISN 1000000u
#define TH_SINK_CAP (1u << 20)
#define TH_TX_MAX 64

/* One segment we sent, parsed. */
struct th_out {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	bool has_mss, has_ws, sack_perm, has_ts;
	uint16_t mss;
	uint8_t ws;
	uint32_t tsval, tsecr;
	unsigned nsack;
	uint32_t sack[4][2];
	size_t plen;
	uint8_t payload[1500];
};

struct th {
	struct nb_link link;
	struct nb_stack s;
	struct nb_arena arena;
	uint8_t *mem;
	struct nb_tcp t;
	struct nb_tcp_conn c;
	uint8_t sbuf[4096];
	uint64_t rng_state;
	uint64_t now;
	/* Captured transmissions. */
	struct th_out out[TH_TX_MAX];
	size_t nout;
	/* Consumer: a memory buffer with a settable limit. */
	uint8_t *sink;
	uint64_t limit;       /* space = limit - in-order point */
	uint64_t refuse_ooo;  /* non-zero: refuse out-of-order data */
	int deliver_rc;       /* non-zero: deliver returns it */
	bool discard;         /* accept bytes past the sink, unstored */
	unsigned tx_fail;     /* the link refuses this many frames */
	uint64_t delivered;   /* bytes accepted */
	int events[32];
	size_t nevents;
	/* Peer view. */
	uint32_t peer_seq;    /* next sequence the peer sends */
	uint32_t our_isn;
};

struct th *th_new(void);
void th_free(struct th *h);
/* Start over with the same buffers (the sink keeps its old bytes). */
void th_reset(struct th *h);
/* Connect, check nothing; the SYN is h->out[0]. */
int th_connect(struct th *h);
/* Complete the handshake with a SYN-ACK carrying the given options. */
void th_synack(struct th *h, bool mss, bool ws, bool sack, bool ts,
	       uint16_t wnd);
/* Feed one segment (flags, seq, ack, window, raw options, payload). */
void th_seg(struct th *h, uint8_t flags, uint32_t seq, uint32_t ack,
	    uint16_t wnd, const uint8_t *opt, size_t optlen,
	    const void *data, size_t len);
/* Data at stream offset @off from the peer, ACKing everything we sent. */
void th_data(struct th *h, uint64_t off, const void *data, size_t len);
/* Feed raw TCP bytes (header included) with a correct or wrong checksum. */
void th_raw(struct th *h, const uint8_t *tcp, size_t len, bool fix_csum);
/* Advance time and poll the connection. */
int th_poll(struct th *h, uint64_t ms);
/* Last segment sent (NULL if none). */
const struct th_out *th_last(const struct th *h);
/* Sequence number of our stream offset 0. */
static inline uint32_t th_our_seq(const struct th *h, uint32_t off)
{
	return h->our_isn + 1 + off;
}
/* Sequence number of the peer's stream offset. */
static inline uint32_t th_peer_seq(uint64_t off)
{
	return TH_PEER_ISN + 1 + (uint32_t)off;
}

#endif
