/*
 * The BIOS platform under the chainloader core: UNDI link through the
 * real-mode gateway, a TSC clock calibrated on the PIT, image memory above
 * the stack's arena, and the Linux handoff.
 *
 * Memory: bios/layout.h; base memory for UNDI's bounce buffers and the
 * parameter blocks comes from bios_low_alloc().
 */
#include "bios/platform.h"

#include "bios/console.h"
#include "bios/io.h"
#include "bios/layout.h"
#include "bios/linux.h"
#include "bios/pxe.h"
#include "bios/pxeserve.h"
#include "core/mem.h"
#include "smbios.h"
#include "tsc.h"
#include "netboot/undi.h"
#include "fmt.h"


static struct {
	uint64_t tsc0;
	uint32_t tsc_per_ms;
	uint64_t rng_state;
	uint32_t image_next, ram_top;
	struct nb_undi undi;
	uint8_t ack[1500], proxy[1500];
} bp;

/* PIT channel 2 counts 10 ms (11932 ticks of 1.193182 MHz) while we read
 * the TSC: interrupts are off in protected mode, so the BIOS tick counter
 * does not advance and cannot be our clock. */
static void calibrate(void)
{
	outb(0x61, (uint8_t)((inb(0x61) & ~0x02) | 0x01));
	outb(0x43, 0xb0);
	outb(0x42, 11932 & 0xff);
	outb(0x42, 11932 >> 8);
	uint64_t t0 = cl_rdtsc();
	for (uint32_t i = 0; i < 50000000u && !(inb(0x61) & 0x20); i++)
		;
	uint64_t t = cl_rdtsc() - t0;
	bp.tsc_per_ms = (uint32_t)(t / 10) ? (uint32_t)(t / 10) : 1000000;
	bp.tsc0 = cl_rdtsc();
}

uint64_t bios_now_ms(void)
{
	return (cl_rdtsc() - bp.tsc0) / bp.tsc_per_ms;
}

uint32_t bios_ram_top(void)
{
	return bp.ram_top;
}

static uint64_t p_now(void *ctx)
{
	(void)ctx;
	return bios_now_ms();
}

/* No hardware RNG is guaranteed under PXE: mix the TSC (whose low bits
 * depend on boot timing) into a splitmix64 state seeded from our MAC and
 * the lease's transaction ID. */
static int p_rng(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	return cl_tsc_entropy(&bp.rng_state, buf, len);
}

static void p_print(void *ctx, const char *t)
{
	(void)ctx;
	con_puts(t);
	if (cl_suffix(t, " MB/s\n"))
		pxe_say_rom_calls(&bp.undi.stats);
}

static uint8_t *p_image_mem(void *ctx, uint64_t size, uint64_t *cap)
{
	(void)ctx;
	uint32_t free = bp.ram_top > bp.image_next ? bp.ram_top - bp.image_next : 0;
	uint64_t want = size ? (size + 0xfff) & ~0xfffull : free;
	if (!want || want > free)
		return NULL;
	uint8_t *p = (uint8_t *)(uintptr_t)bp.image_next;
	bp.image_next += (uint32_t)want;
	*cap = size ? size : want;
	return p;
}

static int p_boot_kernel(void *ctx, const uint8_t *k, uint64_t klen,
			 const uint8_t *initrd, uint64_t ilen, const char *args)
{
	(void)ctx;
	const char *why;
	int rc = linux_check(k, (size_t)klen, &why);
	if (rc < 0) {
		con_puts("boot: ");
		con_puts(why);
		con_puts("\n");
		return rc;
	}
	nb_undi_quiesce(&bp.undi);
	con_puts("boot: starting Linux\n");
	return linux_boot(k, (size_t)klen, initrd, (size_t)ilen, args);
}

static int p_boot_chain(void *ctx, const uint8_t *img, uint64_t len,
			const char *args)
{
	(void)args;
	/* The NBP runs from 0000:7C00 up to the base memory still free. */
	uint32_t top = (uint32_t)(uintptr_t)bios_low;
	if (!len || len > top - 0x7c00u) {
		con_puts("chain: the image does not fit in base memory\n");
		return -NB_ETOOBIG;
	}
	/* Frames that arrive while the NBP runs wait in the ROM until its
	 * next PXE call reaches our stack, which keeps UNDI open. */
	return pxeserve_chain(ctx, img, (uint32_t)len);
}

