/* lib/dhcp6: the exchange, Rapid Commit, retransmission timing, hostile
 * replies and adopting a cached Reply, against a server made of bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "netboot/dhcp6.h"

static const uint8_t MAC[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t SID[10] = {0, 3, 0, 1, 0x02, 0, 0, 0, 0, 0x99};
static const uint8_t SID2[10] = {0, 3, 0, 1, 0x02, 0, 0, 0, 0, 0x98};
static const uint8_t ADDR[16] = {0xfd, 0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x23};
static const uint8_t DNS1[16] = {0xfd, 0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const char URL[] = "tftp://[fd90::1]/boot.efi";

/* Deterministic entropy: a counter, so jitter varies between calls. */
static uint32_t rng_state;
static int fill(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	for (size_t i = 0; i < len; i++) {
		rng_state = rng_state * 1103515245u + 12345u;
		((uint8_t *)buf)[i] = (uint8_t)(rng_state >> 16);
	}
	return 0;
}

static struct nb_dhcp6_cfg cfg_default(void)
{
	struct nb_dhcp6_cfg cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.rng.fill = fill;
	memcpy(cfg.mac, MAC, 6);
	cfg.pxe = true;
	cfg.arch = 7;
	return cfg;
}

/* A message under construction. */
struct msg {
	uint8_t b[1600];
	size_t n;
};

static void m_init(struct msg *m, uint8_t type, uint32_t xid)
{
	m->b[0] = type;
	m->b[1] = (uint8_t)(xid >> 16);
	m->b[2] = (uint8_t)(xid >> 8);
	m->b[3] = (uint8_t)xid;
	m->n = 4;
}

