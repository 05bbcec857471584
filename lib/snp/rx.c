/*
 * SNP receive: straight into the stack's buffer, one frame per call, and
 * nothing but Receive on this path.
 */
#include "snp_int.h"

int nb_snp_receive(void *drv, void *buf, size_t cap)
{
	struct nb_snp *d = drv;
	struct nb_efi_snp *snp = d->snp;
	if (!snp)
		return -NB_EIO;
	/* The length comes back as an int. */
	if (cap > 0xffff)
		cap = 0xffff;
	for (unsigned tries = 0; tries < NB_SNP_RX_TRIES; tries++) {
		uintptr_t size = cap;
		nb_efi_status st = snp->receive(snp, NULL, &size, buf, NULL,
						NULL, NULL);
		if (st == NB_EFI_SUCCESS) {
			if (size == 0 || size > cap) {
				d->stats.rx_bad_len++;
				continue;
			}
			d->stats.rx_frames++;
			if (++d->stats.rx_run > d->stats.rx_run_max)
				d->stats.rx_run_max = d->stats.rx_run;
			return (int)size;
		}
		if (st == NB_EFI_NOT_READY) {
			/* No GetStatus here: a stack asks for frames until
			 * there are none, so this path runs once per poll,
			 * and a firmware call (a VM exit on virtio) per poll
			 * cost more than the recycling it did.  Transmit
			 * takes buffers back when it runs out. */
			d->stats.rx_empty++;
			d->stats.rx_run = 0;
			return 0;
		}
		if (st == NB_EFI_BUFFER_TOO_SMALL) {
			/* Dropped, never truncated.  Firmware that keeps
			 * such a frame queued costs us NB_SNP_RX_TRIES
			 * calls per receive(), not a hang. */
			d->stats.rx_too_big++;
			continue;
		}
		d->stats.rx_errors++;
		return -NB_EIO;
	}
	return 0;
}
