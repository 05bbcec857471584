/*
 * The fixture the UNDI driver's unit tests share: the driver over an
 * emulated PXE ROM (emu_pxe), with or without the ROM-side drain, and
 * helpers that make, queue and check numbered test frames.
 */
#ifndef NB_TESTS_UNDI_FX_H
#define NB_TESTS_UNDI_FX_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emu_pxe.h"

static const uint8_t MAC[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

/* An odd linear address: the driver must not care about alignment. */
#define SCRATCH_AT 0x7c03

#define OP_ISR(flag) (0x1400 | (flag))

struct fx {
	struct emu_pxe e;
	struct nb_undi d;
	struct nb_undi_env env;
	struct nb_arena arena;
	uint8_t mem[NB_UNDI_ARENA_BYTES(NB_UNDI_RING_MAX)];
	uint8_t buf[NB_ETH_FRAME_MAX];
};

/* @drain: the emulated ROM also offers nb_undi_env::drain. */
static inline int fx_setup(void **state, bool drain)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	emu_pxe_init(&f->e, MAC);
	f->env = emu_pxe_env(&f->e, SCRATCH_AT, drain);
	nb_arena_init(&f->arena, f->mem, sizeof(f->mem));
	*state = f;
	return 0;
}

static inline int teardown(void **state)
{
	struct fx *f = *state;
	assert_int_equal(f->e.violations, 0);
	free(f);
	return 0;
}

/* Frame @tag of @len bytes, addressed to us. */
static inline void frame(uint8_t *p, size_t len, unsigned tag)
{
	memcpy(p, MAC, 6);
	memset(p + 6, 0x02, 6);
	p[12] = 0x08;
	p[13] = 0x00;
	for (size_t i = 14; i < len; i++)
		p[i] = (uint8_t)(tag * 31 + i);
}

static inline int rx(struct fx *f)
{
	return f->d.link.ops->receive(f->d.link.drv, f->buf, sizeof(f->buf));
}

static inline int tx(struct fx *f, const void *fr, size_t len)
{
	return f->d.link.ops->transmit(f->d.link.drv, fr, len);
}

/* Open the driver and forget the calls opening it took. */
static inline void start(struct fx *f, unsigned ring, unsigned flags)
{
	assert_int_equal(nb_undi_init(&f->d, &f->env, ring, flags, &f->arena), 0);
	f->e.log_count = 0;
	f->e.calls = 0;
	f->e.visits = 0;
}

/* Receive and check that frame @tag of @len bytes came out. */
static inline void expect(struct fx *f, size_t len, unsigned tag)
{
	uint8_t want[NB_ETH_FRAME_MAX];
	frame(want, len, tag);
	assert_int_equal(rx(f), (int)len);
	assert_memory_equal(f->buf, want, len);
}

/* The ROM receives frame @tag of @len bytes. */
static inline void queue(struct fx *f, size_t len, unsigned tag)
{
	uint8_t fr[2048];
	frame(fr, len, tag);
	assert_int_equal(emu_pxe_queue_rx(&f->e, fr, len), 0);
}

#endif
