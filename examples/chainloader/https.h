/*
 * https:// for the firmware images built with TLS (nbchain-tls.kpxe,
 * nbchain-tls.efi): lib/tls's client, its buffers, and where its trust
 * anchors and time come from.  The loader only sees the hooks
 * (cl_loader::tls) and the words for a failure (cl_loader::tls_why).
 */
#ifndef CL_HTTPS_H
#define CL_HTTPS_H

#include "caslot.h"
#include "loader.h"
#include "netboot/tls.h"

/* The ciphertext ring is the TCP receive window of an https:// fetch:
 * as large as the plain path's (NB_TCP_RWIN_MIN) so HTTPS keeps pace. */
#define CL_HTTPS_RING NB_TCP_RWIN_MIN
/* Parsed anchors: a private CA and its intermediates take about 2 KiB,
 * a few public roots fit too (see struct nb_tls_anchors). */
#define CL_HTTPS_ANCHOR_MEM (24u * 1024u)

struct cl_https {
	struct nb_tls_anchors anchors;
	struct nb_tls_cache cache;
	struct nb_tls conn;
	struct nb_tls_client client;
	uint8_t anchor_mem[CL_HTTPS_ANCHOR_MEM];
	uint8_t iobuf[BR_SSL_BUFSIZE_BIDI];
	uint8_t ring[CL_HTTPS_RING];
};

/* Where the trust anchors and the time come from (the platform's). */
struct cl_https_src {
	/* -Dca=FILE, compiled in (len 0: none). */
	const char *builtin;
	size_t builtin_len;
	/* The image's CA slot (nbpatch), or NULL. */
	const struct cl_ca_slot *slot;
	/* Optional: the firmware's anchors (UEFI's TlsCaCertificate), added
	 * with nb_tls_anchors_add_der(); returns how many, or -NB_E*. */
	int (*firmware)(void *ctx, struct nb_tls_anchors *a);
	void *firmware_ctx;
	const char *firmware_name; /* for the console: where they came from */
	/* Seconds since 1970 from the RTC (0: unknown). */
	uint64_t unix_time;
	/* Skip certificate dates (-Dtls_skip_time, or the slot's flag). */
	bool skip_time;
};

/*
 * Load the anchors (the first source that has any, in the order of
 * struct cl_https_src), set up the client and hand it to @p l; says on
 * @p l's console where the anchors came from, and loudly when dates are
 * not checked.  Without anchors https:// fails with a message naming the
 * ways to supply them; other fetches are unaffected.  0 or -NB_E*.
 */
int cl_https_setup(struct cl_https *h, struct cl_loader *l,
		   const struct cl_https_src *src);

#endif
