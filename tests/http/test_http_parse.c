/* Response header, Content-Range, chunked, base64 and request tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "netboot/http.h"

static int url(const char *s, struct nb_url *u)
{
	return nb_url_parse(s, strlen(s), u);
}

static int resp(const char *s, struct nb_http_resp *r)
{
	return nb_http_parse_response(s, strlen(s), r);
}

static void test_response(void **st)
{
	(void)st;
	struct nb_http_resp r;
	const char *ok = "HTTP/1.1 200 OK\r\nServer: nginx\r\n"
			 "Content-Length: 1048576\r\nETag: \"abc-1\"\r\n"
			 "Last-Modified: Tue, 24 Nov 2026 10:00:00 GMT\r\n"
			 "Accept-Ranges: bytes\r\n\r\nBODY";
	assert_int_equal(resp(ok, &r), (int)strlen(ok) - 4);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.minor, 1);
	assert_true(r.keep_alive);
	assert_true(r.has_length);
	assert_int_equal(r.length, 1048576);
	assert_false(r.chunked);
	assert_true(r.accept_ranges);
	assert_int_equal(r.etag_len, 7);
	assert_memory_equal(r.etag, "\"abc-1\"", 7);
	assert_int_equal(r.last_modified_len, 29);
	/* Every proper prefix is incomplete, never an error. */
	for (size_t n = 0; n < strlen(ok) - 4; n++)
		assert_int_equal(nb_http_parse_response(ok, n, &r), -NB_EAGAIN);

	assert_true(resp("HTTP/1.0 200 OK\nContent-Length: 3\n\n", &r) > 0);
	assert_false(r.keep_alive);
	assert_true(resp("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n\r\n", &r) > 0);
	assert_true(r.keep_alive);
	assert_true(resp("HTTP/1.1 200 OK\r\nconnection: foo, close\r\n\r\n", &r) > 0);
	assert_false(r.keep_alive);
	assert_true(resp("HTTP/1.1 200\r\nTransfer-Encoding:  Chunked \r\n\r\n", &r) > 0);
	assert_true(r.chunked);
	assert_int_equal(resp("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", &r),
			 -NB_ENOTSUP);
	assert_true(resp("HTTP/1.1 302 Found\r\nLocation: /next \r\n\r\n", &r) > 0);
	assert_int_equal(r.location_len, 5);
	assert_int_equal(r.retry_after, 0);
	/* Retry-After: seconds; an HTTP-date (no clock to compare it with)
	 * or junk means "later" (a day), never "now". */
	assert_true(resp("HTTP/1.1 503 Busy\r\nRetry-After: 2\r\n\r\n", &r) > 0);
	assert_int_equal(r.retry_after, 2);
	assert_true(resp("HTTP/1.1 503 Busy\r\nretry-after:  120 \r\n\r\n", &r) > 0);
	assert_int_equal(r.retry_after, 120);
	assert_true(resp("HTTP/1.1 503 Busy\r\nRetry-After: "
			 "Fri, 31 Dec 1999 23:59:59 GMT\r\n\r\n", &r) > 0);
	assert_int_equal(r.retry_after, 86400);
	assert_true(resp("HTTP/1.1 503 Busy\r\nRetry-After: 99999999999\r\n\r\n", &r) > 0);
	assert_int_equal(r.retry_after, 86400);
	assert_true(resp("HTTP/1.1 206 Partial\r\nContent-Range: bytes 10-19/100\r\n"
			 "Content-Length: 10\r\n\r\n", &r) > 0);
	assert_true(r.has_range);
	assert_int_equal(r.range_first, 10);
	assert_int_equal(r.range_last, 19);
	assert_int_equal(r.range_total, 100);
	assert_true(resp("HTTP/1.1 206 P\r\nContent-Range: bytes 0-0/*\r\n\r\n", &r) > 0);
	assert_int_equal(r.range_total, UINT64_MAX);
	assert_true(resp("HTTP/1.1 416 R\r\nContent-Range: bytes */100\r\n\r\n", &r) > 0);
	assert_false(r.has_range);
	/* Same length twice is fine; two different ones are not. */
	assert_true(resp("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", &r) > 0);

	const char *bad[] = {
		"HTTP/2 200 OK\r\n\r\n",
		"SSH-2.0-OpenSSH\r\n\r\n",
		"HTTP/1.1 20 OK\r\n\r\n",
		"HTTP/1.1 2000 OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n",
		"HTTP/1.1 200 OK\r\n folded: x\r\n\r\n",
		"HTTP/1.1 200 OK\r\nNo colon\r\n\r\n",
		"HTTP/1.1 200 OK\r\n: empty\r\n\r\n",
		"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
		"HTTP/1.1 200 OK\r\nX: a\x01b\r\n\r\n",
		"HTTP/1.1 206 P\r\nContent-Range: bytes 20-10/100\r\n\r\n",
		"HTTP/1.1 206 P\r\nContent-Range: bytes 0-100/100\r\n\r\n",
		"HTTP/1.1 206 P\r\nContent-Range: items 0-1/2\r\n\r\n",
		"HTTP/1.1 206 P\r\nContent-Range: bytes 0-1\r\n\r\n",
		"HTTP/1.1 206 P\r\nContent-Range: bytes */*\r\n\r\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = resp(bad[i], &r);
		if (rc != -NB_EPROTO)
			fail_msg("case %zu gave %d", i, rc);
	}
	/* Garbage is rejected from its first bytes, not after buffering. */
	assert_int_equal(nb_http_parse_response("XTTP", 4, &r), -NB_EPROTO);
}

