/*
 * libFuzzer harness for the chainloader's PXE API dispatcher
 * (examples/chainloader/pxeapi/).  The input plays a chained NBP that
 * calls the API with arbitrary parameter blocks, scribbles into its own
 * base memory, and talks to a server whose answers the input also
 * writes.  Each input gets a fresh stack, lease and API.
 *
 * Memory is modelled as separate heap blocks of exactly the size the
 * dispatcher may touch, so ASan sees any access beyond them:
 *   - the parameter block: CL_PXEAPI_BLOCK_MAX bytes, also addressable
 *     as 0800:0000 (callers may aim a pointer at their own block);
 *   - "base memory": LOW_SIZE bytes at 1000:0000;
 *   - the cached-packet block (cfg.base) at 9000:base_off;
 *   - "high memory" for TFTP_READ_FILE: HIGH_SIZE bytes at 0x100000;
 *   - the download rings: the tail of one heap block.
 * segoff_to_ptr/phys_to_ptr hand out a pointer only when the whole range
 * lies inside one of these.
 *
 * Input:
 *   header (6 bytes):
 *     [0] flags: bits 0-1 gateway (off, TFTP, http base, over-long base),
 *         2 options 209/210, 3 UNDI pass-through, 4 phys_to_ptr,
 *         5 idle hook, 6 extra packet is the ProxyDHCP one (else the
 *         boot server's), 7 parameter block starts as 0xa5 garbage
 *     [1] clock step: every clock reading advances 10 + 4 * byte ms
 *     [2] cached-packet block offset (base_off = byte * 0x101)
 *     [3] ring size per file (ring_sizes[byte % 8]; bit 7: the download
 *         memory has 3 spare bytes after the rings)
 *     [4..5] length (LE) of an extra DHCP packet that follows, 0 = none
 *   then records [op][len LE16 & 0x7ff][len bytes], op % 5:
 *   0 call:  [sel][flags][block bytes]; sel < 0xf0 picks the opcode
 *            from op_table, else (sel - 0xf0) << 8 | flags.  flags bits
 *            0-1: block starts zeroed / 0xa5 / as the last call left it;
 *            bit 2: move the opcode's far pointers into base memory.
 *   1 reply: [ctl][p0..p5][payload]: a frame from the server, made as an
 *            answer to the last frame we sent (see reply()).  While a
 *            call runs, the platform's poll hook sends the replies that
 *            follow it in the input, one per poll, each once we have sent
 *            something new (ctl bit 7: without waiting); outside calls
 *            they are queued at once.
 *   2 mem:   [off LE16][bytes] written into base memory.
 *   3 time:  [n] the clock jumps n * 250 ms.
 *   4 ctl:   [sub][...]: set_option / set_gateway / shutdown / link
 *            transmit failure.
 *
 * Seeds: `cd fuzz/pxeapi && ./gen_corpus.py`.  To see what a seed does,
 * build this file with -DPXEAPI_FUZZ_TRACE: every call, frame sent and
 * reply is printed.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fakelink.h"
#include "frames.h"
#include "netboot/core.h"
#include "netboot/dhcp.h"
#include "netboot/eth.h"
#include "netboot/ip.h"
#include "netboot/stack.h"
#include "netboot/tcp.h"
#include "pxeapi.h"

/* -DPXEAPI_FUZZ_TRACE: print each call and reply, to check that a seed
 * goes where it was meant to. */
#ifdef PXEAPI_FUZZ_TRACE
#include <stdio.h>
#define TRACE(...) fprintf(stderr, __VA_ARGS__)
#else
#define TRACE(...) ((void)0)
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OUR_IP NB_IPV4(10, 0, 0, 2)
#define SERVER_IP NB_IPV4(10, 0, 0, 1)
#define ROUTER_IP NB_IPV4(10, 0, 0, 254)
#define MASK 0xffffff00u

#define BLOCK_LIN 0x8000u
#define LOW_SEG 0x1000u
#define LOW_LIN (LOW_SEG * 16)
#define LOW_SIZE 0x10000u
#define BASE_SEG 0x9000u
#define BASE_SIZE (3u * CL_PXEAPI_BOOTPLAYER_SIZE)
#define HIGH_LIN 0x100000u
#define HIGH_SIZE 0x20000u
#define RING_MAX 65536u

