/**
 * @file tls.h
 * @brief TLS 1.2 client over lib/tcp for https:// (lib/tls, BearSSL glue).
 *
 * lib/tls is the glue between lib/tcp and lib/http for https:// URLs,
 * built on BearSSL 0.6 (Debian's `libbearssl-dev` hosted; the firmware
 * builds compile Debian's BearSSL source package freestanding).  It is a
 * library of its own, `libnetboot_tls.a`, so programs that never speak
 * TLS (and the core library's size budget) do not carry it; link it
 * *before* libnetboot.a and BearSSL after both.
 *
 * **What it does.**  TLS 1.2 only, cipher suites ECDHE-ECDSA and
 * ECDHE-RSA with AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305; RSA and
 * ECDSA (P-256, P-384) server certificates, chains with intermediates;
 * SNI; the server name checked against the certificate's DNS and IP
 * subjectAltNames (BearSSL's minimal X.509 engine); validity dates
 * checked against a time the caller supplies; session resumption through
 * a small cache the caller owns, so the parts of a `--parallel` download,
 * Range resumes and several fetches from one server cost one full
 * handshake.
 *
 * **Memory.**  Everything lives in caller memory; no allocator, no
 * mutable globals:
 * - struct nb_tls_anchors: trust anchors parsed at run time from PEM or
 *   DER into one caller buffer (see nb_tls_anchors_init()).
 * - struct nb_tls_cache: NB_TLS_SESSIONS resumable sessions keyed by
 *   host:port (about 200 bytes each).
 * - struct nb_tls: one connection: BearSSL's client context and X.509
 *   engine (about 7.5 KiB on x86_64), plus two caller buffers given to
 *   nb_tls_init(): the record I/O buffer (`BR_SSL_BUFSIZE_BIDI` = 33,178
 *   bytes for full duplex, or at least `BR_SSL_BUFSIZE_MONO` = 16,709
 *   for half duplex, which HTTP's request/response rhythm allows) and the
 *   ciphertext ring.
 * - struct nb_tls_client: the settings and the connections one HTTP
 *   download uses, one per part.
 *
 * **Flow control.**  The ring is the TCP receive window: segments land in
 * it at their stream offset, in order or not (so SACK recovery works as
 * for plain HTTP), the record engine takes them in order, decrypts in its
 * I/O buffer and hands the plaintext to HTTP, which writes it to the sink.
 * The advertised window is the ring's free space, which only grows as
 * fast as the sink takes plaintext: window = what the decryptor and the
 * sink can take.  A ring of 64 KiB fills a 1 Gbit/s link at 0.5 ms RTT;
 * size it as rate x RTT (nbget uses 4 MiB).
 *
 * **Time.**  Certificates are checked against nb_tls_cfg::unix_time
 * (seconds since 1970, UTC): hosted from the system clock, on BIOS from
 * the CMOS RTC, on UEFI from GetTime().  Without a time the handshake
 * fails with -NB_ECERTTIME unless nb_tls_cfg::skip_time says to skip the
 * validity check; the caller must log that it does (nbget and the
 * chainloaders print a warning), nb_tls_stats::time_skipped counts it.
 *
 * **Entropy.**  Each handshake seeds BearSSL's DRBG with 32 bytes from the
 * stack's entropy hook (struct nb_rng given to nb_stack_init()).
 *
 * **Errors.**  A failed connection ends the HTTP download with a code
 * that names the cause: -NB_EUNTRUSTED (no chain to a trust anchor, or
 * another X.509 failure), -NB_ECERTNAME (certificate not for this host),
 * -NB_ECERTTIME (expired, not yet valid, no time), -NB_ETLSALERT (the
 * server sent a fatal alert, e.g. handshake_failure), -NB_ETLS (bad
 * record: garbage, oversized, bad MAC, unsupported parameters),
 * -NB_ETLSTRUNC (the server closed in the middle of a record; HTTP
 * resumes it by Range over a new, resumed session like a dropped
 * connection).  nb_tls_why() says it in words with BearSSL's number,
 * nb_tls_error() gives the number (BearSSL's BR_ERR_*: 32..63 X.509,
 * 256 + alert for an alert received, 512 + alert for one we sent).
 *
 * Stack use stays below 512 bytes in the glue; BearSSL's own functions
 * use more (about 3 KiB at most for RSA-4096 and P-384; measured by the
 * firmware builds).
 */
#ifndef NETBOOT_TLS_H
#define NETBOOT_TLS_H

#include <bearssl.h>

#include "netboot/abi.h"
#include "netboot/core.h"
#include "netboot/http.h"
#include "netboot/tcp.h"

/** @name Trust anchors
 * @{ */
