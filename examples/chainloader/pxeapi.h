/**
 * @file pxeapi.h
 * @brief The PXE API the BIOS chainloader serves to the NBP it chains
 *        (pxelinux.0 and friends), over libnetboot instead of the ROM.
 *
 * The dispatcher is platform independent and freestanding: the platform
 * turns a real-mode call into cl_pxeapi_call(opcode, flat pointer to the
 * parameter block), and supplies address translation, a clock and memory
 * (its struct cl_platform, the table the loader uses too).  Every file is
 * fetched with lib/fetch, so names mean what they mean to the loader.
 * Everything the chained program asks for travels through our stack:
 * - PXENV_TFTP_*: names that are absolute `http://` URLs over HTTP/TCP,
 *   other names over TFTP to the next server;
 * - PXENV_FILE_* (the gPXE/iPXE extension, found by PXENV_FILE_API_CHECK):
 *   http://, tftp:// and bare names, for NBPs built to use it (syslinux
 *   4.x's pxelinux/gpxelinux with GPXE=1);
 * - PXENV_UDP_*: lib/ip sockets, plus the TFTP gateway
 *   (cl_pxeapi_set_gateway()): syslinux 6's pxelinux.0 (Debian's
 *   6.04 "legacynet" build) knows only tftp and runs its own lock-step
 *   client over these calls, so its read requests are answered locally
 *   from an HTTP (or windowed TFTP) download instead of reaching the
 *   wire.  Such a pxelinux.0 cannot open an `http://` name at all (its
 *   source: `#define GPXE 0` in core/fs/pxe/pxe.h, and legacynet's URL
 *   scheme table holds only "tftp"), so an http:// path prefix in option
 *   210 makes every file fail there: give that URL to the gateway and
 *   hand the NBP a plain 210 (or none).  lpxelinux.0 brings its own lwIP
 *   over the UNDI calls and needs none of this.
 *
 * Downloads run ahead at full speed into a per-file ring (HTTP: the TCP
 * window is exactly the free ring space, so a slow reader throttles the
 * server instead of losing data; TFTP: a DATA packet that would not fit is
 * dropped unread and the server's retransmission brings it back).  Reads
 * are served from what has arrived, PacketSize bytes at a time for the
 * TFTP calls (a short read means end of file to every caller), whatever is
 * there for PXENV_FILE_READ (which never blocks: "would block" is status
 * PXENV_STATUS_TFTP_OPEN, as iPXE reports it and pxelinux expects).
 *
 * ## How the BIOS side enters it (bios/start.S, bios/pxeserve.c)
 *
 * 1. **Where the code lives.**  The chained NBP is loaded at 0000:7C00,
 *    on top of where the ROM loaded us, so nothing of ours stays there:
 *    the protected-mode core (this dispatcher, the stack, their memory)
 *    runs at 16 MiB and is hidden from the NBP and the kernel it loads by
 *    an INT 15h E820 hook while we serve; the real-mode entry stubs, INT
 *    hooks, gateways and the base-memory blocks (item 6, UNDI bounce
 *    buffers) sit at the top of base memory, taken by lowering the
 *    free-memory word at 0040:0013, and run with their own segment.
 *
 * 2. **Structures**, in base memory, 16-byte aligned, built by
 *    cl_pxeapi_make_structs() (checksums included):
 *    - `PXENV+` (44 bytes, version 0x0201): RMEntry = our legacy entry,
 *      UNDI code/data segments copied from the ROM's PXENV+, BC segments
 *      = our resident block, PXEPtr at offset 0x28 = our !PXE.
 *    - `!PXE` (88 bytes): EntryPointSP at offset 0x10 = our stack-based
 *      entry, EntryPointESP 0:0 (no 16-bit protected-mode entry), ROM IDs,
 *      status callout and the three UNDI descriptors copied from the ROM's
 *      !PXE, Stack and BC_* descriptors for our block.
 *
 * 3. **Entry points** (real mode, far-called, return with `retf`, the
 *    caller pops its own arguments):
 *    - `!PXE` EntryPointSP: opcode at SS:SP+4, block offset at SS:SP+6,
 *      block segment at SS:SP+8.
 *    - `PXENV+` RMEntry: BX = opcode, ES:DI = block.
 *    Both: save every register, segment register, FLAGS, and GDTR/IDTR
 *    (pxelinux runs in protected mode itself and may expect its own
 *    GDTR back), `cli`, switch to our stack (the caller's may be tiny),
 *    enter 32-bit protected mode with our GDT (as the NBP entry does),
 *    call `cl_pxeapi_call(api, opcode, flat = seg * 16 + off)`, return
 *    to real mode, restore, and leave the result in AX
 *    (0 = PXENV_EXIT_SUCCESS, 1 = PXENV_EXIT_FAILURE) **and in CF** (set
 *    on failure, as ROMs do: syslinux's C pxe_call() looks at the carry
 *    flag its thunk returns).  Calls into the
 *    ROM made while serving a call (our UNDI link driver, the UNDI
 *    pass-through hook, which can rebuild seg:off from the flat block
 *    pointer because base memory is identity-mapped) go through
 *    pm_pxe_call() as today, nested inside our handler, so its real-mode
 *    stack must not be the one the outer call is using.
 *
 * 4. **Discovery.**  Hook INT 1Ah: AX = 5650h returns AX = 564Eh,
 *    ES:BX = our PXENV+, CF clear (patch FLAGS in the IRET frame); every
 *    other call chains to the vector saved at install.  On
 *    PXENV_UNLOAD_STACK unhook if the vector is still ours (pxelinux only
 *    frees PXE memory when no interrupt vector points into it).
 *
 * 5. **Handing over.**  Load the NBP at 0000:7C00 and enter it as a ROM
 *    does: on a stack the NBP may use, push the !PXE far pointer (segment,
 *    then offset), far-call 0000:7C00 with ES:BX = our PXENV+, so the
 *    NBP finds !PXE at SS:SP+4 (the layout our own start.S reads) and the
 *    PXENV+ pointer in ES:BX.  If it returns (pxelinux does on failure),
 *    AX holds its status.
 *
 * 6. **Buffers we hand back.**  PXENV_GET_CACHED_INFO with BufferSize 0
 *    returns a SEGOFF16 into our own copy of the packet:
 *    cl_pxeapi_cfg::base is that base-memory block (3 x
 *    CL_PXEAPI_BOOTPLAYER_SIZE bytes) and base_seg:base_off its real-mode
 *    address; it must stay put while the NBP runs.
 *
 * Worst-case memory: sizeof(struct cl_pxeapi) (dominated by
 * CL_PXEAPI_FILES download objects and the UDP receive queue), the
 * platform's file memory, and the 3780-byte base-memory block.  No
 * function uses more than a few hundred bytes of stack.
 *
 * The implementation lives in pxeapi/, one file per role: dispatch.c
 * (entry, opcode routing), files.c (file table, the one polling loop,
 * status codes), ring.c (download rings), cached_info.c, tftp_api.c,
 * file_api.c, udp_api.c (the call families), gateway.c (the pretend TFTP
 * server) and structs.c (PXENV+ and !PXE); pxeapi_int.h is what they
 * share.
 */
