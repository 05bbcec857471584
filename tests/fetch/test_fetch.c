/*
 * lib/fetch: which protocol a URL reaches, with which server, port and
 * file name, and what the caller is told when it cannot.  TFTP runs over
 * a capturing transport (the tftp_io option), so every request is seen
 * byte for byte; http:// is checked up to the ARP for its server.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../common/fakelink.h"
#include "../common/frames.h"
#include "netboot/fetch.h"

#define OUR NB_IPV4(10, 0, 0, 2)
#define NEXT NB_IPV4(10, 0, 0, 1)

struct env {
	struct tenv *e;
	struct nb_tcp tcp;
	struct nb_fetch f;
	struct nb_fetch_cfg cfg;
	struct nb_memsink ms;
	uint8_t buf[8192];
	/* the capturing transport */
	int sent;
	uint32_t ip;
	uint16_t port;
	uint8_t pkt[600];
	size_t len;
	bool closed;
};

static int io_send(void *ctx, uint32_t ip, uint16_t port, const void *pkt,
		   size_t len)
{
	struct env *v = ctx;
	v->sent++;
	v->ip = ip;
	v->port = port;
	v->len = len < sizeof(v->pkt) ? len : sizeof(v->pkt);
	memcpy(v->pkt, pkt, v->len);
	return 0;
}

static void io_close(void *ctx)
{
	struct env *v = ctx;
	v->closed = true;
}

static const struct nb_tftp_io io = {.send = io_send, .close = io_close};

static struct env *env_new(void)
{
	struct env *v = calloc(1, sizeof(*v));
	assert_non_null(v);
	v->e = tenv_new(OUR, 0xffffff00, 0);
	assert_non_null(v->e);
	assert_int_equal(nb_tcp_init(&v->tcp, &v->e->s), 0);
	nb_memsink_init(&v->ms, v->buf, sizeof(v->buf));
	nb_fetch_cfg_init(&v->cfg);
	v->cfg.tcp = &v->tcp;
	v->cfg.tftp_server = NEXT;
	v->cfg.tftp_io = &io;
	v->cfg.tftp_io_ctx = v;
	return v;
}

static void env_free(struct env *v)
{
	nb_fetch_cancel(&v->f);
	tenv_free(v->e);
	free(v);
}

static int start(struct env *v, const char *url)
{
	return nb_fetch_start(&v->f, &v->e->s, &v->cfg, url, &v->ms.sink,
			      v->e->now);
}

/* The RRQ last sent: its file name. */
static const char *rrq_name(struct env *v)
{
	assert_true(v->len > 4);
	assert_int_equal(nb_get16(v->pkt), NB_TFTP_RRQ);
	return (const char *)v->pkt + 2;
}

/* The option value following @p name in the RRQ, or NULL. */
static const char *rrq_opt(struct env *v, const char *name)
{
	const char *p = (const char *)v->pkt + 2, *end = (const char *)v->pkt + v->len;
	p += strlen(p) + 1; /* file */
	p += strlen(p) + 1; /* mode */
	while (p < end) {
		const char *val = p + strlen(p) + 1;
		if (!strcmp(p, name))
			return val;
		p = val + strlen(val) + 1;
	}
	return NULL;
}

static void test_bare_name(void **st)
{
	(void)st;
	struct env *v = env_new();
	assert_int_equal(start(v, "pxelinux.cfg/01-aa%20b"), 0);
	assert_int_equal(nb_fetch_kind(&v->f), NB_FETCH_TFTP);
	assert_int_equal(v->sent, 1);
	assert_int_equal(v->ip, NEXT);
	assert_int_equal(v->port, 69);
	/* Bare names are taken literally. */
	assert_string_equal(rrq_name(v), "pxelinux.cfg/01-aa%20b");
	assert_string_equal(rrq_opt(v, "blksize"), "1468");
	assert_string_equal(rrq_opt(v, "windowsize"), "16");
	assert_int_equal(nb_fetch_poll(&v->f, v->e->now), -NB_EAGAIN);
	assert_string_equal(nb_fetch_why(&v->f), "");

	/* The configured port applies to bare names. */
	v->cfg.tftp_port = 1069;
	v->cfg.tftp_blksize = 0;
	v->cfg.tftp_windowsize = 0;
	assert_int_equal(start(v, "k"), 0);
	assert_int_equal(v->port, 1069);
	assert_null(rrq_opt(v, "blksize"));
	assert_null(rrq_opt(v, "windowsize"));

	/* No default server: refused with a reason. */
	v->cfg.tftp_server = 0;
	assert_int_equal(start(v, "k"), -NB_EUNREACH);
	assert_string_equal(nb_fetch_why(&v->f), "no TFTP server known");
	assert_int_equal(nb_fetch_poll(&v->f, v->e->now), -NB_EUNREACH);
	env_free(v);
}

