/**
 * @file config.h
 * @brief Compile-time tunables of libnetboot.
 *
 * Every value can be overridden with `-DNAME=value` (or by a header the
 * build force-includes).  Each default states why it is what it is.  All
 * sizes here are upper bounds on memory: the library never allocates beyond
 * what these numbers and the caller's arena allow.
 */
#ifndef NETBOOT_CONFIG_H
#define NETBOOT_CONFIG_H

/**
 * Largest Ethernet frame handled, without FCS (14 header + 1500 payload).
 * Jumbo frames are not used by boot firmware drivers, so 1514 suffices.
 */
#ifndef NB_ETH_FRAME_MAX
#define NB_ETH_FRAME_MAX 1514
#endif

/**
 * ARP cache entries.  A boot client talks to a router, a DHCP/TFTP server,
 * a DNS server and an HTTP server or two: 8 covers that with room for
 * on-link peers, and a linear scan of 8 is cheaper than any hash.
 */
#ifndef NB_ARP_CACHE_SIZE
#define NB_ARP_CACHE_SIZE 8
#endif

/**
 * Frames held while their next hop is being resolved.  A TCP SYN or a
 * UDP request or two are all that wait in practice; 4 bounds the arena
 * cost at 4 x NB_ETH_FRAME_MAX.
 */
#ifndef NB_ARP_QUEUE_LEN
#define NB_ARP_QUEUE_LEN 4
#endif

/** First ARP retry after this many ms; later retries double it. */
#ifndef NB_ARP_RETRY_MS
#define NB_ARP_RETRY_MS 250
#endif

/**
 * ARP requests sent before a resolution fails with NB_EUNREACH.  With
 * doubling from 250 ms, 5 tries give up after ~7.75 s: longer than a
 * busy switch needs, short enough that a typo in an address fails fast.
 */
#ifndef NB_ARP_TRIES
#define NB_ARP_TRIES 5
#endif

/**
 * Lifetime of a resolved ARP entry.  A boot lasts seconds to minutes;
 * 5 minutes avoids re-resolving mid-download while still noticing a
 * replaced server eventually.
 */
#ifndef NB_ARP_TTL_MS
#define NB_ARP_TTL_MS 300000
#endif

/**
 * IPv4 datagrams reassembled at once.  Fragmented traffic at boot is rare
 * (large DNS answers, TFTP with an oversized blksize); 2 slots keep one
 * slow or hostile sender from blocking another.
 */
#ifndef NB_IP_REASM_SLOTS
#define NB_IP_REASM_SLOTS 2
#endif

/**
 * Largest datagram reassembled (IPv4 header excluded).  65515 is the most
 * an IPv4 datagram can carry, so nothing legal is refused; lower it to
 * save arena (each slot costs this plus a 1/64 bitmap).
 */
#ifndef NB_IP_REASM_MAX
#define NB_IP_REASM_MAX 65515
#endif

/** Reassembly timeout.  RFC 791 suggests 15 s; 10 s frees slots sooner. */
#ifndef NB_IP_REASM_TIMEOUT_MS
#define NB_IP_REASM_TIMEOUT_MS 10000
#endif

/** TTL of datagrams we originate (Linux's default). */
#ifndef NB_IP_TTL
#define NB_IP_TTL 64
#endif

/**
 * Frames handled per nb_stack_poll().  Bounds the work of one poll so a
 * flood cannot starve the caller's timers; 64 frames drain a full
 * receive ring of most NICs at once.
 */
#ifndef NB_POLL_BUDGET
#define NB_POLL_BUDGET 64
#endif

/**
 * Longest single sleep of nb_wait() in its clock's idle hook.  It sleeps
 * until the stack's next deadline (nb_stack_next_deadline()), but the
 * object it waits on may keep timers the stack does not know of (a UDP
 * client that did not call nb_udp_set_timer()); 10 ms bounds how late
 * those fire, far below any retransmission timeout, at 100 wake-ups a
 * second.  A frame arriving ends the sleep at once on links that can
 * tell (tap's poll(), an interrupt).
 */
#ifndef NB_WAIT_IDLE_MAX_MS
#define NB_WAIT_IDLE_MAX_MS 10
#endif

/** Lowest and highest ephemeral port (RFC 6335 dynamic range). */
#ifndef NB_EPHEMERAL_LOW
#define NB_EPHEMERAL_LOW 49152
#endif
/** @copydoc NB_EPHEMERAL_LOW */
#ifndef NB_EPHEMERAL_HIGH
#define NB_EPHEMERAL_HIGH 65535
#endif

/** DNS servers remembered from configuration (DHCP gives at most a few). */
#ifndef NB_DNS_SERVERS
#define NB_DNS_SERVERS 3
#endif

/** Protocol handlers above IPv4 besides UDP and ICMP (TCP needs one). */
#ifndef NB_IP_PROTO_HOOKS
#define NB_IP_PROTO_HOOKS 2
#endif

#endif
