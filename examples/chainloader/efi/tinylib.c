/*
 * The few gnu-efi library calls the loader makes, for nbchain-tls.efi.
 *
 * libefi's InitializeLib, Print and DevicePathFromHandle pull in its
 * formatter, device-path printer, status and GUID name tables and
 * handle helpers: about 28 KiB, a sixth of the TLS image, whose budget
 * is Debian's snponly.efi.  Linked before -lefi, these definitions
 * leave libefi nothing to bring.  Print knows the conversions the
 * loader uses (%s, %a, %r); a status prints as its number.
 */
#include <efi.h>
#include <efilib.h>

#include "core/mem.h"

EFI_SYSTEM_TABLE *ST;
EFI_BOOT_SERVICES *BS;
EFI_RUNTIME_SERVICES *RT;

EFI_GUID gEfiDevicePathProtocolGuid = EFI_DEVICE_PATH_PROTOCOL_GUID;
EFI_GUID gEfiGlobalVariableGuid = EFI_GLOBAL_VARIABLE;
EFI_GUID gEfiLoadedImageProtocolGuid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
EFI_GUID gEfiPciIoProtocolGuid = EFI_PCI_IO_PROTOCOL_GUID;
EFI_GUID gEfiPxeBaseCodeProtocolGuid = EFI_PXE_BASE_CODE_PROTOCOL_GUID;
EFI_GUID gEfiSimpleNetworkProtocolGuid = EFI_SIMPLE_NETWORK_PROTOCOL_GUID;

VOID InitializeLib(IN EFI_HANDLE ImageHandle, IN EFI_SYSTEM_TABLE *SystemTable)
{
	(void)ImageHandle;
	ST = SystemTable;
	BS = SystemTable->BootServices;
	RT = SystemTable->RuntimeServices;
}

VOID *AllocatePool(IN UINTN Size)
{
	VOID *p = NULL;
	if (EFI_ERROR(uefi_call_wrapper(BS->AllocatePool, 3, EfiLoaderData,
					Size, &p)))
		return NULL;
	return p;
}

VOID *AllocateZeroPool(IN UINTN Size)
{
	VOID *p = AllocatePool(Size);
	if (p)
		memset(p, 0, Size);
	return p;
}

VOID FreePool(IN VOID *p)
{
	uefi_call_wrapper(BS->FreePool, 1, p);
}

VOID SetMem(IN VOID *Buffer, IN UINTN Size, IN UINT8 Value)
{
	memset(Buffer, Value, Size);
}

VOID CopyMem(IN VOID *Dest, IN CONST VOID *Src, IN UINTN len)
{
	memmove(Dest, Src, len);
}

INTN CompareMem(IN CONST VOID *Dest, IN CONST VOID *Src, IN UINTN len)
{
	return memcmp(Dest, Src, len);
}

INTN CompareGuid(IN EFI_GUID *Guid1, IN EFI_GUID *Guid2)
{
	return memcmp(Guid1, Guid2, sizeof(EFI_GUID)) == 0 ? 0 : 1;
}

EFI_DEVICE_PATH *DevicePathFromHandle(IN EFI_HANDLE Handle)
{
	EFI_DEVICE_PATH *dp = NULL;
	if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, Handle,
					&gEfiDevicePathProtocolGuid,
					(VOID **)&dp)))
		return NULL;
	return dp;
}

/* Including the end node, as libefi's. */
UINTN DevicePathSize(IN EFI_DEVICE_PATH *DevPath)
{
	EFI_DEVICE_PATH *p = DevPath;
	/* A device path longer than 64 KiB is broken: stop there. */
	for (unsigned i = 0; i < 4096 && !IsDevicePathEnd(p); i++) {
		UINTN len = DevicePathNodeLength(p);
		if (len < sizeof(EFI_DEVICE_PATH))
			break;
		p = NextDevicePathNode(p);
	}
	return (UINTN)((UINT8 *)p - (UINT8 *)DevPath) + sizeof(EFI_DEVICE_PATH);
}

#define PRINT_MAX 160

struct out {
	CHAR16 buf[PRINT_MAX + 1];
	UINTN n;
};

static void put(struct out *o, CHAR16 c)
{
	if (o->n < PRINT_MAX)
		o->buf[o->n++] = c;
}

static void put_hex(struct out *o, UINT64 v)
{
	CHAR16 d[16];
	unsigned n = 0;
	do {
		d[n++] = L"0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v && n < 16);
	while (n)
		put(o, d[--n]);
}

UINTN Print(IN CONST CHAR16 *fmt, ...)
{
	struct out o;
	va_list ap;
	o.n = 0;
	va_start(ap, fmt);
	for (const CHAR16 *f = fmt; *f; f++) {
		if (*f != L'%' || !f[1]) {
			put(&o, *f);
			continue;
		}
		switch (*++f) {
		case L's': {
			const CHAR16 *s = va_arg(ap, const CHAR16 *);
			while (s && *s)
				put(&o, *s++);
			break;
		}
		case L'a': {
			const char *s = va_arg(ap, const char *);
			while (s && *s)
				put(&o, (CHAR16)(unsigned char)*s++);
			break;
		}
		case L'r': {
			EFI_STATUS rc = va_arg(ap, EFI_STATUS);
			const CHAR16 *p = L"status 0x";
			while (*p)
				put(&o, *p++);
			put_hex(&o, (UINT64)rc);
			break;
		}
		default:
			put(&o, *f);
		}
	}
	va_end(ap);
	o.buf[o.n] = 0;
	if (ST && ST->ConOut)
		uefi_call_wrapper(ST->ConOut->OutputString, 2, ST->ConOut, o.buf);
	return o.n;
}
