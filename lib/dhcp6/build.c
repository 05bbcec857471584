/*
 * The client's two messages, Solicit and Request, with the options a
 * UEFI PXE client sends (RFC 5970 client architecture and NII, the Intel
 * enterprise vendor class servers match on), so a server set up for
 * firmware PXEv6 treats us the same.
 */
#include "core/mem.h"
#include "core/text.h"
#include "dhcp6/dhcp6_int.h"

/* IANA enterprise number 343 (Intel), which PXE vendor classes carry. */
#define ENTERPRISE_INTEL 343

static uint8_t *opt(uint8_t *p, uint16_t code, size_t len)
{
	nb_put16(p, code);
	nb_put16(p + 2, (uint16_t)len);
	return p + 4;
}

static uint8_t *opt_copy(uint8_t *p, uint16_t code, const void *v, size_t len)
{
	p = opt(p, code, len);
	memcpy(p, v, len);
	return p + len;
}

/* `PXEClient:Arch:00007:UNDI:003016`, as EDK2 and iPXE spell it. */
static size_t vendor_class(const struct nb_dhcp6_cfg *cfg, uint8_t mj,
			   uint8_t mn, char *out)
{
	struct nb_sb sb;
	nb_sb_init(&sb, out, 40);
	nb_sb_str(&sb, cfg->http ? "HTTPClient:Arch:" : "PXEClient:Arch:");
	nb_sb_num(&sb, cfg->arch, 10, 5);
	nb_sb_str(&sb, ":UNDI:");
	nb_sb_num(&sb, mj, 10, 3);
	nb_sb_num(&sb, mn, 10, 3);
	return sb.n;
}

size_t nb_d6_build(const struct nb_dhcp6 *c, uint64_t now_ms, uint8_t *b)
{
	bool req = c->state == NB_DHCP6_REQUESTING;
	nb_put32(b, c->xid);
	b[0] = req ? NB_DHCP6_REQUEST : NB_DHCP6_SOLICIT;
	uint8_t *p = opt_copy(b + D6_HLEN, OPT_CLIENTID, c->duid, c->duid_len);
	if (req)
		p = opt_copy(p, OPT_SERVERID, c->cand_sid, c->cand_sid_len);
	/* Hundredths of a second since the exchange began, saturating. */
	uint64_t ms = now_ms - c->xchg_ms;
	p = opt(p, OPT_ELAPSED, 2);
	nb_put16(p, ms >= 655350 ? 0xffff : (uint16_t)((uint32_t)ms / 10));
	p += 2;
	/* T1 and T2 0: the server's choice.  A Request names the address
	 * advertised, with lifetimes 0 (RFC 8415 21.6). */
	p = opt(p, OPT_IA_NA, req ? 12 + 28 : 12);
	nb_put32(p, c->iaid);
	memset(p + 4, 0, 8);
	p += 12;
	if (req) {
		p = opt(p, OPT_IAADDR, 24);
		memcpy(p, c->cand_addr, 16);
		memset(p + 16, 0, 8);
		p += 24;
	}
	if (c->cfg.rapid_commit && !req)
		p = opt(p, OPT_RAPID_COMMIT, 0);
	/* RFC 8415 21.24: SOL_MAX_RT is always in the request list. */
	uint16_t oro[4] = {OPT_DNS, OPT_SOL_MAX_RT, OPT_BOOT_URL, OPT_BOOT_PARAM};
	size_t no = c->cfg.pxe ? 4 : 2;
	p = opt(p, OPT_ORO, 2 * no);
	for (size_t i = 0; i < no; i++, p += 2)
		nb_put16(p, oro[i]);
	if (c->cfg.pxe) {
		uint8_t mj = c->cfg.undi_major, mn = c->cfg.undi_minor;
		if (!mj && !mn) {
			mj = 3;
			mn = 16;
		}
		p = opt(p, OPT_ARCH, 2);
		nb_put16(p, c->cfg.arch);
		p += 2;
		p = opt(p, OPT_NII, 3);
		p[0] = 1; /* UNDI */
		p[1] = mj;
		p[2] = mn;
		p += 3;
		char vc[40];
		size_t n = vendor_class(&c->cfg, mj, mn, vc);
		p = opt(p, OPT_VENDOR_CLASS, 4 + 2 + n);
		nb_put32(p, ENTERPRISE_INTEL);
		nb_put16(p + 4, (uint16_t)n);
		p = (uint8_t *)memcpy(p + 6, vc, n) + n;
	}
	return (size_t)(p - b);
}
