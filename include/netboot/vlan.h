/**
 * @file vlan.h
 * @brief An IEEE 802.1Q VLAN link wrapper (lib/vlan, libnetboot_vlan.a).
 *
 * nb_vlan_wrap() puts a tagged link in front of another link, for boot
 * networks that reach the client on a tagged port (a trunk, or a switch
 * port whose provisioning VLAN is not the native one):
 *
 * - transmit inserts a 4-byte 802.1Q tag (TPID 0x8100, the VLAN ID,
 *   priority and DEI bits 0) after the MAC addresses;
 * - receive hands the stack only frames tagged with this VLAN ID, with
 *   the tag removed; untagged frames, priority-tagged ones (VID 0) and
 *   other VLANs are dropped and counted.  A second tag inside ours reaches
 *   the stack as an unknown EtherType (nb_stats::rx_bad_type).
 *
 * **MTU.**  The wrapper's IP MTU is 4 bytes below the inner link's: a
 * tagged frame never exceeds what the inner driver declared it carries
 * (firmware drivers, SNP's MaxPacketSize in particular, refuse longer
 * frames), the way UEFI's MNP shortens its MTU for a VLAN.  The wrapper's
 * nb_link::mtu is min(inner mtu, inner mtu_max - 4) and its mtu_max the
 * inner's less 4, so nb_stack_set_mtu() still bounds jumbo frames by what
 * the inner link carries.
 *
 * The wrapper lives in its own archive, so loaders without VLAN support
 * carry none of it.  It calls the inner link only from its own ops, never
 * on its own.
 *
 * Every frame is copied once through the wrapper's buffer (the stack's
 * buffers are sized for untagged frames, and a driver may not write to a
 * frame it is given to send).
 *
 * Worst-case memory: sizeof(struct nb_vlan) (under 64 bytes) plus one
 * frame buffer of 14 + the inner's mtu_max bytes from the caller's arena
 * (NB_VLAN_ARENA_BYTES()).
 */
#ifndef NETBOOT_VLAN_H
#define NETBOOT_VLAN_H

#include "netboot/core.h"
#include "netboot/link.h"

/** Bytes of an 802.1Q tag (TPID and TCI). */
#define NB_VLAN_HLEN 4
/** The 802.1Q tag protocol identifier (the tag's EtherType). */
#define NB_VLAN_TPID 0x8100
/** Largest VLAN ID (4095 is reserved). */
#define NB_VLAN_ID_MAX 4094

/**
 * Arena bytes nb_vlan_wrap() takes for an inner link whose largest IP
 * MTU (nb_link::mtu_max, or nb_link::mtu when 0) is @p inner_mtu_max.
 */
#define NB_VLAN_ARENA_BYTES(inner_mtu_max) ((size_t)(inner_mtu_max) + 14 + 16)

/** A VLAN wrapper.  Caller-owned; must not move while in use. */
struct nb_vlan {
	struct nb_link link;   /**< The tagged link: give it to nb_stack_init(). */
	struct nb_link *inner; /**< The wrapped link (caller-owned). */
	uint8_t *buf;          /**< The tagged frame, both ways (arena). */
	uint16_t buf_cap;      /**< Its size: 14 + the inner's mtu_max. */
	uint16_t vid;          /**< VLAN ID, 1..NB_VLAN_ID_MAX. */
	uint32_t rx_untagged;  /**< Dropped: no 802.1Q tag (or too short). */
	uint32_t rx_other;     /**< Dropped: another VLAN or VID 0. */
	uint32_t too_big;      /**< Frames refused or dropped: longer than
				    the buffers of the inner link or stack. */
};

/**
 * Wrap @p inner in an 802.1Q tag with VLAN ID @p vid.  Afterwards hand
 * `&v->link` to nb_stack_init() (or to another wrapper such as
 * nb_pcap_wrap(), which then records untagged frames; wrap the other way
 * round to record tags).
 * @param v      Wrapper state (caller-owned, initialised by this call).
 * @param inner  Link to wrap; must outlive @p v.  Its mtu_max (or mtu)
 *               must be at least 72 so the wrapper keeps 68.
 * @param vid    VLAN ID, 1..NB_VLAN_ID_MAX.
 * @param arena  Provides NB_VLAN_ARENA_BYTES() of the inner's mtu_max for
 *               the frame buffer; must outlive @p v.
 * @return 0; -NB_EINVAL for NULL arguments, an incomplete @p inner, a
 *         VLAN ID out of range or an inner MTU too small;
 *         -NB_ENOMEM if the arena is too small (arena unchanged).
 */
int nb_vlan_wrap(struct nb_vlan *v, struct nb_link *inner, uint16_t vid,
		 struct nb_arena *arena);

#endif
