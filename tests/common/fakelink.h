/*
 * A fake link driver for unit tests and fuzz harnesses: it records every
 * transmitted frame and hands queued frames to the stack's receive.  No
 * cmocka in here, so fuzz harnesses can link it too.
 */
#ifndef NB_TEST_FAKELINK_H
#define NB_TEST_FAKELINK_H

#include <stddef.h>
#include <stdint.h>

#include "netboot/stack.h"

/* Enough to hold every frame one test case sends; later frames are only
 * counted, so a chatty case cannot overflow anything. */
#define FL_TX_MAX 64
#define FL_RX_MAX 80

struct fl_frame {
	uint8_t data[NB_ETH_FRAME_MAX];
	size_t len;
};

struct fakelink {
	struct nb_link link;
	struct fl_frame tx[FL_TX_MAX];
	size_t ntx;        /* frames transmitted (may exceed FL_TX_MAX) */
	struct fl_frame rx[FL_RX_MAX];
	size_t rx_head, rx_tail; /* queue of frames for receive() */
	int tx_rc;         /* what transmit() returns (frame not recorded if < 0) */
	int rx_rc;         /* when < 0, receive() fails with it once */
	uint64_t rng_state;
	int rng_rc;        /* when < 0, the rng fails with it */
	struct nb_rng rng;
};

/* Station address used by every test stack unless stated otherwise. */
extern const uint8_t fl_our_mac[6];

/* Set up @fl with MAC @mac, IP MTU @mtu and a deterministic rng seeded
 * with @seed (xorshift64*, so runs repeat exactly). */
void fl_init(struct fakelink *fl, const uint8_t mac[6], uint16_t mtu,
	     uint64_t seed);
/* Queue one frame for the stack to receive.  Returns 0, or -1 if full. */
int fl_push(struct fakelink *fl, const void *frame, size_t len);
/* Frames still queued. */
size_t fl_pending(const struct fakelink *fl);
/* Forget recorded transmissions. */
void fl_clear_tx(struct fakelink *fl);
/* The @i-th recorded transmission (NULL if not recorded). */
const struct fl_frame *fl_tx(const struct fakelink *fl, size_t i);
/* The most recent recorded transmission (NULL if none). */
const struct fl_frame *fl_last(const struct fakelink *fl);

/* A stack on a fake link with its own arena: what most tests start from. */
struct tenv {
	struct fakelink fl;
	struct nb_stack s;
	struct nb_arena arena;
	uint8_t *mem;
	size_t memlen;
	uint64_t now;
};

/* Allocate (calloc) and initialise a test environment with our MAC, MTU
 * 1500 and IPv4 @ip/@mask via @gw (all 0 = unconfigured).  Returns NULL on
 * failure. */
struct tenv *tenv_new(uint32_t ip, uint32_t mask, uint32_t gw);
void tenv_free(struct tenv *t);
/* Advance time by @ms and poll once; returns nb_stack_poll()'s result. */
int tenv_poll(struct tenv *t, uint64_t ms);
/* Push one frame and poll at the current time. */
int tenv_rx(struct tenv *t, const void *frame, size_t len);

/* Comma-separated names of the counters that differ between @a and @b,
 * in declaration order ("" when none): lets a test assert that a drop
 * moved exactly the intended counter. */
const char *fl_stats_diff(const struct nb_stats *a, const struct nb_stats *b);

#endif
