/**
 * @file dhcp.h
 * @brief DHCP/BOOTP client for network boot (lib/dhcp): PXE options,
 *        ProxyDHCP, and reuse of the lease the firmware already holds.
 *
 * Two ways to a bound lease:
 *
 * - **Exchange** (RFC 2131): nb_dhcp_start() sends DHCPDISCOVER, then
 *   nb_dhcp_poll() selects an offer, requests it, and on DHCPACK binds.
 *   When PXE information comes from a ProxyDHCP server (an offer with
 *   `PXEClient` in option 60 and no address), the address lease and the
 *   boot information are combined, asking the proxy on UDP port 4011 when
 *   the PXE rules call for it.
 * - **Cached** packets: nb_dhcp_use_cached() takes the DHCPACK (and the
 *   ProxyDHCP offer and boot-server reply when there are any) that PXE
 *   firmware hands over (PXENV_GET_CACHED_INFO, EFI_PXE_BASE_CODE_MODE),
 *   validates and merges them, and binds without sending a packet.
 *
 * Either way the raw packets are kept inside struct nb_dhcp, so
 * nb_dhcp_option() can read any option after binding, including ones this
 * library does not interpret.
 *
 * Memory: everything lives in the caller-owned struct nb_dhcp (about
 * 3 * NB_DHCP_PKT_MAX + 2.5 KiB, under 7 KiB by default); nothing is taken
 * from an arena.  Outgoing packets are built in the stack's transmit
 * buffer.
 */
#ifndef NETBOOT_DHCP_H
#define NETBOOT_DHCP_H

#include "netboot/abi.h"
#include "netboot/core.h"
#include "netboot/ip.h"

struct nb_stack;

/** UDP port of DHCP servers. */
#define NB_DHCP_SERVER_PORT 67
/** UDP port of DHCP clients. */
#define NB_DHCP_CLIENT_PORT 68
/** UDP port of PXE boot servers and ProxyDHCP on the DHCP host. */
#define NB_DHCP_PXE_PORT 4011

/** DHCP message types (option 53). */
enum nb_dhcp_msg {
	NB_DHCP_NONE = 0,     /**< No option 53: a plain BOOTP message. */
	NB_DHCP_DISCOVER = 1, /**< DHCPDISCOVER */
	NB_DHCP_OFFER = 2,    /**< DHCPOFFER */
	NB_DHCP_REQUEST = 3,  /**< DHCPREQUEST */
	NB_DHCP_DECLINE = 4,  /**< DHCPDECLINE */
	NB_DHCP_ACK = 5,      /**< DHCPACK */
	NB_DHCP_NAK = 6,      /**< DHCPNAK */
	NB_DHCP_RELEASE = 7,  /**< DHCPRELEASE */
	NB_DHCP_INFORM = 8    /**< DHCPINFORM */
};

/** Which kept packet nb_dhcp_option() reads. */
enum nb_dhcp_pkt {
	NB_DHCP_PKT_ACK = 0,   /**< The DHCPACK that gave the address. */
	NB_DHCP_PKT_PROXY = 1, /**< The ProxyDHCP offer or reply. */
	NB_DHCP_PKT_BOOT = 2,  /**< The PXE boot server's reply (port 4011). */
	NB_DHCP_PKT_ANY = 3    /**< Boot reply, then proxy, then ACK. */
};

/** Client state, readable as nb_dhcp::state. */
enum nb_dhcp_state {
	NB_DHCP_IDLE = 0,    /**< Not started. */
	NB_DHCP_SELECTING,   /**< DISCOVER sent, collecting offers. */
	NB_DHCP_REQUESTING,  /**< REQUEST sent, waiting for ACK/NAK. */
	NB_DHCP_PROXYING,    /**< Asking a proxy/boot server on port 4011, or
	                          the server by DHCPINFORM (nb_dhcp_inform()). */
	NB_DHCP_BOUND,       /**< Lease bound (nb_dhcp_poll() returns 0). */
	NB_DHCP_FAILED       /**< Gave up (the error is nb_dhcp::error). */
};

/** One entry of the PXE boot menu (option 43 sub-option 9). */
struct nb_dhcp_menu_item {
	uint16_t type;                  /**< Boot server type. */
	char desc[NB_DHCP_MENU_DESC];   /**< Description, NUL-terminated. */
};

