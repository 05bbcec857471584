/* DNS parser, name codec and IPv4 literal tests with crafted packets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dns_util.h"
#include "netboot/dns.h"

#define RESP 0x8180 /* QR, RD, RA, NOERROR */

static uint8_t qn[NB_DNS_WIRE_MAX];

static int parse(const struct pkt *p, uint16_t id, const char *q,
		 struct nb_dns_answer *a)
{
	assert_true(nb_dns_encode_name(q, qn) > 1);
	return nb_dns_parse_response(p->b, p->n, id, qn, a);
}

static void test_encode(void **st)
{
	(void)st;
	uint8_t w[NB_DNS_WIRE_MAX];
	assert_int_equal(nb_dns_encode_name("Boot.Example", w), 14);
	assert_memory_equal(w, "\4boot\7example", 14);
	assert_int_equal(nb_dns_encode_name("a.b.", w), 5);
	assert_int_equal(nb_dns_encode_name("", w), -NB_EINVAL);
	assert_int_equal(nb_dns_encode_name(".", w), -NB_EINVAL);
	assert_int_equal(nb_dns_encode_name("a..b", w), -NB_EINVAL);
	assert_int_equal(nb_dns_encode_name("a.b..", w), -NB_EINVAL);
	assert_int_equal(nb_dns_encode_name(".a", w), -NB_EINVAL);
	assert_int_equal(nb_dns_encode_name("a b", w), -NB_EINVAL);
	assert_int_equal(nb_dns_encode_name("a/b", w), -NB_EINVAL);
	char l[80];
	memset(l, 'x', 63);
	l[63] = 0;
	assert_int_equal(nb_dns_encode_name(l, w), 65);
	l[63] = 'x';
	l[64] = 0;
	assert_int_equal(nb_dns_encode_name(l, w), -NB_EINVAL);
	/* 253 characters is the longest name; 254 is refused. */
	char big[300];
	size_t n = 0;
	for (int i = 0; i < 63; i++) {
		big[n++] = 'a';
		big[n++] = 'b';
		big[n++] = 'c';
		big[n++] = '.';
	}
	big[n++] = 'd';
	big[n] = 0; /* 253 chars */
	assert_int_equal(strlen(big), 253);
	assert_int_equal(nb_dns_encode_name(big, w), 255);
	big[n++] = 'e';
	big[n] = 0;
	assert_int_equal(nb_dns_encode_name(big, w), -NB_EINVAL);
	big[n - 1] = '.';
	assert_int_equal(nb_dns_encode_name(big, w), 255);
}