#ifndef CL_PXEAPI_H
#define CL_PXEAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netboot/dhcp.h"
#include "netboot/fetch.h"
#include "netboot/ip.h"
#include "netboot/rangeset.h"
#include "netboot/stack.h"
#include "netboot/tcp.h"
#include "netboot/tftp.h"
#include "platform.h"

/** @name PXE opcodes served (PXE 2.1, plus the gPXE/iPXE file API)
 * @{ */
#define PXENV_START_UNDI 0x0000        /**< First UNDI opcode (pass-through). */
#define PXENV_UNDI_LAST 0x0015         /**< Last UNDI opcode (STOP_UNDI). */
#define PXENV_TFTP_OPEN 0x0020         /**< Open a TFTP (or http://) file. */
#define PXENV_TFTP_CLOSE 0x0021        /**< Close it. */
#define PXENV_TFTP_READ 0x0022         /**< Read one packet of it. */
#define PXENV_TFTP_READ_FILE 0x0023    /**< Read a whole file to memory. */
#define PXENV_TFTP_GET_FSIZE 0x0025    /**< Size of a file. */
#define PXENV_UDP_OPEN 0x0030          /**< Enable UDP. */
#define PXENV_UDP_CLOSE 0x0031         /**< Disable UDP. */
#define PXENV_UDP_READ 0x0032          /**< Receive a datagram (no wait). */
#define PXENV_UDP_WRITE 0x0033         /**< Send a datagram. */
#define PXENV_UNLOAD_STACK 0x0070      /**< The NBP is done with us. */
#define PXENV_GET_CACHED_INFO 0x0071   /**< DHCP packets of the boot. */
#define PXENV_STOP_BASE 0x0076         /**< Stop the base code. */
#define PXENV_FILE_OPEN 0x00e0         /**< Open a URL (file API). */
#define PXENV_FILE_CLOSE 0x00e1        /**< Close a file handle. */
#define PXENV_FILE_SELECT 0x00e2       /**< Is a handle readable? */
#define PXENV_FILE_READ 0x00e3         /**< Read without blocking. */
#define PXENV_GET_FILE_SIZE 0x00e4     /**< Size of an open file. */
#define PXENV_FILE_API_CHECK 0x00e6    /**< Detect the file API. */
/** @} */

