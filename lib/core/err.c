/*
 * Error codes in words (nb_strerror): what the loaders and nbget print
 * when something fails, so each enum nb_err has one short sentence.
 */
#include "netboot/err.h"

/* Indexed by enum nb_err; the static assert below keeps the two in step. */
static const char *const nb_err_text[] = {
	[NB_OK] = "success",
	[NB_EAGAIN] = "in progress",
	[NB_EINVAL] = "invalid argument",
	[NB_ENOMEM] = "out of memory (arena or table too small)",
	[NB_ENOBUFS] = "queue full",
	[NB_ETIMEDOUT] = "timed out",
	[NB_EMSGSIZE] = "message too long",
	[NB_EUNREACH] = "host unreachable",
	[NB_ERANGE] = "write outside the destination",
	[NB_EIO] = "link driver error",
	[NB_EADDRINUSE] = "port in use",
	[NB_EPROTO] = "protocol error",
	[NB_ENOTFOUND] = "not found",
	[NB_EACCES] = "access denied",
	[NB_ECONNREFUSED] = "connection refused",
	[NB_ECONNRESET] = "connection reset",
	[NB_ENOSPC] = "no space left",
	[NB_ETOOBIG] = "file too large",
	[NB_ENAK] = "DHCP server refused the lease",
	[NB_ENOLEASE] = "no usable DHCP lease",
	[NB_EOPTION] = "option negotiation failed",
	[NB_ETID] = "unknown transfer ID",
	[NB_ESERVER] = "server error",
	[NB_EREDIRECT] = "too many redirects",
	[NB_EAUTH] = "authentication required",
	[NB_EHTTP] = "unexpected HTTP status",
	[NB_ECHANGED] = "resource changed on the server",
	[NB_ECLOSED] = "connection closed early",
	[NB_EDIGEST] = "checksum mismatch",
	[NB_ENOTSUP] = "not supported",
	[NB_EBADIMAGE] = "bad image",
	[NB_ECANCELED] = "canceled",
	[NB_EABI] = "caller built with other tunables than the library (ABI mismatch)",
};

_Static_assert(sizeof(nb_err_text) / sizeof(nb_err_text[0]) == NB_ERR_COUNT,
	       "every enum nb_err needs a text");

const char *nb_strerror(int err)
{
	/* Compare before negating: -INT_MIN would overflow. */
	if (err < 0 && err > -NB_ERR_COUNT)
		err = -err;
	if (err < 0 || err >= NB_ERR_COUNT || !nb_err_text[err])
		return "unknown error";
	return nb_err_text[err];
}
