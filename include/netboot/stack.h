/**
 * @file stack.h
 * @brief The stack object: one link, its addresses, and the poll loop.
 *
 * A stack is a caller-owned struct plus a slice of the caller's arena
 * (NB_STACK_ARENA_BYTES).  Several stacks may live in one process.
 * Nothing runs on its own: the caller calls nb_stack_poll() with the
 * current time, which drains up to NB_POLL_BUDGET received frames and runs
 * timers.  Sends made between polls use the time of the last poll.
 *
 * Worst-case memory: sizeof(struct nb_stack) (under 1.5 KiB with the
 * default config.h) plus NB_STACK_ARENA_BYTES of arena (about 143 KiB by
 * default, 131 KiB of it for fragment reassembly).
 */
#ifndef NETBOOT_STACK_H
#define NETBOOT_STACK_H

#include "netboot/abi.h"
#include "netboot/core.h"
#include "netboot/eth.h"
#include "netboot/ip.h"
#include "netboot/link.h"

/**
 * Arena bytes nb_stack_init() takes on a link whose nb_link::mtu_max is
 * @p mtu_max (alignment slack included): frames are sized for it.
 */
#define NB_STACK_ARENA_BYTES_MTU(mtu_max)                                     \
	((2 + NB_ARP_QUEUE_LEN) *                                             \
		 ((size_t)(mtu_max) + NB_ETH_HLEN + 64) +                     \
	 NB_IP_REASM_SLOTS * (NB_IP_REASM_MAX + NB_IP_REASM_MAX / 64 + 130))

/** Arena bytes nb_stack_init() takes on a link of NB_ETH_FRAME_MAX frames. */
#define NB_STACK_ARENA_BYTES NB_STACK_ARENA_BYTES_MTU(NB_ETH_FRAME_MAX - NB_ETH_HLEN)

/**
 * Counters of everything the stack dropped or did.  Every malformed or
 * unwanted frame increments exactly one drop counter.
 */
struct nb_stats {
	uint32_t rx_frames;       /**< Frames received from the link. */
	uint32_t rx_short;        /**< Shorter than an Ethernet header. */
	uint32_t rx_not_ours;     /**< For another unicast MAC. */
	uint32_t rx_bad_type;     /**< EtherType we do not speak. */
	uint32_t rx_link_errors;  /**< Driver receive failures. */
	uint32_t tx_frames;       /**< Frames handed to the driver. */
	uint32_t tx_dropped;      /**< Driver had no room (-NB_ENOBUFS). */
	uint32_t tx_errors;       /**< Other driver transmit failures. */
	uint32_t arp_bad;         /**< Malformed or unsupported ARP, or a
				       group/zero sender MAC. */
	uint32_t arp_other;       /**< Valid ARP not about our address, or
				       our own ARP echoed back by the link. */
	uint32_t arp_replied;     /**< Requests for our address answered. */
	uint32_t arp_requests;    /**< Requests we sent. */
	uint32_t arp_failed;      /**< Resolutions that gave up. */
	uint32_t arp_queue_full;  /**< Frames refused: wait queue full. */
	uint32_t ip_bad_header;   /**< Version, IHL or length wrong. */
	uint32_t ip_bad_csum;     /**< Header checksum wrong. */
	uint32_t ip_bad_src;      /**< Zero/loopback/broadcast/multicast/own
				       source. */
	uint32_t ip_ttl_zero;     /**< TTL of zero. */
	uint32_t ip_not_ours;     /**< For another address. */
	uint32_t ip_no_proto;     /**< No handler for the protocol. */
	uint32_t frag_rx;         /**< Fragments received. */
	uint32_t frag_done;       /**< Datagrams reassembled. */
	uint32_t frag_bad;        /**< Overlapping, oversized or inconsistent. */
	uint32_t frag_no_slot;    /**< No free reassembly slot. */
	uint32_t frag_timeout;    /**< Slots expired incomplete. */
	uint32_t icmp_bad;        /**< Short or bad checksum. */
	uint32_t icmp_echo_replied; /**< Echo requests answered. */
	uint32_t icmp_unreach_rx; /**< Destination-unreachables received. */
	uint32_t icmp_other;      /**< Other ICMP types ignored; echo requests
				       not answered (broadcast, larger than
				       the MTU, no address yet); echo replies
				       nobody waits for. */
	uint32_t udp_bad;         /**< Bad length or checksum. */
	uint32_t udp_no_port;     /**< No socket (port unreachable sent). */
	uint32_t udp_rx;          /**< Datagrams delivered to a socket. */
};

