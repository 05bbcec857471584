/*
 * Resumable sessions keyed by host:port, so the parts, resumes and later
 * fetches from one server skip the certificate chain and the key
 * exchange after the first handshake.
 */
#include "core/mem.h"
#include "core/text.h"
#include "tls/tls_int.h"

void nb_tls_cache_init(struct nb_tls_cache *c)
{
	if (c)
		memset(c, 0, sizeof(*c));
}

static struct nb_tls_session *lookup(struct nb_tls_cache *c, const char *host,
				     size_t n, uint16_t port)
{
	if (!c || n == 0 || n > NB_TLS_HOST_MAX)
		return NULL;
	for (unsigned i = 0; i < NB_TLS_SESSIONS; i++) {
		struct nb_tls_session *s = &c->slot[i];
		if (!s->used || s->port != port || s->host_len != n)
			continue;
		size_t k = 0;
		while (k < n && nb_lower(s->host[k]) == nb_lower(host[k]))
			k++;
		if (k == n)
			return s;
	}
	return NULL;
}

const br_ssl_session_parameters *nb_tls_cache_find(struct nb_tls_cache *c,
						   const char *host, size_t n,
						   uint16_t port)
{
	struct nb_tls_session *s = lookup(c, host, n, port);
	if (!s)
		return NULL;
	s->used = ++c->clock;
	return &s->params;
}

void nb_tls_cache_store(struct nb_tls_cache *c, const char *host, size_t n,
			uint16_t port, const br_ssl_session_parameters *p)
{
	if (!c || n == 0 || n > NB_TLS_HOST_MAX || p->session_id_len == 0)
		return;
	struct nb_tls_session *s = lookup(c, host, n, port);
	if (!s) {
		s = &c->slot[0];
		for (unsigned i = 1; i < NB_TLS_SESSIONS; i++)
			if (c->slot[i].used < s->used)
				s = &c->slot[i];
	}
	s->params = *p;
	s->port = port;
	s->host_len = (uint8_t)n;
	memcpy(s->host, host, n);
	s->used = ++c->clock;
}

void nb_tls_cache_drop(struct nb_tls_cache *c, const char *host, size_t n,
		       uint16_t port)
{
	struct nb_tls_session *s = lookup(c, host, n, port);
	if (s)
		memset(s, 0, sizeof(*s));
}
