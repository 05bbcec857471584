/*
 * The chainloader's engine, shared by the BIOS, UEFI and hosted builds:
 * brings up the stack on the platform's link, adopts the firmware's lease,
 * runs the embedded script's commands (fetch through lib/fetch into image
 * memory with a progress line, digests, boot hand-off) and reports
 * failures in words.  Everything firmware-specific is behind struct
 * cl_platform (platform.h).
 */
#include "loader.h"
#include "initrds.h"

#include "core/mem.h"
#include "fmt.h"
#include "smbios.h"

/* Redraw the progress line at most this often (a serial console is slow). */
#define PROGRESS_MS 500
/* A fetch that makes no progress at all for this long has failed. */
#define FETCH_TIMEOUT_MS 120000
#define DHCP_TIMEOUT_MS 30000
/* HTTP connections per large image unless `set parallel N` says: four
 * (NB_HTTP_PARTS_FAR) for a far server, one for a near one.  lib/http
 * times the first handshake and splits only from NB_HTTP_PARTS_RTT_MS
 * (40 ms): parts did not beat one connection at 0 or 20 ms and cost the
 * guest's CPU, while at 80 ms they save round trips of slow start on
 * UEFI (docs/PERFORMANCE.md, "Parts on UEFI" and "Adaptive parts").
 * The BIOS build says 1: its UNDI path dropped frames under four parts
 * and fetched slower at 80 ms too. */
#ifndef CL_PARALLEL
#define CL_PARALLEL NB_HTTP_PARTS_FAR
#endif

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
	/* A slot keeps its memory after imgfree: reuse it when it fits. */
	if (img->buf && (size <= img->cap || !size))
		return 0;
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

/* A setting holding a decimal number: its value, @p dflt when unset, or
 * UINT32_MAX when it is not a number (or past @p max). */
static uint32_t num_setting(struct cl_loader *l, const char *name,
			    uint32_t dflt, uint32_t max)
{
	const struct cl_var *v = cl_script_var(&l->script, name);
	uint32_t n = 0;
	if (!v)
		return dflt;
	for (unsigned i = 0; i < v->len; i++) {
		if (v->value[i] < '0' || v->value[i] > '9' || n > max)
			return UINT32_MAX;
		n = n * 10 + (uint32_t)(v->value[i] - '0');
	}
	return n > max ? UINT32_MAX : n;
}

/* One download through lib/fetch: http://, tftp://, or a bare name on the
 * lease's next-server; *why says what went wrong in words. */
