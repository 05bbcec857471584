/* The shared URL parser: schemes, hosts, ports, escapes, resolution. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "netboot/url.h"

static int url(const char *s, struct nb_url *u)
{
	return nb_url_parse(s, strlen(s), u);
}

static void test_http(void **st)
{
	(void)st;
	struct nb_url u;
	assert_int_equal(url("http://boot.lan/images/vmlinuz", &u), 0);
	assert_int_equal(u.scheme, NB_URL_HTTP);
	assert_int_equal(u.host_len, 8);
	assert_memory_equal(u.host, "boot.lan", 8);
	assert_int_equal(u.port, 80);
	assert_false(u.port_given);
	assert_false(u.is_ip);
	assert_null(u.userinfo);
	assert_null(u.query);
	assert_int_equal(u.path_len, 15);
	assert_memory_equal(u.path, "/images/vmlinuz", 15);

	assert_int_equal(url("HTTP://user:p%40ss@10.0.0.1:8080/a?b=c#frag", &u), 0);
	assert_true(u.is_ip);
	assert_int_equal(u.ip, NB_IPV4(10, 0, 0, 1));
	assert_int_equal(u.port, 8080);
	assert_true(u.port_given);
	assert_int_equal(u.userinfo_len, 11);
	assert_memory_equal(u.userinfo, "user:p%40ss", 11);
	assert_int_equal(u.path_len, 2);
	assert_memory_equal(u.path, "/a", 2);
	assert_int_equal(u.query_len, 3);
	assert_memory_equal(u.query, "b=c", 3);

	assert_int_equal(url("http://h", &u), 0);
	assert_int_equal(u.path_len, 1);
	assert_int_equal(u.path[0], '/');
	assert_int_equal(url("http://h:65535", &u), 0);
	assert_int_equal(u.port, 65535);
	assert_int_equal(url("http://h?x", &u), 0);
	assert_int_equal(u.path[0], '/');
	assert_int_equal(u.query_len, 1);
	assert_int_equal(url("http://h/?", &u), 0);
	assert_non_null(u.query);
	assert_int_equal(u.query_len, 0);
	/* '@' in the path is not userinfo. */
	assert_int_equal(url("http://h/a@b", &u), 0);
	assert_null(u.userinfo);
}

static void test_schemes(void **st)
{
	(void)st;
	struct nb_url u;
	assert_int_equal(url("https://h/", &u), 0);
	assert_int_equal(u.scheme, NB_URL_HTTPS);
	assert_int_equal(u.port, 443);
	assert_int_equal(url("TFTP://10.1.2.3/pxelinux.0", &u), 0);
	assert_int_equal(u.scheme, NB_URL_TFTP);
	assert_int_equal(u.port, 69);
	assert_int_equal(u.ip, NB_IPV4(10, 1, 2, 3));
	assert_int_equal(url("tftp://srv:1069/a%20b", &u), 0);
	assert_int_equal(u.port, 1069);
	assert_memory_equal(u.path, "/a%20b", 6);
	assert_int_equal(url("ftp://h/x", &u), -NB_ENOTSUP);
	assert_int_equal(u.scheme, NB_URL_NONE);
	assert_null(u.host);

	size_t n;
	assert_int_equal(nb_url_scheme_of("pxelinux.0", 10, &n), NB_URL_NONE);
	assert_int_equal(n, 0);
	assert_int_equal(nb_url_scheme_of("c:/x", 4, &n), NB_URL_NONE);
	assert_int_equal(n, 0);
	assert_int_equal(nb_url_scheme_of("gopher://x", 10, &n), NB_URL_NONE);
	assert_int_equal(n, 9);
	assert_int_equal(nb_url_scheme_of("hTTps://x", 9, &n), NB_URL_HTTPS);
	assert_int_equal(n, 8);
	assert_int_equal(nb_url_scheme_of("http:/", 6, NULL), NB_URL_NONE);
	assert_int_equal(nb_url_default_port(NB_URL_HTTP), 80);
	assert_int_equal(nb_url_default_port(NB_URL_HTTPS), 443);
	assert_int_equal(nb_url_default_port(NB_URL_TFTP), 69);
	assert_int_equal(nb_url_default_port(NB_URL_NONE), 0);
}

