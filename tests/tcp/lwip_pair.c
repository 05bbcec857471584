/* Our TCP against lwIP over an impaired memlink: see lwip_pair.h. */
/* lwIP's arch.h needs POSIX's SSIZE_MAX to leave ssize_t alone. */
#define _DEFAULT_SOURCE 1
#include "lwip_pair.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "netif/ethernet.h"
#include "lwip/ethip6.h"

#include "netboot/stack.h"
#include "netboot/tcp.h"

#define LP_PORT 80
#define LP_SBUF (256 * 1024)
/* Simulated ms per step while frames flow; idle time is skipped. */
#define LP_ROUNDS 64

struct lp {
	struct nb_memlink m;
	struct nb_arena arena;
	uint8_t *mem;
	struct nb_stack s;
	struct nb_tcp t;
	struct nb_tcp_conn c;
	uint8_t *sbuf;
	uint64_t now;
	uint64_t rng;
	enum lp_dir dir;
	uint64_t bytes;
	/* Receiver buffer (ours for downloads, lwIP's for uploads). */
	uint8_t *dst;
	uint64_t got;      /* upload: bytes lwIP received in order */
	uint64_t sent;     /* upload: bytes we queued; download: lwIP wrote */
	bool closed_ours;
	bool lwip_done;
	bool lwip_err;
	/* lwIP side. */
	struct netif nif;
	struct tcp_pcb *lpcb;
	struct tcp_pcb *conn;
	bool req_seen;
	bool lwip_closed;
	uint8_t *pattern;
	uint8_t frame[NB_ETH_FRAME_MAX];
};

static struct lp *P; /* lwIP's callbacks have no context of ours */

static int rng_fill(void *ctx, void *buf, size_t len)
{
	struct lp *p = ctx;
	uint8_t *b = buf;
	for (size_t i = 0; i < len; i++) {
		p->rng ^= p->rng << 13;
		p->rng ^= p->rng >> 7;
		p->rng ^= p->rng << 17;
		b[i] = (uint8_t)(p->rng >> 29);
	}
	return 0;
}

/* ---- our consumer ---- */

static int our_deliver(void *ctx, uint64_t off, const void *data, size_t len)
{
	struct lp *p = ctx;
	if (off >= p->bytes)
		return -NB_ERANGE;
	if (len > p->bytes - off)
		return -NB_ERANGE;
	memcpy(p->dst + off, data, len);
	return (int)len;
}

static uint64_t our_space(void *ctx)
{
	struct lp *p = ctx;
	uint64_t in = nb_tcp_rx_offset(&p->c);
	return p->bytes > in ? p->bytes - in : 0;
}

static void our_event(void *ctx, int ev)
{
	struct lp *p = ctx;
	if (ev == NB_TCP_EV_FIN && !p->closed_ours) {
		p->closed_ours = true;
		nb_tcp_close(&p->c);
	}
}

/* ---- lwIP glue ---- */

static err_t lw_linkoutput(struct netif *nif, struct pbuf *pb)
{
	struct nb_link *l = nb_memlink_link(&P->m, 1);
	uint16_t n = pbuf_copy_partial(pb, P->frame, sizeof(P->frame), 0);
	(void)nif;
	l->ops->transmit(l->drv, P->frame, n);
	return ERR_OK;
}

static err_t lw_netif_init(struct netif *nif)
{
	struct nb_link *l = nb_memlink_link(&P->m, 1);
	nif->linkoutput = lw_linkoutput;
	nif->output = etharp_output;
#if LWIP_IPV6
	nif->output_ip6 = ethip6_output;
#endif
	nif->mtu = 1500;
	nif->hwaddr_len = 6;
	memcpy(nif->hwaddr, l->mac, 6);
	nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
		     NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
	nif->name[0] = 'm';
	nif->name[1] = 'l';
	return ERR_OK;
}

static void lw_detach(struct tcp_pcb *pcb);

