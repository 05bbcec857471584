/*
 * Building request header blocks (GET/HEAD/POST with Host, Range, If-Range,
 * Authorization from URL userinfo, User-Agent) into a caller buffer, and
 * the Base64 they need.  Requests are the only text we send, so one
 * bounded writer here keeps every request within its buffer.
 */
#include "core/hex.h"
#include "core/mem.h"
#include "core/text.h"
#include "http/http_int.h"

int nb_base64_encode(const void *in, size_t len, char *out, size_t cap)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const uint8_t *p = in;
	if (!out || (len && !p))
		return -NB_EINVAL;
	size_t need = (len + 2) / 3 * 4;
	if (len > SIZE_MAX / 2 || need >= cap || need > INT32_MAX)
		return -NB_EMSGSIZE;
	size_t o = 0;
	for (size_t i = 0; i < len; i += 3) {
		/* n input bytes give n + 1 digits, '=' pads to four. */
		size_t n = len - i < 3 ? len - i : 3;
		uint32_t v = 0;
		for (size_t k = 0; k < 3; k++)
			v = v << 8 | (k < n ? p[i + k] : 0u);
		for (size_t k = 0; k < 4; k++, v <<= 6)
			out[o++] = k <= n ? tab[v >> 18 & 63] : '=';
	}
	out[o] = 0;
	return (int)o;
}

/* Authorization: Basic of the percent-decoded userinfo. */
static int put_auth(struct nb_sb *w, const char *ui, size_t n)
{
	char raw[NB_HTTP_USERINFO_MAX + 1];
	if (n > NB_HTTP_USERINFO_MAX)
		return -NB_EINVAL;
	int r = nb_url_decode(ui, n, raw, sizeof(raw));
	if (r < 0)
		return -NB_EINVAL;
	nb_sb_str(w, "Authorization: Basic ");
	/* Encoded in place: what does not fit (its NUL included, which the
	 * CRLF after it needs room for anyway) makes the request too long. */
	int bl = w->over ? -NB_EMSGSIZE
			 : nb_base64_encode(raw, (size_t)r, w->p + w->n,
					    w->cap - w->n);
	if (bl < 0)
		w->over = true;
	else
		w->n += (size_t)bl;
	nb_sb_str(w, "\r\n");
	return 0;
}

int nb_http_build_request(char *buf, size_t cap, const struct nb_http_req *rq)
{
	if (!buf || !rq || !rq->url || !rq->url->host)
		return -NB_EINVAL;
	const struct nb_url *u = rq->url;
	struct nb_sb w;
	nb_sb_init(&w, buf, cap);
	nb_sb_str(&w, rq->post ? "POST " : rq->head ? "HEAD " : "GET ");
	if (u->path_len == 0 || u->path[0] != '/')
		nb_sb_put(&w, "/", 1);
	nb_sb_put(&w, u->path, u->path_len);
	if (u->query) {
		nb_sb_put(&w, "?", 1);
		nb_sb_put(&w, u->query, u->query_len);
	}
	nb_sb_str(&w, " HTTP/1.1\r\nHost: ");
	if (u->is_ip6)
		nb_sb_put(&w, "[", 1);
	nb_sb_put(&w, u->host, u->host_len);
	if (u->is_ip6)
		nb_sb_put(&w, "]", 1);
	if (u->port != nb_url_default_port(NB_URL_HTTP)) {
		nb_sb_put(&w, ":", 1);
		nb_sb_dec(&w, u->port);
	}
	nb_sb_str(&w, "\r\n");
	if (rq->user_agent) {
		nb_sb_str(&w, "User-Agent: ");
		nb_sb_str(&w, rq->user_agent);
		nb_sb_str(&w, "\r\n");
	}
	if (u->userinfo) {
		int rc = put_auth(&w, u->userinfo, u->userinfo_len);
		if (rc < 0)
			return rc;
	}
	if (rq->has_range) {
		nb_sb_str(&w, "Range: bytes=");
		nb_sb_dec(&w, rq->first);
		nb_sb_put(&w, "-", 1);
		if (rq->last != UINT64_MAX)
			nb_sb_dec(&w, rq->last);
		nb_sb_str(&w, "\r\n");
		if (rq->if_range && rq->if_range_len) {
			nb_sb_str(&w, "If-Range: ");
			nb_sb_put(&w, rq->if_range, rq->if_range_len);
			nb_sb_str(&w, "\r\n");
		}
	}
	/* Identity only: the body must land byte-exact at its offsets. */
	nb_sb_str(&w, "Accept-Encoding: identity\r\n");
	size_t body = 0;
	while (rq->post && rq->post[body])
		body++;
	if (rq->post) {
		nb_sb_str(&w, "Content-Type: application/x-www-form-urlencoded\r\n"
			      "Content-Length: ");
		nb_sb_dec(&w, body);
		nb_sb_str(&w, "\r\n");
	}
	nb_sb_str(&w, rq->close ? "Connection: close\r\n\r\n" :
			      "Connection: keep-alive\r\n\r\n");
	if (rq->post)
		nb_sb_put(&w, rq->post, body);
	if (w.over || w.n > INT32_MAX)
		return -NB_EMSGSIZE;
	return (int)w.n;
}