/** @name PXENV_EXIT values returned in AX
 * @{ */
#define PXENV_EXIT_SUCCESS 0x0000 /**< The call worked. */
#define PXENV_EXIT_FAILURE 0x0001 /**< See the block's Status word. */
/** @} */

/** @name PXENV_STATUS values (the first word of every block)
 * @{ */
#define PXENV_STATUS_SUCCESS 0x00          /**< Success. */
#define PXENV_STATUS_FAILURE 0x01          /**< General failure. */
#define PXENV_STATUS_BAD_FUNC 0x02         /**< Bad function/arguments. */
#define PXENV_STATUS_UNSUPPORTED 0x03      /**< Not implemented. */
#define PXENV_STATUS_OUT_OF_RESOURCES 0x06 /**< No free slot/buffer. */
#define PXENV_STATUS_ARP_TIMEOUT 0x11      /**< Next hop unreachable. */
#define PXENV_STATUS_UDP_CLOSED 0x18       /**< UDP call before UDP_OPEN. */
#define PXENV_STATUS_TFTP_CLOSED 0x1a      /**< No TFTP file open. */
/** Also "no data yet" from PXENV_FILE_READ (iPXE's EWOULDBLOCK). */
#define PXENV_STATUS_TFTP_OPEN 0x1b
#define PXENV_STATUS_TFTP_CANNOT_ARP_ADDRESS 0x30      /**< No route/ARP. */
#define PXENV_STATUS_TFTP_OPEN_TIMEOUT 0x32            /**< No answer. */
#define PXENV_STATUS_TFTP_READ_TIMEOUT 0x35            /**< Data stopped. */
#define PXENV_STATUS_TFTP_CANNOT_OPEN_CONNECTION 0x38  /**< Refused. */
#define PXENV_STATUS_TFTP_CANNOT_READ_FROM_CONNECTION 0x39 /**< Broke. */
#define PXENV_STATUS_TFTP_FILE_NOT_FOUND 0x3b          /**< 404 / ERROR 1. */
#define PXENV_STATUS_TFTP_ACCESS_VIOLATION 0x3c        /**< 401/403 / ERROR 2. */
#define PXENV_STATUS_TFTP_NO_FILESIZE 0x3e             /**< Size unknown. */
#define PXENV_STATUS_TFTP_INVALID_PACKET_SIZE 0x3f     /**< Bad PacketSize. */
/** @} */

/** PacketType of PXENV_GET_CACHED_INFO. */
enum cl_pxe_packet {
	CL_PXE_PKT_DISCOVER = 1, /**< The DHCPDISCOVER the client sent. */
	CL_PXE_PKT_ACK = 2,      /**< The DHCPACK. */
	CL_PXE_PKT_REPLY = 3     /**< Boot server / ProxyDHCP reply. */
};

