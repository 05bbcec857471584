/*
 * Unit tests of the TFTP client state machine, driven through a fake
 * transport: every packet the client sends is captured, every packet the
 * "server" sends is handed to nb_tftp_input() with an explicit time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "netboot/tftp.h"
#include "tftp/tftp_int.h"

#define SERVER NB_IPV4(10, 0, 0, 1)
#define SPORT 40000 /* the server's transfer ID */
#define MAXPKT 1600
#define NCAP 32

struct sent {
	uint32_t ip;
	uint16_t port;
	size_t len;
	uint8_t b[MAXPKT];
};

struct fake {
	struct sent pkts[NCAP]; /* ring of the last NCAP packets */
	unsigned n;             /* total packets sent */
	unsigned rebinds;
	unsigned closes;
};

static int f_send(void *ctx, uint32_t ip, uint16_t port, const void *pkt,
		  size_t len)
{
	struct fake *f = ctx;
	struct sent *s = &f->pkts[f->n % NCAP];
	assert_true(len <= MAXPKT);
	s->ip = ip;
	s->port = port;
	s->len = len;
	memcpy(s->b, pkt, len);
	f->n++;
	return 0;
}

static int f_rebind(void *ctx)
{
	((struct fake *)ctx)->rebinds++;
	return 0;
}

static void f_close(void *ctx)
{
	((struct fake *)ctx)->closes++;
}

static const struct nb_tftp_io fake_io = {f_send, f_rebind, f_close};

/* Everything one test needs, on the heap so tests stay independent. */
struct fx {
	struct fake f;
	struct nb_tftp t;
	struct nb_tftp_cfg cfg;
	struct nb_memsink ms;
	uint8_t *buf;
	size_t cap;
	uint64_t now;
};

static struct sent *last(struct fx *x)
{
	assert_true(x->f.n > 0);
	return &x->f.pkts[(x->f.n - 1) % NCAP];
}

static struct fx *fx_new(size_t cap, uint16_t blksize, uint16_t window)
{
	struct fx *x = calloc(1, sizeof(*x));
	assert_non_null(x);
	x->cap = cap;
	x->buf = calloc(1, cap ? cap : 1);
	nb_memsink_init(&x->ms, x->buf, cap);
	nb_tftp_cfg_init(&x->cfg, NULL, SERVER, "boot/pxelinux.0");
	x->cfg.blksize = blksize;
	x->cfg.windowsize = window;
	x->now = 1000;
	return x;
}

static void fx_start(struct fx *x)
{
	/* Before any start: no reason, and cancel is harmless. */
	assert_string_equal(nb_tftp_why(&x->t), "");
	nb_tftp_cancel(&x->t);
	nb_tftp_cancel(NULL);
	assert_string_equal(nb_tftp_why(NULL), "");
	assert_int_equal(x->f.n, 0);
	assert_int_equal(nb_tftp_start_io(&x->t, &x->cfg, &x->ms.sink,
					  &fake_io, &x->f, x->now),
			 0);
	assert_int_equal(x->f.n, 1);
	assert_int_equal(nb_get16(last(x)->b), NB_TFTP_RRQ);
	assert_int_equal(last(x)->port, NB_TFTP_PORT);
}

static void fx_free(struct fx *x)
{
	free(x->buf);
	free(x);
}

static void in_raw(struct fx *x, uint16_t port, const void *p, size_t len)
{
	nb_tftp_input(&x->t, SERVER, port, p, len, x->now);
}

/* OACK from the server's TID with "name\0value\0" pairs given as one
 * string with '|' standing for NUL. */
static void in_oack(struct fx *x, const char *pairs)
{
	uint8_t b[512];
	size_t n = strlen(pairs);
	nb_put16(b, NB_TFTP_OACK);
	for (size_t i = 0; i < n; i++)
		b[2 + i] = pairs[i] == '|' ? 0 : (uint8_t)pairs[i];
	in_raw(x, SPORT, b, 2 + n);
}

/* DATA @block with @len bytes of a pattern derived from the offset. */
static void in_data(struct fx *x, uint16_t block, uint64_t off, size_t len)
{
	uint8_t b[4 + MAXPKT];
	nb_put16(b, NB_TFTP_DATA);
	nb_put16(b + 2, block);
	for (size_t i = 0; i < len; i++)
		b[4 + i] = (uint8_t)((off + i) * 7 + 3);
	in_raw(x, SPORT, b, 4 + len);
}

static void in_error(struct fx *x, uint16_t port, uint16_t code,
		     const char *msg)
{
	uint8_t b[256];
	nb_put16(b, NB_TFTP_ERROR);
	nb_put16(b + 2, code);
	strcpy((char *)b + 4, msg);
	in_raw(x, port, b, 5 + strlen(msg));
}

static void assert_ack(struct sent *s, uint16_t block)
{
	assert_int_equal(s->len, 4);
	assert_int_equal(nb_get16(s->b), NB_TFTP_ACK);
	assert_int_equal(nb_get16(s->b + 2), block);
	assert_int_equal(s->ip, SERVER);
	assert_int_equal(s->port, SPORT);
}

