/*
 * The four memory functions the library and the compiler call, for the
 * firmware builds (BIOS and UEFI have no C library).  On x86 the copy and
 * fill use the string instructions, on arm64 the copy moves 8 bytes a
 * step: every received segment is copied twice (ROM buffer to frame,
 * frame to image), and a byte loop costs several times more, most of all
 * under emulation.
 */
#include <stddef.h>
#include <stdint.h>

/* gnu-efi's libefi defines memcpy and memset too, as byte loops, in the
 * object that brings InitializeLib: the EFI link wraps both names
 * (ld --wrap), so every call from our code lands here instead. */
#ifdef CL_FIRMWARE_LIB_HAS_MEMCPY
#define CL_MEMCPY __wrap_memcpy
#define CL_MEMSET __wrap_memset
void *CL_MEMCPY(void *dst, const void *src, size_t n);
void *CL_MEMSET(void *dst, int c, size_t n);
#else
#define CL_MEMCPY memcpy
#define CL_MEMSET memset
#endif

void *CL_MEMCPY(void *dst, const void *src, size_t n)
{
#if defined(__i386__) || defined(__x86_64__)
	void *d = dst;
	size_t words = n / sizeof(long), rest = n % sizeof(long);
#ifdef __x86_64__
	__asm__ volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(words) : : "memory");
#else
	__asm__ volatile("rep movsl" : "+D"(d), "+S"(src), "+c"(words) : : "memory");
#endif
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(rest) : : "memory");
	return dst;
#elif defined(__aarch64__)
	/* Eight bytes a step: UEFI has unaligned access enabled on AArch64
	 * (its AArch64 platform rules; EDK2 clears SCTLR.A), so the
	 * frame-to-image copies, at any offset, need no alignment prologue. */
	typedef uint64_t __attribute__((may_alias, aligned(1))) u64_any;
	uint8_t *d = dst;
	const uint8_t *s = src;
	for (; n >= 8; n -= 8, d += 8, s += 8)
		*(u64_any *)d = *(const u64_any *)s;
	while (n--)
		*d++ = *s++;
	return dst;
#else
	uint8_t *d = dst;
	const uint8_t *s = src;
	while (n--)
		*d++ = *s++;
	return dst;
#endif
}

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

void *CL_MEMSET(void *dst, int c, size_t n)
{
#if defined(__i386__) || defined(__x86_64__)
	void *d = dst;
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return dst;
#else
	uint8_t *d = dst;
	while (n--)
		*d++ = (uint8_t)c;
	return dst;
#endif
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}
