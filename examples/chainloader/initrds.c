#include "initrds.h"

#include "core/mem.h"
#include "netboot/err.h"

uint64_t cl_initrds_size(struct cl_img *const *imgs, unsigned n)
{
	uint64_t t = 0;
	for (unsigned i = 0; i < n; i++)
		t += (imgs[i]->len + 3) & ~(uint64_t)3;
	return t;
}

int64_t cl_initrds_join(struct cl_img *const *imgs, unsigned n, uint8_t *out,
			uint64_t cap)
{
	uint64_t at = 0;
	if (cl_initrds_size(imgs, n) > cap)
		return -NB_ETOOBIG;
	for (unsigned i = 0; i < n; i++) {
		uint64_t len = imgs[i]->len, padded = (len + 3) & ~(uint64_t)3;
		memcpy(out + at, imgs[i]->buf, (size_t)len);
		memset(out + at + len, 0, (size_t)(padded - len));
		at += padded;
	}
	return (int64_t)at;
}
