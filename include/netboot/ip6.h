/**
 * @file ip6.h
 * @brief IPv6 building blocks (lib/ip6, its own archive libnetboot_ip6.a):
 *        input validation and extension headers (RFC 8200), fragment
 *        reassembly (RFC 5722, RFC 6946), ICMPv6 checksum and echo
 *        (RFC 4443), Neighbor Discovery parsing and a neighbor cache
 *        (RFC 4861, RFC 8106), SLAAC interface identifiers (RFC 4291
 *        EUI-64, RFC 7217 stable privacy).
 *
 * Every function here works on caller memory and takes time only as
 * `now_ms`.  Addresses are 16 bytes in network order.  Packets start at
 * the IPv6 header (no link header).  Bad input never reads outside the
 * bytes given: it ends in a negative NB_E* code.
 */
#ifndef NETBOOT_IP6_H
#define NETBOOT_IP6_H

#include "netboot/abi.h"
#include "netboot/config.h"
#include "netboot/core.h"
#include "netboot/rangeset.h"

/** Bytes of the fixed IPv6 header. */
#define NB_IP6_HDR_LEN 40
/** @name Next Header values
 * @{ */
#define NB_IP6_HOPOPTS 0   /**< Hop-by-hop options header. */
#define NB_IP6_TCP 6       /**< TCP. */
#define NB_IP6_UDP 17      /**< UDP. */
#define NB_IP6_ROUTING 43  /**< Routing header. */
#define NB_IP6_FRAGMENT 44 /**< Fragment header. */
#define NB_IP6_ICMP6 58    /**< ICMPv6. */
#define NB_IP6_NONE 59     /**< No next header. */
#define NB_IP6_DSTOPTS 60  /**< Destination options header. */
/** @} */

/** @name ICMPv6 types
 * @{ */
#define NB_ICMP6_DEST_UNREACH 1  /**< Destination unreachable (3.1). */
#define NB_ICMP6_PARAM_PROBLEM 4 /**< Parameter problem (RFC 4443 3.4). */
#define NB_ICMP6_ECHO_REQUEST 128 /**< Echo request. */
#define NB_ICMP6_ECHO_REPLY 129   /**< Echo reply. */
#define NB_MLD2_REPORT 143        /**< MLDv2 report (RFC 3810). */
#define NB_ND_RS 133              /**< Router solicitation. */
#define NB_ND_RA 134              /**< Router advertisement. */
#define NB_ND_NS 135              /**< Neighbor solicitation. */
#define NB_ND_NA 136              /**< Neighbor advertisement. */
/** @} */

/**
 * What nb_ip6_parse() learned about a packet.  On an error return, the
 * pp_* fields say which ICMPv6 Parameter Problem the sender deserves.
 */
struct nb_ip6_info {
	uint32_t end;       /**< Bytes of the packet proper (40 + payload
				 length); trailing link padding excluded. */
	uint32_t off;       /**< Offset of the upper-layer header (or of
				 the fragment data when @ref frag). */
	uint8_t proto;      /**< Upper-layer protocol (or NB_IP6_NONE). */
	uint8_t hop_limit;  /**< The header's hop limit. */
	bool frag;          /**< A real fragment (not atomic): @ref off is
				 its data; give it to nb_ip6_reasm_add(). */
	bool more;          /**< Fragment: M flag. */
	uint32_t frag_at;   /**< Fragment: offset of the fragment header. */
	uint32_t nh_at;     /**< Offset of the Next Header field naming
				 @ref proto (the fragment header when
				 @ref frag): a Parameter Problem code 1
				 points here when no one takes @ref proto. */
	uint16_t frag_off;  /**< Fragment: data offset in bytes. */
	uint32_t frag_id;   /**< Fragment: identification. */
	bool pp_send;       /**< Error: a Parameter Problem may be sent
				 (RFC 4443 2.4 (e): not for multicast
				 destinations, except code 2). */
	uint8_t pp_code;    /**< Error: Parameter Problem code (0 erroneous
				 field, 1 unknown next header, 2 unknown
				 option, 3 first fragment lacks the header
				 chain). */
	uint32_t pp_ptr;    /**< Error: the offending byte's offset. */
};

