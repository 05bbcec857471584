/*
 * Unit tests for lib/dhcp: the option parser on crafted packets (every
 * shape: overload, split options, truncation, zero-length lists), the
 * client state machine on a fake link (NAK, wrong XID/MAC, duplicate
 * offers, two servers, ProxyDHCP with port 4011, retransmission and
 * timeout), and the cached-packet path.
 *
 * With NB_DHCP_CORPUS set, every crafted packet is also written there:
 * that is how fuzz/dhcp/corpus was made.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../common/fakelink.h"
#include "../common/frames.h"
#include "netboot/dhcp.h"
#include "netboot/stack.h"

#define SRV_A NB_IPV4(10, 0, 0, 1)
#define SRV_B NB_IPV4(10, 0, 0, 7)
#define PROXY NB_IPV4(10, 0, 0, 9)
#define YIADDR NB_IPV4(10, 0, 0, 50)
#define YIADDR_B NB_IPV4(10, 0, 0, 60)

/* ---- packet crafting --------------------------------------------------- */

struct pk {
	uint8_t b[NB_DHCP_PKT_MAX];
	size_t len;
};

static void pk_init(struct pk *p, uint8_t op, uint32_t xid, const uint8_t *mac,
		    uint32_t yiaddr, uint32_t siaddr)
{
	memset(p, 0, sizeof(*p));
	p->b[0] = op;
	p->b[1] = 1;
	p->b[2] = 6;
	nb_put32(p->b + 4, xid);
	nb_put32(p->b + 16, yiaddr);
	nb_put32(p->b + 20, siaddr);
	memcpy(p->b + 28, mac, 6);
	p->b[236] = 99, p->b[237] = 130, p->b[238] = 83, p->b[239] = 99;
	p->len = 240;
}

static void pk_opt(struct pk *p, uint8_t tag, const void *v, size_t len)
{
	assert_true(p->len + 2 + len <= sizeof(p->b));
	p->b[p->len] = tag;
	p->b[p->len + 1] = (uint8_t)len;
	memcpy(p->b + p->len + 2, v, len);
	p->len += 2 + len;
}

static void pk_str(struct pk *p, uint8_t tag, const char *s)
{
	pk_opt(p, tag, s, strlen(s));
}

static void pk_u8(struct pk *p, uint8_t tag, uint8_t v)
{
	pk_opt(p, tag, &v, 1);
}

static void pk_ip(struct pk *p, uint8_t tag, uint32_t ip)
{
	uint8_t b[4];
	nb_put32(b, ip);
	pk_opt(p, tag, b, 4);
}

static void pk_end(struct pk *p)
{
	p->b[p->len++] = 255;
	if (p->len < 300)
		p->len = 300;
}

/* A server reply for our MAC. */
static void reply(struct pk *p, uint8_t type, uint32_t xid, uint32_t yiaddr,
		  uint32_t server)
{
	pk_init(p, 2, xid, fl_our_mac, yiaddr, server);
	pk_u8(p, 53, type);
	pk_ip(p, 54, server);
}

static void addr_opts(struct pk *p)
{
	pk_ip(p, 1, 0xffffff00u);
	pk_ip(p, 3, SRV_A);
	uint8_t dns[8];
	nb_put32(dns, NB_IPV4(10, 0, 0, 53));
	nb_put32(dns + 4, NB_IPV4(10, 0, 0, 54));
	pk_opt(p, 6, dns, 8);
	uint8_t lease[4] = {0, 0, 0x0e, 0x10};
	pk_opt(p, 51, lease, 4);
}

/* PXE menu/boot-server vendor options as dnsmasq sends them. */
static size_t pxe_vendor(uint8_t *v, uint32_t bootsrv)
{
	size_t n = 0;
	v[n++] = 6, v[n++] = 1, v[n++] = 3; /* discovery control */
	v[n++] = 8, v[n++] = 7;             /* boot servers */
	v[n++] = 0x80, v[n++] = 0x00, v[n++] = 1;
	nb_put32(v + n, bootsrv);
	n += 4;
	v[n++] = 9, v[n++] = 15; /* menu: type 0x8000 "Network boot" */
	v[n++] = 0x80, v[n++] = 0x00, v[n++] = 12;
	memcpy(v + n, "Network boot", 12);
	n += 12;
	v[n++] = 10, v[n++] = 5, v[n++] = 2; /* prompt, 2 s */
	memcpy(v + n, "Boot", 4);
	n += 4;
	v[n++] = 255;
	return n;
}

static void corpus(const char *name, const void *p, size_t len)
{
	const char *dir = getenv("NB_DHCP_CORPUS");
	if (!dir || !*dir)
		return;
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (f) {
		fwrite(p, 1, len, f);
		fclose(f);
	}
}

static void save(const char *name, const struct pk *p)
{
	corpus(name, p->b, p->len);
}

/* ---- parser ------------------------------------------------------------- */

static void test_parse_all_fields(void **state)
{
	(void)state;
	struct pk p;
	reply(&p, 5, 1, YIADDR, SRV_A);
	addr_opts(&p);
	pk_str(&p, 15, "boot.test");
	pk_str(&p, 12, "node1");
	pk_str(&p, 66, "tftp.boot.test");
	pk_str(&p, 67, "pxelinux.0");
	pk_str(&p, 209, "pxelinux.cfg/node1");
	pk_str(&p, 210, "/tftpboot/");
	uint8_t rb[4] = {0, 0, 0, 30};
	pk_opt(&p, 211, rb, 4);
	pk_end(&p);
	save("ack-full", &p);
	assert_int_equal(nb_dhcp_msg_type(p.b, p.len), NB_DHCP_ACK);
	struct nb_dhcp_lease l;
	assert_int_equal(nb_dhcp_parse_lease(p.b, p.len, &l), 0);
	assert_int_equal(l.ip, YIADDR);
	assert_int_equal(l.mask, 0xffffff00u);
	assert_int_equal(l.router, SRV_A);
	assert_int_equal(l.ndns, 2);
	assert_int_equal(l.dns[1], NB_IPV4(10, 0, 0, 54));
	assert_int_equal(l.server_id, SRV_A);
	assert_int_equal(l.lease_s, 3600);
	assert_int_equal(l.next_server, SRV_A);
	assert_string_equal(l.domain, "boot.test");
	assert_string_equal(l.hostname, "node1");
	assert_string_equal(l.tftp_server, "tftp.boot.test");
	assert_string_equal(l.boot_file, "pxelinux.0");
	assert_string_equal(l.pxe_config, "pxelinux.cfg/node1");
	assert_string_equal(l.pxe_prefix, "/tftpboot/");
	assert_true(l.have_reboot);
	assert_int_equal(l.reboot_s, 30);
	assert_false(l.is_pxe);
}