/* Queue as much of the download as lwIP's send buffer takes. */
static void lw_push(struct tcp_pcb *pcb)
{
	while (P->sent < P->bytes) {
		uint32_t room = tcp_sndbuf(pcb);
		uint64_t left = P->bytes - P->sent;
		uint32_t n = left < room ? (uint32_t)left : room;
		if (n > 16384)
			n = 16384;
		if (n == 0)
			break;
		/* No copy flag: lwIP points at the pattern, as a file
		 * server would send from its page cache. */
		if (tcp_write(pcb, P->pattern + P->sent, (u16_t)n,
			      TCP_WRITE_FLAG_COPY) != ERR_OK)
			break;
		P->sent += n;
	}
	tcp_output(pcb);
	if (P->sent == P->bytes && !P->lwip_closed &&
	    tcp_close(pcb) == ERR_OK) {
		lw_detach(pcb);
		P->lwip_closed = true;
		P->conn = NULL;
	}
}

static err_t lw_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	(void)arg, (void)len;
	if (P->dir == LP_DOWNLOAD && !P->lwip_closed)
		lw_push(pcb);
	return ERR_OK;
}

static err_t lw_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *pb, err_t err)
{
	(void)arg, (void)err;
	if (!pb) {
		/* Peer's FIN: close our half too. */
		if (!P->lwip_closed) {
			lw_detach(pcb);
			tcp_close(pcb);
			P->lwip_closed = true;
			P->conn = NULL;
		}
		P->lwip_done = true;
		return ERR_OK;
	}
	if (P->dir == LP_UPLOAD) {
		uint16_t n = pb->tot_len;
		if (P->got + n <= P->bytes)
			pbuf_copy_partial(pb, P->dst + P->got, n, 0);
		P->got += n;
		tcp_recved(pcb, pb->tot_len);
		pbuf_free(pb);
		return ERR_OK;
	}
	/* Download: the request.  Acknowledge it to lwIP first: closing
	 * with unread data would make lwIP send a RST. */
	tcp_recved(pcb, pb->tot_len);
	pbuf_free(pb);
	if (!P->req_seen) {
		P->req_seen = true;
		lw_push(pcb);
	}
	return ERR_OK;
}

/* Detach our callbacks from a pcb we close: lwIP may still time it out
 * after the run, when there is no P any more. */
static void lw_detach(struct tcp_pcb *pcb)
{
	tcp_err(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_recv(pcb, NULL);
}

static void lw_err(void *arg, err_t err)
{
	(void)arg;
	fprintf(stderr, "lwip: connection error %d\n", err);
	P->lwip_err = true;
	P->conn = NULL;
}

static err_t lw_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)arg;
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	P->conn = pcb;
	tcp_recv(pcb, lw_recv);
	tcp_sent(pcb, lw_sent);
	tcp_err(pcb, lw_err);
	return ERR_OK;
}

/* ---- the two receive paths, as callgrind sees them ---- */

__attribute__((noinline)) int lp_our_rx(void)
{
	int total = 0, n;
	for (int i = 0; i < 64; i++) {
		n = nb_stack_poll(&P->s, P->now);
		if (n <= 0)
			break;
		total += n;
	}
	nb_tcp_poll(&P->c, P->now);
	return total;
}

__attribute__((noinline)) int lp_lwip_rx(void)
{
	struct nb_link *l = nb_memlink_link(&P->m, 1);
	int total = 0;
	for (int i = 0; i < 4096; i++) {
		int n = l->ops->receive(l->drv, P->frame, sizeof(P->frame));
		struct pbuf *pb;
		if (n <= 0)
			break;
		/* PBUF_RAM, not PBUF_POOL: Debian's liblwip sizes its pool
		 * buffers for a 536-byte MSS (616 bytes) while chaining them
		 * as if 1514 fit, so pool pbufs overflow on full frames. */
		pb = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_RAM);
		if (!pb)
			break;
		pbuf_take(pb, P->frame, (u16_t)n);
		if (P->nif.input(pb, &P->nif) != ERR_OK)
			pbuf_free(pb);
		total++;
	}
	return total;
}

