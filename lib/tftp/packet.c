/* Building TFTP packets and small parsing helpers. */
#include "core/mem.h"
#include "tftp/tftp_int.h"

static size_t slen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

/* Append a NUL-terminated string; false when it does not fit. */
static bool put_str(uint8_t *buf, size_t cap, size_t *pos, const char *s)
{
	size_t n = slen(s, cap);
	if (n >= cap - *pos)
		return false;
	memcpy(buf + *pos, s, n);
	buf[*pos + n] = 0;
	*pos += n + 1;
	return true;
}

static bool put_num(uint8_t *buf, size_t cap, size_t *pos, uint32_t v)
{
	char d[11];
	size_t i = sizeof(d) - 1;
	d[i] = 0;
	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return put_str(buf, cap, pos, d + i);
}

static bool put_opt(uint8_t *buf, size_t cap, size_t *pos, const char *name,
		    uint32_t v)
{
	return put_str(buf, cap, pos, name) && put_num(buf, cap, pos, v);
}

int nb_tftp_build_rrq(const struct nb_tftp_cfg *cfg, bool plain, uint8_t *buf,
		      size_t cap)
{
	size_t pos = 2;
	if (cap < 2)
		return -NB_EMSGSIZE;
	nb_put16(buf, NB_TFTP_RRQ);
	bool ok = put_str(buf, cap, &pos, cfg->filename) &&
		  put_str(buf, cap, &pos, "octet");
	if (ok && !plain) {
		/* tsize 0 in a read request asks the server for the size
		 * (RFC 2349). */
		if (cfg->blksize)
			ok = put_opt(buf, cap, &pos, "blksize", cfg->blksize);
		if (ok && cfg->tsize)
			ok = put_opt(buf, cap, &pos, "tsize", 0);
		if (ok && cfg->timeout_s)
			ok = put_opt(buf, cap, &pos, "timeout", cfg->timeout_s);
		if (ok && cfg->windowsize)
			ok = put_opt(buf, cap, &pos, "windowsize",
				     cfg->windowsize);
	}
	return ok ? (int)pos : -NB_EMSGSIZE;
}

size_t nb_tftp_build_error(uint8_t *buf, size_t cap, uint16_t code,
			   const char *msg)
{
	/* Callers pass the 512-byte scratch buffer; messages are short. */
	size_t n = slen(msg, cap - 5);
	nb_put16(buf, NB_TFTP_ERROR);
	nb_put16(buf + 2, code);
	memcpy(buf + 4, msg, n);
	buf[4 + n] = 0;
	return 5 + n;
}

int nb_tftp_map_error(uint16_t code)
{
	switch (code) {
	case NB_TFTP_ERR_NOTFOUND:
		return -NB_ENOTFOUND;
	case NB_TFTP_ERR_ACCESS:
	case NB_TFTP_ERR_USER:
		return -NB_EACCES;
	case NB_TFTP_ERR_DISKFULL:
		return -NB_ENOSPC;
	case NB_TFTP_ERR_ILLEGAL:
		return -NB_EPROTO;
	case NB_TFTP_ERR_TID:
		return -NB_ETID;
	case NB_TFTP_ERR_OPTION:
		return -NB_EOPTION;
	default:
		return -NB_ESERVER;
	}
}
