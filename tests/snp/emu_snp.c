/*
 * The emulated EFI Simple Network Protocol of emu_snp.h: a firmware
 * function table backed by a queue or a memlink end, which checks state,
 * sizes and buffer ownership the way firmware would and counts every
 * violation for the SNP driver tests to assert on.
 */
#include "emu_snp.h"

#include <string.h>

static struct emu_snp *E(struct nb_efi_snp *self)
{
	return (struct emu_snp *)self;
}

static nb_efi_status take(nb_efi_status *fail)
{
	nb_efi_status st = *fail;
	*fail = 0;
	return st;
}

static NB_EFIAPI nb_efi_status emu_start(struct nb_efi_snp *self)
{
	struct emu_snp *e = E(self);
	e->n_start++;
	nb_efi_status st = take(&e->fail_start);
	if (st)
		return st;
	if (e->mode.state != NB_EFI_SNP_STOPPED)
		return NB_EFI_ALREADY_STARTED;
	e->mode.state = NB_EFI_SNP_STARTED;
	return NB_EFI_SUCCESS;
}

static NB_EFIAPI nb_efi_status emu_stop(struct nb_efi_snp *self)
{
	struct emu_snp *e = E(self);
	e->n_stop++;
	if (e->mode.state == NB_EFI_SNP_STOPPED)
		return NB_EFI_NOT_STARTED;
	e->mode.state = NB_EFI_SNP_STOPPED;
	return NB_EFI_SUCCESS;
}

static NB_EFIAPI nb_efi_status emu_initialize(struct nb_efi_snp *self,
					       uintptr_t extra_rx,
					       uintptr_t extra_tx)
{
	struct emu_snp *e = E(self);
	e->n_init++;
	e->init_extra_rx = extra_rx;
	e->init_extra_tx = extra_tx;
	nb_efi_status st = take(&e->fail_init);
	if (st)
		return st;
	if (e->mode.state == NB_EFI_SNP_STOPPED)
		return NB_EFI_NOT_STARTED;
	e->mode.state = NB_EFI_SNP_INITIALIZED;
	return NB_EFI_SUCCESS;
}

static NB_EFIAPI nb_efi_status emu_shutdown(struct nb_efi_snp *self)
{
	struct emu_snp *e = E(self);
	e->n_shutdown++;
	nb_efi_status st = take(&e->fail_shutdown);
	if (st)
		return st;
	if (e->mode.state == NB_EFI_SNP_STOPPED)
		return NB_EFI_NOT_STARTED;
	if (e->mode.state != NB_EFI_SNP_INITIALIZED)
		return NB_EFI_DEVICE_ERROR;
	/* Shutting down with buffers in flight loses them. */
	if (e->inflight_count || e->done_count)
		e->violations++;
	e->mode.state = NB_EFI_SNP_STARTED;
	return NB_EFI_SUCCESS;
}

static NB_EFIAPI nb_efi_status emu_filters(struct nb_efi_snp *self,
					    uint32_t enable, uint32_t disable,
					    nb_efi_bool reset_mcast,
					    uintptr_t mcast_count,
					    struct nb_efi_mac *mcast)
{
	struct emu_snp *e = E(self);
	e->n_filters++;
	e->filters_enable = enable;
	e->filters_disable = disable;
	nb_efi_status st = take(&e->fail_filters);
	if (st)
		return st;
	if (e->mode.state != NB_EFI_SNP_INITIALIZED)
		return NB_EFI_NOT_STARTED;
	if (((enable | disable) & ~e->mode.receive_filter_mask) ||
	    (mcast_count && !mcast) || reset_mcast > 1) {
		e->violations++;
		return NB_EFI_INVALID_PARAMETER;
	}
	e->mode.receive_filter_setting |= enable;
	e->mode.receive_filter_setting &= ~disable;
	return NB_EFI_SUCCESS;
}

static NB_EFIAPI nb_efi_status emu_get_status(struct nb_efi_snp *self,
					       uint32_t *irq, void **tx_buf)
{
	struct emu_snp *e = E(self);
	e->n_status++;
	nb_efi_status st = take(&e->fail_status);
	if (st)
		return st;
	if (e->mode.state != NB_EFI_SNP_INITIALIZED)
		return NB_EFI_NOT_STARTED;
	if (!irq && !tx_buf) {
		e->violations++;
		return NB_EFI_INVALID_PARAMETER;
	}
	if (irq)
		*irq = e->done_count ? 0x02 : 0;
	if (tx_buf) {
		if (e->bogus_recycle) {
			*tx_buf = e->bogus_recycle;
			e->bogus_recycle = NULL;
		} else if (e->done_count) {
			*tx_buf = e->done[0];
			memmove(e->done, e->done + 1,
				--e->done_count * sizeof(e->done[0]));
		} else {
			*tx_buf = NULL;
		}
	}
	return NB_EFI_SUCCESS;
}

