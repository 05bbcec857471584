/* The BIOS TLS image's anchor sources and time: -Dca, the CA slot after
 * the compressed core, the CMOS RTC. */
#include "bios/https_src.h"
#include "bios/rtc.h"

extern const char cl_ca_builtin[];
extern const uint32_t cl_ca_builtin_len;

void bios_https_src(struct cl_https_src *src)
{
	*src = (struct cl_https_src){
		.builtin = cl_ca_builtin,
		.builtin_len = cl_ca_builtin_len,
		.slot = cl_ca_slot_get(),
		.unix_time = bios_rtc_unix(),
		.skip_time = CL_TLS_SKIP_TIME,
	};
}
