/*
 * An emulated PXE ROM for the UNDI driver: 1 MiB of "base memory", the
 * UNDI API calls the driver uses (GET_INFORMATION, OPEN, TRANSMIT, ISR)
 * decoded from raw bytes at the offsets the PXE 2.1 specification gives
 * (independently of the driver's own definitions), and a queue of
 * events: received frames, handed out in pieces of a chosen size, and
 * transmit completions.  Frames can come from and go to a link (one end
 * of a memlink).  Every call that breaks the API's rules is counted.
 */
#ifndef NB_TEST_EMU_PXE_H
#define NB_TEST_EMU_PXE_H

#include "netboot/undi.h"

#define EMU_BASE_SIZE 0x100000
#define EMU_EVQ 64
#define EMU_FRAME 2048
#define EMU_LOG 1024
/* The drain log: a ring's worth of records. */
#define EMU_DLOG (16 * NB_UNDI_REC_MAX)

/* The ROM keeps received pieces in its own segment. */
#define EMU_ROM_SEG 0x9000

enum emu_ev { EV_RX = 1, EV_TX_DONE = 2 };

struct emu_pxe {
	uint8_t base[EMU_BASE_SIZE];
	uint8_t mac[6];
	uint16_t mtu;        /* MaxTranUnit reported */
	uint16_t hw_addr_len;

	/* Event queue. */
	struct {
		uint8_t type;
		uint16_t len;
		uint8_t data[EMU_FRAME];
	} evq[EMU_EVQ];
	unsigned ev_head, ev_count;
	uint16_t piece;      /* bytes per OUT_RECEIVE piece; 0 = whole */
	uint16_t sent_so_far; /* of the frame at the queue head */
	bool session;        /* between IN_PROCESS and OUT_DONE */
	bool tx_events;      /* queue OUT_TRANSMIT after each transmit */
	struct nb_link *wire;

	/* Transmitted frames (as rebuilt from the TBD). */
	uint8_t sent[EMU_EVQ][EMU_FRAME];
	uint16_t sent_len[EMU_EVQ];
	unsigned sent_count;
	uint8_t last_protocol, last_xmit_flag;
	uint16_t last_immed_len;

	/* One-shot misbehaviour. */
	uint16_t fail_info, fail_open, fail_isr, fail_tx; /* status */
	uint16_t tx_status;  /* persistent transmit status, 0 = none */
	unsigned fail_isr_at; /* fail the ISR call making n_isr this */
	bool ax_fail_once;   /* next call: status 0 in block, AX != 0 */
	bool busy_once, bogus_flag_once, bad_ptr_once, zero_piece_once;
	bool flen_change_once; /* next piece claims another FrameLength */
	bool blen_over_once;   /* next piece longer than its frame */

	/* The drain(): its log, an optional smaller size for it, and
	 * one-shot misbehaviour (the visit fails; the log is cut short). */
	uint8_t dlog[EMU_DLOG];
	size_t dlog_len;
	bool drain_fail_once, drain_cut_once;
	unsigned visits, last_max_pieces;

	/* What happened. */
	unsigned calls, n_isr, n_tx, n_info, n_open;
	uint16_t open_filter;
	uint16_t log[EMU_LOG]; /* opcode << 8 | FuncFlag in (for ISR) */
	unsigned log_count;
	unsigned violations;
};

/* Zero and set up: MAC, MTU 1500, 6-byte addresses, whole pieces. */
void emu_pxe_init(struct emu_pxe *e, const uint8_t mac[6]);
/* Queue a received frame of up to EMU_FRAME bytes. */
int emu_pxe_queue_rx(struct emu_pxe *e, const void *frame, size_t len);
/* Queue a transmit completion. */
int emu_pxe_queue_tx_done(struct emu_pxe *e);
/* An environment for nb_undi_init() with its scratch area at @at; with
 * @drain, it offers nb_undi_env::drain too: the ISR steps of one visit
 * run on the ROM's side, as a real-mode drain runs them (counted in
 * visits and n_isr, not in calls). */
struct nb_undi_env emu_pxe_env(struct emu_pxe *e, uint32_t at, bool drain);

#endif
