/* TSC helpers shared by the firmware platforms: the x86 time-stamp
 * counter, or on arm64 its counterpart (tsc-aarch64.h). */
#ifndef CL_TSC_H
#define CL_TSC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __aarch64__
#include "tsc-aarch64.h"
#else
static inline uint64_t cl_rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}
#endif

/*
 * Entropy for ports, XIDs and TCP ISNs when the firmware offers no RNG:
 * the TSC's low bits depend on boot timing, so each draw mixes a fresh
 * reading into a splitmix64 state the caller seeds (MAC, lease XID).
 */
int cl_tsc_entropy(uint64_t *state, void *buf, size_t len);

#endif
