/*
 * DNS names on the wire: encoding a query name, building the query, and
 * one bounded walker over (possibly compressed) names that both skips
 * and compares them.  Compression pointers are the classic way to make a
 * parser loop or read out of bounds, so every name goes through this one
 * walker, which only follows pointers that lead strictly backwards.
 */
#include "core/text.h"
#include "dns/dns_int.h"

int nb_dns_name_walk(const uint8_t *p, size_t len, size_t off, size_t *end,
		     const uint8_t *cmp, bool *match, uint8_t *out)
{
	size_t pos = off;
	/* Start of the label run being read: a pointer must lead strictly
	 * before it.  Run starts then decrease at every jump, so no pointer
	 * cycle can exist, and the jump bound only trims long chains. */
	size_t run = off;
	size_t wlen = 0;
	unsigned jumps = 0;
	bool jumped = false, eq = true;

	for (;;) {
		if (pos >= len)
			return -NB_EPROTO;
		uint8_t l = p[pos];
		if ((l & 0xc0) == 0xc0) {
			if (pos + 1 >= len)
				return -NB_EPROTO;
			size_t tgt = nb_get16(p + pos) & 0x3fffu;
			if (tgt >= run || ++jumps > NB_DNS_JUMPS_MAX)
				return -NB_EPROTO;
			if (!jumped)
				*end = pos + 2;
			jumped = true;
			pos = run = tgt;
			continue;
		}
		if (l & 0xc0) /* 0x40 and 0x80 label types are obsolete */
			return -NB_EPROTO;
		if (wlen + 1 + l > NB_DNS_WIRE_MAX)
			return -NB_EPROTO;
		if (l == 0) {
			if (cmp && eq && cmp[wlen] != 0)
				eq = false;
			if (out)
				out[wlen] = 0;
			wlen++;
			if (!jumped)
				*end = pos + 1;
			if (match)
				*match = eq;
			return (int)wlen;
		}
		if (l > len - pos - 1)
			return -NB_EPROTO;
		/* cmp matched up to here, so cmp[wlen] is inside it, and a
		 * matching length byte guarantees l more bytes of label. */
		if (cmp && eq && cmp[wlen] != l)
			eq = false;
		if (out)
			out[wlen] = l;
		for (size_t i = 1; i <= l; i++) {
			uint8_t c = (uint8_t)nb_lower(p[pos + i]);
			if (cmp && eq && nb_lower(cmp[wlen + i]) != c)
				eq = false;
			if (out)
				out[wlen + i] = c;
		}
		wlen += 1 + (size_t)l;
		pos += 1 + (size_t)l;
	}
}

size_t nb_dns_wire_len(const uint8_t *w)
{
	size_t n = 0;
	while (n < NB_DNS_WIRE_MAX) {
		uint8_t l = w[n];
		if (l == 0)
			return n + 1;
		if (l > 63 || n + 1 + l >= NB_DNS_WIRE_MAX)
			return 0;
		n += 1 + (size_t)l;
	}
	return 0;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

int nb_dns_encode_name(const char *name, uint8_t out[NB_DNS_WIRE_MAX])
{
	if (!name || !out || !name[0])
		return -NB_EINVAL;
	size_t n = 0;   /* characters consumed */
	size_t w = 0;   /* wire bytes written, at the current length byte */
	size_t lab = 0; /* length of the current label */
	for (;; n++) {
		char c = name[n];
		if (n > 254)
			return -NB_EINVAL;
		if (c == '.' || c == 0) {
			if (lab == 0) {
				/* Only a single trailing dot may end a name. */
				if (c == 0 && n > 0 && name[n - 1] == '.' && w > 0)
					break;
				return -NB_EINVAL;
			}
			out[w] = (uint8_t)lab;
			w += 1 + lab;
			lab = 0;
			if (c == 0)
				break;
			continue;
		}
		if (!name_char(c) || lab == 63 ||
		    w + lab + 3 > NB_DNS_WIRE_MAX)
			return -NB_EINVAL;
		out[w + 1 + lab] = (uint8_t)nb_lower(c);
		lab++;
	}
	out[w++] = 0;
	return (int)w;
}

int nb_dns_build_query_type(uint8_t *buf, size_t cap, uint16_t id,
			    const uint8_t *qname, uint16_t qtype)
{
	size_t ql = qname ? nb_dns_wire_len(qname) : 0;
	if (!buf || ql < 2)
		return -NB_EINVAL;
	size_t total = DNS_HLEN + ql + 4;
	if (cap < total)
		return -NB_EMSGSIZE;
	nb_put16(buf, id);
	nb_put16(buf + 2, 0x0100); /* standard query, recursion desired */
	nb_put16(buf + 4, 1);
	nb_put16(buf + 6, 0);
	nb_put16(buf + 8, 0);
	nb_put16(buf + 10, 0);
	for (size_t i = 0; i < ql; i++)
		buf[DNS_HLEN + i] = qname[i];
	nb_put16(buf + DNS_HLEN + ql, qtype);
	nb_put16(buf + DNS_HLEN + ql + 2, DNS_CLASS_IN);
	return (int)total;
}
