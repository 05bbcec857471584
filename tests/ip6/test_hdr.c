/* lib/ip6: input validation and the extension-header rules of RFC 8200 4. */
#include "ip6_test.h"

static uint8_t p[2048];
static struct nb_ip6_info in;

static void plain_udp(void **state)
{
	(void)state;
	uint8_t udp[12] = {0};
	size_t n = pk(p, PEER, SELF, NB_IP6_UDP, 64, udp, sizeof(udp));
	/* Link padding after the payload is not part of the packet. */
	assert_int_equal(nb_ip6_parse(p, n + 6, &in), 0);
	assert_int_equal(in.proto, NB_IP6_UDP);
	assert_int_equal(in.off, 40);
	assert_int_equal(in.end, n);
	assert_false(in.frag);
	assert_int_equal(in.nh_at, 6);
}

/* The largest payload: offsets past 65535 stay exact. */
static void largest_payload(void **state)
{
	(void)state;
	static uint8_t big[40 + 65535];
	static uint8_t body[65535];
	body[0] = NB_IP6_UDP;
	body[1] = 255; /* 2 KiB of destination options, then UDP */
	memset(body + 2, 0, 2048 - 2); /* Pad1s */
	pk(big, PEER, SELF, NB_IP6_DSTOPTS, 64, body, sizeof(body));
	assert_int_equal(nb_ip6_parse(big, sizeof(big), &in), 0);
	assert_int_equal(in.end, 40 + 65535);
	assert_int_equal(in.off, 40 + 2048);
	assert_int_equal(in.proto, NB_IP6_UDP);
}

static void bad_fixed_header(void **state)
{
	(void)state;
	uint8_t udp[8] = {0};
	size_t n = pk(p, PEER, SELF, NB_IP6_UDP, 64, udp, sizeof(udp));
	assert_int_equal(nb_ip6_parse(p, 39, &in), -NB_EMSGSIZE);
	assert_int_equal(nb_ip6_parse(p, n - 1, &in), -NB_EMSGSIZE);
	p[0] = 0x40;
	assert_int_equal(nb_ip6_parse(p, n, &in), -NB_EPROTO);
	pk(p, ALLNODES, SELF, NB_IP6_UDP, 64, udp, sizeof(udp));
	assert_int_equal(nb_ip6_parse(p, n, &in), -NB_EPROTO); /* multicast src */
	pk(p, PEER, SELF, NB_IP6_UDP, 64, udp, 0);
	assert_int_equal(nb_ip6_parse(p, n, &in), -NB_ENOTSUP); /* jumbogram */
}

/* Hop-by-hop after another header: unknown next header, code 1. */
static void hopopts_only_first(void **state)
{
	(void)state;
	uint8_t b[24] = {NB_IP6_HOPOPTS, 0, 1, 4, 0, 0, 0, 0,
			 NB_IP6_UDP, 0, 1, 4};
	b[0] = NB_IP6_HOPOPTS;
	size_t n = pk(p, PEER, SELF, NB_IP6_DSTOPTS, 64, b, sizeof(b));
	assert_int_equal(nb_ip6_parse(p, n, &in), -NB_ENOTSUP);
	assert_int_equal(in.pp_code, 1);
	assert_int_equal(in.pp_ptr, 40);
	assert_true(in.pp_send);
	/* First is fine. */
	n = pk(p, PEER, SELF, NB_IP6_HOPOPTS, 64, b + 8, 16);
	p[40] = NB_IP6_UDP;
	assert_int_equal(nb_ip6_parse(p, n, &in), 0);
	assert_int_equal(in.proto, NB_IP6_UDP);
	assert_int_equal(in.off, 48);
}

/* The option type's two high bits (RFC 8200 4.2). */
static int with_option(uint8_t type, const uint8_t *dst)
{
	uint8_t b[16] = {NB_IP6_UDP, 0, type, 2, 0, 0, 1, 0};
	size_t n = pk(p, PEER, dst, NB_IP6_DSTOPTS, 64, b, sizeof(b));
	return nb_ip6_parse(p, n, &in);
}

static void unknown_options(void **state)
{
	(void)state;
	assert_int_equal(with_option(0x1e, SELF), 0); /* 00: skip */
	assert_int_equal(in.proto, NB_IP6_UDP);
	assert_int_equal(with_option(0x5e, SELF), -NB_ENOTSUP); /* 01: drop */
	assert_false(in.pp_send);
	assert_int_equal(with_option(0x9e, ALLNODES), -NB_ENOTSUP); /* 10 */
	assert_true(in.pp_send);
	assert_int_equal(in.pp_code, 2);
	assert_int_equal(in.pp_ptr, 42);
	assert_int_equal(with_option(0xde, ALLNODES), -NB_ENOTSUP); /* 11 */
	assert_false(in.pp_send);
	assert_int_equal(with_option(0xde, SELF), -NB_ENOTSUP);
	assert_true(in.pp_send);
	assert_int_equal(in.pp_code, 2);
	/* Jumbo payload (0xc2) is unknown to us as well. */
	assert_int_equal(with_option(0xc2, SELF), -NB_ENOTSUP);
}

