/* Giving the NIC back to the firmware's network stack for the next stage. */
#ifndef CL_EFI_HANDBACK_H
#define CL_EFI_HANDBACK_H

#include <efi.h>
#include <stddef.h>

/* The DHCP packets the next stage should find in PXE Base Code: each
 * NULL or a whole EFI_PXE_BASE_CODE_PACKET (1472 bytes). */
struct efi_handback_pkts {
	const void *ack, *proxy, *reply;
};

/*
 * Call after SNP is back in the state we found it and our exclusive open
 * is closed: reconnect the firmware's drivers on nic (MNP, IP, PXE Base
 * Code, HTTP Boot rebind), and when pkts has an ACK, start the new PXE
 * Base Code and put the packets in its Mode, where a chained GRUB or iPXE
 * reads its lease as if the firmware had PXE-booted it.  Returns the
 * device path to load the next image from (PXE Base Code's IPv4 child,
 * else the NIC's), or NULL.
 */
EFI_DEVICE_PATH *efi_handback(EFI_HANDLE nic, const struct efi_handback_pkts *pkts);

#endif
