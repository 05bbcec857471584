/* The SNP driver against an emulated EFI_SIMPLE_NETWORK_PROTOCOL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emu_snp.h"

static const uint8_t MAC[6] = {0x02, 0x00, 0x5e, 0x10, 0x20, 0x30};

struct fx {
	struct emu_snp e;
	struct nb_snp d;
	struct nb_arena arena;
	uint8_t mem[NB_SNP_ARENA_BYTES(NB_SNP_TX_BUFS_MAX)];
	uint8_t buf[NB_ETH_FRAME_MAX];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	emu_snp_init(&f->e, NB_EFI_SNP_STOPPED, MAC);
	nb_arena_init(&f->arena, f->mem, sizeof(f->mem));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	assert_int_equal(f->e.violations, 0);
	free(f);
	return 0;
}

static void frame(uint8_t *p, size_t len, uint8_t tag)
{
	memcpy(p, MAC, 6);
	memset(p + 6, 0x02, 6);
	p[12] = 0x08;
	p[13] = 0x00;
	for (size_t i = 14; i < len; i++)
		p[i] = (uint8_t)(tag + i);
}

static void test_init_from_stopped(void **state)
{
	struct fx *f = *state;
	assert_int_equal(nb_snp_init(&f->d, &f->e.proto, 0, &f->arena), 0);
	assert_int_equal(f->e.mode.state, NB_EFI_SNP_INITIALIZED);
	assert_int_equal(f->e.n_start, 1);
	assert_int_equal(f->e.n_init, 1);
	assert_int_equal(f->e.init_extra_rx, 0);
	assert_int_equal(f->e.init_extra_tx, 0);
	assert_int_equal(f->e.filters_enable,
			 NB_EFI_SNP_RX_UNICAST | NB_EFI_SNP_RX_BROADCAST);
	assert_int_equal(f->e.mode.receive_filter_setting,
			 NB_EFI_SNP_RX_UNICAST | NB_EFI_SNP_RX_BROADCAST);
	struct nb_link *l = nb_snp_link(&f->d);
	assert_memory_equal(l->mac, MAC, 6);
	assert_int_equal(l->mtu, 1500);
	assert_ptr_equal(l->drv, &f->d);
	assert_int_equal(f->d.tx_count, NB_SNP_TX_BUFS_DEFAULT);
	assert_true(nb_arena_mark(&f->arena) <=
		    NB_SNP_ARENA_BYTES(NB_SNP_TX_BUFS_DEFAULT));
	/* Buffers are cache-line aligned for DMA-minded firmware. */
	assert_int_equal((uintptr_t)f->d.tx_buf[0] % 64, 0);
	/* close gives the interface back as found. */
	assert_int_equal(nb_snp_close(&f->d), 0);
	assert_int_equal(f->e.mode.state, NB_EFI_SNP_STOPPED);
	assert_int_equal(f->e.n_shutdown, 1);
	assert_int_equal(f->e.n_stop, 1);
	assert_int_equal(l->ops->transmit(l->drv, f->buf, 60), -NB_EIO);
	assert_int_equal(l->ops->receive(l->drv, f->buf, sizeof(f->buf)), -NB_EIO);
}

static void test_init_from_started_and_initialized(void **state)
{
	struct fx *f = *state;
	f->e.mode.state = NB_EFI_SNP_STARTED;
	assert_int_equal(nb_snp_init(&f->d, &f->e.proto, 1, &f->arena), 0);
	assert_int_equal(f->e.n_start, 0);
	assert_int_equal(f->e.n_init, 1);
	assert_int_equal(nb_snp_close(&f->d), 0);
	assert_int_equal(f->e.mode.state, NB_EFI_SNP_STARTED);
	assert_int_equal(f->e.n_stop, 0);

	/* Already initialised with filters set (e.g. by MNP): nothing to do,
	 * and close leaves it running with its filters. */
	emu_snp_init(&f->e, NB_EFI_SNP_INITIALIZED, MAC);
	f->e.mode.receive_filter_setting = NB_EFI_SNP_RX_UNICAST |
					   NB_EFI_SNP_RX_BROADCAST |
					   NB_EFI_SNP_RX_MULTICAST;
	nb_arena_init(&f->arena, f->mem, sizeof(f->mem));
	assert_int_equal(nb_snp_init(&f->d, &f->e.proto, 1, &f->arena), 0);
	assert_int_equal(f->e.n_start + f->e.n_init + f->e.n_filters, 0);
	assert_int_equal(nb_snp_close(&f->d), 0);
	assert_int_equal(f->e.mode.state, NB_EFI_SNP_INITIALIZED);
	assert_int_equal(f->e.n_shutdown + f->e.n_stop + f->e.n_filters, 0);

	/* Initialized with only unicast: we add broadcast, close takes it
	 * away again. */
	emu_snp_init(&f->e, NB_EFI_SNP_INITIALIZED, MAC);
	f->e.mode.receive_filter_setting = NB_EFI_SNP_RX_UNICAST;
	nb_arena_init(&f->arena, f->mem, sizeof(f->mem));
	assert_int_equal(nb_snp_init(&f->d, &f->e.proto, 1, &f->arena), 0);
	assert_int_equal(f->e.mode.receive_filter_setting,
			 NB_EFI_SNP_RX_UNICAST | NB_EFI_SNP_RX_BROADCAST);
	assert_int_equal(nb_snp_close(&f->d), 0);
	assert_int_equal(f->e.mode.receive_filter_setting, NB_EFI_SNP_RX_UNICAST);
}

