/* The UNDI driver against an emulated PXE ROM. */
#include "undi_fx.h"

#define OP_TX 0x0800

static int setup(void **state)
{
	return fx_setup(state, false);
}

/* The receive() that closes a stack poll, right after a drain that ended
 * in OUT_DONE: answered 0 without a call. */
static void settle(struct fx *f)
{
	unsigned calls = f->e.calls;
	assert_int_equal(rx(f), 0);
	assert_int_equal(f->e.calls, calls);
}

static void test_init(void **state)
{
	struct fx *f = *state;
	assert_int_equal(nb_undi_init(&f->d, &f->env, 4, 0, &f->arena), 0);
	assert_memory_equal(f->d.link.mac, MAC, 6);
	assert_int_equal(f->d.link.mtu, 1500);
	assert_int_equal(f->d.hw_type, 1);
	assert_ptr_equal(nb_undi_link(&f->d), &f->d.link);
	assert_int_equal(f->e.n_info, 1);
	assert_int_equal(f->e.n_open, 0);
	assert_int_equal(f->e.calls, 1);
	assert_true(nb_arena_mark(&f->arena) <= NB_UNDI_ARENA_BYTES(4));
	assert_int_equal(f->d.seg, SCRATCH_AT >> 4);
	assert_int_equal(f->d.off, SCRATCH_AT & 15);

	/* Open on request, with directed + broadcast filters. */
	assert_int_equal(nb_undi_init(&f->d, &f->env, 0, NB_UNDI_OPEN, &f->arena), 0);
	assert_int_equal(f->e.n_open, 1);
	assert_int_equal(f->e.open_filter, 0x0003);

	/* MaxTranUnit variants. */
	f->e.mtu = 1514;
	assert_int_equal(nb_undi_init(&f->d, &f->env, 0, 0, &f->arena), 0);
	assert_int_equal(f->d.link.mtu, 1500);
	f->e.mtu = 0;
	assert_int_equal(nb_undi_init(&f->d, &f->env, 0, 0, &f->arena), 0);
	assert_int_equal(f->d.link.mtu, 1500);
	f->e.mtu = 1400;
	assert_int_equal(nb_undi_init(&f->d, &f->env, 0, 0, &f->arena), 0);
	assert_int_equal(f->d.link.mtu, 1400);
	f->e.mtu = 60;
	assert_int_equal(nb_undi_init(&f->d, &f->env, 0, 0, &f->arena), -NB_ENOTSUP);
	f->e.mtu = 1500;
	f->e.hw_addr_len = 8;
	assert_int_equal(nb_undi_init(&f->d, &f->env, 0, 0, &f->arena), -NB_ENOTSUP);
	f->e.hw_addr_len = 6;
}

