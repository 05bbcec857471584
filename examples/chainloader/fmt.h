/*
 * Text helpers for the whole chainloader (the firmware builds have no C
 * library): lengths, comparisons and decimal numbers, written once here
 * for the loader, the script interpreter, the PXE API and the platforms.
 */
#ifndef CL_FMT_H
#define CL_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline size_t cl_slen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static inline bool cl_streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Does s start with p? */
static inline bool cl_prefix(const char *s, const char *p)
{
	while (*p)
		if (*s++ != *p++)
			return false;
	return true;
}

/* Does s end with p?  The platforms' print hooks use it to find a
 * download's last progress line (" MB/s\n") and print their link's
 * counters after it. */
static inline bool cl_suffix(const char *s, const char *p)
{
	size_t n = cl_slen(s), m = cl_slen(p);
	if (m > n)
		return false;
	return cl_streq(s + n - m, p);
}

/* ASCII case-insensitive equality. */
static inline bool cl_ieq(const char *x, const char *y)
{
	for (;; x++, y++) {
		char cx = *x >= 'A' && *x <= 'Z' ? (char)(*x + 32) : *x;
		char cy = *y >= 'A' && *y <= 'Z' ? (char)(*y + 32) : *y;
		if (cx != cy)
			return false;
		if (!cx)
			return true;
	}
}

/* The value of a string that is all decimal digits; 0 for anything else
 * or for a value past 999999999. */
static inline uint32_t cl_parse_dec(const char *s)
{
	uint32_t v = 0;
	for (; *s >= '0' && *s <= '9' && v < 100000000u; s++)
		v = v * 10 + (uint32_t)(*s - '0');
	return *s ? 0 : v;
}

/* Decimal text of v, written at the end of d; returns where it starts. */
static inline const char *cl_dec(char d[21], uint64_t v)
{
	int i = 20;
	d[i] = 0;
	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return d + i;
}

#endif
