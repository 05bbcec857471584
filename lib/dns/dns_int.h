/* Internal helpers of lib/dns shared between the parser and the client. */
#ifndef NB_LIB_DNS_INT_H
#define NB_LIB_DNS_INT_H

#include "netboot/dns.h"

/* DNS header layout (RFC 1035 4.1.1). */
#define DNS_HLEN 12
#define DNS_TYPE_CNAME 5
#define DNS_CLASS_IN 1

/*
 * Walk the (possibly compressed) name at @off of @p.  *end receives the
 * offset just past the name where it started.  When @cmp is given, *match
 * tells whether the name equals that wire name (ASCII case-insensitive);
 * when @out is given the name is copied there, lower-cased, in wire form.
 * Returns the wire length or -NB_EPROTO.
 */
int nb_dns_name_walk(const uint8_t *p, size_t len, size_t off, size_t *end,
		     const uint8_t *cmp, bool *match, uint8_t *out);

/* Length of a well-formed wire name including the root label, or 0. */
size_t nb_dns_wire_len(const uint8_t *w);

#endif
