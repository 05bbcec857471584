/*
 * Started by the firmware's UEFI HTTP Boot.  The firmware ran DHCP (vendor
 * class HTTPClient) and fetched us over HTTP, but publishes no PXE Base
 * Code with the cached packets.  What it does leave, tried in this order:
 *  1. its DHCP4 child, still bound, whose mode data points at the real
 *     DHCPACK (every option: 209/210, DNS, the boot URL);
 *  2. the IPv4() node of the boot device path (address, gateway, mask)
 *     and the Uri() node after it: a DHCPACK is built from those, so the
 *     loader adopts either the same way (nb_dhcp_use_cached).  A built
 *     one holds none of the server's other options (209/210), so the
 *     loader then asks for them by one DHCPINFORM (nb_dhcp_inform).
 * These must be read before SNP is opened exclusively: that disconnects
 * the firmware's network stack and with it the DHCP4 child.
 */
#include <efi.h>
#include <efilib.h>

#include "efi/httpboot.h"

/* EFI_DHCP4_PROTOCOL (UEFI 2.x, 29.2), only as far as GetModeData. */
static EFI_GUID dhcp4_guid = {0x8a219718, 0x4ef5, 0x4761,
			      {0x91, 0xc8, 0xc0, 0xf0, 0x4b, 0xda, 0x9e, 0x56}};
#define DHCP4_BOUND 4

struct dhcp4_packet {
	UINT32 size;
	UINT32 length;
	UINT8 dhcp[]; /* from the BOOTP op byte on */
} __attribute__((packed));

struct dhcp4_mode {
	UINT32 state;
	struct {
		UINT32 discover_tries;
		UINT32 *discover_timeout;
		UINT32 request_tries;
		UINT32 *request_timeout;
		EFI_IPv4_ADDRESS client;
		VOID *callback;
		VOID *callback_ctx;
		UINT32 noptions;
		VOID **options;
	} config;
	EFI_IPv4_ADDRESS client;
	EFI_MAC_ADDRESS client_mac;
	EFI_IPv4_ADDRESS server, router, mask;
	UINT32 lease_s;
	struct dhcp4_packet *reply;
};

struct dhcp4 {
	EFI_STATUS(EFIAPI *get_mode_data)(struct dhcp4 *self, struct dhcp4_mode *m);
};

/* BOOTP layout (RFC 951/2131). */
#define BOOTP_YIADDR 16
#define BOOTP_CHADDR 28
#define BOOTP_FILE 108
#define BOOTP_OPTIONS 240
#define BOOTP_MIN 300

static bool is_net_node(EFI_DEVICE_PATH *n)
{
	return DevicePathType(n) == MESSAGING_DEVICE_PATH &&
	       (DevicePathSubType(n) == MSG_IPv4_DP ||
		DevicePathSubType(n) == MSG_IPv6_DP ||
		DevicePathSubType(n) == MSG_URI_DP);
}

bool efi_httpboot_path(EFI_DEVICE_PATH *p)
{
	for (unsigned guard = 0; p && guard < 64 && !IsDevicePathEnd(p); guard++) {
		if (is_net_node(p))
			return true;
		p = NextDevicePathNode(p);
	}
	return false;
}

/* The firmware's own DHCPACK: a bound DHCP4 instance on our MAC. */
static size_t from_dhcp4(const uint8_t mac[6], uint8_t *ack, size_t cap)
{
	UINTN n = 0;
	EFI_HANDLE *hs = NULL;
	size_t len = 0;
	if (EFI_ERROR(uefi_call_wrapper(BS->LocateHandleBuffer, 5, ByProtocol,
					&dhcp4_guid, NULL, &n, &hs)))
		return 0;
	for (UINTN i = 0; i < n && !len; i++) {
		struct dhcp4 *d;
		struct dhcp4_mode m;
		if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, hs[i],
						&dhcp4_guid, (void **)&d)) ||
		    EFI_ERROR(uefi_call_wrapper(d->get_mode_data, 2, d, &m)))
			continue;
		if (m.state != DHCP4_BOUND || !m.reply ||
		    CompareMem(m.client_mac.Addr, (VOID *)mac, 6) != 0 ||
		    m.reply->length < BOOTP_OPTIONS || m.reply->length > cap)
			continue;
		CopyMem(ack, m.reply->dhcp, m.reply->length);
		len = m.reply->length;
	}
	FreePool(hs);
	return len;
}