/**
 * sizeof(BOOTPLAYER) of the PXE specification: the 236-byte BOOTP header
 * and a 1024-byte vendor area.  Cached packets are laid out in exactly
 * this much space, because WinPE passes the size we report back to us as
 * the size of its own buffer.
 */
#define CL_PXEAPI_BOOTPLAYER_SIZE 1260

/** Magic the caller puts into PXENV_FILE_API_CHECK. */
#define CL_PXEAPI_FILE_MAGIC_IN 0x91d447b2u
/** Magic we answer with. */
#define CL_PXEAPI_FILE_MAGIC_OUT 0xe9c17b20u
/** Provider we report ("gPXE" as pxelinux knows it, like iPXE does). */
#define CL_PXEAPI_PROVIDER 0x45585067u

/** Open files at once (TFTP_* uses one, FILE_* the others). */
#ifndef CL_PXEAPI_FILES
#define CL_PXEAPI_FILES 4
#endif
/** Longest file name or URL accepted, NUL included. */
#ifndef CL_PXEAPI_NAME_MAX
#define CL_PXEAPI_NAME_MAX 256
#endif
/** UDP ports the NBP may use at once (pxelinux needs one per transfer). */
#ifndef CL_PXEAPI_UDP_PORTS
#define CL_PXEAPI_UDP_PORTS 4
#endif
/** Received datagrams waiting for PXENV_UDP_READ. */
#ifndef CL_PXEAPI_UDP_QUEUE
#define CL_PXEAPI_UDP_QUEUE 8
#endif
/** Largest datagram kept (an Ethernet MTU's UDP payload). */
#define CL_PXEAPI_UDP_MAX 1472
/** DHCP options the script can set for the next stage. */
#ifndef CL_PXEAPI_OPTS
#define CL_PXEAPI_OPTS 8
#endif
/**
 * A blocking call (TFTP_OPEN/READ/READ_FILE/GET_FSIZE) gives up after
 * this long without any progress.  Our transfers have their own, shorter
 * timeouts; this only bounds a stuck peer that keeps the connection open.
 */
#ifndef CL_PXEAPI_WAIT_MS
#define CL_PXEAPI_WAIT_MS 60000
#endif
/** TFTP transfers the UDP gateway serves at once (see cl_pxeapi_set_gateway). */
#ifndef CL_PXEAPI_GW
#define CL_PXEAPI_GW 2
#endif
/**
 * While a gateway download has at least CL_PXEAPI_GW_LOW bytes ready, the
 * NBP's reads poll the network only every CL_PXEAPI_GW_POLL_EVERY reads
 * (fewer trips through a BIOS ROM; the NIC's receive ring must hold what
 * arrives in between: a few blocks' worth).
 */
#ifndef CL_PXEAPI_GW_POLL_EVERY
#define CL_PXEAPI_GW_POLL_EVERY 8
#endif
/** See CL_PXEAPI_GW_POLL_EVERY. */
#define CL_PXEAPI_GW_LOW (64u * 1024)
/** Largest TFTP block the gateway hands the NBP (fits one UDP_READ). */
#define CL_PXEAPI_GW_BLK (CL_PXEAPI_UDP_MAX - 4)
/** Bytes readable/writable at every parameter block the platform hands in. */
#define CL_PXEAPI_BLOCK_MAX 256

/** Setup for cl_pxeapi_init(). */
struct cl_pxeapi_cfg {
	/** Platform: clock, address translation, UNDI (outlives the API). */
	const struct cl_platform *p;
	struct nb_stack *stack;  /**< Configured stack (address set). */
	struct nb_tcp *tcp;      /**< TCP of that stack (for HTTP). */
	/** https:// (lib/tls's hooks, the loader's), or NULL: https://
	 *  names then fail.  Outlives the API. */
	const struct nb_http_tls *tls;
	const struct nb_dhcp *dhcp; /**< Bound lease with its raw packets. */
	/**
	 * Base-memory block of 3 x CL_PXEAPI_BOOTPLAYER_SIZE bytes for the
	 * cached packets, at real-mode address base_seg:base_off.
	 */
	uint8_t *base;
	uint16_t base_seg; /**< Segment of @ref base. */
	uint16_t base_off; /**< Offset of @ref base. */
	/**
	 * Download memory, split evenly into CL_PXEAPI_FILES rings.  A file
	 * larger than its ring streams through it; a ring of a few hundred
	 * KiB keeps HTTP at full speed.  Must outlive the API.
	 */
	uint8_t *file_mem;
	size_t file_mem_len; /**< Its size in bytes. */
};

