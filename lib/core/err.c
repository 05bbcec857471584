/*
 * Error codes in words (nb_strerror): what the loaders and nbget print
 * when something fails, so each enum nb_err has one short sentence.
 */
#include "netboot/err.h"

/*
 * The texts in enum nb_err order, as one string of NUL-separated texts:
 * a table of pointers would cost four bytes a code.  The X list also
 * numbers them, and the static asserts below keep that numbering and the
 * enum in step.
 */
#define NB_ERR_TEXTS                                                         \
	X(NB_OK, "success")                                                  \
	X(NB_EAGAIN, "in progress")                                          \
	X(NB_EINVAL, "invalid argument")                                     \
	X(NB_ENOMEM, "out of memory (arena or table too small)")             \
	X(NB_ENOBUFS, "queue full")                                          \
	X(NB_ETIMEDOUT, "timed out")                                         \
	X(NB_EMSGSIZE, "message too long")                                   \
	X(NB_EUNREACH, "host unreachable")                                   \
	X(NB_ERANGE, "write outside the destination")                        \
	X(NB_EIO, "link driver error")                                       \
	X(NB_EADDRINUSE, "port in use")                                      \
	X(NB_EPROTO, "protocol error")                                       \
	X(NB_ENOTFOUND, "not found")                                         \
	X(NB_EACCES, "access denied")                                        \
	X(NB_ECONNREFUSED, "connection refused")                             \
	X(NB_ECONNRESET, "connection reset")                                 \
	X(NB_ENOSPC, "no space left")                                        \
	X(NB_ETOOBIG, "file too large")                                      \
	X(NB_ENAK, "DHCP server refused the lease")                          \
	X(NB_ENOLEASE, "no usable DHCP lease")                               \
	X(NB_EOPTION, "option negotiation failed")                           \
	X(NB_ETID, "unknown transfer ID")                                    \
	X(NB_ESERVER, "server error")                                        \
	X(NB_EREDIRECT, "too many redirects")                                \
	X(NB_EAUTH, "authentication required")                               \
	X(NB_EHTTP, "unexpected HTTP status")                                \
	X(NB_ECHANGED, "resource changed on the server")                     \
	X(NB_ECLOSED, "connection closed early")                             \
	X(NB_EDIGEST, "checksum mismatch")                                   \
	X(NB_ENOTSUP, "not supported")                                       \
	X(NB_EBADIMAGE, "bad image")                                         \
	X(NB_ECANCELED, "canceled")                                          \
	X(NB_EABI, "caller built with other tunables than the library "      \
		   "(ABI mismatch)")                                         \
	X(NB_EUNTRUSTED, "untrusted certificate")                            \
	X(NB_ECERTNAME, "wrong certificate name")                            \
	X(NB_ECERTTIME, "certificate date invalid")                          \
	X(NB_ETLSALERT, "TLS alert from server")                             \
	X(NB_ETLS, "TLS error")                                              \
	X(NB_ETLSTRUNC, "TLS record cut short")

#define X(code, text) POS_##code,
enum { NB_ERR_TEXTS POS_COUNT };
#undef X
#define X(code, text)                                                        \
	_Static_assert((int)POS_##code == (int)code, #code " is out of order");
NB_ERR_TEXTS
#undef X
_Static_assert((int)POS_COUNT == (int)NB_ERR_COUNT, "every enum nb_err needs a text");

#define X(code, text) text "\0"
static const char nb_err_text[] = NB_ERR_TEXTS;
#undef X

const char *nb_strerror(int err)
{
	/* Compare before negating: -INT_MIN would overflow. */
	if (err < 0 && err > -NB_ERR_COUNT)
		err = -err;
	if (err < 0 || err >= NB_ERR_COUNT)
		return "unknown error";
	const char *t = nb_err_text;
	for (; err > 0; err--)
		while (*t++)
			;
	return t;
}