/* Small rings reach the ring-full paths with a few packets; 1000 is below
 * two 512-byte packets, so TFTP_OPEN refuses; 0 refuses everything. */
static const uint32_t ring_sizes[] = {4096, 1500, 6001, RING_MAX, 1000, 0,
				      2048, 16384};

/* Implemented calls dominate; a few UNDI and unknown opcodes keep the
 * pass-through and the refusal honest. */
static const uint16_t op_table[] = {
	PXENV_TFTP_OPEN,      PXENV_TFTP_CLOSE,      PXENV_TFTP_READ,
	PXENV_TFTP_READ_FILE, PXENV_TFTP_GET_FSIZE,  PXENV_UDP_OPEN,
	PXENV_UDP_CLOSE,      PXENV_UDP_READ,        PXENV_UDP_WRITE,
	PXENV_UNLOAD_STACK,   PXENV_GET_CACHED_INFO, PXENV_STOP_BASE,
	PXENV_FILE_OPEN,      PXENV_FILE_CLOSE,      PXENV_FILE_SELECT,
	PXENV_FILE_READ,      PXENV_GET_FILE_SIZE,   PXENV_FILE_API_CHECK,
	PXENV_UDP_READ,       PXENV_FILE_READ,       PXENV_TFTP_READ,
	PXENV_UDP_WRITE,      0x0000,                0x0001,
	0x000b,               0x0015,                0x0024,
	0x00e5,               0x00e7,                0x0016,
	0x0072,               0xffff,
};
#define N_OPS (sizeof(op_table) / sizeof(op_table[0]))

/* After this many clock readings an input has had its share: the clock
 * then leaps a minute per reading so every wait ends at once. */
#define CLOCK_BUDGET 200000u

struct harness {
	struct fakelink fl;
	struct nb_arena arena;
	struct nb_stack s;
	struct nb_tcp tcp;
	struct nb_dhcp dhcp;
	struct cl_pxeapi api;
	struct cl_platform plat;

	uint64_t t;
	uint32_t step;
	uint32_t readings;
	uint32_t base_lin;

	/* The input's records, shared by the main loop and the poll hook. */
	const uint8_t *in;
	size_t in_len, pos;

	/* The pretend server. */
	uint8_t last[NB_ETH_FRAME_MAX]; /* latest ARP/UDP/TCP frame we sent */
	size_t last_len;
	bool fresh;        /* we sent something since the last reply */
	uint32_t peer_seq; /* next sequence number of its TCP side */
	uint8_t frame[NB_ETH_FRAME_MAX];
};

static struct harness H;
static uint8_t arena_mem[NB_STACK_ARENA_BYTES];
static uint8_t *blk, *low, *base, *high, *files, *pxenv_out, *bang_out;

/* ---- platform ---- */

static uint64_t p_now(void *ctx)
{
	(void)ctx;
	H.t += ++H.readings > CLOCK_BUDGET ? 60000 : H.step;
	return H.t;
}

static void p_idle(void *ctx, uint32_t max_ms)
{
	(void)ctx;
	(void)max_ms;
}

struct region {
	uint32_t lin, size;
	uint8_t *mem;
};

static void *in_region(const struct region *r, uint32_t lin, size_t len)
{
	if (lin < r->lin || len > r->size || lin - r->lin > r->size - len)
		return NULL;
	return r->mem + (lin - r->lin);
}

static void *p_segoff(void *ctx, uint16_t seg, uint16_t off, size_t len)
{
	(void)ctx;
	uint32_t lin = (uint32_t)seg * 16 + off;
	const struct region rs[] = {
		{BLOCK_LIN, CL_PXEAPI_BLOCK_MAX, blk},
		{LOW_LIN, LOW_SIZE, low},
		{H.base_lin, BASE_SIZE, base},
	};
	for (size_t i = 0; i < sizeof(rs) / sizeof(rs[0]); i++) {
		void *p = in_region(&rs[i], lin, len);
		if (p)
			return p;
	}
	return NULL;
}

