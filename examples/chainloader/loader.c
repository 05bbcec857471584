/*
 * The chainloader's engine, shared by the BIOS, UEFI and hosted builds:
 * brings up the stack on the platform's link, adopts the firmware's lease,
 * runs the embedded script's commands (fetch through lib/fetch into image
 * memory with a progress line, digests, boot hand-off) and reports
 * failures in words.  Everything firmware-specific is behind struct
 * cl_platform (platform.h).
 */
#include "loader.h"

#include "core/mem.h"
#include "fmt.h"

/* Redraw the progress line at most this often (a serial console is slow). */
#define PROGRESS_MS 500
/* A fetch that makes no progress at all for this long has failed. */
#define FETCH_TIMEOUT_MS 120000
#define DHCP_TIMEOUT_MS 30000

/* ---- small text helpers (no libc here) ---- */

static void add(char *dst, size_t cap, const char *t)
{
	size_t n = cl_slen(dst);
	while (*t && n + 1 < cap)
		dst[n++] = *t++;
	dst[n] = 0;
}

static void add_dec(char *dst, size_t cap, uint64_t v)
{
	char d[21];
	add(dst, cap, cl_dec(d, v));
}

static void add_ip(char *dst, size_t cap, uint32_t ip)
{
	for (int i = 3; i >= 0; i--) {
		add_dec(dst, cap, (ip >> (8 * i)) & 0xff);
		if (i)
			add(dst, cap, ".");
	}
}

static void say(struct cl_loader *l, const char *t)
{
	l->p->print(l->p->ctx, t);
}

/* ---- waiting on library objects ---- */

static int wait_for(struct cl_loader *l, nb_poll_fn fn, void *obj,
		    uint64_t timeout_ms)
{
	/* The platform's hooks have nb_clock's shape already. */
	struct nb_clock clk = {.now_ms = l->p->now_ms, .idle = l->p->idle,
			       .ctx = l->p->ctx};
	return nb_wait(&l->stack, fn, obj, &clk, timeout_ms);
}

/* ---- image sink with a progress line ---- */

static void progress(struct cl_fetch *f, bool last)
{
	struct cl_loader *l = f->l;
	uint64_t now = l->p->now_ms(l->p->ctx);
	if (!last && now - f->last_draw_ms < PROGRESS_MS)
		return;
	f->last_draw_ms = now;
	uint64_t ms = now > f->start_ms ? now - f->start_ms : 1;
	char *b = l->line;
	b[0] = 0;
	add(b, sizeof(l->line), "\r  ");
	add_dec(b, sizeof(l->line), f->high);
	if (f->total) {
		add(b, sizeof(l->line), "/");
		add_dec(b, sizeof(l->line), f->total);
		add(b, sizeof(l->line), " bytes (");
		add_dec(b, sizeof(l->line), f->high * 100 / f->total);
		add(b, sizeof(l->line), "%)");
	} else {
		add(b, sizeof(l->line), " bytes");
	}
	uint64_t rate10 = f->high / ms / 100; /* MB/s times ten */
	add(b, sizeof(l->line), " ");
	add_dec(b, sizeof(l->line), rate10 / 10);
	add(b, sizeof(l->line), ".");
	add_dec(b, sizeof(l->line), rate10 % 10);
	add(b, sizeof(l->line), last ? " MB/s\n" : " MB/s");
	say(l, b);
}

static int ensure_mem(struct cl_fetch *f, uint64_t size)
{
	struct cl_img *img = f->img;
	if (img->buf)
		return size <= img->cap ? 0 : -NB_ETOOBIG;
	img->buf = f->l->p->image_mem(f->l->p->ctx, size, &img->cap);
	if (!img->buf)
		return -NB_ENOSPC;
	return size <= img->cap ? 0 : -NB_ETOOBIG;
}

static int fetch_write(void *ctx, uint64_t off, const void *data, size_t len)
{
	struct cl_fetch *f = ctx;
	int rc = ensure_mem(f, 0);
	if (rc < 0)
		return rc;
	if (off > f->img->cap || len > f->img->cap - off)
		return -NB_ERANGE;
	memcpy(f->img->buf + off, data, len);
	if (off + len > f->high)
		f->high = off + len;
	progress(f, false);
	return 0;
}

static int fetch_total(void *ctx, uint64_t size)
{
	struct cl_fetch *f = ctx;
	f->total = size;
	return ensure_mem(f, size);
}

static uint64_t fetch_limit(void *ctx)
{
	struct cl_fetch *f = ctx;
	return f->img->buf ? f->img->cap : UINT64_MAX;
}

/* One download through lib/fetch: http://, tftp://, or a bare name on the
 * lease's next-server; *why says what went wrong in words. */