static void assert_errpkt(struct sent *s, uint16_t code)
{
	assert_true(s->len >= 5);
	assert_int_equal(nb_get16(s->b), NB_TFTP_ERROR);
	assert_int_equal(nb_get16(s->b + 2), code);
	assert_int_equal(s->b[s->len - 1], 0);
}

static void assert_content(struct fx *x, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++)
		if (x->buf[i] != (uint8_t)(i * 7 + 3))
			fail_msg("byte %llu wrong", (unsigned long long)i);
}

/* ---- request and negotiation ---- */

static void test_rrq_format(void **state)
{
	(void)state;
	struct fx *x = fx_new(100, 1468, 16);
	fx_start(x);
	struct sent *s = last(x);
	const char want[] = "\0\1boot/pxelinux.0\0octet\0blksize\0001468\0"
			    "tsize\0000\0timeout\0001\0windowsize\00016";
	assert_int_equal(s->len, sizeof(want));
	assert_memory_equal(s->b, want, sizeof(want));
	assert_int_equal(s->ip, SERVER);
	fx_free(x);
}

static void test_cfg_defaults(void **state)
{
	(void)state;
	struct nb_tftp_cfg c;
	nb_tftp_cfg_init(&c, NULL, SERVER, "x");
	assert_int_equal(c.blksize, 1468); /* 1500 - 20 - 8 - 4 */
	assert_int_equal(c.windowsize, 16);
	assert_true(c.tsize);
}

static void test_bad_args(void **state)
{
	(void)state;
	struct fx *x = fx_new(10, 1468, 16);
	x->cfg.filename = "";
	assert_int_equal(nb_tftp_start_io(&x->t, &x->cfg, &x->ms.sink,
					  &fake_io, &x->f, 0),
			 -NB_EINVAL);
	x->cfg.filename = NULL;
	assert_int_equal(nb_tftp_start_io(&x->t, &x->cfg, &x->ms.sink,
					  &fake_io, &x->f, 0),
			 -NB_EINVAL);
	x->cfg.filename = "a";
	x->cfg.blksize = 7;
	assert_int_equal(nb_tftp_start_io(&x->t, &x->cfg, &x->ms.sink,
					  &fake_io, &x->f, 0),
			 -NB_EINVAL);
	x->cfg.blksize = 512;
	x->cfg.windowsize = NB_TFTP_WINDOW_MAX + 1; /* ambiguous block numbers */
	assert_int_equal(nb_tftp_start_io(&x->t, &x->cfg, &x->ms.sink,
					  &fake_io, &x->f, 0),
			 -NB_EINVAL);
	x->cfg.windowsize = 16;
	char longname[600];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	x->cfg.blksize = 512;
	x->cfg.filename = longname;
	assert_int_equal(nb_tftp_start_io(&x->t, &x->cfg, &x->ms.sink,
					  &fake_io, &x->f, 0),
			 -NB_EMSGSIZE);
	assert_int_equal(x->f.n, 0);
	fx_free(x);
}

static void test_no_options_requested(void **state)
{
	(void)state;
	struct fx *x = fx_new(100, 0, 0);
	x->cfg.tsize = false;
	x->cfg.timeout_s = 0;
	fx_start(x);
	const char want[] = "\0\1boot/pxelinux.0\0octet";
	assert_int_equal(last(x)->len, sizeof(want));
	assert_memory_equal(last(x)->b, want, sizeof(want));
	fx_free(x);
}

static void test_oack_all(void **state)
{
	(void)state;
	struct fx *x = fx_new(5000, 1468, 16);
	fx_start(x);
	x->now += 3;
	in_oack(x, "BLKSIZE|1400|tsize|2900|timeout|1|windowsize|8|");
	assert_int_equal(x->t.state, NB_TFTP_TRANSFER);
	assert_int_equal(x->t.blksize, 1400);
	assert_int_equal(x->t.windowsize, 8);
	assert_int_equal(x->t.timeout_s, 1);
	assert_true(x->ms.have_total);
	assert_int_equal(x->ms.total, 2900);
	assert_ack(last(x), 0);
	assert_int_equal(x->t.stats.rtt_samples, 1);
	in_data(x, 1, 0, 1400);
	in_data(x, 2, 1400, 1400);
	assert_int_equal(x->f.n, 2); /* no ACK inside the window */
	in_data(x, 3, 2800, 100);
	assert_ack(last(x), 3);
	assert_int_equal(nb_tftp_poll(&x->t, x->now), 0);
	assert_content(x, 2900);
	assert_int_equal(x->f.closes, 1);
	fx_free(x);
}

static void test_oack_partial(void **state)
{
	(void)state;
	/* tftpd-hpa and dnsmasq leave windowsize out: lock-step. */
	struct fx *x = fx_new(5000, 1468, 16);
	fx_start(x);
	in_oack(x, "blksize|1468|tsize|1468|");
	assert_int_equal(x->t.windowsize, 1);
	in_data(x, 1, 0, 1468);
	assert_ack(last(x), 1);
	in_data(x, 2, 1468, 0);
	assert_ack(last(x), 2);
	assert_int_equal(nb_tftp_poll(&x->t, x->now), 0);
	assert_int_equal(x->ms.high, 1468);
	fx_free(x);
}

