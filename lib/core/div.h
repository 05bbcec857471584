/* 64-bit division by a small constant without libgcc (internal). */
#ifndef NB_LIB_CORE_DIV_H
#define NB_LIB_CORE_DIV_H

#include <stdint.h>

/*
 * n / d for 0 < d < 65536 by 16-bit long division in 32-bit arithmetic:
 * a plain 64-bit division would need libgcc's __udivdi3 on i386, which a
 * freestanding embedder does not link.
 */
static inline uint64_t nb_div_small(uint64_t n, uint32_t d, uint32_t *rem)
{
	uint64_t q = 0;
	uint32_t r = 0;
	for (int sh = 48; sh >= 0; sh -= 16) {
		uint32_t cur = (r << 16) | (uint32_t)((n >> sh) & 0xffff);
		q = (q << 16) | (cur / d);
		r = cur % d;
	}
	if (rem)
		*rem = r;
	return q;
}

#endif
