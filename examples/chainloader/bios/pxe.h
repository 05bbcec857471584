/* PXE API access for the BIOS NBP (32-bit protected mode side). */
#ifndef CL_BIOS_PXE_H
#define CL_BIOS_PXE_H

#include <stdint.h>

#define PXENV_GET_CACHED_INFO 0x0071
#define PXENV_UNDI_CLOSE 0x0007
#define PXENV_PACKET_TYPE_DHCP_DISCOVER 1
#define PXENV_PACKET_TYPE_DHCP_ACK 2
#define PXENV_PACKET_TYPE_CACHED_REPLY 3

/* Set by start.S in real mode. */
extern uint16_t pxenv_off, pxenv_seg, bangpxe_off, bangpxe_seg;
extern uint32_t pxe_entry;

/* The gateway in start.S: far-call !PXE in real mode. */
uint16_t pm_pxe_call(uint16_t opcode, uint32_t param_linear);
void pm_exit_to_rom(void) __attribute__((noreturn));

static inline uint32_t segoff_linear(uint16_t seg, uint16_t off)
{
	return ((uint32_t)seg << 4) + off;
}

/* Find !PXE's entry point; 0 when the ROM gave us no usable structure. */
int pxe_init(void);
/* One API call with a parameter block in base memory; returns the
 * block's PXENV_STATUS (0 = success). */
uint16_t pxe_call(uint16_t opcode, void *block);
/* The ROM's copy of a cached packet: pointer and length, or NULL. */
const uint8_t *pxe_cached_packet(uint16_t type, uint16_t *len);

#endif

/* Registers for a BIOS interrupt through pm_rm_int(); the struct must sit
 * in the first 64 KiB (start.S keeps one there: rm_regs_area). */
struct rm_regs {
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp, eflags;
	uint16_t es;
} __attribute__((packed));
void pm_rm_int(uint8_t vector, struct rm_regs *r);
void pm_boot_linux32(uint32_t entry, uint32_t boot_params) __attribute__((noreturn));
/* In the first 64 KiB (start.S): scratch for real-mode BIOS calls. */
extern struct rm_regs rm_regs_area;
extern uint8_t low_buf[1024];

#define PXENV_TFTP_READ_FILE 0x0023
/* Read a whole file with the ROM's own TFTP into memory at phys (which
 * may be above 1 MiB).  Returns the size, or a negative NB_E* code. */
long pxe_rom_tftp_read(uint32_t server, const char *name, uint32_t phys,
		       uint32_t cap);
/* Start another NBP (image at src, len bytes) at 0000:7C00 as the ROM
 * started us; never returns. */
void pm_chain_nbp(uint32_t src, uint32_t len) __attribute__((noreturn));