static void test_init_failures(void **state)
{
	struct fx *f = *state;
	size_t mark = nb_arena_mark(&f->arena);
	assert_int_equal(nb_snp_init(NULL, &f->e.proto, 0, &f->arena), -NB_EINVAL);
	assert_int_equal(nb_snp_init(&f->d, NULL, 0, &f->arena), -NB_EINVAL);
	assert_int_equal(nb_snp_init(&f->d, &f->e.proto, 0, NULL), -NB_EINVAL);
	assert_int_equal(nb_snp_init(&f->d, &f->e.proto, NB_SNP_TX_BUFS_MAX + 1,
				     &f->arena), -NB_EINVAL);
	f->e.proto.mode = NULL;
	assert_int_equal(nb_snp_init(&f->d, &f->e.proto, 0, &f->arena), -NB_EINVAL);
	f->e.proto.mode = &f->e.mode;

	/* Start fails: nothing changed, arena untouched. */
	f->e.fail_start = NB_EFI_DEVICE_ERROR;
	assert_int_equal(nb_snp_init(&f->d, &f->e.proto, 0, &f->arena), -NB_EIO);
	assert_int_equal(f->e.mode.state, NB_EFI_SNP_STOPPED);
	assert_int_equal(nb_arena_mark(&f->arena), mark);

	/* Initialize fails: the Start we did is undone. */
	f->e.fail_init = NB_EFI_DEVICE_ERROR;
	assert_int_equal(nb_snp_init(&f->d, &f->e.proto, 0, &f->arena), -NB_EIO);
	assert_int_equal(f->e.mode.state, NB_EFI_SNP_STOPPED);
	assert_int_equal(f->e.n_stop, 1);

	/* Filters fail and are not in effect: Shutdown and Stop. */
	f->e.fail_filters = NB_EFI_DEVICE_ERROR;
	assert_int_equal(nb_snp_init(&f->d, &f->e.proto, 0, &f->arena), -NB_EIO);
	assert_int_equal(f->e.mode.state, NB_EFI_SNP_STOPPED);
	assert_int_equal(nb_arena_mark(&f->arena), mark);

	/* Not Ethernet. */
	f->e.mode.hw_address_size = 8;
	assert_int_equal(nb_snp_init(&f->d, &f->e.proto, 0, &f->arena), -NB_ENOTSUP);
	assert_int_equal(f->e.mode.state, NB_EFI_SNP_STOPPED);
	f->e.mode.hw_address_size = 6;
	f->e.mode.max_packet_size = 40;
	assert_int_equal(nb_snp_init(&f->d, &f->e.proto, 0, &f->arena), -NB_ENOTSUP);
	f->e.mode.max_packet_size = 1500;

	/* Arena one byte short: -NB_ENOMEM before any firmware call. */
	unsigned calls = f->e.n_start;
	struct nb_arena small;
	nb_arena_init(&small, f->mem, 4 * NB_SNP_TX_BUF_SIZE - 1);
	assert_int_equal(nb_snp_init(&f->d, &f->e.proto, 4, &small), -NB_ENOMEM);
	assert_int_equal(nb_arena_mark(&small), 0);
	assert_int_equal(f->e.n_start, calls);
	/* Exactly NB_SNP_ARENA_BYTES is enough even when misaligned. */
	nb_arena_init(&small, f->mem + 1, NB_SNP_ARENA_BYTES(4));
	assert_int_equal(nb_snp_init(&f->d, &f->e.proto, 4, &small), 0);
	assert_int_equal(nb_snp_close(&f->d), 0);
}