/** One PXE boot server (option 43 sub-option 8). */
struct nb_dhcp_bootsrv {
	uint16_t type; /**< Boot server type. */
	uint32_t ip;   /**< Its first listed address (host order). */
};

/**
 * What the client learned: the address lease merged with the boot
 * information.  Strings are NUL-terminated and cut at
 * NB_DHCP_STR_MAX - 1 bytes (the `*_cut` flags say when); addresses are
 * in host order, 0 when absent.
 */
struct nb_dhcp_lease {
	uint32_t ip;          /**< Our address (yiaddr). */
	uint32_t mask;        /**< Option 1, or the classful mask if absent. */
	uint32_t router;      /**< First router of option 3. */
	uint32_t dns[NB_DNS_SERVERS]; /**< Option 6, first servers. */
	uint8_t ndns;         /**< Entries used in @ref dns. */
	uint16_t mtu;         /**< Option 26 (interface MTU), 0 absent;
				   binding applies it (nb_stack_set_mtu()). */
	uint32_t server_id;   /**< Option 54 of the ACK. */
	uint32_t lease_s;     /**< Option 51, 0xffffffff = infinite, 0 absent. */
	uint32_t next_server; /**< TFTP server: siaddr of the boot packet. */
	uint32_t proxy_ip;    /**< ProxyDHCP server used, 0 for none. */
	uint32_t reboot_s;    /**< Option 211 (pxelinux reboot time). */
	bool have_reboot;     /**< Whether @ref reboot_s was given. */
	bool boot_file_cut;   /**< @ref boot_file was longer than kept. */
	bool pxe_cut;         /**< @ref pxe_config or @ref pxe_prefix was cut. */
	bool is_pxe;          /**< Option 60 `PXEClient` seen (PXE server). */
	bool have_pxe_opts;   /**< Option 43 carried PXE sub-options. */
	uint8_t pxe_discovery; /**< Sub-option 6 (discovery control bits). */
	uint8_t nmenu;        /**< Entries in @ref menu. */
	uint8_t nbootsrv;     /**< Entries in @ref bootsrv. */
	uint8_t prompt_timeout; /**< Sub-option 10: seconds (255 = forever). */
	bool from_cache;      /**< Bound by nb_dhcp_use_cached(). */
	uint32_t packets_sent; /**< DHCP packets this client sent. */
	/* Tables and text last (see struct nb_dhcp). */
	struct nb_dhcp_bootsrv bootsrv[NB_DHCP_BOOTSRV_MAX]; /**< Sub-opt 8. */
	char domain[NB_DHCP_STR_MAX];     /**< Option 15. */
	char hostname[NB_DHCP_STR_MAX];   /**< Option 12. */
	char tftp_server[NB_DHCP_STR_MAX]; /**< Option 66, else `sname`. */
	char boot_file[NB_DHCP_STR_MAX];  /**< Option 67, else `file`. */
	char pxe_config[NB_DHCP_STR_MAX]; /**< Option 209 (pxelinux). */
	char pxe_prefix[NB_DHCP_STR_MAX]; /**< Option 210 (pxelinux). */
	struct nb_dhcp_menu_item menu[NB_DHCP_MENU_MAX]; /**< Sub-option 9. */
	char prompt[NB_DHCP_MENU_DESC]; /**< Sub-option 10 text. */
};

/**
 * Client settings.  Zero-initialise, then set what you need:
 * `struct nb_dhcp_cfg c = {0}; c.pxe = true;` gives the PXE defaults.
 * The struct is copied by nb_dhcp_start(); nothing in it is retained.
 */
