/**
 * @file dhcp6.h
 * @brief DHCPv6 client for network boot (lib/dhcp6, its own archive
 *        libnetboot_dhcp6.a): RFC 8415 Solicit/Advertise/Request/Reply
 *        with Rapid Commit, one IA_NA, DNS servers (RFC 3646), the boot
 *        file URL and parameters (RFC 5970), and adoption of the Reply a
 *        UEFI PXEv6 firmware already holds.
 *
 * The client does no I/O.  It builds each packet into a buffer the caller
 * gives and parses the replies the caller hands in, so it runs over any
 * UDP that can send from the link-local address:
 *
 * @code
 * struct nb_dhcp6 c;
 * struct nb_dhcp6_cfg cfg = {0};
 * cfg.rng = rng;                       // entropy hook (xid, jitter)
 * memcpy(cfg.mac, mac, 6);
 * cfg.rapid_commit = true;
 * cfg.pxe = true; cfg.arch = 7;        // x64 UEFI, as PXEv6 firmware
 * int rc = nb_dhcp6_start(&c, &cfg, now);
 * while (rc == 0 || rc == -NB_EAGAIN) {
 *     size_t n;
 *     rc = nb_dhcp6_poll(&c, now, buf, sizeof(buf), &n);
 *     if (n)   // from [fe80::...]:546 to [ff02::1:2]:547
 *         udp6_send(NB_DHCP6_ALL_SERVERS, NB_DHCP6_SERVER_PORT, buf, n);
 *     if (rc != -NB_EAGAIN)
 *         break;                       // 0: c.lease is bound
 *     // wait for a datagram to port 546, at most until the next poll
 *     if (got)
 *         nb_dhcp6_input(&c, pkt, len, now);
 * }
 * @endcode
 *
 * nb_dhcp6_poll() says when it wants to be called again
 * (nb_dhcp6::resend); calling it more often is harmless.  Once bound the
 * caller configures its interface from nb_dhcp6::lease (the address is a
 * /128: on-link prefixes come from Router Advertisements) and may read
 * any other option of the Reply with nb_dhcp6_option().
 *
 * Every received message is checked before anything is taken from it:
 * the transaction ID and our Client ID, exactly one Server ID of 3 to 130
 * bytes, every option (and the options nested in IA_NA and IA Address)
 * inside its parent, IA_NA and IA Address no shorter than their fixed
 * parts, DNS server lists in whole addresses, boot parameters each
 * inside the option.  A message failing any check is dropped whole:
 * those are the shapes of the PixieFail firmware bugs (CVE-2023-45229,
 * -45230, -45234, -45235).
 *
 * Memory: all in the caller-owned struct nb_dhcp6 (about
 * NB_DHCP6_PKT_MAX + 1 KiB); nothing else, no callbacks.
 */
#ifndef NETBOOT_DHCP6_H
#define NETBOOT_DHCP6_H

#include "netboot/abi.h"
#include "netboot/config.h"
#include "netboot/core.h"

/** UDP port DHCPv6 clients listen on. */
#define NB_DHCP6_CLIENT_PORT 546
/** UDP port of DHCPv6 servers and relays. */
#define NB_DHCP6_SERVER_PORT 547
/** All_DHCP_Relay_Agents_and_Servers (ff02::1:2), where clients send. */
#define NB_DHCP6_ALL_SERVERS                                                  \
	((const uint8_t[16]){0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, \
			     0, 0x02})
/** Longest DUID (RFC 8415 11.1: 128 bytes after the 2-byte type). */
#define NB_DHCP6_DUID_MAX 130
/** Buffer nb_dhcp6_poll() needs: any message this client sends fits. */
#define NB_DHCP6_SEND_MAX 512

/** @name Message types (RFC 8415 7.3)
 * @{ */
#define NB_DHCP6_SOLICIT 1   /**< Solicit. */
#define NB_DHCP6_ADVERTISE 2 /**< Advertise. */
#define NB_DHCP6_REQUEST 3   /**< Request. */
#define NB_DHCP6_REPLY 7     /**< Reply. */
/** @} */

/** @name DUID types (RFC 8415 11, RFC 6355), for nb_dhcp6_cfg::duid_type
 * @{ */
#define NB_DHCP6_DUID_LLT 1  /**< Link-layer address plus time. */
#define NB_DHCP6_DUID_LL 3   /**< Link-layer address. */
#define NB_DHCP6_DUID_UUID 4 /**< UUID (what UEFI PXE sends). */
/** @} */

