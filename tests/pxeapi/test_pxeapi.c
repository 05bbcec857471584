/*
 * The chainloader's PXE API (examples/chainloader/pxeapi/) driven call by
 * call, as a chained NBP would, against a real stack on a memlink whose
 * far end runs small TFTP, HTTP and UDP echo servers (peers.c).  Memory
 * is simulated: a 2 MiB "physical" array holds the parameter blocks and
 * buffers at real-mode addresses, so SEGOFF16 translation is exercised.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../support/memlink.h"
#include "peers.h"
#include "pxeapi.h"

#define CLIENT_IP 0x0a000002u
#define SERVER_IP 0x0a000001u
#define MASK 0xffffff00u

#define PHYS_SIZE (2u << 20)
#define BLOCK_LIN 0x8000u   /* parameter block at 0800:0000 */
#define BUF_SEG 0x0900u     /* data buffer at 0900:0000 */
#define BUF_LIN 0x9000u
#define BASE_SEG 0x7000u    /* cached packets at 7000:0000 */
#define HIGH 0x100000u      /* READ_FILE destination */
#define RING 65536u         /* per-file ring */

struct world {
	struct nb_memlink ml;
	struct nb_arena la, aa, ab;
	struct nb_stack a, b;
	struct nb_tcp tcp;
	struct nb_dhcp dhcp;
	struct cl_pxeapi api;
	uint64_t t;
	uint32_t rng;
	unsigned undi_calls;
	uint16_t undi_last;
};

static struct world *W;
static uint8_t *phys;
static uint8_t *blk;
static uint8_t *files_mem;
static uint8_t *arena_mem[3];

static uint8_t hello[3000], big[300000], exact[2 * 1432];
static const struct peer_file FILES[] = {
	{"hello.txt", hello, sizeof(hello)},
	{"big.bin", big, sizeof(big)},
	{"exact.bin", exact, sizeof(exact)},
	{NULL, NULL, 0},
};

/* ---- platform ---- */

static uint64_t p_now(void *ctx)
{
	(void)ctx;
	return W->t;
}

static void p_poll(void *ctx)
{
	(void)ctx;
	W->t++;
	nb_memlink_set_time(&W->ml, W->t);
	nb_stack_poll(&W->b, W->t);
	peers_poll(W->t);
}

static void *p_segoff(void *ctx, uint16_t seg, uint16_t off, size_t len)
{
	(void)ctx;
	uint32_t lin = (uint32_t)seg * 16 + off;
	if (lin + len > 0x110000u)
		return NULL;
	return phys + lin;
}

static void *p_phys(void *ctx, uint32_t addr, uint32_t len)
{
	(void)ctx;
	if (addr < HIGH || (uint64_t)addr + len > PHYS_SIZE)
		return NULL;
	return phys + addr;
}

static uint16_t p_undi(void *ctx, uint16_t opcode, void *block)
{
	(void)ctx;
	W->undi_calls++;
	W->undi_last = opcode;
	memset(block, 0, 2);
	return PXENV_EXIT_SUCCESS;
}

static const struct cl_platform plat = {
	.now_ms = p_now,
	.poll = p_poll,
	.segoff_to_ptr = p_segoff,
	.phys_to_ptr = p_phys,
	.undi = p_undi,
};

static int rng_fill(void *ctx, void *buf, size_t len)
{
	uint8_t *b = buf;
	(void)ctx;
	for (size_t i = 0; i < len; i++) {
		W->rng = W->rng * 1103515245u + 12345u;
		b[i] = (uint8_t)(W->rng >> 16);
	}
	return 0;
}

/* ---- block helpers ---- */

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)v);
	wr16(p + 2, (uint16_t)(v >> 16));
}

static void clear(void)
{
	memset(blk, 0xa5, CL_PXEAPI_BLOCK_MAX); /* garbage, as in real life */
	memset(blk, 0, 160);
}

static uint16_t call(uint16_t op)
{
	return cl_pxeapi_call(&W->api, op, blk);
}

static uint16_t status(void)
{
	return rd16(blk);
}

static void buf_at(uint8_t *segoff)
{
	wr16(segoff, 0);
	wr16(segoff + 2, BUF_SEG);
}

/* ---- world ---- */

static size_t make_ack(uint8_t *p, const uint8_t *mac)
{
	memset(p, 0, 548);
	p[0] = 2;
	p[1] = 1;
	p[2] = 6;
	nb_put32(p + 4, 0x12345678);
	nb_put32(p + 16, CLIENT_IP);
	nb_put32(p + 20, SERVER_IP);
	memcpy(p + 28, mac, 6);
	strcpy((char *)p + 108, "pxelinux.0");
	nb_put32(p + 236, 0x63825363);
	size_t i = 240;
	p[i++] = 53, p[i++] = 1, p[i++] = 5;
	p[i++] = 54, p[i++] = 4, nb_put32(p + i, SERVER_IP), i += 4;
	p[i++] = 1, p[i++] = 4, nb_put32(p + i, MASK), i += 4;
	p[i++] = 51, p[i++] = 4, nb_put32(p + i, 3600), i += 4;
	p[i++] = 209, p[i++] = 7, memcpy(p + i, "old.cfg", 7), i += 7;
	p[i++] = 255;
	return i;
}

