/**
 * @file snp.h
 * @brief Link driver over the UEFI Simple Network Protocol (lib/snp).
 *
 * The driver drives a firmware `EFI_SIMPLE_NETWORK_PROTOCOL` instance and
 * presents it as a struct nb_link.  It carries its own minimal EFI type
 * definitions, laid out exactly as the UEFI specification (2.x, chapter
 * "Simple Network Protocol") defines them, so the library needs no EFI
 * SDK: an embedder built with gnu-efi or EDK2 casts its
 * `EFI_SIMPLE_NETWORK_PROTOCOL *` to `struct nb_efi_snp *`.
 *
 * What the driver does:
 * - nb_snp_init() brings the interface from Stopped through Started to
 *   Initialized (`Start`, `Initialize(0, 0)`), enables the UNICAST and
 *   BROADCAST receive filters, and takes the MAC (`CurrentAddress`) and
 *   the MTU (`MaxPacketSize`, at most 1500) from the mode.
 * - Transmit is asynchronous in SNP: the firmware owns the buffer until
 *   `GetStatus` hands it back.  The driver therefore copies each frame
 *   into one of its own transmit buffers (taken from an arena at init)
 *   and recycles them through `GetStatus` only when it has none free
 *   (each firmware call can be a VM exit, so none is made that a frame
 *   does not need); when all are still in flight, transmit returns
 *   -NB_ENOBUFS and the stack counts a drop.
 * - Receive calls `Receive` straight into the stack's buffer until
 *   `EFI_NOT_READY` (returns 0), and nothing else.  A frame the buffer
 *   cannot hold (`EFI_BUFFER_TOO_SMALL`) is dropped and counted, never
 *   truncated.
 *
 * Firmware calls use the EFI calling convention: the Microsoft x64 ABI
 * on x86_64 (see #NB_EFIAPI), the platform's C convention on i386.
 *
 * Worst-case memory: sizeof(struct nb_snp) (344 bytes on x86_64) plus
 * NB_SNP_ARENA_BYTES(n) of arena for @em n transmit buffers (1536 bytes
 * each).  No function needs more than 160 bytes of stack.
 * The driver must be used from one thread at the TPL the embedder chose
 * (EFI protocols are not reentrant).
 */
#ifndef NETBOOT_SNP_H
#define NETBOOT_SNP_H

#include "netboot/core.h"
#include "netboot/link.h"

/** @name Minimal EFI definitions
 * Only what SNP needs.  Names carry the nb_/NB_ prefix so they never
 * clash with an EFI SDK included by the same embedder.
 * @{ */

/**
 * @def NB_EFIAPI
 * Calling convention of EFI services.  UEFI on x86_64 uses the Microsoft
 * x64 ABI while hosted x86_64 compilers default to System V, so every
 * firmware function pointer type carries `__attribute__((ms_abi))` there;
 * on i386 both agree and the macro is empty.
 */
#if defined(__x86_64__)
#define NB_EFIAPI __attribute__((ms_abi))
#else
#define NB_EFIAPI
#endif

/** EFI_STATUS: a UINTN whose top bit marks an error. */
typedef uintptr_t nb_efi_status;
/** EFI BOOLEAN: one byte, 0 or 1. */
typedef uint8_t nb_efi_bool;

/** The error bit of an EFI_STATUS: bit 63 on x86_64, bit 31 on i386. */
#define NB_EFI_ERROR_BIT ((nb_efi_status)1 << (sizeof(nb_efi_status) * 8 - 1))
/** Make the EFI error status with code @p n. */
#define NB_EFI_ERR(n) (NB_EFI_ERROR_BIT | (nb_efi_status)(n))
/** Whether @p s is an error (warnings have the top bit clear). */
#define NB_EFI_IS_ERROR(s) (((s) & NB_EFI_ERROR_BIT) != 0)

#define NB_EFI_SUCCESS 0                         /**< EFI_SUCCESS */
#define NB_EFI_INVALID_PARAMETER NB_EFI_ERR(2)   /**< EFI_INVALID_PARAMETER */
#define NB_EFI_UNSUPPORTED NB_EFI_ERR(3)         /**< EFI_UNSUPPORTED */
#define NB_EFI_BUFFER_TOO_SMALL NB_EFI_ERR(5)    /**< EFI_BUFFER_TOO_SMALL */
#define NB_EFI_NOT_READY NB_EFI_ERR(6)           /**< EFI_NOT_READY */
#define NB_EFI_DEVICE_ERROR NB_EFI_ERR(7)        /**< EFI_DEVICE_ERROR */
#define NB_EFI_OUT_OF_RESOURCES NB_EFI_ERR(9)    /**< EFI_OUT_OF_RESOURCES */
#define NB_EFI_NOT_STARTED NB_EFI_ERR(19)        /**< EFI_NOT_STARTED */
#define NB_EFI_ALREADY_STARTED NB_EFI_ERR(20)    /**< EFI_ALREADY_STARTED */