static void test_oack_empty_means_defaults(void **state)
{
	(void)state;
	struct fx *x = fx_new(5000, 1468, 16);
	fx_start(x);
	in_oack(x, "");
	assert_int_equal(x->t.blksize, 512);
	assert_int_equal(x->t.windowsize, 1);
	assert_ack(last(x), 0);
	fx_free(x);
}

/* Every refused OACK: ERROR 8 to the server, then a plain request from a
 * fresh port. */
static void refuse_case(const char *pairs)
{
	struct fx *x = fx_new(5000, 1024, 8);
	fx_start(x);
	in_oack(x, pairs);
	assert_int_equal(x->f.n, 3);
	assert_errpkt(&x->f.pkts[1], NB_TFTP_ERR_OPTION);
	assert_int_equal(x->f.pkts[1].port, SPORT);
	struct sent *r = last(x);
	const char want[] = "\0\1boot/pxelinux.0\0octet";
	assert_int_equal(r->len, sizeof(want));
	assert_memory_equal(r->b, want, sizeof(want));
	assert_int_equal(r->port, NB_TFTP_PORT);
	assert_int_equal(x->f.rebinds, 1);
	assert_int_equal(x->t.stats.fallbacks, 1);
	assert_true(x->t.plain);
	assert_int_equal(x->t.state, NB_TFTP_REQUEST);
	/* the plain transfer then works from another port */
	nb_tftp_input(&x->t, SERVER, SPORT + 1, "\0\3\0\1abc", 7, x->now);
	assert_int_equal(nb_tftp_poll(&x->t, x->now), 0);
	assert_int_equal(x->t.blksize, 512);
	assert_memory_equal(x->buf, "abc", 3);
	fx_free(x);
}

static void test_oack_refusals(void **state)
{
	(void)state;
	refuse_case("blksize|2048|");          /* larger than asked */
	refuse_case("windowsize|9|");          /* larger than asked */
	refuse_case("windowsize|0|");          /* nonsense */
	refuse_case("blksize|7|");             /* below RFC 2348 minimum */
	refuse_case("timeout|2|");             /* must echo ours */
	refuse_case("multicast|,,|");          /* never asked */
	refuse_case("blksize|512|blksize|512|"); /* duplicate */
	refuse_case("blksize|5x2|");           /* not a number */
	refuse_case("blksize||");              /* empty value */
	refuse_case("blksize|512");            /* unterminated */
	refuse_case("blksize|");               /* value missing */
	refuse_case("|512|");                  /* empty name */
	refuse_case("tsize|99999999999999999999999|"); /* overflow */
}

static void test_oack_unasked_tsize(void **state)
{
	(void)state;
	struct fx *x = fx_new(5000, 1024, 0);
	x->cfg.tsize = false;
	fx_start(x);
	in_oack(x, "tsize|10|");
	assert_errpkt(&x->f.pkts[1], NB_TFTP_ERR_OPTION);
	assert_true(x->t.plain);
	fx_free(x);
}

static void test_error8_fallback(void **state)
{
	(void)state;
	struct fx *x = fx_new(5000, 1468, 16);
	fx_start(x);
	in_error(x, SPORT, NB_TFTP_ERR_OPTION, "no options");
	assert_true(x->t.plain);
	assert_int_equal(x->f.n, 2);
	assert_int_equal(x->f.rebinds, 1);
	assert_int_equal(nb_tftp_poll(&x->t, x->now), -NB_EAGAIN);
	/* a late OACK of the first attempt is not taken for an answer */
	in_oack(x, "blksize|1468|");
	assert_int_equal(x->t.state, NB_TFTP_REQUEST);
	/* and error 8 again, now to a plain request, is final */
	in_error(x, SPORT, NB_TFTP_ERR_OPTION, "still no");
	assert_int_equal(nb_tftp_poll(&x->t, x->now), -NB_EOPTION);
	assert_string_equal(x->t.err_msg, "still no");
	fx_free(x);
}

static int f_rebind_fail(void *ctx)
{
	(void)ctx;
	return -NB_EADDRINUSE;
}

static int f_send_fail(void *ctx, uint32_t ip, uint16_t port,
		       const void *pkt, size_t len)
{
	f_send(ctx, ip, port, pkt, len);
	return -NB_ENOBUFS;
}

static void test_transport_failures(void **state)
{
	(void)state;
	/* no fresh port for the fallback: the transfer fails with why */
	static const struct nb_tftp_io norebind = {f_send, f_rebind_fail,
						   f_close};
	struct fx *x = fx_new(100, 1468, 16);
	assert_int_equal(nb_tftp_start_io(&x->t, &x->cfg, &x->ms.sink,
					  &norebind, &x->f, x->now),
			 0);
	in_error(x, SPORT, NB_TFTP_ERR_OPTION, "no");
	assert_int_equal(nb_tftp_poll(&x->t, x->now), -NB_EADDRINUSE);
	fx_free(x);
	/* a send the driver could not take is a lost packet: timer retries */
	static const struct nb_tftp_io lossy = {f_send_fail, NULL, NULL};
	x = fx_new(100, 1468, 16);
	assert_int_equal(nb_tftp_start_io(&x->t, &x->cfg, &x->ms.sink,
					  &lossy, &x->f, x->now),
			 0);
	assert_int_equal(nb_tftp_poll(&x->t, x->now + 1000), -NB_EAGAIN);
	assert_int_equal(x->f.n, 2);
	/* without rebind the fallback keeps the port and still works */
	in_error(x, SPORT, NB_TFTP_ERR_OPTION, "no");
	assert_true(x->t.plain);
	assert_int_equal(x->f.n, 3);
	fx_free(x);
}