static void option_lengths(void **state)
{
	(void)state;
	/* PadN running past the header: erroneous field at its length. */
	uint8_t b[8] = {NB_IP6_UDP, 0, 1, 5, 0, 0, 0, 0};
	size_t n = pk(p, PEER, SELF, NB_IP6_DSTOPTS, 64, b, sizeof(b));
	assert_int_equal(nb_ip6_parse(p, n, &in), -NB_EPROTO);
	assert_int_equal(in.pp_code, 0);
	assert_int_equal(in.pp_ptr, 43);
	/* Zero-length PadN options and Pad1s walk to the end. */
	uint8_t z[8] = {NB_IP6_UDP, 0, 1, 0, 0, 1, 0, 0};
	n = pk(p, PEER, SELF, NB_IP6_DSTOPTS, 64, z, sizeof(z));
	assert_int_equal(nb_ip6_parse(p, n, &in), 0);
	/* A type byte as the header's last byte has no length field. */
	uint8_t t[8] = {NB_IP6_UDP, 0, 0, 0, 0, 0, 0, 1};
	n = pk(p, PEER, SELF, NB_IP6_DSTOPTS, 64, t, sizeof(t));
	assert_int_equal(nb_ip6_parse(p, n, &in), -NB_EPROTO);
	/* Header length beyond the payload. */
	uint8_t h[8] = {NB_IP6_UDP, 3, 1, 4, 0, 0, 0, 0};
	n = pk(p, PEER, SELF, NB_IP6_HOPOPTS, 64, h, sizeof(h));
	assert_int_equal(nb_ip6_parse(p, n, &in), -NB_EMSGSIZE);
	/* Fewer than 8 bytes for a header. */
	n = pk(p, PEER, SELF, NB_IP6_DSTOPTS, 64, h, 4);
	assert_int_equal(nb_ip6_parse(p, n, &in), -NB_EMSGSIZE);
}

static void routing_header(void **state)
{
	(void)state;
	uint8_t r[24] = {NB_IP6_UDP, 2, 0, 0};
	size_t n = pk(p, PEER, SELF, NB_IP6_ROUTING, 64, r, sizeof(r));
	assert_int_equal(nb_ip6_parse(p, n, &in), 0); /* segments left 0 */
	assert_int_equal(in.off, 64);
	p[40 + 2] = 4;  /* an unknown type */
	p[40 + 3] = 1;
	assert_int_equal(nb_ip6_parse(p, n, &in), -NB_EPROTO);
	assert_int_equal(in.pp_code, 0);
	assert_int_equal(in.pp_ptr, 42);
}

static void none_and_unknown(void **state)
{
	(void)state;
	uint8_t b[8] = {NB_IP6_NONE};
	size_t n = pk(p, PEER, SELF, NB_IP6_DSTOPTS, 64, b, sizeof(b));
	assert_int_equal(nb_ip6_parse(p, n, &in), 0);
	assert_int_equal(in.proto, NB_IP6_NONE);
	assert_int_equal(in.off, in.end);
	/* An upper layer we lack: named with where its Next Header sits. */
	b[0] = 253;
	pk(p, PEER, SELF, NB_IP6_DSTOPTS, 64, b, sizeof(b));
	assert_int_equal(nb_ip6_parse(p, n, &in), 0);
	assert_int_equal(in.proto, 253);
	assert_int_equal(in.nh_at, 40);
}

static void fragments(void **state)
{
	(void)state;
	uint8_t f[24] = {NB_IP6_UDP, 0, 0, 0, 0, 0, 0, 9};
	/* Atomic (RFC 6946): processed in place. */
	size_t n = pk(p, PEER, SELF, NB_IP6_FRAGMENT, 64, f, sizeof(f));
	assert_int_equal(nb_ip6_parse(p, n, &in), 0);
	assert_false(in.frag);
	assert_int_equal(in.proto, NB_IP6_UDP);
	assert_int_equal(in.off, 48);
	/* First of several. */
	f[3] = 1;
	pk(p, PEER, SELF, NB_IP6_FRAGMENT, 64, f, sizeof(f));
	assert_int_equal(nb_ip6_parse(p, n, &in), 0);
	assert_true(in.frag);
	assert_true(in.more);
	assert_int_equal(in.frag_id, 9);
	assert_int_equal(in.frag_at, 40);
	/* A non-last fragment not a multiple of 8 bytes. */
	n = pk(p, PEER, SELF, NB_IP6_FRAGMENT, 64, f, 20);
	assert_int_equal(nb_ip6_parse(p, n, &in), -NB_EPROTO);
	assert_int_equal(in.pp_ptr, 4);
	/* Ending beyond 65535. */
	f[2] = 0xff;
	f[3] = 0xf8;
	n = pk(p, PEER, SELF, NB_IP6_FRAGMENT, 64, f, sizeof(f));
	assert_int_equal(nb_ip6_parse(p, n, &in), -NB_EPROTO);
	assert_int_equal(in.pp_ptr, 42);
}

/* RFC 7112: the first fragment holds the chain up to the upper layer. */
static void first_fragment_chain(void **state)
{
	(void)state;
	uint8_t f[16] = {NB_IP6_DSTOPTS, 0, 0, 1, 0, 0, 0, 1,
			 NB_IP6_UDP, 1, 1, 4, 0, 0, 0, 0};
	size_t n = pk(p, PEER, SELF, NB_IP6_FRAGMENT, 64, f, sizeof(f));
	assert_int_equal(nb_ip6_parse(p, n, &in), -NB_EPROTO);
	assert_int_equal(in.pp_code, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_udp),
		cmocka_unit_test(largest_payload),
		cmocka_unit_test(bad_fixed_header),
		cmocka_unit_test(hopopts_only_first),
		cmocka_unit_test(unknown_options),
		cmocka_unit_test(option_lengths),
		cmocka_unit_test(routing_header),
		cmocka_unit_test(none_and_unknown),
		cmocka_unit_test(fragments),
		cmocka_unit_test(first_fragment_chain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
