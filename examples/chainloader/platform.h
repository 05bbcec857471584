/*
 * The one table a platform fills for the chainloader core.  The BIOS and
 * UEFI images, the hosted build, the tests and the fuzz harness each supply
 * a struct cl_platform; the loader (loader.c) and the PXE API (pxeapi/)
 * take their clock, console, memory and hand-off hooks from it, so both
 * see the same time and the same idea of "nothing to do, wait a little".
 * Hooks a user does not need stay NULL: the PXE API never boots anything,
 * the loader never translates real-mode addresses.
 */
#ifndef CL_PLATFORM_H
#define CL_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include "netboot/core.h"
#include "netboot/dhcp.h"
#include "netboot/link.h"

/** What the platform supplies.  Every hook gets @ref ctx. */
struct cl_platform {
	void *ctx; /**< Passed to every hook. */

	/** @name Clock and console (everyone)
	 * @{ */
	/** Monotonic time in ms (required). */
	uint64_t (*now_ms)(void *ctx);
	/**
	 * Optional: nothing happened, wait up to @p max_ms for something to
	 * (`hlt`, poll() on a tap fd).  Same contract as struct nb_clock's.
	 */
	void (*idle)(void *ctx, uint32_t max_ms);
	/** Console text, '\n' line ends (the loader's; the PXE API is silent). */
	void (*print)(void *ctx, const char *text);
	/** Optional: a key pressed (firmware keyboard or serial line), or
	 *  -1 when none is waiting; never blocks. */
	int (*key)(void *ctx);
	/** @} */

	/** @name The loader's: firmware state, image memory, hand-offs
	 * @{ */
	struct nb_link *link; /**< The NIC. */
	struct nb_rng rng;    /**< Entropy for ports, XIDs, ISNs. */
	/** The firmware's DHCP packets (NULL/0 when it had none). */
	const void *ack, *proxy, *boot_reply;
	size_t ack_len, proxy_len, boot_reply_len; /**< Their lengths. */
	/** The ACK above was made by the platform from what the firmware
	 *  left (UEFI HTTP Boot's device path) and holds none of the
	 *  server's options: ask for them by DHCPINFORM once adopted. */
	bool inform;
#ifdef CL_IP6
	/** The firmware's DHCPv6 Reply (UEFI PXEv6), NULL/0 when none: the
	 *  lease the loader adopts when there is no IPv4 one (@ref ack). */
	const void *dhcp6;
	size_t dhcp6_len; /**< Its length. */
#endif
	/** How our own DHCP presents itself (NULL: plain DHCP). */
	const struct nb_dhcp_cfg *dhcp_cfg;
	/** Memory for an image of @p size bytes (0 = unknown): the buffer
	 *  and its capacity in *cap, or NULL. */
	uint8_t *(*image_mem)(void *ctx, uint64_t size, uint64_t *cap);
	/** Start a kernel with an initrd (may be NULL); returns on error. */
	int (*boot_kernel)(void *ctx, const uint8_t *k, uint64_t klen,
			   const uint8_t *initrd, uint64_t ilen, const char *args);
	/** Start another boot program (NBP / EFI app); returns on error. */
	int (*boot_chain)(void *ctx, const uint8_t *img, uint64_t len,
			  const char *args);
	/** SMBIOS structure table (NULL/0 when the machine has none). */
	const uint8_t *smbios;
	size_t smbios_len; /**< Its length. */
	/** ${buildarch} ("i386", "x86_64") and ${platform} ("pcbios",
	 *  "efi", "linux"). */
	const char *buildarch, *platform;
	/** Optional: the script set DHCP option @p tag (`set NNN:string`)
	 *  for a program chained next; 0 or a negative NB_E* code. */
	int (*set_option)(void *ctx, unsigned tag, const char *value);
	/** @} */

	/** @name The PXE API's: the NBP's memory and the ROM
	 * @{ */
	/** Optional: extra work each time the PXE API polls the stack. */
	void (*poll)(void *ctx);
	/**
	 * Flat pointer to real-mode seg:off, valid for @p len bytes, or NULL
	 * when that range is not addressable (beyond base memory).
	 */
	void *(*segoff_to_ptr)(void *ctx, uint16_t seg, uint16_t off,
			       size_t len);
	/**
	 * Flat pointer to physical address @p addr, valid for @p len bytes
	 * (TFTP_READ_FILE's buffer), or NULL when it must not be written
	 * (our own memory, the ROM, holes).  May be NULL: READ_FILE then
	 * fails with PXENV_STATUS_OUT_OF_RESOURCES.
	 */
	void *(*phys_to_ptr)(void *ctx, uint32_t addr, uint32_t len);
	/**
	 * Optional UNDI pass-through: perform @p opcode (0x0000..0x0015) on
	 * the ROM with @p block (the caller's block, flat) and return its
	 * PXENV_EXIT value.  NULL: UNDI calls are unsupported.
	 */
	uint16_t (*undi)(void *ctx, uint16_t opcode, void *block);
	/** @} */
};

/** The platform's time. */
static inline uint64_t cl_now(const struct cl_platform *p)
{
	return p->now_ms(p->ctx);
}

/** Let the platform wait up to @p max_ms, if it can. */
static inline void cl_idle(const struct cl_platform *p, uint32_t max_ms)
{
	if (p->idle)
		p->idle(p->ctx, max_ms);
}

#endif