static int setup(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hello); i++)
		hello[i] = (uint8_t)('a' + i % 26);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + i / 251);
	for (size_t i = 0; i < sizeof(exact); i++)
		exact[i] = (uint8_t)(i ^ 0x5a);
	W = calloc(1, sizeof(*W));
	phys = calloc(1, PHYS_SIZE);
	files_mem = calloc(1, CL_PXEAPI_FILES * RING);
	blk = phys + BLOCK_LIN;
	size_t ml_len = NB_MEMLINK_ARENA_DEFAULT;
	arena_mem[0] = malloc(ml_len);
	arena_mem[1] = malloc(NB_STACK_ARENA_BYTES);
	arena_mem[2] = malloc(NB_STACK_ARENA_BYTES);
	W->rng = 42;
	nb_arena_init(&W->la, arena_mem[0], ml_len);
	nb_arena_init(&W->aa, arena_mem[1], NB_STACK_ARENA_BYTES);
	nb_arena_init(&W->ab, arena_mem[2], NB_STACK_ARENA_BYTES);
	assert_int_equal(nb_memlink_init(&W->ml, NULL, NULL, 7, &W->la), 0);
	struct nb_rng rng = {.fill = rng_fill};
	assert_int_equal(nb_stack_init(&W->a, nb_memlink_link(&W->ml, 0), &rng,
				       &W->aa), 0);
	assert_int_equal(nb_stack_init(&W->b, nb_memlink_link(&W->ml, 1), &rng,
				       &W->ab), 0);
	nb_stack_set_ipv4(&W->b, SERVER_IP, MASK, 0);
	assert_int_equal(nb_tcp_init(&W->tcp, &W->a), 0);
	uint8_t ack[548];
	size_t len = make_ack(ack, nb_memlink_link(&W->ml, 0)->mac);
	assert_int_equal(nb_dhcp_use_cached(&W->dhcp, &W->a, ack, len, NULL, 0,
					    NULL, 0), 0);
	assert_int_equal(W->a.ip, CLIENT_IP);
	peers_start(&W->b, FILES);
	struct cl_pxeapi_cfg cfg = {
		.p = &plat,
		.stack = &W->a,
		.tcp = &W->tcp,
		.dhcp = &W->dhcp,
		.base = phys + BASE_SEG * 16,
		.base_seg = BASE_SEG,
		.base_off = 0,
		.file_mem = files_mem,
		.file_mem_len = CL_PXEAPI_FILES * RING,
	};
	assert_int_equal(cl_pxeapi_init(&W->api, &cfg), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cl_pxeapi_shutdown(&W->api);
	free(W);
	free(phys);
	free(files_mem);
	for (int i = 0; i < 3; i++)
		free(arena_mem[i]);
	return 0;
}

/* ---- GET_CACHED_INFO ---- */

/* Find option @p tag in a BOOTPLAYER; its length in *len, or NULL. */
static const uint8_t *opt(const uint8_t *pkt, uint8_t tag, unsigned *len)
{
	const uint8_t *found = NULL;
	unsigned seen = 0;
	for (size_t i = 240; i < CL_PXEAPI_BOOTPLAYER_SIZE && pkt[i] != 255;) {
		if (pkt[i] == 0) {
			i++;
			continue;
		}
		if (pkt[i] == tag) {
			found = pkt + i + 2;
			*len = pkt[i + 1];
			seen++;
		}
		i += 2 + (size_t)pkt[i + 1];
	}
	assert_true(seen <= 1); /* replaced, never duplicated */
	return found;
}

static void test_cached_info(void **state)
{
	(void)state;
	const char *cfgfile = "pxelinux.cfg/default";
	const char *prefix = "http://10.0.0.1/";
	assert_int_equal(cl_pxeapi_set_option(&W->api, 209, cfgfile,
					      strlen(cfgfile)), 0);
	assert_int_equal(cl_pxeapi_set_option(&W->api, 210, prefix,
					      strlen(prefix)), 0);
	assert_int_equal(cl_pxeapi_set_option(&W->api, 0, "x", 1), -NB_EINVAL);

	/* BufferSize 0: a pointer to our own, BOOTPLAYER-sized copy. */
	clear();
	wr16(blk + 2, CL_PXE_PKT_ACK);
	wr16(blk + 10, 0xbeef); /* BufferLimit: must be left alone */
	assert_int_equal(call(PXENV_GET_CACHED_INFO), PXENV_EXIT_SUCCESS);
	assert_int_equal(status(), 0);
	assert_int_equal(rd16(blk + 4), CL_PXEAPI_BOOTPLAYER_SIZE);
	assert_int_equal(rd16(blk + 10), 0xbeef);
	uint32_t lin = (uint32_t)rd16(blk + 8) * 16 + rd16(blk + 6);
	assert_int_equal(lin, BASE_SEG * 16 + CL_PXEAPI_BOOTPLAYER_SIZE);
	const uint8_t *pkt = phys + lin;
	assert_int_equal(pkt[0], 2);
	assert_int_equal(nb_get32(pkt + 16), CLIENT_IP);
	assert_int_equal(nb_get32(pkt + 20), SERVER_IP);
	assert_string_equal((const char *)pkt + 108, "pxelinux.0");
	assert_int_equal(nb_get32(pkt + 236), 0x63825363);
	unsigned len = 0;
	const uint8_t *v = opt(pkt, 53, &len);
	assert_non_null(v);
	assert_int_equal(v[0], 5);
	v = opt(pkt, 209, &len);
	assert_non_null(v);
	assert_int_equal(len, strlen(cfgfile));
	assert_memory_equal(v, cfgfile, len);
	v = opt(pkt, 210, &len);
	assert_non_null(v);
	assert_memory_equal(v, prefix, strlen(prefix));
	assert_non_null(opt(pkt, 54, &len));
	assert_non_null(opt(pkt, 51, &len));

	/* A caller's buffer larger than a BOOTPLAYER gets exactly one. */
	clear();
	memset(phys + BUF_LIN, 0xee, 2000);
	wr16(blk + 2, CL_PXE_PKT_ACK);
	wr16(blk + 4, 2000);
	buf_at(blk + 6);
	assert_int_equal(call(PXENV_GET_CACHED_INFO), PXENV_EXIT_SUCCESS);
	assert_int_equal(rd16(blk + 4), CL_PXEAPI_BOOTPLAYER_SIZE);
	assert_memory_equal(phys + BUF_LIN, pkt, CL_PXEAPI_BOOTPLAYER_SIZE);
	assert_int_equal(phys[BUF_LIN + CL_PXEAPI_BOOTPLAYER_SIZE], 0xee);

	/* A short buffer gets what fits, nothing past it. */
	clear();
	memset(phys + BUF_LIN, 0xee, 400);
	wr16(blk + 2, CL_PXE_PKT_ACK);
	wr16(blk + 4, 300);
	buf_at(blk + 6);
	assert_int_equal(call(PXENV_GET_CACHED_INFO), PXENV_EXIT_SUCCESS);
	assert_int_equal(rd16(blk + 4), 300);
	assert_int_equal(phys[BUF_LIN + 300], 0xee);

	/* No proxy: the "cached reply" is the ACK, with the same options. */
	clear();
	wr16(blk + 2, CL_PXE_PKT_REPLY);
	assert_int_equal(call(PXENV_GET_CACHED_INFO), PXENV_EXIT_SUCCESS);
	lin = (uint32_t)rd16(blk + 8) * 16 + rd16(blk + 6);
	assert_int_equal(lin, BASE_SEG * 16 + 2 * CL_PXEAPI_BOOTPLAYER_SIZE);
	v = opt(phys + lin, 210, &len);
	assert_non_null(v);
	assert_int_equal(len, strlen(prefix));

	/* The DISCOVER: a request from our MAC. */
	clear();
	wr16(blk + 2, CL_PXE_PKT_DISCOVER);
	assert_int_equal(call(PXENV_GET_CACHED_INFO), PXENV_EXIT_SUCCESS);
	lin = (uint32_t)rd16(blk + 8) * 16 + rd16(blk + 6);
	assert_int_equal(phys[lin], 1);
	assert_memory_equal(phys + lin + 28, nb_memlink_link(&W->ml, 0)->mac, 6);
	v = opt(phys + lin, 53, &len);
	assert_non_null(v);
	assert_int_equal(v[0], 1);

	/* Bad packet types. */
	for (uint16_t t = 0; t < 10; t += 4) {
		clear();
		wr16(blk + 2, t);
		assert_int_equal(call(PXENV_GET_CACHED_INFO), PXENV_EXIT_FAILURE);
		assert_int_equal(status(), PXENV_STATUS_UNSUPPORTED);
	}
}

