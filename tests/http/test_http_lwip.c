/*
 * The HTTP client against an HTTP server built on lwIP (Debian's liblwip,
 * an independent TCP), joined by an impaired memlink in simulated time.
 * The server serves a pattern resource with Range, HEAD and keep-alive,
 * and can misbehave on purpose (drop a connection mid-body, redirect,
 * 404, chunked), so the client's state machine is exercised end to end
 * without root or real servers.
 */
#define _DEFAULT_SOURCE 1
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "netif/ethernet.h"

#include "netboot/fetch.h"
#include "netboot/http.h"
#include "../support/memlink.h"
#include "netboot/stack.h"
#include "netboot/tcp.h"

#define SRV_CONNS 8
#define RES_SIZE (3 * 1024 * 1024 + 17)

struct sconn {
	struct tcp_pcb *pcb;
	char req[2048];
	size_t reqlen;
	const uint8_t *out;   /* response bytes still to queue */
	uint64_t out_left;
	uint8_t hdr[512];
	size_t hdr_len, hdr_sent;
	bool close_after;
	uint64_t drop_at;     /* abort after this many body bytes (0: never) */
	uint64_t body_sent;
};

struct world {
	struct nb_memlink m;
	struct nb_arena arena;
	uint8_t *mem;
	struct nb_stack s;
	struct nb_tcp t;
	uint64_t now, rng;
	struct netif nif;
	struct tcp_pcb *lpcb;
	struct sconn c[SRV_CONNS];
	uint8_t frame[NB_ETH_FRAME_MAX];
	uint8_t *res;          /* the resource (/file, ETag "v1") */
	/* Other files by the same name on a mirror: /other (ETag "v2")
	 * honours If-Range, /naive (ETag "v3") ignores it. */
	uint8_t *alt[2];
	uint8_t *chunked;      /* chunked encoding of its first 100000 bytes */
	size_t chunked_len;
	unsigned requests, heads, drops_left;
	unsigned busy_left;      /* answer /busy with 503 + Retry-After: 2 */
	unsigned bad_left;       /* answer /bad with 502, no Retry-After */
	uint64_t req_at[16];     /* when each request came (first 16) */
	uint64_t req_first[16];  /* the first byte each one asked for */
	bool req_ranged[16];     /* ... and whether it carried a Range */
	uint32_t req_tx[16];     /* ... and the client's segments sent by then */
	uint64_t last_first;     /* ... and the last one */
	unsigned whole_reqs;     /* requests to /whole */
	unsigned dns_a, dns_other; /* queries to the DNS server, by type */
	unsigned accepted;       /* connections accepted... */
	unsigned zero_wnd;       /* ...whose handshake offered no window */
	bool lwip_up;
};

static struct world *W;
static struct nb_http H; /* large: off the stack */

static int rng_fill(void *ctx, void *buf, size_t len)
{
	uint64_t *x = ctx;
	uint8_t *b = buf;
	for (size_t i = 0; i < len; i++) {
		*x ^= *x << 13;
		*x ^= *x >> 7;
		*x ^= *x << 17;
		b[i] = (uint8_t)(*x >> 29);
	}
	return 0;
}

/* ---- lwIP server ---- */

static err_t lw_linkoutput(struct netif *nif, struct pbuf *pb)
{
	struct nb_link *l = nb_memlink_link(&W->m, 1);
	uint16_t n = pbuf_copy_partial(pb, W->frame, sizeof(W->frame), 0);
	(void)nif;
	l->ops->transmit(l->drv, W->frame, n);
	return ERR_OK;
}

static err_t lw_netif_init(struct netif *nif)
{
	struct nb_link *l = nb_memlink_link(&W->m, 1);
	nif->linkoutput = lw_linkoutput;
	nif->output = etharp_output;
	nif->mtu = 1500;
	nif->hwaddr_len = 6;
	memcpy(nif->hwaddr, l->mac, 6);
	nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
		     NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
	nif->name[0] = 'h';
	nif->name[1] = 't';
	return ERR_OK;
}

static void sc_free(struct sconn *c)
{
	if (c->pcb) {
		tcp_arg(c->pcb, NULL);
		tcp_recv(c->pcb, NULL);
		tcp_sent(c->pcb, NULL);
		tcp_err(c->pcb, NULL);
	}
	memset(c, 0, sizeof(*c));
}