static void test_server_ignores_options(void **state)
{
	(void)state;
	struct fx *x = fx_new(5000, 1468, 16);
	fx_start(x);
	in_data(x, 1, 0, 512);
	assert_int_equal(x->t.state, NB_TFTP_TRANSFER);
	assert_int_equal(x->t.blksize, 512);
	assert_int_equal(x->t.windowsize, 1);
	assert_ack(last(x), 1);
	in_data(x, 2, 512, 10);
	assert_ack(last(x), 2);
	assert_int_equal(nb_tftp_poll(&x->t, x->now), 0);
	assert_content(x, 522);
	assert_false(x->ms.have_total);
	fx_free(x);
}

static void test_data_first_wrong_block(void **state)
{
	(void)state;
	struct fx *x = fx_new(5000, 1468, 16);
	fx_start(x);
	in_data(x, 2, 0, 512);
	assert_int_equal(x->t.state, NB_TFTP_REQUEST);
	assert_int_equal(x->t.stats.bad_packets, 1);
	assert_int_equal(x->f.n, 1);
	fx_free(x);
}

static void test_oversized_block(void **state)
{
	(void)state;
	struct fx *x = fx_new(5000, 1468, 16);
	fx_start(x);
	in_data(x, 1, 0, 513); /* options ignored, so 512 is the limit */
	assert_int_equal(nb_tftp_poll(&x->t, x->now), -NB_EPROTO);
	assert_errpkt(last(x), NB_TFTP_ERR_ILLEGAL);
	fx_free(x);
}

/* ---- windows, gaps, duplicates ---- */

static struct fx *windowed(size_t cap, uint16_t bs, uint16_t w)
{
	struct fx *x = fx_new(cap, bs, w);
	x->cfg.tsize = false;
	x->cfg.timeout_s = 0;
	fx_start(x);
	char o[64];
	snprintf(o, sizeof(o), "blksize|%u|windowsize|%u|", bs, w);
	in_oack(x, o);
	assert_ack(last(x), 0);
	return x;
}

static void test_window_acks(void **state)
{
	(void)state;
	struct fx *x = windowed(10000, 100, 4);
	unsigned n0 = x->f.n;
	for (uint16_t b = 1; b <= 8; b++)
		in_data(x, b, (b - 1) * 100u, 100);
	assert_int_equal(x->f.n, n0 + 2);
	assert_ack(&x->f.pkts[n0], 4);
	assert_ack(&x->f.pkts[n0 + 1], 8);
	in_data(x, 9, 800, 50); /* final block mid-window is ACKed at once */
	assert_ack(last(x), 9);
	assert_int_equal(nb_tftp_poll(&x->t, x->now), 0);
	assert_content(x, 850);
	fx_free(x);
}

static void test_gap_acks_once(void **state)
{
	(void)state;
	struct fx *x = windowed(10000, 100, 8);
	unsigned n0 = x->f.n;
	in_data(x, 1, 0, 100);
	in_data(x, 2, 100, 100);
	in_data(x, 4, 300, 100); /* 3 lost */
	assert_int_equal(x->f.n, n0 + 1);
	assert_ack(last(x), 2);
	for (uint16_t b = 5; b <= 8; b++)
		in_data(x, b, (b - 1) * 100u, 100); /* rest of old window */
	assert_int_equal(x->f.n, n0 + 1);         /* no more ACKs */
	assert_int_equal(x->t.stats.future_blocks, 5);
	assert_int_equal(x->t.stats.gap_acks, 1);
	/* the server restarts after block 2 with a full window: 3..10 */
	for (uint16_t b = 3; b <= 10; b++)
		in_data(x, b, (b - 1) * 100u, 100);
	assert_int_equal(x->f.n, n0 + 2);
	assert_ack(last(x), 10);
	in_data(x, 11, 1000, 0);
	assert_ack(last(x), 11);
	assert_int_equal(nb_tftp_poll(&x->t, x->now), 0);
	assert_content(x, 1000);
	fx_free(x);
}

static void test_reordered_pair(void **state)
{
	(void)state;
	struct fx *x = windowed(10000, 100, 4);
	in_data(x, 2, 100, 100); /* arrives before 1 */
	assert_ack(last(x), 0);
	in_data(x, 1, 0, 100);
	in_data(x, 2, 100, 100);
	in_data(x, 3, 200, 100);
	in_data(x, 4, 300, 100);
	assert_ack(last(x), 4);
	in_data(x, 5, 400, 1);
	assert_int_equal(nb_tftp_poll(&x->t, x->now), 0);
	assert_content(x, 401);
	fx_free(x);
}