/* ---- TFTP_* ---- */

static uint8_t got[400000];

static uint16_t tftp_open(const char *name, uint16_t pkt)
{
	clear();
	nb_put32(blk + 2, SERVER_IP);
	strcpy((char *)blk + 10, name);
	wr16(blk + 140, pkt);
	return call(PXENV_TFTP_OPEN);
}

/* Read packets until a short one; returns the bytes read. */
static size_t tftp_read_all(uint16_t pkt)
{
	size_t n = 0;
	for (uint16_t expect = 1; expect < 2000; expect++) {
		clear();
		buf_at(blk + 6);
		if (call(PXENV_TFTP_READ) != PXENV_EXIT_SUCCESS)
			fail_msg("TFTP_READ: status %#x (%d) after %zu bytes, "
				 "t=%llu, http requests %u retransmits %u",
				 status(),
				 W->api.files[W->api.tftp_file].status, n,
				 (unsigned long long)W->t,
				 peers_stats()->http_requests,
				 peers_stats()->http_retransmits);
		assert_int_equal(rd16(blk + 2), expect);
		uint16_t len = rd16(blk + 4);
		assert_true(len <= pkt);
		assert_true(n + len <= sizeof(got));
		memcpy(got + n, phys + BUF_LIN, len);
		n += len;
		if (len < pkt)
			return n;
	}
	fail_msg("no end of file");
	return n;
}

static void tftp_roundtrip(const char *name, const uint8_t *want,
			   size_t want_len, uint16_t ask, uint16_t expect_pkt)
{
	uint64_t t0 = W->t;
	assert_int_equal(tftp_open(name, ask), PXENV_EXIT_SUCCESS);
	uint16_t pkt = rd16(blk + 140);
	assert_int_equal(pkt, expect_pkt);
	const struct cl_pxeapi_file *f = &W->api.files[W->api.tftp_file];
	size_t n = tftp_read_all(pkt);
	print_message("  %s: %zu bytes in %llu simulated ms, %u DATA dropped "
		      "(ring full)\n", name, n,
		      (unsigned long long)(W->t - t0), f->dropped);
	assert_int_equal(n, want_len);
	assert_memory_equal(got, want, want_len);
	clear();
	assert_int_equal(call(PXENV_TFTP_CLOSE), PXENV_EXIT_SUCCESS);
	clear();
	assert_int_equal(call(PXENV_TFTP_CLOSE), PXENV_EXIT_FAILURE);
	assert_int_equal(status(), PXENV_STATUS_TFTP_CLOSED);
}

static void test_tftp_over_http(void **state)
{
	(void)state;
	unsigned req = peers_stats()->http_requests;
	/* 300 kB through a 64 KiB ring: the window throttles the server. */
	tftp_roundtrip("http://10.0.0.1/big.bin", big, sizeof(big), 1432, 1432);
	assert_int_equal(peers_stats()->http_requests, req + 1);
	assert_string_equal(peers_stats()->last_http_path, "/big.bin");
	/* Flow control, not loss: the window never let the server overrun
	 * the ring, so nothing had to be sent twice. */
	assert_int_equal(peers_stats()->http_retransmits, 0);
	/* HTTP has no packet limit of its own: the caller's size stands. */
	tftp_roundtrip("http://10.0.0.1/hello.txt", hello, sizeof(hello), 2048,
		       2048);
	/* An exact multiple ends with an empty packet. */
	tftp_roundtrip("http://10.0.0.1/exact.bin", exact, sizeof(exact), 1432,
		       1432);
	assert_int_equal(tftp_open("http://10.0.0.1/missing", 512),
			 PXENV_EXIT_FAILURE);
	assert_int_equal(status(), PXENV_STATUS_TFTP_FILE_NOT_FOUND);
}

static void test_tftp_plain(void **state)
{
	(void)state;
	unsigned rrq = peers_stats()->tftp_rrqs;
	tftp_roundtrip("big.bin", big, sizeof(big), 1432, 1432);
	tftp_roundtrip("hello.txt", hello, sizeof(hello), 512, 512);
	/* Larger than a frame holds: cut to the MTU's block. */
	tftp_roundtrip("exact.bin", exact, sizeof(exact), 4096, 1468);
	assert_int_equal(peers_stats()->tftp_rrqs, rrq + 3);
	assert_int_equal(tftp_open("missing", 512), PXENV_EXIT_FAILURE);
	assert_int_equal(status(), PXENV_STATUS_TFTP_FILE_NOT_FOUND);
	assert_int_equal(tftp_open("hello.txt", 100), PXENV_EXIT_FAILURE);
	assert_int_equal(status(), PXENV_STATUS_TFTP_INVALID_PACKET_SIZE);
	clear();
	buf_at(blk + 6);
	assert_int_equal(call(PXENV_TFTP_READ), PXENV_EXIT_FAILURE);
	assert_int_equal(status(), PXENV_STATUS_TFTP_CLOSED);
}

