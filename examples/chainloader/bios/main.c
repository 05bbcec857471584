/* BIOS NBP: adopt the PXE ROM's lease and run the embedded script. */
#include "bios/console.h"
#include "bios/pxe.h"

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
	con_puts("\nnbp: returning to the ROM\n");
}
