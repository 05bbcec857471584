/* pcap captures into files, for hosted tools and tests. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "netboot/hosted.h"

static int file_out(void *ctx, const void *data, size_t len)
{
	FILE *f = ctx;
	if (!f || fwrite(data, 1, len, f) != len)
		return -NB_EIO;
	return 0;
}

static uint64_t wall_us(void *ctx)
{
	(void)ctx;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Flush per record so a crashed test still leaves a readable capture. */
static int file_out_flush(void *ctx, const void *data, size_t len)
{
	int rc = file_out(ctx, data, len);
	if (rc == 0 && fflush((FILE *)ctx) != 0)
		rc = -NB_EIO;
	return rc;
}

int nb_pcap_open_file(struct nb_pcap *p, struct nb_link *inner,
		      const char *path)
{
	if (!p || !path)
		return -NB_EINVAL;
	FILE *f = fopen(path, "wbe");
	if (!f)
		return errno == EACCES || errno == EPERM ? -NB_EACCES : -NB_EIO;
	struct nb_pcap_cfg cfg = {
		.out = file_out_flush,
		.out_ctx = f,
		.now_us = wall_us,
	};
	int rc = inner ? nb_pcap_wrap(p, inner, &cfg) : nb_pcap_start(p, &cfg);
	if (rc < 0) {
		fclose(f);
		p->cfg.out = NULL;
		p->cfg.out_ctx = NULL;
	}
	return rc;
}

int nb_pcap_close_file(struct nb_pcap *p)
{
	/* Only close what nb_pcap_open_file() opened. */
	if (!p || p->cfg.out != file_out_flush || !p->cfg.out_ctx)
		return 0;
	int rc = fclose((FILE *)p->cfg.out_ctx) == 0 ? 0 : -NB_EIO;
	/* Keep forwarding; nb_pcap_record() refuses without an output. */
	p->cfg.out = NULL;
	p->cfg.out_ctx = NULL;
	return rc;
}
