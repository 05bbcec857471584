/*
 * libFuzzer harness for the chainloader's EFI_SIGNATURE_LIST walk
 * (examples/chainloader/siglist.c: UEFI's TlsCaCertificate variable).
 * Every certificate handed out must lie inside the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "siglist.h"

struct span {
	const uint8_t *lo, *hi;
};

static int check(void *ctx, const uint8_t *der, size_t len)
{
	const struct span *s = ctx;
	if (der < s->lo || der + len > s->hi)
		abort();
	/* Touch it all: ASan catches what the bounds above would miss. */
	volatile uint8_t x = 0;
	for (size_t i = 0; i < len; i++)
		x ^= der[i];
	(void)x;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct span s = {data, data + size};
	(void)cl_siglist_x509(data, size, check, &s);
	return 0;
}
