/*
 * The PXE API served to a chained NBP (see pxeapi.h for the design and
 * for how the BIOS side enters it).  Parameter blocks are read and written
 * byte by byte at the offsets of the PXE 2.1 / gPXE file API layouts: they
 * sit at any alignment in the caller's memory, and x86 stores them little
 * endian while IP addresses and UDP ports inside them are in network order.
 */
#include "pxeapi.h"

#include "fmt.h"
#include "core/mem.h"

/* ---- block access ---- */

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void set16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void set32(uint8_t *p, uint32_t v)
{
	set16(p, (uint16_t)v);
	set16(p + 2, (uint16_t)(v >> 16));
}

static uint16_t ok(uint8_t *b)
{
	set16(b, PXENV_STATUS_SUCCESS);
	return PXENV_EXIT_SUCCESS;
}

static uint16_t fail(uint8_t *b, uint16_t status)
{
	set16(b, status);
	return PXENV_EXIT_FAILURE;
}

/* A SEGOFF16 (offset word first) inside a block, as a flat pointer. */
static void *far_ptr(struct cl_pxeapi *a, const uint8_t *segoff, size_t len)
{
	const struct cl_pxeapi_platform *p = a->cfg.p;
	return p->segoff_to_ptr(p->ctx, le16(segoff + 2), le16(segoff), len);
}

static bool prefix(const char *s, const char *p)
{
	while (*p)
		if (*s++ != *p++)
			return false;
	return true;
}

/* Copy a name whose NUL lies within the max_src bytes at src; false if
 * it is empty, unterminated there or longer than CL_PXEAPI_NAME_MAX - 1
 * (a cut name would open the wrong file). */
static bool take_name(char *dst, const char *src, size_t max_src)
{
	size_t n = 0;
	while (n < max_src && n + 1 < CL_PXEAPI_NAME_MAX && src[n]) {
		dst[n] = src[n];
		n++;
	}
	dst[n] = 0;
	return n > 0 && n < max_src && !src[n];
}

static uint64_t now(struct cl_pxeapi *a)
{
	return a->cfg.p->now_ms(a->cfg.p->ctx);
}

/* ---- the file ring: a sink that accepts what fits ahead of the reader ---- */

static void ooo_absorb(struct cl_pxeapi_file *f)
{
	bool moved = true;
	while (moved) {
		moved = false;
		for (size_t i = 0; i < sizeof(f->ooo) / sizeof(f->ooo[0]); i++) {
			struct nb_tcp_range *r = &f->ooo[i];
			if (r->start == r->end || r->start > f->have)
				continue;
			if (r->end > f->have)
				f->have = r->end;
			r->start = r->end = 0;
			moved = true;
		}
	}
}

static int ooo_add(struct cl_pxeapi_file *f, uint64_t s, uint64_t e)
{
	struct nb_tcp_range *free_r = NULL;
	for (size_t i = 0; i < sizeof(f->ooo) / sizeof(f->ooo[0]); i++) {
		struct nb_tcp_range *r = &f->ooo[i];
		if (r->start == r->end) {
			if (!free_r)
				free_r = r;
			continue;
		}
		if (s <= r->end && e >= r->start) {
			/* Overlapping or adjacent: widen, then let a later
			 * absorb fold ranges that now touch the in-order part. */
			if (s < r->start)
				r->start = s;
			if (e > r->end)
				r->end = e;
			return 0;
		}
	}
	if (!free_r)
		return -NB_ENOBUFS; /* TCP never holds more ranges than this */
	free_r->start = s;
	free_r->end = e;
	return 0;
}

static int ring_write(void *ctx, uint64_t off, const void *data, size_t len)
{
	struct cl_pxeapi_file *f = ctx;
	const uint8_t *d = data;
	if (off < f->rd) {
		/* Retransmitted or resumed bytes the reader already has. */
		uint64_t skip = f->rd - off;
		if (skip >= len)
			return 0;
		d += skip;
		len -= (size_t)skip;
		off = f->rd;
	}
	if (len > f->cap || off - f->rd > f->cap - len)
		return -NB_ERANGE;
	size_t at = (size_t)(off % f->cap);
	size_t first = f->cap - at < len ? f->cap - at : len;
	memcpy(f->ring + at, d, first);
	memcpy(f->ring, d + first, len - first);
	uint64_t end = off + len;
	if (off <= f->have) {
		if (end > f->have)
			f->have = end;
	} else {
		int rc = ooo_add(f, off, end);
		if (rc < 0)
			return rc;
	}
	ooo_absorb(f);
	return 0;
}

static int ring_total(void *ctx, uint64_t size)
{
	struct cl_pxeapi_file *f = ctx;
	f->size = size;
	f->size_known = true;
	/* A size probe ends the transfer here: nothing needs to flow. */
	return f->want_size ? -NB_ECANCELED : 0;
}

/* Chunked HTTP bodies may overshoot the advertised space by their framing
 * (lib/http adds 4 KiB of slack), so keep that much of the ring spare. */
#define RING_SLACK 8192

static uint64_t ring_limit(void *ctx)
{
	struct cl_pxeapi_file *f = ctx;
	size_t room = f->cap > 4 * RING_SLACK ? f->cap - RING_SLACK : f->cap;
	return f->rd + room;
}

/* Bytes of the file after rd that are ready to read. */
static uint64_t ready(const struct cl_pxeapi_file *f)
{
	return f->have - f->rd;
}

static void ring_read(struct cl_pxeapi_file *f, uint8_t *dst, size_t n)
{
	size_t at = (size_t)(f->rd % f->cap);
	size_t first = f->cap - at < n ? f->cap - at : n;
	memcpy(dst, f->ring + at, first);
	memcpy(dst + first, f->ring, n - first);
	f->rd += n;
}

/* ---- TFTP transport: our own socket, so a full ring can refuse DATA ---- */

static void tio_rx(void *ctx, struct nb_udp_sock *sk,
		   const struct nb_udp_meta *m, const void *data, size_t len)
{
	struct cl_pxeapi_file *f = ctx;
	const uint8_t *p = data;
	(void)sk;
	if (!f->direct && len >= 4 && p[0] == 0 && p[1] == NB_TFTP_DATA &&
	    f->rd + f->cap - f->have < f->u.tftp.blksize) {
		/* No room: drop it unread.  The server resends the window
		 * once our ACK timer (or its own) fires, by which time the
		 * reader has made room. */
		f->dropped++;
		return;
	}
	nb_tftp_input(&f->u.tftp, m->src_ip, m->src_port, data, len,
		      f->a->cfg.stack->now);
}

static int tio_send(void *ctx, uint32_t ip, uint16_t port, const void *pkt,
		    size_t len)
{
	struct cl_pxeapi_file *f = ctx;
	return nb_udp_sendto(&f->sk, ip, port, pkt, len);
}

static int tio_rebind(void *ctx)
{
	struct cl_pxeapi_file *f = ctx;
	nb_udp_close(&f->sk);
	return nb_udp_open(&f->sk, f->a->cfg.stack, 0, tio_rx, f);
}