/** Client state, readable as nb_dhcp6::state. */
enum nb_dhcp6_state {
	NB_DHCP6_IDLE = 0,    /**< Not started. */
	NB_DHCP6_SOLICITING,  /**< Solicit sent, collecting Advertises. */
	NB_DHCP6_REQUESTING,  /**< Request sent, waiting for the Reply. */
	NB_DHCP6_BOUND,       /**< Lease bound (nb_dhcp6_poll() returns 0). */
	NB_DHCP6_FAILED       /**< Gave up (the error is nb_dhcp6::error). */
};

/**
 * What a Reply (or a candidate Advertise) gave.  Addresses are 16 bytes
 * in network order; times in seconds (0xffffffff = infinity); strings
 * NUL-terminated.  A boot URL longer than NB_DHCP6_STR_MAX - 1 bytes is
 * left empty, boot parameters end at the last one that fits (the `*_cut`
 * flags say when: a cut URL would fetch the wrong file).
 */
struct nb_dhcp6_lease {
	uint8_t addr[16];      /**< IA Address of our IA_NA. */
	uint32_t preferred_s;  /**< Its preferred lifetime. */
	uint32_t valid_s;      /**< Its valid lifetime. */
	uint32_t iaid;         /**< IAID of the IA_NA. */
	uint32_t t1_s;         /**< IA_NA T1 (renew after), 0: server's choice. */
	uint32_t t2_s;         /**< IA_NA T2 (rebind after). */
	uint8_t dns[NB_DNS_SERVERS][16]; /**< Option 23, first servers. */
	uint8_t ndns;          /**< Entries used in @ref dns. */
	uint8_t preference;    /**< Option 7 of the Advertise (0 if absent). */
	uint8_t server_id_len; /**< Bytes in @ref server_id. */
	uint8_t nparams;       /**< Boot parameters in @ref boot_params. */
	bool rapid_commit;     /**< Bound by a Rapid Commit Reply. */
	bool from_cache;       /**< Bound by nb_dhcp6_use_cached(). */
	bool boot_url_cut;     /**< @ref boot_url was longer than kept. */
	bool boot_params_cut;  /**< @ref boot_params was longer than kept. */
	uint8_t server_id[NB_DHCP6_DUID_MAX]; /**< The server's DUID. */
	char boot_url[NB_DHCP6_STR_MAX];     /**< Option 59. */
	/** Option 60: the parameters joined by single spaces. */
	char boot_params[NB_DHCP6_STR_MAX];
};

/**
 * Client settings.  Zero-initialise, then set what you need.  Copied by
 * nb_dhcp6_start(); nothing in it is retained but the copy.
 */
struct nb_dhcp6_cfg {
	/** Entropy for transaction IDs and retransmission jitter; its
	 *  context must outlive the client. */
	struct nb_rng rng;
	/** The interface's MAC: DUID-LL/LLT and the default IAID. */
	uint8_t mac[6];
	/** Ask for Rapid Commit (option 14): a two-message exchange when
	 *  the server agrees. */
	bool rapid_commit;
	/**
	 * Present as a UEFI PXE client: send the client architecture (61),
	 * NII (62) and the vendor class `PXEClient:Arch:aaaaa:UNDI:mmmnnn`
	 * (enterprise 343) and ask for options 59 and 60.
	 */
	bool pxe;
	/** With @ref pxe, present as UEFI HTTP Boot: `HTTPClient` instead of
	 *  `PXEClient` in the vendor class. */
	bool http;
	/** Client architecture type, option 61 (7 = x64 UEFI, 16 = x64 UEFI
	 *  HTTP, 11 = arm64 UEFI; RFC 4578 / IANA). */
	uint16_t arch;
	/** UNDI major version for option 62 and the vendor class; 0 with
	 *  @ref undi_minor 0 means 3.16, UEFI's. */
	uint8_t undi_major;
	/** UNDI minor version. */
	uint8_t undi_minor;
	/** NB_DHCP6_DUID_LLT, _LL or _UUID; 0 picks UUID when
	 *  @ref have_uuid is set, else LL. */
	uint8_t duid_type;
	/** Whether @ref uuid is set. */
	bool have_uuid;
	/** The machine's UUID for a DUID-UUID, in the byte order wanted on
	 *  the wire (firmware sends its SMBIOS UUID as stored). */
	uint8_t uuid[16];
	/** Time field of a DUID-LLT: seconds since 2000-01-01 UTC. */
	uint32_t duid_time;
	/** IAID of our IA_NA; 0 means the last four bytes of @ref mac. */
	uint32_t iaid;
};

/**
 * The client.  Caller-owned; nb_dhcp6_start() or nb_dhcp6_use_cached()
 * initialise it.  Fields are private except @ref state, @ref error,
 * @ref lease, @ref resend and the counters.  No interior pointers: the
 * struct may be copied.
 */
