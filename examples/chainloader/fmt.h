/* Number formatting for the chainloader's messages (no libc here). */
#ifndef CL_FMT_H
#define CL_FMT_H

#include <stdint.h>

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
