/*
 * Option walking.  A packet is validated once by nb_dview_init(): after
 * that every option of every region is known to lie inside its field, so
 * the iterator below never reads out of bounds even if called on its own.
 */
#include "core/mem.h"
#include "dhcp/dhcp_int.h"

static const uint8_t magic_cookie[4] = {99, 130, 83, 99};

static void region_bounds(const struct dview *v, uint8_t r, size_t *off,
			  size_t *end)
{
	switch (r) {
	case REG_OPTIONS:
		*off = BOOTP_OPTIONS;
		*end = v->len;
		break;
	case REG_FILE:
		*off = BOOTP_FILE;
		*end = BOOTP_COOKIE;
		break;
	default:
		*off = BOOTP_SNAME;
		*end = BOOTP_FILE;
		break;
	}
}

static bool region_used(const struct dview *v, uint8_t r)
{
	return r == REG_OPTIONS || (r == REG_FILE && (v->overload & 1)) ||
	       (r == REG_SNAME && (v->overload & 2));
}

static void diter_init(const struct dview *v, struct diter *it)
{
	it->region = REG_OPTIONS;
	region_bounds(v, REG_OPTIONS, &it->off, &it->end);
}

/* Step within the current region: 1 option, 0 region done, <0 malformed. */
static int step(const uint8_t *p, struct diter *it, uint8_t *tag,
		const uint8_t **val, uint8_t *vlen)
{
	while (it->off < it->end) {
		uint8_t t = p[it->off];
		if (t == OPT_PAD) {
			it->off++;
			continue;
		}
		if (t == OPT_END) {
			it->off = it->end;
			return 0;
		}
		if (it->end - it->off < 2)
			return -NB_EPROTO;
		uint8_t l = p[it->off + 1];
		if ((size_t)l > it->end - it->off - 2)
			return -NB_EPROTO;
		*tag = t;
		*vlen = l;
		*val = p + it->off + 2;
		it->off += 2 + (size_t)l;
		return 1;
	}
	return 0;
}

/* 1 and the next option, or 0 at the end. */
static int diter_next(const struct dview *v, struct diter *it, uint8_t *tag,
		      const uint8_t **val, uint8_t *vlen)
{
	while (it->region < REG_COUNT) {
		int rc = step(v->p, it, tag, val, vlen);
		if (rc != 0)
			return rc < 0 ? 0 : 1; /* views are prevalidated */
		do {
			it->region++;
		} while (it->region < REG_COUNT && !region_used(v, it->region));
		if (it->region < REG_COUNT)
			region_bounds(v, it->region, &it->off, &it->end);
	}
	return 0;
}

int nb_dview_init(struct dview *v, const uint8_t *p, size_t len)
{
	if (!p || len < BOOTP_OPTIONS)
		return -NB_EPROTO;
	if (memcmp(p + BOOTP_COOKIE, magic_cookie, 4) != 0)
		return -NB_EPROTO;
	v->p = p;
	v->len = len;
	v->overload = 0;
	/* Pass 1: the options field alone, which is where option 52 must
	 * be; it decides which other fields to walk. */
	struct diter it;
	diter_init(v, &it);
	uint8_t tag, vlen;
	const uint8_t *val;
	bool seen52 = false;
	int rc;
	while ((rc = step(p, &it, &tag, &val, &vlen)) > 0) {
		if (tag != OPT_OVERLOAD)
			continue;
		if (seen52 || vlen != 1 || val[0] < 1 || val[0] > 3)
			return -NB_EPROTO;
		seen52 = true;
		v->overload = val[0];
	}
	if (rc < 0)
		return rc;
	/* Pass 2: the overloaded fields, which must not overload again. */
	for (uint8_t r = REG_FILE; r < REG_COUNT; r++) {
		if (!region_used(v, r))
			continue;
		region_bounds(v, r, &it.off, &it.end);
		while ((rc = step(p, &it, &tag, &val, &vlen)) > 0)
			if (tag == OPT_OVERLOAD)
				return -NB_EPROTO;
		if (rc < 0)
			return rc;
	}
	return 0;
}

int nb_dopt_len(const struct dview *v, uint8_t tag)
{
	struct diter it;
	diter_init(v, &it);
	uint8_t t, l;
	const uint8_t *val;
	size_t total = 0;
	bool found = false;
	while (diter_next(v, &it, &t, &val, &l))
		if (t == tag) {
			found = true;
			total += l;
		}
	return found ? (int)total : -NB_ENOTFOUND;
}

int nb_dopt_get(const struct dview *v, uint8_t tag, void *buf, size_t cap)
{
	if (tag == OPT_PAD || tag == OPT_END)
		return -NB_EINVAL;
	int total = nb_dopt_len(v, tag);
	if (total < 0 || !buf)
		return total;
	if ((size_t)total > cap)
		return -NB_EMSGSIZE;
	struct dcat c;
	nb_dcat_init(&c, v, tag);
	for (int i = 0; i < total; i++)
		((uint8_t *)buf)[i] = (uint8_t)nb_dcat_byte(&c);
	return total;
}

bool nb_dopt_u32(const struct dview *v, uint8_t tag, uint32_t *out)
{
	uint8_t b[4];
	if (nb_dopt_get(v, tag, b, sizeof(b)) != 4)
		return false;
	*out = nb_get32(b);
	return true;
}

static int dopt_u8(const struct dview *v, uint8_t tag)
{
	uint8_t b;
	if (nb_dopt_get(v, tag, &b, 1) != 1)
		return -1;
	return b;
}

int nb_dview_type(const struct dview *v)
{
	int t = dopt_u8(v, OPT_MSG_TYPE);
	return t < 0 ? NB_DHCP_NONE : t;
}

void nb_dcat_init(struct dcat *c, const struct dview *v, uint8_t tag)
{
	c->v = v;
	c->tag = tag;
	c->p = NULL;
	c->left = 0;
	int n = nb_dopt_len(v, tag);
	c->total = n > 0 ? (size_t)n : 0;
	diter_init(v, &c->it);
}

int nb_dcat_byte(struct dcat *c)
{
	while (c->left == 0) {
		uint8_t t, l;
		const uint8_t *val;
		if (c->total == 0 || !diter_next(c->v, &c->it, &t, &val, &l))
			return -1;
		if (t == c->tag) {
			c->p = val;
			c->left = l;
		}
	}
	c->left--;
	c->total--;
	return *c->p++;
}

bool nb_dcat_skip(struct dcat *c, size_t n)
{
	while (n--)
		if (nb_dcat_byte(c) < 0)
			return false;
	return true;
}

int nb_dhcp_find_option(const void *pkt, size_t len, uint8_t tag, void *buf,
			size_t cap)
{
	if (tag == OPT_PAD || tag == OPT_END)
		return -NB_EINVAL;
	struct dview v;
	int rc = nb_dview_init(&v, pkt, len);
	if (rc < 0)
		return rc;
	return nb_dopt_get(&v, tag, buf, cap);
}

int nb_dhcp_msg_type(const void *pkt, size_t len)
{
	struct dview v;
	int rc = nb_dview_init(&v, pkt, len);
	if (rc < 0)
		return rc;
	return nb_dview_type(&v);
}