static void test_v6(void **st)
{
	(void)st;
	struct nb_url u;
	assert_int_equal(url("http://[::1]/x", &u), 0);
	assert_true(u.is_ip6);
	assert_false(u.is_ip);
	assert_int_equal(u.host_len, 3);
	assert_memory_equal(u.host, "::1", 3);
	assert_int_equal(u.port, 80);
	assert_int_equal(url("tftp://[fe80::1:2]:70/f", &u), 0);
	assert_int_equal(u.port, 70);
	assert_int_equal(url("http://[::ffff:10.0.0.1]/", &u), 0);
	const char *bad[] = {"http://[::1/", "http://[]/", "http://[:]/",
			     "http://[::1]x/", "http://[g::1]/", "http://[::1]:/"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (url(bad[i], &u) != -NB_EINVAL)
			fail_msg("'%s' accepted", bad[i]);
}

static void test_bad(void **st)
{
	(void)st;
	struct nb_url u;
	const char *bad[] = {"", "http:/", "http://", "http:///x", "ftp//h/",
			     "http://h:0/", "http://h:65536/", "http://h:/",
			     "http://h:80a/", "http://h /", "http://h/a b",
			     "http://h/\x01", "http://a..b/", "http://h!/",
			     "http://:80/", "http://u@/", "tftp:///x",
			     "http://h:123456/", "pxelinux.0", "://h/"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = url(bad[i], &u);
		if (rc != -NB_EINVAL)
			fail_msg("'%s' gave %d", bad[i], rc);
	}
	char lab[100];
	snprintf(lab, sizeof(lab), "http://%064d/", 0);
	assert_int_equal(url(lab, &u), -NB_EINVAL);
	char ui[200];
	memset(ui, 'a', sizeof(ui));
	memcpy(ui, "http://", 7);
	strcpy(ui + 7 + NB_URL_USERINFO_MAX + 1, "@h/");
	assert_int_equal(url(ui, &u), -NB_EINVAL);
	/* Only the given length is read. */
	assert_int_equal(nb_url_parse("http://h/x", 8, &u), 0);
	assert_int_equal(u.host_len, 1);
	assert_int_equal(nb_url_parse(NULL, 0, &u), -NB_EINVAL);
}

static void test_decode(void **st)
{
	(void)st;
	char out[16];
	assert_int_equal(nb_url_decode("a%20b%2Fc", 9, out, sizeof(out)), 5);
	assert_string_equal(out, "a b/c");
	assert_int_equal(nb_url_decode("plain", 5, NULL, 0), 5);
	assert_int_equal(nb_url_decode("%41", 3, out, sizeof(out)), 1);
	assert_string_equal(out, "A");
	assert_int_equal(nb_url_decode("%4", 2, out, sizeof(out)), -NB_EINVAL);
	assert_int_equal(nb_url_decode("%zz", 3, out, sizeof(out)), -NB_EINVAL);
	assert_int_equal(nb_url_decode("a%00", 4, out, sizeof(out)), -NB_EINVAL);
	assert_int_equal(nb_url_decode("abcd", 4, out, 4), -NB_EMSGSIZE);
	assert_int_equal(nb_url_decode("abc", 3, out, 4), 3);
	assert_int_equal(nb_url_decode("", 0, out, 1), 0);
	assert_string_equal(out, "");
}

static void test_ipv4(void **st)
{
	(void)st;
	uint32_t ip;
	assert_int_equal(nb_ipv4_parse("192.168.0.1", 11, &ip), 0);
	assert_int_equal(ip, NB_IPV4(192, 168, 0, 1));
	const char *bad[] = {"1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.0004",
			     "a.b.c.d", "1..2.3", ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(nb_ipv4_parse(bad[i], strlen(bad[i]), &ip),
				 -NB_EINVAL);
}

static void test_resolve(void **st)
{
	(void)st;
	const char *base = "http://u:p@srv:8080/dir/file?q=1";
	struct nb_url u;
	char out[128];
	assert_int_equal(url(base, &u), 0);
	struct {
		const char *loc, *want;
	} t[] = {
		{"http://other/x", "http://other/x"},
		{"//other/y", "http://other/y"},
		{"/abs/z", "http://u:p@srv:8080/abs/z"},
		{"rel", "http://u:p@srv:8080/dir/rel"},
		{"https://x/", "https://x/"},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int n = nb_url_resolve(&u, base, t[i].loc, strlen(t[i].loc),
				       out, sizeof(out));
		assert_int_equal(n, strlen(t[i].want));
		assert_string_equal(out, t[i].want);
	}
	assert_int_equal(nb_url_resolve(&u, base, "/x", 2, out, 10),
			 -NB_EMSGSIZE);
	assert_int_equal(nb_url_resolve(&u, base, "", 0, out, sizeof(out)),
			 -NB_EINVAL);
	assert_int_equal(url("http://h", &u), 0);
	assert_int_equal(nb_url_resolve(&u, "http://h", "a", 1, out, 64), 10);
	assert_string_equal(out, "http://h/a");
	/* The base's scheme and its default port carry over. */
	assert_int_equal(url("https://h:443/d/f", &u), 0);
	assert_true(nb_url_resolve(&u, "https://h:443/d/f", "g", 1, out, 64) > 0);
	assert_string_equal(out, "https://h/d/g");
	assert_int_equal(url("http://[::1]:8080/d/f", &u), 0);
	assert_true(nb_url_resolve(&u, "x", "//o/p", 5, out, 64) > 0);
	assert_string_equal(out, "http://o/p");
	assert_true(nb_url_resolve(&u, "x", "/p", 2, out, 64) > 0);
	assert_string_equal(out, "http://[::1]:8080/p");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http),
		cmocka_unit_test(test_schemes),
		cmocka_unit_test(test_v6),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_resolve),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