static void test_duplicates_not_acked(void **state)
{
	(void)state;
	/* Lock-step: re-ACKing duplicate DATA is the Sorcerer's Apprentice
	 * bug; the client stays silent and lets its timer act. */
	struct fx *x = windowed(10000, 100, 1);
	in_data(x, 1, 0, 100);
	assert_ack(last(x), 1);
	unsigned n = x->f.n;
	in_data(x, 1, 0, 100);
	in_data(x, 1, 0, 100);
	assert_int_equal(x->f.n, n);
	assert_int_equal(x->t.stats.dup_blocks, 2);
	/* a very late block from long ago is also a duplicate */
	in_data(x, (uint16_t)(2 - 0x7000), 0, 100);
	assert_int_equal(x->f.n, n);
	assert_int_equal(x->t.stats.dup_blocks, 3);
	in_data(x, 2, 100, 99);
	assert_int_equal(nb_tftp_poll(&x->t, x->now), 0);
	assert_content(x, 199);
	fx_free(x);
}

static void test_dup_oack_ignored(void **state)
{
	(void)state;
	struct fx *x = windowed(10000, 100, 4);
	unsigned n = x->f.n;
	in_oack(x, "blksize|100|windowsize|4|");
	assert_int_equal(x->f.n, n);
	assert_int_equal(x->t.stats.dup_oacks, 1);
	in_data(x, 1, 0, 100);
	in_oack(x, "blksize|100|windowsize|4|");
	assert_int_equal(x->t.stats.bad_packets, 1);
	assert_int_equal(x->t.state, NB_TFTP_TRANSFER);
	fx_free(x);
}

static void test_exact_multiple_zero_final(void **state)
{
	(void)state;
	struct fx *x = fx_new(10000, 512, 4);
	fx_start(x);
	in_oack(x, "blksize|512|tsize|1536|timeout|1|windowsize|4|");
	in_data(x, 1, 0, 512);
	in_data(x, 2, 512, 512);
	in_data(x, 3, 1024, 512);
	assert_int_equal(nb_tftp_poll(&x->t, x->now), -NB_EAGAIN);
	in_data(x, 4, 1536, 0);
	assert_ack(last(x), 4);
	assert_int_equal(nb_tftp_poll(&x->t, x->now), 0);
	assert_int_equal(x->t.bytes, 1536);
	assert_content(x, 1536);
	fx_free(x);
}

static void test_empty_file(void **state)
{
	(void)state;
	struct fx *x = fx_new(0, 1468, 16);
	fx_start(x);
	in_oack(x, "blksize|1468|tsize|0|timeout|1|windowsize|16|");
	assert_true(x->ms.have_total);
	in_data(x, 1, 0, 0);
	assert_ack(last(x), 1);
	assert_int_equal(nb_tftp_poll(&x->t, x->now), 0);
	assert_int_equal(x->t.bytes, 0);
	fx_free(x);
}

static void test_one_block(void **state)
{
	(void)state;
	struct fx *x = fx_new(2000, 1468, 16);
	fx_start(x);
	in_oack(x, "blksize|1468|tsize|1468|timeout|1|windowsize|16|");
	in_data(x, 1, 0, 1468);
	assert_int_equal(x->f.n, 2); /* window not full: no ACK yet */
	in_data(x, 2, 1468, 0);
	assert_ack(last(x), 2);
	assert_int_equal(nb_tftp_poll(&x->t, x->now), 0);
	assert_content(x, 1468);
	fx_free(x);
}

static void test_rollover(void **state)
{
	(void)state;
	/* 70000 blocks of 8 bytes pass 65535: block numbers wrap to 0 and
	 * offsets keep growing. */
	const uint32_t blocks = 70000, bs = 8;
	struct fx *x = windowed((size_t)blocks * bs + 16, bs, 16);
	for (uint32_t b = 1; b <= blocks; b++)
		in_data(x, (uint16_t)b, (uint64_t)(b - 1) * bs, bs);
	assert_int_equal(x->t.state, NB_TFTP_TRANSFER);
	assert_int_equal(x->t.next, blocks + 1);
	assert_ack(last(x), (uint16_t)blocks); /* 70000 % 16 == 0 */
	/* a duplicate from before the wrap is not taken for new data */
	in_data(x, (uint16_t)(blocks - 3), 0, bs);
	assert_int_equal(x->t.stats.dup_blocks, 1);
	in_data(x, (uint16_t)(blocks + 1), (uint64_t)blocks * bs, 3);
	assert_int_equal(nb_tftp_poll(&x->t, x->now), 0);
	assert_int_equal(x->t.bytes, (uint64_t)blocks * bs + 3);
	assert_content(x, (uint64_t)blocks * bs + 3);
	fx_free(x);
}

static void test_rollover_block_zero(void **state)
{
	(void)state;
	struct fx *x = windowed(65537 * 8 + 8, 8, 1);
	for (uint32_t b = 1; b <= 65535; b++)
		in_data(x, (uint16_t)b, (uint64_t)(b - 1) * 8, 8);
	assert_ack(last(x), 65535);
	in_data(x, 0, 65535 * 8, 8); /* block 65536 travels as 0 */
	assert_ack(last(x), 0);
	in_data(x, 1, 65536 * 8, 0);
	assert_ack(last(x), 1);
	assert_int_equal(nb_tftp_poll(&x->t, x->now), 0);
	assert_int_equal(x->t.bytes, 65536 * 8);
	fx_free(x);
}

