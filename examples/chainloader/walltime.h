/* Wall-clock dates to seconds since 1970 (UTC), for certificate checks:
 * the BIOS reads the CMOS RTC, UEFI GetTime(); both give a calendar date. */
#ifndef CL_WALLTIME_H
#define CL_WALLTIME_H

#include <stdint.h>

/*
 * Seconds since 1970-01-01 00:00 UTC of the given date and time, or 0
 * when a field is out of range (a clock never set reads as garbage, and
 * 0 tells the TLS layer the time is unknown).  Years 1970..2399.
 */
uint64_t cl_unix_time(unsigned year, unsigned month, unsigned day,
		      unsigned hour, unsigned min, unsigned sec);

#endif