static void tio_close(void *ctx)
{
	struct cl_pxeapi_file *f = ctx;
	nb_udp_close(&f->sk);
}

static const struct nb_tftp_io tftp_io = {
	.send = tio_send,
	.rebind = tio_rebind,
	.close = tio_close,
};

/* ---- files ---- */

enum { F_FREE = 0, F_HTTP = 1, F_TFTP = 2 };

static struct cl_pxeapi_file *file_alloc(struct cl_pxeapi *a)
{
	for (int i = 0; i < CL_PXEAPI_FILES; i++) {
		struct cl_pxeapi_file *f = &a->files[i];
		if (f->kind == F_FREE) {
			size_t cap = a->cfg.file_mem_len / CL_PXEAPI_FILES;
			memset(f, 0, sizeof(*f));
			f->a = a;
			f->ring = a->cfg.file_mem + (size_t)i * cap;
			f->cap = cap;
			f->status = -NB_EAGAIN;
			f->sink.write = ring_write;
			f->sink.total = ring_total;
			f->sink.limit = ring_limit;
			f->sink.ctx = f;
			return f;
		}
	}
	return NULL;
}

static void file_close(struct cl_pxeapi_file *f)
{
	if (f->kind == F_HTTP)
		nb_http_close(&f->u.http);
	else if (f->kind == F_TFTP) {
		if (f->status == -NB_EAGAIN)
			nb_tftp_abort(&f->u.tftp);
		nb_udp_close(&f->sk);
	}
	f->kind = F_FREE;
}

static int file_index(const struct cl_pxeapi *a, const struct cl_pxeapi_file *f)
{
	return (int)(f - a->files);
}

/* Start fetching f->name: http:// over HTTP, tftp://ip/path or a bare
 * name over TFTP (to @p server, or the lease's next server when 0). */
static int file_start(struct cl_pxeapi_file *f, uint32_t server,
		      uint16_t port)
{
	struct cl_pxeapi *a = f->a;
	const struct nb_sink *sink = f->direct ? &f->mem.sink : &f->sink;
	if (!f->direct && f->cap == 0)
		return -NB_ENOMEM;
	if (prefix(f->name, "http://")) {
		struct nb_http_cfg hc;
		memset(&hc, 0, sizeof(hc));
		hc.url = f->name;
		hc.user_agent = "libnetboot-pxeapi";
		f->kind = F_HTTP;
		int rc = nb_http_start(&f->u.http, a->cfg.stack, a->cfg.tcp,
				       sink, &hc);
		if (rc < 0)
			f->kind = F_FREE;
		return rc;
	}
	if (prefix(f->name, "https://") || prefix(f->name, "ftp://"))
		return -NB_ENOTSUP;
	const char *path = f->name;
	if (prefix(f->name, "tftp://")) {
		const char *host = f->name + 7, *slash = host;
		while (*slash && *slash != '/' && *slash != ':')
			slash++;
		if (nb_ipv4_parse(host, (size_t)(slash - host), &server) < 0)
			return -NB_EINVAL;
		while (*slash && *slash != '/')
			slash++;
		path = *slash ? slash + 1 : slash;
	}
	if (!server)
		server = a->cfg.dhcp->lease.next_server;
	if (!server || !*path)
		return -NB_EINVAL;
	int rc = nb_udp_open(&f->sk, a->cfg.stack, 0, tio_rx, f);
	if (rc < 0)
		return rc;
	struct nb_tftp_cfg tc;
	nb_tftp_cfg_init(&tc, a->cfg.stack, server, path);
	tc.server_port = port;
	f->kind = F_TFTP;
	rc = nb_tftp_start_io(&f->u.tftp, &tc, sink, &tftp_io, f, now(a));
	if (rc < 0) {
		nb_udp_close(&f->sk);
		f->kind = F_FREE;
	}
	return rc;
}

/* One round of progress: the platform's hook, the stack, every transfer. */
static void pump(struct cl_pxeapi *a)
{
	const struct cl_pxeapi_platform *p = a->cfg.p;
	if (p->poll)
		p->poll(p->ctx);
	uint64_t t = now(a);
	(void)nb_stack_poll(a->cfg.stack, t);
	for (int i = 0; i < CL_PXEAPI_FILES; i++) {
		struct cl_pxeapi_file *f = &a->files[i];
		if (f->kind == F_FREE || f->status != -NB_EAGAIN)
			continue;
		int rc = f->kind == F_HTTP ? nb_http_poll(&f->u.http, t)
					   : nb_tftp_poll(&f->u.tftp, t);
		if (rc == -NB_EAGAIN)
			continue;
		f->status = rc;
		if (rc == 0 && !f->size_known && !f->direct) {
			f->size = f->have;
			f->size_known = true;
		}
		if (f->kind == F_HTTP && f->u.http.size_known &&
		    !f->size_known) {
			f->size = f->u.http.size;
			f->size_known = true;
		}
	}
}

/* What a blocking call waits for. */
enum want { W_STARTED, W_PACKET, W_DONE, W_SIZE };

static bool satisfied(const struct cl_pxeapi_file *f, enum want w)
{
	if (f->status != -NB_EAGAIN)
		return true;
	switch (w) {
	case W_STARTED:
		return f->size_known || f->have > 0;
	case W_PACKET:
		return ready(f) >= f->pkt;
	case W_SIZE:
		return f->size_known;
	case W_DONE:
	default:
		return false;
	}
}

/* Spins are bounded too, in case the platform's clock stands still. */
#define MAX_SPINS 50000000u

static void wait_for(struct cl_pxeapi *a, struct cl_pxeapi_file *f,
		     enum want w)
{
	uint64_t last = now(a), seen = f->have;
	for (uint32_t spin = 0; spin < MAX_SPINS && !satisfied(f, w); spin++) {
		pump(a);
		uint64_t t = now(a);
		if (f->have != seen) {
			seen = f->have;
			last = t;
		} else if (t - last > CL_PXEAPI_WAIT_MS) {
			f->status = -NB_ETIMEDOUT;
		} else if (a->cfg.p->idle) {
			a->cfg.p->idle(a->cfg.p->ctx);
		}
	}
	if (!satisfied(f, w))
		f->status = -NB_ETIMEDOUT;
}

static uint16_t status_of(const struct cl_pxeapi_file *f, int rc)
{
	switch (rc) {
	case -NB_ENOTFOUND:
		return PXENV_STATUS_TFTP_FILE_NOT_FOUND;
	case -NB_EACCES:
	case -NB_EAUTH:
		return PXENV_STATUS_TFTP_ACCESS_VIOLATION;
	case -NB_EUNREACH:
		return PXENV_STATUS_TFTP_CANNOT_ARP_ADDRESS;
	case -NB_ECONNREFUSED:
		return PXENV_STATUS_TFTP_CANNOT_OPEN_CONNECTION;
	case -NB_ETIMEDOUT:
		return f && f->have ? PXENV_STATUS_TFTP_READ_TIMEOUT
				    : PXENV_STATUS_TFTP_OPEN_TIMEOUT;
	case -NB_ENOMEM:
	case -NB_ENOSPC:
	case -NB_ETOOBIG:
	case -NB_EADDRINUSE:
		return PXENV_STATUS_OUT_OF_RESOURCES;
	case -NB_EINVAL:
	case -NB_ENOTSUP:
	case -NB_EMSGSIZE:
		return PXENV_STATUS_BAD_FUNC;
	default:
		return PXENV_STATUS_TFTP_CANNOT_READ_FROM_CONNECTION;
	}
}

