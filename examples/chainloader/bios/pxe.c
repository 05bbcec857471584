#include "bios/pxe.h"

#include "core/mem.h"
#include "netboot/err.h"

/* Parameter blocks are packed little-endian structures in base memory;
 * .bss of the NBP is below 640 KiB, so any static block qualifies. */
struct __attribute__((packed)) get_cached_info {
	uint16_t status;
	uint16_t packet_type;
	uint16_t buffer_size;
	uint16_t buffer_off;
	uint16_t buffer_seg;
	uint16_t buffer_limit;
};

static struct get_cached_info gci;

int pxe_init(void)
{
	const uint8_t *bang = (const uint8_t *)segoff_linear(bangpxe_seg, bangpxe_off);
	if (!bangpxe_seg || memcmp(bang, "!PXE", 4) != 0)
		return -1;
	/* EntryPointSP (real-mode entry) is the far pointer at offset 0x10. */
	memcpy(&pxe_entry, bang + 0x10, 4);
	return 0;
}

uint16_t pxe_call(uint16_t opcode, void *block)
{
	uint16_t ax = pm_pxe_call(opcode, (uint32_t)(uintptr_t)block);
	uint16_t status;
	memcpy(&status, block, 2);
	return ax ? (status ? status : 0xffff) : status;
}

const uint8_t *pxe_cached_packet(uint16_t type, uint16_t *len)
{
	memset(&gci, 0, sizeof(gci));
	gci.packet_type = type;
	/* BufferSize 0: the ROM answers with a pointer to its own copy. */
	if (pxe_call(PXENV_GET_CACHED_INFO, &gci) != 0 || !gci.buffer_size)
		return NULL;
	*len = gci.buffer_size;
	return (const uint8_t *)segoff_linear(gci.buffer_seg, gci.buffer_off);
}

struct __attribute__((packed)) tftp_read_file {
	uint16_t status;
	char name[128];
	uint32_t buffer_size;
	uint32_t buffer;
	uint32_t server_ip;
	uint32_t gateway_ip;
	uint32_t mcast_ip;
	uint16_t client_port;
	uint16_t server_port;
	uint16_t open_timeout;
	uint16_t reopen_delay;
};

static struct tftp_read_file trf;

long pxe_rom_tftp_read(uint32_t server, const char *name, uint32_t phys,
		       uint32_t cap)
{
	memset(&trf, 0, sizeof(trf));
	size_t n = 0;
	while (name[n] && n + 1 < sizeof(trf.name)) {
		trf.name[n] = name[n];
		n++;
	}
	trf.buffer_size = cap;
	trf.buffer = phys;
	/* PXE keeps IP addresses in network order. */
	trf.server_ip = (server >> 24) | ((server >> 8) & 0xff00) |
			((server << 8) & 0xff0000) | (server << 24);
	if (pxe_call(PXENV_TFTP_READ_FILE, &trf) != 0)
		return -NB_ENOTFOUND;
	return (long)trf.buffer_size;
}
