/* cl_rdtsc() on arm64: the generic timer's virtual count (CNTVCT_EL0),
 * which UEFI leaves running and readable at EL1 and EL2.  Its rate
 * (CNTFRQ_EL0) is calibrated on Stall like the x86 TSC's. */
#ifndef CL_TSC_AARCH64_H
#define CL_TSC_AARCH64_H

#include <stdint.h>

static inline uint64_t cl_rdtsc(void)
{
	uint64_t v;
	/* isb: the read is not hoisted above earlier instructions. */
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
}

#endif