/* Open name (already in f->name) and wait until it is under way. */
static int open_and_start(struct cl_pxeapi *a, struct cl_pxeapi_file *f,
			  uint32_t server, uint16_t port)
{
	int rc = file_start(f, server, port);
	if (rc < 0)
		return rc;
	wait_for(a, f, W_STARTED);
	return f->status == 0 || f->status == -NB_EAGAIN ? 0 : f->status;
}

/* ---- PXENV_GET_CACHED_INFO ---- */

#define BOOTP_HDR 236
#define DHCP_MAGIC 0x63825363u

static const struct cl_pxeapi_opt *opt_find(const struct cl_pxeapi *a,
					    uint8_t tag)
{
	for (int i = 0; i < CL_PXEAPI_OPTS; i++)
		if (a->opts[i].tag == tag)
			return &a->opts[i];
	return NULL;
}

static struct cl_pxeapi_opt *opt_slot(struct cl_pxeapi *a, uint8_t tag)
{
	for (int i = 0; i < CL_PXEAPI_OPTS; i++)
		if (a->opts[i].tag == tag)
			return &a->opts[i];
	return NULL;
}

/* Append one option at *at if it fits before the END byte; false if not. */
static bool put_opt(uint8_t *out, size_t *at, uint8_t tag, const uint8_t *v,
		    size_t len)
{
	if (*at + 2 + len + 1 > CL_PXEAPI_BOOTPLAYER_SIZE)
		return false;
	out[(*at)++] = tag;
	out[(*at)++] = (uint8_t)len;
	memcpy(out + *at, v, len);
	*at += len;
	return true;
}

/* Lay a DHCP packet out as a BOOTPLAYER: header verbatim, then its
 * options minus those the script replaced, then the script's options,
 * END, zeros.  Options that no longer fit are left out whole. */
static void build_reply(const struct cl_pxeapi *a, uint8_t *out,
			const uint8_t *pkt, size_t len)
{
	memset(out, 0, CL_PXEAPI_BOOTPLAYER_SIZE);
	memcpy(out, pkt, len < BOOTP_HDR ? len : BOOTP_HDR);
	nb_put32(out + BOOTP_HDR, DHCP_MAGIC);
	size_t at = BOOTP_HDR + 4;
	bool room = true;
	if (len >= BOOTP_HDR + 4 && nb_get32(pkt + BOOTP_HDR) == DHCP_MAGIC) {
		size_t i = BOOTP_HDR + 4;
		while (i < len && pkt[i] != 255) {
			uint8_t tag = pkt[i];
			if (tag == 0) {
				i++;
				continue;
			}
			if (i + 2 > len || i + 2 + pkt[i + 1] > len)
				break; /* truncated: keep what was whole */
			uint8_t olen = pkt[i + 1];
			if (room && !opt_find(a, tag))
				room = put_opt(out, &at, tag, pkt + i + 2, olen);
			i += 2 + (size_t)olen;
		}
	}
	for (int k = 0; k < CL_PXEAPI_OPTS && room; k++)
		if (a->opts[k].tag)
			room = put_opt(out, &at, a->opts[k].tag, a->opts[k].val,
				       a->opts[k].len);
	out[at] = 255;
}

/* The DHCPDISCOVER we would have sent: what PXE asks for in PacketType 1. */
static void build_discover(const struct cl_pxeapi *a, uint8_t *out,
			   const uint8_t *ack, size_t len)
{
	memset(out, 0, CL_PXEAPI_BOOTPLAYER_SIZE);
	out[0] = 1; /* BOOTREQUEST */
	out[1] = 1;
	out[2] = 6;
	if (len >= BOOTP_HDR) {
		memcpy(out + 4, ack + 4, 4);     /* xid */
		memcpy(out + 28, ack + 28, 16);  /* chaddr */
	} else {
		memcpy(out + 28, a->cfg.stack->link->mac, 6);
	}
	nb_put32(out + BOOTP_HDR, DHCP_MAGIC);
	size_t at = BOOTP_HDR + 4;
	static const uint8_t discover = 1;
	(void)put_opt(out, &at, 53, &discover, 1);
	static const uint8_t vci[] = "PXEClient";
	(void)put_opt(out, &at, 60, vci, sizeof(vci) - 1);
	out[at] = 255;
}

static uint16_t get_cached_info(struct cl_pxeapi *a, uint8_t *b)
{
	uint16_t type = le16(b + 2);
	if (type < CL_PXE_PKT_DISCOVER || type > CL_PXE_PKT_REPLY)
		return fail(b, PXENV_STATUS_UNSUPPORTED);
	const struct nb_dhcp *d = a->cfg.dhcp;
	size_t len = 0;
	const uint8_t *pkt = NULL;
	if (type == CL_PXE_PKT_REPLY) {
		pkt = nb_dhcp_packet(d, NB_DHCP_PKT_BOOT, &len);
		if (!pkt)
			pkt = nb_dhcp_packet(d, NB_DHCP_PKT_PROXY, &len);
	}
	if (!pkt)
		pkt = nb_dhcp_packet(d, NB_DHCP_PKT_ACK, &len);
	if (!pkt)
		len = 0;
	/* Rebuilt on every call so the script's latest options show; the
	 * buffer is ours and stays put, as callers holding the pointer
	 * from BufferSize 0 expect. */
	uint8_t *info = a->cfg.base + (size_t)(type - 1) *
					      CL_PXEAPI_BOOTPLAYER_SIZE;
	if (type == CL_PXE_PKT_DISCOVER)
		build_discover(a, info, pkt, len);
	else
		build_reply(a, info, pkt ? pkt : info, len);
	uint16_t size = le16(b + 4);
	if (size == 0) {
		/* BufferLimit (b + 10) is left alone: NBPs written for the
		 * older, shorter block have no room for it. */
		uint32_t off = a->cfg.base_off +
			       (uint32_t)(type - 1) * CL_PXEAPI_BOOTPLAYER_SIZE;
		uint16_t seg = a->cfg.base_seg;
		seg = (uint16_t)(seg + (off >> 4));
		set16(b + 6, (uint16_t)(off & 15));
		set16(b + 8, seg);
		set16(b + 4, CL_PXEAPI_BOOTPLAYER_SIZE);
		return ok(b);
	}
	if (size > CL_PXEAPI_BOOTPLAYER_SIZE)
		size = CL_PXEAPI_BOOTPLAYER_SIZE;
	uint8_t *dst = far_ptr(a, b + 6, size);
	if (!dst)
		return fail(b, PXENV_STATUS_BAD_FUNC);
	/* memmove: the caller may point into our own copy (the address
	 * BufferSize 0 handed out), overlapping it. */
	memmove(dst, info, size);
	set16(b + 4, size);
	return ok(b);
}

