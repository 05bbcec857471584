/* The CMOS real-time clock (bios/rtc.c). */
#ifndef CL_BIOS_RTC_H
#define CL_BIOS_RTC_H

#include <stdint.h>

/* Seconds since 1970 (UTC assumed), or 0 when the RTC cannot be read or
 * holds an impossible date. */
uint64_t bios_rtc_unix(void);

#endif
