/* Handing off from the UEFI chainloader: EFI applications and Linux. */
#ifndef CL_EFI_BOOT_H
#define CL_EFI_BOOT_H

#include <efi.h>
#include <stdbool.h>

/* Start an EFI image held in memory with an ASCII command line (may be
 * NULL) through LoadImage, after shim's check when shim is there.  dev
 * (may be NULL) becomes the image's device: a chained network loader
 * finds its NIC and lease from it.
 * Returns only when the image exits or cannot be started; a Secure Boot
 * refusal is EFI_SECURITY_VIOLATION or EFI_ACCESS_DENIED
 * (efi_boot_refused). */
EFI_STATUS efi_boot_image(EFI_HANDLE parent, EFI_DEVICE_PATH *dev,
			  const void *image, UINTN len, const char *cmdline);

/* Offer initrd to the next kernel through EFI_LOAD_FILE2_PROTOCOL on the
 * Linux initrd media device path (Linux 5.7+ asks for it there).  The
 * buffer must stay valid until the kernel has read it. */
EFI_STATUS efi_boot_register_initrd(const void *initrd, UINTN len);

/* Take the initrd's LoadFile2 handle away again (the kernel did not
 * start): the firmware must not keep a handle into our image. */
void efi_boot_unregister_initrd(void);

/* Whether the firmware enforces Secure Boot (the SecureBoot variable). */
bool efi_secure_boot(void);

/* Whether a status of efi_boot_image means "not signed by a trusted key". */
bool efi_boot_refused(EFI_STATUS rc);

#endif
