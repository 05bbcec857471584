/*
 * The gPXE/iPXE file API (PXENV_FILE_*, found by PXENV_FILE_API_CHECK):
 * URLs and bare names opened by handle, read without ever blocking ("would
 * block" is PXENV_STATUS_TFTP_OPEN, as iPXE reports it and syslinux 4.x
 * expects).  Handles are file slots + 1; the slots the TFTP_* calls and the
 * gateway hold are not reachable through a handle.
 */
#include "pxeapi_int.h"

static struct cl_pxeapi_file *by_handle(struct cl_pxeapi *a, uint16_t h)
{
	if (h == 0 || h > CL_PXEAPI_FILES)
		return NULL;
	struct cl_pxeapi_file *f = &a->files[h - 1];
	if (f->kind == F_FREE || file_index(a, f) == a->tftp_file ||
	    cl_pxa_slot_is_gw(a, file_index(a, f)))
		return NULL;
	return f;
}

uint16_t cl_pxa_file_open(struct cl_pxeapi *a, uint8_t *b)
{
	/* Only as far as the platform vouches for: the name may end
	 * anywhere below that, e.g. near the top of base memory. */
	size_t avail = CL_PXEAPI_NAME_MAX;
	const char *name = NULL;
	while (avail && !(name = far_ptr(a, b + 4, avail)))
		avail--;
	if (!name)
		return fail(b, PXENV_STATUS_BAD_FUNC);
	struct cl_pxeapi_file *f = cl_pxa_file_alloc(a);
	if (!f)
		return fail(b, PXENV_STATUS_OUT_OF_RESOURCES);
	if (!cl_pxa_take_name(f->name, name, avail))
		return fail(b, PXENV_STATUS_BAD_FUNC);
	int rc = cl_pxa_open_and_start(a, f, 0, 0);
	if (rc < 0) {
		cl_pxa_file_close(f);
		return fail(b, cl_pxa_status_of(f, rc));
	}
	nb_store_le16(b + 2, (uint16_t)(file_index(a, f) + 1));
	return ok(b);
}

uint16_t cl_pxa_file_close_call(struct cl_pxeapi *a, uint8_t *b)
{
	struct cl_pxeapi_file *f = by_handle(a, nb_load_le16(b + 2));
	if (!f)
		return fail(b, PXENV_STATUS_BAD_FUNC);
	cl_pxa_file_close(f);
	return ok(b);
}

uint16_t cl_pxa_file_select(struct cl_pxeapi *a, uint8_t *b)
{
	struct cl_pxeapi_file *f = by_handle(a, nb_load_le16(b + 2));
	if (!f)
		return fail(b, PXENV_STATUS_BAD_FUNC);
	cl_pxa_pump(a);
	nb_store_le16(b + 4, ready(f) || f->status != -NB_EAGAIN ? 1 : 0);
	return ok(b);
}

uint16_t cl_pxa_file_read(struct cl_pxeapi *a, uint8_t *b)
{
	struct cl_pxeapi_file *f = by_handle(a, nb_load_le16(b + 2));
	if (!f)
		return fail(b, PXENV_STATUS_BAD_FUNC);
	/* Poll while less than half the ring is ready, so the download
	 * keeps running ahead as the reader drains it. */
	if (f->status == -NB_EAGAIN && ready(f) < f->cap / 2)
		cl_pxa_pump(a);
	uint64_t n = ready(f);
	if (!n) {
		if (f->status == -NB_EAGAIN)
			return fail(b, PXENV_STATUS_TFTP_OPEN); /* would block */
		if (f->status < 0)
			return fail(b, cl_pxa_status_of(f, f->status));
	}
	uint16_t want = nb_load_le16(b + 4);
	if (n > want)
		n = want;
	uint8_t *dst = far_ptr(a, b + 6, (size_t)n);
	if (!dst && n)
		return fail(b, PXENV_STATUS_BAD_FUNC);
	if (n)
		cl_pxa_ring_read(f, dst, (size_t)n);
	nb_store_le16(b + 4, (uint16_t)n); /* 0 = end of file */
	return ok(b);
}

uint16_t cl_pxa_get_file_size(struct cl_pxeapi *a, uint8_t *b)
{
	struct cl_pxeapi_file *f = by_handle(a, nb_load_le16(b + 2));
	if (!f)
		return fail(b, PXENV_STATUS_BAD_FUNC);
	if (!f->size_known)
		return fail(b, PXENV_STATUS_TFTP_NO_FILESIZE);
	nb_store_le32(b + 4, f->size > UINT32_MAX ? UINT32_MAX : (uint32_t)f->size);
	return ok(b);
}

uint16_t cl_pxa_file_api_check(struct cl_pxeapi *a, uint8_t *b)
{
	(void)a;
	if (nb_load_le32(b + 4) != CL_PXEAPI_FILE_MAGIC_IN)
		return fail(b, PXENV_STATUS_BAD_FUNC);
	if (nb_load_le16(b + 2) < 20)
		return fail(b, PXENV_STATUS_OUT_OF_RESOURCES);
	nb_store_le16(b + 2, 20);
	nb_store_le32(b + 4, CL_PXEAPI_FILE_MAGIC_OUT);
	nb_store_le32(b + 8, CL_PXEAPI_PROVIDER);
	/* Bit n: opcode 0xe0 + n is served (open, close, select, read,
	 * size, and this check; no exec, no exit hook). */
	nb_store_le32(b + 12, 0x1f | 1u << 6);
	nb_store_le32(b + 16, 0);
	return ok(b);
}