/** EFI_MAC_ADDRESS: 32 bytes, of which Ethernet uses the first 6. */
struct nb_efi_mac {
	uint8_t addr[32]; /**< Address bytes, left-aligned. */
};

/** @name EFI_SIMPLE_NETWORK_STATE values (nb_efi_snp_mode::state)
 * @{ */
#define NB_EFI_SNP_STOPPED 0     /**< EfiSimpleNetworkStopped */
#define NB_EFI_SNP_STARTED 1     /**< EfiSimpleNetworkStarted */
#define NB_EFI_SNP_INITIALIZED 2 /**< EfiSimpleNetworkInitialized */
/** @} */

/** @name Receive filter bits (ReceiveFilters, ReceiveFilterMask)
 * @{ */
#define NB_EFI_SNP_RX_UNICAST 0x01               /**< Our address. */
#define NB_EFI_SNP_RX_MULTICAST 0x02             /**< Listed groups. */
#define NB_EFI_SNP_RX_BROADCAST 0x04             /**< ff:ff:ff:ff:ff:ff */
#define NB_EFI_SNP_RX_PROMISCUOUS 0x08           /**< Everything. */
#define NB_EFI_SNP_RX_PROMISCUOUS_MULTICAST 0x10 /**< Every group. */
/** @} */

/** Entries of nb_efi_snp_mode::mcast_filter (MAX_MCAST_FILTER_CNT). */
#define NB_EFI_SNP_MAX_MCAST 16

/**
 * EFI_SIMPLE_NETWORK_MODE, field for field.  The firmware owns it and
 * updates it during calls; the driver only reads it.
 */
struct nb_efi_snp_mode {
	uint32_t state;                  /**< State: NB_EFI_SNP_STOPPED... */
	uint32_t hw_address_size;        /**< HwAddressSize (6). */
	uint32_t media_header_size;      /**< MediaHeaderSize (14). */
	uint32_t max_packet_size;        /**< MaxPacketSize, header excluded. */
	uint32_t nvram_size;             /**< NvRamSize. */
	uint32_t nvram_access_size;      /**< NvRamAccessSize. */
	uint32_t receive_filter_mask;    /**< ReceiveFilterMask: supported. */
	uint32_t receive_filter_setting; /**< ReceiveFilterSetting: enabled. */
	uint32_t max_mcast_filter_count; /**< MaxMCastFilterCount. */
	uint32_t mcast_filter_count;     /**< MCastFilterCount. */
	struct nb_efi_mac mcast_filter[NB_EFI_SNP_MAX_MCAST]; /**< MCastFilter. */
	struct nb_efi_mac current_address;   /**< CurrentAddress. */
	struct nb_efi_mac broadcast_address; /**< BroadcastAddress. */
	struct nb_efi_mac permanent_address; /**< PermanentAddress. */
	uint8_t if_type;                     /**< IfType (1 = Ethernet). */
	nb_efi_bool mac_address_changeable;  /**< MacAddressChangeable. */
	nb_efi_bool multiple_tx_supported;   /**< MultipleTxSupported. */
	nb_efi_bool media_present_supported; /**< MediaPresentSupported. */
	nb_efi_bool media_present;           /**< MediaPresent. */
};

struct nb_efi_snp;

/** EFI_SIMPLE_NETWORK_START. */
typedef nb_efi_status(NB_EFIAPI *nb_efi_snp_start_fn)(struct nb_efi_snp *self);
/** EFI_SIMPLE_NETWORK_STOP. */
typedef nb_efi_status(NB_EFIAPI *nb_efi_snp_stop_fn)(struct nb_efi_snp *self);
/** EFI_SIMPLE_NETWORK_INITIALIZE (extra rx/tx buffer sizes). */
typedef nb_efi_status(NB_EFIAPI *nb_efi_snp_initialize_fn)(
	struct nb_efi_snp *self, uintptr_t extra_rx, uintptr_t extra_tx);
/** EFI_SIMPLE_NETWORK_RESET. */
typedef nb_efi_status(NB_EFIAPI *nb_efi_snp_reset_fn)(struct nb_efi_snp *self,
						      nb_efi_bool extended);
/** EFI_SIMPLE_NETWORK_SHUTDOWN. */
typedef nb_efi_status(NB_EFIAPI *nb_efi_snp_shutdown_fn)(struct nb_efi_snp *self);
/** EFI_SIMPLE_NETWORK_RECEIVE_FILTERS. */
typedef nb_efi_status(NB_EFIAPI *nb_efi_snp_receive_filters_fn)(
	struct nb_efi_snp *self, uint32_t enable, uint32_t disable,
	nb_efi_bool reset_mcast, uintptr_t mcast_count,
	struct nb_efi_mac *mcast);
