#include "bios/console.h"
#include "bios/io.h"
#include "fmt.h"

#define COM1 0x3f8

static void put(char c)
{
	/* Bounded wait for the transmitter: a missing UART must not hang us. */
	for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		;
	outb(COM1, (uint8_t)c);
}

void con_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			put('\r');
		put(*s);
	}
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
