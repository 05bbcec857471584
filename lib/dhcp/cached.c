/*
 * Reusing the packets PXE firmware already exchanged, and reading kept
 * packets back.  Firmware buffers are fixed-size (BOOTPLAYER, 1472-byte
 * EFI_PXE_BASE_CODE_PACKET), so a cached packet is usually followed by
 * zeros; the option walk stops at the end option and ignores them.
 */
#include "core/mem.h"
#include "dhcp/dhcp_int.h"
#include "netboot/stack.h"

enum why {
	W_MALFORMED,
	W_NOT_REPLY,
	W_NOT_ETHER,
	W_NOT_OURS,
	W_NOT_ACK,
	W_NO_ADDR,
	W_OK
};

/* Checks shared by every cached packet. */
static enum why check_reply(const struct nb_stack *s, const uint8_t *p,
			    size_t len, struct dview *v)
{
	if (nb_dview_init(v, p, len) < 0)
		return W_MALFORMED;
	if (p[BOOTP_OP] != BOOTP_REPLY)
		return W_NOT_REPLY;
	if (p[BOOTP_HTYPE] != 1 || p[BOOTP_HLEN] != 6)
		return W_NOT_ETHER;
	if (memcmp(p + BOOTP_CHADDR, s->link->mac, 6) != 0)
		return W_NOT_OURS;
	return W_OK;
}

/* Say which packet failed which check: the caller prints this when it
 * falls back to a full exchange. */
static const char *reason(int pkt, enum why w)
{
	switch (w) {
	case W_MALFORMED:
		return pkt == 0   ? "cached DHCPACK is malformed"
		       : pkt == 1 ? "cached ProxyDHCP packet is malformed"
				  : "cached boot-server reply is malformed";
	case W_NOT_REPLY:
		return pkt == 0   ? "cached DHCPACK is not a BOOTP reply"
		       : pkt == 1 ? "cached ProxyDHCP packet is not a BOOTP reply"
				  : "cached boot-server reply is not a BOOTP reply";
	case W_NOT_ETHER:
		return "cached packet is not for an Ethernet (6-byte) address";
	case W_NOT_OURS:
		return pkt == 0   ? "cached DHCPACK: chaddr is not our MAC"
		       : pkt == 1 ? "cached ProxyDHCP packet: chaddr is not our MAC"
				  : "cached boot-server reply: chaddr is not our MAC";
	case W_NOT_ACK:
		return "cached DHCP packet is not a DHCPACK";
	case W_NO_ADDR:
		return "cached DHCPACK has no usable address";
	default:
		return "";
	}
}

static int reject(struct nb_dhcp *d, int pkt, enum why w)
{
	const char *why = reason(pkt, w);
	d->state = NB_DHCP_FAILED;
	d->error = -NB_ENOLEASE;
	d->why = why;
	return -NB_ENOLEASE;
}

static size_t cap_len(size_t len)
{
	return len > NB_DHCP_PKT_MAX ? NB_DHCP_PKT_MAX : len;
}

int nb_dhcp_use_cached(struct nb_dhcp *d, struct nb_stack *s, const void *ack,
		       size_t ack_len, const void *proxy, size_t proxy_len,
		       const void *boot, size_t boot_len)
{
	if (!d || !s || !ack)
		return -NB_EINVAL;
	nb_dhcp_unlink(d, s);
	memset(d, 0, sizeof(*d));
	d->s = s;
	const void *pk[3] = {ack, proxy, boot};
	size_t pl[3] = {cap_len(ack_len), cap_len(proxy_len), cap_len(boot_len)};
	for (int i = 0; i < 3; i++) {
		if (!pk[i])
			continue;
		struct dview v;
		enum why w = check_reply(s, pk[i], pl[i], &v);
		if (w != W_OK)
			return reject(d, i, w);
		if (i == NB_DHCP_PKT_ACK) {
			int t = nb_dview_type(&v);
			if (t != NB_DHCP_NONE && t != NB_DHCP_ACK)
				return reject(d, i, W_NOT_ACK);
			if (!nb_lease_usable_ip(nb_get32(v.p + BOOTP_YIADDR)))
				return reject(d, i, W_NO_ADDR);
		}
		memcpy(d->pkt[i], pk[i], pl[i]);
		d->pkt_len[i] = (uint16_t)pl[i];
	}
	d->lease.from_cache = true;
	nb_dhcp_merge(d);
	nb_dhcp_bound(d);
	return 0;
}

int nb_dhcp_option(const struct nb_dhcp *d, enum nb_dhcp_pkt which,
		   uint8_t tag, void *buf, size_t cap)
{
	if (!d || tag == OPT_PAD || tag == OPT_END || which > NB_DHCP_PKT_ANY)
		return -NB_EINVAL;
	static const uint8_t order[3] = {NB_DHCP_PKT_BOOT, NB_DHCP_PKT_PROXY,
					 NB_DHCP_PKT_ACK};
	int rc = -NB_ENOTFOUND;
	for (int i = 0; i < 3; i++) {
		uint8_t k = which == NB_DHCP_PKT_ANY ? order[i] : (uint8_t)which;
		if (which != NB_DHCP_PKT_ANY && i > 0)
			break;
		if (!d->pkt_len[k])
			continue;
		struct dview v;
		if (nb_dview_init(&v, d->pkt[k], d->pkt_len[k]) < 0)
			continue;
		rc = nb_dopt_get(&v, tag, buf, cap);
		if (rc != -NB_ENOTFOUND)
			return rc;
	}
	return rc;
}

const uint8_t *nb_dhcp_packet(const struct nb_dhcp *d, enum nb_dhcp_pkt which,
			      size_t *len)
{
	if (len)
		*len = 0;
	if (!d || which >= NB_DHCP_PKT_ANY || !d->pkt_len[which])
		return NULL;
	if (len)
		*len = d->pkt_len[which];
	return d->pkt[which];
}