/**
 * Validate an IPv6 packet and walk its extension headers (RFC 8200 4):
 * hop-by-hop options (first only), destination options, routing (only
 * Segments Left 0 is accepted: a host forwards nothing) and fragment
 * headers, with every length checked against the payload.  Options
 * other than Pad1/PadN are unknown: their type's two high bits decide
 * (skip, discard, discard and report, report unless multicast).  An
 * atomic fragment (offset 0, M 0; RFC 6946) is skipped over, never
 * reassembled.  A first fragment must hold the whole header chain
 * (RFC 8200 4.5, RFC 7112).
 * @param pkt  The packet (starting at the IPv6 header), not retained.
 * @param len  Bytes available (may include link padding).
 * @param out  Filled (also on errors, for the pp_* fields).
 * @return 0; -NB_EMSGSIZE truncated (shorter than its payload length, a
 *         header running past the end); -NB_EPROTO malformed (version,
 *         multicast source, bad fragment length, routing header with
 *         segments left, first fragment without the chain); -NB_ENOTSUP
 *         unknown next header, an option that says discard, a jumbogram.
 */
int nb_ip6_parse(const uint8_t *pkt, size_t len, struct nb_ip6_info *out);

/**
 * Write a fixed IPv6 header (traffic class and flow label 0).
 * @param out          40 bytes.
 * @param src          Source address.
 * @param dst          Destination address.
 * @param next         Next header.
 * @param payload_len  Payload bytes.
 * @param hop_limit    Hop limit.
 */
void nb_ip6_build_hdr(uint8_t *out, const uint8_t src[16],
		      const uint8_t dst[16], uint8_t next,
		      uint16_t payload_len, uint8_t hop_limit);

/** @name Address helpers
 * @{ */
/**
 * Whether @p a is multicast (ff00::/8).
 * @param a  Address.
 * @return true when multicast.
 */
bool nb_ip6_is_multicast(const uint8_t a[16]);
/**
 * Whether @p a is the unspecified address ::.
 * @param a  Address.
 * @return true when all zero.
 */
bool nb_ip6_is_unspecified(const uint8_t a[16]);
/**
 * The solicited-node multicast address of @p a (ff02::1:ffXX:XXXX).
 * @param a    Unicast address.
 * @param out  Receives the group.
 */
void nb_ip6_solicited_node(const uint8_t a[16], uint8_t out[16]);
/**
 * The Ethernet multicast MAC of group @p a (33:33 and its last 4 bytes).
 * @param a    Multicast address.
 * @param mac  Receives 6 bytes.
 */
void nb_ip6_multicast_mac(const uint8_t a[16], uint8_t mac[6]);
/** @} */

/** @name Fragment reassembly
 * @{ */
/** One datagram being reassembled (fields private). */
struct nb_ip6_reasm_slot {
	uint8_t *buf;        /**< Unfragmentable part, then the data. */
	uint64_t started_ms; /**< First fragment's arrival. */
	uint32_t id;         /**< Identification. */
	uint8_t src[16];     /**< Source. */
	uint8_t dst[16];     /**< Destination. */
	uint16_t unfrag;     /**< Bytes of the unfragmentable part. */
	uint16_t total;      /**< Data bytes, once the last fragment came
				  (0 before). */
	bool used;           /**< In use. */
	bool have_first;     /**< The offset-0 fragment arrived. */
	struct nb_rangeset set;                  /**< Data held. */
	struct nb_range range[NB_IP6_REASM_HOLES]; /**< Its slots. */
};
/**
 * Reassembly state: NB_IP6_REASM_SLOTS datagrams at once, each in an
 * equal share of the caller's buffer.
 */
struct nb_ip6_reasm {
	struct nb_ip6_reasm_slot slot[NB_IP6_REASM_SLOTS]; /**< Slots. */
	uint16_t cap; /**< Bytes per slot (unfragmentable part + data). */
};

/**
 * Give reassembly its memory.
 * @param r    State (caller-owned).
 * @param mem  Buffer shared equally by the slots; owned by the caller and
 *             outliving @p r.
 * @param len  Its size; each slot gets len / NB_IP6_REASM_SLOTS bytes,
 *             at most 65535.
 * @return 0, or -NB_EINVAL when a slot would get fewer than 1280 bytes
 *         (the IPv6 minimum MTU every node must reassemble).
 */
int nb_ip6_reasm_init(struct nb_ip6_reasm *r, uint8_t *mem, size_t len);

