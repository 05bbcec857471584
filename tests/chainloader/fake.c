#include "fake.h"

#include <stdio.h>
#include <string.h>

#include "netboot/err.h"

static void logf_(char *buf, size_t cap, const char *t)
{
	size_t n = strlen(buf);
	snprintf(buf + n, cap - n, "%s", t);
}

static void f_print(void *ctx, const char *t)
{
	struct fake *f = ctx;
	logf_(f->out, sizeof(f->out), t);
}

/* The next key once key_ms passed since the last; ESC ten minutes after
 * the keys ran out, so an endless prompt still ends. */
static int f_key(void *ctx)
{
	struct fake *f = ctx;
	if (f->now - f->last_key < (f->keys && *f->keys ? f->key_ms : 600000))
		return -1;
	f->last_key = f->now;
	return f->keys && *f->keys ? (unsigned char)*f->keys++ : 27;
}

static uint64_t f_now(void *ctx)
{
	return ((struct fake *)ctx)->now;
}

static void f_wait(void *ctx, uint32_t ms)
{
	((struct fake *)ctx)->now += ms ? ms : 1;
}

static int f_net(void *ctx, enum cl_net what)
{
	struct fake *f = ctx;
	char b[32];
	snprintf(b, sizeof(b), "net(%d);", (int)what);
	logf_(f->calls, sizeof(f->calls), b);
	return f->net_rc;
}

static int f_get(void *ctx, unsigned key, uint8_t *out, size_t cap)
{
	(void)ctx;
	static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
	static const uint8_t ip[4] = {10, 0, 0, 5}, ns[4] = {10, 0, 0, 1};
	static const uint8_t uuid[16] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc,
		0xde, 0xf0, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
	const void *v = NULL;
	size_t n = 0;
	switch (key) {
	case CL_K_MAC: v = mac; n = 6; break;
	case CL_K_IP: v = ip; n = 4; break;
	case CL_K_NEXT_SERVER: v = ns; n = 4; break;
	case CL_K_UUID: v = uuid; n = 16; break;
	case CL_K_BUILDARCH: v = "x86_64"; n = 6; break;
	case CL_K_PLATFORM: v = "efi"; n = 3; break;
	case CL_K_SERIAL: v = "SN-1"; n = 4; break;
	case 210: v = "http://lease/"; n = 13; break;
	case 12: v = "host-a"; n = 6; break;
	default: return -1;
	}
	if (n > cap)
		return -1;
	memcpy(out, v, n);
	return (int)n;
}

static int f_setopt(void *ctx, unsigned tag, const char *v)
{
	struct fake *f = ctx;
	char b[400];
	snprintf(b, sizeof(b), "opt(%u,%.300s);", tag, v);
	logf_(f->calls, sizeof(f->calls), b);
	return 0;
}

static int f_fetch(void *ctx, struct cl_img *img, const char *const *mirrors,
		   unsigned nmirrors, const char *post, uint32_t timeout_ms)
{
	struct fake *f = ctx;
	char b[700];
	for (unsigned i = 0; i < nmirrors; i++) {
		snprintf(b, sizeof(b), "mirror(%.256s);", mirrors[i]);
		logf_(f->calls, sizeof(f->calls), b);
	}
	snprintf(b, sizeof(b), "fetch(%.256s%s%.300s,%u);", img->url,
		 post ? " POST " : "", post ? post : "", timeout_ms);
	logf_(f->calls, sizeof(f->calls), b);
	for (int i = 0; i < FAKE_FILES; i++) {
		struct fake_file *ff = &f->files[i];
		if (!ff->url || strcmp(ff->url, img->url) != 0)
			continue;
		if (ff->fails) {
			ff->fails--;
			return ff->rc;
		}
		if (!img->buf) {
			if (f->nmem == CL_IMAGES * 2)
				return -NB_ENOSPC;
			img->buf = f->mem[f->nmem++];
			img->cap = FAKE_MEM;
		}
		size_t n = ff->len ? ff->len : strlen(ff->body);
		if (n > img->cap)
			return -NB_ETOOBIG;
		memcpy(img->buf, ff->body, n);
		img->len = n;
		return 0;
	}
	return -NB_ENOTFOUND;
}

static int f_boot(void *ctx, struct cl_img *k, struct cl_img *const *rd,
		  unsigned n)
{
	struct fake *f = ctx;
	char b[900], names[4 * CL_INITRDS * CL_NAME_MAX] = "-";
	for (unsigned i = 0; i < n; i++)
		snprintf(names + (i ? strlen(names) : 0),
			 sizeof(names) - (i ? strlen(names) : 0), "%s%s",
			 i ? "+" : "", rd[i]->name);
	snprintf(b, sizeof(b), "boot(%s,%.512s,%.200s);", k->name, k->args,
		 names);
	logf_(f->calls, sizeof(f->calls), b);
	return f->boot_rc;
}

static int f_chain(void *ctx, struct cl_img *img)
{
	struct fake *f = ctx;
	char b[900];
	snprintf(b, sizeof(b), "chain(%s,%.512s);", img->name, img->args);
	logf_(f->calls, sizeof(f->calls), b);
	return f->chain_rc;
}

const struct cl_ops fake_ops = {
	.print = f_print, .key = f_key, .now = f_now, .wait = f_wait,
	.net = f_net, .get = f_get, .set_option = f_setopt, .fetch = f_fetch,
	.boot = f_boot, .chain = f_chain,
};

void fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->key_ms = 100;
	f->boot_rc = -NB_EBADIMAGE;
	f->chain_rc = -NB_ENOTFOUND;
}
