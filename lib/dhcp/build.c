/*
 * Building the client's messages.  They are small (about 350 bytes), are
 * rebuilt for every retransmission (only `secs` changes) and are written
 * straight into the stack's transmit buffer, so the client keeps no copy.
 */
#include "core/mem.h"
#include "core/text.h"
#include "dhcp/dhcp_int.h"
#include "netboot/stack.h"

/*
 * What we ask for: address basics (26, the MTU: jumbo frames), 43/60 for
 * PXE, 66/67 for the boot file, 128-135 (PXE vendor-specific, requested
 * by PXE 2.1 clients so servers configured for PXE ROMs answer us the
 * same way) and pxelinux's 209-211.
 */
static const uint8_t param_list[] = {
	1,   3,   6,   12,  15,  26,  28,  43,  51,  54,  60,  66,  67,
	128, 129, 130, 131, 132, 133, 134, 135, 209, 210, 211,
};

/* One option: tag, length, value. */
static void put(struct nb_sb *o, uint8_t tag, const void *val, size_t len)
{
	uint8_t h[2] = {tag, (uint8_t)len};
	if (len > 255)
		o->over = true;
	nb_sb_put(o, h, 2);
	nb_sb_put(o, val, len);
}

static void put32(struct nb_sb *o, uint8_t tag, uint32_t v)
{
	uint8_t b[4];
	nb_put32(b, v);
	put(o, tag, b, 4);
}

static void pxe_options(const struct nb_dhcp_cfg *c, struct nb_sb *o)
{
	uint8_t b[3];
	nb_put16(b, c->arch);
	put(o, OPT_ARCH, b, 2);
	b[0] = 1; /* UNDI */
	b[1] = c->undi_major;
	b[2] = c->undi_minor;
	put(o, OPT_UNDI, b, 3);
	if (c->have_guid) {
		uint8_t g[17];
		g[0] = 0; /* type 0: the machine's UUID */
		memcpy(g + 1, c->guid, 16);
		put(o, OPT_GUID, g, sizeof(g));
	}
	/* PXE 2.1 section 2.2.5: "PXEClient:Arch:xxxxx:UNDI:yyyzzz"; UEFI
	 * HTTP Boot the same with "HTTPClient". */
	char vc[40];
	struct nb_sb v;
	nb_sb_init(&v, vc, sizeof(vc));
	nb_sb_str(&v, c->http ? "HTTPClient:Arch:" : "PXEClient:Arch:");
	nb_sb_num(&v, c->arch, 10, 5);
	nb_sb_str(&v, ":UNDI:");
	nb_sb_num(&v, c->undi_major, 10, 3);
	nb_sb_num(&v, c->undi_minor, 10, 3);
	put(o, OPT_CLASS_ID, vc, v.n);
}

/* Sub-option 71 asks a boot server for one item of its menu. */
static void boot_item(const struct nb_dhcp *d, struct nb_sb *o)
{
	uint16_t type = d->cfg.boot_type;
	if (!type && d->lease.nmenu)
		type = d->lease.menu[0].type;
	if (!type)
		return;
	uint8_t v[7] = {PXE_BOOT_ITEM, 4, 0, 0, 0, 0, OPT_END};
	nb_put16(v + 2, type);
	put(o, OPT_VENDOR, v, sizeof(v));
}

size_t nb_dhcp_build(const struct nb_dhcp *d, uint8_t *p, size_t cap,
		     uint8_t type, uint64_t now_ms)
{
	if (cap < BOOTP_MIN_LEN)
		return 0;
	bool proxy = d->state == NB_DHCP_PROXYING;
	memset(p, 0, BOOTP_MIN_LEN);
	p[BOOTP_OP] = BOOTP_REQUEST;
	p[BOOTP_HTYPE] = 1;
	p[BOOTP_HLEN] = 6;
	nb_put32(p + BOOTP_XID, d->xid);
	/* 32-bit division: i386 firmware builds have no __udivdi3. */
	uint64_t el = now_ms - d->start_ms;
	uint32_t secs = el >= 0xffffull * 1000 ? 0xffff : (uint32_t)el / 1000;
	nb_put16(p + BOOTP_SECS, (uint16_t)secs);
	if (d->cfg.broadcast && !proxy)
		nb_put16(p + BOOTP_FLAGS, BOOTP_FLAG_BROADCAST);
	if (proxy)
		nb_put32(p + BOOTP_CIADDR, d->lease.ip);
	memcpy(p + BOOTP_CHADDR, d->s->link->mac, 6);
	p[BOOTP_COOKIE] = 99;
	p[BOOTP_COOKIE + 1] = 130;
	p[BOOTP_COOKIE + 2] = 83;
	p[BOOTP_COOKIE + 3] = 99;

	/* One byte stays free for the end option. */
	struct nb_sb o;
	nb_sb_init(&o, (char *)p + BOOTP_OPTIONS, cap - BOOTP_OPTIONS - 1);
	put(&o, OPT_MSG_TYPE, &type, 1);
	uint8_t cid[7] = {1}; /* hardware type 1 + MAC, as PXE ROMs send */
	memcpy(cid + 1, d->s->link->mac, 6);
	put(&o, OPT_CLIENT_ID, cid, sizeof(cid));
	uint8_t ms[2];
	nb_put16(ms, NB_DHCP_PKT_MAX);
	put(&o, OPT_MAX_SIZE, ms, 2);
	if (type == NB_DHCP_REQUEST && !proxy) {
		put32(&o, OPT_REQ_IP, d->offered_ip);
		if (d->offer_server)
			put32(&o, OPT_SERVER_ID, d->offer_server);
	}
	if (d->cfg.pxe)
		pxe_options(&d->cfg, &o);
	if (d->cfg.user_class_len)
		put(&o, OPT_USER_CLASS, d->cfg.user_class,
		    d->cfg.user_class_len);
	if (proxy && d->pxe_server)
		boot_item(d, &o);
	put(&o, OPT_PARAMS, param_list, sizeof(param_list));
	if (o.over)
		return 0;
	size_t at = BOOTP_OPTIONS + o.n;
	p[at++] = OPT_END;
	return at < BOOTP_MIN_LEN ? BOOTP_MIN_LEN : at;
}