static void *p_phys(void *ctx, uint32_t addr, uint32_t len)
{
	(void)ctx;
	const struct region r = {HIGH_LIN, HIGH_SIZE, high};
	return in_region(&r, addr, len);
}

static uint16_t p_undi(void *ctx, uint16_t opcode, void *block)
{
	uint8_t *b = block;
	(void)ctx;
	/* A ROM may read and write anywhere in the block it was given. */
	uint8_t x = 0;
	for (size_t i = 0; i < CL_PXEAPI_BLOCK_MAX; i++)
		x ^= b[i];
	b[0] = 0;
	b[1] = 0;
	b[CL_PXEAPI_BLOCK_MAX - 1] = x;
	return opcode & 1 ? PXENV_EXIT_FAILURE : PXENV_EXIT_SUCCESS;
}

/* ---- records ---- */

enum { R_CALL, R_REPLY, R_MEM, R_TIME, R_CTL, R_KINDS };

/* The record at *pos: its kind and body; false at the end. */
static bool peek(size_t pos, uint8_t *op, const uint8_t **body, size_t *len,
		 size_t *next)
{
	if (pos + 3 > H.in_len)
		return false;
	*op = H.in[pos] % R_KINDS;
	size_t n = (size_t)(H.in[pos + 1] | H.in[pos + 2] << 8) & 0x7ff;
	if (n > H.in_len - pos - 3)
		n = H.in_len - pos - 3;
	*body = H.in + pos + 3;
	*len = n;
	*next = pos + 3 + n;
	return true;
}

/* ---- the pretend server ---- */

static bool is_arp_request(const uint8_t *f, size_t len)
{
	return len >= 42 && nb_get16(f + 12) == NB_ETHERTYPE_ARP &&
	       nb_get16(f + 20) == 1;
}

/* IPv4 header length, or 0 unless a whole UDP/TCP header follows. */
static size_t ip_l4(const uint8_t *f, size_t len)
{
	if (len < 14 + 20 || nb_get16(f + 12) != NB_ETHERTYPE_IPV4)
		return 0;
	size_t ihl = (size_t)(f[14] & 15) * 4;
	size_t need = f[23] == 6 ? 20 : f[23] == 17 ? 8 : 0;
	if (ihl < 20 || !need || len < 14 + ihl + need)
		return 0;
	return ihl;
}

/* Note what the stack sent since the last look. */
static void watch_tx(void)
{
	size_t n = H.fl.ntx < FL_TX_MAX ? H.fl.ntx : FL_TX_MAX;
	for (size_t i = 0; i < n; i++) {
		const struct fl_frame *fr = &H.fl.tx[i];
		size_t ihl = ip_l4(fr->data, fr->len);
		if (!ihl && !is_arp_request(fr->data, fr->len))
			continue;
		memcpy(H.last, fr->data, fr->len);
		H.last_len = fr->len;
		H.fresh = true;
		const uint8_t *tcp = fr->data + 14 + ihl;
		TRACE(" sent %s %u -> %u, %zu bytes\n",
		      !ihl ? "arp" : fr->data[23] == 6 ? "tcp" : "udp",
		      ihl ? nb_get16(tcp) : 0, ihl ? nb_get16(tcp + 2) : 0,
		      fr->len);
		if (ihl && fr->data[23] == 17 && nb_get16(tcp + 2) == 69 &&
		    memchr(tcp + 10, 0, fr->len - 14 - ihl - 10))
			TRACE("   RRQ \"%s\"\n", (const char *)tcp + 10);
		if (ihl && fr->data[23] == 6)
			TRACE("   flags %02x seq %08x ack %08x\n", tcp[13],
			      nb_get32(tcp + 4), nb_get32(tcp + 8));
		/* A new connection: the server picks a new ISN. */
		if (ihl && fr->data[23] == 6 && (tcp[13] & 0x12) == 0x02)
			H.peer_seq = 0x10000000u + (uint32_t)H.t * 4096u;
	}
	H.fl.ntx = 0;
}

