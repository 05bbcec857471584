/*
 * https:// for the TLS images: anchors from the first source that has
 * any (compiled in, the image's CA slot, the firmware), the RTC's time,
 * one lib/tls connection for the loader's one download at a time, and a
 * session cache so the initrd after the kernel resumes the session.
 */
#include "https.h"

#include "fmt.h"

static void say(struct cl_loader *l, const char *a, const char *b,
		const char *c)
{
	l->p->print(l->p->ctx, a);
	l->p->print(l->p->ctx, b);
	l->p->print(l->p->ctx, c);
}

static const char no_anchors[] =
	"no trust anchors for https:// (build with -Dca=FILE, put them in "
	"the image with nbpatch --ca, or on UEFI in TlsCaCertificate)";

static const char *why_none(const void *ctx)
{
	(void)ctx;
	return no_anchors;
}

static const char *why_client(const void *ctx)
{
	return nb_tls_why(ctx);
}

/* Anchors from the first source that has any; *from names it. */
static int load_anchors(struct cl_https *h, const struct cl_https_src *src,
			const char **from)
{
	int n = 0;

	if (src->builtin_len) {
		*from = "compiled in (-Dca)";
		return nb_tls_anchors_add_pem(&h->anchors, src->builtin,
					      src->builtin_len);
	}
	if (src->slot && src->slot->len) {
		*from = "the image's CA slot (nbpatch)";
		return nb_tls_anchors_add_pem(&h->anchors, src->slot->data,
					      src->slot->len);
	}
	if (src->firmware) {
		*from = src->firmware_name;
		n = src->firmware(src->firmware_ctx, &h->anchors);
	}
	return n;
}

int cl_https_setup(struct cl_https *h, struct cl_loader *l,
		   const struct cl_https_src *src)
{
	char d[21];
	const char *from = "";

	l->tls = NULL;
	l->tls_why = why_none;
	l->tls_ctx = NULL;
	int rc = nb_tls_anchors_init(&h->anchors, h->anchor_mem,
				     sizeof(h->anchor_mem));
	if (rc == 0)
		rc = load_anchors(h, src, &from);
	if (rc < 0) {
		say(l, "tls: trust anchors from ", from, ": ");
		say(l, nb_strerror(rc), "; https:// disabled\n", "");
		return rc;
	}
	if (h->anchors.count == 0) {
		say(l, "tls: ", no_anchors, "\n");
		return 0;
	}
	say(l, "tls: ", cl_dec(d, h->anchors.count), " trust anchor(s) from ");
	say(l, from, "\n", "");

	bool skip = src->skip_time || (src->slot && src->slot->flags &
						      CL_CA_SLOT_SKIP_TIME);
	if (skip)
		say(l, "tls: WARNING: certificate dates are NOT checked "
		       "(skip-time set): an expired or stolen certificate "
		       "is accepted\n", "", "");
	else if (!src->unix_time)
		say(l, "tls: the real-time clock is unreadable or unset: "
		       "https:// will fail (certificate dates cannot be "
		       "checked; nbpatch --skip-time on skips them)\n", "", "");

	struct nb_tls_cfg cfg = {
		.anchors = &h->anchors,
		.cache = &h->cache,
		.unix_time = src->unix_time,
		.skip_time = skip,
	};
	nb_tls_cache_init(&h->cache);
	rc = nb_tls_init(&h->conn, h->iobuf, sizeof(h->iobuf), h->ring,
			 sizeof(h->ring));
	if (rc == 0)
		rc = nb_tls_client_init(&h->client, &cfg, &h->conn, 1);
	if (rc < 0) {
		say(l, "tls: ", nb_strerror(rc), "; https:// disabled\n");
		return rc;
	}
	l->tls = nb_tls_client_http(&h->client);
	l->tls_why = why_client;
	l->tls_ctx = &h->client;
	return 0;
}