static void test_init_failures(void **state)
{
	struct fx *f = *state;
	size_t mark = nb_arena_mark(&f->arena);
	struct nb_undi_env env = f->env;
	assert_int_equal(nb_undi_init(NULL, &env, 0, 0, &f->arena), -NB_EINVAL);
	assert_int_equal(nb_undi_init(&f->d, NULL, 0, 0, &f->arena), -NB_EINVAL);
	assert_int_equal(nb_undi_init(&f->d, &env, 0, 0, NULL), -NB_EINVAL);
	assert_int_equal(nb_undi_init(&f->d, &env, NB_UNDI_RING_MAX + 1, 0,
				      &f->arena), -NB_EINVAL);
	env.scratch_len = NB_UNDI_SCRATCH_BYTES - 1;
	assert_int_equal(nb_undi_init(&f->d, &env, 0, 0, &f->arena), -NB_EINVAL);
	env = f->env;
	env.call = NULL;
	assert_int_equal(nb_undi_init(&f->d, &env, 0, 0, &f->arena), -NB_EINVAL);
	/* Scratch outside base memory, or too close to a segment's end. */
	static uint8_t high[NB_UNDI_SCRATCH_BYTES];
	env = f->env;
	env.scratch = high;
	assert_int_equal(nb_undi_init(&f->d, &env, 0, 0, &f->arena), -NB_EINVAL);
	assert_int_equal(f->e.calls, 0);
	/* Status errors: in the block, or only in AX. */
	f->e.fail_info = 0x0001;
	assert_int_equal(nb_undi_init(&f->d, &f->env, 4, 0, &f->arena), -NB_EIO);
	assert_int_equal(nb_arena_mark(&f->arena), mark);
	f->e.ax_fail_once = true;
	assert_int_equal(nb_undi_init(&f->d, &f->env, 4, 0, &f->arena), -NB_EIO);
	f->e.fail_open = 0x0001;
	assert_int_equal(nb_undi_init(&f->d, &f->env, 4, NB_UNDI_OPEN, &f->arena),
			 -NB_EIO);
	assert_int_equal(nb_arena_mark(&f->arena), mark);
	/* Arena one byte short of a 3-frame ring. */
	struct nb_arena small;
	nb_arena_init(&small, f->mem, 3 * (NB_ETH_FRAME_MAX + 2) - 1);
	unsigned calls = f->e.calls;
	assert_int_equal(nb_undi_init(&f->d, &f->env, 3, 0, &small), -NB_ENOMEM);
	assert_int_equal(nb_arena_mark(&small), 0);
	assert_int_equal(f->e.calls, calls);
	nb_arena_init(&small, f->mem + 1, NB_UNDI_ARENA_BYTES(3));
	assert_int_equal(nb_undi_init(&f->d, &f->env, 3, 0, &small), 0);
}

static void test_transmit_blocks(void **state)
{
	struct fx *f = *state;
	start(f, 4, 0);
	uint8_t fr[NB_ETH_FRAME_MAX];
	frame(fr, 42, 1);
	assert_int_equal(tx(f, fr, 42), 0);
	memset(fr, 0xaa, 42);
	assert_int_equal(f->e.calls, 1);
	assert_int_equal(f->e.last_protocol, 0);   /* P_UNKNOWN */
	assert_int_equal(f->e.last_xmit_flag, 0);  /* XMT_DESTADDR */
	assert_int_equal(f->e.last_immed_len, 60); /* padded */
	uint8_t want[60] = {0};
	frame(want, 42, 1);
	assert_int_equal(f->e.sent_len[0], 60);
	assert_memory_equal(f->e.sent[0], want, 60);
	frame(fr, sizeof(fr), 2);
	assert_int_equal(tx(f, fr, sizeof(fr)), 0);
	assert_int_equal(f->e.sent_len[1], NB_ETH_FRAME_MAX);
	assert_memory_equal(f->e.sent[1], fr, sizeof(fr));
	assert_int_equal(tx(f, fr, 13), -NB_EINVAL);
	assert_int_equal(tx(f, fr, NB_ETH_FRAME_MAX + 1), -NB_EMSGSIZE);
	assert_int_equal(f->d.stats.tx_frames, 2);
}

static void test_transmit_by_protocol(void **state)
{
	struct fx *f = *state;
	start(f, 4, NB_UNDI_TX_BY_PROTOCOL);
	uint8_t fr[100];
	frame(fr, sizeof(fr), 3);
	memcpy(fr + 6, MAC, 6); /* the ROM fills in its own source */
	assert_int_equal(tx(f, fr, sizeof(fr)), 0);
	assert_int_equal(f->e.last_protocol, 1);
	assert_int_equal(f->e.last_xmit_flag, 0);
	assert_int_equal(f->e.last_immed_len, 100 - 14);
	assert_memory_equal(f->e.sent[0], fr, sizeof(fr));
	/* A broadcast ARP. */
	memset(fr, 0xff, 6);
	fr[12] = 0x08;
	fr[13] = 0x06;
	assert_int_equal(tx(f, fr, 60), 0);
	assert_int_equal(f->e.last_protocol, 2);
	assert_int_equal(f->e.last_xmit_flag, 1);
	assert_memory_equal(f->e.sent[1], fr, 60);
	/* Another EtherType still goes whole. */
	fr[12] = 0x86;
	fr[13] = 0xdd;
	assert_int_equal(tx(f, fr, 80), 0);
	assert_int_equal(f->e.last_protocol, 0);
	assert_memory_equal(f->e.sent[2], fr, 80);
}