static void test_bootp_fields(void **state)
{
	(void)state;
	struct pk p;
	pk_init(&p, 2, 1, fl_our_mac, NB_IPV4(172, 16, 1, 5), SRV_A);
	memcpy(p.b + 44, "bootsrv", 7);
	memcpy(p.b + 108, "/boot/linux.0", 13);
	pk_end(&p);
	save("bootp-fields", &p);
	assert_int_equal(nb_dhcp_msg_type(p.b, p.len), NB_DHCP_NONE);
	struct nb_dhcp_lease l;
	assert_int_equal(nb_dhcp_parse_lease(p.b, p.len, &l), 0);
	assert_string_equal(l.tftp_server, "bootsrv");
	assert_string_equal(l.boot_file, "/boot/linux.0");
	assert_int_equal(l.next_server, SRV_A);
	assert_int_equal(l.mask, 0xffff0000u); /* classful B */
	/* Option 67 wins over the file field. */
	p.len = 240;
	pk_str(&p, 67, "opt67.0");
	pk_end(&p);
	assert_int_equal(nb_dhcp_parse_lease(p.b, p.len, &l), 0);
	assert_string_equal(l.boot_file, "opt67.0");
}

static void test_overload(void **state)
{
	(void)state;
	for (int ov = 1; ov <= 3; ov++) {
		struct pk p;
		reply(&p, 5, 1, YIADDR, SRV_A);
		pk_u8(&p, 52, (uint8_t)ov);
		pk_str(&p, 209, "opt-");
		pk_end(&p);
		/* file field: 67 and the next piece of 209 */
		uint8_t *f = p.b + 108;
		if (ov & 1) {
			f[0] = 67, f[1] = 8;
			memcpy(f + 2, "file.bin", 8);
			f[10] = 209, f[11] = 4;
			memcpy(f + 12, "file", 4);
			f[16] = 255;
		} else {
			memcpy(f, "plainfile", 9);
		}
		uint8_t *s = p.b + 44;
		if (ov & 2) {
			s[0] = 66, s[1] = 5;
			memcpy(s + 2, "tftpd", 5);
			s[7] = 209, s[8] = 5;
			memcpy(s + 9, "-sname", 5);
			s[14] = 255;
		} else {
			memcpy(s, "plainsname", 10);
		}
		char name[32];
		snprintf(name, sizeof(name), "overload-%d", ov);
		save(name, &p);
		struct nb_dhcp_lease l;
		assert_int_equal(nb_dhcp_parse_lease(p.b, p.len, &l), 0);
		char buf[64] = {0};
		int n = nb_dhcp_find_option(p.b, p.len, 209, buf, sizeof(buf));
		/* RFC 3396: options field, then file, then sname. */
		const char *want = ov == 1 ? "opt-file" : ov == 2 ? "opt--snam"
								  : "opt-file-snam";
		assert_int_equal(n, (int)strlen(want));
		assert_memory_equal(buf, want, strlen(want));
		assert_string_equal(l.boot_file, ov & 1 ? "file.bin" : "plainfile");
		assert_string_equal(l.tftp_server, ov & 2 ? "tftpd" : "plainsname");
	}
}

static void test_overload_bad(void **state)
{
	(void)state;
	struct pk p;
	reply(&p, 5, 1, YIADDR, SRV_A);
	pk_u8(&p, 52, 4); /* not 1..3 */
	pk_end(&p);
	save("overload-bad-value", &p);
	assert_int_equal(nb_dhcp_msg_type(p.b, p.len), -NB_EPROTO);
	/* Overload inside the file field is not allowed. */
	reply(&p, 5, 1, YIADDR, SRV_A);
	pk_u8(&p, 52, 1);
	pk_end(&p);
	p.b[108] = 52, p.b[109] = 1, p.b[110] = 2, p.b[111] = 255;
	save("overload-nested", &p);
	assert_int_equal(nb_dhcp_msg_type(p.b, p.len), -NB_EPROTO);
	/* An option in the file field running past the field. */
	reply(&p, 5, 1, YIADDR, SRV_A);
	pk_u8(&p, 52, 1);
	pk_end(&p);
	p.b[230] = 67, p.b[231] = 20;
	save("overload-past-field", &p);
	assert_int_equal(nb_dhcp_msg_type(p.b, p.len), -NB_EPROTO);
	/* A second option 52. */
	reply(&p, 5, 1, YIADDR, SRV_A);
	pk_u8(&p, 52, 1);
	pk_u8(&p, 52, 2);
	pk_end(&p);
	assert_int_equal(nb_dhcp_msg_type(p.b, p.len), -NB_EPROTO);
}

static void test_split_options(void **state)
{
	(void)state;
	/* A 300-byte boot file in two instances (RFC 3396). */
	char big[301];
	memset(big, 'a', 300);
	big[300] = 0;
	big[299] = 'z';
	struct pk p;
	reply(&p, 5, 1, YIADDR, SRV_A);
	pk_opt(&p, 67, big, 200);
	pk_ip(&p, 1, 0xffffff00u);
	pk_opt(&p, 67, big + 200, 100);
	pk_end(&p);
	save("split-67", &p);
	char buf[400];
	assert_int_equal(nb_dhcp_find_option(p.b, p.len, 67, buf, sizeof(buf)), 300);
	assert_memory_equal(buf, big, 300);
	assert_int_equal(nb_dhcp_find_option(p.b, p.len, 67, NULL, 0), 300);
	assert_int_equal(nb_dhcp_find_option(p.b, p.len, 67, buf, 299), -NB_EMSGSIZE);
	struct nb_dhcp_lease l;
	assert_int_equal(nb_dhcp_parse_lease(p.b, p.len, &l), 0);
	/* Oversized for the lease: cut, and said so. */
	assert_true(l.boot_file_cut);
	assert_int_equal(strlen(l.boot_file), NB_DHCP_STR_MAX - 1);
	/* DNS list split in the middle of an address. */
	reply(&p, 5, 1, YIADDR, SRV_A);
	uint8_t d[8];
	nb_put32(d, NB_IPV4(1, 2, 3, 4));
	nb_put32(d + 4, NB_IPV4(5, 6, 7, 8));
	pk_opt(&p, 6, d, 3);
	pk_opt(&p, 6, d + 3, 5);
	pk_end(&p);
	save("split-dns", &p);
	assert_int_equal(nb_dhcp_parse_lease(p.b, p.len, &l), 0);
	assert_int_equal(l.ndns, 2);
	assert_int_equal(l.dns[0], NB_IPV4(1, 2, 3, 4));
	assert_int_equal(l.dns[1], NB_IPV4(5, 6, 7, 8));
}