static void test_mtu_and_filter_fallback(void **state)
{
	struct fx *f = *state;
	f->e.mode.max_packet_size = 9000;
	assert_int_equal(nb_snp_init(&f->d, &f->e.proto, 1, &f->arena), 0);
	assert_int_equal(f->d.link.mtu, 1500);
	assert_int_equal(nb_snp_close(&f->d), 0);

	f->e.mode.max_packet_size = 1400;
	/* No unicast filtering: promiscuous instead. */
	f->e.mode.receive_filter_mask = NB_EFI_SNP_RX_BROADCAST |
					NB_EFI_SNP_RX_PROMISCUOUS;
	assert_int_equal(nb_snp_init(&f->d, &f->e.proto, 1, &f->arena), 0);
	assert_int_equal(f->d.link.mtu, 1400);
	assert_int_equal(f->e.filters_enable,
			 NB_EFI_SNP_RX_BROADCAST | NB_EFI_SNP_RX_PROMISCUOUS);
	/* Frames beyond the mode's size are refused before the firmware. */
	struct nb_link *l = nb_snp_link(&f->d);
	frame(f->buf, 1415, 0);
	assert_int_equal(l->ops->transmit(l->drv, f->buf, 1415), -NB_EMSGSIZE);
	assert_int_equal(f->d.stats.tx_too_long, 1);
	assert_int_equal(l->ops->transmit(l->drv, f->buf, 1414), 0);
	assert_int_equal(f->e.n_tx, 1);
	emu_snp_complete_tx(&f->e, 1);
	assert_int_equal(nb_snp_close(&f->d), 0);
}

static void test_receive(void **state)
{
	struct fx *f = *state;
	assert_int_equal(nb_snp_init(&f->d, &f->e.proto, 0, &f->arena), 0);
	struct nb_link *l = nb_snp_link(&f->d);
	uint8_t fr[3][200];
	for (int i = 0; i < 3; i++) {
		frame(fr[i], 100 + i * 50, (uint8_t)i);
		assert_int_equal(emu_snp_queue_rx(&f->e, fr[i], 100 + i * 50), 0);
	}
	for (int i = 0; i < 3; i++) {
		int n = l->ops->receive(l->drv, f->buf, sizeof(f->buf));
		assert_int_equal(n, 100 + i * 50);
		assert_memory_equal(f->buf, fr[i], (size_t)n);
	}
	/* EFI_NOT_READY: nothing pending. */
	assert_int_equal(l->ops->receive(l->drv, f->buf, sizeof(f->buf)), 0);
	assert_int_equal(f->d.stats.rx_frames, 3);
	assert_int_equal(f->e.n_rx, 4);
	/* One drain of three frames; the next run starts from 0. */
	assert_int_equal(f->d.stats.rx_empty, 1);
	assert_int_equal(f->d.stats.rx_run_max, 3);
	assert_int_equal(emu_snp_queue_rx(&f->e, fr[0], 100), 0);
	assert_int_equal(l->ops->receive(l->drv, f->buf, sizeof(f->buf)), 100);
	assert_int_equal(f->d.stats.rx_run, 1);
	assert_int_equal(f->d.stats.rx_run_max, 3);
}

static void test_receive_too_big(void **state)
{
	struct fx *f = *state;
	assert_int_equal(nb_snp_init(&f->d, &f->e.proto, 0, &f->arena), 0);
	struct nb_link *l = nb_snp_link(&f->d);
	uint8_t big[1600], ok[80];
	frame(big, sizeof(big), 1);
	frame(ok, sizeof(ok), 2);
	emu_snp_queue_rx(&f->e, big, sizeof(big));
	emu_snp_queue_rx(&f->e, ok, sizeof(ok));
	/* The oversized frame is dropped, the next one delivered whole. */
	assert_int_equal(l->ops->receive(l->drv, f->buf, sizeof(f->buf)), 80);
	assert_memory_equal(f->buf, ok, 80);
	assert_int_equal(f->d.stats.rx_too_big, 1);

	/* Firmware that keeps the frame queued: bounded work per call. */
	f->e.keep_too_small = true;
	emu_snp_queue_rx(&f->e, big, sizeof(big));
	unsigned before = f->e.n_rx;
	assert_int_equal(l->ops->receive(l->drv, f->buf, sizeof(f->buf)), 0);
	assert_int_equal(f->e.n_rx - before, NB_SNP_RX_TRIES);
	/* A caller buffer smaller than a frame: dropped, not truncated. */
	f->e.keep_too_small = false;
	assert_int_equal(l->ops->receive(l->drv, f->buf, 1514), 0);
	emu_snp_queue_rx(&f->e, ok, sizeof(ok));
	assert_int_equal(l->ops->receive(l->drv, f->buf, 60), 0);
	assert_int_equal(f->d.stats.rx_too_big, 1 + NB_SNP_RX_TRIES + 2);
}