static void test_transmit_refused(void **state)
{
	struct fx *f = *state;
	start(f, 4, 0);
	uint8_t fr[64];
	frame(fr, sizeof(fr), 4);
	/* Refused once, e.g. one transmit buffer still busy: an ISR pass
	 * completes it (and collects a frame), the retry goes through. */
	queue(f, 70, 9);
	f->e.tx_events = true;
	emu_pxe_queue_tx_done(&f->e);
	f->e.fail_tx = 0x0006;
	assert_int_equal(tx(f, fr, sizeof(fr)), 0);
	assert_int_equal(f->d.stats.tx_retries, 1);
	assert_int_equal(f->d.stats.tx_complete, 1);
	assert_int_equal(f->d.ring_count, 1);
	expect(f, 70, 9);
	/* Refused for good. */
	f->e.tx_status = 0x0006;
	assert_int_equal(tx(f, fr, sizeof(fr)), -NB_ENOBUFS);
	f->e.tx_status = 0x0061;
	assert_int_equal(tx(f, fr, sizeof(fr)), -NB_EIO);
	assert_int_equal(f->d.stats.tx_errors, 2);
	f->e.tx_status = 0;
	f->e.ax_fail_once = true;
	assert_int_equal(tx(f, fr, sizeof(fr)), 0); /* retried */
}

static void test_receive_whole_frames_one_visit(void **state)
{
	struct fx *f = *state;
	start(f, 8, 0);
	queue(f, 60, 1);
	queue(f, 1514, 2);
	queue(f, 300, 3);
	expect(f, 60, 1);
	/* One visit: IN_PROCESS, then GET_NEXT for frames 2 and 3 and the
	 * DONE that closes the sequence. */
	assert_int_equal(f->e.calls, 4);
	assert_int_equal(f->e.log[0], OP_ISR(2));
	assert_int_equal(f->e.log[1], OP_ISR(3));
	assert_int_equal(f->e.log[3], OP_ISR(3));
	expect(f, 1514, 2);
	expect(f, 300, 3);
	assert_int_equal(f->e.calls, 4);
	settle(f);
	/* Idle: one call. */
	assert_int_equal(rx(f), 0);
	assert_int_equal(f->e.calls, 5);
	assert_int_equal(f->d.stats.rx_frames, 3);
	assert_int_equal(f->d.stats.drains, 2);
	assert_int_equal(f->d.stats.rx_ring_max, 2);
}

static void test_receive_in_pieces(void **state)
{
	struct fx *f = *state;
	start(f, 8, 0);
	f->e.piece = 100;
	queue(f, 1514, 1);
	queue(f, 60, 2);
	queue(f, 301, 3);
	expect(f, 1514, 1);
	expect(f, 60, 2);
	expect(f, 301, 3);
	settle(f);
	assert_int_equal(f->d.stats.rx_pieces, 16 + 1 + 4);
	f->e.piece = 1;
	queue(f, 64, 4);
	expect(f, 64, 4);
	settle(f);
	f->e.piece = 700;
	queue(f, 1400, 5);
	queue(f, 1401, 6);
	expect(f, 1400, 5);
	expect(f, 1401, 6);
	assert_int_equal(f->d.stats.rx_bad + f->d.stats.rx_incomplete, 0);
}

static void test_transmit_events_interleaved(void **state)
{
	struct fx *f = *state;
	start(f, 8, 0);
	f->e.piece = 500;
	f->e.tx_events = true;
	uint8_t fr[100];
	frame(fr, sizeof(fr), 7);
	assert_int_equal(tx(f, fr, sizeof(fr)), 0);
	queue(f, 1000, 1);
	assert_int_equal(tx(f, fr, sizeof(fr)), 0);
	queue(f, 200, 2);
	emu_pxe_queue_tx_done(&f->e);
	queue(f, 1200, 3);
	expect(f, 1000, 1);
	expect(f, 200, 2);
	expect(f, 1200, 3);
	assert_int_equal(f->d.stats.tx_complete, 3);
	assert_int_equal(rx(f), 0);
}