static void push(struct sconn *c)
{
	while (c->hdr_sent < c->hdr_len) {
		u16_t n = (u16_t)(c->hdr_len - c->hdr_sent);
		if (tcp_sndbuf(c->pcb) < n)
			return;
		tcp_write(c->pcb, c->hdr + c->hdr_sent, n, TCP_WRITE_FLAG_COPY);
		c->hdr_sent += n;
	}
	while (c->out_left) {
		uint32_t room = tcp_sndbuf(c->pcb);
		uint32_t n = c->out_left < room ? (uint32_t)c->out_left : room;
		if (n > 16384)
			n = 16384;
		if (c->drop_at && c->body_sent + n > c->drop_at)
			n = (uint32_t)(c->drop_at - c->body_sent);
		if (n == 0)
			break;
		if (tcp_write(c->pcb, c->out, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
			break;
		c->out += n;
		c->out_left -= n;
		c->body_sent += n;
	}
	tcp_output(c->pcb);
	if (c->drop_at && c->body_sent >= c->drop_at) {
		/* A crashed server: RST, no FIN. */
		struct tcp_pcb *p = c->pcb;
		sc_free(c);
		tcp_abort(p);
		return;
	}
	if (!c->out_left && c->close_after && c->hdr_sent == c->hdr_len) {
		struct tcp_pcb *p = c->pcb;
		sc_free(c);
		tcp_close(p);
	}
}

static void respond(struct sconn *c)
{
	char *r = c->req;
	bool head = strncmp(r, "HEAD ", 5) == 0;
	char path[128] = "";
	sscanf(r + (head ? 5 : 4), "%127s", path);
	uint64_t a = 0, b = RES_SIZE - 1;
	const char *rg = strstr(r, "\r\nRange: bytes=");
	bool ranged = false;
	if (rg) {
		unsigned long long x, y;
		ranged = true;
		if (sscanf(rg + 15, "%llu-%llu", &x, &y) == 2) {
			a = x;
			b = y < RES_SIZE ? y : RES_SIZE - 1;
		} else if (sscanf(rg + 15, "%llu-", &x) == 1) {
			a = x;
		}
	}
	const uint8_t *res = W->res;
	char tag = '1';
	if (!strcmp(path, "/other") || !strcmp(path, "/naive") ||
	    !strcmp(path, "/alt")) {
		tag = path[1] == 'n' ? '3' : '2';
		res = W->alt[tag - '2'];
	}
	const char *ir = strstr(r, "\r\nIf-Range: ");
	if (ranged && ir && tag != '3' &&
	    (strncmp(ir + 12, "\"v", 2) || ir[14] != tag)) {
		/* RFC 9110 13.1.5: another validator, the whole file. */
		ranged = false;
		a = 0;
		b = RES_SIZE - 1;
	}
	if (!strcmp(path, "/whole")) {
		/* A server that ranges nothing: the whole file each time. */
		W->whole_reqs++;
		ranged = false;
		a = 0;
		b = RES_SIZE - 1;
	}
	c->close_after = strstr(r, "Connection: close") != NULL;
	if (W->requests < 16) {
		W->req_at[W->requests] = W->now;
		W->req_first[W->requests] = a;
		W->req_ranged[W->requests] = rg != NULL;
		W->req_tx[W->requests] = W->t.stats.tx_segments;
	}
	W->last_first = a;
	W->requests++;
	if (head)
		W->heads++;
	const uint8_t *body = res + a;
	uint64_t blen = b - a + 1;
	int n;
	if ((!strcmp(path, "/busy") && W->busy_left && W->busy_left--) ||
	    (!strcmp(path, "/bad") && W->bad_left && W->bad_left--)) {
		n = snprintf((char *)c->hdr, sizeof(c->hdr),
			     "HTTP/1.1 50%c Busy\r\n%sContent-Length: 0\r\n\r\n",
			     path[1] == 'b' && path[2] == 'u' ? '3' : '2',
			     path[2] == 'u' ? "Retry-After: 2\r\n" : "");
		blen = 0;
	} else if (strcmp(path, "/missing") == 0) {
		n = snprintf((char *)c->hdr, sizeof(c->hdr),
			     "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
		blen = 0;
	} else if (!strcmp(path, "/gone") && a > 0) {
		n = snprintf((char *)c->hdr, sizeof(c->hdr),
			     "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
		blen = 0;
	} else if (!strcmp(path, "/alt") && a > 0) {
		n = snprintf((char *)c->hdr, sizeof(c->hdr),
			     "HTTP/1.1 302 Found\r\nLocation: /other\r\n"
			     "Content-Length: 0\r\n\r\n");
		blen = 0;
	} else if (!strncmp(path, "/go/", 4) ||
		   (!strcmp(path, "/split") && a > 0)) {
		/* /go/X: a redirector in front of X.  /split: the file for
		 * a range from byte 0, elsewhere sent on to /whole. */
		n = snprintf((char *)c->hdr, sizeof(c->hdr),
			     "HTTP/1.1 302 Found\r\nLocation: %s\r\n"
			     "Content-Length: 0\r\n\r\n",
			     path[1] == 'g' ? path + 3 : "/whole");
		blen = 0;
	} else if (strncmp(path, "/redir", 6) == 0) {
		int k = atoi(path + 6);
		n = snprintf((char *)c->hdr, sizeof(c->hdr),
			     "HTTP/1.1 30%d Moved\r\nLocation: %s\r\n"
			     "Content-Length: 0\r\n\r\n", k ? 2 : 1,
			     k ? "/redir0" : "http://10.0.0.1/file");
		blen = 0;
	} else if (strcmp(path, "/chunked") == 0) {
		n = snprintf((char *)c->hdr, sizeof(c->hdr),
			     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
		body = W->chunked;
		blen = W->chunked_len;
	} else if (ranged) {
		n = snprintf((char *)c->hdr, sizeof(c->hdr),
			     "HTTP/1.1 206 Partial Content\r\nETag: \"v%c\"\r\n"
			     "Content-Range: bytes %llu-%llu/%d\r\n"
			     "Content-Length: %llu\r\n\r\n", tag,
			     (unsigned long long)a, (unsigned long long)b,
			     RES_SIZE, (unsigned long long)blen);
	} else {
		n = snprintf((char *)c->hdr, sizeof(c->hdr),
			     "HTTP/1.1 200 OK\r\nETag: \"v%c\"\r\nAccept-Ranges: bytes\r\n"
			     "Content-Length: %d\r\n\r\n", tag, RES_SIZE);
	}
	c->hdr_len = (size_t)n;
	c->hdr_sent = 0;
	c->out = body;
	c->out_left = head ? 0 : blen;
	c->body_sent = 0;
	c->drop_at = 0;
	if (!head && blen > 200000 && W->drops_left) {
		W->drops_left--;
		c->drop_at = blen / (strcmp(path, "/alt") ? 3 : 6);
	}
	push(c);
}

static err_t lw_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *pb, err_t err)
{
	struct sconn *c = arg;
	(void)err;
	if (!pb) {
		sc_free(c);
		tcp_close(pcb);
		return ERR_OK;
	}
	size_t n = pb->tot_len;
	if (c->reqlen + n < sizeof(c->req)) {
		pbuf_copy_partial(pb, c->req + c->reqlen, (u16_t)n, 0);
		c->reqlen += n;
		c->req[c->reqlen] = 0;
	}
	tcp_recved(pcb, pb->tot_len);
	pbuf_free(pb);
	char *end = strstr(c->req, "\r\n\r\n");
	if (end) {
		respond(c);
		/* Keep-alive: the next request starts after this one. */
		if (c->pcb == pcb) {
			size_t used = (size_t)(end + 4 - c->req);
			memmove(c->req, end + 4, c->reqlen - used + 1);
			c->reqlen -= used;
		}
	}
	return ERR_OK;
}

static err_t lw_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct sconn *c = arg;
	(void)pcb, (void)len;
	if (c && c->pcb)
		push(c);
	return ERR_OK;
}

static void lw_err(void *arg, err_t err)
{
	struct sconn *c = arg;
	(void)err;
	if (c)
		memset(c, 0, sizeof(*c));
}

static err_t lw_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)arg;
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	for (int i = 0; i < SRV_CONNS; i++) {
		if (!W->c[i].pcb) {
			W->accepted++;
			W->zero_wnd += pcb->snd_wnd == 0;
			W->c[i].pcb = pcb;
			tcp_arg(pcb, &W->c[i]);
			tcp_recv(pcb, lw_recv);
			tcp_sent(pcb, lw_sent);
			tcp_err(pcb, lw_err);
			return ERR_OK;
		}
	}
	tcp_abort(pcb);
	return ERR_ABRT;
}

static void lw_input(void)
{
	struct nb_link *l = nb_memlink_link(&W->m, 1);
	for (int i = 0; i < 4096; i++) {
		int n = l->ops->receive(l->drv, W->frame, sizeof(W->frame));
		if (n <= 0)
			break;
		struct pbuf *pb = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_RAM);
		if (!pb)
			break;
		pbuf_take(pb, W->frame, (u16_t)n);
		if (W->nif.input(pb, &W->nif) != ERR_OK)
			pbuf_free(pb);
	}
}

/* ---- fixture ---- */

static void make_chunked(void)
{
	size_t cap = 200000, o = 0, i = 0, total = 100000;
	W->chunked = malloc(cap);
	unsigned sz = 1;
	while (i < total) {
		size_t n = total - i < sz ? total - i : sz;
		o += (size_t)sprintf((char *)W->chunked + o, "%zx%s\r\n", n,
				     sz % 3 ? "" : ";ext=1");
		memcpy(W->chunked + o, W->res + i, n);
		o += n;
		memcpy(W->chunked + o, "\r\n", 2);
		o += 2;
		i += n;
		sz = sz * 7 % 9973 + 1;
	}
	o += (size_t)sprintf((char *)W->chunked + o, "0\r\nX-T: 1\r\n\r\n");
	W->chunked_len = o;
}

