/*
 * Trust anchors parsed at run time: PEM bundles and DER certificates
 * (a UEFI TlsCaCertificate entry) become BearSSL trust anchors in one
 * caller buffer.  The table grows up from the buffer's start, each
 * anchor's DN and key down from below the decoders' scratch, which sits
 * at the buffer's end (BearSSL's decoders point into themselves, so they
 * must not move between calls); a DN is collected in the free space
 * between before it moves to its place.
 */
#include "core/mem.h"
#include "tls/tls_int.h"

#define ALIGN 8u
#define MIN_BUF 4096u
/* The decoders take about 2 KiB of the minimum; the rest holds anchors. */

/* The decoders and the DN being collected, in the free space. */
struct scratch {
	br_x509_decoder_context dc;
	br_pem_decoder_context pem;
	uint8_t *dn;      /* DN bytes collected so far (after this struct). */
	size_t dn_len;
	size_t dn_cap;
	bool dn_over;     /* The DN did not fit. */
	bool in_cert;     /* The PEM object is a certificate. */
};

_Static_assert(sizeof(struct scratch) + 1024 <= MIN_BUF, "scratch too big");

static struct scratch *scratch_at(const struct nb_tls_anchors *a)
{
	return (struct scratch *)(void *)(a->mem + a->len);
}