static void test_pxe_vendor(void **state)
{
	(void)state;
	struct pk p;
	uint8_t v[64];
	size_t n = pxe_vendor(v, PROXY);
	reply(&p, 2, 1, 0, PROXY);
	pk_str(&p, 60, "PXEClient");
	/* Split 43 in the middle of the menu entry. */
	pk_opt(&p, 43, v, 20);
	pk_opt(&p, 43, v + 20, n - 20);
	pk_end(&p);
	save("proxy-offer-split43", &p);
	struct nb_dhcp_lease l;
	assert_int_equal(nb_dhcp_parse_lease(p.b, p.len, &l), 0);
	assert_true(l.is_pxe);
	assert_true(l.have_pxe_opts);
	assert_int_equal(l.pxe_discovery, 3);
	assert_int_equal(l.nbootsrv, 1);
	assert_int_equal(l.bootsrv[0].type, 0x8000);
	assert_int_equal(l.bootsrv[0].ip, PROXY);
	assert_int_equal(l.nmenu, 1);
	assert_int_equal(l.menu[0].type, 0x8000);
	assert_string_equal(l.menu[0].desc, "Network boot");
	assert_int_equal(l.prompt_timeout, 2);
	assert_string_equal(l.prompt, "Boot");
	/* Without PXEClient, option 43 is someone else's: ignored. */
	reply(&p, 2, 1, 0, PROXY);
	pk_opt(&p, 43, v, n);
	pk_end(&p);
	assert_int_equal(nb_dhcp_parse_lease(p.b, p.len, &l), 0);
	assert_false(l.have_pxe_opts);
	/* Sub-options with lengths running past option 43: no crash, and
	 * what came before is kept. */
	uint8_t bad[] = {6, 1, 8, 9, 40, 0x80, 0, 1, 1, 2, 3, 4, 10, 200, 1};
	reply(&p, 2, 1, 0, PROXY);
	pk_str(&p, 60, "PXEClient");
	pk_opt(&p, 43, bad, sizeof(bad));
	pk_end(&p);
	save("pxe-vendor-bad", &p);
	assert_int_equal(nb_dhcp_parse_lease(p.b, p.len, &l), 0);
	assert_int_equal(l.pxe_discovery, 8);
	assert_int_equal(l.nmenu, 0);
}

static void test_truncated(void **state)
{
	(void)state;
	struct pk p;
	reply(&p, 5, 1, YIADDR, SRV_A);
	pk_str(&p, 67, "pxelinux.0");
	/* Value running past the end of the packet. */
	size_t at = p.len;
	pk_str(&p, 209, "abcdef");
	p.len = at + 4;
	save("opt-past-end", &p);
	assert_int_equal(nb_dhcp_find_option(p.b, p.len, 67, NULL, 0), -NB_EPROTO);
	struct nb_dhcp_lease l;
	assert_int_equal(nb_dhcp_parse_lease(p.b, p.len, &l), -NB_EPROTO);
	/* Tag with no length byte. */
	p.len = at + 1;
	save("opt-no-len", &p);
	assert_int_equal(nb_dhcp_msg_type(p.b, p.len), -NB_EPROTO);
	/* Shorter than the fixed header, and a bad cookie. */
	assert_int_equal(nb_dhcp_msg_type(p.b, 239), -NB_EPROTO);
	assert_int_equal(nb_dhcp_msg_type(p.b, 0), -NB_EPROTO);
	p.len = at;
	p.b[236] = 0;
	save("bad-cookie", &p);
	assert_int_equal(nb_dhcp_msg_type(p.b, p.len), -NB_EPROTO);
	/* No end option: the options simply stop at the packet's end. */
	reply(&p, 5, 1, YIADDR, SRV_A);
	pk_str(&p, 67, "x");
	save("no-end", &p);
	assert_int_equal(nb_dhcp_find_option(p.b, p.len, 67, NULL, 0), 1);
	/* Bad tags for the accessor. */
	assert_int_equal(nb_dhcp_find_option(p.b, p.len, 0, NULL, 0), -NB_EINVAL);
	assert_int_equal(nb_dhcp_find_option(p.b, p.len, 255, NULL, 0), -NB_EINVAL);
}

static void test_zero_length(void **state)
{
	(void)state;
	struct pk p;
	pk_init(&p, 2, 1, fl_our_mac, YIADDR, 0);
	save("empty-options", &p);
	assert_int_equal(nb_dhcp_msg_type(p.b, 240), NB_DHCP_NONE);
	assert_int_equal(nb_dhcp_find_option(p.b, 240, 1, NULL, 0), -NB_ENOTFOUND);
	struct nb_dhcp_lease l;
	assert_int_equal(nb_dhcp_parse_lease(p.b, 240, &l), 0);
	assert_int_equal(l.ip, YIADDR);
	assert_int_equal(l.mask, 0xff000000u); /* classful A */
	/* Only pads then end; and a zero-length option value. */
	memset(p.b + 240, 0, 20);
	p.b[260] = 12, p.b[261] = 0, p.b[262] = 255;
	assert_int_equal(nb_dhcp_find_option(p.b, 263, 12, NULL, 0), 0);
	assert_int_equal(nb_dhcp_parse_lease(p.b, 263, &l), 0);
	assert_string_equal(l.hostname, "");
	/* Zero-length message type is not a type. */
	p.b[240] = 53, p.b[241] = 0, p.b[242] = 255;
	assert_int_equal(nb_dhcp_msg_type(p.b, 243), NB_DHCP_NONE);
}

/* ---- client on a fake link --------------------------------------------- */

struct cenv {
	struct tenv *t;
	struct nb_dhcp d;
	struct nb_dhcp_cfg cfg;
};

static int setup(void **state)
{
	struct cenv *c = calloc(1, sizeof(*c));
	c->t = tenv_new(0, 0, 0);
	*state = c;
	return c->t ? 0 : -1;
}

static int teardown(void **state)
{
	struct cenv *c = *state;
	tenv_free(c->t);
	free(c);
	return 0;
}

/* The DHCP payload of a transmitted frame, or NULL if it is not one. */
static const uint8_t *dhcp_of(const struct fl_frame *f, size_t *len,
			      uint32_t *dst, uint16_t *dport)
{
	if (!f || f->len < 14 + 20 + 8 + 240 || nb_get16(f->data + 12) != 0x0800 ||
	    f->data[23] != 17)
		return NULL;
	const uint8_t *u = f->data + 14 + 20;
	if (nb_get16(u) != 68)
		return NULL;
	if (dst)
		*dst = nb_get32(f->data + 30);
	if (dport)
		*dport = nb_get16(u + 2);
	*len = nb_get16(u + 4) - 8;
	return u + 8;
}

static int last_type(struct cenv *c, uint32_t *xid)
{
	size_t len;
	const uint8_t *p = dhcp_of(fl_last(&c->t->fl), &len, NULL, NULL);
	if (!p)
		return -1;
	if (xid)
		*xid = nb_get32(p + 4);
	return nb_dhcp_msg_type(p, len);
}

static void deliver(struct cenv *c, const struct pk *p, uint32_t src,
		    uint16_t sport)
{
	uint8_t f[NB_ETH_FRAME_MAX];
	size_t n = fb_udp_frame(f, nb_eth_broadcast, src, NB_IP_BROADCAST,
				sport, 68, p->b, p->len);
	assert_int_equal(tenv_rx(c->t, f, n), 1);
}

static void start(struct cenv *c)
{
	assert_int_equal(nb_dhcp_start(&c->d, &c->t->s, &c->cfg, c->t->now), 0);
	assert_int_equal(last_type(c, NULL), NB_DHCP_DISCOVER);
}

static int poll_dhcp(struct cenv *c, uint64_t ms)
{
	tenv_poll(c->t, ms);
	return nb_dhcp_poll(&c->d, c->t->now);
}

static void offer(struct pk *p, uint32_t xid, uint32_t yiaddr, uint32_t srv)
{
	reply(p, NB_DHCP_OFFER, xid, yiaddr, srv);
	addr_opts(p);
	pk_end(p);
}

