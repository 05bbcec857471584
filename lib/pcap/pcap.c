/*
 * The pcap writer and recording link wrapper.  Freestanding on purpose:
 * the bytes leave through a caller callback and time comes from the
 * caller, so a firmware build can capture to memory or a serial line as
 * easily as a hosted tool captures to a file.
 */
#include "core/mem.h"
#include "netboot/pcap.h"

static int pc_transmit(void *drv, const void *frame, size_t len);
static int pc_receive(void *drv, void *buf, size_t cap);

static const struct nb_link_ops pc_ops = {
	.transmit = pc_transmit,
	.receive = pc_receive,
};

/* Little-endian stores: the file's byte order is fixed, not the host's. */
static void le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void le32(uint8_t *p, uint32_t v)
{
	le16(p, (uint16_t)v);
	le16(p + 2, (uint16_t)(v >> 16));
}

static int emit(struct nb_pcap *p, const void *data, size_t len)
{
	int rc = p->cfg.out(p->cfg.out_ctx, data, len);
	if (rc >= 0)
		return 0;
	if (!p->error)
		p->error = rc;
	return -NB_EIO;
}

int nb_pcap_start(struct nb_pcap *p, const struct nb_pcap_cfg *cfg)
{
	if (!p || !cfg || !cfg->out)
		return -NB_EINVAL;
	memset(p, 0, sizeof(*p));
	p->cfg = *cfg;
	if (!p->cfg.snaplen)
		p->cfg.snaplen = NB_PCAP_SNAPLEN_DEFAULT;
	uint8_t h[NB_PCAP_FILE_HLEN];
	le32(h, 0xa1b2c3d4u); /* microsecond timestamps */
	le16(h + 4, 2);       /* version 2.4 */
	le16(h + 6, 4);
	le32(h + 8, 0);       /* thiszone: timestamps are UTC */
	le32(h + 12, 0);      /* sigfigs */
	le32(h + 16, p->cfg.snaplen);
	le32(h + 20, NB_PCAP_LINKTYPE_ETHERNET);
	int rc = emit(p, h, sizeof(h));
	if (rc < 0)
		p->write_errors++;
	return rc;
}

int nb_pcap_wrap(struct nb_pcap *p, struct nb_link *inner,
		 const struct nb_pcap_cfg *cfg)
{
	if (!inner || !inner->ops || !inner->ops->transmit ||
	    !inner->ops->receive)
		return -NB_EINVAL;
	int rc = nb_pcap_start(p, cfg);
	if (rc == -NB_EINVAL)
		return rc;
	p->inner = inner;
	p->link = *inner;
	p->link.ops = &pc_ops;
	p->link.drv = p;
	return rc;
}

static uint64_t now_us(const struct nb_pcap *p)
{
	if (p->cfg.now_us)
		return p->cfg.now_us(p->cfg.clock_ctx);
	if (p->cfg.now_ms)
		return *p->cfg.now_ms * 1000u;
	return 0;
}

/* Split microseconds into seconds and the rest by shift-and-subtract:
 * a 64-bit '/' would need libgcc's __udivdi3 on i386. */
static uint64_t split_us(uint64_t us, uint32_t *rem)
{
	uint64_t q = 0, r = 0;
	for (int i = 63; i >= 0; i--) {
		r = (r << 1) | ((us >> i) & 1u);
		if (r >= 1000000u) {
			r -= 1000000u;
			q |= (uint64_t)1 << i;
		}
	}
	*rem = (uint32_t)r;
	return q;
}

int nb_pcap_record(struct nb_pcap *p, const void *data, size_t len)
{
	if (!p || !p->cfg.out || (!data && len))
		return -NB_EINVAL;
	/* After a failed write the stream may end mid-record, and anything
	 * appended would be misparsed: stop writing altogether. */
	if (p->error) {
		p->write_errors++;
		return -NB_EIO;
	}
	uint32_t usec;
	uint64_t sec = split_us(now_us(p), &usec);
	size_t keep = len < p->cfg.snaplen ? len : p->cfg.snaplen;
	uint8_t h[NB_PCAP_REC_HLEN];
	/* Classic pcap has 32-bit seconds: good until 2106. */
	le32(h, (uint32_t)sec);
	le32(h + 4, usec);
	le32(h + 8, (uint32_t)keep);
	le32(h + 12, (uint32_t)len);
	int rc = emit(p, h, sizeof(h));
	if (rc == 0 && keep)
		rc = emit(p, data, keep);
	if (rc < 0) {
		p->write_errors++;
		return rc;
	}
	p->records++;
	return 0;
}

static int pc_transmit(void *drv, const void *frame, size_t len)
{
	struct nb_pcap *p = drv;
	/* Recorded before the attempt: a frame the driver refuses was still
	 * sent by the stack, and that is what a debugging reader wants. */
	(void)nb_pcap_record(p, frame, len);
	return p->inner->ops->transmit(p->inner->drv, frame, len);
}

static int pc_receive(void *drv, void *buf, size_t cap)
{
	struct nb_pcap *p = drv;
	int n = p->inner->ops->receive(p->inner->drv, buf, cap);
	if (n > 0)
		(void)nb_pcap_record(p, buf, (size_t)n);
	return n;
}
