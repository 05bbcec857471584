/*
 * OACK validation (RFC 2347).  The server may only confirm options we
 * asked for, with values no larger than asked: anything else would let a
 * server push a block size our buffers were not sized for, or a window
 * our pacing did not expect, so it is refused as a whole.
 */
#include "core/mem.h"
#include "core/text.h"
#include "tftp/tftp_int.h"

/* Next NUL-terminated field at p[*pos]; false if unterminated. */
static bool field(const uint8_t *p, size_t len, size_t *pos,
		  const uint8_t **f, size_t *flen)
{
	const uint8_t *z = NULL;
	for (size_t i = *pos; i < len; i++) {
		if (!p[i]) {
			z = p + i;
			break;
		}
	}
	if (!z)
		return false;
	*f = p + *pos;
	*flen = (size_t)(z - *f);
	*pos += *flen + 1;
	return true;
}

/* Check one name/value pair; -NB_EOPTION when it must be refused. */
static int one(const struct nb_tftp_cfg *cfg, const uint8_t *n, size_t nlen,
	       uint64_t v, struct nb_tftp_oack *o)
{
	if (nb_ieq(n, nlen, "blksize")) {
		if (!cfg->blksize || o->has_blksize ||
		    v < NB_TFTP_BLKSIZE_MIN || v > cfg->blksize)
			return -NB_EOPTION;
		o->has_blksize = true;
		o->blksize = (uint16_t)v;
	} else if (nb_ieq(n, nlen, "windowsize")) {
		if (!cfg->windowsize || o->has_window || v < 1 ||
		    v > cfg->windowsize)
			return -NB_EOPTION;
		o->has_window = true;
		o->window = (uint16_t)v;
	} else if (nb_ieq(n, nlen, "timeout")) {
		/* RFC 2349: the server either takes our value or omits it. */
		if (!cfg->timeout_s || o->has_timeout || v != cfg->timeout_s)
			return -NB_EOPTION;
		o->has_timeout = true;
		o->timeout_s = (uint8_t)v;
	} else if (nb_ieq(n, nlen, "tsize")) {
		if (!cfg->tsize || o->has_tsize)
			return -NB_EOPTION;
		o->has_tsize = true;
		o->tsize = v;
	} else {
		return -NB_EOPTION;
	}
	return 0;
}

int nb_tftp_parse_oack(const struct nb_tftp_cfg *cfg, const uint8_t *p,
		       size_t len, struct nb_tftp_oack *o)
{
	memset(o, 0, sizeof(*o));
	size_t pos = 0;
	/* Each pair takes at least 4 bytes, so this loop ends within len/4
	 * rounds whatever the input. */
	while (pos < len) {
		const uint8_t *n, *val;
		size_t nlen, vlen;
		uint64_t v;
		if (!field(p, len, &pos, &n, &nlen) || nlen == 0 ||
		    !field(p, len, &pos, &val, &vlen) ||
		    nb_parse_u64(val, vlen, &v) < 0 ||
		    one(cfg, n, nlen, v, o) < 0)
			return -NB_EOPTION;
	}
	return 0;
}
