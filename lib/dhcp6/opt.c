/*
 * Parsing a server's DHCPv6 message.  Firmware DHCPv6 clients were
 * broken by exactly this code (PixieFail: an IA_NA shorter than its fixed
 * part underflowing a length, Server IDs and DNS lists copied without a
 * bound), so every length is checked against its parent before use, and
 * one bad length drops the whole message rather than part of it.
 */
#include "core/mem.h"
#include "core/text.h"
#include "dhcp6/dhcp6_int.h"

#define IA_NA_FIXED 12  /* IAID, T1, T2 */
#define IAADDR_FIXED 24 /* address, preferred and valid lifetimes */
#define DUID_MIN 3      /* a type and at least one byte */

int nb_d6_next(struct d6it *it, uint16_t *code, size_t *val, size_t *vlen)
{
	size_t left = it->end - it->pos;
	const uint8_t *q = it->p + it->pos;
	/* Zero bytes end the options: firmware keeps packets in zero-filled
	 * fixed-size buffers, and option code 0 is never assigned. */
	size_t z = 0;
	while (z < left && z < 4 && q[z] == 0)
		z++;
	if (z == left || z == 4)
		return 0;
	if (left < 4)
		return -NB_EPROTO;
	size_t n = nb_get16(q + 2);
	if (n > left - 4)
		return -NB_EPROTO;
	*code = nb_get16(q);
	*val = it->pos + 4;
	*vlen = n;
	it->pos += 4 + n;
	return 1;
}

static bool has_nul(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!s[i])
			return true;
	return false;
}

static bool usable_addr(const uint8_t *a)
{
	static const uint8_t loop[16] = {[15] = 1};
	static const uint8_t zero[16];
	return a[0] != 0xff && memcmp(a, zero, 16) != 0 &&
	       memcmp(a, loop, 16) != 0;
}

/* Whether the Status Code among the options in p[off, end) is Success
 * (or absent); -NB_EPROTO for a malformed list. */
static int sub_status(const uint8_t *p, size_t off, size_t end, uint16_t *st)
{
	struct d6it it = {p, off, end};
	uint16_t code;
	size_t v, n;
	int rc;
	*st = 0;
	while ((rc = nb_d6_next(&it, &code, &v, &n)) > 0) {
		if (code != OPT_STATUS)
			continue;
		if (n < 2)
			return -NB_EPROTO;
		*st = nb_get16(p + v);
	}
	return rc;
}

/* One IA_NA: checked whole whoever it is for; taken when it is ours and
 * the first, with its first usable address. */
static int ia_na(const uint8_t *p, size_t v, size_t n, const uint32_t *iaid,
		 struct nb_dhcp6_msg *m, struct nb_dhcp6_lease *l, bool *seen)
{
	if (n < IA_NA_FIXED)
		return -NB_EPROTO;
	uint32_t id = nb_get32(p + v);
	uint32_t t1 = nb_get32(p + v + 4), t2 = nb_get32(p + v + 8);
	bool take = !*seen && (!iaid || *iaid == id);
	if (take) {
		*seen = true;
		l->iaid = id;
		l->t1_s = t1;
		l->t2_s = t2;
	}
	struct d6it it = {p, v + IA_NA_FIXED, v + n};
	uint16_t code;
	size_t a, an;
	int rc;
	while ((rc = nb_d6_next(&it, &code, &a, &an)) > 0) {
		if (code == OPT_STATUS) {
			if (an < 2)
				return -NB_EPROTO;
			if (take)
				m->ia_status = nb_get16(p + a);
			continue;
		}
		if (code != OPT_IAADDR)
			continue;
		if (an < IAADDR_FIXED)
			return -NB_EPROTO;
		uint16_t st;
		if (sub_status(p, a + IAADDR_FIXED, a + an, &st) < 0)
			return -NB_EPROTO;
		uint32_t pref = nb_get32(p + a + 16), valid = nb_get32(p + a + 20);
		if (!take || m->have_addr || st || !valid || pref > valid ||
		    !usable_addr(p + a))
			continue;
		memcpy(l->addr, p + a, 16);
		l->preferred_s = pref;
		l->valid_s = valid;
		m->have_addr = true;
	}
	/* RFC 8415 21.4: T1 above a non-zero T2 discards the IA_NA. */
	if (take && t2 && t1 > t2)
		m->have_addr = false;
	return rc;
}