static void test_range_check(void **st)
{
	(void)st;
	struct nb_http_resp r;
	resp("HTTP/1.1 206 P\r\nContent-Range: bytes 100-199/1000\r\nContent-Length: 100\r\n\r\n", &r);
	assert_int_equal(nb_http_check_range(&r, 100, 199), 0);
	assert_int_equal(nb_http_check_range(&r, 100, 299), -NB_EPROTO);
	assert_int_equal(nb_http_check_range(&r, 0, 199), -NB_EPROTO);
	assert_int_equal(nb_http_check_range(&r, 100, UINT64_MAX), -NB_EPROTO);
	/* The server may clip a range at the end of the file. */
	resp("HTTP/1.1 206 P\r\nContent-Range: bytes 900-999/1000\r\n\r\n", &r);
	assert_int_equal(nb_http_check_range(&r, 900, 5000), 0);
	assert_int_equal(nb_http_check_range(&r, 900, UINT64_MAX), 0);
	/* Content-Length disagreeing with the range. */
	resp("HTTP/1.1 206 P\r\nContent-Range: bytes 0-9/10\r\nContent-Length: 9\r\n\r\n", &r);
	assert_int_equal(nb_http_check_range(&r, 0, 9), -NB_EPROTO);
	resp("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", &r);
	assert_int_equal(nb_http_check_range(&r, 5, 9), 0);
	resp("HTTP/1.1 206 P\r\n\r\n", &r);
	assert_int_equal(nb_http_check_range(&r, 0, 9), -NB_EPROTO);
}

static void test_status(void **st)
{
	(void)st;
	assert_int_equal(nb_http_status_error(200), 0);
	assert_int_equal(nb_http_status_error(206), 0);
	assert_int_equal(nb_http_status_error(404), -NB_ENOTFOUND);
	assert_int_equal(nb_http_status_error(410), -NB_ENOTFOUND);
	assert_int_equal(nb_http_status_error(401), -NB_EAUTH);
	assert_int_equal(nb_http_status_error(403), -NB_EACCES);
	assert_int_equal(nb_http_status_error(416), -NB_ERANGE);
	assert_int_equal(nb_http_status_error(500), -NB_ESERVER);
	assert_int_equal(nb_http_status_error(503), -NB_ESERVER);
	assert_int_equal(nb_http_status_error(301), -NB_EREDIRECT);
	assert_int_equal(nb_http_status_error(418), -NB_EHTTP);
	assert_int_equal(nb_http_status_error(999), -NB_EHTTP);
}

/* Decode @p in fed in pieces of @p step bytes. */
static int dechunk(const char *in, size_t len, size_t step, char *out,
		   size_t *olen)
{
	struct nb_http_chunked c;
	nb_http_chunked_init(&c);
	size_t pos = 0;
	*olen = 0;
	while (pos < len && !nb_http_chunked_done(&c)) {
		size_t piece = len - pos < step ? len - pos : step;
		size_t used = 0;
		while (used < piece && !nb_http_chunked_done(&c)) {
			size_t d;
			int n = nb_http_chunked_step(&c, (const uint8_t *)in + pos + used,
						     piece - used, &d);
			if (n < 0)
				return n;
			memcpy(out + *olen, in + pos + used + n - d, d);
			*olen += d;
			used += (size_t)n;
		}
		pos += used;
	}
	return nb_http_chunked_done(&c) ? (int)pos : -NB_EAGAIN;
}