static int setup(void **st)
{
	static bool lwip_inited;
	W = calloc(1, sizeof(*W));
	size_t memlen = NB_STACK_ARENA_BYTES + NB_MEMLINK_ARENA_BYTES(256, 256) + 4096;
	W->mem = malloc(memlen);
	W->res = malloc(RES_SIZE);
	W->alt[0] = malloc(RES_SIZE);
	W->alt[1] = malloc(RES_SIZE);
	for (size_t i = 0; i < RES_SIZE; i++) {
		W->res[i] = (uint8_t)((i * 2654435761u) >> 13 ^ i >> 16);
		W->alt[0][i] = W->res[i] ^ 0x5a;
		W->alt[1][i] = W->res[i] ^ 0xa5;
	}
	make_chunked();
	W->rng = 0x9e3779b97f4a7c15ull;
	nb_arena_init(&W->arena, W->mem, memlen);
	struct nb_impair imp = {.queue_len = 256};
	assert_int_equal(nb_memlink_init(&W->m, &imp, &imp, 7, &W->arena), 0);
	struct nb_rng rng = {rng_fill, &W->rng};
	assert_int_equal(nb_stack_init(&W->s, nb_memlink_link(&W->m, 0), &rng,
				       &W->arena), 0);
	nb_stack_set_ipv4(&W->s, NB_IPV4(10, 0, 0, 2), 0xffffff00u, 0);
	assert_int_equal(nb_tcp_init(&W->t, &W->s), 0);
	if (!lwip_inited) {
		lwip_init();
		lwip_inited = true;
	}
	ip4_addr_t ip, mask, gw;
	IP4_ADDR(&ip, 10, 0, 0, 1);
	IP4_ADDR(&mask, 255, 255, 255, 0);
	IP4_ADDR(&gw, 0, 0, 0, 0);
	netif_add(&W->nif, &ip, &mask, &gw, NULL, lw_netif_init, ethernet_input);
	netif_set_up(&W->nif);
	netif_set_link_up(&W->nif);
	W->lpcb = tcp_new();
	tcp_bind(W->lpcb, IP_ANY_TYPE, 80);
	W->lpcb = tcp_listen(W->lpcb);
	tcp_accept(W->lpcb, lw_accept);
	W->now = 1;
	*st = W;
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	nb_http_cancel(&H);
	memset(&H, 0, sizeof(H));
	for (int i = 0; i < SRV_CONNS; i++)
		if (W->c[i].pcb) {
			struct tcp_pcb *p = W->c[i].pcb;
			sc_free(&W->c[i]);
			tcp_abort(p);
		}
	tcp_close(W->lpcb);
	for (int i = 0; i < 600; i++)
		tcp_tmr();
	netif_remove(&W->nif);
	free(W->chunked);
	free(W->res);
	free(W->alt[0]);
	free(W->alt[1]);
	free(W->mem);
	free(W);
	W = NULL;
	return 0;
}

/* Run @p obj's poll function until done, in simulated ms; lwIP timers
 * every 250 ms. */
static int run_fn(nb_poll_fn fn, void *obj, uint64_t limit_ms)
{
	uint64_t next_tmr = W->now + 250;
	int rc = -NB_EAGAIN;
	for (uint64_t end = W->now + limit_ms; W->now < end; W->now++) {
		nb_memlink_set_time(&W->m, W->now);
		for (int r = 0; r < 64; r++) {
			int a = nb_stack_poll(&W->s, W->now);
			rc = fn(obj, W->now);
			if (rc != -NB_EAGAIN)
				return rc;
			lw_input();
			if (a == 0 && nb_memlink_pending(&W->m, 0) == 0 &&
			    nb_memlink_pending(&W->m, 1) == 0)
				break;
		}
		if (W->now >= next_tmr) {
			tcp_tmr();
			etharp_tmr();
			next_tmr += 250;
		}
	}
	return rc;
}

static int http_poll_fn(void *h, uint64_t now)
{
	return nb_http_poll(h, now);
}

static int run(struct nb_http *h, uint64_t limit_ms)
{
	return run_fn(http_poll_fn, h, limit_ms);
}

static uint8_t *dl_buf;

static int get(const char *url, struct nb_http *h, struct nb_memsink *ms,
	       unsigned parts, bool ranged, uint64_t a, uint64_t b)
{
	free(dl_buf);
	dl_buf = calloc(1, RES_SIZE);
	nb_memsink_init(ms, dl_buf, RES_SIZE);
	struct nb_http_cfg cfg = {.url = url, .tcp = &W->t, .parts = parts,
				  .has_range = ranged, .first = a, .last = b};
	int rc = nb_http_start(h, &W->s, &cfg, &ms->sink, W->now);
	if (rc < 0)
		return rc;
	return run(h, 120000);
}


static void test_whole(void **st)
{
	(void)st;
	struct nb_memsink ms;
	nb_http_cancel(&H); /* a kept-alive connection stays linked */
	memset(&H, 0, sizeof(H));
	assert_int_equal(get("http://10.0.0.1/file", &H, &ms, 1, false, 0, 0), 0);
	assert_int_equal(ms.total, RES_SIZE);
	assert_memory_equal(dl_buf, W->res, RES_SIZE);
	assert_int_equal(H.stats.requests, 1);
	/* Keep-alive: the next download to the same server reuses it. */
	assert_int_equal(get("http://10.0.0.1/file", &H, &ms, 1, true, 1000, 2999), 0);
	assert_memory_equal(dl_buf, W->res + 1000, 2000);
	assert_int_equal(ms.high, 2000);
	assert_int_equal(H.stats.reused, 1);
	assert_int_equal(W->requests, 2);
	nb_http_cancel(&H);
}

static void test_lossy_parallel(void **st)
{
	(void)st;
	struct nb_impair down = {.loss_ppm = 20000, .reorder_ppm = 10000,
				 .dup_ppm = 5000, .corrupt_ppm = 5000,
				 .delay_ms = 5, .queue_len = 256};
	struct nb_impair up = {.loss_ppm = 20000, .delay_ms = 5, .queue_len = 256};
	nb_memlink_set_impair(&W->m, 1, &down);
	nb_memlink_set_impair(&W->m, 0, &up);
	struct nb_memsink ms;
	nb_http_cancel(&H); /* a kept-alive connection stays linked */
	memset(&H, 0, sizeof(H));
	assert_int_equal(get("http://10.0.0.1/file", &H, &ms, 4, false, 0, 0), 0);
	assert_memory_equal(dl_buf, W->res, RES_SIZE);
	assert_int_equal(H.nparts, 4);
	assert_int_equal(W->heads, 0);
	assert_true(nb_memlink_stats(&W->m, 1)->lost > 0);
	nb_http_cancel(&H);
}

/* Parts start with a ranged GET (no HEAD): a file within it takes one
 * request; a larger one one more per part, and the next download in
 * parts reuses every kept connection. */