static uint8_t *m_opt(struct msg *m, uint16_t code, uint16_t len)
{
	uint8_t *p = m->b + m->n;
	p[0] = (uint8_t)(code >> 8);
	p[1] = (uint8_t)code;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	m->n += 4u + len;
	return p + 4;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* IA_NA (T1 600, T2 900) with one IA Address. */
static void m_ia(struct msg *m, uint32_t iaid, const uint8_t *addr)
{
	uint8_t *p = m_opt(m, 3, addr ? 12 + 28 : 12);
	put32(p, iaid);
	put32(p + 4, 600);
	put32(p + 8, 900);
	if (addr) {
		p[12] = 0;
		p[13] = 5;
		p[14] = 0;
		p[15] = 24;
		memcpy(p + 16, addr, 16);
		put32(p + 32, 1800);
		put32(p + 36, 3600);
	}
}

/* Find option @code in a message we built; its value and length. */
static const uint8_t *find(const uint8_t *b, size_t n, uint16_t code, size_t *len)
{
	size_t at = 4;
	while (at + 4 <= n) {
		uint16_t c = get16(b + at), l = get16(b + at + 2);
		assert_true(at + 4 + l <= n);
		if (c == code) {
			*len = l;
			return b + at + 4;
		}
		at += 4u + l;
	}
	return NULL;
}

/* The server's answer to the client's @req: our Client ID echoed. */
static void answer(struct msg *m, uint8_t type, const uint8_t *req, size_t rn,
		   const uint8_t *sid, bool with_addr)
{
	size_t cl;
	const uint8_t *cid = find(req, rn, 1, &cl);
	assert_non_null(cid);
	m_init(m, type, get32(req) & 0xffffff);
	memcpy(m_opt(m, 1, (uint16_t)cl), cid, cl);
	memcpy(m_opt(m, 2, 10), sid, 10);
	size_t il;
	const uint8_t *ia = find(req, rn, 3, &il);
	m_ia(m, get32(ia), with_addr ? ADDR : NULL);
	memcpy(m_opt(m, 23, 16), DNS1, 16);
	memcpy(m_opt(m, 59, sizeof(URL) - 1), URL, sizeof(URL) - 1);
	uint8_t *bp = m_opt(m, 60, 2 + 5 + 2 + 3);
	memcpy(bp, "\0\5quiet\0\3a=b", 12);
}

struct run {
	struct nb_dhcp6 c;
	uint8_t out[NB_DHCP6_SEND_MAX];
	size_t n;
	uint64_t now;
};

static int poll(struct run *r)
{
	return nb_dhcp6_poll(&r->c, r->now, r->out, sizeof(r->out), &r->n);
}

static void start(struct run *r, const struct nb_dhcp6_cfg *cfg)
{
	rng_state = 1;
	r->now = 1000;
	assert_int_equal(nb_dhcp6_start(&r->c, cfg, r->now), 0);
	assert_int_equal(poll(r), -NB_EAGAIN);
	assert_true(r->n > 0);
	assert_int_equal(r->out[0], NB_DHCP6_SOLICIT);
}

static void exchange(void **state)
{
	(void)state;
	static struct run r;
	struct nb_dhcp6_cfg cfg = cfg_default();
	start(&r, &cfg);
	size_t l;
	const uint8_t *o = find(r.out, r.n, 1, &l);
	assert_non_null(o); /* DUID-LL */
	assert_int_equal(l, 10);
	assert_int_equal(get16(o), 3);
	assert_memory_equal(o + 4, MAC, 6);
	o = find(r.out, r.n, 8, &l);
	assert_non_null(o);
	assert_int_equal(get16(o), 0);
	assert_null(find(r.out, r.n, 14, &l)); /* no Rapid Commit asked */
	o = find(r.out, r.n, 61, &l);
	assert_int_equal(l, 2);
	assert_int_equal(get16(o), 7);
	o = find(r.out, r.n, 62, &l);
	assert_int_equal(l, 3);
	assert_memory_equal(o, "\1\3\20", 3);
	o = find(r.out, r.n, 16, &l);
	assert_int_equal(get32(o), 343);
	assert_int_equal(get16(o + 4), 32);
	assert_memory_equal(o + 6, "PXEClient:Arch:00007:UNDI:003016", 32);
	o = find(r.out, r.n, 6, &l);
	assert_int_equal(l, 8);
	o = find(r.out, r.n, 3, &l);
	assert_int_equal(l, 12);
	assert_int_equal(get32(o), 0x00123456);

	struct msg m;
	answer(&m, NB_DHCP6_ADVERTISE, r.out, r.n, SID, true);
	uint8_t sol[NB_DHCP6_SEND_MAX];
	size_t soln = r.n;
	memcpy(sol, r.out, r.n);
	r.now += 5;
	assert_int_equal(nb_dhcp6_input(&r.c, m.b, m.n, r.now), 0);
	/* Advertises are collected until the first timeout. */
	assert_int_equal(poll(&r), -NB_EAGAIN);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.c.state, NB_DHCP6_SOLICITING);
	r.now = r.c.resend.at_ms;
	assert_int_equal(poll(&r), -NB_EAGAIN);
	assert_int_equal(r.out[0], NB_DHCP6_REQUEST);
	assert_memory_not_equal(r.out + 1, sol + 1, 3); /* new transaction */
	o = find(r.out, r.n, 2, &l);
	assert_int_equal(l, 10);
	assert_memory_equal(o, SID, 10);
	o = find(r.out, r.n, 3, &l);
	assert_int_equal(l, 40);
	assert_memory_equal(o + 16, ADDR, 16);
	o = find(r.out, r.n, 8, &l);
	assert_int_equal(get16(o), 0); /* elapsed restarts with the exchange */
	(void)soln;

	answer(&m, NB_DHCP6_REPLY, r.out, r.n, SID, true);
	r.now += 3;
	assert_int_equal(nb_dhcp6_input(&r.c, m.b, m.n, r.now), 0);
	assert_int_equal(poll(&r), 0);
	assert_int_equal(r.n, 0);
	const struct nb_dhcp6_lease *le = &r.c.lease;
	assert_memory_equal(le->addr, ADDR, 16);
	assert_int_equal(le->preferred_s, 1800);
	assert_int_equal(le->valid_s, 3600);
	assert_int_equal(le->t1_s, 600);
	assert_int_equal(le->t2_s, 900);
	assert_int_equal(le->ndns, 1);
	assert_memory_equal(le->dns[0], DNS1, 16);
	assert_string_equal(le->boot_url, URL);
	assert_string_equal(le->boot_params, "quiet a=b");
	assert_int_equal(le->nparams, 2);
	assert_int_equal(le->server_id_len, 10);
	assert_false(le->rapid_commit);
	assert_int_equal(r.c.sent, 2);
	char url[64];
	assert_int_equal(nb_dhcp6_option(&r.c, 59, url, sizeof(url)), (int)sizeof(URL) - 1);
	assert_int_equal(nb_dhcp6_option(&r.c, 59, url, 4), -NB_EMSGSIZE);
	assert_int_equal(nb_dhcp6_option(&r.c, 99, NULL, 0), -NB_ENOTFOUND);
	/* Bound: later messages change nothing. */
	assert_int_equal(nb_dhcp6_input(&r.c, m.b, m.n, r.now), -NB_ETID);
	assert_string_equal(nb_dhcp6_why(&r.c), "");
}