/* ---- transfer IDs and errors ---- */

static void test_wrong_tid(void **state)
{
	(void)state;
	struct fx *x = windowed(10000, 100, 1);
	unsigned n = x->f.n;
	uint8_t d[104] = {0, 3, 0, 1};
	nb_tftp_input(&x->t, SERVER, SPORT + 7, d, sizeof(d), x->now);
	assert_int_equal(x->f.n, n + 1);
	assert_errpkt(last(x), NB_TFTP_ERR_TID);
	assert_int_equal(last(x)->port, SPORT + 7);
	assert_int_equal(x->t.stats.wrong_tid, 1);
	assert_int_equal(x->t.next, 1);
	assert_int_equal(x->t.state, NB_TFTP_TRANSFER);
	/* another host, even before the TID is known, is refused too */
	nb_tftp_input(&x->t, SERVER + 1, SPORT, d, sizeof(d), x->now);
	assert_int_equal(last(x)->ip, SERVER + 1);
	assert_int_equal(x->t.stats.wrong_tid, 2);
	/* an ERROR from a stranger is never answered (no ping-pong) */
	uint8_t e[] = {0, 5, 0, 5, 'x', 0};
	nb_tftp_input(&x->t, SERVER, SPORT + 9, e, sizeof(e), x->now);
	assert_int_equal(x->f.n, n + 2);
	assert_int_equal(x->t.stats.wrong_tid, 3);
	assert_int_equal(nb_tftp_poll(&x->t, x->now), -NB_EAGAIN);
	in_data(x, 1, 0, 10);
	assert_int_equal(nb_tftp_poll(&x->t, x->now), 0);
	fx_free(x);
}

static void test_wrong_host_before_tid(void **state)
{
	(void)state;
	struct fx *x = fx_new(10000, 512, 0);
	fx_start(x);
	uint8_t d[] = {0, 3, 0, 1, 'e', 'v', 'i', 'l'};
	nb_tftp_input(&x->t, NB_IPV4(10, 0, 0, 66), SPORT, d, sizeof(d),
		      x->now);
	assert_int_equal(x->t.state, NB_TFTP_REQUEST);
	assert_errpkt(last(x), NB_TFTP_ERR_TID);
	fx_free(x);
}

static void error_case(uint16_t code, int want)
{
	struct fx *x = fx_new(100, 1468, 16);
	fx_start(x);
	in_error(x, SPORT, code, "File not found \x01!");
	assert_int_equal(nb_tftp_poll(&x->t, x->now), want);
	assert_int_equal(x->t.err_code, code);
	assert_string_equal(x->t.err_msg, "File not found ?!");
	assert_string_equal(nb_tftp_why(&x->t), "File not found ?!");
	assert_int_equal(x->f.n, 1); /* ERROR is never answered */
	assert_int_equal(x->f.closes, 1);
	/* Cancel after the failure keeps it and sends nothing. */
	nb_tftp_cancel(&x->t);
	assert_int_equal(x->f.n, 1);
	assert_int_equal(nb_tftp_poll(&x->t, x->now), want);
	assert_string_equal(nb_tftp_why(&x->t), "File not found ?!");
	fx_free(x);
}

static void test_server_errors(void **state)
{
	(void)state;
	error_case(0, -NB_ESERVER);
	error_case(1, -NB_ENOTFOUND);
	error_case(2, -NB_EACCES);
	error_case(3, -NB_ENOSPC);
	error_case(4, -NB_EPROTO);
	error_case(5, -NB_ETID);
	error_case(6, -NB_ESERVER);
	error_case(7, -NB_EACCES);
	error_case(99, -NB_ESERVER);
}

static void test_error_midway_and_unterminated(void **state)
{
	(void)state;
	struct fx *x = windowed(10000, 100, 1);
	in_data(x, 1, 0, 100);
	uint8_t e[4 + 200] = {0, 5, 0, 2};
	memset(e + 4, 'm', 200); /* no NUL, longer than we keep */
	in_raw(x, SPORT, e, sizeof(e));
	assert_int_equal(nb_tftp_poll(&x->t, x->now), -NB_EACCES);
	assert_int_equal(strlen(x->t.err_msg), NB_TFTP_ERRMSG_MAX - 1);
	fx_free(x);
	x = fx_new(10, 512, 0);
	fx_start(x);
	in_raw(x, SPORT, "\0\5\0", 3); /* too short for a code */
	assert_int_equal(nb_tftp_poll(&x->t, x->now), -NB_ESERVER);
	fx_free(x);
}