static void test_happy_path(void **state)
{
	struct cenv *c = *state;
	c->cfg.pxe = true;
	c->cfg.have_guid = true;
	memset(c->cfg.guid, 0xab, 16);
	memcpy(c->cfg.user_class, "iPXE", 4);
	c->cfg.user_class_len = 4;
	c->cfg.offer_wait_ms = 1;
	start(c);
	/* What DISCOVER carries. */
	size_t len;
	uint32_t dst;
	uint16_t dport;
	const uint8_t *p = dhcp_of(fl_last(&c->t->fl), &len, &dst, &dport);
	assert_non_null(p);
	corpus("discover", p, len);
	assert_int_equal(dst, NB_IP_BROADCAST);
	assert_int_equal(dport, 67);
	assert_memory_equal(p + 28, fl_our_mac, 6);
	uint8_t v[64];
	assert_int_equal(nb_dhcp_find_option(p, len, 61, v, sizeof(v)), 7);
	assert_int_equal(v[0], 1);
	assert_int_equal(nb_dhcp_find_option(p, len, 93, v, sizeof(v)), 2);
	assert_int_equal(nb_dhcp_find_option(p, len, 94, v, sizeof(v)), 3);
	assert_int_equal(v[1], 2);
	assert_int_equal(v[2], 1);
	assert_int_equal(nb_dhcp_find_option(p, len, 97, v, sizeof(v)), 17);
	assert_int_equal(nb_dhcp_find_option(p, len, 60, v, sizeof(v)), 32);
	assert_memory_equal(v, "PXEClient:Arch:00000:UNDI:002001", 32);
	assert_int_equal(nb_dhcp_find_option(p, len, 77, v, sizeof(v)), 4);
	assert_memory_equal(v, "iPXE", 4);
	int n = nb_dhcp_find_option(p, len, 55, v, sizeof(v));
	static const uint8_t must[] = {1,   3,   6,   12,  15,  28,  43,  60,
				       66,  67,  128, 129, 130, 131, 132, 133,
				       134, 135, 209, 210, 211};
	for (size_t i = 0; i < sizeof(must); i++)
		assert_non_null(memchr(v, must[i], (size_t)n));
	uint32_t xid = nb_get32(p + 4);

	struct pk o;
	offer(&o, xid, YIADDR, SRV_A);
	pk_end(&o);
	deliver(c, &o, SRV_A, 67);
	assert_int_equal(poll_dhcp(c, 5), -NB_EAGAIN);
	uint32_t rxid;
	assert_int_equal(last_type(c, &rxid), NB_DHCP_REQUEST);
	assert_int_equal(rxid, xid);
	p = dhcp_of(fl_last(&c->t->fl), &len, NULL, NULL);
	corpus("request", p, len);
	assert_int_equal(nb_dhcp_find_option(p, len, 50, v, sizeof(v)), 4);
	assert_int_equal(nb_get32(v), YIADDR);
	assert_int_equal(nb_dhcp_find_option(p, len, 54, v, sizeof(v)), 4);
	assert_int_equal(nb_get32(v), SRV_A);

	struct pk a;
	reply(&a, NB_DHCP_ACK, xid, YIADDR, SRV_A);
	addr_opts(&a);
	pk_str(&a, 67, "boot.efi");
	pk_opt(&a, 200, "\x01\x02\x03", 3); /* not interpreted by us */
	pk_end(&a);
	deliver(c, &a, SRV_A, 67);
	assert_int_equal(poll_dhcp(c, 1), 0);
	assert_int_equal(c->t->s.ip, YIADDR);
	assert_int_equal(c->t->s.mask, 0xffffff00u);
	assert_int_equal(c->t->s.gw, SRV_A);
	assert_int_equal(c->t->s.dns[0], NB_IPV4(10, 0, 0, 53));
	assert_string_equal(c->d.lease.boot_file, "boot.efi");
	assert_int_equal(c->d.lease.packets_sent, 2);
	/* Raw access to an option we do not interpret. */
	assert_int_equal(nb_dhcp_option(&c->d, NB_DHCP_PKT_ACK, 200, v, sizeof(v)), 3);
	assert_int_equal(v[2], 3);
	assert_int_equal(nb_dhcp_option(&c->d, NB_DHCP_PKT_ANY, 200, v, 2), -NB_EMSGSIZE);
	assert_int_equal(nb_dhcp_option(&c->d, NB_DHCP_PKT_PROXY, 200, v, 4), -NB_ENOTFOUND);
	assert_int_equal(nb_dhcp_option(&c->d, NB_DHCP_PKT_ACK, 0, v, 4), -NB_EINVAL);
	size_t kl;
	assert_non_null(nb_dhcp_packet(&c->d, NB_DHCP_PKT_ACK, &kl));
	assert_int_equal(kl, a.len);
	/* Socket closed: port 68 is free again. */
	assert_null(c->t->s.udp);
}

/* UEFI HTTP Boot's DISCOVER: HTTPClient in option 60, arch 16, UNDI 3.0. */
static void test_http_client(void **state)
{
	struct cenv *c = *state;
	c->cfg.pxe = true;
	c->cfg.http = true;
	c->cfg.arch = 16;
	c->cfg.undi_major = 3;
	start(c);
	size_t len;
	uint32_t dst;
	uint16_t dport;
	const uint8_t *p = dhcp_of(fl_last(&c->t->fl), &len, &dst, &dport);
	assert_non_null(p);
	uint8_t v[64];
	assert_int_equal(nb_dhcp_find_option(p, len, 60, v, sizeof(v)), 33);
	assert_memory_equal(v, "HTTPClient:Arch:00016:UNDI:003000", 33);
	assert_int_equal(nb_dhcp_find_option(p, len, 93, v, sizeof(v)), 2);
	assert_int_equal(v[0] << 8 | v[1], 16);
}

static void test_wrong_xid_and_mac(void **state)
{
	struct cenv *c = *state;
	start(c);
	uint32_t xid;
	last_type(c, &xid);
	size_t ntx = c->t->fl.ntx;
	struct pk o;
	offer(&o, xid + 1, YIADDR, SRV_A);
	save("offer-wrong-xid", &o);
	deliver(c, &o, SRV_A, 67);
	offer(&o, xid, YIADDR, SRV_A);
	o.b[28 + 5] ^= 1;
	save("offer-wrong-mac", &o);
	deliver(c, &o, SRV_A, 67);
	/* A BOOTREQUEST (another client's broadcast) is not a reply. */
	offer(&o, xid, YIADDR, SRV_A);
	o.b[0] = 1;
	deliver(c, &o, SRV_A, 67);
	/* Malformed: counted as bad. */
	offer(&o, xid, YIADDR, SRV_A);
	o.b[237] = 0;
	deliver(c, &o, SRV_A, 67);
	assert_int_equal(poll_dhcp(c, 10), -NB_EAGAIN);
	assert_int_equal(c->t->fl.ntx, ntx);
	assert_int_equal(c->d.rx_ignored, 3);
	assert_int_equal(c->d.rx_bad, 1);
	assert_int_equal(c->d.state, NB_DHCP_SELECTING);
	/* An ACK while selecting is not ours to take either. */
	struct pk a;
	reply(&a, NB_DHCP_ACK, xid, YIADDR, SRV_A);
	pk_end(&a);
	deliver(c, &a, SRV_A, 67);
	assert_int_equal(c->d.state, NB_DHCP_SELECTING);
}