static void test_parts_probe(void **st)
{
	(void)st;
	struct nb_memsink ms;
	nb_http_cancel(&H);
	memset(&H, 0, sizeof(H));
	unsigned req0 = W->requests;
	assert_int_equal(get("http://10.0.0.1/file", &H, &ms, 4, true, 0, 99999), 0);
	assert_memory_equal(dl_buf, W->res, 100000);
	assert_int_equal(W->requests - req0, 1);
	assert_int_equal(H.nparts, 1);
	nb_http_cancel(&H);
	memset(&H, 0, sizeof(H));
	req0 = W->requests;
	assert_int_equal(get("http://10.0.0.1/file", &H, &ms, 4, false, 0, 0), 0);
	assert_memory_equal(dl_buf, W->res, RES_SIZE);
	/* A quarter of the file is under the probe's MiB: part 0 has no
	 * share left after it, so 1 + 3 requests. */
	assert_int_equal(H.nparts, 4);
	assert_int_equal(W->requests - req0, 4);
	assert_int_equal(W->heads, 0);
	req0 = W->requests;
	assert_int_equal(get("http://10.0.0.1/file", &H, &ms, 4, false, 0, 0), 0);
	assert_memory_equal(dl_buf, W->res, RES_SIZE);
	assert_int_equal(W->requests - req0, 4);
	assert_int_equal(H.stats.reused, 4);
	nb_http_cancel(&H);
}

static void test_resume(void **st)
{
	(void)st;
	W->drops_left = 2;
	struct nb_memsink ms;
	nb_http_cancel(&H); /* a kept-alive connection stays linked */
	memset(&H, 0, sizeof(H));
	assert_int_equal(get("http://10.0.0.1/file", &H, &ms, 1, false, 0, 0), 0);
	assert_memory_equal(dl_buf, W->res, RES_SIZE);
	assert_int_equal(H.stats.resumes, 2);
	assert_int_equal(W->requests, 3);
	/* No resumes allowed: the drop is final. */
	W->drops_left = 1;
	nb_http_cancel(&H); /* a kept-alive connection stays linked */
	memset(&H, 0, sizeof(H));
	struct nb_http_cfg cfg = {.url = "http://10.0.0.1/file", .tcp = &W->t,
				  .max_resumes = 255};
	free(dl_buf);
	dl_buf = calloc(1, RES_SIZE);
	nb_memsink_init(&ms, dl_buf, RES_SIZE);
	assert_int_equal(nb_http_start(&H, &W->s, &cfg, &ms.sink, W->now), 0);
	assert_int_equal(run(&H, 60000), -NB_ECONNRESET);
	/* One retry allowed, two drops with bytes between them: the tries
	 * count failures in a row without progress, so both are resumed. */
	W->drops_left = 2;
	nb_http_cancel(&H);
	memset(&H, 0, sizeof(H));
	cfg.max_resumes = 1;
	memset(dl_buf, 0, RES_SIZE);
	nb_memsink_init(&ms, dl_buf, RES_SIZE);
	assert_int_equal(nb_http_start(&H, &W->s, &cfg, &ms.sink, W->now), 0);
	assert_int_equal(run(&H, 60000), 0);
	assert_memory_equal(dl_buf, W->res, RES_SIZE);
	assert_int_equal(H.stats.resumes, 2);
	nb_http_cancel(&H);
}

static void test_errors_and_redirects(void **st)
{
	(void)st;
	struct nb_memsink ms;
	nb_http_cancel(&H); /* a kept-alive connection stays linked */
	memset(&H, 0, sizeof(H));
	/* Before any start: no reason, and cancel is harmless. */
	assert_string_equal(nb_http_why(&H), "");
	assert_string_equal(nb_http_why(NULL), "");
	nb_http_cancel(&H);
	nb_http_cancel(NULL);
	assert_string_equal(nb_http_why(&H), "");
	assert_int_equal(get("http://10.0.0.1/missing", &H, &ms, 1, false, 0, 0),
			 -NB_ENOTFOUND);
	assert_int_equal(H.http_status, 404);
	assert_string_equal(nb_http_why(&H), "HTTP 404");
	/* Cancel after the failure keeps it. */
	nb_http_cancel(&H);
	assert_int_equal(nb_http_poll(&H, W->now), -NB_ENOTFOUND);
	assert_string_equal(nb_http_why(&H), "HTTP 404");
	nb_http_cancel(&H); /* a kept-alive connection stays linked */
	memset(&H, 0, sizeof(H));
	assert_int_equal(get("http://10.0.0.1/redir1", &H, &ms, 1, false, 0, 0), 0);
	assert_int_equal(H.stats.redirects, 2);
	assert_memory_equal(dl_buf, W->res, RES_SIZE);
	nb_http_cancel(&H); /* a kept-alive connection stays linked */
	memset(&H, 0, sizeof(H));
	assert_int_equal(get("http://10.0.0.1/chunked", &H, &ms, 1, false, 0, 0), 0);
	assert_int_equal(ms.high, 100000);
	assert_memory_equal(dl_buf, W->res, 100000);
	nb_http_cancel(&H);
	/* A sink too small for the announced size refuses the file. */
	uint8_t small[100];
	nb_memsink_init(&ms, small, sizeof(small));
	nb_http_cancel(&H); /* a kept-alive connection stays linked */
	memset(&H, 0, sizeof(H));
	struct nb_http_cfg cfg = {.url = "http://10.0.0.1/file", .tcp = &W->t};
	assert_int_equal(nb_http_start(&H, &W->s, &cfg, &ms.sink, W->now), 0);
	assert_int_equal(run(&H, 60000), -NB_ETOOBIG);
	assert_string_equal(nb_http_why(&H), nb_strerror(-NB_ETOOBIG));
	nb_http_cancel(&H);
	/* Cancelled while running, twice. */
	nb_http_cancel(&H);
	memset(&H, 0, sizeof(H));
	nb_memsink_init(&ms, small, sizeof(small));
	assert_int_equal(nb_http_start(&H, &W->s, &cfg, &ms.sink, W->now), 0);
	assert_string_equal(nb_http_why(&H), "");
	nb_http_cancel(&H);
	nb_http_cancel(&H);
	assert_int_equal(nb_http_poll(&H, W->now), -NB_ECANCELED);
	assert_string_equal(nb_http_why(&H), "canceled");
	/* No TCP demultiplexer: refused. */
	cfg.tcp = NULL;
	assert_int_equal(nb_http_start(&H, &W->s, &cfg, &ms.sink, W->now),
			 -NB_EINVAL);
	free(dl_buf);
	dl_buf = NULL;
}

/* The same server through lib/fetch: the dispatch, the accessors, the
 * reuse of a kept-alive connection and the reason of a failure. */
