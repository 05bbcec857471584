/*
 * Turning packets into a struct nb_dhcp_lease.  The ACK gives the address
 * and network settings; every packet may give boot information, and a
 * later one (proxy, then boot server) overrides an earlier one field by
 * field, which is how PXE firmware combines them too.
 */
#include "core/mem.h"
#include "dhcp/dhcp_int.h"

/* Copy a string option, stopping at a NUL the server may have added. */
static bool opt_str(const struct dview *v, uint8_t tag, char *dst,
		    bool *cut)
{
	if (nb_dopt_len(v, tag) < 0)
		return false;
	struct dcat c;
	nb_dcat_init(&c, v, tag);
	size_t n = 0;
	int b;
	while ((b = nb_dcat_byte(&c)) > 0) {
		if (n == NB_DHCP_STR_MAX - 1) {
			if (cut)
				*cut = true;
			break;
		}
		dst[n++] = (char)b;
	}
	dst[n] = '\0';
	return true;
}

/* Copy a fixed BOOTP string field (sname/file); false when empty. */
static bool field_str(const uint8_t *f, size_t flen, char *dst, bool *cut)
{
	if (!f[0])
		return false;
	size_t n = 0;
	while (n < flen && f[n]) {
		if (n == NB_DHCP_STR_MAX - 1) {
			if (cut)
				*cut = true;
			break;
		}
		dst[n] = (char)f[n];
		n++;
	}
	dst[n] = '\0';
	return true;
}

bool nb_lease_usable_ip(uint32_t ip)
{
	uint8_t a = (uint8_t)(ip >> 24);
	/* 0/8 is "this network", 127/8 loopback, 224+ multicast/class E
	 * and the limited broadcast: none can be a host's own address. */
	return a != 0 && a != 127 && a < 224;
}

static uint32_t classful_mask(uint32_t ip)
{
	if ((ip >> 31) == 0)
		return 0xff000000u;
	if ((ip >> 30) == 2)
		return 0xffff0000u;
	return 0xffffff00u;
}

static void apply_addr(struct nb_dhcp_lease *l, const struct dview *v)
{
	l->ip = nb_get32(v->p + BOOTP_YIADDR);
	uint32_t m;
	l->mask = nb_dopt_u32(v, OPT_MASK, &m) ? m : classful_mask(l->ip);
	uint8_t b[4 * NB_DNS_SERVERS];
	/* Routers and DNS servers are lists; only the first few are kept,
	 * so read through the stream instead of copying the whole list. */
	struct dcat c;
	nb_dcat_init(&c, v, OPT_ROUTER);
	size_t n = 0;
	int x;
	while (n < 4 && (x = nb_dcat_byte(&c)) >= 0)
		b[n++] = (uint8_t)x;
	l->router = n == 4 ? nb_get32(b) : 0;
	nb_dcat_init(&c, v, OPT_DNS);
	n = 0;
	while (n < sizeof(b) && (x = nb_dcat_byte(&c)) >= 0)
		b[n++] = (uint8_t)x;
	l->ndns = 0;
	for (size_t i = 0; i + 4 <= n; i += 4) {
		uint32_t d = nb_get32(b + i);
		if (d)
			l->dns[l->ndns++] = d;
	}
	if (nb_dopt_get(v, OPT_MTU, b, 2) == 2)
		l->mtu = nb_get16(b);
	if (!nb_dopt_u32(v, OPT_SERVER_ID, &l->server_id))
		l->server_id = 0;
	if (!nb_dopt_u32(v, OPT_LEASE, &l->lease_s))
		l->lease_s = 0;
	opt_str(v, OPT_DOMAIN, l->domain, NULL);
	opt_str(v, OPT_HOSTNAME, l->hostname, NULL);
}

static void apply_boot(struct nb_dhcp_lease *l, const struct dview *v)
{
	uint32_t siaddr = nb_get32(v->p + BOOTP_SIADDR);
	bool file = opt_str(v, OPT_BOOT_FILE, l->boot_file, &l->boot_file_cut);
	if (!file && !(v->overload & 1))
		file = field_str(v->p + BOOTP_FILE, 128, l->boot_file,
				 &l->boot_file_cut);
	/* The TFTP server travels with the boot file: the packet naming
	 * the file names the server (siaddr), except that a zero siaddr
	 * never wipes out one we already know. */
	if (siaddr && (file || !l->next_server))
		l->next_server = siaddr;
	if (!opt_str(v, OPT_TFTP_SERVER, l->tftp_server, NULL) &&
	    !(v->overload & 2))
		field_str(v->p + BOOTP_SNAME, 64, l->tftp_server, NULL);
	opt_str(v, OPT_PXE_CONFIG, l->pxe_config, &l->pxe_cut);
	opt_str(v, OPT_PXE_PREFIX, l->pxe_prefix, &l->pxe_cut);
	if (nb_dopt_u32(v, OPT_PXE_REBOOT, &l->reboot_s))
		l->have_reboot = true;
	if (nb_dview_is_pxeclient(v))
		l->is_pxe = true;
	nb_lease_apply_pxe(l, v);
}

void nb_dhcp_merge(struct nb_dhcp *d)
{
	struct nb_dhcp_lease *l = &d->lease;
	uint32_t sent = l->packets_sent;
	bool cache = l->from_cache;
	memset(l, 0, sizeof(*l));
	l->packets_sent = sent;
	l->from_cache = cache;
	struct dview v;
	for (int i = 0; i < 3; i++) {
		if (!d->pkt_len[i] ||
		    nb_dview_init(&v, d->pkt[i], d->pkt_len[i]) < 0)
			continue;
		if (i == NB_DHCP_PKT_ACK)
			apply_addr(l, &v);
		else if (i == NB_DHCP_PKT_PROXY) {
			uint32_t id;
			l->proxy_ip = nb_dopt_u32(&v, OPT_SERVER_ID, &id)
					      ? id
					      : nb_get32(v.p + BOOTP_SIADDR);
		}
		apply_boot(l, &v);
	}
}

int nb_dhcp_parse_lease(const void *pkt, size_t len, struct nb_dhcp_lease *l)
{
	struct dview v;
	int rc = nb_dview_init(&v, pkt, len);
	if (rc < 0)
		return rc;
	memset(l, 0, sizeof(*l));
	apply_addr(l, &v);
	apply_boot(l, &v);
	return 0;
}
