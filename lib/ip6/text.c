/* IPv6 addresses as text (RFC 4291 2.2 in, RFC 5952 out). */
#include "core/mem.h"
#include "netboot/err.h"
#include "netboot/stack6.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A dotted quad filling the last two groups. */
static int quad(const char *t, size_t len, uint16_t *g)
{
	unsigned part = 0, v = 0, digits = 0;
	uint8_t b[4];
	for (size_t i = 0; i <= len; i++) {
		if (i == len || t[i] == '.') {
			if (!digits || part > 3)
				return -NB_EINVAL;
			b[part++] = (uint8_t)v;
			v = digits = 0;
		} else if (t[i] >= '0' && t[i] <= '9' && digits < 3) {
			if (digits == 1 && t[i - 1] == '0')
				return -NB_EINVAL; /* no octal look-alikes */
			v = v * 10 + (unsigned)(t[i] - '0');
			if (v > 255)
				return -NB_EINVAL;
			digits++;
		} else {
			return -NB_EINVAL;
		}
	}
	if (part != 4)
		return -NB_EINVAL;
	g[0] = (uint16_t)(b[0] << 8 | b[1]);
	g[1] = (uint16_t)(b[2] << 8 | b[3]);
	return 0;
}

int nb_ip6_addr_parse(const char *t, size_t len, uint8_t out[16])
{
	uint16_t g[8];
	unsigned n = 0;
	int gap = -1;
	size_t i = 0;
	if (!t || !out)
		return -NB_EINVAL;
	if (len >= 2 && t[0] == ':' && t[1] == ':') {
		gap = 0;
		i = 2;
	}
	while (i < len) {
		size_t j = i;
		unsigned v = 0;
		while (j < len && j - i < 5 && hexval(t[j]) >= 0)
			v = v * 16 + (unsigned)hexval(t[j++]);
		if (j < len && t[j] == '.') {
			if (n > 6 || quad(t + i, len - i, g + n) < 0)
				return -NB_EINVAL;
			n += 2;
			break;
		}
		if (j == i || j - i > 4 || n == 8)
			return -NB_EINVAL;
		g[n++] = (uint16_t)v;
		i = j;
		if (i == len)
			break;
		if (t[i++] != ':' || i == len)
			return -NB_EINVAL;
		if (t[i] == ':') {
			if (gap >= 0)
				return -NB_EINVAL;
			gap = (int)n;
			i++;
		}
	}
	if (gap < 0 ? n != 8 : n > 7)
		return -NB_EINVAL;
	memset(out, 0, 16);
	unsigned tail = gap < 0 ? 0 : n - (unsigned)gap;
	for (unsigned k = 0; k < n; k++) {
		unsigned pos = gap < 0 || k < (unsigned)gap ? k : 8 - tail + k - (unsigned)gap;
		nb_put16(out + 2 * pos, g[k]);
	}
	return 0;
}

size_t nb_ip6_addr_format(const uint8_t a[16], char *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned best = 0, best_len = 0, run = 0;
	for (unsigned k = 0; k < 8; k++) {
		run = nb_get16(a + 2 * k) ? 0 : run + 1;
		if (run > best_len) {
			best_len = run;
			best = k + 1 - run;
		}
	}
	if (best_len < 2)
		best_len = 0;
	size_t o = 0;
	for (unsigned k = 0; k < 8; k++) {
		if (best_len && k == best) {
			out[o++] = ':';
			if (k == 0)
				out[o++] = ':';
			k += best_len - 1;
			continue;
		}
		unsigned v = nb_get16(a + 2 * k);
		bool lead = true;
		for (int sh = 12; sh >= 0; sh -= 4) {
			unsigned d = (v >> sh) & 15;
			if (d || !lead || sh == 0) {
				out[o++] = hex[d];
				lead = false;
			}
		}
		if (k < 7)
			out[o++] = ':';
	}
	out[o] = 0;
	return o;
}