static uint16_t get_fsize(const char *name)
{
	clear();
	nb_put32(blk + 2, SERVER_IP);
	strcpy((char *)blk + 10, name);
	return call(PXENV_TFTP_GET_FSIZE);
}

static void test_get_fsize(void **state)
{
	(void)state;
	unsigned errs = peers_stats()->tftp_errors_rx;
	assert_int_equal(get_fsize("hello.txt"), PXENV_EXIT_SUCCESS);
	assert_int_equal(rd32(blk + 138), sizeof(hello));
	for (int i = 0; i < 5; i++)
		p_poll(NULL); /* let the server see what we sent last */
	/* The probe stops the transfer (ERROR to the server) after tsize. */
	assert_int_equal(peers_stats()->tftp_errors_rx, errs + 1);
	assert_int_equal(get_fsize("big.bin"), PXENV_EXIT_SUCCESS);
	assert_int_equal(rd32(blk + 138), sizeof(big));
	assert_int_equal(get_fsize("http://10.0.0.1/big.bin"),
			 PXENV_EXIT_SUCCESS);
	assert_int_equal(rd32(blk + 138), sizeof(big));
	assert_int_equal(get_fsize("missing"), PXENV_EXIT_FAILURE);
	assert_int_equal(status(), PXENV_STATUS_TFTP_FILE_NOT_FOUND);
	assert_int_equal(get_fsize("http://10.0.0.1/missing"),
			 PXENV_EXIT_FAILURE);
	assert_int_equal(status(), PXENV_STATUS_TFTP_FILE_NOT_FOUND);
}

static void test_read_file(void **state)
{
	(void)state;
	const char *names[] = {"big.bin", "http://10.0.0.1/big.bin"};
	for (int i = 0; i < 2; i++) {
		memset(phys + HIGH, 0, sizeof(big));
		clear();
		strcpy((char *)blk + 2, names[i]);
		wr32(blk + 130, 512 * 1024);
		wr32(blk + 134, HIGH);
		nb_put32(blk + 138, SERVER_IP);
		assert_int_equal(call(PXENV_TFTP_READ_FILE), PXENV_EXIT_SUCCESS);
		assert_int_equal(rd32(blk + 130), sizeof(big));
		assert_memory_equal(phys + HIGH, big, sizeof(big));
	}
	/* Too small a buffer fails rather than overrunning it. */
	clear();
	strcpy((char *)blk + 2, "big.bin");
	wr32(blk + 130, 1000);
	wr32(blk + 134, HIGH);
	nb_put32(blk + 138, SERVER_IP);
	assert_int_equal(call(PXENV_TFTP_READ_FILE), PXENV_EXIT_FAILURE);
	/* Destinations the platform refuses (base memory here). */
	clear();
	strcpy((char *)blk + 2, "hello.txt");
	wr32(blk + 130, 4096);
	wr32(blk + 134, 0x7c00);
	assert_int_equal(call(PXENV_TFTP_READ_FILE), PXENV_EXIT_FAILURE);
	assert_int_equal(status(), PXENV_STATUS_OUT_OF_RESOURCES);
}

/* ---- FILE_* ---- */

#define NAME_LIN 0xa000u

static uint16_t file_open(const char *url, uint16_t *handle)
{
	strcpy((char *)phys + NAME_LIN, url);
	clear();
	wr16(blk + 4, NAME_LIN & 15);
	wr16(blk + 6, NAME_LIN >> 4);
	uint16_t rc = call(PXENV_FILE_OPEN);
	*handle = rd16(blk + 2);
	return rc;
}

static size_t file_read_all(uint16_t h, unsigned *would_block)
{
	size_t n = 0;
	for (int i = 0; i < 200000; i++) {
		clear();
		wr16(blk + 2, h);
		wr16(blk + 4, 1460);
		buf_at(blk + 6);
		if (call(PXENV_FILE_READ) != PXENV_EXIT_SUCCESS) {
			assert_int_equal(status(), PXENV_STATUS_TFTP_OPEN);
			(*would_block)++;
			continue;
		}
		uint16_t len = rd16(blk + 4);
		if (!len)
			return n;
		assert_true(n + len <= sizeof(got));
		memcpy(got + n, phys + BUF_LIN, len);
		n += len;
	}
	fail_msg("no end of file");
	return n;
}

