/*
 * The bounded string builder: appends text and numbers into a caller's
 * buffer with a sticky overflow flag.  HTTP request building and URL
 * resolution each had their own copy; numbers are formatted without 64-bit
 * division so i386 needs no libgcc.
 */
#include "core/div.h"
#include "core/mem.h"
#include "core/strbuf.h"

void nb_sb_put(struct nb_sb *b, const char *s, size_t n)
{
	if (b->over || n > b->cap - b->n) {
		b->over = true;
		return;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

void nb_sb_str(struct nb_sb *b, const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	nb_sb_put(b, s, n);
}

void nb_sb_dec(struct nb_sb *b, uint64_t v)
{
	char d[20];
	size_t i = sizeof(d);
	do {
		uint32_t r;
		v = nb_div_small(v, 10, &r);
		d[--i] = (char)('0' + r);
	} while (v);
	nb_sb_put(b, d + i, sizeof(d) - i);
}

void nb_sb_hex(struct nb_sb *b, uint64_t v, unsigned digits)
{
	char d[16];
	size_t i = sizeof(d);
	do {
		d[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (i > 0 && (v || sizeof(d) - i < digits));
	nb_sb_put(b, d + i, sizeof(d) - i);
}