/**
 * Trust anchors in one caller buffer.  The anchor table grows from the
 * buffer's start, each anchor's DN and public key down from its end,
 * below the decoders' scratch (about 2 KiB at the very end).  An anchor costs sizeof(br_x509_trust_anchor) (40 bytes on
 * x86_64, 24 on i386) plus its subject DN (typically 50-200 bytes) plus
 * its key (RSA-2048: 259, RSA-4096: 515, P-256: 65, P-384: 97 bytes):
 * 4 KiB holds a private CA with a few intermediates, Debian's whole
 * ca-certificates bundle (about 140 roots) needs about 80 KiB.
 */
struct nb_tls_anchors {
	br_x509_trust_anchor *ta; /**< The anchors (at the buffer's start). */
	size_t count;             /**< How many. */
	uint8_t *mem;             /**< The caller's buffer. */
	size_t len;               /**< Its size. */
	size_t top;               /**< Key and DN bytes start here (grows down). */
	uint32_t skipped;         /**< Certificates skipped: unsupported key. */
};

/**
 * Prepare an empty anchor set over @p mem.
 * @param a    Anchor set (caller-owned).
 * @param mem  Buffer that holds everything; must outlive @p a and every
 *             connection using it.  Any alignment.
 * @param len  Its size.
 * @return 0; -NB_EINVAL for NULL arguments or a buffer under 4 KiB.
 */
int nb_tls_anchors_init(struct nb_tls_anchors *a, void *mem, size_t len);

/**
 * Add one DER-encoded X.509 certificate as a trust anchor (what a UEFI
 * EFI_SIGNATURE_LIST of type EFI_CERT_X509_GUID holds in each entry).  A
 * certificate asserting CA status anchors chains it signed; any other is
 * trusted directly (the server must present exactly that key).
 * @param a    Anchor set.
 * @param der  Certificate bytes (copied as needed; may be freed after).
 * @param len  Their count.
 * @return 1 when added; 0 when skipped (a key type BearSSL cannot use;
 *         counted in nb_tls_anchors::skipped); -NB_EPROTO for a
 *         malformed certificate; -NB_ENOMEM when the buffer is full (the
 *         set is unchanged); -NB_EINVAL for NULL arguments.
 */
int nb_tls_anchors_add_der(struct nb_tls_anchors *a, const void *der,
			   size_t len);

/**
 * Add every `-----BEGIN CERTIFICATE-----` block of a PEM bundle (other
 * block types, e.g. keys, and text between blocks are ignored; CRLF or
 * LF line ends).
 * @param a    Anchor set.
 * @param pem  The bundle text (need not be NUL-terminated).
 * @param len  Its length.
 * @return Anchors added (0 when the bundle holds no usable certificate);
 *         -NB_EPROTO for a malformed block (bad base64, an unterminated
 *         block, a malformed certificate); -NB_ENOMEM when the buffer is
 *         full.  On an error the anchors added before it stay.
 */
int nb_tls_anchors_add_pem(struct nb_tls_anchors *a, const void *pem,
			   size_t len);
/** @} */

/** @name Session cache
 * @{ */
/** One resumable session (private). */
struct nb_tls_session {
	/** @cond PRIVATE */
	br_ssl_session_parameters params; /* BearSSL's resumption state. */
	uint32_t used;                    /* Recency stamp; 0 = empty. */
	uint16_t port;                    /* Key: server port... */
	uint8_t host_len;                 /* ...and host name. */
	char host[NB_TLS_HOST_MAX];
	/** @endcond */
};

/**
 * Sessions a client may resume, keyed by host:port (host names longer
 * than NB_TLS_HOST_MAX are not cached).  The least recently used slot is
 * replaced.  Zero it (or call nb_tls_cache_init()) before use; it must
 * outlive the connections using it and may be shared by several
 * downloads in one thread.
 */
struct nb_tls_cache {
	uint32_t clock;   /**< Recency counter (private). */
	struct nb_tls_session slot[NB_TLS_SESSIONS]; /**< Slots (private). */
};

/**
 * Empty a cache.
 * @param c  Cache.
 */
void nb_tls_cache_init(struct nb_tls_cache *c);
/** @} */

/** @name Connections
 * @{ */
/** Settings shared by a client's connections (see nb_tls_client_init()). */
struct nb_tls_cfg {
	/** Trust anchors; must outlive the client.  May be NULL (or empty)
	 * only with @ref insecure. */
	const struct nb_tls_anchors *anchors;
	/** Session cache, or NULL for a full handshake every time. */
	struct nb_tls_cache *cache;
	/** Certificate validation time: seconds since 1970-01-01 UTC;
	 * 0 = unknown (then only @ref skip_time or @ref insecure connect). */
	uint64_t unix_time;
	/** Do not check validity dates (a machine whose clock is known to be
	 * wrong).  Chains, signatures and names are still checked.  The
	 * caller must log that it is set. */
	bool skip_time;
	/** Check nothing about the server's certificate (nbget --insecure):
	 * the connection is encrypted but not authenticated.  The caller
	 * must warn loudly. */
	bool insecure;
};

