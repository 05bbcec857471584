/*
 * Entropy for the firmware builds, which have no RNG device we trust:
 * the time-stamp counter's jitter mixed through splitmix64.  Good enough
 * for ports, ISNs and DHCP xids, which only need to be unpredictable to
 * an off-path peer.
 */
#include "tsc.h"

int cl_tsc_entropy(uint64_t *state, void *buf, size_t len)
{
	uint8_t *o = buf;
	while (len) {
		*state += 0x9e3779b97f4a7c15ull ^ cl_rdtsc();
		uint64_t z = *state;
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		z ^= z >> 31;
		for (int i = 0; i < 8 && len; i++, len--)
			*o++ = (uint8_t)(z >> (8 * i));
	}
	return 0;
}