static void rapid_commit(void **state)
{
	(void)state;
	static struct run r;
	struct nb_dhcp6_cfg cfg = cfg_default();
	cfg.rapid_commit = true;
	cfg.have_uuid = true;
	memset(cfg.uuid, 0xab, 16);
	start(&r, &cfg);
	size_t l;
	assert_non_null(find(r.out, r.n, 14, &l));
	const uint8_t *o = find(r.out, r.n, 1, &l);
	assert_int_equal(l, 18); /* DUID-UUID */
	assert_int_equal(get16(o), 4);
	/* A Reply without the Rapid Commit option does not answer a Solicit. */
	struct msg m;
	answer(&m, NB_DHCP6_REPLY, r.out, r.n, SID, true);
	assert_int_equal(nb_dhcp6_input(&r.c, m.b, m.n, r.now), -NB_ETID);
	m_opt(&m, 14, 0);
	assert_int_equal(nb_dhcp6_input(&r.c, m.b, m.n, r.now), 0);
	assert_int_equal(poll(&r), 0);
	assert_true(r.c.lease.rapid_commit);
	assert_int_equal(r.c.sent, 1);
	assert_memory_equal(r.c.lease.addr, ADDR, 16);
}

static void preference_255(void **state)
{
	(void)state;
	static struct run r;
	struct nb_dhcp6_cfg cfg = cfg_default();
	cfg.pxe = false;
	start(&r, &cfg);
	size_t l;
	assert_null(find(r.out, r.n, 16, &l));
	assert_null(find(r.out, r.n, 61, &l));
	struct msg m;
	answer(&m, NB_DHCP6_ADVERTISE, r.out, r.n, SID2, true);
	*m_opt(&m, 7, 1) = 10;
	assert_int_equal(nb_dhcp6_input(&r.c, m.b, m.n, r.now), 0);
	answer(&m, NB_DHCP6_ADVERTISE, r.out, r.n, SID, true);
	*m_opt(&m, 7, 1) = 255;
	assert_int_equal(nb_dhcp6_input(&r.c, m.b, m.n, r.now), 0);
	/* No wait for the timeout: the Request goes at once, to the best. */
	assert_int_equal(poll(&r), -NB_EAGAIN);
	assert_int_equal(r.out[0], NB_DHCP6_REQUEST);
	const uint8_t *o = find(r.out, r.n, 2, &l);
	assert_memory_equal(o, SID, 10);
	/* A Reply from another server is not ours. */
	answer(&m, NB_DHCP6_REPLY, r.out, r.n, SID2, true);
	assert_int_equal(nb_dhcp6_input(&r.c, m.b, m.n, r.now), -NB_ETID);
	/* A refusal from ours goes back to Solicit. */
	answer(&m, NB_DHCP6_REPLY, r.out, r.n, SID, false);
	assert_int_equal(nb_dhcp6_input(&r.c, m.b, m.n, r.now), 0);
	assert_int_equal(r.c.state, NB_DHCP6_SOLICITING);
	assert_int_equal(r.c.restarts, 1);
	assert_int_equal(poll(&r), -NB_EAGAIN);
	assert_int_equal(r.out[0], NB_DHCP6_SOLICIT);
}

