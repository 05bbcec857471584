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

/* A NUL-terminated field. */
static void field(struct nb_sb *b, const char *s)
{
	nb_sb_str(b, s);
	nb_sb_put(b, "", 1);
}

static void option(struct nb_sb *b, const char *name, uint32_t v)
{
	field(b, name);
	nb_sb_dec(b, v);
	nb_sb_put(b, "", 1);
}

int nb_tftp_build_rrq(const struct nb_tftp_cfg *cfg, bool plain, uint8_t *buf,
		      size_t cap)
{
	struct nb_sb b;
	if (cap < 2)
		return -NB_EMSGSIZE;
	nb_put16(buf, NB_TFTP_RRQ);
	nb_sb_init(&b, (char *)buf + 2, cap - 2);
	field(&b, cfg->filename);
	field(&b, "octet");
	if (!plain) {
		/* tsize 0 in a read request asks the server for the size
		 * (RFC 2349). */
		if (cfg->blksize)
			option(&b, "blksize", cfg->blksize);
		if (cfg->tsize)
			option(&b, "tsize", 0);
		if (cfg->timeout_s)
			option(&b, "timeout", cfg->timeout_s);
		if (cfg->windowsize)
			option(&b, "windowsize", cfg->windowsize);
	}
	return b.over ? -NB_EMSGSIZE : (int)(b.n + 2);
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