struct nb_dhcp_cfg {
	/**
	 * First retransmission timeout in ms; 0 means 4000, the PXE
	 * specification's (which then doubles: 4, 8, 16, 32 s).  Labs use
	 * a few hundred ms; ports behind spanning tree may need a longer
	 * @ref timeout_ms rather than a longer first timeout.
	 */
	uint32_t first_ms;
	/** Ceiling of the doubling timeout; 0 means 32000 (PXE). */
	uint32_t max_ms;
	/**
	 * Give up with -NB_ETIMEDOUT when not bound this long after
	 * nb_dhcp_start(); 0 means 60000, the sum of the PXE schedule.
	 * Retransmissions continue at @ref max_ms until then.
	 */
	uint32_t timeout_ms;
	/**
	 * After the first usable offer without boot information, keep
	 * collecting offers (e.g. a slower ProxyDHCP) this long before
	 * requesting; 0 means 1000 when @ref pxe is set, else no wait.
	 */
	uint32_t offer_wait_ms;
	/** Send PXE options 60, 93, 94 (and 97 when @ref have_guid). */
	bool pxe;
	/** Ask servers to broadcast replies (flag bit 15 of BOOTP). */
	bool broadcast;
	/**
	 * When @ref pxe is set: present as a UEFI HTTP Boot client, option 60
	 * `HTTPClient:Arch:...` instead of `PXEClient:Arch:...` (servers
	 * match it to hand out an http:// boot URL).
	 */
	bool http;
	/** Client system architecture, option 93 (0 = x86 BIOS, 7 = x64 EFI). */
	uint16_t arch;
	/** UNDI major version for option 94 and option 60; 0 means 2. */
	uint8_t undi_major;
	/** UNDI minor version for option 94 and option 60; 0 with major 0 means 1. */
	uint8_t undi_minor;
	/** Whether @ref guid is set (sent as option 97, type 0). */
	bool have_guid;
	/** Client machine identifier (SMBIOS UUID) for option 97. */
	uint8_t guid[16];
	/**
	 * User class, option 77, sent verbatim the way iPXE sends "iPXE"
	 * (servers match it to hand a chainloader a different boot file).
	 * Not sent when @ref user_class_len is 0.
	 */
	uint8_t user_class[NB_DHCP_USER_CLASS_MAX];
	/** Bytes used in @ref user_class. */
	uint8_t user_class_len;
	/**
	 * Boot server type to ask a PXE boot server for when the proxy
	 * offers a menu but no boot file (sub-option 71); 0 means the first
	 * menu entry.
	 */
	uint16_t boot_type;
};

/**
 * The client.  Caller-owned; zero it or let nb_dhcp_start() /
 * nb_dhcp_use_cached() initialise it.  Fields are private except
 * @ref state, @ref error, @ref lease and the counters.  No interior
 * pointers: the struct may be copied once bound.
 */
struct nb_dhcp {
	/* Small fields first, buffers last: on i386 a field within the
	 * first 128 bytes is reached with a one-byte displacement. */
	uint8_t state;           /**< enum nb_dhcp_state. */
	uint8_t offer_rank;      /**< Preference of the chosen offer (0 none). */
	uint8_t naks;            /**< NAKs received. */
	uint16_t pkt_len[3];     /**< Lengths in @ref pkt (0 = none). */
	int error;               /**< Final error (negative) when FAILED. */
	const char *why;         /**< Static text explaining the last error. */
	struct nb_stack *s;      /**< Stack, NULL once stopped. */
	uint32_t xid;            /**< Transaction ID of the exchange. */
	uint64_t start_ms;       /**< When the exchange (re)started. */
	struct nb_deadline give_up;   /**< Give-up time. */
	struct nb_deadline resend;    /**< Next retransmission. */
	struct nb_deadline offer_end; /**< End of the offer-collection window. */
	uint32_t offered_ip;     /**< yiaddr of the chosen offer. */
	uint32_t offer_server;   /**< Server ID of the chosen offer. */
	uint32_t pxe_server;     /**< Where the port-4011 request goes. */
	struct nb_backoff backoff; /**< Retransmissions in the current state. */
	uint32_t sent;           /**< DHCP packets sent. */
	uint32_t rx_bad;         /**< Malformed replies dropped. */
	uint32_t rx_ignored;     /**< Valid replies not for us / unexpected. */
	uint32_t offers;         /**< Offers seen (including duplicates). */
	struct nb_dhcp_cfg cfg;  /**< Settings (copy). */
	struct nb_udp_sock sock; /**< Port 68. */
	struct nb_dhcp_lease lease; /**< Valid once bound. */
	/** Kept packets, indexed by enum nb_dhcp_pkt: ACK, proxy, boot. */
	uint8_t pkt[3][NB_DHCP_PKT_MAX];
};

