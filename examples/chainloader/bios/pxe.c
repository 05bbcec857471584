/*
 * The BIOS side's view of the PXE ROM: finding !PXE/PXENV+, calling the
 * ROM through the real-mode gateway, and base memory (40:13) handed out in
 * whole pages for parameter blocks, bounce buffers and the drain log.
 * Every ROM call of the NBP goes through here, so the page rules of the
 * real-mode block (docs/HACKING.md) are kept in one place.
 */
#include "bios/pxe.h"

#include "bios/console.h"
#include "core/mem.h"
#include "netboot/err.h"

#define BDA_FBM 0x413

struct bios_low *bios_low;

/* The BIOS data area is not a C object: reach it through an opaque
 * pointer so the compiler does not reason about its bounds. */
static volatile uint16_t *bda_fbm(void)
{
	uintptr_t a = BDA_FBM;
	__asm__("" : "+r"(a));
	return (volatile uint16_t *)a;
}

struct bios_low *bios_low_alloc(void)
{
	volatile uint16_t *fbm = bda_fbm();
	/* Whole 4 KiB pages: the ROM writes frames into these buffers,
	 * and a page shared with code would make every such write slow
	 * (see nbp.ld). */
	uint32_t kib = ((sizeof(struct bios_low) + 4095) / 4096) * 4;
	uint32_t top = *fbm & ~3u;
	/* Keep clear of the NBP area and the real-mode IVT/BDA. */
	if (top < kib + 64)
		return NULL;
	*fbm = (uint16_t)(top - kib);
	bios_low = (struct bios_low *)(uintptr_t)((uint32_t)*fbm * 1024);
	memset(bios_low, 0, sizeof(*bios_low));
	return bios_low;
}

void bios_exit_to_rom(void)
{
	/* The ROM gets its base memory back (the .rm block stays usable
	 * until the far return below). */
	*bda_fbm() = rm_fbm_orig;
	rm_call((uint16_t)rm_off(rm_do_exit));
	__builtin_unreachable();
}

void pm_rm_int(uint8_t vector, struct rm_regs *r)
{
	memcpy(rm_var(rm_regs), r, sizeof(*r));
	*(uint8_t *)rm_var(rm_int_vec) = vector;
	rm_call((uint16_t)rm_off(rm_do_int));
	memcpy(r, rm_var(rm_regs), sizeof(*r));
}

uint32_t pxe_rom_calls;
static uint32_t pxe_said[4];

/* The increase of @now over what was said last time, which it replaces. */
static void say_since(uint32_t now, unsigned i, const char *what)
{
	con_put_dec(now - pxe_said[i]);
	con_puts(what);
	pxe_said[i] = now;
}

void pxe_say_rom_calls(const struct nb_undi_stats *st)
{
	con_puts("  ");
	say_since(pxe_rom_calls, 0, " ROM calls, ");
	say_since(st->visits_empty, 1, " found no frame, ");
	say_since(st->visits, 2, " visits, ");
	say_since(st->rx_frames, 3, " frames\n");
}

uint16_t pm_pxe_call(uint16_t opcode, uint32_t param_linear)
{
	pxe_rom_calls++;
	*(uint16_t *)rm_var(rm_opcode) = opcode;
	*(uint16_t *)rm_var(rm_param_seg) = (uint16_t)(param_linear >> 4);
	*(uint16_t *)rm_var(rm_param_off) = (uint16_t)(param_linear & 15);
	rm_call((uint16_t)rm_off(rm_do_pxe));
	return *(uint16_t *)rm_var(rm_result);
}

int pm_pxe_drain(void *block, unsigned max_pieces, uint8_t *log,
		 size_t log_len)
{
	uint32_t b = (uint32_t)(uintptr_t)block, l = (uint32_t)(uintptr_t)log;
	if ((l & 15) || l + log_len > 0x100000 || b + 16 > 0x100000 ||
	    log_len < NB_UNDI_REC_MAX || log_len > 0xffff || !max_pieces)
		return -1;
	pxe_rom_calls++;
	*(uint16_t *)rm_var(rm_param_seg) = (uint16_t)(b >> 4);
	*(uint16_t *)rm_var(rm_param_off) = (uint16_t)(b & 15);
	*(uint16_t *)rm_var(rm_log_seg) = (uint16_t)(l >> 4);
	*(uint16_t *)rm_var(rm_log_stop) = (uint16_t)(log_len - NB_UNDI_REC_MAX);
	*(uint16_t *)rm_var(rm_drain_pieces) =
		(uint16_t)(max_pieces > 0xffff ? 0xffff : max_pieces);
	*(uint16_t *)rm_var(rm_drain_steps) = NB_UNDI_DRAIN_CALLS;
	rm_call((uint16_t)rm_off(rm_do_drain));
	return *(uint16_t *)rm_var(rm_log_used);
}

int pxe_init(void)
{
	const uint8_t *bang =
		(const uint8_t *)segoff_linear(rom_bang_seg, rom_bang_off);
	if (!rom_bang_seg || memcmp(bang, "!PXE", 4) != 0)
		return -1;
	/* EntryPointSP (real-mode entry) is the far pointer at offset 0x10. */
	memcpy(rm_var(pxe_entry), bang + 0x10, 4);
	return 0;
}

uint16_t pxe_call(uint16_t opcode, void *block)
{
	uint16_t ax = pm_pxe_call(opcode, (uint32_t)(uintptr_t)block);
	uint16_t status;
	memcpy(&status, block, 2);
	return ax ? (status ? status : 0xffff) : status;
}

/* Parameter blocks are packed little-endian structures in base memory. */
struct __attribute__((packed)) get_cached_info {
	uint16_t status;
	uint16_t packet_type;
	uint16_t buffer_size;
	uint16_t buffer_off;
	uint16_t buffer_seg;
	uint16_t buffer_limit;
};

const uint8_t *pxe_cached_packet(uint16_t type, uint16_t *len)
{
	struct get_cached_info *gci = (struct get_cached_info *)bios_low->block;
	memset(gci, 0, sizeof(*gci));
	gci->packet_type = type;
	/* BufferSize 0: the ROM answers with a pointer to its own copy. */
	if (pxe_call(PXENV_GET_CACHED_INFO, gci) != 0 || !gci->buffer_size)
		return NULL;
	*len = gci->buffer_size;
	return (const uint8_t *)segoff_linear(gci->buffer_seg, gci->buffer_off);
}