/**
 * Add one fragment.  Overlapping data drops the whole datagram (RFC 5722),
 * except an exact duplicate of held bytes, which is ignored (RFC 8200
 * 4.5).  When all slots are busy the oldest is evicted.  A reassembled
 * datagram is checked again by nb_ip6_parse(): one that is still a
 * fragment (a fragment header in the fragmented part) is dropped.
 * @param r        State.
 * @param pkt      The fragment, as validated by nb_ip6_parse().
 * @param info     nb_ip6_parse()'s result for @p pkt (@c frag set).
 * @param now_ms   Current time (slots older than NB_IP6_REASM_TIMEOUT_MS
 *                 are dropped first).
 * @param out      On 1: the reassembled packet, inside @p r's memory,
 *                 valid until the next call on @p r.
 * @param out_len  On 1: its length.
 * @return 1 complete; 0 held; -NB_EPROTO overlap or inconsistent
 *         fragments (datagram dropped); -NB_ETOOBIG the datagram exceeds
 *         the slot (dropped); -NB_EINVAL @p info is no fragment.
 */
int nb_ip6_reasm_add(struct nb_ip6_reasm *r, const uint8_t *pkt,
		     const struct nb_ip6_info *info, uint64_t now_ms,
		     const uint8_t **out, size_t *out_len);

/**
 * Drop datagrams older than NB_IP6_REASM_TIMEOUT_MS.
 * @param r       State.
 * @param now_ms  Current time.
 * @return How many were dropped.
 */
unsigned nb_ip6_reasm_expire(struct nb_ip6_reasm *r, uint64_t now_ms);
/** @} */

/** @name ICMPv6
 * @{ */
/**
 * The IPv6 pseudo-header sum (RFC 8200 8.1), to continue with
 * nb_csum_add() over the upper-layer message.
 * @param src    Source.
 * @param dst    Destination (the final one).
 * @param len    Upper-layer length.
 * @param proto  Upper-layer protocol.
 * @return A partial sum.
 */
uint32_t nb_ip6_pseudo_sum(const uint8_t src[16], const uint8_t dst[16],
			   uint32_t len, uint8_t proto);
/**
 * Verify an ICMPv6 message's checksum.
 * @param pkt   The packet (IPv6 header first).
 * @param info  nb_ip6_parse()'s result, proto NB_IP6_ICMP6.
 * @return 0, or -NB_EPROTO (bad checksum, shorter than 4 bytes).
 */
int nb_icmp6_verify(const uint8_t *pkt, const struct nb_ip6_info *info);
/**
 * Fill the checksum of an ICMPv6 message in a built packet.
 * @param pkt  IPv6 header, then the message (no extension headers).
 */
void nb_icmp6_finish(uint8_t *pkt);
/**
 * Build the echo reply to an echo request.
 * @param pkt   The request (checksum already verified).
 * @param info  Its nb_ip6_parse() result.
 * @param self  Our unicast address (the reply's source, also when the
 *              request went to a multicast group).
 * @param out   Receives the reply packet; must not overlap @p pkt.
 * @param cap   Bytes at @p out.
 * @return The reply's length; -NB_EINVAL not an echo request;
 *         -NB_EMSGSIZE @p cap too small.
 */
int nb_icmp6_echo_reply(const uint8_t *pkt, const struct nb_ip6_info *info,
			const uint8_t self[16], uint8_t *out, size_t cap);
/** @} */

/** @name Neighbor Discovery (RFC 4861)
 * @{ */
/** A Prefix Information option. */
struct nb_nd_prefix {
	uint8_t prefix[16];    /**< Prefix (bits past @ref len zeroed). */
	uint8_t len;           /**< Prefix length (0..128). */
	bool onlink;           /**< L flag. */
	bool autonomous;       /**< A flag: usable for SLAAC. */
	uint32_t valid_s;      /**< Valid lifetime, seconds. */
	uint32_t preferred_s;  /**< Preferred lifetime, seconds. */
};

/** A parsed NS, NA or RA (RS and redirects are refused). */
struct nb_nd_msg {
	uint8_t type;         /**< NB_ND_NS, NB_ND_NA or NB_ND_RA. */
	uint8_t src[16];      /**< IPv6 source. */
	uint8_t target[16];   /**< NS/NA: target address. */
	uint8_t lladdr[6];    /**< SLLA (NS, RA) or TLLA (NA). */
	bool has_lladdr;      /**< @ref lladdr present. */
	bool router;          /**< NA: R flag. */
	bool solicited;       /**< NA: S flag. */
	bool override;        /**< NA: O flag. */
	uint8_t cur_hop_limit; /**< RA: hop limit to use (0: unspecified). */
	bool managed;         /**< RA: M flag (DHCPv6 for addresses). */
	bool other;           /**< RA: O flag (DHCPv6 for other config). */
	uint16_t router_life_s; /**< RA: router lifetime, seconds. */
	uint32_t reachable_ms;  /**< RA: reachable time (0: unspecified). */
	uint32_t retrans_ms;    /**< RA: retransmit timer (0: unspecified). */
	uint32_t mtu;         /**< RA: MTU option (0: none). */
	uint8_t n_prefix;     /**< RA: prefixes kept in @ref prefix. */
	struct nb_nd_prefix prefix[NB_ND_PREFIX_MAX]; /**< RA: prefixes. */
	uint8_t n_rdnss;      /**< RA: DNS servers kept in @ref rdnss. */
	uint8_t rdnss[NB_ND_RDNSS_MAX][16]; /**< RA: DNS servers. */
	uint32_t rdnss_life_s; /**< RA: the smallest RDNSS lifetime. */
};

