/*
 * Our own EFI definitions against gnu-efi's: same sizes, offsets and
 * values, checked at compile time (the test only has to build).  The
 * library never includes gnu-efi; the UEFI chainloader does, and casts
 * its EFI_SIMPLE_NETWORK_PROTOCOL pointer to struct nb_efi_snp.
 */
#include <efi.h>

#include "netboot/snp.h"

#define SAME_OFFSET(theirs, their_field, ours, our_field)                     \
	_Static_assert(offsetof(theirs, their_field) ==                       \
			       offsetof(ours, our_field),                     \
		       #their_field)

_Static_assert(sizeof(EFI_SIMPLE_NETWORK_MODE) == sizeof(struct nb_efi_snp_mode),
	       "mode size");
_Static_assert(sizeof(EFI_MAC_ADDRESS) == sizeof(struct nb_efi_mac), "mac");
_Static_assert(sizeof(EFI_STATUS) == sizeof(nb_efi_status), "status");
SAME_OFFSET(EFI_SIMPLE_NETWORK_PROTOCOL, Start, struct nb_efi_snp, start);
SAME_OFFSET(EFI_SIMPLE_NETWORK_PROTOCOL, Initialize, struct nb_efi_snp, initialize);
SAME_OFFSET(EFI_SIMPLE_NETWORK_PROTOCOL, ReceiveFilters, struct nb_efi_snp,
	    receive_filters);
SAME_OFFSET(EFI_SIMPLE_NETWORK_PROTOCOL, GetStatus, struct nb_efi_snp, get_status);
SAME_OFFSET(EFI_SIMPLE_NETWORK_PROTOCOL, Transmit, struct nb_efi_snp, transmit);
SAME_OFFSET(EFI_SIMPLE_NETWORK_PROTOCOL, Receive, struct nb_efi_snp, receive);
SAME_OFFSET(EFI_SIMPLE_NETWORK_PROTOCOL, WaitForPacket, struct nb_efi_snp,
	    wait_for_packet);
SAME_OFFSET(EFI_SIMPLE_NETWORK_PROTOCOL, Mode, struct nb_efi_snp, mode);
SAME_OFFSET(EFI_SIMPLE_NETWORK_MODE, MaxPacketSize, struct nb_efi_snp_mode,
	    max_packet_size);
SAME_OFFSET(EFI_SIMPLE_NETWORK_MODE, ReceiveFilterSetting, struct nb_efi_snp_mode,
	    receive_filter_setting);
SAME_OFFSET(EFI_SIMPLE_NETWORK_MODE, CurrentAddress, struct nb_efi_snp_mode,
	    current_address);
SAME_OFFSET(EFI_SIMPLE_NETWORK_MODE, MediaPresent, struct nb_efi_snp_mode,
	    media_present);
_Static_assert(EFI_NOT_READY == NB_EFI_NOT_READY, "EFI_NOT_READY");
_Static_assert(EFI_BUFFER_TOO_SMALL == NB_EFI_BUFFER_TOO_SMALL, "TOO_SMALL");
_Static_assert(EFI_ALREADY_STARTED == NB_EFI_ALREADY_STARTED, "ALREADY");
_Static_assert(EFI_NOT_STARTED == NB_EFI_NOT_STARTED, "NOT_STARTED");
_Static_assert(EFI_DEVICE_ERROR == NB_EFI_DEVICE_ERROR, "DEVICE_ERROR");
_Static_assert(EfiSimpleNetworkStopped == NB_EFI_SNP_STOPPED, "Stopped");
_Static_assert(EfiSimpleNetworkInitialized == NB_EFI_SNP_INITIALIZED, "Init");
_Static_assert(EFI_SIMPLE_NETWORK_RECEIVE_UNICAST == NB_EFI_SNP_RX_UNICAST, "uc");
_Static_assert(EFI_SIMPLE_NETWORK_RECEIVE_BROADCAST == NB_EFI_SNP_RX_BROADCAST,
	       "bc");
_Static_assert(EFI_SIMPLE_NETWORK_RECEIVE_PROMISCUOUS == NB_EFI_SNP_RX_PROMISCUOUS,
	       "promisc");
_Static_assert(MAX_MCAST_FILTER_CNT == NB_EFI_SNP_MAX_MCAST, "mcast");

int main(void)
{
	return 0;
}