static int p_set_option(void *ctx, unsigned tag, const char *value)
{
	(void)ctx;
	return pxeserve_set_option(tag, value);
}

static int p_key(void *ctx)
{
	(void)ctx;
	return con_getkey();
}

/* The SMBIOS entry point sits on a 16-byte boundary in F0000-FFFFF. */
static void find_smbios(struct cl_platform *p)
{
	for (uint32_t a = 0xf0000; a < 0x100000; a += 16) {
		uint64_t addr;
		uint32_t len;
		uintptr_t ep = a;
		__asm__("" : "+r"(ep)); /* a fixed address, not a C object */
		if (cl_smbios_entry((const uint8_t *)ep, 0x100000 - a, &addr,
				    &len) == 0 && addr < 0x100000000ull) {
			p->smbios = (const uint8_t *)(uintptr_t)addr;
			p->smbios_len = len;
			return;
		}
	}
}

static int u_call(void *c, uint16_t op, void *b)
{
	(void)c;
	return pxe_call(op, b);
}

static int u_to(void *c, const void *p, uint16_t *s, uint16_t *o)
{
	(void)c;
	uint32_t l = (uint32_t)(uintptr_t)p;
	if (l >= 0x100000)
		return -1;
	*s = (uint16_t)(l >> 4);
	*o = (uint16_t)(l & 15);
	return 0;
}

static const void *u_from(void *c, uint16_t s, uint16_t o, size_t n)
{
	(void)c;
	uint32_t l = ((uint32_t)s << 4) + o;
	return l + n <= 0x110000 ? (const void *)(uintptr_t)l : NULL;
}

static int u_drain(void *c, void *block, unsigned max_pieces, const void **log)
{
	(void)c;
	*log = bios_low->undi_log;
	return pm_pxe_drain(block, max_pieces, bios_low->undi_log,
			    sizeof(bios_low->undi_log));
}

int bios_platform_init(struct cl_platform *p, struct nb_arena *arena)
{
	calibrate();
	if (!bios_low_alloc()) {
		con_puts("nbp: not enough base memory\n");
		return -NB_ENOMEM;
	}
	bp.ram_top = linux_ram_top();
	bp.image_next = IMAGE_BASE;
	if (bp.ram_top < IMAGE_BASE + (16u << 20)) {
		con_puts("nbp: not enough memory above 32 MiB\n");
		return -NB_ENOMEM;
	}
	void *ctx = p->ctx;
	memset(p, 0, sizeof(*p));
	p->ctx = ctx;
	uint16_t len = 0;
	const uint8_t *pkt = pxe_cached_packet(PXENV_PACKET_TYPE_DHCP_ACK, &len);
	if (pkt && len >= 240) {
		len = len > sizeof(bp.ack) ? sizeof(bp.ack) : len;
		memcpy(bp.ack, pkt, len);
		p->ack = bp.ack;
		p->ack_len = len;
		bp.rng_state = nb_get32(pkt + 4) ^ ((uint64_t)nb_get32(pkt + 28) << 32);
	}
	pkt = pxe_cached_packet(PXENV_PACKET_TYPE_CACHED_REPLY, &len);
	if (pkt && len >= 240) {
		len = len > sizeof(bp.proxy) ? sizeof(bp.proxy) : len;
		memcpy(bp.proxy, pkt, len);
		p->proxy = bp.proxy;
		p->proxy_len = len;
	}
	nb_arena_init(arena, (void *)(uintptr_t)ARENA_BASE, ARENA_BYTES);
	struct nb_undi_env env = {
		.call = u_call, .to_segoff = u_to, .from_segoff = u_from,
		.drain = u_drain,
		.scratch = bios_low->undi_scratch,
		.scratch_len = sizeof(bios_low->undi_scratch),
	};
	int rc = nb_undi_init(&bp.undi, &env, NB_UNDI_RING_DEFAULT, 0, arena);
	if (rc < 0)
		return rc;
	p->link = &bp.undi.link;
	p->rng.fill = p_rng;
	p->print = p_print;
	p->now_ms = p_now;
	p->image_mem = p_image_mem;
	p->boot_kernel = p_boot_kernel;
	p->boot_chain = p_boot_chain;
	p->set_option = p_set_option;
	p->key = p_key;
	p->buildarch = "i386";
	p->platform = "pcbios";
	find_smbios(p);
	pxeserve_hooks(p);
	return 0;
}

void bios_platform_quiesce(void)
{
	nb_undi_quiesce(&bp.undi);
}
