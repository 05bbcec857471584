/*
 * The PXE 2.1 TFTP calls (PXENV_TFTP_OPEN/READ/CLOSE/READ_FILE/GET_FSIZE):
 * blocking by specification, so each one waits on its file until there is
 * a PacketSize worth of data (a short read means end of file to every
 * caller), the size is known or the whole file is in the caller's memory.
 * Names that are http:// URLs go over HTTP; everything else over TFTP.
 */
#include "pxeapi_int.h"

/* The FileName field of the TFTP blocks. */
#define TFTP_NAME_LEN 128

static struct cl_pxeapi_file *tftp_file(struct cl_pxeapi *a)
{
	return a->tftp_file >= 0 ? &a->files[a->tftp_file] : NULL;
}

uint16_t cl_pxa_tftp_close(struct cl_pxeapi *a, uint8_t *b)
{
	struct cl_pxeapi_file *f = tftp_file(a);
	if (!f)
		return fail(b, PXENV_STATUS_TFTP_CLOSED);
	cl_pxa_file_close(f);
	a->tftp_file = -1;
	return ok(b);
}

uint16_t cl_pxa_tftp_open(struct cl_pxeapi *a, uint8_t *b)
{
	/* One TFTP_* file at a time; a caller that forgot to close its
	 * last one gets a fresh start rather than an error. */
	if (tftp_file(a)) {
		cl_pxa_file_close(tftp_file(a));
		a->tftp_file = -1;
	}
	uint16_t pkt = nb_load_le16(b + 140);
	if (pkt == 0)
		pkt = NB_TFTP_BLKSIZE_DEFAULT;
	if (pkt < NB_TFTP_BLKSIZE_DEFAULT)
		return fail(b, PXENV_STATUS_TFTP_INVALID_PACKET_SIZE);
	struct cl_pxeapi_file *f = cl_pxa_file_alloc(a);
	if (!f)
		return fail(b, PXENV_STATUS_OUT_OF_RESOURCES);
	if (!cl_pxa_take_name(f->name, (const char *)b + 10, TFTP_NAME_LEN))
		return fail(b, PXENV_STATUS_BAD_FUNC);
	/* HTTP has no packets: any size the caller can take works.  TFTP
	 * blocks are at most what fits the MTU; the ring serves the
	 * caller's PacketSize from them regardless of the server's. */
	size_t mtu_blk = nb_udp_max_payload(a->cfg.stack) - NB_TFTP_DATA_HLEN;
	if (nb_url_scheme_of(f->name, cl_slen(f->name), NULL) != NB_URL_HTTP &&
	    pkt > mtu_blk)
		pkt = (uint16_t)mtu_blk;
	if (pkt > f->cap / 2)
		return fail(b, PXENV_STATUS_OUT_OF_RESOURCES);
	f->pkt = pkt;
	int rc = cl_pxa_open_and_start(a, f, nb_get32(b + 2), nb_get16(b + 138));
	if (rc < 0) {
		cl_pxa_file_close(f);
		return fail(b, cl_pxa_status_of(f, rc));
	}
	a->tftp_file = file_index(a, f);
	nb_store_le16(b + 140, pkt);
	return ok(b);
}

uint16_t cl_pxa_tftp_read(struct cl_pxeapi *a, uint8_t *b)
{
	struct cl_pxeapi_file *f = tftp_file(a);
	if (!f)
		return fail(b, PXENV_STATUS_TFTP_CLOSED);
	cl_pxa_wait_for(a, f, W_PACKET);
	uint64_t n = ready(f);
	if (n < f->pkt && f->status != 0)
		return fail(b, cl_pxa_status_of(f, f->status == -NB_EAGAIN
							   ? -NB_ETIMEDOUT
							   : f->status));
	if (n > f->pkt)
		n = f->pkt;
	uint8_t *dst = far_ptr(a, b + 6, (size_t)n);
	if (!dst && n)
		return fail(b, PXENV_STATUS_BAD_FUNC);
	if (n)
		cl_pxa_ring_read(f, dst, (size_t)n);
	f->blk++;
	nb_store_le16(b + 2, f->blk);
	nb_store_le16(b + 4, (uint16_t)n);
	return ok(b);
}

uint16_t cl_pxa_tftp_get_fsize(struct cl_pxeapi *a, uint8_t *b)
{
	struct cl_pxeapi_file *f = cl_pxa_file_alloc(a);
	if (!f)
		return fail(b, PXENV_STATUS_OUT_OF_RESOURCES);
	if (!cl_pxa_take_name(f->name, (const char *)b + 10, TFTP_NAME_LEN))
		return fail(b, PXENV_STATUS_BAD_FUNC);
	f->want_size = true;
	int rc = cl_pxa_file_start(f, nb_get32(b + 2), 0);
	if (rc == 0) {
		cl_pxa_wait_for(a, f, W_SIZE);
		rc = f->status == -NB_ECANCELED || f->status == 0 ||
				     f->status == -NB_EAGAIN
			     ? 0
			     : f->status;
	}
	bool known = f->size_known;
	uint64_t size = f->size;
	cl_pxa_file_close(f);
	if (rc < 0)
		return fail(b, cl_pxa_status_of(f, rc));
	if (!known)
		return fail(b, PXENV_STATUS_TFTP_NO_FILESIZE);
	nb_store_le32(b + 138, size > UINT32_MAX ? UINT32_MAX : (uint32_t)size);
	return ok(b);
}

uint16_t cl_pxa_tftp_read_file(struct cl_pxeapi *a, uint8_t *b)
{
	const struct cl_platform *p = a->cfg.p;
	uint32_t cap = nb_load_le32(b + 130), phys = nb_load_le32(b + 134);
	void *dst = p->phys_to_ptr && cap ? p->phys_to_ptr(p->ctx, phys, cap)
					  : NULL;
	if (!dst)
		return fail(b, PXENV_STATUS_OUT_OF_RESOURCES);
	struct cl_pxeapi_file *f = cl_pxa_file_alloc(a);
	if (!f)
		return fail(b, PXENV_STATUS_OUT_OF_RESOURCES);
	if (!cl_pxa_take_name(f->name, (const char *)b + 2, TFTP_NAME_LEN))
		return fail(b, PXENV_STATUS_BAD_FUNC);
	f->direct = true;
	nb_memsink_init(&f->mem, dst, cap);
	/* TFTPClntPort/TFTPSrvPort (b + 150/152) are the multicast
	 * listening ports; a unicast read always asks port 69. */
	int rc = cl_pxa_file_start(f, nb_get32(b + 138), 0);
	if (rc == 0) {
		cl_pxa_wait_for(a, f, W_DONE);
		rc = f->status;
	}
	uint64_t got = f->mem.high;
	cl_pxa_file_close(f);
	if (rc < 0)
		return fail(b, cl_pxa_status_of(f, rc));
	nb_store_le32(b + 130, (uint32_t)got);
	return ok(b);
}