int cl_pxeapi_set_option(struct cl_pxeapi *a, uint8_t tag, const void *val,
			 size_t len)
{
	if (!a || tag == 0 || tag == 255 || len > 255 || (len && !val))
		return -NB_EINVAL;
	struct cl_pxeapi_opt *o = opt_slot(a, tag);
	if (!o)
		o = opt_slot(a, 0);
	if (!o)
		return -NB_ENOSPC;
	o->tag = tag;
	o->len = (uint8_t)len;
	if (len)
		memcpy(o->val, val, len);
	return 0;
}

/* ---- PXENV_TFTP_* ---- */

#define TFTP_NAME_LEN 128

static struct cl_pxeapi_file *tftp_file(struct cl_pxeapi *a)
{
	return a->tftp_file >= 0 ? &a->files[a->tftp_file] : NULL;
}

static uint16_t tftp_close(struct cl_pxeapi *a, uint8_t *b)
{
	struct cl_pxeapi_file *f = tftp_file(a);
	if (!f)
		return fail(b, PXENV_STATUS_TFTP_CLOSED);
	file_close(f);
	a->tftp_file = -1;
	return ok(b);
}

static uint16_t tftp_open(struct cl_pxeapi *a, uint8_t *b)
{
	/* One TFTP_* file at a time; a caller that forgot to close its
	 * last one gets a fresh start rather than an error. */
	if (tftp_file(a)) {
		file_close(tftp_file(a));
		a->tftp_file = -1;
	}
	uint16_t pkt = le16(b + 140);
	if (pkt == 0)
		pkt = NB_TFTP_BLKSIZE_DEFAULT;
	if (pkt < NB_TFTP_BLKSIZE_DEFAULT)
		return fail(b, PXENV_STATUS_TFTP_INVALID_PACKET_SIZE);
	struct cl_pxeapi_file *f = file_alloc(a);
	if (!f)
		return fail(b, PXENV_STATUS_OUT_OF_RESOURCES);
	if (!take_name(f->name, (const char *)b + 10, TFTP_NAME_LEN))
		return fail(b, PXENV_STATUS_BAD_FUNC);
	/* HTTP has no packets: any size the caller can take works.  TFTP
	 * blocks are at most what fits the MTU; the ring serves the
	 * caller's PacketSize from them regardless of the server's. */
	size_t mtu_blk = nb_udp_max_payload(a->cfg.stack) - NB_TFTP_DATA_HLEN;
	if (!prefix(f->name, "http://") && pkt > mtu_blk)
		pkt = (uint16_t)mtu_blk;
	if (pkt > f->cap / 2)
		return fail(b, PXENV_STATUS_OUT_OF_RESOURCES);
	f->pkt = pkt;
	int rc = open_and_start(a, f, nb_get32(b + 2), nb_get16(b + 138));
	if (rc < 0) {
		file_close(f);
		return fail(b, status_of(f, rc));
	}
	a->tftp_file = file_index(a, f);
	set16(b + 140, pkt);
	return ok(b);
}

static uint16_t tftp_read(struct cl_pxeapi *a, uint8_t *b)
{
	struct cl_pxeapi_file *f = tftp_file(a);
	if (!f)
		return fail(b, PXENV_STATUS_TFTP_CLOSED);
	wait_for(a, f, W_PACKET);
	uint64_t n = ready(f);
	if (n < f->pkt && f->status != 0)
		return fail(b, status_of(f, f->status == -NB_EAGAIN
						    ? -NB_ETIMEDOUT
						    : f->status));
	if (n > f->pkt)
		n = f->pkt;
	uint8_t *dst = far_ptr(a, b + 6, (size_t)n);
	if (!dst && n)
		return fail(b, PXENV_STATUS_BAD_FUNC);
	if (n)
		ring_read(f, dst, (size_t)n);
	f->blk++;
	set16(b + 2, f->blk);
	set16(b + 4, (uint16_t)n);
	return ok(b);
}

static uint16_t tftp_get_fsize(struct cl_pxeapi *a, uint8_t *b)
{
	struct cl_pxeapi_file *f = file_alloc(a);
	if (!f)
		return fail(b, PXENV_STATUS_OUT_OF_RESOURCES);
	if (!take_name(f->name, (const char *)b + 10, TFTP_NAME_LEN))
		return fail(b, PXENV_STATUS_BAD_FUNC);
	f->want_size = true;
	int rc = file_start(f, nb_get32(b + 2), 0);
	if (rc == 0) {
		wait_for(a, f, W_SIZE);
		rc = f->status == -NB_ECANCELED || f->status == 0 ||
				     f->status == -NB_EAGAIN
			     ? 0
			     : f->status;
	}
	bool known = f->size_known;
	uint64_t size = f->size;
	file_close(f);
	if (rc < 0)
		return fail(b, status_of(f, rc));
	if (!known)
		return fail(b, PXENV_STATUS_TFTP_NO_FILESIZE);
	set32(b + 138, size > UINT32_MAX ? UINT32_MAX : (uint32_t)size);
	return ok(b);
}

static uint16_t tftp_read_file(struct cl_pxeapi *a, uint8_t *b)
{
	const struct cl_pxeapi_platform *p = a->cfg.p;
	uint32_t cap = le32(b + 130), phys = le32(b + 134);
	void *dst = p->phys_to_ptr && cap ? p->phys_to_ptr(p->ctx, phys, cap)
					  : NULL;
	if (!dst)
		return fail(b, PXENV_STATUS_OUT_OF_RESOURCES);
	struct cl_pxeapi_file *f = file_alloc(a);
	if (!f)
		return fail(b, PXENV_STATUS_OUT_OF_RESOURCES);
	if (!take_name(f->name, (const char *)b + 2, TFTP_NAME_LEN))
		return fail(b, PXENV_STATUS_BAD_FUNC);
	f->direct = true;
	nb_memsink_init(&f->mem, dst, cap);
	/* TFTPClntPort/TFTPSrvPort (b + 150/152) are the multicast
	 * listening ports; a unicast read always asks port 69. */
	int rc = file_start(f, nb_get32(b + 138), 0);
	if (rc == 0) {
		wait_for(a, f, W_DONE);
		rc = f->status;
	}
	uint64_t got = f->mem.high;
	file_close(f);
	if (rc < 0)
		return fail(b, status_of(f, rc));
	set32(b + 130, (uint32_t)got);
	return ok(b);
}

/* ---- PXENV_FILE_* (the gPXE/iPXE extension; syslinux 4 uses it for URLs) ---- */

static bool slot_is_gw(const struct cl_pxeapi *a, int idx);

static struct cl_pxeapi_file *by_handle(struct cl_pxeapi *a, uint16_t h)
{
	if (h == 0 || h > CL_PXEAPI_FILES)
		return NULL;
	struct cl_pxeapi_file *f = &a->files[h - 1];
	if (f->kind == F_FREE || file_index(a, f) == a->tftp_file ||
	    slot_is_gw(a, file_index(a, f)))
		return NULL;
	return f;
}