/**
 * Start an exchange: open UDP port 68 on @p s, pick a random XID from the
 * stack's entropy hook and send DHCPDISCOVER.  The stack's address is left
 * untouched until binding.
 * @param d       Client (caller-owned; zeroed here, after its socket is
 *                unlinked if it was still running, so restarting is safe).
 *                Must stay in place until nb_dhcp_cancel() or the end of
 *                the exchange, since the stack links its socket.
 * @param s       Stack to run on.
 * @param cfg     Settings (copied), or NULL for plain DHCP defaults.
 * @param now_ms  Current time.
 * @return 0; -NB_EADDRINUSE if port 68 is taken; -NB_EINVAL for a bad
 *         argument; entropy or send errors.
 *         -NB_EABI when the caller was compiled with other tunables
 *         than the library (netboot/abi.h).
 */
int nb_dhcp_start(struct nb_dhcp *d, struct nb_stack *s,
		  const struct nb_dhcp_cfg *cfg, uint64_t now_ms);
/** @cond PRIVATE */
#define NB_DHCP_ABI_ID NB_ABI_ID(sizeof(struct nb_dhcp))
#ifndef NB_LIB_BUILD
#define nb_dhcp_start(...)                                                    \
	NB_ABI_CALL(NB_ABI_DHCP, NB_DHCP_ABI_ID, nb_dhcp_start(__VA_ARGS__))
#endif
/** @endcond */

/**
 * Run timers: retransmit, end the offer window, give up.  Replies are
 * handled as they arrive through nb_stack_poll().
 * @param d       Client.
 * @param now_ms  Current time.
 * @return -NB_EAGAIN while running; 0 once bound (the stack is then
 *         configured with address, mask, router and DNS servers, and the
 *         socket is closed); -NB_ETIMEDOUT when nobody answered within
 *         the configured time; -NB_ENAK after NB_DHCP_MAX_NAKS NAKs;
 *         other negative codes for entropy or link failures.
 */
int nb_dhcp_poll(struct nb_dhcp *d, uint64_t now_ms);

/**
 * nb_dhcp_poll() with the signature nb_wait() wants.
 * @param d       A struct nb_dhcp.
 * @param now_ms  Current time.
 * @return As nb_dhcp_poll().
 */
int nb_dhcp_poll_fn(void *d, uint64_t now_ms);

/**
 * Stop an exchange: close the socket.  The kept packets and lease stay
 * readable.  Safe to call at any time and twice.
 * @param d  Client; a running one then reports -NB_ECANCELED, with
 *           nb_dhcp_why() "canceled".
 */
void nb_dhcp_cancel(struct nb_dhcp *d);

/**
 * Bind from packets the firmware cached, sending nothing.  Each packet is
 * validated: a BOOTP reply, our MAC in `chaddr`, options well formed, and
 * for the ACK a usable address (not 0, broadcast, loopback, multicast or
 * class E) and a message type, if present, of DHCPACK.  They are merged as
 * for an exchange: the ACK gives the address, the proxy and boot-server
 * replies the boot information.  On success the stack is configured.
 * Trailing bytes after the options' end (firmware buffers are fixed-size)
 * are ignored.
 * @param d          Client (caller-owned; zeroed here).
 * @param s          Stack to configure.
 * @param ack        The DHCPACK (copied; not retained).
 * @param ack_len    Its length; longer than NB_DHCP_PKT_MAX is cut there.
 * @param proxy      The ProxyDHCP offer, or NULL.
 * @param proxy_len  Its length.
 * @param boot       The PXE boot server's reply, or NULL.
 * @param boot_len   Its length.
 * @return 0 when bound; -NB_ENOLEASE when a packet fails validation
 *         (nb_dhcp_why() says which check; the caller can then fall back
 *         to nb_dhcp_start()); -NB_EINVAL for NULL @p d, @p s or @p ack.
 */
int nb_dhcp_use_cached(struct nb_dhcp *d, struct nb_stack *s, const void *ack,
		       size_t ack_len, const void *proxy, size_t proxy_len,
		       const void *boot, size_t boot_len);