static void test_fetch(void **st)
{
	(void)st;
	static struct nb_fetch f; /* large: off the stack */
	struct nb_memsink ms;
	struct nb_fetch_cfg cfg;
	memset(&f, 0, sizeof(f));
	nb_fetch_cfg_init(&cfg);
	cfg.tcp = &W->t;
	free(dl_buf);
	dl_buf = calloc(1, RES_SIZE);
	nb_memsink_init(&ms, dl_buf, RES_SIZE);
	assert_int_equal(nb_fetch_start(&f, &W->s, &cfg, "http://10.0.0.1/file",
					&ms.sink, W->now), 0);
	assert_int_equal(run_fn(nb_fetch_poll_fn, &f, 120000), 0);
	assert_memory_equal(dl_buf, W->res, RES_SIZE);
	assert_true(nb_fetch_size_known(&f));
	assert_int_equal(nb_fetch_total(&f), RES_SIZE);
	assert_int_equal(nb_fetch_bytes(&f), RES_SIZE);
	assert_string_equal(nb_fetch_why(&f), "");
	assert_int_equal(nb_fetch_start(&f, &W->s, &cfg, "http://10.0.0.1/missing",
					&ms.sink, W->now), 0);
	assert_int_equal(run_fn(nb_fetch_poll_fn, &f, 60000), -NB_ENOTFOUND);
	assert_string_equal(nb_fetch_why(&f), "HTTP 404");
	assert_int_equal(nb_fetch_http(&f)->stats.reused, 1);
	nb_fetch_cancel(&f);
	free(dl_buf);
	dl_buf = NULL;
}

static int fetch_run(struct nb_fetch *f, const struct nb_fetch_cfg *cfg,
		     const char *url, struct nb_memsink *ms)
{
	free(dl_buf);
	dl_buf = calloc(1, RES_SIZE);
	nb_memsink_init(ms, dl_buf, RES_SIZE);
	int rc = nb_fetch_start(f, &W->s, cfg, url, &ms->sink, W->now);
	return rc < 0 ? rc : run_fn(nb_fetch_poll_fn, f, 200000);
}

/* 503 with Retry-After: retried, never before the time given; 502
 * without: retried after a jittered backoff; 404: not retried. */
static void test_retry_after(void **st)
{
	(void)st;
	static struct nb_fetch f;
	struct nb_memsink ms;
	struct nb_fetch_cfg cfg;
	memset(&f, 0, sizeof(f));
	nb_fetch_cfg_init(&cfg);
	cfg.tcp = &W->t;
	W->busy_left = 2;
	assert_int_equal(fetch_run(&f, &cfg, "http://10.0.0.1/busy", &ms), 0);
	assert_memory_equal(dl_buf, W->res, RES_SIZE);
	assert_int_equal(W->requests, 3);
	assert_true(W->req_at[1] - W->req_at[0] >= 2000);
	assert_true(W->req_at[2] - W->req_at[1] >= 2000);
	assert_int_equal(nb_fetch_http(&f)->stats.resumes, 2);
	/* 502 with no Retry-After: backoff (full jitter from 500 ms). */
	W->requests = 0;
	W->bad_left = 3;
	assert_int_equal(fetch_run(&f, &cfg, "http://10.0.0.1/bad", &ms), 0);
	assert_memory_equal(dl_buf, W->res, RES_SIZE);
	assert_int_equal(W->requests, 4);
	assert_true(W->req_at[3] - W->req_at[0] <= 500 + 1000 + 2000 + 300);
	/* Switched off: the first 503 is final. */
	W->requests = 0;
	W->busy_left = 1;
	cfg.retries = NB_FETCH_NO_RETRY;
	assert_int_equal(fetch_run(&f, &cfg, "http://10.0.0.1/busy", &ms),
			 -NB_ESERVER);
	assert_string_equal(nb_fetch_why(&f), "HTTP 503");
	assert_int_equal(W->requests, 1);
	/* Tries bounded: two retries of three 503s. */
	W->requests = 0;
	W->busy_left = 3;
	cfg.retries = 2;
	assert_int_equal(fetch_run(&f, &cfg, "http://10.0.0.1/busy", &ms),
			 -NB_ESERVER);
	assert_int_equal(W->requests, 3);
	/* Total time bounded: a Retry-After past it is not waited for. */
	W->requests = 0;
	W->busy_left = 1;
	cfg.retries = 0;
	cfg.retry_ms = 1500;
	assert_int_equal(fetch_run(&f, &cfg, "http://10.0.0.1/busy", &ms),
			 -NB_ESERVER);
	assert_int_equal(W->requests, 1);
	/* What a retry cannot cure is not retried. */
	W->requests = 0;
	cfg.retry_ms = 0;
	assert_int_equal(fetch_run(&f, &cfg, "http://10.0.0.1/missing", &ms),
			 -NB_ENOTFOUND);
	assert_int_equal(W->requests, 1);
	nb_fetch_cancel(&f);
	free(dl_buf);
	dl_buf = NULL;
}

/* A refused first URL fails over to the mirror; a server dying mid-body
 * (retries off) hands over to the mirror, which resumes where it left;
 * the next fetch starts with its own URL again. */
static void test_mirrors(void **st)
{
	(void)st;
	static struct nb_fetch f;
	struct nb_memsink ms;
	struct nb_fetch_cfg cfg;
	static const char *const mirrors[] = {"http://10.0.0.1:81/file",
					      "http://10.0.0.1/file"};
	memset(&f, 0, sizeof(f));
	nb_fetch_cfg_init(&cfg);
	cfg.tcp = &W->t;
	cfg.mirrors = mirrors;
	cfg.nmirrors = 2;
	cfg.retries = 1;
	assert_int_equal(fetch_run(&f, &cfg, "http://10.0.0.1:82/file", &ms), 0);
	assert_memory_equal(dl_buf, W->res, RES_SIZE);
	assert_int_equal(W->requests, 1);
	/* Dropped at a third: the mirror goes on from there, ranged. */
	W->requests = 0;
	W->drops_left = 1;
	cfg.retries = NB_FETCH_NO_RETRY;
	cfg.mirrors = mirrors + 1;
	cfg.nmirrors = 1;
	assert_int_equal(fetch_run(&f, &cfg, "http://10.0.0.1/file", &ms), 0);
	assert_memory_equal(dl_buf, W->res, RES_SIZE);
	assert_int_equal(W->requests, 2);
	assert_int_equal(W->req_first[0], 0);
	assert_true(W->req_first[1] >= RES_SIZE / 4);
	assert_int_equal(nb_fetch_http(&f)->stats.restarts, 0);
	/* The mirror holds another file by that name: never a splice.
	 * One honouring If-Range answers it whole (the old code asked for
	 * a bare Range and spliced); one ignoring it answers a Range with
	 * its own ETag: refused, that mirror starts over from byte 0. */
	static const char *const others[] = {"http://10.0.0.1/other",
					     "http://10.0.0.1/naive"};
	for (int k = 0; k < 2; k++) {
		W->requests = 0;
		W->drops_left = 1;
		cfg.mirrors = others + k;
		assert_int_equal(fetch_run(&f, &cfg, "http://10.0.0.1/file", &ms), 0);
		assert_memory_equal(dl_buf, W->alt[k], RES_SIZE);
		assert_int_equal(W->requests, 2 + k);
		assert_int_equal(W->req_first[1 + k], 0);
	}
	/* The retry time bounds the fetch over every mirror, not each
	 * server: 503 + Retry-After: 2 everywhere and 3 s to retry in.
	 * The first server retries at 2 s; the mirror, asked at 2 s, may
	 * not wait 2 s more (the old code gave it 3 s of its own). */
	W->requests = 0;
	W->busy_left = 10;
	static const char *const busy[] = {"http://10.0.0.1/busy"};
	cfg.mirrors = busy;
	cfg.retries = 0;
	cfg.retry_ms = 3000;
	assert_int_equal(fetch_run(&f, &cfg, "http://10.0.0.1/busy", &ms),
			 -NB_ESERVER);
	assert_int_equal(W->requests, 3);
	cfg.retry_ms = 0;
	cfg.retries = NB_FETCH_NO_RETRY;
	cfg.mirrors = mirrors + 1;
	/* No mirror left: the error stands. */
	W->requests = 0;
	cfg.nmirrors = 0;
	assert_int_equal(fetch_run(&f, &cfg, "http://10.0.0.1:82/file", &ms),
			 -NB_ECONNREFUSED);
	nb_fetch_cancel(&f);
	free(dl_buf);
	dl_buf = NULL;
}

