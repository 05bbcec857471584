/*
 * Unit tests of cl_dhcp6_msg_len: the DHCPv6 Reply UEFI PXEv6 leaves in
 * PXE Base Code's 1472-byte DhcpAck, cut at its real end, and that cut
 * adopted by nb_dhcp6_use_cached even when the buffer's tail held old
 * bytes rather than zeros.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dhcp6msg.h"
#include "netboot/dhcp6.h"
#include "netboot/err.h"

static size_t opt(uint8_t *b, size_t at, uint16_t code, const void *v, size_t n)
{
	b[at] = (uint8_t)(code >> 8);
	b[at + 1] = (uint8_t)code;
	b[at + 2] = (uint8_t)(n >> 8);
	b[at + 3] = (uint8_t)n;
	memcpy(b + at + 4, v, n);
	return at + 4 + n;
}

/* A Reply as dnsmasq answers OVMF's PXEv6: Client and Server IDs, an
 * IA_NA with fd90::142, the boot file URL and a option 210. */
static size_t reply(uint8_t *b)
{
	static const uint8_t cid[] = {0, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	static const uint8_t sid[] = {0, 1, 0, 1, 0x2c, 0x2d, 0x2e, 0x2f, 2, 0, 0, 0, 0, 1};
	static const uint8_t ia[] = {
		0, 0, 0, 1, 0, 0, 0, 100, 0, 0, 0, 200, /* IAID, T1, T2 */
		0, 5, 0, 24, 0xfd, 0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x42,
		0, 0, 0x0e, 0x10, 0, 0, 0x0e, 0x10};
	static const char url[] = "tftp://[fd90::1]/nbchain.efi";
	static const char prefix[] = "http://[fd90::1]/";
	b[0] = NB_DHCP6_REPLY;
	b[1] = 0x12, b[2] = 0x34, b[3] = 0x56;
	size_t at = opt(b, 4, 1, cid, sizeof(cid));
	at = opt(b, at, 2, sid, sizeof(sid));
	at = opt(b, at, 3, ia, sizeof(ia));
	at = opt(b, at, 59, url, sizeof(url) - 1);
	return opt(b, at, 210, prefix, sizeof(prefix) - 1);
}

static void test_zero_fill(void **state)
{
	(void)state;
	uint8_t b[1472] = {0};
	size_t n = reply(b);
	assert_int_equal(cl_dhcp6_msg_len(b, sizeof(b)), n);
}

static void test_old_bytes_after(void **state)
{
	(void)state;
	uint8_t b[1472];
	/* An earlier, longer packet's bytes: a code-0 option, then junk. */
	memset(b, 0xa5, sizeof(b));
	size_t n = reply(b);
	b[n] = 0, b[n + 1] = 0;
	assert_int_equal(cl_dhcp6_msg_len(b, sizeof(b)), n);
	/* Junk whose length runs past the buffer ends it too. */
	memset(b, 0xff, sizeof(b));
	n = reply(b);
	assert_int_equal(cl_dhcp6_msg_len(b, sizeof(b)), n);
	struct nb_dhcp6 c;
	assert_int_equal(nb_dhcp6_use_cached(&c, b, cl_dhcp6_msg_len(b, sizeof(b))), 0);
	assert_int_equal(c.lease.addr[15], 0x42);
	assert_string_equal(c.lease.boot_url, "tftp://[fd90::1]/nbchain.efi");
	char v[64];
	int m = nb_dhcp6_option(&c, 210, v, sizeof(v));
	assert_int_equal(m, 17);
	assert_memory_equal(v, "http://[fd90::1]/", 17);
}

static void test_short_and_cut(void **state)
{
	(void)state;
	uint8_t b[1472] = {0};
	assert_int_equal(cl_dhcp6_msg_len(b, 3), 0);
	assert_int_equal(cl_dhcp6_msg_len(b, 4), 4);
	size_t n = reply(b);
	/* A buffer that ends inside the last option keeps the ones before. */
	assert_true(cl_dhcp6_msg_len(b, n - 1) < n - 1);
	assert_int_equal(cl_dhcp6_msg_len(b, n - 1), n - 4 - 17);
	/* Exactly the message, no room for a further header. */
	assert_int_equal(cl_dhcp6_msg_len(b, n + 3), n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero_fill),
		cmocka_unit_test(test_old_bytes_after),
		cmocka_unit_test(test_short_and_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