static void test_nak(void **state)
{
	struct cenv *c = *state;
	start(c);
	uint32_t xid, first;
	last_type(c, &first);
	xid = first;
	for (int i = 0; i < NB_DHCP_MAX_NAKS; i++) {
		struct pk o;
		offer(&o, xid, YIADDR, SRV_A);
		deliver(c, &o, SRV_A, 67);
		assert_int_equal(last_type(c, NULL), NB_DHCP_REQUEST);
		struct pk n;
		reply(&n, NB_DHCP_NAK, xid, 0, SRV_A);
		pk_end(&n);
		if (i == 0)
			save("nak", &n);
		/* A NAK from a server we did not ask is ignored. */
		struct pk other;
		reply(&other, NB_DHCP_NAK, xid, 0, SRV_B);
		pk_end(&other);
		deliver(c, &other, SRV_B, 67);
		assert_int_equal(c->d.state, NB_DHCP_REQUESTING);
		deliver(c, &n, SRV_A, 67);
		if (i + 1 < NB_DHCP_MAX_NAKS) {
			/* Back to DISCOVER, with a fresh XID. */
			assert_int_equal(last_type(c, &xid), NB_DHCP_DISCOVER);
			assert_int_equal(poll_dhcp(c, 1), -NB_EAGAIN);
		}
	}
	assert_true(xid != first);
	assert_int_equal(poll_dhcp(c, 1), -NB_ENAK);
	assert_string_equal(nb_dhcp_why(&c->d), "server refused (DHCPNAK)");
}

static void test_duplicate_offers(void **state)
{
	struct cenv *c = *state;
	c->cfg.pxe = true; /* offers are collected for a while */
	start(c);
	uint32_t xid;
	last_type(c, &xid);
	struct pk o;
	offer(&o, xid, YIADDR, SRV_A);
	deliver(c, &o, SRV_A, 67);
	deliver(c, &o, SRV_A, 67);
	deliver(c, &o, SRV_A, 67);
	assert_int_equal(c->d.offers, 3);
	assert_int_equal(last_type(c, NULL), NB_DHCP_DISCOVER);
	/* The offer window ends: exactly one REQUEST. */
	size_t ntx = c->t->fl.ntx;
	assert_int_equal(poll_dhcp(c, 1000), -NB_EAGAIN);
	assert_int_equal(c->t->fl.ntx, ntx + 1);
	assert_int_equal(last_type(c, NULL), NB_DHCP_REQUEST);
	/* Late duplicates change nothing. */
	deliver(c, &o, SRV_A, 67);
	assert_int_equal(c->t->fl.ntx, ntx + 1);
}

static void test_two_servers(void **state)
{
	struct cenv *c = *state;
	c->cfg.pxe = true;
	start(c);
	uint32_t xid;
	last_type(c, &xid);
	/* A plain offer first, then one that names a boot file: take B. */
	struct pk o;
	offer(&o, xid, YIADDR, SRV_A);
	deliver(c, &o, SRV_A, 67);
	struct pk ob;
	reply(&ob, NB_DHCP_OFFER, xid, YIADDR_B, SRV_B);
	addr_opts(&ob);
	pk_str(&ob, 67, "b.0");
	pk_end(&ob);
	save("offer-boot", &ob);
	deliver(c, &ob, SRV_B, 67);
	size_t len;
	const uint8_t *p = dhcp_of(fl_last(&c->t->fl), &len, NULL, NULL);
	assert_int_equal(nb_dhcp_msg_type(p, len), NB_DHCP_REQUEST);
	uint8_t v[4];
	nb_dhcp_find_option(p, len, 54, v, 4);
	assert_int_equal(nb_get32(v), SRV_B);
	nb_dhcp_find_option(p, len, 50, v, 4);
	assert_int_equal(nb_get32(v), YIADDR_B);
	/* A's ACK (it is not the server we chose) is ignored; B's binds. */
	struct pk a;
	reply(&a, NB_DHCP_ACK, xid, YIADDR, SRV_A);
	pk_end(&a);
	deliver(c, &a, SRV_A, 67);
	assert_int_equal(c->d.state, NB_DHCP_REQUESTING);
	reply(&a, NB_DHCP_ACK, xid, YIADDR_B, SRV_B);
	addr_opts(&a);
	pk_str(&a, 67, "b.0");
	pk_end(&a);
	deliver(c, &a, SRV_B, 67);
	assert_int_equal(poll_dhcp(c, 1), 0);
	assert_int_equal(c->d.lease.ip, YIADDR_B);
	assert_string_equal(c->d.lease.boot_file, "b.0");
}

/* Frames of DHCP type @type among recorded transmissions. */
static int count_tx(struct cenv *c, int type)
{
	int n = 0;
	for (size_t i = 0; i < c->t->fl.ntx && i < FL_TX_MAX; i++) {
		size_t len;
		const uint8_t *p = dhcp_of(fl_tx(&c->t->fl, i), &len, NULL, NULL);
		if (p && nb_dhcp_msg_type(p, len) == type)
			n++;
	}
	return n;
}

static void test_pxe_schedule_timeout(void **state)
{
	struct cenv *c = *state;
	c->cfg.pxe = true;
	start(c);
	uint64_t t0 = c->t->now;
	/* 4, 8, 16, 32 s (each +-1 s): DISCOVERs at ~0, 4, 12, 28 s, and the
	 * last one's 32 s end at the 60 s budget. */
	uint64_t sends[8];
	int ns = 0;
	sends[ns++] = 0;
	int rc;
	size_t ntx = c->t->fl.ntx;
	while ((rc = poll_dhcp(c, 100)) == -NB_EAGAIN) {
		if (c->t->fl.ntx != ntx) {
			ntx = c->t->fl.ntx;
			assert_true(ns < 8);
			sends[ns++] = c->t->now - t0;
		}
		assert_true(c->t->now - t0 <= 60000);
	}
	assert_int_equal(rc, -NB_ETIMEDOUT);
	assert_int_equal(c->t->now - t0, 60000);
	assert_string_equal(nb_dhcp_why(&c->d), "no DHCP server answered");
	assert_int_equal(ns, 4); /* 0, ~4, ~12, ~28; ~60 is the deadline */
	assert_in_range(sends[1], 3000, 5000);
	assert_in_range(sends[2] - sends[1], 7000, 9000);
	assert_in_range(sends[3] - sends[2], 15000, 17000);
	assert_int_equal(count_tx(c, NB_DHCP_DISCOVER), 4);
	/* No socket left behind. */
	assert_null(c->t->s.udp);
}

static void test_short_schedule(void **state)
{
	struct cenv *c = *state;
	c->cfg.first_ms = 200;
	c->cfg.max_ms = 400;
	c->cfg.timeout_ms = 3000;
	uint64_t t0 = c->t->now;
	start(c);
	int rc;
	while ((rc = poll_dhcp(c, 10)) == -NB_EAGAIN)
		;
	assert_int_equal(rc, -NB_ETIMEDOUT);
	assert_int_equal(c->t->now - t0, 3000);
	/* 200 then 400 ms each (+-25 %): about 8 DISCOVERs in 3 s. */
	assert_in_range(count_tx(c, NB_DHCP_DISCOVER), 7, 11);
	assert_int_equal(c->d.sent, c->t->fl.ntx);
}

