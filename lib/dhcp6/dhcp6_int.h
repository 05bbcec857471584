/* Internal to lib/dhcp6: option codes, the option walker shared by the
 * parser and nb_dhcp6_option(), and the message builder. */
#ifndef NB_LIB_DHCP6_INT_H
#define NB_LIB_DHCP6_INT_H

#include "netboot/dhcp6.h"

/* Option codes (RFC 8415 21, RFC 3646, RFC 5970). */
#define OPT_CLIENTID 1
#define OPT_SERVERID 2
#define OPT_IA_NA 3
#define OPT_IAADDR 5
#define OPT_ORO 6
#define OPT_PREFERENCE 7
#define OPT_ELAPSED 8
#define OPT_STATUS 13
#define OPT_RAPID_COMMIT 14
#define OPT_VENDOR_CLASS 16
#define OPT_DNS 23
#define OPT_BOOT_URL 59
#define OPT_BOOT_PARAM 60
#define OPT_ARCH 61
#define OPT_NII 62
#define OPT_SOL_MAX_RT 82

/* Message header: type and a 24-bit transaction ID. */
#define D6_HLEN 4

/* Options in p[pos, end). */
struct d6it {
	const uint8_t *p;
	size_t pos, end;
};

/* The next option: 1 with its code and value (offset, length), 0 at the
 * end, -NB_EPROTO when one runs past @end. */
int nb_d6_next(struct d6it *it, uint16_t *code, size_t *val, size_t *vlen);

/* Build the client's current message (Solicit or Request) into @b,
 * which holds NB_DHCP6_SEND_MAX bytes; returns its length. */
size_t nb_d6_build(const struct nb_dhcp6 *c, uint64_t now_ms, uint8_t *b);

#endif
