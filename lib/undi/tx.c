/*
 * UNDI transmit.  PXENV_UNDI_TRANSMIT is synchronous as far as our memory
 * goes (the ROM copies or sends the frame before returning), so a single
 * base-memory frame buffer is enough.
 */
#include "undi_int.h"

#include "core/mem.h"

static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static uint8_t protocol_of(const uint8_t *frame)
{
	switch (nb_get16(frame + 12)) {
	case 0x0800:
		return P_IP;
	case 0x0806:
		return P_ARP;
	case 0x8035:
		return P_RARP;
	default:
		return P_UNKNOWN;
	}
}

/* Fill the TRANSMIT block and the descriptor for the frame in scratch. */
static void fill_blocks(struct nb_undi *d, size_t wire)
{
	uint8_t *f = scr(d, SCR_FRAME);
	uint8_t *x = scr(d, SCR_XMIT);
	uint8_t *t = scr(d, SCR_TBD);
	uint16_t frame_off = (uint16_t)(d->off + SCR_FRAME);
	uint8_t proto = P_UNKNOWN;
	if (d->flags & NB_UNDI_TX_BY_PROTOCOL)
		proto = protocol_of(f);
	memset(x, 0, XMIT_SIZE);
	x[XMIT_PROTOCOL] = proto;
	x[XMIT_FLAG] = XMT_DESTADDR;
	/* DestAddr: the frame's own destination field.  Unused with
	 * P_UNKNOWN, but some stacks read it anyway. */
	nb_store_le16(x + XMIT_DEST_OFF, frame_off);
	nb_store_le16(x + XMIT_DEST_SEG, d->seg);
	nb_store_le16(x + XMIT_TBD_OFF, (uint16_t)(d->off + SCR_TBD));
	nb_store_le16(x + XMIT_TBD_SEG, d->seg);
	if (proto != P_UNKNOWN) {
		/* The ROM builds the header: hand it the payload only. */
		if (!memcmp(f, bcast, 6))
			x[XMIT_FLAG] = XMT_BROADCAST;
		frame_off = (uint16_t)(frame_off + 14);
		wire -= 14;
	}
	nb_store_le16(t + TBD_IMMED_LEN, (uint16_t)wire);
	nb_store_le16(t + TBD_XMIT_OFF, frame_off);
	nb_store_le16(t + TBD_XMIT_SEG, d->seg);
	nb_store_le16(t + TBD_BLK_COUNT, 0);
}

int nb_undi_transmit(void *drv, const void *frame, size_t len)
{
	struct nb_undi *d = drv;
	if (!frame || len < 14)
		return -NB_EINVAL;
	if (len > NB_ETH_FRAME_MAX)
		return -NB_EMSGSIZE;
	uint8_t *f = scr(d, SCR_FRAME);
	memcpy(f, frame, len);
	size_t wire = len;
	if (wire < UNDI_MIN_FRAME) {
		memset(f + wire, 0, UNDI_MIN_FRAME - wire);
		wire = UNDI_MIN_FRAME;
	}
	int st = 0;
	for (int attempt = 0; attempt < 2; attempt++) {
		/* The ROM may have written into the blocks: refill them. */
		fill_blocks(d, wire);
		st = nb_undi_call(d, NB_PXENV_UNDI_TRANSMIT, SCR_XMIT);
		if (st == 0) {
			d->stats.tx_frames++;
			return 0;
		}
		if (attempt == 0) {
			/* A ROM with one transmit buffer refuses until its
			 * completion is processed: run the ISR once (frames
			 * it brings go to the ring) and try again. */
			d->stats.tx_retries++;
			nb_undi_drain(d, NULL, 0, false);
		}
	}
	d->stats.tx_errors++;
	return st == NB_PXENV_STATUS_OUT_OF_RESOURCES ? -NB_ENOBUFS : -NB_EIO;
}
