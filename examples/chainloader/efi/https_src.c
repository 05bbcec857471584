/*
 * The UEFI TLS image's anchor sources and time: -Dca, the CA slot, then
 * the firmware's TlsCaCertificate variable (what EDK2's HTTPS boot
 * trusts: an EFI_SIGNATURE_LIST of X.509 certificates), and GetTime().
 */
#include <efi.h>
#include <efilib.h>

#include "efi/https_src.h"
#include "siglist.h"
#include "walltime.h"

extern const char cl_ca_builtin[];
extern const uint32_t cl_ca_builtin_len;

/* EFI_TLS_CA_CERTIFICATE_GUID */
static EFI_GUID tls_ca_guid = {0xfd2340d0, 0x3dab, 0x4349,
			       {0xa6, 0xc7, 0x3b, 0x4f, 0x12, 0xb4, 0x8e, 0xae}};

static int add_der(void *ctx, const uint8_t *der, size_t len)
{
	int rc = nb_tls_anchors_add_der(ctx, der, len);
	/* A certificate BearSSL cannot use is passed over, not fatal. */
	return rc == -NB_ENOMEM ? rc : 0;
}

static int firmware_anchors(void *ctx, struct nb_tls_anchors *a)
{
	(void)ctx;
	UINTN size = 0;
	EFI_STATUS st = uefi_call_wrapper(RT->GetVariable, 5,
					  L"TlsCaCertificate", &tls_ca_guid,
					  NULL, &size, NULL);
	if (st != EFI_BUFFER_TOO_SMALL || size == 0)
		return 0; /* not set */
	uint8_t *buf = AllocatePool(size);
	if (!buf)
		return -NB_ENOMEM;
	st = uefi_call_wrapper(RT->GetVariable, 5, L"TlsCaCertificate",
			       &tls_ca_guid, NULL, &size, buf);
	int rc = EFI_ERROR(st) ? -NB_EIO : cl_siglist_x509(buf, size, add_der, a);
	FreePool(buf);
	return rc;
}

static uint64_t efi_unix_time(void)
{
	EFI_TIME t;
	if (EFI_ERROR(uefi_call_wrapper(RT->GetTime, 2, &t, NULL)))
		return 0;
	uint64_t s = cl_unix_time(t.Year, t.Month, t.Day, t.Hour, t.Minute,
				  t.Second);
	/* UEFI: local time = UTC - TimeZone (minutes); unspecified = UTC. */
	if (s && t.TimeZone != EFI_UNSPECIFIED_TIMEZONE &&
	    t.TimeZone >= -1440 && t.TimeZone <= 1440)
		s = (uint64_t)((int64_t)s + (int64_t)t.TimeZone * 60);
	return s;
}

void efi_https_src(struct cl_https_src *src)
{
	*src = (struct cl_https_src){
		.builtin = cl_ca_builtin,
		.builtin_len = cl_ca_builtin_len,
		.slot = cl_ca_slot_get(),
		.firmware = firmware_anchors,
		.firmware_name = "the firmware's TlsCaCertificate variable",
		.unix_time = efi_unix_time(),
		.skip_time = CL_TLS_SKIP_TIME,
	};
}
