/* BIOS NBP: adopt the PXE ROM's lease and run the embedded script. */
#include "bios/console.h"
#include "bios/linux.h"
#include "bios/pxe.h"
#include "netboot/core.h"

void nbp_main(void);

void nbp_main(void)
{
	con_puts("nbp: started\n");
	if (pxe_init() < 0) {
		con_puts("nbp: no !PXE structure from the ROM\n");
		return;
	}
	uint16_t len = 0;
	const uint8_t *ack = pxe_cached_packet(PXENV_PACKET_TYPE_DHCP_ACK, &len);
	if (!ack || len < 240) {
		con_puts("nbp: the ROM holds no DHCP lease\n");
		return;
	}
	con_puts("nbp: adopted ROM lease ip=");
	con_put_ip(ack + 16);
	con_puts(" next-server=");
	con_put_ip(ack + 20);
	con_puts(" len=");
	con_put_dec(len);
	con_puts("\n");
	/* Until the HTTP path is wired in: the ROM's TFTP proves the Linux
	 * handoff.  Buffers sit at 32 MiB, clear of where the kernel lands. */
	uint32_t server = nb_get32(ack + 20);
	long klen = pxe_rom_tftp_read(server, "vmlinuz", 0x2000000, 0x2000000);
	long ilen = klen > 0 ? pxe_rom_tftp_read(server, "initrd.gz", 0x4000000,
						 0x1000000) : -1;
	if (klen <= 0 || ilen <= 0) {
		con_puts("nbp: fetch failed, returning to the ROM\n");
		return;
	}
	con_puts("nbp: kernel ");
	con_put_dec((uint32_t)klen);
	con_puts(" bytes, initrd ");
	con_put_dec((uint32_t)ilen);
	con_puts(" bytes; booting\n");
	int rc = linux_boot((const uint8_t *)0x2000000, (size_t)klen,
			    (const uint8_t *)0x4000000, (size_t)ilen,
			    "console=ttyS0 quiet");
	con_puts("nbp: boot failed, returning to the ROM (");
	con_put_dec((uint32_t)-rc);
	con_puts(")\n");
}