/** A DHCP option set by the script for the next stage. */
struct cl_pxeapi_opt {
	uint8_t tag;        /**< Option code, 0 = unused slot. */
	uint8_t len;        /**< Value length. */
	uint8_t val[255];   /**< Value. */
};

/** One open file (private). */
struct cl_pxeapi_file {
	struct cl_pxeapi *a;   /**< Back pointer. */
	uint8_t kind;          /**< 0 free, 1 in use. */
	bool direct;           /**< Writes go to @ref mem (READ_FILE, FSIZE). */
	bool want_size;        /**< GET_FSIZE probe: stop once the size is known. */
	int status;            /**< -NB_EAGAIN running, 0 done, else error. */
	uint8_t *ring;         /**< Ring storage. */
	size_t cap;            /**< Its size. */
	uint64_t rd;           /**< Bytes the caller consumed. */
	uint64_t have;         /**< Bytes received in order from offset 0. */
	/** Slots of @ref ooo: at most what TCP holds out of order, plus one. */
	struct nb_range ooo_slot[NB_TCP_SACK_SLOTS + 1];
	struct nb_rangeset ooo; /**< Data held in the ring beyond @ref have. */
	uint64_t size;         /**< File size when @ref size_known. */
	bool size_known;       /**< Size announced (tsize/Content-Length). */
	uint16_t pkt;          /**< PacketSize for PXENV_TFTP_READ. */
	uint16_t blk;          /**< Last PacketNumber returned. */
	uint32_t dropped;      /**< TFTP DATA dropped because the ring was full. */
	struct nb_memsink mem; /**< Direct destination. */
	struct nb_sink sink;   /**< The ring sink. */
	struct nb_udp_sock sk; /**< TFTP transport socket (opened on first send). */
	bool sk_open;          /**< @ref sk is bound. */
	int sk_err;            /**< Why it could not be bound, or 0. */
	char name[CL_PXEAPI_NAME_MAX]; /**< Name or URL. */
	struct nb_fetch dl;    /**< The download (HTTP or TFTP, lib/fetch). */
};

/** A queued datagram for PXENV_UDP_READ (private). */
struct cl_pxeapi_dgram {
	uint16_t len;          /**< Payload length, 0 = free. */
	struct nb_udp_meta m;  /**< Addresses. */
	uint8_t data[CL_PXEAPI_UDP_MAX]; /**< Payload. */
};

/** A UDP port of the NBP's (private). */
struct cl_pxeapi_port {
	struct nb_udp_sock sk; /**< Bound socket. */
	bool open;             /**< In use. */
	uint32_t used;         /**< Last use, for eviction. */
};

/**
 * One TFTP transfer the NBP runs over PXENV_UDP_* that the gateway answers
 * itself (private).  Packets are made on demand in PXENV_UDP_READ: the
 * next one is the OACK or block acked + 1, and the last block sent is
 * kept so a retransmitted ACK gets it again.
 */
