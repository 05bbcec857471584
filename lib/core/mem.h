/*
 * The four memory functions the library may call.  Declared here instead
 * of including <string.h> so lib/ builds with any freestanding toolchain;
 * the embedder provides them (compilers emit calls to them anyway).
 */
#ifndef NB_LIB_CORE_MEM_H
#define NB_LIB_CORE_MEM_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif
