/*
 * The UEFI platform under the chainloader core.  Order matters: the
 * cached DHCP packets are copied out of PXE Base Code *before* SNP is
 * opened exclusively, because the exclusive open disconnects the
 * firmware's MNP and PXE BC drivers (sharing SNP with MNP loses frames).
 */
#include <efi.h>
#include <efilib.h>

#include "efi/boot.h"
#include "efi/efi_platform.h"
#include "efi/handback.h"
#include "efi/httpboot.h"
#include "dhcp6msg.h"
#include "fmt.h"
#include "netboot/snp.h"
#include "smbios.h"
#include "tsc.h"

#define ARENA_BYTES (8u << 20)
/* An image of unknown size (chunked HTTP) gets this much address space. */
#define UNKNOWN_IMAGE_BYTES (256u << 20)

/* From the pool at init, like the loader (efi/main.c): as a static its
 * zeros would be file bytes, gnu-efi's linker script putting .bss in
 * .data. */
static struct efi_state {
	EFI_HANDLE image;
	EFI_HANDLE snp_handle;
	EFI_SIMPLE_NETWORK *snp_iface;
	struct nb_snp snp;
	struct nb_snp_stats said; /* the counters at the last say_link() */
	bool snp_open;
	bool nic_disconnected; /* our open unbound the firmware's drivers */
	uint64_t tsc0;
	uint64_t tsc_per_ms;
	uint64_t rng_state;
	uint8_t ack[1472], proxy[1472], pxe_reply[1472];
	const struct nb_dhcp *dhcp;
	struct nb_dhcp_cfg dhcp_cfg;
	CHAR16 wide[512];
} *ep;


/* A monotonic ms clock from the TSC, calibrated once on Stall (10 ms). */
static void calibrate(void)
{
	uint64_t t0 = cl_rdtsc();
	uefi_call_wrapper(BS->Stall, 1, 10000);
	uint64_t d = (cl_rdtsc() - t0) / 10;
	ep->tsc_per_ms = d ? d : 1000000;
	ep->tsc0 = cl_rdtsc();
}

static uint64_t p_now(void *ctx)
{
	(void)ctx;
	return (cl_rdtsc() - ep->tsc0) / ep->tsc_per_ms;
}

static int p_rng(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	return cl_tsc_entropy(&ep->rng_state, buf, len);
}

static void print_ascii(const char *t)
{
	while (*t) {
		UINTN n = 0;
		/* ConOut wants CRLF and UCS-2. */
		while (*t && n + 3 < sizeof(ep->wide) / sizeof(ep->wide[0])) {
			if (*t == '\n')
				ep->wide[n++] = L'\r';
			ep->wide[n++] = (CHAR16)(unsigned char)*t++;
		}
		ep->wide[n] = 0;
		uefi_call_wrapper(ST->ConOut->OutputString, 2, ST->ConOut, ep->wide);
	}
}

/* What the link did since the last call, as the BIOS loader prints its
 * ROM calls: frames per drain of the firmware's receive ring (its 64
 * buffers on OVMF's virtio-net) and transmits refused tell whether the
 * loop kept up or dropped its own ACKs. */
static void say_link(void)
{
	struct nb_snp_stats *s = &ep->snp.stats, *o = &ep->said;
	const uint32_t v[] = {
		s->rx_frames - o->rx_frames, s->rx_empty - o->rx_empty,
		s->rx_run_max, s->tx_frames - o->tx_frames,
		s->tx_no_buf - o->tx_no_buf, s->tx_fw_busy - o->tx_fw_busy,
		s->rx_errors + s->rx_too_big + s->rx_bad_len + s->tx_errors +
			s->status_errors + s->tx_bad_recycle -
			(o->rx_errors + o->rx_too_big + o->rx_bad_len +
			 o->tx_errors + o->status_errors + o->tx_bad_recycle)};
	static const char *const w[] = {
		"  snp: ", " frames in, ", " empty drains, most ",
		" in a row; ", " out, ", " refused (firmware busy ",
		"); errors ", "\n"};
	char d[21];
	for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		print_ascii(w[i]);
		print_ascii(cl_dec(d, v[i]));
	}
	print_ascii(w[7]);
	s->rx_run_max = 0;
	*o = *s;
}

static void p_print(void *ctx, const char *t)
{
	(void)ctx;
	print_ascii(t);
	if (cl_suffix(t, " MB/s\n"))
		say_link();
}

static uint8_t *p_image_mem(void *ctx, uint64_t size, uint64_t *cap)
{
	(void)ctx;
	uint64_t want = size ? size : UNKNOWN_IMAGE_BYTES;
	EFI_PHYSICAL_ADDRESS addr = 0;
	EFI_STATUS rc = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages,
					  EfiLoaderData,
					  (UINTN)((want + 4095) / 4096), &addr);
	if (EFI_ERROR(rc))
		return NULL;
	*cap = want;
	return (uint8_t *)(UINTN)addr;
}

static void release_snp(void)
{
	if (!ep)
		return;
	/* Let the firmware finish what it is sending before we let go. */
	for (int i = 0; ep->snp_open && i < 100; i++) {
		if (nb_snp_close(&ep->snp) != -NB_EAGAIN)
			break;
		uefi_call_wrapper(BS->Stall, 1, 1000);
	}
	if (ep->snp_open)
		uefi_call_wrapper(BS->CloseProtocol, 4, ep->snp_handle,
				  &SimpleNetworkProtocol, ep->image, NULL);
	ep->snp_open = false;
}

void efi_platform_dhcp(const struct nb_dhcp *d)
{
	ep->dhcp = d;
}

/* The lease in use, as PXE Base Code holds packets (whole 1472-byte
 * buffers): the loader's kept ones, which are the firmware's when it
 * adopted them and its own DHCP's when it ran one (started from a disk:
 * PXE Base Code never had any). */
static const void *kept(enum nb_dhcp_pkt which, uint8_t *buf)
{
	size_t n;
	const uint8_t *k = ep->dhcp && ep->dhcp->state == NB_DHCP_BOUND
				   ? nb_dhcp_packet(ep->dhcp, which, &n)
				   : NULL;
	if (!k || n > 1472)
		return NULL;
	if (k != buf) {
		SetMem(buf, 1472, 0);
		CopyMem(buf, (VOID *)k, n);
	}
	return buf;
}

/* SNP released and the firmware's network stack rebound (the next boot
 * option, a chained program); the device path the next image is loaded
 * from. */
static EFI_DEVICE_PATH *hand_back(bool chain)
{
	release_snp();
	if (!ep || !ep->nic_disconnected)
		return NULL;
	ep->nic_disconnected = false;
	struct efi_handback_pkts pk = {0};
	if (chain) {
		pk.ack = kept(NB_DHCP_PKT_ACK, ep->ack);
		pk.proxy = kept(NB_DHCP_PKT_PROXY, ep->proxy);
		pk.reply = kept(NB_DHCP_PKT_BOOT, ep->pxe_reply);
	}
	return efi_handback(ep->snp_handle, &pk);
}

void efi_platform_release(void)
{
	hand_back(false);
	if (ep)
		FreePool(ep);
	ep = NULL;
}

static int p_boot_kernel(void *ctx, const uint8_t *k, uint64_t klen,
			 const uint8_t *initrd, uint64_t ilen, const char *args)
{
	(void)ctx;
	EFI_STATUS rc;
	if (initrd) {
		rc = efi_boot_register_initrd(initrd, ilen);
		if (EFI_ERROR(rc)) {
			Print(L"boot: cannot offer the initrd: %r\r\n", rc);
			return -NB_EIO;
		}
	}
	release_snp();
	p_print(NULL, "boot: starting the kernel\n");
	rc = efi_boot_image(ep->image, NULL, k, klen, args);
	efi_boot_unregister_initrd();
	if (efi_boot_refused(rc))
		Print(L"boot: the kernel is not signed by a trusted key: %r\r\n", rc);
	else
		Print(L"boot: the kernel did not start: %r\r\n", rc);
	return -NB_EBADIMAGE;
}

static int p_boot_chain(void *ctx, const uint8_t *img, uint64_t len,
			const char *args)
{
	(void)ctx;
	EFI_DEVICE_PATH *dev = hand_back(true);
	EFI_STATUS rc = efi_boot_image(ep->image, dev, img, len, args);
	if (efi_boot_refused(rc))
		Print(L"chain: the image is not signed by a trusted key: %r\r\n", rc);
	else
		Print(L"chain: the image did not start: %r\r\n", rc);
	return -NB_EBADIMAGE;
}

static EFI_STATUS copy_packets(struct cl_platform *p, EFI_HANDLE dev)
{
	EFI_PXE_BASE_CODE *pxe;
	EFI_STATUS rc = uefi_call_wrapper(BS->HandleProtocol, 3, dev,
					  &PxeBaseCodeProtocol, (void **)&pxe);
	if (EFI_ERROR(rc))
		return rc;
	EFI_PXE_BASE_CODE_MODE *m = pxe->Mode;
	/* PXEv6: DhcpAck holds the DHCPv6 Reply (no IPv4 lease at all). */
	if (m->UsingIpv6) {
#ifdef CL_IP6
		if (m->DhcpAckReceived) {
			CopyMem(ep->ack, &m->DhcpAck, sizeof(ep->ack));
			p->dhcp6 = ep->ack;
			p->dhcp6_len = cl_dhcp6_msg_len(ep->ack, sizeof(ep->ack));
		}
#endif
		return EFI_SUCCESS;
	}
	if (m->DhcpAckReceived) {
		CopyMem(ep->ack, &m->DhcpAck, sizeof(ep->ack));
		p->ack = ep->ack;
		p->ack_len = sizeof(ep->ack);
		ep->rng_state ^= (uint64_t)ep->ack[4] << 24 | ep->ack[5] << 16 |
				ep->ack[6] << 8 | ep->ack[7];
	}
	if (m->ProxyOfferReceived) {
		CopyMem(ep->proxy, &m->ProxyOffer, sizeof(ep->proxy));
		p->proxy = ep->proxy;
		p->proxy_len = sizeof(ep->proxy);
	}
	if (m->PxeReplyReceived) {
		CopyMem(ep->pxe_reply, &m->PxeReply, sizeof(ep->pxe_reply));
		p->boot_reply = ep->pxe_reply;
		p->boot_reply_len = sizeof(ep->pxe_reply);
	}
	return EFI_SUCCESS;
}

/*
 * Under HTTP Boot: adopt the firmware's lease when it left one complete.
 * Any DHCP of ours (none left, or a script that asks for a fresh one)
 * presents itself as HTTP Boot does, client arch 16 and HTTPClient, so
 * the server answers with the same boot URL and options.
 */
static EFI_STATUS http_lease(struct cl_platform *p, EFI_DEVICE_PATH *path)
{
	const uint8_t *mac = NULL;
	EFI_DEVICE_PATH *n = path;
	for (unsigned guard = 0; guard < 64 && !IsDevicePathEnd(n);
	     guard++, n = NextDevicePathNode(n))
		if (DevicePathType(n) == MESSAGING_DEVICE_PATH &&
		    DevicePathSubType(n) == MSG_MAC_ADDR_DP)
			mac = ((MAC_ADDR_DEVICE_PATH *)n)->MacAddress.Addr;
	if (!mac)
		return EFI_NOT_FOUND;
	ep->dhcp_cfg.pxe = true;
	ep->dhcp_cfg.http = true;
	ep->dhcp_cfg.arch = 16; /* x64 UEFI HTTP (IANA processor architecture) */
	ep->dhcp_cfg.undi_major = 3;
	p->dhcp_cfg = &ep->dhcp_cfg;
	const CHAR16 *from;
	bool built;
	size_t len = efi_httpboot_lease(path, mac, ep->ack, sizeof(ep->ack),
					&from, &built);
	if (!len) {
		Print(L"nbchain: HTTP Boot left no complete lease: our own DHCP as HTTPClient\r\n");
		return EFI_SUCCESS;
	}
	Print(L"nbchain: HTTP Boot: lease from %s\r\n", from);
	p->ack = ep->ack;
	p->ack_len = len;
	/* An ACK rebuilt from the path has only the address: the server's
	 * other options (209/210...) come by DHCPINFORM, no new lease. */
	p->inform = built;
	return EFI_SUCCESS;
}

/* Bytes of a device path before its end node. */
static UINTN path_len(EFI_DEVICE_PATH *p, EFI_DEVICE_PATH **last)
{
	UINTN n = 0;
	*last = NULL;
	for (unsigned guard = 0; guard < 64 && !IsDevicePathEnd(p); guard++) {
		*last = p;
		n += DevicePathNodeLength(p);
		p = NextDevicePathNode(p);
	}
	return n;
}

/*
 * The NIC's own SNP: the handle whose path ends in Mac() and is a prefix
 * of our boot path (the first NIC's when we did not come from one: boot
 * NULL).  PXE BC's IPv4/IPv6 child handles carry an SNP too
 * (LocateDevicePath would return that one), but only the NIC's can be
 * opened exclusively.
 */
static EFI_STATUS find_nic_snp(EFI_DEVICE_PATH *boot, EFI_HANDLE *out)
{
	UINTN n = 0;
	EFI_HANDLE *hs = NULL;
	EFI_DEVICE_PATH *last;
	UINTN boot_len = boot ? path_len(boot, &last) : 0;
	EFI_STATUS rc = uefi_call_wrapper(BS->LocateHandleBuffer, 5, ByProtocol,
					  &SimpleNetworkProtocol, NULL, &n, &hs);
	if (EFI_ERROR(rc))
		return rc;
	rc = EFI_NOT_FOUND;
	for (UINTN i = 0; i < n && EFI_ERROR(rc); i++) {
		EFI_DEVICE_PATH *p = DevicePathFromHandle(hs[i]);
		if (!p)
			continue;
		UINTN len = path_len(p, &last);
		if (last && DevicePathType(last) == MESSAGING_DEVICE_PATH &&
		    DevicePathSubType(last) == MSG_MAC_ADDR_DP &&
		    (!boot || (len <= boot_len && CompareMem(p, boot, len) == 0))) {
			*out = hs[i];
			rc = EFI_SUCCESS;
		}
	}
	FreePool(hs);
	return rc;
}

/*
 * Firmware booting from a disk may have connected only the boot device
 * (OVMF does, given a boot order): no NIC driver ran, no SNP exists.
 * Connect every PCI device, recursively, as a boot manager's
 * "connect all" does.
 */
static void connect_pci(void)
{
	UINTN n = 0;
	EFI_HANDLE *hs = NULL;
	if (EFI_ERROR(uefi_call_wrapper(BS->LocateHandleBuffer, 5, ByProtocol,
					&PciIoProtocol, NULL, &n, &hs)))
		return;
	for (UINTN i = 0; i < n; i++)
		uefi_call_wrapper(BS->ConnectController, 4, hs[i], NULL, NULL, TRUE);
	FreePool(hs);
}

static EFI_STATUS open_snp(EFI_HANDLE image, EFI_DEVICE_PATH *path)
{
	EFI_STATUS rc = find_nic_snp(path, &ep->snp_handle);
	if (EFI_ERROR(rc) && !path) {
		connect_pci();
		rc = find_nic_snp(path, &ep->snp_handle);
	}
	if (EFI_ERROR(rc)) {
		Print(L"nbchain: no Simple Network Protocol on the boot NIC: %r\r\n", rc);
		return rc;
	}
	rc = uefi_call_wrapper(BS->OpenProtocol, 6, ep->snp_handle,
			       &SimpleNetworkProtocol, (void **)&ep->snp_iface,
			       image, NULL, EFI_OPEN_PROTOCOL_EXCLUSIVE);
	if (EFI_ERROR(rc))
		Print(L"nbchain: cannot take SNP for ourselves: %r\r\n", rc);
	return rc;
}

static int p_key(void *ctx)
{
	(void)ctx;
	EFI_INPUT_KEY k;
	/* The console splitter merges the keyboard and the serial line. */
	if (EFI_ERROR(uefi_call_wrapper(ST->ConIn->ReadKeyStroke, 2, ST->ConIn, &k)))
		return -1;
	return k.UnicodeChar ? k.UnicodeChar : k.ScanCode == SCAN_ESC ? 27 : -1;
}

/* SMBIOS from the configuration table: the 3.0 entry point first. */
static void find_smbios(struct cl_platform *p)
{
	static EFI_GUID guids[2] = {SMBIOS3_TABLE_GUID, SMBIOS_TABLE_GUID};
	for (int g = 0; g < 2; g++) {
		for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
			EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];
			uint64_t addr;
			uint32_t len;
			if (CompareGuid(&t->VendorGuid, &guids[g]) == 0 &&
			    cl_smbios_entry(t->VendorTable, 32, &addr, &len) == 0) {
				p->smbios = (const uint8_t *)(UINTN)addr;
				p->smbios_len = len;
				return;
			}
		}
	}
}

EFI_STATUS efi_platform_init(struct cl_platform *p, EFI_HANDLE image,
			     struct nb_arena *arena)
{
	EFI_LOADED_IMAGE *li;
	EFI_STATUS rc;
	SetMem(p, sizeof(*p), 0);
	ep = AllocateZeroPool(sizeof(*ep));
	if (!ep)
		return EFI_OUT_OF_RESOURCES;
	ep->image = image;
	calibrate();
	ep->rng_state = cl_rdtsc();
	rc = uefi_call_wrapper(BS->HandleProtocol, 3, image,
			       &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(rc))
		return rc;
	EFI_DEVICE_PATH *dev = DevicePathFromHandle(li->DeviceHandle);
	EFI_DEVICE_PATH *path = NULL;
	if (!EFI_ERROR(copy_packets(p, li->DeviceHandle))) {
		path = dev;
		if (!path)
			return EFI_NOT_FOUND;
	} else if (efi_httpboot_path(dev)) {
		path = dev;
		rc = http_lease(p, path);
		if (EFI_ERROR(rc))
			return rc;
	} else {
		/* From a disk: no lease to adopt, so the loader runs DHCP
		 * itself, on the first NIC. */
		Print(L"nbchain: not started by PXE (from a disk?): our own DHCP on the first NIC\r\n");
	}
	rc = open_snp(image, path);
	if (EFI_ERROR(rc))
		return rc;
	ep->snp_open = true;
	ep->nic_disconnected = true;
	void *mem = AllocatePool(ARENA_BYTES);
	if (!mem)
		return EFI_OUT_OF_RESOURCES;
	nb_arena_init(arena, mem, ARENA_BYTES);
	int nrc = nb_snp_init(&ep->snp, (struct nb_efi_snp *)ep->snp_iface, 0, arena);
	if (nrc < 0) {
		Print(L"nbchain: SNP start failed: %a\r\n", nb_strerror(nrc));
		return EFI_DEVICE_ERROR;
	}
	p->ctx = p;
	p->link = &ep->snp.link;
	p->rng.fill = p_rng;
	p->print = p_print;
	p->now_ms = p_now;
	p->image_mem = p_image_mem;
	p->boot_kernel = p_boot_kernel;
	p->boot_chain = p_boot_chain;
	p->key = p_key;
	p->buildarch = "x86_64";
	p->platform = "efi";
	find_smbios(p);
	return EFI_SUCCESS;
}
