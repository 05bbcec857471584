/*
 * The X.509 engine the TLS engine sees: BearSSL's minimal engine (chain
 * to a trust anchor, signatures, DNS name, validity dates), wrapped for
 * the two modes the caller may ask for.
 *
 * skip_time: the minimal engine checks each certificate's dates against
 * one time.  A BearSSL decoder reads the same bytes one step ahead and
 * hands the engine each certificate's own notBefore as "now", so every
 * date check passes while everything else is checked as usual.
 *
 * insecure: no server name is checked and "no trusted anchor" is
 * accepted; the key is still taken from the certificate.
 *
 * An IP URL: the minimal engine gets no name (it would match the dotted
 * text against DNS names, which RFC 6125 forbids); san.c looks for the
 * address among the end-entity certificate's iPAddress names instead.
 */
#include <stddef.h>

#include "core/mem.h"
#include "netboot/url.h"
#include "tls/tls_int.h"

/* The unix epoch in BearSSL's days since 0000-01-01. */
#define EPOCH_DAYS 719528u

static struct nb_tls *tls_of(const br_x509_class *const *ctx)
{
	return (struct nb_tls *)(void *)((uint8_t *)(uintptr_t)ctx -
					 offsetof(struct nb_tls, xvt));
}

static bool skip_dates(const struct nb_tls *t)
{
	return t->cl->cfg.skip_time || t->cl->cfg.insecure;
}

static void w_start_chain(const br_x509_class **ctx, const char *name)
{
	struct nb_tls *t = tls_of(ctx);
	uint32_t ip = 0;
	bool is_ip = nb_ipv4_parse(t->host, t->host_len, &ip) == 0;
	nb_tls_san_init(&t->san, ip);
	t->san.want = is_ip && !t->cl->cfg.insecure;
	t->xc.vtable->start_chain(&t->xc.vtable,
				  t->cl->cfg.insecure || is_ip ? NULL : name);
}

static void no_dn(void *ctx, const void *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
}

static void w_start_cert(const br_x509_class **ctx, uint32_t len)
{
	struct nb_tls *t = tls_of(ctx);
	if (skip_dates(t))
		br_x509_decoder_init(&t->dc, no_dn, NULL);
	t->xc.vtable->start_cert(&t->xc.vtable, len);
}

static void w_append(const br_x509_class **ctx, const unsigned char *buf,
		     size_t len)
{
	struct nb_tls *t = tls_of(ctx);
	if (skip_dates(t)) {
		br_x509_decoder_push(&t->dc, buf, len);
		/* Fields of BearSSL's decoder, filled as the validity is
		 * read: the decoder has no accessor for them. */
		if (t->dc.notbefore_days || t->dc.notbefore_seconds)
			br_x509_minimal_set_time(&t->xc, t->dc.notbefore_days,
						 t->dc.notbefore_seconds);
	}
	if (t->san.want)
		nb_tls_san_push(&t->san, buf, len);
	t->xc.vtable->append(&t->xc.vtable, buf, len);
}

static void w_end_cert(const br_x509_class **ctx)
{
	struct nb_tls *t = tls_of(ctx);
	/* The server's own certificate comes first; the rest are CAs. */
	nb_tls_san_stop(&t->san);
	t->xc.vtable->end_cert(&t->xc.vtable);
}

static unsigned w_end_chain(const br_x509_class **ctx)
{
	struct nb_tls *t = tls_of(ctx);
	unsigned err = t->xc.vtable->end_chain(&t->xc.vtable);
	if (err == BR_ERR_X509_NOT_TRUSTED && t->cl->cfg.insecure)
		err = 0;
	if (err == 0 && t->san.want && !t->san.matched)
		err = BR_ERR_X509_BAD_SERVER_NAME;
	return err;
}

static const br_x509_pkey *w_get_pkey(const br_x509_class *const *ctx,
				      unsigned *usages)
{
	struct nb_tls *t = tls_of(ctx);
	return t->xc.vtable->get_pkey(&t->xc.vtable, usages);
}

const br_x509_class nb_tls_x509_vtable = {
	sizeof(br_x509_minimal_context), w_start_chain, w_start_cert,
	w_append, w_end_cert, w_end_chain, w_get_pkey,
};

void nb_tls_x509_setup(struct nb_tls *t)
{
	const struct nb_tls_anchors *a = t->cl->cfg.anchors;
	br_x509_minimal_init(&t->xc, &br_sha256_vtable, a ? a->ta : NULL,
			     a ? a->count : 0);
	br_x509_minimal_set_hash(&t->xc, br_sha256_ID, &br_sha256_vtable);
	br_x509_minimal_set_hash(&t->xc, br_sha384_ID, &br_sha384_vtable);
	br_x509_minimal_set_hash(&t->xc, br_sha512_ID, &br_sha512_vtable);
	/* The same small implementations as the engine (conn.c). */
	br_x509_minimal_set_rsa(&t->xc, br_rsa_i31_pkcs1_vrfy);
	br_x509_minimal_set_ecdsa(&t->xc, &br_ec_prime_i31,
				  br_ecdsa_i31_vrfy_asn1);
	/* 32-bit seconds last until 2106 and divide without libgcc. */
	uint64_t t64 = t->cl->cfg.unix_time;
	uint32_t now = t64 > UINT32_MAX ? UINT32_MAX : (uint32_t)t64;
	/* Any non-zero time: the decoder replaces it per certificate. */
	if (skip_dates(t) && now == 0)
		now = 1;
	br_x509_minimal_set_time(&t->xc, now / 86400u + EPOCH_DAYS,
				 now % 86400u);
	t->xvt = &nb_tls_x509_vtable;
}