static void test_ipv4(void **st)
{
	(void)st;
	uint32_t a = 0;
	assert_int_equal(nb_ipv4_parse("10.0.2.15", 9, &a), 0);
	assert_int_equal(a, 0x0a00020f);
	assert_int_equal(nb_ipv4_parse("255.255.255.255", 15, &a), 0);
	assert_int_equal(a, 0xffffffff);
	const char *bad[] = {"1.2.3", "1.2.3.4.", "256.1.1.1", "1.2.3.4x",
			     " 1.2.3.4", "1..2.3", "1.2.3.0004", "", "a.b.c.d",
			     "1.2.3.-4", "1.2.3.+4"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(nb_ipv4_parse(bad[i], strlen(bad[i]), &a),
				 -NB_EINVAL);
	/* Length bounds the parse even without a NUL. */
	assert_int_equal(nb_ipv4_parse("1.2.3.45", 7, &a), 0);
	assert_int_equal(a, 0x01020304);
}

static void test_query(void **st)
{
	(void)st;
	uint8_t w[NB_DNS_WIRE_MAX], b[512];
	int wl = nb_dns_encode_name("host.lan", w);
	int n = nb_dns_build_query(b, sizeof(b), 0xbeef, w);
	assert_int_equal(n, 12 + wl + 4);
	assert_int_equal(b[0], 0xbe);
	assert_int_equal(b[2], 0x01); /* RD */
	assert_int_equal(b[5], 1);
	assert_int_equal(nb_dns_build_query(b, 20, 1, w), -NB_EMSGSIZE);
}

static void test_simple(void **st)
{
	(void)st;
	struct pkt p;
	struct nb_dns_answer a;
	pkt_start(&p, 7, RESP, "www.example.com", 1);
	pkt_a_ptr(&p, 12, 0xc0a80001);
	assert_int_equal(parse(&p, 7, "www.example.com", &a), 0);
	assert_int_equal(a.addr, 0xc0a80001);
	assert_int_equal(a.ttl, 300);
	assert_int_equal(a.cnames, 0);
	/* Case differences (0x20 randomisation) still match. */
	assert_int_equal(parse(&p, 7, "WWW.Example.COM", &a), 0);
	/* Wrong ID, other question, not a response: someone else's. */
	assert_int_equal(parse(&p, 8, "www.example.com", &a), -NB_EPROTO);
	assert_int_equal(parse(&p, 7, "www.example.org", &a), -NB_EPROTO);
	assert_int_equal(parse(&p, 7, "www.example", &a), -NB_EPROTO);
	assert_int_equal(parse(&p, 7, "example.com", &a), -NB_EPROTO);
	p.b[2] &= 0x7f;
	assert_int_equal(parse(&p, 7, "www.example.com", &a), -NB_EPROTO);
	/* Question type AAAA: not our question. */
	pkt_start(&p, 7, RESP, "h", 0);
	p.b[p.n - 3] = 28;
	assert_int_equal(parse(&p, 7, "h", &a), -NB_EPROTO);
	/* Two questions. */
	pkt_start(&p, 7, RESP, "h", 0);
	p.b[5] = 2;
	assert_int_equal(parse(&p, 7, "h", &a), -NB_EPROTO);
}

static void test_rcodes(void **st)
{
	(void)st;
	struct pkt p;
	struct nb_dns_answer a;
	pkt_start(&p, 1, RESP | 3, "nx.lan", 0);
	assert_int_equal(parse(&p, 1, "nx.lan", &a), -NB_ENOTFOUND);
	pkt_start(&p, 1, RESP | 2, "nx.lan", 0);
	assert_int_equal(parse(&p, 1, "nx.lan", &a), -NB_ESERVER);
	pkt_start(&p, 1, RESP | 5, "nx.lan", 0);
	assert_int_equal(parse(&p, 1, "nx.lan", &a), -NB_ESERVER);
	/* NOERROR without an A record (NODATA). */
	pkt_start(&p, 1, RESP, "nx.lan", 0);
	assert_int_equal(parse(&p, 1, "nx.lan", &a), -NB_ENOTFOUND);
	/* Truncated without an answer: we cannot retry over TCP. */
	pkt_start(&p, 1, RESP | 0x0200, "big.lan", 0);
	assert_int_equal(parse(&p, 1, "big.lan", &a), -NB_ENOTSUP);
	/* Truncated but with a complete A record: usable. */
	pkt_start(&p, 1, RESP | 0x0200, "big.lan", 1);
	pkt_a_ptr(&p, 12, 5);
	assert_int_equal(parse(&p, 1, "big.lan", &a), 0);
	/* Opcode other than QUERY. */
	pkt_start(&p, 1, RESP | 0x1000, "nx.lan", 0);
	assert_int_equal(parse(&p, 1, "nx.lan", &a), -NB_EPROTO);
}

static void test_other_records(void **st)
{
	(void)st;
	struct pkt p;
	struct nb_dns_answer a;
	/* Records for other names and classes are skipped. */
	pkt_start(&p, 1, RESP, "a.lan", 3);
	pkt_a(&p, "b.lan", 1);
	pkt_name(&p, "a.lan");
	pkt_u16(&p, 1);
	pkt_u16(&p, 3); /* CHAOS */
	pkt_u32(&p, 1);
	pkt_u16(&p, 4);
	pkt_u32(&p, 2);
	pkt_a(&p, "A.LAN", 3);
	assert_int_equal(parse(&p, 1, "a.lan", &a), 0);
	assert_int_equal(a.addr, 3);
	/* An A record with a 5-byte address is malformed. */
	pkt_start(&p, 1, RESP, "a.lan", 1);
	pkt_u16(&p, 0xc00c);
	pkt_u16(&p, 1);
	pkt_u16(&p, 1);
	pkt_u32(&p, 1);
	pkt_u16(&p, 5);
	pkt_u32(&p, 1);
	pkt_u8(&p, 1);
	assert_int_equal(parse(&p, 1, "a.lan", &a), -NB_EPROTO);
}

static void test_cname(void **st)
{
	(void)st;
	struct pkt p;
	struct nb_dns_answer a;
	/* Chain in reverse order: the parser follows it regardless. */
	pkt_start(&p, 9, RESP, "www.lan", 3);
	pkt_a(&p, "edge.cdn.net", 0x0a000009);
	pkt_cname(&p, "cdn.lan", "edge.cdn.net");
	pkt_cname(&p, "www.lan", "cdn.lan");
	assert_int_equal(parse(&p, 9, "www.lan", &a), 0);
	assert_int_equal(a.addr, 0x0a000009);
	assert_int_equal(a.cnames, 2);
	/* Only the alias: ask again for the target. */
	pkt_start(&p, 9, RESP, "www.lan", 1);
	pkt_cname(&p, "www.lan", "Far.Away.Example");
	assert_int_equal(parse(&p, 9, "www.lan", &a), 1);
	assert_memory_equal(a.next, "\3far\4away\7example", 18);
	/* A loop a -> b -> a ends with an error, not a hang. */
	pkt_start(&p, 9, RESP, "a.lan", 2);
	pkt_cname(&p, "a.lan", "b.lan");
	pkt_cname(&p, "b.lan", "a.lan");
	assert_int_equal(parse(&p, 9, "a.lan", &a), -NB_EPROTO);
	/* CNAME whose target runs past its rdata. */
	pkt_start(&p, 9, RESP, "a.lan", 1);
	pkt_cname(&p, "a.lan", "b.lan");
	p.b[p.n - 8] = 0; /* rdlength high byte stays 0 */
	p.b[p.n - 7] = 3; /* claims 3 bytes, name is 7 */
	assert_int_equal(parse(&p, 9, "a.lan", &a), -NB_EPROTO);
}

static void test_hostile(void **st)
{
	(void)st;
	struct pkt p;
	struct nb_dns_answer a;
	/* Owner name pointing at itself. */
	pkt_start(&p, 1, RESP, "a.lan", 1);
	size_t here = p.n;
	pkt_u16(&p, (uint16_t)(0xc000 | here));
	pkt_u16(&p, 1);
	pkt_u16(&p, 1);
	pkt_u32(&p, 1);
	pkt_u16(&p, 4);
	pkt_u32(&p, 1);
	assert_int_equal(parse(&p, 1, "a.lan", &a), -NB_EPROTO);
	/* Two pointers bouncing between each other. */
	pkt_start(&p, 1, RESP, "a.lan", 1);
	here = p.n;
	pkt_u8(&p, 1);
	pkt_u8(&p, 'x');
	pkt_u16(&p, (uint16_t)(0xc000 | (here + 4)));
	pkt_u16(&p, (uint16_t)(0xc000 | here));
	pkt_u16(&p, 1);
	assert_int_equal(parse(&p, 1, "a.lan", &a), -NB_EPROTO);
	/* Forward pointer past the end. */
	pkt_start(&p, 1, RESP, "a.lan", 1);
	pkt_u16(&p, 0xc000 | 0x3fff);
	assert_int_equal(parse(&p, 1, "a.lan", &a), -NB_EPROTO);
	/* Question name pointing at itself. */
	pkt_hdr(&p, 1, RESP, 1, 0);
	pkt_u16(&p, 0xc00c);
	pkt_u32(&p, 0x00010001);
	assert_int_equal(parse(&p, 1, "a.lan", &a), -NB_EPROTO);
	/* Counts far beyond the packet. */
	pkt_start(&p, 1, RESP, "a.lan", 0xffff);
	pkt_a(&p, "b.lan", 1);
	assert_int_equal(parse(&p, 1, "a.lan", &a), -NB_EPROTO);
	/* rdlength past the end. */
	pkt_start(&p, 1, RESP, "a.lan", 1);
	pkt_u16(&p, 0xc00c);
	pkt_u16(&p, 1);
	pkt_u16(&p, 1);
	pkt_u32(&p, 1);
	pkt_u16(&p, 400);
	pkt_u32(&p, 1);
	assert_int_equal(parse(&p, 1, "a.lan", &a), -NB_EPROTO);
	/* Reserved label type 0x40. */
	pkt_start(&p, 1, RESP, "a.lan", 1);
	pkt_u8(&p, 0x41);
	pkt_u8(&p, 'a');
	pkt_u8(&p, 0);
	assert_int_equal(parse(&p, 1, "a.lan", &a), -NB_EPROTO);
	/* A name longer than 255 bytes built from backward pointers:
	 * 40 labels of 7 chars, each ending in a pointer to the previous. */
	pkt_start(&p, 1, RESP, "a.lan", 1);
	size_t prev = 0;
	for (int i = 0; i < 40; i++) {
		size_t at = p.n;
		pkt_u8(&p, 7);
		for (int j = 0; j < 7; j++)
			pkt_u8(&p, 'q');
		if (prev)
			pkt_u16(&p, (uint16_t)(0xc000 | prev));
		else
			pkt_u8(&p, 0);
		prev = at;
	}
	pkt_u16(&p, (uint16_t)(0xc000 | prev));
	pkt_u16(&p, 1);
	pkt_u16(&p, 1);
	pkt_u32(&p, 1);
	pkt_u16(&p, 4);
	pkt_u32(&p, 1);
	assert_int_equal(parse(&p, 1, "a.lan", &a), -NB_EPROTO);
}

static void test_every_truncation(void **st)
{
	(void)st;
	struct pkt p;
	struct nb_dns_answer a;
	pkt_start(&p, 3, RESP, "www.lan", 2);
	pkt_cname(&p, "www.lan", "x.lan");
	pkt_a(&p, "x.lan", 42);
	assert_int_equal(parse(&p, 3, "www.lan", &a), 0);
	for (size_t n = 0; n < p.n; n++) {
		int rc = nb_dns_parse_response(p.b, n, 3, qn, &a);
		assert_true(rc < 0 || rc == 1);
	}
}

/* AAAA (RFC 3596): the question must say AAAA, the record 16 bytes. */
static void test_aaaa(void **st)
{
	(void)st;
	static const uint8_t v6[16] = {0xfd, 0x90, [15] = 0x42};
	uint8_t w[NB_DNS_WIRE_MAX], b[64];
	assert_true(nb_dns_encode_name("boot.lan", w) > 1);
	int n = nb_dns_build_query_type(b, sizeof(b), 7, w, NB_DNS_TYPE_AAAA);
	assert_int_equal(n, 12 + 10 + 4);
	assert_memory_equal(b + 22, "\0\34\0\1", 4);
	struct pkt p;
	struct nb_dns_answer a;
	for (int k = 0; k < 4; k++) {
		memset(&p, 0, sizeof(p));
		pkt_hdr(&p, 7, RESP, 1, 1);
		pkt_name(&p, "boot.lan");
		pkt_u16(&p, k == 3 ? 1 : NB_DNS_TYPE_AAAA);
		pkt_u16(&p, 1);
		pkt_u16(&p, 0xc00c);
		pkt_u16(&p, k == 2 ? 1 : NB_DNS_TYPE_AAAA); /* k 2: only an A */
		pkt_u16(&p, 1);
		pkt_u32(&p, 300);
		pkt_u16(&p, k == 1 ? 4 : 16); /* k 1: a short record */
		for (int i = 0; i < (k == 1 ? 4 : 16); i++)
			pkt_u8(&p, v6[i]);
		int rc = nb_dns_parse_response_type(p.b, p.n, 7, w, NB_DNS_TYPE_AAAA, &a);
		if (k == 0) {
			assert_int_equal(rc, 0);
			assert_memory_equal(a.addr6, v6, 16);
			assert_int_equal(a.ttl, 300);
		} else {
			assert_int_equal(rc, k == 2 ? -NB_ENOTFOUND : -NB_EPROTO);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_aaaa),
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_rcodes),
		cmocka_unit_test(test_other_records),
		cmocka_unit_test(test_cname),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_every_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
