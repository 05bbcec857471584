/*
 * UEFI chainloader entry.  Copies the firmware's DHCP packets out of the
 * PXE Base Code protocol first (the lease we adopt instead of asking
 * again), then runs the embedded script.
 */
#include <efi.h>
#include <efilib.h>

#include "efi/efi_platform.h"

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	InitializeLib(image, st);
	/* No banner, no key wait: one line so logs show when we started. */
	Print(L"nbchain: started\r\n");
	struct efi_platform *p = efi_platform_get();
	EFI_STATUS rc = efi_platform_init(p, image);
	if (EFI_ERROR(rc)) {
		Print(L"nbchain: %r\r\n", rc);
		return rc;
	}
	return efi_platform_run(p);
}