/**
 * A protocol family carried beside IPv4 on the same link (lib/ip6's
 * nb_stack6 attaches one with nb_stack_set_ext()): lib/eth hands it the
 * frames of its EtherType, also those sent to a multicast MAC, and the
 * stack runs its timers and asks for its deadline.  Caller-owned; must
 * outlive its attachment.
 */
struct nb_eth_ext {
	uint16_t ethertype; /**< EtherType taken, host order. */
	/** A frame of that EtherType: @p f starts at the Ethernet header,
	 *  valid during the call only. */
	void (*input)(void *ctx, const uint8_t *f, size_t len);
	/** Timers, after every nb_stack_poll() (the stack's time in
	 *  nb_stack::now). */
	void (*timers)(void *ctx);
	/** Earliest timer; unarmed when none. */
	struct nb_deadline (*deadline)(void *ctx, uint64_t now_ms);
	void *ctx; /**< Passed back to every function. */
};

/** The stack.  Caller-owned; fields are private unless documented. */
struct nb_stack {
	struct nb_link *link;  /**< The link (caller-owned, outlives the stack). */
	struct nb_rng rng;     /**< Entropy source (copied at init). */
	uint64_t now;          /**< Time of the last nb_stack_poll(). */
	uint32_t ip;           /**< Our address, 0 until configured. */
	uint32_t mask;         /**< Subnet mask. */
	uint32_t gw;           /**< Default gateway, 0 for none. */
	uint32_t dns[NB_DNS_SERVERS]; /**< DNS servers, 0 = unused. */
	uint8_t *rx_frame;     /**< Receive buffer (arena). */
	uint8_t *tx_frame;     /**< Transmit buffer (arena). */
	uint16_t ip_id;        /**< Next IPv4 identification. */
	uint16_t frame_max;    /**< Largest frame: link's mtu_max + 14. */
	struct nb_udp_sock *udp; /**< Open UDP sockets. */
	struct nb_ping *pings;   /**< Outstanding echo requests. */
	const struct nb_eth_ext *ext; /**< Another family, or NULL. */
	/** @cond PRIVATE */
	/* Protocols above IP (nb_ip_register()): TCP and others.  A slot
	 * is free while its input function is NULL. */
	uint8_t hook_proto[NB_IP_PROTO_HOOKS];
	nb_ip_input_fn hook_input[NB_IP_PROTO_HOOKS];
	struct nb_deadline (*hook_deadline[NB_IP_PROTO_HOOKS])(void *ctx, uint64_t now);
	void *hook_ctx[NB_IP_PROTO_HOOKS];
	/** @endcond */
	struct nb_stats stats;   /**< Counters (read freely). */
	/* Tables last: i386 reaches the first 128 bytes with a one-byte
	 * displacement. */
	struct nb_arp_entry arp[NB_ARP_CACHE_SIZE];  /**< ARP cache. */
	struct nb_arp_wait arp_wait[NB_ARP_QUEUE_LEN]; /**< Frames waiting. */
	struct nb_ip_reasm reasm[NB_IP_REASM_SLOTS];  /**< Reassembly. */
};

/**
 * Set up a stack on @p link.
 * @param s      Stack to initialise (caller-owned, zeroed by this call).
 * @param link   Link driver; must outlive the stack.
 * @param rng    Entropy source (copied); its fill must not be NULL.
 * @param arena  Arena providing NB_STACK_ARENA_BYTES_MTU() of the link's
 *               nb_link::mtu_max (NB_STACK_ARENA_BYTES for 1500); must
 *               outlive @p s.
 * @return 0; -NB_ENOMEM if the arena is too small (arena unchanged);
 *         -NB_EINVAL for NULL arguments, a link MTU under 68 or above
 *         its nb_link::mtu_max, or an mtu_max above NB_LINK_MTU_MAX.
 *         -NB_EABI when the caller was compiled with other tunables
 *         than the library (netboot/abi.h).
 */
int nb_stack_init(struct nb_stack *s, struct nb_link *link,
		  const struct nb_rng *rng, struct nb_arena *arena);
/** @cond PRIVATE */
#define NB_STACK_ABI_ID NB_ABI_ID(sizeof(struct nb_stack))
#ifndef NB_LIB_BUILD
#define nb_stack_init(...)                                                    \
	NB_ABI_CALL(NB_ABI_STACK, NB_STACK_ABI_ID, nb_stack_init(__VA_ARGS__))
