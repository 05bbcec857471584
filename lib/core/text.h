/*
 * Text in and out (internal).  Out: bounded string building into a
 * caller's buffer; requests, URLs and other text the library emits are
 * appended piece by piece, and one sticky flag at the end says whether
 * everything fitted, so builders check once instead of after every piece.
 * In: decimal numbers as protocols carry them.
 */
#ifndef NB_LIB_CORE_TEXT_H
#define NB_LIB_CORE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nb_sb {
	char *p;    /* caller's buffer */
	size_t cap; /* bytes usable (no terminator is written) */
	size_t n;   /* bytes appended */
	bool over;  /* something did not fit: the content is cut */
};

static inline void nb_sb_init(struct nb_sb *b, char *buf, size_t cap)
{
	b->p = buf;
	b->cap = buf ? cap : 0;
	b->n = 0;
	b->over = false;
}

/* Append @n bytes; once one piece does not fit, nothing more is added. */
void nb_sb_put(struct nb_sb *b, const void *s, size_t n);
/* Append a NUL-terminated string. */
void nb_sb_str(struct nb_sb *b, const char *s);
/* Append @v in @base (2..16, lower-case digits), zero-padded to at least
 * @digits digits (at most 20 are written: pad no wider than that). */
void nb_sb_num(struct nb_sb *b, uint64_t v, uint32_t base, unsigned digits);

/* Append @v in decimal. */
static inline void nb_sb_dec(struct nb_sb *b, uint64_t v)
{
	nb_sb_num(b, v, 10, 0);
}
/* Append @v in lower-case hex, at least @digits digits. */
static inline void nb_sb_hex(struct nb_sb *b, uint64_t v, unsigned digits)
{
	nb_sb_num(b, v, 16, digits);
}

/* ASCII lower case, anything else unchanged: protocol names (HTTP
 * headers, TFTP options, URL schemes, DNS labels) are case-blind. */
static inline int nb_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}
/* Whether p[0..n) equals the lower-case literal @lower, ignoring ASCII
 * case. */
bool nb_ieq(const void *p, size_t n, const char *lower);

/* Parse @n bytes of plain decimal digits (no sign, no spaces, 1 to 20
 * digits) into @out.  Returns 0, -NB_EINVAL for anything else, or
 * -NB_ERANGE when the value does not fit 64 bits. */
int nb_parse_u64(const void *p, size_t n, uint64_t *out);

#endif
