/* Internal helpers shared by the lib/http parsers and client. */
#ifndef NB_LIB_HTTP_INT_H
#define NB_LIB_HTTP_INT_H

#include "core/div.h"
#include "core/text.h"
#include "netboot/http.h"

/* Decimal digits only, no sign, no overflow: -NB_EPROTO otherwise. */
static inline int nb_http_parse_u64(const char *p, size_t n, uint64_t *out)
{
	return nb_parse_u64(p, n, out) < 0 ? -NB_EPROTO : 0;
}

#endif