/* A failover whose mirror URL redirects: the held bytes go on at the
 * target only under If-Range with their validator.  Through a
 * redirector to the same file they are continued; to another file by
 * that name (whole on If-Range, or a 206 with its own ETag) they are
 * never spliced (the old code cleared the validator on the redirect and
 * continued them with a bare Range). */
static void test_mirror_redirect(void **st)
{
	(void)st;
	static struct nb_fetch f;
	struct nb_memsink ms;
	struct nb_fetch_cfg cfg;
	static const char *const via[] = {"http://10.0.0.1/go/file",
					  "http://10.0.0.1/go/other",
					  "http://10.0.0.1/go/naive"};
	memset(&f, 0, sizeof(f));
	nb_fetch_cfg_init(&cfg);
	cfg.tcp = &W->t;
	cfg.retries = NB_FETCH_NO_RETRY;
	cfg.nmirrors = 1;
	for (int k = 0; k < 3; k++) {
		W->requests = 0;
		W->drops_left = 1;
		cfg.mirrors = via + k;
		assert_int_equal(fetch_run(&f, &cfg, "http://10.0.0.1/file", &ms), 0);
		assert_memory_equal(dl_buf, k ? W->alt[k - 1] : W->res, RES_SIZE);
		if (k == 0) {
			/* Dropped, redirected, continued where it dropped. */
			assert_int_equal(W->requests, 3);
			assert_true(W->req_first[2] >= RES_SIZE / 4);
		} else {
			assert_int_equal(W->last_first, 0);
		}
	}
	nb_fetch_cancel(&f);
	free(dl_buf);
	dl_buf = NULL;
}

/* TLS hooks that are a plain pass-through, with room for only @c allow
 * layers: the extra parts of a download over https:// cannot start. */
struct tls_stub {
	struct nb_http_tls hooks;
	unsigned attaches, allow;
};

static int stub_attach(void *ctx, struct nb_tcp_conn *c, const struct nb_url *u,
		       struct nb_tcp_rx *rx, void **layer)
{
	struct tls_stub *t = ctx;
	(void)u, (void)rx;
	if (t->attaches >= t->allow)
		return -NB_ENOMEM;
	t->attaches++;
	*layer = c;
	return 0;
}

static int stub_send(void *layer, const void *data, size_t len)
{
	return nb_tcp_send(layer, data, len);
}

static uint64_t stub_rx_offset(const void *layer)
{
	return nb_tcp_rx_offset(layer);
}

static int stub_poll(void *layer, uint64_t now_ms)
{
	return nb_tcp_poll(layer, now_ms);
}

/* Parts only speed a download up: those that cannot start leave their
 * shares to part 0, which fetches the file alone or with the parts that
 * did start (the old code failed the download with -NB_ENOMEM). */
static void test_parts_cannot_start(void **st)
{
	(void)st;
	static struct tls_stub t;
	struct nb_memsink ms;
	for (unsigned allow = 1; allow <= 2; allow++) {
		memset(&t, 0, sizeof(t));
		t.hooks = (struct nb_http_tls){stub_attach, stub_send,
					       stub_rx_offset, stub_poll, &t};
		t.allow = allow;
		nb_http_cancel(&H);
		memset(&H, 0, sizeof(H));
		free(dl_buf);
		dl_buf = calloc(1, RES_SIZE);
		nb_memsink_init(&ms, dl_buf, RES_SIZE);
		unsigned req0 = W->requests;
		struct nb_http_cfg cfg = {.url = "https://10.0.0.1:80/file",
					  .tcp = &W->t, .parts = 4,
					  .tls = &t.hooks};
		assert_int_equal(nb_http_start(&H, &W->s, &cfg, &ms.sink, W->now), 0);
		assert_int_equal(run(&H, 120000), 0);
		assert_memory_equal(dl_buf, W->res, RES_SIZE);
		assert_int_equal(ms.high, RES_SIZE);
		assert_int_equal(H.nparts, allow);
		assert_int_equal(t.attaches, allow);
		/* The probe, the parts that started, part 0's tail. */
		assert_int_equal(W->requests - req0, allow + 1);
	}
	nb_http_cancel(&H);
	free(dl_buf);
	dl_buf = NULL;
}

/* Parts planned with a tail for part 0, then a redirect on a part to a
 * server that ranges nothing: the new probe brings the whole file, and
 * the old plan's tail is not asked for there (the old code asked for
 * it, and got the whole file a second time). */
static void test_redirect_after_plan(void **st)
{
	(void)st;
	struct nb_memsink ms;
	nb_http_cancel(&H);
	memset(&H, 0, sizeof(H));
	W->whole_reqs = 0;
	assert_int_equal(get("http://10.0.0.1/split", &H, &ms, 2, false, 0, 0), 0);
	assert_memory_equal(dl_buf, W->res, RES_SIZE);
	assert_int_equal(H.stats.redirects, 1);
	assert_int_equal(W->whole_reqs, 1);
	assert_int_equal(H.stats.restarts, 0);
	nb_http_cancel(&H);
	free(dl_buf);
	dl_buf = NULL;
}

/* A kept connection's part forgets how far it got in the last file:
 * there its progress bought fresh retries, here bytes below it must
 * too.  One retry in a row allowed, two drops with bytes between them:
 * both resumed (the old code kept the mark of the first download, past
 * where this one drops, and failed the second drop). */
static void test_kept_part_progress(void **st)
{
	(void)st;
	struct nb_memsink ms;
	nb_http_cancel(&H);
	memset(&H, 0, sizeof(H));
	W->drops_left = 1;
	assert_int_equal(get("http://10.0.0.1/file", &H, &ms, 1, false, 0, 0), 0);
	assert_memory_equal(dl_buf, W->res, RES_SIZE);
	assert_int_equal(H.stats.resumes, 1);
	W->drops_left = 2;
	struct nb_http_cfg cfg = {.url = "http://10.0.0.1/file", .tcp = &W->t,
				  .has_range = true, .first = 0, .last = 899999,
				  .max_resumes = 1};
	memset(dl_buf, 0, RES_SIZE);
	nb_memsink_init(&ms, dl_buf, RES_SIZE);
	assert_int_equal(nb_http_start(&H, &W->s, &cfg, &ms.sink, W->now), 0);
	assert_int_equal(run(&H, 120000), 0);
	assert_memory_equal(dl_buf, W->res, 900000);
	assert_int_equal(H.stats.resumes, 2);
	/* The first request went on the kept connection. */
	assert_true(H.stats.reused >= 1);
	nb_http_cancel(&H);
	free(dl_buf);
	dl_buf = NULL;
}

