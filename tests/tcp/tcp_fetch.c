/*
 * tcp-fetch: our TCP alone (no HTTP) against a kernel TCP server, over a
 * tap device.  Connects, sends "GET <bytes>\n", receives until the
 * server's FIN straight into a buffer, checks the SHA-256 and prints one
 * result line.  Used by tcp_kernel.sh.
 *
 *   tcp-fetch TAP IP/PREFIX SERVER PORT BYTES SHA256HEX [TIMEOUT_S]
 */
#define _DEFAULT_SOURCE 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "netboot/hosted.h"
#include "netboot/sha256.h"
#include "netboot/stack.h"
#include "netboot/tap.h"
#include "netboot/tcp.h"

struct fetch {
	struct nb_tcp_conn c;
	uint8_t *buf;
	uint64_t cap;
	int fin;
};

static int f_deliver(void *ctx, uint64_t off, const void *data, size_t len)
{
	struct fetch *f = ctx;
	if (off >= f->cap)
		return 0;
	if (len > f->cap - off)
		len = (size_t)(f->cap - off);
	memcpy(f->buf + off, data, len);
	return (int)len;
}

static uint64_t f_space(void *ctx)
{
	struct fetch *f = ctx;
	uint64_t in = nb_tcp_rx_offset(&f->c);
	/* One extra byte of room, so a server sending too much is seen. */
	return f->cap + 1 > in ? f->cap + 1 - in : 0;
}

static void f_event(void *ctx, int ev)
{
	struct fetch *f = ctx;
	if (ev == NB_TCP_EV_FIN && !f->fin) {
		f->fin = 1;
		nb_tcp_close(&f->c);
	}
}

static int parse_ip(const char *s, uint32_t *ip, unsigned *prefix)
{
	unsigned a, b, c, d, p = 32;
	if (sscanf(s, "%u.%u.%u.%u/%u", &a, &b, &c, &d, &p) < 4 || a > 255 ||
	    b > 255 || c > 255 || d > 255 || p > 32)
		return -1;
	*ip = NB_IPV4(a, b, c, d);
	if (prefix)
		*prefix = p;
	return 0;
}

int main(int argc, char **argv)
{
	static struct fetch f;
	static struct nb_stack s;
	static struct nb_tcp t;
	struct nb_tap tap;
	struct nb_link link;
	struct nb_rng rng;
	struct nb_clock clk;
	struct nb_arena arena;
	struct nb_tcp_rx rx = {f_deliver, f_space, f_event, &f};
	static uint8_t sbuf[256];
	uint8_t want[NB_SHA256_LEN], got[NB_SHA256_LEN];
	struct nb_sha256 h;
	uint32_t ip, srv;
	unsigned prefix;
	uint64_t start, now, deadline;
	char req[64];
	void *mem;
	int rc = -NB_EAGAIN, spin;

	if (argc < 7 || parse_ip(argv[2], &ip, &prefix) ||
	    parse_ip(argv[3], &srv, NULL) ||
	    nb_sha256_parse_hex(argv[6], want) < 0) {
		fprintf(stderr, "usage: %s TAP IP/PREFIX SERVER PORT BYTES SHA256 [TIMEOUT_S]\n",
			argv[0]);
		return 2;
	}
	f.cap = strtoull(argv[5], NULL, 0);
	f.buf = malloc(f.cap ? f.cap : 1);
	mem = malloc(NB_STACK_ARENA_BYTES);
	if (!f.buf || !mem)
		return 1;
	if (nb_tap_open(&tap, argv[1], &link) < 0 || nb_hosted_rng(&rng) < 0) {
		fprintf(stderr, "cannot open %s\n", argv[1]);
		return 1;
	}
	nb_hosted_clock(&clk, tap.fd);
	nb_arena_init(&arena, mem, NB_STACK_ARENA_BYTES);
	if (nb_stack_init(&s, &link, &rng, &arena) < 0 || nb_tcp_init(&t, &s) < 0)
		return 1;
	nb_stack_set_ipv4(&s, ip, prefix ? 0xffffffffu << (32 - prefix) : 0, 0);
	now = start = clk.now_ms(clk.ctx);
	deadline = start + 1000ull * (argc > 7 ? strtoull(argv[7], NULL, 0) : 120);
	nb_stack_poll(&s, now);
	if (nb_tcp_connect(&f.c, &t, srv, (uint16_t)atoi(argv[4]), &rx, sbuf,
			   sizeof(sbuf)) < 0) {
		fprintf(stderr, "connect failed\n");
		return 1;
	}
	spin = getenv("TCPF_SPIN") != NULL;
	snprintf(req, sizeof(req), "GET %s\n", argv[5]);
	nb_tcp_send(&f.c, req, strlen(req));
	while (now < deadline) {
		int n = 0, k;
		for (int i = 0; i < 64; i++) {
			k = nb_stack_poll(&s, now);
			if (k <= 0)
				break;
			n += k;
		}
		rc = nb_tcp_poll(&f.c, now);
		if (rc != -NB_EAGAIN)
			break;
		/* TCPF_SPIN=1 never sleeps: separates the stack's cost from
		 * the wake-up latency of one frame per poll() on a tap. */
		if (n == 0 && !spin)
			clk.idle(clk.ctx, 1);
		now = clk.now_ms(clk.ctx);
	}
	now = clk.now_ms(clk.ctx);
	nb_sha256_init(&h);
	nb_sha256_update(&h, f.buf, (size_t)nb_tcp_rx_offset(&f.c));
	nb_sha256_final(&h, got);
	{
		double ms = (double)(now - start);
		uint64_t bytes = nb_tcp_rx_offset(&f.c);
		int exact = bytes == f.cap && memcmp(got, want, sizeof(got)) == 0;
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		printf("tcp-fetch: rc %d (%s) bytes %llu exact %d ms %.0f MB/s %.1f "
		       "cpu %ld ms ooo %u dup %u refused %u oow %u csum %u chall %u tx %u rtx %u\n",
		       rc, nb_strerror(rc), (unsigned long long)bytes, exact, ms,
		       ms > 0 ? (double)bytes / 1e3 / ms : 0.0,
		       (long)(ru.ru_utime.tv_sec * 1000 + ru.ru_utime.tv_usec / 1000 +
			      ru.ru_stime.tv_sec * 1000 + ru.ru_stime.tv_usec / 1000),
		       t.stats.rx_ooo,
		       t.stats.rx_dup, t.stats.rx_refused, t.stats.rx_out_of_window,
		       t.stats.rx_bad_csum, t.stats.rx_challenged,
		       t.stats.tx_segments, t.stats.tx_retransmits);
		nb_tap_close(&tap);
		return (rc == 0 && exact) ? 0 : 1;
	}
}