static uint16_t file_open(struct cl_pxeapi *a, uint8_t *b)
{
	/* Only as far as the platform vouches for: the name may end
	 * anywhere below that, e.g. near the top of base memory. */
	size_t avail = CL_PXEAPI_NAME_MAX;
	const char *name = NULL;
	while (avail && !(name = far_ptr(a, b + 4, avail)))
		avail--;
	if (!name)
		return fail(b, PXENV_STATUS_BAD_FUNC);
	struct cl_pxeapi_file *f = file_alloc(a);
	if (!f)
		return fail(b, PXENV_STATUS_OUT_OF_RESOURCES);
	if (!take_name(f->name, name, avail))
		return fail(b, PXENV_STATUS_BAD_FUNC);
	int rc = open_and_start(a, f, 0, 0);
	if (rc < 0) {
		file_close(f);
		return fail(b, status_of(f, rc));
	}
	set16(b + 2, (uint16_t)(file_index(a, f) + 1));
	return ok(b);
}

static uint16_t file_close_call(struct cl_pxeapi *a, uint8_t *b)
{
	struct cl_pxeapi_file *f = by_handle(a, le16(b + 2));
	if (!f)
		return fail(b, PXENV_STATUS_BAD_FUNC);
	file_close(f);
	return ok(b);
}

static uint16_t file_select(struct cl_pxeapi *a, uint8_t *b)
{
	struct cl_pxeapi_file *f = by_handle(a, le16(b + 2));
	if (!f)
		return fail(b, PXENV_STATUS_BAD_FUNC);
	pump(a);
	set16(b + 4, ready(f) || f->status != -NB_EAGAIN ? 1 : 0);
	return ok(b);
}

static uint16_t file_read(struct cl_pxeapi *a, uint8_t *b)
{
	struct cl_pxeapi_file *f = by_handle(a, le16(b + 2));
	if (!f)
		return fail(b, PXENV_STATUS_BAD_FUNC);
	/* Poll while less than half the ring is ready, so the download
	 * keeps running ahead as the reader drains it. */
	if (f->status == -NB_EAGAIN && ready(f) < f->cap / 2)
		pump(a);
	uint64_t n = ready(f);
	if (!n) {
		if (f->status == -NB_EAGAIN)
			return fail(b, PXENV_STATUS_TFTP_OPEN); /* would block */
		if (f->status < 0)
			return fail(b, status_of(f, f->status));
	}
	uint16_t want = le16(b + 4);
	if (n > want)
		n = want;
	uint8_t *dst = far_ptr(a, b + 6, (size_t)n);
	if (!dst && n)
		return fail(b, PXENV_STATUS_BAD_FUNC);
	if (n)
		ring_read(f, dst, (size_t)n);
	set16(b + 4, (uint16_t)n); /* 0 = end of file */
	return ok(b);
}

static uint16_t get_file_size(struct cl_pxeapi *a, uint8_t *b)
{
	struct cl_pxeapi_file *f = by_handle(a, le16(b + 2));
	if (!f)
		return fail(b, PXENV_STATUS_BAD_FUNC);
	if (!f->size_known)
		return fail(b, PXENV_STATUS_TFTP_NO_FILESIZE);
	set32(b + 4, f->size > UINT32_MAX ? UINT32_MAX : (uint32_t)f->size);
	return ok(b);
}

static uint16_t file_api_check(struct cl_pxeapi *a, uint8_t *b)
{
	(void)a;
	if (le32(b + 4) != CL_PXEAPI_FILE_MAGIC_IN)
		return fail(b, PXENV_STATUS_BAD_FUNC);
	if (le16(b + 2) < 20)
		return fail(b, PXENV_STATUS_OUT_OF_RESOURCES);
	set16(b + 2, 20);
	set32(b + 4, CL_PXEAPI_FILE_MAGIC_OUT);
	set32(b + 8, CL_PXEAPI_PROVIDER);
	/* Bit n: opcode 0xe0 + n is served (open, close, select, read,
	 * size, and this check; no exec, no exit hook). */
	set32(b + 12, 0x1f | 1u << 6);
	set32(b + 16, 0);
	return ok(b);
}

/* ---- the TFTP gateway: the NBP's own TFTP over UDP, answered locally ---- */

static size_t slen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static bool ieq(const char *x, const char *y)
{
	for (;; x++, y++) {
		char cx = *x >= 'A' && *x <= 'Z' ? (char)(*x + 32) : *x;
		char cy = *y >= 'A' && *y <= 'Z' ? (char)(*y + 32) : *y;
		if (cx != cy)
			return false;
		if (!cx)
			return true;
	}
}

static uint32_t decimal(const char *s)
{
	uint32_t v = 0;
	for (; *s >= '0' && *s <= '9' && v < 100000000u; s++)
		v = v * 10 + (uint32_t)(*s - '0');
	return *s ? 0 : v;
}

int cl_pxeapi_set_gateway(struct cl_pxeapi *a, bool on, const char *http_base)
{
	size_t n = http_base ? slen(http_base) : 0;
	if (!a)
		return -NB_EINVAL;
	if (n >= CL_PXEAPI_NAME_MAX)
		return -NB_EMSGSIZE;
	a->gw_on = on;
	if (n)
		memcpy(a->gw_base, http_base, n);
	a->gw_base[n] = 0;
	return 0;
}

static bool slot_is_gw(const struct cl_pxeapi *a, int idx)
{
	for (int i = 0; i < CL_PXEAPI_GW; i++)
		if (a->gw[i].active && a->gw[i].file == idx)
			return true;
	return false;
}

static void gw_end(struct cl_pxeapi *a, struct cl_pxeapi_gw *g)
{
	if (g->file >= 0 && a->files[g->file].kind != F_FREE)
		file_close(&a->files[g->file]);
	g->file = -1;
	g->active = false;
}

static uint16_t tftp_errcode(int rc)
{
	return rc == -NB_ENOTFOUND ? 1 : rc == -NB_EACCES || rc == -NB_EAUTH ? 2 : 0;
}

/* A read request the NBP sent to port 69: take it over.  The packet is
 * "\0\1" name "\0" mode "\0" then option/value pairs. */
