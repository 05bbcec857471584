/**
 * @file url.h
 * @brief URL parsing shared by every module that takes a URL: lib/http
 *        (its request and redirect targets) and lib/fetch (what loaders
 *        and tools hand in) (lib/core).
 *
 * One parser for `scheme://[userinfo@]host[:port][/path][?query][#frag]`
 * with the schemes `http`, `https` and `tftp`.  It is stateless, takes
 * (pointer, length), never reads outside it and never allocates: the
 * result points into the parsed text.  Host literals are recognised, not
 * resolved: an IPv4 dotted quad is converted, a bracketed `[v6]` literal
 * is kept as text and flagged (which protocols may refuse for now).
 * Percent-escapes are kept as they are; nb_url_decode() turns a component
 * into bytes where a protocol needs them (TFTP file names, Basic
 * credentials).
 *
 * Memory: sizeof(struct nb_url), caller-owned; stack use below 128 bytes.
 */
#ifndef NETBOOT_URL_H
#define NETBOOT_URL_H

#include "netboot/config.h"
#include "netboot/core.h"

/** Longest host name (RFC 1035) or bracketed literal accepted. */
#define NB_URL_HOST_MAX 253

/** Schemes the parser knows. */
enum nb_url_scheme {
	NB_URL_NONE = 0,  /**< Not a known scheme (never in a parsed URL). */
	NB_URL_HTTP = 1,  /**< `http://`, default port 80. */
	NB_URL_HTTPS = 2, /**< `https://`, default port 443. */
	NB_URL_TFTP = 3   /**< `tftp://`, default port 69. */
};

/**
 * A parsed URL.  Pointers refer into the string that was parsed and are
 * valid as long as it is; no component is NUL-terminated.
 */
struct nb_url {
	uint8_t scheme;       /**< enum nb_url_scheme. */
	const char *userinfo; /**< `user:pass` (still percent-encoded) or NULL. */
	size_t userinfo_len;  /**< Its length. */
	/**
	 * Host name, IPv4 literal, or for a `[v6]` literal the text between
	 * the brackets.
	 */
	const char *host;
	size_t host_len;      /**< Its length (1..NB_URL_HOST_MAX). */
	const char *path;     /**< Path starting with '/', or "/" when empty
				   (still percent-encoded). */
	size_t path_len;      /**< Its length (query and fragment excluded). */
	const char *query;    /**< Text after '?' (without it), or NULL. */
	size_t query_len;     /**< Its length. */
	uint16_t port;        /**< Port, the scheme's default when absent. */
	bool port_given;      /**< The URL named the port explicitly. */
	bool is_ip;           /**< The host is an IPv4 literal... */
	uint32_t ip;          /**< ...with this address (host order). */
	bool is_ip6;          /**< The host was a bracketed IPv6 literal. */
};

/**
 * The scheme a URL text starts with (`name://`, case-insensitive).
 * @param s    Text (need not be NUL-terminated).
 * @param len  Its length.
 * @param n    Receives the length of `name://` when one is present
 *             (known or not); may be NULL.
 * @return The scheme; NB_URL_NONE when the text has no `name://` prefix
 *         (*n = 0: a bare name) or names an unknown scheme (*n > 0).
 */
enum nb_url_scheme nb_url_scheme_of(const char *s, size_t len, size_t *n);

/**
 * The port a scheme uses when the URL names none.
 * @param scheme  enum nb_url_scheme value.
 * @return 80, 443 or 69; 0 for NB_URL_NONE or an unknown value.
 */
uint16_t nb_url_default_port(unsigned scheme);

/**
 * Parse an absolute URL.  The scheme is case-insensitive; a fragment
 * (`#...`) is dropped; an empty path becomes "/".
 * @param s    URL text (need not be NUL-terminated).
 * @param len  Its length.
 * @param u    Receives pointers into @p s (zeroed on failure).
 * @return 0; -NB_ENOTSUP for a well-formed URL of another scheme
 *         (`ftp://`); -NB_EINVAL for anything else that is not such a URL
 *         (no scheme, empty or invalid host, a malformed `[...]` literal,
 *         port 0 or > 65535, spaces or control characters, a userinfo
 *         over NB_URL_USERINFO_MAX).
 */
int nb_url_parse(const char *s, size_t len, struct nb_url *u);

/**
 * Resolve a redirect target against the URL it came from, writing an
 * absolute URL.  Accepts an absolute URL, `//host/path` (the base's
 * scheme), `/path` and a relative path (merged with the base's
 * directory; no dot-segment removal); for the last two the base's
 * userinfo, host and non-default port carry over.
 * @param base      The absolute URL of the request (parsed by nb_url_parse()).
 * @param base_str  Its text (what @p base points into).
 * @param loc       The target.
 * @param loc_len   Its length.
 * @param out       Destination for the absolute URL (NUL-terminated).
 * @param cap       Its size.
 * @return Length written (without the NUL); -NB_EMSGSIZE when it does not
 *         fit; -NB_EINVAL for an empty target or NULL arguments.
 */
int nb_url_resolve(const struct nb_url *base, const char *base_str,
		   const char *loc, size_t loc_len, char *out, size_t cap);

/**
 * Percent-decode a URL component (`%2F` -> '/').
 * @param s    Component text.
 * @param len  Its length.
 * @param out  Destination; NUL-terminated on success.  May be NULL with
 *             @p cap 0 to only check and measure.
 * @param cap  Its size.
 * @return Decoded length (without the NUL); -NB_EINVAL for a malformed
 *         escape or one that decodes to a NUL byte; -NB_EMSGSIZE when
 *         @p out is too small.
 */
int nb_url_decode(const char *s, size_t len, char *out, size_t cap);

/**
 * Parse a dotted-quad IPv4 literal ("10.0.0.1"): exactly four decimal
 * parts 0..255, no leading '+' or spaces, at most three digits each.
 * @param str  Text (need not be NUL-terminated).
 * @param len  Its length.
 * @param out  Receives the address in host order.
 * @return 0, or -NB_EINVAL if @p str is not a literal.
 */
int nb_ipv4_parse(const char *str, size_t len, uint32_t *out);

#endif