static uint16_t tcp_csum(uint32_t src, uint32_t dst, const uint8_t *seg,
			 size_t len)
{
	uint32_t sum = (src >> 16) + (src & 0xffff) + (dst >> 16) +
		       (dst & 0xffff) + 6 + (uint32_t)len;
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(seg[i] << 8 | seg[i + 1]);
	if (len & 1)
		sum += (uint32_t)seg[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * One server frame from a reply record.  ctl bit 6: the payload is a raw
 * Ethernet frame (bit 0: to our MAC, bit 1: IPv4 length and checksums
 * fixed).  Otherwise it answers the last frame we sent:
 *   ARP request: the reply (bit 0: from another MAC);
 *   UDP: payload from port p0p1 (0: the port we sent to) to the port we
 *        sent from (bit 1: to port p2p3 instead); bit 2: its first two
 *        bytes copied from our datagram, so a DNS answer carries the
 *        query's random ID;
 *   TCP: flags p0, seq = server's next + (int16)p1p2, ack = the end of
 *        our segment + (int16)p3p4, window p5 * 256 (0: 65535), an MSS
 *        option on a SYN.
 */
static void reply(const uint8_t *body, size_t len)
{
	uint8_t p[7] = {0};
	memcpy(p, body, len < 7 ? len : 7);
	const uint8_t ctl = p[0], *pl = len > 7 ? body + 7 : NULL;
	size_t pll = len > 7 ? len - 7 : 0;
	uint8_t *f = H.frame;
	size_t n = 0;

	if (ctl & 0x40) {
		if (!pll)
			return;
		n = pll < NB_ETH_FRAME_MAX ? pll : NB_ETH_FRAME_MAX;
		memcpy(f, pl, n);
		if ((ctl & 1) && n >= 6)
			memcpy(f, fl_our_mac, 6);
		if ((ctl & 2) && n > 14)
			fb_fixup_ipv4(f + 14, n - 14,
				      FB_FIX_LEN | FB_FIX_IPSUM | FB_FIX_L4SUM);
		TRACE("  raw frame %zu\n", n);
		(void)fl_push(&H.fl, f, n);
		return;
	}
	const uint8_t *l = H.last;
	if (is_arp_request(l, H.last_len)) {
		n = fb_arp(f, fl_our_mac, 2, ctl & 1 ? fb_other_mac : fb_peer_mac,
			   nb_get32(l + 38), fl_our_mac, nb_get32(l + 28));
		TRACE("  arp reply\n");
		(void)fl_push(&H.fl, f, n);
		return;
	}
	size_t ihl = ip_l4(l, H.last_len);
	if (!ihl) {
		TRACE("  reply with nothing to answer\n");
		return;
	}
	uint32_t us = nb_get32(l + 26), them = nb_get32(l + 30);
	const uint8_t *l4 = l + 14 + ihl;
	uint16_t our_port = nb_get16(l4), their_port = nb_get16(l4 + 2);
	if (l[23] == 17) {
		uint16_t sport = nb_get16(p + 1) ? nb_get16(p + 1) : their_port;
		uint16_t dport = ctl & 2 ? nb_get16(p + 3) : our_port;
		uint8_t d[NB_ETH_FRAME_MAX];
		if (pll > NB_ETH_FRAME_MAX - 14 - 20 - 8)
			pll = NB_ETH_FRAME_MAX - 14 - 20 - 8;
		if (pll)
			memcpy(d, pl, pll);
		if ((ctl & 4) && pll >= 2 && nb_get16(l4 + 4) >= 8 + 2)
			memcpy(d, l4 + 8, 2);
		n = fb_udp_frame(f, fl_our_mac, them, us, sport, dport, d, pll);
		TRACE("  udp %u -> %u, %zu bytes\n", sport, dport, pll);
		(void)fl_push(&H.fl, f, n);
		return;
	}
	uint8_t seg[NB_ETH_FRAME_MAX];
	size_t tot = nb_get16(l + 16), doff = (size_t)(l4[12] >> 4) * 4;
	size_t our_len = tot > ihl + doff ? tot - ihl - doff : 0;
	uint32_t ack = nb_get32(l4 + 4) + (uint32_t)our_len +
		       ((l4[13] & 0x02) ? 1u : 0u) + ((l4[13] & 0x01) ? 1u : 0u) +
		       (uint32_t)(int32_t)(int16_t)nb_get16(p + 4);
	int16_t dseq = (int16_t)nb_get16(p + 2);
	uint32_t seq = H.peer_seq + (uint32_t)(int32_t)dseq;
	uint8_t flags = p[1] & 0x3f;
	size_t hl = flags & 0x02 ? 24 : 20;
	if (pll > NB_ETH_FRAME_MAX - 14 - 20 - hl)
		pll = NB_ETH_FRAME_MAX - 14 - 20 - hl;
	memset(seg, 0, hl);
	nb_put16(seg, their_port);
	nb_put16(seg + 2, our_port);
	nb_put32(seg + 4, seq);
	nb_put32(seg + 8, ack);
	seg[12] = (uint8_t)(hl / 4 << 4);
	seg[13] = flags;
	nb_put16(seg + 14, p[6] ? (uint16_t)(p[6] << 8) : 0xffff);
	if (hl == 24) {
		seg[20] = 2, seg[21] = 4;
		nb_put16(seg + 22, 1460);
	}
	if (pll)
		memcpy(seg + hl, pl, pll);
	nb_put16(seg + 16, tcp_csum(them, us, seg, hl + pll));
	if (!dseq)
		H.peer_seq = seq + (uint32_t)pll + ((flags & 0x02) ? 1u : 0u) +
			     ((flags & 0x01) ? 1u : 0u);
	TRACE("  tcp flags %02x seq %08x ack %08x, %zu bytes\n", flags, seq, ack,
	      pll);
	struct fb_ip ih = {.src = them, .dst = us, .proto = 6};
	n = fb_ip_frame(f, fl_our_mac, &ih, seg, hl + pll);
	(void)fl_push(&H.fl, f, n);
}

/* The dispatcher's poll hook: at most one reply per round. */
static void p_poll(void *ctx)
{
	uint8_t op;
	const uint8_t *body;
	size_t len, next;
	(void)ctx;
	watch_tx();
	if (!peek(H.pos, &op, &body, &len, &next) || op != R_REPLY)
		return;
	if (!H.fresh && !(len && (body[0] & 0x80)))
		return;
	H.fresh = false;
	H.pos = next;
	reply(body, len);
}

/* ---- calls ---- */

/* Offsets of the SEGOFF16 fields in each block layout. */
static int far_field(uint16_t op)
{
	switch (op) {
	case PXENV_GET_CACHED_INFO:
	case PXENV_TFTP_READ:
	case PXENV_FILE_READ:
		return 6;
	case PXENV_FILE_OPEN:
		return 4;
	case PXENV_UDP_READ:
	case PXENV_UDP_WRITE:
		return 16;
	default:
		return -1;
	}
}

static void call(const uint8_t *body, size_t len)
{
	if (len < 2)
		return;
	uint8_t sel = body[0], fl = body[1];
	uint16_t op = sel < 0xf0 ? op_table[sel % N_OPS]
				 : (uint16_t)((sel - 0xf0) << 8 | fl);
	if ((fl & 3) == 0)
		memset(blk, 0, CL_PXEAPI_BLOCK_MAX);
	else if ((fl & 3) == 1)
		memset(blk, 0xa5, CL_PXEAPI_BLOCK_MAX);
	len -= 2;
	memcpy(blk, body + 2, len < CL_PXEAPI_BLOCK_MAX ? len : CL_PXEAPI_BLOCK_MAX);
	if (fl & 4) {
		int at = far_field(op);
		if (at >= 0) {
			uint16_t seg = (uint16_t)(blk[at + 2] | blk[at + 3] << 8);
			seg = (uint16_t)(LOW_SEG + (seg & 0x0fff));
			blk[at + 2] = (uint8_t)seg;
			blk[at + 3] = (uint8_t)(seg >> 8);
		}
		if (op == PXENV_TFTP_READ_FILE) {
			uint32_t a = (uint32_t)(blk[134] | blk[135] << 8 |
						blk[136] << 16);
			a = HIGH_LIN + (a & (HIGH_SIZE - 1));
			blk[134] = (uint8_t)a, blk[135] = (uint8_t)(a >> 8);
			blk[136] = (uint8_t)(a >> 16), blk[137] = (uint8_t)(a >> 24);
		}
	}
	uint16_t rc = cl_pxeapi_call(&H.api, op, blk);
	TRACE("t=%llu call %04x -> %u status 0x%02x\n", (unsigned long long)H.t,
	      op, rc, blk[0] | blk[1] << 8);
	for (int i = 0; i < CL_PXEAPI_FILES; i++)
		if (H.api.files[i].kind)
			TRACE("  file %d: kind %u status %d rd %llu have %llu\n", i,
			      H.api.files[i].kind, H.api.files[i].status,
			      (unsigned long long)H.api.files[i].rd,
			      (unsigned long long)H.api.files[i].have);
	if (rc != PXENV_EXIT_SUCCESS && rc != PXENV_EXIT_FAILURE)
		abort();
}

/* What must hold between calls, whatever the NBP and the server did. */
static void check(void)
{
	const struct cl_pxeapi *a = &H.api;
	for (int i = 0; i < CL_PXEAPI_FILES; i++) {
		const struct cl_pxeapi_file *f = &a->files[i];
		if (f->kind == 0)
			continue;
		if (f->kind > 2 || f->a != a)
			abort();
		if (!f->direct && (f->rd > f->have || f->have - f->rd > f->cap))
			abort();
	}
	if (a->tftp_file < -1 || a->tftp_file >= CL_PXEAPI_FILES ||
	    (a->tftp_file >= 0 && a->files[a->tftp_file].kind == 0))
		abort();
	for (int i = 0; i < CL_PXEAPI_GW; i++) {
		const struct cl_pxeapi_gw *g = &a->gw[i];
		if (g->active && (g->file < -1 || g->file >= CL_PXEAPI_FILES ||
				  g->blksize > CL_PXEAPI_GW_BLK ||
				  g->last_len > g->blksize))
			abort();
	}
	/* Sockets of ports and TFTP files, nothing else, and no cycle. */
	size_t n = 0;
	for (const struct nb_udp_sock *k = H.s.udp; k; k = k->next)
		if (++n > CL_PXEAPI_UDP_PORTS + 2 * CL_PXEAPI_FILES)
			abort();
	n = 0;
	for (const struct nb_tcp_conn *c = H.tcp.conns; c; c = c->next)
		if (++n > CL_PXEAPI_FILES * NB_HTTP_PARTS_MAX)
			abort();
}

static void control(const uint8_t *body, size_t len)
{
	if (len < 1)
		return;
	switch (body[0] % 4) {
	case 0:
		if (len >= 2)
			(void)cl_pxeapi_set_option(&H.api, body[1], body + 2,
						   len - 2);
		break;
	case 1: {
		char b[CL_PXEAPI_NAME_MAX + 8];
		size_t n = len - 1 < sizeof(b) - 1 ? len - 1 : sizeof(b) - 1;
		memcpy(b, body + 1, n);
		b[n] = 0;
		(void)cl_pxeapi_set_gateway(&H.api, n && (b[0] & 1), n ? b + 1
								       : NULL);
		break;
	}
	case 2:
		cl_pxeapi_shutdown(&H.api);
		break;
	default:
		H.fl.tx_rc = len >= 2 && body[1] ? -NB_EIO : 0;
		break;
	}
}

/* ---- setup ---- */

static size_t make_ack(uint8_t *p)
{
	memset(p, 0, 300);
	p[0] = 2, p[1] = 1, p[2] = 6;
	nb_put32(p + 4, 0x1badb002);
	nb_put32(p + 16, OUR_IP);
	nb_put32(p + 20, SERVER_IP);
	memcpy(p + 28, fl_our_mac, 6);
	memcpy(p + 108, "pxelinux.0", 10);
	nb_put32(p + 236, 0x63825363);
	static const uint8_t o[] = {
		53, 1, 5, 54, 4, 10, 0, 0, 1, 1, 4, 255, 255, 255, 0,
		3, 4, 10, 0, 0, 254, 6, 4, 10, 0, 0, 1, 51, 4, 0, 0, 14, 16,
		60, 9, 'P', 'X', 'E', 'C', 'l', 'i', 'e', 'n', 't',
		209, 7, 'o', 'l', 'd', '.', 'c', 'f', 'g', 255};
	memcpy(p + 240, o, sizeof(o));
	return 300;
}

static bool once(void)
{
	blk = malloc(CL_PXEAPI_BLOCK_MAX);
	low = malloc(LOW_SIZE);
	base = malloc(BASE_SIZE);
	high = malloc(HIGH_SIZE);
	files = malloc((size_t)CL_PXEAPI_FILES * RING_MAX);
	pxenv_out = malloc(CL_PXENV_SIZE);
	bang_out = malloc(CL_BANGPXE_SIZE);
	if (!blk || !low || !base || !high || !files || !pxenv_out || !bang_out)
		return false;
	fl_init(&H.fl, fl_our_mac, 1500, 7);
	return true;
}

static bool setup(const uint8_t *hdr, const uint8_t *extra, size_t extra_len)
{
	static uint8_t ack[300];
	uint8_t flags = hdr[0];

	/* The fakelink's queues are reset, not cleared: 200 KiB per input
	 * would cost more than most inputs. */
	H.fl.ntx = 0;
	H.fl.rx_head = H.fl.rx_tail = 0;
	H.fl.tx_rc = H.fl.rx_rc = H.fl.rng_rc = 0;
	H.fl.rng_state = 7;
	H.t = 1000;
	H.readings = 0;
	H.step = 10u + 4u * hdr[1];
	H.last_len = 0;
	H.fresh = false;
	H.peer_seq = 0x10000000u;

	nb_arena_init(&H.arena, arena_mem, sizeof(arena_mem));
	if (nb_stack_init(&H.s, &H.fl.link, &H.fl.rng, &H.arena) != 0)
		return false;
	size_t n = make_ack(ack);
	bool proxy = flags & 0x40;
	if (!extra_len ||
	    nb_dhcp_use_cached(&H.dhcp, &H.s, ack, n, proxy ? extra : NULL,
			       proxy ? extra_len : 0, proxy ? NULL : extra,
			       proxy ? 0 : extra_len) != 0) {
		if (nb_dhcp_use_cached(&H.dhcp, &H.s, ack, n, NULL, 0, NULL, 0))
			return false;
	}
	if (H.s.ip != OUR_IP)
		return false;
	nb_stack_poll(&H.s, H.t);
	nb_arp_add(&H.s, SERVER_IP, fb_peer_mac);
	nb_arp_add(&H.s, ROUTER_IP, fb_peer_mac);
	if (nb_tcp_init(&H.tcp, &H.s) != 0)
		return false;

	memset(low, 0, LOW_SIZE);
	memset(high, 0, HIGH_SIZE);
	memset(blk, flags & 0x80 ? 0xa5 : 0, CL_PXEAPI_BLOCK_MAX);
	uint16_t base_off = (uint16_t)(hdr[2] * 0x101);
	H.base_lin = BASE_SEG * 16 + base_off;
	size_t ring = ring_sizes[hdr[3] % (sizeof(ring_sizes) / sizeof(ring_sizes[0]))];
	size_t fm_len = ring * CL_PXEAPI_FILES + (hdr[3] & 0x80 ? 3 : 0);
	if (fm_len > (size_t)CL_PXEAPI_FILES * RING_MAX)
		fm_len = (size_t)CL_PXEAPI_FILES * RING_MAX;

	memset(&H.plat, 0, sizeof(H.plat));
	H.plat.now_ms = p_now;
	H.plat.poll = p_poll;
	H.plat.segoff_to_ptr = p_segoff;
	if (flags & 0x08)
		H.plat.undi = p_undi;
	if (flags & 0x10)
		H.plat.phys_to_ptr = p_phys;
	if (flags & 0x20)
		H.plat.idle = p_idle;
	struct cl_pxeapi_cfg cfg = {
		.p = &H.plat,
		.stack = &H.s,
		.tcp = &H.tcp,
		.dhcp = &H.dhcp,
		.base = base,
		.base_seg = BASE_SEG,
		.base_off = base_off,
		/* At the very end, so running past the last ring is caught. */
		.file_mem = files + (size_t)CL_PXEAPI_FILES * RING_MAX - fm_len,
		.file_mem_len = fm_len,
	};
	if (cl_pxeapi_init(&H.api, &cfg) != 0)
		return false;

	static const char *const gw[] = {NULL, "", "http://10.0.0.1/boot/",
					 NULL};
	char longbase[CL_PXEAPI_NAME_MAX];
	int g = flags & 3;
	if (g == 3) {
		/* One byte short of the limit: every name overflows it. */
		memset(longbase, 'a', sizeof(longbase));
		memcpy(longbase, "http://10.0.0.1/", 16);
		longbase[sizeof(longbase) - 2] = '/';
		longbase[sizeof(longbase) - 1] = 0;
	}
	if (g && cl_pxeapi_set_gateway(&H.api, true, g == 3 ? longbase : gw[g]))
		return false;
	if (flags & 0x04) {
		static const char cfgfile[] = "pxelinux.cfg/default";
		static const char prefix[] = "http://10.0.0.1/";
		if (cl_pxeapi_set_option(&H.api, 209, cfgfile, sizeof(cfgfile) - 1) ||
		    cl_pxeapi_set_option(&H.api, 210, prefix, sizeof(prefix) - 1))
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	if (!ready) {
		if (!once())
			abort();
		ready = true;
	}
	if (size < 6)
		return 0;
	TRACE("input of %zu bytes\n", size);
	size_t extra_len = (size_t)(data[4] | data[5] << 8);
	if (extra_len > size - 6)
		extra_len = size - 6;
	if (extra_len > NB_DHCP_PKT_MAX)
		extra_len = NB_DHCP_PKT_MAX;
	if (!setup(data, data + 6, extra_len))
		abort(); /* the fixed environment must always come up */

	H.in = data;
	H.in_len = size;
	H.pos = 6 + extra_len;
	uint8_t op;
	const uint8_t *body;
	size_t len, next;
	while (peek(H.pos, &op, &body, &len, &next)) {
		H.pos = next;
		switch (op) {
		case R_CALL:
			call(body, len);
			break;
		case R_REPLY:
			watch_tx();
			H.fresh = false;
			reply(body, len);
			break;
		case R_MEM:
			if (len >= 2) {
				size_t off = (size_t)(body[0] | body[1] << 8);
				size_t n = len - 2;
				if (n > LOW_SIZE - off)
					n = LOW_SIZE - off;
				memcpy(low + off, body + 2, n);
			}
			break;
		case R_TIME:
			H.t += len ? (uint64_t)body[0] * 250 : 250;
			break;
		default:
			control(body, len);
			break;
		}
		check();
	}
	/* The PXENV+/!PXE builder copies from the ROM's structures, which
	 * the NBP's memory stands in for here (the last bytes of base
	 * memory, so a read past either size is caught). */
	struct cl_pxeapi_structs st = {
		.pxenv_seg = (uint16_t)H.t, .bang_seg = (uint16_t)(H.t >> 16),
		.code_seg = (uint16_t)H.pos, .code_size = (uint16_t)size,
		.rom_pxenv = data[0] & 1 ? low + LOW_SIZE - CL_PXENV_SIZE : NULL,
		.rom_bangpxe = data[0] & 2 ? low + LOW_SIZE - CL_BANGPXE_SIZE
					   : NULL,
	};
	cl_pxeapi_make_structs(&st, pxenv_out, bang_out);
	/* UNLOAD_STACK must leave nothing of ours linked into the stack. */
	cl_pxeapi_shutdown(&H.api);
	if (H.s.udp || H.tcp.conns)
		abort();
	return 0;
}