static void opt(uint8_t *ack, size_t *at, uint8_t tag, const void *v, size_t n)
{
	ack[(*at)++] = tag;
	ack[(*at)++] = (uint8_t)n;
	CopyMem(ack + *at, (VOID *)v, n);
	*at += n;
}

/* The IPv4() node as the specification lays it out (27 bytes, packed):
 * gnu-efi's struct has padding, so its sizeof is no length check. */
#define IPV4_NODE_LEN 27
#define IPV4_LOCAL 4
#define IPV4_GATEWAY 19
#define IPV4_MASK 23
#define MSG_DNS_DP 31 /* Dns(): IsIPv6, then 16-byte addresses */

static bool node_is(EFI_DEVICE_PATH *p, UINT8 subtype)
{
	return DevicePathType(p) == MESSAGING_DEVICE_PATH &&
	       DevicePathSubType(p) == subtype;
}

/* A DHCPACK carrying what the path's IPv4(), Dns() and Uri() nodes say:
 * HTTP Boot writes them once its DHCP is done. */
static size_t from_path(EFI_DEVICE_PATH *p, const uint8_t mac[6], uint8_t *ack,
			size_t cap)
{
	const uint8_t *ip = NULL, *dns = NULL, *uri = NULL;
	size_t uri_len = 0;
	for (unsigned guard = 0; p && guard < 64 && !IsDevicePathEnd(p); guard++) {
		const uint8_t *b = (const uint8_t *)p;
		UINTN len = DevicePathNodeLength(p);
		if (node_is(p, MSG_IPv4_DP) && len >= IPV4_NODE_LEN)
			ip = b;
		if (node_is(p, MSG_DNS_DP) && len >= 5 + 16 && b[4] == 0)
			dns = b + 5;
		if (node_is(p, MSG_URI_DP)) {
			uri = b + 4;
			uri_len = len - 4;
		}
		p = NextDevicePathNode(p);
	}
	static const uint8_t zero[4];
	/* Without an address, or the mask that says what is on the link,
	 * the lease is not complete. */
	if (!ip || CompareMem((VOID *)(ip + IPV4_LOCAL), (VOID *)zero, 4) == 0 ||
	    CompareMem((VOID *)(ip + IPV4_MASK), (VOID *)zero, 4) == 0 ||
	    uri_len > 255 || cap < BOOTP_OPTIONS + 3 + 3 * 6 + 257 + 1)
		return 0;
	SetMem(ack, BOOTP_MIN, 0);
	ack[0] = 2; /* BOOTREPLY, Ethernet */
	ack[1] = 1;
	ack[2] = 6;
	CopyMem(ack + BOOTP_YIADDR, (VOID *)(ip + IPV4_LOCAL), 4);
	CopyMem(ack + BOOTP_CHADDR, (VOID *)mac, 6);
	static const uint8_t head[] = {99, 130, 83, 99, 53, 1, 5}; /* DHCPACK */
	CopyMem(ack + BOOTP_OPTIONS - 4, (VOID *)head, sizeof(head));
	size_t at = BOOTP_OPTIONS + 3;
	opt(ack, &at, 1, ip + IPV4_MASK, 4);
	if (CompareMem((VOID *)(ip + IPV4_GATEWAY), (VOID *)zero, 4) != 0)
		opt(ack, &at, 3, ip + IPV4_GATEWAY, 4);
	if (dns)
		opt(ack, &at, 6, dns, 4);
	/* The node holds the URI without a NUL: the boot file (option 67). */
	if (uri_len)
		opt(ack, &at, 67, uri, uri_len);
	ack[at++] = 255;
	return at < BOOTP_MIN ? BOOTP_MIN : at;
}

size_t efi_httpboot_lease(EFI_DEVICE_PATH *path, const uint8_t mac[6],
			  uint8_t *ack, size_t cap, const CHAR16 **from,
			  bool *built)
{
	size_t n = from_dhcp4(mac, ack, cap);
	*from = L"the firmware's DHCP4 child (its DHCPACK)";
	*built = !n;
	if (!n) {
		n = from_path(path, mac, ack, cap);
		*from = L"the IPv4() and Uri() nodes of the boot device path";
	}
	return n;
}
