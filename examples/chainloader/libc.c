/*
 * The four memory functions the library and the compiler call, for the
 * firmware builds (BIOS and UEFI have no C library).  Byte loops are
 * enough: the hot copy (frame to image) is one memcpy per segment and the
 * compiler vectorises these at -O2.
 */
#include <stddef.h>
#include <stdint.h>

/* gnu-efi's libefi already defines memcpy and memset. */
#ifndef CL_FIRMWARE_LIB_HAS_MEMCPY
void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	while (n--)
		*d++ = *s++;
	return dst;
}
#endif

void *memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	if (d < s) {
		while (n--)
			*d++ = *s++;
	} else {
		while (n--)
			d[n] = s[n];
	}
	return dst;
}

#ifndef CL_FIRMWARE_LIB_HAS_MEMCPY
void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;
	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}
#endif

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}
