/* nbget's TFTP side: `get tftp://SERVER[:PORT]/PATH -o FILE`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netboot/tftp.h"
#include "nbget.h"

/*
 * Write-behind in front of the file sink: TFTP hands over one block of at
 * most 1468 bytes at a time, in order, and a pwrite() per block costs as
 * much CPU as the rest of the receive path.  Contiguous blocks are
 * gathered here and written 256 KiB at a time, or after WB_HOLD_MS so
 * the progress bar keeps moving on slow paths.
 */
#define WB_SIZE (256 * 1024)
#define WB_HOLD_MS 200
struct wbuf {
	struct nb_sink sink;
	const struct nb_sink *next;
	struct nbget *g;
	uint64_t flushed_ms; /* when the buffer was last written out */
	uint64_t off; /* file offset of buf[0] */
	size_t len;
	uint8_t buf[WB_SIZE];
};

static int wb_flush(struct wbuf *w)
{
	int rc = w->len ? nb_sink_write(w->next, w->off, w->buf, w->len) : 0;
	w->off += w->len;
	w->len = 0;
	w->flushed_ms = nbget_now(w->g);
	return rc;
}

static int wb_write(void *ctx, uint64_t off, const void *data, size_t len)
{
	struct wbuf *w = ctx;
	if (off != w->off + w->len || len > WB_SIZE - w->len) {
		int rc = wb_flush(w);
		if (rc < 0)
			return rc;
		w->off = off;
		if (len > WB_SIZE) {
			w->off = off + len;
			return nb_sink_write(w->next, off, data, len);
		}
	}
	memcpy(w->buf + w->len, data, len);
	w->len += len;
	if (nbget_now(w->g) - w->flushed_ms >= WB_HOLD_MS)
		return wb_flush(w);
	return 0;
}

static int wb_total(void *ctx, uint64_t size)
{
	struct wbuf *w = ctx;
	return nb_sink_total(w->next, size);
}

/* Split the URL into host, port and file name (percent-decoded). */
static int parse_url(const char *url, char *host, size_t hcap,
		     uint16_t *port, char *path, size_t pcap)
{
	const char *h = url + strlen("tftp://");
	const char *slash = strchr(h, '/');
	if (!slash || slash == h || (size_t)(slash - h) >= hcap)
		return -1;
	memcpy(host, h, (size_t)(slash - h));
	host[slash - h] = 0;
	*port = NB_TFTP_PORT;
	char *colon = strchr(host, ':');
	if (colon) {
		char *end;
		unsigned long v = strtoul(colon + 1, &end, 10);
		if (!colon[1] || *end || !v || v > 65535)
			return -1;
		*port = (uint16_t)v;
		*colon = 0;
	}
	/* tftp://host/dir/file names "dir/file": servers resolve it under
	 * their root either way, and a leading "/" breaks some of them. */
	const char *s = slash + 1;
	size_t n = 0;
	while (*s) {
		unsigned c = (unsigned char)*s++;
		if (c == '%' && s[0] && s[1]) {
			char hex[3] = {s[0], s[1], 0};
			char *end;
			c = (unsigned)strtoul(hex, &end, 16);
			if (*end || !c)
				return -1;
			s += 2;
		}
		if (n + 1 >= pcap)
			return -1;
		path[n++] = (char)c;
	}
	path[n] = 0;
	return n ? 0 : -1;
}

int nbget_get_tftp(struct nbget *g, const char *url, const char *out_path)
{
	char host[256], path[512];
	uint16_t port;
	if (parse_url(url, host, sizeof(host), &port, path, sizeof(path)) < 0) {
		fprintf(stderr, "nbget: bad URL %s (want tftp://HOST[:PORT]/PATH)\n",
			url);
		return 2;
	}
	uint32_t server;
	int rc = nbget_resolve(g, host, &server);
	if (rc < 0)
		return nbget_fail(host, rc);

	struct nb_tftp_cfg cfg;
	nb_tftp_cfg_init(&cfg, &g->stack, server, path);
	cfg.server_port = port;
	if (g->blksize >= 0)
		cfg.blksize = (uint16_t)g->blksize; /* 0: do not ask */
	if (g->windowsize >= 0)
		cfg.windowsize = (uint16_t)g->windowsize;

	struct nbget_filesink fs;
	rc = nbget_filesink_open(&fs, g, out_path);
	if (rc < 0)
		return nbget_fail(out_path, rc);
	static struct nb_tftp t; /* ~1 KiB: keep it off the stack */
	static struct wbuf wb;
	wb.sink.write = wb_write;
	wb.sink.total = wb_total;
	wb.sink.ctx = &wb;
	wb.next = &fs.sink;
	wb.g = g;
	wb.off = 0;
	wb.len = 0;
	wb.flushed_ms = nbget_now(g);
	rc = nb_tftp_start(&t, &g->stack, &cfg, &wb.sink, nbget_now(g));
	if (rc == 0)
		rc = nbget_wait(g, nb_tftp_poll_fn, &t);
	int frc = wb_flush(&wb);
	if (rc == 0)
		rc = frc;
	if (rc == -NB_ETIMEDOUT && t.state == NB_TFTP_TRANSFER)
		nb_tftp_abort(&t); /* our overall --timeout, not the server */
	if (!g->quiet && t.state >= NB_TFTP_DONE)
		fprintf(stderr,
			"tftp: blksize %u windowsize %u%s%s tsize %s%llu, "
			"%u timeouts, %u gap ACKs, %u duplicates\n",
			t.blksize, t.windowsize, t.oack ? "" : " (no OACK)",
			t.plain ? " (fallback to RFC 1350)" : "",
			t.have_tsize ? "" : "none/",
			(unsigned long long)(t.have_tsize ? t.tsize : t.bytes),
			t.stats.timeouts, t.stats.gap_acks,
			t.stats.dup_blocks);
	rc = nbget_filesink_finish(&fs, rc, (long)t.stats.retransmits);
	if (rc < 0) {
		if (t.err_msg[0])
			fprintf(stderr, "nbget: server error %u: %s\n",
				t.err_code, t.err_msg);
		return nbget_fail("tftp", rc);
	}
	return 0;
}