static int fetch_url(struct cl_loader *l, struct cl_fetch *f, const char *url,
		     const char **why)
{
	struct nb_fetch_cfg cfg;
	nb_fetch_cfg_init(&cfg);
	cfg.user_agent = "libnetboot-chainloader";
	cfg.tcp = &l->tcp;
	cfg.tftp_server = l->dhcp.lease.next_server;
	cfg.tls = l->tls;
	int rc = nb_fetch_start(&l->dl, &l->stack, &cfg, url, &f->sink,
				l->p->now_ms(l->p->ctx));
	if (rc == 0) {
		/* lib/http notices stalls itself; TFTP gets an overall bound. */
		bool tftp = nb_fetch_kind(&l->dl) == NB_FETCH_TFTP;
		rc = wait_for(l, nb_fetch_poll_fn, &l->dl,
			      tftp ? FETCH_TIMEOUT_MS * 10 : 0);
	}
	if (rc < 0) {
		if (nb_fetch_poll(&l->dl, l->p->now_ms(l->p->ctx)) == rc)
			*why = nb_fetch_why(&l->dl);
		/* A TLS failure is named by lib/tls (untrusted, name, dates,
		 * the server's alert), or by the missing anchors. */
		if (cl_prefix(url, "https:") && l->tls_why &&
		    l->tls_why(l->tls_ctx)[0])
			*why = l->tls_why(l->tls_ctx);
		nb_fetch_cancel(&l->dl);
	}
	/* After a success an http:// connection stays open: the next fetch
	 * from the same server (the initrd after the kernel) reuses it with
	 * its window already open, instead of a handshake and a new slow
	 * start (about half a second at an 80 ms round trip). */
	return rc;
}

static int fetch(struct cl_loader *l, struct cl_img *img)
{
	struct cl_fetch *f = &l->fetch;
	memset(f, 0, sizeof(*f));
	f->l = l;
	f->img = img;
	f->sink.write = fetch_write;
	f->sink.total = fetch_total;
	f->sink.limit = fetch_limit;
	f->sink.ctx = f;
	f->start_ms = l->p->now_ms(l->p->ctx);
	char *b = l->line;
	b[0] = 0;
	add(b, sizeof(l->line), "fetching ");
	add(b, sizeof(l->line), img->url);
	add(b, sizeof(l->line), "\n");
	say(l, b);
	const char *why = NULL;
	int rc = fetch_url(l, f, img->url, &why);
	if (rc < 0) {
		b[0] = 0;
		add(b, sizeof(l->line), "\nfetch failed: ");
		add(b, sizeof(l->line), img->url);
		add(b, sizeof(l->line), ": ");
		add(b, sizeof(l->line), nb_strerror(rc));
		if (why && why[0] && !cl_streq(why, nb_strerror(rc))) {
			add(b, sizeof(l->line), " (");
			add(b, sizeof(l->line), why);
			add(b, sizeof(l->line), ")");
		}
		add(b, sizeof(l->line), "\n");
		say(l, b);
		return rc;
	}
	progress(f, true);
	img->len = f->total > f->high ? f->total : f->high;
	img->loaded = true;
	return 0;
}

/* ---- script operations ---- */

static void op_print(void *ctx, const char *text)
{
	say(ctx, text);
}

static int dhcp_poll(void *obj, uint64_t now)
{
	return nb_dhcp_poll(obj, now);
}

static int op_net_up(void *ctx, bool use_cached)
{
	struct cl_loader *l = ctx;
	const struct cl_platform *p = l->p;
	int rc;
	if (use_cached && p->ack) {
		rc = nb_dhcp_use_cached(&l->dhcp, &l->stack, p->ack, p->ack_len,
					p->proxy, p->proxy_len, p->boot_reply,
					p->boot_reply_len);
	} else {
		struct nb_dhcp_cfg cfg;
		memset(&cfg, 0, sizeof(cfg));
		rc = nb_dhcp_start(&l->dhcp, &l->stack, &cfg, p->now_ms(p->ctx));
		if (rc == 0)
			rc = wait_for(l, dhcp_poll, &l->dhcp, DHCP_TIMEOUT_MS);
	}
	if (rc < 0)
		return rc;
	l->net_up = true;
	char *b = l->line;
	b[0] = 0;
	add(b, sizeof(l->line), "net: ");
	add_ip(b, sizeof(l->line), l->dhcp.lease.ip);
	add(b, sizeof(l->line), " next-server ");
	add_ip(b, sizeof(l->line), l->dhcp.lease.next_server);
	add(b, sizeof(l->line), l->dhcp.lease.from_cache
					? " (firmware lease adopted, no DHCP sent)\n"
					: " (DHCP)\n");
	say(l, b);
	return 0;
}

static int copy_out(char *out, size_t cap, const char *v)
{
	size_t n = cl_slen(v);
	if (n + 1 > cap)
		return -1;
	memcpy(out, v, n + 1);
	return (int)n;
}