static void test_oversized_dropped_whole(void **state)
{
	struct fx *f = *state;
	start(f, 8, 0);
	f->e.piece = 500;
	queue(f, 1600, 1);
	queue(f, 400, 2);
	expect(f, 400, 2);
	settle(f);
	assert_int_equal(f->d.stats.rx_too_big, 1);
	/* A caller buffer smaller than the frame. */
	queue(f, 200, 3);
	queue(f, 90, 4);
	assert_int_equal(f->d.link.ops->receive(f->d.link.drv, f->buf, 100), 90);
	assert_int_equal(f->d.stats.rx_too_big, 2);
	settle(f);
	/* ... also when the frame waited in the ring. */
	queue(f, 80, 5);
	queue(f, 150, 6);
	queue(f, 70, 7);
	expect(f, 80, 5);
	assert_int_equal(f->d.link.ops->receive(f->d.link.drv, f->buf, 100), 70);
	assert_int_equal(f->d.stats.rx_too_big, 3);
}

static void test_inconsistent_pieces(void **state)
{
	struct fx *f = *state;
	start(f, 8, 0);
	f->e.piece = 100;
	/* A piece longer than its frame is refused; the rest of that frame
	 * no longer adds up and is dropped; the next frame is intact. */
	queue(f, 300, 1);
	queue(f, 200, 2);
	f->e.blen_over_once = true;
	expect(f, 200, 2);
	assert_int_equal(f->d.stats.rx_bad, 1);
	assert_int_equal(f->d.stats.rx_incomplete, 1);
	settle(f);
	/* A zero-length piece is ignored. */
	queue(f, 300, 7);
	queue(f, 120, 8);
	f->e.zero_piece_once = true;
	expect(f, 300, 7);
	expect(f, 120, 8);
	assert_int_equal(f->d.stats.rx_bad, 2);
}

static void test_length_change_mid_frame(void **state)
{
	struct fx *f = *state;
	start(f, 8, 0);
	f->e.piece = 150;
	queue(f, 300, 1);
	queue(f, 250, 2);
	/* Frame 1's first piece claims 400 bytes, its second 300: frame 1
	 * is lost, frame 2 arrives intact. */
	f->e.flen_change_once = true;
	expect(f, 250, 2);
	assert_int_equal(f->d.stats.rx_incomplete, 2);
	assert_int_equal(rx(f), 0);
}

static void test_busy_error_unknown(void **state)
{
	struct fx *f = *state;
	start(f, 8, 0);
	queue(f, 100, 1);
	f->e.busy_once = true;
	assert_int_equal(rx(f), 0);
	assert_int_equal(f->d.stats.isr_busy, 1);
	assert_int_equal(f->d.in_isr, 0);
	expect(f, 100, 1);
	settle(f);
	queue(f, 100, 2);
	f->e.fail_isr = 0x0001;
	assert_int_equal(rx(f), -NB_EIO);
	assert_int_equal(f->d.stats.isr_errors, 1);
	/* Next time starts afresh with IN_PROCESS (the emulator counts a
	 * GET_NEXT outside a sequence as a violation). */
	expect(f, 100, 2);
	settle(f);
	queue(f, 100, 3);
	f->e.bogus_flag_once = true;
	assert_int_equal(rx(f), 0);
	assert_int_equal(f->d.stats.isr_unknown, 1);
	expect(f, 100, 3);
	settle(f);
	/* An error after a frame was collected: the frame still comes out,
	 * and the next receive() starts a new sequence. */
	queue(f, 100, 4);
	queue(f, 100, 5);
	f->e.fail_isr_at = f->e.n_isr + 2;
	expect(f, 100, 4);
	assert_int_equal(f->d.stats.isr_errors, 2);
	assert_int_equal(f->d.in_isr, 0);
	expect(f, 100, 5);
}

