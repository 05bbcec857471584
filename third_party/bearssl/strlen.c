/*
 * The one C-library function BearSSL calls beyond mem* (SNI length, name
 * matching).  The firmware images have no C library, and the freestanding
 * contract allows only mem* undefined, so BearSSL is compiled with
 * -Dstrlen=nb_bearssl_strlen and gets its own copy here.
 */
#include <stddef.h>

size_t nb_bearssl_strlen(const char *s);

size_t nb_bearssl_strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}
