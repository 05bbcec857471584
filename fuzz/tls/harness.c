/*
 * libFuzzer harness for lib/tls's record path between TCP and HTTP, with
 * BearSSL's engine in the loop: the input is what a server sends.
 *
 * lib/tls is compiled into the harness (for coverage) over a stub TCP
 * connection: nb_tcp_send takes the client's records (ClientHello,
 * alerts), nb_tcp_rx_offset is the in-order point the harness moves.  An
 * insecure client (no anchors: a fuzzer cannot sign) attaches as HTTP's
 * hooks would, queues a request, then the input arrives in pieces, as
 * TCP delivers in-order data, with FIN, polls and a consumer that can
 * stop taking plaintext.  Every piece must end in progress or a clear
 * -NB_E* error, never a crash, and the error must have a text.
 *
 * Input: byte 0: bit 0 a validation time instead of none, bit 1 skip
 * dates, bits 2-4 the piece size (1 << n), bit 5 a FIN after the last
 * piece, bit 6 a consumer that takes nothing; then the server's bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/tls/anchors.c"
#include "../../lib/tls/cache.c"
#include "../../lib/tls/conn.c"
#include "../../lib/tls/san.c"
#include "../../lib/tls/why.c"
#include "../../lib/tls/x509.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The stub TCP connection below lib/tls. */
static uint64_t tcp_rx_off;
static uint64_t tcp_sent;

int nb_tcp_send(struct nb_tcp_conn *c, const void *d, size_t len)
{
	(void)c;
	(void)d;
	tcp_sent += len;
	return len > INT32_MAX ? INT32_MAX : (int)len;
}

uint64_t nb_tcp_rx_offset(const struct nb_tcp_conn *c)
{
	(void)c;
	return tcp_rx_off;
}

void nb_tcp_abort(struct nb_tcp_conn *c)
{
	(void)c;
}

int nb_tcp_poll(struct nb_tcp_conn *c, uint64_t now_ms)
{
	(void)c;
	(void)now_ms;
	return 0;
}

/* Fixed "entropy": the fuzzer's runs stay reproducible. */
static int fill(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	memset(buf, 0x5a, len);
	return 0;
}

/* HTTP above: takes plaintext unless told not to. */
static bool up_full;
static uint64_t up_bytes;

static int up_deliver(void *ctx, uint64_t off, const void *d, size_t len)
{
	(void)ctx;
	(void)d;
	if (off != up_bytes)
		abort();
	up_bytes += len;
	return len > INT32_MAX ? INT32_MAX : (int)len;
}

static uint64_t up_space(void *ctx)
{
	(void)ctx;
	return up_full ? 0 : 65536;
}

static void up_event(void *ctx, int ev)
{
	(void)ctx;
	(void)ev;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t iobuf[BR_SSL_BUFSIZE_BIDI];
	static uint8_t ring[16384];
	static struct nb_tls conn;
	static struct nb_tls_client cl;
	static struct nb_stack stack;
	static struct nb_tcp tcp;
	static struct nb_tcp_conn tc;
	static const char host[] = "fuzz.example";

	if (size < 1)
		return 0;
	uint8_t ctl = data[0];
	data++;
	size--;
	tcp_rx_off = 0;
	tcp_sent = 0;
	up_bytes = 0;
	up_full = (ctl & 0x40) != 0;
	memset(&stack, 0, sizeof(stack));
	memset(&tcp, 0, sizeof(tcp));
	memset(&tc, 0, sizeof(tc));
	stack.rng.fill = fill;
	tcp.s = &stack;
	tc.t = &tcp;

	struct nb_tls_cfg cfg = {0};
	cfg.insecure = true;
	cfg.skip_time = (ctl & 2) != 0;
	cfg.unix_time = (ctl & 1) ? 1767225600u : 0;
	if (nb_tls_init(&conn, iobuf, sizeof(iobuf), ring, sizeof(ring)) != 0 ||
	    nb_tls_client_init(&cl, &cfg, &conn, 1) != 0)
		abort();
	const struct nb_http_tls *h = nb_tls_client_http(&cl);
	struct nb_url u = {0};
	u.host = host;
	u.host_len = sizeof(host) - 1;
	u.port = 443;
	struct nb_tcp_rx rx = {.deliver = up_deliver, .space = up_space,
			      .event = up_event};
	void *layer = NULL;
	if (h->attach(h->ctx, &tc, &u, &rx, &layer) != 0)
		abort();
	static const char req[] = "GET / HTTP/1.1\r\nHost: fuzz.example\r\n\r\n";
	if (h->send(layer, req, sizeof(req) - 1) < 0)
		abort();
	if (tcp_sent == 0)
		abort(); /* no ClientHello */

	size_t step = (size_t)1 << ((ctl >> 2) & 7);
	uint64_t now = 0;
	for (size_t at = 0; at < size;) {
		size_t n = size - at < step ? size - at : step;
		/* As TCP does: deliver at the in-order point, then move it
		 * by what the layer took and tell it. */
		int k = rx.deliver(rx.ctx, tcp_rx_off, data + at, n);
		if (k == 0) {
			/* A full ring: the window is shut until HTTP reads. */
			up_full = false;
			rx.event(rx.ctx, NB_TCP_EV_DATA);
			k = rx.deliver(rx.ctx, tcp_rx_off, data + at, n);
		}
		if (k <= 0)
			break;
		if ((size_t)k > n)
			abort();
		tcp_rx_off += (uint64_t)k;
		at += (size_t)k;
		rx.event(rx.ctx, NB_TCP_EV_DATA);
		now += 100;
		if (h->poll(layer, now) < 0)
			break;
		if (h->rx_offset(layer) != up_bytes)
			abort();
	}
	if (ctl & 0x20)
		rx.event(rx.ctx, NB_TCP_EV_FIN);
	rx.event(rx.ctx, NB_TCP_EV_CLOSED);
	/* A failure is a negative NB_E* code with a text naming it. */
	if (cl.last_err > 0 || (cl.last_err < 0 && nb_tls_why(&cl)[0] == 0))
		abort();
	if (cl.last_err == 0 && nb_tls_error(&cl) != 0)
		abort();
	return 0;
}
