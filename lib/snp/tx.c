/*
 * SNP transmit: SNP's Transmit only queues the buffer, and the firmware
 * owns it until GetStatus returns it, so every frame is copied into a
 * driver-owned buffer first.
 */
#include "snp_int.h"

#include "core/mem.h"

unsigned nb_snp_reclaim(struct nb_snp *d)
{
	struct nb_efi_snp *snp = d->snp;
	if (!snp)
		return 0;
	/* Each call returns at most one buffer; one more call than there
	 * are buffers ends the loop even if the firmware misbehaves. */
	for (unsigned i = 0; d->tx_busy && i <= d->tx_count; i++) {
		uint32_t irq = 0;
		void *done = NULL;
		/* Passing InterruptStatus too: some implementations only
		 * harvest completions when asked for it. */
		if (NB_EFI_IS_ERROR(snp->get_status(snp, &irq, &done))) {
			d->stats.status_errors++;
			break;
		}
		if (!done)
			break;
		unsigned k = 0;
		while (k < d->tx_count && d->tx_buf[k] != done)
			k++;
		if (k < d->tx_count && (d->tx_busy & (1u << k))) {
			d->tx_busy &= ~(1u << k);
			d->stats.tx_recycled++;
		} else {
			d->stats.tx_bad_recycle++;
		}
	}
	unsigned busy = 0;
	for (unsigned k = 0; k < d->tx_count; k++)
		busy += (d->tx_busy >> k) & 1u;
	return busy;
}

static int free_slot(const struct nb_snp *d)
{
	for (unsigned k = 0; k < d->tx_count; k++)
		if (!(d->tx_busy & (1u << k)))
			return (int)k;
	return -1;
}

int nb_snp_transmit(void *drv, const void *frame, size_t len)
{
	struct nb_snp *d = drv;
	struct nb_efi_snp *snp = d->snp;
	if (!snp)
		return -NB_EIO;
	if (len < 14 || !frame)
		return -NB_EINVAL;
	if (len > NB_ETH_FRAME_MAX ||
	    len > (size_t)snp->mode->media_header_size + snp->mode->max_packet_size) {
		d->stats.tx_too_long++;
		return -NB_EMSGSIZE;
	}
	int k = free_slot(d);
	if (k < 0) {
		nb_snp_reclaim(d);
		k = free_slot(d);
	}
	if (k < 0) {
		d->stats.tx_no_buf++;
		return -NB_ENOBUFS;
	}
	uint8_t *buf = d->tx_buf[k];
	memcpy(buf, frame, len);
	size_t wire = len;
	if (wire < NB_SNP_MIN_FRAME) {
		memset(buf + wire, 0, NB_SNP_MIN_FRAME - wire);
		wire = NB_SNP_MIN_FRAME;
	}
	/* HeaderSize 0: the frame already carries its Ethernet header, so
	 * the address and protocol arguments are unused. */
	nb_efi_status st;
	for (int attempt = 0;; attempt++) {
		st = snp->transmit(snp, 0, wire, buf, NULL, NULL, NULL);
		if (st != NB_EFI_NOT_READY)
			break;
		d->stats.tx_fw_busy++;
		if (attempt == 1)
			break;
		/* The transmit queue is full: completions free it. */
		nb_snp_reclaim(d);
	}
	if (st == NB_EFI_SUCCESS) {
		d->tx_busy |= 1u << k;
		d->stats.tx_frames++;
		return 0;
	}
	if (st == NB_EFI_NOT_READY) {
		d->stats.tx_no_buf++;
		return -NB_ENOBUFS;
	}
	d->stats.tx_errors++;
	return -NB_EIO;
}