/** EFI_SIMPLE_NETWORK_STATION_ADDRESS. */
typedef nb_efi_status(NB_EFIAPI *nb_efi_snp_station_address_fn)(
	struct nb_efi_snp *self, nb_efi_bool reset, struct nb_efi_mac *addr);
/** EFI_SIMPLE_NETWORK_STATISTICS (table left opaque). */
typedef nb_efi_status(NB_EFIAPI *nb_efi_snp_statistics_fn)(
	struct nb_efi_snp *self, nb_efi_bool reset, uintptr_t *size, void *table);
/** EFI_SIMPLE_NETWORK_MCAST_IP_TO_MAC (IP address left opaque). */
typedef nb_efi_status(NB_EFIAPI *nb_efi_snp_mcast_ip_to_mac_fn)(
	struct nb_efi_snp *self, nb_efi_bool ipv6, void *ip,
	struct nb_efi_mac *mac);
/** EFI_SIMPLE_NETWORK_NVDATA. */
typedef nb_efi_status(NB_EFIAPI *nb_efi_snp_nvdata_fn)(
	struct nb_efi_snp *self, nb_efi_bool read_write, uintptr_t offset,
	uintptr_t size, void *buf);
/** EFI_SIMPLE_NETWORK_GET_STATUS. */
typedef nb_efi_status(NB_EFIAPI *nb_efi_snp_get_status_fn)(
	struct nb_efi_snp *self, uint32_t *int_status, void **tx_buf);
/** EFI_SIMPLE_NETWORK_TRANSMIT. */
typedef nb_efi_status(NB_EFIAPI *nb_efi_snp_transmit_fn)(
	struct nb_efi_snp *self, uintptr_t header_size, uintptr_t buffer_size,
	void *buffer, struct nb_efi_mac *src, struct nb_efi_mac *dst,
	uint16_t *protocol);
/** EFI_SIMPLE_NETWORK_RECEIVE. */
typedef nb_efi_status(NB_EFIAPI *nb_efi_snp_receive_fn)(
	struct nb_efi_snp *self, uintptr_t *header_size, uintptr_t *buffer_size,
	void *buffer, struct nb_efi_mac *src, struct nb_efi_mac *dst,
	uint16_t *protocol);

/**
 * EFI_SIMPLE_NETWORK_PROTOCOL: the member order is the specification's
 * and must not change, since firmware fills this table.
 */
struct nb_efi_snp {
	uint64_t revision;                           /**< Revision. */
	nb_efi_snp_start_fn start;                   /**< Start. */
	nb_efi_snp_stop_fn stop;                     /**< Stop. */
	nb_efi_snp_initialize_fn initialize;         /**< Initialize. */
	nb_efi_snp_reset_fn reset;                   /**< Reset. */
	nb_efi_snp_shutdown_fn shutdown;             /**< Shutdown. */
	nb_efi_snp_receive_filters_fn receive_filters; /**< ReceiveFilters. */
	nb_efi_snp_station_address_fn station_address; /**< StationAddress. */
	nb_efi_snp_statistics_fn statistics;         /**< Statistics. */
	nb_efi_snp_mcast_ip_to_mac_fn mcast_ip_to_mac; /**< MCastIpToMac. */
	nb_efi_snp_nvdata_fn nvdata;                 /**< NvData. */
	nb_efi_snp_get_status_fn get_status;         /**< GetStatus. */
	nb_efi_snp_transmit_fn transmit;             /**< Transmit. */
	nb_efi_snp_receive_fn receive;               /**< Receive. */
	void *wait_for_packet;                       /**< WaitForPacket (EFI_EVENT). */
	struct nb_efi_snp_mode *mode;                /**< Mode. */
};
/** @} */

/** Largest number of transmit buffers (bounds the recycle scan). */
#define NB_SNP_TX_BUFS_MAX 32

/**
 * Size of one transmit buffer: a full frame rounded up to a cache line,
 * since DMA engines and some SNP drivers like aligned buffers.
 */
#define NB_SNP_TX_BUF_SIZE (((size_t)NB_ETH_FRAME_MAX + 63) & ~(size_t)63)

/** Arena bytes nb_snp_init() takes for @p n transmit buffers (slack included). */
#define NB_SNP_ARENA_BYTES(n) ((size_t)(n) * NB_SNP_TX_BUF_SIZE + 64)

