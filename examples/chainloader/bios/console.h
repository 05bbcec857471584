/* Console of the BIOS NBP: COM1 (QEMU, BMCs, logs) and the screen. */
#ifndef CL_BIOS_CONSOLE_H
#define CL_BIOS_CONSOLE_H
#include <stdint.h>
/* A key from COM1 or the keyboard controller, or -1 (never blocks). */
int con_getkey(void);
void con_puts(const char *s);
void con_put_ip(const uint8_t *a);
void con_put_dec(uint32_t v);
#endif