static bool owned(const struct emu_snp *e, const void *buf)
{
	for (unsigned i = 0; i < e->inflight_count; i++)
		if (e->inflight[i] == buf)
			return true;
	for (unsigned i = 0; i < e->done_count; i++)
		if (e->done[i] == buf)
			return true;
	return false;
}

static NB_EFIAPI nb_efi_status emu_transmit(struct nb_efi_snp *self,
					     uintptr_t header_size,
					     uintptr_t size, void *buf,
					     struct nb_efi_mac *src,
					     struct nb_efi_mac *dst,
					     uint16_t *proto)
{
	struct emu_snp *e = E(self);
	(void)src;
	(void)dst;
	(void)proto;
	e->n_tx++;
	nb_efi_status st = take(&e->fail_tx);
	if (st)
		return st;
	if (e->tx_status)
		return e->tx_status;
	if (e->mode.state != NB_EFI_SNP_INITIALIZED)
		return NB_EFI_NOT_STARTED;
	if (header_size != 0 || !buf || size < 14 ||
	    size > e->mode.max_packet_size + 14u || owned(e, buf)) {
		e->violations++;
		return NB_EFI_INVALID_PARAMETER;
	}
	unsigned max = e->tx_queue_max ? e->tx_queue_max : EMU_SNP_Q;
	if (e->inflight_count + e->done_count >= max)
		return NB_EFI_NOT_READY;
	if (e->sent_count < EMU_SNP_Q) {
		memcpy(e->sent[e->sent_count], buf, size);
		e->sent_len[e->sent_count++] = (uint16_t)size;
	}
	if (e->wire)
		(void)e->wire->ops->transmit(e->wire->drv, buf, size);
	unsigned i = e->inflight_count++;
	e->inflight[i] = buf;
	memcpy(e->snap[i], buf, size);
	e->snap_len[i] = (uint16_t)size;
	if (e->auto_complete)
		emu_snp_complete_tx(e, 1);
	return NB_EFI_SUCCESS;
}

static void pull_wire(struct emu_snp *e)
{
	while (e->wire && e->rx_count < EMU_SNP_Q) {
		unsigned i = (e->rx_head + e->rx_count) % EMU_SNP_Q;
		int n = e->wire->ops->receive(e->wire->drv, e->rxq[i], EMU_SNP_FRAME);
		if (n <= 0)
			break;
		e->rxlen[i] = (uint16_t)n;
		e->rx_count++;
	}
}

static NB_EFIAPI nb_efi_status emu_receive(struct nb_efi_snp *self,
					    uintptr_t *header_size,
					    uintptr_t *size, void *buf,
					    struct nb_efi_mac *src,
					    struct nb_efi_mac *dst,
					    uint16_t *proto)
{
	struct emu_snp *e = E(self);
	e->n_rx++;
	nb_efi_status st = take(&e->fail_rx);
	if (st)
		return st;
	if (e->mode.state != NB_EFI_SNP_INITIALIZED)
		return NB_EFI_NOT_STARTED;
	if (!size || !buf) {
		e->violations++;
		return NB_EFI_INVALID_PARAMETER;
	}
	pull_wire(e);
	if (!e->rx_count)
		return NB_EFI_NOT_READY;
	unsigned i = e->rx_head;
	uint16_t len = e->rxlen[i];
	if (*size < len) {
		*size = len;
		if (!e->keep_too_small) {
			e->rx_head = (i + 1) % EMU_SNP_Q;
			e->rx_count--;
		}
		return NB_EFI_BUFFER_TOO_SMALL;
	}
	memcpy(buf, e->rxq[i], len);
	*size = len;
	if (header_size)
		*header_size = 14;
	if (src)
		memcpy(src->addr, e->rxq[i] + 6, 6);
	if (dst)
		memcpy(dst->addr, e->rxq[i], 6);
	if (proto)
		*proto = (uint16_t)(e->rxq[i][12] << 8 | e->rxq[i][13]);
	e->rx_head = (i + 1) % EMU_SNP_Q;
	e->rx_count--;
	return NB_EFI_SUCCESS;
}

