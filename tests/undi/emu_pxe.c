/*
 * The emulated PXE ROM of emu_pxe.h: base memory, the UNDI calls decoded
 * from raw parameter blocks at the specification's offsets, received
 * frames handed out in pieces, and a count of every rule the driver
 * breaks, so the UNDI driver is tested without a real ROM.
 */
#include "emu_pxe.h"

#include <string.h>

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}
static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* A far pointer into base memory, or NULL (a violation). */
static uint8_t *far(struct emu_pxe *e, const uint8_t *segoff, size_t len)
{
	uint32_t lin = ((uint32_t)rd16(segoff + 2) << 4) + rd16(segoff);
	if (lin + len > EMU_BASE_SIZE) {
		e->violations++;
		return NULL;
	}
	return e->base + lin;
}

static void info(struct emu_pxe *e, uint8_t *b)
{
	e->n_info++;
	memset(b, 0, 50);
	if (e->fail_info) {
		wr16(b, e->fail_info);
		e->fail_info = 0;
		return;
	}
	wr16(b + 2, 0xc000);  /* BaseIo */
	wr16(b + 4, 11);      /* IntNumber */
	wr16(b + 6, e->mtu);  /* MaxTranUnit */
	wr16(b + 8, 1);       /* HwType: Ethernet */
	wr16(b + 10, e->hw_addr_len);
	memcpy(b + 12, e->mac, 6);  /* CurrentNodeAddress */
	memcpy(b + 28, e->mac, 6);  /* PermNodeAddress */
	wr16(b + 46, 8);      /* RxBufCt */
	wr16(b + 48, 4);      /* TxBufCt */
}

static void open_nic(struct emu_pxe *e, uint8_t *b)
{
	e->n_open++;
	e->open_filter = rd16(b + 4);
	if (rd16(b + 6) > 8)  /* MCastAddrCount */
		e->violations++;
	wr16(b, e->fail_open);
	e->fail_open = 0;
}

static void push(struct emu_pxe *e, uint8_t type, const void *f, size_t len)
{
	if (e->ev_count >= EMU_EVQ)
		return;
	unsigned i = (e->ev_head + e->ev_count) % EMU_EVQ;
	e->evq[i].type = type;
	e->evq[i].len = (uint16_t)len;
	if (len)
		memcpy(e->evq[i].data, f, len);
	e->ev_count++;
}

static void transmit(struct emu_pxe *e, uint8_t *b)
{
	e->n_tx++;
	if (e->fail_tx || e->tx_status) {
		wr16(b, e->fail_tx ? e->fail_tx : e->tx_status);
		e->fail_tx = 0;
		return;
	}
	uint8_t proto = b[2], flag = b[3];
	uint8_t *tbd = far(e, b + 8, 72);
	if (!tbd || rd16(b + 12) || rd16(b + 14) || rd16(b + 16) || rd16(b + 18) ||
	    proto > 3 || flag > 1) {
		e->violations++;
		wr16(b, 1);
		return;
	}
	uint16_t immed = rd16(tbd);
	uint8_t *data = far(e, tbd + 2, immed);
	if (!data || rd16(tbd + 6) != 0 || immed > 1514) {
		e->violations++;
		wr16(b, 1);
		return;
	}
	uint8_t frame[EMU_FRAME];
	size_t len = 0;
	if (proto == 0) {
		memcpy(frame, data, immed);
		len = immed;
	} else {
		static const uint16_t types[4] = {0, 0x0800, 0x0806, 0x8035};
		uint8_t *dst = flag == 1 ? NULL : far(e, b + 4, 6);
		if (dst)
			memcpy(frame, dst, 6);
		else
			memset(frame, 0xff, 6);
		memcpy(frame + 6, e->mac, 6);
		frame[12] = (uint8_t)(types[proto] >> 8);
		frame[13] = (uint8_t)types[proto];
		memcpy(frame + 14, data, immed);
		len = 14u + immed;
	}
	if (len < 14 || len > 1514)
		e->violations++;
	e->last_protocol = proto;
	e->last_xmit_flag = flag;
	e->last_immed_len = immed;
	if (e->sent_count < EMU_EVQ) {
		memcpy(e->sent[e->sent_count], frame, len);
		e->sent_len[e->sent_count++] = (uint16_t)len;
	}
	if (e->wire)
		(void)e->wire->ops->transmit(e->wire->drv, frame, len);
	if (e->tx_events)
		push(e, EV_TX_DONE, NULL, 0);
	wr16(b, 0);
}

