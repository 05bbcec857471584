/*
 * Text in and out, once for every protocol: the bounded string builder
 * (text and numbers appended into a caller's buffer with a sticky
 * overflow flag) that HTTP requests, URL resolution, TFTP requests and
 * DHCP options each had a copy of, and the decimal parser HTTP and TFTP
 * each had a copy of.  No 64-bit division, so i386 needs no libgcc.
 */
#include "core/div.h"
#include "core/hex.h"
#include "core/mem.h"
#include "core/text.h"
#include "netboot/err.h"

void nb_sb_put(struct nb_sb *b, const void *s, size_t n)
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
 * nb_div_small() serves every base without 64-bit division. */
void nb_sb_num(struct nb_sb *b, uint64_t v, uint32_t base, unsigned digits)
{
	char d[20];
	size_t i = sizeof(d);
	do {
		uint32_t r;
		v = nb_div_small(v, base, &r);
		d[--i] = "0123456789abcdef"[r];
	} while (i && (v || sizeof(d) - i < digits));
	nb_sb_put(b, d + i, sizeof(d) - i);
}

bool nb_ieq(const void *p, size_t n, const char *lower)
{
	const uint8_t *c = p;
	size_t i = 0;
	for (; i < n; i++)
		if (!lower[i] || nb_lower(c[i]) != (uint8_t)lower[i])
			return false;
	return lower[i] == 0;
}

int nb_parse_u64(const void *p, size_t n, uint64_t *out)
{
	const uint8_t *c = p;
	if (n == 0 || n > 20)
		return -NB_EINVAL;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (c[i] < '0' || c[i] > '9')
			return -NB_EINVAL;
		unsigned d = (unsigned)(c[i] - '0');
		/* UINT64_MAX is 18446744073709551615. */
		if (v > UINT64_MAX / 10 || (v == UINT64_MAX / 10 && d > 5))
			return -NB_ERANGE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int nb_hex_digit(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch |= 0x20; /* 'A'..'F' to 'a'..'f'; nothing else lands there */
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}