/** Counters of the driver.  Read freely. */
struct nb_snp_stats {
	uint32_t tx_frames;     /**< Frames handed to Transmit successfully. */
	uint32_t tx_no_buf;     /**< Refused: every buffer in flight, or the
				     firmware said EFI_NOT_READY. */
	uint32_t tx_errors;     /**< Transmit failed otherwise (-NB_EIO). */
	uint32_t tx_too_long;   /**< Frame longer than the mode allows. */
	uint32_t tx_recycled;   /**< Buffers GetStatus returned. */
	uint32_t tx_bad_recycle; /**< GetStatus returned a pointer that is
				      not one of our buffers in flight. */
	uint32_t rx_frames;     /**< Frames returned to the stack. */
	uint32_t rx_too_big;    /**< Dropped: EFI_BUFFER_TOO_SMALL. */
	uint32_t rx_bad_len;    /**< Dropped: length 0 or over the buffer. */
	uint32_t rx_errors;     /**< Receive failed otherwise (-NB_EIO). */
	uint32_t status_errors; /**< GetStatus failures. */
	uint32_t rx_empty;      /**< Receive found nothing (EFI_NOT_READY):
				     about one per drain of the ring, so
				     rx_frames / rx_empty is frames per drain. */
	uint32_t rx_run;        /**< Frames since the last empty Receive. */
	uint32_t rx_run_max;    /**< Most frames between two empty Receives:
				     past the firmware's ring, it refilled
				     while we drained. */
	uint32_t tx_fw_busy;    /**< Transmit answered EFI_NOT_READY (its
				     queue full), retried or not. */
};

/** The driver.  Caller-owned and must not move while in use. */
struct nb_snp {
	struct nb_link link;           /**< Hand `&snp.link` to a stack. */
	struct nb_efi_snp *snp;        /**< The firmware protocol. */
	uint32_t tx_busy;              /**< Bit i: tx_buf[i] owned by firmware. */
	uint8_t tx_count;              /**< Buffers in use: tx_buf[0..n). */
	uint8_t entry_state;           /**< Mode state found by nb_snp_init(). */
	uint32_t entry_filters;        /**< Filter setting found at init. */
	struct nb_snp_stats stats;     /**< Counters. */
	/* Last: i386 reaches the first 128 bytes with a one-byte
	 * displacement. */
	uint8_t *tx_buf[NB_SNP_TX_BUFS_MAX]; /**< Transmit buffers (arena). */
};

/**
 * Take over an SNP instance.
 *
 * Brings the interface to Initialized when it is not, enables the
 * UNICAST and BROADCAST receive filters (falling back to PROMISCUOUS when
 * the interface cannot filter; the stack drops frames not for it), and
 * fills @ref nb_snp::link from the mode.
 * @param d        Driver state (caller-owned, zeroed by this call).
 * @param snp      The firmware's protocol, opened by the embedder (an
 *                 EXCLUSIVE open keeps MNP from stealing frames); must
 *                 outlive @p d.
 * @param tx_bufs  Transmit buffers, 1..NB_SNP_TX_BUFS_MAX; 0 means
 *                 NB_SNP_TX_BUFS_DEFAULT.
 * @param arena    Provides NB_SNP_ARENA_BYTES(tx_bufs); must outlive @p d
 *                 and stay mapped while the firmware may still own a
 *                 buffer (see nb_snp_close()).
 * @return 0; -NB_EINVAL for NULL arguments, a protocol without mode or
 *         functions, or too many buffers; -NB_ENOMEM if the arena is too
 *         small (arena unchanged); -NB_ENOTSUP when the interface is not
 *         Ethernet-like (address size not 6, media header not 14, or
 *         MaxPacketSize under 68); -NB_EIO when Start, Initialize or the
 *         filters fail.
 */
int nb_snp_init(struct nb_snp *d, struct nb_efi_snp *snp, unsigned tx_bufs,
		struct nb_arena *arena);

/**
 * The link to hand to nb_stack_init().
 * @param d  An initialised driver.
 * @return `&d->link`, valid as long as @p d.
 */
struct nb_link *nb_snp_link(struct nb_snp *d);

/**
 * Ask the firmware for finished transmit buffers (GetStatus until it
 * has none, bounded by the buffer count).  transmit() calls this itself
 * when it runs out of buffers; call it before handing memory back.
 * @param d  The driver.
 * @return Buffers still owned by the firmware (0 when all are back).
 */
unsigned nb_snp_reclaim(struct nb_snp *d);

/**
 * Give the interface back.  Reclaims transmit buffers, then returns the
 * interface to the state nb_snp_init() found it in (Shutdown and Stop
 * when the driver started it) and restores the receive filter setting
 * it found.  Call it before chaining to another EFI program.
 * @param d  The driver.
 * @return 0; -NB_EAGAIN when the firmware still owns a transmit buffer
 *         (the interface is left untouched: retry later, and keep the
 *         arena alive until it succeeds); -NB_EIO when Shutdown or Stop
 *         fails.
 */
int nb_snp_close(struct nb_snp *d);

#endif
