/*
 * The deterministic test RNG of the memlink (splitmix64 per direction)
 * and the impairment decisions drawn from it: loss, duplication,
 * reordering, corruption.  Test support only, like memlink.c.
 */
#include "memlink_int.h"
#include "netboot/eth.h"
#include "testrng.h"

/*
 * splitmix64 is good enough statistically for loss rates measured over
 * thousands of frames; being identical on every platform matters more.
 */
static uint64_t next64(struct nb_memlink_dir *d)
{
	return nb_splitmix64(&d->rng);
}

void nb_ml_seed(struct nb_memlink_dir *d, uint64_t seed, unsigned idx)
{
	/* Distinct streams per direction from one caller seed. */
	d->rng = seed ^ (0x6e62u + (uint64_t)idx * 0xd1b54a32d192ed03ull);
	(void)next64(d);
}

uint32_t nb_ml_below(struct nb_memlink_dir *d, uint32_t n)
{
	/* Multiply-shift instead of modulo: no bias worth measuring and no
	 * 64-bit division, which i386 freestanding builds cannot call. */
	uint32_t r = (uint32_t)(next64(d) >> 32);
	return (uint32_t)(((uint64_t)r * n) >> 32);
}

bool nb_ml_chance(struct nb_memlink_dir *d, uint32_t ppm)
{
	return nb_ml_below(d, 1000000u) < ppm;
}

uint64_t nb_ml_latency_us(struct nb_memlink_dir *d)
{
	const struct nb_impair *im = &d->imp;
	int64_t lat = (int64_t)im->delay_ms * 1000;
	uint32_t j = im->jitter_ms > 2000000u ? 2000000u : im->jitter_ms;
	lat += (int64_t)nb_ml_below(d, 2 * j * 1000u + 1) - (int64_t)j * 1000;
	if (lat < 0)
		lat = 0;
	if (nb_ml_chance(d, im->reorder_ppm))
		lat += (int64_t)(im->reorder_ms ? im->reorder_ms
						: NB_MEMLINK_REORDER_MS) * 1000;
	return (uint64_t)lat;
}

void nb_ml_corrupt(struct nb_memlink_dir *d, uint8_t *f, size_t len)
{
	size_t lo = 0, hi = len;
	if (len > NB_ETH_HLEN)
		lo = NB_ETH_HLEN;
	/* Keep IPv4 damage inside the datagram: bytes of Ethernet padding
	 * past the IP total length are covered by no checksum, and a test
	 * of "checksums catch corruption" must not hit them. */
	if (len >= NB_ETH_HLEN + 20 && nb_get16(f + 12) == 0x0800) {
		size_t tot = nb_get16(f + NB_ETH_HLEN + 2);
		if (tot >= 20 && tot < len - NB_ETH_HLEN)
			hi = NB_ETH_HLEN + tot;
	}
	uint32_t pos = nb_ml_below(d, (uint32_t)(hi - lo));
	uint8_t x = (uint8_t)(1 + nb_ml_below(d, 255));
	f[lo + pos] ^= x;
}