static bool lwip_ready;

static void lwip_setup(void)
{
	ip4_addr_t ip, mask, gw;

	if (!lwip_ready) {
		lwip_init();
		lwip_ready = true;
	}
	IP4_ADDR(&ip, 10, 0, 0, 1);
	IP4_ADDR(&mask, 255, 255, 255, 0);
	IP4_ADDR(&gw, 0, 0, 0, 0);
	netif_add(&P->nif, &ip, &mask, &gw, NULL, lw_netif_init, ethernet_input);
	netif_set_up(&P->nif);
	netif_set_link_up(&P->nif);
	P->lpcb = tcp_new();
	tcp_bind(P->lpcb, IP_ANY_TYPE, LP_PORT);
	P->lpcb = tcp_listen(P->lpcb);
	tcp_accept(P->lpcb, lw_accept);
}

static void lwip_teardown(void)
{
	if (P->conn)
		tcp_abort(P->conn);
	if (P->lpcb)
		tcp_close(P->lpcb);
	/* Let lwIP free closing pcbs before the netif goes away. */
	for (int i = 0; i < 600; i++)
		tcp_tmr();
	netif_remove(&P->nif);
}

int lp_run(enum lp_dir dir, uint64_t bytes, const struct nb_impair *down,
	   const struct nb_impair *up, uint64_t seed, uint64_t max_sim_ms,
	   struct lp_result *res)
{
	size_t memlen = NB_STACK_ARENA_BYTES + NB_MEMLINK_ARENA_BYTES(256, 256) + 4096;
	struct nb_impair dimp = {0}, uimp = {0};
	struct nb_rng rng;
	struct nb_tcp_rx rx;
	uint64_t next_tmr = 250, next_arp = 1000;
	int rc = -NB_EAGAIN;

	memset(res, 0, sizeof(*res));
	P = calloc(1, sizeof(*P));
	if (!P)
		return -1;
	P->dir = dir;
	P->bytes = bytes;
	P->rng = seed | 1;
	P->mem = malloc(memlen);
	P->sbuf = malloc(LP_SBUF);
	P->dst = calloc(1, bytes ? bytes : 1);
	P->pattern = malloc(bytes ? bytes : 1);
	for (uint64_t i = 0; i < bytes; i++)
		P->pattern[i] = lp_pat(i);
	nb_arena_init(&P->arena, P->mem, memlen);
	if (down)
		dimp = *down;
	if (up)
		uimp = *up;
	/* Room for a full 64 KiB lwIP window plus ACKs in flight. */
	if (!dimp.queue_len)
		dimp.queue_len = 256;
	if (!uimp.queue_len)
		uimp.queue_len = 256;
	/* Direction 0 is A (us) to B (lwIP). */
	if (nb_memlink_init(&P->m, &uimp, &dimp, seed, &P->arena) < 0)
		return -1;
	rng.fill = rng_fill;
	rng.ctx = P;
	if (nb_stack_init(&P->s, nb_memlink_link(&P->m, 0), &rng, &P->arena) < 0)
		return -1;
	nb_stack_set_ipv4(&P->s, NB_IPV4(10, 0, 0, 2), 0xffffff00u, 0);
	if (nb_tcp_init(&P->t, &P->s) < 0)
		return -1;
	lwip_setup();

	rx.deliver = our_deliver;
	rx.space = our_space;
	rx.event = our_event;
	rx.ctx = P;
	P->now = 1;
	nb_memlink_set_time(&P->m, P->now);
	P->s.now = P->now;
	if (nb_tcp_connect(&P->c, &P->t, NB_IPV4(10, 0, 0, 1), LP_PORT, &rx,
			   P->sbuf, LP_SBUF) < 0)
		return -1;
	if (dir == LP_DOWNLOAD)
		nb_tcp_send(&P->c, "GET\n", 4);

