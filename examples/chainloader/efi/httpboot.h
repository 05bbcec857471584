/* Started by the firmware's UEFI HTTP Boot: the lease it configured. */
#ifndef CL_EFI_HTTPBOOT_H
#define CL_EFI_HTTPBOOT_H

#include <efi.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether the device path we were loaded from is HTTP Boot's (it has an
 * IPv4/IPv6 or a Uri() node below the NIC's Mac()). */
bool efi_httpboot_path(EFI_DEVICE_PATH *path);

/*
 * The DHCPACK of the firmware's HTTP Boot, into ack (cap bytes; at least
 * 548): its own packet when its DHCP4 child still holds it, else one
 * built from the address in the boot device path (address, mask,
 * gateway, and the Uri() as the boot file).  mac is the boot NIC's.
 * Returns the packet's length and names the source in *from, or 0 when
 * the firmware left nothing complete (the caller then runs DHCP).
 * *built says the packet was made from the path: it then holds only the
 * address, DNS and boot URL, none of the server's other options.
 */
size_t efi_httpboot_lease(EFI_DEVICE_PATH *path, const uint8_t mac[6],
			  uint8_t *ack, size_t cap, const CHAR16 **from,
			  bool *built);

#endif
