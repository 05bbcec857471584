/*
 * Linux x86 boot protocol, 32-bit entry (Documentation/arch/x86/boot.rst):
 * the protected-mode kernel goes to 1 MiB, the zero page carries a copy
 * of the setup header plus our fields and the E820 map, and we jump to
 * code32_start with ESI pointing at the zero page.
 */
#include "bios/linux.h"

#include "bios/console.h"
#include "bios/layout.h"
#include "bios/pxe.h"
#include "core/mem.h"
#include "netboot/core.h"

#define HDR_SETUP_SECTS 0x1f1
#define HDR_BOOT_FLAG 0x1fe
#define HDR_JUMP 0x200
#define HDR_MAGIC 0x202
#define HDR_VERSION 0x206
#define HDR_TYPE_OF_LOADER 0x210
#define HDR_LOADFLAGS 0x211
#define HDR_CODE32_START 0x214
#define HDR_RAMDISK_IMAGE 0x218
#define HDR_RAMDISK_SIZE 0x21c
#define HDR_HEAP_END 0x224
#define HDR_CMD_LINE_PTR 0x228
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_CMDLINE_SIZE 0x238
#define BP_E820_ENTRIES 0x1e8
#define BP_E820_TABLE 0x2d0
#define E820_MAX 128
#define LOADED_HIGH 0x01
#define CAN_USE_HEAP 0x80
#define KERNEL_LOAD 0x100000u

/* The zero page and command line: fixed low addresses (nbp.ld), away
 * from anything the kernel decompresses into. */
extern uint8_t zero_page[4096];
extern char cmd_line[2048];

int linux_check(const uint8_t *img, size_t len, const char **why)
{
	*why = "not a Linux bzImage";
	if (len < 0x1000 || nb_load_le16(img + HDR_BOOT_FLAG) != 0xaa55 ||
	    memcmp(img + HDR_MAGIC, "HdrS", 4) != 0)
		return -NB_EBADIMAGE;
	*why = "boot protocol older than 2.03 (no initrd_addr_max)";
	if (nb_load_le16(img + HDR_VERSION) < 0x0203)
		return -NB_EBADIMAGE;
	*why = "not loaded high (zImage)";
	if (!(img[HDR_LOADFLAGS] & LOADED_HIGH))
		return -NB_EBADIMAGE;
	unsigned sects = img[HDR_SETUP_SECTS] ? img[HDR_SETUP_SECTS] : 4;
	*why = "truncated image";
	if ((size_t)(sects + 1) * 512 >= len)
		return -NB_EBADIMAGE;
	*why = NULL;
	return 0;
}

/* BIOS E820 into the zero page; returns the entry count. */
static unsigned read_e820(void)
{
	struct rm_regs regs, *r = &regs;
	uint8_t *buf = bios_low->buf;
	uint32_t cont = 0;
	unsigned n = 0;
	do {
		memset(r, 0, sizeof(*r));
		memset(buf, 0, 24);
		r->eax = 0xe820;
		r->edx = 0x534d4150; /* "SMAP" */
		r->ebx = cont;
		r->ecx = 20;
		r->es = (uint16_t)((uint32_t)(uintptr_t)buf >> 4);
		r->edi = (uint32_t)(uintptr_t)buf & 0xf;
		pm_rm_int(0x15, r);
		if ((r->eflags & 1) || r->eax != 0x534d4150)
			break;
		memcpy(zero_page + BP_E820_TABLE + 20 * n, buf, 20);
		n++;
		cont = r->ebx;
	} while (cont && n < E820_MAX);
	zero_page[BP_E820_ENTRIES] = (uint8_t)n;
	return n;
}

/* Highest usable RAM end below 4 GiB above 1 MiB, from E820 type 1. */
static uint32_t top_of_ram(unsigned n)
{
	uint64_t top = 0;
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *e = zero_page + BP_E820_TABLE + 20 * i;
		uint64_t base = nb_load_le64(e);
		uint64_t size = nb_load_le64(e + 8);
		if (nb_load_le32(e + 16) != 1 || base + size <= KERNEL_LOAD)
			continue;
		uint64_t end = base + size;
		if (end > 0xfffff000u)
			end = 0xfffff000u;
		if (end > top)
			top = end;
	}
	return (uint32_t)top;
}

uint32_t linux_ram_top(void)
{
	return top_of_ram(read_e820());
}

int linux_boot(const uint8_t *img, size_t len, const uint8_t *initrd,
	       size_t initrd_len, const char *cmdline)
{
	const char *why;
	int rc = linux_check(img, len, &why);
	if (rc < 0)
		return rc;
	unsigned sects = img[HDR_SETUP_SECTS] ? img[HDR_SETUP_SECTS] : 4;
	size_t setup_len = (size_t)(sects + 1) * 512;
	size_t kernel_len = len - setup_len;
	/* The copy to 1 MiB must stop short of the code doing it. */
	if (kernel_len > CORE_BASE - KERNEL_LOAD)
		return -NB_ETOOBIG;

	memset(zero_page, 0, sizeof(zero_page));
	/* The setup header runs from 0x1f1 to 0x202 + the byte at 0x201. */
	size_t hdr_end = 0x202 + img[0x201];
	memcpy(zero_page + HDR_SETUP_SECTS, img + HDR_SETUP_SECTS,
	       hdr_end - HDR_SETUP_SECTS);
	unsigned e820 = read_e820();
	uint32_t top = top_of_ram(e820);
	if (!e820 || !top)
		return -NB_ENOMEM;

	zero_page[HDR_TYPE_OF_LOADER] = 0xff; /* undefined loader */
	zero_page[HDR_LOADFLAGS] =
		(uint8_t)((zero_page[HDR_LOADFLAGS] & ~CAN_USE_HEAP));
	size_t cl = 0;
	uint32_t cl_max = nb_load_le16(img + HDR_VERSION) >= 0x0206
				  ? nb_load_le32(img + HDR_CMDLINE_SIZE)
				  : 255;
	while (cmdline && cmdline[cl] && cl < cl_max && cl + 1 < sizeof(cmd_line)) {
		cmd_line[cl] = cmdline[cl];
		cl++;
	}
	cmd_line[cl] = 0;
	nb_store_le32(zero_page + HDR_CMD_LINE_PTR, (uint32_t)(uintptr_t)cmd_line);

	if (initrd && initrd_len) {
		uint32_t max = nb_load_le32(img + HDR_INITRD_ADDR_MAX);
		uint32_t limit = top < max ? top : max + 1;
		uint32_t at = (uint32_t)((limit - initrd_len) & ~0xfffu);
		if (initrd_len >= limit || at < KERNEL_LOAD + kernel_len)
			return -NB_ENOMEM;
		/* memmove: the download buffer may overlap the final place. */
		memmove((void *)(uintptr_t)at, initrd, initrd_len);
		nb_store_le32(zero_page + HDR_RAMDISK_IMAGE, at);
		nb_store_le32(zero_page + HDR_RAMDISK_SIZE, (uint32_t)initrd_len);
	}
	memmove((void *)(uintptr_t)KERNEL_LOAD, img + setup_len, kernel_len);
	nb_store_le32(zero_page + HDR_CODE32_START, KERNEL_LOAD);
	pm_boot_linux32(KERNEL_LOAD, (uint32_t)(uintptr_t)zero_page);
}
