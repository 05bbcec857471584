#include <stdbool.h>

#include "walltime.h"

uint64_t cl_unix_time(unsigned year, unsigned month, unsigned day,
		      unsigned hour, unsigned min, unsigned sec)
{
	static const uint16_t before[12] = {0,   31,  59,  90,  120, 151,
					    181, 212, 243, 273, 304, 334};

	if (year < 1970 || year > 2399 || month < 1 || month > 12 ||
	    day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60)
		return 0;
	/* Leap days before this year, then this year's if past February. */
	unsigned y = year - 1;
	uint64_t days = (uint64_t)(year - 1970) * 365 +
			(y / 4 - y / 100 + y / 400) - (1969 / 4 - 1969 / 100 + 1969 / 400);
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	days += before[month - 1] + (month > 2 && leap) + day - 1;
	return ((days * 24 + hour) * 60 + min) * 60 + sec;
}