static void gw_rrq(struct cl_pxeapi *a, uint32_t dst, uint16_t sport,
		   const uint8_t *p, size_t len)
{
	struct cl_pxeapi_gw *g = NULL;
	for (int i = 0; i < CL_PXEAPI_GW; i++) {
		struct cl_pxeapi_gw *c = &a->gw[i];
		if (c->active && c->nbp_port == sport) {
			/* The NBP resent its request: answer again. */
			if (c->server == dst && !c->acked) {
				c->pending = true;
				return;
			}
			gw_end(a, c);
		}
		if (!c->active && !g)
			g = c;
	}
	if (!g) {
		g = &a->gw[0];
		gw_end(a, g);
	}
	memset(g, 0, sizeof(*g));
	g->file = -1;
	g->active = true;
	g->pending = true;
	g->nbp_port = sport;
	g->server = dst;
	g->blksize = NB_TFTP_BLKSIZE_DEFAULT;
	g->tid = (uint16_t)(49152 + a->gw_next_tid++ % 16000);
	a->gw_served++;
	const char *name = (const char *)p + 2, *end = (const char *)p + len;
	const char *q = name + slen(name) + 1; /* the NUL at end[-1] is checked */
	if (q < end)
		q += slen(q) + 1; /* mode: octet is all there is */
	while (q < end) {
		const char *val = q + slen(q) + 1;
		if (val >= end)
			break;
		if (ieq(q, "blksize")) {
			uint32_t v = decimal(val);
			if (v >= NB_TFTP_BLKSIZE_MIN) {
				g->blksize = (uint16_t)(v > CL_PXEAPI_GW_BLK
							? CL_PXEAPI_GW_BLK
							: v);
				g->opt_blksize = true;
			}
		} else if (ieq(q, "tsize")) {
			g->opt_tsize = true;
		}
		q = val + slen(val) + 1;
	}
	g->oack_acked = !g->opt_blksize && !g->opt_tsize;
	struct cl_pxeapi_file *f = file_alloc(a);
	if (!f) {
		g->failed = true;
		return;
	}
	f->name[0] = 0;
	size_t bl = slen(a->gw_base), nl = slen(name);
	if (bl && *name == '/')
		name++, nl--;
	if (bl + nl + 1 > CL_PXEAPI_NAME_MAX || !nl) {
		g->failed = true;
		return;
	}
	memcpy(f->name, a->gw_base, bl);
	memcpy(f->name + bl, name, nl + 1);
	int rc = file_start(f, dst, 0);
	if (rc < 0) {
		g->failed = true;
		g->err_code = tftp_errcode(rc);
		return;
	}
	g->file = file_index(a, f);
}

/* An ACK or ERROR the NBP sent to our pretend server port. */
static void gw_input(struct cl_pxeapi *a, struct cl_pxeapi_gw *g,
		     const uint8_t *p, size_t len)
{
	if (len < 4 || p[0] != 0)
		return;
	if (p[1] == NB_TFTP_ERROR) {
		gw_end(a, g);
		return;
	}
	if (p[1] != NB_TFTP_ACK)
		return;
	uint16_t blk = nb_get16(p + 2);
	if (!g->oack_acked) {
		if (blk == 0)
			g->oack_acked = true;
	} else if (g->last_blk == g->acked + 1 &&
		   blk == (uint16_t)g->last_blk) {
		g->acked++;
		if (g->final_sent) {
			gw_end(a, g);
			return;
		}
	}
	/* New ACK: the next block is due; an old one: resend ours. */
	g->pending = true;
}

static size_t put_str(uint8_t *out, size_t at, const char *s)
{
	size_t n = slen(s) + 1;
	memcpy(out + at, s, n);
	return at + n;
}

static size_t put_dec(uint8_t *out, size_t at, uint64_t v)
{
	char d[21];
	return put_str(out, at, cl_dec(d, v));
}

/* The packet due for @p g into a->gw_pkt: its length, or 0 for none yet. */
static size_t gw_make(struct cl_pxeapi *a, struct cl_pxeapi_gw *g)
{
	uint8_t *out = a->gw_pkt;
	struct cl_pxeapi_file *f = g->file >= 0 ? &a->files[g->file] : NULL;
	if (!g->pending)
		return 0;
	if (!g->failed && f && f->status != -NB_EAGAIN && f->status != 0 &&
	    !(g->last_blk == g->acked + 1) &&
	    (!g->oack_acked ? !f->size_known : ready(f) < g->blksize)) {
		g->failed = true;
		g->err_code = tftp_errcode(f->status);
	}
	if (g->failed || !f) {
		out[0] = 0;
		out[1] = NB_TFTP_ERROR;
		nb_put16(out + 2, g->err_code);
		size_t n = put_str(out, 4, g->err_code == 1 ? "file not found"
							   : "transfer failed");
		g->pending = false;
		g->active = false; /* nothing follows an ERROR */
		if (f)
			file_close(f);
		g->file = -1;
		return n;
	}
	if (!g->oack_acked) {
		if (g->opt_tsize && !f->size_known)
			return 0;
		out[0] = 0;
		out[1] = NB_TFTP_OACK;
		size_t n = 2;
		if (g->opt_blksize) {
			n = put_str(out, n, "blksize");
			n = put_dec(out, n, g->blksize);
		}
		if (g->opt_tsize) {
			n = put_str(out, n, "tsize");
			n = put_dec(out, n, f->size);
		}
		g->pending = false;
		return n;
	}
	uint32_t n_blk = g->acked + 1;
	if (g->last_blk != n_blk) {
		uint64_t r = ready(f);
		if (r < g->blksize && f->status != 0)
			return 0; /* still arriving */
		size_t take = r < g->blksize ? (size_t)r : g->blksize;
		if (take)
			ring_read(f, g->last, take);
		g->last_len = (uint16_t)take;
		g->last_blk = n_blk;
		g->final_sent = take < g->blksize;
	}
	out[0] = 0;
	out[1] = NB_TFTP_DATA;
	nb_put16(out + 2, (uint16_t)n_blk);
	memcpy(out + 4, g->last, g->last_len);
	g->pending = false;
	return 4 + (size_t)g->last_len;
}

/* Serve UDP_READ from a gateway transfer bound to @p dport, if any. */
static bool gw_read(struct cl_pxeapi *a, uint16_t dport, uint8_t *b)
{
	/* Making a packet consumes it: the caller's buffer must be good
	 * first, or the packet would be lost. */
	uint16_t cap = le16(b + 14);
	size_t room = cap < CL_PXEAPI_UDP_MAX ? cap : CL_PXEAPI_UDP_MAX;
	uint8_t *dst = room ? far_ptr(a, b + 16, room) : NULL;
	if (room && !dst)
		return false;
	for (int i = 0; i < CL_PXEAPI_GW; i++) {
		struct cl_pxeapi_gw *g = &a->gw[i];
		if (!g->active || (dport && g->nbp_port != dport))
			continue;
		struct cl_pxeapi_file *f = g->file >= 0 ? &a->files[g->file]
							: NULL;
		/* Keep the download ahead of the NBP while it drains us, but
		 * while plenty has arrived poll the network only every few
		 * reads: each poll is a trip through the ROM, and the frames
		 * that came meanwhile are all taken in that one trip. */
		if (f && f->status == -NB_EAGAIN &&
		    (ready(f) < CL_PXEAPI_GW_LOW ||
		     ++a->gw_reads >= CL_PXEAPI_GW_POLL_EVERY)) {
			a->gw_reads = 0;
			a->gw_polls++;
			pump(a);
		}
		uint16_t nbp_port = g->nbp_port, tid = g->tid;
		uint32_t server = g->server;
		size_t len = gw_make(a, g);
		if (!len) {
			a->gw_empty++;
			continue;
		}
		uint16_t n = (uint16_t)(len < room ? len : room);
		if (n)
			memcpy(dst, a->gw_pkt, n);
		nb_put32(b + 2, server);
		nb_put32(b + 6, a->cfg.stack->ip);
		nb_put16(b + 10, tid);
		nb_put16(b + 12, nbp_port);
		set16(b + 14, n);
		return true;
	}
	return false;
}