static void pull_wire(struct emu_pxe *e)
{
	uint8_t f[EMU_FRAME];
	while (e->wire && e->ev_count < EMU_EVQ) {
		int n = e->wire->ops->receive(e->wire->drv, f, sizeof(f));
		if (n <= 0)
			break;
		push(e, EV_RX, f, (size_t)n);
	}
}

/* Fill the ISR block with the next event (IN_PROCESS / IN_GET_NEXT). */
static void next_event(struct emu_pxe *e, uint8_t *b)
{
	pull_wire(e);
	if (e->busy_once) {
		e->busy_once = false;
		wr16(b + 2, 4); /* OUT_BUSY */
		e->session = false;
		return;
	}
	if (e->bogus_flag_once) {
		e->bogus_flag_once = false;
		wr16(b + 2, 7);
		e->session = false;
		return;
	}
	if (!e->ev_count) {
		wr16(b + 2, 0); /* OUT_DONE */
		e->session = false;
		return;
	}
	unsigned i = e->ev_head;
	if (e->evq[i].type == EV_TX_DONE) {
		wr16(b + 2, 2); /* OUT_TRANSMIT */
		e->ev_head = (i + 1) % EMU_EVQ;
		e->ev_count--;
		return;
	}
	uint16_t len = e->evq[i].len;
	uint16_t n = (uint16_t)(len - e->sent_so_far);
	if (e->piece && n > e->piece)
		n = e->piece;
	/* Each piece lands somewhere else in the ROM's segment, reached
	 * through an unnormalised far pointer. */
	uint16_t off = (uint16_t)(0x100 + (e->n_isr * 0x40) % 0x8000);
	memcpy(e->base + ((uint32_t)EMU_ROM_SEG << 4) + off,
	       e->evq[i].data + e->sent_so_far, n);
	wr16(b + 2, 3); /* OUT_RECEIVE */
	wr16(b + 4, n);                /* BufferLength */
	wr16(b + 6, len);              /* FrameLength */
	wr16(b + 8, 14);               /* FrameHeaderLength */
	wr16(b + 10, off);             /* Frame offset */
	wr16(b + 12, EMU_ROM_SEG);     /* Frame segment */
	b[14] = 1;                     /* ProtType: IP */
	b[15] = e->evq[i].data[0] & 1 ? 1 : 0; /* PktType */
	if (e->bad_ptr_once) {
		e->bad_ptr_once = false;
		wr16(b + 10, 0xfff0);
		wr16(b + 12, 0xffff);
	}
	if (e->zero_piece_once) {
		e->zero_piece_once = false;
		wr16(b + 4, 0);
		return; /* nothing consumed */
	}
	if (e->flen_change_once) {
		e->flen_change_once = false;
		wr16(b + 6, (uint16_t)(len + 100));
	}
	if (e->blen_over_once) {
		e->blen_over_once = false;
		wr16(b + 4, (uint16_t)(len + 1));
	}
	e->sent_so_far = (uint16_t)(e->sent_so_far + n);
	if (e->sent_so_far == len) {
		e->sent_so_far = 0;
		e->ev_head = (i + 1) % EMU_EVQ;
		e->ev_count--;
	}
}

static void isr(struct emu_pxe *e, uint8_t *b)
{
	e->n_isr++;
	uint16_t in = rd16(b + 2);
	memset(b, 0, 16);
	if (e->fail_isr || (e->fail_isr_at && e->n_isr == e->fail_isr_at)) {
		wr16(b, e->fail_isr ? e->fail_isr : 1);
		e->fail_isr = 0;
		e->session = false;
		return;
	}
	switch (in) {
	case 1: /* IN_START */
		pull_wire(e);
		wr16(b + 2, e->ev_count ? 0 : 1);
		return;
	case 2: /* IN_PROCESS */
		if (e->session)
			e->violations++; /* restarting loses the sequence */
		e->session = true;
		next_event(e, b);
		return;
	case 3: /* IN_GET_NEXT */
		if (!e->session) {
			e->violations++;
			wr16(b, 1);
			return;
		}
		next_event(e, b);
		return;
	default:
		e->violations++;
		wr16(b, 1);
	}
}

