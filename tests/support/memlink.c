/*
 * The memlink: two link ends joined in memory for tests and benchmarks,
 * with bounded queues per direction, delay, rate limit and the
 * impairments of impair.c applied as frames enter a queue.  Test support
 * only: it is not part of libnetboot and is never installed.
 */
#include <string.h>

#include "memlink_int.h"

static int ml_transmit(void *drv, const void *frame, size_t len);
static int ml_receive(void *drv, void *buf, size_t cap);

static const struct nb_link_ops ml_ops = {
	.transmit = ml_transmit,
	.receive = ml_receive,
};

static uint16_t qlen_of(const struct nb_impair *im)
{
	return im && im->queue_len ? im->queue_len : NB_MEMLINK_QUEUE_DEFAULT;
}

int nb_memlink_init(struct nb_memlink *m, const struct nb_impair *a_to_b,
		    const struct nb_impair *b_to_a, uint64_t seed,
		    struct nb_arena *arena)
{
	if (!m || !arena)
		return -NB_EINVAL;
	const struct nb_impair *imp[2] = { a_to_b, b_to_a };
	size_t mark = nb_arena_mark(arena);
	memset(m, 0, sizeof(*m));
	for (unsigned i = 0; i < 2; i++) {
		struct nb_memlink_dir *d = &m->dir[i];
		if (imp[i])
			d->imp = *imp[i];
		d->imp.queue_len = qlen_of(imp[i]);
		d->q = nb_arena_alloc(arena, (size_t)d->imp.queue_len *
						     sizeof(*d->q), 16);
		if (!d->q) {
			nb_arena_reset(arena, mark);
			memset(m, 0, sizeof(*m));
			return -NB_ENOMEM;
		}
		nb_ml_seed(d, seed, i);

		struct nb_memlink_end *e = &m->end[i];
		e->m = m;
		e->idx = (uint8_t)i;
		e->link.ops = &ml_ops;
		e->link.drv = e;
		e->link.mtu = 1500;
		/* Locally administered, unicast: never a real vendor's MAC. */
		const uint8_t mac[6] = { 0x02, 0x6e, 0x62, 0, 0,
					 (uint8_t)(i + 1) };
		memcpy(e->link.mac, mac, sizeof(mac));
	}
	return 0;
}

struct nb_link *nb_memlink_link(struct nb_memlink *m, unsigned end)
{
	return m && end < 2 ? &m->end[end].link : NULL;
}

int nb_memlink_set_impair(struct nb_memlink *m, unsigned dir,
			  const struct nb_impair *imp)
{
	if (!m || dir > 1 || !imp)
		return -NB_EINVAL;
	uint16_t keep = m->dir[dir].imp.queue_len;
	m->dir[dir].imp = *imp;
	m->dir[dir].imp.queue_len = keep;
	return 0;
}

void nb_memlink_set_time(struct nb_memlink *m, uint64_t now_ms)
{
	if (now_ms > m->now_ms)
		m->now_ms = now_ms;
}

static struct nb_memlink_frame *free_slot(struct nb_memlink_dir *d)
{
	if (d->used >= d->imp.queue_len)
		return NULL;
	for (uint16_t i = 0; i < d->imp.queue_len; i++)
		if (!d->q[i].len)
			return &d->q[i];
	return NULL;
}

/* Serialise one copy behind the frames ahead of it, then add latency. */
static uint64_t due_time(struct nb_memlink_dir *d, uint64_t now_us,
			 size_t len)
{
	uint64_t start = d->busy_until_us > now_us ? d->busy_until_us : now_us;
	uint32_t tx_us = 0;
	if (d->imp.rate) {
		/* len <= 1514, so len * 1e6 fits 32 bits: no 64-bit division,
		 * which i386 freestanding builds would need libgcc for. */
		uint32_t bits = (uint32_t)len * 1000000u;
		tx_us = bits / d->imp.rate + (bits % d->imp.rate != 0);
	}
	d->busy_until_us = start + tx_us;
	return d->busy_until_us + nb_ml_latency_us(d);
}