/* UDP_WRITE hook: true when the datagram was for the gateway. */
static bool gw_write(struct cl_pxeapi *a, uint32_t dst, uint16_t sport,
		     uint16_t dport, const uint8_t *p, size_t len)
{
	for (int i = 0; i < CL_PXEAPI_GW; i++) {
		struct cl_pxeapi_gw *g = &a->gw[i];
		if (g->active && g->server == dst && g->tid == dport &&
		    g->nbp_port == sport) {
			gw_input(a, g, p, len);
			return true;
		}
	}
	if (!a->gw_on || dport != NB_TFTP_PORT || len < 4 || p[0] != 0 ||
	    p[1] != NB_TFTP_RRQ || p[len - 1] != 0)
		return false;
	gw_rrq(a, dst, sport, p, len);
	return true;
}

/* ---- PXENV_UDP_* ---- */

static void udp_rx(void *ctx, struct nb_udp_sock *sk,
		   const struct nb_udp_meta *m, const void *data, size_t len)
{
	struct cl_pxeapi *a = ctx;
	(void)sk;
	if (len > CL_PXEAPI_UDP_MAX) {
		a->udp_dropped++;
		return;
	}
	for (int i = 0; i < CL_PXEAPI_UDP_QUEUE; i++) {
		struct cl_pxeapi_dgram *q = &a->q[i];
		if (q->len)
			continue;
		memcpy(q->data, data, len);
		q->m = *m;
		/* A zero-length datagram still takes a slot. */
		q->len = (uint16_t)(len + 1);
		return;
	}
	a->udp_dropped++;
}

static void port_close(struct cl_pxeapi *a, struct cl_pxeapi_port *p)
{
	uint16_t port = p->sk.port;
	nb_udp_close(&p->sk);
	p->open = false;
	for (int i = 0; i < CL_PXEAPI_UDP_QUEUE; i++)
		if (a->q[i].len && a->q[i].m.dst_port == port)
			a->q[i].len = 0;
}

/* The socket on @p port, bound on first use; the least recently used
 * port makes way when all are taken (pxelinux moves on to a new port for
 * every file and never tells us it is done with the old one). */
static struct cl_pxeapi_port *port_get(struct cl_pxeapi *a, uint16_t port)
{
	struct cl_pxeapi_port *victim = &a->ports[0];
	a->tick++;
	for (int i = 0; i < CL_PXEAPI_UDP_PORTS; i++) {
		struct cl_pxeapi_port *p = &a->ports[i];
		if (p->open && p->sk.port == port) {
			p->used = a->tick;
			return p;
		}
		if (!p->open)
			victim = p;
		else if (victim->open && p->used < victim->used)
			victim = p;
	}
	if (victim->open)
		port_close(a, victim);
	if (nb_udp_open(&victim->sk, a->cfg.stack, port, udp_rx, a) < 0)
		return NULL;
	victim->open = true;
	victim->used = a->tick;
	return victim;
}

static uint16_t udp_open(struct cl_pxeapi *a, uint8_t *b)
{
	uint32_t ip = nb_get32(b + 2);
	struct nb_stack *s = a->cfg.stack;
	if (ip && ip != s->ip)
		nb_stack_set_ipv4(s, ip, s->mask, s->gw);
	a->udp_open = true;
	return ok(b);
}

static void udp_close_all(struct cl_pxeapi *a)
{
	for (int i = 0; i < CL_PXEAPI_GW; i++)
		if (a->gw[i].active)
			gw_end(a, &a->gw[i]);
	for (int i = 0; i < CL_PXEAPI_UDP_PORTS; i++)
		if (a->ports[i].open)
			port_close(a, &a->ports[i]);
	for (int i = 0; i < CL_PXEAPI_UDP_QUEUE; i++)
		a->q[i].len = 0;
	a->udp_open = false;
}

static uint16_t udp_close(struct cl_pxeapi *a, uint8_t *b)
{
	udp_close_all(a);
	return ok(b);
}

/* The PXE specification's source port when the caller gives 0. */
#define PXE_UDP_DEFAULT_PORT 2069

static uint16_t udp_write(struct cl_pxeapi *a, uint8_t *b)
{
	if (!a->udp_open)
		return fail(b, PXENV_STATUS_UDP_CLOSED);
	uint32_t dst = nb_get32(b + 2);
	uint16_t sport = nb_get16(b + 10), dport = nb_get16(b + 12);
	uint16_t len = le16(b + 14);
	if (!sport)
		sport = PXE_UDP_DEFAULT_PORT;
	const void *data = far_ptr(a, b + 16, len);
	if ((!data && len) || !dst || !dport ||
	    len > nb_udp_max_payload(a->cfg.stack))
		return fail(b, PXENV_STATUS_BAD_FUNC);
	if (gw_write(a, dst, sport, dport, data, len))
		return ok(b);
	struct cl_pxeapi_port *p = port_get(a, sport);
	if (!p)
		return fail(b, PXENV_STATUS_OUT_OF_RESOURCES);
	int rc = nb_udp_sendto(&p->sk, dst, dport, data, len);
	if (rc < 0)
		return fail(b, rc == -NB_EUNREACH ? PXENV_STATUS_ARP_TIMEOUT
						  : PXENV_STATUS_FAILURE);
	/* Let the frame (or its ARP request) leave before we return. */
	pump(a);
	return ok(b);
}

static bool dgram_matches(const struct cl_pxeapi_dgram *q, uint32_t dst,
			  uint16_t dport)
{
	return q->len && (!dst || q->m.dst_ip == dst) &&
	       (!dport || q->m.dst_port == dport);
}