static int op_get(void *ctx, const char *name, char *out, size_t cap)
{
	struct cl_loader *l = ctx;
	const struct nb_dhcp_lease *ls = &l->dhcp.lease;
	char tmp[20] = "";
	if (!l->net_up)
		return -1;
	if (cl_streq(name, "ip") || cl_streq(name, "net0/ip")) {
		add_ip(tmp, sizeof(tmp), ls->ip);
		return copy_out(out, cap, tmp);
	}
	if (cl_streq(name, "next-server") ||
	    cl_streq(name, "net0/next-server")) {
		add_ip(tmp, sizeof(tmp), ls->next_server);
		return copy_out(out, cap, tmp);
	}
	if (cl_streq(name, "filename") || cl_streq(name, "net0/filename"))
		return copy_out(out, cap, ls->boot_file);
	/* "NNN:string": any option, raw, from the most specific packet. */
	unsigned tag = 0;
	const char *p = name;
	while (*p >= '0' && *p <= '9' && tag < 1000)
		tag = tag * 10 + (unsigned)(*p++ - '0');
	if (p == name || !cl_streq(p, ":string") || !tag || tag > 254 ||
	    cap < 2)
		return -1;
	int n = nb_dhcp_option(&l->dhcp, NB_DHCP_PKT_ANY, (uint8_t)tag, out,
			       cap - 1);
	if (n < 0)
		return -1;
	out[n] = 0;
	return n;
}

static int op_set_option(void *ctx, unsigned tag, const char *value)
{
	struct cl_loader *l = ctx;
	if (!l->p->set_option)
		return 0;
	return l->p->set_option(l->p->ctx, tag, value);
}

static struct cl_img *image_for(struct cl_loader *l, const char *url)
{
	struct cl_img *free_img = NULL;
	for (int i = 0; i < CL_IMAGES; i++) {
		struct cl_img *img = &l->images[i];
		if (img->url[0] && cl_streq(img->url, url))
			return img;
		if (!img->url[0] && !free_img)
			free_img = img;
	}
	return free_img;
}

static int load(struct cl_loader *l, enum cl_image kind, const char *url,
		const char *args, struct cl_img **out)
{
	if (!l->net_up) {
		int rc = op_net_up(l, true);
		if (rc < 0)
			return rc;
	}
	if (cl_slen(url) >= CL_URL_MAX || cl_slen(args) >= CL_IMG_ARGS_MAX)
		return -NB_EMSGSIZE;
	struct cl_img *img = image_for(l, url);
	if (!img)
		return -NB_ENOMEM;
	if (!img->url[0])
		memcpy(img->url, url, cl_slen(url) + 1);
	memcpy(img->args, args, cl_slen(args) + 1);
	img->kind = kind;
	*out = img;
	return img->loaded ? 0 : fetch(l, img);
}

static int op_load(void *ctx, enum cl_image kind, const char *url,
		   const char *args)
{
	struct cl_loader *l = ctx;
	struct cl_img *img;
	int rc = load(l, kind, url, args, &img);
	if (rc < 0)
		return rc;
	if (kind == CL_KERNEL)
		l->kernel = img;
	else if (kind == CL_INITRD)
		l->initrd = img;
	return 0;
}

static int op_chain(void *ctx, const char *url, const char *args)
{
	struct cl_loader *l = ctx;
	struct cl_img *img;
	int rc = load(l, CL_FETCH, url, args, &img);
	if (rc < 0)
		return rc;
	nb_fetch_cancel(&l->dl); /* the server sees the kept connection end */
	return l->p->boot_chain(l->p->ctx, img->buf, img->len, img->args);
}

static int op_boot(void *ctx)
{
	struct cl_loader *l = ctx;
	if (!l->kernel) {
		say(l, "boot: no kernel loaded\n");
		return -NB_EINVAL;
	}
	const struct cl_img *i = l->initrd;
	nb_fetch_cancel(&l->dl);
	return l->p->boot_kernel(l->p->ctx, l->kernel->buf, l->kernel->len,
				 i ? i->buf : NULL, i ? i->len : 0,
				 l->kernel->args);
}

static int op_digest(void *ctx, const char *url, uint8_t *out)
{
	struct cl_loader *l = ctx;
	struct cl_img *img;
	int rc = load(l, CL_FETCH, url, "", &img);
	if (rc < 0)
		return rc;
	/* Hashed only when a script asks: 14 MB through SHA-256 costs most
	 * of a second under emulation, on every boot. */
	if (!img->hashed) {
		struct nb_sha256 h;
		nb_sha256_init(&h);
		nb_sha256_update(&h, img->buf, (size_t)img->len);
		nb_sha256_final(&h, img->digest);
		img->hashed = true;
	}
	memcpy(out, img->digest, NB_SHA256_LEN);
	return 0;
}

static const struct cl_ops loader_ops = {
	.print = op_print,
	.net_up = op_net_up,
	.get = op_get,
	.set_option = op_set_option,
	.load = op_load,
	.chain = op_chain,
	.boot = op_boot,
	.digest = op_digest,
};

int cl_loader_init(struct cl_loader *l, const struct cl_platform *p,
		   void *arena, size_t arena_len)
{
	memset(l, 0, sizeof(*l));
	l->p = p;
	nb_arena_init(&l->arena, arena, arena_len);
	int rc = nb_stack_init(&l->stack, p->link, &p->rng, &l->arena);
	if (rc == 0)
		rc = nb_tcp_init(&l->tcp, &l->stack);
	return rc;
}

int cl_loader_run(struct cl_loader *l, const char *script, size_t len)
{
	return cl_script_run(&l->script, script, len, &loader_ops, l);
}
