/*
 * Internals of lib/dhcp: a checked view of a DHCP/BOOTP packet and an
 * iterator over its options that already follows option overload (52)
 * and lets callers read split options (RFC 3396) as one stream.
 */
#ifndef NB_LIB_DHCP_INT_H
#define NB_LIB_DHCP_INT_H

#include "netboot/dhcp.h"

/* BOOTP fixed header (RFC 951/2131) field offsets. */
#define BOOTP_OP 0
#define BOOTP_HTYPE 1
#define BOOTP_HLEN 2
#define BOOTP_XID 4
#define BOOTP_SECS 8
#define BOOTP_FLAGS 10
#define BOOTP_CIADDR 12
#define BOOTP_YIADDR 16
#define BOOTP_SIADDR 20
#define BOOTP_GIADDR 24
#define BOOTP_CHADDR 28
#define BOOTP_SNAME 44
#define BOOTP_FILE 108
#define BOOTP_COOKIE 236
#define BOOTP_OPTIONS 240
/* Servers and relays may discard anything shorter than BOOTP's 300. */
#define BOOTP_MIN_LEN 300

#define BOOTP_REQUEST 1
#define BOOTP_REPLY 2
#define BOOTP_FLAG_BROADCAST 0x8000

/* Option tags used by name. */
enum {
	OPT_PAD = 0,
	OPT_MASK = 1,
	OPT_ROUTER = 3,
	OPT_DNS = 6,
	OPT_HOSTNAME = 12,
	OPT_DOMAIN = 15,
	OPT_MTU = 26,
	OPT_VENDOR = 43,
	OPT_REQ_IP = 50,
	OPT_LEASE = 51,
	OPT_OVERLOAD = 52,
	OPT_MSG_TYPE = 53,
	OPT_SERVER_ID = 54,
	OPT_PARAMS = 55,
	OPT_MAX_SIZE = 57,
	OPT_CLASS_ID = 60,
	OPT_CLIENT_ID = 61,
	OPT_TFTP_SERVER = 66,
	OPT_BOOT_FILE = 67,
	OPT_USER_CLASS = 77,
	OPT_ARCH = 93,
	OPT_UNDI = 94,
	OPT_GUID = 97,
	OPT_PXE_CONFIG = 209,
	OPT_PXE_PREFIX = 210,
	OPT_PXE_REBOOT = 211,
	OPT_END = 255
};

/* PXE sub-options of option 43 (PXE 2.1, table 2-1). */
enum {
	PXE_DISCOVERY = 6,
	PXE_BOOT_SERVERS = 8,
	PXE_BOOT_MENU = 9,
	PXE_MENU_PROMPT = 10,
	PXE_BOOT_ITEM = 71
};
/* Discovery control bit 3: boot from the file named in this packet. */
#define PXE_DISC_USE_FILE 0x08

/* Overload regions, in the order RFC 3396 concatenates them. */
enum { REG_OPTIONS = 0, REG_FILE = 1, REG_SNAME = 2, REG_COUNT = 3 };

/* A packet whose every option was checked to lie inside its field. */
struct dview {
	const uint8_t *p;
	size_t len;
	uint8_t overload; /* bit 0: file holds options, bit 1: sname */
};

struct diter {
	uint8_t region;
	size_t off, end;
};

/* A split option read as one byte stream without copying it together. */
struct dcat {
	const struct dview *v;
	struct diter it;
	uint8_t tag;
	const uint8_t *p;
	size_t left;
	size_t total; /* bytes still unread across all instances */
};

int nb_dview_init(struct dview *v, const uint8_t *p, size_t len);
/* Total length of @tag across instances, or -NB_ENOTFOUND. */
int nb_dopt_len(const struct dview *v, uint8_t tag);
/* Concatenated value; same returns as nb_dhcp_find_option(). */
int nb_dopt_get(const struct dview *v, uint8_t tag, void *buf, size_t cap);
/* Read a 32-bit option of exactly 4 bytes; false when absent or wrong. */
bool nb_dopt_u32(const struct dview *v, uint8_t tag, uint32_t *out);

void nb_dcat_init(struct dcat *c, const struct dview *v, uint8_t tag);
/* Next byte (0..255) or -1 when the option is exhausted. */
int nb_dcat_byte(struct dcat *c);
/* Skip @n bytes; false if the option ended first. */
bool nb_dcat_skip(struct dcat *c, size_t n);

/* Message type of a checked view (NB_DHCP_NONE for BOOTP). */
int nb_dview_type(const struct dview *v);

/* Lease assembly (pxe.c). */
void nb_lease_apply_pxe(struct nb_dhcp_lease *l, const struct dview *v);
bool nb_dview_is_pxeclient(const struct dview *v);
bool nb_lease_usable_ip(uint32_t ip);
/* Merge the packets kept in @d into d->lease. */
void nb_dhcp_merge(struct nb_dhcp *d);
/* Configure the stack from d->lease (address, mask, router, DNS) and
 * mark @d bound (client.c; cached.c binds the same way). */
void nb_dhcp_bound(struct nb_dhcp *d);

/* Take @d's socket out of @s's list if it is there (client.c). */
void nb_dhcp_unlink(struct nb_dhcp *d, struct nb_stack *s);

/* Messages (build.c).  Return the DHCP payload length built at @out. */
size_t nb_dhcp_build(const struct nb_dhcp *d, uint8_t *out, size_t cap,
		     uint8_t type, uint64_t now_ms);
#endif