struct cl_pxeapi_gw {
	bool active;           /**< In use. */
	bool pending;          /**< A packet is due at the next UDP_READ. */
	bool opt_blksize;      /**< The RRQ asked for blksize... */
	bool opt_tsize;        /**< ...and/or tsize (answered in an OACK). */
	bool oack_acked;       /**< ACK 0 seen (or no options asked). */
	bool final_sent;       /**< The short last block went out. */
	uint16_t nbp_port;     /**< The NBP's local port (its RRQ's source). */
	uint16_t tid;          /**< Port we pretend to answer from. */
	uint32_t server;       /**< Address the NBP sent its RRQ to. */
	uint16_t blksize;      /**< Block size agreed with the NBP. */
	uint32_t acked;        /**< Blocks acknowledged (absolute). */
	int file;              /**< File slot streaming the data. */
	bool failed;           /**< An ERROR packet is due. */
	uint16_t err_code;     /**< Its TFTP error code. */
	uint32_t last_blk;     /**< Number of the block in @ref last (0 none). */
	uint16_t last_len;     /**< Bytes in @ref last. */
	uint8_t last[CL_PXEAPI_GW_BLK]; /**< Last block delivered. */
};

/** The PXE API state.  Caller-owned; fields are private. */
struct cl_pxeapi {
	struct cl_pxeapi_cfg cfg;   /**< Settings (copy). */
	struct cl_pxeapi_file files[CL_PXEAPI_FILES]; /**< Open files. */
	int tftp_file;              /**< File of the TFTP_* calls, -1 none. */
	bool udp_open;              /**< PXENV_UDP_OPEN seen. */
	uint32_t tick;              /**< Use counter for the port LRU. */
	struct cl_pxeapi_port ports[CL_PXEAPI_UDP_PORTS]; /**< NBP's ports. */
	struct cl_pxeapi_dgram q[CL_PXEAPI_UDP_QUEUE];    /**< Received. */
	uint32_t udp_dropped;       /**< Datagrams lost to a full queue. */
	struct cl_pxeapi_opt opts[CL_PXEAPI_OPTS]; /**< Script's options. */
	bool gw_on;                 /**< The TFTP gateway is enabled. */
	char gw_base[CL_PXEAPI_NAME_MAX]; /**< http:// base, "" = TFTP. */
	uint16_t gw_next_tid;       /**< Next pretend server port. */
	struct cl_pxeapi_gw gw[CL_PXEAPI_GW]; /**< Gateway transfers. */
	uint32_t gw_served;         /**< RRQs the gateway answered. */
	uint32_t gw_reads;          /**< Gateway reads since the last poll. */
	uint32_t gw_polls;          /**< Network polls made by gateway reads. */
	uint32_t gw_empty;          /**< Gateway reads with no packet ready. */
	uint8_t gw_pkt[CL_PXEAPI_UDP_MAX]; /**< Packet being handed out. */
	uint32_t calls;             /**< API calls served. */
	uint32_t unsupported;       /**< Of which unsupported. */
};

/**
 * Set up the API (nothing is sent).
 * @param a    State (caller-owned, zeroed here; must not move afterwards).
 * @param cfg  Settings (copied; what it points to must outlive @p a).
 * @return 0, or -NB_EINVAL for missing pieces.
 */
int cl_pxeapi_init(struct cl_pxeapi *a, const struct cl_pxeapi_cfg *cfg);

/**
 * Set (or replace) a DHCP option that PXENV_GET_CACHED_INFO reports in the
 * DHCPACK and the boot reply, e.g. 209 (pxelinux config file) and 210
 * (path prefix), as the script's `set 210:string http://server/` asks.
 * Reported exactly as set: whether an NBP can use an http:// 210 is the
 * NBP's business (see the file comment).
 * @param a    State.
 * @param tag  Option code, 1..254.
 * @param val  Value bytes (copied).
 * @param len  Their count, at most 255.
 * @return 0; -NB_EINVAL for a bad tag or length; -NB_ENOSPC when
 *         CL_PXEAPI_OPTS options are already set.
 */
int cl_pxeapi_set_option(struct cl_pxeapi *a, uint8_t tag, const void *val,
			 size_t len);