static void test_junk_counted(void **state)
{
	(void)state;
	struct fx *x = windowed(10000, 100, 1);
	in_raw(x, SPORT, "\0", 1);
	in_raw(x, SPORT, "\0\3\0", 3);
	in_raw(x, SPORT, "\0\4\0\1", 4); /* an ACK to a reader */
	in_raw(x, SPORT, "\0\1a\0octet\0", 10);
	in_raw(x, SPORT, "\xff\xff", 2);
	in_raw(x, SPORT, NULL, 0);
	assert_int_equal(x->t.stats.bad_packets, 6);
	assert_int_equal(x->t.state, NB_TFTP_TRANSFER);
	fx_free(x);
}

/* ---- sizes and sinks ---- */

static void test_tsize_refused_by_sink(void **state)
{
	(void)state;
	struct fx *x = fx_new(1000, 1468, 16);
	fx_start(x);
	in_oack(x, "blksize|1468|tsize|1001|");
	assert_int_equal(nb_tftp_poll(&x->t, x->now), -NB_ETOOBIG);
	assert_errpkt(last(x), NB_TFTP_ERR_DISKFULL);
	assert_int_equal(x->ms.high, 0); /* not a byte landed */
	fx_free(x);
}

static void test_more_than_tsize(void **state)
{
	(void)state;
	struct fx *x = fx_new(10000, 100, 4);
	fx_start(x);
	in_oack(x, "blksize|100|tsize|150|");
	in_data(x, 1, 0, 100);
	in_data(x, 2, 100, 100);
	assert_int_equal(nb_tftp_poll(&x->t, x->now), -NB_ETOOBIG);
	assert_errpkt(last(x), NB_TFTP_ERR_DISKFULL);
	assert_int_equal(x->ms.high, 100);
	fx_free(x);
}

static void test_less_than_tsize(void **state)
{
	(void)state;
	struct fx *x = fx_new(10000, 100, 4);
	fx_start(x);
	in_oack(x, "blksize|100|tsize|150|");
	in_data(x, 1, 0, 20);
	assert_ack(last(x), 1);
	assert_int_equal(nb_tftp_poll(&x->t, x->now), -NB_EPROTO);
	fx_free(x);
}

static void test_sink_full(void **state)
{
	(void)state;
	struct fx *x = fx_new(150, 100, 0); /* no tsize: the sink decides */
	x->cfg.tsize = false;
	fx_start(x);
	in_oack(x, "blksize|100|timeout|1|");
	in_data(x, 1, 0, 100);
	in_data(x, 2, 100, 100);
	assert_int_equal(nb_tftp_poll(&x->t, x->now), -NB_ERANGE);
	assert_errpkt(last(x), NB_TFTP_ERR_DISKFULL);
	fx_free(x);
}

/* ---- timers ---- */

static void test_request_timeouts(void **state)
{
	(void)state;
	struct fx *x = fx_new(100, 1468, 16);
	x->cfg.max_tries = 4;
	fx_start(x);
	uint64_t t0 = x->now;
	assert_int_equal(nb_deadline_remaining(&x->t.timer, t0), 1000);
	assert_int_equal(nb_tftp_poll(&x->t, t0 + 999), -NB_EAGAIN);
	assert_int_equal(x->f.n, 1);
	assert_int_equal(nb_tftp_poll(&x->t, t0 + 1000), -NB_EAGAIN);
	assert_int_equal(x->f.n, 2); /* RRQ again, then 2 s */
	assert_int_equal(nb_get16(last(x)->b), NB_TFTP_RRQ);
	assert_int_equal(nb_tftp_poll(&x->t, t0 + 2999), -NB_EAGAIN);
	assert_int_equal(nb_tftp_poll(&x->t, t0 + 3000), -NB_EAGAIN);
	assert_int_equal(x->f.n, 3);
	assert_int_equal(nb_tftp_poll(&x->t, t0 + 7000), -NB_EAGAIN);
	assert_int_equal(x->f.n, 4);
	assert_int_equal(nb_tftp_poll(&x->t, t0 + 15000), -NB_ETIMEDOUT);
	assert_int_equal(x->t.stats.retransmits, 3);
	assert_string_equal(nb_tftp_why(&x->t), nb_strerror(-NB_ETIMEDOUT));
	assert_int_equal(x->t.state, NB_TFTP_FAILED);
	fx_free(x);
}

static void test_karn_no_sample_after_retry(void **state)
{
	(void)state;
	struct fx *x = fx_new(100, 1468, 16);
	fx_start(x);
	x->now += 1000;
	nb_tftp_poll(&x->t, x->now);
	x->now += 10;
	in_oack(x, "blksize|1468|timeout|1|");
	assert_int_equal(x->t.stats.rtt_samples, 0);
	/* without a sample the negotiated timeout seeds the timer */
	assert_int_equal(x->t.rtt.rto, 1000);
	fx_free(x);
}

