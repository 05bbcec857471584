/*
 * libFuzzer harness for what the UEFI loader does with PXE Base Code's
 * DhcpAck under PXEv6: the input is the 1472-byte buffer (shorter inputs
 * zero-filled), cut by cl_dhcp6_msg_len (examples/chainloader/dhcp6msg.c)
 * and adopted by nb_dhcp6_use_cached.  The cut must stay inside the
 * buffer; the adoption sees only the cut.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp6msg.h"
#include "netboot/dhcp6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[1472];
	static struct nb_dhcp6 c;
	memset(buf, 0, sizeof(buf));
	memcpy(buf, data, size < sizeof(buf) ? size : sizeof(buf));
	size_t n = cl_dhcp6_msg_len(buf, sizeof(buf));
	if (n > sizeof(buf) || (n && n < 4))
		abort();
	if (nb_dhcp6_use_cached(&c, buf, n) == 0 && !c.lease.from_cache)
		abort();
	return 0;
}