static size_t align_up(size_t v)
{
	return (v + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

/* Where the table ends with @p n entries (offset into a->mem). */
static size_t table_end(const struct nb_tls_anchors *a, size_t n)
{
	return (size_t)((uint8_t *)(a->ta + n) - a->mem);
}

int nb_tls_anchors_init(struct nb_tls_anchors *a, void *mem, size_t len)
{
	if (!a || !mem || len < MIN_BUF)
		return -NB_EINVAL;
	memset(a, 0, sizeof(*a));
	uintptr_t p = (uintptr_t)mem;
	size_t pad = (size_t)((ALIGN - (p & (ALIGN - 1))) & (ALIGN - 1));
	a->mem = (uint8_t *)mem + pad;
	a->len = len - pad;
	a->ta = (br_x509_trust_anchor *)(void *)a->mem;
	/* a->len ends where the scratch begins. */
	a->len = (a->len - sizeof(struct scratch)) & ~(size_t)(ALIGN - 1);
	a->top = a->len;
	return 0;
}


static void append_dn(void *ctx, const void *buf, size_t len)
{
	struct scratch *s = ctx;
	if (len > s->dn_cap - s->dn_len) {
		s->dn_over = true;
		return;
	}
	memcpy(s->dn + s->dn_len, buf, len);
	s->dn_len += len;
}

/* The DN goes to the free space after the table's next entry. */
static int start_cert(struct nb_tls_anchors *a, struct scratch *s)
{
	size_t at = align_up(table_end(a, a->count + 1));
	if (at + 64 > a->top)
		return -NB_ENOMEM;
	br_x509_decoder_init(&s->dc, append_dn, s);
	s->dn = a->mem + at;
	s->dn_cap = a->top - at;
	s->dn_len = 0;
	s->dn_over = false;
	return 0;
}

static void push_der(void *ctx, const void *buf, size_t len)
{
	struct scratch *s = ctx;
	br_x509_decoder_push(&s->dc, buf, len);
}

/* Move @p n bytes to the top region; returns where they went.  The DN
 * may overlap its destination (memmove); keys come from the scratch. */
static uint8_t *keep(struct nb_tls_anchors *a, size_t *top, const void *p,
		     size_t n)
{
	*top -= n;
	memmove(a->mem + *top, p, n);
	return a->mem + *top;
}

/* The certificate in s->dc is complete: make it an anchor. */
static int finish_cert(struct nb_tls_anchors *a, struct scratch *s)
{
	if (br_x509_decoder_last_error(&s->dc) != 0)
		return -NB_EPROTO;
	if (s->dn_over)
		return -NB_ENOMEM;
	const br_x509_pkey *pk = br_x509_decoder_get_pkey(&s->dc);
	if (!pk)
		return -NB_EPROTO;
	size_t klen;
	if (pk->key_type == BR_KEYTYPE_RSA)
		klen = pk->key.rsa.nlen + pk->key.rsa.elen;
	else if (pk->key_type == BR_KEYTYPE_EC)
		klen = pk->key.ec.qlen;
	else {
		a->skipped++;
		return 0;
	}
	/* Above the table with its new entry; the key is written first
	 * and must not reach the DN still waiting below. */
	size_t dn_at = (size_t)(s->dn - a->mem);
	if (a->top < klen + s->dn_len ||
	    a->top - klen < dn_at + s->dn_len ||
	    a->top - klen - s->dn_len < table_end(a, a->count + 1))
		return -NB_ENOMEM;
	br_x509_trust_anchor ta;
	memset(&ta, 0, sizeof(ta));
	size_t top = a->top;
	ta.flags = br_x509_decoder_isCA(&s->dc) ? BR_X509_TA_CA : 0;
	ta.pkey.key_type = pk->key_type;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		ta.pkey.key.rsa.n = keep(a, &top, pk->key.rsa.n,
					 pk->key.rsa.nlen);
		ta.pkey.key.rsa.nlen = pk->key.rsa.nlen;
		ta.pkey.key.rsa.e = keep(a, &top, pk->key.rsa.e,
					 pk->key.rsa.elen);
		ta.pkey.key.rsa.elen = pk->key.rsa.elen;
	} else {
		ta.pkey.key.ec.curve = pk->key.ec.curve;
		ta.pkey.key.ec.q = keep(a, &top, pk->key.ec.q,
					pk->key.ec.qlen);
		ta.pkey.key.ec.qlen = pk->key.ec.qlen;
	}
	ta.dn.data = keep(a, &top, s->dn, s->dn_len);
	ta.dn.len = s->dn_len;
	a->ta[a->count++] = ta;
	a->top = top;
	return 1;
}

int nb_tls_anchors_add_der(struct nb_tls_anchors *a, const void *der,
			   size_t len)
{
	if (!a || !a->mem || !der)
		return -NB_EINVAL;
	struct scratch *s = scratch_at(a);
	int rc = start_cert(a, s);
	if (rc < 0)
		return rc;
	br_x509_decoder_push(&s->dc, der, len);
	return finish_cert(a, s);
}

static bool is_certificate(const char *name)
{
	static const char want[] = "CERTIFICATE";
	for (size_t i = 0; i < sizeof(want); i++)
		if (name[i] != want[i])
			return false;
	return true;
}

/* One PEM event: 1 when a certificate was added, 0, or an error. */
static int pem_event(struct nb_tls_anchors *a, struct scratch *s, int ev,
		     bool *in_obj)
{
	if (ev == BR_PEM_BEGIN_OBJ) {
		*in_obj = true;
		s->in_cert = is_certificate(br_pem_decoder_name(&s->pem));
		return s->in_cert ? start_cert(a, s) : 0;
	}
	if (ev == BR_PEM_END_OBJ) {
		*in_obj = false;
		if (!s->in_cert)
			return 0;
		s->in_cert = false;
		return finish_cert(a, s);
	}
	if (ev == BR_PEM_ERROR)
		return -NB_EPROTO;
	return 0;
}

static void discard(void *ctx, const void *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
}

int nb_tls_anchors_add_pem(struct nb_tls_anchors *a, const void *pem,
			   size_t len)
{
	if (!a || !a->mem || !pem)
		return -NB_EINVAL;
	const uint8_t *p = pem;
	int added = 0;
	bool in_obj = false;
	struct scratch *s = scratch_at(a);
	br_pem_decoder_init(&s->pem);
	s->in_cert = false;
	/* A final line end lets the decoder see the last END line. */
	static const uint8_t nl = '\n';
	for (int pass = 0; pass < 2; pass++) {
		const uint8_t *d = pass ? &nl : p;
		size_t left = pass ? 1 : len;
		while (left > 0) {
			br_pem_decoder_setdest(&s->pem,
					       s->in_cert ? push_der : discard,
					       s);
			size_t n = br_pem_decoder_push(&s->pem, d, left);
			d += n;
			left -= n;
			int ev = br_pem_decoder_event(&s->pem);
			int rc = pem_event(a, s, ev, &in_obj);
			if (rc < 0)
				return rc;
			added += rc;
			if (n == 0 && ev == 0)
				break;
		}
	}
	return in_obj ? -NB_EPROTO : added;
}
