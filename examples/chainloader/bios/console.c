/* The console: COM1 (for logs and tests) and the screen through the
 * BIOS teletype (what a person at the machine sees). */
#include "bios/console.h"
#include "bios/io.h"
#include "bios/pxe.h"
#include "fmt.h"

#define COM1 0x3f8

static void serial_put(char c)
{
	/* Bounded wait for the transmitter: a missing UART must not hang us. */
	for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		;
	outb(COM1, (uint8_t)c);
}

/* One trip to real mode per VGA_BUF_LEN bytes, not per character. */
static void screen_puts(const char *s)
{
	char *buf = rm_var(vga_buf);
	while (*s) {
		size_t n = 0;
		while (*s && n + 2 < VGA_BUF_LEN) {
			if (*s == '\n')
				buf[n++] = '\r';
			buf[n++] = *s++;
		}
		buf[n] = 0;
		rm_call((uint16_t)rm_off(rm_do_vga));
	}
}

void con_puts(const char *s)
{
	for (const char *p = s; *p; p++) {
		if (*p == '\n')
			serial_put('\r');
		serial_put(*p);
	}
	screen_puts(s);
}

void con_put_dec(uint32_t v)
{
	char d[21];
	con_puts(cl_dec(d, v));
}

void con_put_ip(const uint8_t *a)
{
	for (int i = 0; i < 4; i++) {
		if (i)
			con_puts(".");
		con_put_dec(a[i]);
	}
}