/* Functions the driver has no business calling. */
static NB_EFIAPI nb_efi_status emu_reset(struct nb_efi_snp *self,
					  nb_efi_bool ext)
{
	(void)ext;
	E(self)->violations++;
	return NB_EFI_UNSUPPORTED;
}
static NB_EFIAPI nb_efi_status emu_station(struct nb_efi_snp *self,
					    nb_efi_bool reset,
					    struct nb_efi_mac *a)
{
	(void)reset;
	(void)a;
	E(self)->violations++;
	return NB_EFI_UNSUPPORTED;
}
static NB_EFIAPI nb_efi_status emu_statistics(struct nb_efi_snp *self,
					       nb_efi_bool reset,
					       uintptr_t *size, void *t)
{
	(void)reset;
	(void)size;
	(void)t;
	E(self)->violations++;
	return NB_EFI_UNSUPPORTED;
}
static NB_EFIAPI nb_efi_status emu_mcast(struct nb_efi_snp *self,
					  nb_efi_bool v6, void *ip,
					  struct nb_efi_mac *mac)
{
	(void)v6;
	(void)ip;
	(void)mac;
	E(self)->violations++;
	return NB_EFI_UNSUPPORTED;
}
static NB_EFIAPI nb_efi_status emu_nvdata(struct nb_efi_snp *self,
					   nb_efi_bool rw, uintptr_t off,
					   uintptr_t size, void *buf)
{
	(void)rw;
	(void)off;
	(void)size;
	(void)buf;
	E(self)->violations++;
	return NB_EFI_UNSUPPORTED;
}

void emu_snp_init(struct emu_snp *e, uint32_t state, const uint8_t mac[6])
{
	memset(e, 0, sizeof(*e));
	e->proto.revision = 0x00010000;
	e->proto.start = emu_start;
	e->proto.stop = emu_stop;
	e->proto.initialize = emu_initialize;
	e->proto.reset = emu_reset;
	e->proto.shutdown = emu_shutdown;
	e->proto.receive_filters = emu_filters;
	e->proto.station_address = emu_station;
	e->proto.statistics = emu_statistics;
	e->proto.mcast_ip_to_mac = emu_mcast;
	e->proto.nvdata = emu_nvdata;
	e->proto.get_status = emu_get_status;
	e->proto.transmit = emu_transmit;
	e->proto.receive = emu_receive;
	e->proto.mode = &e->mode;
	e->mode.state = state;
	e->mode.hw_address_size = 6;
	e->mode.media_header_size = 14;
	e->mode.max_packet_size = 1500;
	e->mode.receive_filter_mask = NB_EFI_SNP_RX_UNICAST |
				      NB_EFI_SNP_RX_MULTICAST |
				      NB_EFI_SNP_RX_BROADCAST |
				      NB_EFI_SNP_RX_PROMISCUOUS;
	e->mode.max_mcast_filter_count = NB_EFI_SNP_MAX_MCAST;
	memcpy(e->mode.current_address.addr, mac, 6);
	memcpy(e->mode.permanent_address.addr, mac, 6);
	memset(e->mode.broadcast_address.addr, 0xff, 6);
	e->mode.if_type = 1;
	e->mode.multiple_tx_supported = 1;
	e->mode.media_present_supported = 1;
	e->mode.media_present = 1;
}

int emu_snp_queue_rx(struct emu_snp *e, const void *frame, size_t len)
{
	if (e->rx_count >= EMU_SNP_Q || len > EMU_SNP_FRAME)
		return -1;
	unsigned i = (e->rx_head + e->rx_count) % EMU_SNP_Q;
	memcpy(e->rxq[i], frame, len);
	e->rxlen[i] = (uint16_t)len;
	e->rx_count++;
	return 0;
}

void emu_snp_complete_tx(struct emu_snp *e, unsigned n)
{
	while (n-- && e->inflight_count) {
		if (memcmp(e->inflight[0], e->snap[0], e->snap_len[0]) != 0)
			e->violations++; /* driver wrote into a buffer we own */
		e->done[e->done_count++] = e->inflight[0];
		e->inflight_count--;
		memmove(e->inflight, e->inflight + 1,
			e->inflight_count * sizeof(e->inflight[0]));
		memmove(e->snap, e->snap + 1, e->inflight_count * sizeof(e->snap[0]));
		memmove(e->snap_len, e->snap_len + 1,
			e->inflight_count * sizeof(e->snap_len[0]));
	}
}
