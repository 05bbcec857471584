/**
 * @file link.h
 * @brief The link-driver interface: how a stack moves Ethernet frames.
 *
 * A driver fills one small ops table.  The two calls are shaped so that
 * every driver this project targets fits them without extra copies:
 *
 * - **Linux tap** (lib/tap): read()/write() on a non-blocking fd.
 * - **PXE UNDI** (lib/undi): transmit is synchronous; receive polls
 *   `PXENV_UNDI_ISR`, which hands a frame over in pieces, so the driver
 *   assembles the pieces straight into the stack's @p buf.  A driver may
 *   drain several frames per firmware visit into its own ring and return
 *   them one per receive() call.
 * - **EFI SNP** (lib/snp): Transmit is asynchronous and the buffer is only
 *   free once GetStatus recycles it, so the driver copies @p frame into one
 *   of its own transmit buffers and returns -NB_ENOBUFS when all are in
 *   flight; Receive's EFI_NOT_READY maps to 0.
 *
 * Frames are complete Ethernet II frames without FCS: a 14-byte header
 * and at most nb_link::mtu_max bytes of payload (nb_link::mtu once the
 * stack runs).  Drivers never call back into the stack.
 */
#ifndef NETBOOT_LINK_H
#define NETBOOT_LINK_H

#include "netboot/core.h"

/** Largest nb_link::mtu_max a stack accepts (jumbo frames). */
#define NB_LINK_MTU_MAX 9000

/** Operations of a link driver. */
struct nb_link_ops {
	/**
	 * Send one frame.  @p frame is only valid during the call: a driver
	 * that transmits asynchronously must copy it.
	 * @return 0 once the frame is sent or queued; -NB_ENOBUFS when the
	 *         driver cannot take it now (the stack drops it and counts it;
	 *         protocols recover by retransmission); another negative code
	 *         on a driver failure.
	 */
	int (*transmit)(void *drv, const void *frame, size_t len);
	/**
	 * Fetch one received frame into @p buf (capacity @p cap, at least
	 * 14 + nb_link::mtu_max).  Must not block.
	 * @return Frame length (> 0); 0 when nothing is pending; a negative
	 *         code on a driver failure.  A frame longer than @p cap is
	 *         dropped by the driver, never truncated.
	 */
	int (*receive)(void *drv, void *buf, size_t cap);
};

/** A link: a driver instance plus what the stack needs to know of it. */
struct nb_link {
	const struct nb_link_ops *ops; /**< Driver operations. */
	void *drv;                     /**< Driver state, passed to every op. */
	uint8_t mac[6];                /**< Station address. */
	/**
	 * IP MTU in use (1500 on Ethernet).  The driver sets its default;
	 * nb_stack_set_mtu() changes it later (DHCP option 26, RA MTU).
	 */
	uint16_t mtu;
	/**
	 * Largest IP MTU the driver carries, the bound of nb_stack_set_mtu()
	 * and what the stack sizes its frames for (at most NB_LINK_MTU_MAX);
	 * 0 means @ref mtu.
	 */
	uint16_t mtu_max;
};

#endif
