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

/* Digits come out least significant first, so they are built backwards;
 * nb_div_small() also serves base 16, which keeps one loop for both. */
static void put_num(struct nb_sb *b, uint64_t v, uint32_t base,
		    unsigned digits)
{
	char d[20];
	size_t i = sizeof(d);
	do {
		uint32_t r;
		v = nb_div_small(v, base, &r);
		d[--i] = "0123456789abcdef"[r];
	} while (v || sizeof(d) - i < digits);
	nb_sb_put(b, d + i, sizeof(d) - i);
}

void nb_sb_dec(struct nb_sb *b, uint64_t v)
{
	put_num(b, v, 10, 0);
}

void nb_sb_hex(struct nb_sb *b, uint64_t v, unsigned digits)
{
	put_num(b, v, 16, digits > 16 ? 16 : digits);
}
