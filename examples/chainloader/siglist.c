#include "siglist.h"

#include <stdbool.h>

#include "netboot/bytes.h"
#include "netboot/err.h"

/* EFI_CERT_X509_GUID a5c059a1-94e4-4aa7-87b5-ab155c2bf072, as stored. */
static const uint8_t x509_guid[16] = {0xa1, 0x59, 0xc0, 0xa5, 0xe4, 0x94,
				      0xa7, 0x4a, 0x87, 0xb5, 0xab, 0x15,
				      0x5c, 0x2b, 0xf0, 0x72};
#define LIST_HEAD 28 /* type GUID, list size, header size, signature size */
#define OWNER 16     /* each signature starts with its owner's GUID */

static bool same_guid(const uint8_t *a, const uint8_t *b)
{
	for (unsigned i = 0; i < 16; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

int cl_siglist_x509(const uint8_t *buf, size_t len,
		    int (*fn)(void *ctx, const uint8_t *der, size_t len),
		    void *ctx)
{
	int n = 0;

	while (len > 0) {
		if (len < LIST_HEAD)
			return -NB_EPROTO;
		uint32_t list = nb_load_le32(buf + 16);
		uint32_t hdr = nb_load_le32(buf + 20);
		uint32_t sig = nb_load_le32(buf + 24);
		if (list < LIST_HEAD || list > len || hdr > list - LIST_HEAD ||
		    sig <= OWNER)
			return -NB_EPROTO;
		size_t body = list - LIST_HEAD - hdr;
		if (body % sig)
			return -NB_EPROTO;
		if (same_guid(buf, x509_guid)) {
			const uint8_t *s = buf + LIST_HEAD + hdr;
			for (size_t k = 0; k < body / sig; k++, s += sig) {
				int rc = fn(ctx, s + OWNER, sig - OWNER);
				if (rc < 0)
					return rc;
				n++;
			}
		}
		buf += list;
		len -= list;
	}
	return n;
}
