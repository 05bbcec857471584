/*
 * Sinks: where downloads put their bytes, at absolute offsets, so data
 * can land in its final place even out of order.  A memory sink with a
 * hard bound is provided because firmware image buffers are exactly that.
 */
#include "core/mem.h"

#include "netboot/sink.h"

int nb_sink_write(const struct nb_sink *s, uint64_t off, const void *data,
		  size_t len)
{
	if (!s || !s->write)
		return -NB_EINVAL;
	return s->write(s->ctx, off, data, len);
}

int nb_sink_total(const struct nb_sink *s, uint64_t size)
{
	if (!s || !s->total)
		return 0;
	return s->total(s->ctx, size);
}

uint64_t nb_sink_limit(const struct nb_sink *s)
{
	if (!s || !s->limit)
		return UINT64_MAX;
	return s->limit(s->ctx);
}

static int memsink_write(void *ctx, uint64_t off, const void *data, size_t len)
{
	struct nb_memsink *m = ctx;
	if (off > m->cap || len > m->cap - off)
		return -NB_ERANGE;
	if (len)
		memcpy(m->buf + off, data, len);
	if (off + len > m->high)
		m->high = off + len;
	return 0;
}

static int memsink_total(void *ctx, uint64_t size)
{
	struct nb_memsink *m = ctx;
	if (size > m->cap)
		return -NB_ETOOBIG;
	m->total = size;
	m->have_total = true;
	return 0;
}

static uint64_t memsink_limit(void *ctx)
{
	const struct nb_memsink *m = ctx;
	return m->cap;
}

void nb_memsink_init(struct nb_memsink *m, void *buf, size_t cap)
{
	memset(m, 0, sizeof(*m));
	m->buf = buf;
	m->cap = buf ? cap : 0;
	m->sink.write = memsink_write;
	m->sink.total = memsink_total;
	m->sink.limit = memsink_limit;
	m->sink.ctx = m;
}