static void test_request_retransmit_then_rediscover(void **state)
{
	struct cenv *c = *state;
	c->cfg.first_ms = 100;
	c->cfg.max_ms = 100;
	start(c);
	uint32_t xid;
	last_type(c, &xid);
	struct pk o;
	offer(&o, xid, YIADDR, SRV_A);
	deliver(c, &o, SRV_A, 67);
	assert_int_equal(last_type(c, NULL), NB_DHCP_REQUEST);
	for (int i = 0; i < 100 && last_type(c, NULL) != NB_DHCP_DISCOVER; i++)
		poll_dhcp(c, 10);
	assert_int_equal(count_tx(c, NB_DHCP_REQUEST), 4);
	assert_int_equal(last_type(c, NULL), NB_DHCP_DISCOVER);
}

static void arp_reply(struct cenv *c, uint32_t ip)
{
	uint8_t f[64];
	size_t n = fb_arp(f, fl_our_mac, 2, fb_peer_mac, ip, fl_our_mac,
			  c->t->s.ip);
	assert_int_equal(tenv_rx(c->t, f, n), 1);
}

static void test_proxy_dhcp(void **state)
{
	struct cenv *c = *state;
	c->cfg.pxe = true;
	start(c);
	uint32_t xid;
	last_type(c, &xid);
	/* The proxy answers first: PXEClient, menu, no address. */
	struct pk px;
	uint8_t v[64];
	size_t n = pxe_vendor(v, PROXY);
	reply(&px, NB_DHCP_OFFER, xid, 0, PROXY);
	pk_str(&px, 60, "PXEClient");
	pk_opt(&px, 43, v, n);
	pk_end(&px);
	save("proxy-offer", &px);
	deliver(c, &px, PROXY, 67);
	assert_int_equal(c->d.state, NB_DHCP_SELECTING);
	/* The address offer: with a proxy in hand, request at once. */
	struct pk o;
	offer(&o, xid, YIADDR, SRV_A);
	deliver(c, &o, SRV_A, 67);
	assert_int_equal(last_type(c, NULL), NB_DHCP_REQUEST);
	struct pk a;
	reply(&a, NB_DHCP_ACK, xid, YIADDR, SRV_A);
	addr_opts(&a);
	pk_end(&a);
	deliver(c, &a, SRV_A, 67);
	assert_int_equal(c->d.state, NB_DHCP_PROXYING);
	assert_int_equal(c->t->s.ip, YIADDR);
	/* The port-4011 request waits for ARP; answer it. */
	arp_reply(c, PROXY);
	size_t len;
	uint32_t dst;
	uint16_t dport;
	const uint8_t *p = dhcp_of(fl_last(&c->t->fl), &len, &dst, &dport);
	assert_non_null(p);
	corpus("pxe-request", p, len);
	assert_int_equal(dst, PROXY);
	assert_int_equal(dport, 4011);
	assert_int_equal(nb_get32(p + 12), YIADDR); /* ciaddr */
	uint8_t bi[16];
	assert_int_equal(nb_dhcp_find_option(p, len, 43, bi, sizeof(bi)), 7);
	assert_int_equal(bi[0], 71);
	assert_int_equal(nb_get16(bi + 2), 0x8000);
	/* The boot server's ACK names the file. */
	struct pk b;
	reply(&b, NB_DHCP_ACK, xid, YIADDR, PROXY);
	pk_str(&b, 60, "PXEClient");
	memcpy(b.b + 108, "pxelinux.0", 10);
	pk_end(&b);
	save("boot-ack", &b);
	uint8_t f[NB_ETH_FRAME_MAX];
	size_t fl = fb_udp_frame(f, fl_our_mac, PROXY, YIADDR, 4011, 68, b.b, b.len);
	assert_int_equal(tenv_rx(c->t, f, fl), 1);
	assert_int_equal(poll_dhcp(c, 1), 0);
	struct nb_dhcp_lease *l = &c->d.lease;
	assert_string_equal(l->boot_file, "pxelinux.0");
	assert_int_equal(l->next_server, PROXY);
	assert_int_equal(l->proxy_ip, PROXY);
	assert_int_equal(l->router, SRV_A);
	assert_int_equal(l->packets_sent, 3);
	assert_int_equal(l->nmenu, 1);
	assert_true(nb_dhcp_packet(&c->d, NB_DHCP_PKT_BOOT, &len) != NULL);
}

static void test_proxy_with_file_and_silent_bootsrv(void **state)
{
	struct cenv *c = *state;
	c->cfg.pxe = true;
	c->cfg.first_ms = 400;
	start(c);
	uint32_t xid;
	last_type(c, &xid);
	/* Address first; the proxy offer names the file itself. */
	struct pk o;
	offer(&o, xid, YIADDR, SRV_A);
	deliver(c, &o, SRV_A, 67);
	assert_int_equal(last_type(c, NULL), NB_DHCP_DISCOVER);
	struct pk px;
	reply(&px, NB_DHCP_OFFER, xid, 0, PROXY);
	pk_str(&px, 60, "PXEClient");
	pk_str(&px, 67, "proxy.0");
	pk_end(&px);
	deliver(c, &px, PROXY, 67);
	assert_int_equal(last_type(c, NULL), NB_DHCP_REQUEST);
	struct pk a;
	reply(&a, NB_DHCP_ACK, xid, YIADDR, SRV_A);
	addr_opts(&a);
	pk_end(&a);
	deliver(c, &a, SRV_A, 67);
	assert_int_equal(poll_dhcp(c, 1), 0);
	assert_string_equal(c->d.lease.boot_file, "proxy.0");
	assert_int_equal(c->d.lease.packets_sent, 2);

	/* A PXE server (PXEClient in its ACK, no file) whose port 4011 is
	 * silent: after a few tries the lease binds without boot info. */
	assert_int_equal(nb_dhcp_start(&c->d, &c->t->s, &c->cfg, c->t->now), 0);
	last_type(c, &xid);
	reply(&o, NB_DHCP_OFFER, xid, YIADDR, SRV_A);
	pk_str(&o, 60, "PXEClient");
	pk_end(&o);
	deliver(c, &o, SRV_A, 67);
	assert_int_equal(last_type(c, NULL), NB_DHCP_REQUEST);
	reply(&a, NB_DHCP_ACK, xid, YIADDR, SRV_A);
	pk_str(&a, 60, "PXEClient");
	pk_end(&a);
	deliver(c, &a, SRV_A, 67);
	assert_int_equal(c->d.state, NB_DHCP_PROXYING);
	arp_reply(c, SRV_A);
	int rc, i = 0;
	while ((rc = poll_dhcp(c, 50)) == -NB_EAGAIN)
		assert_true(++i < 200);
	assert_int_equal(rc, 0);
	assert_string_equal(c->d.lease.boot_file, "");
	assert_int_equal(c->d.lease.ip, YIADDR);
}

/* ---- cached packets ---------------------------------------------------- */

