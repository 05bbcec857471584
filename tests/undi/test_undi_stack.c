/* A whole stack on the UNDI driver, talking to a second stack over a
 * memory link through the emulated PXE ROM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "duo.h"
#include "emu_pxe.h"

struct variant {
	const char *name;
	unsigned ring;
	uint16_t piece;
	bool tx_events;
	unsigned flags;
	bool drain;  /* the ISR steps through nb_undi_env::drain */
};

static void run(const struct variant *v)
{
	struct emu_pxe *e = calloc(1, sizeof(*e));
	struct duo *d = duo_new(NULL, 21);
	assert_non_null(e);
	assert_non_null(d);
	emu_pxe_init(e, nb_memlink_link(&d->m, 0)->mac);
	e->wire = nb_memlink_link(&d->m, 0);
	e->piece = v->piece;
	e->tx_events = v->tx_events;
	struct nb_undi drv;
	struct nb_undi_env env = emu_pxe_env(e, 0x10000, v->drain);
	assert_int_equal(nb_undi_init(&drv, &env, v->ring, v->flags, &d->arena), 0);
	assert_int_equal(duo_start(d, nb_undi_link(&drv)), 0);

	assert_int_equal(duo_pings(d, true, 10, 56), 10);
	assert_int_equal(duo_pings(d, false, 10, 56), 10);
	assert_int_equal(duo_pings(d, true, 5, 1472), 5);
	assert_int_equal(duo_pings(d, false, 5, 1472), 5);
	unsigned calls0 = drv.stats.calls + drv.stats.visits;
	unsigned rx0 = drv.stats.rx_frames;
	unsigned tx0 = drv.stats.tx_frames;
	/* Bursts: B answers 30 datagrams in one poll, so A's driver finds
	 * many frames waiting in the ROM at once. */
	assert_int_equal(duo_udp_burst(d, 30, 1472), 30);
	assert_int_equal(duo_udp_burst(d, 20, 500), 20);
	assert_int_equal(duo_udp_burst(d, 10, 2), 10);
	unsigned rx = drv.stats.rx_frames - rx0;
	unsigned calls = drv.stats.calls + drv.stats.visits - calls0 -
			 (drv.stats.tx_frames - tx0);
	print_message("undi %s: %u frames in bursts with %u ISR trips "
		      "(%.2f per frame), ring max %u, %u tx completions\n",
		      v->name, rx, calls, (double)calls / rx,
		      drv.stats.rx_ring_max, drv.stats.tx_complete);
	assert_int_equal(d->bad, 0);
	assert_int_equal(e->violations, 0);
	assert_int_equal(drv.stats.rx_bad + drv.stats.rx_incomplete +
			 drv.stats.isr_errors + drv.stats.tx_errors, 0);
	if (v->ring)
		assert_true(drv.stats.rx_ring_max > 1);
	/* A visit brings as many pieces as the ring has room for: fewer
	 * trips than frames, far fewer with whole frames. */
	if (v->drain && v->ring)
		assert_true((v->piece ? calls : calls * 4) < rx);
	assert_int_equal(drv.stats.log_bad, 0);
	assert_int_equal(nb_undi_quiesce(&drv), 0);
	duo_free(d);
	free(e);
}

/* One test per variant: the failing one's name says which. */
#define VARIANT(fn, ...)                                      \
	static void fn(void **state)                          \
	{                                                     \
		(void)state;                                  \
		static const struct variant v = {__VA_ARGS__}; \
		run(&v);                                      \
	}
VARIANT(test_whole_frames, "whole frames, ring 16", 16, 0, false, 0, false)
VARIANT(test_pieces_and_tx_events, "256-byte pieces + tx events, ring 16",
	16, 256, true, 0, false)
VARIANT(test_no_ring, "ring 0, 600-byte pieces", 0, 600, true,
	NB_UNDI_TX_BY_PROTOCOL, false)
VARIANT(test_drain_whole_frames, "drain(), whole frames, ring 16", 16, 0,
	false, 0, true)
VARIANT(test_drain_pieces_and_tx_events,
	"drain(), 256-byte pieces + tx events, ring 16", 16, 256, true, 0, true)
VARIANT(test_drain_no_ring, "drain(), ring 0, 600-byte pieces", 0, 600,
	true, 0, true)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_frames),
		cmocka_unit_test(test_pieces_and_tx_events),
		cmocka_unit_test(test_no_ring),
		cmocka_unit_test(test_drain_whole_frames),
		cmocka_unit_test(test_drain_pieces_and_tx_events),
		cmocka_unit_test(test_drain_no_ring),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
