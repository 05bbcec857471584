#include <efi.h>
#include <efilib.h>

#include "efi/efi_platform.h"
#include "netboot/core.h"

static struct efi_platform platform;

struct efi_platform *efi_platform_get(void)
{
	return &platform;
}

/* Copy the firmware's DHCP packets before anything can disturb PXE BC:
 * once we open SNP exclusively, the PXE BC driver is disconnected. */
EFI_STATUS efi_platform_init(struct efi_platform *p, EFI_HANDLE image)
{
	EFI_LOADED_IMAGE *li;
	EFI_PXE_BASE_CODE *pxe;
	EFI_STATUS rc;
	p->image = image;
	rc = uefi_call_wrapper(BS->HandleProtocol, 3, image,
			       &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(rc))
		return rc;
	p->nic = li->DeviceHandle;
	rc = uefi_call_wrapper(BS->HandleProtocol, 3, p->nic,
			       &PxeBaseCodeProtocol, (void **)&pxe);
	if (EFI_ERROR(rc)) {
		Print(L"nbchain: not booted by PXE (no PXE Base Code): %r\r\n", rc);
		return rc;
	}
	EFI_PXE_BASE_CODE_MODE *m = pxe->Mode;
	if (m->DhcpAckReceived) {
		CopyMem(p->ack, &m->DhcpAck, EFI_DHCP_PKT_MAX);
		p->have_ack = true;
	}
	if (m->ProxyOfferReceived) {
		CopyMem(p->proxy, &m->ProxyOffer, EFI_DHCP_PKT_MAX);
		p->have_proxy = true;
	}
	if (m->PxeReplyReceived) {
		CopyMem(p->pxe_reply, &m->PxeReply, EFI_DHCP_PKT_MAX);
		p->have_pxe_reply = true;
	}
	return EFI_SUCCESS;
}

static void print_ip(const CHAR16 *label, const uint8_t *a)
{
	Print(L"%s%d.%d.%d.%d", label, a[0], a[1], a[2], a[3]);
}

EFI_STATUS efi_platform_run(struct efi_platform *p)
{
	if (!p->have_ack) {
		Print(L"nbchain: the firmware holds no DHCP lease\r\n");
		return EFI_NOT_READY;
	}
	/* BOOTP layout: yiaddr at 16, siaddr at 20. */
	print_ip(L"nbchain: adopted firmware lease ip=", p->ack + 16);
	print_ip(L" next-server=", p->ack + 20);
	Print(L" proxy=%d\r\n", p->have_proxy);
	return EFI_SUCCESS;
}
