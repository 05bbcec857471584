/*
 * An emulated EFI Simple Network Protocol instance: the function table a
 * firmware would publish, backed by an in-memory frame queue or by a
 * link (one end of a memlink).  It checks how it is called the way
 * firmware would (state, sizes, buffer ownership) and counts every
 * violation, so tests assert the driver never commits one.
 */
#ifndef NB_TEST_EMU_SNP_H
#define NB_TEST_EMU_SNP_H

#include "netboot/snp.h"

#define EMU_SNP_Q 64
#define EMU_SNP_FRAME 2048

struct emu_snp {
	struct nb_efi_snp proto; /* first: firmware gets `self` back */
	struct nb_efi_snp_mode mode;

	/* Receive queue. */
	uint8_t rxq[EMU_SNP_Q][EMU_SNP_FRAME];
	uint16_t rxlen[EMU_SNP_Q];
	unsigned rx_head, rx_count;
	bool keep_too_small;  /* BUFFER_TOO_SMALL leaves the frame queued */
	struct nb_link *wire; /* when set: frames come from / go to it */

	/* Transmit buffers the firmware owns: in flight, then done (ready
	 * for GetStatus). */
	void *inflight[EMU_SNP_Q];
	uint8_t snap[EMU_SNP_Q][EMU_SNP_FRAME]; /* content at Transmit */
	uint16_t snap_len[EMU_SNP_Q];
	unsigned inflight_count;
	void *done[EMU_SNP_Q];
	unsigned done_count;
	unsigned tx_queue_max; /* NOT_READY beyond this many owned; 0 = 64 */
	bool auto_complete;    /* Transmit completes at once */
	void *bogus_recycle;   /* next GetStatus returns this pointer once */

	/* Frames "put on the wire", in order. */
	uint8_t sent[EMU_SNP_Q][EMU_SNP_FRAME];
	uint16_t sent_len[EMU_SNP_Q];
	unsigned sent_count;

	/* One-shot failures: returned by the next call, then cleared. */
	nb_efi_status fail_start, fail_init, fail_filters, fail_tx, fail_rx,
		fail_status, fail_shutdown;
	/* A persistent Transmit status (e.g. NOT_READY); 0 = none. */
	nb_efi_status tx_status;

	/* Calls and what they carried. */
	unsigned n_start, n_stop, n_init, n_shutdown, n_filters, n_status,
		n_tx, n_rx;
	uintptr_t init_extra_rx, init_extra_tx;
	uint32_t filters_enable, filters_disable;
	unsigned violations; /* calls a firmware would reject or that
				broke the rules (must stay 0) */
};

/* Set up an emulated interface in @state with @mac. */
void emu_snp_init(struct emu_snp *e, uint32_t state, const uint8_t mac[6]);
/* Queue a received frame (len up to EMU_SNP_FRAME). */
int emu_snp_queue_rx(struct emu_snp *e, const void *frame, size_t len);
/* Finish @n transmits (oldest first); their buffers become recyclable.
 * Checks that the driver did not touch a buffer while we owned it. */
void emu_snp_complete_tx(struct emu_snp *e, unsigned n);

#endif
