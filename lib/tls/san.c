/*
 * The iPAddress subjectAltName check BearSSL's minimal engine lacks (it
 * matches DNS names only).  For https://A.B.C.D/ the server certificate
 * must carry the address as an iPAddress GeneralName (RFC 6125 6.2.1,
 * RFC 5280 4.2.1.6: four octets); a DNS name or CN holding the dotted
 * text does not count.
 *
 * The certificate arrives in pieces as the engine decodes it, so this is
 * a byte-at-a-time DER walk with a fixed stack of container ends; it
 * enters only the containers on the way to the SAN extension:
 *
 *   Certificate > TBSCertificate > [3] > Extensions > Extension >
 *   extnValue (OCTET STRING, if extnID is 2.5.29.17) > GeneralNames >
 *   [7] iPAddress
 *
 * Anything malformed (high tag numbers, indefinite or > 16 MiB lengths,
 * a child longer than its parent, nesting past the stack) stops the walk
 * without a match: the check fails closed, and BearSSL rejects such a
 * certificate anyway.
 */
#include "netboot/bytes.h"
#include "tls/tls_int.h"

enum { S_TAG, S_LEN, S_LENN, S_BODY, S_DONE };

/* The tag entered at each depth; depth 5 only inside the SAN extension. */
static const uint8_t path[] = { 0x30, 0x30, 0xa3, 0x30, 0x30, 0x04, 0x30 };
static const uint8_t san_oid[] = { 0x55, 0x1d, 0x11 };

void nb_tls_san_init(struct nb_tls_san *s, uint32_t ip)
{
	*s = (struct nb_tls_san){ .ip = ip };
}

/* Close every container that ends here; the certificate's own end stops
 * the walk (the extensions are inside it, nothing after it counts). */
static void pop(struct nb_tls_san *s)
{
	while (s->depth > 0 && s->pos == s->end[s->depth - 1])
		s->depth--;
	s->state = s->depth == 0 ? S_DONE : S_TAG;
}

static void elem_done(struct nb_tls_san *s)
{
	uint32_t n = s->len;
	if (s->depth == 5 && s->tag == 0x06)
		s->in_san = n == sizeof(san_oid) &&
			    s->val[0] == san_oid[0] && s->val[1] == san_oid[1] &&
			    s->val[2] == san_oid[2];
	if (s->depth == 7 && s->tag == 0x87 && n == 4 &&
	    nb_load_be32(s->val) == s->ip)
		s->matched = true;
	pop(s);
}

/* The header is read: enter the element, or read (and skip) its body. */
static void header_done(struct nb_tls_san *s)
{
	uint32_t end = s->pos + s->len;
	if (s->depth > 0 && (end < s->pos || end > s->end[s->depth - 1])) {
		s->state = S_DONE;
		return;
	}
	if (s->depth < sizeof(path) && s->tag == path[s->depth] &&
	    (s->depth != 5 || s->in_san)) {
		if (s->depth == 4)
			s->in_san = false;
		s->end[s->depth++] = end;
		pop(s);
		return;
	}
	s->left = s->len;
	s->got = 0;
	s->state = S_BODY;
	if (s->left == 0)
		elem_done(s);
}

void nb_tls_san_push(struct nb_tls_san *s, const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len && s->state != S_DONE; i++) {
		uint8_t b = buf[i];
		s->pos++;
		switch (s->state) {
		case S_TAG:
			s->tag = b;
			s->state = (b & 0x1f) == 0x1f ? S_DONE : S_LEN;
			break;
		case S_LEN:
			s->len = b & 0x7f;
			if (b < 0x80)
				header_done(s);
			else if (s->len == 0 || s->len > 3)
				s->state = S_DONE;
			else {
				s->nlen = (uint8_t)s->len;
				s->len = 0;
				s->state = S_LENN;
			}
			break;
		case S_LENN:
			s->len = s->len << 8 | b;
			if (--s->nlen == 0)
				header_done(s);
			break;
		default: /* S_BODY */
			if (s->got < sizeof(s->val))
				s->val[s->got++] = b;
			if (--s->left == 0)
				elem_done(s);
			break;
		}
	}
}

void nb_tls_san_stop(struct nb_tls_san *s)
{
	s->state = S_DONE;
}