struct nb_dhcp6 {
	/* Small fields first: i386 reaches the first 128 bytes with a
	 * one-byte displacement. */
	uint8_t state;          /**< enum nb_dhcp6_state. */
	uint8_t restarts;       /**< Returns to Solicit so far. */
	uint8_t duid_len;       /**< Bytes of @ref duid. */
	uint8_t cand_sid_len;   /**< Server ID length of @ref cand_sid. */
	bool have_cand;         /**< An Advertise with an address arrived. */
	bool need_send;         /**< Send at the next poll. */
	uint8_t cand_pref;      /**< Preference of the candidate. */
	uint16_t reply_len;     /**< Bytes of @ref reply (0 = none). */
	int error;              /**< Final error (negative) when FAILED. */
	const char *why;        /**< Static text explaining it. */
	uint32_t xid;           /**< Transaction ID (24 bits). */
	uint32_t iaid;          /**< Our IA_NA's IAID. */
	uint64_t xchg_ms;       /**< When the current exchange began. */
	struct nb_deadline resend; /**< When nb_dhcp6_poll() must run next. */
	struct nb_backoff backoff; /**< Retransmissions of this exchange. */
	uint32_t sent;          /**< Packets handed out to send. */
	uint32_t rx_bad;        /**< Malformed messages dropped. */
	uint32_t rx_ignored;    /**< Well-formed but not for this exchange. */
	uint32_t advertises;    /**< Usable Advertises seen. */
	struct nb_dhcp6_cfg cfg;   /**< Settings (copy). */
	uint8_t cand_addr[16];  /**< Address the candidate offered. */
	uint8_t duid[NB_DHCP6_DUID_MAX];     /**< Our Client ID. */
	uint8_t cand_sid[NB_DHCP6_DUID_MAX]; /**< The candidate's Server ID. */
	struct nb_dhcp6_lease lease; /**< Valid once bound. */
	uint8_t reply[NB_DHCP6_PKT_MAX]; /**< The Reply that bound. */
};

/**
 * Start an exchange: make the DUID and IAID, draw a transaction ID.
 * The first Solicit comes out of the next nb_dhcp6_poll().
 * @param c       Client (caller-owned; zeroed here).
 * @param cfg     Settings (copied).
 * @param now_ms  Current time.
 * @return 0; -NB_EINVAL for NULL arguments, an all-zero MAC or a
 *         DUID-UUID without a UUID; the entropy hook's error.
 *         -NB_EABI when the caller was compiled with other tunables
 *         than the library (netboot/abi.h).
 */
int nb_dhcp6_start(struct nb_dhcp6 *c, const struct nb_dhcp6_cfg *cfg,
		   uint64_t now_ms);

/**
 * Take one UDP payload received on port 546.  A Reply that binds, or an
 * Advertise that makes the client request at once (preference 255, or
 * after the first Solicit's timeout), leaves the next step to
 * nb_dhcp6_poll(): call it after every input.
 * @param c       Client.
 * @param pkt     The DHCPv6 message (no IP/UDP headers); not retained.
 * @param len     Its length.
 * @param now_ms  Current time.
 * @return 0 when the message was used; -NB_EPROTO when malformed
 *         (counted in nb_dhcp6::rx_bad); -NB_ETID when well formed but
 *         not for this exchange: other transaction or Client ID, a type
 *         not expected now, an Advertise or Reply without a usable
 *         address (counted in nb_dhcp6::rx_ignored).
 */
int nb_dhcp6_input(struct nb_dhcp6 *c, const void *pkt, size_t len,
		   uint64_t now_ms);

/**
 * Run timers and hand out the packet due now, if any.
 * @param c       Client.
 * @param now_ms  Current time.
 * @param buf     Where a packet is built (the UDP payload).
 * @param cap     Its size, at least NB_DHCP6_SEND_MAX.
 * @param n       Receives the length to send, 0 for nothing.
 * @return -NB_EAGAIN while running; 0 once bound; -NB_ETIMEDOUT when
 *         NB_DHCP6_SOLICIT_TRIES Solicits went unanswered or Requests
 *         stayed unanswered NB_DHCP6_RESTARTS + 1 times; -NB_ENAK when
 *         servers kept refusing the address; -NB_EMSGSIZE for a small
 *         @p cap; -NB_ECANCELED after nb_dhcp6_cancel(); the entropy
 *         hook's error.  Final codes repeat at later calls.
 */
int nb_dhcp6_poll(struct nb_dhcp6 *c, uint64_t now_ms, void *buf, size_t cap,
		  size_t *n);

/**
 * Stop an exchange.  The lease, if bound, stays readable.  Safe to call
 * at any time and twice.
 * @param c  Client; a running one then reports -NB_ECANCELED.
 */