/* A DNS server on lwIP: every A query is answered with 10.0.0.1, any
 * other type with NXDOMAIN. */
static void lw_dns_recv(void *arg, struct udp_pcb *pcb, struct pbuf *pb,
			const ip_addr_t *addr, u16_t port)
{
	static const uint8_t ans[] = {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60,
				      0, 4, 10, 0, 0, 1};
	uint8_t q[512];
	u16_t n = pbuf_copy_partial(pb, q, sizeof(q) - sizeof(ans), 0);
	(void)arg;
	pbuf_free(pb);
	if (n < 17)
		return;
	bool a = q[n - 4] == 0 && q[n - 3] == 1;
	if (a)
		W->dns_a++;
	else
		W->dns_other++;
	q[2] = 0x81;
	q[3] = a ? 0x80 : 0x83;
	if (a) {
		q[7] = 1;
		memcpy(q + n, ans, sizeof(ans));
		n = (u16_t)(n + sizeof(ans));
	}
	struct pbuf *r = pbuf_alloc(PBUF_TRANSPORT, n, PBUF_RAM);
	if (!r)
		return;
	pbuf_take(r, q, n);
	udp_sendto(pcb, r, addr, port);
	pbuf_free(r);
}

static int no_send(struct nb_dns_net *n, struct nb_dns *q, uint32_t server,
		   const void *pkt, size_t len)
{
	(void)n, (void)q, (void)server, (void)pkt, (void)len;
	return -NB_EIO;
}

static void no_close(struct nb_dns_net *n)
{
	(void)n;
}

/* A v6 transport without a DNS server cannot even ask for AAAA: the
 * name is asked as A over v4 at once (the old code failed the download
 * with -NB_EUNREACH). */
static void test_no_v6_dns_server(void **st)
{
	(void)st;
	struct nb_memsink ms;
	struct udp_pcb *dns = udp_new();
	assert_non_null(dns);
	assert_int_equal(udp_bind(dns, IP_ANY_TYPE, 53), ERR_OK);
	udp_recv(dns, lw_dns_recv, NULL);
	W->s.dns[0] = NB_IPV4(10, 0, 0, 1);
	struct nb_dns_net none = {no_send, no_close, NULL, 0};
	nb_http_cancel(&H);
	memset(&H, 0, sizeof(H));
	free(dl_buf);
	dl_buf = calloc(1, RES_SIZE);
	nb_memsink_init(&ms, dl_buf, RES_SIZE);
	struct nb_http_cfg cfg = {.url = "http://boot.lan/file", .tcp = &W->t,
				  .tcp6 = &W->t, .dns6 = &none};
	assert_int_equal(nb_http_start(&H, &W->s, &cfg, &ms.sink, W->now), 0);
	assert_int_equal(run(&H, 120000), 0);
	assert_memory_equal(dl_buf, W->res, RES_SIZE);
	assert_int_equal(W->dns_a, 1);
	assert_int_equal(W->dns_other, 0);
	nb_http_cancel(&H);
	udp_remove(dns);
	free(dl_buf);
	dl_buf = NULL;
}

/* A failover whose mirror refuses If-Range (another file, sent whole),
 * drops below the held bytes, and answers the resume with a redirect:
 * the held bytes are the old file's and must not be continued. */
static void test_refused_then_redirect(void **st)
{
	(void)st;
	static struct nb_fetch f;
	struct nb_memsink ms;
	struct nb_fetch_cfg cfg;
	static const char *const alt[] = {"http://10.0.0.1/alt"};
	memset(&f, 0, sizeof(f));
	nb_fetch_cfg_init(&cfg);
	cfg.tcp = &W->t;
	cfg.retries = 1;
	cfg.mirrors = alt;
	cfg.nmirrors = 1;
	W->requests = 0;
	W->drops_left = 2;
	assert_int_equal(fetch_run(&f, &cfg, "http://10.0.0.1/gone", &ms), 0);
	assert_memory_equal(dl_buf, W->alt[0], RES_SIZE);
	nb_fetch_cancel(&f);
	free(dl_buf);
	dl_buf = NULL;
}

/* At a long round trip the parts' handshakes overlap the probe's: their
 * requests reach the server one round trip after the probe's (its
 * headers' way back and the request's way there), not two (the old code
 * connected only once the headers were in).  Small files open nothing
 * more, and the connections opened ahead serve the next download. */
static void test_parts_connect_early(void **st)
{
	(void)st;
	struct nb_impair imp = {.delay_ms = 40, .queue_len = 256};
	nb_memlink_set_impair(&W->m, 0, &imp);
	nb_memlink_set_impair(&W->m, 1, &imp);
	struct nb_memsink ms;
	nb_http_cancel(&H);
	memset(&H, 0, sizeof(H));
	unsigned req0 = W->requests;
	assert_int_equal(get("http://10.0.0.1/file", &H, &ms, 4, true, 0, 99999), 0);
	assert_int_equal(W->requests - req0, 1);
	unsigned conns = 0;
	for (const struct nb_tcp_conn *c = W->t.conns; c; c = c->next)
		conns++;
	assert_int_equal(conns, 1);
	nb_http_cancel(&H);
	memset(&H, 0, sizeof(H));
	req0 = W->requests;
	assert_int_equal(get("http://10.0.0.1/file", &H, &ms, 4, false, 0, 0), 0);
	assert_memory_equal(dl_buf, W->res, RES_SIZE);
	assert_int_equal(W->requests - req0, 4);
	for (unsigned i = 1; i < 4; i++)
		assert_true(W->req_at[req0 + i] - W->req_at[req0] <= 80 + 20);
	/* Opened ahead is not reused (the first download was cancelled). */
	assert_int_equal(H.stats.reused, 0);
	nb_http_cancel(&H);
}

/* Connections opened ahead for the parts close when the plan needs
 * none of them: a server that ignores Range answers the probe with the
 * whole file, and only the connection that carried it stays (kept
 * alive).  Before, the three opened ahead stayed open until the next
 * download. */
static void test_parts_unused_closed(void **st)
{
	(void)st;
	struct nb_memsink ms;
	nb_http_cancel(&H);
	memset(&H, 0, sizeof(H));
	assert_int_equal(get("http://10.0.0.1/whole", &H, &ms, 4, false, 0, 0), 0);
	assert_memory_equal(dl_buf, W->res, RES_SIZE);
	unsigned conns = 0;
	for (const struct nb_tcp_conn *c = W->t.conns; c; c = c->next)
		conns++;
	assert_int_equal(conns, 1);
	nb_http_cancel(&H);
}

/* A download of /file in up to 4 parts from 40 ms; @p fresh: a new
 * download object (nothing kept) over a link of @p one_way ms each way. */
