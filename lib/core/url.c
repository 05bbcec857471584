/*
 * The one URL parser of the library.  lib/http (request and redirect
 * targets) and lib/fetch (URLs from loaders and tools) both need it, so it
 * lives below both; before it, each user split `tftp://` and `http://`
 * its own way and disagreed about ports and escapes.  Also home to the
 * IPv4 literal parser every host field goes through.
 */
#include "core/hex.h"
#include "core/mem.h"
#include "core/text.h"
#include "netboot/url.h"

static const struct {
	const char *name;
	uint8_t scheme;
	uint16_t port;
} schemes[] = {
	{"http", NB_URL_HTTP, 80},
	{"https", NB_URL_HTTPS, 443},
	{"tftp", NB_URL_TFTP, 69},
};

#define NSCHEMES (sizeof(schemes) / sizeof(schemes[0]))

static bool scheme_char(char c, bool first)
{
	bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
	return alpha || (!first && ((c >= '0' && c <= '9') || c == '+' ||
				    c == '-' || c == '.'));
}

enum nb_url_scheme nb_url_scheme_of(const char *s, size_t len, size_t *n)
{
	size_t i = 0;
	if (n)
		*n = 0;
	if (!s)
		return NB_URL_NONE;
	/* RFC 3986 schemes; 16 characters is plenty for any real one. */
	while (i < len && i < 16 && scheme_char(s[i], i == 0))
		i++;
	if (i == 0 || len - i < 3 || s[i] != ':' || s[i + 1] != '/' ||
	    s[i + 2] != '/')
		return NB_URL_NONE;
	if (n)
		*n = i + 3;
	for (size_t k = 0; k < NSCHEMES; k++) {
		if (nb_ieq(s, i, schemes[k].name))
			return (enum nb_url_scheme)schemes[k].scheme;
	}
	return NB_URL_NONE;
}

/* The table entry of @p scheme; http's for one not in it. */
static unsigned scheme_at(unsigned scheme)
{
	unsigned k = NSCHEMES;
	while (--k > 0 && schemes[k].scheme != scheme)
		;
	return k;
}

uint16_t nb_url_default_port(unsigned scheme)
{
	unsigned k = scheme_at(scheme);
	return schemes[k].scheme == scheme ? schemes[k].port : 0;
}

static const char *scheme_name(unsigned scheme)
{
	return schemes[scheme_at(scheme)].name;
}

int nb_ipv4_parse(const char *str, size_t len, uint32_t *out)
{
	if (!str || !out)
		return -NB_EINVAL;
	uint32_t addr = 0;
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		if (part > 0) {
			if (i >= len || str[i] != '.')
				return -NB_EINVAL;
			i++;
		}
		uint32_t v = 0;
		size_t digits = 0;
		while (i < len && str[i] >= '0' && str[i] <= '9' && digits < 4) {
			v = v * 10 + (uint32_t)(str[i] - '0');
			digits++;
			i++;
		}
		if (digits == 0 || digits > 3 || v > 255)
			return -NB_EINVAL;
		addr = (addr << 8) | v;
	}
	if (i != len)
		return -NB_EINVAL;
	*out = addr;
	return 0;
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
	return n > 0 && n <= NB_URL_HOST_MAX;
}

/* The text of an IPv6 literal: hex digits, colons (at least two), and a
 * dotted IPv4 tail.  Its meaning is checked by whoever speaks IPv6. */
static bool valid_v6(const char *h, size_t n)
{
	size_t colons = 0;
	if (n < 2 || n > 45)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (h[i] == ':')
			colons++;
		else if (h[i] != '.' && nb_hex_digit(h[i]) < 0)
			return false;
	}
	return colons >= 2;
}

static int parse_port(const char *p, size_t n, uint16_t *port)
{
	uint32_t v = 0;
	if (n == 0 || n > 5)
		return -NB_EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -NB_EINVAL;
		v = v * 10 + (uint32_t)(p[i] - '0');
	}
	if (v == 0 || v > 65535)
		return -NB_EINVAL;
	*port = (uint16_t)v;
	return 0;
}

/* host[:port] or [v6][:port] in s[h..e). */
static int parse_hostport(const char *s, size_t h, size_t e, struct nb_url *u)
{
	size_t he;
	if (h < e && s[h] == '[') {
		he = h + 1;
		while (he < e && s[he] != ']')
			he++;
		if (he == e || !valid_v6(s + h + 1, he - h - 1))
			return -NB_EINVAL;
		u->host = s + h + 1;
		u->host_len = he - h - 1;
		u->is_ip6 = true;
		he++;
		if (he < e && s[he] != ':')
			return -NB_EINVAL;
	} else {
		he = h;
		while (he < e && s[he] != ':')
			he++;
		u->host = s + h;
		u->host_len = he - h;
		if (nb_ipv4_parse(u->host, u->host_len, &u->ip) == 0)
			u->is_ip = true;
		else if (!valid_name(u->host, u->host_len))
			return -NB_EINVAL;
	}
	if (he < e) {
		if (parse_port(s + he + 1, e - he - 1, &u->port) < 0)
			return -NB_EINVAL;
		u->port_given = true;
	}
	return 0;
}

