/*
 * UEFI chainloader entry: adopt the firmware's lease, drive the NIC
 * through SNP with our stack, and run the embedded script.  On any
 * failure we print why and return to the firmware (its next boot option).
 */
#include <efi.h>
#include <efilib.h>

#include "efi/boot.h"
#include "efi/efi_platform.h"
#ifdef CL_HTTPS
#include "efi/https_src.h"
#endif

extern const char cl_embedded_script[];
extern const uint32_t cl_embedded_script_len;

static struct cl_platform platform;

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	InitializeLib(image, st);
	/* No banner, no key wait: one line so logs show when we started. */
	Print(L"nbchain: started%s\r\n",
	      efi_secure_boot() ? L" (Secure Boot on)" : L"");
	struct nb_arena arena;
	EFI_STATUS rc = efi_platform_init(&platform, image, &arena);
	if (EFI_ERROR(rc)) {
		efi_platform_release();
		return rc;
	}
	/* The loader is large (about 80 KiB: its stack, TCP and download
	 * state).  From the pool it costs no file bytes; as a static it
	 * would, gnu-efi's linker script folding .bss into .data. */
	struct cl_loader *loader = AllocatePool(sizeof(*loader));
#ifdef CL_HTTPS
	struct cl_https *https = nb_arena_alloc(&arena, sizeof(*https), 64);
	if (!https && loader) {
		FreePool(loader);
		loader = NULL;
	}
#endif
	int nrc = loader ? cl_loader_init(loader, &platform,
					  arena.base + arena.used,
					  arena.len - arena.used)
			 : -NB_ENOMEM;
	if (nrc == 0)
		efi_platform_dhcp(&loader->dhcp);
#ifdef CL_HTTPS
	if (nrc == 0) {
		struct cl_https_src src;
		efi_https_src(&src);
		cl_https_setup(https, loader, &src); /* says why it fails */
	}
#endif
	if (nrc == 0)
		nrc = cl_loader_run(loader, cl_embedded_script,
				    cl_embedded_script_len);
	Print(L"nbchain: %a; returning to the firmware\r\n", nb_strerror(nrc));
	efi_platform_release();
	if (loader)
		FreePool(loader);
	return EFI_ABORTED;
}
