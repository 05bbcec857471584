/*
 * Handing the NIC back before StartImage of a chained EFI program.  Our
 * exclusive SNP open disconnected the firmware's MNP, and with it IP,
 * UDP, DHCP, PXE Base Code and HTTP Boot; closing it does not bring them
 * back.  A chained GRUB reads its lease from the PXE Base Code on its
 * loaded image's device, iPXE's snponly binds the SNP found from that
 * device: so the drivers are reconnected, the new PXE Base Code gets the
 * packets the firmware had, and the image is loaded from its device path.
 */
#include <efi.h>
#include <efilib.h>
#include <stdbool.h>

#include "efi/handback.h"

static bool has_ipv4_node(EFI_DEVICE_PATH *p)
{
	for (unsigned guard = 0; guard < 64 && !IsDevicePathEnd(p); guard++) {
		if (DevicePathType(p) == MESSAGING_DEVICE_PATH &&
		    DevicePathSubType(p) == MSG_IPv4_DP)
			return true;
		p = NextDevicePathNode(p);
	}
	return false;
}

/* PXE Base Code's IPv4 child of the NIC whose path is nic_path. */
static EFI_PXE_BASE_CODE *pxe_child(EFI_DEVICE_PATH *nic_path, EFI_DEVICE_PATH **path)
{
	UINTN n = 0, nic_len = DevicePathSize(nic_path) - sizeof(EFI_DEVICE_PATH);
	EFI_HANDLE *hs = NULL;
	EFI_PXE_BASE_CODE *found = NULL;
	if (EFI_ERROR(uefi_call_wrapper(BS->LocateHandleBuffer, 5, ByProtocol,
					&PxeBaseCodeProtocol, NULL, &n, &hs)))
		return NULL;
	for (UINTN i = 0; i < n && !found; i++) {
		EFI_DEVICE_PATH *p = DevicePathFromHandle(hs[i]);
		if (!p || !has_ipv4_node(p) || DevicePathSize(p) < nic_len ||
		    CompareMem(p, nic_path, nic_len) != 0)
			continue;
		if (!EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, hs[i],
						 &PxeBaseCodeProtocol, (void **)&found)))
			*path = p;
	}
	FreePool(hs);
	return found;
}

EFI_DEVICE_PATH *efi_handback(EFI_HANDLE nic, const struct efi_handback_pkts *pkts)
{
	EFI_DEVICE_PATH *nic_path = DevicePathFromHandle(nic), *path = nic_path;
	if (!nic_path)
		return NULL;
	EFI_STATUS rc = uefi_call_wrapper(BS->ConnectController, 4, nic, NULL, NULL, TRUE);
	if (EFI_ERROR(rc)) {
		Print(L"nbchain: the firmware's network drivers did not rebind: %r\r\n", rc);
		return nic_path;
	}
	EFI_PXE_BASE_CODE *pxe = pxe_child(nic_path, &path);
	if (!pxe || !pkts->ack)
		return path;
	/* Start sends nothing; only a started PXE Base Code takes packets. */
	if (!pxe->Mode->Started)
		rc = uefi_call_wrapper(pxe->Start, 2, pxe, FALSE);
	BOOLEAN yes = TRUE, proxy = pkts->proxy != NULL, reply = pkts->reply != NULL;
	if (!EFI_ERROR(rc))
		rc = uefi_call_wrapper(pxe->SetPackets, 13, pxe, NULL, &yes, &proxy,
				       NULL, &reply, NULL, NULL, (VOID *)pkts->ack,
				       (VOID *)pkts->proxy, NULL, (VOID *)pkts->reply, NULL);
	if (EFI_ERROR(rc))
		Print(L"nbchain: PXE Base Code did not take the lease back: %r\r\n", rc);
	return path;
}