static void test_file_api(void **state)
{
	(void)state;
	clear();
	wr16(blk + 2, 20);
	wr32(blk + 4, CL_PXEAPI_FILE_MAGIC_IN);
	assert_int_equal(call(PXENV_FILE_API_CHECK), PXENV_EXIT_SUCCESS);
	assert_int_equal(rd32(blk + 4), CL_PXEAPI_FILE_MAGIC_OUT);
	assert_int_equal(rd32(blk + 8), CL_PXEAPI_PROVIDER);
	/* What pxelinux insists on: open, close, read, api check. */
	assert_int_equal(rd32(blk + 12) & 0x4b, 0x4b);
	clear();
	wr16(blk + 2, 20);
	wr32(blk + 4, 0x12345678);
	assert_int_equal(call(PXENV_FILE_API_CHECK), PXENV_EXIT_FAILURE);

	const char *urls[] = {"http://10.0.0.1/big.bin", "tftp://10.0.0.1/big.bin",
			      "big.bin"};
	for (int i = 0; i < 3; i++) {
		uint16_t h;
		assert_int_equal(file_open(urls[i], &h), PXENV_EXIT_SUCCESS);
		assert_true(h >= 1 && h <= CL_PXEAPI_FILES);
		clear();
		wr16(blk + 2, h);
		assert_int_equal(call(PXENV_GET_FILE_SIZE), PXENV_EXIT_SUCCESS);
		assert_int_equal(rd32(blk + 4), sizeof(big));
		clear();
		wr16(blk + 2, h);
		assert_int_equal(call(PXENV_FILE_SELECT), PXENV_EXIT_SUCCESS);
		unsigned wb = 0;
		size_t n = file_read_all(h, &wb);
		assert_int_equal(n, sizeof(big));
		assert_memory_equal(got, big, sizeof(big));
		clear();
		wr16(blk + 2, h);
		assert_int_equal(call(PXENV_FILE_CLOSE), PXENV_EXIT_SUCCESS);
		clear();
		wr16(blk + 2, h);
		assert_int_equal(call(PXENV_FILE_CLOSE), PXENV_EXIT_FAILURE);
	}
	/* Two files open at once, read interleaved. */
	uint16_t h1, h2;
	assert_int_equal(file_open("http://10.0.0.1/hello.txt", &h1), 0);
	assert_int_equal(file_open("hello.txt", &h2), 0);
	assert_int_not_equal(h1, h2);
	unsigned wb = 0;
	assert_int_equal(file_read_all(h1, &wb), sizeof(hello));
	assert_memory_equal(got, hello, sizeof(hello));
	assert_int_equal(file_read_all(h2, &wb), sizeof(hello));
	assert_memory_equal(got, hello, sizeof(hello));
	for (uint16_t h = 1; h <= CL_PXEAPI_FILES; h++) {
		clear();
		wr16(blk + 2, h);
		call(PXENV_FILE_CLOSE);
	}
	uint16_t h;
	assert_int_equal(file_open("http://10.0.0.1/missing", &h),
			 PXENV_EXIT_FAILURE);
	assert_int_equal(status(), PXENV_STATUS_TFTP_FILE_NOT_FOUND);
	assert_int_equal(file_open("https://10.0.0.1/x", &h), PXENV_EXIT_FAILURE);
	/* Handles never opened. */
	for (uint16_t bad = 0; bad < 8; bad++) {
		clear();
		wr16(blk + 2, bad);
		wr16(blk + 4, 100);
		buf_at(blk + 6);
		assert_int_equal(call(PXENV_FILE_READ), PXENV_EXIT_FAILURE);
		assert_int_equal(status(), PXENV_STATUS_BAD_FUNC);
	}
}

/* The download runs ahead of the reader, up to the ring, on its own. */
static void test_runs_ahead(void **state)
{
	(void)state;
	const char *urls[] = {"http://10.0.0.1/big.bin", "big.bin"};
	for (int i = 0; i < 2; i++) {
		uint16_t h;
		assert_int_equal(file_open(urls[i], &h), PXENV_EXIT_SUCCESS);
		const struct cl_pxeapi_file *f = &W->api.files[h - 1];
		for (int k = 0; k < 400; k++) {
			clear();
			wr16(blk + 2, h);
			assert_int_equal(call(PXENV_FILE_SELECT), 0);
			assert_int_equal(rd16(blk + 4), 1);
		}
		uint64_t ahead = f->have - f->rd;
		print_message("  %s: %llu bytes ahead of the reader (ring %u), "
			      "%u DATA dropped\n", urls[i],
			      (unsigned long long)ahead, RING, f->dropped);
		assert_true(ahead >= RING / 2);
		assert_true(ahead <= RING);
		unsigned wb = 0;
		assert_int_equal(file_read_all(h, &wb), sizeof(big));
		assert_memory_equal(got, big, sizeof(big));
		clear();
		wr16(blk + 2, h);
		assert_int_equal(call(PXENV_FILE_CLOSE), 0);
	}
}

/* ---- UDP_* ---- */

static void test_udp(void **state)
{
	(void)state;
	clear();
	assert_int_equal(call(PXENV_UDP_WRITE), PXENV_EXIT_FAILURE);
	assert_int_equal(status(), PXENV_STATUS_UDP_CLOSED);
	clear();
	nb_put32(blk + 2, CLIENT_IP);
	assert_int_equal(call(PXENV_UDP_OPEN), PXENV_EXIT_SUCCESS);
	for (int round = 0; round < 3; round++) {
		uint16_t sport = (uint16_t)(3000 + round);
		memcpy(phys + BUF_LIN, "ping", 4);
		clear();
		nb_put32(blk + 2, SERVER_IP);
		nb_put16(blk + 10, sport);
		nb_put16(blk + 12, PEER_ECHO_PORT);
		wr16(blk + 14, 4);
		wr16(blk + 16, 0);
		wr16(blk + 18, BUF_SEG);
		assert_int_equal(call(PXENV_UDP_WRITE), PXENV_EXIT_SUCCESS);
		int tries = 0;
		for (;; tries++) {
			assert_true(tries < 1000);
			memset(phys + BUF_LIN, 0, 64);
			clear();
			nb_put16(blk + 12, sport);
			wr16(blk + 14, 1500);
			wr16(blk + 16, 0);
			wr16(blk + 18, BUF_SEG);
			if (call(PXENV_UDP_READ) == PXENV_EXIT_SUCCESS)
				break;
		}
		assert_int_equal(rd16(blk + 14), 9);
		assert_memory_equal(phys + BUF_LIN, "echo:ping", 9);
		assert_int_equal(nb_get32(blk + 2), SERVER_IP);
		assert_int_equal(nb_get32(blk + 6), CLIENT_IP);
		assert_int_equal(nb_get16(blk + 10), PEER_ECHO_PORT);
		assert_int_equal(nb_get16(blk + 12), sport);
	}
	/* Nothing waiting: a non-blocking failure. */
	clear();
	nb_put16(blk + 12, 3000);
	wr16(blk + 14, 1500);
	wr16(blk + 18, BUF_SEG);
	assert_int_equal(call(PXENV_UDP_READ), PXENV_EXIT_FAILURE);
	/* More ports than sockets: the oldest make way. */
	for (uint16_t p = 4000; p < 4000 + 2 * CL_PXEAPI_UDP_PORTS; p++) {
		clear();
		nb_put32(blk + 2, SERVER_IP);
		nb_put16(blk + 10, p);
		nb_put16(blk + 12, PEER_ECHO_PORT);
		wr16(blk + 14, 4);
		wr16(blk + 18, BUF_SEG);
		assert_int_equal(call(PXENV_UDP_WRITE), PXENV_EXIT_SUCCESS);
	}
	clear();
	assert_int_equal(call(PXENV_UDP_CLOSE), PXENV_EXIT_SUCCESS);
	clear();
	assert_int_equal(call(PXENV_UDP_READ), PXENV_EXIT_FAILURE);
	assert_int_equal(status(), PXENV_STATUS_UDP_CLOSED);
	assert_true(peers_stats()->echoes >= 3);
}