/* Option 60: 2-byte lengths, each parameter inside the option. */
static int boot_params(const uint8_t *p, size_t v, size_t n,
		       struct nb_dhcp6_lease *l)
{
	struct nb_sb sb;
	nb_sb_init(&sb, l->boot_params, sizeof(l->boot_params) - 1);
	size_t end = v + n;
	while (v < end) {
		if (end - v < 2)
			return -NB_EPROTO;
		size_t k = nb_get16(p + v);
		v += 2;
		if (k > end - v || has_nul(p + v, k))
			return -NB_EPROTO;
		if (l->nparams)
			nb_sb_put(&sb, " ", 1);
		nb_sb_put(&sb, p + v, k);
		if (!sb.over)
			l->nparams++;
		v += k;
	}
	l->boot_params_cut = sb.over;
	/* nb_sb_put adds nothing once a piece does not fit, so what is
	 * kept ends after a whole parameter (and its space, dropped). */
	if (sb.n && l->boot_params[sb.n - 1] == ' ')
		sb.n--;
	l->boot_params[sb.n] = 0;
	return 0;
}

int nb_dhcp6_parse(const void *pkt, size_t len, const uint32_t *iaid,
		   struct nb_dhcp6_msg *m, struct nb_dhcp6_lease *l)
{
	const uint8_t *p = pkt;
	memset(m, 0, sizeof(*m));
	memset(l, 0, sizeof(*l));
	if (!p || len < D6_HLEN || len > 0xffff)
		return -NB_EPROTO;
	m->type = p[0];
	m->xid = nb_get32(p) & 0xffffffu;
	struct d6it it = {p, D6_HLEN, len};
	uint16_t code;
	size_t v, n;
	bool ia_seen = false;
	unsigned seen = 0; /* options 59 (1) and 60 (2) */
	int rc;
	while ((rc = nb_d6_next(&it, &code, &v, &n)) > 0) {
		switch (code) {
		case OPT_CLIENTID:
			if (m->cid_off || n < DUID_MIN || n > NB_DHCP6_DUID_MAX)
				return -NB_EPROTO;
			m->cid_off = (uint16_t)v;
			m->cid_len = (uint16_t)n;
			break;
		case OPT_SERVERID:
			if (l->server_id_len || n < DUID_MIN ||
			    n > NB_DHCP6_DUID_MAX)
				return -NB_EPROTO;
			memcpy(l->server_id, p + v, n);
			l->server_id_len = (uint8_t)n;
			break;
		case OPT_IA_NA:
			if (ia_na(p, v, n, iaid, m, l, &ia_seen) < 0)
				return -NB_EPROTO;
			break;
		case OPT_PREFERENCE:
			if (n != 1)
				return -NB_EPROTO;
			l->preference = p[v];
			break;
		case OPT_STATUS:
			if (n < 2)
				return -NB_EPROTO;
			m->status = nb_get16(p + v);
			break;
		case OPT_RAPID_COMMIT:
			if (n != 0)
				return -NB_EPROTO;
			m->rapid_commit = true;
			break;
		case OPT_DNS:
			if (n == 0 || n % 16)
				return -NB_EPROTO;
			for (size_t k = 0; k < n; k += 16)
				if (l->ndns < NB_DNS_SERVERS &&
				    usable_addr(p + v + k))
					memcpy(l->dns[l->ndns++], p + v + k, 16);
			break;
		case OPT_BOOT_URL:
			/* Once only: which of two URLs is meant is a guess. */
			if (has_nul(p + v, n) || (seen & 1))
				return -NB_EPROTO;
			seen |= 1;
			if (n < sizeof(l->boot_url))
				memcpy(l->boot_url, p + v, n);
			else
				l->boot_url_cut = true;
			break;
		case OPT_BOOT_PARAM:
			if ((seen & 2) || boot_params(p, v, n, l) < 0)
				return -NB_EPROTO;
			seen |= 2;
			break;
		default:
			break;
		}
	}
	if (rc < 0 || !l->server_id_len)
		return -NB_EPROTO;
	return 0;
}