/**
 * Ask the DHCP server for its options on a lease already held, without
 * a new lease: DHCPINFORM (RFC 2131 3.4) from our address, broadcast to
 * port 67.  For a lease bound from packets that lack the server's
 * options, e.g. an ACK made from the address UEFI HTTP Boot left in the
 * device path, which carries no 209/210.  The ACK that answers is kept
 * as NB_DHCP_PKT_BOOT: nb_dhcp_option() with NB_DHCP_PKT_ANY and the boot
 * fields of the lease (boot file, 209/210, next server) then take its
 * values first; the address, mask, router and DNS servers stay those of
 * the lease.  Run nb_dhcp_poll() as for an exchange: it returns 0 once
 * the ACK came, or after four unanswered tries (about 15 s with the
 * default first timeout) or @ref nb_dhcp_cfg::timeout_ms, the lease
 * bound as before in every case.
 * @param d       A bound client (nb_dhcp_start() or nb_dhcp_use_cached());
 *                it must stay in place until nb_dhcp_poll() returns 0.
 * @param cfg     How the request presents itself (PXE options 60, 93, 94,
 *                user class, timeouts; copied), or NULL for plain DHCP:
 *                servers pick options by these classes, so pass the ones
 *                the lease was obtained with.
 * @param now_ms  Current time.
 * @return 0 when under way (or, when nothing could be sent, bound as
 *         before); -NB_EINVAL when @p d is not bound or @p cfg is bad;
 *         -NB_EADDRINUSE if port 68 is taken; entropy errors.
 */
int nb_dhcp_inform(struct nb_dhcp *d, const struct nb_dhcp_cfg *cfg,
		   uint64_t now_ms);

/**
 * Why the last error happened, for messages.
 * @param d  Client.
 * @return Static NUL-terminated text; "" when there was no error.
 */
const char *nb_dhcp_why(const struct nb_dhcp *d);

/**
 * Read a raw option from a kept packet.  Split options (RFC 3396) are
 * returned concatenated; options in `file`/`sname` under option overload
 * are found too.
 * @param d      Client (after binding, or any time for what is kept).
 * @param which  Packet to read (enum nb_dhcp_pkt).
 * @param tag    Option code (1..254).
 * @param buf    Receives the value; may be NULL to ask for the length.
 * @param cap    Capacity of @p buf.
 * @return The value's length (0 is a valid, empty option);
 *         -NB_ENOTFOUND when absent; -NB_EMSGSIZE when longer than
 *         @p cap (nothing written); -NB_EINVAL for a bad @p which or tag.
 */
int nb_dhcp_option(const struct nb_dhcp *d, enum nb_dhcp_pkt which,
		   uint8_t tag, void *buf, size_t cap);

/**
 * The kept raw packet (e.g. to save the DHCPACK for a later cached boot).
 * @param d      Client.
 * @param which  NB_DHCP_PKT_ACK, _PROXY or _BOOT.
 * @param len    Receives its length (0 when none is kept).
 * @return Pointer into @p d, valid while @p d is; NULL when none is kept.
 */
const uint8_t *nb_dhcp_packet(const struct nb_dhcp *d, enum nb_dhcp_pkt which,
			      size_t *len);

/** @name Stateless parsing
 * For tests, fuzzing and callers holding packets of their own.
 * @{ */
/**
 * Find an option in a DHCP/BOOTP packet (concatenating split instances,
 * honouring option overload).
 * @param pkt   The packet (BOOTP header onwards); not retained.
 * @param len   Its length.
 * @param tag   Option code (1..254).
 * @param buf   Receives the value, or NULL to ask for the length.
 * @param cap   Capacity of @p buf.
 * @return Length; -NB_EPROTO for a malformed packet (too short, bad
 *         cookie, an option running past its field, bad overload);
 *         -NB_ENOTFOUND; -NB_EMSGSIZE when longer than @p cap;
 *         -NB_EINVAL for tag 0 or 255.
 */
int nb_dhcp_find_option(const void *pkt, size_t len, uint8_t tag, void *buf,
			size_t cap);

/**
 * Check a packet is a well-formed DHCP/BOOTP message and return its type.
 * @param pkt  The packet; not retained.
 * @param len  Its length.
 * @return enum nb_dhcp_msg (NB_DHCP_NONE for BOOTP), or -NB_EPROTO.
 */
int nb_dhcp_msg_type(const void *pkt, size_t len);

/**
 * Fill @p l from one packet, as if it were the only one (the address
 * fields from a reply with an address, boot fields from whatever it
 * carries).  @p l is zeroed first.
 * @param pkt  The packet; not retained.
 * @param len  Its length.
 * @param l    Receives the result.
 * @return 0, or -NB_EPROTO for a malformed packet.
 */
int nb_dhcp_parse_lease(const void *pkt, size_t len, struct nb_dhcp_lease *l);
/** @} */

#endif
