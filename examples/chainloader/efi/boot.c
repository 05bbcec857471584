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

EFI_STATUS efi_boot_image(EFI_HANDLE parent, const void *image, UINTN len,
			  const char *cmdline)
{
	EFI_HANDLE h = NULL;
	EFI_STATUS rc = uefi_call_wrapper(BS->LoadImage, 6, FALSE, parent,
					  NULL, (VOID *)image, len, &h);
	if (EFI_ERROR(rc))
		return rc;
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