/**
 * Parse and validate an NS, NA or RA (RFC 4861 6.1, 7.1; RFC 8106):
 * hop limit 255, code 0, checksum, length, every option's length
 * nonzero and inside the message, link-layer options exactly 8 bytes
 * (Ethernet), MTU 8, prefix information 32, RDNSS odd and >= 3 units,
 * at most one SLLA/TLLA and MTU, targets not multicast, no SLLA from
 * the unspecified address, NA to a group not solicited, RA from a
 * link-local source.  Unknown options are skipped; prefixes and
 * servers beyond the arrays' size are skipped.
 * @param pkt   The packet (IPv6 header first).
 * @param info  Its nb_ip6_parse() result with proto NB_IP6_ICMP6.
 * @param out   Filled.
 * @return 0; -NB_ENOTSUP another ICMPv6 type; -NB_EPROTO invalid.
 */
int nb_nd_parse(const uint8_t *pkt, const struct nb_ip6_info *info,
		struct nb_nd_msg *out);

/** Neighbor cache entry states (RFC 4861 7.3.2; DELAY/PROBE folded
 *  into STALE: the caller re-solicits a stale neighbor). */
enum nb_nd_state {
	NB_ND_FREE = 0,   /**< Unused entry. */
	NB_ND_INCOMPLETE, /**< Solicited, no answer yet. */
	NB_ND_REACHABLE,  /**< Confirmed recently. */
	NB_ND_STALE,      /**< Known, not confirmed lately. */
};

/** One neighbor (fields private but readable). */
struct nb_nd_entry {
	uint8_t ip[16];      /**< Neighbor address. */
	uint8_t mac[6];      /**< Its link address (not INCOMPLETE). */
	uint8_t state;       /**< enum nb_nd_state. */
	uint8_t probes;      /**< Solicitations sent while INCOMPLETE. */
	bool router;         /**< Last NA had the R flag (or an RA came). */
	uint16_t pending_len; /**< Bytes of the packet waiting (0: none). */
	uint64_t since_ms;   /**< Last state change or solicitation. */
	uint8_t *pending;    /**< The waiting packet's buffer. */
};

/** The neighbor cache: NB_ND_CACHE_SIZE entries, one waiting packet each. */
struct nb_nd_cache {
	struct nb_nd_entry e[NB_ND_CACHE_SIZE]; /**< Entries. */
	uint16_t pending_cap; /**< Bytes of each entry's waiting packet. */
};

/**
 * Give the cache its memory and empty it.
 * @param c        Cache (caller-owned).
 * @param pending  NB_ND_CACHE_SIZE * @p per bytes for waiting packets,
 *                 owned by the caller, outliving @p c.
 * @param per      Bytes per entry (the largest packet that may wait).
 * @return 0, or -NB_EINVAL for a NULL @p pending or @p per 0.
 */
int nb_nd_cache_init(struct nb_nd_cache *c, uint8_t *pending, uint16_t per);

/**
 * Look up the link address for @p ip to send @p pkt.  Without a usable
 * entry, an INCOMPLETE one keeps @p pkt (replacing an older waiting
 * packet) and the caller sends a solicitation; the cache evicts the
 * least recently changed entry when full.
 * @param c        Cache.
 * @param ip       Next hop.
 * @param pkt      Packet to keep when unresolved (may be NULL).
 * @param len      Its length.
 * @param now_ms   Current time.
 * @param mac      On 0: the link address.
 * @return 0 resolved (@p pkt not kept); -NB_EAGAIN kept (nb_nd_tick()
 *         names the address to solicit); -NB_EMSGSIZE @p pkt larger than
 *         the per-entry size (nothing kept).
 */
int nb_nd_resolve(struct nb_nd_cache *c, const uint8_t ip[16],
		  const uint8_t *pkt, size_t len, uint64_t now_ms,
		  uint8_t mac[6]);