static int fetch_url(struct cl_loader *l, struct cl_fetch *f, const char *url,
		     const char *const *mirrors, unsigned nmirrors,
		     const char *post, uint32_t timeout_ms, const char **why)
{
	struct nb_fetch_cfg cfg;
	nb_fetch_cfg_init(&cfg);
	cfg.user_agent = "libnetboot-chainloader";
	cfg.tcp = &l->tcp;
	cfg.tftp_server = l->dhcp.lease.next_server;
	cfg.post = post;
	cfg.tls = l->tls;
	cfg.mirrors = mirrors;
	cfg.nmirrors = (uint8_t)nmirrors;
#ifdef CL_IP6
	cl_net6_fetch_cfg(&l->v6, &cfg);
#endif
	/* A large image over HTTP comes in ranged parts on that many
	 * connections (when the server announces ranges and a size): their
	 * slow starts run side by side, which is what a long round trip
	 * costs most.  Unset (or not a number): parts only for a far
	 * server; `set parallel N` asks for N whatever the round trip, 1
	 * (or 0) for one connection. */
	uint32_t parts = num_setting(l, "parallel", UINT32_MAX,
				     NB_HTTP_PARTS_MAX);
	cfg.http_parts = parts;
	if (parts == UINT32_MAX) {
		/* A build with fewer parts than NB_HTTP_PARTS_FAR gets them
		 * all, not -NB_EINVAL on every download. */
		cfg.http_parts = CL_PARALLEL < NB_HTTP_PARTS_MAX
					 ? CL_PARALLEL : NB_HTTP_PARTS_MAX;
		cfg.http_parts_min_rtt_ms = NB_HTTP_PARTS_RTT_MS;
	}
	/* https.c prepares one TLS connection: a part more would fail. */
	if (cl_prefix(url, "https:"))
		cfg.http_parts = 1;
	int rc = nb_fetch_start(&l->dl, &l->stack, &cfg, url, &f->sink,
				l->p->now_ms(l->p->ctx));
	if (rc == 0) {
		/* lib/http notices stalls itself; TFTP gets an overall bound;
		 * a script's --timeout bounds either. */
		bool tftp = nb_fetch_kind(&l->dl) == NB_FETCH_TFTP;
		rc = wait_for(l, nb_fetch_poll_fn, &l->dl,
			      timeout_ms ? timeout_ms
			      : tftp ? FETCH_TIMEOUT_MS * 10 : 0);
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

static int fetch(struct cl_loader *l, struct cl_img *img,
		 const char *const *mirrors, unsigned nmirrors, const char *post,
		 uint32_t timeout_ms)
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
	int rc = fetch_url(l, f, img->url, mirrors, nmirrors, post, timeout_ms,
			   &why);
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
	/* How lib/http split it, and the round trip it went by. */
	const struct nb_http *h = nb_fetch_http(&l->dl);
	if (h) {
		b[0] = 0;
		add(b, sizeof(l->line), "  http: ");
		add_dec(b, sizeof(l->line), h->nparts);
		if (h->rtt_ms) {
			add(b, sizeof(l->line), " part(s), round trip ");
			add_dec(b, sizeof(l->line), h->rtt_ms);
			add(b, sizeof(l->line), " ms\n");
		} else {
			add(b, sizeof(l->line), " part(s), round trip not timed\n");
		}
		say(l, b);
	}
	img->len = f->total > f->high ? f->total : f->high;
	return 0;
}

/* ---- script operations ---- */

static void op_print(void *ctx, const char *text)
{
	say(ctx, text);
}

static int op_key(void *ctx)
{
	struct cl_loader *l = ctx;
	return l->p->key ? l->p->key(l->p->ctx) : -1;
}

static uint64_t op_now(void *ctx)
{
	struct cl_loader *l = ctx;
	return l->p->now_ms(l->p->ctx);
}

static int never_done(void *obj, uint64_t now)
{
	(void)obj;
	(void)now;
	return -NB_EAGAIN;
}

/* Time passes with the stack served: ARP answers, a kept connection's
 * close, a peer's retransmissions. */
static void op_wait(void *ctx, uint32_t ms)
{
	wait_for(ctx, never_done, NULL, ms ? ms : 1);
}

static int dhcp_poll(void *obj, uint64_t now)
{
	return nb_dhcp_poll(obj, now);
}

/* `set net0/vlan ID` before dhcp (an ID past NB_VLAN_ID_MAX is left for
 * nb_vlan_wrap() to refuse): the stack starts again on an 802.1Q
 * wrapper of the platform's link, in the arena only the stack uses. */
static int vlan_up(struct cl_loader *l)
{
	uint32_t vid = num_setting(l, "net0/vlan", 0, 0xffff);
	if (vid == UINT32_MAX)
		return -NB_EINVAL;
	if (vid == l->vlan.vid)
		return 0;
	nb_fetch_cancel(&l->dl);
	nb_arena_reset(&l->arena, 0);
	int rc = vid ? nb_vlan_wrap(&l->vlan, l->p->link, (uint16_t)vid,
				    &l->arena) : 0;
	if (rc < 0 || !vid)
		l->vlan.vid = 0;
	/* Untagged again when the ID was refused: the stack must exist. */
	int up = nb_stack_init(&l->stack,
			       l->vlan.vid ? &l->vlan.link : l->p->link,
			       &l->p->rng, &l->arena);
	if (up == 0)
		up = nb_tcp_init(&l->tcp, &l->stack);
#ifdef CL_IP6
	/* The v6 layer lived in the arena just reset: attach it again. */
	l->v6.up = false;
#endif
	return rc < 0 ? rc : up;
}

static int net_up(struct cl_loader *l, bool use_cached)
{
	const struct cl_platform *p = l->p;
	int rc = vlan_up(l);
	if (rc < 0)
		return rc;
#ifdef CL_IP6
	/* UEFI PXEv6 left no IPv4 lease: the DHCPv6 one (net6.c). */
	if (use_cached && p->dhcp6 && !p->ack && !l->vlan.vid)
		return cl_net6_up(l);
#endif
	/* The firmware's lease is not the VLAN's. */
	if (use_cached && p->ack && !l->vlan.vid) {
		rc = nb_dhcp_use_cached(&l->dhcp, &l->stack, p->ack, p->ack_len,
					p->proxy, p->proxy_len, p->boot_reply,
					p->boot_reply_len);
		if (rc == 0 && p->inform)
			rc = nb_dhcp_inform(&l->dhcp, p->dhcp_cfg, p->now_ms(p->ctx));
		if (rc == 0 && p->inform)
			rc = wait_for(l, dhcp_poll, &l->dhcp, DHCP_TIMEOUT_MS);
	} else {
		struct nb_dhcp_cfg cfg;
		memset(&cfg, 0, sizeof(cfg));
		if (p->dhcp_cfg)
			cfg = *p->dhcp_cfg;
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
	const char *how = " (DHCP)\n";
	if (l->dhcp.lease.from_cache)
		how = !l->dhcp.lease.packets_sent
			      ? " (firmware lease adopted, no DHCP sent)\n"
		      : nb_dhcp_packet(&l->dhcp, NB_DHCP_PKT_BOOT, NULL)
			      ? " (firmware lease adopted, options by DHCPINFORM)\n"
			      : " (firmware lease adopted, DHCPINFORM unanswered)\n";
	add(b, sizeof(l->line), how);
	say(l, b);
	return 0;
}

/* pxelinux's default for option 210: the directory the loader came from,
 * when its boot file is a URL (UEFI HTTP Boot's http://.../nbchain.efi). */
static int boot_dir(const char *file, uint8_t *out, size_t cap)
{
	size_t n = cl_slen(file), scheme;
	if (nb_url_scheme_of(file, n, &scheme) == NB_URL_NONE)
		return -1;
	while (n > scheme && file[n - 1] != '/')
		n--;
	if (n <= scheme || n > cap)
		return -1;
	memcpy(out, file, n);
	return (int)n;
}

static int op_net(void *ctx, enum cl_net what)
{
	struct cl_loader *l = ctx;
	const struct nb_dhcp_lease *ls = &l->dhcp.lease;
	char *b = l->line;
	if (what <= CL_NET_DHCP)
		return net_up(l, what == CL_NET_CACHED);
	if (what == CL_NET_CLOSE) {
		nb_fetch_cancel(&l->dl);
		l->net_up = false;
		return 0;
	}
	/* ifstat / route: one line each, as iPXE words them. */
	b[0] = 0;
	add(b, sizeof(l->line), "net0: ");
	for (int i = 0; i < 6; i++) {
		static const char d[] = "0123456789abcdef";
		char h[4] = {d[l->p->link->mac[i] >> 4], d[l->p->link->mac[i] & 15],
			     i < 5 ? ':' : ' ', 0};
		if (what == CL_NET_STAT)
			add(b, sizeof(l->line), h);
	}
	add_ip(b, sizeof(l->line), l->net_up ? ls->ip : 0);
	add(b, sizeof(l->line), "/");
	add_ip(b, sizeof(l->line), l->net_up ? ls->mask : 0);
	add(b, sizeof(l->line), " gw ");
	add_ip(b, sizeof(l->line), l->net_up ? ls->router : 0);
	add(b, sizeof(l->line), l->net_up ? " (open)\n" : " (closed)\n");
	say(l, b);
	return 0;
}

static int put_be32(uint8_t *out, size_t cap, uint32_t v)
{
	if (cap < 4)
		return -1;
	for (int i = 0; i < 4; i++)
		out[i] = (uint8_t)(v >> (24 - 8 * i));
	return 4;
}

static int copy_out(uint8_t *out, size_t cap, const void *v, size_t n)
{
	if (n > cap)
		return -1;
	memcpy(out, v, n);
	return (int)n;
}

/* SMBIOS fields: type, offset, string or not (by key from CL_K_UUID). */
static const uint8_t smbios_field[][3] = {
	{1, 8, 0}, {1, 7, 1}, {1, 4, 1}, {1, 5, 1}, {3, 8, 1},
};

static int op_get(void *ctx, unsigned key, uint8_t *out, size_t cap)
{
	struct cl_loader *l = ctx;
	const struct cl_platform *p = l->p;
	const struct nb_dhcp_lease *ls = &l->dhcp.lease;
	const char *t = NULL;
	if (key == CL_K_MAC)
		return copy_out(out, cap, p->link->mac, 6);
	if (key >= CL_K_UUID && key <= CL_K_ASSET) {
		const uint8_t *f = smbios_field[key - CL_K_UUID];
		return cl_smbios_get(p->smbios, p->smbios_len, f[0], f[1], f[2],
				     out, cap);
	}
	if (key == CL_K_BUILDARCH || key == CL_K_PLATFORM) {
		t = key == CL_K_BUILDARCH ? p->buildarch : p->platform;
		return t ? copy_out(out, cap, t, cl_slen(t)) : -1;
	}
	if (!l->net_up)
		return -1;
#ifdef CL_IP6
	if (l->v6.up) {
		int n6 = cl_net6_get(&l->v6, key, out, cap);
		if (n6 < 0 && key == 210)
			return boot_dir(l->v6.dhcp.lease.boot_url, out, cap);
		return n6;
	}
#endif
	if (key == CL_K_IP)
		return put_be32(out, cap, ls->ip);
	if (key == CL_K_NEXT_SERVER)
		return put_be32(out, cap, ls->next_server);
	if (key == CL_K_FILENAME)
		return copy_out(out, cap, ls->boot_file, cl_slen(ls->boot_file));
	int n = nb_dhcp_option(&l->dhcp, NB_DHCP_PKT_ANY, (uint8_t)key, out, cap);
	if (n < 0 && key == 210)
		return boot_dir(ls->boot_file, out, cap);
	return n < 0 ? -1 : n;
}

static int op_set_option(void *ctx, unsigned tag, const char *value)
{
	struct cl_loader *l = ctx;
	if (!l->p->set_option)
		return 0;
	return l->p->set_option(l->p->ctx, tag, value);
}

static int op_fetch(void *ctx, struct cl_img *img, const char *const *mirrors,
		    unsigned nmirrors, const char *post, uint32_t timeout_ms)
{
	struct cl_loader *l = ctx;
	if (!l->net_up) {
		int rc = net_up(l, true);
		if (rc < 0)
			return rc;
	}
	img->len = 0;
	return fetch(l, img, mirrors, nmirrors, post, timeout_ms);
}

static int op_chain(void *ctx, struct cl_img *img)
{
	struct cl_loader *l = ctx;
	nb_fetch_cancel(&l->dl); /* the server sees the kept connection end */
	return l->p->boot_chain(l->p->ctx, img->buf, img->len, img->args);
}

static int op_boot(void *ctx, struct cl_img *k, struct cl_img *const *rd,
		   unsigned n)
{
	struct cl_loader *l = ctx;
	const struct cl_platform *p = l->p;
	const uint8_t *buf = n ? rd[0]->buf : NULL;
	uint64_t len = n ? rd[0]->len : 0, cap;
	nb_fetch_cancel(&l->dl);
	if (n > 1) {
		/* One initrd for the kernel: the pieces joined in order. */
		uint64_t want = cl_initrds_size(rd, n);
		uint8_t *m = p->image_mem(p->ctx, want, &cap);
		int64_t r = m ? cl_initrds_join(rd, n, m, cap) : -NB_ENOSPC;
		if (r < 0)
			return (int)r;
		buf = m;
		len = (uint64_t)r;
	}
	return p->boot_kernel(p->ctx, k->buf, k->len, buf, len, k->args);
}

static const struct cl_ops loader_ops = {
	.print = op_print,
	.key = op_key,
	.now = op_now,
	.wait = op_wait,
	.net = op_net,
	.get = op_get,
	.set_option = op_set_option,
	.fetch = op_fetch,
	.boot = op_boot,
	.chain = op_chain,
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