/**
 * Turn the TFTP that an NBP runs itself over PXENV_UDP_* into our own
 * download.  syslinux 6's pxelinux.0 (the "legacynet" build Debian
 * ships) has no HTTP and never uses the file API: every file goes
 * through its own lock-step TFTP client on PXENV_UDP_WRITE/READ.  With
 * the gateway on, a read request it sends to port 69 never reaches the
 * wire: the file is fetched as @p http_base + name over HTTP or HTTPS
 * (cl_pxeapi_cfg::tls) (or, with
 * an empty base, by our windowed TFTP client from the server the NBP
 * asked), running ahead at full speed, and the NBP's UDP_READs are
 * answered with OACK/DATA packets made from what has arrived; its ACKs
 * are consumed locally.  A missing file becomes a TFTP ERROR 1.
 * @param a          State.
 * @param on         Enable (true) or disable the gateway.
 * @param http_base  URL prefix such as "http://10.0.0.1/boot/" or
 *                   "https://boot.example/", or NULL
 *                   or "" to fetch by TFTP; copied.
 * @return 0, or -NB_EMSGSIZE for a base longer than CL_PXEAPI_NAME_MAX - 1.
 */
int cl_pxeapi_set_gateway(struct cl_pxeapi *a, bool on, const char *http_base);

/**
 * Serve one PXE API call.  Never crashes on any opcode or block contents:
 * unknown opcodes return PXENV_EXIT_FAILURE with PXENV_STATUS_UNSUPPORTED.
 * @param a            State.
 * @param opcode       PXE opcode.
 * @param param_block  The caller's parameter block, translated to a flat
 *                     pointer; CL_PXEAPI_BLOCK_MAX bytes must be
 *                     accessible there.  Pointers inside it are
 *                     translated with the platform's callbacks.
 * @return PXENV_EXIT_SUCCESS or PXENV_EXIT_FAILURE (status in the block).
 */
uint16_t cl_pxeapi_call(struct cl_pxeapi *a, uint16_t opcode,
			void *param_block);

/** Size of a PXENV+ structure (PXE 2.1). */
#define CL_PXENV_SIZE 0x2c
/** Size of a !PXE structure (PXE 2.1). */
#define CL_BANGPXE_SIZE 0x58

/** What cl_pxeapi_make_structs() needs to know. */
struct cl_pxeapi_structs {
	uint16_t pxenv_seg;   /**< Where our PXENV+ will live (segment)... */
	uint16_t pxenv_off;   /**< ...and offset. */
	uint16_t bang_seg;    /**< Where our !PXE will live (segment)... */
	uint16_t bang_off;    /**< ...and offset. */
	uint16_t rm_entry_seg; /**< PXENV+ RMEntry: BX = opcode, ES:DI = block. */
	uint16_t rm_entry_off; /**< Its offset. */
	uint16_t sp_entry_seg; /**< !PXE EntryPointSP: opcode, off, seg on stack. */
	uint16_t sp_entry_off; /**< Its offset. */
	uint16_t code_seg;    /**< Our resident block (described as BC_Code/Data). */
	uint16_t code_size;   /**< Its size in bytes (65535 if larger). */
	uint16_t stack_seg;   /**< The stack our entry switches to. */
	uint16_t stack_size;  /**< Its size. */
	/** The ROM's PXENV+ (flat, CL_PXENV_SIZE bytes) or NULL: its UNDI
	 *  segments are copied so an NBP can still find and free them. */
	const uint8_t *rom_pxenv;
	/** The ROM's !PXE (flat, CL_BANGPXE_SIZE bytes) or NULL: ROM IDs,
	 *  status callout and UNDI segment descriptors are copied. */
	const uint8_t *rom_bangpxe;
};

/**
 * Fill in our PXENV+ and !PXE structures, checksums included, for the
 * platform to place at the addresses given in @p s (it may build them in
 * place).  Pure data: nothing is installed.
 * @param s       Addresses and sizes.
 * @param pxenv   Receives CL_PXENV_SIZE bytes.
 * @param bangpxe Receives CL_BANGPXE_SIZE bytes.
 */
void cl_pxeapi_make_structs(const struct cl_pxeapi_structs *s, uint8_t *pxenv,
			    uint8_t *bangpxe);

/**
 * Close every file and UDP port (PXENV_UNLOAD_STACK does this too).
 * @param a  State.
 */
void cl_pxeapi_shutdown(struct cl_pxeapi *a);

#endif
