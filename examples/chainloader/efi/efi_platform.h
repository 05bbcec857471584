/* The UEFI side of the chainloader: firmware protocols it uses. */
#ifndef CL_EFI_PLATFORM_H
#define CL_EFI_PLATFORM_H

#include <efi.h>
#include <stdbool.h>
#include <stdint.h>

/* EFI_PXE_BASE_CODE_PACKET is 1472 bytes: the largest DHCP packet kept. */
#define EFI_DHCP_PKT_MAX 1472

struct efi_platform {
	EFI_HANDLE image;
	EFI_HANDLE nic;          /* device handle the firmware booted us from */
	uint8_t ack[EFI_DHCP_PKT_MAX];
	uint8_t proxy[EFI_DHCP_PKT_MAX];
	uint8_t pxe_reply[EFI_DHCP_PKT_MAX];
	bool have_ack, have_proxy, have_pxe_reply;
};

struct efi_platform *efi_platform_get(void);
EFI_STATUS efi_platform_init(struct efi_platform *p, EFI_HANDLE image);
EFI_STATUS efi_platform_run(struct efi_platform *p);

#endif
