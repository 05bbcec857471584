/*
 * PXENV_GET_CACHED_INFO and the options the script sets for the next
 * stage: the boot's DHCP packets are handed to the NBP as BOOTPLAYERs
 * rebuilt on every call, so options the script set (209, 210, ...) replace
 * the server's, and the buffers handed out by address stay in base memory
 * where the NBP keeps pointing.
 */
#include "pxeapi_int.h"

#define BOOTP_HDR 236
#define DHCP_MAGIC 0x63825363u

/* The script's option slot holding @p tag (0: a free one), or -1. */
static int opt_index(const struct cl_pxeapi *a, uint8_t tag)
{
	for (int i = 0; i < CL_PXEAPI_OPTS; i++)
		if (a->opts[i].tag == tag)
			return i;
	return -1;
}

/* Append one option at *at if it fits before the END byte; false if not. */
static bool put_opt(uint8_t *out, size_t *at, uint8_t tag, const uint8_t *v,
		    size_t len)
{
	if (*at + 2 + len + 1 > CL_PXEAPI_BOOTPLAYER_SIZE)
		return false;
	out[(*at)++] = tag;
	out[(*at)++] = (uint8_t)len;
	memcpy(out + *at, v, len);
	*at += len;
	return true;
}

/* Lay a DHCP packet out as a BOOTPLAYER: header verbatim, then its
 * options minus those the script replaced, then the script's options,
 * END, zeros.  Options that no longer fit are left out whole. */
static void build_reply(const struct cl_pxeapi *a, uint8_t *out,
			const uint8_t *pkt, size_t len)
{
	memset(out, 0, CL_PXEAPI_BOOTPLAYER_SIZE);
	memcpy(out, pkt, len < BOOTP_HDR ? len : BOOTP_HDR);
	nb_put32(out + BOOTP_HDR, DHCP_MAGIC);
	size_t at = BOOTP_HDR + 4;
	bool room = true;
	if (len >= BOOTP_HDR + 4 && nb_get32(pkt + BOOTP_HDR) == DHCP_MAGIC) {
		size_t i = BOOTP_HDR + 4;
		while (i < len && pkt[i] != 255) {
			uint8_t tag = pkt[i];
			if (tag == 0) {
				i++;
				continue;
			}
			if (i + 2 > len || i + 2 + pkt[i + 1] > len)
				break; /* truncated: keep what was whole */
			uint8_t olen = pkt[i + 1];
			if (room && opt_index(a, tag) < 0)
				room = put_opt(out, &at, tag, pkt + i + 2, olen);
			i += 2 + (size_t)olen;
		}
	}
	for (int k = 0; k < CL_PXEAPI_OPTS && room; k++)
		if (a->opts[k].tag)
			room = put_opt(out, &at, a->opts[k].tag, a->opts[k].val,
				       a->opts[k].len);
	out[at] = 255;
}

/* The DHCPDISCOVER we would have sent: what PXE asks for in PacketType 1. */
static void build_discover(const struct cl_pxeapi *a, uint8_t *out,
			   const uint8_t *ack, size_t len)
{
	memset(out, 0, CL_PXEAPI_BOOTPLAYER_SIZE);
	out[0] = 1; /* BOOTREQUEST */
	out[1] = 1;
	out[2] = 6;
	if (len >= BOOTP_HDR) {
		memcpy(out + 4, ack + 4, 4);     /* xid */
		memcpy(out + 28, ack + 28, 16);  /* chaddr */
	} else {
		memcpy(out + 28, a->cfg.stack->link->mac, 6);
	}
	nb_put32(out + BOOTP_HDR, DHCP_MAGIC);
	size_t at = BOOTP_HDR + 4;
	static const uint8_t discover = 1;
	(void)put_opt(out, &at, 53, &discover, 1);
	static const uint8_t vci[] = "PXEClient";
	(void)put_opt(out, &at, 60, vci, sizeof(vci) - 1);
	out[at] = 255;
}

uint16_t cl_pxa_get_cached_info(struct cl_pxeapi *a, uint8_t *b)
{
	uint16_t type = nb_load_le16(b + 2);
	if (type < CL_PXE_PKT_DISCOVER || type > CL_PXE_PKT_REPLY)
		return fail(b, PXENV_STATUS_UNSUPPORTED);
	const struct nb_dhcp *d = a->cfg.dhcp;
	size_t len = 0;
	const uint8_t *pkt = NULL;
	if (type == CL_PXE_PKT_REPLY) {
		pkt = nb_dhcp_packet(d, NB_DHCP_PKT_BOOT, &len);
		if (!pkt)
			pkt = nb_dhcp_packet(d, NB_DHCP_PKT_PROXY, &len);
	}
	if (!pkt)
		pkt = nb_dhcp_packet(d, NB_DHCP_PKT_ACK, &len);
	if (!pkt)
		len = 0;
	/* Rebuilt on every call so the script's latest options show; the
	 * buffer is ours and stays put, as callers holding the pointer
	 * from BufferSize 0 expect. */
	uint8_t *info = a->cfg.base + (size_t)(type - 1) *
					      CL_PXEAPI_BOOTPLAYER_SIZE;
	if (type == CL_PXE_PKT_DISCOVER)
		build_discover(a, info, pkt, len);
	else
		build_reply(a, info, pkt ? pkt : info, len);
	uint16_t size = nb_load_le16(b + 4);
	if (size == 0) {
		/* BufferLimit (b + 10) is left alone: NBPs written for the
		 * older, shorter block have no room for it. */
		uint32_t off = a->cfg.base_off +
			       (uint32_t)(type - 1) * CL_PXEAPI_BOOTPLAYER_SIZE;
		uint16_t seg = a->cfg.base_seg;
		seg = (uint16_t)(seg + (off >> 4));
		nb_store_le16(b + 6, (uint16_t)(off & 15));
		nb_store_le16(b + 8, seg);
		nb_store_le16(b + 4, CL_PXEAPI_BOOTPLAYER_SIZE);
		return ok(b);
	}
	if (size > CL_PXEAPI_BOOTPLAYER_SIZE)
		size = CL_PXEAPI_BOOTPLAYER_SIZE;
	uint8_t *dst = far_ptr(a, b + 6, size);
	if (!dst)
		return fail(b, PXENV_STATUS_BAD_FUNC);
	/* memmove: the caller may point into our own copy (the address
	 * BufferSize 0 handed out), overlapping it. */
	memmove(dst, info, size);
	nb_store_le16(b + 4, size);
	return ok(b);
}

int cl_pxeapi_set_option(struct cl_pxeapi *a, uint8_t tag, const void *val,
			 size_t len)
{
	if (!a || tag == 0 || tag == 255 || len > 255 || (len && !val))
		return -NB_EINVAL;
	int i = opt_index(a, tag);
	if (i < 0)
		i = opt_index(a, 0);
	if (i < 0)
		return -NB_ENOSPC;
	struct cl_pxeapi_opt *o = &a->opts[i];
	o->tag = tag;
	o->len = (uint8_t)len;
	if (len)
		memcpy(o->val, val, len);
	return 0;
}
