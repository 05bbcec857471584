/* The real-mode side seen from the 32-bit core: the .rm block start.S
 * keeps at the top of base memory, PXE API calls into the ROM and BIOS
 * interrupts through it, and base memory for parameter blocks. */
#ifndef CL_BIOS_PXE_H
#define CL_BIOS_PXE_H

#include <stddef.h>
#include <stdint.h>

#include "netboot/undi.h"
#include "pxeapi.h"

#define PXENV_PACKET_TYPE_DHCP_ACK 2
#define PXENV_PACKET_TYPE_CACHED_REPLY 3

/* Set by start.S: where the .rm block lives, 40:13 before we took its
 * memory, and the structures the ROM handed us. */
extern uint32_t rm_base;
extern uint16_t rm_fbm_orig;
extern uint16_t rom_pxenv_off, rom_pxenv_seg, rom_bang_off, rom_bang_seg;

/* Symbols of the .rm block: their addresses are offsets into it. */
extern char rm_seg[], rom_ss[], rom_sp[], pxe_entry[], rm_opcode[],
	rm_param_off[], rm_param_seg[], rm_result[], rm_regs[], rm_int_vec[],
	chain_bang_off[], chain_bang_seg[], chain_pxenv_off[],
	chain_pxenv_seg[], old_int1a[], old_int15[], hide_lo[], hide_hi[],
	api_entry_sp[], api_entry_pxenv[], int1a_hook[], int15_hook[],
	api_stack[], __rm_total[], rm_log_seg[], rm_log_stop[], rm_log_used[],
	rm_drain_pieces[], rm_drain_steps[];
/* Routines for rm_call(). */
extern char rm_do_pxe[], rm_do_int[], rm_do_exit[], rm_do_chain[],
	rm_do_drain[];

/* Run a .rm routine in real mode (start.S). */
void rm_call(uint16_t fn);
void pm_boot_linux32(uint32_t entry, uint32_t boot_params)
	__attribute__((noreturn));

static inline uint32_t rm_off(const char *sym)
{
	return (uint32_t)(uintptr_t)sym;
}

/* A variable of the .rm block, by its symbol. */
static inline void *rm_var(const char *sym)
{
	return (void *)(uintptr_t)(rm_base + rm_off(sym));
}

static inline uint16_t rm_segment(void)
{
	return (uint16_t)(rm_base >> 4);
}

static inline uint32_t segoff_linear(uint16_t seg, uint16_t off)
{
	return ((uint32_t)seg << 4) + off;
}

/* Registers for a BIOS interrupt through pm_rm_int(). */
struct rm_regs {
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp, eflags;
	uint16_t es;
} __attribute__((packed));

/* Base memory the core needs below 1 MiB, taken below the .rm block. */
struct bios_low {
	uint8_t undi_scratch[NB_UNDI_SCRATCH_BYTES];
	/* pm_pxe_drain()'s log: a default ring's worth of frames and the
	 * records that end a visit. */
	uint8_t undi_log[(NB_UNDI_RING_DEFAULT + 2) * NB_UNDI_REC_MAX]
		__attribute__((aligned(16)));
	uint8_t buf[1024];       /* buffers BIOS calls fill (E820) */
	uint8_t block[256];      /* our own PXE parameter blocks */
	uint8_t cached[3 * CL_PXEAPI_BOOTPLAYER_SIZE]; /* for the NBP */
	uint8_t pxenv[CL_PXENV_SIZE] __attribute__((aligned(16)));
	uint8_t bangpxe[CL_BANGPXE_SIZE] __attribute__((aligned(16)));
} __attribute__((aligned(16)));

/* Take base memory for struct bios_low (lowers 40:13); NULL if short. */
struct bios_low *bios_low_alloc(void);
extern struct bios_low *bios_low;

/* Run BIOS interrupt @p vector with the registers in *r, results back. */
void pm_rm_int(uint8_t vector, struct rm_regs *r);
/* Far-call the ROM's !PXE with a block in base memory; returns AX.
 * pxe_rom_calls counts them (each is a trip through real mode). */
extern uint32_t pxe_rom_calls;
uint16_t pm_pxe_call(uint16_t opcode, uint32_t param_linear);
/* nb_undi_env::drain: the ISR steps of one visit in real mode, into
 * @p log (16-byte aligned, in base memory); returns the log's length or
 * -1.  One trip, counted in pxe_rom_calls. */
int pm_pxe_drain(void *block, unsigned max_pieces, uint8_t *log,
		 size_t log_len);
/* Print the ROM calls made since the last time (after a download, so a
 * log shows the trips a download cost: bench/boot's calls per MiB), and
 * from the driver's running counters @p st the drain visits that found
 * no frame (trips spent waiting rather than moving data), all drain
 * visits and the frames received (frames per visit that found any). */
void pxe_say_rom_calls(const struct nb_undi_stats *st);

/* Find !PXE's entry point; -1 when the ROM gave us no usable structure. */
int pxe_init(void);
/* One API call with a parameter block in base memory; returns the
 * block's PXENV_STATUS (0 = success). */
uint16_t pxe_call(uint16_t opcode, void *block);
/* The ROM's copy of a cached packet: pointer and length, or NULL. */
const uint8_t *pxe_cached_packet(uint16_t type, uint16_t *len);
/* Give base memory back and return to the ROM that started us. */
void bios_exit_to_rom(void) __attribute__((noreturn));

#endif