static int call(void *ctx, uint16_t opcode, void *block)
{
	struct emu_pxe *e = ctx;
	uint8_t *b = block;
	e->calls++;
	if (b < e->base || b + 136 > e->base + EMU_BASE_SIZE) {
		e->violations++;
		return 1;
	}
	if (e->log_count < EMU_LOG)
		e->log[e->log_count++] =
			(uint16_t)(opcode << 8 | (opcode == 0x14 ? rd16(b + 2) : 0));
	switch (opcode) {
	case 0x000c:
		info(e, b);
		break;
	case 0x0006:
		open_nic(e, b);
		break;
	case 0x0008:
		transmit(e, b);
		break;
	case 0x0014:
		isr(e, b);
		break;
	default:
		e->violations++;
		wr16(b, 1);
		return 1;
	}
	if (e->ax_fail_once) {
		e->ax_fail_once = false;
		return 1;
	}
	return rd16(b);
}

static int to_segoff(void *ctx, const void *p, uint16_t *seg, uint16_t *off)
{
	struct emu_pxe *e = ctx;
	const uint8_t *q = p;
	if (q < e->base || q >= e->base + EMU_BASE_SIZE)
		return -1;
	uint32_t lin = (uint32_t)(q - e->base);
	*seg = (uint16_t)(lin >> 4);
	*off = (uint16_t)(lin & 15);
	return 0;
}

static const void *from_segoff(void *ctx, uint16_t seg, uint16_t off,
			       size_t len)
{
	struct emu_pxe *e = ctx;
	uint32_t lin = ((uint32_t)seg << 4) + off;
	if (lin + len > EMU_BASE_SIZE)
		return NULL;
	return e->base + lin;
}

void emu_pxe_init(struct emu_pxe *e, const uint8_t mac[6])
{
	memset(e, 0, sizeof(*e));
	memcpy(e->mac, mac, 6);
	e->mtu = 1500;
	e->hw_addr_len = 6;
}

int emu_pxe_queue_rx(struct emu_pxe *e, const void *frame, size_t len)
{
	if (e->ev_count >= EMU_EVQ || len > EMU_FRAME)
		return -1;
	push(e, EV_RX, frame, len);
	return 0;
}

int emu_pxe_queue_tx_done(struct emu_pxe *e)
{
	if (e->ev_count >= EMU_EVQ)
		return -1;
	push(e, EV_TX_DONE, NULL, 0);
	return 0;
}

static int emu_pxe_drain(void *ctx, void *block, unsigned max_pieces,
			 const void **log)
{
	struct emu_pxe *e = ctx;
	uint8_t *b = block;
	e->visits++;
	e->last_max_pieces = max_pieces;
	if (max_pieces == 0 || b < e->base || b + 16 > e->base + EMU_BASE_SIZE)
		e->violations++;
	if (e->drain_fail_once) {
		e->drain_fail_once = false;
		return -1;
	}
	size_t cap = e->dlog_len ? e->dlog_len : sizeof(e->dlog), at = 0;
	unsigned pieces = 0;
	*log = e->dlog;
	for (unsigned steps = 0;
	     steps < NB_UNDI_DRAIN_CALLS && cap - at >= NB_UNDI_REC_MAX; steps++) {
		if (e->log_count < EMU_LOG)
			e->log[e->log_count++] = (uint16_t)(0x1400 | rd16(b + 2));
		isr(e, b);
		uint8_t *r = e->dlog + at;
		memcpy(r, b, 16);
		if (e->ax_fail_once) {
			e->ax_fail_once = false;
			if (!rd16(r))
				wr16(r, 1);
		}
		uint16_t func = rd16(r + 2), dl = 0;
		if (rd16(r) == 0 && func == 3) {
			uint16_t bl = rd16(r + 4);
			const uint8_t *src = from_segoff(e, rd16(r + 12), rd16(r + 10), bl);
			if (bl <= NB_ETH_FRAME_MAX && src) {
				memcpy(r + 18, src, bl);
				dl = bl;
			}
			pieces++;
		}
		wr16(r + 16, dl);
		at += 18u + dl;
		if (dl & 1)
			e->dlog[at++] = 0;
		if (rd16(r) != 0 || (func != 2 && func != 3) || pieces >= max_pieces)
			break;
		memset(b, 0, 16);
		wr16(b + 2, 3); /* IN_GET_NEXT */
	}
	if (e->drain_cut_once) {
		e->drain_cut_once = false;
		return at > 5 ? (int)at - 5 : (int)at;
	}
	return (int)at;
}

struct nb_undi_env emu_pxe_env(struct emu_pxe *e, uint32_t at, bool drain)
{
	struct nb_undi_env env = {
		.call = call,
		.to_segoff = to_segoff,
		.from_segoff = from_segoff,
		.ctx = e,
		.scratch = e->base + at,
		.scratch_len = NB_UNDI_SCRATCH_BYTES,
		.drain = drain ? emu_pxe_drain : NULL,
	};
	return env;
}