static void test_data_timeout_reacks(void **state)
{
	(void)state;
	struct fx *x = windowed(10000, 100, 4);
	x->now += 20; /* RTT 20 ms for block 1 after ACK 0 */
	in_data(x, 1, 0, 100);
	in_data(x, 2, 100, 100);
	assert_int_equal(x->t.stats.rtt_samples, 2);
	unsigned n = x->f.n;
	uint64_t wait = nb_deadline_remaining(&x->t.timer, x->now);
	assert_true(wait >= 50 && wait < 1000);
	/* tail of the window lost: the timer ACKs the last in-order block */
	x->now += wait;
	assert_int_equal(nb_tftp_poll(&x->t, x->now), -NB_EAGAIN);
	assert_int_equal(x->f.n, n + 1);
	assert_ack(last(x), 2);
	/* the window restarts after block 2 */
	for (uint16_t b = 3; b <= 6; b++)
		in_data(x, b, (b - 1) * 100u, 100);
	assert_ack(last(x), 6);
	/* next timeouts back off, then give up */
	uint64_t prev = 0;
	int rc = -NB_EAGAIN;
	for (int i = 0; i < 40 && rc == -NB_EAGAIN; i++) {
		uint64_t w = x->t.state < NB_TFTP_DONE
				     ? nb_deadline_remaining(&x->t.timer, x->now)
				     : UINT64_MAX;
		assert_true(w >= prev || w == NB_TFTP_RTO_MAX_MS);
		prev = w;
		x->now += w;
		rc = nb_tftp_poll(&x->t, x->now);
	}
	assert_int_equal(rc, -NB_ETIMEDOUT);
	assert_int_equal(x->t.stats.timeouts, 1 + NB_TFTP_MAX_TRIES);
	fx_free(x);
}

static void test_rtt_estimator(void **state)
{
	(void)state;
	struct nb_tftp t;
	memset(&t, 0, sizeof(t));
	t.cfg.rto_min_ms = 50;
	t.cfg.rto_max_ms = 8000;
	nb_tftp_rtt_init(&t);
	nb_tftp_rtt_sample(&t, 100);
	assert_int_equal(t.rtt.rto, 300); /* srtt + 4 * srtt/2 */
	for (int i = 0; i < 50; i++)
		nb_tftp_rtt_sample(&t, 100);
	assert_true(t.rtt.rto >= 125 && t.rtt.rto < 135); /* srtt + srtt/4 margin */
	for (int i = 0; i < 50; i++)
		nb_tftp_rtt_sample(&t, 0);
	assert_int_equal(t.rtt.rto, 50);
	nb_tftp_rtt_sample(&t, 4000000000u);
	assert_int_equal(t.rtt.rto, 8000);
}

static void test_abort(void **state)
{
	(void)state;
	struct fx *x = windowed(10000, 100, 4);
	assert_string_equal(nb_tftp_why(&x->t), "");
	nb_tftp_cancel(&x->t);
	assert_errpkt(last(x), NB_TFTP_ERR_UNDEF);
	assert_int_equal(nb_tftp_poll(&x->t, x->now), -NB_ECANCELED);
	assert_string_equal(nb_tftp_why(&x->t), "canceled");
	unsigned n = x->f.n;
	nb_tftp_cancel(&x->t);
	in_data(x, 1, 0, 10);
	assert_int_equal(x->f.n, n);
	fx_free(x);
}

static void test_parse_num(void **state)
{
	(void)state;
	uint64_t v;
	assert_int_equal(nb_parse_u64("18446744073709551615", 20, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(nb_parse_u64("18446744073709551616", 20, &v), -NB_ERANGE);
	assert_int_equal(nb_parse_u64("", 0, &v), -NB_EINVAL);
	assert_int_equal(nb_parse_u64("-1", 2, &v), -NB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rrq_format),
		cmocka_unit_test(test_cfg_defaults),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_no_options_requested),
		cmocka_unit_test(test_oack_all),
		cmocka_unit_test(test_oack_partial),
		cmocka_unit_test(test_oack_empty_means_defaults),
		cmocka_unit_test(test_oack_refusals),
		cmocka_unit_test(test_oack_unasked_tsize),
		cmocka_unit_test(test_error8_fallback),
		cmocka_unit_test(test_transport_failures),
		cmocka_unit_test(test_server_ignores_options),
		cmocka_unit_test(test_data_first_wrong_block),
		cmocka_unit_test(test_oversized_block),
		cmocka_unit_test(test_window_acks),
		cmocka_unit_test(test_gap_acks_once),
		cmocka_unit_test(test_reordered_pair),
		cmocka_unit_test(test_duplicates_not_acked),
		cmocka_unit_test(test_dup_oack_ignored),
		cmocka_unit_test(test_exact_multiple_zero_final),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_one_block),
		cmocka_unit_test(test_rollover),
		cmocka_unit_test(test_rollover_block_zero),
		cmocka_unit_test(test_wrong_tid),
		cmocka_unit_test(test_wrong_host_before_tid),
		cmocka_unit_test(test_server_errors),
		cmocka_unit_test(test_error_midway_and_unterminated),
		cmocka_unit_test(test_junk_counted),
		cmocka_unit_test(test_tsize_refused_by_sink),
		cmocka_unit_test(test_more_than_tsize),
		cmocka_unit_test(test_less_than_tsize),
		cmocka_unit_test(test_sink_full),
		cmocka_unit_test(test_request_timeouts),
		cmocka_unit_test(test_karn_no_sample_after_retry),
		cmocka_unit_test(test_data_timeout_reacks),
		cmocka_unit_test(test_rtt_estimator),
		cmocka_unit_test(test_abort),
		cmocka_unit_test(test_parse_num),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