static void test_receive_errors(void **state)
{
	struct fx *f = *state;
	assert_int_equal(nb_snp_init(&f->d, &f->e.proto, 0, &f->arena), 0);
	struct nb_link *l = nb_snp_link(&f->d);
	uint8_t ok[64];
	frame(ok, sizeof(ok), 3);
	emu_snp_queue_rx(&f->e, ok, sizeof(ok));
	f->e.fail_rx = NB_EFI_DEVICE_ERROR;
	assert_int_equal(l->ops->receive(l->drv, f->buf, sizeof(f->buf)), -NB_EIO);
	assert_int_equal(f->d.stats.rx_errors, 1);
	/* The error was transient: the frame is still there. */
	assert_int_equal(l->ops->receive(l->drv, f->buf, sizeof(f->buf)), 64);
	/* The interface stopped under us (someone called Stop). */
	f->e.mode.state = NB_EFI_SNP_STOPPED;
	assert_int_equal(l->ops->receive(l->drv, f->buf, sizeof(f->buf)), -NB_EIO);
	assert_int_equal(l->ops->transmit(l->drv, ok, sizeof(ok)), -NB_EIO);
	f->e.mode.state = NB_EFI_SNP_INITIALIZED;
}

static void test_transmit_copies_and_pads(void **state)
{
	struct fx *f = *state;
	assert_int_equal(nb_snp_init(&f->d, &f->e.proto, 2, &f->arena), 0);
	struct nb_link *l = nb_snp_link(&f->d);
	uint8_t fr[42];
	frame(fr, sizeof(fr), 9);
	assert_int_equal(l->ops->transmit(l->drv, fr, sizeof(fr)), 0);
	memset(fr, 0xee, sizeof(fr)); /* the caller reuses its buffer */
	assert_int_equal(f->e.sent_count, 1);
	assert_int_equal(f->e.sent_len[0], 60);
	uint8_t want[60] = {0};
	frame(want, 42, 9);
	assert_memory_equal(f->e.sent[0], want, 60);
	assert_ptr_equal(f->e.inflight[0], f->d.tx_buf[0]);
	/* Full-size frame. */
	uint8_t max[NB_ETH_FRAME_MAX];
	frame(max, sizeof(max), 4);
	assert_int_equal(l->ops->transmit(l->drv, max, sizeof(max)), 0);
	assert_int_equal(f->e.sent_len[1], NB_ETH_FRAME_MAX);
	assert_memory_equal(f->e.sent[1], max, sizeof(max));
	assert_int_equal(l->ops->transmit(l->drv, max, 13), -NB_EINVAL);
	emu_snp_complete_tx(&f->e, 2);
	assert_int_equal(nb_snp_close(&f->d), 0);
}

