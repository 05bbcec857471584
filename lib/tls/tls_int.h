/* Internal interface between the files of lib/tls. */
#ifndef NB_LIB_TLS_TLS_INT_H
#define NB_LIB_TLS_TLS_INT_H

#include "netboot/tls.h"

/* The X.509 wrapper's vtable (x509.c): BearSSL's minimal engine plus the
 * skip-time and insecure modes. */
extern const br_x509_class nb_tls_x509_vtable;

/* Set up t->xc and t->xvt for a new chain (x509.c). */
void nb_tls_x509_setup(struct nb_tls *t);

/* The iPAddress SAN walk (san.c): feed the end-entity certificate's DER
 * in any pieces; s->matched tells whether @p ip (host order) is one of
 * its iPAddress names.  nb_tls_san_stop() ends the walk (at the
 * certificate's end). */
void nb_tls_san_init(struct nb_tls_san *s, uint32_t ip);
void nb_tls_san_push(struct nb_tls_san *s, const uint8_t *buf, size_t len);
void nb_tls_san_stop(struct nb_tls_san *s);

/* Session cache (cache.c). */
const br_ssl_session_parameters *nb_tls_cache_find(struct nb_tls_cache *c,
						   const char *host,
						   size_t host_len,
						   uint16_t port);
void nb_tls_cache_store(struct nb_tls_cache *c, const char *host,
			size_t host_len, uint16_t port,
			const br_ssl_session_parameters *p);
void nb_tls_cache_drop(struct nb_tls_cache *c, const char *host,
		       size_t host_len, uint16_t port);

/* Record a failure of @p t (why.c): the client's last error and text. */
void nb_tls_note_failure(struct nb_tls *t, int err, int br_err);

#endif
