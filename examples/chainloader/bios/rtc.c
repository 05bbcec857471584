/*
 * The CMOS real-time clock as seconds since 1970, for certificate dates.
 * PCs keep the RTC in UTC under Linux and in local time under Windows;
 * nothing in the CMOS says which, so UTC is assumed (a local-time clock
 * shifts the check by hours, which certificate lifetimes absorb).
 */
#include <stdbool.h>

#include "bios/io.h"
#include "bios/rtc.h"
#include "walltime.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define REG_A 0x0a
#define REG_B 0x0b
#define REG_A_UIP 0x80   /* update in progress: fields are changing */
#define REG_B_24H 0x02
#define REG_B_BINARY 0x04
#define REG_CENTURY 0x32 /* the ACPI FADT's usual century register */

static uint8_t cmos(uint8_t reg)
{
	/* Bit 7 of the index port keeps NMIs enabled as they were. */
	outb(CMOS_INDEX, (uint8_t)(inb(CMOS_INDEX) & 0x80) | reg);
	return inb(CMOS_DATA);
}

static unsigned field(uint8_t v, bool binary)
{
	return binary ? v : (unsigned)(v >> 4) * 10 + (v & 15);
}

/* One reading of the fields, between updates. */
static bool read_fields(uint8_t f[7])
{
	/* An update takes under 2 ms; the bound keeps a dead RTC from
	 * hanging us (port reads take about a microsecond each). */
	for (unsigned i = 0; i < 100000; i++) {
		if (!(cmos(REG_A) & REG_A_UIP)) {
			static const uint8_t regs[7] = {0, 2, 4, 7, 8, 9,
							REG_CENTURY};
			for (unsigned k = 0; k < 7; k++)
				f[k] = cmos(regs[k]);
			return true;
		}
	}
	return false;
}

uint64_t bios_rtc_unix(void)
{
	uint8_t a[7], b[7];
	bool same = false;

	/* Two equal readings: none straddled an update. */
	for (unsigned tries = 0; tries < 5 && !same; tries++) {
		if (!read_fields(a) || !read_fields(b))
			return 0;
		same = true;
		for (unsigned k = 0; k < 7; k++)
			same = same && a[k] == b[k];
	}
	if (!same)
		return 0;
	uint8_t regb = cmos(REG_B);
	bool bin = regb & REG_B_BINARY;
	unsigned hour = field(a[2] & 0x7f, bin);
	if (!(regb & REG_B_24H)) { /* 12-hour: bit 7 is PM, 12 is 0 */
		hour %= 12;
		if (a[2] & 0x80)
			hour += 12;
	}
	unsigned year = field(a[5], bin);
	unsigned century = field(a[6], bin);
	/* No century register (reads 0 or garbage): this century. */
	year += (century >= 19 && century <= 23) ? century * 100 : 2000;
	return cl_unix_time(year, field(a[4], bin), field(a[3], bin), hour,
			    field(a[1], bin), field(a[0], bin));
}
