/**
 * @file tap.h
 * @brief Link driver over an existing Linux tap device (lib/tap, hosted
 *        only).
 *
 * The stack behind a tap is a separate host on the tap's Ethernet segment:
 * the kernel side of the tap keeps its own MAC and addresses, and our
 * stack gets another MAC (random and locally administered unless the
 * caller picks one).  The device must exist already, created by e.g.
 * `ip tuntap add dev tap0 mode tap` (which sets IFF_NO_PI, as this driver
 * expects); attaching never creates a device, so a typo in the name fails
 * instead of quietly making a new, unconnected tap.
 *
 * The file descriptor is non-blocking: receive() returns 0 when nothing is
 * pending, and transmit() returns -NB_ENOBUFS when the kernel queue is
 * full.  Pass @ref nb_tap::fd to nb_hosted_clock() to sleep until a frame
 * arrives.
 *
 * **Offloads.**  The device is attached with a virtio-net header
 * (IFF_VNET_HDR) and TCP/IPv4 segmentation and checksum offload
 * (TUN_F_TSO4, TUN_F_CSUM), so the kernel hands over a whole TSO/GRO
 * super-frame (up to 64 KiB) in one read() instead of segmenting it into
 * ~45 frames and as many reads; the driver cuts it into wire-sized frames
 * itself (each with complete IP and TCP checksums) and finishes any
 * checksum the kernel left pending, so the stack only ever sees ordinary
 * frames.  At 1 Gbit/s the per-frame read() was most of the cost of a
 * download.  A kernel that refuses the offloads gets the plain mode;
 * nb_tap_close() turns the offloads off again, because they stay with the
 * persistent device and a later reader without the header would receive
 * super-frames.
 *
 * Worst-case memory: sizeof(struct nb_tap) (about 65 KiB: one
 * super-frame); no arena.
 */
#ifndef NETBOOT_TAP_H
#define NETBOOT_TAP_H

#include "netboot/core.h"
#include "netboot/link.h"

/** Longest interface name, with its NUL (Linux IFNAMSIZ). */
#define NB_TAP_NAME_MAX 16

/**
 * Largest frame read at once with offloads on: a 64 KiB GSO packet (the
 * kernel's default gso_max_size) with its Ethernet and VLAN headers.
 */
#define NB_TAP_SUPER_MAX (65536 + 64)

/** A tap driver instance.  Caller-owned; must not move while in use. */
struct nb_tap {
	int fd;                      /**< The /dev/net/tun descriptor, -1
					  when closed. */
	char name[NB_TAP_NAME_MAX];  /**< Interface name. */
	bool vnet;                   /**< Offloads on: frames carry a
					  virtio-net header. */
	uint32_t rx_oversize;        /**< Frames dropped: larger than the
					  stack's buffer. */
	uint32_t rx_errors;          /**< read() failures. */
	uint32_t tx_errors;          /**< write() failures other than a full
					  queue. */
	uint32_t tx_full;            /**< write()s refused with EAGAIN. */
	uint32_t rx_super;           /**< Super-frames received (offloads). */
	uint32_t rx_segments;        /**< Frames cut from them. */
	uint32_t rx_bad_gso;         /**< Super-frames dropped: not a TCP/IPv4
					  packet the driver can cut. */
	/* Private: the super-frame being cut (offloads). */
	uint32_t seg_len;            /**< Its length; 0 when none is pending. */
	uint32_t seg_pos;            /**< Payload offset of the next frame. */
	uint16_t seg_hl;             /**< Header bytes repeated per frame. */
	uint16_t seg_l3;             /**< Offset of the IPv4 header. */
	uint16_t seg_l4;             /**< Offset of the TCP header. */
	uint16_t seg_mss;            /**< Payload bytes per frame. */
	uint16_t seg_i;              /**< Index of the next frame. */
	bool seg_v6;                 /**< The super-frame is TCP/IPv6. */
	uint8_t spill[64];           /**< Catches the tail of an oversized
					  frame so it is seen and dropped. */
	uint8_t super[NB_TAP_SUPER_MAX]; /**< Receive buffer (offloads). */
};

/**
 * Attach to the existing tap device @p ifname with a random locally
 * administered MAC (see nb_tap_open_mac()).
 * @param t         Driver state (caller-owned, initialised by this call).
 * @param ifname    Interface name, shorter than NB_TAP_NAME_MAX.
 * @param out_link  Receives the link: ops, driver pointer (@p t), MAC,
 *                  `mtu_max` (the interface's MTU, at most
 *                  NB_LINK_MTU_MAX: a stack on it needs
 *                  NB_STACK_ARENA_BYTES_MTU() of it) and `mtu` (that,
 *                  capped to 1500 until nb_stack_set_mtu()).  The caller
 *                  may change `out_link->mac` before starting a stack.
 * @return 0; -NB_EINVAL for a NULL or over-long name; -NB_ENOTFOUND if no
 *         such interface exists; -NB_ENOTSUP without /dev/net/tun;
 *         -NB_EACCES without permission; -NB_EADDRINUSE if another
 *         process holds the (single-queue) device; -NB_EIO otherwise.
 */
int nb_tap_open(struct nb_tap *t, const char *ifname,
		struct nb_link *out_link);

/**
 * As nb_tap_open() with a MAC chosen by the caller.
 * @param t         Driver state.
 * @param ifname    Interface name.
 * @param mac       Our station MAC (6 bytes, copied), or NULL for a random
 *                  locally administered unicast one.
 * @param out_link  Receives the link.
 * @return As nb_tap_open().
 */
int nb_tap_open_mac(struct nb_tap *t, const char *ifname, const uint8_t *mac,
		    struct nb_link *out_link);

/**
 * Detach from the device (it stays, being persistent).  Safe to call
 * twice, and with NULL.
 * @param t  Driver state from nb_tap_open().
 */
void nb_tap_close(struct nb_tap *t);

#endif
