/*
 * lwip-fetch: the same job as tcp-fetch, done by lwIP (Debian's
 * liblwip, raw API, no threads) on the same tap device, so benchmarks
 * can put an lwIP-based client on the very path our stack and the kernel
 * use.  Debian builds lwIP with TCP_WND 65535, so this client shows what
 * a fixed small receive window costs at a given RTT.
 *
 *   lwip-fetch TAP IP/PREFIX SERVER PORT BYTES SHA256HEX [TIMEOUT_S [PATH]]
 *
 * With PATH it speaks HTTP/1.0 instead (GET PATH, the body is what is
 * counted and hashed), so it can fetch from the same nginx as nbget and
 * curl in bench/http.
 */
#define _DEFAULT_SOURCE 1
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "netif/ethernet.h"

#include "netboot/hosted.h"
#include "netboot/sha256.h"
#include "netboot/tap.h"

static struct nb_link tlink;
static struct netif nif;
static uint8_t frame[NB_ETH_FRAME_MAX];
static uint8_t *buf;
static uint64_t cap, got;
static int done, failed;

static err_t linkoutput(struct netif *n, struct pbuf *p)
{
	uint16_t len = pbuf_copy_partial(p, frame, sizeof(frame), 0);
	(void)n;
	tlink.ops->transmit(tlink.drv, frame, len);
	return ERR_OK;
}

static err_t nif_init(struct netif *n)
{
	n->linkoutput = linkoutput;
	n->output = etharp_output;
	n->output_ip6 = ethip6_output;
	n->mtu = 1500;
	n->hwaddr_len = 6;
	memcpy(n->hwaddr, tlink.mac, 6);
	n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
		   NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
	n->name[0] = 't';
	n->name[1] = 'p';
	return ERR_OK;
}

static const char *http_path;
static char head[8192];
static size_t head_len;
static int in_body;

static void body(const uint8_t *d, size_t n)
{
	if (got + n <= cap)
		memcpy(buf + got, d, n);
	got += n;
}

/* HTTP mode: hold bytes until the blank line ends the header, which must
 * announce a 200; the rest is body. */
static void feed(const uint8_t *d, size_t n)
{
	while (!in_body && n) {
		if (head_len + 1 >= sizeof(head)) {
			failed = 1;
			return;
		}
		head[head_len++] = (char)*d++;
		n--;
		head[head_len] = 0;
		if (head_len >= 4 && !memcmp(head + head_len - 4, "\r\n\r\n", 4)) {
			in_body = 1;
			if (strncmp(head, "HTTP/1.", 7) || strncmp(head + 8, " 200", 4)) {
				fprintf(stderr, "lwip-fetch: %.40s\n", head);
				failed = 1;
				return;
			}
		}
	}
	body(d, n);
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	(void)arg, (void)err;
	if (!p) {
		tcp_close(pcb);
		done = 1;
		return ERR_OK;
	}
	for (struct pbuf *q = p; q; q = q->next) {
		if (http_path)
			feed(q->payload, q->len);
		else
			body(q->payload, q->len);
	}
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
	(void)arg;
	fprintf(stderr, "lwip-fetch: connection error %d\n", err);
	failed = 1;
}

static char req[512];

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)arg;
	if (err != ERR_OK)
		return err;
	tcp_write(pcb, req, (u16_t)strlen(req), TCP_WRITE_FLAG_COPY);
	tcp_output(pcb);
	return ERR_OK;
}