/** Counters of a client (read freely). */
struct nb_tls_stats {
	uint32_t full_handshakes; /**< Handshakes with a certificate chain. */
	uint32_t resumed;         /**< Abbreviated handshakes (cache hits). */
	uint32_t time_skipped;    /**< Handshakes without a date check. */
	uint32_t failures;        /**< Connections that ended with a TLS error. */
};

struct nb_tls_client;

/** The iPAddress subjectAltName walk of one chain (private). */
struct nb_tls_san {
	/** @cond PRIVATE */
	uint32_t ip;       /* Address wanted (host order). */
	uint32_t pos;      /* Certificate bytes seen. */
	uint32_t len;      /* Current element's length. */
	uint32_t left;     /* Its body bytes still to come. */
	uint32_t end[7];   /* Ends of the containers entered. */
	uint8_t depth;     /* How many are open. */
	uint8_t state;     /* Where in a TLV (san.c). */
	uint8_t tag;       /* Current element's tag. */
	uint8_t nlen;      /* Length bytes still to come. */
	uint8_t got;       /* Body bytes kept in val. */
	uint8_t val[4];    /* The body's first bytes (OID, address). */
	bool in_san;       /* This extension is subjectAltName. */
	bool matched;      /* The address was found. */
	bool want;         /* An IP URL: the chain needs a match. */
	/** @endcond */
};

/**
 * One TLS connection (caller-owned; fields private).  It runs over the
 * struct nb_tcp_conn of the HTTP part it is attached to and must not
 * move while that connection is open.
 */
struct nb_tls {
	/** @cond PRIVATE */
	uint8_t *iobuf;                /* Record buffer (caller's). */
	size_t iobuf_len;
	uint8_t *ring;                 /* Ciphertext ring = TCP window. */
	size_t ring_len;               /* A power of two. */
	struct nb_tls_client *cl;      /* Owner (settings, cache, stats). */
	/* Everything from here is reset for each TCP connection. */
	struct nb_tcp_conn *tcp;       /* Connection below. */
	struct nb_tcp_rx up;           /* HTTP: the plaintext consumer. */
	uint64_t ct_used;              /* Ciphertext offset fed to the engine. */
	uint64_t ct_end;               /* In-order ciphertext known so far. */
	uint64_t pt_off;               /* Plaintext offset handed to HTTP. */
	uint64_t deadline;             /* Handshake must end by then (0: unset). */
	int err;                       /* Error that ended it (negative) or 0. */
	int br_err;                    /* BearSSL's number for it. */
	uint32_t rec_left;             /* Payload bytes left in this record. */
	uint8_t rec_hdr;               /* Header bytes of the next record seen. */
	uint8_t rec_len_hi;            /* Its length's high byte. */
	bool started;                  /* Engine seeded and reset. */
	bool handshaken;               /* Application data may flow. */
	bool offered;                  /* A cached session was offered. */
	bool closed;                   /* close_notify received. */
	bool fin;                      /* TCP saw the peer's FIN. */
	bool fin_up;                   /* ...and HTTP was told. */
	uint16_t port;                 /* Cache key: port... */
	uint16_t host_len;             /* ...and host (SNI, name check). */
	uint16_t pend_len;             /* Plaintext waiting for the handshake. */
	uint8_t offered_id[32];        /* Session ID offered for resumption. */
	char host[NB_URL_HOST_MAX + 1];
	uint8_t pend[NB_HTTP_SEND_BUF];
	const br_x509_class *xvt;      /* Our X.509 wrapper (engine's view). */
	br_x509_decoder_context dc;    /* skip_time: the cert's own dates. */
	struct nb_tls_san san;         /* IP URLs: the address SAN check. */
	br_x509_minimal_context xc;    /* Chain, name and date checks. */
	br_ssl_client_context sc;      /* Engine and client state. */
	/** @endcond */
};

/**
 * Give a connection its buffers (once; the connection is reset by every
 * new TCP connection it is attached to).
 * @param t          Connection (caller-owned).
 * @param iobuf      Record buffer: BR_SSL_BUFSIZE_BIDI bytes (full
 *                   duplex) or at least BR_SSL_BUFSIZE_MONO (half duplex).
 * @param iobuf_len  Its size.
 * @param ring       Ciphertext ring: the TCP receive window (rate x RTT;
 *                   a power of two, at least 4 KiB).
 * @param ring_len   Its size.
 * @return 0; -NB_EINVAL for NULL or too small buffers, or a ring size
 *         that is not a power of two.
 */
