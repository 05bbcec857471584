/*
 * The ABI check as an embedder meets it: this file sees only the public
 * headers (netboot_dep).  Built twice: once as the library was configured
 * (every checked init/start must pass the check), and once with
 * -DNB_ARP_CACHE_SIZE set to another value than the library's, which
 * makes struct nb_stack another size: every checked call must then fail
 * with -NB_EABI and leave the caller's structs untouched, instead of the
 * library writing a larger ARP cache over whatever follows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "netboot/dhcp.h"
#include "netboot/dns.h"
#include "netboot/http.h"
#include "netboot/stack.h"
#include "netboot/tcp.h"
#include "netboot/tftp.h"

static int tx(void *drv, const void *frame, size_t len)
{
	(void)drv, (void)frame, (void)len;
	return 0;
}
static int rx(void *drv, void *buf, size_t cap)
{
	(void)drv, (void)buf, (void)cap;
	return 0;
}
static int fill(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	memset(buf, 0x42, len);
	return 0;
}
static const struct nb_link_ops ops = {tx, rx};

/* The stack plus a guard: what a larger library view would overwrite. */
struct guarded {
	struct nb_stack s;
	uint8_t guard[4096];
};

static void check(void **state)
{
	(void)state;
	struct nb_link link = {&ops, NULL, {2, 0, 0, 0, 0, 1}, 1500, 0};
	struct nb_rng rng = {fill, NULL};
	static uint8_t mem[NB_STACK_ARENA_BYTES + 65536];
	struct nb_arena arena;
	nb_arena_init(&arena, mem, sizeof(mem));
	static struct guarded g;
	static struct nb_tcp tcp;
	memset(&g, 0xa5, sizeof(g));
	memset(&tcp, 0xa5, sizeof(tcp));
#ifdef NB_ABI_EXPECT_MISMATCH
	const int want = -NB_EABI;
#else
	const int want = 0;
#endif
	assert_int_equal(nb_stack_init(&g.s, &link, &rng, &arena), want);
	assert_int_equal(nb_tcp_init(&tcp, &g.s), want);
	for (size_t i = 0; i < sizeof(g.guard); i++)
		assert_int_equal(g.guard[i], 0xa5);
#ifdef NB_ABI_EXPECT_MISMATCH
	/* Refused before anything was touched, arena included. */
	assert_int_equal(nb_arena_mark(&arena), 0);
	for (size_t i = 0; i < sizeof(g.s); i++)
		assert_int_equal(((uint8_t *)&g.s)[i], 0xa5);
	/* The other checked entry points refuse before looking at their
	 * arguments. */
	assert_int_equal(nb_dhcp_start(NULL, NULL, NULL, 0), -NB_EABI);
	assert_int_equal(nb_tftp_start(NULL, NULL, NULL, NULL, 0), -NB_EABI);
	assert_int_equal(nb_tftp_start_io(NULL, NULL, NULL, NULL, NULL, 0),
			 -NB_EABI);
	assert_int_equal(nb_http_start(NULL, NULL, NULL, NULL, 0), -NB_EABI);
	assert_int_equal(nb_dns_start(NULL, NULL, "x"), -NB_EABI);
	assert_non_null(strstr(nb_strerror(-NB_EABI), "ABI"));
#else
	assert_int_equal(nb_abi_check(NB_ABI_DHCP, NB_DHCP_ABI_ID), 0);
	assert_int_equal(nb_abi_check(NB_ABI_TFTP, NB_TFTP_ABI_ID), 0);
	assert_int_equal(nb_abi_check(NB_ABI_HTTP, NB_HTTP_ABI_ID), 0);
	assert_int_equal(nb_abi_check(NB_ABI_DNS, NB_DNS_ABI_ID), 0);
	/* Ids are per struct, and unknown kinds are refused. */
	assert_int_equal(nb_abi_check(NB_ABI_DNS, NB_TCP_ABI_ID), -NB_EABI);
	assert_int_equal(nb_abi_check(NB_ABI_KINDS, NB_STACK_ABI_ID), -NB_EABI);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(check)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