/* RFC 8415 15: first Solicit RT in (IRT, 1.1 IRT], then 2 RT +-10%. */
static void retransmission(void **state)
{
	(void)state;
	static struct run r;
	struct nb_dhcp6_cfg cfg = cfg_default();
	start(&r, &cfg);
	uint32_t xid = get32(r.out) & 0xffffff;
	uint64_t rt = 1000;
	for (int i = 0; i < NB_DHCP6_SOLICIT_TRIES; i++) {
		uint64_t wait = r.c.resend.at_ms - r.now;
		if (i == 0) {
			assert_true(wait > 1000 && wait <= 1101);
		} else {
			assert_true(wait >= rt * 9 / 10 && wait <= rt * 11 / 10 + 1);
		}
		rt *= 2;
		r.now += wait - 1;
		assert_int_equal(poll(&r), -NB_EAGAIN);
		assert_int_equal(r.n, 0);
		r.now++;
		int rc = poll(&r);
		if (i == NB_DHCP6_SOLICIT_TRIES - 1) {
			assert_int_equal(rc, -NB_ETIMEDOUT);
			break;
		}
		assert_int_equal(rc, -NB_EAGAIN);
		assert_true(r.n > 0);
		assert_int_equal(get32(r.out) & 0xffffff, xid); /* same exchange */
		size_t l;
		const uint8_t *o = find(r.out, r.n, 8, &l);
		assert_true(get16(o) > 0);
	}
	assert_int_equal(r.c.sent, NB_DHCP6_SOLICIT_TRIES);
	assert_string_equal(nb_dhcp6_why(&r.c), "no DHCPv6 server answered");
	assert_int_equal(poll(&r), -NB_ETIMEDOUT);

	/* Requests: 10 tries, then back to Solicit, NB_DHCP6_RESTARTS times. */
	start(&r, &cfg);
	unsigned requests = 0;
	for (int guard = 0; guard < 200; guard++) {
		if (r.n && r.out[0] == NB_DHCP6_SOLICIT) {
			struct msg m;
			answer(&m, NB_DHCP6_ADVERTISE, r.out, r.n, SID, true);
			*m_opt(&m, 7, 1) = 255;
			assert_int_equal(nb_dhcp6_input(&r.c, m.b, m.n, r.now), 0);
		} else if (r.n) {
			requests++;
		}
		if (!r.n)
			r.now = r.c.resend.at_ms;
		int rc = poll(&r);
		if (rc != -NB_EAGAIN) {
			assert_int_equal(rc, -NB_ETIMEDOUT);
			break;
		}
	}
	assert_int_equal(requests, 10 * (NB_DHCP6_RESTARTS + 1));
	assert_string_equal(nb_dhcp6_why(&r.c), "no DHCPv6 Reply to the Request");
}