static int parse(const char *s, size_t len, struct nb_url *u)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c == 0x7f)
			return -NB_EINVAL;
	}
	size_t a;
	enum nb_url_scheme sc = nb_url_scheme_of(s, len, &a);
	if (a == 0)
		return -NB_EINVAL;
	u->scheme = (uint8_t)sc;
	u->port = nb_url_default_port(sc);
	size_t e = a;
	while (e < len && s[e] != '/' && s[e] != '?' && s[e] != '#')
		e++;
	size_t h = a;
	for (size_t i = a; i < e; i++)
		if (s[i] == '@')
			h = i + 1;
	if (h > a) {
		u->userinfo = s + a;
		u->userinfo_len = h - 1 - a;
		if (u->userinfo_len > NB_URL_USERINFO_MAX)
			return -NB_EINVAL;
	}
	int rc = parse_hostport(s, h, e, u);
	if (rc < 0)
		return rc;
	if (sc == NB_URL_NONE)
		return -NB_ENOTSUP;
	size_t pe = e;
	while (pe < len && s[pe] != '#' && s[pe] != '?')
		pe++;
	if (pe == e) {
		u->path = "/";
		u->path_len = 1;
	} else {
		u->path = s + e;
		u->path_len = pe - e;
	}
	if (pe < len && s[pe] == '?') {
		size_t qe = pe + 1;
		while (qe < len && s[qe] != '#')
			qe++;
		u->query = s + pe + 1;
		u->query_len = qe - pe - 1;
	}
	return 0;
}

int nb_url_parse(const char *s, size_t len, struct nb_url *u)
{
	if (!s || !u)
		return -NB_EINVAL;
	memset(u, 0, sizeof(*u));
	int rc = parse(s, len, u);
	if (rc < 0)
		memset(u, 0, sizeof(*u));
	return rc;
}

int nb_url_decode(const char *s, size_t len, char *out, size_t cap)
{
	size_t n = 0;
	if (!s || (!out && cap))
		return -NB_EINVAL;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '%') {
			if (len - i < 3)
				return -NB_EINVAL;
			int hi = nb_hex_digit(s[i + 1]);
			int lo = nb_hex_digit(s[i + 2]);
			/* A NUL would cut a C string short: a name in
			 * disguise, never a legitimate file name. */
			if (hi < 0 || lo < 0 || (hi | lo) == 0)
				return -NB_EINVAL;
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		if (out) {
			if (n + 1 >= cap)
				return -NB_EMSGSIZE;
			out[n] = c;
		}
		if (++n > INT32_MAX)
			return -NB_EMSGSIZE;
	}
	if (out)
		out[n] = 0;
	return (int)n;
}

int nb_url_resolve(const struct nb_url *base, const char *base_str,
		   const char *loc, size_t loc_len, char *out, size_t cap)
{
	if (!base || !base_str || !loc || !out || cap == 0 || loc_len == 0 ||
	    !base->host)
		return -NB_EINVAL;
	struct nb_sb o;
	nb_sb_init(&o, out, cap - 1);
	size_t i = 0;
	while (i < loc_len && i < 10 && loc[i] != ':' && loc[i] != '/')
		i++;
	if (i < loc_len && loc[i] == ':') {
		nb_sb_put(&o, loc, loc_len); /* absolute: validated by the caller */
	} else {
		nb_sb_str(&o, scheme_name(base->scheme));
		nb_sb_put(&o, ":", 1);
		if (loc_len >= 2 && loc[0] == '/' && loc[1] == '/')
			goto tail; /* network-path reference */
		nb_sb_put(&o, "//", 2);
		/* Same server: credentials go along, as they did to it. */
		if (base->userinfo) {
			nb_sb_put(&o, base->userinfo, base->userinfo_len);
			nb_sb_put(&o, "@", 1);
		}
		if (base->is_ip6)
			nb_sb_put(&o, "[", 1);
		nb_sb_put(&o, base->host, base->host_len);
		if (base->is_ip6)
			nb_sb_put(&o, "]", 1);
		if (base->port != nb_url_default_port(base->scheme)) {
			nb_sb_put(&o, ":", 1);
			nb_sb_dec(&o, base->port);
		}
		if (loc[0] != '/') {
			/* Relative: keep the base path up to its last '/'. */
			size_t slash = 0;
			for (size_t q = 0; q < base->path_len; q++)
				if (base->path[q] == '/')
					slash = q + 1;
			if (slash == 0)
				nb_sb_put(&o, "/", 1);
			else
				nb_sb_put(&o, base->path, slash);
		}
tail:
		nb_sb_put(&o, loc, loc_len);
	}
	if (o.over)
		return -NB_EMSGSIZE;
	out[o.n] = 0;
	return (int)o.n;
}