	while (P->now < max_sim_ms) {
		int moved = 0;
		uint64_t due, step;

		for (int r = 0; r < LP_ROUNDS; r++) {
			int m = lp_our_rx();
			rc = nb_tcp_poll(&P->c, P->now);
			if (dir == LP_UPLOAD && rc == -NB_EAGAIN &&
			    nb_tcp_established(&P->c)) {
				while (P->sent < bytes) {
					uint64_t left = bytes - P->sent;
					size_t n = left > 65536 ? 65536 : (size_t)left;
					int k = nb_tcp_send(&P->c, P->pattern + P->sent, n);
					if (k <= 0)
						break;
					P->sent += (uint64_t)k;
				}
				if (P->sent == bytes && !P->closed_ours &&
				    nb_tcp_established(&P->c)) {
					P->closed_ours = true;
					nb_tcp_close(&P->c);
				}
			}
			m += lp_lwip_rx();
			moved += m;
			if (m == 0)
				break;
		}
		if (rc != -NB_EAGAIN && (dir == LP_DOWNLOAD || P->lwip_done ||
					 P->lwip_err))
			break;
		while (P->now >= next_tmr) {
			tcp_tmr();
			next_tmr += 250;
		}
		while (P->now >= next_arp) {
			etharp_tmr();
			next_arp += 1000;
		}
		/* Skip idle time up to the next thing that can happen. */
		step = 1;
		if (!moved) {
			due = nb_memlink_next_due(&P->m);
			if (due > next_tmr)
				due = next_tmr;
			if (P->c.rto_due.at_ms && due > P->c.rto_due.at_ms)
				due = P->c.rto_due.at_ms;
			if (due > P->now + 1 && due != UINT64_MAX)
				step = due - P->now;
		}
		P->now += step;
		nb_memlink_set_time(&P->m, P->now);
	}

	if (getenv("LP_DEBUG")) fprintf(stderr, "sent %llu lwip_closed %d done %d state %d rcv_off %llu fin_off %llu fin_rcvd %d status %d\n", (unsigned long long)P->sent, P->lwip_closed, P->lwip_done, P->c.state, (unsigned long long)P->c.rcv_off, (unsigned long long)P->c.fin_off, P->c.fin_rcvd, P->c.status);
	if (getenv("LP_DEBUG")) {
		uint64_t i;
		for (i = 0; i < bytes && P->dst[i] == P->pattern[i]; i++)
			;
		fprintf(stderr, "first mismatch at %llu; rx_dup %u ooo %u oow %u refused %u bad %u csum %u\n",
			(unsigned long long)i, P->t.stats.rx_dup, P->t.stats.rx_ooo, P->t.stats.rx_out_of_window, P->t.stats.rx_refused, P->t.stats.rx_bad, P->t.stats.rx_bad_csum);
	}
	res->rc = rc;
	res->sim_ms = P->now;
	res->retransmits = P->c.retransmits;
	res->ooo = P->t.stats.rx_ooo;
	if (dir == LP_DOWNLOAD) {
		res->received = nb_tcp_rx_offset(&P->c);
		res->exact = res->received == bytes &&
			     memcmp(P->dst, P->pattern, bytes) == 0;
	} else {
		res->received = P->got;
		res->exact = P->got == bytes &&
			     memcmp(P->dst, P->pattern, bytes) == 0;
	}
	res->link[0] = *nb_memlink_stats(&P->m, 0);
	res->link[1] = *nb_memlink_stats(&P->m, 1);
	if (rc == -NB_EAGAIN)
		nb_tcp_abort(&P->c);
	lwip_teardown();
	free(P->mem);
	free(P->sbuf);
	free(P->dst);
	free(P->pattern);
	free(P);
	P = NULL;
	return 0;
}
