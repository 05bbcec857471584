/*
 * EFI_SIGNATURE_LIST arrays (UEFI spec 32.4.1), as the firmware stores
 * TlsCaCertificate, db and friends: each list is a signature type GUID,
 * the list's size, its header's size, each signature's size, the header,
 * then signatures of an owner GUID and the data.
 */
#ifndef CL_SIGLIST_H
#define CL_SIGLIST_H

#include <stddef.h>
#include <stdint.h>

/*
 * Call @p fn with every EFI_CERT_X509_GUID signature's DER certificate
 * in @p buf (other types are passed over).  A negative return of @p fn
 * stops the walk and is returned.  Returns how many certificates @p fn
 * got, or -NB_EPROTO when a list's sizes do not fit the buffer or each
 * other (nothing is read outside @p buf).
 */
int cl_siglist_x509(const uint8_t *buf, size_t len,
		    int (*fn)(void *ctx, const uint8_t *der, size_t len),
		    void *ctx);

#endif
