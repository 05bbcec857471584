/*
 * The download ring of one open file: a sink that accepts whatever fits
 * ahead of the reader, at absolute offsets (HTTP's out-of-order segments
 * land in place and are remembered as ranges until the gap fills), and the
 * reader that drains it.  Flow control lives here: the limit the sink
 * reports is exactly the free ring space, so TCP's window closes instead of
 * data being lost when the NBP reads slowly.
 */
#include "pxeapi_int.h"

int cl_pxa_ring_write(void *ctx, uint64_t off, const void *data, size_t len)
{
	struct cl_pxeapi_file *f = ctx;
	const uint8_t *d = data;
	if (off < f->rd) {
		/* Retransmitted or resumed bytes the reader already has. */
		uint64_t skip = f->rd - off;
		if (skip >= len)
			return 0;
		d += skip;
		len -= (size_t)skip;
		off = f->rd;
	}
	if (len > f->cap || off - f->rd > f->cap - len)
		return -NB_ERANGE;
	size_t at = (size_t)(off % f->cap);
	size_t first = f->cap - at < len ? f->cap - at : len;
	memcpy(f->ring + at, d, first);
	memcpy(f->ring, d + first, len - first);
	uint64_t end = off + len;
	if (off <= f->have) {
		if (end > f->have)
			f->have = end;
	} else {
		/* TCP never holds more ranges than the set has slots. */
		int rc = nb_rangeset_add(&f->ooo, off, end);
		if (rc < 0)
			return rc;
	}
	(void)nb_rangeset_absorb(&f->ooo, &f->have);
	return 0;
}

int cl_pxa_ring_total(void *ctx, uint64_t size)
{
	struct cl_pxeapi_file *f = ctx;
	f->size = size;
	f->size_known = true;
	/* A size probe ends the transfer here: nothing needs to flow. */
	return f->want_size ? -NB_ECANCELED : 0;
}

/* Chunked HTTP bodies may overshoot the advertised space by their framing
 * (lib/http adds 4 KiB of slack), so keep that much of the ring spare. */
#define RING_SLACK 8192

uint64_t cl_pxa_ring_limit(void *ctx)
{
	struct cl_pxeapi_file *f = ctx;
	size_t room = f->cap > 4 * RING_SLACK ? f->cap - RING_SLACK : f->cap;
	return f->rd + room;
}

void cl_pxa_ring_read(struct cl_pxeapi_file *f, uint8_t *dst, size_t n)
{
	size_t at = (size_t)(f->rd % f->cap);
	size_t first = f->cap - at < n ? f->cap - at : n;
	memcpy(dst, f->ring + at, first);
	memcpy(dst + first, f->ring, n - first);
	f->rd += n;
}