#endif
/** @endcond */

/**
 * Configure IPv4.  Pass 0s to return to the unconfigured state.
 * @param s     Stack.
 * @param ip    Our address (host order).
 * @param mask  Subnet mask, e.g. 0xffffff00 for /24.
 * @param gw    Default gateway, or 0 for none.
 */
void nb_stack_set_ipv4(struct nb_stack *s, uint32_t ip, uint32_t mask,
		       uint32_t gw);

/**
 * Set the link's IP MTU (nb_link::mtu) from what the network announces
 * (DHCP option 26, an IPv6 RA's MTU option), capped to what the link can
 * carry (nb_link::mtu_max).  TCP connections opened afterwards announce
 * and use the MSS it allows; open ones keep theirs.
 * @param s    Stack.
 * @param mtu  The announced MTU; under 68 (e.g. 0 for "none") leaves the
 *             MTU unchanged.
 * @return The MTU now in use.
 */
uint16_t nb_stack_set_mtu(struct nb_stack *s, uint32_t mtu);

/**
 * Attach (or with NULL detach) another protocol family: its frames, its
 * timers and its deadline go through the stack from now on.
 * @param s    Stack.
 * @param ext  The family (caller-owned, outliving the attachment).
 */
void nb_stack_set_ext(struct nb_stack *s, const struct nb_eth_ext *ext);

/**
 * Receive and dispatch pending frames (at most NB_POLL_BUDGET), then run
 * ARP and reassembly timers.  Protocols above IP run their own timers in
 * their *_poll() functions.
 * @param s       Stack.
 * @param now_ms  Current monotonic time in ms (never decreasing).
 * @return Number of frames handled (>= 0), or the link's receive error.
 */
int nb_stack_poll(struct nb_stack *s, uint64_t now_ms);

/**
 * The transmit frame buffer.  Protocols build outgoing frames here.
 * @param s  Stack.
 * @return nb_stack::frame_max bytes, valid until the next send on @p s.
 */
uint8_t *nb_stack_tx_frame(struct nb_stack *s);

/**
 * When the earliest timer of @p s and of what runs on it fires: ARP
 * retries and expiries, fragment reassembly, echo requests, TCP
 * connections (retransmission, delayed ACKs), and UDP sockets whose owner
 * registered a timer with nb_udp_set_timer().  A caller with nothing else
 * to do may sleep until then, or until a frame arrives, and then call
 * nb_stack_poll() and the *_poll() functions of its objects.
 * @param s       Stack.
 * @param now_ms  Current time (protocols may compute deadlines from it).
 * @return The earliest deadline (it may already be past: its owner has
 *         not been polled since); unarmed (nb_deadline::at_ms 0) when no
 *         timer is armed.
 */
struct nb_deadline nb_stack_next_deadline(const struct nb_stack *s,
					  uint64_t now_ms);

/** A clock and idle hook for nb_wait(), supplied by the embedder. */
struct nb_clock {
	/** Current monotonic time in ms. */
	uint64_t (*now_ms)(void *ctx);
	/**
	 * Optional (may be NULL): wait up to @p max_ms for something to do,
	 * returning early when a frame arrives, e.g. poll() on a tap fd or
	 * `hlt` until the next interrupt.  nb_wait() passes the time until
	 * nb_stack_next_deadline() (at most NB_WAIT_IDLE_MAX_MS).
	 */
	void (*idle)(void *ctx, uint32_t max_ms);
	void *ctx; /**< Passed to both. */
};

/** A long-running object's poll function (see DESIGN: *_poll rhythm). */
typedef int (*nb_poll_fn)(void *obj, uint64_t now_ms);

/**
 * Block until @p fn stops returning -NB_EAGAIN, polling the stack in
 * between; for simple callers like the chainloader and nbget.  While the
 * link is quiet it sleeps in the clock's idle hook until the stack's next
 * deadline or the timeout, capped at NB_WAIT_IDLE_MAX_MS because the
 * object may keep timers the stack does not know of.
 * @param s           Stack.
 * @param fn          The object's poll function.
 * @param obj         The object.
 * @param clk         Clock (and optional idle hook).
 * @param timeout_ms  Give up after this long (0 = no limit beyond the
 *                    object's own timeouts).
 * @return What @p fn returned, -NB_ETIMEDOUT on timeout, or a link error.
 */
int nb_wait(struct nb_stack *s, nb_poll_fn fn, void *obj,
	    const struct nb_clock *clk, uint64_t timeout_ms);

#endif