/* Each of these must be dropped whole, counted as malformed. */
static void hostile(void **state)
{
	(void)state;
	static struct run r;
	struct nb_dhcp6_cfg cfg = cfg_default();
	start(&r, &cfg);
	size_t cl;
	const uint8_t *cid = find(r.out, r.n, 1, &cl);
	uint32_t xid = get32(r.out) & 0xffffff;
	struct msg m;
	uint8_t *p;
	uint32_t bad = 0;

#define BAD()                                                                 \
	do {                                                                  \
		assert_int_equal(nb_dhcp6_input(&r.c, m.b, m.n, r.now), -NB_EPROTO); \
		assert_int_equal(r.c.rx_bad, ++bad);                          \
	} while (0)
#define HEAD()                                                                \
	do {                                                                  \
		m_init(&m, NB_DHCP6_ADVERTISE, xid);                          \
		memcpy(m_opt(&m, 1, (uint16_t)cl), cid, cl);                  \
	} while (0)

	/* Truncated IA_NA (CVE-2023-45229): 8 bytes, fixed part is 12. */
	HEAD();
	memcpy(m_opt(&m, 2, 10), SID, 10);
	memset(m_opt(&m, 3, 8), 0, 8);
	BAD();
	/* IA Address shorter than 24 inside an IA_NA. */
	HEAD();
	memcpy(m_opt(&m, 2, 10), SID, 10);
	p = m_opt(&m, 3, 12 + 4 + 20);
	memset(p, 0, 36);
	p[13] = 5;
	p[15] = 20;
	BAD();
	/* IA Address claiming more than its IA_NA holds (nested overrun). */
	HEAD();
	memcpy(m_opt(&m, 2, 10), SID, 10);
	p = m_opt(&m, 3, 12 + 4 + 24);
	memset(p, 0, 40);
	p[13] = 5;
	p[15] = 60;
	memcpy(m_opt(&m, 23, 16), DNS1, 16); /* bytes to overrun into */
	BAD();
	/* Server ID of 131 bytes (CVE-2023-45230/45235). */
	HEAD();
	memset(m_opt(&m, 2, 131), 7, 131);
	m_ia(&m, 0x00123456, ADDR);
	BAD();
	/* Empty Server ID, then none at all, then two. */
	HEAD();
	m_opt(&m, 2, 0);
	m_ia(&m, 0x00123456, ADDR);
	BAD();
	HEAD();
	m_ia(&m, 0x00123456, ADDR);
	BAD();
	HEAD();
	memcpy(m_opt(&m, 2, 10), SID, 10);
	memcpy(m_opt(&m, 2, 10), SID2, 10);
	m_ia(&m, 0x00123456, ADDR);
	BAD();
	/* DNS servers not in whole addresses (CVE-2023-45234). */
	HEAD();
	memcpy(m_opt(&m, 2, 10), SID, 10);
	m_ia(&m, 0x00123456, ADDR);
	memset(m_opt(&m, 23, 17), 1, 17);
	BAD();
	/* An option running past the message. */
	HEAD();
	memcpy(m_opt(&m, 2, 10), SID, 10);
	m_ia(&m, 0x00123456, ADDR);
	p = m_opt(&m, 23, 16);
	p[-1] = 200;
	BAD();
	/* A boot parameter running past option 60. */
	HEAD();
	memcpy(m_opt(&m, 2, 10), SID, 10);
	m_ia(&m, 0x00123456, ADDR);
	memcpy(m_opt(&m, 60, 4), "\0\011ab", 4);
	BAD();
	/* A NUL inside the boot URL; a second URL. */
	HEAD();
	memcpy(m_opt(&m, 2, 10), SID, 10);
	memcpy(m_opt(&m, 59, 9), "http\0//x", 9);
	BAD();
	HEAD();
	memcpy(m_opt(&m, 2, 10), SID, 10);
	memcpy(m_opt(&m, 59, 2), "/a", 2);
	memcpy(m_opt(&m, 59, 2), "/b", 2);
	BAD();
	/* A two-byte Preference; a 1-byte header; a cut option header. */
	HEAD();
	memcpy(m_opt(&m, 2, 10), SID, 10);
	m_opt(&m, 7, 2)[0] = 255;
	BAD();
	m.n = 3;
	BAD();
	HEAD();
	memcpy(m_opt(&m, 2, 10), SID, 10);
	m.b[m.n++] = 0;
	m.b[m.n++] = 23;
	BAD();
	assert_int_equal(r.c.rx_ignored, 0);

	/* Well formed but not ours: counted as ignored, not malformed. */
	HEAD();
	memcpy(m_opt(&m, 2, 10), SID, 10);
	m_ia(&m, 0x00123456, ADDR);
	m.b[3] ^= 1; /* other transaction */
	assert_int_equal(nb_dhcp6_input(&r.c, m.b, m.n, r.now), -NB_ETID);
	m.b[3] ^= 1;
	m.b[12] ^= 1; /* other Client ID */
	assert_int_equal(nb_dhcp6_input(&r.c, m.b, m.n, r.now), -NB_ETID);
	m.b[12] ^= 1;
	m_init(&m, NB_DHCP6_ADVERTISE, xid); /* no Client ID */
	memcpy(m_opt(&m, 2, 10), SID, 10);
	m_ia(&m, 0x00123456, ADDR);
	assert_int_equal(nb_dhcp6_input(&r.c, m.b, m.n, r.now), -NB_ETID);
	HEAD(); /* NoAddrsAvail */
	memcpy(m_opt(&m, 2, 10), SID, 10);
	memcpy(m_opt(&m, 13, 2), "\0\2", 2);
	assert_int_equal(nb_dhcp6_input(&r.c, m.b, m.n, r.now), -NB_ETID);
	HEAD(); /* another IAID only */
	memcpy(m_opt(&m, 2, 10), SID, 10);
	m_ia(&m, 0x00123457, ADDR);
	assert_int_equal(nb_dhcp6_input(&r.c, m.b, m.n, r.now), -NB_ETID);
	HEAD(); /* a multicast address */
	memcpy(m_opt(&m, 2, 10), SID, 10);
	static const uint8_t mc[16] = {0xff, 2, [15] = 1};
	m_ia(&m, 0x00123456, mc);
	assert_int_equal(nb_dhcp6_input(&r.c, m.b, m.n, r.now), -NB_ETID);
	assert_int_equal(r.c.rx_ignored, 6);
	assert_int_equal(r.c.advertises, 0);
	assert_int_equal(r.c.rx_bad, bad);
	/* Still soliciting, and a good Advertise still works. */
	HEAD();
	memcpy(m_opt(&m, 2, 10), SID, 10);
	m_ia(&m, 0x00123456, ADDR);
	assert_int_equal(nb_dhcp6_input(&r.c, m.b, m.n, r.now), 0);
	assert_int_equal(r.c.advertises, 1);
#undef BAD
#undef HEAD
}