/**
 * Apply a received NS, NA or RA to the cache (RFC 4861 7.2.3, 7.2.5,
 * 6.3.4): an NA completes an INCOMPLETE entry (REACHABLE when solicited)
 * or refreshes a known one per its O and S flags; an NS or RA with a
 * source link address records the sender as STALE (never creating an
 * entry for an NA).
 * @param c        Cache.
 * @param m        Message from nb_nd_parse().
 * @param now_ms   Current time.
 * @param pkt      On 1: the packet that waited for this neighbor, in
 *                 the cache's memory, valid until the next call on @p c.
 * @param len      On 1: its length.
 * @param mac      On 1: where to send it.
 * @return 1 a packet can now go; 0 nothing to send.
 */
int nb_nd_update(struct nb_nd_cache *c, const struct nb_nd_msg *m,
		 uint64_t now_ms, const uint8_t **pkt, size_t *len,
		 uint8_t mac[6]);

/**
 * Age the cache: REACHABLE turns STALE after NB_ND_REACHABLE_MS; an
 * INCOMPLETE entry is re-solicited every NB_ND_RETRANS_MS and freed
 * (its waiting packet dropped) after NB_ND_MAX_PROBES.
 * @param c       Cache.
 * @param now_ms  Current time.
 * @param ip      On 1: an address to send an NS for.
 * @return 1 when @p ip needs an NS (call again for the next); 0 done.
 */
int nb_nd_tick(struct nb_nd_cache *c, uint64_t now_ms, uint8_t ip[16]);
/** @} */

/** @name SLAAC interface identifiers
 * @{ */
/**
 * Modified EUI-64 identifier from a MAC (RFC 4291 appendix A): the /64
 * @p prefix with ff:fe in the middle of the MAC and the U/L bit flipped.
 * @param prefix  The first 8 bytes are used.
 * @param mac     Link address.
 * @param out     Receives the address.
 */
void nb_ip6_eui64(const uint8_t prefix[16], const uint8_t mac[6],
		  uint8_t out[16]);

/**
 * A stable-privacy address (RFC 7217 5): the identifier is the first 64
 * bits of SHA-256(prefix | net_iface | dad_counter | secret), skipping
 * reserved identifiers (RFC 5453) by counting @p dad_counter up.
 * @param prefix     The /64 prefix (first 8 bytes used).
 * @param plen       Prefix length; only 64 is supported.
 * @param net_iface  Interface identity (e.g. the MAC), not retained.
 * @param iface_len  Its length.
 * @param dad_counter  0, then one more per DAD conflict.
 * @param secret     NB_IP6_SECRET_LEN bytes from nb_ip6_secret().
 * @param out        Receives the address.
 * @return 0, or -NB_EINVAL (@p plen not 64).
 */
int nb_ip6_stable_addr(const uint8_t prefix[16], uint8_t plen,
		       const void *net_iface, size_t iface_len,
		       uint8_t dad_counter, const uint8_t *secret,
		       uint8_t out[16]);

/** Bytes of a stable-privacy secret. */
#define NB_IP6_SECRET_LEN 32
/**
 * Draw the RFC 7217 secret key from the entropy hook.  Firmware has no
 * storage to keep it across boots, so addresses are stable for one boot
 * only unless the caller keeps and passes the same secret.
 * @param rng     Entropy source.
 * @param secret  Receives NB_IP6_SECRET_LEN bytes.
 * @return 0, -NB_EINVAL without a fill function, or its error.
 */
int nb_ip6_secret(const struct nb_rng *rng, uint8_t *secret);
/** @} */

/**
 * The ABI check of lib/ip6 (netboot/abi.h; the core library's table does
 * not know lib/ip6, which lives in its own archive).
 * @param id  NB_IP6_ABI_ID as the caller computed it.
 * @return 0 when it matches the library's; -NB_EABI otherwise.
 */
int nb_ip6_abi_check(uint32_t id);
/** @cond PRIVATE */
#define NB_IP6_ABI_ID                                                         \
	NB_ABI_ID(sizeof(struct nb_ip6_reasm) +                               \
		  (sizeof(struct nb_nd_cache) << 16))
#ifndef NB_LIB_BUILD
#define nb_ip6_reasm_init(...)                                                \
	(nb_ip6_abi_check(NB_IP6_ABI_ID) < 0 ? -NB_EABI                       \
					     : nb_ip6_reasm_init(__VA_ARGS__))
#define nb_nd_cache_init(...)                                                 \
	(nb_ip6_abi_check(NB_IP6_ABI_ID) < 0 ? -NB_EABI                       \
					     : nb_nd_cache_init(__VA_ARGS__))
#endif
/** @endcond */

#endif
