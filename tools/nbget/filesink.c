/*
 * nbget's file sink: writes at absolute offsets into the output file,
 * gathering contiguous writes into large pwrite()s, with an optional
 * running SHA-256 and a progress line on the terminal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netboot/sha256.h"
#include "nbget.h"

/* Redraw the progress bar at most this often: a terminal is slow. */
#define DRAW_EVERY_MS 100

static void draw(struct nbget_filesink *fs, uint64_t now)
{
	double secs = (double)(now - fs->start_ms) / 1000.0;
	double mbs = secs > 0 ? (double)fs->high / secs / 1e6 : 0;
	if (fs->total) {
		int pct = (int)(fs->high * 100 / fs->total);
		int bars = pct / 4;
		fprintf(stderr, "\r[%-25.*s] %3d%% %llu/%llu bytes %.1f MB/s",
			bars, "#########################", pct,
			(unsigned long long)fs->high,
			(unsigned long long)fs->total, mbs);
	} else {
		fprintf(stderr, "\r%llu bytes %.1f MB/s",
			(unsigned long long)fs->high, mbs);
	}
}

static int put(int fd, uint64_t off, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return errno == ENOSPC ? -NB_ENOSPC : -NB_EIO;
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

static int flush(struct nbget_filesink *fs)
{
	int rc = put(fs->fd, fs->buf_off, fs->buf, fs->buf_len);
	fs->buf_len = 0;
	return rc;
}

static int fs_write(void *ctx, uint64_t off, const void *data, size_t len)
{
	struct nbget_filesink *fs = ctx;
	int rc = 0;
	if (!fs->buf) {
		rc = put(fs->fd, off, data, len);
	} else {
		/* Anything but the continuation of the gathered run (out of
		 * order, a retransmission, a parallel part) ends the run;
		 * rewrites carry the same bytes, so order does not matter. */
		if (fs->buf_len && (off != fs->buf_off + fs->buf_len ||
				    len > NBGET_SINK_BUF - fs->buf_len))
			rc = flush(fs);
		if (rc == 0 && len >= NBGET_SINK_BUF) {
			rc = put(fs->fd, off, data, len);
		} else if (rc == 0) {
			if (!fs->buf_len)
				fs->buf_off = off;
			memcpy(fs->buf + fs->buf_len, data, len);
			fs->buf_len += len;
		}
	}
	if (rc < 0)
		return rc;
	if (!fs->first_ms)
		fs->first_ms = nbget_now(fs->g);
	fs->written += len;
	if (off + len > fs->high)
		fs->high = off + len;
	if (fs->tty && !fs->g->quiet) {
		uint64_t now = nbget_now(fs->g);
		if (now - fs->last_draw_ms >= DRAW_EVERY_MS) {
			fs->last_draw_ms = now;
			draw(fs, now);
		}
	}
	return 0;
}

static int fs_total(void *ctx, uint64_t size)
{
	struct nbget_filesink *fs = ctx;
	fs->total = size;
	return 0;
}

int nbget_filesink_open(struct nbget_filesink *fs, struct nbget *g,
			const char *path)
{
	memset(fs, 0, sizeof(*fs));
	fs->fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fs->fd < 0)
		return -NB_EACCES;
	fs->g = g;
	fs->buf = malloc(NBGET_SINK_BUF); /* NULL: write through, still correct */
	fs->tty = isatty(STDERR_FILENO);
	fs->start_ms = nbget_now(g);
	fs->sink.write = fs_write;
	fs->sink.total = fs_total;
	fs->sink.ctx = fs;
	return 0;
}

static int verify(struct nbget_filesink *fs, const char *hex)
{
	uint8_t want[NB_SHA256_LEN], got[NB_SHA256_LEN];
	if (nb_sha256_parse_hex(hex, want) < 0)
		return -NB_EINVAL;
	struct nb_sha256 c;
	nb_sha256_init(&c);
	static char buf[1 << 16];
	off_t off = 0;
	for (;;) {
		ssize_t n = pread(fs->fd, buf, sizeof(buf), off);
		if (n < 0)
			return -NB_EIO;
		if (n == 0)
			break;
		nb_sha256_update(&c, buf, (size_t)n);
		off += n;
	}
	nb_sha256_final(&c, got);
	return memcmp(want, got, sizeof(got)) ? -NB_EDIGEST : 0;
}

int nbget_filesink_finish(struct nbget_filesink *fs, int rc, long retrans)
{
	uint64_t now = nbget_now(fs->g);
	if (fs->tty && !fs->g->quiet) {
		draw(fs, now);
		fputc('\n', stderr);
	}
	if (fs->buf) {
		int frc = fs->buf_len ? flush(fs) : 0;
		if (frc < 0 && rc == 0)
			rc = frc;
		free(fs->buf);
		fs->buf = NULL;
	}
	/* A sink only learns the end from its writes; a file shorter than
	 * the announced size (e.g. an empty body) must still be that long. */
	if (rc == 0 && fs->total > fs->high &&
	    ftruncate(fs->fd, (off_t)fs->total) < 0)
		rc = -NB_EIO;
	if (rc == 0 && fs->g->sha256_hex) {
		rc = verify(fs, fs->g->sha256_hex);
		if (rc == -NB_EDIGEST)
			fprintf(stderr, "nbget: SHA-256 MISMATCH: the file is corrupt\n");
	}
	if (close(fs->fd) < 0 && rc == 0)
		rc = -NB_EIO;
	if (rc == 0 && !fs->g->quiet) {
		double secs = (double)(now - fs->start_ms) / 1000.0;
		printf("%llu bytes in %.3f s, %.2f MB/s",
		       (unsigned long long)fs->high, secs,
		       secs > 0 ? (double)fs->high / secs / 1e6 : 0.0);
		if (retrans >= 0)
			printf(", %ld retransmissions", retrans);
		printf("\n");
	}
	return rc;
}
