/*
 * Parsing a response header block (status line, Content-Length,
 * Content-Range, Transfer-Encoding, ETag and friends) from (pointer,
 * length), with no state kept between calls, plus the mapping from
 * status codes to error codes.  Stateless so it can be fuzzed and tested
 * without a connection.
 */
#include "core/mem.h"
#include "http/http_int.h"

static bool tchar(char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	for (const char *t = "!#$%&'*+-.^_`|~"; *t; t++)
		if (c == *t)
			return true;
	return false;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* Next comma-separated token of a list value, trimmed. */
static bool next_token(const char **v, const char *end, const char **t,
		       size_t *tn)
{
	const char *p = *v;
	while (p < end && (is_ws(*p) || *p == ','))
		p++;
	if (p == end)
		return false;
	const char *s = p;
	while (p < end && *p != ',')
		p++;
	const char *e = p;
	while (e > s && is_ws(e[-1]))
		e--;
	*t = s;
	*tn = (size_t)(e - s);
	*v = p;
	return true;
}

/* "bytes A-B/T" or "bytes * /T" (without the space). */
static int parse_content_range(const char *v, size_t n, struct nb_http_resp *r)
{
	if (n < 6 || !nb_ieq(v, 6, "bytes "))
		return -NB_EPROTO;
	const char *p = v + 6, *end = v + n;
	while (p < end && *p == ' ')
		p++;
	const char *slash = p;
	while (slash < end && *slash != '/')
		slash++;
	if (slash == end)
		return -NB_EPROTO;
	if (end - slash == 2 && slash[1] == '*')
		r->range_total = UINT64_MAX;
	else if (nb_http_parse_u64(slash + 1, (size_t)(end - slash - 1),
				   &r->range_total) < 0)
		return -NB_EPROTO;
	if (slash - p == 1 && *p == '*') {
		/* Unsatisfied range (416): no range, only the size. */
		return r->range_total == UINT64_MAX ? -NB_EPROTO : 0;
	}
	const char *dash = p;
	while (dash < slash && *dash != '-')
		dash++;
	if (dash == slash ||
	    nb_http_parse_u64(p, (size_t)(dash - p), &r->range_first) < 0 ||
	    nb_http_parse_u64(dash + 1, (size_t)(slash - dash - 1),
			      &r->range_last) < 0)
		return -NB_EPROTO;
	if (r->range_last < r->range_first ||
	    (r->range_total != UINT64_MAX && r->range_last >= r->range_total))
		return -NB_EPROTO;
	r->has_range = true;
	return 0;
}

static int header(struct nb_http_resp *r, const char *name, size_t nn,
		  const char *v, size_t vn, bool *conn_close, bool *conn_ka)
{
	const char *t, *end = v + vn;
	size_t tn;
	if (nb_ieq(name, nn, "content-length")) {
		uint64_t len;
		if (nb_http_parse_u64(v, vn, &len) < 0)
			return -NB_EPROTO;
		/* Two different lengths: a smuggling attempt or a broken
		 * proxy; either way the body's end is unknowable. */
		if (r->has_length && r->length != len)
			return -NB_EPROTO;
		r->has_length = true;
		r->length = len;
	} else if (nb_ieq(name, nn, "transfer-encoding")) {
		while (next_token(&v, end, &t, &tn)) {
			if (!nb_ieq(t, tn, "chunked"))
				return -NB_ENOTSUP;
			r->chunked = true;
		}
	} else if (nb_ieq(name, nn, "connection")) {
		while (next_token(&v, end, &t, &tn)) {
			if (nb_ieq(t, tn, "close"))
				*conn_close = true;
			else if (nb_ieq(t, tn, "keep-alive"))
				*conn_ka = true;
		}
	} else if (nb_ieq(name, nn, "content-range")) {
		return parse_content_range(v, vn, r);
	} else if (nb_ieq(name, nn, "accept-ranges")) {
		while (next_token(&v, end, &t, &tn))
			if (nb_ieq(t, tn, "bytes"))
				r->accept_ranges = true;
	} else if (nb_ieq(name, nn, "etag")) {
		r->etag = v;
		r->etag_len = vn;
	} else if (nb_ieq(name, nn, "last-modified")) {
		r->last_modified = v;
		r->last_modified_len = vn;
	} else if (nb_ieq(name, nn, "location")) {
		r->location = v;
		r->location_len = vn;
	} else if (nb_ieq(name, nn, "retry-after")) {
		uint64_t sec = 86400; /* a date (or junk) means "later" */
		nb_parse_u64(v, vn, &sec);
		r->retry_after = (uint32_t)(sec < 86400 ? sec : 86400);
	}
	return 0;
}

/* One line [s, e) without its line end; *next is past the LF. */
static bool get_line(const char *buf, size_t len, size_t pos, size_t *e,
		     size_t *next)
{
	const char *nl = NULL;
	for (size_t i = pos; i < len; i++)
		if (buf[i] == '\n') {
			nl = buf + i;
			break;
		}
	if (!nl)
		return false;
	size_t end = (size_t)(nl - buf);
	*next = end + 1;
	if (end > pos && buf[end - 1] == '\r')
		end--;
	*e = end;
	return true;
}

int nb_http_parse_response(const char *buf, size_t len, struct nb_http_resp *r)
{
	if (!buf || !r)
		return -NB_EINVAL;
	memset(r, 0, sizeof(*r));
	size_t e, pos;
	/* Judge the status line as soon as its first bytes are in, so a
	 * server speaking something else fails fast. */
	static const char pfx[] = "HTTP/1.";
	for (size_t i = 0; i < len && i < 7; i++)
		if (buf[i] != pfx[i])
			return -NB_EPROTO;
	if (!get_line(buf, len, 0, &e, &pos))
		return -NB_EAGAIN;
	if (e < 12 || buf[7] < '0' || buf[7] > '9' || buf[8] != ' ' ||
	    buf[9] < '1' || buf[9] > '9' || buf[10] < '0' || buf[10] > '9' ||
	    buf[11] < '0' || buf[11] > '9' || (e > 12 && buf[12] != ' '))
		return -NB_EPROTO;
	r->minor = (uint8_t)(buf[7] - '0');
	r->status = (uint16_t)((buf[9] - '0') * 100 + (buf[10] - '0') * 10 +
			       (buf[11] - '0'));
	for (size_t i = 12; i < e; i++) {
		unsigned char c = (unsigned char)buf[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return -NB_EPROTO;
	}
	bool conn_close = false, conn_ka = false;
	for (;;) {
		size_t s = pos;
		if (!get_line(buf, len, s, &e, &pos))
			return -NB_EAGAIN;
		if (e == s)
			break;
		if (is_ws(buf[s]))
			return -NB_EPROTO; /* obsolete folding */
		size_t c = s;
		while (c < e && tchar(buf[c]))
			c++;
		if (c == s || c == e || buf[c] != ':')
			return -NB_EPROTO;
		size_t vs = c + 1, ve = e;
		for (size_t i = vs; i < ve; i++) {
			unsigned char ch = (unsigned char)buf[i];
			if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
				return -NB_EPROTO;
		}
		while (vs < ve && is_ws(buf[vs]))
			vs++;
		while (ve > vs && is_ws(buf[ve - 1]))
			ve--;
		int rc = header(r, buf + s, c - s, buf + vs, ve - vs,
				&conn_close, &conn_ka);
		if (rc < 0)
			return rc;
	}
	r->keep_alive = r->minor >= 1 ? !conn_close : (conn_ka && !conn_close);
	if (pos > (size_t)INT32_MAX)
		return -NB_EPROTO;
	return (int)pos;
}

int nb_http_check_range(const struct nb_http_resp *r, uint64_t first,
			uint64_t last)
{
	if (!r)
		return -NB_EINVAL;
	if (r->status == 200)
		return 0;
	if (r->status != 206 || !r->has_range || r->range_first != first)
		return -NB_EPROTO;
	bool at_end = r->range_total != UINT64_MAX &&
		      r->range_last == r->range_total - 1;
	if (last == UINT64_MAX) {
		if (r->range_total != UINT64_MAX && !at_end)
			return -NB_EPROTO;
	} else if (r->range_last != last && !(r->range_last < last && at_end)) {
		return -NB_EPROTO;
	}
	if (r->has_length &&
	    r->length != r->range_last - r->range_first + 1)
		return -NB_EPROTO;
	return 0;
}

int nb_http_status_error(unsigned status)
{
	if (status >= 200 && status <= 299)
		return 0;
	switch (status) {
	case 401:
	case 407:
		return -NB_EAUTH;
	case 403:
		return -NB_EACCES;
	case 404:
	case 410:
		return -NB_ENOTFOUND;
	case 416:
		return -NB_ERANGE;
	default:
		break;
	}
	if (status >= 300 && status <= 399)
		return -NB_EREDIRECT;
	if (status >= 500 && status <= 599)
		return -NB_ESERVER;
	return -NB_EHTTP;
}
