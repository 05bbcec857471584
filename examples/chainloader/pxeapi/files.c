/*
 * The PXE API's table of open files and the one loop that moves them:
 * every call family (TFTP_*, FILE_*, the UDP gateway) takes a slot here,
 * starts its download through lib/fetch (which alone decides what a name
 * or URL means) and waits through pump()/wait_for(), so there is a single
 * place where the network is polled while an NBP is served and a single
 * mapping from our error codes to PXENV_STATUS values.
 * TFTP downloads get their own socket (the transport below) so a full ring
 * can refuse a DATA packet unread.
 */
#include "pxeapi_int.h"

/* ---- TFTP transport: our own socket, so a full ring can refuse DATA ---- */

static void tio_rx(void *ctx, struct nb_udp_sock *sk,
		   const struct nb_udp_meta *m, const void *data, size_t len)
{
	struct cl_pxeapi_file *f = ctx;
	const uint8_t *p = data;
	const struct nb_tftp *t = nb_fetch_tftp(&f->dl);
	(void)sk;
	if (t && !f->direct && len >= 4 && p[0] == 0 && p[1] == NB_TFTP_DATA &&
	    f->rd + f->cap - f->have < t->blksize) {
		/* No room: drop it unread.  The server resends the window
		 * once our ACK timer (or its own) fires, by which time the
		 * reader has made room. */
		f->dropped++;
		return;
	}
	nb_fetch_input(&f->dl, m->src_ip, m->src_port, data, len,
		       f->a->cfg.stack->now);
}

/* The socket is bound when TFTP first sends: only lib/fetch knows
 * whether a name turns into TFTP at all. */
static int tio_bind(struct cl_pxeapi_file *f)
{
	int rc = nb_udp_open(&f->sk, f->a->cfg.stack, 0, tio_rx, f);
	f->sk_open = rc == 0;
	if (rc < 0)
		f->sk_err = rc;
	return rc;
}

static void tio_close(void *ctx)
{
	struct cl_pxeapi_file *f = ctx;
	if (f->sk_open)
		nb_udp_close(&f->sk);
	f->sk_open = false;
}

static int tio_send(void *ctx, uint32_t ip, uint16_t port, const void *pkt,
		    size_t len)
{
	struct cl_pxeapi_file *f = ctx;
	int rc = f->sk_open ? 0 : tio_bind(f);
	return rc < 0 ? rc : nb_udp_sendto(&f->sk, ip, port, pkt, len);
}

static int tio_rebind(void *ctx)
{
	struct cl_pxeapi_file *f = ctx;
	tio_close(f);
	return tio_bind(f);
}

static const struct nb_tftp_io tftp_io = {
	.send = tio_send,
	.rebind = tio_rebind,
	.close = tio_close,
};

/* ---- the table ---- */

struct cl_pxeapi_file *cl_pxa_file_alloc(struct cl_pxeapi *a)
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
			f->sink.write = cl_pxa_ring_write;
			f->sink.total = cl_pxa_ring_total;
			f->sink.limit = cl_pxa_ring_limit;
			f->sink.ctx = f;
			nb_rangeset_init(&f->ooo, f->ooo_slot,
					 (uint8_t)(sizeof(f->ooo_slot) /
						   sizeof(f->ooo_slot[0])));
			return f;
		}
	}
	return NULL;
}

void cl_pxa_file_close(struct cl_pxeapi_file *f)
{
	if (f->kind != F_FREE)
		nb_fetch_cancel(&f->dl);
	tio_close(f);
	f->kind = F_FREE;
}

int cl_pxa_file_start(struct cl_pxeapi_file *f, uint32_t server,
		      uint16_t port)
{
	struct cl_pxeapi *a = f->a;
	const struct nb_sink *sink = f->direct ? &f->mem.sink : &f->sink;
	if (!f->direct && f->cap == 0)
		return -NB_ENOMEM;
	struct nb_fetch_cfg fc;
	nb_fetch_cfg_init(&fc);
	fc.user_agent = "libnetboot-pxeapi";
	fc.tcp = a->cfg.tcp;
	fc.tls = a->cfg.tls;
	fc.tftp_server = server ? server : a->cfg.dhcp->lease.next_server;
	fc.tftp_port = port;
	fc.tftp_io = &tftp_io;
	fc.tftp_io_ctx = f;
	f->kind = F_BUSY;
	int rc = nb_fetch_start(&f->dl, a->cfg.stack, &fc, f->name, sink,
				now(a));
	if (rc == 0 && f->sk_err)
		rc = f->sk_err; /* the request never left */
	if (rc < 0) {
		nb_fetch_cancel(&f->dl);
		tio_close(f);
		f->kind = F_FREE;
	}
	return rc;
}

/* ---- making progress ---- */

void cl_pxa_pump(struct cl_pxeapi *a)
{
	const struct cl_platform *p = a->cfg.p;
	if (p->poll)
		p->poll(p->ctx);
	uint64_t t = now(a);
	(void)nb_stack_poll(a->cfg.stack, t);
	for (int i = 0; i < CL_PXEAPI_FILES; i++) {
		struct cl_pxeapi_file *f = &a->files[i];
		if (f->kind == F_FREE || f->status != -NB_EAGAIN)
			continue;
		int rc = nb_fetch_poll(&f->dl, t);
		if (rc == -NB_EAGAIN)
			continue;
		f->status = rc;
		if (rc == 0 && !f->size_known && !f->direct) {
			f->size = f->have;
			f->size_known = true;
		}
		if (nb_fetch_kind(&f->dl) == NB_FETCH_HTTP &&
		    nb_fetch_size_known(&f->dl) && !f->size_known) {
			f->size = nb_fetch_total(&f->dl);
			f->size_known = true;
		}
	}
}

static bool satisfied(const struct cl_pxeapi_file *f, enum cl_pxa_want w)
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

void cl_pxa_wait_for(struct cl_pxeapi *a, struct cl_pxeapi_file *f,
		     enum cl_pxa_want w)
{
	uint64_t last = now(a), seen = f->have;
	for (uint32_t spin = 0; spin < MAX_SPINS && !satisfied(f, w); spin++) {
		cl_pxa_pump(a);
		uint64_t t = now(a);
		if (f->have != seen) {
			seen = f->have;
			last = t;
		} else if (t - last > CL_PXEAPI_WAIT_MS) {
			f->status = -NB_ETIMEDOUT;
		} else {
			cl_idle(a->cfg.p, 1);
		}
	}
	if (!satisfied(f, w))
		f->status = -NB_ETIMEDOUT;
}

uint16_t cl_pxa_status_of(const struct cl_pxeapi_file *f, int rc)
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

int cl_pxa_open_and_start(struct cl_pxeapi *a, struct cl_pxeapi_file *f,
			  uint32_t server, uint16_t port)
{
	int rc = cl_pxa_file_start(f, server, port);
	if (rc < 0)
		return rc;
	cl_pxa_wait_for(a, f, W_STARTED);
	return f->status == 0 || f->status == -NB_EAGAIN ? 0 : f->status;
}