static int ml_transmit(void *drv, const void *frame, size_t len)
{
	struct nb_memlink_end *e = drv;
	struct nb_memlink_dir *d = &e->m->dir[e->idx];
	if (!frame || !len)
		return -NB_EINVAL;
	if (len > NB_ETH_FRAME_MAX)
		return -NB_EMSGSIZE;
	d->stats.sent++;
	uint32_t seq = d->next_seq++;
	/* Draw every frame-level decision, needed or not, so that changing
	 * one probability does not shift the others' random sequence. */
	bool lost = nb_ml_chance(d, d->imp.loss_ppm);
	bool dup = nb_ml_chance(d, d->imp.dup_ppm);
	bool corrupt = nb_ml_chance(d, d->imp.corrupt_ppm);
	if (lost) {
		d->stats.lost++;
		return 0;
	}
	if (dup)
		d->stats.duplicated++;
	uint64_t now_us = e->m->now_ms * 1000u;
	for (int copy = 0; copy < (dup ? 2 : 1); copy++) {
		struct nb_memlink_frame *f = free_slot(d);
		if (!f) {
			/* A full router queue drops silently; the sender
			 * learns of it only through missing replies. */
			d->stats.queue_drops++;
			continue;
		}
		f->due_us = due_time(d, now_us, len);
		f->seq = seq;
		f->len = (uint16_t)len;
		memcpy(f->data, frame, len);
		d->used++;
		if (corrupt && !copy) {
			nb_ml_corrupt(d, f->data, len);
			d->stats.corrupted++;
		}
	}
	return 0;
}

/* Earliest deliverable frame; equal due times leave in send order. */
static struct nb_memlink_frame *next_ready(struct nb_memlink_dir *d,
					   uint64_t now_us)
{
	struct nb_memlink_frame *best = NULL;
	for (uint16_t i = 0; i < d->imp.queue_len; i++) {
		struct nb_memlink_frame *f = &d->q[i];
		if (!f->len || f->due_us > now_us)
			continue;
		if (!best || f->due_us < best->due_us ||
		    (f->due_us == best->due_us && f->seq < best->seq))
			best = f;
	}
	return best;
}

static int ml_receive(void *drv, void *buf, size_t cap)
{
	struct nb_memlink_end *e = drv;
	struct nb_memlink_dir *d = &e->m->dir[!e->idx];
	uint64_t now_us = e->m->now_ms * 1000u;
	/* Each pass frees a slot, so the queue length bounds the loop. */
	for (uint16_t n = 0; n <= d->imp.queue_len; n++) {
		struct nb_memlink_frame *f = next_ready(d, now_us);
		if (!f)
			return 0;
		size_t len = f->len;
		f->len = 0;
		d->used--;
		if (len > cap) {
			d->stats.oversize++;
			continue;
		}
		memcpy(buf, f->data, len);
		d->stats.delivered++;
		if (f->seq + 1u < d->high_seq)
			d->stats.reordered++;
		else
			d->high_seq = f->seq + 1u;
		return (int)len;
	}
	return 0;
}

/* Ceiling of us / 1000 by shift-and-subtract: a 64-bit '/' would pull in
 * libgcc's __udivdi3 on i386. */
static uint64_t us_to_ms_up(uint64_t us)
{
	uint64_t q = 0, r = 0;
	for (int i = 63; i >= 0; i--) {
		r = (r << 1) | ((us >> i) & 1u);
		if (r >= 1000u) {
			r -= 1000u;
			q |= (uint64_t)1 << i;
		}
	}
	return q + (r != 0);
}

uint64_t nb_memlink_next_due(const struct nb_memlink *m)
{
	uint64_t best = UINT64_MAX;
	for (unsigned i = 0; i < 2; i++) {
		const struct nb_memlink_dir *d = &m->dir[i];
		for (uint16_t j = 0; d->q && j < d->imp.queue_len; j++)
			if (d->q[j].len && d->q[j].due_us < best)
				best = d->q[j].due_us;
	}
	return best == UINT64_MAX ? best : us_to_ms_up(best);
}

unsigned nb_memlink_pending(const struct nb_memlink *m, unsigned dir)
{
	return m && dir < 2 ? m->dir[dir].used : 0;
}

const struct nb_memlink_stats *nb_memlink_stats(const struct nb_memlink *m,
						unsigned dir)
{
	return m && dir < 2 ? &m->dir[dir].stats : NULL;
}