static void test_ring_full_keeps_sequence_open(void **state)
{
	struct fx *f = *state;
	start(f, 2, 0);
	for (unsigned i = 1; i <= 6; i++)
		queue(f, 100 + i, i);
	expect(f, 101, 1);
	/* Frame 1 to the caller, 2 and 3 to the ring, then stop: the
	 * sequence stays open. */
	assert_int_equal(f->e.calls, 3);
	assert_int_equal(f->d.in_isr, 1);
	expect(f, 102, 2);
	expect(f, 103, 3);
	assert_int_equal(f->e.calls, 3);
	expect(f, 104, 4);
	assert_int_equal(f->e.log[3], OP_ISR(3)); /* continued, not restarted */
	expect(f, 105, 5);
	expect(f, 106, 6);
	/* The sequence that stayed open ends with this visit's DONE. */
	assert_int_equal(rx(f), 0);
	assert_int_equal(f->d.stats.drains, 1);
	assert_int_equal(f->d.in_isr, 0);
}

static void test_ring_disabled(void **state)
{
	struct fx *f = *state;
	start(f, 0, 0);
	for (unsigned i = 1; i <= 3; i++)
		queue(f, 200, i);
	for (unsigned i = 1; i <= 3; i++) {
		expect(f, 200, i);
		assert_int_equal(f->e.calls, i);
	}
	assert_int_equal(rx(f), 0);
	assert_int_equal(f->d.in_isr, 0);
	assert_int_equal(f->e.log[1], OP_ISR(3));
	assert_int_equal(f->e.log[3], OP_ISR(3));
}

static void test_bad_far_pointer(void **state)
{
	struct fx *f = *state;
	start(f, 4, 0);
	f->e.piece = 100;
	queue(f, 300, 1);
	queue(f, 300, 2);
	f->e.bad_ptr_once = true;
	expect(f, 300, 2);
	assert_int_equal(f->d.stats.rx_bad_ptr, 1);
}

static void test_call_bound_mid_frame(void **state)
{
	struct fx *f = *state;
	start(f, 4, 0);
	/* 400 one-byte pieces outlast one drain's call budget: the partial
	 * frame moves from the caller's buffer to the ring and is finished
	 * by the next receive(). */
	f->e.piece = 1;
	queue(f, 400, 1);
	queue(f, 400, 2);
	assert_int_equal(rx(f), 0);
	assert_int_equal(f->e.calls, NB_UNDI_DRAIN_CALLS);
	expect(f, 400, 1);
	expect(f, 400, 2);
	assert_int_equal(rx(f), 0);
	assert_int_equal(f->d.stats.rx_incomplete, 0);

	/* Without a ring the frame is lost, and its leftover pieces are not
	 * taken for the start of another frame. */
	start(f, 0, 0);
	queue(f, 400, 3);
	queue(f, 100, 4);
	assert_int_equal(rx(f), 0);
	assert_int_equal(f->d.stats.rx_incomplete, 1);
	expect(f, 100, 4);
}

static void test_quiesce(void **state)
{
	struct fx *f = *state;
	start(f, 1, 0);
	for (unsigned i = 1; i <= 5; i++)
		queue(f, 100, i);
	expect(f, 100, 1);
	assert_int_equal(f->d.in_isr, 1);
	assert_int_equal(nb_undi_quiesce(&f->d), 0);
	assert_int_equal(f->d.in_isr, 0);
	assert_int_equal(f->e.session, 0);
	assert_int_equal(f->e.ev_count, 0);
	assert_int_equal(f->d.stats.rx_flushed, 4);
	assert_int_equal(rx(f), 0);
	assert_int_equal(nb_undi_quiesce(&f->d), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_init),
		T(test_init_failures),
		T(test_transmit_blocks),
		T(test_transmit_by_protocol),
		T(test_transmit_refused),
		T(test_receive_whole_frames_one_visit),
		T(test_receive_in_pieces),
		T(test_transmit_events_interleaved),
		T(test_oversized_dropped_whole),
		T(test_inconsistent_pieces),
		T(test_length_change_mid_frame),
		T(test_busy_error_unknown),
		T(test_ring_full_keeps_sequence_open),
		T(test_ring_disabled),
		T(test_bad_far_pointer),
		T(test_call_bound_mid_frame),
		T(test_quiesce),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