static void test_cached(void **state)
{
	struct cenv *c = *state;
	/* As firmware hands it over: a full 1472-byte buffer. */
	struct pk a;
	reply(&a, NB_DHCP_ACK, 0x1234, YIADDR, SRV_A);
	addr_opts(&a);
	pk_str(&a, 67, "undionly.kpxe");
	pk_str(&a, 209, "cfg");
	pk_end(&a);
	save("cached-ack", &a);
	struct pk px;
	reply(&px, NB_DHCP_ACK, 0x1234, 0, PROXY);
	pk_str(&px, 60, "PXEClient");
	pk_str(&px, 67, "from-proxy.0");
	pk_end(&px);
	size_t ntx = c->t->fl.ntx;
	assert_int_equal(nb_dhcp_use_cached(&c->d, &c->t->s, a.b, sizeof(a.b),
					    NULL, 0, NULL, 0),
			 0);
	assert_int_equal(c->t->fl.ntx, ntx); /* not a single packet */
	assert_int_equal(c->d.state, NB_DHCP_BOUND);
	assert_int_equal(nb_dhcp_poll(&c->d, c->t->now), 0);
	assert_int_equal(c->t->s.ip, YIADDR);
	assert_int_equal(c->t->s.gw, SRV_A);
	assert_true(c->d.lease.from_cache);
	assert_int_equal(c->d.lease.packets_sent, 0);
	assert_string_equal(c->d.lease.boot_file, "undionly.kpxe");
	assert_string_equal(c->d.lease.pxe_config, "cfg");
	/* With a proxy packet: its boot file wins, the address stays. */
	assert_int_equal(nb_dhcp_use_cached(&c->d, &c->t->s, a.b, a.len, px.b,
					    px.len, NULL, 0),
			 0);
	assert_string_equal(c->d.lease.boot_file, "from-proxy.0");
	assert_int_equal(c->d.lease.next_server, PROXY);
	assert_int_equal(c->d.lease.proxy_ip, PROXY);
	assert_int_equal(c->d.lease.ip, YIADDR);
	assert_string_equal(c->d.lease.pxe_config, "cfg");
	assert_int_equal(c->t->fl.ntx, ntx);
}

/* An ACK made from what UEFI HTTP Boot leaves (address, mask, boot URL),
 * then DHCPINFORM for the server's options: one request from our address
 * with the HTTPClient class; the ACK's 210 and boot file win, the
 * address stays; unanswered, the lease stands after four tries. */
static void test_inform(void **state)
{
	struct cenv *c = *state;
	struct pk a;
	pk_init(&a, 2, 0, fl_our_mac, YIADDR, 0);
	pk_u8(&a, 53, NB_DHCP_ACK);
	pk_ip(&a, 1, 0xffffff00u);
	pk_str(&a, 67, "http://10.0.0.1/boot/nbchain.efi");
	pk_end(&a);
	assert_int_equal(nb_dhcp_inform(&c->d, NULL, c->t->now), -NB_EINVAL);
	assert_int_equal(nb_dhcp_use_cached(&c->d, &c->t->s, a.b, a.len, NULL, 0,
					    NULL, 0),
			 0);
	c->cfg.pxe = true;
	c->cfg.http = true;
	c->cfg.arch = 16;
	c->cfg.undi_major = 3;
	size_t ntx = c->t->fl.ntx;
	assert_int_equal(nb_dhcp_inform(&c->d, &c->cfg, c->t->now), 0);
	assert_int_equal(c->t->fl.ntx, ntx + 1);
	size_t len;
	uint32_t dst, xid;
	uint16_t dport;
	const uint8_t *p = dhcp_of(fl_last(&c->t->fl), &len, &dst, &dport);
	assert_non_null(p);
	assert_int_equal(nb_dhcp_msg_type(p, len), NB_DHCP_INFORM);
	assert_int_equal(dst, NB_IP_BROADCAST);
	assert_int_equal(dport, 67);
	assert_int_equal(nb_get32(p + 12), YIADDR); /* ciaddr */
	uint8_t v[64];
	assert_int_equal(nb_dhcp_find_option(p, len, 50, v, sizeof(v)), -NB_ENOTFOUND);
	assert_int_equal(nb_dhcp_find_option(p, len, 60, v, sizeof(v)), 33);
	assert_memory_equal(v, "HTTPClient:Arch:00016:UNDI:003000", 33);
	xid = nb_get32(p + 4);
	assert_int_equal(poll_dhcp(c, 10), -NB_EAGAIN);
	struct pk r;
	reply(&r, NB_DHCP_ACK, xid, 0, SRV_A);
	pk_ip(&r, 1, 0xffff0000u);
	pk_str(&r, 67, "http://10.0.0.1/boot/nbchain.efi");
	pk_str(&r, 209, "menu.cfg");
	pk_str(&r, 210, "http://10.0.0.1/other/");
	pk_end(&r);
	save("inform-ack", &r);
	deliver(c, &r, SRV_A, 67);
	assert_int_equal(poll_dhcp(c, 10), 0);
	assert_int_equal(c->d.state, NB_DHCP_BOUND);
	assert_int_equal(c->t->s.ip, YIADDR);
	assert_int_equal(c->d.lease.mask, 0xffffff00u);
	assert_true(c->d.lease.from_cache);
	assert_int_equal(c->d.lease.packets_sent, 1);
	assert_string_equal(c->d.lease.pxe_prefix, "http://10.0.0.1/other/");
	assert_string_equal(c->d.lease.pxe_config, "menu.cfg");
	assert_int_equal(nb_dhcp_option(&c->d, NB_DHCP_PKT_ANY, 210, v, sizeof(v)), 22);
	assert_null(c->t->s.udp);
	/* Nobody answers: four tries, then bound as before. */
	assert_int_equal(nb_dhcp_use_cached(&c->d, &c->t->s, a.b, a.len, NULL, 0,
					    NULL, 0),
			 0);
	assert_int_equal(nb_dhcp_inform(&c->d, &c->cfg, c->t->now), 0);
	uint64_t t0 = c->t->now;
	int rc;
	while ((rc = poll_dhcp(c, 100)) == -NB_EAGAIN)
		assert_true(c->t->now - t0 <= 60000);
	assert_int_equal(rc, 0);
	assert_int_equal(c->d.lease.packets_sent, 4);
	assert_int_equal(count_tx(c, NB_DHCP_INFORM), 5);
	assert_int_equal(count_tx(c, NB_DHCP_DISCOVER), 0);
	assert_int_equal(c->d.lease.pxe_prefix[0], 0);
	assert_int_equal(c->t->s.ip, YIADDR);
	assert_null(c->t->s.udp);
}