static int parse_ip(const char *s, unsigned v[5])
{
	v[4] = 32;
	return sscanf(s, "%u.%u.%u.%u/%u", &v[0], &v[1], &v[2], &v[3], &v[4]) >= 4 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct nb_tap tap;
	struct nb_clock clk;
	unsigned a[5], sv[5];
	ip4_addr_t ip, mask, gw;
	ip_addr_t srv;
	struct tcp_pcb *pcb;
	uint8_t want[NB_SHA256_LEN], sum[NB_SHA256_LEN];
	struct nb_sha256 h;
	uint64_t start, now, deadline, next_tmr, next_arp;

	if (argc < 7 || parse_ip(argv[2], a) || parse_ip(argv[3], sv) ||
	    nb_sha256_parse_hex(argv[6], want) < 0) {
		fprintf(stderr, "usage: %s TAP IP/PREFIX SERVER PORT BYTES SHA256 [TIMEOUT_S [PATH]]\n",
			argv[0]);
		return 2;
	}
	cap = strtoull(argv[5], NULL, 0);
	buf = malloc(cap ? cap : 1);
	if (!buf || nb_tap_open(&tap, argv[1], &tlink) < 0) {
		fprintf(stderr, "cannot open %s\n", argv[1]);
		return 1;
	}
	nb_hosted_clock(&clk, tap.fd);
	lwip_init();
	IP4_ADDR(&ip, a[0], a[1], a[2], a[3]);
	{
		uint32_t m = a[4] ? 0xffffffffu << (32 - a[4]) : 0;
		IP4_ADDR(&mask, m >> 24, (m >> 16) & 255, (m >> 8) & 255, m & 255);
	}
	IP4_ADDR(&gw, 0, 0, 0, 0);
	IP_ADDR4(&srv, sv[0], sv[1], sv[2], sv[3]);
	netif_add(&nif, &ip, &mask, &gw, NULL, nif_init, ethernet_input);
	netif_set_default(&nif);
	netif_set_up(&nif);
	netif_set_link_up(&nif);
	http_path = argc > 8 ? argv[8] : NULL;
	if (http_path)
		snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: %s\r\n"
			 "User-Agent: lwip-fetch\r\n\r\n", http_path, argv[3]);
	else
		snprintf(req, sizeof(req), "GET %s\n", argv[5]);

	pcb = tcp_new();
	tcp_recv(pcb, on_recv);
	tcp_err(pcb, on_err);
	now = start = clk.now_ms(clk.ctx);
	deadline = start + 1000ull * (argc > 7 ? strtoull(argv[7], NULL, 0) : 120);
	next_tmr = now + TCP_TMR_INTERVAL;
	next_arp = now + 1000;
	if (tcp_connect(pcb, &srv, (u16_t)atoi(argv[4]), on_connected) != ERR_OK)
		return 1;
	while (!done && !failed && now < deadline) {
		int n = 0;
		for (int i = 0; i < 256; i++) {
			int len = tlink.ops->receive(tlink.drv, frame, sizeof(frame));
			struct pbuf *p;
			if (len <= 0)
				break;
			/* PBUF_RAM: Debian's pool pbufs are too small (see
			 * lwip_pair.c). */
			p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
			if (!p)
				break;
			pbuf_take(p, frame, (u16_t)len);
			if (nif.input(p, &nif) != ERR_OK)
				pbuf_free(p);
			n++;
		}
		now = clk.now_ms(clk.ctx);
		while (now >= next_tmr) {
			tcp_tmr();
			next_tmr += TCP_TMR_INTERVAL;
		}
		while (now >= next_arp) {
			etharp_tmr();
			next_arp += 1000;
		}
		if (!n)
			clk.idle(clk.ctx, 1);
	}
	now = clk.now_ms(clk.ctx);
	nb_sha256_init(&h);
	nb_sha256_update(&h, buf, got <= cap ? (size_t)got : (size_t)cap);
	nb_sha256_final(&h, sum);
	{
		double ms = (double)(now - start);
		int exact = done && got == cap && memcmp(sum, want, sizeof(sum)) == 0;
		printf("lwip-fetch: done %d bytes %llu exact %d ms %.0f MB/s %.1f\n",
		       done, (unsigned long long)got, exact, ms,
		       ms > 0 ? (double)got / 1e3 / ms : 0.0);
		nb_tap_close(&tap);
		return exact ? 0 : 1;
	}
}