static void test_chunked(void **st)
{
	(void)st;
	const char *b = "5\r\nhello\r\n1;ext=1\r\n \r\nA\r\n0123456789\r\n"
			"0\r\nTrailer: x\r\n\r\nNEXT";
	char out[64];
	size_t ol;
	for (size_t step = 1; step <= strlen(b); step++) {
		int n = dechunk(b, strlen(b), step, out, &ol);
		assert_int_equal(n, (int)strlen(b) - 4);
		assert_int_equal(ol, 16);
		assert_memory_equal(out, "hello 0123456789", 16);
	}
	/* Bare LF line ends. */
	assert_true(dechunk("3\nabc\n0\n\n", 9, 100, out, &ol) == 9);
	assert_int_equal(ol, 3);
	const char *bad[] = {
		"x\r\n",             /* not hex */
		"\r\n",              /* empty size */
		"5\r\nhelloX\r\n",   /* no CRLF after data */
		"1234567890abcdef0\r\n", /* 17 digits */
		"5\rX",              /* CR without LF */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(dechunk(bad[i], strlen(bad[i]), 100, out, &ol),
				 -NB_EPROTO);
	/* 15 digits is allowed (the size parses, data would follow). */
	assert_int_equal(dechunk("fffffffffffffff\r\n", 17, 100, out, &ol),
			 -NB_EAGAIN);
	/* Endless extension line. */
	static char ext[4000];
	memset(ext, 'e', sizeof(ext));
	ext[0] = '1';
	ext[1] = ';';
	assert_int_equal(dechunk(ext, sizeof(ext), 100, out, &ol), -NB_EPROTO);
	/* Many tiny chunks: overhead beyond the guard. */
	static char tiny[40000];
	size_t n = 0;
	while (n + 6 < sizeof(tiny)) {
		memcpy(tiny + n, "1\r\nx\r\n", 6);
		n += 6;
	}
	struct nb_http_chunked c;
	nb_http_chunked_init(&c);
	size_t pos = 0;
	int rc = 0;
	while (pos < n) {
		size_t d;
		rc = nb_http_chunked_step(&c, (const uint8_t *)tiny + pos, n - pos, &d);
		if (rc < 0)
			break;
		pos += (size_t)rc;
	}
	assert_int_equal(rc, -NB_EPROTO);
	assert_true(c.payload < 5000);
}

static void test_base64(void **st)
{
	(void)st;
	char out[32];
	assert_int_equal(nb_base64_encode("", 0, out, sizeof(out)), 0);
	assert_int_equal(nb_base64_encode("f", 1, out, sizeof(out)), 4);
	assert_string_equal(out, "Zg==");
	assert_int_equal(nb_base64_encode("fo", 2, out, sizeof(out)), 4);
	assert_string_equal(out, "Zm8=");
	assert_int_equal(nb_base64_encode("foobar", 6, out, sizeof(out)), 8);
	assert_string_equal(out, "Zm9vYmFy");
	assert_int_equal(nb_base64_encode("Aladdin:open sesame", 19, out, sizeof(out)), 28);
	assert_string_equal(out, "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
	assert_int_equal(nb_base64_encode("foobar", 6, out, 8), -NB_EMSGSIZE);
}

static void test_request(void **st)
{
	(void)st;
	struct nb_url u;
	char buf[512];
	assert_int_equal(url("http://Aladdin:open%20sesame@srv:8080/f?x", &u), 0);
	struct nb_http_req rq = {.url = &u, .user_agent = "t/1",
				 .has_range = true, .first = 100,
				 .last = UINT64_MAX, .if_range = "\"e\"",
				 .if_range_len = 3};
	int n = nb_http_build_request(buf, sizeof(buf), &rq);
	assert_true(n > 0);
	buf[n] = 0;
	assert_string_equal(buf,
		"GET /f?x HTTP/1.1\r\nHost: srv:8080\r\nUser-Agent: t/1\r\n"
		"Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n"
		"Range: bytes=100-\r\nIf-Range: \"e\"\r\n"
		"Accept-Encoding: identity\r\nConnection: keep-alive\r\n\r\n");
	assert_int_equal(url("http://h", &u), 0);
	struct nb_http_req h = {.head = true, .url = &u, .has_range = true,
				.first = 0, .last = 9, .close = true};
	n = nb_http_build_request(buf, sizeof(buf), &h);
	buf[n] = 0;
	assert_string_equal(buf, "HEAD / HTTP/1.1\r\nHost: h\r\nRange: bytes=0-9\r\n"
				 "Accept-Encoding: identity\r\nConnection: close\r\n\r\n");
	assert_int_equal(nb_http_build_request(buf, 20, &h), -NB_EMSGSIZE);
	assert_int_equal(url("http://a%4@h/", &u), 0);
	assert_int_equal(nb_http_build_request(buf, sizeof(buf), &h), -NB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_response),
		cmocka_unit_test(test_range_check),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_request),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