static void test_transmit_exhaustion_and_recycling(void **state)
{
	struct fx *f = *state;
	assert_int_equal(nb_snp_init(&f->d, &f->e.proto, 2, &f->arena), 0);
	struct nb_link *l = nb_snp_link(&f->d);
	uint8_t fr[100];
	frame(fr, sizeof(fr), 5);
	assert_int_equal(l->ops->transmit(l->drv, fr, sizeof(fr)), 0);
	assert_int_equal(l->ops->transmit(l->drv, fr, sizeof(fr)), 0);
	/* Both buffers are the firmware's: -NB_ENOBUFS, after asking. */
	unsigned st = f->e.n_status;
	assert_int_equal(l->ops->transmit(l->drv, fr, sizeof(fr)), -NB_ENOBUFS);
	assert_true(f->e.n_status > st);
	assert_int_equal(f->d.stats.tx_no_buf, 1);
	assert_int_equal(f->e.n_tx, 2);
	/* One completes: GetStatus hands it back and it is reused. */
	emu_snp_complete_tx(&f->e, 1);
	void *first = f->e.done[0];
	assert_int_equal(l->ops->transmit(l->drv, fr, sizeof(fr)), 0);
	assert_int_equal(f->d.stats.tx_recycled, 1);
	assert_ptr_equal(f->e.inflight[1], first);
	assert_int_equal(nb_snp_close(&f->d), -NB_EAGAIN);
	assert_int_equal(f->e.mode.state, NB_EFI_SNP_INITIALIZED);
	emu_snp_complete_tx(&f->e, 2);
	/* An idle receive makes no GetStatus call (one per poll would
	 * cost more than it saves); the buffers wait for transmit. */
	st = f->e.n_status;
	assert_int_equal(l->ops->receive(l->drv, f->buf, sizeof(f->buf)), 0);
	assert_int_equal(f->e.n_status, st);
	assert_int_equal(f->d.stats.tx_recycled, 1);
	assert_int_equal(nb_snp_reclaim(&f->d), 0);
	assert_int_equal(f->d.tx_busy, 0);
	assert_int_equal(f->d.stats.tx_recycled, 3);
	/* A pointer that is not ours in flight is counted, not trusted. */
	f->e.bogus_recycle = fr;
	assert_int_equal(nb_snp_reclaim(&f->d), 0);
	assert_int_equal(f->d.stats.tx_bad_recycle, 0); /* nothing busy: no call */
	assert_int_equal(l->ops->transmit(l->drv, fr, sizeof(fr)), 0);
	assert_int_equal(nb_snp_reclaim(&f->d), 1);
	assert_int_equal(f->d.stats.tx_bad_recycle, 1);
	emu_snp_complete_tx(&f->e, 1);
	f->e.fail_status = NB_EFI_DEVICE_ERROR;
	assert_int_equal(nb_snp_reclaim(&f->d), 1);
	assert_int_equal(f->d.stats.status_errors, 1);
	assert_int_equal(nb_snp_close(&f->d), 0);
}

/* A receive drain's ACKs leave in one burst while the firmware finishes
 * none of them (QEMU sends from its main loop, later): the default
 * buffers hold a whole drain's worth, 32 ACKs for 64 frames. */
static void test_transmit_burst_firmware_late(void **state)
{
	struct fx *f = *state;
	assert_int_equal(nb_snp_init(&f->d, &f->e.proto, 0, &f->arena), 0);
	struct nb_link *l = nb_snp_link(&f->d);
	uint8_t ack[54];
	frame(ack, sizeof(ack), 7);
	for (int i = 0; i < 32; i++)
		assert_int_equal(l->ops->transmit(l->drv, ack, sizeof(ack)), 0);
	assert_int_equal(f->d.stats.tx_no_buf, 0);
	assert_int_equal(f->e.sent_count, 32);
	emu_snp_complete_tx(&f->e, 32);
	assert_int_equal(nb_snp_close(&f->d), 0);
}

static void test_transmit_firmware_refuses(void **state)
{
	struct fx *f = *state;
	assert_int_equal(nb_snp_init(&f->d, &f->e.proto, 3, &f->arena), 0);
	struct nb_link *l = nb_snp_link(&f->d);
	uint8_t fr[100];
	frame(fr, sizeof(fr), 6);
	f->e.tx_status = NB_EFI_NOT_READY;
	for (int i = 0; i < 5; i++)
		assert_int_equal(l->ops->transmit(l->drv, fr, sizeof(fr)), -NB_ENOBUFS);
	/* Each refusal asked twice, a recycling pass between. */
	assert_int_equal(f->d.stats.tx_fw_busy, 10);
	f->e.tx_status = 0;
	/* The refusals did not leak buffers: all three are usable. */
	for (int i = 0; i < 3; i++)
		assert_int_equal(l->ops->transmit(l->drv, fr, sizeof(fr)), 0);
	f->e.fail_tx = NB_EFI_DEVICE_ERROR;
	emu_snp_complete_tx(&f->e, 3);
	assert_int_equal(l->ops->transmit(l->drv, fr, sizeof(fr)), -NB_EIO);
	assert_int_equal(f->d.stats.tx_errors, 1);
	/* A firmware queue shorter than our buffers: NOT_READY, then a
	 * GetStatus pass frees its queue and the retry goes through. */
	f->e.tx_queue_max = 1;
	f->e.auto_complete = true;
	for (int i = 0; i < 10; i++)
		assert_int_equal(l->ops->transmit(l->drv, fr, sizeof(fr)), 0);
	assert_int_equal(f->d.stats.tx_frames, 13);
	assert_int_equal(nb_snp_close(&f->d), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_from_stopped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_from_started_and_initialized,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mtu_and_filter_fallback, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_receive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_receive_too_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_receive_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transmit_copies_and_pads, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_transmit_exhaustion_and_recycling,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_transmit_burst_firmware_late,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_transmit_firmware_refuses, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
