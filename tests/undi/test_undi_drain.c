/* The UNDI driver with nb_undi_env::drain: the ISR steps of a visit run
 * on the ROM's side and come back as a log. */
#include "undi_fx.h"

static int setup(void **state)
{
	return fx_setup(state, true);
}

static void test_one_visit(void **state)
{
	struct fx *f = *state;
	start(f, 16, 0);
	for (unsigned i = 1; i <= 5; i++)
		queue(f, 60 + 100 * i, i);
	expect(f, 160, 1);
	/* One trip: five pieces and DONE, no call() at all. */
	assert_int_equal(f->e.visits, 1);
	assert_int_equal(f->e.calls, 0);
	assert_int_equal(f->e.log_count, 6);
	assert_int_equal(f->e.last_max_pieces, 17);
	for (unsigned i = 2; i <= 5; i++)
		expect(f, 60 + 100 * i, i);
	/* The poll's closing receive() needs no trip either. */
	assert_int_equal(rx(f), 0);
	assert_int_equal(f->e.visits, 1);
	assert_int_equal(f->d.in_isr, 0);
	/* An empty ROM: one visit, IN_PROCESS then DONE. */
	assert_int_equal(rx(f), 0);
	assert_int_equal(f->e.visits, 2);
	assert_int_equal(f->d.stats.visits, 2);
	assert_int_equal(f->d.stats.drains, 2);
	assert_int_equal(f->d.stats.rx_frames, 5);
	assert_int_equal(f->d.stats.log_bad, 0);
}

static void test_pieces_and_tx_events(void **state)
{
	struct fx *f = *state;
	start(f, 16, 0);
	f->e.piece = 100;
	queue(f, 301, 1); /* odd pieces exercise the padding */
	emu_pxe_queue_tx_done(&f->e);
	queue(f, 250, 2);
	expect(f, 301, 1);
	expect(f, 250, 2);
	assert_int_equal(f->e.visits, 1);
	assert_int_equal(f->d.stats.tx_complete, 1);
	assert_int_equal(f->d.stats.rx_pieces, 7);
}

static void test_room_bounds_a_visit(void **state)
{
	struct fx *f = *state;
	start(f, 2, 0);
	for (unsigned i = 1; i <= 6; i++)
		queue(f, 100 + i, i);
	/* Room for three: the caller's buffer and two slots. */
	expect(f, 101, 1);
	assert_int_equal(f->e.last_max_pieces, 3);
	assert_int_equal(f->e.visits, 1);
	assert_int_equal(f->d.in_isr, 1);
	expect(f, 102, 2);
	expect(f, 103, 3);
	assert_int_equal(f->e.visits, 1);
	expect(f, 104, 4);
	/* Continued, not restarted. */
	assert_int_equal(f->e.log[3], OP_ISR(3));
	expect(f, 105, 5);
	expect(f, 106, 6);
	assert_int_equal(rx(f), 0);
	assert_int_equal(f->d.stats.drains, 1);
	assert_int_equal(f->d.in_isr, 0);
	/* Without a ring, one piece per visit. */
	start(f, 0, 0);
	queue(f, 200, 7);
	queue(f, 200, 8);
	expect(f, 200, 7);
	assert_int_equal(f->e.last_max_pieces, 1);
	expect(f, 200, 8);
	assert_int_equal(rx(f), 0);
}

static void test_small_log_frame_across_visits(void **state)
{
	struct fx *f = *state;
	start(f, 4, 0);
	/* Two records per visit: a 1200-byte frame in three pieces takes
	 * two visits within one receive(). */
	f->e.dlog_len = 2 * NB_UNDI_REC_MAX;
	f->e.piece = 500;
	queue(f, 1200, 1);
	queue(f, 1000, 2);
	expect(f, 1200, 1);
	assert_int_equal(f->e.visits, 2);
	expect(f, 1000, 2);
	assert_int_equal(rx(f), 0);
	assert_int_equal(f->d.stats.rx_incomplete, 0);
	assert_int_equal(f->d.stats.log_bad, 0);
}

static void test_errors(void **state)
{
	struct fx *f = *state;
	start(f, 4, 0);
	/* The third step fails: two frames arrive, the sequence is over. */
	for (unsigned i = 1; i <= 3; i++)
		queue(f, 100, i);
	f->e.fail_isr_at = f->e.n_isr + 3;
	expect(f, 100, 1);
	assert_int_equal(f->d.stats.isr_errors, 1);
	assert_int_equal(f->d.in_isr, 0);
	expect(f, 100, 2);
	expect(f, 100, 3);
	assert_int_equal(rx(f), 0);
	/* A visit that fails outright: an error for the caller. */
	queue(f, 100, 4);
	f->e.drain_fail_once = true;
	assert_int_equal(rx(f), -NB_EIO);
	assert_int_equal(f->d.stats.isr_errors, 2);
	expect(f, 100, 4);
	assert_int_equal(rx(f), 0);
	assert_int_equal(f->d.in_isr, 0);
}

static void test_bad_log(void **state)
{
	struct fx *f = *state;
	start(f, 4, 0);
	queue(f, 100, 1);
	queue(f, 100, 2);
	f->e.drain_cut_once = true;
	/* The last record (DONE) is cut: the frames before it count, and
	 * the next visit starts a new sequence. */
	expect(f, 100, 1);
	assert_int_equal(f->d.stats.log_bad, 1);
	assert_int_equal(f->d.in_isr, 0);
	expect(f, 100, 2);
	assert_int_equal(rx(f), 0);
	assert_int_equal(f->e.log[f->e.log_count - 1], OP_ISR(2));
}

static void test_unreadable_pieces(void **state)
{
	struct fx *f = *state;
	start(f, 4, 0);
	/* Over NB_ETH_FRAME_MAX: no data in the log, dropped whole. */
	queue(f, 1600, 1);
	queue(f, 100, 2);
	expect(f, 100, 2);
	assert_int_equal(f->d.stats.rx_too_big, 1);
	assert_int_equal(rx(f), 0);
	/* A piece the embedder could not copy. */
	f->e.piece = 100;
	queue(f, 300, 3);
	queue(f, 300, 4);
	f->e.bad_ptr_once = true;
	expect(f, 300, 4);
	assert_int_equal(f->d.stats.rx_bad_ptr, 1);
}

static void test_quiesce_calls(void **state)
{
	struct fx *f = *state;
	start(f, 1, 0);
	for (unsigned i = 1; i <= 5; i++)
		queue(f, 100, i);
	expect(f, 100, 1);
	assert_int_equal(f->d.in_isr, 1);
	/* Discarding needs no log: plain calls. */
	assert_int_equal(nb_undi_quiesce(&f->d), 0);
	assert_true(f->e.calls > 0);
	assert_int_equal(f->d.in_isr, 0);
	assert_int_equal(f->e.ev_count, 0);
	/* Frame 2 from the ring, 3 to 5 from the ROM. */
	assert_int_equal(f->d.stats.rx_flushed, 4);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_one_visit),
		T(test_pieces_and_tx_events),
		T(test_room_bounds_a_visit),
		T(test_small_log_frame_across_visits),
		T(test_errors),
		T(test_bad_log),
		T(test_unreadable_pieces),
		T(test_quiesce_calls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
