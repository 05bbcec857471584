/**
 * @file err.h
 * @brief Error codes shared by every libnetboot module.
 *
 * Functions return 0 (or a non-negative count) on success and the
 * *negated* code on failure, e.g. `return -NB_ETIMEDOUT;`.  Long-running
 * objects return `-NB_EAGAIN` from their poll function while still busy.
 * Codes are stable: new ones are only ever appended.
 */
#ifndef NETBOOT_ERR_H
#define NETBOOT_ERR_H

/** Error codes.  Always returned negated. */
enum nb_err {
	NB_OK = 0,          /**< Success. */
	NB_EAGAIN,          /**< Not finished yet: poll again later. */
	NB_EINVAL,          /**< Bad argument from the caller. */
	NB_ENOMEM,          /**< Arena or fixed table too small. */
	NB_ENOBUFS,         /**< A bounded queue is full; try again later. */
	NB_ETIMEDOUT,       /**< The peer did not answer in time. */
	NB_EMSGSIZE,        /**< Data does not fit in one frame/datagram. */
	NB_EUNREACH,        /**< No route, or the next hop did not answer ARP. */
	NB_ERANGE,          /**< A sink write outside the sink's bounds. */
	NB_EIO,             /**< The link driver reported a failure. */
	NB_EADDRINUSE,      /**< Port already bound on this stack. */
	NB_EPROTO,          /**< Peer violated the protocol (malformed reply). */
	NB_ENOTFOUND,       /**< The server says the file/name does not exist. */
	NB_EACCES,          /**< The server refused access. */
	NB_ECONNREFUSED,    /**< Port unreachable / connection refused. */
	NB_ECONNRESET,      /**< Connection reset by the peer. */
	NB_ENOSPC,          /**< The sink or server ran out of space. */
	NB_ETOOBIG,         /**< The object is larger than allowed (tsize...). */
	NB_ENAK,            /**< DHCP server answered NAK (restart exhausted). */
	NB_ENOLEASE,        /**< A cached DHCP packet is not a usable lease. */
	NB_EOPTION,         /**< Option negotiation refused (TFTP OACK...). */
	NB_ETID,            /**< TFTP: packet from an unknown transfer ID. */
	NB_ESERVER,         /**< The server reported an error (HTTP 5xx...). */
	NB_EREDIRECT,       /**< Too many redirects. */
	NB_EAUTH,           /**< Authentication required or failed (HTTP 401). */
	NB_EHTTP,           /**< Another unexpected HTTP status. */
	NB_ECHANGED,        /**< Resource changed during resume (If-Range). */
	NB_ECLOSED,         /**< Connection closed before the transfer ended. */
	NB_EDIGEST,         /**< Integrity check (SHA-256...) failed. */
	NB_ENOTSUP,         /**< Feature not supported by this build/peer. */
	NB_EBADIMAGE,       /**< A downloaded image failed validation. */
	NB_ECANCELED,       /**< Operation aborted by the caller. */
	NB_EABI,            /**< Caller compiled with other tunables or struct
				 layouts than the library (netboot/abi.h). */
	NB_EUNTRUSTED,      /**< TLS: the server's certificate chain leads to
				 no trust anchor (or fails another X.509
				 check); nb_tls_why() names it. */
	NB_ECERTNAME,       /**< TLS: the certificate is not for this host. */
	NB_ECERTTIME,       /**< TLS: certificate expired or not yet valid,
				 or no time to check it against. */
	NB_ETLSALERT,       /**< TLS: the server sent a fatal alert
				 (handshake failure...). */
	NB_ETLS,            /**< TLS: malformed, oversized or forged record,
				 or parameters we cannot use. */
	NB_ETLSTRUNC,       /**< TLS: the server closed in the middle of a
				 record (resumed like a dropped connection). */
	NB_ERR_COUNT        /**< Number of codes (not an error). */
};

/**
 * Human-readable text for an error code.
 * @param err  A code, negated or not; unknown codes are accepted.
 * @return A static, NUL-terminated string; never NULL.
 */
const char *nb_strerror(int err);

#endif