static void use_cached(void **state)
{
	(void)state;
	static struct run r;
	struct nb_dhcp6_cfg cfg = cfg_default();
	start(&r, &cfg);
	struct msg m;
	answer(&m, NB_DHCP6_REPLY, r.out, r.n, SID, true);
	/* A firmware buffer: zero-filled after the options, any length. */
	uint8_t fw[1028];
	memset(fw, 0, sizeof(fw));
	memcpy(fw, m.b, m.n);
	static struct nb_dhcp6 c;
	assert_int_equal(nb_dhcp6_use_cached(&c, fw, sizeof(fw)), 0);
	assert_int_equal(c.state, NB_DHCP6_BOUND);
	assert_true(c.lease.from_cache);
	assert_memory_equal(c.lease.addr, ADDR, 16);
	assert_string_equal(c.lease.boot_url, URL);
	assert_int_equal(c.duid_len, 10);
	assert_int_equal(c.sent, 0);
	size_t n;
	assert_int_equal(nb_dhcp6_poll(&c, 0, r.out, sizeof(r.out), &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(nb_dhcp6_use_cached(&c, fw, 1027), 0);
	/* An Advertise, a Reply without an address, a broken one. */
	fw[0] = NB_DHCP6_ADVERTISE;
	assert_int_equal(nb_dhcp6_use_cached(&c, fw, sizeof(fw)), -NB_ENOLEASE);
	assert_string_equal(nb_dhcp6_why(&c), "cached DHCPv6 packet is not a Reply");
	answer(&m, NB_DHCP6_REPLY, r.out, r.n, SID, false);
	assert_int_equal(nb_dhcp6_use_cached(&c, m.b, m.n), -NB_ENOLEASE);
	assert_string_equal(nb_dhcp6_why(&c), "cached DHCPv6 Reply holds no usable address");
	assert_int_equal(nb_dhcp6_use_cached(&c, m.b, m.n - 1), -NB_ENOLEASE);
	assert_string_equal(nb_dhcp6_why(&c), "cached DHCPv6 reply is malformed");
	assert_int_equal(nb_dhcp6_use_cached(&c, NULL, 4), -NB_EINVAL);
}

static void api(void **state)
{
	(void)state;
	static struct run r;
	struct nb_dhcp6_cfg cfg = cfg_default();
	memset(cfg.mac, 0, 6);
	assert_int_equal(nb_dhcp6_start(&r.c, &cfg, 0), -NB_EINVAL);
	cfg = cfg_default();
	cfg.duid_type = NB_DHCP6_DUID_UUID; /* without a UUID */
	assert_int_equal(nb_dhcp6_start(&r.c, &cfg, 0), -NB_EINVAL);
	cfg.duid_type = NB_DHCP6_DUID_LLT;
	cfg.duid_time = 0x01020304;
	cfg.iaid = 77;
	cfg.http = true;
	cfg.arch = 16;
	start(&r, &cfg);
	size_t l;
	const uint8_t *o = find(r.out, r.n, 1, &l);
	assert_int_equal(l, 14);
	assert_int_equal(get32(o + 4), 0x01020304);
	o = find(r.out, r.n, 3, &l);
	assert_int_equal(get32(o), 77);
	o = find(r.out, r.n, 16, &l);
	assert_memory_equal(o + 6, "HTTPClient:Arch:00016:UNDI:003016", 33);
	assert_int_equal(nb_dhcp6_poll(&r.c, r.now, r.out, 100, &r.n), -NB_EMSGSIZE);
	nb_dhcp6_cancel(&r.c);
	assert_int_equal(poll(&r), -NB_ECANCELED);
	assert_string_equal(nb_dhcp6_why(&r.c), "canceled");
	nb_dhcp6_cancel(&r.c);
	assert_int_equal(nb_dhcp6_abi_check(NB_DHCP6_ABI_ID), 0);
	assert_int_equal(nb_dhcp6_abi_check(NB_DHCP6_ABI_ID + 1), -NB_EABI);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exchange),
		cmocka_unit_test(rapid_commit),
		cmocka_unit_test(preference_255),
		cmocka_unit_test(retransmission),
		cmocka_unit_test(hostile),
		cmocka_unit_test(use_cached),
		cmocka_unit_test(api),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
