/*
 * The TFTP gateway: syslinux 6's pxelinux.0 ("legacynet") has no HTTP and
 * runs its own lock-step TFTP client over PXENV_UDP_*.  With the gateway
 * on, a read request it sends to port 69 never reaches the wire: the file
 * is fetched by us (over HTTP from the gateway's base URL, or by our
 * windowed TFTP) into a ring, and the NBP's UDP_READs are answered with
 * OACK/DATA packets made on demand from what has arrived; its ACKs are
 * consumed here.  This file owns that pretend TFTP server.
 */
#include "pxeapi_int.h"

#include "core/text.h"

int cl_pxeapi_set_gateway(struct cl_pxeapi *a, bool on, const char *http_base)
{
	size_t n = http_base ? cl_slen(http_base) : 0;
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

bool cl_pxa_slot_is_gw(const struct cl_pxeapi *a, int idx)
{
	for (int i = 0; i < CL_PXEAPI_GW; i++)
		if (a->gw[i].active && a->gw[i].file == idx)
			return true;
	return false;
}

void cl_pxa_gw_end(struct cl_pxeapi *a, struct cl_pxeapi_gw *g)
{
	if (g->file >= 0 && a->files[g->file].kind != F_FREE)
		cl_pxa_file_close(&a->files[g->file]);
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
			cl_pxa_gw_end(a, c);
		}
		if (!c->active && !g)
			g = c;
	}
	if (!g) {
		g = &a->gw[0];
		cl_pxa_gw_end(a, g);
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
	/* The NUL at end[-1] is checked: every string here ends. */
	const char *q = name + cl_slen(name) + 1;
	if (q < end)
		q += cl_slen(q) + 1; /* mode: octet is all there is */
	while (q < end) {
		const char *val = q + cl_slen(q) + 1;
		if (val >= end)
			break;
		if (cl_ieq(q, "blksize")) {
			uint32_t v = cl_parse_dec(val);
			if (v >= NB_TFTP_BLKSIZE_MIN) {
				g->blksize = (uint16_t)(v > CL_PXEAPI_GW_BLK
							? CL_PXEAPI_GW_BLK
							: v);
				g->opt_blksize = true;
			}
		} else if (cl_ieq(q, "tsize")) {
			g->opt_tsize = true;
		}
		q = val + cl_slen(val) + 1;
	}
	g->oack_acked = !g->opt_blksize && !g->opt_tsize;
	struct cl_pxeapi_file *f = cl_pxa_file_alloc(a);
	if (!f) {
		g->failed = true;
		return;
	}
	f->name[0] = 0;
	size_t bl = cl_slen(a->gw_base), nl = cl_slen(name);
	if (bl && *name == '/')
		name++, nl--;
	if (bl + nl + 1 > CL_PXEAPI_NAME_MAX || !nl) {
		g->failed = true;
		return;
	}
	memcpy(f->name, a->gw_base, bl);
	memcpy(f->name + bl, name, nl + 1);
	int rc = cl_pxa_file_start(f, dst, 0);
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
		cl_pxa_gw_end(a, g);
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
			cl_pxa_gw_end(a, g);
			return;
		}
	}
	/* New ACK: the next block is due; an old one: resend ours. */
	g->pending = true;
}

/* An OACK option: its name and its value in decimal, each NUL-ended. */
static void put_opt(struct nb_sb *b, const char *name, uint64_t v)
{
	nb_sb_put(b, name, cl_slen(name) + 1);
	nb_sb_dec(b, v);
	nb_sb_put(b, "", 1);
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
	struct nb_sb b;
	if (g->failed || !f) {
		const char *msg = g->err_code == 1 ? "file not found"
						   : "transfer failed";
		out[0] = 0;
		out[1] = NB_TFTP_ERROR;
		nb_put16(out + 2, g->err_code);
		nb_sb_init(&b, (char *)out + 4, CL_PXEAPI_UDP_MAX - 4);
		nb_sb_put(&b, msg, cl_slen(msg) + 1);
		size_t n = 4 + b.n;
		g->pending = false;
		g->active = false; /* nothing follows an ERROR */
		if (f)
			cl_pxa_file_close(f);
		g->file = -1;
		return n;
	}
	if (!g->oack_acked) {
		if (g->opt_tsize && !f->size_known)
			return 0;
		out[0] = 0;
		out[1] = NB_TFTP_OACK;
		nb_sb_init(&b, (char *)out + 2, CL_PXEAPI_UDP_MAX - 2);
		if (g->opt_blksize)
			put_opt(&b, "blksize", g->blksize);
		if (g->opt_tsize)
			put_opt(&b, "tsize", f->size);
		g->pending = false;
		return 2 + b.n;
	}
	uint32_t n_blk = g->acked + 1;
	if (g->last_blk != n_blk) {
		uint64_t r = ready(f);
		if (r < g->blksize && f->status != 0)
			return 0; /* still arriving */
		size_t take = r < g->blksize ? (size_t)r : g->blksize;
		if (take)
			cl_pxa_ring_read(f, g->last, take);
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

bool cl_pxa_gw_read(struct cl_pxeapi *a, uint16_t dport, uint8_t *b)
{
	/* Making a packet consumes it: the caller's buffer must be good
	 * first, or the packet would be lost. */
	uint16_t cap = nb_load_le16(b + 14);
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
			cl_pxa_pump(a);
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
		nb_store_le16(b + 14, n);
		return true;
	}
	return false;
}

bool cl_pxa_gw_write(struct cl_pxeapi *a, uint32_t dst, uint16_t sport,
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