/* Loss and reordering both ways: TCP's out-of-order segments land in the
 * ring ahead of the reader, TFTP recovers by retransmission. */
static void test_lossy(void **state)
{
	(void)state;
	struct nb_impair imp = {.loss_ppm = 20000, .reorder_ppm = 50000,
				.dup_ppm = 10000};
	assert_int_equal(nb_memlink_set_impair(&W->ml, 0, &imp), 0);
	assert_int_equal(nb_memlink_set_impair(&W->ml, 1, &imp), 0);
	uint64_t ooo = W->tcp.stats.rx_ooo;
	tftp_roundtrip("http://10.0.0.1/big.bin", big, sizeof(big), 1432, 1432);
	print_message("  tcp: %u out-of-order segments accepted\n",
		      (unsigned)(W->tcp.stats.rx_ooo - ooo));
	assert_true(W->tcp.stats.rx_ooo > ooo);
	uint16_t h;
	assert_int_equal(file_open("tftp://10.0.0.1/big.bin", &h), 0);
	unsigned wb = 0;
	assert_int_equal(file_read_all(h, &wb), sizeof(big));
	assert_memory_equal(got, big, sizeof(big));
	clear();
	wr16(blk + 2, h);
	assert_int_equal(call(PXENV_FILE_CLOSE), 0);
	struct nb_impair none = {0};
	nb_memlink_set_impair(&W->ml, 0, &none);
	nb_memlink_set_impair(&W->ml, 1, &none);
}

/* ---- the TFTP gateway: pxelinux.0's own TFTP over UDP, served locally ---- */

/* One UDP_WRITE of @p len bytes at BUF_LIN. */
static uint16_t udp_send(uint32_t dst, uint16_t sport, uint16_t dport,
			 const void *data, uint16_t len)
{
	memcpy(phys + BUF_LIN, data, len);
	clear();
	nb_put32(blk + 2, dst);
	nb_put16(blk + 10, sport);
	nb_put16(blk + 12, dport);
	wr16(blk + 14, len);
	wr16(blk + 16, 0);
	wr16(blk + 18, BUF_SEG);
	return call(PXENV_UDP_WRITE);
}

/* Poll UDP_READ on @p port until a datagram comes; its length. */
static uint16_t udp_wait(uint16_t port, uint32_t *src, uint16_t *sport)
{
	for (int tries = 0; tries < 100000; tries++) {
		clear();
		nb_put32(blk + 6, CLIENT_IP);
		nb_put16(blk + 12, port);
		wr16(blk + 14, 1500);
		wr16(blk + 16, 0);
		wr16(blk + 18, BUF_SEG);
		if (call(PXENV_UDP_READ) == PXENV_EXIT_SUCCESS) {
			*src = nb_get32(blk + 2);
			*sport = nb_get16(blk + 10);
			return rd16(blk + 14);
		}
	}
	fail_msg("no datagram on port %u", port);
	return 0;
}

/* A pxelinux-style TFTP client on PXENV_UDP_*: RRQ with blksize/tsize,
 * ACK every block (ACK 0 for the OACK).  @p lose_every re-sends the
 * previous ACK instead of the new one every so often, as after a lost
 * DATA.  Returns the bytes received, or -(error code + 1). */
static long pxelinux_get(const char *name, uint16_t port, int lose_every,
			 uint64_t *tsize)
{
	uint8_t rrq[200];
	int n = snprintf((char *)rrq + 2, sizeof(rrq) - 2,
			 "%s%coctet%ctsize%c0%cblksize%c1408%c", name, 0, 0, 0,
			 0, 0, 0);
	rrq[0] = 0;
	rrq[1] = 1;
	assert_int_equal(udp_send(SERVER_IP, port, 69, rrq, (uint16_t)(n + 2)),
			 0);
	uint32_t src;
	uint16_t tid, len = udp_wait(port, &src, &tid);
	uint8_t *p = phys + BUF_LIN;
	assert_int_equal(src, SERVER_IP);
	if (p[1] == 5)
		return -(long)nb_get16(p + 2) - 1;
	assert_int_equal(p[1], 6); /* OACK */
	assert_string_equal((char *)p + 2, "blksize");
	assert_string_equal((char *)p + 10, "1408");
	assert_string_equal((char *)p + 15, "tsize");
	*tsize = strtoull((char *)p + 21, NULL, 10);
	uint8_t ack[4] = {0, 4, 0, 0};
	assert_int_equal(udp_send(SERVER_IP, port, tid, ack, 4), 0);
	size_t total = 0;
	for (uint16_t blk_no = 1;; blk_no++) {
		uint16_t t2;
		len = udp_wait(port, &src, &t2);
		assert_int_equal(t2, tid);
		assert_int_equal(p[1], 3);
		assert_int_equal(nb_get16(p + 2), blk_no);
		assert_true(len >= 4 && len - 4 <= 1408);
		memcpy(got + total, p + 4, len - 4u);
		total += len - 4u;
		if (lose_every && blk_no % lose_every == 0) {
			/* "Lost" this DATA: ACK the previous block again and
			 * expect the same block once more. */
			nb_put16(ack + 2, (uint16_t)(blk_no - 1));
			assert_int_equal(udp_send(SERVER_IP, port, tid, ack, 4), 0);
			len = udp_wait(port, &src, &t2);
			assert_int_equal(nb_get16(p + 2), blk_no);
			assert_memory_equal(p + 4, got + total - (len - 4u),
					    len - 4u);
		}
		nb_put16(ack + 2, blk_no);
		assert_int_equal(udp_send(SERVER_IP, port, tid, ack, 4), 0);
		if (len - 4u < 1408)
			return (long)total;
	}
}

