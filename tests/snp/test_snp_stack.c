/* A whole stack on the SNP driver, talking to a second stack over a
 * memory link through the emulated firmware. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "duo.h"
#include "emu_snp.h"

static void run(struct emu_snp *e, struct duo *d)
{
	assert_int_equal(duo_pings(d, true, 10, 56), 10);
	assert_int_equal(duo_pings(d, false, 10, 56), 10);
	assert_int_equal(duo_pings(d, true, 5, 1472), 5);
	assert_int_equal(duo_pings(d, false, 5, 1472), 5);
	assert_int_equal(duo_udp_burst(d, 20, 1000), 20);
	assert_int_equal(duo_udp_burst(d, 30, 1472), 30);
	assert_int_equal(duo_udp_burst(d, 10, 2), 10);
	assert_int_equal(d->bad, 0);
	assert_int_equal(e->violations, 0);
}

/* Stack A on the SNP driver (@bufs transmit buffers) over the emulated
 * firmware, which completes transmits at once; stack B on the memlink. */
static struct duo *start(struct emu_snp **ep, struct nb_snp *drv,
			 uint64_t seed, unsigned bufs)
{
	struct emu_snp *e = calloc(1, sizeof(*e));
	struct duo *d = duo_new(NULL, seed);
	assert_non_null(e);
	assert_non_null(d);
	emu_snp_init(e, NB_EFI_SNP_STOPPED, nb_memlink_link(&d->m, 0)->mac);
	e->wire = nb_memlink_link(&d->m, 0);
	e->auto_complete = true;
	assert_int_equal(nb_snp_init(drv, &e->proto, bufs, &d->arena), 0);
	assert_int_equal(duo_start(d, nb_snp_link(drv)), 0);
	*ep = e;
	return d;
}

static void test_stack_over_snp(void **state)
{
	(void)state;
	struct emu_snp *e;
	struct nb_snp drv;
	struct duo *d = start(&e, &drv, 11, 4);
	run(e, d);
	print_message("snp: %u frames out, %u in, %u recycled, %u tx refused\n",
		      drv.stats.tx_frames, drv.stats.rx_frames,
		      drv.stats.tx_recycled, drv.stats.tx_no_buf);
	assert_int_equal(drv.stats.rx_errors + drv.stats.tx_errors, 0);
	assert_int_equal(nb_snp_close(&drv), 0);
	duo_free(d);
	free(e);
}

/* A firmware that completes transmits only when told to: a burst beyond
 * the driver's buffers is refused with -NB_ENOBUFS, which the stack
 * counts as drops, and traffic resumes once buffers come back. */
static void test_stack_over_tight_snp(void **state)
{
	(void)state;
	struct emu_snp *e;
	struct nb_snp drv;
	struct duo *d = start(&e, &drv, 12, 2);
	assert_int_equal(duo_pings(d, true, 1, 56), 1); /* ARP resolved */
	e->auto_complete = false;
	assert_int_equal(duo_udp_burst(d, 10, 300), 2);
	print_message("tight snp: 10 sent, 2 echoed, %u refused (-NB_ENOBUFS), "
		      "stack counted %u drops\n", drv.stats.tx_no_buf,
		      d->a.stats.tx_dropped);
	assert_int_equal(drv.stats.tx_no_buf, 8);
	assert_int_equal(d->a.stats.tx_dropped, 8);
	assert_int_equal(nb_snp_close(&drv), -NB_EAGAIN);
	emu_snp_complete_tx(e, 2);
	assert_int_equal(duo_udp_burst(d, 2, 300), 2);
	emu_snp_complete_tx(e, 2);
	e->auto_complete = true;
	assert_int_equal(duo_pings(d, true, 3, 1000), 3);
	assert_int_equal(e->violations, 0);
	assert_int_equal(nb_snp_close(&drv), 0);
	assert_int_equal(e->mode.state, NB_EFI_SNP_STOPPED);
	duo_free(d);
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stack_over_snp),
		cmocka_unit_test(test_stack_over_tight_snp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