void nb_dhcp6_cancel(struct nb_dhcp6 *c);

/**
 * Bind from the Reply a firmware cached (UEFI PXEv6: the PXE Base Code
 * mode's DhcpAck), sending nothing.  The packet must be a Reply with a
 * Client ID, one valid Server ID, and an IA_NA holding a usable address
 * (not unspecified, loopback or multicast, valid lifetime not 0); the
 * first IA_NA is taken whatever its IAID, and the Client ID becomes
 * ours.  Zero bytes after the options (fixed-size firmware buffers) are
 * ignored.
 * @param c      Client (caller-owned; zeroed here).
 * @param reply  The Reply (copied; not retained).
 * @param len    Its length; more than NB_DHCP6_PKT_MAX is cut there.
 * @return 0 when bound; -NB_ENOLEASE when it fails a check
 *         (nb_dhcp6_why() says which; the caller can then run
 *         nb_dhcp6_start()); -NB_EINVAL for NULL arguments.
 */
int nb_dhcp6_use_cached(struct nb_dhcp6 *c, const void *reply, size_t len);

/**
 * Why the exchange failed, for messages.
 * @param c  Client.
 * @return Static NUL-terminated text; "" when there was no error.
 */
const char *nb_dhcp6_why(const struct nb_dhcp6 *c);

/**
 * Read a top-level option of the kept Reply.
 * @param c     Client, bound.
 * @param code  Option code.
 * @param buf   Receives the value; may be NULL to ask for the length.
 * @param cap   Capacity of @p buf.
 * @return The value's length; -NB_ENOTFOUND when absent or not bound;
 *         -NB_EMSGSIZE when longer than @p cap (nothing written).
 */
int nb_dhcp6_option(const struct nb_dhcp6 *c, uint16_t code, void *buf,
		    size_t cap);

/** @name Stateless parsing
 * For tests, fuzzing and callers holding messages of their own.
 * @{ */
/** What nb_dhcp6_parse() found beyond the lease fields. */
struct nb_dhcp6_msg {
	uint8_t type;         /**< Message type. */
	bool rapid_commit;    /**< Option 14 present. */
	bool have_addr;       /**< The IA_NA held a usable address. */
	uint16_t status;      /**< Top-level Status Code (0 when absent). */
	uint16_t ia_status;   /**< Status Code inside the IA_NA. */
	uint32_t xid;         /**< Transaction ID. */
	uint16_t cid_off;     /**< Offset of the Client ID's value (0: none). */
	uint16_t cid_len;     /**< Its length. */
};

/**
 * Validate a DHCPv6 message from a server and read what a client needs.
 * @param pkt   The message; not retained.
 * @param len   Its length.
 * @param iaid  The IA_NA to read, or NULL for the first one.
 * @param m     Receives the message's facts.
 * @param l     Receives the lease fields (zeroed first): Server ID,
 *              preference, the IA_NA, DNS servers, boot URL and
 *              parameters.
 * @return 0; -NB_EPROTO for a malformed message (too short, an option
 *         running past its parent, a missing, repeated or bad-length
 *         Server ID, a short IA_NA, IA Address or Status Code, a DNS
 *         list not made of whole addresses, a boot parameter running
 *         past option 60, a NUL inside the boot URL, a Preference not
 *         one byte, a repeated Client ID).
 */
int nb_dhcp6_parse(const void *pkt, size_t len, const uint32_t *iaid,
		   struct nb_dhcp6_msg *m, struct nb_dhcp6_lease *l);
/** @} */

/**
 * The ABI check of lib/dhcp6 (netboot/abi.h; the core library's table
 * does not know lib/dhcp6, which lives in its own archive).
 * @param id  NB_DHCP6_ABI_ID as the caller computed it.
 * @return 0 when it matches the library's; -NB_EABI otherwise.
 */
int nb_dhcp6_abi_check(uint32_t id);
/** @cond PRIVATE */
#define NB_DHCP6_ABI_ID NB_ABI_ID(sizeof(struct nb_dhcp6))
#ifndef NB_LIB_BUILD
#define nb_dhcp6_start(...)                                                   \
	(nb_dhcp6_abi_check(NB_DHCP6_ABI_ID) < 0 ? -NB_EABI                   \
						 : nb_dhcp6_start(__VA_ARGS__))
#define nb_dhcp6_use_cached(...)                                              \
	(nb_dhcp6_abi_check(NB_DHCP6_ABI_ID) < 0                              \
		 ? -NB_EABI                                                   \
		 : nb_dhcp6_use_cached(__VA_ARGS__))
#endif
/** @endcond */

#endif