static uint16_t udp_read(struct cl_pxeapi *a, uint8_t *b)
{
	if (!a->udp_open)
		return fail(b, PXENV_STATUS_UDP_CLOSED);
	uint32_t dst = nb_get32(b + 6);
	uint16_t dport = nb_get16(b + 12);
	if (dport && !port_get(a, dport))
		return fail(b, PXENV_STATUS_OUT_OF_RESOURCES);
	/* Our own address as the filter is the same as none. */
	if (dst == a->cfg.stack->ip)
		dst = 0;
	uint16_t cap = le16(b + 14);
	size_t room = cap < CL_PXEAPI_UDP_MAX ? cap : CL_PXEAPI_UDP_MAX;
	if (room && !far_ptr(a, b + 16, room))
		return fail(b, PXENV_STATUS_BAD_FUNC);
	if (gw_read(a, dport, b))
		return ok(b);
	struct cl_pxeapi_dgram *hit = NULL;
	for (int pass = 0; pass < 2 && !hit; pass++) {
		if (pass)
			pump(a);
		/* Oldest first would need a sequence number; a small queue
		 * scanned in slot order is close enough for one port's
		 * request/response traffic, which is all PXE callers do. */
		for (int i = 0; i < CL_PXEAPI_UDP_QUEUE && !hit; i++)
			if (dgram_matches(&a->q[i], dst, dport))
				hit = &a->q[i];
	}
	if (!hit)
		return fail(b, PXENV_STATUS_FAILURE); /* nothing yet */
	uint16_t len = (uint16_t)(hit->len - 1);
	uint16_t n = len < cap ? len : cap;
	uint8_t *out = far_ptr(a, b + 16, n);
	if (!out && n)
		return fail(b, PXENV_STATUS_BAD_FUNC);
	if (n)
		memcpy(out, hit->data, n);
	nb_put32(b + 2, hit->m.src_ip);
	nb_put32(b + 6, hit->m.dst_ip);
	nb_put16(b + 10, hit->m.src_port);
	nb_put16(b + 12, hit->m.dst_port);
	set16(b + 14, n);
	hit->len = 0;
	return ok(b);
}

/* ---- the structures an NBP finds us by ---- */

static void checksum(uint8_t *p, size_t len, size_t at)
{
	uint8_t sum = 0;
	p[at] = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	p[at] = (uint8_t)-sum;
}

static void segdesc(uint8_t *p, uint16_t seg, uint16_t size)
{
	set16(p, seg);
	set32(p + 2, (uint32_t)seg << 4);
	set16(p + 6, size);
}

void cl_pxeapi_make_structs(const struct cl_pxeapi_structs *s, uint8_t *pxenv,
			    uint8_t *bangpxe)
{
	memset(pxenv, 0, CL_PXENV_SIZE);
	memcpy(pxenv, "PXENV+", 6);
	set16(pxenv + 0x06, 0x0201);
	pxenv[0x08] = CL_PXENV_SIZE;
	set16(pxenv + 0x0a, s->rm_entry_off);
	set16(pxenv + 0x0c, s->rm_entry_seg);
	set16(pxenv + 0x14, s->stack_seg);
	set16(pxenv + 0x16, s->stack_size);
	set16(pxenv + 0x18, s->code_seg);
	set16(pxenv + 0x1a, s->code_size);
	set16(pxenv + 0x1c, s->code_seg);
	set16(pxenv + 0x1e, s->code_size);
	if (s->rom_pxenv) /* UNDIDataSeg/Size, UNDICodeSeg/Size */
		memcpy(pxenv + 0x20, s->rom_pxenv + 0x20, 8);
	set16(pxenv + 0x28, s->bang_off);
	set16(pxenv + 0x2a, s->bang_seg);
	checksum(pxenv, CL_PXENV_SIZE, 0x09);

	memset(bangpxe, 0, CL_BANGPXE_SIZE);
	memcpy(bangpxe, "!PXE", 4);
	bangpxe[0x04] = CL_BANGPXE_SIZE;
	set16(bangpxe + 0x10, s->sp_entry_off);
	set16(bangpxe + 0x12, s->sp_entry_seg);
	bangpxe[0x1d] = 7; /* SegDescCnt */
	segdesc(bangpxe + 0x20, s->stack_seg, s->stack_size);
	if (s->rom_bangpxe) {
		/* UNDIROMID, BaseROMID; StatusCallout; the three UNDI
		 * descriptors (data, code, code-write). */
		memcpy(bangpxe + 0x08, s->rom_bangpxe + 0x08, 8);
		memcpy(bangpxe + 0x18, s->rom_bangpxe + 0x18, 4);
		memcpy(bangpxe + 0x28, s->rom_bangpxe + 0x28, 24);
	}
	segdesc(bangpxe + 0x40, s->code_seg, s->code_size); /* BC_Data */
	segdesc(bangpxe + 0x48, s->code_seg, s->code_size); /* BC_Code */
	segdesc(bangpxe + 0x50, s->code_seg, s->code_size); /* BC_CodeWrite */
	checksum(bangpxe, CL_BANGPXE_SIZE, 0x05);
}

/* ---- dispatcher ---- */

void cl_pxeapi_shutdown(struct cl_pxeapi *a)
{
	for (int i = 0; i < CL_PXEAPI_FILES; i++)
		if (a->files[i].kind != F_FREE)
			file_close(&a->files[i]);
	a->tftp_file = -1;
	udp_close_all(a);
}

int cl_pxeapi_init(struct cl_pxeapi *a, const struct cl_pxeapi_cfg *cfg)
{
	if (!a || !cfg || !cfg->p || !cfg->p->now_ms ||
	    !cfg->p->segoff_to_ptr || !cfg->stack || !cfg->tcp || !cfg->dhcp ||
	    !cfg->base)
		return -NB_EINVAL;
	memset(a, 0, sizeof(*a));
	a->cfg = *cfg;
	a->tftp_file = -1;
	for (int i = 0; i < CL_PXEAPI_GW; i++)
		a->gw[i].file = -1;
	return 0;
}

uint16_t cl_pxeapi_call(struct cl_pxeapi *a, uint16_t opcode,
			void *param_block)
{
	uint8_t *b = param_block;
	if (!a || !b)
		return PXENV_EXIT_FAILURE;
	a->calls++;
	switch (opcode) {
	case PXENV_GET_CACHED_INFO:
		return get_cached_info(a, b);
	case PXENV_TFTP_OPEN:
		return tftp_open(a, b);
	case PXENV_TFTP_CLOSE:
		return tftp_close(a, b);
	case PXENV_TFTP_READ:
		return tftp_read(a, b);
	case PXENV_TFTP_READ_FILE:
		return tftp_read_file(a, b);
	case PXENV_TFTP_GET_FSIZE:
		return tftp_get_fsize(a, b);
	case PXENV_UDP_OPEN:
		return udp_open(a, b);
	case PXENV_UDP_CLOSE:
		return udp_close(a, b);
	case PXENV_UDP_READ:
		return udp_read(a, b);
	case PXENV_UDP_WRITE:
		return udp_write(a, b);
	case PXENV_FILE_API_CHECK:
		return file_api_check(a, b);
	case PXENV_FILE_OPEN:
		return file_open(a, b);
	case PXENV_FILE_CLOSE:
		return file_close_call(a, b);
	case PXENV_FILE_SELECT:
		return file_select(a, b);
	case PXENV_FILE_READ:
		return file_read(a, b);
	case PXENV_GET_FILE_SIZE:
		return get_file_size(a, b);
	case PXENV_UNLOAD_STACK:
	case PXENV_STOP_BASE:
		/* The NBP is about to boot its kernel: let go of everything
		 * so no callback fires into memory it reuses. */
		cl_pxeapi_shutdown(a);
		return ok(b);
	default:
		break;
	}
	if (opcode <= PXENV_UNDI_LAST && a->cfg.p->undi)
		return a->cfg.p->undi(a->cfg.p->ctx, opcode, b);
	a->unsupported++;
	return fail(b, PXENV_STATUS_UNSUPPORTED);
}