static void test_tftp_url(void **st)
{
	(void)st;
	struct env *v = env_new();
	assert_int_equal(start(v, "tftp://10.9.8.7/boot/a%20b%2Bc"), 0);
	assert_int_equal(v->ip, NB_IPV4(10, 9, 8, 7));
	assert_int_equal(v->port, 69);
	assert_string_equal(rrq_name(v), "boot/a b+c");

	/* An explicit port wins over the configured one. */
	v->cfg.tftp_port = 1069;
	assert_int_equal(start(v, "TFTP://10.9.8.7:7000/x?y"), 0);
	assert_int_equal(v->port, 7000);
	assert_string_equal(rrq_name(v), "x?y");
	assert_int_equal(start(v, "tftp://10.9.8.7/x"), 0);
	assert_int_equal(v->port, 1069);

	const struct {
		const char *url;
		int rc;
		const char *why;
	} bad[] = {
		{"tftp://10.9.8.7/", -NB_EINVAL, "tftp:// needs a file name"},
		{"tftp://10.9.8.7", -NB_EINVAL, "tftp:// needs a file name"},
		{"tftp://10.9.8.7/a%zz", -NB_EINVAL,
		 "bad %-escape in the TFTP file name"},
		{"tftp://10.9.8.7/a%00", -NB_EINVAL,
		 "bad %-escape in the TFTP file name"},
		{"tftp://10.9.8.7:0/a", -NB_EINVAL, "malformed URL"},
		{"tftp://[fe80::1]/a", -NB_ENOTSUP,
		 "tftp://[v6] needs a v6 transport"},
		/* https without lib/tls hooks (nb_fetch_cfg::tls) */
		{"https://srv/a", -NB_ENOTSUP, "unsupported URL scheme"},
		{"ftp://srv/a", -NB_ENOTSUP, "unsupported URL scheme"},
		{"gopher://srv/a", -NB_ENOTSUP, "unsupported URL scheme"},
		{"", -NB_EINVAL, "empty URL"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = start(v, bad[i].url);
		if (rc != bad[i].rc || strcmp(nb_fetch_why(&v->f), bad[i].why))
			fail_msg("%s: %d '%s'", bad[i].url, rc,
				 nb_fetch_why(&v->f));
		assert_int_equal(nb_fetch_poll(&v->f, v->e->now), bad[i].rc);
	}
	/* A range cannot be asked of TFTP. */
	v->cfg.has_range = true;
	assert_int_equal(start(v, "tftp://10.9.8.7/x"), -NB_ENOTSUP);
	env_free(v);
}

/* A v6 transport (nb_fetch_cfg::tftp6) in front of the capturing one. */
struct v6net {
	struct nb_tftp_net n;
	struct env *v;
};

static int io6_send(void *ctx, uint32_t ip, uint16_t port, const void *pkt,
		    size_t len)
{
	struct v6net *x = ctx;
	return io_send(x->v, ip, port, pkt, len);
}

static uint32_t io6_peer(struct nb_tftp_net *n, const char *text, size_t len)
{
	(void)n;
	return len == 7 && !memcmp(text, "fd90::1", 7) ? 7 : 0;
}

static void test_tftp_v6(void **st)
{
	(void)st;
	static const struct nb_tftp_io io6 = {.send = io6_send};
	struct env *v = env_new();
	struct v6net x = {{&io6, io6_peer, 1448, NULL}, v};
	v->cfg.tftp6 = &x.n;
	assert_int_equal(start(v, "tftp://[fd90::1]:1069/f"), 0);
	assert_int_equal(v->ip, 7);
	assert_int_equal(v->port, 1069);
	assert_string_equal(rrq_name(v), "f");
	assert_string_equal(rrq_opt(v, "blksize"), "1448");
	assert_ptr_equal(x.n.t, nb_fetch_tftp(&v->f));
	static const char data[] = "\0\3\0\1abc";
	nb_tftp_input(x.n.t, 7, 40000, data, sizeof(data) - 1, ++v->e->now);
	assert_int_equal(nb_fetch_poll(&v->f, v->e->now), 0);
	assert_memory_equal(v->buf, "abc", 3);
	env_free(v);
}

static void test_tftp_transfer(void **st)
{
	(void)st;
	struct env *v = env_new();
	assert_int_equal(start(v, "tftp://10.0.0.1/f"), 0);
	assert_false(nb_fetch_size_known(&v->f));
	static const char oack[] = "\0\6blksize\0001468\0tsize\0003\0";
	nb_fetch_input(&v->f, NEXT, 40000, oack, sizeof(oack) - 1, ++v->e->now);
	assert_true(nb_fetch_size_known(&v->f));
	assert_int_equal(nb_fetch_total(&v->f), 3);
	static const char data[] = "\0\3\0\1abc";
	nb_fetch_input(&v->f, NEXT, 40000, data, sizeof(data) - 1, ++v->e->now);
	assert_int_equal(nb_fetch_poll(&v->f, v->e->now), 0);
	assert_int_equal(nb_fetch_bytes(&v->f), 3);
	assert_memory_equal(v->buf, "abc", 3);
	assert_non_null(nb_fetch_tftp(&v->f));
	assert_null(nb_fetch_http(&v->f));
	assert_string_equal(nb_fetch_why(&v->f), "");

	/* A server error is shown with the server's words. */
	assert_int_equal(start(v, "tftp://10.0.0.1/missing"), 0);
	static const char err[] = "\0\5\0\1File not found\0";
	nb_fetch_input(&v->f, NEXT, 40001, err, sizeof(err) - 1, ++v->e->now);
	assert_int_equal(nb_fetch_poll(&v->f, v->e->now), -NB_ENOTFOUND);
	assert_string_equal(nb_fetch_why(&v->f), "TFTP server: File not found");

	/* Cancel tells the server and releases the transport. */
	v->closed = false;
	assert_int_equal(start(v, "tftp://10.0.0.1/f"), 0);
	int before = v->sent;
	nb_fetch_cancel(&v->f);
	assert_int_equal(v->sent, before + 1);
	assert_int_equal(nb_get16(v->pkt), NB_TFTP_ERROR);
	assert_true(v->closed);
	assert_int_equal(nb_fetch_poll(&v->f, v->e->now), -NB_ECANCELED);
	nb_fetch_cancel(&v->f);
	/* Input after the end is ignored. */
	nb_fetch_input(&v->f, NEXT, 40000, data, sizeof(data) - 1, v->e->now);
	env_free(v);
}

static void test_tftp_socket_and_dns(void **st)
{
	(void)st;
	struct env *v = env_new();
	v->cfg.tftp_io = NULL;
	/* Over its own socket the request waits for ARP of the server. */
	assert_int_equal(start(v, "tftp://10.0.0.1:1069/f"), 0);
	const struct fl_frame *fr = fl_last(&v->e->fl);
	assert_non_null(fr);
	assert_int_equal(nb_get16(fr->data + 12), NB_ETHERTYPE_ARP);
	assert_int_equal(nb_get32(fr->data + 14 + 24), NEXT);
	nb_fetch_cancel(&v->f);
	/* A host name needs a DNS server. */
	assert_int_equal(start(v, "tftp://boot.lan/f"), -NB_EUNREACH);
	assert_string_equal(nb_fetch_why(&v->f),
			    "tftp:// host name but no DNS server");
	/* With one, the query goes out first. */
	v->e->s.dns[0] = NB_IPV4(10, 0, 0, 53);
	fl_clear_tx(&v->e->fl);
	assert_int_equal(start(v, "tftp://boot.lan/f"), 0);
	assert_int_equal(nb_fetch_kind(&v->f), NB_FETCH_TFTP);
	assert_null(nb_fetch_tftp(&v->f));
	assert_int_equal(nb_fetch_poll(&v->f, v->e->now), -NB_EAGAIN);
	nb_fetch_cancel(&v->f);
	assert_int_equal(nb_fetch_poll(&v->f, v->e->now), -NB_ECANCELED);
	env_free(v);
}

static void test_http(void **st)
{
	(void)st;
	struct env *v = env_new();
	fl_clear_tx(&v->e->fl);
	assert_int_equal(start(v, "http://10.0.0.7:8080/vmlinuz"), 0);
	assert_int_equal(nb_fetch_kind(&v->f), NB_FETCH_HTTP);
	assert_non_null(nb_fetch_http(&v->f));
	assert_int_equal(nb_fetch_http(&v->f)->u.port, 8080);
	assert_int_equal(nb_fetch_poll(&v->f, ++v->e->now), -NB_EAGAIN);
	tenv_poll(v->e, 1);
	const struct fl_frame *fr = fl_last(&v->e->fl);
	assert_non_null(fr);
	assert_int_equal(nb_get16(fr->data + 12), NB_ETHERTYPE_ARP);
	assert_int_equal(nb_get32(fr->data + 14 + 24), NB_IPV4(10, 0, 0, 7));
	/* Switching to TFTP closes the HTTP side. */
	assert_int_equal(start(v, "x"), 0);
	assert_int_equal(nb_fetch_kind(&v->f), NB_FETCH_TFTP);
	nb_fetch_cancel(&v->f);

	/* Bad settings and URLs are refused at the start. */
	v->cfg.http_parts = NB_HTTP_PARTS_MAX + 1;
	assert_int_equal(start(v, "http://h/x"), -NB_EINVAL);
	v->cfg.http_parts = 1;
	assert_int_equal(start(v, "http://h:99999/x"), -NB_EINVAL);
	assert_string_equal(nb_fetch_why(&v->f), "malformed URL");
	assert_int_equal(start(v, "http://[::1]/x"), -NB_ENOTSUP);
	v->cfg.tcp = NULL;
	assert_int_equal(start(v, "http://h/x"), -NB_EINVAL);
	assert_string_equal(nb_fetch_why(&v->f),
			    "http:// needs TCP (no nb_tcp given)");
	/* A name without DNS servers fails at the start, with the reason
	 * text of the error itself. */
	v->cfg.tcp = &v->tcp;
	assert_int_equal(start(v, "http://boot.lan/x"), -NB_EUNREACH);
	assert_string_equal(nb_fetch_why(&v->f), nb_strerror(-NB_EUNREACH));
	char longurl[NB_HTTP_URL_MAX + 10];
	memset(longurl, 'a', sizeof(longurl));
	memcpy(longurl, "http://h/", 9);
	longurl[sizeof(longurl) - 1] = 0;
	assert_int_equal(start(v, longurl), -NB_EMSGSIZE);
	assert_int_equal(nb_fetch_start(&v->f, &v->e->s, NULL, NULL,
					&v->ms.sink, 0), -NB_EINVAL);
	env_free(v);
}

static void test_cfg_defaults(void **st)
{
	(void)st;
	struct nb_fetch_cfg c;
	nb_fetch_cfg_init(&c);
	assert_string_equal(c.user_agent, NB_FETCH_USER_AGENT);
	assert_int_equal(c.stall_ms, NB_HTTP_STALL_MS);
	assert_int_equal(c.http_parts, 1);
	assert_false(c.has_range);
	assert_int_equal(c.tftp_blksize, NB_FETCH_AUTO);
	assert_int_equal(c.tftp_windowsize, NB_FETCH_AUTO);
	assert_int_equal(c.tftp_server, 0);
	assert_int_equal(c.tftp_port, 0);
	assert_null(c.tftp_io);
	assert_null(c.tcp);
	struct nb_fetch z;
	memset(&z, 0, sizeof(z));
	assert_string_equal(nb_fetch_why(&z), "");
	assert_int_equal(nb_fetch_kind(&z), NB_FETCH_NONE);
	assert_int_equal(nb_fetch_bytes(&z), 0);
	nb_fetch_cancel(&z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cfg_defaults),
		cmocka_unit_test(test_bare_name),
		cmocka_unit_test(test_tftp_url),
		cmocka_unit_test(test_tftp_transfer),
		cmocka_unit_test(test_tftp_v6),
		cmocka_unit_test(test_tftp_socket_and_dns),
		cmocka_unit_test(test_http),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