static int get_auto(bool fresh, uint32_t one_way, struct nb_memsink *ms)
{
	if (fresh) {
		struct nb_impair imp = {.delay_ms = one_way, .queue_len = 256};
		nb_memlink_set_impair(&W->m, 0, &imp);
		nb_memlink_set_impair(&W->m, 1, &imp);
		nb_http_cancel(&H);
		memset(&H, 0, sizeof(H));
	}
	free(dl_buf);
	dl_buf = calloc(1, RES_SIZE);
	nb_memsink_init(ms, dl_buf, RES_SIZE);
	struct nb_http_cfg cfg = {.url = "http://10.0.0.1/file", .tcp = &W->t,
				  .parts = 4, .parts_min_rtt_ms = 40};
	int rc = nb_http_start(&H, &W->s, &cfg, &ms->sink, W->now);
	return rc < 0 ? rc : run(&H, 120000);
}

static unsigned conns_open(void)
{
	unsigned n = 0;
	for (const struct nb_tcp_conn *c = W->t.conns; c; c = c->next)
		n++;
	return n;
}

/* A near server (@p one_way ms each way, < 20) gets one connection and
 * one whole request, no probe, sent as soon as the handshake is done
 * (the stack has not resolved the server: ARP, SYN, SYN-ACK, request),
 * and so does the next download on the kept connection. */
static void check_near(uint32_t one_way)
{
	struct nb_memsink ms;
	uint64_t t0 = W->now;
	unsigned req0 = W->requests;
	uint32_t tx0 = W->t.stats.tx_segments;
	assert_int_equal(get_auto(true, one_way, &ms), 0);
	assert_memory_equal(dl_buf, W->res, RES_SIZE);
	assert_int_equal(H.nparts, 1);
	assert_int_equal(W->requests - req0, 1);
	assert_false(W->req_ranged[req0]);
	assert_int_equal(conns_open(), 1);
	assert_true(H.rtt_ms >= 2 * one_way && H.rtt_ms <= 2 * one_way + 5);
	assert_true(W->req_at[req0] - t0 <= 7 * one_way + 5);
	/* Its SYN and handshake ACK offered the header buffer's room, as a
	 * request's connection does, not a zero window. */
	assert_int_equal(W->accepted, 1);
	assert_int_equal(W->zero_wnd, 0);
	/* The request rode on the handshake's ACK (SYN, ACK + request), as
	 * without the timing: a separate segment halved nginx's rate. */
	assert_int_equal(W->req_tx[req0] - tx0, 2);
	req0 = W->requests;
	assert_int_equal(get_auto(false, one_way, &ms), 0);
	assert_memory_equal(dl_buf, W->res, RES_SIZE);
	assert_int_equal(W->requests - req0, 1);
	assert_int_equal(H.stats.reused, 1);
	assert_int_equal(conns_open(), 1);
	nb_http_cancel(&H);
}

/* No delay: one connection. */
static void test_parts_auto_near(void **st)
{
	(void)st;
	check_near(0);
}

/* 30 ms: still near.  The first SYN waits a round trip in the ARP queue
 * (a fresh stack), which TCP's own sample of the handshake counts
 * (60 ms, far): the timing must start once the SYN can leave. */
static void test_parts_auto_arp(void **st)
{
	(void)st;
	check_near(15);
}

/* A server that drops every SYN: the timed handshake gives up on the
 * first resent SYN (Karn: no sample) and goes on as near, so the stall
 * timer ends the download as soon as with one connection.  (It waited
 * for TCP's own SYN timeout first: 51 s against 20.) */
static uint64_t fail_time(unsigned parts, uint16_t min_rtt)
{
	struct nb_impair lost = {.loss_ppm = 1000000, .queue_len = 256};
	nb_memlink_set_impair(&W->m, 0, &lost);
	nb_http_cancel(&H);
	memset(&H, 0, sizeof(H));
	struct nb_memsink ms;
	free(dl_buf);
	dl_buf = calloc(1, RES_SIZE);
	nb_memsink_init(&ms, dl_buf, RES_SIZE);
	struct nb_http_cfg cfg = {.url = "http://10.0.0.1/file", .tcp = &W->t,
				  .parts = parts, .parts_min_rtt_ms = min_rtt,
				  .max_resumes = 255 /* no retries */};
	uint64_t t0 = W->now;
	int rc = nb_http_start(&H, &W->s, &cfg, &ms.sink, W->now);
	if (rc == 0)
		rc = run(&H, 120000);
	assert_true(rc < 0 && rc != -NB_EAGAIN);
	nb_http_cancel(&H);
	return W->now - t0;
}

static void test_parts_auto_syn_lost(void **st)
{
	(void)st;
	struct nb_memsink ms;
	/* The server's address resolved first: the SYNs are what is lost. */
	assert_int_equal(get_auto(true, 0, &ms), 0);
	uint64_t one = fail_time(1, 0), timed = fail_time(4, 40);
	assert_true(timed <= one + 2000);
	assert_int_equal(H.nparts, 1);
}

/* 80 ms: far, so parts, and their connections open as soon as the first
 * handshake is timed: their requests reach the server a round trip after
 * the probe's at most, as with parts asked for outright
 * (test_parts_connect_early).  The next download goes in parts on the
 * kept connections. */
static void test_parts_auto_far(void **st)
{
	(void)st;
	struct nb_memsink ms;
	uint64_t t0 = W->now;
	unsigned req0 = W->requests;
	uint32_t tx0 = W->t.stats.tx_segments;
	assert_int_equal(get_auto(true, 40, &ms), 0);
	assert_memory_equal(dl_buf, W->res, RES_SIZE);
	assert_int_equal(H.nparts, 4);
	assert_int_equal(W->requests - req0, 4);
	assert_true(W->req_ranged[req0]);
	/* SYN, ACK + request, the parts' three SYNs right after. */
	assert_int_equal(W->req_tx[req0] - tx0, 5);
	assert_true(H.rtt_ms >= 80 && H.rtt_ms <= 85);
	/* ARP, SYN, SYN-ACK, request: 4 one-way trips. */
	assert_true(W->req_at[req0] - t0 <= 4 * 40 + 5);
	for (unsigned i = 1; i < 4; i++)
		assert_true(W->req_at[req0 + i] - W->req_at[req0] <= 80 + 20);
	/* The parts opened ahead offer a window too. */
	assert_int_equal(W->accepted, 4);
	assert_int_equal(W->zero_wnd, 0);
	req0 = W->requests;
	assert_int_equal(get_auto(false, 40, &ms), 0);
	assert_memory_equal(dl_buf, W->res, RES_SIZE);
	assert_int_equal(W->requests - req0, 4);
	assert_int_equal(H.stats.reused, 4);
	nb_http_cancel(&H);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lossy_parallel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parts_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_and_redirects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fetch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retry_after, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mirrors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mirror_redirect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parts_cannot_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redirect_after_plan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kept_part_progress, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_v6_dns_server, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_then_redirect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parts_connect_early, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parts_unused_closed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parts_auto_near, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parts_auto_arp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parts_auto_far, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parts_auto_syn_lost, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
