/* Booting Linux from the BIOS NBP by the x86 32-bit boot protocol. */
#ifndef CL_BIOS_LINUX_H
#define CL_BIOS_LINUX_H

#include <stddef.h>
#include <stdint.h>

/* Check a bzImage's setup header; 0 or a negative NB_E* code, with a
 * reason in *why. */
int linux_check(const uint8_t *img, size_t len, const char **why);

/* End of the highest usable RAM above 1 MiB and below 4 GiB (E820). */
uint32_t linux_ram_top(void);

/* Place kernel, initrd (may be NULL) and command line, build the zero
 * page with the E820 map, and jump.  Returns only on error. */
int linux_boot(const uint8_t *img, size_t len, const uint8_t *initrd,
	       size_t initrd_len, const char *cmdline);

#endif
