/*
 * The console: COM1 (QEMU, BMCs, logs, tests) and the text screen.  The
 * screen is written directly in VGA text memory, not through INT 10h:
 * that costs no trip to real mode per line, and SeaBIOS without a VGA
 * card turns INT 10h into serial output, which would print every line
 * twice.  The cursor lives where the BIOS keeps it (BDA), so the ROM's
 * and the next program's output continue below ours.
 */
#include "bios/console.h"
#include "bios/io.h"
#include "fmt.h"

#include <stdbool.h>

#define COM1 0x3f8
#define BDA_MODE 0x449
#define BDA_COLS 0x44a
#define BDA_CURSOR 0x450 /* page 0: column, then row */
#define BDA_ROWS 0x484   /* rows - 1 (EGA and later) */
#define ATTR 0x07

static void serial_put(char c)
{
	/* Bounded wait for the transmitter: a missing UART must not hang us. */
	for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		;
	outb(COM1, (uint8_t)c);
}

/* Fixed BIOS and VGA addresses are not C objects. */
static volatile uint8_t *at(uint32_t addr)
{
	uintptr_t a = addr;
	__asm__("" : "+r"(a));
	return (volatile uint8_t *)a;
}

struct screen {
	volatile uint16_t *mem;
	uint16_t crtc;
	unsigned cols, rows, col, row;
};

/* The text mode in use, or false in a graphics mode (nothing to do). */
static bool screen_open(struct screen *s)
{
	uint8_t mode = *at(BDA_MODE);
	if (mode == 7) {
		s->mem = (volatile uint16_t *)at(0xb0000);
		s->crtc = 0x3b4;
	} else if (mode <= 3) {
		s->mem = (volatile uint16_t *)at(0xb8000);
		s->crtc = 0x3d4;
	} else {
		return false;
	}
	s->cols = at(BDA_COLS)[0] | (unsigned)at(BDA_COLS)[1] << 8;
	s->rows = *at(BDA_ROWS) ? *at(BDA_ROWS) + 1u : 25u;
	if (s->cols < 40 || s->cols > 132 || s->rows > 60)
		return false;
	s->col = at(BDA_CURSOR)[0];
	s->row = at(BDA_CURSOR)[1];
	if (s->col >= s->cols)
		s->col = 0;
	if (s->row >= s->rows)
		s->row = s->rows - 1;
	return true;
}

static void screen_newline(struct screen *s)
{
	s->col = 0;
	if (++s->row < s->rows)
		return;
	s->row = s->rows - 1;
	unsigned n = s->cols * (s->rows - 1);
	for (unsigned i = 0; i < n; i++)
		s->mem[i] = s->mem[i + s->cols];
	for (unsigned i = 0; i < s->cols; i++)
		s->mem[n + i] = ' ' | ATTR << 8;
}

static void screen_close(struct screen *s)
{
	at(BDA_CURSOR)[0] = (uint8_t)s->col;
	at(BDA_CURSOR)[1] = (uint8_t)s->row;
	unsigned pos = s->row * s->cols + s->col;
	outb(s->crtc, 0x0e);
	outb((uint16_t)(s->crtc + 1), (uint8_t)(pos >> 8));
	outb(s->crtc, 0x0f);
	outb((uint16_t)(s->crtc + 1), (uint8_t)pos);
}

static void screen_puts(const char *t)
{
	struct screen s;
	if (!screen_open(&s))
		return;
	for (; *t; t++) {
		if (*t == '\n') {
			screen_newline(&s);
		} else if (*t == '\r') {
			s.col = 0;
		} else {
			s.mem[s.row * s.cols + s.col] = (uint8_t)*t | ATTR << 8;
			if (++s.col == s.cols)
				screen_newline(&s);
		}
	}
	screen_close(&s);
}

/* Scan code set 1 make codes 0x01..0x39 to ASCII (0: no character). */
static const char scan_ascii[] =
	"\x1b" "1234567890-=\b\tqwertyuiop[]\r\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ";

/* A key the BIOS's INT 9 took (ROM calls run in real mode with
 * interrupts on, and SeaBIOS's handler empties the 8042 then): its ring
 * at 40:1E, head and tail at 40:1A/1C, bounds at 40:80/82. */
static int bda_key(void)
{
	volatile uint16_t *head = (volatile uint16_t *)at(0x41a);
	uint16_t h = head[0], start = *(volatile uint16_t *)at(0x480),
		 end = *(volatile uint16_t *)at(0x482);
	if (h == head[1])
		return -1;
	if (start < 0x1e || end <= start || end > 0x100 || h < start || h >= end)
		start = 0x1e, end = 0x3e; /* an older BIOS without 40:80 */
	uint8_t c = *at(0x400u + h);
	h = (uint16_t)(h + 2 >= end ? start : h + 2);
	head[0] = h;
	return c ? c : -1;
}

int con_getkey(void)
{
	if (inb(COM1 + 5) & 0x01)
		return inb(COM1);
	int k = bda_key();
	if (k >= 0)
		return k;
	/* Interrupts are off in protected mode: the keyboard controller
	 * holds the byte for us (bit 5: it is the mouse's). */
	uint8_t st = inb(0x64);
	if ((st & 0x21) != 0x01)
		return -1;
	uint8_t sc = inb(0x60);
	if (sc < 1 || sc > sizeof(scan_ascii) - 1 || !scan_ascii[sc - 1])
		return -1;
	return scan_ascii[sc - 1];
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
