#include "core/mem.h"
#include "core/text.h"
#include "http/http_int.h"

bool nb_http_ieq(const char *p, size_t n, const char *s)
{
	size_t i = 0;
	for (; i < n; i++)
		if (!s[i] || nb_lc(p[i]) != s[i])
			return false;
	return s[i] == 0;
}

static bool host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

/* Host names must be usable as DNS names: labels of 1..63 characters. */
static bool valid_name(const char *h, size_t n)
{
	size_t lab = 0;
	for (size_t i = 0; i < n; i++) {
		if (!host_char(h[i]))
			return false;
		if (h[i] == '.') {
			if (lab == 0)
				return false;
			lab = 0;
		} else if (++lab > 63) {
			return false;
		}
	}
	return n > 0 && n <= 253;
}

int nb_url_parse(const char *s, size_t len, struct nb_url *u)
{
	if (!s || !u)
		return -NB_EINVAL;
	memset(u, 0, sizeof(*u));
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c == 0x7f)
			return -NB_EINVAL;
	}
	if (len >= 8 && nb_http_ieq(s, 8, "https://"))
		return -NB_ENOTSUP;
	if (len < 7 || !nb_http_ieq(s, 7, "http://"))
		return -NB_EINVAL;
	size_t a = 7, e = a;
	while (e < len && s[e] != '/' && s[e] != '?' && s[e] != '#')
		e++;
	size_t h = a;
	for (size_t i = a; i < e; i++)
		if (s[i] == '@')
			h = i + 1;
	if (h > a) {
		u->userinfo = s + a;
		u->userinfo_len = h - 1 - a;
		if (u->userinfo_len > NB_HTTP_USERINFO_MAX)
			return -NB_EINVAL;
	}
	if (h < e && s[h] == '[')
		return -NB_ENOTSUP;
	size_t he = h;
	while (he < e && s[he] != ':')
		he++;
	u->port = 80;
	if (he < e) {
		uint64_t port;
		size_t pd = e - he - 1;
		if (pd == 0 || pd > 5 ||
		    nb_http_parse_u64(s + he + 1, pd, &port) < 0 || port == 0 ||
		    port > 65535)
			return -NB_EINVAL;
		u->port = (uint16_t)port;
	}
	u->host = s + h;
	u->host_len = he - h;
	if (nb_ipv4_parse(u->host, u->host_len, &u->ip) == 0)
		u->is_ip = true;
	else if (!valid_name(u->host, u->host_len))
		return -NB_EINVAL;
	size_t pe = e;
	while (pe < len && s[pe] != '#')
		pe++;
	if (pe == e) {
		u->path = "/";
		u->path_len = 1;
	} else {
		u->path = s + e;
		u->path_len = pe - e;
	}
	return 0;
}

int nb_url_resolve(const struct nb_url *base, const char *base_str,
		   const char *loc, size_t loc_len, char *out, size_t cap)
{
	if (!base || !base_str || !loc || !out || cap == 0 || loc_len == 0)
		return -NB_EINVAL;
	(void)base_str;
	struct nb_sb o;
	nb_sb_init(&o, out, cap - 1);
	size_t i = 0;
	while (i < loc_len && i < 10 && loc[i] != ':' && loc[i] != '/')
		i++;
	if (i < loc_len && loc[i] == ':') {
		nb_sb_put(&o, loc, loc_len); /* absolute: validated by the caller */
	} else if (loc_len >= 2 && loc[0] == '/' && loc[1] == '/') {
		nb_sb_put(&o, "http:", 5);
		nb_sb_put(&o, loc, loc_len);
	} else {
		nb_sb_put(&o, "http://", 7);
		/* Same server: credentials go along, as they did to it. */
		if (base->userinfo) {
			nb_sb_put(&o, base->userinfo, base->userinfo_len);
			nb_sb_put(&o, "@", 1);
		}
		nb_sb_put(&o, base->host, base->host_len);
		if (base->port != 80) {
			nb_sb_put(&o, ":", 1);
			nb_sb_dec(&o, base->port);
		}
		if (loc[0] != '/') {
			/* Relative: keep the base path up to its last '/'
			 * before any query. */
			size_t q = 0, slash = 0;
			while (q < base->path_len && base->path[q] != '?') {
				if (base->path[q] == '/')
					slash = q + 1;
				q++;
			}
			if (slash == 0)
				nb_sb_put(&o, "/", 1);
			else
				nb_sb_put(&o, base->path, slash);
		}
		nb_sb_put(&o, loc, loc_len);
	}
	if (o.over)
		return -NB_EMSGSIZE;
	out[o.n] = 0;
	return (int)o.n;
}
