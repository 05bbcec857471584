/* lib/ip6: SLAAC identifiers (EUI-64, RFC 7217 stable privacy). */
#include "ip6_test.h"

static const uint8_t PREFIX[16] = {0xfd, 0x90, 0, 0, 0, 0, 0, 1};
static const uint8_t MAC[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

static void eui64(void **state)
{
	(void)state;
	uint8_t a[16];
	static const uint8_t want[16] = {0xfd, 0x90, 0, 0, 0, 0, 0, 1,
					 0x50, 0x54, 0x00, 0xff, 0xfe, 0x12, 0x34, 0x56};
	nb_ip6_eui64(PREFIX, MAC, a);
	assert_memory_equal(a, want, 16);
	uint8_t mc[6];
	uint8_t sn[16];
	nb_ip6_solicited_node(a, sn);
	nb_ip6_multicast_mac(sn, mc);
	static const uint8_t want_mc[6] = {0x33, 0x33, 0xff, 0x12, 0x34, 0x56};
	assert_memory_equal(mc, want_mc, 6);
}

static int fill(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	for (size_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = (uint8_t)(i * 13 + 5);
	return 0;
}

static void stable(void **state)
{
	(void)state;
	struct nb_rng rng = {fill, NULL};
	uint8_t key[NB_IP6_SECRET_LEN], a[16], b[16], c[16];
	assert_int_equal(nb_ip6_secret(&rng, key), 0);
	assert_int_equal(nb_ip6_stable_addr(PREFIX, 64, MAC, 6, 0, key, a), 0);
	assert_int_equal(nb_ip6_stable_addr(PREFIX, 64, MAC, 6, 0, key, b), 0);
	assert_memory_equal(a, b, 16); /* stable */
	assert_memory_equal(a, PREFIX, 8);
	uint8_t e[16];
	nb_ip6_eui64(PREFIX, MAC, e);
	assert_memory_not_equal(a, e, 16); /* the MAC does not show */
	assert_int_equal(nb_ip6_stable_addr(PREFIX, 64, MAC, 6, 1, key, c), 0);
	assert_memory_not_equal(a, c, 16); /* a DAD conflict moves it */
	key[0] ^= 1;
	assert_int_equal(nb_ip6_stable_addr(PREFIX, 64, MAC, 6, 0, key, c), 0);
	assert_memory_not_equal(a, c, 16); /* the secret matters */
	assert_int_equal(nb_ip6_stable_addr(PREFIX, 48, MAC, 6, 0, key, c), -NB_EINVAL);
	struct nb_rng none = {NULL, NULL};
	assert_int_equal(nb_ip6_secret(&none, key), -NB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(eui64),
		cmocka_unit_test(stable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