/* Option 26 sets the link MTU on binding, within what the link carries. */
static void test_mtu_option(void **state)
{
	struct cenv *c = *state;
	struct pk a;
	reply(&a, NB_DHCP_ACK, 0x1234, YIADDR, SRV_A);
	addr_opts(&a);
	uint8_t mtu[3] = {0x02, 0x40, 0};
	pk_opt(&a, 26, mtu, 2);
	pk_end(&a);
	assert_int_equal(nb_dhcp_use_cached(&c->d, &c->t->s, a.b, a.len, NULL,
					    0, NULL, 0), 0);
	assert_int_equal(c->d.lease.mtu, 576);
	assert_int_equal(c->t->fl.link.mtu, 576);
	/* Jumbo on a 1500-byte link: capped. */
	reply(&a, NB_DHCP_ACK, 0x1234, YIADDR, SRV_A);
	nb_put16(mtu, 9000);
	pk_opt(&a, 26, mtu, 2);
	pk_end(&a);
	assert_int_equal(nb_dhcp_use_cached(&c->d, &c->t->s, a.b, a.len, NULL,
					    0, NULL, 0), 0);
	assert_int_equal(c->d.lease.mtu, 9000);
	assert_int_equal(c->t->fl.link.mtu, 1500);
	/* A malformed option is no option: the MTU stays. */
	reply(&a, NB_DHCP_ACK, 0x1234, YIADDR, SRV_A);
	pk_opt(&a, 26, mtu, 3);
	pk_end(&a);
	assert_int_equal(nb_dhcp_use_cached(&c->d, &c->t->s, a.b, a.len, NULL,
					    0, NULL, 0), 0);
	assert_int_equal(c->d.lease.mtu, 0);
	assert_int_equal(c->t->fl.link.mtu, 1500);
}

static void test_cached_invalid(void **state)
{
	struct cenv *c = *state;
	struct pk a;
	const struct {
		const char *name;
		int what;
		const char *why;
	} cases[] = {
		{"cached-wrong-mac", 0, "cached DHCPACK: chaddr is not our MAC"},
		{"cached-request", 1, "cached DHCPACK is not a BOOTP reply"},
		{"cached-no-addr", 2, "cached DHCPACK has no usable address"},
		{"cached-offer", 3, "cached DHCP packet is not a DHCPACK"},
		{"cached-bcast-addr", 4, "cached DHCPACK has no usable address"},
		{"cached-truncated", 5, "cached DHCPACK is malformed"},
		{"cached-loopback", 6, "cached DHCPACK has no usable address"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		reply(&a, NB_DHCP_ACK, 1, YIADDR, SRV_A);
		pk_end(&a);
		switch (cases[i].what) {
		case 0: a.b[33] ^= 0xff; break;
		case 1: a.b[0] = 1; break;
		case 2: nb_put32(a.b + 16, 0); break;
		case 3: a.b[242] = NB_DHCP_OFFER; break;
		case 4: nb_put32(a.b + 16, 0xffffffffu); break;
		case 5: a.len = 200; break;
		case 6: nb_put32(a.b + 16, NB_IPV4(127, 0, 0, 1)); break;
		}
		save(cases[i].name, &a);
		assert_int_equal(nb_dhcp_use_cached(&c->d, &c->t->s, a.b, a.len,
						    NULL, 0, NULL, 0),
				 -NB_ENOLEASE);
		assert_string_equal(nb_dhcp_why(&c->d), cases[i].why);
		assert_int_equal(c->t->s.ip, 0);
		assert_int_equal(nb_dhcp_poll(&c->d, 0), -NB_ENOLEASE);
	}
	/* A good ACK with a proxy packet for someone else: refused too. */
	reply(&a, NB_DHCP_ACK, 1, YIADDR, SRV_A);
	pk_end(&a);
	struct pk px;
	reply(&px, NB_DHCP_ACK, 1, 0, PROXY);
	pk_end(&px);
	px.b[28] ^= 1;
	assert_int_equal(nb_dhcp_use_cached(&c->d, &c->t->s, a.b, a.len, px.b,
					    px.len, NULL, 0),
			 -NB_ENOLEASE);
	assert_string_equal(nb_dhcp_why(&c->d),
			    "cached ProxyDHCP packet: chaddr is not our MAC");
	assert_int_equal(nb_dhcp_use_cached(NULL, &c->t->s, a.b, a.len, NULL,
					    0, NULL, 0),
			 -NB_EINVAL);
}

static void test_port_busy(void **state)
{
	struct cenv *c = *state;
	start(c);
	struct nb_dhcp d2;
	assert_int_equal(nb_dhcp_start(&d2, &c->t->s, NULL, c->t->now),
			 -NB_EADDRINUSE);
	nb_dhcp_cancel(&c->d);
	nb_dhcp_cancel(&c->d);
	assert_null(c->t->s.udp);
}

static void test_cancel_why(void **state)
{
	struct cenv *c = *state;
	/* Before any start: no reason, and cancel is harmless. */
	assert_string_equal(nb_dhcp_why(&c->d), "");
	nb_dhcp_cancel(&c->d);
	nb_dhcp_cancel(NULL);
	assert_string_equal(nb_dhcp_why(NULL), "");
	assert_string_equal(nb_dhcp_why(&c->d), "");
	/* Cancelled while running: the socket goes, polls say so. */
	start(c);
	nb_dhcp_cancel(&c->d);
	nb_dhcp_cancel(&c->d);
	assert_null(c->t->s.udp);
	assert_int_equal(poll_dhcp(c, 10), -NB_ECANCELED);
	assert_string_equal(nb_dhcp_why(&c->d), "canceled");
	/* After a failure, cancel keeps the failure and its reason. */
	c->cfg.first_ms = 100;
	c->cfg.max_ms = 100;
	c->cfg.timeout_ms = 500;
	start(c);
	assert_string_equal(nb_dhcp_why(&c->d), "");
	int rc, n = 0;
	while ((rc = poll_dhcp(c, 10)) == -NB_EAGAIN && n++ < 1000)
		;
	assert_int_equal(rc, -NB_ETIMEDOUT);
	nb_dhcp_cancel(&c->d);
	assert_int_equal(poll_dhcp(c, 10), -NB_ETIMEDOUT);
	assert_string_equal(nb_dhcp_why(&c->d), "no DHCP server answered");
}

static void other_rx(void *ctx, struct nb_udp_sock *sk,
		     const struct nb_udp_meta *m, const void *data, size_t len)
{
	(void)ctx, (void)sk, (void)m, (void)data, (void)len;
}

static void test_restart_while_running(void **state)
{
	struct cenv *c = *state;
	/* Another socket opened before the client must survive restarts
	 * (zeroing a linked socket would cut the stack's list). */
	struct nb_udp_sock other;
	assert_int_equal(nb_udp_open(&other, &c->t->s, 69, other_rx, NULL), 0);
	start(c);
	start(c);
	assert_int_equal(nb_dhcp_use_cached(&c->d, &c->t->s, "x", 1, NULL, 0,
					    NULL, 0),
			 -NB_ENOLEASE);
	start(c);
	int n = 0;
	bool found = false;
	for (struct nb_udp_sock *k = c->t->s.udp; k && n < 10; k = k->next, n++)
		found |= k == &other;
	assert_int_equal(n, 2);
	assert_true(found);
	nb_dhcp_cancel(&c->d);
	nb_udp_close(&other);
	assert_null(c->t->s.udp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_all_fields),
		cmocka_unit_test(test_bootp_fields),
		cmocka_unit_test(test_overload),
		cmocka_unit_test(test_overload_bad),
		cmocka_unit_test(test_split_options),
		cmocka_unit_test(test_pxe_vendor),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_zero_length),
		cmocka_unit_test_setup_teardown(test_happy_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_xid_and_mac, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nak, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_offers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_servers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pxe_schedule_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_http_client, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_schedule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_retransmit_then_rediscover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_proxy_dhcp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_proxy_with_file_and_silent_bootsrv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cached, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cached_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inform, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mtu_option, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_while_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_why, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