static void test_gateway(void **state)
{
	(void)state;
	clear();
	nb_put32(blk + 2, CLIENT_IP);
	assert_int_equal(call(PXENV_UDP_OPEN), PXENV_EXIT_SUCCESS);
	assert_int_equal(cl_pxeapi_set_gateway(&W->api, true,
					       "http://10.0.0.1/"), 0);
	unsigned rrqs = peers_stats()->tftp_rrqs;
	unsigned reqs = peers_stats()->http_requests;
	uint64_t tsize = 0, t0 = W->t;
	long n = pxelinux_get("big.bin", 2001, 0, &tsize);
	print_message("  gateway over HTTP: %ld bytes in %llu simulated ms\n", n,
		      (unsigned long long)(W->t - t0));
	assert_int_equal(n, sizeof(big));
	assert_int_equal(tsize, sizeof(big));
	assert_memory_equal(got, big, sizeof(big));
	assert_int_equal(peers_stats()->http_requests, reqs + 1);
	assert_string_equal(peers_stats()->last_http_path, "/big.bin");
	/* With lost DATA packets, re-sent from our copy. */
	n = pxelinux_get("/hello.txt", 2002, 1, &tsize);
	assert_int_equal(n, sizeof(hello));
	assert_memory_equal(got, hello, sizeof(hello));
	n = pxelinux_get("exact.bin", 2003, 0, &tsize);
	assert_int_equal(n, sizeof(exact));
	assert_memory_equal(got, exact, sizeof(exact));
	/* A missing file is a TFTP ERROR 1, as pxelinux probes config names. */
	assert_int_equal(pxelinux_get("pxelinux.cfg/01-02-6e", 2004, 0, &tsize),
			 -2);
	/* Not a single TFTP packet left for the server. */
	assert_int_equal(peers_stats()->tftp_rrqs, rrqs);

	/* Without a base URL: our own windowed TFTP client fetches. */
	assert_int_equal(cl_pxeapi_set_gateway(&W->api, true, NULL), 0);
	n = pxelinux_get("big.bin", 2005, 7, &tsize);
	assert_int_equal(n, sizeof(big));
	assert_memory_equal(got, big, sizeof(big));
	assert_int_equal(peers_stats()->tftp_rrqs, rrqs + 1);
	assert_int_equal(pxelinux_get("missing", 2006, 0, &tsize), -2);

	/* Off: the RRQ goes to the wire as the NBP sent it. */
	assert_int_equal(cl_pxeapi_set_gateway(&W->api, false, NULL), 0);
	uint8_t rrq[] = "\0\1hello.txt\0octet";
	assert_int_equal(udp_send(SERVER_IP, 2007, 69, rrq, sizeof(rrq)), 0);
	uint32_t src;
	uint16_t tid;
	assert_int_equal(udp_wait(2007, &src, &tid), 4 + 512);
	assert_int_not_equal(tid, 69);
	assert_int_equal(peers_stats()->tftp_rrqs, rrqs + 3);
	clear();
	assert_int_equal(call(PXENV_UDP_CLOSE), PXENV_EXIT_SUCCESS);
}

/* Found by fuzz/pxeapi: edges of what the caller hands in. */
static void test_edges(void **state)
{
	(void)state;
	/* UDP_OPEN sets our address (test_garbage gave it junk). */
	clear();
	nb_put32(blk + 2, CLIENT_IP);
	assert_int_equal(call(PXENV_UDP_OPEN), PXENV_EXIT_SUCCESS);
	/* A name running into the end of addressable memory (1 MiB + 64 KiB
	 * here) is refused, not opened cut short... */
	uint32_t edge = 0xffffu * 16 + 0xffe0u;
	memset(phys + edge, 'x', 0x110000u - edge);
	clear();
	wr16(blk + 4, 0xffe0);
	wr16(blk + 6, 0xffff);
	assert_int_equal(call(PXENV_FILE_OPEN), PXENV_EXIT_FAILURE);
	assert_int_equal(status(), PXENV_STATUS_BAD_FUNC);
	/* ...while one whose NUL is the last byte there is taken whole. */
	strcpy((char *)phys + 0xffffu * 16 + 0xfff8u, "http://10.0.0.1/big.bin");
	clear();
	wr16(blk + 4, 0xfff8);
	wr16(blk + 6, 0xffff);
	assert_int_equal(call(PXENV_FILE_OPEN), PXENV_EXIT_SUCCESS);
	uint16_t h = rd16(blk + 2);
	unsigned wb = 0;
	assert_int_equal(file_read_all(h, &wb), sizeof(big));
	clear();
	wr16(blk + 2, h);
	assert_int_equal(call(PXENV_FILE_CLOSE), PXENV_EXIT_SUCCESS);

	/* GET_CACHED_INFO into a buffer overlapping our own copy. */
	clear();
	wr16(blk + 2, CL_PXE_PKT_ACK);
	assert_int_equal(call(PXENV_GET_CACHED_INFO), PXENV_EXIT_SUCCESS);
	uint8_t ack[CL_PXEAPI_BOOTPLAYER_SIZE];
	memcpy(ack, phys + rd16(blk + 8) * 16 + rd16(blk + 6), sizeof(ack));
	clear();
	wr16(blk + 2, CL_PXE_PKT_ACK);
	wr16(blk + 4, CL_PXEAPI_BOOTPLAYER_SIZE);
	wr16(blk + 6, 0);
	wr16(blk + 8, BASE_SEG + 1);
	assert_int_equal(call(PXENV_GET_CACHED_INFO), PXENV_EXIT_SUCCESS);
	assert_memory_equal(phys + (BASE_SEG + 1) * 16, ack, sizeof(ack));

	/* A gateway packet is not lost to a UDP_READ with a bad buffer. */
	assert_int_equal(cl_pxeapi_set_gateway(&W->api, true,
					       "http://10.0.0.1/"), 0);
	uint8_t rrq[] = "\0\1hello.txt\0octet";
	assert_int_equal(udp_send(SERVER_IP, 2101, 69, rrq, sizeof(rrq)), 0);
	clear();
	nb_put16(blk + 12, 2101);
	wr16(blk + 14, 1500);
	wr16(blk + 16, 0xff00);
	wr16(blk + 18, 0xffff);
	assert_int_equal(call(PXENV_UDP_READ), PXENV_EXIT_FAILURE);
	assert_int_equal(status(), PXENV_STATUS_BAD_FUNC);
	uint32_t src;
	uint16_t tid;
	assert_int_equal(udp_wait(2101, &src, &tid), 4 + 512);
	assert_int_equal(rd16(phys + BUF_LIN), NB_TFTP_DATA << 8);
	clear();
	assert_int_equal(call(PXENV_UDP_CLOSE), PXENV_EXIT_SUCCESS);
}

