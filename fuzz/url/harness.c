/*
 * libFuzzer harness for the shared URL parser (lib/core/url.c): parse the
 * input as a URL; if that works, percent-decode its path, resolve a
 * redirect target against it (the input's tail) and build an HTTP
 * request from it; every pointer handed out must stay inside the input.
 */
#include <stddef.h>
#include <stdint.h>

#include "netboot/http.h"
#include "netboot/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(const char *p, size_t n, const uint8_t *d, size_t size)
{
	if (p && (p < (const char *)d || p + n > (const char *)d + size))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct nb_url u;
	if (nb_url_parse(s, size, &u) != 0)
		return 0;
	inside(u.host, u.host_len, data, size);
	inside(u.userinfo, u.userinfo_len, data, size);
	if (u.path_len > 1 || u.path[0] != '/')
		inside(u.path, u.path_len, data, size);
	inside(u.query, u.query_len, data, size);
	if (u.host_len == 0 || u.port == 0 || u.scheme == NB_URL_NONE)
		__builtin_trap();
	char dec[256];
	int d = nb_url_decode(u.path, u.path_len, dec, sizeof(dec));
	if (d >= (int)sizeof(dec) || (d >= 0 && dec[d] != 0))
		__builtin_trap();
	char req[1024];
	struct nb_http_req rq = {.url = &u, .user_agent = "fuzz",
				 .has_range = true, .first = 1, .last = 2};
	int n = nb_http_build_request(req, sizeof(req), &rq);
	if (n > (int)sizeof(req))
		__builtin_trap();
	char out[512];
	size_t half = size / 2;
	n = nb_url_resolve(&u, s, s + half, size - half, out, sizeof(out));
	if (n >= (int)sizeof(out))
		__builtin_trap();
	if (n > 0) {
		struct nb_url v;
		(void)nb_url_parse(out, (size_t)n, &v);
	}
	return 0;
}