int nb_tls_init(struct nb_tls *t, void *iobuf, size_t iobuf_len, void *ring,
		size_t ring_len);

/**
 * What one HTTP download (or fetch) uses for https://: the settings and
 * one struct nb_tls per part.  Hand nb_tls_client_http() to
 * nb_http_cfg::tls or nb_fetch_cfg::tls.
 */
struct nb_tls_client {
	struct nb_tls_cfg cfg;     /**< Settings (copied). */
	struct nb_tls *conn;       /**< Connections (caller's array). */
	size_t nconn;              /**< How many. */
	struct nb_http_tls http;   /**< The hooks lib/http calls. */
	struct nb_tls_stats stats; /**< Counters. */
	int last_err;              /**< Latest TLS failure (negative), or 0. */
	int last_br_err;           /**< BearSSL's number for it. */
	/** @cond PRIVATE */
	char why[96];              /* nb_tls_why() text. */
	/** @endcond */
};

/**
 * Set up a client.
 * @param c      Client (caller-owned; must outlive every download using it).
 * @param cfg    Settings (copied; the anchors and cache are not).
 * @param conns  Connections prepared with nb_tls_init(): as many as the
 *               most parts a download will use (nb_http_cfg::parts); a
 *               connection is taken when a part opens one and free again
 *               once its TCP connection is over.
 * @param n      Their count (at least 1).
 * @return 0; -NB_EINVAL for NULL arguments, n == 0, or no anchors without
 *         cfg->insecure.
 */
int nb_tls_client_init(struct nb_tls_client *c, const struct nb_tls_cfg *cfg,
		       struct nb_tls *conns, size_t n);

/**
 * The ABI check of lib/tls (netboot/abi.h; the core library's table does
 * not know TLS, which lives in its own archive).
 * @param id  NB_TLS_ABI_ID as the caller computed it.
 * @return 0 when it matches the library's; -NB_EABI otherwise.
 */
int nb_tls_abi_check(uint32_t id);
/** @cond PRIVATE */
#define NB_TLS_ABI_ID                                                         \
	NB_ABI_ID(sizeof(struct nb_tls) + (sizeof(struct nb_tls_client) << 20))
#ifndef NB_LIB_BUILD
#define nb_tls_init(...)                                                      \
	(nb_tls_abi_check(NB_TLS_ABI_ID) < 0 ? -NB_EABI                       \
					     : nb_tls_init(__VA_ARGS__))
#define nb_tls_client_init(...)                                               \
	(nb_tls_abi_check(NB_TLS_ABI_ID) < 0 ? -NB_EABI                       \
					     : nb_tls_client_init(__VA_ARGS__))
#endif
/** @endcond */

/**
 * Change the validation time (e.g. before each fetch of a long-running
 * program).
 * @param c          Client.
 * @param unix_time  Seconds since 1970-01-01 UTC (0 = unknown).
 */
void nb_tls_client_set_time(struct nb_tls_client *c, uint64_t unix_time);

/**
 * The hooks to hand to nb_http_cfg::tls or nb_fetch_cfg::tls.
 * @param c  Client.
 * @return &c->http (NULL for NULL).
 */
const struct nb_http_tls *nb_tls_client_http(struct nb_tls_client *c);

/**
 * Why the latest TLS connection of @p c failed, in words, with BearSSL's
 * number: e.g. "certificate not trusted (X.509 error 62)", "server sent
 * alert 40 (handshake failure)", "server closed the connection in the
 * middle of a TLS record".
 * @param c  Client.
 * @return A NUL-terminated string in @p c, "" when no TLS failure
 *         happened; never NULL.
 */
const char *nb_tls_why(const struct nb_tls_client *c);

/**
 * BearSSL's number for the latest failure (BR_ERR_*): 32..63 are X.509
 * errors (62 not trusted, 56 bad server name, 54 expired or not yet
 * valid), 256 + n an alert n the server sent, 512 + n an alert we sent.
 * @param c  Client.
 * @return The number, 0 when none.
 */
int nb_tls_error(const struct nb_tls_client *c);

/**
 * The NB_E* code a BearSSL error number stands for (see the file's
 * documentation): used by nb_tls_why() and exported for the firmware's
 * own messages.
 * @param br_err  BR_ERR_* number (0 gives 0).
 * @return 0 or a negative code.
 */
int nb_tls_code(int br_err);
/** @} */

#endif