/* ---- everything else ---- */

static void test_unsupported(void **state)
{
	(void)state;
	const uint16_t ops[] = {0x0016, 0x0024, 0x0040, 0x0072, 0x0073,
				0x0074, 0x0075, 0x00e5, 0x00e7, 0x00ff,
				0x1234, 0xffff};
	uint32_t before = W->api.unsupported;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		clear();
		assert_int_equal(call(ops[i]), PXENV_EXIT_FAILURE);
		assert_int_equal(status(), PXENV_STATUS_UNSUPPORTED);
	}
	assert_int_equal(W->api.unsupported, before + 12);
	/* UNDI calls go to the platform. */
	clear();
	assert_int_equal(call(0x000c), PXENV_EXIT_SUCCESS);
	assert_int_equal(W->undi_calls, 1);
	assert_int_equal(W->undi_last, 0x000c);
	assert_int_equal(cl_pxeapi_call(&W->api, 0x0071, NULL),
			 PXENV_EXIT_FAILURE);
	/* Unloading closes files and ports and succeeds. */
	clear();
	assert_int_equal(call(PXENV_UNLOAD_STACK), PXENV_EXIT_SUCCESS);
	assert_int_equal(status(), 0);
}

static void test_structs(void **state)
{
	(void)state;
	uint8_t rom_pxenv[CL_PXENV_SIZE], rom_bang[CL_BANGPXE_SIZE];
	for (int i = 0; i < CL_PXENV_SIZE; i++)
		rom_pxenv[i] = (uint8_t)(0x40 + i);
	for (int i = 0; i < CL_BANGPXE_SIZE; i++)
		rom_bang[i] = (uint8_t)(0x80 + i);
	struct cl_pxeapi_structs s = {
		.pxenv_seg = 0x9f00, .pxenv_off = 0x10,
		.bang_seg = 0x9f00, .bang_off = 0x40,
		.rm_entry_seg = 0x9f10, .rm_entry_off = 0x22,
		.sp_entry_seg = 0x9f10, .sp_entry_off = 0x33,
		.code_seg = 0x9f10, .code_size = 0x8000,
		.stack_seg = 0x9e00, .stack_size = 0x1000,
		.rom_pxenv = rom_pxenv, .rom_bangpxe = rom_bang,
	};
	uint8_t pxenv[CL_PXENV_SIZE], bang[CL_BANGPXE_SIZE];
	cl_pxeapi_make_structs(&s, pxenv, bang);
	uint8_t sum = 0;
	for (int i = 0; i < CL_PXENV_SIZE; i++)
		sum = (uint8_t)(sum + pxenv[i]);
	assert_int_equal(sum, 0);
	assert_memory_equal(pxenv, "PXENV+", 6);
	assert_int_equal(rd16(pxenv + 6), 0x0201);
	assert_int_equal(pxenv[8], 0x2c);
	assert_int_equal(rd16(pxenv + 0x0a), 0x22); /* RMEntry off, seg */
	assert_int_equal(rd16(pxenv + 0x0c), 0x9f10);
	assert_memory_equal(pxenv + 0x20, rom_pxenv + 0x20, 8); /* UNDI segs */
	assert_int_equal(rd16(pxenv + 0x28), 0x40); /* PXEPtr */
	assert_int_equal(rd16(pxenv + 0x2a), 0x9f00);
	sum = 0;
	for (int i = 0; i < CL_BANGPXE_SIZE; i++)
		sum = (uint8_t)(sum + bang[i]);
	assert_int_equal(sum, 0);
	assert_memory_equal(bang, "!PXE", 4);
	assert_int_equal(bang[4], 0x58);
	assert_int_equal(rd16(bang + 0x10), 0x33); /* EntryPointSP */
	assert_int_equal(rd16(bang + 0x12), 0x9f10);
	assert_int_equal(rd32(bang + 0x14), 0); /* no EntryPointESP */
	assert_int_equal(bang[0x1d], 7);
	assert_memory_equal(bang + 0x28, rom_bang + 0x28, 24);
	assert_int_equal(rd16(bang + 0x48), 0x9f10); /* BC_Code */
	assert_int_equal(rd32(bang + 0x4a), 0x9f100);
	assert_int_equal(rd16(bang + 0x4e), 0x8000);
}

/* Garbage blocks for every opcode: failures, never a crash (ASan/UBSan). */
static void test_garbage(void **state)
{
	(void)state;
	uint32_t x = 1;
	for (unsigned op = 0; op < 0x100; op++) {
		if (op == PXENV_TFTP_READ_FILE || op == PXENV_TFTP_OPEN ||
		    op == PXENV_TFTP_GET_FSIZE || op == PXENV_FILE_OPEN)
			continue; /* these wait for the network */
		for (int k = 0; k < 4; k++) {
			for (int i = 0; i < CL_PXEAPI_BLOCK_MAX; i++) {
				x = x * 1664525u + 1013904223u;
				blk[i] = (uint8_t)(x >> 24);
			}
			(void)call((uint16_t)op);
		}
	}
	cl_pxeapi_shutdown(&W->api);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cached_info),
		cmocka_unit_test(test_tftp_over_http),
		cmocka_unit_test(test_tftp_plain),
		cmocka_unit_test(test_get_fsize),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_file_api),
		cmocka_unit_test(test_runs_ahead),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_gateway),
		cmocka_unit_test(test_lossy),
		cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_structs),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_edges),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
