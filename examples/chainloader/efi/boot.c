/*
 * Handing over to the next stage on UEFI: Linux started from memory by
 * LoadImage/StartImage with its command line as LoadOptions, and the
 * initrd served through EFI_LOAD_FILE2_PROTOCOL on the vendor media path
 * Linux's EFI stub looks for (a kernel loaded from memory cannot read
 * initrd= from a file system).
 */
#include <efi.h>
#include <efilib.h>

#include "efi/boot.h"

/* Vendor media node with the GUID Linux's EFI stub looks for, then End. */
struct initrd_path {
	VENDOR_DEVICE_PATH vendor;
	EFI_DEVICE_PATH end;
} __attribute__((packed));

static struct initrd_path initrd_path = {
	.vendor = {
		.Header = {
			.Type = MEDIA_DEVICE_PATH,
			.SubType = MEDIA_VENDOR_DP,
			.Length = {sizeof(VENDOR_DEVICE_PATH), 0},
		},
		.Guid = {0x5568e427, 0x68fc, 0x4f3d,
			 {0xac, 0x74, 0xca, 0x55, 0x52, 0x31, 0xcc, 0x68}},
	},
	.end = {
		.Type = END_DEVICE_PATH_TYPE,
		.SubType = END_ENTIRE_DEVICE_PATH_SUBTYPE,
		.Length = {sizeof(EFI_DEVICE_PATH), 0},
	},
};

static EFI_GUID load_file2_guid = {0x4006c0c1, 0xfcb3, 0x403e,
				   {0x99, 0x6d, 0x4a, 0x6c, 0x87, 0x24, 0xe0, 0x6d}};

static const void *initrd_data;
static UINTN initrd_len;

/* EFI_LOAD_FILE2: the kernel first asks for the size, then the bytes. */
static EFI_STATUS EFIAPI initrd_load(EFI_LOAD_FILE_PROTOCOL *this,
				     EFI_DEVICE_PATH *path, BOOLEAN boot_policy,
				     UINTN *size, VOID *buf)
{
	(void)this;
	if (boot_policy)
		return EFI_UNSUPPORTED;
	if (!size || !path)
		return EFI_INVALID_PARAMETER;
	if (!buf || *size < initrd_len) {
		*size = initrd_len;
		return EFI_BUFFER_TOO_SMALL;
	}
	CopyMem(buf, (VOID *)initrd_data, initrd_len);
	*size = initrd_len;
	return EFI_SUCCESS;
}

static EFI_LOAD_FILE_PROTOCOL initrd_lf2 = {.LoadFile = initrd_load};
static EFI_HANDLE initrd_handle;

void efi_boot_unregister_initrd(void)
{
	if (initrd_handle &&
	    !EFI_ERROR(uefi_call_wrapper(BS->UninstallMultipleProtocolInterfaces, 6,
					 initrd_handle, &DevicePathProtocol,
					 &initrd_path, &load_file2_guid,
					 &initrd_lf2, NULL)))
		initrd_handle = NULL;
}

EFI_STATUS efi_boot_register_initrd(const void *initrd, UINTN len)
{
	initrd_data = initrd;
	initrd_len = len;
	if (initrd_handle)
		return EFI_SUCCESS; /* already installed: the new data is served */
	return uefi_call_wrapper(BS->InstallMultipleProtocolInterfaces, 6,
				 &initrd_handle, &DevicePathProtocol,
				 &initrd_path, &load_file2_guid, &initrd_lf2,
				 NULL);
}

/* shim's SHIM_LOCK protocol (shim.h): Verify checks a buffer against
 * db, dbx, MOK and SBAT the way shim checks its second stage.  shim
 * exports it with its own compiler's convention, not EFIAPI: on x86-64
 * that is the SysV ABI (called as EFIAPI, shim reads its arguments from
 * the wrong registers and rejects garbage).  On arm64 both are AAPCS64. */
#ifdef __x86_64__
#define SHIM_ABI __attribute__((sysv_abi))
#else
#define SHIM_ABI
#endif
static EFI_GUID shim_lock_guid = {0x605dab50, 0xe046, 0x4300,
				  {0xab, 0xb6, 0x3d, 0xd8, 0x10, 0xdd, 0x8b, 0x23}};
struct shim_lock {
	EFI_STATUS (SHIM_ABI *verify)(VOID *buffer, UINT32 size);
	VOID *hash;
	VOID *context;
};

bool efi_secure_boot(void)
{
	UINT8 on = 0;
	UINTN len = sizeof(on);
	EFI_STATUS rc = uefi_call_wrapper(RT->GetVariable, 5, L"SecureBoot",
					  &EfiGlobalVariable, NULL, &len, &on);
	return !EFI_ERROR(rc) && len == 1 && on == 1;
}

bool efi_boot_refused(EFI_STATUS rc)
{
	return rc == EFI_SECURITY_VIOLATION || rc == EFI_ACCESS_DENIED;
}

/*
 * Every image goes through LoadImage, so the firmware checks it against
 * db/dbx under Secure Boot; nothing here jumps into an image by hand
 * (a Linux handover entry would skip that check).  Under shim, the
 * firmware's db may lack the key shim trusts (MOK, the vendor's), and
 * LoadImage from a buffer may not consult shim: ask shim first.
 */
EFI_STATUS efi_boot_image(EFI_HANDLE parent, EFI_DEVICE_PATH *dev,
			  const void *image, UINTN len, const char *cmdline)
{
	EFI_HANDLE h = NULL;
	struct shim_lock *shim = NULL;
	EFI_STATUS rc;
	if (!EFI_ERROR(uefi_call_wrapper(BS->LocateProtocol, 3, &shim_lock_guid,
					 NULL, (void **)&shim)) && shim) {
		if (len > 0xffffffffu)
			return EFI_BAD_BUFFER_SIZE;
		rc = shim->verify((VOID *)image, (UINT32)len);
		if (EFI_ERROR(rc)) {
			Print(L"shim: the image failed verification: %r\r\n", rc);
			return rc == EFI_SECURITY_VIOLATION ? rc : EFI_ACCESS_DENIED;
		}
	}
	rc = uefi_call_wrapper(BS->LoadImage, 6, FALSE, parent, dev,
			       (VOID *)image, len, &h);
	if (EFI_ERROR(rc)) {
		/* SECURITY_VIOLATION leaves a loaded image that policy
		 * forbids starting: unload it. */
		if (h)
			uefi_call_wrapper(BS->UnloadImage, 1, h);
		return rc;
	}
	static CHAR16 options[1024];
	if (cmdline && *cmdline) {
		EFI_LOADED_IMAGE *li;
		rc = uefi_call_wrapper(BS->HandleProtocol, 3, h,
				       &LoadedImageProtocol, (void **)&li);
		if (EFI_ERROR(rc))
			return rc;
		UINTN n = 0;
		while (cmdline[n] && n + 1 < sizeof(options) / sizeof(options[0])) {
			options[n] = (CHAR16)(unsigned char)cmdline[n];
			n++;
		}
		options[n] = 0;
		li->LoadOptions = options;
		li->LoadOptionsSize = (UINT32)((n + 1) * sizeof(CHAR16));
	}
	return uefi_call_wrapper(BS->StartImage, 3, h, NULL, NULL);
}
